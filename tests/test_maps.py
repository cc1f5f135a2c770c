"""partnermap.maps: what the pages hold, checked in the HTML and in a real browser."""

from __future__ import annotations

from pathlib import Path

import folium
import numpy as np
import pytest

import partnermap as pm
from partnermap import maps
from partnermap._errors import ParameterError
from partnermap.coverage import coverage, underserved
from partnermap.export import page_html, write_html

from .browser import COUNT_LAYERS, OPEN_ALL, browser  # noqa: F401 - the fixture
from .hostile import HOSTILE_NAMES, PRIVATE_VALUES, write_hostile

HSDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "hsds"


@pytest.fixture(scope="module")
def demo():
    return pm.load(pm.datasets.demo_path())


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return pm.load(write_hostile(tmp_path_factory.mktemp("hostile") / "data"))


def located(data) -> int:
    orgs = data.organizations
    return int((orgs["lat"].notna() & orgs["lon"].notna()).sum())


def all_kinds(data, focal: str, **kw) -> dict[str, folium.Map]:
    return {
        "partners": maps.partners_map(data, focal, **kw),
        "organizations": maps.organizations_map(data, **kw),
        "coverage": maps.coverage_map(data, by="sector", **kw),
        "ties": maps.ties_map(data, **kw),
    }


# ----------------------------------------------------------------------- without a browser


def test_private_values_and_raw_hostile_text_never_reach_the_html(hostile) -> None:
    for kind, m in all_kinds(hostile, "H-0").items():
        for assets in ("inline", "cdn"):
            html = page_html(m, assets=assets)
            for secret in PRIVATE_VALUES:
                assert secret not in html, (kind, secret)
            assert "<img src=x" not in html, kind
            assert "alert(1)</script>" not in html, kind
            assert "javascript:alert" not in html.replace("javascript:alert(1)", "") or \
                'href="javascript:' not in html, kind


def test_caller_marked_private_columns_stay_out(demo) -> None:
    city = str(demo.organizations["city"].dropna().iloc[0])
    html = page_html(maps.organizations_map(demo, tiles=None), assets="cdn")
    assert city in html
    hidden = page_html(maps.organizations_map(demo, tiles=None, private=["city"]), assets="cdn")
    assert f'"{city}"' not in hidden


def test_self_contained_by_default_and_small(demo, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = write_html(maps.organizations_map(demo), tmp_path / "out" / "orgs.html")
    html = out.read_text(encoding="utf-8")
    assert "<script src=" not in html and 'rel="stylesheet"' not in html
    assert "جمعية" in html  # UTF-8, Arabic as text
    assert out.stat().st_size <= 1.5e6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no lib/ folder anywhere
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["orgs.html"]
    cdn = page_html(maps.organizations_map(demo), assets="cdn")
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in cdn
    for unused in ("jquery", "bootstrap", "awesome-markers", "fontawesome"):
        assert unused not in cdn.lower()


def test_tiles_none_sets_max_zoom_and_default_tiles_have_attribution(demo) -> None:
    bare = page_html(maps.ties_map(demo, tiles=None), assets="cdn")
    assert '"maxZoom": 18' in bare and "L.tileLayer" not in bare
    tiled = page_html(maps.ties_map(demo), assets="cdn")
    assert "L.tileLayer" in tiled and "Esri" in tiled
    custom = page_html(maps.ties_map(demo, tiles=("https://t.example/{z}/{x}/{y}.png", "<b>Mine</b> ${x}")),
                       assets="cdn")
    assert "<b>Mine" not in custom and "\\u0026lt;b\\u0026gt;Mine\\u0026lt;/b\\u0026gt; \\u0026#36;" in custom


@pytest.mark.parametrize("call, match", [
    (lambda d: maps.coverage_map(d, measure="nonsense"), "measure must be one of"),
    (lambda d: maps.organizations_map(d, language="fr"), "language must be one of"),
    (lambda d: maps.partners_map(d, "ORG-001", top=0), "top must be"),
    (lambda d: maps.ties_map(d, tiles="No Such Tiles"), "unknown tiles"),
    (lambda d: maps.ties_map(d, tiles="https://x/{z}/{x}/{y}.png"), "attribution"),
    (lambda d: maps.coverage_map(d, by="sector", of="martians"), "of='martians'"),
    (lambda d: maps.organizations_map(d, m="not a map"), "m must be a folium.Map"),
    (lambda d: write_html(maps.ties_map(d), "x.html", assets="local"), "assets must be"),
])
def test_bad_arguments_are_parameter_errors(demo, call, match) -> None:
    with pytest.raises(ParameterError, match=match):
        call(demo)


def test_unknown_focal_suggests_ids(demo) -> None:
    with pytest.raises(pm.UnknownOrganizationError, match="ORG-001"):
        maps.partners_map(demo, "org-001x")


def test_layers_stack_on_one_map_with_one_layer_control(demo) -> None:
    m = maps.partners_map(demo, "ORG-001", tiles=None)
    same = maps.ties_map(demo, m=m)
    assert same is m
    controls = [c for c in m._children.values() if isinstance(c, folium.LayerControl)]
    assert len(controls) == 1
    assert list(m._children.values())[-2] is controls[0]  # after every layer (then the final script)


# ------------------------------------------------------------------------------ browser


def expected_partner_lines(data, focal: str) -> int:
    rel = data.relationships
    rel = rel[(rel["status"] == "active") & ((rel["source"] == focal) | (rel["target"] == focal))]
    rel = rel[rel["source"] != rel["target"]]
    orgs = data.organizations
    ok = orgs["lat"].notna()
    return int(sum(ok[s] and ok[t] for s, t in zip(rel["source"], rel["target"], strict=True)))


def test_each_kind_loads_and_shows_what_it_should(browser, demo, tmp_path) -> None:  # noqa: F811
    n_located = located(demo)
    ranked = pm.potential_partners(demo, "ORG-001", top=10)
    cov = coverage(demo, by="sector")
    G = pm.build_graph(demo)
    orgs = demo.organizations
    ok = orgs["lat"].notna()
    tie_lines = sum(1 for u, v in G.edges() if u != v and ok[u] and ok[v])
    pages = all_kinds(demo, "ORG-001")
    for kind, m in pages.items():
        path = write_html(m, tmp_path / f"{kind}.html")
        page = browser.open(path)
        assert page.errors == [], (kind, page.errors)
        assert page.refused == [] and page.cdn == [], (kind, page.refused, page.cdn)
        assert page.tiles, f"{kind}: the basemap asked for no tile"
        counts = page.js(COUNT_LAYERS)
        if kind == "organizations":
            assert counts["circles"] == n_located
            assert len(counts["controls"]) == 3  # one layer per sector
        elif kind == "partners":
            assert counts["ranks"] == int(ok.reindex(ranked.index).sum())
            assert counts["lines"] == expected_partner_lines(demo, "ORG-001")
            assert counts["circles"] == 1 + counts["lines"]  # the focal organisation and its located partners
        elif kind == "coverage":
            assert counts["polygons"] == len(cov) + len(underserved(cov))
            assert counts["circles"] == n_located
        else:
            assert counts["lines"] == tie_lines
        page.screenshot(tmp_path / f"{kind}.png")
        page.page.context.close()


def test_without_tiles_the_map_draws_and_asks_for_nothing(browser, demo, tmp_path) -> None:  # noqa: F811
    path = write_html(maps.coverage_map(demo, tiles=None), tmp_path / "bare.html")
    page = browser.open(path)
    assert page.errors == [] and page.tiles == [] and page.refused == []
    counts = page.js(COUNT_LAYERS)
    assert counts["maxZoom"] == 18 and counts["polygons"] >= len(coverage(demo, by=None))
    assert page.js("() => getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor") \
        == "rgb(238, 240, 242)"
    page.screenshot(tmp_path / "bare.png")


def test_cdn_pages_load_their_scripts_from_the_cdn(browser, demo, tmp_path) -> None:  # noqa: F811
    path = write_html(maps.organizations_map(demo), tmp_path / "cdn.html", assets="cdn")
    page = browser.open(path, cdn=True)
    assert page.errors == [] and page.refused == []
    assert sorted(page.cdn) == sorted(["https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
                                       "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"])
    assert page.js(COUNT_LAYERS)["circles"] == located(demo)


def test_hostile_names_run_nothing_and_show_literally(browser, hostile, tmp_path) -> None:  # noqa: F811
    for kind, m in all_kinds(hostile, "H-0").items():
        for language in ("en", "ar"):
            if language == "ar":
                m = {"partners": maps.partners_map(hostile, "H-0", language="ar"),
                     "organizations": maps.organizations_map(hostile, language="ar"),
                     "coverage": maps.coverage_map(hostile, language="ar"),
                     "ties": maps.ties_map(hostile, language="ar")}[kind]
            page = browser.open(write_html(m, tmp_path / f"hostile-{kind}-{language}.html"))
            shown = page.js(OPEN_ALL)
            assert page.dialogs == [], (kind, page.dialogs)
            assert page.errors == [], (kind, page.errors)
            assert page.js("() => document.querySelectorAll('.leaflet-popup img, .pm-box img, script[src]').length") \
                == 0
            text = "\n".join(shown["popups"] + shown["tips"])
            if kind != "coverage":
                for name in HOSTILE_NAMES:
                    assert name in text, (kind, name)
            else:
                assert HOSTILE_NAMES[0] in text
            assert all('href="javascript' not in h and 'href="data:' not in h for h in shown["html"])
            page.screenshot(tmp_path / f"hostile-{kind}-{language}.png")
            page.page.context.close()


def test_only_http_websites_become_links(browser, hostile, tmp_path) -> None:  # noqa: F811
    page = browser.open(write_html(maps.organizations_map(hostile, tiles=None), tmp_path / "links.html"))
    shown = page.js(OPEN_ALL)
    links = [h for h in shown["html"] if "<a " in h]
    assert links and all('href="http' in h for h in links)
    assert any("javascript:alert(1)" in p for p in shown["popups"])  # shown as text, not a link


def test_arabic_map_reads_right_to_left(browser, demo, tmp_path) -> None:  # noqa: F811
    page = browser.open(write_html(maps.partners_map(demo, "ORG-001", language="ar"), tmp_path / "ar.html"))
    assert page.js("() => document.querySelector('.pm-box').dir") == "rtl"
    assert page.js("() => document.querySelector('.leaflet-control-layers').dir") == "rtl"
    box = page.js("() => document.querySelector('.pm-box h2').textContent")
    assert box.startswith("الشركاء المحتملون")
    page.js("() => { const m = Object.values(window).find(v => v instanceof L.Map);"
            " m.eachLayer(l => { if (l._pm === 0 && l instanceof L.Marker) l.fire('click', {}, true); }); }")
    assert page.js("() => document.querySelector('.pm-popup').dir") == "rtl"
    page.screenshot(tmp_path / "partners-ar.png")


@pytest.mark.skipif(not (HSDS / "ohana_api_sample_csv_sanmateo").exists(), reason="shared HSDS data not here")
def test_hsds_package_maps(browser, tmp_path) -> None:  # noqa: F811
    data = pm.load(HSDS / "ohana_api_sample_csv_sanmateo")
    n = located(data)
    assert n > 0
    page = browser.open(write_html(maps.organizations_map(data), tmp_path / "hsds.html"))
    assert page.errors == [] and page.refused == []
    assert page.js(COUNT_LAYERS)["circles"] == n
    focal = str(data.organizations.index[np.flatnonzero(data.organizations["lat"].notna())[0]])
    page = browser.open(write_html(maps.partners_map(data, focal, top=3), tmp_path / "hsds-partners.html"))
    assert page.errors == []
