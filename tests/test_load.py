"""Loading and validation: every bad input gets a file:row:column message; nothing is lost."""

from __future__ import annotations

import io
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon

import partnermap as pm
from partnermap.coverage import read_areas
from partnermap.load import validate

from .conftest import HEADER_ORGS, ORGS, RELS, lines, one, write

HEADER = HEADER_ORGS


def accounted(report: pm.LoadReport, data: pm.PartnerData | None = None) -> None:
    """Every input row is loaded or rejected with a reason."""
    for table, (read, kept) in report.counts.items():
        rejected = [r for r in report.rejected if Path(r["file"]).stem.split("[")[0] in (table,)
                    or r["file"].endswith(f"[{table}]")]
        assert kept + len(rejected) == read, (table, read, kept, report.rejected)


# ------------------------------------------------------------------ happy path


def test_clean_folder_loads_with_types_lists_and_ids(toy: Path) -> None:
    data = pm.load(toy)
    orgs = data.organizations
    assert data.report.ok and not data.report.warnings
    assert orgs.crs.to_epsg() == 4326
    assert orgs.index.name == "org_id"
    assert "007" in orgs.index  # leading zeros kept: ids are text
    assert orgs.loc["ORG-001", "offers"] == ["expertise", "skills", "in_kind_services"]
    assert orgs.loc["ORG-001", "geometry"].equals(Point(50.21, 26.28))
    assert orgs.loc["ORG-001", "founded_year"] == "2005"  # unknown column kept
    rel = data.relationships
    assert len(rel) == 5
    assert rel.loc[rel["kind"] == "funding", "directed"].all()
    assert not rel.loc[rel["kind"] == "in_kind", "directed"].any()
    assert rel["resources"].iloc[0] == ["expertise", "in_kind_services"]
    assert rel["start_date"].dtype.kind == "M"
    accounted(data.report)


def test_same_arabic_names_from_utf8_bom_and_windows_1256(folder) -> None:
    utf8 = pm.load(folder(encoding="utf-8", name="a"))
    bom = pm.load(folder(encoding="utf-8-sig", name="b"))
    cp = pm.load(folder(encoding="cp1256", name="c"))
    pd.testing.assert_frame_equal(utf8.organizations, bom.organizations)
    pd.testing.assert_frame_equal(utf8.organizations, cp.organizations)
    assert cp.organizations.loc["ORG-002", "name"] == "جمعية ترميم المنازل"
    assert any("Windows-1256" in line for line in lines(cp.report, "info"))


def test_semicolon_separated_csv_and_heading_variants(folder, tmp_path: Path) -> None:
    f = folder(orgs=None)
    table = pd.read_csv(io.StringIO(ORGS), dtype=str, keep_default_na=False)
    table = table.rename(columns={"org_id": "Org ID", "lat": "Latitude", "lon": "Longitude"})
    table.to_csv(f / "organizations.csv", sep=";", index=False)  # Excel in many locales
    data = pm.load(f)
    assert data.organizations.loc["ORG-001", "offers"] == ["expertise", "skills", "in_kind_services"]
    assert data.organizations.loc["ORG-002", "lat"] == pytest.approx(26.43)
    assert any("'Org ID' read as 'org_id'" in line for line in lines(data.report, "info"))


def test_row_with_too_many_values_is_an_error_naming_the_line(folder) -> None:
    text = ORGS + "X,Name, with comma,public,school,26.4,50.1,,,,,,,,1999\n"
    r = validate(folder(orgs=text))
    p = one(r, "the row has 15 values but the header has 14 columns", "error")
    assert p.row == 7 and "double quotes" in p.fix


def test_quoted_multiline_cell_keeps_line_numbers(folder) -> None:
    text = HEADER + '\nA,"two\nlines",public,,26.4,50.1,,,,,,,,\n,blank id,public,,26.4,50.1,,,,,,,,\n'
    r = validate(folder(orgs=text))
    assert one(r, "blank org_id", "error").row == 4


def test_synonyms_are_mapped_and_reported(folder) -> None:
    text = HEADER + "\nA,Helping Hands,charity,,26.4,50.1,money;venue,,,L,,,,\nB,City Hall,حكومي,,26.41,50.11,,,,,,,,\n"
    data = pm.load(folder(orgs=text))
    orgs = data.organizations
    assert orgs.loc["A", "sector"] == "non_profit" and orgs.loc["B", "sector"] == "public"
    assert orgs.loc["A", "offers"] == ["funding", "space"]
    assert orgs.loc["A", "capacity"] == "low"
    info = lines(data.report, "info")
    assert any("'charity' read as 'non_profit'" in line for line in info)
    assert any("'حكومي' read as 'public'" in line for line in info)


def test_sector_derived_from_org_type(folder) -> None:
    text = "org_id,name,org_type\nA,Central Library,library\nB,Acme,company\n"
    data = pm.load(folder(orgs=text))
    assert data.organizations["sector"].tolist() == ["public", "for_profit"]


def test_workbook_with_three_sheets(tmp_path: Path, toy: Path) -> None:
    book = tmp_path / "partners.xlsx"
    orgs = pd.read_csv(toy / "organizations.csv", dtype=str)
    rels = pd.read_csv(toy / "relationships.csv", dtype=str)
    with pd.ExcelWriter(book) as xl:
        orgs.to_excel(xl, sheet_name="organizations", index=False)
        rels.to_excel(xl, sheet_name="relationships", index=False)
    data = pm.load(book)
    assert sorted(data.organizations.index) == sorted(pm.load(toy).organizations.index)
    assert len(data.relationships) == 5
    assert data.report.ok


def test_geojson_organisations_with_point_geometry(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame({"org_id": ["1", "2"], "name": ["a", "b"], "sector": ["public", "public"]},
                           geometry=[Point(50.1, 26.4), Point(50.2, 26.3)], crs="EPSG:4326")
    f = tmp_path / "geo"
    f.mkdir()
    gdf.to_file(f / "organizations.geojson", driver="GeoJSON")
    data = pm.load(f)
    assert data.organizations.loc["2", "lat"] == pytest.approx(26.3)
    assert data.relationships.empty


# ------------------------------------------------------------- file-level errors


def test_missing_folder_and_missing_organisations_file(tmp_path: Path) -> None:
    r = validate(tmp_path / "nowhere")
    one(r, "no such file or folder", "error")
    (tmp_path / "empty").mkdir()
    write(tmp_path / "empty", "relationships.csv", RELS)
    r = validate(tmp_path / "empty")
    one(r, r"missing file: no organizations\.\*", "error")


def test_empty_file(folder) -> None:
    r = validate(folder(orgs=""))
    assert one(r, "the file is empty", "error").file == "organizations.csv"


def test_header_only(folder) -> None:
    one(validate(folder(orgs=HEADER + "\n")), "header but no organisations", "error")


def test_missing_required_column_lists_found_and_suggests(folder) -> None:
    text = ORGS.replace("org_id", "ogr_id", 1)
    r = validate(folder(orgs=text))
    p = one(r, "missing required column 'org_id'", "error")
    assert p.column == "org_id"
    assert "columns found: ogr_id, name, sector" in p.message
    assert "Did you mean 'ogr_id'?" in p.fix
    accounted(r)  # all rows set aside with the reason


def test_common_headings_in_english_and_arabic_are_read(folder) -> None:
    text = "orgid,الاسم,القطاع,خط العرض,خط الطول,E-mail,الجوال\nA,جمعية,خيرية,26.4,50.1,a@b.sa,0500\n"
    data = pm.load(folder(orgs=text))
    orgs = data.organizations
    assert orgs.index.tolist() == ["A"]
    assert orgs.loc["A", ["name", "sector", "lat"]].tolist() == ["جمعية", "non_profit", 26.4]
    assert orgs.loc["A", "email"] == "a@b.sa" and orgs.loc["A", "phone"] == "0500"  # private columns
    assert any("'orgid' read as 'org_id'" in line for line in lines(data.report, "info"))


def test_repeated_heading_is_kept_under_a_new_name(folder) -> None:
    data = pm.load(folder(orgs="org_id,name,sector,notes,notes\nA,x,public,one,two\n"))
    assert data.organizations.loc["A", ["notes", "notes_2"]].tolist() == ["one", "two"]
    one(data.report, "the heading 'notes' appears more than once", "warning")


def test_unclosed_quote_is_an_error_and_the_rows_are_accounted_for(folder) -> None:
    r = validate(folder(orgs='org_id,name,sector\nA,"Alpha,public\nB,Beta,public\nC,Gamma,public\n'))
    p = one(r, "cannot be split into rows from line 2", "error")
    assert "double quote" in p.fix
    assert r.counts["organizations"] == (3, 0)
    assert [x["row"] for x in r.rejected] == [2, 3, 4]


def test_excel_sep_line_and_long_cells(folder) -> None:
    f = folder(orgs="sep=;\norg_id;name;sector;notes\nA;x;public;" + "long " * 40000 + "\n")
    data = pm.load(f)
    assert len(data.organizations.loc["A", "notes"]) > 131072


@pytest.mark.parametrize(("body", "where"), [
    ("A;Alpha;public\nB;;public\nC;Gamma;moon\n", {"B": 4, "C": 5}),  # each line a row
    ('A;"Al\npha";public\nB;;public\nC;Gamma;moon\n', {"B": 5, "C": 6}),  # one value over two lines
])
def test_excel_sep_line_rows_are_numbered_as_the_file_shows(folder, body: str, where: dict[str, int]) -> None:
    # sep=; is line 1 and the headings line 2: the rows are numbered as a text editor shows them
    f = folder(orgs="sep=;\norg_id;name;sector\n" + body)
    problems = {p.ref: p.row for p in pm.validate(f).problems if p.file == "organizations.csv" and p.ref}
    assert problems == where


def test_excel_sep_line_unclosed_quote_names_its_line(folder) -> None:
    f = folder(orgs='sep=;\norg_id;name;sector\nA;Alpha;public\nB;"x;public\nC;Gamma;public\n')
    r = pm.validate(f)
    assert [p.row for p in r.problems if "cannot be split" in p.message] == [4]
    assert [x["row"] for x in r.rejected if x["file"] == "organizations.csv"] == [4, 5]


def test_utf8_with_a_stray_byte_keeps_the_arabic(folder) -> None:
    f = folder(orgs=None)
    (f / "organizations.csv").write_bytes(
        "org_id,name,sector\nA,جمعية البر,non_profit\nB,Caf".encode() + b"\xe9,public\n")
    data = pm.load(f)
    assert data.organizations.loc["A", "name"] == "جمعية البر"
    assert one(data.report, "not valid UTF-8", "warning").row == 3



LATIN = "org_id,name,sector,city\nM1,Centro Niño Feliz,non_profit,San José\nM2,Clínica São João,non_profit,Miami\n"


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_latin1_and_windows_1252_are_not_read_as_arabic(folder, encoding: str) -> None:
    # issue 10 item 3 (06_latin1_read_as_arabic): Excel saves Spanish and French names this way
    data = pm.load(folder(orgs=LATIN, encoding=encoding))
    orgs = data.organizations
    assert orgs["name"].tolist() == ["Centro Niño Feliz", "Clínica São João"]
    assert orgs.loc["M1", "city"] == "San José"
    p = one(data.report, "read as Windows-1252", "info")
    assert "'Niño'" in p.message
    assert not data.report.warnings


def test_a_file_with_arabic_and_latin_words_warns_that_the_encoding_is_uncertain(folder) -> None:
    f = folder(orgs=None)
    arabic = "org_id,name,sector\nA,جمعية البر الخيرية,non_profit\nB,مؤسسة الأيتام,non_profit\n".encode("cp1256")
    (f / "organizations.csv").write_bytes(arabic + "C,Centro Niño,non_profit\n".encode("cp1252"))
    data = pm.load(f)
    p = one(data.report, "the encoding is uncertain", "warning")
    assert "read as Windows-1256 (Arabic)" in p.message and "'Niño'" in p.message
    assert data.organizations.loc["A", "name"] == "جمعية البر الخيرية"  # the majority reading


def test_shapefile_without_cpg_in_windows_1252(tmp_path: Path) -> None:
    f = tmp_path / "shp"
    f.mkdir()
    gdf = gpd.GeoDataFrame({"org_id": ["A", "B"], "name": ["Centro Niño", "Clínica São João"],
                            "sector": ["public", "public"]}, geometry=[Point(-80.2, 25.8), Point(-80.3, 25.7)],
                           crs="EPSG:4326")
    gdf.to_file(f / "organizations.shp", encoding="cp1252")
    (f / "organizations.cpg").unlink(missing_ok=True)
    data = pm.load(f)
    assert data.organizations["name"].tolist() == ["Centro Niño", "Clínica São João"]
    one(data.report, "no .cpg file beside the shapefile; read as Windows-1252", "info")

def test_unsupported_format(folder, tmp_path: Path) -> None:
    f = folder(orgs=None)
    write(f, "organizations.ods", "x")
    one(validate(f), r"organizations\.ods: error: unsupported format '\.ods'", "error")
    one(validate(tmp_path / "data" / "organizations.ods"), "is not a data folder or workbook", "error")


def test_unreadable_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"not a zip")
    one(validate(bad), "unreadable workbook", "error")


def test_workbook_missing_a_sheet(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    with pd.ExcelWriter(book) as xl:
        pd.DataFrame({"org_id": ["A"], "name": ["x"]}).to_excel(xl, sheet_name="Sheet1", index=False)
    p = one(validate(book), "no 'organizations' sheet", "error")
    assert "sheets found: Sheet1" in p.message
    with pd.ExcelWriter(book) as xl:
        pd.DataFrame({"org_id": ["A"], "name": ["x"], "sector": ["public"]}).to_excel(
            xl, sheet_name="organizations", index=False)
    r = validate(book)
    assert r.ok
    one(r, "no 'relationships' sheet", "warning")


# -------------------------------------------------------------- row-level errors


def test_duplicate_and_blank_org_id_are_rejected_with_reason(folder) -> None:
    text = ORGS + "ORG-002,Duplicate,public,school,26.4,50.1,,,,,,,,\n,No id here,public,school,26.4,50.1,,,,,,,,\n"
    r = validate(folder(orgs=text))
    p = one(r, "duplicate org_id 'ORG-002'", "error")
    assert (p.file, p.row, p.column, p.ref) == ("organizations.csv", 7, "org_id", "ORG-002")
    assert "first used on row 3" in p.message
    p = one(r, "blank org_id", "error")
    assert (p.row, p.ref) == (8, "No id here")
    assert {x["reason"].split(" (")[0] for x in r.rejected} == {"duplicate org_id", "blank org_id"}
    assert r.counts["organizations"] == (7, 5)
    accounted(r)


def test_tie_to_unknown_org_names_row_column_and_suggests(folder) -> None:
    rels = RELS + "ORG-001,ORG-02,partnership,,,,,,,,\n"
    r = validate(folder(rels=rels))
    p = one(r, "'ORG-02' is not an org_id in organizations.csv", "error")
    assert str(p).startswith("relationships.csv:7:target: error:")
    assert "did you mean 'ORG-002'" in p.message
    assert p.ref == "ORG-001 → ORG-02" and p.fix == "Add it or remove the row."
    assert r.rejected[-1]["reason"] == "tie to a blank or unknown org_id"
    accounted(r)


@pytest.mark.parametrize(("orgs", "why"), [
    ("org_id,title,sector\nA,Alpha,public\nB,Beta,non_profit\nC,Gamma,for_profit\n",
     r"the organisations could not be read \(organizations\.csv has no 'name' column\)"),
    ("org_id,name,sector\n", r"organizations\.csv has no organisations"),
    (None, "the organisations could not be read;"),
], ids=["missing-name", "header-only", "no-file"])
def test_ties_are_not_checked_once_when_the_organisations_cannot_be_read(folder, orgs, why) -> None:
    # issue 10 item 7 (01_missing_name_cascade): one root error, not one "not an org_id" per tie
    r = validate(folder(orgs=orgs, rels="source,target\nA,B\nB,C\n"))
    assert not any("is not an org_id" in line for line in lines(r))
    p = one(r, "2 tie\\(s\\) were not checked because " + why, "warning")
    assert p.file == "relationships.csv" and p.row is None
    assert len(r.errors) == 1  # the organisations' own error
    ties = [x for x in r.rejected if x["file"] == "relationships.csv"]
    assert [x["ref"] for x in ties] == ["A → B", "B → C"]
    assert all(x["reason"].startswith("not checked") for x in ties)
    accounted(r)


def test_coordinates_out_of_range_and_non_numeric(folder) -> None:
    text = HEADER + "\nA,a,public,,95,50,,,,,,,,\nB,b,public,,26.4,190,,,,,,,,\nC,c,public,,north,50.1,,,,,,,,\n"
    r = validate(folder(orgs=text))
    p = one(r, "lat 95 is outside the valid range", "error")
    assert (p.row, p.column, p.ref) == (2, "lat", "A")
    one(r, "lon 190 is outside the valid range", "error")
    p = one(r, "lat 'north' is not a number", "error")
    assert (p.row, p.column) == (4, "lat")


def test_arabic_indic_digits_are_numbers(folder) -> None:
    text = HEADER + "\nA,a,public,,٢٦٫٤٣,٥٠٫١٠,,,,,,,,\n"
    data = pm.load(folder(orgs=text))
    assert data.organizations.loc["A", "lat"] == pytest.approx(26.43)


def test_latitude_longitude_win_over_x_y_and_no_coordinates_are_lost(folder) -> None:
    # issue 10 item 4 (02_xy_shadow_latlon): a school register with empty X/Y and filled latitude/longitude
    text = ("org_id,name,sector,X,Y,latitude,longitude\nS1,School one,public,54.37,24.45,24.45,54.37\n"
            "S2,Charter school,public,,,24.31,54.56\nS3,Only X/Y,public,54.40,24.40,,\n"
            "S4,Disagree,public,54.50,24.50,24.47,54.39\n")
    data = pm.load(folder(orgs=text))
    orgs = data.organizations
    assert orgs.loc["S2", ["lat", "lon"]].tolist() == [24.31, 54.56]
    assert orgs.loc["S3", ["lat", "lon"]].tolist() == [24.40, 54.40]  # blank latitude filled from X/Y
    assert orgs.loc["S4", ["lat", "lon"]].tolist() == [24.47, 54.39]  # the exact headings win
    assert orgs.loc["S1", ["X", "Y"]].tolist() == ["54.37", "24.45"]  # the other pair is kept
    p = one(data.report, "two sets of coordinate columns", "warning")
    assert "'latitude'/'longitude' are read as lat/lon" in p.message and "'Y'/'X'" in p.message
    assert "1 blank location(s) were taken from 'Y'/'X' (row(s) 4)" in p.message
    assert "on 1 row(s) the two differ" in p.message and "(row(s) 5)" in p.message
    assert not any("have no coordinates" in line for line in lines(data.report))


def test_exact_lat_lon_headings_win_over_their_synonyms(folder) -> None:
    text = "org_id,name,sector,Latitude,Longitude,LAT,LON\nA,a,public,1,2,24.1,54.2\n"
    data = pm.load(folder(orgs=text))
    assert data.organizations.loc["A", ["lat", "lon"]].tolist() == [24.1, 54.2]
    one(data.report, "'LAT'/'LON' are read as lat/lon, and 'Latitude'/'Longitude' are kept", "warning")


def test_probable_swap_is_warned_and_fixed(folder) -> None:
    text = ORGS + "SW,Swapped,public,school,50.12,26.31,,,,,,,,\n"
    data = pm.load(folder(orgs=text))
    p = one(data.report, "look swapped", "warning")
    assert (p.row, p.ref) == (7, "SW")
    assert data.organizations.loc["SW", ["lat", "lon"]].tolist() == [26.31, 50.12]


def test_swap_in_a_four_row_file_is_found_against_the_other_points(folder) -> None:
    text = (HEADER + "\nA,a,public,,26.43,50.10,,,,,,,,\nB,b,public,,26.30,50.20,,,,,,,,\n"
            "C,c,public,,26.29,50.19,,,,,,,,\nSW,Swapped,public,,50.01,26.56,,,,,,,,\n")
    data = pm.load(folder(orgs=text))
    p = one(data.report, "look swapped", "warning")
    assert (p.row, p.column, p.ref) == (5, "lat", "SW") and "from the others" in p.message
    assert data.organizations.loc["SW", ["lat", "lon"]].tolist() == [26.56, 50.01]
    assert data.organizations.loc["A", ["lat", "lon"]].tolist() == [26.43, 50.10]


def test_a_far_point_in_a_small_file_is_not_taken_for_a_swap(folder) -> None:
    text = (HEADER + "\nA,a,public,,26.43,50.10,,,,,,,,\nB,b,public,,26.30,50.20,,,,,,,,\n"
            "C,c,public,,26.29,50.19,,,,,,,,\nFAR,Far away,public,,51.5,-0.12,,,,,,,,\n")
    data = pm.load(folder(orgs=text))
    assert not [p for p in data.report.problems if "swapped" in p.message]
    assert data.organizations.loc["FAR", ["lat", "lon"]].tolist() == [51.5, -0.12]


def test_swap_in_a_two_row_file_is_found_against_the_areas(folder) -> None:
    text = HEADER + "\nA,a,public,,26.43,50.10,,,,,,,,\nSW,Swapped,public,,50.12,26.31,,,,,,,,\n"
    assert not [p for p in pm.validate(folder(orgs=text)).problems if "swapped" in p.message]  # nothing to go by
    west = Polygon([(50.0, 26.2), (50.15, 26.2), (50.15, 26.5), (50.0, 26.5)])
    east = Polygon([(50.15, 26.2), (50.3, 26.2), (50.3, 26.5), (50.15, 26.5)])
    data = pm.load(_areas(folder(orgs=text), [west, east]))
    p = one(data.report, "look swapped", "warning")
    assert (p.row, p.ref) == (3, "SW") and "from the areas" in p.message
    assert data.organizations.loc["SW", ["lat", "lon"]].tolist() == [26.31, 50.12]


def test_far_and_placeholder_and_missing_coordinates_warn(folder) -> None:
    text = (ORGS + "FAR,Far away,public,school,51.5,-0.12,,,,,,,,\nZ,Zero,public,school,0,0,,,,,,,,\n"
            "N,None,public,school,,,,,,,,,,\n")
    data = pm.load(folder(orgs=text))
    r = data.report
    assert r.ok
    one(r, r"\(51.5, -0.12\) is .* km from the other organisations", "warning")
    one(r, "looks like a placeholder", "warning")
    one(r, "have no coordinates", "warning")
    assert data.organizations.loc["Z", "geometry"] is None
    assert data.organizations.loc["N", "geometry"] is None
    assert len(data.organizations) == 8  # all kept


def test_a_placeholder_written_as_a_float_is_a_placeholder_shown_as_written(folder) -> None:
    # issue 10 item 5 (11_placeholder_float): a reprojection left -0.9999999999999432 for (-1, -1)
    text = ("org_id,name,sector,latitude,longitude\nS1,School one,public,24.45,54.37\n"
            "S2,School two,public,24.46,54.38\nS3,Placeholder,public,-0.9999999999999432,-0.9999999999999432\n"
            "S4,Exact,public,-1,-1\nS5,Near zero,public,0.0000001,-0.0000002\n")
    data = pm.load(folder(orgs=text))
    orgs = data.organizations
    assert orgs.loc[["S3", "S4", "S5"], "lat"].isna().all()
    assert orgs.loc["S3", "geometry"] is None
    p = one(data.report, r"\(-0\.9999999999999432, -0\.9999999999999432\) looks like a placeholder", "warning")
    assert (p.row, p.ref) == (4, "S3")
    one(data.report, r"\(-1, -1\) looks like a placeholder", "warning")
    one(data.report, r"\(0\.0000001, -0\.0000002\) looks like a placeholder", "warning")
    assert orgs.loc["S1", "lat"] == 24.45  # real places stay


def test_a_placeholder_point_geometry_prints_every_digit(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame({"org_id": ["1", "2"], "name": ["a", "b"], "sector": ["public", "public"]},
                           geometry=[Point(50.1, 26.4), Point(-0.9999999999999432, -1.0000000000000568)],
                           crs="EPSG:4326")
    f = tmp_path / "geo"
    f.mkdir()
    gdf.to_file(f / "organizations.gpkg")  # GeoJSON would round the coordinates
    data = pm.load(f)
    assert data.organizations.loc["2", "geometry"] is None
    one(data.report, r"\(-1\.0000000000000568, -0\.9999999999999432\) looks like a placeholder", "warning")


def test_blank_sectors_are_inferred_from_names_and_marked(folder) -> None:
    # issue 10 item 11: sector (and type where clear) from words in the name, never over a value given
    text = ("org_id,name,sector,org_type\nA,جمعية البر الخيرية,,\nB,شركة الساحل للتجارة,,\n"
            "C,Dammam Secondary School,,\nD,CITY OF KHOBAR,for_profit,\nE,Central Library,,library\n"
            "F,Helping Hands,,\nG,وزارة الموارد البشرية,,other\n")
    data = pm.load(folder(orgs=text), strict=False)
    orgs = data.organizations
    assert orgs["sector"].to_dict() == {"A": "non_profit", "B": "for_profit", "C": "public", "D": "for_profit",
                                        "E": "public", "F": None, "G": "public"}
    assert orgs["org_type"].to_dict() == {"A": "charity", "B": "company", "C": "school", "D": None,
                                          "E": "library", "F": None, "G": "other"}  # 'other' as given
    assert orgs["sector_inferred"].to_dict() == {"A": True, "B": True, "C": True, "D": False, "E": False,
                                                 "F": False, "G": True}
    p = one(data.report, r"sector inferred for 4 organisation\(s\) that had none", "warning")
    assert "'الخيرية' 1" in p.message and "'شركة' 1" in p.message and "'Secondary School' 1" in p.message
    p = one(data.report, "blank sector, and there is no org_type to derive it from, nor a word in the name", "error")
    assert (p.row, p.ref) == (7, "F")


def test_a_missing_sector_column_is_inferred_row_by_row(folder) -> None:
    data = pm.load(folder(orgs="org_id,name\nA,Acme LLC\nB,Harris County\n"))
    assert data.organizations["sector"].tolist() == ["for_profit", "public"]
    assert data.organizations["sector_inferred"].all()
    r = validate(folder(orgs="org_id,name\nA,Acme LLC\nB,Helping Hands\n", name="b"))
    p = one(r, "no sector column, and there is no org_type to derive it from, nor a word in the name", "error")
    assert p.ref == "B" and "Add a 'sector' column" in p.fix
    r = validate(folder(orgs="org_id,name,sectr\nA,Acme LLC,public\n", name="c"))
    assert "Did you mean 'sectr'?" in one(r, "missing required column 'sector'", "error").fix


def test_no_sector_inferred_column_when_every_sector_is_given(toy: Path) -> None:
    assert "sector_inferred" not in pm.load(toy).organizations.columns


def test_unknown_sector_that_cannot_be_derived(folder) -> None:
    text = HEADER + "\nA,a,galactic,,26.4,50.1,,,,,,,,\nB,b,,,26.4,50.1,,,,,,,,\nC,c,weird,school,26.4,50.1,,,,,,,,\n"
    r = validate(folder(orgs=text))
    p = one(r, "unknown sector 'galactic'", "error")
    assert (p.row, p.column) == (2, "sector")
    one(r, "blank sector, and there is no org_type", "error")
    one(r, "unknown sector 'weird'; used 'public' from org_type 'school'", "warning")


def test_unknown_vocabulary_term_is_a_warning_and_kept(folder) -> None:
    text = HEADER + "\nA,a,public,,26.4,50.1,space;Robot Arms,,,,,,,\n"
    data = pm.load(folder(orgs=text))
    p = one(data.report, "'Robot Arms' is not in the vocabulary", "warning")
    assert (p.row, p.column) == (2, "offers")
    assert data.organizations.loc["A", "offers"] == ["space", "Robot Arms"]  # as the user wrote it


def test_common_arabic_vocabulary_is_recognised(folder) -> None:
    # issue 10 item 8 (09_arabic_vocabulary): with and without the article, as an offer and as a cause
    text = ("org_id,name,sector,offers,causes\nA,جمعية البر,خيري,دعم عيني;متطوعون,الفقر;السلامة;الأيتام;التعليم\n"
            "B,شركة الساحل,خاص,تمويل;الدعم العيني,مكافحة الفقر;الصحة\n")
    data = pm.load(folder(orgs=text))
    orgs = data.organizations
    assert orgs.loc["A", "offers"] == ["in_kind_services", "volunteers"]
    assert orgs.loc["A", "causes"] == ["poverty", "safety", "children", "education"]
    assert orgs.loc["B", "offers"] == ["funding", "in_kind_services"]
    assert orgs.loc["B", "causes"] == ["poverty", "health"]
    assert not data.report.warnings


def test_free_terms_keep_the_users_spelling_and_match_on_the_folded_form(folder) -> None:
    text = ("org_id,name,sector,offers,needs,causes\nA,a,public,Robot Arms,,التوعية الصحية\n"
            "B,b,public,,robot arms,التوعيه الصحيه\n")
    data = pm.load(folder(orgs=text))
    orgs = data.organizations
    assert orgs.loc["A", "causes"] == ["التوعية الصحية"]  # not the folded 'التوعيه_الصحيه'
    assert orgs.loc["B", "causes"] == ["التوعية الصحية"]  # the same term: one spelling, so they match
    assert orgs.loc["B", "needs"] == ["Robot Arms"]  # offers and needs share the spelling
    p = one(data.report, "'التوعية الصحية' is not in the vocabulary", "warning")
    assert "(also row(s) 3)" in p.message
    assert "education (التعليم)" in p.fix and "poverty (مكافحة الفقر)" in p.fix  # both languages


@pytest.mark.parametrize(("code", "sector"), [("GOV", "public"), ("VOL", "non_profit"), ("PVT", "for_profit")])
def test_ucinet_sector_codes(folder, code: str, sector: str) -> None:
    data = pm.load(folder(orgs=f"org_id,name,sector\nA,a,{code}\n"))
    assert data.organizations.loc["A", "sector"] == sector
    one(data.report, f"'{code}' read as '{sector}'", "info")


def test_self_tie_and_duplicate_tie_warn_and_are_set_aside(folder) -> None:
    rels = RELS + "ORG-003,ORG-003,partnership,,,,,,,,\nORG-002,ORG-001,in_kind,,,1,2023-01-15,,,,\n"
    data = pm.load(folder(rels=rels))
    r = data.report
    assert r.ok
    assert one(r, "self-tie", "warning").row == 7
    assert one(r, "duplicate tie", "warning").row == 8  # undirected: B-A repeats A-B
    assert len(data.relationships) == 5
    assert sorted(x["reason"] for x in r.rejected) == ["duplicate of row 2", "self-tie"]
    accounted(r)


def test_end_before_start_and_bad_weights(folder) -> None:
    rels = RELS + ("ORG-002,ORG-004,partnership,,,1,2024-05-01,2023-01-01,,,\n"
                   "ORG-003,ORG-004,partnership,,,0,,,,,\nORG-003,007,partnership,,,-2,,,,,\n")
    r = validate(folder(rels=rels))
    p = one(r, "end_date 2023-01-01 is before start_date 2024-05-01", "error")
    assert (p.row, p.column) == (7, "end_date")
    assert one(r, "weight '0' must be a number greater than 0", "error").row == 8
    assert one(r, "weight '-2' must be a number greater than 0", "error").row == 9


def test_many_identical_problems_are_summarised_not_dropped(folder) -> None:
    rows = "".join(f"X{i},x,public,,26.4,50.1,,,,,,,,\n" for i in range(12))
    rows += "".join(f"X{i},dup,public,,26.4,50.1,,,,,,,,\n" for i in range(12))
    r = validate(folder(orgs=HEADER + "\n" + rows))
    assert len([p for p in r.errors if "duplicate org_id" in p.message]) == 12  # one per id: all named
    accounted(r)


# --------------------------------------------------------------------- areas


def _areas(folder_path: Path, geoms, ids=("A1", "A2"), crs="EPSG:4326", name="areas.geojson") -> Path:
    gdf = gpd.GeoDataFrame({"area_id": list(ids), "name": ["حي الشاطئ", "Al Aziziyah"], "population": [1200, 800]},
                           geometry=list(geoms), crs=crs)
    gdf.to_file(folder_path / name, driver="GeoJSON")
    return folder_path


def test_areas_load_and_invalid_polygon_is_repaired(folder) -> None:
    f = folder()
    square = Polygon([(50.0, 26.2), (50.3, 26.2), (50.3, 26.5), (50.0, 26.5)])
    bowtie = Polygon([(50.0, 26.0), (50.1, 26.1), (50.1, 26.0), (50.0, 26.1)])
    data = pm.load(_areas(f, [square, bowtie]))
    assert data.areas.index.tolist() == ["A1", "A2"]
    assert data.areas.geometry.is_valid.all()
    p = one(data.report, "area 'A2' had an invalid polygon", "warning")
    assert p.row == 2 and p.column == "geometry"
    assert data.areas.loc["A1", "population"] == 1200


def test_areas_without_polygons(folder) -> None:
    f = folder()
    write(f, "areas.csv", "area_id,name,population\nA1,x,100\n")
    one(validate(f), "the areas file has no polygons", "error")
    f2 = folder(name="pts")
    _areas(f2, [Point(50, 26), Point(50.1, 26.1)])
    r = validate(f2)
    one(r, "no usable polygons", "error")
    assert len(r.rejected) == 2


def _layer(folder_path: Path, features: list[dict], name: str = "areas.geojson") -> Path:
    """A GeoJSON areas file written as the user has it (feature ids and properties as given)."""
    square = {"type": "Polygon", "coordinates": [[[-73.6, 45.48], [-73.5, 45.48], [-73.5, 45.55], [-73.6, 45.48]]]}
    fc = {"type": "FeatureCollection", "features": [{"type": "Feature", **f, "geometry": square} for f in features]}
    (folder_path / name).write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    return folder_path


@pytest.mark.parametrize(("features", "ids", "names", "read_as"), [
    # 13_areas_id_column: plotly's Montreal districts (the id twice: feature id and property)
    ([{"id": "101", "properties": {"id": "101", "district": "101-Bois-de-Liesse"}}],
     ["101"], ["101-Bois-de-Liesse"], ["column 'id' read as 'area_id'", "column 'district' read as 'name'"]),
    ([{"id": 7, "properties": {"district": "Nord"}}, {"id": 9, "properties": {"district": "Sud"}}],
     ["7", "9"], ["Nord", "Sud"], ["the GeoJSON feature ids read as 'area_id'"]),
    ([{"properties": {"OBJECTID": 1, "NAMEENGLISH": "Abu Dhabi"}}, {"properties": {"OBJECTID": 2, "NAMEENGLISH": "Al Ain"}}],
     ["1", "2"], ["Abu Dhabi", "Al Ain"], ["column 'OBJECTID' read as 'area_id'", "column 'NAMEENGLISH' read as 'name'"]),
    ([{"properties": {"usefksa_id": "D1", "district_name_ar": "حي النزهة", "district_name_en": "Al Nuzha"}}],
     ["D1"], ["حي النزهة"], ["column 'usefksa_id' read as 'area_id'", "column 'district_name_ar' read as 'name'",
                             "column 'district_name_en' read as 'name_en'"]),
], ids=["id", "feature-id", "objectid", "star-id"])
def test_areas_id_and_name_columns_are_found_and_reported(folder, features, ids, names, read_as) -> None:
    # issue 10 item 10: the id and name headings real areas files use
    data = pm.load(_layer(folder(), features))
    assert data.areas.index.tolist() == ids
    assert data.areas["name"].tolist() == names
    for text in read_as:
        assert one(data.report, text, "info").fix.startswith("Name another column with --area-id")
    accounted(data.report)


def test_areas_name_en_beside_an_arabic_name(folder) -> None:
    data = pm.load(_layer(folder(), [{"properties": {"usefksa_id": "D1", "district_name_ar": "حي النزهة",
                                                     "district_name_en": "Al Nuzha"}}]))
    assert data.areas.loc["D1", "name_en"] == "Al Nuzha"


def test_area_id_and_name_columns_named_explicitly(folder) -> None:
    features = [{"properties": {"id": "x", "code": "C1", "label": "North", "name_ar": "الشمال"}},
                {"properties": {"id": "x", "code": "C2", "label": "South", "name_ar": "الجنوب"}}]
    f = _layer(folder(), features)
    data = pm.load(f, area_id="code", area_name="label")
    assert data.areas.index.tolist() == ["C1", "C2"]
    assert data.areas["name"].tolist() == ["North", "South"]
    assert data.areas["id"].tolist() == ["x", "x"]  # the other columns are kept
    r = pm.validate(f, area_id="Code ")  # compared as folded headings
    assert r.ok
    r = pm.validate(f, area_id="area_code")
    p = one(r, "--area-id 'area_code': there is no such column", "error")
    assert "columns found: id, code, label, name_ar" in p.message
    with pytest.raises(pm.DataValidationError):
        read_areas(f / "areas.geojson", area_id="area_code")
    assert read_areas(f / "areas.geojson", area_id="code").index.tolist() == ["C1", "C2"]


def test_an_areas_file_without_any_id_column_says_how_to_name_one(folder) -> None:
    p = one(validate(_layer(folder(), [{"properties": {"label": "North"}}])), "missing required column 'area_id'",
            "error")
    assert "--area-id" in p.fix


def test_areas_in_another_crs_are_reprojected(folder) -> None:
    f = folder()
    square = gpd.GeoSeries([Polygon([(50.0, 26.2), (50.3, 26.2), (50.3, 26.5), (50.0, 26.5)])],
                           crs="EPSG:4326").to_crs("EPSG:32639")
    data = pm.load(_areas(f, [square.iloc[0], square.iloc[0].buffer(10)], crs="EPSG:32639"))
    assert data.areas.crs.to_epsg() == 4326
    assert data.areas.loc["A1"].geometry.bounds[0] == pytest.approx(50.0, abs=1e-6)


# ------------------------------------------------------------------- raising


def test_load_raises_with_every_problem_and_strict_false_returns(folder) -> None:
    f = folder(rels=RELS + "ORG-001,NOPE,partnership,,,,,,,,\n")
    with pytest.raises(pm.DataValidationError, match=r"relationships\.csv:7:target: error: 'NOPE'") as exc:
        pm.load(f)
    assert any(p.severity == "error" for p in exc.value.problems)
    assert isinstance(exc.value, ValueError)
    data = pm.load(f, strict=False)
    assert not data.report.ok and len(data.relationships) == 5


def test_problem_table_has_the_columns_users_filter_on(folder) -> None:
    r = validate(folder(rels=RELS + "ORG-001,NOPE,partnership,,,,,,,,\n"))
    table = r.to_frame()
    assert list(table.columns) == ["severity", "file", "row", "column", "ref", "message", "fix"]
    assert table.loc[table["severity"] == "error", "row"].tolist() == [7]


def test_templates_follow_the_contract_and_the_workbook_validates() -> None:
    root = Path(__file__).resolve().parents[1] / "data" / "templates"
    orgs = pd.read_csv(root / "organizations.csv", encoding="utf-8-sig")
    rels = pd.read_csv(root / "relationships.csv", encoding="utf-8-sig")
    assert tuple(orgs.columns) == pm.schema.ORG_COLUMNS
    assert tuple(rels.columns) == pm.schema.REL_COLUMNS
    r = validate(root / "partnermap-template.xlsx")
    assert r.ok, [str(p) for p in r.errors]
    assert r.counts == {"organizations": (2, 2), "relationships": (1, 1)}


def test_dates_iso_or_day_first_never_relative(folder) -> None:
    rels = ("source,target,start_date,end_date\nORG-001,ORG-002,2024-03-01,\n"
            "ORG-001,ORG-003,03/04/2021,13/02/2023\nORG-002,ORG-003,today,\n")
    data = pm.load(folder(rels=rels))
    rel = data.relationships.set_index("target", append=True)
    starts = data.relationships["start_date"].tolist()
    assert starts[0] == pd.Timestamp("2024-03-01") and starts[1] == pd.Timestamp("2021-04-03")
    assert pd.isna(starts[2])
    one(data.report, "read day first, e.g. '03/04/2021' as 2021-04-03", "info")
    one(data.report, "'today' is not a date", "warning")
    assert len(rel) == 3


def test_user_tie_ids_are_kept_and_blank_ones_filled(folder) -> None:
    rels = "tie_id,source,target,kind\nMOU-17,ORG-001,ORG-002,mou\n,ORG-002,ORG-003,\nMOU-17,ORG-003,007,\n"
    data = pm.load(folder(rels=rels))
    assert data.relationships.index.tolist() == ["MOU-17", "T3", "T4"]
    one(data.report, "duplicate tie_id 'MOU-17' \\(first on row 2\\)", "warning")


def test_unknown_terms_name_every_row(folder) -> None:
    rows = "".join(f"X{i},x,public,,26.4,50.1,robots,,,,,,,\n" for i in range(4))
    p = one(validate(folder(orgs=HEADER + "\n" + rows)), "'robots' is not in the vocabulary", "warning")
    assert p.row == 2 and "(also row(s) 3, 4, 5)" in p.message


def test_a_bad_coordinate_is_not_also_listed_as_missing(folder) -> None:
    text = HEADER + "\nA,a,public,,north,50.1,,,,,,,,\nB,b,public,,,,,,,,,,,\n"
    r = validate(folder(orgs=text))
    p = one(r, "have no coordinates", "warning")
    assert "B (row 3)" in p.message and "A (row 2)" not in p.message


def test_area_need_indicators_stay_numbers(folder) -> None:
    f = folder()
    gdf = gpd.GeoDataFrame({"area_id": ["A1", "A2"], "name": ["x", "y"], "population": [100, -5],
                            "households_in_need": [12, 30]},
                           geometry=[Polygon([(50, 26), (50.1, 26), (50.1, 26.1)]),
                                     Polygon([(50.2, 26), (50.3, 26), (50.3, 26.1)])], crs="EPSG:4326")
    gdf.to_file(f / "areas.geojson", driver="GeoJSON")
    data = pm.load(f)
    assert data.areas["households_in_need"].tolist() == [12.0, 30.0]
    one(data.report, "population '-5' is negative", "warning")


def test_active_ties_that_had_ended_are_warned(folder) -> None:
    rels = ("source,target,status,start_date,end_date,last_reviewed\n"
            "ORG-001,ORG-002,active,2019-01-01,2021-01-01,\nORG-001,ORG-003,active,2019-01-01,,2024-05-01\n")
    p = one(validate(folder(rels=rels)), "status is 'active' but end_date 2021-01-01 is before the latest review",
            "warning")
    assert p.row == 2 and "2024-05-01" in p.message
