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

