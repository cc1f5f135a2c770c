"""Benchmark: ``partnermap validate`` on 1,000,000 organisations and 5,000,000 ties.

Writes a seeded data folder into a temporary folder, streamed to disk in chunks (the
generator itself never holds the whole table): ``organizations.csv`` with
``--orgs`` rows and ``relationships.csv`` with ``--ties`` rows, of which ``--bad``
in each file are wrong on purpose (duplicate ids, unknown sectors, latitudes out of
range, ties to unknown organisations, weights that are no number). It then runs
``partnermap validate DATA -o problems.csv`` as a subprocess and prints:

* ``wall_s`` - wall time of the validate run;
* ``peak_rss_gb`` - the child's peak resident memory (``getrusage(RUSAGE_CHILDREN)``;
  the target is at most 6 GB);
* ``stdout_lines`` / ``stderr_lines`` - how much it printed on the terminal (the
  problems are counted and the first ones shown; the full list goes to ``-o``);
* ``problems_rows`` - rows of the ``-o`` file (every problem and set-aside row).

Run from the repository root (takes a few minutes; the generated files are about 0.5 GB)::

    .venv/bin/python benchmarks/bench_large.py
    .venv/bin/python benchmarks/bench_large.py --orgs 100000 --ties 500000 --bad 500
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CHUNK = 200_000
SECTORS = np.array(["for_profit", "non_profit", "public"])
KINDS = np.array(["partnership", "funding", "in_kind", "referral", "joint_project", "membership"])
TERMS = np.array(["funding", "space", "volunteers", "skills", "expertise", "data", "networks", "training"])
ORG_HEADER = ["org_id", "name", "sector", "lat", "lon", "city", "offers", "needs", "email"]
TIE_HEADER = ["source", "target", "kind", "status", "weight", "start_date"]


def _org_id(i: np.ndarray) -> np.ndarray:
    return np.char.add("ORG-", np.char.zfill(i.astype(str), 7))


def write_organizations(path: Path, n: int, bad: int, rng: np.random.Generator) -> None:
    """``n`` organisations; ``bad`` of them wrong (a third each: duplicate id, unknown sector, lat 123)."""
    bad_rows = set(rng.choice(n, size=bad, replace=False).tolist()) if bad else set()
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(ORG_HEADER)
        for start in range(0, n, CHUNK):
            i = np.arange(start, min(start + CHUNK, n))
            ids = _org_id(i)
            sector = SECTORS[rng.integers(0, 3, len(i))]
            lat = np.round(rng.uniform(24.0, 27.0, len(i)), 5).astype(str)
            lon = np.round(rng.uniform(49.0, 51.0, len(i)), 5).astype(str)
            offers = TERMS[rng.integers(0, len(TERMS), len(i))]
            needs = TERMS[rng.integers(0, len(TERMS), len(i))]
            for k, row_i in enumerate(i.tolist()):
                row = [ids[k], f"Organisation {row_i}", sector[k], lat[k], lon[k], "Dammam", offers[k], needs[k],
                       f"info{row_i}@example.org"]
                if row_i in bad_rows:
                    which = row_i % 3
                    if which == 0 and row_i > 0:
                        row[0] = ids[k - 1] if k else _org_id(np.array([row_i - 1]))[0]  # duplicate id
                    elif which == 1:
                        row[2] = "spaceship"  # no such sector
                    else:
                        row[3] = "123.5"  # latitude out of range
                w.writerow(row)


def write_relationships(path: Path, n: int, n_orgs: int, bad: int, rng: np.random.Generator) -> None:
    """``n`` ties between random organisations; ``bad`` of them wrong (unknown target, or weight 'lots')."""
    bad_rows = set(rng.choice(n, size=bad, replace=False).tolist()) if bad else set()
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(TIE_HEADER)
        for start in range(0, n, CHUNK):
            m = min(start + CHUNK, n) - start
            s = rng.integers(0, n_orgs, m)
            t = (s + rng.integers(1, n_orgs, m)) % n_orgs  # never a self-tie
            src, tgt = _org_id(s), _org_id(t)
            kind = KINDS[rng.integers(0, len(KINDS), m)]
            weight = rng.integers(1, 5, m).astype(str)
            for k in range(m):
                row = [src[k], tgt[k], kind[k], "active", weight[k], "2024-01-01"]
                if start + k in bad_rows:
                    if (start + k) % 2:
                        row[1] = "ORG-NOWHERE"
                    else:
                        row[4] = "lots"
                w.writerow(row)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orgs", type=int, default=1_000_000)
    ap.add_argument("--ties", type=int, default=5_000_000)
    ap.add_argument("--bad", type=int, default=3_000, help="bad rows in each file")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", action="store_true", help="keep the generated folder (its path is printed)")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="bench-large-"))
    data = tmp / "data"
    data.mkdir()
    t0 = time.perf_counter()
    write_organizations(data / "organizations.csv", args.orgs, args.bad, rng)
    write_relationships(data / "relationships.csv", args.ties, args.orgs, args.bad, rng)
    size = sum(f.stat().st_size for f in data.iterdir()) / 1e6
    print(f"generated {args.orgs:,} organisations and {args.ties:,} ties ({size:,.0f} MB) in "
          f"{time.perf_counter() - t0:.0f} s into {data}", flush=True)
    problems = tmp / "problems.csv"
    exe = Path(sys.executable).with_name("partnermap")
    t1 = time.perf_counter()
    done = subprocess.run([str(exe), "validate", str(data), "-o", str(problems)], capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - t1
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    out, err = done.stdout.splitlines(), done.stderr.splitlines()
    rows = sum(1 for _ in problems.open(encoding="utf-8-sig")) - 1 if problems.is_file() else 0
    print(f"exit {done.returncode}; wall_s {wall:.1f}; peak_rss_gb {peak_kb / 1e6:.2f}; "
          f"stdout_lines {len(out):,}; stderr_lines {len(err):,}; problems_rows {rows:,}; "
          f"load1 {os.getloadavg()[0]:.1f}")
    print("--- stdout (first and last lines)")
    print("\n".join(out[:25] + (["…"] if len(out) > 30 else []) + out[-5:]))
    print("--- stderr (first and last lines)")
    print("\n".join(err[:25] + (["…"] if len(err) > 30 else []) + err[-5:]))
    if args.keep:
        print(f"kept {tmp}")
    else:
        for f in (*data.iterdir(), problems):
            f.unlink(missing_ok=True)
        data.rmdir()
        tmp.rmdir()


if __name__ == "__main__":
    main()
