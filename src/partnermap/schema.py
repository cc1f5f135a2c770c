"""Vocabularies and the column contract: the one source of truth.

Every controlled term partnermap understands lives here, each with an English and an
Arabic label, together with the synonyms (English and Arabic) that user input is
normalised from. :mod:`partnermap.load` uses these tables to clean data; reports and
maps use the labels.

Examples
--------
>>> from partnermap import schema
>>> schema.normalize_term("Charity", schema.SECTOR_SYNONYMS)
'non_profit'
>>> schema.normalize_term("حكومي", schema.SECTOR_SYNONYMS)
'public'
>>> schema.ORG_TYPES["school"].sector
'public'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "Term",
    "OrgType",
    "SECTORS",
    "ORG_TYPES",
    "RELATIONSHIP_KINDS",
    "DIRECTED_KINDS",
    "RESOURCES",
    "CAUSES",
    "ENGAGEMENT_STAGES",
    "CAPACITY_LEVELS",
    "SIZES",
    "TIE_STATUSES",
    "SECTOR_SYNONYMS",
    "ORG_TYPE_SYNONYMS",
    "KIND_SYNONYMS",
    "RESOURCE_SYNONYMS",
    "CAUSE_SYNONYMS",
    "STAGE_SYNONYMS",
    "CAPACITY_SYNONYMS",
    "SIZE_SYNONYMS",
    "STATUS_SYNONYMS",
    "ORG_COLUMNS",
    "ORG_REQUIRED",
    "REL_COLUMNS",
    "REL_REQUIRED",
    "AREA_REQUIRED",
    "PRIVATE_COLUMNS",
    "PRIVATE_PATTERN",
    "MULTI_VALUED",
    "COLUMN_SYNONYMS",
    "normalize_text",
    "normalize_term",
    "label",
]


@dataclass(frozen=True)
class Term:
    """A controlled-vocabulary term with its bilingual labels."""

    key: str
    en: str
    ar: str


@dataclass(frozen=True)
class OrgType(Term):
    """An organisation type and the sector it implies."""

    sector: str = "non_profit"


def _terms(*rows: tuple[str, str, str]) -> dict[str, Term]:
    return {k: Term(k, en, ar) for k, en, ar in rows}


SECTORS = _terms(
    ("for_profit", "For-profit", "القطاع الخاص"),
    ("non_profit", "Non-profit", "القطاع غير الربحي"),
    ("public", "Public", "القطاع العام"),
)

ORG_TYPES: dict[str, OrgType] = {
    k: OrgType(k, en, ar, sector)
    for k, en, ar, sector in [
        ("company", "Company", "شركة", "for_profit"),
        ("small_business", "Small business", "منشأة صغيرة", "for_profit"),
        ("charity", "Charity", "جمعية خيرية", "non_profit"),
        ("association", "Association", "جمعية أهلية", "non_profit"),
        ("religious", "Religious institution", "مؤسسة دينية", "non_profit"),
        ("school", "School", "مدرسة", "public"),
        ("university", "University", "جامعة", "public"),
        ("library", "Library", "مكتبة", "public"),
        ("museum", "Museum", "متحف", "public"),
        ("science_centre", "Science centre", "مركز علوم", "public"),
        ("arts_venue", "Arts venue", "مركز فنون", "non_profit"),
        ("police", "Police", "شرطة", "public"),
        ("healthcare", "Health care", "رعاية صحية", "public"),
        ("local_council", "Local council", "مجلس بلدي", "public"),
        ("government_agency", "Government agency", "جهة حكومية", "public"),
        ("community_group", "Community group", "مجموعة مجتمعية", "non_profit"),
        ("service_provider", "Service provider", "مقدم خدمات", "public"),
        ("other", "Other", "أخرى", ""),
    ]
}

RELATIONSHIP_KINDS = _terms(
    ("partnership", "Partnership", "شراكة"),
    ("funding", "Funding", "تمويل"),
    ("in_kind", "In-kind support", "دعم عيني"),
    ("referral", "Referral", "إحالة"),
    ("joint_project", "Joint project", "مشروع مشترك"),
    ("membership", "Membership", "عضوية"),
    ("mou", "Memorandum of understanding", "مذكرة تفاهم"),
    ("informal", "Informal tie", "علاقة غير رسمية"),
)

#: Kinds whose ties point from giver to receiver unless ``directed`` says otherwise.
DIRECTED_KINDS = frozenset({"funding", "referral"})

RESOURCES = _terms(
    ("funding", "Funding", "تمويل"),
    ("space", "Space", "مساحات"),
    ("volunteers", "Volunteers", "متطوعون"),
    ("skills", "Skills", "مهارات"),
    ("expertise", "Expertise", "خبرات"),
    ("equipment", "Equipment", "معدات"),
    ("data", "Data", "بيانات"),
    ("networks", "Networks", "شبكات علاقات"),
    ("audiences", "Audiences", "جماهير"),
    ("content", "Content", "محتوى"),
    ("training", "Training", "تدريب"),
    ("in_kind_services", "In-kind services", "خدمات عينية"),
)

CAUSES = _terms(
    ("education", "Education", "التعليم"),
    ("health", "Health", "الصحة"),
    ("housing", "Housing", "الإسكان"),
    ("women", "Women", "المرأة"),
    ("youth", "Youth", "الشباب"),
    ("children", "Children", "الأطفال"),
    ("elderly", "Elderly", "كبار السن"),
    ("disability", "Disability", "ذوو الإعاقة"),
    ("environment", "Environment", "البيئة"),
    ("culture", "Culture", "الثقافة"),
    ("employment", "Employment", "التوظيف"),
    ("poverty", "Poverty relief", "مكافحة الفقر"),
    ("safety", "Community safety", "السلامة المجتمعية"),
    ("family", "Family", "الأسرة"),
    ("sport", "Sport", "الرياضة"),
    ("science", "Science", "العلوم"),
)

ENGAGEMENT_STAGES = _terms(
    ("identified", "Identified", "تم التحديد"),
    ("contacted", "Contacted", "تم التواصل"),
    ("engaged", "Engaged", "متفاعل"),
    ("partner", "Partner", "شريك"),
    ("lapsed", "Lapsed", "منقطع"),
)

CAPACITY_LEVELS = _terms(
    ("low", "Low", "منخفضة"),
    ("medium", "Medium", "متوسطة"),
    ("high", "High", "عالية"),
)

SIZES = _terms(
    ("small", "Small", "صغيرة"),
    ("medium", "Medium", "متوسطة"),
    ("large", "Large", "كبيرة"),
)

TIE_STATUSES = _terms(
    ("active", "Active", "قائمة"),
    ("proposed", "Proposed", "مقترحة"),
    ("ended", "Ended", "منتهية"),
)

# --------------------------------------------------------------------------- text


_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_ALEF = re.compile("[\u0622\u0623\u0625\u0671]")  # آ أ إ ٱ -> ا
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")  # Arabic-Indic -> 0-9


def normalize_text(text: object) -> str:
    """Fold a string for matching: case, spaces, punctuation and Arabic variants.

    Arabic normalisation folds alef variants (أ إ آ ٱ → ا), alef maqsura to yaa
    (ى → ي), taa marbuta to haa (ة → ه), removes tatweel (ـ) and diacritics, and reads
    Arabic-Indic digits as 0–9.

    Parameters
    ----------
    text
        Anything; it is read as text (None gives ``""``).

    Returns
    -------
    str
        The folded text.

    Examples
    --------
    >>> normalize_text("  Non-Profit ")
    'non profit'
    >>> normalize_text("جمعيّة") == normalize_text("جمعيه")
    True
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).casefold().translate(_DIGITS)
    s = _ARABIC_DIACRITICS.sub("", s).replace("\u0640", "")
    s = _ALEF.sub("\u0627", s).replace("\u0649", "\u064a").replace("\u0629", "\u0647")
    s = re.sub(r"[\s_\-./]+", " ", s)
    return s.strip()


_ARABIC_WORD = re.compile("[\u0621-\u064a]")


def _with_and_without_article(spelling: str) -> tuple[str, ...]:
    """An Arabic spelling with the article ال on every word, and without it: الدعم العيني, دعم عيني."""
    words = spelling.split()
    if not words or not all(_ARABIC_WORD.match(w) for w in words):
        return ()
    bare = [w[2:] if w.startswith("ال") and len(w) > 4 else w for w in words]
    return " ".join(bare), " ".join("ال" + w if len(w) >= 3 else w for w in bare)  # تم stays تم


def _synonyms(vocab: dict[str, Term], extra: dict[str, str]) -> dict[str, str]:
    """Map normalised spellings (key, labels, extras) to canonical keys.

    Arabic spellings also match with and without the article (الفقر as فقر), unless that
    form is another term's spelling.
    """
    table: dict[str, str] = {}
    for key, term in vocab.items():
        for spelling in (key, term.en, term.ar):
            table[normalize_text(spelling)] = key
    for spelling, key in extra.items():
        assert key in vocab, key
        table[normalize_text(spelling)] = key
    for spelling, key in list(table.items()):
        for variant in _with_and_without_article(spelling):
            table.setdefault(variant, key)
    return table


SECTOR_SYNONYMS = _synonyms(
    SECTORS,
    {
        "private": "for_profit", "private sector": "for_profit", "business": "for_profit",
        "company": "for_profit", "corporate": "for_profit", "commercial": "for_profit",
        "for profit": "for_profit", "forprofit": "for_profit", "خاص": "for_profit",
        "شركة": "for_profit", "تجاري": "for_profit", "ربحي": "for_profit",
        "nonprofit": "non_profit", "non profit": "non_profit", "not for profit": "non_profit",
        "ngo": "non_profit", "charity": "non_profit", "charitable": "non_profit",
        "voluntary": "non_profit", "third sector": "non_profit", "civil society": "non_profit",
        "association": "non_profit", "خيري": "non_profit", "غير ربحي": "non_profit",
        "أهلي": "non_profit", "جمعية": "non_profit", "القطاع الثالث": "non_profit",
        "government": "public", "governmental": "public", "state": "public",
        "public sector": "public", "municipal": "public", "council": "public",
        "حكومي": "public", "حكومة": "public", "عام": "public", "قطاع عام": "public",
        "بلدي": "public", "حكومية": "public", "جهة حكومية": "public", "القطاع الحكومي": "public",
        "قطاع حكومي": "public", "govt": "public", "gov": "public", "public body": "public",
        "خيرية": "non_profit", "جمعية خيرية": "non_profit", "غير ربحية": "non_profit",
        "القطاع غير الربحي": "non_profit", "npo": "non_profit", "non governmental": "non_profit",
        "non governmental organisation": "non_profit", "non governmental organization": "non_profit",
        "قطاع خاص": "for_profit", "خاصة": "for_profit", "القطاع الخاص": "for_profit",
        "private company": "for_profit",
        # UCINET and other network data sets code the sectors in three letters
        "pvt": "for_profit", "vol": "non_profit", "voluntary sector": "non_profit",
    },
)

ORG_TYPE_SYNONYMS = _synonyms(
    ORG_TYPES,
    {
        "business": "company", "corporation": "company", "firm": "company",
        "enterprise": "company", "sme": "small_business", "shop": "small_business",
        "small company": "small_business", "منشأة": "small_business",
        "ngo": "charity", "foundation": "charity", "مؤسسة خيرية": "charity",
        "جمعية": "association", "club": "association", "society": "association",
        "mosque": "religious", "church": "religious", "مسجد": "religious",
        "جامع": "religious", "college": "university", "كلية": "university",
        "hospital": "healthcare", "clinic": "healthcare", "health": "healthcare",
        "مستشفى": "healthcare", "مستوصف": "healthcare", "مركز صحي": "healthcare",
        "municipality": "local_council", "council": "local_council",
        "بلدية": "local_council", "أمانة": "local_council",
        "ministry": "government_agency", "government": "government_agency",
        "agency": "government_agency", "وزارة": "government_agency",
        "science center": "science_centre", "theatre": "arts_venue",
        "theater": "arts_venue", "gallery": "arts_venue",
        "volunteer group": "community_group", "نادي": "community_group",
    },
)

KIND_SYNONYMS = _synonyms(
    RELATIONSHIP_KINDS,
    {
        "partner": "partnership", "grant": "funding", "donation": "funding",
        "sponsorship": "funding", "رعاية": "funding", "منحة": "funding",
        "in kind": "in_kind", "inkind": "in_kind", "pro bono": "in_kind",
        "عيني": "in_kind", "project": "joint_project", "مشروع": "joint_project",
        "member": "membership", "memorandum": "mou", "memorandum of understanding": "mou",
        "اتفاقية": "mou", "غير رسمية": "informal", "تحويل": "referral",
    },
)

RESOURCE_SYNONYMS = _synonyms(
    RESOURCES,
    {
        "money": "funding", "grants": "funding", "donations": "funding", "مال": "funding",
        "venue": "space", "venues": "space", "rooms": "space", "premises": "space",
        "مكان": "space", "قاعات": "space", "volunteer": "volunteers", "تطوع": "volunteers",
        "skill": "skills", "know how": "expertise", "advice": "expertise",
        "خبرة": "expertise", "tools": "equipment", "معدات وأدوات": "equipment",
        "network": "networks", "contacts": "networks", "audience": "audiences",
        "participants": "audiences", "مستفيدون": "audiences", "ideas": "content",
        "courses": "training", "تأهيل": "training", "in kind": "in_kind_services",
        "in kind services": "in_kind_services", "pro bono": "in_kind_services",
        "professional services": "in_kind_services", "خدمات": "in_kind_services",
        "دعم عيني": "in_kind_services", "عيني": "in_kind_services", "مساعدات عينية": "in_kind_services",
        "تبرعات عينية": "in_kind_services", "in kind support": "in_kind_services",
    },
)

CAUSE_SYNONYMS = _synonyms(
    CAUSES,
    {
        "schools": "education", "learning": "education", "تعليم": "education",
        "healthcare": "health", "صحة": "health", "homes": "housing",
        "home restoration": "housing", "ترميم": "housing", "سكن": "housing",
        "girls": "women", "نساء": "women", "young people": "youth", "شباب": "youth",
        "kids": "children", "أطفال": "children", "seniors": "elderly", "older people": "elderly",
        "مسنين": "elderly", "disabled": "disability", "إعاقة": "disability",
        "climate": "environment", "بيئة": "environment", "arts": "culture", "ثقافة": "culture",
        "jobs": "employment", "توظيف": "employment", "فقر": "poverty",
        "sports": "sport", "رياضة": "sport", "stem": "science", "علوم": "science",
        "anti poverty": "poverty", "الفقراء": "poverty",
        "السلامة": "safety", "الأمن": "safety", "الأمان": "safety", "السلامة المرورية": "safety",
        # orphan care is child welfare: the children cause
        "orphans": "children", "orphan care": "children", "أيتام": "children",
        "كفالة الأيتام": "children", "رعاية الأيتام": "children",
    },
)

STAGE_SYNONYMS = _synonyms(
    ENGAGEMENT_STAGES,
    {
        "prospect": "identified", "lead": "identified", "new": "identified",
        "contact made": "contacted", "in talks": "engaged", "active partner": "partner",
        "partnered": "partner", "inactive": "lapsed", "former partner": "lapsed",
    },
)

CAPACITY_SYNONYMS = _synonyms(
    CAPACITY_LEVELS,
    {"l": "low", "m": "medium", "h": "high", "limited": "low", "some": "medium",
     "lots": "high", "ضعيفة": "low", "كبيرة": "high"},
)

SIZE_SYNONYMS = _synonyms(
    SIZES,
    {"s": "small", "m": "medium", "l": "large", "sme": "small", "big": "large",
     "micro": "small", "صغير": "small", "متوسط": "medium", "كبير": "large"},
)

STATUS_SYNONYMS = _synonyms(
    TIE_STATUSES,
    {"current": "active", "ongoing": "active", "live": "active", "planned": "proposed",
     "potential": "proposed", "pending": "proposed", "closed": "ended",
     "finished": "ended", "inactive": "ended", "past": "ended"},
)


def normalize_term(value: object, synonyms: dict[str, str]) -> str | None:
    """Return the canonical key for ``value``, or ``None`` if it is not known.

    Parameters
    ----------
    value
        A term as written, in English or Arabic, e.g. ``"Charity"`` or ``"حكومي"``.
    synonyms
        One of the ``*_SYNONYMS`` tables, e.g. :data:`SECTOR_SYNONYMS`.

    Returns
    -------
    str or None
        The vocabulary key, e.g. ``"non_profit"``.

    Examples
    --------
    >>> normalize_term("Pro bono", RESOURCE_SYNONYMS)
    'in_kind_services'
    >>> normalize_term("something else", RESOURCE_SYNONYMS) is None
    True
    """
    return synonyms.get(normalize_text(value))


def label(vocab: dict[str, Term], key: str, lang: str = "en") -> str:
    """Display label of ``key`` in ``lang`` (``"en"`` or ``"ar"``); the key if unknown.

    Parameters
    ----------
    vocab
        One of the vocabularies, e.g. :data:`SECTORS` or :data:`RESOURCES`.
    key
        The term's key, e.g. ``"non_profit"``.
    lang
        ``"en"`` (English) or ``"ar"`` (Arabic).

    Returns
    -------
    str
        The label, or ``key`` itself when the vocabulary does not know it.

    Examples
    --------
    >>> from partnermap import schema
    >>> schema.label(schema.SECTORS, "public"), schema.label(schema.SECTORS, "made_up")
    ('Public', 'made_up')
    """
    term = vocab.get(key)
    return getattr(term, lang) if term is not None else str(key)


# ------------------------------------------------------------------ column contract

ORG_REQUIRED = ("org_id", "name", "sector")
ORG_COLUMNS = (
    "org_id", "name", "sector", "org_type", "lat", "lon", "city", "district", "address",
    "website", "size", "offers", "needs", "causes", "capacity", "engagement_stage",
    "service_radius_km", "email", "phone", "contact_name",
)
REL_REQUIRED = ("source", "target")
REL_COLUMNS = (
    "source", "target", "kind", "formal", "status", "directed", "weight", "start_date",
    "end_date", "last_reviewed", "review_every_months", "resources",
)
AREA_REQUIRED = ("area_id",)

#: Never written into HTML or shared exports unless the caller names them.
PRIVATE_COLUMNS = frozenset({"email", "phone", "contact_name"})

#: Headings that look like contact details are private too, whatever the loader named them.
PRIVATE_PATTERN = re.compile(r"e.?mail|phone|mobile|\btel\b|contact|بريد|جوال|هاتف|مسؤول", re.IGNORECASE)

#: ``;``-separated cells that become lists of normalised terms.
MULTI_VALUED = {
    "offers": RESOURCE_SYNONYMS,
    "needs": RESOURCE_SYNONYMS,
    "causes": CAUSE_SYNONYMS,
    "resources": RESOURCE_SYNONYMS,
}

#: Common alternative column headings -> contract name (matched after normalize_text).
COLUMN_SYNONYMS = {
    normalize_text(k): v
    for k, v in {
        "id": "org_id", "orgid": "org_id", "org id": "org_id", "organisation id": "org_id",
        "organization id": "org_id", "organization_id": "org_id", "organisation_id": "org_id",
        "رقم الجهة": "org_id", "المعرف": "org_id",
        "org name": "name", "organisation": "name", "organization": "name",
        "organisation name": "name", "organization name": "name", "الاسم": "name",
        "اسم الجهة": "name", "القطاع": "sector", "type": "org_type", "org type": "org_type",
        "organisation type": "org_type", "organization type": "org_type", "النوع": "org_type",
        "latitude": "lat", "y": "lat", "خط العرض": "lat",
        "longitude": "lon", "lng": "lon", "long": "lon", "x": "lon", "خط الطول": "lon",
        "المدينة": "city", "الحي": "district", "العنوان": "address",
        "from": "source", "source id": "source", "org a": "source",
        "to": "target", "target id": "target", "org b": "target",
        "type of tie": "kind", "tie kind": "kind", "relationship": "kind",
        "area id": "area_id", "areaid": "area_id",
        "e mail": "email", "mail": "email", "email address": "email", "e mail address": "email",
        "البريد الإلكتروني": "email", "البريد": "email", "بريد إلكتروني": "email",
        "telephone": "phone", "tel": "phone", "mobile": "phone", "phone number": "phone",
        "mobile number": "phone", "الجوال": "phone", "جوال": "phone", "الهاتف": "phone",
        "هاتف": "phone", "رقم الجوال": "phone", "رقم الهاتف": "phone",
        "contact": "contact_name", "contact person": "contact_name", "contact name": "contact_name",
        "اسم المسؤول": "contact_name", "المسؤول": "contact_name", "جهة الاتصال": "contact_name",
    }.items()
}
