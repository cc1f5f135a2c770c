"""The network view: the partnership network as an interactive page (pyvis / vis-network).

:func:`network_view` draws every organisation as a node sized by a metric of
:func:`partnermap.centrality` and coloured by sector or community, every tie as an edge
coloured by kind (dashed when informal), with a legend and a search box that finds an
organisation by name (Arabic spelling variants folded). The layout is computed in Python
with a fixed seed (rustworkx's Fruchterman-Reingold), so the same data always gives the same
picture; above :data:`PHYSICS_MAX_NODES` organisations the browser's physics is off and the
page opens at once.

pyvis is kept behind a small adapter: the nodes and edges are built from our own frames
(never ``Network.from_nx``, which renames ``weight``, copies every attribute — e-mails
included — into the page and is quadratic), only the fields the view needs reach the page,
titles are plain text (vis-network shows them with ``innerText``), labels are bidi-isolated
(:func:`partnermap._html.isolate`) so Arabic and mixed labels read in the right order on the
canvas, and the page is written by us as UTF-8 (no ``lib/`` folder).

Examples
--------
>>> import partnermap as pm
>>> G = pm.build_graph(pm.load(pm.datasets.demo_path()))
>>> view = pm.network_view.network_view(G, size_by="degree")
>>> len(view.nodes) == G.number_of_nodes()
True
"""

from __future__ import annotations

import html as _std_html
import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import rustworkx as rx
from pyvis.network import Network

from . import _common, _html, _inline, _leaflet, i18n, schema
from ._errors import ParameterError

__all__ = ["COLOR_BY", "PHYSICS_MAX_NODES", "SIZE_BY", "NetworkView", "layout", "network_view"]

log = logging.getLogger("partnermap")

#: Above this many organisations the layout is fixed (no physics in the browser).
PHYSICS_MAX_NODES = 300
#: Metrics a node can be sized by (columns of :func:`partnermap.centrality`).
SIZE_BY = ("degree", "strength", "betweenness", "closeness", "eigenvector", "pagerank")
#: What a node can be coloured by.
COLOR_BY = ("sector", "community")
#: Communities given their own colour in the legend (the largest first); the rest are grey.
MAX_COMMUNITY_COLORS = 10

_COMMUNITY_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                     "#bcbd22", "#17becf", "#7f7f7f")
_OTHER_COLOR = "#c7c7c7"
_SPREAD = 60.0  # pixels per sqrt(node): the drawing's radius is _SPREAD * sqrt(n) / 2
_LAYOUT_BUDGET = 2.5e8  # node pairs × iterations of the spring layout (about 2 s on one core)

_PAGE = """<!DOCTYPE html>
<html lang="{lang}" dir="{dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{vis_css}"/>
<script src="{vis_js}"></script>
<style>
  html, body {{ margin: 0; height: 100%; font: 14px/1.4 system-ui, "Noto Sans", "Noto Sans Arabic", "DejaVu Sans",
                 sans-serif; }}
  #pm-top {{ display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding: 6px 12px;
             border-bottom: 1px solid #ddd; }}
  #pm-top h1 {{ font-size: 17px; margin: 0; }}
  #pm-search input {{ width: 260px; padding: 3px 6px; font: inherit; }}
  #pm-msg {{ color: #a50f15; }}
  #pm-legend {{ position: absolute; bottom: 10px; inset-inline-start: 10px; z-index: 2; max-width: 300px;
                background: rgba(255,255,255,.94); padding: 6px 10px; border-radius: 5px;
                box-shadow: 0 1px 5px rgba(0,0,0,.35); font-size: 13px; }}
  #pm-legend h2 {{ font-size: 14px; margin: 0 0 4px; }}
  #pm-legend .pm-note {{ color: #555; font-size: 12px; margin-top: 4px; }}
  .pm-swatch {{ display: inline-block; width: 11px; height: 11px; border-radius: 50%; margin: 0 4px;
                vertical-align: -1px; border: 1px solid rgba(0,0,0,.35); }}
  .pm-stroke {{ display: inline-block; width: 20px; height: 0; margin: 0 4px; vertical-align: 3px;
                border-top: 3px solid; }}
  #pm-wrap {{ position: absolute; top: 46px; bottom: 0; left: 0; right: 0; }}
  #mynetwork {{ width: 100%; height: 100%; }}
  div.vis-tooltip {{ white-space: pre-wrap; max-width: 360px; unicode-bidi: plaintext; }}
</style>
</head>
<body>
<div id="pm-top">
  <h1 dir="auto">{heading}</h1>
  <form id="pm-search" role="search" onsubmit="return false;">
    <input id="pm-q" type="search" list="pm-names" placeholder="{search}" aria-label="{search}" dir="auto">
    <datalist id="pm-names"></datalist>
    <button id="pm-find" type="submit">{find}</button>
    <span id="pm-msg" role="status"></span>
  </form>
</div>
<div id="pm-wrap">
  <div id="pm-legend">{legend}</div>
  <div id="mynetwork"></div>
</div>
<script>
(function () {{
  var nodeData = {nodes};
  var edgeData = {edges};
  var options = {options};
  var notFound = {not_found};
  var nodes = new vis.DataSet(nodeData), edges = new vis.DataSet(edgeData);
  var network = new vis.Network(document.getElementById("mynetwork"), {{nodes: nodes, edges: edges}}, options);
  window.partnermapNetwork = network;
  window.partnermapNodes = nodes;
  window.partnermapEdges = edges;
  network.once("afterDrawing", function () {{ window.partnermapReady = performance.now(); }});
  function fold(s) {{
    return String(s).normalize("NFKC").toLowerCase()
      .replace(/[\\u0610-\\u061a\\u064b-\\u065f\\u0670\\u06d6-\\u06ed\\u0640]/g, "")
      .replace(/[\\u0622\\u0623\\u0625\\u0671]/g, "\\u0627").replace(/\\u0649/g, "\\u064a")
      .replace(/\\u0629/g, "\\u0647").replace(/[\\s_\\-./]+/g, " ").trim();
  }}
  var list = document.getElementById("pm-names");
  var frag = document.createDocumentFragment();
  nodeData.forEach(function (n) {{
    var o = document.createElement("option");
    o.value = n.name;
    frag.appendChild(o);
  }});
  list.appendChild(frag);
  function find() {{
    var q = fold(document.getElementById("pm-q").value), msg = document.getElementById("pm-msg");
    msg.textContent = "";
    if (!q) return;
    var hit = null;
    for (var i = 0; i < nodeData.length && !hit; i++) {{
      if (nodeData[i].search.split("\\n").indexOf(q) >= 0) hit = nodeData[i];
    }}
    for (var j = 0; j < nodeData.length && !hit; j++) if (nodeData[j].search.indexOf(q) >= 0) hit = nodeData[j];
    if (!hit) {{ msg.textContent = notFound; return; }}
    network.selectNodes([hit.id]);
    network.focus(hit.id, {{scale: 1.6, animation: {{duration: 400}}}});
  }}
  document.getElementById("pm-search").addEventListener("submit", function (e) {{ e.preventDefault(); find(); }});
}})();
</script>
</body>
</html>
"""


@dataclass
class NetworkView:
    """A network page: the nodes, edges and options of a vis-network drawing, and its words.

    Show it in JupyterLab by leaving it as a cell's last value; write it with
    :func:`partnermap.export.write_html`. ``network`` is the underlying pyvis
    :class:`~pyvis.network.Network` (filled directly, never through ``from_nx``).

    Attributes
    ----------
    nodes
        One dict per organisation (``id``, ``label``, ``title``, ``x``, ``y``, ``size``,
        ``color``, ``name``, ``search``).
    edges
        One dict per tie (``from``, ``to``, ``color``, ``dashes``, ``width``, ``title``).
    options
        vis-network options (physics on only for small networks).
    heading
        The page's heading (plain text; escaped when written).
    language
        ``"en"`` or ``"ar"``.
    legend
        The legend's HTML (built from escaped text).
    """

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    options: dict[str, Any]
    heading: str
    language: str = "en"
    legend: str = ""
    network: Network | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return f"NetworkView({len(self.nodes)} organisations, {len(self.edges)} ties, language={self.language!r})"

    def html(self, *, assets: str = "inline") -> str:
        """The whole page as one HTML string.

        Parameters
        ----------
        assets
            ``"inline"`` (default): vis-network's script and stylesheet inside the page;
            ``"cdn"``: linked from cdnjs (as pyvis does).

        Returns
        -------
        str
            The page (UTF-8 text).
        """
        _inline.check_assets(assets)
        t = self.language
        page = _PAGE.format(
            lang=t, dir=i18n.direction(t), title=_html.escape(self.heading), heading=_html.escape(self.heading),
            vis_css=_inline.VIS_CSS, vis_js=_inline.VIS_JS,
            search=_html.escape(i18n.t("network_search", t)), find=_html.escape(i18n.t("network_find", t)),
            legend=self.legend, nodes=_inline.js_data(self.nodes), edges=_inline.js_data(self.edges),
            options=_inline.js_data(self.options), not_found=_inline.js_data(i18n.t("network_not_found", t)),
        )
        return _inline.inline(page) if assets == "inline" else page

    def _repr_html_(self) -> str:
        """An iframe holding the self-contained page, for JupyterLab and nbconvert."""
        doc = _std_html.escape(self.html(assets="inline"), quote=True)
        return (f'<iframe srcdoc="{doc}" style="width:100%;height:640px;border:1px solid #ddd" '
                'sandbox="allow-scripts allow-forms" loading="lazy"></iframe>')


def _metric(G: nx.MultiGraph, metrics: pd.DataFrame | None, size_by: str, color_by: str,
            nodes: list[Any]) -> tuple[np.ndarray, np.ndarray | None]:
    """The size metric and community labels per node (computing centrality only when needed)."""
    need_table = size_by not in ("degree",) or color_by == "community"
    if metrics is None and need_table:
        from .centrality import centrality  # computation layer, used only when no metrics are given

        metrics = centrality(G, progress=False)
    if metrics is not None:
        missing = [c for c in ([size_by] + (["community"] if color_by == "community" else [])) if c not in metrics]
        if missing:
            raise ParameterError(f"metrics has no {', '.join(missing)} column; pass partnermap.centrality(G).")
        table = metrics.reindex(nodes)
        size = pd.to_numeric(table[size_by], errors="coerce").to_numpy(dtype=float)
        community = table["community"].to_numpy(dtype=object) if color_by == "community" else None
    else:
        H = nx.Graph(G)
        size = np.array([H.degree(n) for n in nodes], dtype=float)
        community = None
    return np.nan_to_num(size, nan=0.0), community


def layout(G: nx.Graph, *, seed: int = 0) -> dict[Any, tuple[float, float]]:
    """Seeded node positions in pixels (rustworkx's Fruchterman-Reingold, iterations within a budget).

    Parameters
    ----------
    G
        Any networkx graph (parallel ties count once).
    seed
        The layout's seed: the same graph and seed give the same positions.

    Returns
    -------
    dict
        ``{node: (x, y)}``, centred on 0, 95% of them within ``30 * sqrt(n)`` pixels of the
        centre (organisations the layout threw further out are brought back to the rim).
    """
    nodes = list(G.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    index = {v: i for i, v in enumerate(nodes)}
    R = rx.PyGraph()
    R.add_nodes_from(range(n))
    pairs = {(min(index[u], index[v]), max(index[u], index[v])) for u, v in G.edges() if u != v}
    R.add_edges_from_no_data(sorted(pairs))
    iterations = int(max(8, min(50, _LAYOUT_BUDGET / max(n * n, 1))))
    pos = rx.spring_layout(R, seed=seed, num_iter=iterations)
    xy = np.array([pos[i] for i in range(n)], dtype=float)
    xy -= np.median(xy, axis=0)
    r = np.hypot(xy[:, 0], xy[:, 1])
    target = _SPREAD * math.sqrt(n) / 2
    span = float(np.percentile(r, 95)) or float(r.max()) or 1.0
    xy *= target / span
    # isolates and small groups that the repulsion threw far out come back to the rim
    r = np.hypot(xy[:, 0], xy[:, 1])
    far = r > 1.25 * target
    xy[far] *= (1.25 * target / r[far])[:, None]
    return {v: (round(float(x), 1), round(float(y), 1)) for v, (x, y) in zip(nodes, xy, strict=True)}


def _title(d: dict[str, Any], language: str, extra: list[str]) -> str:
    """A node's hover text: plain text lines (vis-network shows it with innerText)."""
    lines = [str(d.get("name", ""))]
    if not _common._missing(d.get("name_en")) and d.get("name_en") != d.get("name"):
        lines.append(str(d["name_en"]))
    for col, vocab in (("sector", schema.SECTORS), ("org_type", schema.ORG_TYPES)):
        if not _common._missing(d.get(col)):
            lines.append(f"{i18n.t(f'field_{col}', language)}: {schema.label(vocab, str(d[col]), language)}")
    return "\n".join(lines + extra)


def _plain(text: str) -> str:
    """Hover text that no template can take for HTML: "href" is broken by a word joiner (U+2060).

    vis-network shows a text title with ``innerText``; pyvis's own template switches every
    title to ``innerHTML`` when one contains "href", so none may.
    """
    return text.replace("href", "hr\u2060ef")


def _sizes(values: np.ndarray) -> np.ndarray:
    """Node sizes 8-40 px, by the square root of the metric (area ∝ value)."""
    top = float(values.max()) if len(values) else 0.0
    if top <= 0:
        return np.full(len(values), 12.0)
    return np.round(8 + 32 * np.sqrt(np.clip(values, 0, None) / top), 1)


def network_view(
    G: nx.Graph,
    metrics: pd.DataFrame | None = None,
    *,
    size_by: str = "betweenness",
    color_by: str = "sector",
    language: str = "en",
    heading: str | None = None,
    seed: int = 0,
) -> NetworkView:
    """The partnership network as an interactive page: who holds it together, at a glance.

    Parameters
    ----------
    G
        The graph of :func:`partnermap.build_graph` (a MultiGraph; any networkx graph works).
    metrics
        The table of :func:`partnermap.centrality` for ``G``; computed when needed and not given.
    size_by
        The metric nodes are sized by: one of :data:`SIZE_BY`.
    color_by
        ``"sector"`` or ``"community"`` (the largest :data:`MAX_COMMUNITY_COLORS` get colours).
    language
        ``"en"`` or ``"ar"``: heading, legend, search box and hover labels.
    heading
        The page's heading (plain text); by default "Partnership network" in ``language``.
    seed
        Seed of the layout.

    Returns
    -------
    NetworkView
        Show it inline in a notebook, or write it with :func:`partnermap.export.write_html`.

    Examples
    --------
    >>> import networkx as nx
    >>> from partnermap.network_view import network_view
    >>> view = network_view(nx.path_graph(["a", "b", "c"]), size_by="degree")
    >>> [n["size"] for n in view.nodes]
    [30.6, 40.0, 30.6]
    """
    t0 = time.perf_counter()
    i18n.direction(language)
    if size_by not in SIZE_BY:
        raise ParameterError(f"size_by must be one of {', '.join(SIZE_BY)}, not {size_by!r}.")
    if color_by not in COLOR_BY:
        raise ParameterError(f"color_by must be 'sector' or 'community', not {color_by!r}.")
    ids = list(G.nodes)
    value, community = _metric(G, metrics, size_by, color_by, ids)
    size = _sizes(value)
    pos = layout(G, seed=seed)
    colors, legend_rows = _node_colors(G, ids, color_by, community, language)
    metric_label = i18n.t(f"metric_{size_by}", language)
    nodes = []
    for i, v in enumerate(ids):
        d = G.nodes[v]
        name = d.get("name") if not _common._missing(d.get("name")) else v
        x, y = pos[v]
        extra = [f"{metric_label}: {_leaflet.num(value[i], 3)}"]
        if community is not None and not _common._missing(community[i]):
            extra.append(f"{i18n.t('field_community', language)}: {community[i]}")
        search = "\n".join(dict.fromkeys(schema.normalize_text(s) for s in (name, d.get("name_en"), v)
                                         if not _common._missing(s)))
        nodes.append({"id": str(v), "label": _html.isolate(name),
                      "title": _plain(_title({**d, "name": name}, language, extra)),
                      "x": x, "y": y, "size": float(size[i]), "color": colors[i], "name": str(name),
                      "search": search, "shape": "dot"})
    edges, kind_rows = _edges(G, language)
    physics = len(ids) <= PHYSICS_MAX_NODES
    options = {
        "physics": {"enabled": physics, "stabilization": {"iterations": 150, "fit": True},
                    "barnesHut": {"gravitationalConstant": -3000, "springLength": 120}},
        "nodes": {"font": {"size": 14, "face": "system-ui, Noto Sans, DejaVu Sans, sans-serif"},
                  "borderWidth": 1, "scaling": {"label": {"drawThreshold": 6}}},
        "edges": {"smooth": physics, "selectionWidth": 2, "hoverWidth": 0.5},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": not physics,
                        "navigationButtons": False, "keyboard": False},
        "layout": {"randomSeed": seed, "improvedLayout": False},
    }
    title = heading if heading is not None else i18n.t("title_network", language)
    notes = [i18n.t("network_counts", language, nodes=f"{len(nodes):,}", edges=f"{len(edges):,}"),
             i18n.t("network_size_by", language, metric=metric_label), i18n.t("legend_kinds", language)]
    if not physics:
        notes.append(i18n.t("network_static", language))
    legend = _leaflet.html_box(i18n.t("legend_sectors" if color_by == "sector" else "network_color_community",
                                      language), legend_rows + kind_rows, [_html.escape(n) for n in notes])
    net = Network(height="100%", width="100%", directed=False, cdn_resources="remote", heading="")
    net.nodes, net.edges = nodes, edges  # filled directly: add_edge is quadratic, from_nx unsafe
    net.node_ids = [n["id"] for n in nodes]
    net.options = options
    nodes, edges, _, _, _, _ = net.get_network_data()
    view = NetworkView(nodes=nodes, edges=edges, options=options, heading=title, language=language,
                       legend=legend, network=net)
    log.info("network view: %d organisations, %d ties in %.2f s",
                                         len(nodes), len(edges), time.perf_counter() - t0)
    return view


def _node_colors(G: nx.Graph, ids: list[Any], color_by: str, community: np.ndarray | None,
                 language: str) -> tuple[list[str], list[str]]:
    """A colour per node, and the legend rows."""
    if color_by == "sector":
        sector = [G.nodes[v].get("sector") for v in ids]
        colors = [_leaflet.SECTOR_COLORS.get(s, _leaflet.UNKNOWN_COLOR) if isinstance(s, str) else
                  _leaflet.UNKNOWN_COLOR for s in sector]
        rows = [_leaflet.layer_label(schema.label(schema.SECTORS, k, language), color=c)
                for k, c in _leaflet.SECTOR_COLORS.items() if k in sector]
        if any(s not in _leaflet.SECTOR_COLORS for s in sector):
            rows.append(_leaflet.layer_label(i18n.t("sector_unknown", language), color=_leaflet.UNKNOWN_COLOR))
        return colors, rows
    labels = pd.Series(community, dtype=object)
    counts = labels.value_counts(dropna=True)
    order = sorted(counts.index, key=lambda c: (-counts[c], str(c)))[:MAX_COMMUNITY_COLORS]
    color_of = {c: _COMMUNITY_COLORS[i] for i, c in enumerate(order)}
    colors = [color_of.get(c, _OTHER_COLOR) for c in labels]
    rows = [_leaflet.layer_label(f"{i18n.t('field_community', language)} {c}", color=color_of[c],
                                 count=int(counts[c])) for c in order]
    if len(counts) > len(order):
        rows.append(_leaflet.layer_label(i18n.t("network_other_communities", language), color=_OTHER_COLOR))
    return colors, rows


def _edges(G: nx.Graph, language: str) -> tuple[list[dict[str, Any]], list[str]]:
    """One vis edge per tie: colour by kind, dashed when informal, width by weight; legend rows."""
    names = {v: (d.get("name") if not _common._missing(d.get("name")) else v) for v, d in G.nodes(data=True)}
    edges = []
    kinds_seen: dict[str, str] = {}
    for u, v, d in G.edges(data=True):
        kind = d.get("kind") if isinstance(d.get("kind"), str) else "partnership"
        color = _leaflet.KIND_COLORS.get(kind, _leaflet.UNKNOWN_COLOR)
        kinds_seen[kind] = color
        formal = d.get("formal")
        informal = kind == "informal" or formal is False or formal == "false"
        w = d.get("weight", 1)
        w = float(w) if isinstance(w, (int, float, np.number)) and math.isfinite(float(w)) else 1.0
        lines = [f"{names[u]} — {names[v]}", f"{i18n.t('field_kind', language)}: "
                 f"{schema.label(schema.RELATIONSHIP_KINDS, kind, language)}"]
        if not _common._missing(formal):
            lines.append(f"{i18n.t('field_formal', language)}: {i18n.t('yes' if not informal else 'no', language)}")
        edges.append({"from": str(u), "to": str(v), "color": {"color": color, "opacity": 0.7},
                      "dashes": bool(informal), "width": round(1 + math.log1p(max(w, 0.0)), 2),
                      "title": _plain("\n".join(lines))})
    rows = [_leaflet.layer_label(schema.label(schema.RELATIONSHIP_KINDS, k, language), stroke=c)
            for k, c in kinds_seen.items()]
    return edges, rows
