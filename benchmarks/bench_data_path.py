"""Benchmark: what ``partnermap metrics`` and ``pages.prepare`` spend besides the metrics, networkx path vs data path.

Issue 13 item 3: the metrics, summary and gaps work from one compact graph built straight
from the frames (``_sparse._from_data``), not from :func:`partnermap.build_graph`'s networkx
graph. For each size (a CSV folder written by ``bench_centrality.make_data``, loaded once)
this times, side by side in one process:

* ``networkx path`` - what the CLI did before: ``build_graph(data, filters)``, the compact
  graph from it (what ``centrality(G)`` converts first), and ``network_summary(G)`` (which
  converts again);
* ``data path`` - what it does now: ``_from_data(data, filters)`` once, and
  ``network_summary`` of it.

The metrics table itself (the same work either way) is left out; ``--prepare`` adds
:func:`partnermap.pages.prepare` of the loaded data (which now takes the data path).
``load1`` is printed beside each figure: the machine is a shared 2-core VM, so compare
the ratio within a run.

Run from the repository root::

    .venv/bin/python benchmarks/bench_data_path.py --sizes 20000 100000 --prepare
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from bench_centrality import make_data  # noqa: E402

import partnermap as pm  # noqa: E402
from partnermap import pages  # noqa: E402

pmc = importlib.import_module("partnermap.centrality")
_sparse = importlib.import_module("partnermap._sparse")


def _load1() -> float:
    return round(os.getloadavg()[0], 2)


def _timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def rows(n: int, folder: Path, repeats: int, prepare: bool) -> list[dict[str, Any]]:
    """The two paths on ``n`` organisations, ``repeats`` times each, alternating."""
    data = make_data(n, seed=0)
    data.organizations.to_csv(folder / "organizations.csv")
    data.relationships.to_csv(folder / "relationships.csv")
    loaded = pm.load(folder)
    metrics = pd.DataFrame({"community": pmc.communities(loaded)})
    filters = {"status": ("active",), "kinds": None, "as_of": None}

    def networkx_path() -> None:
        G = pm.build_graph(loaded, **filters)
        _sparse._views(G)
        pmc.network_summary(G, metrics=metrics)

    def data_path() -> None:
        pmc.network_summary(_sparse._from_data(loaded, **filters), metrics=metrics)

    jobs = [("networkx path", networkx_path), ("data path", data_path)]
    if prepare:
        jobs.append(("pages.prepare", lambda: pages.prepare(loaded)))
    out = []
    for r in range(repeats):
        for name, fn in jobs:
            out.append({"organisations": n, "ties": len(loaded.relationships), "job": name, "repeat": r,
                        "time_s": round(_timed(fn), 2), "load1": _load1()})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--prepare", action="store_true", help="also time pages.prepare of the loaded data")
    args = ap.parse_args(argv)
    table = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            folder = Path(tmp) / f"data-{n}"
            folder.mkdir()
            table += rows(n, folder, args.repeats, args.prepare)
    df = pd.DataFrame(table)
    print(df.to_string(index=False))
    best = df.groupby(["organisations", "job"])["time_s"].min().unstack()
    best["ratio"] = (best["networkx path"] / best["data path"]).round(1)
    print("\nbest of the repeats, and networkx path / data path:")
    print(best.to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
