"""Raw reading of workbooks: cells as written, only the cells the sheet stores, the table's own extent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

import partnermap as pm

from .conftest import lines, one


def book(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


NA_TEXTS = ["NA", "None", "null", "n/a", "#N/A", "NaN", "-", "nan"]


def test_na_like_texts_in_a_workbook_are_read_as_written(tmp_path: Path) -> None:
    """R17: 'None', 'NA', 'null', 'n/a', '#N/A' are text, not missing: only an empty cell is."""
    rows = [["org_id", "name", "sector", "city"], ["A", "None", "public", "NA"], ["B", "Beta", "public", "n/a"],
            ["NA", "Gamma", "public", "Dammam"], ["D", "null", "public", "#N/A"], ["E", "Epsilon", "public", None]]
    data = pm.load(book(tmp_path / "book.xlsx", {"organizations": rows}))
    orgs = data.organizations
    assert list(orgs.index) == ["A", "B", "NA", "D", "E"]
    assert orgs.loc["A", "name"] == "None" and orgs.loc["D", "name"] == "null"
    assert orgs["city"].tolist() == ["NA", "n/a", "Dammam", "#N/A", None]
    assert not data.report.errors


def test_na_like_texts_in_csv_and_geojson_are_read_as_written(folder, tmp_path: Path) -> None:
    """R17, the other readers: CSV cells and GeoJSON properties keep the same texts."""
    text = "org_id,name,sector,city\n" + "".join(f"O{i},{v},public,{v}\n" for i, v in enumerate(NA_TEXTS))
    orgs = pm.load(folder(orgs=text)).organizations
    assert orgs["name"].tolist() == NA_TEXTS and orgs["city"].tolist() == NA_TEXTS
    gj = tmp_path / "gj"
    gj.mkdir()
    features = ",".join(
        f'{{"type":"Feature","properties":{{"org_id":"G{i}","name":"{v}","sector":"public"}},'
        f'"geometry":{{"type":"Point","coordinates":[50.1,26.4]}}}}' for i, v in enumerate(NA_TEXTS))
    (gj / "organizations.geojson").write_text(f'{{"type":"FeatureCollection","features":[{features}]}}',
                                              encoding="utf-8")
    assert pm.load(gj).organizations["name"].tolist() == NA_TEXTS


def test_a_stray_cell_at_the_last_cell_of_the_sheet_is_one_warning(tmp_path: Path) -> None:
    """R21: one value at XFD1048576 made pandas build a 1,048,576 x 16,384 table (MemoryError)."""
    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "organizations"
    for r in (["org_id", "name", "sector"], ["A", "Alpha", "public"]):
        ws.append(r)
    ws.cell(row=1048576, column=16384, value="stray")
    wb.save(path)
    r = pm.validate(path)
    assert r.ok and r.counts["organizations"] == (1, 1)
    p = one(r, r"1 cell\(s\) right of the last heading \('sector' in C1\) are outside the table", "warning")
    assert p.file == "book.xlsx[organizations]" and p.row == 1048576 and "XFD1048576 'stray'" in p.message


def test_cells_right_of_the_last_heading_are_counted_with_the_first_few(tmp_path: Path) -> None:
    rows = [["org_id", "name", "sector"]] + [[f"O{i}", f"Org {i}", "public", None, f"note {i}"] for i in range(8)]
    r = pm.validate(book(tmp_path / "book.xlsx", {"organizations": rows}))
    p = one(r, r"8 cell\(s\) right of the last heading", "warning")
    assert "E2 'note 0'" in p.message and "and 3 more" in p.message
    assert r.counts["organizations"] == (8, 8)


def test_a_wide_table_loads_every_column_without_fragmenting(tmp_path: Path, folder) -> None:
    """R23 and the loading part of R09: 2,000 extra columns, as a sheet and as CSV.

    pandas' PerformanceWarning ("DataFrame is highly fragmented"), which adding the columns one
    by one raised, is an error in the tests.
    """
    head = ["org_id", "name", "sector"] + [f"c{i}" for i in range(2000)]
    rows = [head] + [[f"O{k}", f"Org {k}", "public"] + [f"v{k}"] * 2000 for k in range(20)]
    sheet = pm.load(book(tmp_path / "wide.xlsx", {"organizations": rows})).organizations
    csv = pm.load(folder(orgs="\n".join(",".join(r) for r in rows) + "\n")).organizations
    for orgs in (sheet, csv):
        assert orgs.shape[0] == 20 and "c1999" in orgs.columns
        assert orgs.loc["O7", "c1999"] == "v7"


def test_a_row_of_spaces_is_skipped_in_a_workbook_as_in_a_csv(tmp_path: Path, folder) -> None:
    rows = [["org_id", "name", "sector"], ["A", "Alpha", "public"], ["  ", " ", "   "], ["B", "Beta", "public"]]
    r = pm.validate(book(tmp_path / "book.xlsx", {"organizations": rows}))
    csv = pm.validate(folder(orgs="org_id,name,sector\nA,Alpha,public\n  , ,   \nB,Beta,public\n"))
    assert r.ok and csv.ok
    assert r.counts["organizations"] == csv.counts["organizations"] == (2, 2)


def test_workbook_values_read_as_the_user_sees_them(tmp_path: Path) -> None:
    """Numbers without '.0', dates as YYYY-MM-DD, booleans, rich text, rows numbered as in the sheet."""
    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "organizations"
    ws.append([])  # a blank first row: the header is the first row with text
    ws.append(["org_id", "name", "sector", "founded", "members", "share", "active", "lat", "lon"])
    ws.append([7, "Alpha", "public", dt.datetime(2005, 3, 1), 120.0, 0.25, True, 26.4, 50.1])
    ws.append(["B", CellRichText(["Be", TextBlock(InlineFont(b=True), "ta")]), "public", None, None, None, None,
               None, None])
    wb.save(path)
    data = pm.load(path)
    orgs = data.organizations
    assert list(orgs.index) == ["7", "B"]
    assert orgs.loc["7", "founded"] == "2005-03-01" and orgs.loc["7", "members"] == "120"
    assert orgs.loc["7", "share"] == "0.25" and orgs.loc["7", "active"] == "True"
    assert orgs.loc["7", "lat"] == pytest.approx(26.4)
    assert orgs.loc["B", "name"] == "Beta"
    r = pm.validate(book(tmp_path / "b2.xlsx", {"organizations": [[], ["org_id", "name", "sector"], ["A", "", "x"]]}))
    assert any(line.startswith("b2.xlsx[organizations]:3:name: error: blank name") for line in lines(r))


def test_only_the_three_sheets_are_read_and_a_broken_file_is_one_error(tmp_path: Path) -> None:
    sheets = {"notes": [["anything"] * 3] * 5, "organizations": [["org_id", "name", "sector"], ["A", "Alpha", "public"]],
              "ties": [["source", "target"], ["A", "A"]]}
    r = pm.validate(book(tmp_path / "book.xlsx", sheets))
    assert r.sources["relationships"].endswith("book.xlsx[ties]")
    one(r, "self-tie", "warning")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes((tmp_path / "book.xlsx").read_bytes()[:2000])
    one(pm.validate(broken), "unreadable workbook", "error")
