"""The command line as a user meets it: exit codes, plain messages, no tracebacks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
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


DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


def test_metrics_on_demo_writes_excel_friendly_csv_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    proc = run("metrics", DEMO, "-o", out, "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel shows the Arabic names
    table = pd.read_csv(out, encoding="utf-8-sig", index_col="org_id")
    assert len(table) == 320 and table["betweenness"].between(0, 1).all()
    assert "sector pairs with no ties: for_profit - public" in proc.stdout
    assert table.loc["ORG-001", "name"] == "شركة المدار للهندسة والتصميم"


def test_metrics_direction_is_printed_and_kept_beside_the_table(tmp_path: Path) -> None:
    knoke = Path(__file__).parent / "fixtures" / "knoke"
    out = tmp_path / "m.xlsx"
    proc = run("metrics", knoke, "-o", out, "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert "direction: directed (auto: every tie (49) is directed)" in proc.stdout
    about = pd.read_excel(out, sheet_name="about", index_col=0)["value"]
    assert about["direction"] == "directed" and about["direction_requested"] == "auto"
    table = pd.read_excel(out, sheet_name=0, index_col=0)
    assert {"in_closeness", "hub", "authority"} <= set(table.columns)
    proc = run("metrics", knoke, "-o", tmp_path / "u.csv", "--no-progress", "--direction", "undirected")
    assert proc.returncode == 0 and "direction: undirected (asked for" in proc.stdout
    assert run("metrics", knoke, "-o", out, "--direction", "sideways").returncode == 2


def test_metrics_estimate_states_its_error_on_screen_and_in_the_workbook(tmp_path: Path) -> None:
    out = tmp_path / "m.xlsx"
    proc = run("metrics", DEMO, "-o", out, "--no-progress", "--estimate", "--epsilon", "0.02", "--delta", "0.05")
    assert proc.returncode == 0, proc.stderr
    about = pd.read_excel(out, sheet_name="about", index_col=0)["value"]
    eps, sources = float(about["betweenness_epsilon"]), int(about["betweenness_sources"])
    assert 0 < eps <= 0.02 and float(about["betweenness_delta"]) == 0.05 and sources < 320
    assert (f"note: betweenness is estimated: every organisation within +/-{eps:.2g} of the exact value with "
            f"probability about 95% (epsilon {eps:.2g}, delta 0.05, {sources} of 320 organisations") in proc.stdout
    assert run("metrics", DEMO, "-o", out, "--estimate", "-k", "5").returncode == 2


def test_coverage_on_demo_finds_the_underserved_area(tmp_path: Path) -> None:
    out = tmp_path / "c.geojson"
    proc = run("coverage", DEMO, "-o", out)
    assert proc.returncode == 0, proc.stderr
    layer = gpd.read_file(out)
    assert layer.crs.to_epsg() == 4326 and layer["area_id"].is_unique
    assert layer.set_index("area_id").loc["DAM-07", "serving_total"] == 0
    assert "58,300 residents" in proc.stdout


def test_unknown_focal_is_a_clear_error(tmp_path: Path) -> None:
    proc = run("coverage", DEMO, "-o", tmp_path / "c.csv", "--focal", "ORG-0001")
    assert proc.returncode == 2
    assert "Did you mean 'ORG-001'" in proc.stderr


def test_metrics_and_report_refuse_broken_data(folder, tmp_path: Path) -> None:
    f = folder(rels=RELS + "ORG-001,ORG-999,partnership,,,,,,,,\n")
    proc = run("metrics", f, "-o", tmp_path / "m.csv")
    assert proc.returncode == 2 and "ORG-999" in proc.stderr
    assert not (tmp_path / "m.csv").exists()


def test_demo_command_writes_a_folder_that_validates(tmp_path: Path) -> None:
    proc = run("demo", "-o", tmp_path / "mine")
    assert proc.returncode == 0, proc.stderr
    assert run("validate", tmp_path / "mine").returncode == 0


def test_partners_ranks_with_reasons_and_org_id_column(tmp_path: Path) -> None:
    out = tmp_path / "p.csv"
    proc = run("partners", DEMO, "--focal", "ORG-001", "--top", "5", "-o", out)
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(out, encoding="utf-8-sig", dtype={"org_id": str})
    assert list(table.columns[:1]) == ["org_id"] and len(table) == 5
    assert {"score", "reasons", "mutual_benefit", "equity", "capacity"} <= set(table.columns)
    assert table["score"].is_monotonic_decreasing
    assert "ORG-001" not in set(table["org_id"])


def test_gaps_finds_the_demo_gaps(tmp_path: Path) -> None:
    out = tmp_path / "g.xlsx"
    proc = run("gaps", DEMO, "--focal", "ORG-001", "-o", out)
    assert proc.returncode == 0, proc.stderr
    table = pd.read_excel(out)
    assert {"isolated_group", "sector_pair", "underserved_area"} <= set(table["gap"])
    assert "DAM-07" in set(table["area_id"].dropna())


def test_wrong_output_suffix_is_refused_before_any_work(tmp_path: Path) -> None:
    proc = run("metrics", DEMO, "-o", tmp_path / "m.txt")
    assert proc.returncode == 2 and "use .csv or .xlsx" in proc.stderr


def test_unknown_focal_suggests_by_padding_case_and_name(tmp_path: Path) -> None:
    for given in ("org-001", "ORG-01", "Al-Madar Engineering", "شركة المدار"):
        proc = run("partners", DEMO, "--focal", given, "-o", tmp_path / "p.csv")
        assert proc.returncode == 2
        assert "Did you mean 'ORG-001'" in proc.stderr, (given, proc.stderr)


def test_weights_file_with_exponent_and_typo(tmp_path: Path) -> None:
    good, bad = tmp_path / "w.yaml", tmp_path / "bad.yaml"
    good.write_text("mutual_benefit: 1e-1\nequity: 0\n", encoding="utf-8")
    bad.write_text("mutual_benfit: 0.3\n", encoding="utf-8")
    proc = run("partners", DEMO, "--focal", "ORG-001", "--weights", good, "-o", tmp_path / "p.csv")
    assert proc.returncode == 0, proc.stderr
    # 0.1 of a total of 0.7 (equity 0, the other defaults): the weights are normalised, and the output says so
    assert "divided by their sum" in proc.stdout and "mutual_benefit 0.143" in proc.stdout
    proc = run("partners", DEMO, "--focal", "ORG-001", "--weights", bad, "-o", tmp_path / "p.csv")
    assert proc.returncode == 2 and "did you mean 'mutual_benefit'" in proc.stderr


def test_demo_refuses_a_folder_that_holds_data_unless_forced(tmp_path: Path) -> None:
    """Issue 10 item 6 (reproducer 10_demo_overwrites_folder): `demo -o DIR` kept overwriting the user's data."""
    mine = tmp_path / "mydata"
    mine.mkdir()
    (mine / "organizations.csv").write_text("org_id,name,sector\nMY-1,My own organisation,non_profit\n",
                                            encoding="utf-8")
    proc = run("demo", "-o", mine)
    assert proc.returncode == 2
    assert "already holds data files (organizations.csv)" in proc.stderr and "--force" in proc.stderr
    assert "MY-1" in (mine / "organizations.csv").read_text(encoding="utf-8")
    assert sorted(p.name for p in mine.iterdir()) == ["organizations.csv"]  # nothing else written either
    proc = run("demo", "-o", mine, "--force")
    assert proc.returncode == 0, proc.stderr
    assert "MY-1" not in (mine / "organizations.csv").read_text(encoding="utf-8")
    assert run("validate", mine).returncode == 0


def test_demo_refuses_other_tables_and_accepts_a_folder_of_other_files(tmp_path: Path) -> None:
    for name in ("ties.xlsx", "Areas.GeoJSON", "README.md"):
        folder = tmp_path / name.replace(".", "_")
        folder.mkdir()
        (folder / name).write_text("x", encoding="utf-8")
        proc = run("demo", "-o", folder)
        assert proc.returncode == 2 and name in proc.stderr, (name, proc.stderr)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "minutes.docx").write_text("x", encoding="utf-8")
    assert run("demo", "-o", notes).returncode == 0


def test_coverage_refuses_a_private_column_as_by(tmp_path: Path) -> None:
    """Issue 10 item 2 (reproducer 07_coverage_by_private_column): the values became column names."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "organizations.csv").write_text(
        "org_id,name,sector,lat,lon,email,contact_name,واتساب\n"
        "A,Alpha,public,26.43,50.10,director@alpha.example.sa,Fatimah Alzahrani,+966500000001\n"
        "B,Beta,non_profit,26.44,50.11,director@alpha.example.sa,Fatimah Alzahrani,+966500000002\n",
        encoding="utf-8")
    for by in ("email", "contact_name", "واتساب"):
        out = tmp_path / f"cov-{by}.geojson"
        proc = run("coverage", data, "--by", by, "-o", out)
        assert proc.returncode == 2, (by, proc.stdout)
        assert "is a private column" in proc.stderr and not out.exists()
        assert "alpha.example" not in proc.stderr + proc.stdout and "Fatimah" not in proc.stderr + proc.stdout
    proc = run("coverage", data, "--by", "sector", "--private", "sector", "-o", tmp_path / "c.csv")
    assert proc.returncode == 2 and "cannot be private" in proc.stderr


def test_private_option_keeps_a_column_out_of_every_command_that_writes(tmp_path: Path) -> None:
    out = tmp_path / "demo.xlsx"
    proc = run("export", DEMO, "--format", "xlsx", "--private", "founded_year", "--private", "المدينة", "-o", out)
    assert proc.returncode == 0, proc.stderr
    columns = pd.read_excel(out, sheet_name="organizations").columns
    assert "founded_year" not in columns and "city" not in columns and "name_en" in columns
    proc = run("export", DEMO, "--format", "xlsx", "--private", "founded_yaer", "-o", out)
    assert proc.returncode == 2 and "--private 'founded_yaer': the data has no such column" in proc.stderr
    assert "email" not in proc.stderr  # the list of columns names no private one
    for command in ("metrics", "coverage", "partners", "gaps", "export", "map", "report"):
        assert "--private COL" in run(command, "--help").stdout, command


def test_private_columns_txt_in_the_data_folder_is_applied_by_the_commands(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run("demo", "-o", data).returncode == 0
    (data / "private_columns.txt").write_text("# kept to ourselves\nfounded_year\n", encoding="utf-8")
    out = tmp_path / "orgs.geojson"
    proc = run("export", data, "--format", "geojson", "-o", out)
    assert proc.returncode == 0, proc.stderr
    columns = gpd.read_file(out).columns
    assert "founded_year" not in columns and "name_en" in columns


_DISTRICTS = ('{"type":"FeatureCollection","features":[{"type":"Feature","id":"101","properties":'
              '{"id":"101","code":"M-101","district":"101-Bois-de-Liesse"},"geometry":{"type":"Polygon",'
              '"coordinates":[[[-73.6,45.48],[-73.5,45.48],[-73.5,45.55],[-73.6,45.55],[-73.6,45.48]]]}}]}')


def test_coverage_finds_an_areas_id_column_or_takes_the_one_named(folder, tmp_path: Path) -> None:
    # issue 10 item 10 (13_areas_id_column): an areas file whose id column is 'id'
    f = folder(orgs="org_id,name,sector,lat,lon\nA,Alpha,public,45.50,-73.57\n")
    (tmp_path / "districts.geojson").write_text(_DISTRICTS, encoding="utf-8")
    out = tmp_path / "c.csv"
    proc = run("coverage", f, "--areas", tmp_path / "districts.geojson", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert pd.read_csv(out, dtype=str)["area_id"].tolist() == ["101"]
    proc = run("coverage", f, "--areas", tmp_path / "districts.geojson", "--area-id", "code",
               "--area-name", "district", "-o", out)
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(out, dtype=str)
    assert table["area_id"].tolist() == ["M-101"] and table["name"].tolist() == ["101-Bois-de-Liesse"]
    (f / "areas.geojson").write_text(_DISTRICTS, encoding="utf-8")  # DATA's own areas take the options too
    assert run("coverage", f, "--area-id", "code", "-o", out).returncode == 0
    assert pd.read_csv(out, dtype=str)["area_id"].tolist() == ["M-101"]
    proc = run("coverage", f, "--area-id", "nope", "-o", out)
    assert proc.returncode == 2 and "--area-id 'nope': there is no such column" in proc.stderr


FAR_AWAY_ORGS = """org_id,name,sector,lat,lon
M1,Miami shelter,non_profit,25.77,-80.19
M2,Miami clinic,public,25.78,-80.20
M3,Miami food bank,non_profit,25.80,-80.21
S1,National HQ (Seattle),non_profit,47.61,-122.33
K1,Key West office,non_profit,24.55,-81.78
N1,NYC office,non_profit,40.75,-73.97
P1,Phoenix office,public,33.45,-112.07
"""


def test_coverage_grid_is_built_around_the_organisations_and_far_offices_are_reported(tmp_path: Path) -> None:
    """Issue 10 item 9 (reproducer 08_report_dies_on_far_point, four offices far away): exit 2 and a grid
    of 8.6 million cells before; the grid is now around the Miami agencies."""
    data = tmp_path / "four"
    data.mkdir()
    (data / "organizations.csv").write_text(FAR_AWAY_ORGS, encoding="utf-8")
    (data / "relationships.csv").write_text("source,target\nM1,M2\nM2,M3\n", encoding="utf-8")
    out = tmp_path / "cov.csv"
    proc = run("coverage", data, "-o", out)
    assert proc.returncode == 0, proc.stderr
    cells = pd.read_csv(out, encoding="utf-8-sig")
    assert len(cells) < 300 and cells["located_total"].sum() == 3
    for office in ("S1", "K1", "N1", "P1"):
        assert f"warning: {office}: " in proc.stderr and "no H3 cells were made around it" in proc.stderr
    coarse = tmp_path / "coarse.csv"
    proc = run("coverage", data, "--resolution", "6", "-o", coarse)
    assert proc.returncode == 0, proc.stderr
    assert len(pd.read_csv(coarse, encoding="utf-8-sig")) < len(cells) / 10


def test_a_grid_too_fine_suggests_an_option_the_command_has(tmp_path: Path) -> None:
    data = tmp_path / "wide"
    data.mkdir()
    (data / "organizations.csv").write_text(
        "org_id,name,sector,lat,lon,service_radius_km\nA,Alpha,public,26.43,50.10,25\nB,Beta,public,26.60,50.10,25\n",
        encoding="utf-8")
    proc = run("coverage", data, "--resolution", "13", "-o", tmp_path / "c.csv")
    assert proc.returncode == 2
    fit = re.search(r"use resolution (\d+) or lower \(--resolution \1\)", proc.stderr)
    assert fit, proc.stderr
    assert "--resolution" in run("coverage", "--help").stdout  # the option the message names exists


def _many_problems(folder: Path) -> Path:
    """Two located organisations in the first of eight districts, and 24 without coordinates."""
    folder.mkdir()
    rows = ["org_id,name,sector,lat,lon", "A,Alpha,public,26.305,50.105", "B,Beta,non_profit,26.306,50.106"]
    rows += [f"N{i:02d},No place {i},non_profit,," for i in range(24)]
    (folder / "organizations.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    features = [{"type": "Feature", "properties": {"area_id": f"D{i}", "name": f"District {i}", "population": 100 * i},
                 "geometry": {"type": "Polygon", "coordinates": [[[50.1 + 0.1 * i, 26.3], [50.11 + 0.1 * i, 26.3],
                                                                  [50.11 + 0.1 * i, 26.31], [50.1 + 0.1 * i, 26.31],
                                                                  [50.1 + 0.1 * i, 26.3]]]}} for i in range(8)]
    (folder / "areas.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                                          encoding="utf-8")
    return folder


def test_every_list_a_coverage_message_mentions_can_be_written(tmp_path: Path) -> None:
    """Issue 10 item 14: '… and 4 more (all of them: coverage(...).attrs['problems'] in Python)'."""
    data = _many_problems(tmp_path / "data")
    proc = run("coverage", data, "-o", tmp_path / "c.csv")
    assert proc.returncode == 0, proc.stderr
    said = proc.stdout + proc.stderr
    assert "attrs" not in said and "Python" not in said
    assert "… and 4 more location problem(s) (--problems FILE.csv writes them all)" in proc.stderr
    assert "7 area(s) with no organisation within reach" in proc.stdout
    assert "… and 2 more (--underserved FILE.csv writes them all)" in proc.stdout
    problems, gaps = tmp_path / "problems.csv", tmp_path / "gaps.xlsx"
    proc = run("coverage", data, "-o", tmp_path / "c.csv", "--problems", problems, "--underserved", gaps)
    assert proc.returncode == 0, proc.stderr
    assert f"(all of them in {problems})" in proc.stderr and f"(all of them in {gaps})" in proc.stdout
    table = pd.read_csv(problems, encoding="utf-8-sig")
    assert len(table) == 24 and set(table["problem"]) == {"no_coordinates"} and set(table["org_id"]) >= {"N00", "N23"}
    ranked = pd.read_excel(gaps)
    assert len(ranked) == 7 and ranked["rank"].tolist() == list(range(1, 8)) and ranked["reason"].notna().all()
    proc = run("coverage", data, "-o", tmp_path / "c.csv", "--problems", tmp_path / "p.json")
    assert proc.returncode == 2 and "use .csv or .xlsx" in proc.stderr


def test_partners_says_how_to_rank_every_candidate(tmp_path: Path) -> None:
    proc = run("partners", DEMO, "--focal", "ORG-001", "--top", "5", "-o", tmp_path / "p.csv")
    assert proc.returncode == 0, proc.stderr
    total = int(re.search(r"\(5 candidates of (\d+); --top \1 ranks them all\)", proc.stdout).group(1))
    proc = run("partners", DEMO, "--focal", "ORG-001", "--top", str(total), "-o", tmp_path / "all.csv")
    assert len(pd.read_csv(tmp_path / "all.csv", encoding="utf-8-sig")) == total
    assert "ranks them all" not in proc.stdout


def test_metrics_records_every_filter_and_writes_the_summary(tmp_path: Path) -> None:
    """Issue 10 item 15: the about sheet named no filter, and the summary went only to the terminal."""
    out, summary = tmp_path / "m.xlsx", tmp_path / "s.xlsx"
    proc = run("metrics", DEMO, "-o", out, "--kinds", "funding,in_kind", "--status", "active,ended",
               "--as-of", "2025-01-01", "--summary", summary, "--no-progress")
    assert proc.returncode == 0, proc.stderr
    about = pd.read_excel(out, sheet_name="about", index_col=0)["value"]
    assert about["ties_kinds"] == "funding,in_kind" and about["ties_status"] == "active,ended"
    assert about["ties_as_of"] == "2025-01-01" and about["graph_kinds"] == "funding, in_kind"
    figures = pd.read_excel(summary, sheet_name="summary").set_index("measure")
    assert figures.loc["organisations", "value"] == 320 and figures.loc["ties", "meaning"]
    printed = re.search(r"^ties: (\d+)$", proc.stdout, re.M).group(1)
    assert str(figures.loc["ties", "value"]) == printed  # the same network as the table
    with pd.ExcelFile(summary) as book:
        assert {"sector_mixing", "sector_mixing_expected", "about"} <= set(book.sheet_names)
    csv = tmp_path / "s.csv"
    assert run("metrics", DEMO, "-o", tmp_path / "m.csv", "--summary", csv, "--no-progress").returncode == 0
    rows = pd.read_csv(csv, encoding="utf-8-sig").set_index("measure")
    assert rows.loc["about: ties_kinds", "value"] == "all kinds" and rows.loc["component_sizes", "value"].startswith("308;")
