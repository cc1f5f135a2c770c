"""Settings files (--weights, report --params): read safely, refused in plain words."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import partnermap as pm
from partnermap import report
from partnermap.gaps import read_weights

BOMB = "".join(f"{b}: &{b} [{','.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True))
BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + BOMB + "equity: *i\n"


def test_a_weights_file_with_nested_aliases_is_refused_at_once(tmp_path: Path) -> None:
    """R07: a 1 KB billion-laughs file ran 94 s, took 8 GB and printed a traceback."""
    w = tmp_path / "w.yaml"
    w.write_text(BOMB, encoding="utf-8")
    assert len(BOMB) < 1000
    with pytest.raises(pm.PartnermapError, match=r"w\.yaml: not valid YAML at line 2 \(aliases \(\*a\) are not "
                                                 r"allowed\)"):
        read_weights(w)
    org = "org_id,name,sector\nA,Alpha,public\nB,Beta,public\n"
    (tmp_path / "organizations.csv").write_text(org, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "partnermap", "partners", str(tmp_path), "--focal", "A",
                           "--weights", str(w), "-o", str(tmp_path / "p.csv")],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 2
    assert "aliases (*a) are not allowed" in proc.stderr and "Traceback" not in proc.stderr


def test_a_huge_value_is_echoed_short_and_a_huge_file_is_not_read(tmp_path: Path) -> None:
    w = tmp_path / "w.yaml"
    w.write_text("equity: [" + ", ".join(["1"] * 100_000) + "]\n", encoding="utf-8")
    with pytest.raises(pm.ParameterError, match=r"weight 'equity' is \[1, 1, 1, 1, 1, \.\.\.\], not a number") as e:
        read_weights(w)
    assert len(str(e.value)) < 400
    w.write_text("equity: 0.2\n" + "# padding\n" * 200_000, encoding="utf-8")
    with pytest.raises(pm.PartnermapError, match=r"w\.yaml: the file is 2,000,012 bytes; a settings file is a few "
                                                 r"lines"):
        read_weights(w)


def test_a_report_parameters_file_refuses_aliases_too(tmp_path: Path) -> None:
    params = tmp_path / "p.yaml"
    params.write_text("a: &a x\nfocal: *a\n", encoding="utf-8")
    with pytest.raises(pm.ParameterError, match=r"not valid YAML at line 2 \(aliases \(\*a\) are not allowed\)"):
        report.run(None, tmp_path / "r", params=params, quiet=True)
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())
