"""The compiled Brandes kernels give what the numpy kernel gives, the same on any number of threads."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
import scipy.sparse as sp

_kernels = importlib.import_module("partnermap._kernels")
_sparse = importlib.import_module("partnermap._sparse")


def random_lengths(n: int, m: int, *, directed: bool, weighted: bool, seed: int) -> sp.csr_array:
    """A random graph in pieces (two halves, a few isolated nodes), as the lengths the metrics use."""
    rng = np.random.default_rng(seed)
    half = n // 2
    u = np.concatenate([rng.integers(0, half, m // 2), rng.integers(half, n - 3, m - m // 2)])
    v = np.concatenate([rng.integers(0, half, m // 2), rng.integers(half, n - 3, m - m // 2)])
    w = rng.integers(1, 4, m).astype(float) if weighted else np.ones(m)  # small integers: many equal paths
    if not directed:
        u, v, w = np.concatenate([u, v]), np.concatenate([v, u]), np.concatenate([w, w])
    A = _sparse._from_arcs(u, v, w, n)
    L, _ = _sparse._lengths(A, weighted)
    return L


def numpy_sums(L: sp.csr_array, LT: sp.csr_array | None, src: np.ndarray, denom: float) -> np.ndarray:
    """What ``_kernels.source_sums`` adds up, from the numpy kernel's dense arrays."""
    x, dist = _sparse._dependencies(L, src, scaled=True)
    reached, dist = _sparse._reached(dist, src)
    rows = [reached.sum(axis=0), dist.sum(axis=0)]
    if LT is not None:
        x_rev, dist = _sparse._dependencies(LT, src, scaled=True)
        x = x + x_rev
        reached, dist = _sparse._reached(dist, src)
        rows += [reached.sum(axis=0), dist.sum(axis=0)]
    else:
        x = 2.0 * x
        rows += [np.zeros(L.shape[0]), np.zeros(L.shape[0])]
    x /= denom
    return np.array([x.sum(axis=0), (x * x).sum(axis=0), *rows])


CASES = [(directed, weighted, seed) for directed in (False, True) for weighted in (False, True) for seed in (0, 1)]


@pytest.mark.parametrize(("directed", "weighted", "seed"), CASES)
def test_source_sums_equal_the_numpy_kernel(directed: bool, weighted: bool, seed: int) -> None:
    n = 160
    L = random_lengths(n, 300, directed=directed, weighted=weighted, seed=seed)
    LT = L.T.tocsr() if directed else None
    src = np.random.default_rng(seed).permutation(n)[:45]  # includes isolated nodes and both pieces
    got = _kernels.source_sums(L, LT, src, n - 2)
    want = numpy_sums(L, LT, src, n - 2)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13)
    assert got[2].max() < len(src)  # the graph is in pieces: no node is reached from every source


@pytest.mark.parametrize(("directed", "weighted", "seed"), CASES)
def test_summed_brandes_equals_the_numpy_kernel(directed: bool, weighted: bool, seed: int) -> None:
    n = 120
    L = random_lengths(n, 250, directed=directed, weighted=weighted, seed=seed)
    src = np.arange(n, dtype=np.int64)
    delta, dist = _sparse._dependencies(L, src)
    reached, dist = _sparse._reached(dist, src)
    P = _sparse._brandes(L, src, progress=False, desc="")
    for got, want in [(P.bc, delta.sum(axis=0)), (P.reach, reached.sum(axis=0)), (P.dsum, dist.sum(axis=0)),
                      (P.out_reach, reached.sum(axis=1)), (P.out_dsum, dist.sum(axis=1))]:
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_a_constant_length_other_than_one_gives_the_sums_of_that_length() -> None:
    L = random_lengths(100, 220, directed=False, weighted=False, seed=4)
    L.data[:] = 0.1  # every tie equally strong: breadth first, distances added up as Dijkstra adds them
    src = np.arange(0, 100, 3)
    np.testing.assert_allclose(_kernels.source_sums(L, None, src, 98), numpy_sums(L, None, src, 98),
                               rtol=1e-12, atol=1e-13)


def test_results_do_not_depend_on_the_number_of_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    L = random_lengths(200, 600, directed=True, weighted=True, seed=5)
    LT = L.T.tocsr()
    src = np.random.default_rng(5).permutation(200)[:70]
    runs = []
    for threads in (1, 2, 3, 1):
        monkeypatch.setattr(_kernels, "_threads", lambda t=threads: t)
        runs.append((_kernels.source_sums(L, LT, src, 198), *_kernels.brandes(L, src)))
    for run in runs[1:]:
        for got, want in zip(run, runs[0], strict=True):
            assert np.array_equal(got, want)  # bit for bit


def test_an_empty_graph_and_no_sources() -> None:
    L = sp.csr_array((5, 5), dtype=float)
    out = _kernels.source_sums(L, None, np.arange(5), 3)
    assert out.shape == (6, 5) and not out.any()
    (bc, reach, dsum), per = _kernels.brandes(L, np.zeros(0, dtype=np.int64))
    assert not (bc.any() or reach.any() or dsum.any()) and per.shape == (2, 0)
