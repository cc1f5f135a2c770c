"""Who holds the ecosystem together: node metrics, network summary, communities, bridges.

:func:`centrality` returns one row per organisation (isolates included) indexed by
``org_id``; :func:`network_summary` describes the whole network, including how the
sectors (and organisation types) mix. :data:`COLUMN_MEANINGS` and
:data:`SUMMARY_MEANINGS` say in one plain sentence what each number means for a
partnership manager; reports print them next to the tables.

Which graph each metric uses
----------------------------
The input is normally the :class:`networkx.MultiGraph` from
:func:`partnermap.build_graph`; loaded data (:func:`partnermap.load`) stands for
``build_graph(data)`` and is turned straight into the compact sparse graph the metrics
use, without building the networkx graph (at 100,000 organisations that saves the
seconds networkx needs to build the graph and to hand it over). ``direction`` decides what
the path metrics follow:

* ``"auto"`` (default): direction is followed when every tie of the analysed graph
  is directed (an information-flow or referral network, a funding chain, a
  :class:`networkx.DiGraph`) and ignored otherwise, because in a mixed network a
  partnership runs both ways;
* ``"directed"``: a directed tie is one-way (``source`` -> ``target``), any other
  tie two-way;
* ``"undirected"``: every tie is mutual.

Betweenness, closeness (outgoing: how quickly it reaches the others; incoming as
``in_closeness``, networkx's convention for a DiGraph), PageRank and hubs/authorities
(``hub``, ``authority``: networkx's HITS) follow that choice. The other metrics use
the undirected partner view (:func:`partnermap.graph.simple_graph`: parallel ties of
one pair merged, their weights summed, self-ties dropped), and ``in_degree`` /
``out_degree`` count the directed ties (funding, referral) from
:func:`partnermap.graph.directed_ties`. The choice and its reason are recorded in
``df.attrs["direction"]`` and ``df.attrs["direction_reason"]``.

By default (``weighted=False``) every partner pair counts the same, as is usual in
social network analysis. With ``weighted=True`` tie weights are strengths: path
lengths use distance = 1/weight (a strong tie is a short step), and eigenvector,
PageRank, Louvain and Burt's measures use the weights directly. ``strength`` is
always the weighted degree.

Backends, and why
-----------------
partnermap is BSD-3-Clause, so its required dependencies must be permissively
licensed. python-igraph (GPL-2.0-or-later) is therefore not used.

* **rustworkx** (Apache-2.0, Rust, multi-threaded) computes exact *unweighted*
  betweenness and closeness, core numbers, cut points and bridges. Its values equal
  networkx's exact algorithms (the tests assert it within 1e-9).
* rustworkx has no weighted betweenness and no source sampling, so for weighted
  networks and for ``k=`` sampling partnermap runs Brandes' algorithm itself: shortest
  path distances from :mod:`scipy.sparse.csgraph` (compiled), then the path counts and
  dependencies vectorised with numpy over batches of sources. Shortest paths are
  recognised by exact floating-point equality, as networkx does, so the values equal
  networkx's (exact, or sampled with the same ``seed``) within rounding.
* Eigenvector centrality is the leading eigenvector of each connected component
  (scipy ARPACK, or a dense solver for small components); PageRank is networkx's
  power iteration run to 1e-12, vectorised with scipy; hubs and authorities are the
  leading singular vectors (networkx's HITS); Burt's constraint and effective size are
  sparse-matrix forms of networkx's formulas.
* Communities come from **networkit** (MIT, C++): PLM, Louvain with a refinement
  phase, run sequentially (``par="none"``) on a graph whose nodes are numbered in a
  seeded random order of the ``org_id`` s, so the labels repeat exactly and do not
  depend on row order or threads; communities PLM leaves in pieces are split into
  connected pieces. Measured against networkx's Louvain and graspologic-native's
  Leiden (MIT) on the benchmark graphs it gave the highest modularity and was the
  fastest (see README and ``benchmarks/bench_scale.py``).

Brokers above city scale, with a stated error
---------------------------------------------
Up to :data:`ESTIMATE_ABOVE` (10,000) organisations betweenness and closeness are
exact. Above it (or with ``estimate=True``) they are estimated from an adaptive,
seeded sample of source organisations: each source contributes Geisberger, Sanders &
Schultes' linear-scaling dependencies (both directions when the analysis is directed;
their mean over all sources is exactly the normalised betweenness), and sources are
added in batches until every organisation's normal-approximation confidence half-width
at level ``delta / n`` (Bonferroni, so all organisations at once with probability
about ``1 - delta``) is at most ``epsilon``, or until :data:`ESTIMATE_WORK` is spent; the
error reached, ``delta`` and the number of sources are in ``df.attrs``
(``betweenness_epsilon``, ``betweenness_delta``, ``betweenness_sources``). The bound is a
normal approximation, not a worst-case guarantee; on the benchmark graphs it was 1.7 to 7
times the actual largest error (``benchmarks/bench_scale.py --curve``). With tie weights
whose lengths do not add up exactly in floating point (1/5, 1/3 ...), routes that tie in
exact arithmetic can count as tied from one end of a pair and not from the other, as in
networkx's exact test; the weighted estimate can then differ from the exact table by more
than it states on small networks (2e-3 measured at 80 organisations with weights 1, 2 and
5, 3e-5 at 3,000). Weights that are powers of two add up exactly. The searches are
compiled (numba, :mod:`partnermap._kernels`: one breadth-first or Dijkstra search per
source, no ``sources x n`` arrays), run in fixed chunks of sources on the cores and summed in
chunk order, on the graph renumbered in ``org_id`` order: the same values, bit for bit, on
any machine and in any row order. The ``-k`` sample and exact weighted paths use the same
kernels (unweighted exact paths: rustworkx).

Why not a library estimator with a proven (epsilon, delta) guarantee: networkit's
``ApproxBetweenness`` (Riondato-Kornaropoulos) runs a full shortest-path search per
sampled pair and needed 475 s for epsilon = 0.003 at 5,000 organisations (exact: 3 s);
networkit 11.2's ``KadabraBetweenness`` is fast, but its path sampler picks a
predecessor with the wrong weights (``curPred += nPaths[target]`` in
``SpSampler::backtrackPath``), so its estimates carry a bias of about 0.001 that does
not shrink with more samples: its largest error exceeded the stated one at
epsilon = 0.001 (20,000 organisations) and 0.0003 (5,000; 0.0009 measured), so the
guarantee cannot be passed on to users (``bench_scale.py`` prints the comparison).

Plain sampling is never silent either: with ``k`` given, betweenness and closeness are
estimated from ``k`` seeded random source organisations (the same ones networkx would
pick with that seed) and ``df.attrs`` says so.

Inverse pair: none (these are derived measures); see :func:`partnermap.build_graph`
for the graph itself.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import random
import statistics
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import rustworkx as rx
import scipy.sparse as sp
from scipy.sparse import csgraph
from scipy.sparse.linalg import ArpackNoConvergence, eigsh, svds
from tqdm import tqdm

from . import _kernels, _sparse
from ._data import PartnerData
from ._errors import ParameterError, PartnermapError


@functools.cache
def _networkit() -> Any:
    """networkit, imported on first use (with matplotlib, 0.5 s that most commands do not need).

    networkit imports its profiling module when matplotlib is installed, and that module
    shows a block of HTML and JavaScript in any Jupyter kernel it is imported in: the
    import's output is captured to keep it off the pages.
    """
    from IPython.utils.capture import capture_output

    with capture_output():
        import networkit

    return networkit

__all__ = [
    "DIRECTIONS",
    "ESTIMATE_ABOVE",
    "DEFAULT_EPSILON",
    "DEFAULT_DELTA",
    "ESTIMATE_WORK",
    "COLUMN_MEANINGS",
    "SUMMARY_MEANINGS",
    "centrality",
    "communities",
    "bridges",
    "network_summary",
    "format_summary",
]

log = logging.getLogger("partnermap")

#: One plain sentence per column of :func:`centrality`, for partnership managers.
COLUMN_MEANINGS: dict[str, str] = {
    "name": "The organisation's name.",
    "sector": "Its sector: for_profit, non_profit or public.",
    "org_type": "The kind of organisation it is (school, charity, company, ...).",
    "degree": "How many different organisations it has at least one tie with, of any kind and direction.",
    "strength": (
        "The total weight of its ties (each tie counts 1 unless the data gives a weight), so repeated or strong "
        "partnerships count more."
    ),
    "in_degree": "How many organisations give to it through directed ties such as funding or referrals.",
    "out_degree": "How many organisations it gives to through directed ties such as funding or referrals.",
    "betweenness": (
        "The share of shortest routes between other organisations that pass through it (0 to 1): high means a broker "
        "that links groups which would drift apart without it."
    ),
    "closeness": (
        "How few steps it needs to reach the organisations it can reach (0 to 1, scaled down when part of the network "
        "is out of its reach; along the direction of the ties when the analysis is directed): high means news and "
        "offers travel from it quickly."
    ),
    "in_closeness": (
        "How few steps the others need to reach it (0 to 1; the same as closeness unless the analysis is "
        "directed): high means news and requests reach it quickly."
    ),
    "eigenvector": (
        "How well connected its partners are themselves (0 to 1, compare within one connected group): high means it "
        "sits among the influential organisations."
    ),
    "pagerank": (
        "The chance that someone following ties at random ends up with it (sums to 1 over the network): influence that "
        "also credits ties to well-tied partners."
    ),
    "hub": (
        "Hub score (HITS, sums to 1): high when it gives to or refers to organisations that many good sources "
        "point at; equal to authority when ties are taken as mutual."
    ),
    "authority": (
        "Authority score (HITS, sums to 1): high when organisations that point at many good targets point at it, "
        "e.g. where funding or referrals converge."
    ),
    "core_number": (
        "The largest k for which it belongs to a group where everyone has at least k ties inside the group: high means "
        "the dense core, 1 means the edge of the network."
    ),
    "community": "The cluster of closely tied organisations it belongs to (0 is the largest cluster).",
    "constraint": (
        "Burt's constraint: how much its partners are tied to each other (up to about 1; empty when it has no ties): "
        "high means it depends on one closed circle, low means it bridges separate groups."
    ),
    "effective_size": (
        "Burt's effective size: how many of its partners are not already tied to one another (empty when it has no "
        "ties) - the non-redundant contacts it can call on."
    ),
    "is_cut_point": "True if the network would split into more pieces without it: a single point of failure.",
    "bridge_ties": (
        "How many of its partnerships are the only link between two parts of the network: if one of them ends, the "
        "network splits."
    ),
    "cross_sector_share": (
        "The share of its partners that are in another sector (0 to 1; empty if none of its partners has a known "
        "sector): high means it connects sectors."
    ),
}

#: One plain sentence per scalar entry of :func:`network_summary`.
SUMMARY_MEANINGS: dict[str, str] = {
    "organisations": "Organisations in the network, including those with no ties.",
    "ties": "Ties in the data after the status/kind/date filters (several ties between one pair all count).",
    "partner_pairs": "Pairs of organisations with at least one tie between them.",
    "directed_ties": "Pairs linked by a directed tie (funding, referral), counted giver to receiver.",
    "isolates": "Organisations with no ties at all.",
    "density": "Share of all possible partner pairs that exist (0 to 1).",
    "components": "Separate pieces the network falls into (an isolate is a piece of its own).",
    "largest_component_share": "Share of organisations in the largest connected piece.",
    "average_clustering": "On average, the share of an organisation's partner pairs that also work together (0 to 1).",
    "transitivity": "Share of 'partner of a partner' chains that close into a triangle (0 to 1).",
    "degree_centralization": (
        "Freeman degree centralisation (0 to 1): near 1 when one organisation holds most ties (a hub and spokes), near "
        "0 when ties are spread evenly."
    ),
    "reciprocity": (
        "Share of directed ties that are returned (both organisations give to each other); empty without directed "
        "ties."
    ),
    "communities": "Clusters of closely tied organisations found by Louvain.",
    "modularity": "How clearly the network splits into those clusters (-0.5 to 1; above about 0.3 is a clear split).",
    "sector_ei_index": (
        "Krackhardt's E-I index by sector (-1 to 1): +1 when every tie crosses sectors, -1 when every tie stays within "
        "a sector."
    ),
    "sector_assortativity": (
        "Sector assortativity (-1 to 1): above 0 means organisations partner within their own sector more than chance "
        "would give."
    ),
    "org_type_ei_index": "The E-I index by organisation type.",
    "org_type_assortativity": "The assortativity by organisation type.",
}

_COLUMNS = list(COLUMN_MEANINGS)
_INT_COLUMNS = ("degree", "in_degree", "out_degree", "core_number", "community", "bridge_ties")


def _path_metrics(
    V: _sparse._Views,
    *,
    weighted: bool,
    k: int | None,
    seed: int,
    progress: bool,
    estimate: tuple[float, float] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
    """Betweenness, closeness (outgoing) and in-closeness, and how they were computed.

    ``estimate`` is ``(epsilon, delta)`` for the estimate with a stated error.
    """
    n = V.n
    L, really_weighted = _sparse._lengths(V.A, weighted)
    if estimate is not None and n > 2:
        return _estimate(V, L, epsilon=estimate[0], delta=estimate[1], seed=seed, progress=progress)
    way = "outgoing (from it to the others; in_closeness: from the others to it), " if V.directed else ""
    if k is not None:
        sources = np.array(_sample_sources(n, k, seed), dtype=np.int64)
        P = _sparse._brandes(L, sources, progress=progress, desc=f"paths from {k} sampled sources")
        k_v = np.full(n, float(k))
        k_v[sources] -= 1.0
        clo_in = _sparse._wf(P.reach, P.dsum, k_v)
        clo_out = _sparse._wf(*_sparse._distances_to(L, sources), k_v) if V.directed else clo_in
        meta = {
            "betweenness": (
                f"estimated from k={k} random source organisations (seed={seed}), networkx's sampling correction"
            ),
            "closeness": f"{way}Wasserman-Faust closeness estimated from the same k={k} sources",
            "engine_paths": "numba-compiled Brandes (sampled)",
        }
        return _sparse._rescale_betweenness(P.bc, n, sources), clo_out, clo_in, meta
    meta = {"betweenness": "exact", "closeness": f"{way}exact Wasserman-Faust closeness (networkx's wf_improved=True)"}
    if not really_weighted:
        scale = float(L.data[0]) if L.nnz else 1.0  # one common distance when weighted
        R = _sparse._rx_graph(V.A, V.directed)
        if V.directed:
            b = rx.digraph_betweenness_centrality(R, normalized=True)
            c_in = rx.digraph_closeness_centrality(R, wf_improved=True)  # networkx's convention: incoming
            c_out = rx.digraph_closeness_centrality(_sparse._rx_graph(V.A.T.tocsr(), True), wf_improved=True)
        else:
            b = rx.graph_betweenness_centrality(R, normalized=True)
            c_in = c_out = rx.graph_closeness_centrality(R, wf_improved=True)
        bc = np.array([b[i] for i in range(n)]) if n > 2 else np.zeros(n)
        clo_in = np.array([c_in[i] for i in range(n)]) / scale
        clo_out = np.array([c_out[i] for i in range(n)]) / scale
        meta["engine_paths"] = "rustworkx"
        return bc, clo_out, clo_in, meta
    P = _sparse._brandes(L, np.arange(n, dtype=np.int64), progress=progress, desc="weighted shortest paths")
    others = max(n - 1, 1)
    meta["engine_paths"] = "numba-compiled Brandes (exact, distance = 1/weight)"
    bc = _sparse._rescale_betweenness(P.bc, n, None)
    return bc, _sparse._wf(P.out_reach, P.out_dsum, others), _sparse._wf(P.reach, P.dsum, others), meta


#: Direction choices of :func:`centrality` (``auto``: directed when every tie is).
DIRECTIONS = _sparse.DIRECTIONS

#: Above this many organisations betweenness and closeness are estimated (exact up to it).
ESTIMATE_ABOVE = 10_000
#: The error bound the estimate is run down to by default (betweenness is 0 to 1).
DEFAULT_EPSILON = 0.003
#: The estimate also stops after this much work, counted as sources x (organisations + partner
#: pairs): 6,000 sources at 20,000 organisations / 80,000 ties (the default epsilon stops it
#: first, near 2,900), 1,200 at 100,000 / 400,000, where the whole table then stays within
#: about 2 minutes on 2 cores. It then states the error it reached.
ESTIMATE_WORK = 6e8
#: The default probability that some organisation falls outside the stated error.
DEFAULT_DELTA = 0.1
_MIN_SOURCES = 100  # sources before the normal approximation is trusted
_BATCH = 64  # sources between two looks at the error (16 of the kernels' chunks)


def _half_widths(s1: np.ndarray, s2: np.ndarray, k_v: np.ndarray, N: int, z: float) -> np.ndarray:
    """Normal-approximation confidence half-widths of per-node means of sampled sources.

    ``s1``/``s2`` are the sums and sums of squares of each node's ``k_v`` sampled
    values, drawn without replacement from ``N``; the finite-population factor makes
    the width 0 once every source is in the sample.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        var = np.maximum(s2 - s1 * s1 / k_v, 0.0) / np.maximum(k_v - 1, 1)
        fpc = np.clip((N - k_v) / max(N - 1, 1), 0.0, 1.0)
        return np.where(k_v > 1, z * np.sqrt(var / k_v * fpc), np.inf)


class _SourceSums:
    """Running sums over sampled sources: betweenness values and squares, closeness reach and distances."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.k = 0
        self.s1, self.s2 = np.zeros(n), np.zeros(n)
        self.reach_in, self.dsum_in = np.zeros(n), np.zeros(n)
        self.reach_out, self.dsum_out = np.zeros(n), np.zeros(n)
        self.in_sample = np.zeros(n, dtype=bool)

    def add(self, L: sp.csr_array, LT: sp.csr_array | None, src: np.ndarray) -> None:
        """Add one batch of sources; ``LT`` (the reversed lengths) when the analysis is directed.

        Each source's value at a node is its linear-scaling dependency (plus the reverse
        search's when directed, twice it otherwise: the pair's other end) over ``n - 2``.
        """
        s1, s2, reach_in, dsum_in, reach_out, dsum_out = _kernels.source_sums(L, LT, src, self.n - 2)
        self.s1 += s1
        self.s2 += s2
        self.reach_in += reach_in
        self.dsum_in += dsum_in
        self.reach_out += reach_out
        self.dsum_out += dsum_out
        self.in_sample[src] = True
        self.k += len(src)

    @property
    def k_v(self) -> np.ndarray:
        """Sampled sources other than each node itself."""
        return self.k - self.in_sample.astype(float)

    def mean(self) -> np.ndarray:
        """The estimated normalised betweenness."""
        k_v = self.k_v
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.clip(np.where(k_v > 0, self.s1 / k_v, 0.0), 0.0, None)


def _estimate(
    V: _sparse._Views,
    L: sp.csr_array,
    *,
    epsilon: float,
    delta: float,
    seed: int,
    progress: bool,
    trace: list[tuple[int, float, float, np.ndarray]] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
    """Betweenness with a stated error, and closeness, from an adaptive sample of sources.

    Sources are drawn in a seeded random order of ``org_id`` (so row order does not
    matter) in batches until every organisation's normal-approximation confidence
    half-width at level ``delta / n`` (Bonferroni: all organisations at once with
    probability about ``1 - delta``) is at most ``epsilon``, the work reaches
    :data:`ESTIMATE_WORK` (the error reached is then the one stated), or every
    organisation is a source (then the values are exact). Each source contributes Geisberger, Sanders
    & Schultes' linear-scaling dependencies (both directions when directed), whose
    mean over sources is the exact normalised betweenness. The searches run on the graph
    renumbered in ``org_id`` order, so the sums are added in the same order whatever the
    row order: the same values, bit for bit. ``trace`` (for the benchmark) collects
    ``(sources, seconds, stated error, estimate)`` after each batch.
    """
    t0 = time.perf_counter()
    n = V.n
    order = np.argsort(_node_rank(V.nodes), kind="stable")  # position in org_id order -> node
    perm = np.random.default_rng(seed).permutation(n)  # sources, as positions in org_id order
    L = L[order][:, order].tocsr()
    L.sort_indices()
    LT = L.T.tocsr() if V.directed else None

    def back(x: np.ndarray) -> np.ndarray:  # org_id order -> node order
        out = np.empty_like(x)
        out[order] = x
        return out

    z = -statistics.NormalDist().inv_cdf(delta / (2 * n))  # the upper delta/2n quantile
    sums = _SourceSums(n)
    per_batch = _BATCH
    eps_hat = math.inf
    bar = tqdm(total=n, desc="estimating betweenness", disable=not progress, leave=False, delay=2.0)
    try:
        limit = min(n, max(_MIN_SOURCES, int(ESTIMATE_WORK // (n + V.U.nnz // 2))))
        while sums.k < limit and eps_hat > epsilon:
            src = perm[sums.k : min(sums.k + per_batch, limit)]
            sums.add(L, LT, src)
            bar.update(len(src))
            if sums.k >= min(n, _MIN_SOURCES):
                eps_hat = float(_half_widths(sums.s1, sums.s2, sums.k_v, n - 1, z).max()) if sums.k < n else 0.0
            if trace is not None:
                trace.append((sums.k, time.perf_counter() - t0, eps_hat, back(sums.mean())))
    finally:
        bar.close()
    clo_in = back(_sparse._wf(sums.reach_in, sums.dsum_in, sums.k_v))
    clo_out = back(_sparse._wf(sums.reach_out, sums.dsum_out, sums.k_v)) if V.directed else clo_in
    return back(sums.mean()), clo_out, clo_in, _estimate_meta(V, sums.k, eps_hat, epsilon, delta, seed)


def _estimate_meta(V: _sparse._Views, k: int, eps_hat: float, epsilon: float, delta: float,
                   seed: int) -> dict[str, Any]:
    """What ``df.attrs`` says about an estimate."""
    n = V.n
    way = "outgoing (from it to the others; in_closeness: from the others to it), " if V.directed else ""
    return {
        "betweenness": (
            f"estimated: every organisation within +/-{eps_hat:.2g} of the exact value with probability about "
            f"{1 - delta:.0%} (normal approximation, all organisations at once), from {k} of {n} source "
            f"organisations (seed={seed})" if k < n else "exact (every organisation was a source)"
        ),
        "betweenness_epsilon": round(eps_hat, 12),
        "betweenness_epsilon_target": float(epsilon),
        "betweenness_delta": float(delta),
        "betweenness_sources": int(k),
        "betweenness_estimator": (
            "adaptive source sampling with linear scaling (Geisberger, Sanders & Schultes 2008); stops when the "
            "largest normal-approximation half-width at level delta/n is at most epsilon or after "
            f"{ESTIMATE_WORK:.2g} source x (organisations + partner pairs) of work"
        ),
        "closeness": f"{way}Wasserman-Faust closeness estimated from the same {k} sources",
        "engine_paths": "numba-compiled Brandes (adaptive sampling)",
    }


def _sample_sources(n: int, k: int, seed: int) -> list[int]:
    """The positions of the ``k`` source nodes networkx samples with ``seed``.

    networkx draws ``random.Random(seed).sample(list(G), k)``; drawing from
    ``range(n)`` with the same generator picks the same positions.
    """
    return random.Random(seed).sample(range(n), k)


# -------------------------------------------------------------- spectral metrics


def _eigenvector(U: sp.csr_array) -> np.ndarray:
    """Leading eigenvector of each connected component, scaled by sqrt(share of nodes).

    Within a component the vector has unit length, so on a connected network the
    values are networkx's; across components the sqrt(n_c / n) factor keeps small
    groups from outranking the main network. Isolates get 0.
    """
    n = U.shape[0]
    x = np.zeros(n)
    if n == 0:
        return x
    ncomp, labels = csgraph.connected_components(U, directed=False)
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    for members in np.split(order, bounds):
        m = len(members)
        if m < 2:
            continue
        sub = U[members][:, members]
        if m <= 200:
            _, vecs = np.linalg.eigh(sub.toarray())
            v = vecs[:, -1]
        else:
            try:
                _, vecs = eigsh(sub, k=1, which="LA", v0=np.ones(m), tol=0, maxiter=max(10 * m, 10_000))
                v = vecs[:, 0]
            except ArpackNoConvergence:  # pragma: no cover - fall back to shifted power iteration
                v = _power_iteration(sub)
        v = v * np.sign(v.sum())
        v = np.abs(v) / np.linalg.norm(v)
        x[members] = v * math.sqrt(m / n)
    return x


def _power_iteration(S: sp.csr_array, tol: float = 1e-13, max_iter: int = 100_000) -> np.ndarray:  # pragma: no cover
    v = np.ones(S.shape[0]) / math.sqrt(S.shape[0])
    for _ in range(max_iter):
        w = S @ v + v
        w /= np.linalg.norm(w)
        if np.abs(w - v).sum() < tol * len(v):
            return w
        v = w
    return v


def _pagerank(A: sp.csr_array, *, alpha: float = 0.85, tol: float = 1e-12, max_iter: int = 10_000) -> np.ndarray:
    """PageRank as networkx's ``_pagerank_scipy`` computes it, uniform personalisation, run to ``tol``."""
    N = A.shape[0]
    if N == 0:
        return np.zeros(0)
    S = np.asarray(A.sum(axis=1)).ravel()
    inv = np.zeros(N)
    inv[S != 0] = 1.0 / S[S != 0]
    M = (sp.diags_array(inv) @ A).tocsr()
    x = np.full(N, 1.0 / N)
    p = np.full(N, 1.0 / N)
    dangling = np.flatnonzero(S == 0)
    for _ in range(max_iter):
        xlast = x
        x = alpha * (x @ M + x[dangling].sum() * p) + (1 - alpha) * p
        if np.abs(x - xlast).sum() < N * tol:
            return x
    raise PartnermapError(f"PageRank did not converge in {max_iter} iterations.")  # pragma: no cover


def _hits(A: sp.csr_array) -> tuple[np.ndarray, np.ndarray]:
    """Hubs and authorities (networkx's ``hits``): the leading singular vectors of ``A``, each summing to 1.

    ``authority`` is the leading right singular vector (who is pointed at by good
    hubs), ``hub`` is ``A @ authority`` (who points at good authorities). On an
    undirected view the two are equal. All zeros when there are no ties.
    """
    n = A.shape[0]
    if A.nnz == 0:
        return np.zeros(n), np.zeros(n)
    if n <= 500:
        _, _, vt = np.linalg.svd(A.toarray())
        a = vt[0]
    else:
        try:
            _, _, vt = svds(A, k=1, v0=np.ones(n), tol=0, maxiter=max(10 * n, 10_000))
            a = vt[0]
        except ArpackNoConvergence:  # pragma: no cover - fall back to power iteration on A^T A
            a = _power_iteration((A.T @ A).tocsr())
    a = a * np.sign(a.sum())
    a = np.abs(a)
    h = A @ a
    return h / h.sum(), a / a.sum()


# ------------------------------------------------------------ structural holes


def _burt(U: sp.csr_array) -> tuple[np.ndarray, np.ndarray]:
    """Burt's constraint and effective size, sparse forms of networkx's formulas.

    ``P`` holds the mutual weights normalised by each row's sum, ``Q`` by each row's
    maximum; constraint is ``sum_j (p_ij + sum_q p_iq p_qj)^2`` over partners ``j``,
    effective size ``sum_j (1 - sum_w p_iw q_jw)`` over partners ``j``.
    """
    n = U.shape[0]
    if U.nnz == 0:
        return np.full(n, np.nan), np.full(n, np.nan)
    M = U.tocsr(copy=True)
    rowsum = np.asarray(M.sum(axis=1)).ravel()
    rowmax = M.max(axis=1).toarray().ravel()
    isolated = rowsum == 0
    with np.errstate(divide="ignore"):
        P = (sp.diags_array(np.where(isolated, 0.0, 1.0 / rowsum)) @ M).tocsr()
        Q = (sp.diags_array(np.where(isolated, 0.0, 1.0 / rowmax)) @ M).tocsr()
    mask = _sparse._binary(P)
    local = P + (P @ P).multiply(mask)
    constraint = np.asarray(local.multiply(local).sum(axis=1)).ravel()
    redundancy = np.asarray((P @ Q.T).multiply(mask).sum(axis=1)).ravel()
    effective = np.diff(P.indptr).astype(float) - redundancy
    constraint[isolated] = np.nan
    effective[isolated] = np.nan
    return constraint, effective


# ------------------------------------------------------------------ communities


def _node_rank(nodes: list[Any]) -> np.ndarray:
    """Position of each node in sorted org_id order (text order if ids are mixed)."""
    try:
        order = sorted(range(len(nodes)), key=lambda i: nodes[i])
    except TypeError:
        order = sorted(range(len(nodes)), key=lambda i: str(nodes[i]))
    rank = np.empty(len(nodes), dtype=np.int64)
    rank[order] = np.arange(len(nodes))
    return rank


def _louvain(V: _sparse._Views, *, weighted: bool, seed: int, resolution: float) -> np.ndarray:
    """Seeded communities on the partner view; labels 0, 1, ... by size, then smallest org_id.

    networkit's PLM (Louvain with refinement) visits the nodes in one seeded random order
    of the ``org_id`` s (``par="none"``: sequential, in node order, on a graph whose nodes
    are numbered in that order), so the result depends on the seed, not on the order of
    the rows in the files nor on the number of threads. (PLM's own ``"none randomized"``
    reshuffles at every pass: the same modularity, two to four times slower.) A
    community that PLM leaves in several pieces is split into its connected pieces
    (which only raises the modularity), so every community is connected.
    """
    n = V.n
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    rank = _node_rank(V.nodes)  # position of each node in org_id order
    visit = np.random.default_rng(random.Random(int(seed)).getrandbits(64)).permutation(n)[rank]  # node -> PLM's id
    coo = sp.triu(V.U, k=1).tocoo()
    r, c = visit[coo.row], visit[coo.col]
    a, b = np.minimum(r, c), np.maximum(r, c)
    w = coo.data if weighted else np.ones(len(a))
    if len(a):
        # each tie once, every node's partners sorted ascending (as adding the sorted pairs one by one
        # gives), built in C++ in a third of the time
        nk = _networkit()
        g = nk.GraphFromCsr(sp.csr_array((w, (a, b)), shape=(n, n)), directed=False, weighted=True)
        g.sortEdges()
        threads = nk.getMaxNumberOfThreads()
        try:
            nk.setNumberOfThreads(1)
            nk.engineering.setSeed(int(seed) % 2**63, False)
            plm = nk.community.PLM(g, refine=True, gamma=float(resolution), par="none")
            plm.run()
        finally:
            nk.setNumberOfThreads(threads)
        part = np.asarray(plm.getPartition().getVector(), dtype=np.int64)
        inside = part[a] == part[b]
        S = sp.coo_array((np.ones(int(inside.sum())), (a[inside], b[inside])), shape=(n, n))
        _, part = csgraph.connected_components(S.tocsr(), directed=False)
        part = part[visit]  # indexed by node
    else:
        part = np.arange(n)
    # relabel: largest first, then the smallest org_id
    size = np.bincount(part)
    first = np.full(len(size), n, dtype=np.int64)
    np.minimum.at(first, part, rank)
    new = np.empty(len(size), dtype=np.int64)
    new[np.lexsort((first, -size))] = np.arange(len(size))
    return new[part]


def _modularity(U: sp.csr_array, labels: np.ndarray, resolution: float) -> float:
    """Newman modularity of a partition of the undirected view (networkx's formula)."""
    two_m = U.sum()
    if two_m == 0:
        return float("nan")
    coo = U.tocoo()
    inside = np.bincount(labels[coo.row], weights=coo.data * (labels[coo.row] == labels[coo.col]))
    strength = np.asarray(U.sum(axis=1)).ravel()
    tot = np.bincount(labels, weights=strength)
    return float((inside / two_m).sum() - resolution * ((tot / two_m) ** 2).sum())


# ----------------------------------------------------------------- public API


def _check_k(k: int | None, n: int) -> int | None:
    if k is None:
        return None
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise ParameterError(
            f"k={k!r}: give the number of sampled source organisations, at least 2 (or None for exact).")
    return None if k >= n else int(k)


def _check_estimate(
    estimate: bool | None, k: int | None, n: int, epsilon: float, delta: float
) -> tuple[float, float] | None:
    """``(epsilon, delta)`` when betweenness is to be estimated with a stated error, else None."""
    for name, value in (("epsilon", epsilon), ("delta", delta)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or not 0 < value < 1:
            raise ParameterError(f"{name}={value!r}: give a number between 0 and 1 (e.g. {name}=0.001).")
    if estimate is not None and not isinstance(estimate, (bool, np.bool_)):
        raise ParameterError(f"estimate={estimate!r}: give True, False or None (automatic).")
    if k is not None:
        if estimate:
            raise ParameterError("give either k (plain source sampling) or estimate=True, not both.")
        return None
    if estimate or (estimate is None and n > ESTIMATE_ABOVE):
        return float(epsilon), float(delta)
    return None


# long: a flat aggregator at complexity 1, one step per metric (OSMnx's basic_stats shape).
def centrality(
    G: nx.Graph | PartnerData,
    *,
    as_of: str | dt.date | None = None,
    status: Iterable[str] | None = ("active",),
    kinds: Iterable[str] | None = None,
    weighted: bool = False,
    k: int | None = None,
    seed: int = 0,
    resolution: float = 1.0,
    direction: str = "auto",
    estimate: bool | None = None,
    epsilon: float = DEFAULT_EPSILON,
    delta: float = DEFAULT_DELTA,
    progress: bool = True,
) -> pd.DataFrame:
    """Node metrics for every organisation: who brokers, who is central, who is at risk.

    Parameters
    ----------
    G
        The graph from :func:`partnermap.build_graph` (a MultiGraph); a plain
        :class:`networkx.Graph` or :class:`networkx.DiGraph` also works. Not modified.
        Loaded data (:func:`partnermap.load`) stands for ``build_graph(data, as_of=as_of,
        status=status, kinds=kinds)`` and is faster at scale: no networkx graph is built.
    as_of, status, kinds
        With loaded data, the ties to analyse, as :func:`partnermap.build_graph` keeps
        them (the same rule): the ties as they stood on ``as_of`` (``None``: each tie's
        recorded status), with these statuses (default active; ``None``: all) and kinds
        (``None``: all). Recorded in ``df.attrs`` (``graph_as_of``, ``graph_status``,
        ``graph_kinds``). A graph is already filtered: give them to ``build_graph``.
    weighted
        Use tie weights as strengths (path distance = 1/weight). ``False`` (default)
        counts every partner pair the same; ``strength`` is weighted either way.
    k
        Estimate betweenness and closeness from ``k`` randomly chosen source
        organisations instead of all of them (much faster on tens of thousands of
        organisations). ``None`` (default) is exact. The choice is recorded in
        ``df.attrs``.
    seed
        Seed for the sampled sources and for Louvain, so runs repeat exactly.
    resolution
        Louvain resolution: above 1 gives more, smaller communities.
    direction
        ``"auto"`` (default) follows direction when every tie of the analysed graph
        is directed (a DiGraph, or data whose ties are all funding, referral or
        otherwise ``directed``) and takes ties as mutual otherwise; ``"directed"``
        follows directed ties one way and takes the others as two-way;
        ``"undirected"`` takes every tie as mutual. Betweenness, closeness
        (outgoing), ``in_closeness``, PageRank, ``hub`` and ``authority`` follow
        direction; the other metrics use the undirected partner view. The choice
        and its reason are in ``df.attrs["direction"]`` and
        ``df.attrs["direction_reason"]``.
    estimate
        Estimate betweenness (with a stated error) and closeness from an adaptive
        sample of source organisations. ``None`` (default) estimates above
        :data:`ESTIMATE_ABOVE` organisations and is exact up to it; ``True`` /
        ``False`` force it. Ignored when ``k`` is given.
    epsilon, delta
        The estimate samples sources until every organisation's betweenness is within
        ``epsilon`` of the exact value with probability about ``1 - delta`` (a normal
        approximation, for all organisations at once). The achieved error, ``delta``
        and the number of sources are in ``df.attrs`` (``betweenness_epsilon``,
        ``betweenness_delta``, ``betweenness_sources``).
    progress
        Show tqdm progress bars.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``org_id`` in the graph's order, one row per organisation, with
        the columns of :data:`COLUMN_MEANINGS`. ``betweenness`` is normalised as in
        networkx (0-1); ``closeness`` is Wasserman-Faust closeness (networkx's
        ``wf_improved=True``: reciprocal mean distance to the organisations it can
        reach, times the share it can reach), so a disconnected network gives
        meaningful values and an isolate gets 0; ``eigenvector`` is computed per
        connected component (unit length inside a component, times
        sqrt(component share)); ``constraint`` and ``effective_size`` are empty (NaN)
        for isolates. ``df.attrs`` records the weighting, sampling, seed, engines and
        the graph's provenance.

    See Also
    --------
    network_summary : the whole-network view.
    COLUMN_MEANINGS : what each column means.

    Examples
    --------
    >>> import networkx as nx
    >>> from partnermap.centrality import centrality
    >>> G = nx.path_graph(["a", "b", "c"])
    >>> table = centrality(G, progress=False)
    >>> table["betweenness"].to_dict()
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    >>> table.index[table["is_cut_point"]].tolist()
    ['b']
    >>> table.attrs["betweenness"]
    'exact'
    """
    t0 = time.perf_counter()
    V = _sparse._views(G, direction, as_of=as_of, status=status, kinds=kinds)
    n = V.n
    k = _check_k(k, n)
    bound = _check_estimate(estimate, k, n, epsilon, delta)
    how = "exact" if k is None and bound is None else f"sampled, k={k}" if k else f"estimated, epsilon={epsilon}"
    steps = _sparse._Steps(10, "centrality", progress)
    try:
        with steps.step("degree", f"{n} organisations, {V.U.nnz // 2} partner pairs"):
            degree = np.diff(V.U.indptr)
            strength = np.asarray(V.U.sum(axis=1)).ravel()
            Db = _sparse._binary(V.D)
            out_degree = np.diff(Db.indptr)
            in_degree = np.asarray(Db.sum(axis=0)).ravel().astype(np.int64)
        with steps.step("betweenness and closeness", how):
            betweenness, closeness, in_closeness, meta = _path_metrics(
                V, weighted=weighted, k=k, seed=seed, progress=progress, estimate=bound
            )
        W = V.U if weighted else _sparse._binary(V.U)
        with steps.step("eigenvector"):
            eigenvector = _eigenvector(W)
        with steps.step("pagerank"):
            pagerank = _pagerank(V.A if weighted else _sparse._binary(V.A))
        with steps.step("hubs and authorities"):
            hub, authority = _hits(V.A if weighted else _sparse._binary(V.A))
        R = _sparse._rx_graph(V.U, False)
        with steps.step("core number"):
            cores = rx.graph_core_number(R)
            core_number = np.array([cores.get(i, 0) for i in range(n)], dtype=np.int64)
        with steps.step("communities"):
            community = _louvain(V, weighted=weighted, seed=seed, resolution=resolution)
        with steps.step("structural holes"):
            constraint, effective_size = _burt(W)
        with steps.step("cut points and bridges"):
            is_cut = np.zeros(n, dtype=bool)
            is_cut[list(rx.articulation_points(R))] = True
            bridge_count = np.zeros(n, dtype=np.int64)
            pairs = np.array(sorted(rx.bridges(R)), dtype=np.int64).reshape(-1, 2)
            np.add.at(bridge_count, pairs.ravel(), 1)
        with steps.step("cross-sector share"):
            cross = _cross_share(V.U, V.attrs["sector"])
    finally:
        steps.close()
    df = pd.DataFrame(
        {
            "name": V.attrs["name"],
            "sector": V.attrs["sector"],
            "org_type": V.attrs["org_type"],
            "degree": degree.astype(np.int64),
            "strength": strength,
            "in_degree": in_degree,
            "out_degree": out_degree.astype(np.int64),
            "betweenness": betweenness,
            "closeness": closeness,
            "in_closeness": in_closeness,
            "eigenvector": eigenvector,
            "pagerank": pagerank,
            "hub": hub,
            "authority": authority,
            "core_number": core_number,
            "community": community,
            "constraint": constraint,
            "effective_size": effective_size,
            "is_cut_point": is_cut,
            "bridge_ties": bridge_count,
            "cross_sector_share": cross,
        },
        index=pd.Index(V.nodes, name="org_id"),
        columns=_COLUMNS,
    )
    df.attrs.update(
        {
            "weighted": bool(weighted),
            "k": k,
            "seed": int(seed),
            "resolution": float(resolution),
            "direction": "directed" if V.directed else "undirected",
            "direction_requested": direction,
            "direction_reason": V.why,
            "paths": "directed (follows arrows)" if V.directed else "undirected partner view",
            **meta,
            "community": f"Louvain with refinement (networkit PLM), seed={seed}, resolution={resolution}, "
            "split into connected pieces",
            "eigenvector": "per connected component, unit length within it times sqrt(component share)",
            "pagerank": "alpha=0.85, converged to 1e-12",
            "hits": "networkx's hits: leading singular vectors of the adjacency matrix, each summing to 1",
            **{f"graph_{key}": _plain(val) for key, val in V.meta.items()},
            "elapsed_s": round(time.perf_counter() - t0, 3),
        }
    )
    log.info("centrality: %d organisations in %.2f s (%s)", n, df.attrs["elapsed_s"], meta["betweenness"])
    return df


def _plain(v: Any) -> Any:
    return v if v is None or isinstance(v, (str, int, float, bool, tuple)) else str(v)


def _codes(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Integer codes for category values (-1 where missing), and the categories sorted as text."""
    col = pd.Series(values, dtype=object)
    present = col.notna()
    known = sorted(pd.unique(col[present]).tolist(), key=str)
    pos = {v: i for i, v in enumerate(known)}
    code = col[present].map(pos).to_numpy(dtype=np.int64) if present.any() else np.zeros(0, dtype=np.int64)
    out = np.full(len(col), -1, dtype=np.int64)
    out[present.to_numpy()] = code
    return out, known


def _cross_share(U: sp.csr_array, sectors: list[Any]) -> np.ndarray:
    n = U.shape[0]
    code, _ = _codes(sectors)
    eu = np.repeat(np.arange(n), np.diff(U.indptr))
    ev = U.indices
    known = (code[eu] >= 0) & (code[ev] >= 0)
    cross = known & (code[eu] != code[ev])
    denom = np.bincount(eu, weights=known, minlength=n)
    numer = np.bincount(eu, weights=cross, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denom > 0, numer / np.where(denom > 0, denom, 1), np.nan)


def communities(
    G: nx.Graph | PartnerData,
    *,
    weighted: bool = False,
    seed: int = 0,
    resolution: float = 1.0,
    as_of: str | dt.date | None = None,
    status: Iterable[str] | None = ("active",),
    kinds: Iterable[str] | None = None,
) -> pd.Series:
    """Seeded Louvain communities: 0 is the largest, ties broken by smallest ``org_id``.

    Parameters
    ----------
    G
        The graph from :func:`partnermap.build_graph` (or any networkx graph), or
        loaded data for ``build_graph(data, ...)`` with the filters below, without
        building it (faster at scale).
    weighted
        Use tie weights (strengths) in the modularity.
    seed
        Louvain seed: same graph and seed give the same labels.
    resolution
        Above 1 gives more, smaller communities.
    as_of, status, kinds
        With loaded data, the ties to analyse, as :func:`partnermap.build_graph` keeps
        them (the same rule): the ties as they stood on ``as_of`` (``None``: each tie's
        recorded status), with these statuses (default active; ``None``: all) and kinds
        (``None``: all). A graph is already filtered: give them to ``build_graph``.

    Returns
    -------
    pandas.Series
        Integer label per ``org_id``, named ``community``.

    Examples
    --------
    >>> import networkx as nx
    >>> from partnermap.centrality import communities
    >>> communities(nx.barbell_graph(4, 0)).tolist()
    [0, 0, 0, 0, 1, 1, 1, 1]
    """
    V = _sparse._views(G, what="communities", as_of=as_of, status=status, kinds=kinds)
    labels = _louvain(V, weighted=weighted, seed=seed, resolution=resolution)
    return pd.Series(labels, index=pd.Index(V.nodes, name="org_id"), name="community")


def bridges(
    G: nx.Graph | PartnerData,
    *,
    as_of: str | dt.date | None = None,
    status: Iterable[str] | None = ("active",),
    kinds: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The partnerships (partner pairs) whose loss would split the network.

    Parameters
    ----------
    G
        The graph from :func:`partnermap.build_graph` (or any networkx graph, or loaded
        data for ``build_graph(data, ...)`` with the filters below); ties are taken as
        mutual and parallel ties of a pair count as one partnership.
    as_of, status, kinds
        With loaded data, the ties to analyse, as :func:`partnermap.build_graph` keeps
        them (the same rule): the ties as they stood on ``as_of`` (``None``: each tie's
        recorded status), with these statuses (default active; ``None``: all) and kinds
        (``None``: all). A graph is already filtered: give them to ``build_graph``.

    Returns
    -------
    pandas.DataFrame
        One row per bridge with ``source``, ``target`` (the smaller ``org_id`` first),
        their names, and ``cut_off``: how many organisations the smaller side holds.
        Sorted by ``cut_off`` descending, then ``source``, ``target``.

    Examples
    --------
    >>> import networkx as nx
    >>> from partnermap.centrality import bridges
    >>> bridges(nx.path_graph(["a", "b", "c"]))[["source", "target", "cut_off"]]
      source target  cut_off
    0      a      b        1
    1      b      c        1
    """
    V = _sparse._views(G, what="bridges", as_of=as_of, status=status, kinds=kinds)
    cols = ["source", "target", "source_name", "target_name", "cut_off"]
    R = _sparse._rx_graph(V.U, False)
    found = np.array(sorted(rx.bridges(R)), dtype=np.int64).reshape(-1, 2)
    if not len(found):
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "cut_off" else object) for c in cols})
    rank = _node_rank(V.nodes)
    swap = rank[found[:, 0]] > rank[found[:, 1]]
    found[swap] = found[swap][:, ::-1]
    # Two-edge-connected pieces (bridges removed) form a forest joined by the bridges;
    # the side a bridge cuts off is the subtree below it.
    coo = V.U.tocoo()
    n = V.n
    cut_keys = np.concatenate([found[:, 0] * n + found[:, 1], found[:, 1] * n + found[:, 0]])
    kept = ~np.isin(coo.row.astype(np.int64) * n + coo.col, cut_keys)
    Ub = sp.coo_array((np.ones(int(kept.sum())), (coo.row[kept], coo.col[kept])), shape=(n, n)).tocsr()
    _, piece = csgraph.connected_components(Ub, directed=False)
    _, comp = csgraph.connected_components(V.U, directed=False)
    piece_size = np.bincount(piece)
    comp_size = np.bincount(comp)
    T = nx.Graph()
    T.add_edges_from(zip(piece[found[:, 0]].tolist(), piece[found[:, 1]].tolist(), strict=True))
    below: dict[int, int] = {}
    parent_of: dict[int, int] = {}
    for tree in nx.connected_components(T):
        root = min(tree)
        parent = nx.dfs_predecessors(T, root)
        parent_of.update(parent)
        for p in tree:
            below[p] = int(piece_size[p])
        for p in reversed(list(nx.dfs_preorder_nodes(T, root))):
            if p in parent:
                below[parent[p]] += below[p]
    cut = []
    for u, v in found:
        pu, pv = int(piece[u]), int(piece[v])
        side = below[pv] if parent_of.get(pv) == pu else below[pu]
        cut.append(min(side, int(comp_size[comp[u]]) - side))
    out = pd.DataFrame(
        {
            "source": [V.nodes[u] for u in found[:, 0]],
            "target": [V.nodes[v] for v in found[:, 1]],
            "source_name": [V.attrs["name"][u] for u in found[:, 0]],
            "target_name": [V.attrs["name"][v] for v in found[:, 1]],
            "cut_off": np.array(cut, dtype=np.int64),
            "_ru": rank[found[:, 0]],
            "_rv": rank[found[:, 1]],
        }
    )
    out = out.sort_values(["cut_off", "_ru", "_rv"], ascending=[False, True, True], kind="stable")
    return out[cols].reset_index(drop=True)


# ------------------------------------------------------------------ summary


def _mixing(U: sp.csr_array, values: list[Any]) -> tuple[pd.DataFrame, pd.DataFrame, float, float]:
    """Partner pairs between categories, their expectation, E-I index and assortativity.

    Pairs with a missing category on either side are left out. The expectation keeps
    every organisation's number of partners and pairs them at random (configuration
    model): ``E_ab = m * 2 p_a p_b`` off the diagonal and ``m * p_a^2`` on it, where
    ``p_a`` is category ``a``'s share of partner ends.
    """
    return _mixing_tables(*_mixing_counts(U, values))


def _mixing_counts(U: sp.csr_array, values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Partner pairs between categories (symmetric, whole numbers) and the categories, sorted as text."""
    code, cats = _codes(values)
    coo = sp.triu(U, k=1).tocoo()
    cu, cv = code[coo.row], code[coo.col]
    keep = (cu >= 0) & (cv >= 0)
    cu, cv = cu[keep], cv[keep]
    c = len(cats)
    counts = (np.bincount(cu * c + cv, minlength=c * c) + np.bincount(cv * c + cu, minlength=c * c)).reshape(c, c)
    counts = counts.astype(float)
    counts[np.diag_indices(c)] /= 2  # a within-category pair was added twice
    return counts, cats


def _mixing_tables(counts: np.ndarray, cats: list[Any]) -> tuple[pd.DataFrame, pd.DataFrame, float, float]:
    """The mixing tables of :func:`_mixing` from the pair counts of :func:`_mixing_counts`."""
    counts = np.asarray(counts, dtype=float)
    c = len(cats)
    m = int(np.triu(counts).sum())
    ends = counts.sum(axis=1) + np.diag(counts)  # a within-category pair has both ends in it
    if m:
        p = ends / (2 * m)
        expected = m * 2 * np.outer(p, p)
        expected[np.diag_indices(c)] /= 2
        internal = float(np.trace(counts))
        ei = (m - 2 * internal) / m
        e = counts.copy()
        e[np.diag_indices(c)] *= 2
        e /= 2 * m  # symmetric joint distribution of pair ends
        a = e.sum(axis=1)
        denom = 1 - (a * a).sum()
        assort = float((np.trace(e) - (a * a).sum()) / denom) if denom > 0 else float("nan")
    else:
        expected = np.zeros((c, c))
        ei = assort = float("nan")
    idx = pd.Index(cats, name="from")
    cols = pd.Index(cats, name="to")
    counts_df = pd.DataFrame(counts.astype(np.int64), index=idx, columns=cols)
    expected_df = pd.DataFrame(expected, index=idx, columns=cols)
    return counts_df, expected_df, float(ei), assort


@dataclass
class _SummaryParts:
    """What :func:`network_summary` is worked out from (what-if updates it where ties change)."""

    ties: int  # ties in the graph, self-ties included
    Ub: sp.csr_array  # binary partner view
    comp: np.ndarray  # connected component of each node, 0, 1, ...
    tri: np.ndarray  # triangles at each node
    community: np.ndarray  # community of each node
    M: sp.csr_array  # the view modularity is measured on (the partner view, binary unless weighted)
    resolution: float
    Db: sp.csr_array  # binary directed ties
    sector: tuple[np.ndarray, list[Any]]  # pair counts between sectors (_mixing_counts), the sectors
    org_type: tuple[np.ndarray, list[Any]]


def _summary_parts(V: _sparse._Views, *, metrics: pd.DataFrame | None = None, weighted: bool = False,
                   seed: int = 0, resolution: float = 1.0) -> _SummaryParts:
    """The parts of :func:`network_summary` of the compact graph ``V``."""
    n = V.n
    Ub = _sparse._binary(V.U)
    comp = csgraph.connected_components(Ub, directed=False)[1] if n else np.zeros(0, dtype=np.int64)
    if metrics is not None and "community" in metrics:
        labels_c = metrics["community"].reindex(V.nodes).to_numpy(dtype=np.int64)
    else:
        labels_c = _louvain(V, weighted=weighted, seed=seed, resolution=resolution)
    return _SummaryParts(ties=V.ties, Ub=Ub, comp=comp, tri=_triangles(Ub, np.diff(Ub.indptr))[0],
                         community=labels_c, M=V.U if weighted else Ub, resolution=resolution,
                         Db=_sparse._binary(V.D), sector=_mixing_counts(V.U, V.attrs["sector"]),
                         org_type=_mixing_counts(V.U, V.attrs["org_type"]))


def network_summary(
    G: nx.Graph | PartnerData,
    *,
    metrics: pd.DataFrame | None = None,
    weighted: bool = False,
    seed: int = 0,
    resolution: float = 1.0,
    as_of: str | dt.date | None = None,
    status: Iterable[str] | None = ("active",),
    kinds: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Whole-network figures: size, cohesion, centralisation, communities, sector mixing.

    Parameters
    ----------
    G
        The graph from :func:`partnermap.build_graph` (or any networkx graph), or
        loaded data for ``build_graph(data, ...)`` with the filters below, without
        building it (faster at scale).
    metrics
        A table from :func:`centrality` on the same graph: its ``community`` column is
        reused instead of running Louvain again.
    weighted
        Weighted modularity and Louvain (as in :func:`centrality`).
    seed, resolution
        Louvain settings when ``metrics`` is not given.
    as_of, status, kinds
        With loaded data, the ties to analyse, as :func:`partnermap.build_graph` keeps
        them (the same rule): the ties as they stood on ``as_of`` (``None``: each tie's
        recorded status), with these statuses (default active; ``None``: all) and kinds
        (``None``: all). A graph is already filtered: give them to ``build_graph``.

    Returns
    -------
    dict
        The scalar entries of :data:`SUMMARY_MEANINGS`, plus ``component_sizes``
        (largest first), ``sector_mixing`` / ``org_type_mixing`` (partner pairs
        between categories, a symmetric DataFrame), ``sector_mixing_expected`` /
        ``org_type_mixing_expected`` (the same under random partnering that keeps
        each organisation's number of partners) and ``sector_pairs_without_ties``
        (category pairs with no tie although chance would give some).

    See Also
    --------
    centrality : the per-organisation view.
    format_summary : the summary as printable text.

    Examples
    --------
    >>> import networkx as nx
    >>> from partnermap.centrality import network_summary
    >>> G = nx.Graph([("a", "b"), ("c", "d")])
    >>> nx.set_node_attributes(G, {"a": "public", "b": "for_profit", "c": "public", "d": "public"}, "sector")
    >>> s = network_summary(G)
    >>> s["components"], s["sector_ei_index"]
    (2, 0.0)
    """
    V = _sparse._views(G, what="network_summary", as_of=as_of, status=status, kinds=kinds)
    summary = _summarise(_summary_parts(V, metrics=metrics, weighted=weighted, seed=seed, resolution=resolution))
    log.info(
        "network summary: %d organisations, %d partner pairs, %d components, %d communities",
        summary["organisations"], summary["partner_pairs"], summary["components"], summary["communities"],
    )
    return summary


def _summarise(P: _SummaryParts) -> dict[str, Any]:
    """The dict :func:`network_summary` returns, from its parts."""
    Ub, Db = P.Ub, P.Db
    n = Ub.shape[0]
    deg = np.diff(Ub.indptr)
    pairs = Ub.nnz // 2
    ncomp = int(P.comp.max()) + 1 if n else 0
    sizes = sorted(np.bincount(P.comp).tolist(), reverse=True) if n else []
    local, triads = _clustering(P.tri, deg)
    dmax = int(deg.max()) if n else 0
    labels_c = P.community
    recip = float((Db.multiply(Db.T)).sum() / Db.nnz) if Db.nnz else float("nan")
    s_counts, s_exp, s_ei, s_assort = _mixing_tables(*P.sector)
    t_counts, t_exp, t_ei, t_assort = _mixing_tables(*P.org_type)
    return {
        "organisations": n,
        "ties": P.ties,
        "partner_pairs": pairs,
        "directed_ties": int(Db.nnz),
        "isolates": int((deg == 0).sum()),
        "density": 2 * pairs / (n * (n - 1)) if n > 1 else 0.0,
        "components": ncomp,
        "largest_component_share": sizes[0] / n if n else float("nan"),
        "average_clustering": float(local.mean()) if n else float("nan"),
        "transitivity": float(2 * P.tri.sum() / triads) if triads else 0.0,
        "degree_centralization": float((dmax - deg).sum() / ((n - 1) * (n - 2))) if n > 2 else float("nan"),
        "reciprocity": recip,
        "communities": int(labels_c.max() + 1) if n else 0,
        "modularity": _modularity(P.M, labels_c, P.resolution),
        "sector_ei_index": s_ei,
        "sector_assortativity": s_assort,
        "org_type_ei_index": t_ei,
        "org_type_assortativity": t_assort,
        "component_sizes": sizes,
        "sector_mixing": s_counts,
        "sector_mixing_expected": s_exp,
        "org_type_mixing": t_counts,
        "org_type_mixing_expected": t_exp,
        "sector_pairs_without_ties": _pairs_without_ties(s_counts, s_exp),
    }


def _triangles(Ub: sp.csr_array, deg: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Triangles at each node, local clustering, and the number of connected triples (times two)."""
    tri = np.asarray((Ub @ Ub).multiply(Ub).sum(axis=1)).ravel() / 2
    return (tri, *_clustering(tri, deg))


def _clustering(tri: np.ndarray, deg: np.ndarray) -> tuple[np.ndarray, float]:
    """Local clustering from the triangles at each node, and the number of connected triples (times two)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        local = np.where(deg > 1, 2 * tri / (deg * (deg - 1.0)), 0.0)
    return local, float((deg * (deg - 1.0)).sum())


def _pairs_without_ties(counts: pd.DataFrame, expected: pd.DataFrame) -> list[tuple[Any, Any]]:
    """Pairs of sectors with no tie between them although chance would expect some."""
    return [(a, b) for i, a in enumerate(counts.index) for j, b in enumerate(counts.columns)
            if j > i and counts.iat[i, j] == 0 and expected.iat[i, j] > 0]


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "-" if math.isnan(v) else f"{v:.3f}"
    return str(v)


def format_summary(summary: Mapping[str, Any], *, meanings: bool = False) -> str:
    """The summary from :func:`network_summary` as plain text for a terminal or e-mail.

    Parameters
    ----------
    summary
        What :func:`network_summary` returned.
    meanings
        Add the plain-language meaning under each figure.

    Returns
    -------
    str
        Figures, the component sizes, the sector mixing (observed and expected) and
        the sector pairs with no ties.

    Examples
    --------
    >>> import networkx as nx
    >>> from partnermap.centrality import format_summary, network_summary
    >>> text = format_summary(network_summary(nx.path_graph(3)))
    >>> text.splitlines()[0]
    'organisations: 3'
    """
    lines = []
    for key in SUMMARY_MEANINGS:
        if key in summary:
            lines.append(f"{key}: {_fmt(summary[key])}")
            if meanings:
                lines.append(f"    {SUMMARY_MEANINGS[key]}")
    sizes = list(summary.get("component_sizes", []))
    if sizes:
        shown = ", ".join(map(str, sizes[:10])) + (", ..." if len(sizes) > 10 else "")
        lines.append(f"component sizes: {shown}")
    if "sector_mixing" in summary and len(summary["sector_mixing"]):
        lines.append("")
        lines.append("partner pairs between sectors (observed):")
        lines.append(summary["sector_mixing"].to_string())
        lines.append("expected if partners were chosen at random (same number of partners each):")
        lines.append(summary["sector_mixing_expected"].round(1).to_string())
    gaps = summary.get("sector_pairs_without_ties") or []
    if gaps:
        lines.append("sector pairs with no ties: " + "; ".join(f"{a} - {b}" for a, b in gaps))
    return "\n".join(lines)
