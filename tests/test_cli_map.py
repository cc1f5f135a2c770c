"""`partnermap map` and the geojson / kumu exports, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import partnermap as pm

from .hostile import PRIVATE_VALUES, write_hostile
from .test_cli import run

DEMO = pm.datasets.demo_path()


@pytest.mark.parametrize("kind", ["organizations", "coverage", "partners", "ties", "network"])
def test_map_writes_one_self_contained_page(kind: str, tmp_path: Path) -> None:
    out = tmp_path / f"{kind}.html"
    args = ["map", DEMO, "--kind", kind, "-o", out, "--language", "ar"]
    if kind == "partners":
        args += ["--focal", "ORG-001", "--top", "5"]
    proc = run(*args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    html = out.read_text(encoding="utf-8")
    assert "<script src=" not in html and 'lang="ar"' in html
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no lib/ folder
    assert "zip it" in proc.stdout


def test_map_cdn_and_no_tiles(tmp_path: Path) -> None:
    out = tmp_path / "ties.html"
    proc = run("map", DEMO, "--kind", "ties", "--tiles", "none", "--assets", "cdn", "-o", out)
    assert proc.returncode == 0, proc.stderr
    html = out.read_text(encoding="utf-8")
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in html and "L.tileLayer" not in html


def test_partners_without_focal_is_a_usage_error_that_suggests_ids(tmp_path: Path) -> None:
    proc = run("map", DEMO, "--kind", "partners", "-o", tmp_path / "p.html")
    assert proc.returncode == 2
    assert "--focal" in proc.stderr and "ORG-001" in proc.stderr
    assert not (tmp_path / "p.html").exists()


def test_unknown_focal_and_bad_suffix_exit_2(tmp_path: Path) -> None:
    proc = run("map", DEMO, "--kind", "partners", "--focal", "ORG-9999", "-o", tmp_path / "p.html")
    assert proc.returncode == 2 and "Did you mean" in proc.stderr
    proc = run("map", DEMO, "--kind", "ties", "-o", tmp_path / "p.png")
    assert proc.returncode == 2 and ".html" in proc.stderr


def test_export_kumu_layout_without_private_columns(tmp_path: Path) -> None:
    data_dir = write_hostile(tmp_path / "hostile")
    out = tmp_path / "kumu.xlsx"
    proc = run("export", data_dir, "--format", "kumu", "-o", out)
    assert proc.returncode == 0, proc.stderr
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["Elements", "Connections"]
    el, conn = sheets["Elements"], sheets["Connections"]
    data = pm.load(data_dir)
    assert list(el.columns[:3]) == ["Label", "ID", "Type"]
    assert el["Label"].is_unique and len(el) == len(data.organizations)
    assert set(conn["From"]) | set(conn["To"]) <= set(el["Label"])
    assert len(conn) == len(data.relationships) and {"From", "To", "Type", "Direction"} <= set(conn.columns)
    text = el.to_csv() + conn.to_csv()
    assert not any(v in text for v in PRIVATE_VALUES)
    assert "housing|" in " ".join(el["Tags"].astype(str))  # Kumu's tag separator


def test_export_geojson_points_without_private_columns(tmp_path: Path) -> None:
    data_dir = write_hostile(tmp_path / "hostile")
    out = tmp_path / "orgs.geojson"
    assert run("export", data_dir, "--format", "geojson", "-o", out).returncode == 0
    fc = json.loads(out.read_text(encoding="utf-8"))
    assert len(fc["features"]) == len(pm.load(data_dir).organizations)
    props = fc["features"][0]["properties"]
    assert "org_id" in props and not {"email", "phone", "contact_name", "Mobile 2"} & set(props)
    assert fc["features"][0]["geometry"]["type"] == "Point"
    assert not any(v in out.read_text(encoding="utf-8") for v in PRIVATE_VALUES)
