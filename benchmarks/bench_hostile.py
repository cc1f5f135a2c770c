"""Benchmark: hostile inputs of issue 14 validate in bounded time and memory.

Each case is built in a temporary folder and checked by ``partnermap validate`` (or
``partners --weights``) in its own process, under an 8 GiB address-space limit as in the
reproducers, and one line is printed per case: seconds, peak resident memory (MB), exit
status and the number of lines printed.

* ``far-cell`` (R21) - a workbook with one stray cell at XFD1048576;
* ``wide-sheet`` (R23) - a sheet of 10,000 columns x 60 rows, and ``wide-csv`` the same table as CSV;
* ``wide-csv-300`` (R09, loading) - 300 rows x 10,000 extra columns as CSV;
* ``free-terms`` (R22) - one ``offers`` cell of 130,000 distinct free terms;
* ``empty-orgs`` (R20) - an empty organizations.csv beside 900 ties;
* ``yaml-bomb`` (R07) - a 1 KB weights file of nested aliases.

The goal is seconds for each (before issue 14: R21 exhausted 8 GB, R23 took over a minute,
R22 85 s or more, R07 94 s and 8 GB). The machine is a shared 2-core VM: times vary with
the other engineers' load (``load1`` is printed).

Run from the repository root::

    .venv/bin/python benchmarks/bench_hostile.py
    .venv/bin/python benchmarks/bench_hostile.py --only wide
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl

EXE = [sys.executable, "-m", "partnermap"]
LIMIT = 8 * 2**30


def _far_cell(d: Path) -> list[str]:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "organizations"
    for r in (["org_id", "name", "sector"], ["A", "Alpha", "public"]):
        ws.append(r)
    ws.cell(row=1048576, column=16384, value="stray")
    wb.save(d / "book.xlsx")
    return ["validate", str(d / "book.xlsx")]


def _wide_rows(n: int) -> list[list[str]]:
    head = ["org_id", "name", "sector"] + [f"c{i}" for i in range(10000)]
    return [head] + [[f"O{k}", f"Org {k}", "public"] + ["v"] * 10000 for k in range(n)]


def _wide_sheet(d: Path) -> list[str]:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "organizations"
    for r in _wide_rows(60):
        ws.append(r)
    wb.save(d / "book.xlsx")
    return ["validate", str(d / "book.xlsx")]


def _csv(d: Path, rows: list[list[str]]) -> list[str]:
    (d / "organizations.csv").write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return ["validate", str(d)]


def _free_terms(d: Path) -> list[str]:
    terms = ";".join(f"t{i}" for i in range(130_000))
    (d / "organizations.csv").write_text(f"org_id,name,sector,offers\nA,Alpha,public,{terms}\n", encoding="utf-8")
    return ["validate", str(d)]


def _empty_orgs(d: Path) -> list[str]:
    (d / "organizations.csv").write_text("", encoding="utf-8")
    ties = "".join(f"ORG-{i % 300:03d},ORG-{(i * 7 + 1) % 300:03d}\n" for i in range(900))
    (d / "relationships.csv").write_text("source,target\n" + ties, encoding="utf-8")
    return ["validate", str(d)]


def _yaml_bomb(d: Path) -> list[str]:
    lines = ["a: &a [x,x,x,x,x,x,x,x,x]"]
    lines += [f"{b}: &{b} [{','.join(['*' + a] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)]
    (d / "w.yaml").write_text("\n".join(lines) + "\nequity: *i\n", encoding="utf-8")
    (d / "organizations.csv").write_text("org_id,name,sector\nA,Alpha,public\nB,Beta,public\n", encoding="utf-8")
    return ["partners", str(d), "--focal", "A", "--weights", str(d / "w.yaml"), "-o", str(d / "p.csv")]


CASES: dict[str, Callable[[Path], list[str]]] = {
    "far-cell": _far_cell,
    "wide-sheet": _wide_sheet,
    "wide-csv": lambda d: _csv(d, _wide_rows(60)),
    "wide-csv-300": lambda d: _csv(d, _wide_rows(300)),
    "free-terms": _free_terms,
    "empty-orgs": _empty_orgs,
    "yaml-bomb": _yaml_bomb,
}


#: Run by a fresh interpreter: the command under the memory limit, then its own peak (its only child's).
_WRAP = """
import resource, subprocess, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
proc = subprocess.run(sys.argv[2:], capture_output=True, text=True)
print(len((proc.stdout + proc.stderr).splitlines()), proc.returncode,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def run(name: str, build: Callable[[Path], list[str]]) -> str:
    """Build one case, run it in a child process and return its line."""
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        args = build(Path(tmp))
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", _WRAP, str(LIMIT), *EXE, *args], capture_output=True,
                              text=True, timeout=900, check=True)
        seconds = time.perf_counter() - t
    printed, status, peak_kb = proc.stdout.split()
    return f"{name:14s} {seconds:7.1f} s  peak {int(peak_kb) / 1024:6.0f} MB  exit {status}  {printed} line(s)"


def main() -> None:
    """Run the cases (or those whose name contains ``--only``) and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    args = parser.parse_args()
    print(f"load1 {os.getloadavg()[0]:.1f}")
    for name, build in CASES.items():
        if args.only in name:
            print(run(name, build), flush=True)


if __name__ == "__main__":
    main()
