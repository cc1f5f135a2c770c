"""Benchmark: the whole report (``partnermap.report.run``) end to end, with a per-notebook breakdown.

* ``demo`` - the built-in demo data (320 organisations), notebooks 01-04 and the default
  profiles (the focal organisation and its active partners), as ``make report`` runs it;
* ``--large N T`` - a registry of N organisations and T ties made from the demo (each
  organisation a jittered copy of a demo one, three quarters of the ties between
  neighbours, the rest across the region) with the demo's areas; brokerage is estimated
  with a stated error automatically above :data:`partnermap.centrality.ESTIMATE_ABOVE`
  organisations.

Times come from the run's ``manifest.json`` (loading and metrics, each notebook, the whole
run). The machine is a shared 2-core VM: the load average is printed beside each run.

Run from the repository root::

    .venv/bin/python benchmarks/bench_report.py                 # the demo
    .venv/bin/python benchmarks/bench_report.py --large 20000 80000

Targets (issue 12): the demo suite within 30 s, 20,000 organisations / 80,000 ties within 120 s.
Measured on the project's 2-core machine (load average about 2-3 from other work)::

    demo: 320 organisations, 901 ties; total 19.9 s (notebooks 17.0 s; load and metrics 1.1 s)
      01-data-quality            3.54 s
      02-network                 1.27 s
      03-partnership-gaps        1.73 s
      04-coverage                1.04 s
      05-partner-profile x11     9.40 s (0.82-0.90 s each)

    registry 20,000/80,000: 20,000 organisations, 77,640 ties; total 67.1 s (notebooks 26.1 s;
    load, metrics sampled from 500, structural gaps, workbook and index 41.0 s)
      01-data-quality            4.78 s
      02-network                 4.04 s
      03-partnership-gaps        8.44 s
      04-coverage                5.95 s
      05-partner-profile x1      2.87 s

Under a load average of 5-7 the demo run took 27-53 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import partnermap as pm


def make_registry(folder: Path, n: int, ties: int, seed: int = 0) -> Path:
    """A data folder of ``n`` organisations and ``ties`` ties modelled on the demo."""
    rng = np.random.default_rng(seed)
    demo = pm.datasets.demo_path()
    orgs = pd.read_csv(demo / "organizations.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    pick = rng.integers(0, len(orgs), n)
    big = orgs.iloc[pick].reset_index(drop=True)
    big["org_id"] = [f"R{i:06d}" for i in range(n)]
    big["name"] = [f"{nm} {i}" for i, nm in enumerate(big["name"])]
    lat = big["lat"].replace("", np.nan).astype(float).to_numpy() + rng.normal(0, 0.02, n)
    lon = big["lon"].replace("", np.nan).astype(float).to_numpy() + rng.normal(0, 0.02, n)
    big["lat"], big["lon"] = np.round(lat, 5), np.round(lon, 5)
    for c in ("email", "phone", "contact_name"):
        big[c] = ""
    order = np.argsort(np.round(lat, 2) * 1000 + np.round(lon, 2))
    local = int(ties * 0.75)
    a = rng.integers(0, n, local)
    pos = np.empty(n, dtype=np.int64)
    pos[order] = np.arange(n)
    b = order[np.clip(pos[a] + rng.integers(1, 40, local), 0, n - 1)]
    c = rng.integers(0, n, ties - local)
    d = rng.integers(0, n, ties - local)
    src, dst = np.r_[a, c], np.r_[b, d]
    keep = src != dst
    kinds = rng.choice(["partnership", "in_kind", "joint_project", "funding", "referral", "informal"], keep.sum(),
                       p=[0.4, 0.2, 0.15, 0.1, 0.1, 0.05])
    rel = pd.DataFrame({"source": big["org_id"].to_numpy()[src[keep]], "target": big["org_id"].to_numpy()[dst[keep]],
                        "kind": kinds, "status": "active"}).drop_duplicates(["source", "target"])
    folder.mkdir(parents=True, exist_ok=True)
    big.to_csv(folder / "organizations.csv", index=False)
    rel.to_csv(folder / "relationships.csv", index=False)
    shutil.copy(demo / "areas.geojson", folder / "areas.geojson")
    return folder


def bench(data: Path | None, out: Path, **options: object) -> dict:
    t0 = time.perf_counter()
    run = pm.report.run(data, out, quiet=True, **options)
    wall = time.perf_counter() - t0
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    manifest["wall_s"] = round(wall, 1)
    return manifest


def show(label: str, m: dict) -> None:
    nbs = m["notebooks"]
    work = sum(n["duration_s"] for n in nbs)
    load1 = os.getloadavg()[0]
    print(f"\n{label}: {m['counts']['organisations']:,} organisations, {m['counts']['ties']:,} ties; "
          f"total {m['wall_s']:.1f} s (notebooks {work:.1f} s; load and metrics {m['duration_s'] - work:.1f} s); "
          f"metrics sampled from {m['metrics_sampled_from']}; load average {load1:.1f}")
    profiles = [n for n in nbs if n["notebook"].startswith("05")]
    for n in nbs:
        if not n["notebook"].startswith("05"):
            print(f"  {n['notebook']:<24} {n['duration_s']:6.2f} s")
    if profiles:
        each = [n["duration_s"] for n in profiles]
        print(f"  05-partner-profile x{len(each):<5} {sum(each):6.2f} s ({min(each):.2f}-{max(each):.2f} s each)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--large", nargs=2, type=int, metavar=("ORGS", "TIES"), help="also a registry of this size")
    ap.add_argument("--skip-demo", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not args.skip_demo:
            show("demo", bench(None, tmp / "reports"))
        if args.large:
            n, t = args.large
            t0 = time.perf_counter()
            data = make_registry(tmp / f"registry-{n}", n, t)
            print(f"\n(made the {n:,}-organisation registry in {time.perf_counter() - t0:.1f} s)")
            show(f"registry {n:,}/{t:,}", bench(data, tmp / "reports", focal="R000000", profiles="R000000"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
