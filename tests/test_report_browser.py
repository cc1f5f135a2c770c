"""The report pages in a real browser: no script errors, and mixed Arabic/English sentences in the right order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from partnermap import report

from .browser import browser  # noqa: F401 - the fixture

CASE = Path(__file__).resolve().parents[2] / "shared" / "cases" / "new-user-trial" / "05_bidi_html"
READY = "document.readyState === 'complete'"

#: Where each string is drawn: the x of the left and right edge of its first occurrence.
POSITIONS = """(needles) => {
  const out = {};
  const li = [...document.querySelectorAll('li')].find(l => needles.every(n => l.textContent.includes(n)));
  if (!li) return null;
  const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const n of needles) {
      const i = node.textContent.indexOf(n);
      if (i < 0 || out[n]) continue;
      const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + n.length);
      const b = r.getBoundingClientRect(); out[n] = {left: b.left, right: b.right, top: b.top};
    }
  }
  out.direction = getComputedStyle(li).direction;
  return out;
}"""


@pytest.fixture(scope="module")
def bidi_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not CASE.is_dir():
        pytest.skip("reproducer 05_bidi_html is not in this checkout")
    data = tmp_path_factory.mktemp("bidi") / "05_bidi_html"
    data.mkdir()
    for f in ("organizations.csv", "relationships.csv"):
        shutil.copy(CASE / f, data / f)
    out = tmp_path_factory.mktemp("reports")
    return {lang: report.run(data, out / lang, focal="B", notebooks="03", profiles="none", language=lang, quiet=True)
            for lang in ("en", "ar")}


def test_english_sentence_that_starts_with_an_arabic_name_reads_left_to_right(browser, bidi_runs):  # noqa: F811
    """05_bidi_html: "جمعية البر (A) depends on a single partnership, with شركة الساحل (B)" keeps its meaning."""
    page = browser.open(bidi_runs["en"] / "03-partnership-gaps.html", ready=READY, width=1400)
    pos = page.js(POSITIONS, ["جمعية البر", "A", "depends on a single partnership", "شركة الساحل"])
    assert pos is not None and pos["direction"] == "ltr"
    assert pos["جمعية البر"]["top"] == pos["شركة الساحل"]["top"]  # one line
    assert pos["جمعية البر"]["right"] <= pos["A"]["left"]
    assert pos["A"]["right"] <= pos["depends on a single partnership"]["left"]
    assert pos["depends on a single partnership"]["right"] <= pos["شركة الساحل"]["left"]
    assert not [e for e in page.errors if "pageerror" in e] and not page.refused


def test_arabic_sentence_reads_right_to_left(browser, bidi_runs):  # noqa: F811
    page = browser.open(bidi_runs["ar"] / "03-partnership-gaps.html", ready=READY, width=1400)
    pos = page.js(POSITIONS, ["تعتمد", "جمعية البر", "على شراكة واحدة", "شركة الساحل"])
    assert pos is not None and pos["direction"] == "rtl"
    assert pos["تعتمد"]["left"] >= pos["جمعية البر"]["right"]
    assert pos["جمعية البر"]["left"] >= pos["على شراكة واحدة"]["right"]
    assert pos["على شراكة واحدة"]["left"] >= pos["شركة الساحل"]["right"]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_index_opens_without_script_errors(browser, tmp_path_factory, language):  # noqa: F811
    run = report.run(None, tmp_path_factory.mktemp(f"idx-{language}"), notebooks="01,03", profiles="none",
                     language=language, quiet=True)
    page = browser.open(run / "index.html", ready=READY, width=1200, height=2400)
    assert not [e for e in page.errors if "pageerror" in e], page.errors
    assert not page.refused, page.refused  # nothing but map tiles is asked for
    assert page.js("document.documentElement.dir") == ("rtl" if language == "ar" else "ltr")
    frame = next(f for f in page.page.frames if f.url.endswith("maps/partners.html"))
    frame.wait_for_function("window.partnermapReady !== undefined", timeout=30_000)
    assert frame.evaluate("document.querySelector('.leaflet-container') !== null")
    page.screenshot(tmp_path_factory.getbasetemp() / f"index-{language}.png")
