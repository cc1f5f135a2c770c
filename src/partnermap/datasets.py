"""The built-in demo data: a fictional partnership ecosystem in Saudi Arabia's Eastern Province.

**Everything here is fictional.** The four cities (Dammam, Al Khobar, Dhahran and Qatif)
and their city-centre coordinates are real; the district boundaries, the organisations,
their names, contacts, ties and figures are invented for demonstration and testing. The
e-mail addresses and web sites use the ``example.sa`` domain and the phone numbers the
``+966 13 555`` range.

The demo is generated from a seed with :func:`numpy.random.default_rng` only, so the
same seed always gives the same tables, and the committed copy (see :func:`demo_path`)
is exactly ``make_demo(2026)``. Organisations carry Arabic ``name`` and English
``name_en``; ``founded_year`` is an extra column that is not in the data contract, to
show that unknown columns are kept.

The demo is seen from the **focal organisation** ``ORG-001`` (:data:`FOCAL_ID`), an
engineering and design company in Al Khobar that gives professional services in kind
to housing, home-restoration and women's associations; ``engagement_stage`` is the
stage each organisation has reached with it.

Deliberate gaps that the analyses should find (the same for every seed):

1. **An isolated cluster** (:data:`ISOLATED_CLUSTER_IDS`): ``ORG-315`` to ``ORG-320``,
   six organisations in Al Jish (area ``QAT-03``, Qatif): palm farmers, a heritage
   team, a mosque, two small businesses and a women's association. They have ties
   among themselves only and none to anyone else: a separate connected component.
2. **A sector pair with no ties at all** (:data:`MISSING_SECTOR_PAIR`): no tie of any
   kind or status joins a ``for_profit`` organisation to a ``public`` one. Companies
   work with non-profits (the focal company only with non-profits and one company),
   public bodies with non-profits, but no company works with a school, university,
   council or hospital.
3. **An under-served area** (:data:`UNDERSERVED_AREA_ID`): ``DAM-07``, Al Waha Suburb
   on the western edge of Dammam, has the largest population and the most households
   in need, but no organisation is located in it and no organisation's
   ``service_radius_km`` (measured from its point) reaches its boundary.

Also present: brokers that join the four cities (:data:`BROKER_IDS`: ``ORG-012`` the
Eastern Province Charities Union, ``ORG-013`` a university in Dhahran and ``ORG-014``
the Qatif social development office), organisations with a single tie, and a handful
of organisations with no tie at all (listed in the generated ``README.md``). Some
active ties are overdue for review relative to :data:`DEMO_AS_OF`.

Examples
--------
>>> from partnermap import datasets
>>> demo = datasets.make_demo()
>>> sorted(demo)
['areas', 'organizations', 'relationships']
>>> demo["organizations"].loc[0, "org_id"] == datasets.FOCAL_ID
True
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, Point, Polygon

from partnermap import _tables, schema
from partnermap._errors import ParameterError

__all__ = [
    "DEMO_AS_OF",
    "DEFAULT_SEED",
    "FOCAL_ID",
    "ISOLATED_CLUSTER_IDS",
    "MISSING_SECTOR_PAIR",
    "UNDERSERVED_AREA_ID",
    "BROKER_IDS",
    "make_demo",
    "write_demo",
    "data_files",
    "DEMO_FILES",
    "demo_path",
]

#: The date the demo is "as of": review schedules are judged against it.
DEMO_AS_OF = dt.date(2026, 12, 1)
DEFAULT_SEED = 2026
FOCAL_ID = "ORG-001"
ISOLATED_CLUSTER_IDS = ("ORG-315", "ORG-316", "ORG-317", "ORG-318", "ORG-319", "ORG-320")
MISSING_SECTOR_PAIR = ("for_profit", "public")
UNDERSERVED_AREA_ID = "DAM-07"
BROKER_IDS = ("ORG-012", "ORG-013", "ORG-014")

_UTM = "EPSG:32639"  # UTM zone 39N: metres, for distances in the Eastern Province
_TO_UTM = Transformer.from_crs("EPSG:4326", _UTM, always_xy=True)

# ------------------------------------------------------------------------ geography

#: city key -> (Arabic, English, boundary as (lon, lat) vertices, west of the coast)
_CITIES: dict[str, tuple[str, str, list[tuple[float, float]]]] = {
    "DAM": ("الدمام", "Dammam",
            [(49.975, 26.365), (50.100, 26.365), (50.100, 26.440), (50.060, 26.470),
             (49.975, 26.470)]),
    "KHB": ("الخبر", "Al Khobar",
            [(50.165, 26.200), (50.195, 26.200), (50.205, 26.280), (50.200, 26.335),
             (50.165, 26.335)]),
    "DHA": ("الظهران", "Dhahran",
            [(50.060, 26.220), (50.165, 26.220), (50.165, 26.335), (50.060, 26.335)]),
    "QAT": ("القطيف", "Qatif",
            [(49.930, 26.500), (50.000, 26.500), (50.005, 26.560), (49.995, 26.620),
             (49.930, 26.620)]),
}

#: area_id, Arabic name, English name, seed lat, seed lon, population, households in need
_AREAS: list[tuple[str, str, str, float, float, int, int]] = [
    ("DAM-01", "حي الفيصلية", "Al Faisaliyah", 26.385, 50.040, 41200, 1350),
    ("DAM-02", "حي الروضة", "Ar Rawdah", 26.385, 50.080, 28400, 620),
    ("DAM-03", "حي البادية", "Al Badiyah", 26.415, 50.020, 35100, 1480),
    ("DAM-04", "حي المنار", "Al Manar", 26.418, 50.058, 31800, 890),
    ("DAM-05", "حي الشاطئ", "Ash Shati", 26.420, 50.090, 22600, 310),
    ("DAM-06", "حي النور", "An Nur", 26.452, 50.005, 26900, 1120),
    ("DAM-07", "ضاحية الواحة", "Al Waha Suburb", 26.380, 49.992, 58300, 3420),
    ("DAM-08", "حي الخليج", "Al Khaleej", 26.452, 50.045, 24700, 540),
    ("DAM-09", "حي الريان", "Ar Rayyan", 26.448, 50.028, 19800, 760),
    ("KHB-01", "حي العقربية", "Al Aqrabiyah", 26.305, 50.190, 27300, 640),
    ("KHB-02", "حي الثقبة", "Ath Thuqbah", 26.260, 50.176, 44100, 1710),
    ("KHB-03", "حي الخبر الشمالية", "North Khobar", 26.318, 50.175, 21500, 380),
    ("KHB-04", "حي اليرموك", "Al Yarmouk", 26.275, 50.195, 18900, 420),
    ("KHB-05", "حي الراكة", "Ar Rakah", 26.225, 50.178, 25600, 730),
    ("KHB-06", "حي الحزام الذهبي", "Golden Belt", 26.228, 50.194, 16400, 290),
    ("DHA-01", "حي الدوحة", "Ad Doha", 26.245, 50.090, 23800, 810),
    ("DHA-02", "حي الجامعة", "University District", 26.310, 50.140, 12700, 150),
    ("DHA-03", "حي القصور", "Al Qusur", 26.305, 50.085, 15300, 330),
    ("DHA-04", "حي هجر", "Hajr", 26.250, 50.140, 19600, 560),
    ("QAT-01", "القطيف المركز", "Qatif Centre", 26.560, 49.990, 33700, 1290),
    ("QAT-02", "بلدة العوامية", "Al Awamiyah", 26.600, 49.975, 28900, 1160),
    ("QAT-03", "بلدة الجش", "Al Jish", 26.545, 49.945, 14200, 690),
    ("QAT-04", "بلدة أم الحمام", "Umm Al Hamam", 26.515, 49.970, 17600, 520),
    ("QAT-05", "بلدة الخويلدية", "Al Khuwaildiyah", 26.595, 49.945, 12100, 470),
]

# ----------------------------------------------------------------------- name parts

_WORDS = [
    ("الخير", "Al-Khair"), ("الوفاء", "Al-Wafa"), ("الإحسان", "Al-Ihsan"),
    ("النماء", "An-Namaa"), ("العطاء", "Al-Ataa"), ("التكافل", "At-Takaful"),
    ("الأمل", "Al-Amal"), ("الرحمة", "Ar-Rahma"), ("البركة", "Al-Baraka"),
    ("الهدى", "Al-Huda"), ("النور", "An-Noor"), ("السلام", "As-Salam"),
    ("الفجر", "Al-Fajr"), ("الواحة", "Al-Waha"), ("الريادة", "Ar-Riyada"),
    ("الإبداع", "Al-Ibdaa"), ("الرواد", "Ar-Ruwwad"), ("المستقبل", "Al-Mustaqbal"),
    ("الأفق", "Al-Ufuq"), ("السنابل", "As-Sanabil"), ("الغد", "Al-Ghad"),
    ("الشروق", "Ash-Shurooq"), ("اللؤلؤ", "Al-Lulu"), ("النخيل", "An-Nakheel"),
    ("المرجان", "Al-Marjan"), ("الساحل", "As-Sahil"), ("الخليج", "Al-Khaleej"),
    ("الياسمين", "Al-Yasmin"), ("الفيروز", "Al-Fairuz"), ("الدانة", "Ad-Dana"),
    ("الريم", "Ar-Reem"), ("الصفا", "As-Safa"), ("الوئام", "Al-Wiam"),
    ("التميز", "At-Tamayuz"), ("الإتقان", "Al-Itqan"), ("البيان", "Al-Bayan"),
    ("المعرفة", "Al-Maarifa"), ("الحكمة", "Al-Hikma"), ("القمة", "Al-Qimma"),
    ("الأصالة", "Al-Asala"), ("الضياء", "Ad-Diyaa"), ("الينابيع", "Al-Yanabee"),
    ("الرابية", "Ar-Rabiya"), ("الزهور", "Az-Zuhur"), ("الندى", "An-Nada"),
    ("البشائر", "Al-Bashair"), ("الثريا", "Ath-Thuraya"), ("الصفوة", "As-Safwa"),
]

#: org_type -> name templates (Arabic, English, causes). ``{w}``/``{W}`` a word,
#: ``{c}``/``{C}`` the city ("بالدمام"/"Dammam"), ``{d}``/``{D}`` the district.
_TEMPLATES: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "company": [
        ("شركة {w} للهندسة والمقاولات", "{W} Engineering & Contracting Co.", ("housing", "employment")),
        ("شركة {w} للخدمات البترولية", "{W} Petroleum Services Co.", ("environment", "employment")),
        ("شركة {w} للتقنية", "{W} Technology Co.", ("education", "youth")),
        ("شركة {w} للخدمات اللوجستية", "{W} Logistics Co.", ("employment", "poverty")),
        ("شركة {w} للتطوير العقاري", "{W} Real Estate Development Co.", ("housing", "family")),
        ("مجموعة {w} التجارية", "{W} Trading Group", ("poverty", "family")),
        ("شركة {w} للصناعات", "{W} Industries Co.", ("employment", "environment")),
        ("شركة {w} للطاقة", "{W} Energy Co.", ("environment", "science")),
        ("شركة {w} للاتصالات", "{W} Telecom Co.", ("youth", "education")),
        ("شركة {w} للتأمين", "{W} Insurance Co.", ("health", "safety")),
    ],
    "small_business": [
        ("مؤسسة {w} للتجارة", "{W} Trading Est.", ("employment",)),
        ("مقهى {w}", "{W} Café", ("youth", "culture")),
        ("مطبعة {w}", "{W} Printing Press", ("culture", "education")),
        ("ورشة {w} للنجارة", "{W} Carpentry Workshop", ("housing", "employment")),
        ("مخبز {w}", "{W} Bakery", ("poverty", "family")),
        ("مكتبة {w} التجارية", "{W} Bookshop", ("education", "children")),
        ("مشغل {w} للخياطة", "{W} Tailoring Studio", ("women", "employment")),
        ("صيدلية {w}", "{W} Pharmacy", ("health",)),
        ("مطعم {w}", "{W} Restaurant", ("poverty", "family")),
    ],
    "charity": [
        ("جمعية {w} الخيرية {c}", "{W} Charity Society {C}", ("poverty", "family")),
        ("مؤسسة {w} الخيرية", "{W} Charitable Foundation", ("poverty", "education")),
        ("جمعية {w} لرعاية الأيتام {c}", "{W} Orphan Care Society {C}", ("children", "family")),
        ("جمعية {w} للإغاثة", "{W} Relief Society", ("poverty", "health")),
        ("جمعية {w} لكفالة الأسر", "{W} Family Sponsorship Society", ("family", "poverty")),
        ("جمعية {w} لترميم المساكن", "{W} Home Repair Charity", ("housing", "elderly")),
    ],
    "association": [
        ("جمعية {w} لرعاية المسنين", "{W} Elderly Care Association", ("elderly", "health")),
        ("جمعية {w} لذوي الإعاقة", "{W} Disability Association", ("disability", "health")),
        ("جمعية {w} للتنمية الأسرية", "{W} Family Development Association", ("family", "women")),
        ("جمعية {w} للشباب", "{W} Youth Association", ("youth", "sport")),
        ("جمعية {w} البيئية", "{W} Environmental Association", ("environment",)),
        ("جمعية {w} للتوعية الصحية", "{W} Health Awareness Association", ("health",)),
        ("جمعية {w} للتدريب والتوظيف", "{W} Training & Employment Association", ("employment", "youth")),
        ("جمعية {w} النسائية", "{W} Women's Association", ("women", "family")),
        ("جمعية {w} لرعاية الطفولة", "{W} Childhood Care Association", ("children", "education")),
        ("جمعية {w} للإسكان التنموي", "{W} Development Housing Association", ("housing", "poverty")),
    ],
    "religious": [
        ("جامع {w}", "{W} Mosque", ("family", "poverty")),
        ("جمعية {w} لتحفيظ القرآن الكريم", "{W} Quran Memorisation Society", ("education", "youth")),
        ("مركز {w} للإرشاد الديني", "{W} Religious Guidance Centre", ("family", "youth")),
    ],
    "school": [
        ("مدرسة {w} الابتدائية", "{W} Primary School", ("education", "children")),
        ("مدرسة {w} المتوسطة", "{W} Intermediate School", ("education", "youth")),
        ("ثانوية {w}", "{W} Secondary School", ("education", "youth")),
        ("روضة {w}", "{W} Kindergarten", ("children", "education")),
    ],
    "university": [
        ("جامعة {w} للعلوم والتقنية", "{W} University of Science and Technology", ("education", "science")),
        ("كلية {w} التقنية", "{W} Technical College", ("education", "employment")),
        ("كلية {w} للعلوم الصحية", "{W} College of Health Sciences", ("health", "education")),
    ],
    "library": [
        ("مكتبة {w} العامة {c}", "{W} Public Library {C}", ("education", "culture")),
    ],
    "museum": [
        ("متحف {w} للتراث", "{W} Heritage Museum", ("culture",)),
        ("متحف {w} البحري", "{W} Maritime Museum", ("culture", "environment")),
    ],
    "science_centre": [
        ("مركز {w} للعلوم", "{W} Science Centre", ("science", "education")),
        ("مركز {w} للاستكشاف العلمي", "{W} Discovery Centre", ("science", "children")),
    ],
    "arts_venue": [
        ("دار {w} للفنون", "{W} Arts House", ("culture",)),
        ("مسرح {w}", "{W} Theatre", ("culture", "youth")),
        ("معرض {w} للفنون", "{W} Art Gallery", ("culture",)),
    ],
    "police": [
        ("مركز شرطة {d}", "{D} Police Station", ("safety",)),
    ],
    "healthcare": [
        ("مركز {d} للرعاية الصحية الأولية", "{D} Primary Health Care Centre", ("health",)),
        ("مستشفى {w}", "{W} Hospital", ("health", "elderly")),
        ("مستوصف {w} الطبي", "{W} Medical Clinic", ("health", "family")),
    ],
    "local_council": [
        ("المجلس البلدي {c}", "{C} Municipal Council", ("housing", "environment", "safety")),
        ("بلدية {d} الفرعية", "{D} Sub-Municipality", ("housing", "environment")),
    ],
    "government_agency": [
        ("مكتب التنمية الاجتماعية {c}", "{C} Social Development Office", ("poverty", "family")),
        ("مكتب التعليم {c} - {d}", "{C} Education Office – {D}", ("education",)),
        ("مكتب العمل {c}", "{C} Labour Office", ("employment",)),
        ("مكتب الإسكان التنموي {c}", "{C} Development Housing Office", ("housing", "poverty")),
        ("مكتب الدفاع المدني {c}", "{C} Civil Defence Office", ("safety",)),
        ("فرع الرياضة والشباب {c}", "{C} Youth & Sports Branch", ("youth", "sport")),
    ],
    "community_group": [
        ("فريق {w} التطوعي", "{W} Volunteer Team", ("youth", "poverty")),
        ("نادي {d}", "{D} Neighbourhood Club", ("sport", "youth")),
        ("مجموعة {w} للمشي", "{W} Walking Group", ("health", "sport")),
        ("ملتقى {w} الشبابي", "{W} Youth Forum", ("youth", "culture")),
        ("فريق {w} البيئي", "{W} Green Team", ("environment",)),
        ("رابطة أمهات {w}", "{W} Mothers' Circle", ("women", "children")),
    ],
    "service_provider": [
        ("مركز {w} للتأهيل الشامل", "{W} Comprehensive Rehabilitation Centre", ("disability", "health")),
        ("مركز {w} للرعاية النهارية", "{W} Day Care Centre", ("elderly", "disability")),
        ("مركز {w} للإرشاد الأسري", "{W} Family Counselling Centre", ("family", "women")),
        ("مركز {w} لخدمات التوظيف", "{W} Employment Services Centre", ("employment", "youth")),
    ],
}

#: org_type -> (offers pool, needs pool, size weights small/medium/large, radius km range,
#: founded range)
_PROFILES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[float, float, float],
                           tuple[float, float], tuple[int, int]]] = {
    "company": (("funding", "expertise", "skills", "equipment", "volunteers", "in_kind_services"),
                ("audiences", "networks", "data", "volunteers"), (0.15, 0.45, 0.4), (3, 8), (1975, 2021)),
    "small_business": (("in_kind_services", "space", "equipment", "volunteers"),
                       ("audiences", "networks", "training", "funding"), (1, 0, 0), (1, 3), (1995, 2024)),
    "charity": (("volunteers", "audiences", "networks", "content"),
                ("funding", "expertise", "in_kind_services", "space", "equipment"),
                (0.4, 0.45, 0.15), (2, 8), (1980, 2023)),
    "association": (("audiences", "volunteers", "networks", "content"),
                    ("funding", "skills", "training", "space", "in_kind_services"),
                    (0.55, 0.4, 0.05), (1.5, 6), (1985, 2024)),
    "religious": (("space", "volunteers", "audiences", "networks"),
                  ("funding", "equipment", "content"), (0.6, 0.35, 0.05), (0.5, 2), (1960, 2020)),
    "school": (("space", "audiences", "content"),
               ("volunteers", "expertise", "equipment", "funding", "training"), (0.2, 0.6, 0.2), (1, 3), (1965, 2022)),
    "university": (("expertise", "data", "training", "space", "volunteers", "content"),
                   ("audiences", "funding", "networks"), (0, 0, 1), (5, 8), (1963, 2010)),
    "library": (("space", "content", "audiences", "training"),
                ("volunteers", "funding", "equipment"), (0.3, 0.7, 0), (2, 5), (1970, 2015)),
    "museum": (("space", "content", "audiences"),
               ("funding", "volunteers", "audiences"), (0, 0.8, 0.2), (4, 8), (1985, 2018)),
    "science_centre": (("content", "training", "space", "expertise"),
                       ("funding", "audiences", "volunteers"), (0, 0.6, 0.4), (5, 8), (1995, 2019)),
    "arts_venue": (("space", "content", "audiences"),
                   ("funding", "audiences", "equipment"), (0.5, 0.5, 0), (2, 6), (1990, 2023)),
    "police": (("data", "expertise", "training", "networks"),
               ("audiences", "networks", "space"), (0, 1, 0), (2, 5), (1960, 2015)),
    "healthcare": (("expertise", "data", "training", "content"),
                   ("volunteers", "space", "audiences"), (0, 0.6, 0.4), (2, 6), (1965, 2020)),
    "local_council": (("funding", "space", "data", "networks"),
                      ("audiences", "volunteers", "data"), (0, 0, 1), (5, 8), (1960, 2005)),
    "government_agency": (("funding", "data", "networks", "training"),
                          ("data", "audiences", "networks"), (0, 0.4, 0.6), (4, 8), (1965, 2018)),
    "community_group": (("volunteers", "audiences", "networks"),
                        ("space", "funding", "training", "equipment"), (1, 0, 0), (0.5, 2.5), (2010, 2025)),
    "service_provider": (("expertise", "training", "in_kind_services"),
                         ("volunteers", "funding", "audiences"), (0.4, 0.6, 0), (2, 6), (1980, 2022)),
}

#: How many organisations of each type each city has in the general population.
_PLAN: dict[str, tuple[int, int, int, int]] = {  # DAM, KHB, DHA, QAT
    "company": (14, 14, 5, 3),
    "small_business": (12, 12, 4, 8),
    "charity": (14, 8, 4, 9),
    "association": (13, 12, 5, 8),
    "religious": (5, 3, 2, 4),
    "school": (14, 8, 6, 7),
    "university": (1, 1, 1, 0),
    "library": (2, 2, 1, 1),
    "museum": (1, 1, 1, 1),
    "science_centre": (1, 1, 1, 0),
    "arts_venue": (3, 2, 1, 1),
    "police": (2, 2, 1, 2),
    "healthcare": (6, 5, 2, 4),
    "local_council": (1, 1, 1, 1),
    "government_agency": (4, 2, 1, 1),
    "community_group": (14, 8, 5, 7),
    "service_provider": (5, 4, 2, 2),
}

_FIRST_NAMES = ["أحمد", "محمد", "عبدالله", "فهد", "خالد", "علي", "حسن", "حسين", "يوسف",
                "إبراهيم", "سلمان", "ماجد", "نورة", "فاطمة", "مريم", "سارة", "هيفاء", "ريم",
                "منى", "ليلى", "زينب", "عائشة", "هند", "أمل"]
_FAMILY_NAMES = ["الغامدي", "الدوسري", "القحطاني", "الشمري", "العتيبي", "الزهراني",
                 "المطيري", "الخالدي", "الحربي", "البوعلي", "الصفار", "النمر", "العلي",
                 "الناصر", "الراشد", "السيف", "المهنا", "العمران"]
_STREETS = ["الخليج", "النخيل", "الأمل", "العليا", "المدينة المنورة", "مكة المكرمة",
            "الجامعة", "البحر", "التعاون", "الوحدة", "الستين", "العشرين", "الريان",
            "السلام", "الياسمين", "الظهران"]

_ORG_COLUMNS = ["org_id", "name", "name_en", "sector", "org_type", "lat", "lon", "city",
                "district", "address", "website", "size", "offers", "needs", "causes",
                "capacity", "engagement_stage", "service_radius_km", "email", "phone",
                "contact_name", "founded_year"]
_REL_COLUMNS = list(schema.REL_COLUMNS)
_RESOURCE_ORDER = {k: i for i, k in enumerate(schema.RESOURCES)}
_CAUSE_ORDER = {k: i for i, k in enumerate(schema.CAUSES)}


# --------------------------------------------------------------------- small helpers


def _join(terms: Sequence[str], order: dict[str, int]) -> str:
    """``;``-join distinct vocabulary terms in vocabulary order."""
    return ";".join(sorted(dict.fromkeys(terms), key=order.__getitem__))


def _pick(rng: np.random.Generator, pool: Sequence[str], low: int, high: int) -> list[str]:
    """``low``..``high`` distinct items of ``pool`` (in pool order of the draw)."""
    n = int(rng.integers(low, min(high, len(pool)) + 1))
    return [pool[i] for i in rng.choice(len(pool), size=n, replace=False)]


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (the day clipped to the month's end)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _days(rng: np.random.Generator, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=int(rng.integers(low, high + 1)))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def _utm(geom: shapely.Geometry) -> shapely.Geometry:
    """Project a WGS84 geometry to UTM 39N metres."""
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_UTM.transform(xy[:, 0], xy[:, 1])))


# ------------------------------------------------------------------------- the areas


def _make_areas() -> gpd.GeoDataFrame:
    """District polygons: Voronoi cells of fixed seeds, clipped to each city's boundary.

    All cell edges and city boundaries are noded as one line network rounded to 1e-6
    degrees and the faces rebuilt from it, so neighbours share exactly the same edges.
    """
    lines, seeds = [], []
    for key, (_, city_en, ring) in _CITIES.items():
        boundary = Polygon(ring)
        city_seeds = [(a, city_en, boundary) for a in _AREAS if a[0].startswith(key)]
        points = MultiPoint([Point(a[4], a[3]) for a, _, _ in city_seeds])
        cells = shapely.voronoi_polygons(points, extend_to=boundary).geoms
        lines += [c.intersection(boundary).exterior for c in cells]
        seeds += city_seeds
    network = shapely.node(shapely.set_precision(shapely.union_all(lines), 1e-6))
    faces = list(shapely.polygonize(network.geoms).geoms)
    rows = []
    for (area_id, name, name_en, lat, lon, population, need), city_en, boundary in seeds:
        face = next(f for f in faces if f.contains(Point(lon, lat)))
        assert boundary.contains(face.representative_point()), area_id
        rows.append({"area_id": area_id, "name": name, "name_en": name_en, "city": city_en,
                     "population": population, "households_in_need": need,
                     "geometry": shapely.normalize(face)})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


# ------------------------------------------------------------------ the organisations


class _Orgs:
    """Builds organisation rows one by one, placing each in an area."""

    def __init__(self, rng: np.random.Generator, areas: gpd.GeoDataFrame) -> None:
        self.rng = rng
        self.rows: list[dict] = []
        self.names: set[str] = set()
        self.areas = {r.area_id: r for r in areas.itertuples()}
        self.gap_utm = _utm(self.areas[UNDERSERVED_AREA_ID].geometry)  # gap 3

    def _place(self, area_id: str) -> tuple[float, float, float]:
        """A random point well inside ``area_id``; returns lat, lon, km to the gap area."""
        area = self.areas[area_id].geometry
        inner = area.buffer(-0.0015)
        minx, miny, maxx, maxy = inner.bounds
        while True:
            lon = round(float(self.rng.uniform(minx, maxx)), 5)
            lat = round(float(self.rng.uniform(miny, maxy)), 5)
            if not inner.contains(Point(lon, lat)):
                continue
            km = _utm(Point(lon, lat)).distance(self.gap_utm) / 1000
            if km >= 2.0:
                return lat, lon, km

    def _area_for(self, city: str) -> str:
        ids = [a for a in self.areas if a.startswith(city) and a != UNDERSERVED_AREA_ID]
        weights = np.array([self.areas[a].population for a in ids], dtype=float)
        return ids[int(self.rng.choice(len(ids), p=weights / weights.sum()))]

    def _name(self, org_type: str, city: str, area_id: str) -> tuple[str, str, tuple[str, ...]]:
        city_ar, city_en, _ = _CITIES[city]
        area = self.areas[area_id]
        templates = _TEMPLATES[org_type]
        for attempt in range(500):
            ar, en, causes = templates[int(self.rng.integers(len(templates)))]
            w_ar, w_en = _WORDS[int(self.rng.integers(len(_WORDS)))]
            suffix_ar, suffix_en = ("", "") if attempt < 20 else (" الجديد", " (New)")
            if "{d}" in ar and attempt >= 20:  # district-named types: fall back to a word
                ar, en = ar.replace("{d}", "{w}"), en.replace("{D}", "{W}")
            fields = {"w": w_ar, "W": w_en, "c": "ب" + city_ar, "C": city_en,
                      "d": area.name, "D": area.name_en}
            name_ar = ar.format(**fields) + suffix_ar
            name_en = en.format(**fields) + suffix_en
            if name_ar not in self.names:
                self.names.add(name_ar)
                return name_ar, name_en, causes
        raise RuntimeError(f"no free name for {org_type} in {city}")  # pragma: no cover

    def add(self, org_type: str, city: str, *, area_id: str | None = None,
            name: tuple[str, str] | None = None, causes: Sequence[str] = (),
            offers: Sequence[str] | None = None, needs: Sequence[str] | None = None,
            size: str | None = None, radius: float | None = None) -> int:
        """Append one organisation; returns its row number (draws from ``rng`` in a fixed order)."""
        area_id = area_id or self._area_for(city)
        lat, lon, gap_km = self._place(area_id)
        name_ar, name_en, causes = self._naming(org_type, city, area_id, name, causes)
        profile = self._profile(org_type, offers, needs, size, radius, gap_km)
        self.rows.append({
            "org_id": None,  # numbered at the end
            "name": name_ar,
            "name_en": name_en,
            "sector": schema.ORG_TYPES[org_type].sector,
            "org_type": org_type,
            "lat": lat,
            "lon": lon,
            **self._contact_fields(org_type, city, area_id, name_en, causes, profile),
            "_area": area_id,
            "_city": city,
        })
        return len(self.rows) - 1

    def _naming(self, org_type: str, city: str, area_id: str, name: tuple[str, str] | None,
                causes: Sequence[str]) -> tuple[str, str, Sequence[str]]:
        """The Arabic and English names and the causes: given, or drawn from the type's templates."""
        if name is not None:
            self.names.add(name[0])
            return name[0], name[1], causes
        name_ar, name_en, tmpl_causes = self._name(org_type, city, area_id)
        extra = list(schema.CAUSES)[int(self.rng.integers(len(schema.CAUSES)))]
        causes = [*tmpl_causes[: int(self.rng.integers(1, len(tmpl_causes) + 1))],
                  *([extra] if self.rng.random() < 0.3 else [])]
        return name_ar, name_en, causes

    def _profile(self, org_type: str, offers: Sequence[str] | None, needs: Sequence[str] | None,
                 size: str | None, radius: float | None, gap_km: float) -> dict:
        """Offers, needs, size, capacity and service radius: given, or drawn from the type's profile."""
        rng = self.rng
        offer_pool, need_pool, size_p, (r_lo, r_hi), _ = _PROFILES[org_type]
        if offers is None:
            offers = _pick(rng, offer_pool, 2, 4)
        if needs is None:
            needs = [n for n in _pick(rng, need_pool, 1, 3) if n not in offers] or [need_pool[0]]
        if size is None:
            size = ("small", "medium", "large")[int(rng.choice(3, p=size_p))]
        capacity_p = {"small": (0.5, 0.4, 0.1), "medium": (0.25, 0.5, 0.25),
                      "large": (0.1, 0.4, 0.5)}[size]
        capacity = ("low", "medium", "high")[int(rng.choice(3, p=capacity_p))]
        if radius is None:
            radius = float(rng.uniform(r_lo, r_hi))
        # keep every service radius short of the under-served area (gap 3)
        radius = max(0.5, np.floor(min(radius, 0.85 * gap_km) * 10) / 10)
        return {"offers": offers, "needs": needs, "size": size, "capacity": capacity, "radius": radius}

    def _contact_fields(self, org_type: str, city: str, area_id: str, name_en: str, causes: Sequence[str],
                        profile: dict) -> dict:
        """The row's columns from ``city`` to ``founded_year``, in the order of the file."""
        rng = self.rng
        slug = _slug(name_en)
        informal = org_type in {"small_business", "community_group", "religious"}
        website = None if informal and rng.random() < 0.4 else f"https://www.{slug}.example.sa"
        area = self.areas[area_id]
        y_lo, y_hi = _PROFILES[org_type][4]
        return {
            "city": _CITIES[city][1],
            "district": area.name_en,
            "address": f"{int(rng.integers(1000, 9999))} شارع {_STREETS[int(rng.integers(len(_STREETS)))]}، "
                       f"{area.name}، {_CITIES[city][0]}",
            "website": website,
            "size": profile["size"],
            "offers": _join(profile["offers"], _RESOURCE_ORDER),
            "needs": _join(profile["needs"], _RESOURCE_ORDER),
            "causes": _join(causes, _CAUSE_ORDER),
            "capacity": profile["capacity"],
            "engagement_stage": ("identified", "contacted", "engaged", "lapsed")[
                int(rng.choice(4, p=(0.45, 0.3, 0.17, 0.08)))],
            "service_radius_km": float(profile["radius"]),
            "email": f"info@{slug}.example.sa",
            "phone": f"+966 13 555 {int(rng.integers(0, 10000)):04d}",
            "contact_name": f"{_FIRST_NAMES[int(rng.integers(len(_FIRST_NAMES)))]} "
                            f"{_FAMILY_NAMES[int(rng.integers(len(_FAMILY_NAMES)))]}",
            "founded_year": int(rng.integers(y_lo, y_hi + 1)),
        }


#: Hand-written organisations: (org_type, city, area or None, Arabic, English, causes)
_FOCAL_PARTNERS = [
    ("association", "KHB", None, "جمعية ترميم البيوت بالخبر",
     "Al Khobar Home Restoration Society", ("housing", "elderly")),
    ("charity", "DAM", None, "جمعية مساكن الخير بالدمام",
     "Masakin Al-Khair Housing Charity Dammam", ("housing", "poverty")),
    ("association", "DHA", None, "جمعية سيدات الظهران للتنمية",
     "Dhahran Women's Development Association", ("women", "employment")),
    ("association", "KHB", None, "جمعية تمكين المرأة بالخبر",
     "Al Khobar Women's Empowerment Association", ("women", "employment")),
    ("charity", "KHB", None, "جمعية البيت الآمن للأسرة",
     "Safe Home Family Charity", ("housing", "women", "family")),
    ("association", "DAM", None, "جمعية إعمار الأحياء بالدمام",
     "Dammam Neighbourhood Renewal Association", ("housing", "environment")),
    ("association", "DAM", None, "جمعية فتيات الغد",
     "Fatayat Al-Ghad Girls' Association", ("women", "youth")),
    ("charity", "QAT", None, "جمعية سكن كريم الخيرية بالقطيف",
     "Sakan Karim Housing Charity Qatif", ("housing", "poverty")),
    ("community_group", "KHB", None, "فريق أيادي الترميم التطوعي",
     "Ayadi Restoration Volunteer Team", ("housing", "youth")),
    ("association", "KHB", None, "جمعية الأسر المنتجة بالخبر",
     "Al Khobar Productive Families Association", ("women", "employment", "family")),
]
_BROKERS = [
    ("association", "DAM", None, "الاتحاد الأهلي للجمعيات بالمنطقة الشرقية",
     "Eastern Province Charities Union", ("poverty", "family")),
    ("university", "DHA", "DHA-02", "جامعة الساحل للعلوم والتقنية",
     "As-Sahil University of Science and Technology", ("education", "science")),
    ("government_agency", "QAT", "QAT-01", "مكتب التنمية الاجتماعية بالقطيف",
     "Qatif Social Development Office", ("poverty", "family")),
]
_CLUSTER = [
    ("association", "QAT", "QAT-03", "جمعية مزارعي النخيل بالجش",
     "Al Jish Palm Farmers' Association", ("environment", "employment")),
    ("community_group", "QAT", "QAT-03", "فريق تراث الجش التطوعي",
     "Al Jish Heritage Volunteer Team", ("culture", "youth")),
    ("religious", "QAT", "QAT-03", "جامع الرحمة بالجش",
     "Ar-Rahma Mosque Al Jish", ("family", "poverty")),
    ("small_business", "QAT", "QAT-03", "مشغل سعفة للحرف اليدوية",
     "Saafa Handicrafts Workshop", ("culture", "women", "employment")),
    ("association", "QAT", "QAT-03", "جمعية منتجات الجش النسائية",
     "Al Jish Women Producers' Association", ("women", "employment")),
    ("small_business", "QAT", "QAT-03", "مؤسسة الواحة الخضراء للتمور",
     "Green Oasis Dates Est.", ("employment", "environment")),
]
#: (a, b, kind) among the cluster, as positions in _CLUSTER
_CLUSTER_TIES = [(0, 5, "partnership"), (0, 1, "joint_project"), (1, 2, "informal"),
                 (2, 4, "in_kind"), (3, 4, "partnership"), (4, 0, "membership"),
                 (5, 3, "informal"), (1, 3, "joint_project"), (2, 0, "referral")]


def _make_organizations(rng: np.random.Generator, areas: gpd.GeoDataFrame) -> tuple[pd.DataFrame, dict]:
    orgs = _Orgs(rng, areas)
    focal = orgs.add("company", "KHB", area_id="KHB-04",
                     name=("شركة المدار للهندسة والتصميم", "Al-Madar Engineering & Design Co."),
                     causes=("housing", "women", "environment"),
                     offers=("expertise", "skills", "in_kind_services"),
                     needs=("volunteers", "audiences", "networks"), size="large", radius=8.0)
    groups: dict[str, list[int]] = {"focal": [focal]}
    for key, spec in (("partners", _FOCAL_PARTNERS), ("brokers", _BROKERS)):
        groups[key] = [orgs.add(t, c, area_id=a, name=(ar, en), causes=cs)
                       for t, c, a, ar, en, cs in spec]
    general = []
    for org_type, counts in _PLAN.items():
        for city, n in zip(_CITIES, counts, strict=True):
            general.extend(orgs.add(org_type, city) for _ in range(n))
    order = rng.permutation(len(general))  # mix types and cities in the id sequence
    general = [general[i] for i in order]
    groups["cluster"] = [orgs.add(t, c, area_id=a, name=(ar, en), causes=cs)
                         for t, c, a, ar, en, cs in _CLUSTER]
    sequence = groups["focal"] + groups["partners"] + groups["brokers"] + general + groups["cluster"]
    rows = [orgs.rows[i] for i in sequence]
    for number, row in enumerate(rows, start=1):
        # the seventh organisation came from an older list whose ids were bare numbers
        row["org_id"] = f"{number:03d}" if number == 7 else f"ORG-{number:03d}"
    frame = pd.DataFrame(rows)
    position = {old: new for new, old in enumerate(sequence)}
    groups = {k: [position[i] for i in v] for k, v in groups.items()}
    groups["general"] = [position[i] for i in general]
    return frame, groups


# ------------------------------------------------------------------ the relationships


_SECTOR_AFFINITY = {
    ("for_profit", "for_profit"): 0.5, ("for_profit", "non_profit"): 1.3,
    ("non_profit", "non_profit"): 1.0, ("non_profit", "public"): 1.0,
    ("public", "public"): 0.8, ("for_profit", "public"): 0.0,  # gap 2: never
}
_KINDS_BY_PAIR = {
    ("for_profit", "for_profit"): (("partnership", 0.3), ("joint_project", 0.25), ("informal", 0.25), ("mou", 0.2)),
    ("for_profit", "non_profit"): (("in_kind", 0.3), ("funding", 0.25), ("partnership", 0.15),
                                   ("joint_project", 0.1), ("informal", 0.1), ("mou", 0.1)),
    ("non_profit", "non_profit"): (("partnership", 0.25), ("referral", 0.2), ("joint_project", 0.15),
                                   ("membership", 0.15), ("informal", 0.15), ("funding", 0.05), ("in_kind", 0.05)),
    ("non_profit", "public"): (("mou", 0.2), ("referral", 0.2), ("joint_project", 0.15), ("partnership", 0.15),
                               ("funding", 0.1), ("informal", 0.1), ("in_kind", 0.1)),
    ("public", "public"): (("partnership", 0.3), ("referral", 0.2), ("mou", 0.2), ("joint_project", 0.15),
                           ("informal", 0.15)),
}
_FORMAL_P = {"partnership": 0.7, "joint_project": 0.75, "in_kind": 0.5, "referral": 0.45,
             "mou": 1.0, "funding": 1.0, "membership": 1.0, "informal": 0.0}
_GIVER_RANK = {"for_profit": 0, "public": 1, "non_profit": 2}


class _Ties:
    """Collects ties, refusing self-ties, duplicates and the missing sector pair."""

    def __init__(self, rng: np.random.Generator, orgs: pd.DataFrame) -> None:
        self.rng = rng
        self.orgs = orgs
        self.sector = orgs["sector"].tolist()
        self.offers = [s.split(";") for s in orgs["offers"]]
        self.rows: list[dict] = []
        self.pairs: set[tuple[int, int]] = set()

    def allowed(self, a: int, b: int) -> bool:
        pair = tuple(sorted((self.sector[a], self.sector[b])))
        return a != b and (min(a, b), max(a, b)) not in self.pairs and _SECTOR_AFFINITY[pair] > 0

    def kind_for(self, a: int, b: int) -> str:
        kinds = _KINDS_BY_PAIR[tuple(sorted((self.sector[a], self.sector[b])))]
        p = np.array([w for _, w in kinds])
        return kinds[int(self.rng.choice(len(kinds), p=p / p.sum()))][0]

    def status(self) -> str:
        return ("active", "proposed", "ended")[int(self.rng.choice(3, p=(0.8, 0.07, 0.13)))]

    def add(self, a: int, b: int, kind: str | None = None, status: str = "active") -> None:
        rng = self.rng
        assert self.allowed(a, b), (a, b)
        self.pairs.add((min(a, b), max(a, b)))
        kind = kind or self.kind_for(a, b)
        # the giver is the source: companies, then public bodies, then non-profits
        if kind in {"funding", "in_kind"} and _GIVER_RANK[self.sector[b]] < _GIVER_RANK[self.sector[a]]:
            a, b = b, a
        formal = bool(rng.random() < _FORMAL_P[kind])
        mutual = [self.offers[a][int(rng.integers(len(self.offers[a])))],
                  self.offers[b][int(rng.integers(len(self.offers[b])))]]
        services = [o for o in self.offers[a] if o in {"in_kind_services", "equipment", "space",
                                                        "skills", "expertise", "training"}]
        resources = {
            "funding": ["funding"],
            "in_kind": _pick(rng, services, 1, 2) if services else ["in_kind_services"],
            "referral": ["audiences"],
            "membership": ["networks"],
            "informal": [o for o in mutual if o in {"networks", "volunteers", "content"}] or ["networks"],
        }.get(kind, mutual)
        review = None
        if kind != "informal":
            review = int(rng.choice([6, 12, 12, 24])) if formal else (12 if rng.random() < 0.5 else None)
        start, end, last = self._dates(kind, status, review)
        self.rows.append({
            "source": a, "target": b, "kind": kind, "formal": formal, "status": status,
            "directed": kind in schema.DIRECTED_KINDS,
            "weight": int(rng.integers(2, 6)) if formal else int(rng.integers(1, 4)),
            "start_date": start, "end_date": end, "last_reviewed": last,
            "review_every_months": review,
            "resources": _join(resources, _RESOURCE_ORDER),
        })

    def _dates(self, kind: str, status: str, review: int | None) -> tuple[str | None, ...]:
        rng, as_of = self.rng, DEMO_AS_OF
        start = end = last = None
        if status == "proposed":
            start = as_of + _days(rng, 20, 200)
        elif status == "ended":
            end = as_of - _days(rng, 30, 2200)
            start = end - _days(rng, 180, 1800)
            if review:
                last = end - _days(rng, 0, min(300, (end - start).days))
        else:
            if review:
                if rng.random() < 0.2:  # overdue by 1-10 months
                    last = _add_months(as_of, -review) - _days(rng, 30, 300)
                else:
                    last = as_of - _days(rng, 0, review * 30 - 25)
                start = max(dt.date(2012, 1, 1), last - _days(rng, 0, 2500))
            else:
                start = as_of - _days(rng, 30, 3000)
            if kind in {"mou", "funding"} and rng.random() < 0.5:
                end = as_of + _days(rng, 60, 900)
        return tuple(d.isoformat() if d else None for d in (start, end, last))


def _make_relationships(rng: np.random.Generator, orgs: pd.DataFrame, groups: dict) -> tuple[pd.DataFrame, list[int]]:
    """Every tie of the demo, drawn in a fixed order from ``rng``, and the organisations left without ties."""
    ties = _Ties(rng, orgs)
    _focal_ties(ties, orgs, groups)
    cluster = groups["cluster"]
    for a, b, kind in _CLUSTER_TIES:  # gap 1: the Al Jish cluster, tied among itself only
        ties.add(cluster[a], cluster[b], kind)
    isolates, pendants, pool = _general_pool(rng, orgs, groups)
    draw = _Draw(ties, orgs, pool, pendants, _activity(rng, orgs, pool, groups["brokers"]))
    _city_ties(draw)
    _broker_ties(draw, groups["brokers"])
    _cross_city_ties(draw)
    _tie_everyone(draw)
    _connect(draw, groups["focal"][0])
    frame = pd.DataFrame(ties.rows, columns=_REL_COLUMNS)
    ids = orgs["org_id"].tolist()
    frame["source"] = [ids[i] for i in frame["source"]]
    frame["target"] = [ids[i] for i in frame["target"]]
    frame["review_every_months"] = frame["review_every_months"].astype("Int64")
    return frame, isolates


def _focal_ties(ties: _Ties, orgs: pd.DataFrame, groups: dict) -> None:
    """The focal company: mostly professional services in kind to housing and women's groups."""
    focal, partners = groups["focal"][0], groups["partners"]
    city = orgs["city"].tolist()
    org_type = orgs["org_type"].tolist()
    for p in (0, 1, 2, 3, 4, 5, 7):
        ties.add(focal, partners[p], "in_kind")
    ties.add(focal, partners[6], "joint_project")
    ties.add(focal, partners[8], "informal")
    ties.add(focal, partners[9], "mou", status="proposed")
    khobar = [i for i in groups["general"] if city[i] == "Al Khobar"]
    lapsed = next(i for i in khobar if org_type[i] == "charity"
                  and {"housing", "women"} & set(orgs.at[i, "causes"].split(";")))
    ties.add(focal, lapsed, "in_kind", status="ended")
    ties.add(focal, next(i for i in khobar if org_type[i] == "company"), "partnership")


def _general_pool(rng: np.random.Generator, orgs: pd.DataFrame, groups: dict) -> tuple[list[int], list[int], list[int]]:
    """A few isolates (no tie at all) and single-tie organisations, and who takes part in the general ties."""
    general = groups["general"]
    org_type = orgs["org_type"].tolist()
    small = [i for i in general if org_type[i] in {"small_business", "community_group", "religious", "association"}]
    isolates = sorted(int(i) for i in rng.choice(small, size=6, replace=False))
    rest = [i for i in general if i not in isolates]
    pendants = sorted(int(i) for i in rng.choice(rest, size=16, replace=False))
    return isolates, pendants, sorted(rest + groups["partners"] + groups["brokers"])


_HUBS = {"company", "local_council", "government_agency", "charity", "university", "healthcare"}


def _activity(rng: np.random.Generator, orgs: pd.DataFrame, pool: list[int], brokers: list[int]) -> dict[int, float]:
    """How readily each organisation of the pool takes ties (hubs twice, brokers a fixed 3)."""
    org_type = orgs["org_type"].tolist()
    activity = {i: float(rng.lognormal(0, 0.7)) * (2.0 if org_type[i] in _HUBS else 1.0) for i in pool}
    for b in brokers:
        activity[b] = 3.0
    return activity


class _Draw:
    """Draws general ties from the pool, by activity, shared causes and distance."""

    def __init__(self, ties: _Ties, orgs: pd.DataFrame, pool: list[int], pendants: list[int],
                 activity: dict[int, float]) -> None:
        self.ties, self.rng = ties, ties.rng
        self.pool, self.pendants, self.activity = pool, pendants, activity
        self.city = orgs["city"].tolist()
        self.org_type = orgs["org_type"].tolist()
        self.lat = orgs["lat"].to_numpy()
        self.lon = orgs["lon"].to_numpy()
        self.causes = [set(s.split(";")) for s in orgs["causes"]]

    def members(self, city: str, *, types: set[str] | None = None) -> list[int]:
        """The pool's organisations in ``city`` (of ``types``) that may take more ties (no pendants)."""
        return [i for i in self.pool if self.city[i] == city and (types is None or self.org_type[i] in types)
                and i not in self.pendants]

    def weights(self, i: int, candidates: list[int]) -> np.ndarray:
        """How likely ``i`` ties with each candidate: activity, shared causes, distance decay (3 km)."""
        d = np.hypot((self.lat[candidates] - self.lat[i]) * 111.0, (self.lon[candidates] - self.lon[i]) * 99.6)
        w = np.array([self.activity[j] * (1 + 0.5 * len(self.causes[i] & self.causes[j]))
                      if self.ties.allowed(i, j) else 0.0 for j in candidates])
        return w * np.exp(-d / 3.0)

    def link(self, i: int, candidates: list[int], kind: str | None = None, status: str | None = None) -> bool:
        """Tie ``i`` to one of ``candidates`` drawn by :meth:`weights`; False when none is allowed."""
        w = self.weights(i, candidates)
        if w.sum() <= 0:
            return False
        j = candidates[int(self.rng.choice(len(candidates), p=w / w.sum()))]
        self.ties.add(i, j, kind, status or self.ties.status())
        return True


def _city_ties(draw: _Draw) -> None:
    """Ties within each city, drawn by activity, shared causes and distance; one for each pendant."""
    city, rng = draw.city, draw.rng
    for c in sorted(set(city[i] for i in draw.pool)):
        members = [i for i in draw.pool if city[i] == c]
        targets = [i for i in members if i not in draw.pendants]
        p = np.array([draw.activity[i] for i in targets])
        for _ in range(int(round(2.6 * len(members)))):
            draw.link(targets[int(rng.choice(len(targets), p=p / p.sum()))], targets)
        for i in draw.pendants:
            if city[i] == c:
                draw.link(i, targets, status="active")


def _broker_ties(draw: _Draw, brokers: list[int]) -> None:
    """The brokers' ties across cities: the charities union, the university, the Qatif office."""
    union, university, qatif_office = brokers
    for c in ("Dammam", "Al Khobar", "Dhahran", "Qatif"):
        members = draw.members(c, types={"charity", "association"})
        for _ in range(4):
            draw.link(union, members, "membership", "active")
    for broker, plan in ((university, (("Dhahran", 3), ("Al Khobar", 4), ("Dammam", 3))),
                         (qatif_office, (("Qatif", 5), ("Dammam", 3)))):
        for c, n in plan:
            members = draw.members(c)
            for _ in range(n):
                draw.link(broker, members, status="active")


def _cross_city_ties(draw: _Draw) -> None:
    """A few ties between neighbouring cities (distance decay does not apply across cities)."""
    rng, ties = draw.rng, draw.ties
    for a, b in (("Dammam", "Al Khobar"),) * 4 + (("Al Khobar", "Dhahran"),) * 2:
        i = int(rng.choice(draw.members(a)))
        far = draw.members(b)
        w = np.array([draw.activity[j] if ties.allowed(i, j) else 0.0 for j in far])
        if w.sum() > 0:
            ties.add(i, far[int(rng.choice(len(far), p=w / w.sum()))], status="active")


def _tie_everyone(draw: _Draw) -> None:
    """Everyone in the pool gets at least one tie."""
    tied = {r["source"] for r in draw.ties.rows} | {r["target"] for r in draw.ties.rows}
    for i in draw.pool:
        if i not in tied:
            draw.link(i, [j for j in draw.pool if draw.city[j] == draw.city[i] and j not in draw.pendants],
                      status="active")


def _connect(draw: _Draw, focal: int) -> None:
    """Tie the smaller active components to the largest until the active ties hold one main network."""
    main = [focal] + draw.pool
    while True:
        graph: dict[int, set[int]] = {i: set() for i in main}
        for r in draw.ties.rows:
            if r["status"] == "active" and r["source"] in graph and r["target"] in graph:
                graph[r["source"]].add(r["target"])
                graph[r["target"]].add(r["source"])
        components = _components(graph)
        if len(components) == 1:
            return
        giant = max(components, key=len)
        small_comp = min((c for c in components if c is not giant), key=min)
        for i in sorted(small_comp):
            candidates = [j for j in sorted(giant) if j not in draw.pendants and j != focal]
            same_city = [j for j in candidates if draw.city[j] == draw.city[i]]
            if draw.link(i, same_city, status="active") or draw.link(i, candidates, status="active"):
                break


def _components(graph: dict[int, set[int]]) -> list[set[int]]:
    """Connected components of an adjacency dict, in order of their smallest node."""
    seen: set[int] = set()
    out = []
    for start in sorted(graph):
        if start in seen:
            continue
        stack, comp = [start], {start}
        while stack:
            for j in graph[stack.pop()]:
                if j not in comp:
                    comp.add(j)
                    stack.append(j)
        seen |= comp
        out.append(comp)
    return out


# ----------------------------------------------------------------------- public API


def make_demo(seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame | gpd.GeoDataFrame]:
    """Generate the fictional Eastern Province demo ecosystem.

    Parameters
    ----------
    seed
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same tables.
        The committed demo data is ``make_demo(2026)``.

    Returns
    -------
    dict
        ``organizations`` (one row per organisation, columns of the data contract plus
        ``name_en`` and ``founded_year``), ``relationships`` (one row per tie, ``formal``
        and ``directed`` as booleans, dates as ISO strings) and ``areas`` (a
        GeoDataFrame of district polygons in EPSG:4326 with ``area_id``, ``name``,
        ``name_en``, ``city``, ``population`` and ``households_in_need``).

    Examples
    --------
    >>> demo = make_demo()
    >>> len(demo["organizations"]) >= 300 and len(demo["relationships"]) >= 800
    True
    """
    rng = np.random.default_rng(seed)
    areas = _make_areas()
    orgs, groups = _make_organizations(rng, areas)
    rels, isolates = _make_relationships(rng, orgs, groups)

    # engagement stage as seen from the focal company
    stage = orgs["engagement_stage"].copy()
    for r in rels.itertuples():
        if FOCAL_ID in (r.source, r.target):
            other = r.target if r.source == FOCAL_ID else r.source
            stage[orgs["org_id"] == other] = {"active": "partner", "proposed": "engaged",
                                              "ended": "lapsed"}[r.status]
    stage[orgs.index.isin(isolates + groups["cluster"])] = "identified"
    stage[orgs["org_id"] == FOCAL_ID] = None
    orgs["engagement_stage"] = stage
    return {"organizations": orgs[_ORG_COLUMNS].copy(), "relationships": rels, "areas": areas}


def demo_path() -> Path:
    """The folder of the demo data shipped with the package.

    Returns
    -------
    pathlib.Path
        ``partnermap/data/demo`` inside the installed package: ``organizations.csv``,
        ``relationships.csv``, ``areas.geojson`` and ``README.md``.
    """
    return Path(__file__).resolve().parent / "data" / "demo"


#: The files :func:`write_demo` writes.
DEMO_FILES = ("organizations.csv", "relationships.csv", "areas.geojson", "README.md")


def data_files(path: str | Path) -> list[str]:
    """The files in folder ``path`` that the demo would replace or that would be read with it.

    Parameters
    ----------
    path
        A folder (it need not exist).

    Returns
    -------
    list of str
        Sorted file names: the demo's own (:data:`DEMO_FILES`) and any organisations,
        relationships or areas table (``organizations.xlsx``, ``ties.csv``, ``areas.gpkg`` …).
    """
    folder = Path(path)
    if not folder.is_dir():
        return []
    tables = {alias for aliases in _tables._TABLE_ALIASES.values() for alias in aliases}
    demo = {name.lower() for name in DEMO_FILES}
    return sorted(p.name for p in folder.iterdir()
                  if p.is_file() and (p.name.lower() in demo or p.name.lower().split(".")[0] in tables))


def write_demo(path: str | Path, *, seed: int = DEFAULT_SEED, force: bool = False) -> Path:
    """Write the demo data folder.

    Parameters
    ----------
    path
        Folder to write to; created if missing.
    seed
        Seed passed to :func:`make_demo`.
    force
        Write into a folder that already holds data files (see :func:`data_files`),
        replacing the demo's own files there. Without it such a folder is refused, so
        the demo never overwrites your data.

    Returns
    -------
    pathlib.Path
        The folder, holding ``organizations.csv`` and ``relationships.csv`` (UTF-8 with
        BOM, so that Excel shows the Arabic), ``areas.geojson`` (EPSG:4326) and a
        ``README.md`` that describes the data and its deliberate gaps.

    Raises
    ------
    ParameterError
        When the folder holds data files and ``force`` is not set; the message names them.
    """
    folder = Path(path)
    found = data_files(folder)
    if found and not force:
        shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
        raise ParameterError(
            f"{folder} already holds data files ({shown}); the demo would replace them or be read "
            "together with them. Choose a new or empty folder, or replace the demo's files there with "
            "--force (force=True in Python).")
    folder.mkdir(parents=True, exist_ok=True)
    demo = make_demo(seed)
    csv = {"index": False, "encoding": "utf-8-sig", "lineterminator": "\n"}
    demo["organizations"].to_csv(folder / "organizations.csv", **csv)
    rels = demo["relationships"].copy()
    for column in ("formal", "directed"):
        rels[column] = rels[column].map({True: "true", False: "false"})
    rels.to_csv(folder / "relationships.csv", **csv)
    geojson = folder / "areas.geojson"
    geojson.unlink(missing_ok=True)
    demo["areas"].to_file(geojson, driver="GeoJSON", engine="pyogrio")
    (folder / "README.md").write_text(_readme(demo, seed), encoding="utf-8", newline="\n")
    return folder


_ORGS_NOTES = ("UTF-8 with BOM; Arabic `name`, English `name_en`; `founded_year` is an extra column; "
               "`email`, `phone`, `contact_name` are private")


def _readme(demo: dict, seed: int) -> str:
    """The README.md of the demo folder: what is fictional, the files, the deliberate gaps."""
    orgs, rels, areas = demo["organizations"], demo["relationships"], demo["areas"]
    tied = set(rels["source"]) | set(rels["target"])
    isolates = [i for i in orgs["org_id"] if i not in tied]
    degree = pd.concat([rels["source"], rels["target"]]).value_counts()
    singles = sorted(degree[degree == 1].index)
    gap = areas.set_index("area_id").loc[UNDERSERVED_AREA_ID]
    names = orgs.set_index("org_id")["name_en"]
    return f"""# partnermap demo data — FICTIONAL

**Everything in this folder is fictional.** It is a generated demonstration ecosystem
modelled on Saudi Arabia's Eastern Province (Dammam, Al Khobar, Dhahran, Qatif). The
cities and their centre coordinates are real; the district boundaries, organisations,
names, contacts (`example.sa` addresses, `+966 13 555` numbers), ties and figures are
invented. Any resemblance to real organisations is coincidental.

Generated by `partnermap.datasets.write_demo(path, seed={seed})`; do not edit by hand —
regenerate with `python -m partnermap.datasets OUTDIR`. The review dates are judged as of
{DEMO_AS_OF.isoformat()} (`partnermap.datasets.DEMO_AS_OF`).

| file | rows | notes |
|---|---|---|
| `organizations.csv` | {len(orgs)} | {_ORGS_NOTES} |
| `relationships.csv` | {len(rels)} | {rels['kind'].nunique()} kinds, formal and informal, active/proposed/ended |
| `areas.geojson` | {len(areas)} | district polygons (EPSG:4326) with `population` and `households_in_need` |

## Focal organisation

`{FOCAL_ID}` — {names[FOCAL_ID]} (شركة المدار للهندسة والتصميم), an engineering and design
company in Al Khobar. It offers expertise, skills and in-kind services and needs
volunteers, audiences and networks. Most of its ties are in-kind professional services
to housing, home-restoration and women's associations. `engagement_stage` is each
organisation's stage with it. The organisation with id `007` keeps the leading zeros of
an older list: read ids as text.

## Deliberate gaps

1. **Isolated cluster**: {", ".join(f"`{i}`" for i in ISOLATED_CLUSTER_IDS)} — six
   organisations in Al Jish (area `QAT-03`, Qatif) tied only among themselves: a
   separate connected component.
2. **Missing sector pair**: no tie of any kind or status joins a `{MISSING_SECTOR_PAIR[0]}`
   organisation to a `{MISSING_SECTOR_PAIR[1]}` one.
3. **Under-served area**: `{UNDERSERVED_AREA_ID}` — {gap['name_en']} ({gap['name']}), population
   {gap['population']:,}, {gap['households_in_need']:,} households in need (the most of any area).
   No organisation is located in it and no organisation's `service_radius_km` reaches it.

## Other features

- Brokers joining the cities: {", ".join(f"`{i}` ({names[i]})" for i in BROKER_IDS)}.
- Organisations with no tie at all: {", ".join(f"`{i}`" for i in isolates)}.
- Organisations with a single tie: {len(singles)}.
- Active ties overdue for review on {DEMO_AS_OF.isoformat()}: {_overdue(rels)}.
"""


def _overdue(rels: pd.DataFrame) -> int:
    """Active ties whose ``last_reviewed + review_every_months`` is before DEMO_AS_OF."""
    n = 0
    for r in rels.itertuples():
        if r.status == "active" and isinstance(r.last_reviewed, str) and not pd.isna(r.review_every_months):
            due = _add_months(dt.date.fromisoformat(r.last_reviewed), int(r.review_every_months))
            n += due < DEMO_AS_OF
    return n


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m partnermap.datasets OUTDIR [--seed N]``: write the demo folder.

    Parameters
    ----------
    argv
        The command-line arguments (``None``: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 (argparse exits with 2 on bad arguments).
    """
    parser = argparse.ArgumentParser(prog="python -m partnermap.datasets", description=main.__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="write into a folder that holds data files")
    args = parser.parse_args(argv)
    print(write_demo(args.outdir, seed=args.seed, force=args.force))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
