"""The network as sparse arrays, and the shortest-path kernels the metrics are built on.

Private to :mod:`partnermap.centrality` (imported as a module, ``from . import _sparse``):
direction-aware views of a graph as CSR arrays (:class:`_Views`), tie lengths, the
batched Brandes kernel (dependencies, distances, reach) and the step timer. Nothing here
knows what a metric means; :mod:`partnermap.centrality` assembles the table.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

import networkx as nx
import numpy as np
import rustworkx as rx
import scipy.sparse as sp
from scipy.sparse import csgraph
from tqdm import tqdm

from ._errors import ParameterError, PartnermapError

log = logging.getLogger("partnermap")


# --------------------------------------------------------------------------- views


#: The values of ``direction``: ``auto`` follows direction when every tie is directed.
DIRECTIONS = ("auto", "undirected", "directed")


@dataclass
class _Views:
    nodes: list[Any]
    U: sp.csr_array  # undirected partner view, summed weights, no self-ties
    A: sp.csr_array  # graph the path metrics follow (U, or the arcs: directed ties one way, the rest both ways)
    directed: bool  # path metrics follow arrows
    D: sp.csr_array  # directed ties (giver -> receiver), possibly empty
    attrs: dict[str, list[Any]]
    meta: dict[str, Any]
    why: str = ""  # why the analysis is directed or not, in words

    @property
    def n(self) -> int:
        return len(self.nodes)


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


def _multigraph_views(G: nx.MultiGraph, nodes: list[Any]) -> tuple[sp.csr_array, sp.csr_array, sp.csr_array, int, int]:
    """The partner view, the arcs, the directed ties and the numbers of directed / undirected ties.

    One pass over the ties of a MultiGraph from ``build_graph``: the partner view sums
    every tie both ways; an arc is a directed tie one way (``source`` -> ``target``)
    or any other tie both ways; the directed ties are :func:`partnermap.graph.directed_ties`.
    Self-ties are left out everywhere.
    """
    pos = {v: i for i, v in enumerate(nodes)}
    n = len(nodes)
    rows: list[int] = []
    cols: list[int] = []
    weights: list[float] = []
    directed: list[bool] = []
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        s, t = (d.get("source", u), d.get("target", v)) if d.get("directed") else (u, v)
        rows.append(pos[s])
        cols.append(pos[t])
        weights.append(float(d.get("weight", 1.0)))
        directed.append(bool(d.get("directed")))
    r, c = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    w, is_dir = np.asarray(weights, dtype=float), np.asarray(directed, dtype=bool)
    both_r, both_c, both_w = np.concatenate([r, c]), np.concatenate([c, r]), np.concatenate([w, w])
    U = _from_arcs(both_r, both_c, both_w, n)
    keep = np.concatenate([np.ones(len(r), dtype=bool), ~is_dir])  # the reverse arc only for undirected ties
    arcs = _from_arcs(both_r[keep], both_c[keep], both_w[keep], n)
    D = _from_arcs(r[is_dir], c[is_dir], w[is_dir], n)
    return U, arcs, D, int(is_dir.sum()), int((~is_dir).sum())


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


def _views(G: nx.Graph, direction: str = "auto") -> _Views:
    if not isinstance(G, nx.Graph):
        raise ParameterError(
            f"centrality needs a networkx graph (from partnermap.build_graph), not {type(G).__name__}."
        )
    _check_direction(direction)
    nodes = list(G.nodes)
    n = len(nodes)
    attrs = {c: [G.nodes[v].get(c) for v in nodes] for c in ("name", "sector", "org_type")}
    for w in _bad_weights(G):
        raise PartnermapError(f"tie {w} has a weight that is not a positive number; fix it in relationships.")
    if G.is_directed():
        arcs = _to_csr(G, nodes)
        U = (arcs + arcs.T).tocsr()
        U.sort_indices()
        directed, why = _decide(direction, arcs.nnz, 0)
        return _Views(nodes, U, arcs if directed else U, directed, arcs, attrs, dict(G.graph), why)
    if G.is_multigraph():
        U, arcs, D, n_dir, n_undir = _multigraph_views(G, nodes)
    else:
        U = _to_csr(G, nodes)
        arcs, n_dir, n_undir = U, 0, U.nnz // 2
        D = sp.csr_array((n, n), dtype=float)
    directed, why = _decide(direction, n_dir, n_undir)
    return _Views(nodes, U, arcs if directed else U, directed, D, attrs, dict(G.graph), why)


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


def _batch_size(L: sp.csr_array, n_sources: int, budget: int = 6_000_000) -> int:
    """How many sources one vectorised batch holds within ``budget`` array cells."""
    return max(1, min(n_sources, budget // max(L.nnz + L.shape[0], 1)))


# long: one batched numeric kernel (distances, path counts, dependencies); split, its arrays would travel between pieces
def _dependencies(L: sp.csr_array, src: np.ndarray, *, scaled: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Brandes' dependencies of every node on a batch of sources, and the distances.

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
    the sum of those distances (outgoing closeness).
    """
    n = L.shape[0]
    bc = np.zeros(n)
    reach = np.zeros(n)
    dsum = np.zeros(n)
    out_reach: list[np.ndarray] = [np.zeros(0)]
    out_dsum: list[np.ndarray] = [np.zeros(0)]
    per_batch = _batch_size(L, len(sources))
    batches = [sources[i : i + per_batch] for i in range(0, len(sources), per_batch)]
    for src in tqdm(batches, desc=desc, disable=not progress, leave=False, delay=2.0):
        delta, dist = _dependencies(L, src)
        bc += delta.sum(axis=0)
        del delta
        reached, dist = _reached(dist, src)
        reach += reached.sum(axis=0)
        dsum += dist.sum(axis=0)
        out_reach.append(reached.sum(axis=1).astype(float))
        out_dsum.append(dist.sum(axis=1))
    return _Paths(bc, reach, dsum, np.concatenate(out_reach), np.concatenate(out_dsum))


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
