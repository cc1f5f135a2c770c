"""PartnerData → networkx graph, filtered by date, status and kind; and back.

The graph is a :class:`networkx.MultiGraph`: one node per organisation (isolates
included, keyed by ``org_id``), one edge per tie (keyed by ``tie_id``) so parallel ties
of different kinds are kept. Each edge remembers its direction in ``source`` /
``target`` and ``directed`` (funding and referral default to directed). Metrics use
the views :func:`simple_graph` (undirected, parallel ties merged, weights summed) and
:func:`directed_ties` (directed ties only, as a DiGraph).

``G.graph`` records provenance: ``source``, ``as_of``, ``status``, ``kinds``, ``crs``.

Inverse pair: :func:`build_graph` (alias :func:`graph_from_data`) and
:func:`graph_to_frames`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

import networkx as nx
import pandas as pd

from . import _common
from ._data import PartnerData

__all__ = ["build_graph", "graph_from_data", "graph_to_frames", "simple_graph", "directed_ties"]

log = logging.getLogger("partnermap")






def build_graph(
    data: PartnerData,
    *,
    as_of: str | dt.date | None = None,
    status: Iterable[str] | None = ("active",),
    kinds: Iterable[str] | None = None,
) -> nx.MultiGraph:
    """Build the partnership graph from loaded data.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    as_of
        Keep the ties as they stood on this date: a tie counts as active from its
        ``start_date`` to its ``end_date``; ``None`` uses each tie's recorded ``status``.
    status
        Tie statuses to keep (``active``, ``proposed``, ``ended``); ``None`` keeps all.
    kinds
        Tie kinds to keep (see :data:`partnermap.schema.RELATIONSHIP_KINDS`); ``None``
        keeps all.

    Returns
    -------
    networkx.MultiGraph
        Nodes keyed by ``org_id`` carrying every organisation column but geometry;
        edges keyed by ``tie_id`` carrying every tie column.

    See Also
    --------
    graph_to_frames : the inverse.
    simple_graph : the undirected, merged view metrics use.

    Examples
    --------
    >>> import partnermap as pm
    >>> G = pm.build_graph(pm.load(pm.datasets.demo_path()))
    >>> G.graph["status"]
    ('active',)
    """
    as_of_ts, status_t, kinds_t = _common._tie_filters(as_of, status, kinds)
    orgs = data.organizations
    G = nx.MultiGraph(**_common._provenance(data, as_of_ts, status_t, kinds_t))
    geometry = orgs.geometry.name if hasattr(orgs, "geometry") else None
    node_cols = [c for c in orgs.columns if c != geometry]
    for org_id, row in zip(orgs.index, orgs[node_cols].to_dict("records"), strict=True):
        G.add_node(org_id, **{k: v for k, v in row.items() if not _common._missing(v)})

    sub = _common._selected_ties(data.relationships, as_of_ts, status_t, kinds_t)
    if len(sub):
        G.add_edges_from(
            (row["source"], row["target"], tie_id, {k: v for k, v in row.items() if not _common._missing(v)})
            for tie_id, row in zip(sub.index, sub.to_dict("records"), strict=True)
        )
    log.info(
        "graph: %d organisations, %d ties (status=%s, kinds=%s, as_of=%s)",
        G.number_of_nodes(), G.number_of_edges(), status_t, kinds_t, G.graph["as_of"],
    )
    return G


graph_from_data = build_graph




def simple_graph(G: nx.MultiGraph) -> nx.Graph:
    """Undirected simple view: parallel ties merged, ``weight`` summed, ``ties`` counted.

    Node attributes and ``G.graph`` are copied; ``kinds`` lists the merged tie kinds.
    Self-ties are left out (they carry no information about who connects whom).

    Parameters
    ----------
    G
        The graph from :func:`build_graph` (one edge per tie).

    Returns
    -------
    networkx.Graph
        One edge per pair of organisations that share at least one tie, with ``weight``
        (the sum), ``ties`` (how many) and ``kinds``; ``G`` is not changed.

    See Also
    --------
    directed_ties : the directed ties only, as a DiGraph.

    Examples
    --------
    >>> import partnermap as pm
    >>> G = pm.build_graph(pm.load(pm.datasets.demo_path()))
    >>> H = pm.simple_graph(G)
    >>> H.number_of_nodes() == G.number_of_nodes() and H.number_of_edges() <= G.number_of_edges()
    True
    """
    H = nx.Graph()
    H.graph.update(G.graph)
    H.add_nodes_from(G.nodes(data=True))
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        w = float(d.get("weight", 1.0))
        if H.has_edge(u, v):
            e = H[u][v]
            e["weight"] += w
            e["ties"] += 1
            if d.get("kind") not in e["kinds"]:
                e["kinds"].append(d.get("kind"))
        else:
            H.add_edge(u, v, weight=w, ties=1, kinds=[d.get("kind")])
    return H


def directed_ties(G: nx.MultiGraph) -> nx.DiGraph:
    """The directed ties only (funding, referral, …) as a DiGraph from giver to receiver.

    Every organisation is a node, so in/out degrees are defined for all of them.

    Parameters
    ----------
    G
        The graph from :func:`build_graph`; a tie counts when its ``directed`` attribute is true.

    Returns
    -------
    networkx.DiGraph
        An edge ``source → target`` per pair with a directed tie, ``weight`` summed over
        parallel ties; self-ties left out.

    See Also
    --------
    simple_graph : every tie, undirected.

    Examples
    --------
    >>> import partnermap as pm
    >>> G = pm.build_graph(pm.load(pm.datasets.demo_path()))
    >>> D = pm.directed_ties(G)
    >>> D.number_of_nodes() == G.number_of_nodes()
    True
    """
    D = nx.DiGraph()
    D.graph.update(G.graph)
    D.add_nodes_from(G.nodes)
    for _, _, d in G.edges(data=True):
        if d.get("directed") and d["source"] != d["target"]:
            s, t, w = d["source"], d["target"], float(d.get("weight", 1.0))
            if D.has_edge(s, t):
                D[s][t]["weight"] += w
            else:
                D.add_edge(s, t, weight=w)
    return D


def graph_to_frames(G: nx.MultiGraph) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The inverse of :func:`build_graph`: (nodes indexed by ``org_id``, ties indexed by ``tie_id``).

    Parameters
    ----------
    G
        A graph from :func:`build_graph` (or :func:`graph_from_data`).

    Returns
    -------
    nodes : pandas.DataFrame
        One row per organisation with its attributes, indexed by ``org_id``.
    ties : pandas.DataFrame
        One row per tie with its attributes, indexed by ``tie_id``.

    Examples
    --------
    >>> import partnermap as pm
    >>> data = pm.load(pm.datasets.demo_path())
    >>> nodes, ties = pm.graph_to_frames(pm.build_graph(data, status=None))
    >>> len(nodes) == len(data.organizations), len(ties) == len(data.relationships)
    (True, True)
    """
    nodes = pd.DataFrame.from_dict(dict(G.nodes(data=True)), orient="index")
    nodes.index.name = "org_id"
    if isinstance(G, nx.MultiGraph):
        rows = {k: d for _, _, k, d in G.edges(keys=True, data=True)}
    else:
        rows = {i: {"source": u, "target": v, **d} for i, (u, v, d) in enumerate(G.edges(data=True))}
    ties = pd.DataFrame.from_dict(rows, orient="index")
    ties.index.name = "tie_id"
    if len(ties):
        ties = ties[["source", "target", *[c for c in ties.columns if c not in ("source", "target")]]]
    return nodes, ties
