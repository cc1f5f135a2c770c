"""partnermap.network_view: the nodes and edges it builds, and the page in a real browser."""

from __future__ import annotations

import networkx as nx
import pytest
from pyvis.network import Network

import partnermap as pm
from partnermap import network_view as nv
from partnermap._errors import ParameterError
from partnermap.export import page_html, write_html

from .browser import browser  # noqa: F401 - the fixture
from .hostile import HOSTILE_NAMES, PRIVATE_VALUES, write_hostile


@pytest.fixture(scope="module")
def demo_graph():
    return pm.build_graph(pm.load(pm.datasets.demo_path()))


@pytest.fixture(scope="module")
def hostile_graph(tmp_path_factory):
    return pm.build_graph(pm.load(write_hostile(tmp_path_factory.mktemp("hostile") / "data")))


def test_built_from_our_frames_never_from_nx(demo_graph, monkeypatch) -> None:
    def refuse(*a, **k):
        raise AssertionError("from_nx must not be used")

    monkeypatch.setattr(Network, "from_nx", refuse)
    before = sorted((u, v, d.get("weight")) for u, v, d in demo_graph.edges(data=True))
    view = nv.network_view(demo_graph, size_by="degree")
    after = sorted((u, v, d.get("weight")) for u, v, d in demo_graph.edges(data=True))
    assert before == after and all("width" not in d for _, _, d in demo_graph.edges(data=True))
    assert {n["id"] for n in view.nodes} == {str(v) for v in demo_graph.nodes}
    assert len(view.edges) == demo_graph.number_of_edges()
    assert set(view.nodes[0]) == {"id", "label", "title", "x", "y", "size", "color", "name", "search", "shape"}


def test_sizes_follow_the_metric(demo_graph) -> None:
    metrics = pm.centrality(demo_graph, progress=False)
    view = nv.network_view(demo_graph, metrics, size_by="betweenness")
    size = {n["id"]: n["size"] for n in view.nodes}
    top = metrics["betweenness"].idxmax()
    assert size[top] == max(size.values()) == 40
    zero = metrics.index[metrics["betweenness"] == 0][0]
    assert size[zero] == 8


def test_private_attributes_and_raw_hostile_text_stay_out(hostile_graph) -> None:
    html = page_html(nv.network_view(hostile_graph, size_by="degree"))
    for secret in PRIVATE_VALUES:
        assert secret not in html
    assert "<img src=x" not in html and "alert(1)</script>" not in html
    view = nv.network_view(hostile_graph, size_by="degree")
    assert all("href" not in n["title"] for n in view.nodes)
    assert all("href" not in e["title"] for e in view.edges)


def test_heading_is_escaped(demo_graph) -> None:
    html = nv.network_view(demo_graph, size_by="degree", heading="<script>alert(1)</script> ${x}").html(assets="cdn")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#36;{x}" in html
    assert "<script>alert(1)" not in html


def test_labels_are_bidi_isolated(hostile_graph) -> None:
    labels = {n["name"]: n["label"] for n in nv.network_view(hostile_graph, size_by="degree").nodes}
    assert labels["جمعية البر (الخيرية)."] == "\u2067جمعية البر (الخيرية).\u2069"
    assert labels["Ordinary 1"] == "\u2066Ordinary 1\u2069"


def test_layout_is_seeded_and_physics_off_for_large_networks(demo_graph) -> None:
    a = nv.layout(demo_graph, seed=3)
    assert a == nv.layout(demo_graph, seed=3) != nv.layout(demo_graph, seed=4)
    assert nv.network_view(demo_graph, size_by="degree").options["physics"]["enabled"] is False  # 320 nodes
    small = nx.path_graph(["a", "b", "c"])
    assert nv.network_view(small, size_by="degree").options["physics"]["enabled"] is True


def test_community_colours_and_bad_arguments(demo_graph) -> None:
    view = nv.network_view(demo_graph, color_by="community")
    assert len({n["color"] for n in view.nodes}) > 3
    with pytest.raises(ParameterError, match="size_by must be one of"):
        nv.network_view(demo_graph, size_by="fame")
    with pytest.raises(ParameterError, match="color_by"):
        nv.network_view(demo_graph, color_by="taste")
    with pytest.raises(ParameterError, match="language"):
        nv.network_view(demo_graph, language="fr")


def test_inline_in_a_notebook_and_no_lib_folder(demo_graph, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    view = nv.network_view(demo_graph, size_by="degree")
    shown = view._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and "vis.Network" in shown
    out = write_html(view, tmp_path / "net.html")
    assert [p.name for p in tmp_path.iterdir()] == ["net.html"]
    assert "<script src=" not in out.read_text(encoding="utf-8")
    assert "cdnjs.cloudflare.com/ajax/libs/vis-network/9.1.2" in view.html(assets="cdn")


# ------------------------------------------------------------------------------ browser

DATASET = "() => [window.partnermapNodes.length, window.partnermapEdges.length]"


def test_the_page_draws_every_node_and_edge(browser, demo_graph, tmp_path) -> None:  # noqa: F811
    for language, cdn in (("en", False), ("ar", True)):
        view = nv.network_view(demo_graph, color_by="community", language=language)
        path = write_html(view, tmp_path / f"net-{language}.html", assets="cdn" if cdn else "inline")
        page = browser.open(path, cdn=cdn)
        assert page.errors == [] and page.refused == [] and page.tiles == []
        assert page.js(DATASET) == [demo_graph.number_of_nodes(), demo_graph.number_of_edges()]
        drawn = page.js("() => Object.keys(window.partnermapNetwork.getPositions()).length")
        assert drawn == demo_graph.number_of_nodes()
        if language == "ar":
            assert page.js("() => document.documentElement.dir") == "rtl"
        page.screenshot(tmp_path / f"network-{language}.png")
        page.page.context.close()


def test_search_finds_an_organisation_by_name(browser, demo_graph, tmp_path) -> None:  # noqa: F811
    page = browser.open(write_html(nv.network_view(demo_graph, size_by="degree"), tmp_path / "net.html"))
    org = "ORG-012"
    name = demo_graph.nodes[org]["name"]
    page.page.fill("#pm-q", name.replace("ة", "ه"))  # a spelling variant: taa marbuta as haa
    page.page.press("#pm-q", "Enter")
    page.page.wait_for_timeout(600)
    assert page.js("() => window.partnermapNetwork.getSelectedNodes()") == [org]
    page.page.fill("#pm-q", "no such organisation anywhere")
    page.page.press("#pm-q", "Enter")
    assert page.page.text_content("#pm-msg") == "No organisation of that name"


def test_hostile_names_run_nothing_and_show_literally(browser, hostile_graph, tmp_path) -> None:  # noqa: F811
    view = nv.network_view(hostile_graph, size_by="degree")
    page = browser.open(write_html(view, tmp_path / "hostile.html"))
    assert page.errors == [] and page.dialogs == []
    net = "window.partnermapNetwork"
    page.js(f"() => {net}.setOptions({{physics: false}})")  # hold the small network still to hover it
    for node in view.nodes:
        if node["name"] not in HOSTILE_NAMES:
            continue
        page.js(f"id => {net}.focus(id, {{scale: 1.5}})", node["id"])
        page.page.wait_for_timeout(50)
        at = page.js(f"id => {{ const p = {net}.getPositions([id])[id]; const d = {net}.canvasToDOM(p);"
                     " const r = document.getElementById('mynetwork').getBoundingClientRect();"
                     " return [d.x + r.left, d.y + r.top]; }", node["id"])
        page.page.mouse.move(at[0] + 40, at[1] + 40)
        page.page.mouse.move(*at)
        page.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
        tip = page.js("() => document.querySelector('div.vis-tooltip').innerText")
        assert tip.splitlines()[0] == node["name"]
        assert page.js("() => document.querySelectorAll('div.vis-tooltip *:not(br)').length") == 0
    page.page.fill("#pm-q", HOSTILE_NAMES[0])
    page.page.press("#pm-q", "Enter")
    page.page.wait_for_timeout(500)
    assert page.js(f"() => {net}.getSelectedNodes()") == ["H-0"]
    assert page.dialogs == [] and page.errors == []
    page.screenshot(tmp_path / "network-hostile.png")
