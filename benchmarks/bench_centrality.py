"""Benchmark: partnermap.centrality against plain networkx on seeded organisation networks.

Generates partnership networks of 1k, 5k and 20k organisations (average degree about
8: three quarters of ties inside a district of about 40 organisations, the rest to
organisations chosen in proportion to a heavy-tailed "reach"; a tenth of the ties are
directed funding or referral ties), builds them with :func:`partnermap.build_graph`
and times, each in a fresh process so peak memory is the run's own:

* ``partnermap`` - the whole exact table, :func:`partnermap.centrality.centrality` with
  ``estimate=False``;
* ``partnermap k=K`` - the same with betweenness and closeness from K seeded sources,
  and its agreement with the exact table (Spearman rank correlation, top-100 overlap);
* ``partnermap eps=E`` - the estimate with a stated error (``estimate=True,
  epsilon=E``, the automatic choice above 10,000 organisations): the sources it needed,
  its stated error and the actual largest error against the exact table;
* ``rustworkx own`` - rustworkx's exact betweenness plus closeness alone, the compiled
  core's own time for the heavy metrics;
* ``networkx`` - the same columns with plain networkx. Betweenness and closeness (and
  networkx's effective size above 5k, whose whole-graph form needs an n x n dense
  matrix) are timed on a seeded sample of sources/nodes and scaled to all of them
  when the full run would take more than about a minute; the table marks those
  times ``est.``.

Each partnermap and rustworkx timing is the fastest of ``--repeat`` runs (default 2):
the project machine is a shared 2-core VM whose timings vary by up to a third.

Run from the repository root::

    .venv/bin/python benchmarks/bench_centrality.py            # 1k, 5k, 20k
    .venv/bin/python benchmarks/bench_centrality.py --sizes 1000 5000 --k 500

Measured on the project's 2-core machine (networkx 3.6.1, rustworkx 0.18.1, scipy 1.17.1)::

     organisations  ties                     run  time_s  networkx_s vs_networkx vs_rustworkx_own peak_mb load1 spearman_btw top100_btw spearman_clo top100_clo
              1000  4000        partnermap exact    0.16         2.4         15x             1.60     141   1.6
              1000  4000 rustworkx own (btw+clo)    0.10                                     1.00     116   1.6
              1000  4000                networkx    2.41                      1x                      139   1.6
              5000 20000        partnermap exact    3.00   est. 65.1         22x             1.14     183   1.6
              5000 20000 rustworkx own (btw+clo)    2.64                                     1.00     139   1.7
              5000 20000                networkx   65.13                      1x                      545   1.6
             20000 80000        partnermap exact   55.16 est. 1568.0         28x             1.01     341   1.9
             20000 80000 rustworkx own (btw+clo)   54.82                                     1.00     235   2.0
             20000 80000                networkx 1568.03                      1x                      327   1.8
             20000 80000       partnermap k=1000    8.79 est. 1568.0        178x             0.16     482   1.7       0.9121       0.78       0.9950       0.91
             20000 80000       partnermap k=2000   15.18 est. 1568.0        103x             0.28     478   1.5       0.9456       0.81       0.9974       0.92

(networkx times marked ``est.`` are scaled from 50 sampled sources; on this machine
networkx's exact betweenness at 5k is about 51 s, not the 180 s measured when the
targets were set, so the 5k ratio is bounded by rustworkx's own time: 65 / 2.6 = 25x.)

Targets on the project's 2-core machine: 5k full table <= 6 s and >= 30x networkx;
20k exact table within 1.3x of rustworkx's own time; 20k sampled <= 30 s; peak memory
<= 2 GB.
"""
# ruff: noqa: E501 - the table of measurements above is wider than 120 columns, and is pasted as printed

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import rustworkx as rx
from scipy.stats import spearmanr

from partnermap._data import PartnerData
from partnermap.centrality import centrality
from partnermap.graph import build_graph, directed_ties, simple_graph

#: The agreement columns of the runs that are not sampled.
NO_AGREEMENT = {"spearman_btw": "", "top100_btw": "", "spearman_clo": "", "top100_clo": ""}
SECTOR_TYPES = {
    "for_profit": ["company", "small_business"],
    "non_profit": ["charity", "association", "religious", "community_group"],
    "public": ["school", "library", "healthcare", "local_council", "police", "service_provider"],
}


def make_data(n: int, *, avg_degree: float = 8.0, seed: int = 0) -> Any:
    """A seeded synthetic :class:`partnermap.PartnerData` with ``n`` organisations."""
    rng = np.random.default_rng(seed)
    sectors = rng.choice(list(SECTOR_TYPES), p=[0.35, 0.45, 0.20], size=n)
    org_type = [SECTOR_TYPES[s][rng.integers(len(SECTOR_TYPES[s]))] for s in sectors]
    district = rng.integers(0, max(1, n // 40), size=n)
    ids = np.array([f"ORG-{i:05d}" for i in range(n)])
    orgs = pd.DataFrame(
        {"name": [f"Organisation {i}" for i in range(n)], "sector": sectors, "org_type": org_type,
         "district": [f"D{d:03d}" for d in district]},
        index=pd.Index(ids, name="org_id"),
    )
    m = int(round(n * avg_degree / 2))
    draw = int(m * 1.3) + 10
    u = rng.integers(0, n, size=draw)
    order = np.argsort(district, kind="stable")
    counts = np.bincount(district)
    start = np.searchsorted(district[order], district[u])
    v_local = order[start + (rng.random(draw) * counts[district[u]]).astype(np.int64)]
    reach = rng.pareto(2.0, n) + 1.0
    v_global = rng.choice(n, size=draw, p=reach / reach.sum())
    v = np.where(rng.random(draw) < 0.75, v_local, v_global)
    a, b = np.minimum(u, v), np.maximum(u, v)
    keep = a != b
    pairs = pd.DataFrame({"a": a[keep], "b": b[keep]}).drop_duplicates().head(m)
    kinds = rng.choice(["partnership", "joint_project", "funding", "referral"], p=[0.7, 0.2, 0.07, 0.03],
                       size=len(pairs))
    rels = pd.DataFrame(
        {"source": ids[pairs["a"].to_numpy()], "target": ids[pairs["b"].to_numpy()], "kind": kinds,
         "status": "active", "directed": np.isin(kinds, ["funding", "referral"]), "weight": 1.0},
        index=pd.Index([f"T-{i:06d}" for i in range(len(pairs))], name="tie_id"),
    )
    return PartnerData(organizations=orgs, relationships=rels, source=f"synthetic n={n} seed={seed}")


def make_graph(n: int, seed: int) -> Any:
    return build_graph(make_data(n, seed=seed))


def _load() -> float:
    return os.getloadavg()[0]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# ------------------------------------------------------------- the runs


def run_partnermap(n: int, seed: int, k: int | None, epsilon: float | None = None) -> dict[str, Any]:
    """The whole table: exact (``k`` and ``epsilon`` None), sampled (``k``) or estimated to ``epsilon``."""
    G = make_graph(n, seed)
    t0 = time.perf_counter()
    if epsilon is not None:
        table = centrality(G, estimate=True, epsilon=epsilon, seed=seed, progress=False)
    else:
        table = centrality(G, k=k, estimate=False if k is None else None, seed=seed, progress=False)
    elapsed = time.perf_counter() - t0
    return {"time": elapsed, "peak_mb": _peak_mb(), "ties": G.number_of_edges(), "load": _load(),
            "table": table[["betweenness", "closeness"]], "stated_eps": table.attrs.get("betweenness_epsilon", ""),
            "sources": table.attrs.get("betweenness_sources", k or n)}


def run_rustworkx(n: int, seed: int) -> dict[str, Any]:
    U = simple_graph(make_graph(n, seed))
    index = {v: i for i, v in enumerate(U)}
    R = rx.PyGraph(multigraph=False)
    R.add_nodes_from(range(len(index)))
    R.add_edges_from_no_data([(index[a], index[b]) for a, b in U.edges])
    t0 = time.perf_counter()
    rx.graph_betweenness_centrality(R, normalized=True)
    t1 = time.perf_counter()
    rx.graph_closeness_centrality(R, wf_improved=True)
    t2 = time.perf_counter()
    return {"time": t2 - t0, "betweenness": t1 - t0, "closeness": t2 - t1, "peak_mb": _peak_mb(), "load": _load()}


def run_networkx(n: int, seed: int, samples: int, full_max: int) -> dict[str, Any]:
    """Plain networkx for every column; betweenness/closeness estimated above ``full_max``."""
    G = make_graph(n, seed)
    times: dict[str, float] = {}
    estimated: list[str] = []

    def timed(name: str, fn: Any, scale: float = 1.0) -> Any:
        t0 = time.perf_counter()
        out = fn()
        times[name] = (time.perf_counter() - t0) * scale
        if scale != 1.0:
            estimated.append(name)
        return out

    U = timed("views", lambda: simple_graph(G))
    D = directed_ties(G)
    timed("degree", lambda: (dict(U.degree()), dict(U.degree(weight="weight")), dict(D.in_degree()),
                             dict(D.out_degree())))
    full = n <= full_max
    if full:
        timed("betweenness", lambda: nx.betweenness_centrality(U))
        timed("closeness", lambda: nx.closeness_centrality(U))
    else:
        timed("betweenness", lambda: nx.betweenness_centrality(U, k=samples, seed=seed), n / samples)
        some = random.Random(seed).sample(list(U), samples)
        timed("closeness", lambda: [nx.closeness_centrality(U, u=v) for v in some], n / samples)

    def eigen() -> dict:
        out = {}
        for comp in nx.connected_components(U):
            out.update(nx.eigenvector_centrality(U.subgraph(comp), max_iter=1000) if len(comp) > 2
                       else dict.fromkeys(comp, 1.0))
        return out

    timed("eigenvector", eigen)
    timed("pagerank", lambda: nx.pagerank(U, weight=None))
    timed("core_number", lambda: nx.core_number(U))
    timed("louvain", lambda: nx.community.louvain_communities(U, weight=None, seed=seed))
    timed("constraint", lambda: nx.constraint(U))
    if n <= 5000:
        timed("effective_size", lambda: nx.effective_size(U))
    else:
        # networkx's whole-graph form allocates n x n dense matrices (3.2 GB each at
        # 20k) and its per-node form copies the graph for every node; Borgatti's
        # formula written with networkx calls is what a user would do instead.
        timed("effective_size", lambda: {
            v: len(U[v]) - 2 * U.subgraph(U[v]).number_of_edges() / len(U[v]) for v in U if len(U[v])
        })
    timed("cut points and bridges", lambda: (set(nx.articulation_points(U)), list(nx.bridges(U))))
    sector = nx.get_node_attributes(U, "sector")
    timed("cross_sector_share",
          lambda: {v: sum(sector[w] != sector[v] for w in U[v]) / len(U[v]) for v in U if len(U[v])})
    return {"time": sum(times.values()), "parts": times, "estimated": estimated, "peak_mb": _peak_mb(), "load": _load()}


def _best(repeat: int, fn: Any, *args: Any) -> dict[str, Any]:
    """The fastest of ``repeat`` runs (shared machines are noisy; the minimum is the
    least disturbed), each in a fresh interpreter."""
    runs = [_in_child(fn, *args) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["time"])
    best["peak_mb"] = max(r["peak_mb"] for r in runs)
    best["load"] = max(r["load"] for r in runs)
    return best


def _in_child(fn: Any, *args: Any) -> dict[str, Any]:
    """Run ``fn(*args)`` in a fresh interpreter, so its peak memory is its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def agreement(exact: pd.DataFrame, approx: pd.DataFrame, column: str, top: int = 100) -> tuple[float, float]:
    rho = float(spearmanr(exact[column], approx[column]).statistic)
    a = set(exact[column].sort_values(ascending=False, kind="stable").index[:top])
    b = set(approx[column].sort_values(ascending=False, kind="stable").index[:top])
    return rho, len(a & b) / top


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    p.add_argument("--k", type=int, nargs="+", default=[1000, 2000], help="sampled sources for the sampled runs")
    p.add_argument("--epsilon", type=float, nargs="+", default=[0.005, 0.003],
                   help="errors for the estimated runs (betweenness with a stated error)")
    p.add_argument("--sampled-from", type=int, default=20000, help="run the sampled table from this size up")
    p.add_argument("--nx-samples", type=int, default=50,
                   help="sources timed to estimate networkx's betweenness/closeness")
    p.add_argument("--nx-full-max", type=int, default=1000, help="largest size where networkx runs everything in full")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--repeat", type=int, default=2,
                   help="runs of each partnermap/rustworkx timing; the fastest is shown")
    args = p.parse_args(argv)

    rows = []
    for n in args.sizes:
        print(f"n={n}: partnermap exact ...", file=sys.stderr, flush=True)
        pm = _best(args.repeat, run_partnermap, n, args.seed, None)
        print(f"n={n}: rustworkx own ...", file=sys.stderr, flush=True)
        rxr = _best(args.repeat, run_rustworkx, n, args.seed)
        print(f"n={n}: networkx ...", file=sys.stderr, flush=True)
        nxr = _in_child(run_networkx, n, args.seed, args.nx_samples, args.nx_full_max)
        est = "est. " if nxr["estimated"] else ""
        rows.append({
            "organisations": n, "ties": pm["ties"], "run": "partnermap exact",
            "time_s": pm["time"], "networkx_s": f"{est}{nxr['time']:.1f}",
            "vs_networkx": f"{nxr['time'] / pm['time']:.0f}x", "vs_rustworkx_own": f"{pm['time'] / rxr['time']:.2f}",
            "peak_mb": pm["peak_mb"], "load1": f"{pm['load']:.1f}", **NO_AGREEMENT,
        })
        rows.append({
            "organisations": n, "ties": pm["ties"], "run": "rustworkx own (btw+clo)",
            "time_s": rxr["time"], "networkx_s": "", "vs_networkx": "", "vs_rustworkx_own": "1.00",
            "peak_mb": rxr["peak_mb"], "load1": f"{rxr['load']:.1f}", **NO_AGREEMENT,
        })
        rows.append({
            "organisations": n, "ties": pm["ties"], "run": "networkx", "time_s": nxr["time"],
            "networkx_s": "", "vs_networkx": "1x", "vs_rustworkx_own": "",
            "peak_mb": nxr["peak_mb"], "load1": f"{nxr['load']:.1f}", **NO_AGREEMENT,
        })
        print("   networkx parts (s): " + ", ".join(
            f"{k}={v:.1f}{'*' if k in nxr['estimated'] else ''}" for k, v in nxr["parts"].items()), file=sys.stderr)
        for k in args.k if n >= args.sampled_from else []:
            print(f"n={n}: partnermap k={k} ...", file=sys.stderr, flush=True)
            sm = _best(args.repeat, run_partnermap, n, args.seed, k)
            sb, tb = agreement(pm["table"], sm["table"], "betweenness")
            sc, tc = agreement(pm["table"], sm["table"], "closeness")
            rows.append({
                "organisations": n, "ties": pm["ties"], "run": f"partnermap k={k}",
                "time_s": sm["time"], "networkx_s": f"{est}{nxr['time']:.1f}",
                "vs_networkx": f"{nxr['time'] / sm['time']:.0f}x",
                "vs_rustworkx_own": f"{sm['time'] / rxr['time']:.2f}",
                "peak_mb": sm["peak_mb"], "load1": f"{sm['load']:.1f}",
                "spearman_btw": f"{sb:.4f}", "top100_btw": f"{tb:.2f}",
                "spearman_clo": f"{sc:.4f}", "top100_clo": f"{tc:.2f}",
            })
        for eps in args.epsilon if n >= args.sampled_from else []:
            print(f"n={n}: partnermap estimate epsilon={eps} ...", file=sys.stderr, flush=True)
            sm = _best(args.repeat, run_partnermap, n, args.seed, None, eps)
            sb, tb = agreement(pm["table"], sm["table"], "betweenness")
            sc, tc = agreement(pm["table"], sm["table"], "closeness")
            actual = float((sm["table"]["betweenness"] - pm["table"]["betweenness"]).abs().max())
            rows.append({
                "organisations": n, "ties": pm["ties"], "run": f"partnermap eps={eps} ({sm['sources']} sources)",
                "time_s": sm["time"], "networkx_s": f"{est}{nxr['time']:.1f}",
                "vs_networkx": f"{nxr['time'] / sm['time']:.0f}x",
                "vs_rustworkx_own": f"{sm['time'] / rxr['time']:.2f}",
                "peak_mb": sm["peak_mb"], "load1": f"{sm['load']:.1f}",
                "spearman_btw": f"{sb:.4f}", "top100_btw": f"{tb:.2f}",
                "spearman_clo": f"{sc:.4f}", "top100_clo": f"{tc:.2f}",
                "stated_eps": f"{sm['stated_eps']:.2g}", "actual_max_err": f"{actual:.2g}",
            })
    table = pd.DataFrame(rows).fillna("")
    table["time_s"] = table["time_s"].map(lambda v: f"{v:.2f}")
    table["peak_mb"] = table["peak_mb"].map(lambda v: f"{v:.0f}")
    print(table.to_markdown(index=False) if _has_tabulate() else table.to_string(index=False))
    print(f"\ntime_s: fastest of {args.repeat} runs, each in a fresh process; peak_mb: the largest peak "
          "resident memory of those runs; load1: the highest 1-minute load average at the end of a run "
          "(2 cores: above ~2.5 means something else was running and the times are inflated).")
    return 0


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
