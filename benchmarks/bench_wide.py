"""Benchmark: a wide table (issue 14, R09): 300 organisations with 10,000 extra columns.

Times, in this process, ``pm.load`` of the CSV folder, ``export --format xlsx`` (every column
kept, one text cell each), ``export --format gpkg`` (the first 1,998 columns, with a
warning) and ``pages.prepare`` (what the report carries: the contract's columns and
``pages.REPORT_EXTRA_COLUMNS`` more). Run from the repository root::

    .venv/bin/python benchmarks/bench_wide.py              # 300 x 10,000
    .venv/bin/python benchmarks/bench_wide.py --rows 100 --columns 2000

Measured on the shared 2-core project machine (300 x 10,000, 3 million cells): load 5-7 s
(was 25 s), xlsx 15 s (was 96 s with openpyxl's write-only mode, 135 s with pandas'
to_excel), gpkg 3 s, prepare 0.1 s; a whole ``partnermap report`` 28 s (it was 251 s when
every page, map and table carried the 10,000 columns).
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import partnermap as pm
from partnermap import pages
from partnermap.export import export_data


def main() -> None:
    """Write the wide folder, time each step, print one line per step."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=300)
    ap.add_argument("--columns", type=int, default=10_000)
    args = ap.parse_args()
    logging.getLogger("partnermap").setLevel(logging.ERROR)  # the GeoPackage warning is expected
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        head = "org_id,name,sector," + ",".join(f"c{i}" for i in range(args.columns))
        rows = [f"O{k},Org {k},public," + ",".join("v" * args.columns) for k in range(args.rows)]
        (folder / "organizations.csv").write_text(head + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
        t = time.perf_counter()
        data = pm.load(folder)
        print(f"load     {time.perf_counter() - t:6.1f} s  ({args.rows} x {args.columns:,} extra columns)")
        for fmt in ("xlsx", "gpkg"):
            t = time.perf_counter()
            export_data(data, Path(tmp) / f"e.{fmt}", format=fmt)
            print(f"{fmt:8} {time.perf_counter() - t:6.1f} s")
        t = time.perf_counter()
        prep = pages.prepare(data)
        print(f"prepare  {time.perf_counter() - t:6.1f} s  ({prep.data.organizations.shape[1]} columns in the report)")


if __name__ == "__main__":
    main()
