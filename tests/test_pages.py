"""What the pages say: labels not keys, numbers by magnitude, isolated names, Arabic sentences."""

from __future__ import annotations

import importlib
import re

import numpy as np
import pandas as pd
import pytest

import partnermap as pm
from partnermap import _words, pages
from partnermap.gaps import gaps_table

ARABIC = re.compile("[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def demo() -> pages.Prepared:
    return pages.prepare(None)


@pytest.mark.parametrize("value, kw, text", [
    (0.0000321, {}, "0.0000321"), (0.123456, {}, "0.123"), (3.14159, {}, "3.14"), (33.75, {}, "33.8"),
    (1234.5, {}, "1,234"), (7.0, {}, "7"), (12, {}, "12"), (np.int64(5000), {}, "5,000"),
    (0.456, {"share": True}, "46%"),
    (0.001, {"share": True}, "<1%"), (None, {}, ""), (pd.NA, {}, ""), (float("nan"), {}, ""), (True, {}, "yes"),
    (False, {"language": "ar"}, "لا"),
])
def test_numbers_are_rounded_by_magnitude(value, kw, text) -> None:
    assert pages.fmt(value, **kw) == text


def test_tables_show_labels_lists_and_no_private_columns(demo) -> None:
    orgs = demo.data.organizations.head(3)
    html = pages.table_html(orgs, "en")
    assert "email" not in html.lower() and not any(str(e) in html for e in orgs["email"].dropna())
    assert "For-profit" in html and ">for_profit<" not in html
    assert "geometry" not in html and "POINT" not in html
    ar = pages.table_html(orgs, "ar")
    assert "القطاع الخاص" in ar and "<th>القطاع</th>" in ar
    long = pd.DataFrame({"members": [[f"ORG-{i}" for i in range(40)]]})
    assert "and 32 more" in pages.table_html(long, "en") and "ORG-39" not in pages.table_html(long, "en")


def test_user_text_is_escaped_and_isolated() -> None:
    hostile = pd.DataFrame({"name": ['<img src=x onerror=alert(1)> `${x}`']}, index=pd.Index(["A"], name="org_id"))
    html = pages.table_html(hostile, "en")
    assert "<img" not in html and "${" not in html and "`" not in html
    assert "<bdi>&lt;img" in html


def test_english_reasons_are_rebuilt_word_for_word(demo) -> None:
    for focal in ("ORG-001", "ORG-100", "ORG-250"):
        table = pm.potential_partners(demo.data, focal, top=None, as_of=demo.as_of, include_ended=True)
        rebuilt = [_words.reasons(r, "en", html=False) for r in table["reasons"]]
        assert rebuilt == list(table["reasons"])


def test_arabic_reasons_have_no_english_left(demo) -> None:
    table = pm.potential_partners(demo.data, "ORG-001", top=None, as_of=demo.as_of, include_ended=True)
    for r in table["reasons"]:
        ar = _words.reasons(r, "ar", html=False)
        assert ARABIC.search(ar) and not re.search(r"\b(you|offers|needs|partners?|away|sector)\b", ar), ar


def test_every_gap_is_said_in_arabic_with_its_names_isolated(demo) -> None:
    gaps = gaps_table(demo.data, focal="ORG-001", as_of=demo.as_of)
    page = pages.Page(demo, language="ar")
    folio = pm.portfolio(demo.data, "ORG-001", as_of=demo.as_of)
    texts = page.gap_sentences(gaps, html=False, formality=folio.formality.to_dict(),
                               area_reasons={a: "لا توجد جهة" for a in gaps["area_id"].dropna()})
    assert len(texts) == len(gaps)
    for (_, row), text in zip(gaps.iterrows(), texts, strict=True):
        assert ARABIC.search(text), (row["gap"], text)
        assert not re.search(r"\b(the|has|would|with|of your)\b", re.sub("[\u2066-\u2068].*?\u2069", "", text)), text
        if isinstance(row["org_id"], str) and row["scope"] == "ecosystem" and row["gap"] != "isolated_group":
            assert f"\u2066{row['org_id']}\u2069" in text or f"\u2067{row['org_id']}\u2069" in text, text


def test_sentences_in_html_wrap_every_name_in_bdi(demo) -> None:
    page = pages.Page(demo, language="en")
    row = {"gap": "single_tie", "org_id": "ORG-002", "other_id": "ORG-001", "count": 1}
    html = _words.gap_message(row, "en", names=page.names, html=True)
    name2, name1 = page.names["ORG-002"], page.names["ORG-001"]
    assert html.startswith(f"<bdi>{name2}</bdi> (<bdi class='id'>ORG-002</bdi>) depends on a single partnership")
    assert html.endswith(f"<bdi>{name1}</bdi> (<bdi class='id'>ORG-001</bdi>)")


def test_sector_pair_expected_below_one_is_said_in_words() -> None:
    row = {"gap": "sector_pair", "other_id": "non_profit|public", "count": 0}
    text = _words.gap_message(row, "en", names={}, html=False)
    assert "about 0" not in text and "fewer than one" in text


def test_summary_figures_have_a_label_and_a_meaning(demo) -> None:
    for lang in ("en", "ar"):
        table = pages.summary_table(demo.summary, lang)
        assert len(table) == len(pages.SUMMARY_SHOWN)
        assert table["meaning"].map(bool).all()
    assert "(" not in "".join(pages.summary_table(demo.summary, "en")["value"])


def test_brokers_leave_out_isolates(demo) -> None:
    b = pages.brokers(demo.metrics, top=None)
    assert (b["degree"] > 0).all() and (b["betweenness"] > 0).all()
    assert list(b["broker_rank"]) == list(range(1, len(b) + 1))


def test_every_displayed_column_has_an_arabic_heading() -> None:
    shown = ["name", "sector", "org_type", "degree", "broker_rank", "betweenness", "is_cut_point",
             "cross_sector_share", "rank", "engagement_stage", "distance_km", "score", "reasons", "population",
             "reason", "severity", "file", "row", "column", "message", "fix", "located_total", "serving_public",
             "kinds", "formal", "partner", "kind", "status", "start_date", "review_due", "overdue", "value", "meaning"]
    for c in shown:
        assert ARABIC.search(pages.column_label(c, "ar")), c


def test_pages_state_the_error_of_estimated_brokerage(demo, monkeypatch) -> None:
    # exact on the demo; above centrality's ESTIMATE_ABOVE the estimate and its error are on every page
    assert demo.sample is None and pages.Page(demo, language="en").estimate_note() == ""
    pmc = importlib.import_module("partnermap.centrality")
    monkeypatch.setattr(pmc, "ESTIMATE_ABOVE", 100)
    monkeypatch.setattr(pmc, "ESTIMATE_WORK", 1)  # stop at the first 100 sources
    estimated = pages.prepare(None)
    attrs = estimated.metrics.attrs
    assert estimated.sample is None and attrs["betweenness_sources"] < 320
    en, ar = (pages.Page(estimated, language=lang).estimate_note() for lang in ("en", "ar"))
    assert en.startswith("The network has <bdi>320</bdi> organisations")
    assert f"from <bdi>{attrs['betweenness_sources']}</bdi> source" in en
    assert f"within ±<bdi>{pages.fmt(attrs['betweenness_epsilon'])}</bdi>" in en and "about <bdi>90%</bdi>" in en
    assert ARABIC.search(ar) and str(attrs["betweenness_sources"]) in ar
    exact = pages.prepare(None, sample=None)  # None: exact whatever the size
    assert "betweenness_sources" not in exact.metrics.attrs
    assert pages.Page(exact, language="en").estimate_note() == ""
