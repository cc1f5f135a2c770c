"""Structural gaps of the whole ecosystem, the gaps table and the gaps as text.

:func:`structural_gaps` collects one ``_..._gaps`` helper per kind of gap
(:data:`GAP_MEANINGS`), each returning its rows; the network ones read one
:class:`_View` of the graph and one depth-first search (``_dfs``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse import csgraph

from .. import _common, _sparse
from .._data import PartnerData
from .._errors import ParameterError
from ..centrality import bridges, communities
from ..coverage import coverage, underserved
from . import _helpers
from .portfolio import portfolio

log = logging.getLogger("partnermap")

Row = dict[str, Any]


# ---------------------------------------------------------- the network's shape


def _dfs(A: sp.csr_array) -> dict[str, Any]:
    """One depth-first search (Tarjan's): preorder, low points, subtree sizes.

    The search is scipy's (compiled): components in order of their smallest node, each
    node's partners in index order, as a recursive search would go; a virtual root tied
    to each component's smallest node makes it one search. ``cut[v]`` lists the DFS
    children of ``v`` whose subtrees are separated from the rest when ``v`` is removed;
    a subtree is a contiguous run of ``order``.
    """
    n = A.shape[0]
    if n == 0:
        return {"order": [], "disc": [], "size": [], "parent": [], "root_of": [], "cut": {}}
    _, comp = csgraph.connected_components(A, directed=False)
    root_of = _smallest_per(comp)
    roots = np.unique(root_of)
    top = sp.csr_array((np.ones(len(roots)), roots, [0, len(roots)]), shape=(1, n + 1))
    B = sp.vstack([sp.hstack([A, sp.csr_array((n, 1))]), top], format="csr")
    B.sort_indices()
    seq, pred = csgraph.depth_first_order(B, n, directed=True, return_predecessors=True)
    order = seq[1:].astype(np.int64)
    parent = pred[:n].astype(np.int64)
    parent[parent == n] = -1
    disc = np.empty(n, dtype=np.int64)
    disc[order] = np.arange(n)
    eu = np.repeat(np.arange(n), np.diff(A.indptr))
    ev = A.indices.astype(np.int64)
    back = ev != parent[eu]
    low = disc.copy()
    np.minimum.at(low, eu[back], disc[ev[back]])
    size = np.ones(n, dtype=np.int64)
    low_l, size_l, parent_l, disc_l = low.tolist(), size.tolist(), parent.tolist(), disc.tolist()
    for v in reversed(order.tolist()):  # children before parents
        p = parent_l[v]
        if p >= 0:
            if low_l[v] < low_l[p]:
                low_l[p] = low_l[v]
            size_l[p] += size_l[v]
    cut: dict[int, list[int]] = {}
    for v in order.tolist():  # each parent's children in the order the search found them
        p = parent_l[v]
        if p >= 0 and low_l[v] >= disc_l[p]:
            cut.setdefault(p, []).append(v)
    return {"order": order.tolist(), "disc": disc_l, "size": size_l, "parent": parent_l,
            "root_of": root_of.tolist(), "cut": cut}


def _smallest_per(comp: np.ndarray) -> np.ndarray:
    """For each node, the smallest node of its component."""
    first = np.full(comp.max() + 1, len(comp), dtype=np.int64)
    np.minimum.at(first, comp, np.arange(len(comp)))
    return first[comp]


def _subtree(t: dict[str, Any], v: int) -> list[int]:
    return t["order"][t["disc"][v]:t["disc"][v] + t["size"][v]]


def _component(t: dict[str, Any], v: int) -> list[int]:
    return _subtree(t, t["root_of"][v])


def _cut_points(t: dict[str, Any]) -> list[tuple[int, list[int]]]:
    """(cut point, the organisations that would lose their link to the largest remaining part)."""
    out = []
    for v, children in t["cut"].items():
        is_root = t["parent"][v] < 0
        if is_root and len(children) < 2:
            continue
        comp = t["size"][t["root_of"][v]]
        pieces = [t["size"][c] for c in children]
        rest = comp - 1 - sum(pieces)
        if rest >= max(pieces):
            lost = list(itertools.chain.from_iterable(_subtree(t, c) for c in children))
        else:
            big = children[pieces.index(max(pieces))]
            keep = set(_subtree(t, big)) | {v}
            lost = [u for u in _component(t, v) if u not in keep]
        out.append((v, lost))
    return out




@dataclass
class _View:
    """The network as positions: nodes, the binary undirected partner matrix, names, degrees."""

    nodes: list[Any]
    A: sp.csr_array
    names: dict[Any, Any]

    @property
    def deg(self) -> np.ndarray:
        return np.diff(self.A.indptr)

    def who(self, i: int) -> str:
        """The name and id of the node at position ``i``."""
        return _helpers._who(self.names, self.nodes[i])

    def ids(self, positions: Iterable[int]) -> list[Any]:
        """The ids at ``positions``, sorted as text."""
        return sorted((self.nodes[p] for p in positions), key=str)


def _graph_view(V: _sparse._Views) -> _View:
    """Nodes, the binary undirected partner matrix (parallel and self-ties aside) and names of the compact graph."""
    return _View(nodes=V.nodes, A=_sparse._binary(V.U), names=dict(zip(V.nodes, V.attrs["name"], strict=True)))


def _node_frame(V: _sparse._Views) -> pd.DataFrame:
    return pd.DataFrame({"name": V.attrs["name"]}, index=pd.Index(V.nodes, dtype=object))




def structural_gaps(
    source: PartnerData | nx.Graph,
    *,
    focal: str | None = None,
    as_of: str | dt.date | None = None,
    metrics: pd.DataFrame | None = None,
    min_expected: float = 1.0,
    stall_months: float = 6,
    seed: int = 0,
) -> pd.DataFrame:
    r"""The ecosystem's weak spots: who is cut off, who holds it together alone, what never meets.

    From the network: groups tied only among themselves; isolates; cut points (with the
    organisations they would cut off); bridge ties that are the only link for two or
    more organisations; communities that connect to the rest through one organisation;
    organisations with a single tie; sector pairs and organisation-type pairs with no
    tie (from the mixing matrices of :func:`partnermap.centrality.network_summary`).
    From loaded data also: areas of ``data.areas`` that no organisation reaches
    (:func:`partnermap.coverage.underserved`), organisations contacted but never engaged
    and proposals past their planned start. See :data:`GAP_MEANINGS`.

    Parameters
    ----------
    source
        What :func:`partnermap.load` returned (the graph is then
        ``build_graph(data, as_of=as_of)``, active ties), or a graph from
        :func:`partnermap.build_graph` (network gaps only).
    focal
        An ``org_id``: with data, "contacted but never engaged" means no active or
        proposed tie *with it* (engagement stages are the focal organisation's view).
    as_of
        Ties as they stood on this date; stalls judged against it (``None``: recorded
        statuses, today).
    metrics
        A :func:`partnermap.centrality.centrality` table of the same graph: its
        ``community`` column is reused instead of running Louvain again.
    min_expected
        Report an organisation-type pair with no tie only when random partnering would
        give at least this many ties.
    stall_months
        With a ``stage_date`` column in the organisations (the date each reached its
        engagement stage), only organisations contacted longer ago than this count as
        stalled; without it, every contacted organisation with no tie is listed.
    seed
        Louvain seed when ``metrics`` is not given.

    Returns
    -------
    pandas.DataFrame
        One row per gap with the columns of :data:`GAP_COLUMNS` (``scope`` is
        ``ecosystem``; ``members`` lists up to 100 ``org_id``\ s; ``count`` is what
        :data:`GAP_MEANINGS` says for that gap), ordered by kind of gap, then ``count``
        (largest first), then ``org_id``.

    Raises
    ------
    UnknownOrganizationError
        When ``focal`` is not an ``org_id`` (with close matches).
    ParameterError
        When ``source`` is neither data nor a graph, or ``min_expected`` or
        ``stall_months`` is not a number of 0 or more.

    See Also
    --------
    portfolio : the gaps of one organisation's portfolio.
    gaps_table : both in one table.

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.gaps import structural_gaps
    >>> gaps = structural_gaps(pm.load(pm.datasets.demo_path()), as_of=pm.datasets.DEMO_AS_OF)
    >>> sorted(set(gaps["gap"]) & {"isolated_group", "sector_pair", "underserved_area"})
    ['isolated_group', 'sector_pair', 'underserved_area']
    """
    t0 = time.perf_counter()
    data, V, lookup = _source(source, as_of)
    if isinstance(min_expected, bool) or not isinstance(min_expected, (int, float, np.number)) or min_expected < 0:
        raise ParameterError(f"min_expected must be a number of ties, 0 or more, not {min_expected!r}.")
    if not _finite_number(stall_months):
        raise ParameterError(f"stall_months must be a number of months, 0 or more, not {stall_months!r}.")
    fid = lookup.index[_helpers._org_id(lookup, focal, "focal")] if focal is not None else None
    today = _helpers._today(as_of)
    view = _graph_view(V)
    tree = _dfs(view.A)
    labels = _community_labels(V, metrics, seed)
    summary = _mixing_summary(V)
    rows = [
        *_isolated_group_gaps(view),
        *_isolate_gaps(view),
        *_single_tie_gaps(view),
        *_cut_point_gaps(view, tree),
        *_bridge_tie_gaps(view, tree, V),
        *_community_gaps(view, labels.to_numpy()),
        *_sector_pair_gaps(summary),
        *_type_pair_gaps(summary, min_expected),
    ]
    if data is not None:
        rows += _data_gaps(data, V.meta.get("as_of"), fid, today, stall_months)
    out = _helpers._gap_frame(rows)
    log.info("structural gaps: %d organisations, %d gaps (%s) in %.2f s", len(view.nodes), len(out),
             ", ".join(f"{k} {v}" for k, v in out["gap"].value_counts(sort=False).items()),
             time.perf_counter() - t0)
    return out


def _finite_number(value: Any) -> bool:
    """Whether ``value`` is a finite number of 0 or more (not a bool)."""
    return not isinstance(value, bool) and isinstance(value, (int, float, np.number)) and bool(value >= 0) \
        and bool(np.isfinite(value))


def _source(source: PartnerData | nx.Graph,
            as_of: Any) -> tuple[PartnerData | None, _sparse._Views, pd.DataFrame]:
    """The data (or ``None`` for a graph), the compact graph, and the organisations to look ``focal`` up in.

    From data the compact graph is ``build_graph(data, as_of=as_of)``'s, built from the frames.
    """
    if isinstance(source, PartnerData):
        return source, _sparse._from_data(source, as_of=as_of), source.organizations
    if isinstance(source, nx.Graph):
        V = _sparse._from_nx(source)
        return None, V, _node_frame(V)
    raise ParameterError("structural_gaps takes loaded data (partnermap.load) or a graph "
                         f"(partnermap.build_graph), not {type(source).__name__}.")


def _mixing_summary(V: _sparse._Views) -> dict[str, Any]:
    """The mixing tables of :func:`partnermap.centrality.network_summary`, the only part of it the gaps read."""
    C = _helpers.centrality
    s_counts, s_exp, _, _ = C._mixing(V.U, V.attrs["sector"])
    t_counts, t_exp, _, _ = C._mixing(V.U, V.attrs["org_type"])
    return {"sector_mixing": s_counts, "sector_mixing_expected": s_exp, "org_type_mixing": t_counts,
            "org_type_mixing_expected": t_exp, "sector_pairs_without_ties": C._pairs_without_ties(s_counts, s_exp)}


def _community_labels(V: _sparse._Views, metrics: pd.DataFrame | None, seed: int) -> pd.Series:
    """Each node's community: from ``metrics`` when it has them, else Louvain with ``seed``."""
    if metrics is not None and "community" in metrics.columns:
        return metrics["community"].reindex(V.nodes)
    return communities(V, seed=seed).reindex(V.nodes)


def _isolated_group_gaps(view: _View) -> list[Row]:
    """Groups of two or more tied only among themselves, largest first."""
    nodes = view.nodes
    if not nodes:
        return []
    ncomp, comp = csgraph.connected_components(view.A, directed=False)
    comp_sizes = np.bincount(comp)
    first = {}
    for i in np.argsort(np.array([str(v) for v in nodes], dtype=str), kind="stable"):
        first.setdefault(int(comp[i]), int(i))
    main = max(range(ncomp), key=lambda c: (comp_sizes[c], -first[c]))
    groups = sorted((c for c in range(ncomp) if c != main and comp_sizes[c] >= 2),
                    key=lambda c: (-comp_sizes[c], str(nodes[first[c]])))
    rows = []
    for c in groups:
        members = view.ids(np.flatnonzero(comp == c))
        rows.append(_helpers._gap_row(
            "isolated_group",
            f"{len(members)} organisations ({_helpers._few(members)}) are tied only among themselves: "
            f"no tie links them to the main network of {int(comp_sizes[main])}",
            count=len(members), members=members))
    return rows


def _isolate_gaps(view: _View) -> list[Row]:
    """Organisations with no ties."""
    return [_helpers._gap_row("isolate", f"{view.who(i)} has no ties at all", org_id=view.nodes[i],
                              name=view.names.get(view.nodes[i]), count=1)
            for i in np.flatnonzero(view.deg == 0)]


def _single_tie_gaps(view: _View) -> list[Row]:
    """Organisations with one partner only."""
    rows = []
    for i in np.flatnonzero(view.deg == 1):
        j = view.A.indices[view.A.indptr[i]]
        rows.append(_helpers._gap_row("single_tie", f"{view.who(i)} depends on a single partnership, with "
                                      f"{view.who(j)}", org_id=view.nodes[i], name=view.names.get(view.nodes[i]),
                                      other_id=view.nodes[j], count=1))
    return rows


def _cut_point_gaps(view: _View, tree: dict[str, Any]) -> list[Row]:
    """Organisations whose loss would cut two or more others off."""
    rows = []
    for v, lost in _cut_points(tree):
        if len(lost) < 2:
            continue  # the single_tie row of the one organisation it holds already says it
        lost_ids = view.ids(lost)
        rows.append(_helpers._gap_row(
            "cut_point",
            f"if {view.who(v)} went, {_helpers._plural(len(lost_ids), 'organisation')} would lose their link to "
            f"the rest of the network ({_helpers._few(lost_ids)})",
            org_id=view.nodes[v], name=view.names.get(view.nodes[v]), count=len(lost_ids), members=lost_ids))
    return rows


def _bridge_tie_gaps(view: _View, tree: dict[str, Any], V: _sparse._Views) -> list[Row]:
    """Ties that are the only link for two or more organisations (the smaller side listed)."""
    pos = {v: i for i, v in enumerate(view.nodes)}
    rows = []
    for b in bridges(V).itertuples():
        if b.cut_off < 2:
            continue  # the single_tie rows already say it
        a, c = pos[b.source], pos[b.target]
        child = c if tree["parent"][c] == a else a
        side = _subtree(tree, child)
        comp_n = tree["size"][tree["root_of"][child]]
        if len(side) > comp_n - len(side):
            inside = set(side)
            side = [u for u in _component(tree, child) if u not in inside]
        side_ids = view.ids(side)
        rows.append(_helpers._gap_row(
            "bridge_tie",
            f"the tie between {view.who(a)} and {view.who(c)} is the only link for {len(side_ids)} organisations "
            f"({_helpers._few(side_ids)})",
            org_id=b.source, name=view.names.get(b.source), other_id=b.target, count=int(b.cut_off),
            members=side_ids))
    return rows


def _community_gaps(view: _View, lab: np.ndarray) -> list[Row]:
    """Communities of three or more that reach the rest through one organisation."""
    coo = sp.triu(sp.coo_array(view.A), k=1)
    u, v = coo.row.astype(np.intp), coo.col.astype(np.intp)
    if not view.nodes or not len(u):
        return []
    ext = lab[u] != lab[v]
    links = pd.DataFrame({"c": np.r_[lab[u][ext], lab[v][ext]], "inside": np.r_[u[ext], v[ext]],
                          "outside": np.r_[v[ext], u[ext]]})
    sizes = pd.Series(lab).value_counts()
    rows = []
    for c, grp in links.groupby("c", sort=True):
        size = int(sizes.get(c, 0))
        inside, outside = grp["inside"].unique(), grp["outside"].unique()
        if size < 3 or (len(inside) > 1 and len(outside) > 1):
            continue
        gate = int(inside[0]) if len(inside) == 1 else int(outside[0])
        members = view.ids(np.flatnonzero(lab == c))
        rows.append(_helpers._gap_row(
            "community_single_link",
            f"community {c} ({size} organisations: {_helpers._few(members)}) connects to the rest of the network "
            f"only through {view.who(gate)}",
            org_id=view.nodes[gate], name=view.names.get(view.nodes[gate]), count=size, members=members))
    return rows


def _sector_pair_gaps(summary: Mapping[str, Any]) -> list[Row]:
    """Sector pairs with no tie (from the network summary's mixing matrices)."""
    expected = summary["sector_mixing_expected"]
    rows = []
    for a, b in summary["sector_pairs_without_ties"]:
        e = float(expected.loc[a, b])
        rows.append(_helpers._gap_row(
            "sector_pair",
            f"no tie joins a {_helpers._sector_label(a)} organisation and a {_helpers._sector_label(b)} one, "
            f"although about {e:.0f} would be expected if partners were chosen at random",
            other_id=f"{a}|{b}", count=e))
    return rows


def _type_pair_gaps(summary: Mapping[str, Any], min_expected: float) -> list[Row]:
    """Organisation-type pairs with no tie although chance would give at least ``min_expected``."""
    t_counts, t_exp = summary["org_type_mixing"], summary["org_type_mixing_expected"]
    cats = list(t_counts.index)
    missing = [(float(t_exp.iat[i, j]), cats[i], cats[j]) for i in range(len(cats)) for j in range(i, len(cats))
               if t_counts.iat[i, j] == 0 and float(t_exp.iat[i, j]) >= min_expected and t_exp.iat[i, j] > 0]
    rows = []
    for e, a, b in sorted(missing, key=lambda x: -x[0]):  # most expected first (stable for equal counts)
        pair = f"two organisations of type '{_helpers._type_label(a)}'" if a == b else \
            f"types '{_helpers._type_label(a)}' and '{_helpers._type_label(b)}'"
        rows.append(_helpers._gap_row("type_pair", f"no tie joins {pair}, although about {e:.1f} would be "
                                      "expected at random", other_id=f"{a}|{b}", count=e))
    return rows


# ------------------------------------------------------------ gaps in the data


def _data_gaps(data: PartnerData, as_of: str | None, fid: Any, today: pd.Timestamp,
               stall_months: float) -> list[Row]:
    """Gaps that need the data, not only the graph: unreached areas, stalled engagement.

    ``as_of`` is the date the graph was built for (``None``: recorded statuses).
    """
    orgs = data.organizations
    names = dict(zip(orgs.index, orgs["name"].tolist(), strict=True)) if "name" in orgs.columns else {}
    return [*_underserved_gaps(data), *_stalled_gaps(data, as_of, fid, today, stall_months, names),
            *_stalled_proposal_gaps(data.relationships, today, names)]


def _underserved_gaps(data: PartnerData) -> list[Row]:
    """Areas no organisation reaches (none without an areas layer)."""
    if data.areas is None or not len(data.areas):
        return []
    rows = []
    for a, r in underserved(coverage(data, by=None)).iterrows():
        nm = r.get("name")
        rows.append(_helpers._gap_row(
            "underserved_area", f"{nm + ' ' if not _common._missing(nm) else ''}({a}): {r.reason}",
            area_id=a, count=r.population if not _common._missing(r.population) else None))
    return rows


def _stalled_gaps(data: PartnerData, as_of: str | None, fid: Any, today: pd.Timestamp, stall_months: float,
                  names: Mapping[Any, Any]) -> list[Row]:
    """Organisations contacted but never engaged: no live tie with ``fid`` (or anyone), contacted long ago."""
    orgs = data.organizations
    dated = "stage_date" in orgs.columns
    if fid is None and not dated:
        return []
    stage = pd.Series(_helpers._column(orgs, "engagement_stage"), index=orgs.index, dtype=object)
    tied = _live_tied(data, as_of, fid)
    idx = orgs.index
    since = (_common._dates_as_written(orgs["stage_date"]) if dated
             else pd.Series(pd.NaT, index=idx))
    limit = today - pd.DateOffset(months=int(stall_months)) - pd.Timedelta(days=round((stall_months % 1) * 30.44))
    with_whom = "with you" if fid is not None else "with anyone"
    rows = []
    for i in np.flatnonzero((stage == "contacted").to_numpy() & ~tied):
        oid = idx[i]
        when = since.iloc[i]
        if oid == fid or (dated and (pd.isna(when) or when > limit)):
            continue
        told = f"on {when.date().isoformat()}; " if dated else ""
        rows.append(_helpers._gap_row(
            "stalled", f"{_helpers._who(names, oid)} was contacted but never engaged ({told}no active or proposed "
            f"tie {with_whom}" + ("" if dated else "; date of contact not recorded") + ")",
            org_id=oid, name=names.get(oid), count=(today - when).days if dated else None))
    return rows


def _live_tied(data: PartnerData, as_of: str | None, fid: Any) -> np.ndarray:
    """Which organisations have an active, proposed or starting tie with ``fid`` (with anyone: ``None``)."""
    orgs = data.organizations
    src, dst, status = _helpers._ties(data, None if as_of is None else pd.Timestamp(as_of))
    live = np.isin(status, ["active", "proposed", "not_started"])
    if fid is not None:
        f = orgs.index.get_loc(fid)
        tied_pos = np.r_[dst[live & (src == f)], src[live & (dst == f)]]
    else:
        tied_pos = np.r_[src[live], dst[live]]
    tied = np.zeros(len(orgs), dtype=bool)
    tied[tied_pos[tied_pos >= 0]] = True
    return tied


def _stalled_proposal_gaps(rel: pd.DataFrame, today: pd.Timestamp, names: Mapping[Any, Any]) -> list[Row]:
    """Proposed ties whose planned start has passed."""
    if not len(rel) or "start_date" not in rel.columns:
        return []
    start = pd.to_datetime(rel["start_date"], errors="coerce")
    late = (rel["status"] == "proposed").to_numpy() & (start < today).to_numpy()
    rows = []
    for tie in rel.index[late]:
        r = rel.loc[tie]
        rows.append(_helpers._gap_row(
            "stalled_proposal",
            f"the proposed {r.get('kind', 'tie')} tie ({tie}) between {_helpers._who(names, r.source)} and "
            f"{_helpers._who(names, r.target)} was planned to start on "
            f"{pd.Timestamp(r.start_date).date().isoformat()} and is still only proposed",
            org_id=r.source, name=names.get(r.source), other_id=r.target,
            count=(today - pd.Timestamp(r.start_date)).days))
    return rows


# ------------------------------------------------------------ tables and text


def gaps_table(data: PartnerData, *, focal: str | None = None, as_of: str | dt.date | None = None) -> pd.DataFrame:
    """The structural gaps of the ecosystem and, with ``focal``, of its portfolio: one table.

    This is the table ``partnermap gaps DATA [--focal ID] -o FILE`` writes.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    focal
        An ``org_id``: adds the rows of :func:`portfolio` (``scope`` = ``portfolio``).
    as_of
        As for :func:`structural_gaps` and :func:`portfolio`.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`GAP_COLUMNS`: ecosystem rows first, then portfolio rows.

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.gaps import gaps_table
    >>> table = gaps_table(pm.load(pm.datasets.demo_path()), focal="ORG-001", as_of=pm.datasets.DEMO_AS_OF)
    >>> sorted(set(table["scope"]))
    ['ecosystem', 'portfolio']
    """
    parts = [structural_gaps(data, focal=focal, as_of=as_of)]
    if focal is not None:
        parts.append(portfolio(data, focal, as_of=as_of).gaps)
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def format_gaps(table: pd.DataFrame, *, limit: int = 5) -> str:
    """A gaps table as plain text: each kind of gap with its count and its first messages.

    Parameters
    ----------
    table
        What :func:`structural_gaps`, :func:`gaps_table` or :attr:`Portfolio.gaps` returned.
    limit
        Messages shown per kind of gap.

    Returns
    -------
    str
        One heading line per kind of gap (with its meaning), then up to ``limit`` messages.

    Examples
    --------
    >>> import networkx as nx
    >>> from partnermap.gaps import format_gaps, structural_gaps
    >>> text = format_gaps(structural_gaps(nx.path_graph(["a", "b", "c", "d", "e"])))
    >>> print(text.splitlines()[1])
      - if c went, 2 organisations would lose their link to the rest of the network (d, e)
    """
    lines = []
    for (scope, gap), grp in table.groupby(["scope", "gap"], sort=False):
        head = f"{gap} ({len(grp)})" if scope == "ecosystem" else f"{scope}: {gap} ({len(grp)})"
        lines.append(f"{head}: {_helpers.GAP_MEANINGS.get(gap, '')}".rstrip(": "))
        for msg in grp["message"].head(limit):
            lines.append(f"  - {msg}")
        if len(grp) > limit:
            lines.append(f"  ... and {len(grp) - limit} more")
    return "\n".join(lines) if lines else "no gaps found"
