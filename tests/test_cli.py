"""The command line as a user meets it: exit codes, plain messages, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from .conftest import RELS

EXE = [sys.executable, "-m", "partnermap"]


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*EXE, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          encoding="utf-8", timeout=300)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == "partnermap, version 0.1.0"
    out = run("--help").stdout
    for command in ("validate", "demo", "metrics", "report"):
        assert command in out


def test_validate_clean_folder_exits_0(toy: Path) -> None:
    proc = run("validate", toy)
    assert proc.returncode == 0, proc.stderr
    assert "OK: the data can be used." in proc.stdout


def test_validate_errors_exit_2_with_file_row_column_on_stderr(folder, tmp_path: Path) -> None:
    f = folder(rels=RELS + "ORG-001,ORG-999,partnership,,,,,,,,\n")
    out = tmp_path / "problems.csv"
    proc = run("validate", f, "-o", out)
    assert proc.returncode == 2
    assert "relationships.csv:7:target: error: 'ORG-999' is not an org_id in organizations.csv" in proc.stderr
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert "set aside" in table["severity"].tolist()
    assert (table["severity"] == "error").sum() == 1


def test_validate_warnings_exit_0(folder) -> None:
    f = folder(rels=RELS + "ORG-003,ORG-003,partnership,,,,,,,,\n")
    proc = run("validate", f)
    assert proc.returncode == 0
    assert "relationships.csv:7:target: warning: self-tie" in proc.stdout


def test_missing_path_and_bad_usage_exit_2(tmp_path: Path) -> None:
    proc = run("validate", tmp_path / "nope")
    assert proc.returncode == 2 and "no such file or folder" in proc.stderr
    proc = run("frobnicate")
    assert proc.returncode == 2 and "No such command" in proc.stderr
