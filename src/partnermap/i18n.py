"""Every user-facing label and sentence of the pages, in English and Arabic, in one place.

Vocabulary labels (sectors, types, resources …) live with their vocabularies in
:mod:`partnermap.schema`; this module holds the words of the pages themselves: headings,
legends, layer names, popup field labels, report paragraphs. Each key has both languages
(a test checks it). Messages are :meth:`str.format` templates; values substituted into
them are the caller's business to escape and bidi-isolate (see :mod:`partnermap._html`).

Examples
--------
>>> t("language_name", "ar")
'العربية'
>>> direction("ar"), direction("en")
('rtl', 'ltr')
"""

from __future__ import annotations

from typing import Any

from ._errors import ParameterError

__all__ = ["LANGUAGES", "MESSAGES", "direction", "t"]

#: The languages every message has.
LANGUAGES = ("en", "ar")

#: key -> {"en": template, "ar": template}
MESSAGES: dict[str, dict[str, str]] = {
    "language_name": {"en": "English", "ar": "العربية"},
}

#: The words of the maps and the network view (partnermap.maps, partnermap.network_view).
_MAP_MESSAGES: dict[str, dict[str, str]] = {
    # titles
    "title_organizations": {"en": "Organisations by sector", "ar": "الجهات حسب القطاع"},
    "title_partners": {"en": "Potential partners of {name}", "ar": "الشركاء المحتملون لـ {name}"},
    "title_coverage": {"en": "Coverage: {measure}", "ar": "التغطية: {measure}"},
    "title_ties": {"en": "Ties between organisations", "ar": "العلاقات بين الجهات"},
    "title_network": {"en": "Partnership network", "ar": "شبكة الشراكات"},
    # layers
    "layer_sector": {"en": "{sector}", "ar": "{sector}"},
    "layer_focal": {"en": "Your organisation", "ar": "جهتك"},
    "layer_partners": {"en": "Current partners", "ar": "الشركاء الحاليون"},
    "layer_partner_ties": {"en": "Ties with your partners", "ar": "علاقاتك مع الشركاء"},
    "layer_candidates": {"en": "Top {n} potential partners", "ar": "أفضل {n} من الشركاء المحتملين"},
    "layer_service_area": {"en": "Your service area", "ar": "نطاق خدمتك"},
    "layer_not_reached": {"en": "Areas neither you nor your partners reach", "ar": "مناطق لا تصلها أنت ولا شركاؤك"},
    "layer_areas": {"en": "Areas", "ar": "المناطق"},
    "layer_underserved": {"en": "Under-served areas", "ar": "مناطق ناقصة الخدمة"},
    "layer_organizations": {"en": "Organisations", "ar": "الجهات"},
    "layer_kind": {"en": "{kind}", "ar": "{kind}"},
    "sector_unknown": {"en": "Sector not given", "ar": "القطاع غير محدد"},
    # popup and tooltip fields
    "field_name": {"en": "Name", "ar": "الاسم"},
    "field_name_en": {"en": "English name", "ar": "الاسم بالإنجليزية"},
    "field_sector": {"en": "Sector", "ar": "القطاع"},
    "field_org_type": {"en": "Type", "ar": "النوع"},
    "field_offers": {"en": "Offers", "ar": "يقدّم"},
    "field_needs": {"en": "Needs", "ar": "يحتاج"},
    "field_causes": {"en": "Causes", "ar": "القضايا"},
    "field_engagement_stage": {"en": "Engagement stage", "ar": "مرحلة التواصل"},
    "field_capacity": {"en": "Capacity", "ar": "القدرة على التفرغ"},
    "field_size": {"en": "Size", "ar": "الحجم"},
    "field_city": {"en": "City", "ar": "المدينة"},
    "field_district": {"en": "District", "ar": "الحي"},
    "field_website": {"en": "Website", "ar": "الموقع الإلكتروني"},
    "field_rank": {"en": "Rank", "ar": "الترتيب"},
    "field_score": {"en": "Score", "ar": "الدرجة"},
    "field_reasons": {"en": "Why", "ar": "الأسباب"},
    "field_distance_km": {"en": "Distance (km)", "ar": "المسافة (كم)"},
    "field_shared_partners": {"en": "Shared partners", "ar": "شركاء مشتركون"},
    "field_kind": {"en": "Kind of tie", "ar": "نوع العلاقة"},
    "field_formal": {"en": "Formal", "ar": "رسمية"},
    "field_weight": {"en": "Strength", "ar": "القوة"},
    "field_status": {"en": "Status", "ar": "الحالة"},
    "field_between": {"en": "Between", "ar": "بين"},
    "field_population": {"en": "Population", "ar": "السكان"},
    "field_serving_total": {"en": "Organisations serving it", "ar": "الجهات التي تخدمها"},
    "field_serving_kind": {"en": "Serving: {kind}", "ar": "تخدمها: {kind}"},
    "field_reason": {"en": "Gap", "ar": "الفجوة"},
    "field_degree": {"en": "Ties", "ar": "العلاقات"},
    "field_community": {"en": "Community", "ar": "المجموعة"},
    "yes": {"en": "yes", "ar": "نعم"},
    "no": {"en": "no", "ar": "لا"},
    # score components of the potential partners
    "component_mutual_benefit": {"en": "Mutual benefit", "ar": "المنفعة المتبادلة"},
    "component_shared_causes": {"en": "Shared causes", "ar": "قضايا مشتركة"},
    "component_network_proximity": {"en": "Closeness in the network", "ar": "القرب في الشبكة"},
    "component_proximity": {"en": "Closeness on the map", "ar": "القرب الجغرافي"},
    "component_fills_gap": {"en": "Fills a gap", "ar": "يسد فجوة"},
    "component_equity": {"en": "Equity", "ar": "الإنصاف"},
    "component_capacity": {"en": "Capacity", "ar": "القدرة"},
    # coverage measures
    "measure_organisations_serving": {"en": "organisations serving each area",
                                      "ar": "عدد الجهات التي تخدم كل منطقة"},
    "measure_population_reached": {"en": "residents within reach of an organisation",
                                   "ar": "السكان في نطاق جهة واحدة على الأقل"},
    "measure_deficit": {"en": "organisations missing (fewer than {n} serving)",
                        "ar": "الجهات الناقصة (أقل من {n} تخدم المنطقة)"},
    "measure_of": {"en": "{measure} — {kind}", "ar": "{measure} — {kind}"},
    # legends and notes
    "legend_sectors": {"en": "Colour: sector", "ar": "اللون: القطاع"},
    "legend_kinds": {"en": "Colour: kind of tie; dashed: informal", "ar": "اللون: نوع العلاقة؛ المتقطع: غير رسمية"},
    "legend_cross_sector": {"en": "Thick lines join different sectors", "ar": "الخطوط العريضة تربط قطاعات مختلفة"},
    "legend_candidates": {"en": "Numbered by rank, sized by score", "ar": "مرقّمة حسب الترتيب وحجمها حسب الدرجة"},
    "legend_underserved": {"en": "Red outline: under-served area", "ar": "الإطار الأحمر: منطقة ناقصة الخدمة"},
    "legend_range": {"en": "{low} to {high}", "ar": "من {low} إلى {high}"},
    "note_unlocated": {"en": "{n} not on the map (no location): {names}",
                       "ar": "{n} خارج الخريطة (بلا موقع): {names}"},
    "note_organizations": {"en": "{orgs} organisations on the map", "ar": "{orgs} جهة على الخريطة"},
    "note_counts": {"en": "{orgs} organisations on the map, {ties} ties",
                    "ar": "{orgs} جهة على الخريطة، {ties} علاقة"},
    "note_reasons_english": {"en": "Reasons are given in English.", "ar": "الأسباب مكتوبة بالإنجليزية."},
    # network view
    "network_search": {"en": "Find an organisation", "ar": "ابحث عن جهة"},
    "network_find": {"en": "Find", "ar": "بحث"},
    "network_not_found": {"en": "No organisation of that name", "ar": "لا توجد جهة بهذا الاسم"},
    "network_size_by": {"en": "Size: {metric}", "ar": "الحجم: {metric}"},
    "network_color_community": {"en": "Colour: community (largest first)", "ar": "اللون: المجموعة (الأكبر أولاً)"},
    "network_other_communities": {"en": "Other communities", "ar": "مجموعات أخرى"},
    "network_counts": {"en": "{nodes} organisations, {edges} ties", "ar": "{nodes} جهة، {edges} علاقة"},
    "network_static": {"en": "Layout computed in advance (drag to move, scroll to zoom)",
                       "ar": "تخطيط محسوب مسبقاً (اسحب للتحريك ومرّر للتكبير)"},
    "metric_degree": {"en": "number of ties", "ar": "عدد العلاقات"},
    "metric_strength": {"en": "strength of ties", "ar": "قوة العلاقات"},
    "metric_betweenness": {"en": "brokerage (betweenness)", "ar": "الوساطة (البينية)"},
    "metric_closeness": {"en": "closeness", "ar": "القرب"},
    "metric_eigenvector": {"en": "influence (eigenvector)", "ar": "التأثير (المتجه الذاتي)"},
    "metric_pagerank": {"en": "PageRank", "ar": "PageRank"},
}
MESSAGES.update(_MAP_MESSAGES)


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ParameterError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}.")
    return language


def t(key: str, language: str = "en", /, **values: Any) -> str:
    """The message ``key`` in ``language``, with ``values`` substituted.

    Parameters
    ----------
    key
        A key of :data:`MESSAGES`.
    language
        ``"en"`` or ``"ar"``.
    **values
        Substituted into the template with :meth:`str.format`.

    Returns
    -------
    str
        The message.

    Examples
    --------
    >>> t("language_name")
    'English'
    """
    template = MESSAGES[key][_check_language(language)]
    return template.format(**values) if values else template


def direction(language: str) -> str:
    """The text direction of ``language``: ``"rtl"`` for Arabic, ``"ltr"`` otherwise.

    Parameters
    ----------
    language
        ``"en"`` or ``"ar"``.

    Returns
    -------
    str
        ``"rtl"`` or ``"ltr"``.
    """
    return "rtl" if _check_language(language) == "ar" else "ltr"
