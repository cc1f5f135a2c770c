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

import functools
import re
import unicodedata
from collections.abc import Iterable
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
    "NEVER_PRIVATE",
    "private_key",
    "is_private",
    "names_column",
    "MULTI_VALUED",
    "COLUMN_SYNONYMS",
    "normalize_text",
    "normalize_term",
    "label",
    "SECTOR_CLUES",
    "infer_sector",
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
#: The sector of an organisation whose sector nothing reveals (HSDS packages); the loader reads it back.
UNKNOWN_SECTOR = "unknown"

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


# ------------------------------------------------------------ sector from names

#: Words in an organisation's name that say its sector and, where clear, its type:
#: ``(words, sector, org_type or "")``, tried in order, the first rule with a match wins (so
#: "Orange County Food Bank" is a charity, "Ministry of Health" is not a religious ministry, and
#: "Catholic Charities, Inc." is not a company). Words are matched whole, after
#: :func:`normalize_text`, Arabic ones also behind و ف ب ل and the article (الجمعية, وبلدية).
#: Used only where no sector was given. "Inc." and "Corporation" say nothing: American
#: non-profits are incorporated too ("GIRL SCOUTS COUNCIL OF TROPICAL FLORIDA, INC."); LLC, Ltd,
#: PLC and شركة do say for-profit.
SECTOR_CLUES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("ministry of", "department of", "dept of", "office of the", "bureau of"), "public", "government_agency"),
    (("city of", "town of", "village of", "county of", "borough of", "state of", "commonwealth of",
      "city council", "county council", "borough council", "district council", "town council", "parish council",
      "city hall", "municipality", "municipal"), "public", "local_council"),
    (("police", "sheriff", "sheriffs"), "public", "police"),
    (("public library", "public libraries", "library district"), "public", "library"),
    (("public school", "public schools", "school district", "board of education"), "public", "school"),
    (("وزارة", "هيئة", "محافظة", "إمارة", "ديوان", "مديرية"), "public", "government_agency"),
    (("أمانة", "بلدية", "مجلس بلدي"), "public", "local_council"),
    (("شرطة",), "public", "police"),
    (("charity", "charities", "charitable", "foundation", "food bank", "food pantry", "soup kitchen",
      "salvation army", "red cross", "red crescent", "united way", "habitat for humanity", "goodwill", "ymca",
      "ywca", "scouts", "boys and girls club", "boys and girls clubs", "big brothers", "legal aid"),
     "non_profit", "charity"),
    (("church", "churches", "cathedral", "parish", "synagogue", "mosque", "masjid", "temple", "congregation",
      "diocese", "archdiocese", "ministries", "islamic center"), "non_profit", "religious"),
    (("association", "society", "club", "league", "guild"), "non_profit", "association"),
    (("nonprofit", "non profit", "not for profit", "ngo", "npo", "coalition", "alliance", "volunteers",
      "volunteer", "friends of", "community action", "mission"), "non_profit", ""),
    (("جمعية خيرية", "مؤسسة خيرية", "خيرية", "خيري", "وقف"), "non_profit", "charity"),
    (("جمعية", "جمعيات"), "non_profit", "association"),
    (("مسجد", "جامع"), "non_profit", "religious"),
    (("نادي",), "non_profit", "community_group"),
    (("منظمة", "مبادرة", "فريق تطوعي"), "non_profit", ""),
    (("university", "college", "community college"), "public", "university"),
    (("school", "schools", "elementary", "high school", "middle school", "primary school", "secondary school"),
     "public", "school"),
    (("hospital", "medical center", "medical centre", "health center", "health centre", "clinic", "clinics",
      "health department", "public health"), "public", "healthcare"),
    (("library", "libraries"), "public", "library"),
    (("museum",), "public", "museum"),
    (("county", "department", "dept", "government", "govt", "state agency", "federal", "authority", "commission",
      "court", "courts", "jail", "corrections", "fire department", "fire rescue", "fire district"), "public", ""),
    (("مدرسة", "مدارس"), "public", "school"),
    (("جامعة", "كلية"), "public", "university"),
    (("مستشفى", "مستوصف", "مركز صحي"), "public", "healthcare"),
    (("متحف",), "public", "museum"),
    (("llc", "l l c", "ltd", "company", "plc", "llp", "gmbh", "bank", "bancorp", "holdings", "enterprises"),
     "for_profit", "company"),
    (("شركة", "مصنع", "بنك", "مصرف", "ش م م", "ذ م م"), "for_profit", "company"),
)

#: folded phrase (a tuple of words) -> position of its rule in SECTOR_CLUES
_CLUE_RULE = {tuple(normalize_text(w).split()): i for i, (words, _, _) in enumerate(SECTOR_CLUES) for w in words}
_CLUE_LENGTH = max(len(k) for k in _CLUE_RULE)
_CLUE_FIRST = {k[0] for k in _CLUE_RULE}  # the first words of the clues
_ARABIC_PREFIXES = ("وال", "فال", "بال", "لل", "ال", "و", "ف", "ب", "ل")


def _word_forms(word: str) -> tuple[str, ...]:
    """A folded word, and (if Arabic) the word without a conjunction, preposition or article in front."""
    if not _ARABIC_WORD.match(word):
        return (word,)
    return (word, *(word[len(p):] for p in _ARABIC_PREFIXES if word.startswith(p) and len(word) - len(p) >= 3))


def infer_sector(text: object) -> tuple[str, str, str] | None:
    """The sector (and type, where clear) that words of a name say, or None.

    Parameters
    ----------
    text
        An organisation's name (or a taxonomy term), in English or Arabic.

    Returns
    -------
    tuple of (str, str, str) or None
        ``(sector, org_type, clue)``: ``org_type`` is ``""`` when the words say only the
        sector; ``clue`` is the words that said it, as written in ``text``
        (see :data:`SECTOR_CLUES`).

    Examples
    --------
    >>> infer_sector("MIAMI-DADE COUNTY PUBLIC LIBRARY SYSTEM"), infer_sector("Orange County Food Bank")
    (('public', 'library', 'PUBLIC LIBRARY'), ('non_profit', 'charity', 'Food Bank'))
    >>> infer_sector("HARRIS COUNTY")
    ('public', '', 'COUNTY')
    >>> infer_sector("جمعية البر الخيرية")
    ('non_profit', 'charity', 'الخيرية')
    >>> infer_sector("شركة الساحل للتجارة")[:2], infer_sector("Samaritan House")
    (('for_profit', 'company'), None)
    """
    forms = [_word_forms(w) for w in re.findall(r"\w+", normalize_text(text))]
    best: tuple[int, tuple[str, ...]] | None = None
    for i, first in enumerate(forms):
        if _CLUE_FIRST.isdisjoint(first):
            continue
        for size in range(1, min(_CLUE_LENGTH, len(forms) - i) + 1):
            for phrase in _phrases(forms[i:i + size]):
                rule = _CLUE_RULE.get(phrase)
                if rule is not None and (best is None or rule < best[0]):
                    best = (rule, phrase)
    if best is None:
        return None
    _, sector, org_type = SECTOR_CLUES[best[0]]
    return sector, org_type, _as_written(str(text), " ".join(best[1]))


@functools.lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    return " ".join(re.findall(r"\w+", normalize_text(word)))


def _phrases(forms: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Every phrase the words can read as (each word in each of its forms)."""
    out: list[tuple[str, ...]] = [()]
    for f in forms:
        out = [p + (w,) for p in out for w in f]
    return out


def _as_written(text: str, folded: str) -> str:
    """The shortest run of words of ``text`` whose folded form holds ``folded`` (punctuation around it dropped)."""
    words = text.split()
    norms = [_fold_word(w) for w in words]
    for size in range(1, len(words) + 1):
        for i in range(len(words) - size + 1):
            if folded in " ".join(norms[i:i + size]):
                return " ".join(words[i:i + size]).strip(".,;:()[]'\"")
    return folded


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
#: Matched against :func:`private_key` of the heading (full-width letters, case, Arabic
#: spelling variants, digits and punctuation folded), so ``E - mail``, ``ＥＭＡＩＬ``,
#: ``Cell2``, ``WhatsApp``, ``الإيميل``, ``رقم التواصل`` and ``الناسوخ`` all match. Short words
#: (``tel``, ``cell``, ``fax``, ``mail``, ``mob``, ``sms``) count only as whole words, so
#: ``hotel`` or ``Excellence`` do not.
PRIVATE_PATTERN = re.compile(
    r"e ?mail|phone|mobile|whats ?app|telefax|contact"
    r"|ايميل|بريد|جوال|هاتف|تلفون|تليفون|موبايل|واتس|تواصل|اتصال|ناسوخ|فاكس|مسؤول"
    r"|(?:^|\s)(?:ال)?(?:tel|cell|fax|mail|mob|sms|اميل)(?:\s|$)",
    re.IGNORECASE,
)

#: Columns partnermap shows on every page and in every export (ids, names, sector, kind and
#: status of a tie, locations): they cannot be marked private.
NEVER_PRIVATE = frozenset({"org_id", "name", "sector", "lat", "lon", "geometry", "source", "target", "kind",
                           "status", "area_id"})


def private_key(column: object) -> str:
    """A heading folded for the privacy rule: :func:`normalize_text`, words split, digits and punctuation as spaces.

    Parameters
    ----------
    column
        A column heading as written.

    Returns
    -------
    str
        Lower-case words separated by single spaces (``"WhatsApp_2"`` → ``"whats app"``).

    Examples
    --------
    >>> private_key("ＥＭＡＩＬ"), private_key("E - mail"), private_key("CellNo.2")
    ('email', 'e mail', 'cell no')
    """
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", unicodedata.normalize("NFKC", str(column)))
    return re.sub(r"[\W\d_]+", " ", normalize_text(text)).strip()


def is_private(column: object, extra: Iterable[str] = ()) -> bool:
    """Whether a column holds contact details that no page or shared export may carry.

    The one privacy rule every writer applies (tables, workbooks, GEXF/GraphML,
    GeoPackage/GeoJSON, Kumu, maps, the network view, the report): e-mail, phone and
    contact name (:data:`PRIVATE_COLUMNS`), any heading that looks like contact details
    in English or Arabic (:data:`PRIVATE_PATTERN`: ``Mobile``, ``Fax``, ``WhatsApp``,
    ``ايميل``, ``البريد``, ``جوال``, ``هاتف``, ``رقم التواصل``, ``الناسوخ`` …), and the
    columns in ``extra`` (what the user marked private: the data folder's
    ``private_columns.txt``, ``--private COL``), compared as folded headings and
    through :data:`COLUMN_SYNONYMS` (marking ``المدينة`` private hides ``city``).

    Parameters
    ----------
    column
        The column name.
    extra
        More column names to treat as private.

    Returns
    -------
    bool
        True when the column must be left out.

    Examples
    --------
    >>> [is_private(c) for c in ("email", "WhatsApp", "الإيميل", "رقم التواصل", "Fax 2", "hotel", "city")]
    [True, True, True, True, True, False, False]
    >>> is_private("city", extra=["المدينة"]), is_private("District", extra=["district"])
    (True, True)
    """
    name = str(column)
    if name in PRIVATE_COLUMNS or PRIVATE_PATTERN.search(private_key(name)):
        return True
    return any(names_column(e, name) for e in extra)


def names_column(heading: object, column: object) -> bool:
    """Whether ``heading`` (as a user wrote it) names the loaded ``column``.

    Parameters
    ----------
    heading
        A column heading as written, e.g. in ``private_columns.txt`` or ``--private``.
    column
        A column of the loaded data.

    Returns
    -------
    bool
        True for the same folded heading (:func:`private_key`) or a heading the loader maps
        to ``column`` (:data:`COLUMN_SYNONYMS`).

    Examples
    --------
    >>> names_column("Founded Year", "founded_year"), names_column("المدينة", "city"), names_column("city", "district")
    (True, True, False)
    """
    return private_key(heading) == private_key(column) or COLUMN_SYNONYMS.get(normalize_text(heading)) == str(column)

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
