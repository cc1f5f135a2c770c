"""The compact graph (sparse arrays), and the shortest-path kernels the metrics are built on.

Private (imported as a module, ``from . import _sparse``) to :mod:`partnermap.centrality`
and :mod:`partnermap.gaps`: the compact graph :class:`_Views` (node order, labels,
provenance, direction-aware CSR views), built straight from the frames of loaded data
(:func:`_from_data`, what ``build_graph(data)`` holds without building it) or from a
networkx graph in one pass (:func:`_from_nx`); tie lengths, Brandes summed over sources
(dependencies, distances, reach; the compiled kernels of :mod:`partnermap._kernels`, and
the vectorised numpy kernel they are tested against) and the step timer. Nothing here knows what a metric
means; :mod:`partnermap.centrality` assembles the table.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import networkx as nx
import numpy as np
import pandas as pd
import rustworkx as rx
import scipy.sparse as sp
from scipy.sparse import csgraph
from tqdm import tqdm

from . import _common, _kernels
from ._data import PartnerData
from ._errors import ParameterError, PartnermapError

log = logging.getLogger("partnermap")


# --------------------------------------------------------------------------- views


#: The values of ``direction``: ``auto`` follows direction when every tie is directed.
DIRECTIONS = ("auto", "undirected", "directed")


@dataclass
class _Views:
    """The compact graph: node order, the sparse views, node labels, provenance.

    Built once from the frames (:func:`_from_data`) or from a networkx graph
    (:func:`_from_nx`) and shared by the metrics, communities, gaps and what-if;
    :func:`_oriented` sets which view the path metrics follow.
    """

    nodes: list[Any]
    U: sp.csr_array  # undirected partner view, summed weights, no self-ties
    A: sp.csr_array  # graph the path metrics follow (U, or the arcs: directed ties one way, the rest both ways)
    directed: bool  # path metrics follow arrows
    D: sp.csr_array  # directed ties (giver -> receiver), possibly empty
    attrs: dict[str, list[Any]]
    meta: dict[str, Any]
    why: str = ""  # why the analysis is directed or not, in words
    arcs: sp.csr_array | None = None  # directed ties one way, the others both ways
    n_dir: int = 0  # directed ties (self-ties aside)
    n_undir: int = 0  # undirected ties (self-ties aside)
    ties: int = 0  # ties in the graph, self-ties included (networkx's number_of_edges)

    @property
    def n(self) -> int:
        return len(self.nodes)


_LABELS = ("name", "sector", "org_type")


def _to_csr(G: nx.Graph, nodes: list[Any]) -> sp.csr_array:
    if G.number_of_edges() == 0:
        return sp.csr_array((len(nodes), len(nodes)), dtype=float)
    A = nx.to_scipy_sparse_array(G, nodelist=nodes, weight="weight", dtype=float, format="csr")
    A.setdiag(0)
    A.eliminate_zeros()
    A.sort_indices()
    return A


def _from_arcs(rows: Any, cols: Any, weights: Any, n: int) -> sp.csr_array:
    """Sparse matrix of the arcs, parallel arcs summed, self-arcs dropped."""
    r, c, w = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64), np.asarray(weights, dtype=float)
    keep = r != c
    A = sp.coo_array((w[keep], (r[keep], c[keep])), shape=(n, n)).tocsr()
    A.sum_duplicates()
    A.sort_indices()
    return A


def _tie_views(r: np.ndarray, c: np.ndarray, w: np.ndarray, is_dir: np.ndarray,
               n: int) -> tuple[sp.csr_array, sp.csr_array, sp.csr_array, int, int]:
    """The partner view, the arcs, the directed ties and the numbers of directed / undirected ties.

    One row per tie: ``r`` -> ``c`` (giver -> receiver when ``is_dir``), weight ``w``.
    The partner view sums every tie both ways; an arc is a directed tie one way or any
    other tie both ways; the directed ties are :func:`partnermap.graph.directed_ties`.
    Self-ties are left out everywhere.
    """
    loop = r == c
    r, c, w, is_dir = r[~loop], c[~loop], w[~loop], is_dir[~loop]
    both_r, both_c, both_w = np.concatenate([r, c]), np.concatenate([c, r]), np.concatenate([w, w])
    U = _from_arcs(both_r, both_c, both_w, n)
    keep = np.concatenate([np.ones(len(r), dtype=bool), ~is_dir])  # the reverse arc only for undirected ties
    arcs = _from_arcs(both_r[keep], both_c[keep], both_w[keep], n)
    D = _from_arcs(r[is_dir], c[is_dir], w[is_dir], n)
    return U, arcs, D, int(is_dir.sum()), int((~is_dir).sum())


def _check_weights(w: list[Any] | np.ndarray, ends: Any) -> np.ndarray:
    """The weights as floats; PartnermapError naming the first tie whose weight is not a positive number.

    ``ends(i)`` gives the ``"u -> v"`` words for tie ``i``.
    """
    try:
        x = np.asarray(w, dtype=float)
    except (TypeError, ValueError):
        x = np.array([_float_or_nan(v) for v in w], dtype=float)
    bad = np.flatnonzero(~(np.isfinite(x) & (x > 0)))
    if len(bad):
        raise PartnermapError(f"tie {ends(int(bad[0]))} has a weight that is not a positive number; "
                              "fix it in relationships.")
    return x


def _float_or_nan(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _from_nx(G: nx.Graph) -> _Views:
    """The compact graph of a networkx graph (one pass over the ties of a MultiGraph)."""
    nodes = list(G.nodes)
    n = len(nodes)
    node_data = G.nodes
    attrs = {c: [node_data[v].get(c) for v in nodes] for c in _LABELS}
    meta = dict(G.graph)
    if not G.is_multigraph() or G.is_directed():
        for w in _bad_weights(G):
            raise PartnermapError(f"tie {w} has a weight that is not a positive number; fix it in relationships.")
        ties = G.number_of_edges()
        if G.is_directed():
            arcs = _to_csr(G, nodes)
            U = (arcs + arcs.T).tocsr()
            U.sort_indices()
            return _Views(nodes, U, U, False, arcs, attrs, meta, arcs=arcs, n_dir=arcs.nnz, ties=ties)
        U = _to_csr(G, nodes)
        return _Views(nodes, U, U, False, sp.csr_array((n, n), dtype=float), attrs, meta, arcs=U,
                      n_undir=U.nnz // 2, ties=ties)
    with _common._gc_paused():  # one pass over networkx's views (list() would count them first: a second pass)
        edges = [e for e in G.edges(data=True)]  # noqa: C416
    if not edges:
        empty = sp.csr_array((n, n), dtype=float)
        return _Views(nodes, empty, empty, False, empty, attrs, meta, arcs=empty)
    us, vs, ds = [e[0] for e in edges], [e[1] for e in edges], [e[2] for e in edges]
    w = _check_weights([d.get("weight", 1.0) for d in ds], lambda i: f"{us[i]} -> {vs[i]}")
    is_dir = np.array([bool(d.get("directed")) for d in ds], dtype=bool)
    get = {v: i for i, v in enumerate(nodes)}.__getitem__
    r = np.fromiter(map(get, us), dtype=np.int64, count=len(us))
    c = np.fromiter(map(get, vs), dtype=np.int64, count=len(vs))
    for i in np.flatnonzero(is_dir):  # a directed tie runs from its source to its target
        r[i], c[i] = get(ds[i].get("source", us[i])), get(ds[i].get("target", vs[i]))
    U, arcs, D, n_dir, n_undir = _tie_views(r, c, w, is_dir, n)
    return _Views(nodes, U, U, False, D, attrs, meta, arcs=arcs, n_dir=n_dir, n_undir=n_undir, ties=len(edges))


# long: one vectorised pass from the frames to the arrays (filters, unknown ends, weights, direction, labels)
def _from_data(
    data: PartnerData,
    *,
    as_of: Any = None,
    status: Any = ("active",),
    kinds: Any = None,
) -> _Views:
    """The compact graph straight from the frames, as ``build_graph(data, ...)`` would give it.

    The same organisations in the same order (an end that is not an ``org_id`` becomes
    a node after them, as networkx adds it), the same ties after the filters, the same
    weights (missing: 1) and directions; no networkx graph is built.
    """
    as_of_ts, status_t, kinds_t = _common._tie_filters(as_of, status, kinds)
    orgs = data.organizations
    sub = _common._selected_ties(data.relationships, as_of_ts, status_t, kinds_t)
    nodes = list(orgs.index)
    attrs = {c: _labels(orgs[c]) if c in orgs.columns else [None] * len(nodes) for c in _LABELS}
    src = sub["source"].to_numpy(dtype=object) if len(sub) else np.zeros(0, dtype=object)
    tgt = sub["target"].to_numpy(dtype=object) if len(sub) else np.zeros(0, dtype=object)
    index = orgs.index
    r, c = index.get_indexer(src), index.get_indexer(tgt)
    if (r < 0).any() or (c < 0).any():  # networkx adds the unknown ends as nodes, in order of appearance
        ends = np.column_stack([src, tgt]).ravel()
        extra = list(pd.unique(ends[np.column_stack([r < 0, c < 0]).ravel()]))
        nodes += extra
        for col in attrs.values():
            col += [None] * len(extra)
        index = pd.Index(nodes, dtype=object)
        r, c = index.get_indexer(src), index.get_indexer(tgt)
    n = len(nodes)
    r, c = r.astype(np.int64), c.astype(np.int64)
    if "weight" in sub.columns and len(sub):
        given = sub["weight"]
        raw = given.astype(object).where(given.notna(), 1.0).to_numpy(dtype=object)
        w = _check_weights(raw, lambda i: f"{src[i]} -> {tgt[i]}")
    else:
        w = np.ones(len(sub))
    if "directed" in sub.columns and len(sub):
        d = sub["directed"]
        is_dir = (d.notna() & d.astype(object).where(d.notna(), False).astype(bool)).to_numpy(dtype=bool)
    else:
        is_dir = np.zeros(len(sub), dtype=bool)
    U, arcs, D, n_dir, n_undir = _tie_views(r, c, w, is_dir, n)
    meta = _common._provenance(data, as_of_ts, status_t, kinds_t)
    log.info("compact graph: %d organisations, %d ties (status=%s, kinds=%s, as_of=%s)",
             n, len(sub), status_t, kinds_t, meta["as_of"])
    return _Views(nodes, U, U, False, D, attrs, meta, arcs=arcs, n_dir=n_dir, n_undir=n_undir, ties=len(sub))


def _labels(col: pd.Series) -> list[Any]:
    """A column as a list, missing values as None (as ``G.nodes[v].get(c)`` gives them)."""
    return col.astype(object).where(col.notna(), None).tolist()


def _check_direction(direction: str) -> str:
    if direction not in DIRECTIONS:
        raise ParameterError(f"direction={direction!r}: choose one of {', '.join(map(repr, DIRECTIONS))}.")
    return direction


def _decide(direction: str, n_dir: int, n_undir: int) -> tuple[bool, str]:
    """Whether the path metrics follow direction, and why (for ``df.attrs`` and the CLI)."""
    if direction == "undirected":
        return False, "asked for: every tie taken as mutual"
    if direction == "directed":
        if n_undir:
            return True, f"asked for: {n_dir} directed tie(s) one way, {n_undir} undirected tie(s) both ways"
        return True, "asked for: every tie is directed"
    if n_dir and not n_undir:
        return True, f"auto: every tie ({n_dir}) is directed"
    if n_dir:
        return False, f"auto: {n_undir} of {n_dir + n_undir} ties are undirected, so every tie is taken as mutual"
    return False, "auto: no directed ties"


def _oriented(V: _Views, direction: str) -> _Views:
    """``V`` with the path metrics following ``direction`` (the matrices are shared, not copied)."""
    directed, why = _decide(direction, V.n_dir, V.n_undir)
    arcs = V.arcs if V.arcs is not None else V.U
    return replace(V, A=arcs if directed else V.U, directed=directed, why=why)


#: ``build_graph``'s default tie filters: active ties on their recorded status, every kind.
DEFAULT_FILTERS: dict[str, Any] = {"as_of": None, "status": ("active",), "kinds": None}


def _views(source: Any, direction: str = "auto", *, what: str = "centrality", as_of: Any = None,
           status: Any = ("active",), kinds: Any = None) -> _Views:
    """The compact graph of loaded data, a networkx graph or a compact graph, oriented by ``direction``.

    Loaded data gives ``build_graph(data, as_of=as_of, status=status, kinds=kinds)``'s graph
    without building it. A graph is already filtered: giving it filters other than the
    defaults is a ParameterError (they belong to :func:`partnermap.build_graph`).
    """
    _check_direction(direction)
    if isinstance(source, PartnerData):
        V = _from_data(source, as_of=as_of, status=status, kinds=kinds)
        return _oriented(V, direction)
    if not isinstance(source, (_Views, nx.Graph)):
        raise ParameterError(
            f"{what} needs loaded data (partnermap.load) or a networkx graph (from partnermap.build_graph), "
            f"not {type(source).__name__}."
        )
    _no_filters(what, as_of=as_of, status=status, kinds=kinds)
    return _oriented(source if isinstance(source, _Views) else _from_nx(source), direction)


def _no_filters(what: str, *, as_of: Any, status: Any, kinds: Any) -> None:
    """ParameterError when tie filters other than the defaults come with a graph (already filtered)."""
    given = dict(zip(("as_of", "status", "kinds"), _common._tie_filters(as_of, status, kinds), strict=True))
    changed = [name for name, value in given.items() if value != DEFAULT_FILTERS[name]]
    if changed:
        raise ParameterError(
            f"{what}: {' and '.join(changed)} filter the ties of loaded data, but a graph's ties are already "
            "filtered: give them to partnermap.build_graph, or pass the loaded data itself."
        )


def _bad_weights(G: nx.Graph) -> Iterator[str]:
    for u, v, w in G.edges(data="weight", default=1.0):
        try:
            ok = float(w) > 0 and math.isfinite(float(w))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            yield f"{u} -> {v}"
            return


def _binary(A: sp.csr_array) -> sp.csr_array:
    B = A.copy()
    B.data = np.ones_like(B.data)
    return B


def _lengths(A: sp.csr_array, weighted: bool) -> tuple[sp.csr_array, bool]:
    """Distance matrix for path metrics and whether the lengths really differ."""
    L = A.copy()
    if not weighted or L.nnz == 0:
        L.data = np.ones_like(L.data)
        return L, False
    L.data = 1.0 / L.data
    if np.all(L.data == L.data[0]):
        return L, False  # every tie equally strong: the unweighted paths are the same paths
    return L, True


def _rx_graph(A: sp.csr_array, directed: bool) -> rx.PyGraph | rx.PyDiGraph:
    n = A.shape[0]
    R = rx.PyDiGraph(multigraph=False) if directed else rx.PyGraph(multigraph=False)
    R.add_nodes_from(range(n))
    coo = A.tocoo()
    keep = np.ones(coo.nnz, dtype=bool) if directed else coo.row < coo.col
    R.add_edges_from_no_data(list(zip(coo.row[keep].tolist(), coo.col[keep].tolist(), strict=True)))
    return R


# --------------------------------------------------------------------------- steps


class _Steps:
    """One INFO log line per step, and an optional tqdm bar over the steps."""

    def __init__(self, total: int, desc: str, progress: bool) -> None:
        self.desc = desc
        self.bar = tqdm(total=total, desc=desc, disable=not progress, leave=False, delay=2.0)

    @contextmanager
    def step(self, name: str, detail: str = "") -> Iterator[None]:
        self.bar.set_postfix_str(name, refresh=False)
        t0 = time.perf_counter()
        yield
        log.info("%s: %s%s in %.2f s", self.desc, name, f" ({detail})" if detail else "", time.perf_counter() - t0)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


# ------------------------------------------------------------- path-based metrics


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(s, s + l)`` for every (s, l)."""
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return np.arange(total, dtype=np.int64) + shift


# long: one batched numeric kernel (distances, path counts, dependencies); split, its arrays would travel between pieces
def _dependencies(L: sp.csr_array, src: np.ndarray, *, scaled: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Brandes' dependencies of every node on a batch of sources, and the distances (vectorised numpy).

    The reference the compiled kernels (:mod:`partnermap._kernels`) are tested against:
    level-synchronous, ``(sources x n)`` arrays.

    Returns ``delta`` and ``dist``, both ``(len(src), n)``. ``delta[i, v]`` is the sum
    over targets ``t`` of the share of shortest ``src[i]``-``t`` paths through ``v``
    (0 for the source itself); with ``scaled`` each share is weighted by
    ``d(s, v) / d(s, t)`` (Geisberger, Sanders & Schultes' linear scaling). Shortest-path
    DAG edges are those with ``d[u] + l(u, v) == d[v]`` in floating point, exactly
    networkx's test.
    """
    n = L.shape[0]
    eu = np.repeat(np.arange(n, dtype=np.int64), np.diff(L.indptr))
    ev = L.indices.astype(np.int64)
    b = len(src)
    dist = csgraph.dijkstra(L, directed=True, indices=src)
    rows = np.arange(b)
    step = dist[:, eu]
    step += L.data
    on_dag = step == dist[:, ev]
    on_dag &= np.isfinite(step)
    del step
    si, ei = np.nonzero(on_dag)
    del on_dag
    ku = si * n + eu[ei]  # already sorted: rows in order, and eu is sorted within a row
    kv = si * n + ev[ei]
    size = b * n
    off = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(ku, minlength=size), out=off[1:])
    indeg = np.bincount(kv, minlength=size)
    sigma = np.zeros(size)
    last = np.empty(size, dtype=np.int64)  # scratch for de-duplicating the frontier
    frontier = rows * n + src
    sigma[frontier] = 1.0
    rounds = []
    while frontier.size:
        idx = _ranges(off[frontier], off[frontier + 1] - off[frontier])
        if idx.size == 0:
            break
        rounds.append(idx)
        heads = kv[idx]
        sigma += np.bincount(heads, weights=sigma[ku[idx]], minlength=size)  # bincount: np.add.at is slow
        indeg -= np.bincount(heads, minlength=size)
        ready = heads[indeg[heads] == 0]  # every shortest route into them is counted
        at = np.arange(ready.size)
        last[ready] = at
        frontier = ready[last[ready] == at]
    delta = np.zeros(size)
    flat = dist.ravel()
    for idx in reversed(rounds):
        tails, heads = ku[idx], kv[idx]
        share = sigma[tails] / sigma[heads]
        if scaled:
            share *= flat[tails] / flat[heads]
        delta += np.bincount(tails, weights=share * (1.0 + delta[heads]), minlength=size)
    delta = delta.reshape(b, n)
    delta[rows, src] = 0.0
    return delta, dist


def _brandes(L: sp.csr_array, sources: np.ndarray, *, progress: bool, desc: str) -> _Paths:
    """Brandes' algorithm from ``sources`` over the length matrix ``L``, summed.

    Returns the summed dependencies (unscaled, the source itself excluded), for each
    node the number of sources other than itself that reach it and the sum of their
    distances to it (incoming closeness), and for each source how many it reaches and
    the sum of those distances (outgoing closeness). The compiled kernel
    (:func:`partnermap._kernels.brandes`), in batches for the progress bar; batch sums are
    added in order, so the result does not depend on the threads.
    """
    n = L.shape[0]
    bc = np.zeros(n)
    reach = np.zeros(n)
    dsum = np.zeros(n)
    out: list[np.ndarray] = [np.zeros((2, 0))]
    batches = [sources[i : i + _BATCH] for i in range(0, len(sources), _BATCH)]
    for src in tqdm(batches, desc=desc, disable=not progress, leave=False, delay=2.0):
        (b, r, d), per = _kernels.brandes(L, src)
        bc += b
        reach += r
        dsum += d
        out.append(per)
    per = np.concatenate(out, axis=1)
    return _Paths(bc, reach, dsum, per[0], per[1])


_BATCH = 256  # sources per progress-bar step of :func:`_brandes`


def _reached(dist: np.ndarray, src: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which nodes each source reaches (itself aside), and the distances with 0 elsewhere."""
    reached = np.isfinite(dist)
    reached[np.arange(len(src)), src] = False
    return reached, np.where(reached, dist, 0.0)


class _Paths(NamedTuple):
    bc: np.ndarray
    reach: np.ndarray
    dsum: np.ndarray
    out_reach: np.ndarray
    out_dsum: np.ndarray


def _wf(reach: np.ndarray, dsum: np.ndarray, others: np.ndarray | float) -> np.ndarray:
    """Wasserman-Faust closeness from reach counts and distance sums (networkx's ``wf_improved``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(dsum > 0, reach / dsum * (reach / others), 0.0)


def _distances_to(L: sp.csr_array, sources: np.ndarray, budget: int = 20_000_000) -> tuple[np.ndarray, np.ndarray]:
    """For every node, how many of ``sources`` it reaches (itself aside) and the sum of those distances."""
    n = L.shape[0]
    LT = L.T.tocsr()
    reach = np.zeros(n)
    dsum = np.zeros(n)
    per_batch = max(1, budget // max(n, 1))
    for i in range(0, len(sources), per_batch):
        src = sources[i : i + per_batch]
        dist = csgraph.dijkstra(LT, directed=True, indices=src)
        dist[np.arange(len(src)), src] = np.inf
        ok = np.isfinite(dist)
        reach += ok.sum(axis=0)
        dsum += np.where(ok, dist, 0.0).sum(axis=0)
    return reach, dsum


def _rescale_betweenness(bc: np.ndarray, n: int, sources: np.ndarray | None) -> np.ndarray:
    """Betweenness normalised as networkx does (endpoints excluded), with its sampling correction."""
    N = n - 1
    if N < 2:
        return np.zeros(n)
    if sources is None:
        return bc / (N * (N - 1))
    k = len(sources)
    scale = np.full(n, 1.0 / (k * (N - 1)))
    scale[sources] = 1.0 / ((k - 1) * (N - 1))
    return bc * scale
