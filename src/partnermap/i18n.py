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


# ---------------------------------------------------------------- report and notebooks
# Words of the report pages (index.html, the five notebooks, profiles) and of the charts.
MESSAGES.update({
    # page chrome
    "report_title": {"en": "Partnership report: {name}", "ar": "تقرير الشراكات: {name}"},
    "demo_notice": {"en": "This uses the built-in demo data (fictional organisations). Give your own data folder to analyse yours.",
                    "ar": "تستخدم هذه الصفحة البيانات التجريبية المضمّنة (جهات وهمية). حدّد مجلد بياناتك لتحليل بياناتك."},
    "data_line": {"en": "Data: {source} · as of {as_of} · generated {generated}",
                  "ar": "البيانات: {source} · بتاريخ {as_of} · أُنشئ في {generated}"},
    "demo_source": {"en": "built-in demo data (fictional)", "ar": "البيانات التجريبية المضمّنة (وهمية)"},
    "sampled_note": {"en": "The network has {n} organisations, so brokerage (betweenness) and closeness are estimates from {k} sampled organisations (seed {seed}), not exact values.",
                     "ar": "تضم الشبكة {n} جهة، لذا فإن قيم الوساطة والقرب تقديرات من عينة من {k} جهة (البذرة {seed}) وليست قيمًا دقيقة."},
    "back_to_index": {"en": "← Back to the report", "ar": "→ العودة إلى التقرير"},
    "and_more": {"en": "{shown} and {n} more", "ar": "{shown} و{n} غيرها"},
    "more_in_file": {"en": "The first {shown} of {total} are shown; all of them are in {file}.",
                     "ar": "تظهر أول {shown} من {total}؛ وجميعها في الملف {file}."},
    "none": {"en": "none", "ar": "لا يوجد"},
    "yes": {"en": "yes", "ar": "نعم"},
    "no": {"en": "no", "ar": "لا"},
    "list_sep": {"en": ", ", "ar": "، "},
    "and": {"en": " and ", "ar": " و"},
    "phrase_sep": {"en": "; ", "ar": "؛ "},
    "unknown": {"en": "unknown", "ar": "غير معروف"},
    "figure_saved": {"en": "Chart: {file}", "ar": "الرسم: {file}"},
    "map_saved": {"en": "Open the map on its own: {file}", "ar": "افتح الخريطة وحدها: {file}"},

    # 01 data quality
    "nb01_title": {"en": "Data quality: what was read, what was set aside and why",
                   "ar": "جودة البيانات: ما قُرئ وما استُبعد ولماذا"},
    "nb01_purpose": {"en": "Before trusting any map or ranking, check what was made of the files: the rows read and kept, every problem with its file, row and fix, the organisations without coordinates, the reviews that are overdue and the contacts that went nowhere.",
                     "ar": "قبل الوثوق بأي خريطة أو ترتيب، تحقّق مما استُخلص من الملفات: الصفوف المقروءة والمعتمدة، وكل مشكلة بملفها وصفها وطريقة إصلاحها، والجهات التي لا إحداثيات لها، والمراجعات المتأخرة، والتواصل الذي لم يثمر."},
    "h_loaded": {"en": "What was loaded", "ar": "ما تم تحميله"},
    "rows_loaded": {"en": "{table}: {kept} of {read} rows loaded", "ar": "{table}: حُمّل {kept} من {read} صفًا"},
    "problem_counts": {"en": "{errors} error(s), {warnings} warning(s), {rejected} row(s) set aside.",
                       "ar": "أخطاء: {errors}، تحذيرات: {warnings}، صفوف مستبعدة: {rejected}."},
    "h_by_sector": {"en": "Organisations by sector and type", "ar": "الجهات حسب القطاع والنوع"},
    "by_sector_text": {"en": "How many organisations of each type the data holds, in each sector.",
                       "ar": "عدد الجهات من كل نوع في البيانات، في كل قطاع."},
    "h_by_city": {"en": "Organisations by city", "ar": "الجهات حسب المدينة"},
    "no_city": {"en": "The data has no city column.", "ar": "لا يوجد عمود للمدينة في البيانات."},
    "h_engagement": {"en": "The engagement chain", "ar": "مراحل التواصل"},
    "engagement_text": {"en": "Where each organisation stands, from identified to partner (or lapsed).",
                        "ar": "موقع كل جهة في مراحل التواصل، من التحديد حتى الشراكة (أو الانقطاع)."},
    "no_engagement": {"en": "The data records no engagement stage.", "ar": "لا تسجّل البيانات مراحل التواصل."},
    "h_problems": {"en": "Problems found", "ar": "المشكلات المكتشفة"},
    "problems_text": {"en": "Each problem names the file, the row (as numbered in a spreadsheet), the column and the record, and says how to fix it. Errors stop the analysis; warnings deserve a look.",
                      "ar": "تذكر كل مشكلة الملف والصف (بترقيم الجدول) والعمود والسجل، وكيفية إصلاحها. الأخطاء توقف التحليل، والتحذيرات تستحق المراجعة."},
    "no_problems": {"en": "No problem was found: nothing needs fixing.", "ar": "لم تُكتشف أي مشكلة: لا شيء يحتاج إلى إصلاح."},
    "h_rejected": {"en": "Rows set aside", "ar": "الصفوف المستبعدة"},
    "no_rejected": {"en": "No row was set aside: every row is in the analysis.", "ar": "لم يُستبعد أي صف: جميع الصفوف مشمولة في التحليل."},
    "h_missing_coords": {"en": "Organisations without coordinates", "ar": "جهات بلا إحداثيات"},
    "missing_coords_none": {"en": "Every organisation has coordinates.", "ar": "لكل الجهات إحداثيات."},
    "missing_coords_some": {"en": "{n} of {total} organisations have no coordinates: they are left out of the maps and of coverage.",
                            "ar": "{n} من {total} جهة بلا إحداثيات: لا تظهر في الخرائط ولا في حساب التغطية."},
    "h_overdue": {"en": "Overdue reviews", "ar": "مراجعات متأخرة"},
    "overdue_none": {"en": "No active tie is overdue for review on {date}.", "ar": "لا توجد علاقة قائمة متأخرة المراجعة في {date}."},
    "overdue_some": {"en": "{n} active ties were due for review before {date}, most overdue first.",
                     "ar": "{n} علاقة قائمة حلّ موعد مراجعتها قبل {date}، الأكثر تأخرًا أولًا."},
    "h_stale": {"en": "Stale engagement", "ar": "تواصل متوقف"},
    "stale_none": {"en": "No organisation is stuck at the contacted stage.", "ar": "لا توجد جهة متوقفة عند مرحلة التواصل."},
    "stale_some": {"en": "{n} organisations were contacted but have no active or proposed tie.",
                   "ar": "{n} جهة تم التواصل معها لكن لا توجد معها علاقة قائمة أو مقترحة."},

    # 02 network
    "nb02_title": {"en": "Who holds the network together?", "ar": "من يمسك بالشبكة؟"},
    "nb02_purpose": {"en": "The active ties as a network: how many separate groups there are, how much the sectors mix, who brokers between groups and who the network would split without.",
                     "ar": "العلاقات القائمة كشبكة: كم مجموعة منفصلة فيها، ومدى تداخل القطاعات، ومن يتوسط بين المجموعات، ومن تنقسم الشبكة بغيابه."},
    "h_summary": {"en": "The network at a glance", "ar": "الشبكة في لمحة"},
    "h_mixing": {"en": "Ties between sectors", "ar": "العلاقات بين القطاعات"},
    "mixing_text": {"en": "Partner pairs between each two sectors; in brackets, what partnering at random would give.",
                    "ar": "أزواج الشركاء بين كل قطاعين؛ وبين قوسين ما يعطيه اختيار الشركاء عشوائيًا."},
    "no_tie_pairs": {"en": "No tie joins these sectors: {pairs}.", "ar": "لا توجد أي علاقة بين هذه القطاعات: {pairs}."},
    "all_pairs_tied": {"en": "Every two sectors have at least one tie.", "ar": "بين كل قطاعين علاقة واحدة على الأقل."},
    "h_brokers": {"en": "Who holds the network together", "ar": "من يمسك بالشبكة"},
    "brokers_text": {"en": "The organisations most often on the shortest route between others (brokerage), with their rank. Organisations without ties are left out.",
                     "ar": "الجهات الأكثر وقوعًا على أقصر الطرق بين غيرها (الوساطة) مع ترتيبها. الجهات التي لا علاقات لها غير مدرجة."},
    "no_brokers": {"en": "No organisation lies on a route between two others: the ties do not form chains.",
                   "ar": "لا تقع أي جهة على طريق بين جهتين أخريين: العلاقات لا تشكل سلاسل."},
    "h_central": {"en": "The most connected organisations", "ar": "الجهات الأكثر ارتباطًا"},
    "h_degree": {"en": "How many partners organisations have", "ar": "عدد شركاء الجهات"},
    "degree_text": {"en": "Most organisations have few partners; the few with many are the hubs.",
                    "ar": "لمعظم الجهات شركاء قليلون؛ والقلة ذات الشركاء الكثيرين هي المحاور."},
    "h_communities": {"en": "Communities", "ar": "المجتمعات"},
    "communities_text": {"en": "{n} clusters of closely tied organisations; the largest:",
                         "ar": "{n} مجموعة من الجهات المترابطة بشدة؛ أكبرها:"},
    "community_row": {"en": "Community {c}", "ar": "المجتمع {c}"},
    "h_cut": {"en": "Single points of failure", "ar": "نقاط الانقطاع"},
    "cut_none": {"en": "No organisation would split the network by leaving.", "ar": "لا توجد جهة تنقسم الشبكة بغيابها."},
    "cut_text": {"en": "{n} organisations would split the network if they left:", "ar": "{n} جهة تنقسم الشبكة إذا غابت:"},
    "h_bridges": {"en": "Bridge ties", "ar": "العلاقات الجسرية"},
    "bridges_none": {"en": "No single tie is the only link between two parts of the network.",
                     "ar": "لا توجد علاقة واحدة هي الرابط الوحيد بين جزأين من الشبكة."},
    "bridges_text": {"en": "{n} ties are the only link between two parts of the network.",
                     "ar": "{n} علاقة هي الرابط الوحيد بين جزأين من الشبكة."},
    "h_network_view": {"en": "The network", "ar": "الشبكة"},
    "network_view_text": {"en": "Each dot is an organisation, sized by brokerage and coloured by sector; lines are active ties.",
                          "ar": "كل نقطة جهة، حجمها بحسب الوساطة ولونها بحسب القطاع؛ والخطوط علاقات قائمة."},
    "h_meanings": {"en": "What the columns mean", "ar": "معاني الأعمدة"},

    # summary measures: label and one sentence
    "m_organisations": {"en": "Organisations", "ar": "الجهات"},
    "mm_organisations": {"en": "All organisations in the data, with or without ties.", "ar": "كل الجهات في البيانات، لها علاقات أو لا."},
    "m_partner_pairs": {"en": "Partner pairs", "ar": "أزواج الشركاء"},
    "mm_partner_pairs": {"en": "Pairs of organisations with at least one active tie.", "ar": "أزواج الجهات التي بينها علاقة قائمة واحدة على الأقل."},
    "m_isolates": {"en": "Without ties", "ar": "بلا علاقات"},
    "mm_isolates": {"en": "Organisations with no active tie at all.", "ar": "جهات ليست لها أي علاقة قائمة."},
    "m_components": {"en": "Separate groups", "ar": "مجموعات منفصلة"},
    "mm_components": {"en": "Pieces the network falls into; an organisation without ties is a piece of its own.",
                      "ar": "الأجزاء التي تنقسم إليها الشبكة؛ والجهة التي بلا علاقات جزء قائم بذاته."},
    "m_largest_component_share": {"en": "In the main group", "ar": "في المجموعة الرئيسية"},
    "mm_largest_component_share": {"en": "Share of organisations that can reach each other through ties.",
                                   "ar": "نسبة الجهات التي يمكنها الوصول إلى بعضها عبر العلاقات."},
    "m_density": {"en": "Density", "ar": "الكثافة"},
    "mm_density": {"en": "Share of all possible partner pairs that exist; low is normal in large networks.",
                   "ar": "نسبة أزواج الشركاء الموجودة من كل الأزواج الممكنة؛ وانخفاضها طبيعي في الشبكات الكبيرة."},
    "m_average_clustering": {"en": "Clustering", "ar": "التكتل"},
    "mm_average_clustering": {"en": "On average, the share of an organisation's partners that also work with each other.",
                              "ar": "متوسط نسبة شركاء الجهة الذين يعملون مع بعضهم أيضًا."},
    "m_communities": {"en": "Communities", "ar": "المجتمعات"},
    "mm_communities": {"en": "Clusters of closely tied organisations.", "ar": "مجموعات من الجهات المترابطة بشدة."},
    "m_modularity": {"en": "Modularity", "ar": "النمطية"},
    "mm_modularity": {"en": "How clearly the network splits into those clusters; above about 0.3 is a clear split.",
                      "ar": "مدى وضوح انقسام الشبكة إلى تلك المجموعات؛ وما فوق 0.3 تقريبًا انقسام واضح."},
    "m_sector_ei_index": {"en": "Sector mixing (E-I)", "ar": "تداخل القطاعات (E-I)"},
    "mm_sector_ei_index": {"en": "From -1 (every tie stays within a sector) to +1 (every tie crosses sectors).",
                           "ar": "من ‎-1 (كل العلاقات داخل القطاع نفسه) إلى ‎+1 (كل العلاقات بين قطاعات مختلفة)."},
    "m_cross_sector_share": {"en": "Across sectors", "ar": "بين القطاعات"},
    "mm_cross_sector_share": {"en": "Share of partner pairs whose two organisations are in different sectors.",
                              "ar": "نسبة أزواج الشركاء التي تنتمي جهتاها إلى قطاعين مختلفين."},

    # 03 partnership gaps
    "nb03_title": {"en": "Who should we partner with next?", "ar": "مع من نتشارك بعد ذلك؟"},
    "nb03_purpose": {"en": "The weak spots of the network and, for one organisation, its portfolio of partners, the organisations best placed to work with it next (each with its reasons), where they are, and what one new partnership would change.",
                     "ar": "نقاط ضعف الشبكة، ولجهة محددة: محفظة شركائها، والجهات الأنسب للعمل معها تاليًا (مع أسباب كل منها)، ومواقعها، وما تغيّره شراكة جديدة واحدة."},
    "no_focal": {"en": "No focal organisation was given, so this page shows the weak spots of the whole network only. Give the org_id of your organisation (focal) to rank its potential partners.",
                 "ar": "لم تُحدَّد جهة محورية، لذا تعرض هذه الصفحة نقاط ضعف الشبكة كلها فقط. حدّد معرّف جهتك (focal) لترتيب شركائها المحتملين."},
    "h_structural": {"en": "Weak spots of the network", "ar": "نقاط ضعف الشبكة"},
    "gaps_text": {"en": "{n} weak spots; up to three of each kind are shown, all of them are in tables/gaps.csv.",
                  "ar": "{n} نقطة ضعف؛ تظهر ثلاث من كل نوع على الأكثر، وجميعها في الملف tables/gaps.csv."},
    "no_gaps": {"en": "No weak spot was found.", "ar": "لم تُكتشف نقاط ضعف."},
    "h_portfolio": {"en": "The partners of {who}", "ar": "شركاء {who}"},
    "portfolio_partners": {"en": "{n} active partners: {sectors}.", "ar": "عدد الشركاء الحاليين {n}: {sectors}."},
    "portfolio_no_partners": {"en": "{who} has no active partner yet.", "ar": "ليس لدى {who} أي شريك حالي بعد."},
    "h_portfolio_gaps": {"en": "What the portfolio is missing", "ar": "ما ينقص المحفظة"},
    "portfolio_gaps_none": {"en": "Nothing is missing: every sector is covered and every need is offered by a partner.",
                            "ar": "لا ينقص شيء: كل القطاعات ممثلة وكل الاحتياجات يقدمها شريك."},
    "h_candidates": {"en": "Best placed to work with {who} next", "ar": "الأنسب للعمل مع {who} تاليًا"},
    "candidates_text": {"en": "Ranked for mutual benefit, shared causes, trust through shared partners, distance, the gaps they fill, equity and capacity; the score lies between 0 and 1.",
                        "ar": "مرتبة بحسب المنفعة المتبادلة والقضايا المشتركة والثقة عبر الشركاء المشتركين والمسافة والفجوات التي تسدها والإنصاف والقدرة؛ وتقع الدرجة بين 0 و1."},
    "no_candidates": {"en": "No organisation is left to rank: every other organisation is already a partner.",
                      "ar": "لا توجد جهة أخرى للترتيب: كل الجهات الأخرى شركاء بالفعل."},
    "h_components": {"en": "Where the scores come from", "ar": "من أين تأتي الدرجات"},
    "components_text": {"en": "Each bar is one candidate's score, split into its weighted parts.",
                        "ar": "كل عمود يمثل درجة جهة مرشحة مقسّمة إلى أجزائها الموزونة."},
    "h_partners_map": {"en": "Potential-partners map", "ar": "خريطة الشركاء المحتملين"},
    "partners_map_text": {"en": "Where the best candidates are, around {who}.", "ar": "مواقع أفضل الجهات المرشحة حول {who}."},
    "h_what_if": {"en": "What if {who} partnered with {best}?", "ar": "ماذا لو تشارك {who} مع {best}؟"},
    "what_if_text": {"en": "The network and the portfolio before and after adding that one tie.",
                     "ar": "الشبكة والمحفظة قبل إضافة تلك العلاقة الواحدة وبعدها."},
    "what_if_nothing": {"en": "None of these figures changes.", "ar": "لا يتغير أي من هذه الأرقام."},
    "m_ties": {"en": "Ties", "ar": "العلاقات"},
    "m_focal_partners": {"en": "Its partners", "ar": "شركاؤها"},
    "m_focal_sectors": {"en": "Sectors of its partners", "ar": "قطاعات شركائها"},
    "m_focal_unmet_needs": {"en": "Its needs no partner offers", "ar": "احتياجاتها التي لا يقدمها شريك"},
    "m_focal_areas_not_reached": {"en": "Areas it and its partners do not reach", "ar": "مناطق لا تصلها هي ولا شركاؤها"},

    # gap kinds (the 'gap' column)
    "gap_isolated_group": {"en": "Isolated groups", "ar": "مجموعات معزولة"},
    "gap_isolate": {"en": "Organisations without ties", "ar": "جهات بلا علاقات"},
    "gap_cut_point": {"en": "Single points of failure", "ar": "نقاط انقطاع"},
    "gap_bridge_tie": {"en": "Bridge ties", "ar": "علاقات جسرية"},
    "gap_community_single_link": {"en": "Communities with one link", "ar": "مجتمعات برابط واحد"},
    "gap_single_tie": {"en": "Organisations with one partner", "ar": "جهات بشريك واحد"},
    "gap_sector_pair": {"en": "Sectors that never meet", "ar": "قطاعات لا تلتقي"},
    "gap_type_pair": {"en": "Types that never meet", "ar": "أنواع لا تلتقي"},
    "gap_underserved_area": {"en": "Areas nobody reaches", "ar": "مناطق لا يصلها أحد"},
    "gap_stalled": {"en": "Contacts that went nowhere", "ar": "تواصل لم يثمر"},
    "gap_stalled_proposal": {"en": "Proposals past their start", "ar": "مقترحات تجاوزت موعدها"},
    "gap_missing_sector": {"en": "Sectors without a partner", "ar": "قطاعات بلا شريك"},
    "gap_unmet_need": {"en": "Needs no partner offers", "ar": "احتياجات لا يقدمها شريك"},
    "gap_unused_offer": {"en": "Offers no partner needs", "ar": "عروض لا يحتاجها شريك"},
    "gap_overdue_review": {"en": "Overdue reviews", "ar": "مراجعات متأخرة"},
    "gap_ended_tie": {"en": "Ended partnerships", "ar": "شراكات منتهية"},
    "gap_lapsed": {"en": "Lapsed organisations", "ar": "جهات منقطعة"},
    "gap_area_not_reached": {"en": "Areas you do not reach", "ar": "مناطق لا تصلونها"},
    "gap_formality": {"en": "Formal and informal ties", "ar": "العلاقات الرسمية وغير الرسمية"},

    # gap messages, rebuilt from the gap table's columns ({who}, {other}: isolated names)
    "g_isolated_group": {"en": "{n} organisations ({members}) are tied only among themselves: no tie links them to the main network",
                         "ar": "{n} جهات ({members}) مرتبطة ببعضها فقط: لا تربطها أي علاقة بالشبكة الرئيسية"},
    "g_isolate": {"en": "{who} has no ties at all", "ar": "ليست لدى {who} أي علاقة"},
    "g_cut_point": {"en": "if {who} went, {n} organisations would lose their link to the rest of the network ({members})",
                    "ar": "إذا غابت {who} فستفقد {n} جهات صلتها ببقية الشبكة ({members})"},
    "g_bridge_tie": {"en": "the tie between {who} and {other} is the only link for {n} organisations ({members})",
                     "ar": "العلاقة بين {who} و{other} هي الرابط الوحيد لـ {n} جهات ({members})"},
    "g_community_single_link": {"en": "a community of {n} organisations ({members}) connects to the rest of the network only through {who}",
                                "ar": "مجتمع من {n} جهات ({members}) لا يتصل ببقية الشبكة إلا عبر {who}"},
    "g_single_tie": {"en": "{who} depends on a single partnership, with {other}", "ar": "تعتمد {who} على شراكة واحدة، مع {other}"},
    "g_sector_pair": {"en": "no tie joins a {a} organisation and a {b} one, although about {n} would be expected if partners were chosen at random",
                      "ar": "لا توجد علاقة بين جهة من {a} وجهة من {b}، مع أن اختيار الشركاء عشوائيًا يعطي نحو {n}"},
    "g_sector_pair_few": {"en": "no tie joins a {a} organisation and a {b} one (partnering at random would give fewer than one)",
                          "ar": "لا توجد علاقة بين جهة من {a} وجهة من {b} (اختيار الشركاء عشوائيًا يعطي أقل من علاقة واحدة)"},
    "g_type_pair": {"en": "no tie joins types '{a}' and '{b}', although about {n} would be expected at random",
                    "ar": "لا توجد علاقة بين النوعين «{a}» و«{b}»، مع أن الاختيار العشوائي يعطي نحو {n}"},
    "g_type_pair_same": {"en": "no tie joins two organisations of type '{a}', although about {n} would be expected at random",
                         "ar": "لا توجد علاقة بين جهتين من النوع «{a}»، مع أن الاختيار العشوائي يعطي نحو {n}"},
    "g_underserved_area": {"en": "{area}: {reason}", "ar": "{area}: {reason}"},
    "g_stalled": {"en": "{who} was contacted but never engaged (no active or proposed tie {whom})",
                  "ar": "تم التواصل مع {who} دون أي تفاعل (لا علاقة قائمة أو مقترحة {whom})"},
    "g_stalled_days": {"en": "{who} was contacted {days} days ago but never engaged (no active or proposed tie {whom})",
                       "ar": "تم التواصل مع {who} قبل {days} يومًا دون أي تفاعل (لا علاقة قائمة أو مقترحة {whom})"},
    "with_you": {"en": "with you", "ar": "معكم"},
    "with_anyone": {"en": "with anyone", "ar": "مع أي جهة"},
    "g_stalled_proposal": {"en": "the proposed tie between {who} and {other} was planned to start {days} days ago and is still only proposed",
                           "ar": "العلاقة المقترحة بين {who} و{other} كان مقررًا أن تبدأ قبل {days} يومًا وما زالت مقترحة فقط"},
    "g_missing_sector": {"en": "no active partner in the {sector} sector ({n} such organisations in the data)",
                         "ar": "لا يوجد شريك حالي في {sector} ({n} جهة منه في البيانات)"},
    "g_unmet_need": {"en": "no partner offers {term}, which you need ({n} other organisations in the data offer it)",
                     "ar": "لا يقدم أي شريك {term} الذي تحتاجونه ({n} جهة أخرى في البيانات تقدمه)"},
    "g_unused_offer": {"en": "no partner needs the {term} you offer ({n} other organisations in the data need it)",
                       "ar": "لا يحتاج أي شريك {term} الذي تقدمونه ({n} جهة أخرى في البيانات تحتاجه)"},
    "g_overdue_review": {"en": "the review of your tie with {who} is {n} days overdue", "ar": "مراجعة علاقتكم مع {who} متأخرة {n} يومًا"},
    "g_ended_tie": {"en": "your tie with {who} has ended and was not renewed", "ar": "انتهت علاقتكم مع {who} ولم تُجدَّد"},
    "g_lapsed": {"en": "{who} is at engagement stage 'lapsed' (no ended tie is recorded)",
                 "ar": "{who} في مرحلة «منقطع» (دون تسجيل علاقة منتهية)"},
    "g_area_not_reached": {"en": "neither you nor your partners reach {area}", "ar": "لا تصلون أنتم ولا شركاؤكم إلى {area}"},
    "g_area_not_reached_pop": {"en": "neither you nor your partners reach {area}; {n} residents",
                               "ar": "لا تصلون أنتم ولا شركاؤكم إلى {area}؛ {n} نسمة"},
    "g_formality": {"en": "{formal} of your {total} active ties are formal, {informal} informal, {unknown} not recorded",
                    "ar": "{formal} من علاقاتكم القائمة البالغة {total} رسمية، و{informal} غير رسمية، و{unknown} غير مسجلة"},

    # under-served reasons
    "u_none": {"en": "no {kind} within reach", "ar": "لا توجد {kind} في المتناول"},
    "u_none_km": {"en": "no {kind} within {km} km", "ar": "لا توجد {kind} في نطاق {km} كم"},
    "u_few": {"en": "only {n} {kind} within reach (at least {wanted} wanted)", "ar": "{n} فقط من {kind} في المتناول (المطلوب {wanted} على الأقل)"},
    "u_residents": {"en": "{n} residents", "ar": "{n} نسمة"},
    "u_population_unknown": {"en": "population unknown", "ar": "عدد السكان غير معروف"},
    "kind_total": {"en": "organisation", "ar": "جهة"},
    "kind_of": {"en": "{label} organisation", "ar": "جهة من {label}"},
    "kind_offers": {"en": "organisation offering {label}", "ar": "جهة تقدم {label}"},
    "kind_needs": {"en": "organisation needing {label}", "ar": "جهة تحتاج {label}"},
    "kind_causes": {"en": "organisation working on {label}", "ar": "جهة تعمل في {label}"},
    "kind_with": {"en": "organisation with {by} '{label}'", "ar": "جهة قيمة {by} فيها «{label}»"},

    # potential-partner reasons (rebuilt phrase by phrase)
    "r_offers": {"en": "offers {terms} that you need", "ar": "تقدم {terms} التي تحتاجونها"},
    "r_needs": {"en": "needs {terms} that you offer", "ar": "تحتاج {terms} التي تقدمونها"},
    "r_causes": {"en": "shares your causes: {terms}", "ar": "تشارككم قضايا: {terms}"},
    "r_shared": {"en": "shares {n} partners with you", "ar": "تشارككم {n} من الشركاء"},
    "r_three": {"en": "three steps away in your network", "ar": "على بعد ثلاث خطوات في شبكتكم"},
    "r_km": {"en": "{km} km away", "ar": "على بعد {km} كم"},
    "r_km_overlap": {"en": "{km} km away, service areas overlap", "ar": "على بعد {km} كم، ومناطق الخدمة متداخلة"},
    "r_adds_sector": {"en": "adds the {sector} sector", "ar": "تضيف {sector}"},
    "r_adds_type": {"en": "adds a new type of partner ({type})", "ar": "تضيف نوعًا جديدًا من الشركاء ({type})"},
    "r_outside": {"en": "works outside the areas you and your partners reach", "ar": "تعمل خارج المناطق التي تصلونها أنتم وشركاؤكم"},
    "r_other_community": {"en": "in another community of the network", "ar": "في مجتمع آخر من الشبكة"},
    "r_outside_circle": {"en": "outside your circle (no shared partners)", "ar": "خارج دائرتكم (لا شركاء مشتركين)"},
    "r_small": {"en": "a small organisation", "ar": "جهة صغيرة"},
    "r_small_none": {"en": "a small organisation with no partners yet", "ar": "جهة صغيرة ليس لها شركاء بعد"},
    "r_small_few": {"en": "a small organisation with only {n} partners", "ar": "جهة صغيرة لها {n} من الشركاء فقط"},
    "r_no_partners": {"en": "has no partners yet", "ar": "ليس لها شركاء بعد"},
    "r_few_partners": {"en": "has only {n} partners", "ar": "لها {n} من الشركاء فقط"},
    "r_capacity": {"en": "has time to give (high capacity)", "ar": "لديها وقت تمنحه (قدرة عالية)"},
    "r_needs_nothing": {"en": "but needs nothing you offer", "ar": "لكنها لا تحتاج شيئًا مما تقدمونه"},
    "r_offers_nothing": {"en": "but offers nothing you need", "ar": "لكنها لا تقدم شيئًا مما تحتاجونه"},
    "r_low_capacity": {"en": "low capacity: do not assume it has time to spare", "ar": "قدرة منخفضة: لا تفترضوا أن لديها وقتًا فائضًا"},
    "r_no_location_you": {"en": "distance not scored: your location is unknown", "ar": "لم تُحسب المسافة: موقعكم غير معروف"},
    "r_no_location_it": {"en": "distance not scored: its location is unknown", "ar": "لم تُحسب المسافة: موقعها غير معروف"},
    "r_no_match": {"en": "no strong match on any component", "ar": "لا تطابق قويًا في أي مكوّن"},
    "r_former_on": {"en": "former partner: your tie ended on {date}", "ar": "شريك سابق: انتهت علاقتكم في {date}"},
    "r_former": {"en": "former partner: your tie has ended", "ar": "شريك سابق: انتهت علاقتكم"},
    "r_starts": {"en": "a tie with you starts on {date}", "ar": "تبدأ علاقة معكم في {date}"},
    "r_proposed": {"en": "a tie with you is already proposed", "ar": "توجد علاقة مقترحة معكم بالفعل"},
    "r_lapsed": {"en": "former partner (engagement stage: lapsed)", "ar": "شريك سابق (مرحلة التواصل: منقطع)"},

    # score components
    "c_mutual_benefit": {"en": "Mutual benefit", "ar": "المنفعة المتبادلة"},
    "c_shared_causes": {"en": "Shared causes", "ar": "القضايا المشتركة"},
    "c_network_proximity": {"en": "Shared partners", "ar": "الشركاء المشتركون"},
    "c_proximity": {"en": "Distance", "ar": "القرب الجغرافي"},
    "c_fills_gap": {"en": "Fills a gap", "ar": "سدّ فجوة"},
    "c_equity": {"en": "Equity", "ar": "الإنصاف"},
    "c_capacity": {"en": "Capacity", "ar": "القدرة"},

    # 04 coverage
    "nb04_title": {"en": "Where are the gaps? Coverage by area", "ar": "أين الفجوات؟ التغطية حسب المنطقة"},
    "nb04_purpose": {"en": "For every area, how many organisations of each kind are located there and how many serve it, and the areas nobody reaches, ranked by the residents affected.",
                     "ar": "لكل منطقة: كم جهة من كل نوع تقع فيها وكم جهة تخدمها، والمناطق التي لا يصلها أحد مرتبة بحسب عدد السكان المتأثرين."},
    "h_coverage": {"en": "Coverage of each area", "ar": "تغطية كل منطقة"},
    "coverage_text": {"en": "Organisations located in each area and those whose service area reaches it, by {by}.",
                      "ar": "الجهات الواقعة في كل منطقة والجهات التي تصل خدمتها إليها، حسب {by}."},
    "coverage_grid": {"en": "There is no areas file, so coverage uses a grid of hexagons (H3 resolution {res}) around the organisations.",
                      "ar": "لا يوجد ملف مناطق، لذا تُحسب التغطية على شبكة سداسية (دقة H3 ‏{res}) حول الجهات."},
    "coverage_skipped": {"en": "Coverage was not computed: {reason}", "ar": "لم تُحسب التغطية: {reason}"},
    "no_coordinates": {"en": "no organisation has coordinates.", "ar": "لا توجد جهة لها إحداثيات."},
    "h_underserved": {"en": "Under-served areas", "ar": "مناطق ضعيفة الخدمة"},
    "underserved_text": {"en": "Areas with no {kind} within reach, the most residents first.",
                         "ar": "مناطق لا توجد فيها {kind} في المتناول، الأكثر سكانًا أولًا."},
    "underserved_none": {"en": "Every area has at least one {kind} within reach.", "ar": "في كل منطقة {kind} واحدة على الأقل في المتناول."},
    "h_coverage_totals": {"en": "Residents within reach, by kind", "ar": "السكان في المتناول، حسب النوع"},
    "h_coverage_map": {"en": "Coverage map", "ar": "خريطة التغطية"},
    "by_sector_word": {"en": "sector", "ar": "القطاع"},
    "by_org_type_word": {"en": "type of organisation", "ar": "نوع الجهة"},
    "by_offers_word": {"en": "what they offer", "ar": "ما تقدمه"},
    "by_needs_word": {"en": "what they need", "ar": "ما تحتاجه"},
    "by_causes_word": {"en": "cause", "ar": "القضية"},

    # 05 profile
    "nb05_title": {"en": "Profile: {who}", "ar": "الملف التعريفي: {who}"},
    "nb05_purpose": {"en": "A one-page summary for one organisation: its ties, where it stands in the network and what that means, and the organisations best placed to work with it next.",
                     "ar": "ملخص في صفحة واحدة لجهة واحدة: علاقاتها، وموقعها في الشبكة ومعناه، والجهات الأنسب للعمل معها تاليًا."},
    "profile_needs_focal": {"en": "A profile needs an organisation: give its org_id (focal).", "ar": "يحتاج الملف التعريفي إلى جهة: حدّد معرّفها (focal)."},
    "h_profile_about": {"en": "About", "ar": "نبذة"},
    "h_profile_ties": {"en": "Its ties", "ar": "علاقاتها"},
    "profile_no_ties": {"en": "No tie is recorded for this organisation.", "ar": "لا توجد علاقة مسجلة لهذه الجهة."},
    "h_profile_position": {"en": "Its position in the network", "ar": "موقعها في الشبكة"},
    "profile_degree": {"en": "It works with {n} organisations (rank {rank} of {total}).", "ar": "تعمل مع {n} جهة (المرتبة {rank} من {total})."},
    "profile_broker": {"en": "It lies on the routes between other organisations: rank {rank} of {total} for brokerage.",
                       "ar": "تقع على الطرق بين جهات أخرى: المرتبة {rank} من {total} في الوساطة."},
    "profile_not_broker": {"en": "It does not lie on the routes between other organisations.", "ar": "لا تقع على الطرق بين جهات أخرى."},
    "profile_cut": {"en": "The network would split without it: it is a single point of failure.", "ar": "تنقسم الشبكة بغيابها: إنها نقطة انقطاع."},
    "profile_cross": {"en": "{share} of its partners are in another sector.", "ar": "{share} من شركائها في قطاع آخر."},
    "profile_isolate": {"en": "It has no active tie: it is not yet part of the network.", "ar": "ليست لها علاقة قائمة: لم تنضم إلى الشبكة بعد."},
    "h_profile_next": {"en": "Its best next partners", "ar": "أنسب شركائها التاليين"},

    # index.html
    "h_glance": {"en": "At a glance", "ar": "في لمحة"},
    "glance_orgs": {"en": "{n} organisations: {sectors}", "ar": "{n} جهة: {sectors}"},
    "glance_ties": {"en": "{n} active ties between {pairs} partner pairs", "ar": "{n} علاقة قائمة بين {pairs} زوجًا من الشركاء"},
    "glance_cross": {"en": "{share} of partner pairs cross sectors", "ar": "{share} من أزواج الشركاء بين قطاعات مختلفة"},
    "glance_population": {"en": "{share} of residents ({reached} of {total}) have an organisation within reach",
                          "ar": "{share} من السكان ({reached} من {total}) في متناولهم جهة واحدة على الأقل"},
    "h_top_gaps": {"en": "The main weak spots", "ar": "أبرز نقاط الضعف"},
    "h_top_candidates": {"en": "Who {who} should partner with next", "ar": "مع من تتشارك {who} تاليًا"},
    "h_changes": {"en": "What changed since {previous}", "ar": "ما الذي تغيّر منذ {previous}"},
    "changes_first": {"en": "This is the first run of {name}: the next run will show what changed.",
                      "ar": "هذا أول تشغيل لـ {name}: سيعرض التشغيل التالي ما تغيّر."},
    "changes_none": {"en": "Nothing changed.", "ar": "لم يتغير شيء."},
    "ch_org_added": {"en": "Organisations added", "ar": "جهات أضيفت"},
    "ch_org_removed": {"en": "Organisations removed", "ar": "جهات أزيلت"},
    "ch_tie_started": {"en": "Ties started", "ar": "علاقات بدأت"},
    "ch_tie_ended": {"en": "Ties ended", "ar": "علاقات انتهت"},
    "ch_review_overdue": {"en": "Reviews now overdue", "ar": "مراجعات أصبحت متأخرة"},
    "ch_gap_opened": {"en": "Weak spots opened", "ar": "نقاط ضعف ظهرت"},
    "ch_gap_closed": {"en": "Weak spots closed", "ar": "نقاط ضعف زالت"},
    "ch_broker_moved": {"en": "Brokerage rank moved", "ar": "تغيّر ترتيب الوساطة"},
    "ch_rank": {"en": "rank {before} → {after}", "ar": "المرتبة {before} ← {after}"},
    "h_pages": {"en": "Pages of this report", "ar": "صفحات هذا التقرير"},
    "h_maps": {"en": "Maps", "ar": "الخرائط"},
    "h_profiles": {"en": "Profiles to send to partners", "ar": "ملفات تعريفية لإرسالها إلى الشركاء"},
    "h_tables": {"en": "Tables (CSV for Excel, and one workbook)", "ar": "الجداول (CSV لبرنامج Excel، ومصنف واحد)"},
    "h_figures": {"en": "Charts", "ar": "الرسوم البيانية"},
    "runs_title": {"en": "Partnership reports", "ar": "تقارير الشراكات"},
    "runs_text": {"en": "Every run, newest first.", "ar": "كل التشغيلات، الأحدث أولًا."},
    "run_failed_note": {"en": "failed", "ar": "فشل"},

    # charts
    "chart_orgs_by_sector": {"en": "Organisations by sector and type", "ar": "الجهات حسب القطاع والنوع"},
    "chart_by_sector": {"en": "Organisations by sector", "ar": "الجهات حسب القطاع"},
    "chart_funnel": {"en": "The engagement chain", "ar": "مراحل التواصل"},
    "chart_mixing": {"en": "Partner pairs between sectors", "ar": "أزواج الشركاء بين القطاعات"},
    "chart_degree": {"en": "Organisations by number of partners", "ar": "الجهات حسب عدد الشركاء"},
    "chart_degree_x": {"en": "partners", "ar": "الشركاء"},
    "chart_count": {"en": "organisations", "ar": "الجهات"},
    "chart_components": {"en": "Score of each candidate, by part", "ar": "درجة كل جهة مرشحة حسب الجزء"},
    "chart_score": {"en": "score", "ar": "الدرجة"},
    "chart_population": {"en": "Share of residents within reach, by kind", "ar": "نسبة السكان في المتناول حسب النوع"},
    "chart_share": {"en": "share of residents", "ar": "نسبة السكان"},
    "total_label": {"en": "Any organisation", "ar": "أي جهة"},

    # column headings of the pages' tables
    "col_org_id": {"en": "Id", "ar": "المعرّف"},
    "col_area_id": {"en": "Area", "ar": "المنطقة"},
    "col_name": {"en": "Name", "ar": "الاسم"},
    "col_sector": {"en": "Sector", "ar": "القطاع"},
    "col_org_type": {"en": "Type", "ar": "النوع"},
    "col_city": {"en": "City", "ar": "المدينة"},
    "col_degree": {"en": "Partners", "ar": "الشركاء"},
    "col_strength": {"en": "Strength of ties", "ar": "قوة العلاقات"},
    "col_in_degree": {"en": "Receives from", "ar": "يتلقى من"},
    "col_out_degree": {"en": "Gives to", "ar": "يعطي إلى"},
    "col_betweenness": {"en": "Brokerage", "ar": "الوساطة"},
    "col_closeness": {"en": "Closeness", "ar": "القرب"},
    "col_eigenvector": {"en": "Well-connected partners", "ar": "شركاء مترابطون"},
    "col_pagerank": {"en": "Influence", "ar": "التأثير"},
    "col_core_number": {"en": "Core", "ar": "النواة"},
    "col_community": {"en": "Community", "ar": "المجتمع"},
    "col_constraint": {"en": "Constraint", "ar": "التقيّد"},
    "col_effective_size": {"en": "Distinct contacts", "ar": "جهات اتصال مختلفة"},
    "col_is_cut_point": {"en": "Point of failure", "ar": "نقطة انقطاع"},
    "col_bridge_ties": {"en": "Bridge ties", "ar": "علاقات جسرية"},
    "col_cross_sector_share": {"en": "Partners in other sectors", "ar": "شركاء من قطاعات أخرى"},
    "col_broker_rank": {"en": "Brokerage rank", "ar": "ترتيب الوساطة"},
    "col_score": {"en": "Score", "ar": "الدرجة"},
    "col_rank": {"en": "Rank", "ar": "الترتيب"},
    "col_reasons": {"en": "Why", "ar": "الأسباب"},
    "col_engagement_stage": {"en": "Stage", "ar": "المرحلة"},
    "col_distance_km": {"en": "Distance (km)", "ar": "المسافة (كم)"},
    "col_shared_partners": {"en": "Shared partners", "ar": "شركاء مشتركون"},
    "col_population": {"en": "Residents", "ar": "السكان"},
    "col_reason": {"en": "Why", "ar": "السبب"},
    "col_severity": {"en": "Severity", "ar": "الخطورة"},
    "col_file": {"en": "File", "ar": "الملف"},
    "col_row": {"en": "Row", "ar": "الصف"},
    "col_column": {"en": "Column", "ar": "العمود"},
    "col_message": {"en": "Problem", "ar": "المشكلة"},
    "col_fix": {"en": "How to fix it", "ar": "طريقة الإصلاح"},
    "col_ref": {"en": "Record", "ar": "السجل"},
    "col_organisations": {"en": "Organisations", "ar": "الجهات"},
    "col_partners": {"en": "Partners", "ar": "الشركاء"},
    "col_share": {"en": "Share", "ar": "النسبة"},
    "col_kind": {"en": "Kind", "ar": "النوع"},
    "col_status": {"en": "Status", "ar": "الحالة"},
    "col_partner": {"en": "Partner", "ar": "الشريك"},
    "col_partner_name": {"en": "Partner's name", "ar": "اسم الشريك"},
    "col_review_due": {"en": "Review due", "ar": "موعد المراجعة"},
    "col_days_overdue": {"en": "Days overdue", "ar": "أيام التأخير"},
    "col_measure": {"en": "Measure", "ar": "المقياس"},
    "col_before": {"en": "Before", "ar": "قبل"},
    "col_after": {"en": "After", "ar": "بعد"},
    "col_change": {"en": "Change", "ar": "التغيّر"},
    "col_value": {"en": "Value", "ar": "القيمة"},
    "col_meaning": {"en": "What it means", "ar": "المعنى"},
    "col_located": {"en": "Located", "ar": "موجودة"},
    "col_areas": {"en": "Areas", "ar": "المناطق"},
    "col_areas_reached": {"en": "Areas reached", "ar": "المناطق المخدومة"},
    "col_share_areas_reached": {"en": "Share of areas reached", "ar": "نسبة المناطق المخدومة"},
    "col_population_reached": {"en": "Residents reached", "ar": "السكان المخدومون"},
    "col_share_population_reached": {"en": "Share of residents reached", "ar": "نسبة السكان المخدومين"},
    "col_gap": {"en": "Weak spot", "ar": "نقطة الضعف"},
    "col_count": {"en": "Count", "ar": "العدد"},
    "col_label": {"en": "What", "ar": "البند"},
    "col_offered_by": {"en": "Offered by", "ar": "تقدمه"},
    "col_needed_by": {"en": "Needed by", "ar": "تحتاجه"},
    "col_start_date": {"en": "Start", "ar": "البداية"},
    "col_end_date": {"en": "End", "ar": "النهاية"},
    "col_last_reviewed": {"en": "Last reviewed", "ar": "آخر مراجعة"},
    "col_formal": {"en": "Formal", "ar": "رسمية"},
    "col_ties": {"en": "Ties", "ar": "العلاقات"},
    "col_kinds": {"en": "Kinds of tie", "ar": "أنواع العلاقة"},
    "col_rows_read": {"en": "Rows read", "ar": "الصفوف المقروءة"},
    "col_rows_kept": {"en": "Rows kept", "ar": "الصفوف المعتمدة"},
    "col_table": {"en": "Table", "ar": "الجدول"},
    "col_focal_reach": {"en": "Your reach", "ar": "وصولكم"},
    "col_serving": {"en": "Within reach", "ar": "في المتناول"},
    "col_of": {"en": "Of", "ar": "من"},
    "col_size": {"en": "Size", "ar": "الحجم"},
    "col_capacity": {"en": "Capacity", "ar": "القدرة"},
    "col_offers": {"en": "Offers", "ar": "تقدم"},
    "col_needs": {"en": "Needs", "ar": "تحتاج"},
    "col_causes": {"en": "Causes", "ar": "القضايا"},
    "col_change_kind": {"en": "What changed", "ar": "ما تغيّر"},
    "col_detail": {"en": "Detail", "ar": "التفاصيل"},
    "col_stage": {"en": "Stage", "ar": "المرحلة"},
    "col_size_community": {"en": "Organisations", "ar": "الجهات"},
    "col_members": {"en": "Organisations", "ar": "الجهات"},
    "col_source": {"en": "From", "ar": "من"},
    "col_target": {"en": "To", "ar": "إلى"},
    "col_run": {"en": "Run", "ar": "التشغيل"},
    "col_date": {"en": "Date", "ar": "التاريخ"},
    "col_link": {"en": "Page", "ar": "الصفحة"},
    "col_mutual_benefit": {"en": "Mutual benefit", "ar": "المنفعة المتبادلة"},
    "col_shared_causes": {"en": "Shared causes", "ar": "القضايا المشتركة"},
    "col_network_proximity": {"en": "Shared partners", "ar": "الشركاء المشتركون"},
    "col_proximity": {"en": "Distance", "ar": "القرب الجغرافي"},
    "col_fills_gap": {"en": "Fills a gap", "ar": "سدّ فجوة"},
    "col_equity": {"en": "Equity", "ar": "الإنصاف"},
    "col_name_en": {"en": "Name (English)", "ar": "الاسم (بالإنجليزية)"},
    "col_district": {"en": "District", "ar": "الحي"},
    "col_households_in_need": {"en": "Households in need", "ar": "الأسر المحتاجة"},
    "col_located_of": {"en": "Located: {kind}", "ar": "موجودة: {kind}"},
    "col_serving_of": {"en": "Within reach: {kind}", "ar": "في المتناول: {kind}"},
    "col_population_reached_of": {"en": "Residents reached: {kind}", "ar": "السكان المخدومون: {kind}"},
    "sev_error": {"en": "error", "ar": "خطأ"},
    "sev_warning": {"en": "warning", "ar": "تحذير"},
    "sev_info": {"en": "note", "ar": "ملاحظة"},
    "fr_direct": {"en": "directly", "ar": "مباشرة"},
    "fr_through_partners": {"en": "through partners", "ar": "عبر الشركاء"},
    "fr_not_reached": {"en": "not reached", "ar": "غير مخدومة"},

    # what the metric columns mean (one sentence each)
    "cm_degree": {"en": "How many different organisations it has at least one active tie with.", "ar": "عدد الجهات المختلفة التي تربطها بها علاقة قائمة واحدة على الأقل."},
    "cm_betweenness": {"en": "How often it lies on the shortest route between two other organisations (0 to 1): a broker links groups that would drift apart without it.", "ar": "مدى وقوعها على أقصر طريق بين جهتين أخريين (من 0 إلى 1): الوسيط يربط مجموعات كانت ستتباعد بدونه."},
    "cm_broker_rank": {"en": "Its place when organisations are ordered by brokerage (1 is the strongest broker).", "ar": "ترتيبها عند ترتيب الجهات حسب الوساطة (1 أقوى وسيط)."},
    "cm_is_cut_point": {"en": "Yes if the network would split into more pieces without it.", "ar": "نعم إذا كانت الشبكة ستنقسم إلى أجزاء أكثر بغيابها."},
    "cm_bridge_ties": {"en": "How many of its ties are the only link between two parts of the network.", "ar": "عدد علاقاتها التي هي الرابط الوحيد بين جزأين من الشبكة."},
    "cm_cross_sector_share": {"en": "The share of its partners that are in another sector.", "ar": "نسبة شركائها الذين ينتمون إلى قطاع آخر."},
    "cm_community": {"en": "The cluster of closely tied organisations it belongs to (0 is the largest).", "ar": "مجموعة الجهات المترابطة بشدة التي تنتمي إليها (0 هي الأكبر)."},
    "cm_closeness": {"en": "How few steps it needs to reach the others (0 to 1): news travels from it quickly.", "ar": "قلة الخطوات التي تحتاجها للوصول إلى الآخرين (من 0 إلى 1): تنتقل الأخبار منها بسرعة."},
})


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
