"""The vocabularies: English and Arabic spellings, with and without the article, and codes from other tools."""

from __future__ import annotations

import pytest

from partnermap import schema

VOCABULARIES = [
    (schema.SECTORS, schema.SECTOR_SYNONYMS), (schema.ORG_TYPES, schema.ORG_TYPE_SYNONYMS),
    (schema.RELATIONSHIP_KINDS, schema.KIND_SYNONYMS), (schema.RESOURCES, schema.RESOURCE_SYNONYMS),
    (schema.CAUSES, schema.CAUSE_SYNONYMS), (schema.ENGAGEMENT_STAGES, schema.STAGE_SYNONYMS),
    (schema.CAPACITY_LEVELS, schema.CAPACITY_SYNONYMS), (schema.SIZES, schema.SIZE_SYNONYMS),
    (schema.TIE_STATUSES, schema.STATUS_SYNONYMS),
]


@pytest.mark.parametrize(("vocab", "synonyms"), VOCABULARIES)
def test_every_term_is_read_from_its_key_and_both_labels(vocab, synonyms) -> None:
    for key, term in vocab.items():
        for spelling in (key, term.en, term.ar, term.en.upper()):
            assert schema.normalize_term(spelling, synonyms) == key, (spelling, key)


@pytest.mark.parametrize(("written", "synonyms", "key"), [
    ("الفقر", schema.CAUSE_SYNONYMS, "poverty"),  # فقر with the article
    ("فقر", schema.CAUSE_SYNONYMS, "poverty"),
    ("السلامة", schema.CAUSE_SYNONYMS, "safety"),
    ("الأيتام", schema.CAUSE_SYNONYMS, "children"),
    ("تعليم", schema.CAUSE_SYNONYMS, "education"),  # التعليم without it
    ("دعم عيني", schema.RESOURCE_SYNONYMS, "in_kind_services"),
    ("الدعم العيني", schema.RESOURCE_SYNONYMS, "in_kind_services"),
    ("الخيري", schema.SECTOR_SYNONYMS, "non_profit"),
    ("GOV", schema.SECTOR_SYNONYMS, "public"),  # UCINET's sector codes
    ("VOL", schema.SECTOR_SYNONYMS, "non_profit"),
    ("PVT", schema.SECTOR_SYNONYMS, "for_profit"),
    ("الخاص", schema.SECTOR_SYNONYMS, "for_profit"),
    ("العام", schema.SECTOR_SYNONYMS, "public"),
    ("دعم عيني", schema.KIND_SYNONYMS, "in_kind"),  # as a tie kind it stays a kind
])
def test_common_spellings_are_recognised(written: str, synonyms: dict[str, str], key: str) -> None:
    assert schema.normalize_term(written, synonyms) == key



@pytest.mark.parametrize(("name", "sector", "org_type"), [
    ("MIAMI-DADE COUNTY", "public", ""),
    ("DEPARTMENT OF CHILDREN AND FAMILIES", "public", "government_agency"),
    ("CITY OF HIALEAH", "public", "local_council"),
    ("FLORIDA INTERNATIONAL UNIVERSITY", "public", "university"),
    ("NORTH MIAMI SENIOR HIGH SCHOOL", "public", "school"),
    ("ACME SERVICES LTD", "for_profit", "company"),
    ("Sunrise Home Care, LLC", "for_profit", "company"),
    ("جمعية ترميم المنازل", "non_profit", "association"),
    ("مؤسسة الملك خالد الخيرية", "non_profit", "charity"),
    ("شركة الساحل للتجارة", "for_profit", "company"),
    ("وزارة الموارد البشرية", "public", "government_agency"),
    ("أمانة المنطقة الشرقية", "public", "local_council"),
    ("بلدية الخبر", "public", "local_council"),
    ("مدرسة الظهران الثانوية", "public", "school"),
    ("جامعة الإمام عبدالرحمن", "public", "university"),
    ("مستشفى الملك فهد", "public", "healthcare"),
    # the first rule that matches wins
    ("Orange County Food Bank", "non_profit", "charity"),
    ("Catholic Charities of the Archdiocese, Inc.", "non_profit", "charity"),
    ("GIRL SCOUTS COUNCIL OF TROPICAL FLORIDA, INC.", "non_profit", "charity"),
    ("Ministry of Health", "public", "government_agency"),
    ("Grace Church Ministries", "non_profit", "religious"),
    ("جامع الإمام تركي", "non_profit", "religious"),  # a mosque, not a university (جامعة)
])
def test_sector_inferred_from_names(name: str, sector: str, org_type: str) -> None:
    found = schema.infer_sector(name)
    assert found is not None and found[:2] == (sector, org_type)
    assert found[2] in name  # the clue as written


def test_names_that_say_nothing_infer_nothing() -> None:
    for name in ("Samaritan House", "Peninsula Family Service", "", None, "حي النزهة", "Helping Hands, Inc."):
        assert schema.infer_sector(name) is None


def test_every_clue_type_belongs_to_its_sector() -> None:
    for _, sector, org_type in schema.SECTOR_CLUES:
        assert sector in schema.SECTORS
        assert not org_type or schema.ORG_TYPES[org_type].sector == sector, org_type
