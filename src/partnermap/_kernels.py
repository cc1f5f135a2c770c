"""Compiled per-source Brandes kernels (numba) on CSR arrays.

Private to :mod:`partnermap._sparse`. One shortest-path search per source (breadth
first when every tie has the same length, Dijkstra otherwise), path counts, and the
dependencies accumulated back along the shortest-path DAG, whose edges are those with
``d[u] + l(u, v) == d[v]`` in floating point (networkx's test, and that of
:func:`partnermap._sparse._dependencies`). Only arrays of length ``n`` per search: no
``(sources x n)`` matrix.

Sources are split into chunks of :data:`CHUNK` in the order given; the chunks run in
parallel threads (the compiled code releases the GIL), each sums its own sources in
order, and the chunk sums are added in chunk order afterwards. The results therefore do
not depend on the number of threads or on how they are scheduled: the same on every
machine, bit for bit.

Compiled on first use and cached on disk (``cache=True``); where the cache cannot be
written (a read-only installation) the kernels are compiled in each process instead.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numba
import numpy as np
from numba.core.errors import NumbaWarning

#: Sources per chunk: the unit of parallel work, fixed so that results do not depend on threads.
CHUNK = 4


def _jit(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit(cache=True, nogil=True, **options)``, without the disk cache where it cannot be written."""

    def wrap(fn: Callable[..., Any]) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NumbaWarning)  # a cache directory numba cannot use: it says so
            try:
                return numba.njit(cache=True, nogil=True, **options)(fn)
            except RuntimeError:  # no cache locator can write: compile in each process
                return numba.njit(cache=False, nogil=True, **options)(fn)

    return wrap


@_jit()
def _heap_push(hk: np.ndarray, hv: np.ndarray, size: int, key: float, val: int) -> int:
    i = size
    hk[i] = key
    hv[i] = val
    while i > 0:
        p = (i - 1) // 2
        if hk[p] < hk[i] or (hk[p] == hk[i] and hv[p] <= hv[i]):
            break
        hk[p], hk[i] = hk[i], hk[p]
        hv[p], hv[i] = hv[i], hv[p]
        i = p
    return size + 1


@_jit()
def _heap_pop(hk: np.ndarray, hv: np.ndarray, size: int) -> int:
    size -= 1
    hk[0] = hk[size]
    hv[0] = hv[size]
    i = 0
    while True:
        a = 2 * i + 1
        if a >= size:
            break
        b = a + 1
        if b < size and (hk[b] < hk[a] or (hk[b] == hk[a] and hv[b] < hv[a])):
            a = b
        if hk[i] < hk[a] or (hk[i] == hk[a] and hv[i] <= hv[a]):
            break
        hk[a], hk[i] = hk[i], hk[a]
        hv[a], hv[i] = hv[i], hv[a]
        i = a
    return size


@_jit()
def _bfs(indptr: np.ndarray, indices: np.ndarray, step: float, s: int,
         dist: np.ndarray, order: np.ndarray, sigma: np.ndarray) -> int:
    """Breadth first from ``s`` (every tie of length ``step``): distances, path counts, order; nodes reached.

    A distance is its predecessor's plus ``step``, added up as Dijkstra adds lengths.
    """
    dist[s] = 0.0
    sigma[s] = 1.0
    order[0] = s
    count = 1
    head = 0
    while head < count:
        u = order[head]
        head += 1
        dv = dist[u] + step
        su = sigma[u]
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if dist[v] == np.inf:
                dist[v] = dv
                order[count] = v
                count += 1
                sigma[v] = su
            elif dist[v] == dv:
                sigma[v] += su
    return count


@_jit()
def _dijkstra(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, s: int,
              dist: np.ndarray, order: np.ndarray, sigma: np.ndarray, hk: np.ndarray, hv: np.ndarray) -> int:
    """Dijkstra from ``s``: distances, settled nodes in order, then path counts along the DAG; nodes reached."""
    dist[s] = 0.0
    count = 0
    size = _heap_push(hk, hv, 0, 0.0, s)
    while size > 0:
        du = hk[0]
        u = hv[0]
        size = _heap_pop(hk, hv, size)
        if du > dist[u]:  # a stale entry: each push lowers the distance, so only the last one is current
            continue
        order[count] = u
        count += 1
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            alt = du + data[e]
            if alt < dist[v]:
                dist[v] = alt
                size = _heap_push(hk, hv, size, alt, v)
    sigma[s] = 1.0
    for i in range(count):  # settled in order of distance: every DAG predecessor comes first
        u = order[i]
        du = dist[u]
        su = sigma[u]
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if du + data[e] == dist[v]:
                sigma[v] += su
    return count


@_jit()
def _accumulate(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, bfs: bool, s: int, scaled: bool,
                dist: np.ndarray, order: np.ndarray, count: int, sigma: np.ndarray, delta: np.ndarray) -> None:
    """Dependencies (``delta``, 0 beforehand) of the nodes reached from ``s``, back along the DAG."""
    step = data[0] if bfs else 0.0
    for i in range(count - 1, -1, -1):
        u = order[i]
        du = dist[u]
        su = sigma[u]
        acc = 0.0
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if du + (step if bfs else data[e]) == dist[v]:
                share = su / sigma[v]
                if scaled:
                    share *= du / dist[v]
                acc += share * (1.0 + delta[v])
        delta[u] = acc
    delta[s] = 0.0


@_jit()
def _search(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, s: int, bfs: bool, scaled: bool,
            dist: np.ndarray, order: np.ndarray, sigma: np.ndarray, delta: np.ndarray,
            hk: np.ndarray, hv: np.ndarray) -> int:
    """One source's search and dependencies into the scratch arrays; the number of nodes reached (``s`` too)."""
    if len(data) == 0:
        dist[s] = 0.0
        sigma[s] = 1.0
        order[0] = s
        return 1
    if bfs:
        count = _bfs(indptr, indices, data[0], s, dist, order, sigma)
    else:
        count = _dijkstra(indptr, indices, data, s, dist, order, sigma, hk, hv)
    _accumulate(indptr, indices, data, bfs, s, scaled, dist, order, count, sigma, delta)
    return count


@_jit()
def _clear(order: np.ndarray, count: int, dist: np.ndarray, sigma: np.ndarray, delta: np.ndarray) -> None:
    """Reset the scratch arrays where the last search wrote."""
    for i in range(count):
        v = order[i]
        dist[v] = np.inf
        sigma[v] = 0.0
        delta[v] = 0.0


# long: one compiled loop over a chunk of sources (two searches each when directed); split, it would pass scratch
@_jit()
def _source_sums(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray,
                 rindptr: np.ndarray, rindices: np.ndarray, rdata: np.ndarray,
                 directed: bool, bfs: bool, sources: np.ndarray, denom: float) -> np.ndarray:
    """Per-node sums over ``sources`` of the scaled dependencies and their squares, reach and distances.

    Returns a ``(6, n)`` array: the sum and sum of squares of each source's linear-scaling
    dependency (the forward search's plus the reverse search's on ``r*`` when
    ``directed``, twice the forward one otherwise) divided by ``denom``; how many sources
    reach each node and the sum of their distances to it; and (directed only) how many
    sources each node reaches and the sum of those distances.
    """
    n = len(indptr) - 1
    p = np.zeros((6, n))
    hsize = 1 if bfs else max(len(indices), len(rindices)) + 1
    dist = np.full(n, np.inf)
    sigma = np.zeros(n)
    delta = np.zeros(n)
    order = np.empty(n, dtype=np.int64)
    x = np.zeros(n)
    stamp = np.full(n, -1, dtype=np.int64)
    touched = np.empty(n, dtype=np.int64)
    hk = np.empty(hsize)
    hv = np.empty(hsize, dtype=np.int64)
    for j in range(len(sources)):
        s = sources[j]
        count = _search(indptr, indices, data, s, bfs, True, dist, order, sigma, delta, hk, hv)
        nt = 0
        for i in range(count):
            v = order[i]
            x[v] = delta[v]
            stamp[v] = j
            touched[nt] = v
            nt += 1
            if v != s:
                p[2, v] += 1.0
                p[3, v] += dist[v]
        _clear(order, count, dist, sigma, delta)
        if directed:
            count = _search(rindptr, rindices, rdata, s, bfs, True, dist, order, sigma, delta, hk, hv)
            for i in range(count):
                v = order[i]
                if stamp[v] != j:
                    stamp[v] = j
                    touched[nt] = v
                    nt += 1
                x[v] += delta[v]
                if v != s:
                    p[4, v] += 1.0
                    p[5, v] += dist[v]
            _clear(order, count, dist, sigma, delta)
        else:
            for i in range(nt):
                x[touched[i]] *= 2.0
        for i in range(nt):
            v = touched[i]
            y = x[v] / denom
            p[0, v] += y
            p[1, v] += y * y
            x[v] = 0.0
    return p


@_jit()
def _brandes(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, bfs: bool,
             sources: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Summed (unscaled) dependencies, reach and distance sums in, and per source out.

    Returns a ``(3, n)`` array (dependencies, how many sources reach each node, the sum of
    their distances to it) and a ``(2, len(sources))`` one (how many nodes each source
    reaches, the sum of those distances); the source itself is left out everywhere.
    """
    n = len(indptr) - 1
    k = len(sources)
    p = np.zeros((3, n))
    per = np.zeros((2, k))
    hsize = 1 if bfs else len(indices) + 1
    dist = np.full(n, np.inf)
    sigma = np.zeros(n)
    delta = np.zeros(n)
    order = np.empty(n, dtype=np.int64)
    hk = np.empty(hsize)
    hv = np.empty(hsize, dtype=np.int64)
    for j in range(k):
        s = sources[j]
        count = _search(indptr, indices, data, s, bfs, False, dist, order, sigma, delta, hk, hv)
        reached = 0.0
        total = 0.0
        for i in range(count):
            v = order[i]
            p[0, v] += delta[v]
            if v != s:
                p[1, v] += 1.0
                p[2, v] += dist[v]
                reached += 1.0
                total += dist[v]
        per[0, j] = reached
        per[1, j] = total
        _clear(order, count, dist, sigma, delta)
    return p, per


def _arrays(L: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The CSR arrays, 32-bit indices where they fit (half the memory traffic, and one compiled signature)."""
    index = np.int32 if max(L.nnz, L.shape[0]) < 2**31 - 1 else np.int64
    return (np.ascontiguousarray(L.indptr, dtype=index), np.ascontiguousarray(L.indices, dtype=index),
            np.ascontiguousarray(L.data, dtype=np.float64))


def _uniform(L: Any) -> bool:
    """Whether every tie has the same length (a breadth-first search finds the same paths)."""
    return L.nnz == 0 or bool(np.all(L.data == L.data[0]))


def _threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _chunked(run: Callable[[np.ndarray], Any], sources: np.ndarray) -> list[Any]:
    """``run`` on each chunk of :data:`CHUNK` sources, in parallel threads (the kernels release the GIL), in order."""
    src = np.ascontiguousarray(sources, dtype=np.int64)
    chunks = [src[i : i + CHUNK] for i in range(0, len(src), CHUNK)]
    workers = min(_threads(), len(chunks))
    if workers <= 1:
        return [run(c) for c in chunks]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, chunks))


def source_sums(L: Any, LT: Any | None, sources: np.ndarray, denom: float) -> np.ndarray:
    """What a batch of sources adds to the estimate, from the lengths ``L`` (CSR) and, if directed, ``LT``.

    The ``(6, n)`` array of :func:`_source_sums`, summed chunk by chunk in order.
    """
    fwd = _arrays(L)
    rev = _arrays(LT) if LT is not None else fwd
    bfs = _uniform(L)
    parts = _chunked(lambda c: _source_sums(*fwd, *rev, LT is not None, bfs, c, float(denom)), sources)
    out = np.zeros((6, L.shape[0]))
    for p in parts:  # in chunk order: the same sums whatever the threads did
        out += p
    return out


def brandes(L: Any, sources: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Brandes from ``sources`` over the lengths ``L`` (CSR), summed: :func:`_brandes`'s two arrays."""
    arrays = _arrays(L)
    bfs = _uniform(L)
    parts = _chunked(lambda c: _brandes(*arrays, bfs, c), sources)
    out = np.zeros((3, L.shape[0]))
    for p, _ in parts:
        out += p
    per = np.concatenate([q for _, q in parts], axis=1) if parts else np.zeros((2, 0))
    return out, per
