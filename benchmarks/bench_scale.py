"""Benchmark: how the cost grows from 1,000 to 100,000 organisations, against the engines used directly.

One line per size (default 1k, 5k, 20k, 100k; average degree 8, the generator of
``bench_centrality.py``) and per job:

* ``pipeline`` - in a fresh process (so its peak memory is its own): :func:`partnermap.load`
  of the network written as a CSV folder, the compact graph the metrics use built from
  the frames, :func:`partnermap.gaps.structural_gaps` and :func:`partnermap.gaps.what_if`
  (two added ties) from the loaded data, and the whole metrics table
  (:func:`partnermap.centrality.centrality` from the data); ``peak_mb`` is that process's
  peak resident memory;
* ``graph`` - :func:`partnermap.build_graph` (the networkx MultiGraph, kept for users and
  exports) and the compact graph from it, beside the compact graph from the frames;
* ``communities`` - :func:`partnermap.centrality.communities` (networkit PLM, seeded,
  connected pieces) from the data and from the networkx graph, beside networkx's
  Louvain, networkit's PLM used directly (run only, graph prebuilt) and
  graspologic-native's Leiden used directly when it is installed (it is not a
  dependency); ``modularity`` for each;
* ``gaps`` - :func:`partnermap.gaps.structural_gaps` from the networkx graph too;
* ``brokers`` - the whole :func:`partnermap.centrality.centrality` table (from the pipeline) with its
  automatic choice (exact up to ``ESTIMATE_ABOVE`` organisations, the estimate with a
  stated error above), beside rustworkx's exact betweenness used directly (the
  reference, up to ``--exact-max``) and networkit's KADABRA at ``--kadabra-eps`` used
  directly; ``stated_eps`` is the error each claims, ``max_err`` the largest actual
  difference from exact betweenness, ``top100`` the share of the exact top-100 brokers
  found.

``--curve N`` instead prints the estimate's trade-off curve at N organisations: after
each batch of sources the time, the stated error and (against exact betweenness) the
actual largest error and the top-100 overlap (``--exact-file`` keeps the exact reference
for the next run).

The last table sets each target of issue 13 beside the figure measured at the largest
size (and the broker target at 20,000).

The project machine is a shared 2-core VM: absolute times vary by a third or more with
the other engineers' load (``load1`` is printed); compare the ratios within one run.

Run from the repository root::

    .venv/bin/python benchmarks/bench_scale.py                     # 1k, 5k, 20k, 100k
    .venv/bin/python benchmarks/bench_scale.py --sizes 1000 5000
    .venv/bin/python benchmarks/bench_scale.py --curve 20000
"""

from __future__ import annotations

import argparse
import importlib
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import networkit as nk
import networkx as nx
import numpy as np
import pandas as pd
import rustworkx as rx
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).parent))
from bench_centrality import make_data  # noqa: E402

import partnermap as pm  # noqa: E402
from partnermap.gaps import structural_gaps, what_if  # noqa: E402
from partnermap.graph import build_graph  # noqa: E402

pmc = importlib.import_module("partnermap.centrality")
_sparse = importlib.import_module("partnermap._sparse")  # the module (pm.centrality is the function)


def _timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def _modularity(U: sp.csr_array, labels: np.ndarray) -> float:
    return pmc._modularity(U, np.asarray(labels, dtype=np.int64), 1.0)


def _top(values: np.ndarray, k: int = 100) -> set[int]:
    return set(np.argsort(-values, kind="stable")[:k].tolist())


def _row(n: int, ties: int, job: str, engine: str, seconds: float, **extra: Any) -> dict[str, Any]:
    return {"organisations": n, "ties": ties, "job": job, "engine": engine, "time_s": round(seconds, 2),
            "load1": round(os.getloadavg()[0], 1), **extra}


def community_rows(n: int, ties: int, data: Any, G: nx.MultiGraph, V: Any) -> list[dict[str, Any]]:
    Ub = _sparse._binary(V.U)
    labels, t_data = _timed(pmc.communities, data)
    rows = [_row(n, ties, "communities", "partnermap from the data (networkit PLM)", t_data,
                 modularity=round(_modularity(Ub, labels.to_numpy()), 4))]
    labels, t_pm = _timed(pmc.communities, G)
    rows.append(_row(n, ties, "communities", "partnermap from the networkx graph", t_pm,
                     modularity=round(_modularity(Ub, labels.to_numpy()), 4)))
    coo = sp.triu(Ub, k=1).tocoo()
    H = nx.Graph()
    H.add_nodes_from(range(n))
    H.add_edges_from(zip(coo.row.tolist(), coo.col.tolist(), strict=True))
    parts, t_nx = _timed(nx.community.louvain_communities, H, seed=0)
    lab = np.empty(n, dtype=np.int64)
    for i, members in enumerate(parts):
        lab[list(members)] = i
    rows.append(_row(n, ties, "communities", "networkx louvain", t_nx, modularity=round(_modularity(Ub, lab), 4)))
    g = nk.GraphFromCoo((coo.data, (coo.row.astype(np.uint64), coo.col.astype(np.uint64))), n=n,
                        weighted=True, directed=False)
    for par in ("none", "none randomized"):  # partnermap's sequential mode, and PLM's reshuffle at every pass
        nk.engineering.setSeed(0, False)
        plm = nk.community.PLM(g, refine=True, par=par)
        _, t_plm = _timed(plm.run)
        rows.append(_row(n, ties, "communities", f"networkit PLM direct ({par})", t_plm,
                         modularity=round(_modularity(Ub, np.asarray(plm.getPartition().getVector())), 4)))
    try:
        import graspologic_native as gn  # optional: graspologic-native, for comparison only
    except ImportError:
        return rows
    (_, part), t_gn = _timed(gn.leiden_csr, Ub.indptr.astype(np.int64), Ub.indices.astype(np.int32),
                             Ub.data.astype(np.float64), n, seed=0)
    lab = np.full(n, -1, dtype=np.int64)
    for node, c in part.items():
        lab[int(node)] = c
    lonely = lab < 0
    lab[lonely] = lab.max() + 1 + np.arange(lonely.sum())
    rows.append(_row(n, ties, "communities", "graspologic-native leiden direct", t_gn,
                     modularity=round(_modularity(Ub, lab), 4)))
    return rows


def broker_rows(n: int, ties: int, piped: dict[str, Any], V: Any, exact_max: int,
                kadabra_eps: float) -> list[dict]:
    a, est, t_pm = piped["attrs"], piped["betweenness"], piped["metrics"]
    how = "estimate" if "betweenness_sources" in a else "exact"
    pm_row = _row(n, ties, "brokers (whole table)", f"partnermap ({how})",
                  t_pm, stated_eps=a.get("betweenness_epsilon", 0.0), sources=a.get("betweenness_sources", n))
    rows = [pm_row]
    coo = sp.triu(_sparse._binary(V.U), k=1).tocoo()
    exact = None
    if n <= exact_max:
        R = rx.PyGraph(multigraph=False)
        R.add_nodes_from(range(n))
        R.add_edges_from_no_data(list(zip(coo.row.tolist(), coo.col.tolist(), strict=True)))
        bc, t_rx = _timed(rx.graph_betweenness_centrality, R, normalized=True)
        exact = np.array([bc[i] for i in range(n)])
        rows.append(_row(n, ties, "brokers (betweenness)", "rustworkx exact direct", t_rx, stated_eps=0.0,
                         max_err=0.0, top100=1.0))
        pm_row.update(max_err=float(np.abs(est - exact).max()), top100=len(_top(est) & _top(exact)) / 100)
    g = nk.GraphFromCoo((np.ones(len(coo.row)), (coo.row.astype(np.uint64), coo.col.astype(np.uint64))), n=n,
                        weighted=False, directed=False)
    nk.engineering.setSeed(0, True)
    kad = nk.centrality.KadabraBetweenness(g, kadabra_eps, 0.1, True)
    _, t_kad = _timed(kad.run)
    k_est = np.asarray(kad.scores()) * n / (2 * (n - 2))  # networkit's scale -> networkx's normalisation
    row = _row(n, ties, "brokers (betweenness)", f"networkit KADABRA direct eps={kadabra_eps}", t_kad,
               stated_eps=kadabra_eps * n / (n - 2), sources=kad.getNumberOfIterations())
    if exact is not None:
        row.update(max_err=float(np.abs(k_est - exact).max()), top100=len(_top(k_est) & _top(exact)) / 100)
    rows.append(row)
    return rows


def pipeline(n: int, seed: int, out: Path) -> None:
    """The data path a report takes, timed step by step, in this (fresh) process; results to ``out``."""
    data = make_data(n, seed=seed)
    folder = out.parent / f"data-{n}"
    folder.mkdir(exist_ok=True)
    data.organizations.to_csv(folder / "organizations.csv")
    data.relationships.to_csv(folder / "relationships.csv")
    del data
    loaded, t_load = _timed(pm.load, folder)
    _, t_compact = _timed(_sparse._from_data, loaded)
    _, t_gaps = _timed(structural_gaps, loaded, seed=seed)
    ids = loaded.organizations.index
    _, t_what = _timed(what_if, loaded, add_ties=[(ids[0], ids[n // 2]), (ids[1], ids[-1])], seed=seed)
    table, t_metrics = _timed(pmc.centrality, loaded, progress=False)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    with out.open("wb") as f:
        pickle.dump({"load": t_load, "compact": t_compact, "gaps": t_gaps, "what_if": t_what,
                     "metrics": t_metrics, "peak_mb": peak, "attrs": dict(table.attrs),
                     "betweenness": table["betweenness"].to_numpy()}, f)


def _piped(n: int, seed: int, tmp: Path) -> dict[str, Any]:
    out = tmp / f"pipeline-{n}.pkl"
    subprocess.run([sys.executable, __file__, "--pipeline", str(n), "--seed", str(seed), "--out", str(out)],
                   check=True)
    with out.open("rb") as f:
        return pickle.load(f)


def pipeline_rows(n: int, ties: int, p: dict[str, Any]) -> list[dict[str, Any]]:
    peak = round(p["peak_mb"])
    return [_row(n, ties, "pipeline", "load (CSV folder)", p["load"]),
            _row(n, ties, "pipeline", "compact graph from the frames", p["compact"]),
            _row(n, ties, "pipeline", "load + compact graph", p["load"] + p["compact"]),
            _row(n, ties, "pipeline", "structural_gaps (from the data)", p["gaps"]),
            _row(n, ties, "pipeline", "what_if (two added ties)", p["what_if"]),
            _row(n, ties, "pipeline", "metrics table (from the data)", p["metrics"], peak_mb=peak)]


def sizes(args: argparse.Namespace) -> pd.DataFrame:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            print(f"n={n} ...", file=sys.stderr, flush=True)
            piped = _piped(n, args.seed, Path(tmp))
            data = make_data(n, seed=args.seed)
            G, t_graph = _timed(build_graph, data)
            ties = G.number_of_edges()
            rows += pipeline_rows(n, ties, piped)
            _, t_compact = _timed(_sparse._from_data, data)
            V, t_views = _timed(_sparse._views, G)
            rows.append(_row(n, ties, "graph", "build_graph (networkx)", t_graph))
            rows.append(_row(n, ties, "graph", "compact graph from the networkx graph", t_views))
            rows.append(_row(n, ties, "graph", "compact graph from the frames", t_compact))
            rows += community_rows(n, ties, data, G, V)
            rows += broker_rows(n, ties, piped, V, args.exact_max, args.kadabra_eps)
            _, t_gaps = _timed(structural_gaps, G, seed=args.seed)
            rows.append(_row(n, ties, "gaps", "structural_gaps (from the networkx graph)", t_gaps))
    return pd.DataFrame(rows)


def _figure(table: pd.DataFrame, n: int, job: str, engine: str, column: str = "time_s") -> float:
    hit = table[(table["organisations"] == n) & (table["job"] == job) & (table["engine"] == engine)]
    return float(hit[column].iloc[0]) if len(hit) else float("nan")


def targets(table: pd.DataFrame) -> pd.DataFrame:
    """Issue 13's targets beside the figures measured at the largest size (brokers: at 20,000)."""
    n = int(table["organisations"].max())
    brokers = table[(table["job"] == "brokers (whole table)") & (table["organisations"] == 20000)]
    pipe = "pipeline"
    rows = [
        ("load + graph", "<= 6 s", _figure(table, n, pipe, "load + compact graph")),
        ("communities (from the data)", "<= 2 s", _figure(table, n, "communities",
                                                          "partnermap from the data (networkit PLM)")),
        ("communities (from the networkx graph)", "<= 2 s", _figure(table, n, "communities",
                                                                    "partnermap from the networkx graph")),
        ("structural_gaps", "<= 5 s", _figure(table, n, pipe, "structural_gaps (from the data)")),
        ("what_if", "<= 5 s", _figure(table, n, pipe, "what_if (two added ties)")),
        ("peak memory of the data path (MB)", "<= 4096", _figure(table, n, pipe, "metrics table (from the data)",
                                                                 "peak_mb")),
        ("whole metrics table", "<= 120 s", _figure(table, n, pipe, "metrics table (from the data)")),
    ]
    if len(brokers):
        rows.append(("brokers at 20k: time", "<= 20 s", float(brokers["time_s"].iloc[0])))
        if "top100" in brokers:
            rows.append(("brokers at 20k: top-100 overlap", ">= 0.9", float(brokers["top100"].iloc[0])))
    out = pd.DataFrame(rows, columns=["target", "goal", "measured"])
    out.insert(0, "organisations", [20000 if t.startswith("brokers") else n for t in out["target"]])
    bound = out["goal"].str.extract(r"([<>]=) ([\d.]+)")
    below = bound[0] == "<="
    limit = bound[1].astype(float)
    out["met"] = (below & (out["measured"] <= limit)) | (~below & (out["measured"] >= limit))
    return out


def _exact(V: Any, n: int, exact_file: Path | None) -> tuple[np.ndarray, float]:
    """rustworkx's exact betweenness and its time, read from ``exact_file`` when an earlier run saved it there."""
    if exact_file is not None and exact_file.exists():
        with exact_file.open("rb") as f:
            return pickle.load(f)
    R = rx.PyGraph(multigraph=False)
    R.add_nodes_from(range(n))
    coo = sp.triu(_sparse._binary(V.U), k=1).tocoo()
    R.add_edges_from_no_data(list(zip(coo.row.tolist(), coo.col.tolist(), strict=True)))
    bc, t_exact = _timed(rx.graph_betweenness_centrality, R, normalized=True)
    out = (np.array([bc[i] for i in range(n)]), t_exact)
    if exact_file is not None:
        with exact_file.open("wb") as f:
            pickle.dump(out, f)
    return out


def curve(n: int, seed: int, epsilon: float, exact_file: Path | None = None) -> pd.DataFrame:
    G = build_graph(make_data(n, seed=seed))
    V = _sparse._views(G)
    L, _ = _sparse._lengths(V.A, False)
    exact, t_exact = _exact(V, n, exact_file)
    print(f"exact betweenness (rustworkx): {t_exact:.1f} s (load1 {os.getloadavg()[0]:.1f})", file=sys.stderr)
    trace: list = []
    pmc._estimate(V, L, epsilon=epsilon, delta=pmc.DEFAULT_DELTA, seed=0, progress=False, trace=trace)
    rows, last = [], 0
    for k, seconds, eps_hat, est in trace:
        if k >= last * 1.4 or k == trace[-1][0]:
            last = k
            rows.append({"sources": k, "time_s": round(seconds, 1), "stated_eps": eps_hat,
                         "actual_max_err": float(np.abs(est - exact).max()),
                         "top100": len(_top(est) & _top(exact)) / 100, "vs_exact_time": round(seconds / t_exact, 2),
                         "load1": round(os.getloadavg()[0], 1)})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000, 100000])
    p.add_argument("--exact-max", type=int, default=20000, help="largest size with the exact reference")
    p.add_argument("--kadabra-eps", type=float, default=0.003)
    p.add_argument("--curve", type=int, help="print the estimate's trade-off curve at this size instead")
    p.add_argument("--curve-epsilon", type=float, default=0.0005, help="error the curve runs down to")
    p.add_argument("--exact-file", type=Path, help="--curve: keep the exact reference in this file (reused if there)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--pipeline", type=int, help=argparse.SUPPRESS)  # the fresh process of one size
    p.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.pipeline:
        pipeline(args.pipeline, args.seed, args.out)
        return 0
    table = curve(args.curve, args.seed, args.curve_epsilon, args.exact_file) if args.curve else sizes(args)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False))
        if not args.curve:
            print("\nissue 13 targets")
            print(targets(table).to_string(index=False))
    print("\n2-core shared machine: compare ratios within a run; load1 above ~2.5 means other work was running.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
