"""Open Referral HSDS import: the three real samples, a zip, and small hand-made packages.

The real samples live in ``../shared/data/hsds/`` (see its README); tests that need them
skip with the reason when that folder is absent.
"""

from __future__ import annotations

import doctest
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

import partnermap as pm
from partnermap import hsds

from .conftest import one, write

HSDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "hsds"
V3 = HSDS / "hsds3_official_examples"
V11 = HSDS / "hsds1.1_sample_datapackage"
OHANA = HSDS / "ohana_api_sample_csv_sanmateo"


def need(path: Path) -> Path:
    if not path.is_dir():
        pytest.skip(f"HSDS test data not found at {path} (the shared data folder is absent)")
    return path


def accounted(report: pm.LoadReport) -> None:
    """Every HSDS row read is kept or listed in ``rejected`` with a reason."""
    stems = {"organizations": ("organization", "organizations"), "locations": ("location", "locations"),
             "services": ("service", "services"), "service_areas": ("service_area", "service_areas")}
    for table, (read, kept) in report.counts.items():
        if table not in stems:
            continue
        rejected = [r for r in report.rejected if Path(r["file"]).stem in stems[table]]
        assert all(r["reason"] for r in rejected)
        assert kept + len(rejected) == read, (table, read, kept, report.rejected)


def loads_and_graphs(path: Path) -> pm.PartnerData:
    data = pm.load(path)
    G = pm.build_graph(data)
    assert G.number_of_nodes() == len(data.organizations)
    assert set(data.organizations["sector"]) <= {"for_profit", "non_profit", "public", hsds.UNKNOWN_SECTOR}
    return data


# ---------------------------------------------------------------- HSDS 3.0 examples


def test_official_3_0_examples_counts() -> None:
    data = loads_and_graphs(need(V3))  # the parent folder: the package is in csv/
    r = data.report
    assert r.ok
    assert r.counts["organizations"] == (1, 1)
    assert r.counts["locations"] == (1, 0)  # its organisation does not exist
    assert r.counts["services"] == (1, 1)
    one(r, r"reading the HSDS package in csv/", "info")
    one(r, r"as an HSDS 3\.0 package", "info")
    org = data.organizations.iloc[0]
    assert org["name"] == "Example Organization Inc."
    assert org["website"] == "http://example.com"
    assert org["alternate_name"] == "Example Org"
    assert org["sector"] == "for_profit"  # legal_status 'Limited Company'
    one(r, r"sector 'for_profit' derived from legal_status 'Limited Company'", "info")
    assert len(data.relationships) == 0
    accounted(r)


def test_official_3_0_examples_every_known_flaw_is_reported() -> None:
    r = pm.validate(need(V3) / "csv")
    p = one(r, r"latitude 100 is outside ±90; the location is kept without coordinates", "warning")
    assert (p.file, p.row, p.column) == ("locations.csv", 2, "latitude")
    p = one(r, r"1 row has an organization_id that matches no id in organizations\.csv "
               r"\(row 2 '985e4a42-bd9f-4edc-911d-0243a4640aca'\); set aside", "warning")
    assert (p.file, p.row, p.column) == ("locations.csv", 2, "organization_id")
    p = one(r, r"parent_organization_id 'cd09a387-91f4-4555-94ec-e799c35344cd' matches no organization", "warning")
    assert (p.file, p.row, p.column) == ("organizations.csv", 2, "parent_organization_id")
    p = one(r, r"extent 'extent' is not valid GeoJSON; the service area is kept as text", "warning")
    assert (p.file, p.row, p.column) == ("service_areas.csv", 2, "extent")
    # the other tables' dangling links are counted per table too
    one(r, r"contacts\.csv:2:organization_id: .*1 row has an organization_id that matches no id", "warning")
    reasons = {(x["file"], x["reason"]) for x in r.rejected}
    dangling = "organization_id '985e4a42-bd9f-4edc-911d-0243a4640aca' matches no organisation"
    assert ("locations.csv", dangling) in reasons
    assert ("service_at_location.csv", "its location '3a19ff88-4620-4d17-9830-ac1d859eb5d5' was set aside") in reasons


def test_official_3_0_service_area_kept_as_text() -> None:
    data = pm.load(need(V3))
    areas = data.extra["service_areas"]
    assert len(areas) == 1 and areas.geometry.isna().all()
    assert data.areas is None
    assert data.organizations.iloc[0]["service_areas"][0].startswith("The service is available")


# ---------------------------------------------------------------- HSDS 1.1 sample


def test_hsds_1_1_sample_counts_and_missing_coordinates() -> None:
    data = loads_and_graphs(need(V11) / "all_resources")
    r = data.report
    assert r.ok
    assert r.counts["organizations"] == (10, 10)
    assert r.counts["locations"] == (10, 10)
    assert r.counts["services"] == (13, 13)
    p = one(r, r"9 of 10 location\(s\) have no coordinates", "warning")
    assert (p.file, p.column) == ("locations.csv", "latitude")
    one(r, r"9 of 10 organisation\(s\) have no physical location with coordinates", "warning")
    locations = data.extra["locations"]
    assert locations["lat"].notna().sum() == 1
    assert locations.geometry.notna().sum() == 1
    services = data.extra["services"]
    assert sum(len(v) for v in services["location_ids"]) == 13  # the 13 services_at_location
    accounted(r)


def test_hsds_1_1_names_are_mapped_to_3_0() -> None:
    data = pm.load(need(V11) / "all_resources")
    r = data.report
    one(r, r"column 'url' read as 'website'", "info")
    one(r, r"services_at_location\.csv read as the HSDS 3\.0 table service_at_location", "info")
    one(r, r"physical_addresses\.csv read as HSDS 3\.0 addresses with address_type 'physical'", "info")
    orgs = data.organizations
    assert orgs["website"].eq("http://example.com").all()
    assert (orgs["sector"] == "non_profit").all()  # tax_status 'nonprofit'
    one(r, r"sector 'non_profit' derived from tax_status 'nonprofit' \(10 organisation\(s\)\)", "info")
    sanctuary = orgs.loc["1899600a-649c-11e6-8b77-86f30ca893d3"]
    assert sanctuary["city"] == "New York City"  # from physical_addresses.csv
    assert sanctuary["service_areas"] == ["Sample service area"]
    assert "email" in orgs.columns  # kept, private


def test_hsds_1_1_parent_folder_reads_the_fuller_package_and_says_so() -> None:
    data = pm.load(need(V11))
    p = one(data.report, r"2 HSDS packages found: all_resources/ \(22 tables\), simple/ \(6 tables\); "
                         r"read all_resources/", "warning")
    assert p.file == V11.name
    assert data.report.counts["organizations"] == (10, 10)
    simple = loads_and_graphs(V11 / "simple")
    assert simple.report.counts["locations"] == (10, 10)
    one(simple.report, r"9 of 10 location\(s\) have no coordinates", "warning")


# ---------------------------------------------------------------- Ohana API CSV


def test_ohana_counts_test_records_set_aside_with_reason() -> None:
    data = loads_and_graphs(need(OHANA))
    r = data.report
    assert r.ok
    one(r, r"Ohana API CSV directory", "info")
    assert r.counts["organizations"] == (8, 5)
    assert r.counts["locations"] == (22, 19)
    assert r.counts["services"] == (23, 19)
    assert sorted(data.organizations["name"]) == [
        "Peninsula Family Service", "Peninsula Volunteers", "Redwood City Public Library",
        "Salvation Army", "Samaritan House"]
    p = one(r, r"'Fake Org' looks like a test record \(name 'Fake Org'\); set aside with its 1 location", "warning")
    assert (p.file, p.row, p.column, p.ref) == ("organizations.csv", 7, "name", "6")
    one(r, r"'Admin Test Org' looks like a test record", "warning")
    one(r, r"'Example Agency' looks like a test record \(all its locations and services are marked as tests", "warning")
    rejected = {(x["file"], x["ref"]): x["reason"] for x in r.rejected}
    assert rejected[("organizations.csv", "6")] == "test record: name 'Fake Org'"
    assert rejected[("locations.csv", "20")] == "belongs to a test record (organization '6')"
    one(r, r"3 of 8 organisation\(s\) set aside \(test record: 3\)", "info")
    accounted(r)


def test_ohana_with_test_records_kept_matches_the_readme() -> None:
    data = hsds.read_hsds(need(OHANA), keep_test_records=True)
    assert data.report.counts["organizations"] == (8, 8)
    locations = data.extra["locations"]
    assert len(locations) == 22
    assert locations["lat"].notna().sum() == 21
    assert (locations["location_type"] == "virtual").sum() == 1
    assert len(data.extra["services"]) == 23
    one(data.report, r"'Fake Org' looks like a test record .*kept \(keep_test_records=True\)", "warning")


def test_ohana_sector_offers_and_text_service_areas() -> None:
    data = pm.load(need(OHANA))
    orgs, r = data.organizations, data.report
    assert orgs.loc["3", "sector"] == "public" and orgs.loc["3", "org_type"] == "library"
    # issue 10 item 11: sectors from a taxonomy term and from names, each marked, one warning counts them
    assert orgs.loc["2", "sector"] == "non_profit"  # Peninsula Volunteers
    assert orgs.loc["4", "sector"] == "non_profit" and orgs.loc["4", "org_type"] == "charity"  # Salvation Army
    assert orgs["sector_inferred"].to_dict() == {"1": False, "2": True, "3": True, "4": True, "5": False}
    p = one(r, r"sector inferred for 3 organisation\(s\)", "warning")
    assert "public 1 ('Public Libraries' 1)" in p.message and "'Salvation Army' 1" in p.message
    # one warning counts the undecided organisations; no per-row sector errors
    p = one(r, r"2 of 5 organisation\(s\) have no sector", "warning")
    assert (p.file, p.column) == ("organizations.csv", "sector")
    assert not [x for x in r.problems if x.column == "sector" and x.severity == "error"]
    assert (orgs["sector"] == hsds.UNKNOWN_SECTOR).sum() == 2
    assert orgs.loc["3", "n_locations"] == 5
    assert "Public Libraries" in orgs.loc["3", "offers"]  # a free term as the taxonomy writes it
    assert "education" in orgs.loc["3", "causes"]
    assert orgs.loc["4", "service_areas"][:3] == ["Belmont", "Burlingame", "East Palo Alto"]
    assert orgs.loc["1", "geometry"] is not None and orgs.loc["1", "city"] == "Redwood City"
    locations = data.extra["locations"]
    assert locations.index.name == "location_id" and locations.crs.to_epsg() == 4326
    assert set(locations["organization_id"]) == set(orgs.index)


# -------------------------------------------------------------------- zip packages


def _zip(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w") as zf:
        for p in sorted(folder.iterdir()):
            if p.is_file():
                zf.write(p, f"{prefix}{p.name}")
    return target


def test_zip_of_a_package_loads(tmp_path: Path) -> None:
    flat = _zip(need(V3) / "csv", tmp_path / "hsds3.zip")
    nested = _zip(V3 / "csv", tmp_path / "nested.zip", prefix="export/csv/")
    ohana = _zip(need(OHANA), tmp_path / "ohana.zip")
    for z in (flat, nested):
        assert hsds.is_hsds(z)
        data = loads_and_graphs(z)
        assert data.report.counts["organizations"] == (1, 1)
        one(data.report, r"latitude 100 is outside ±90", "warning")
    one(pm.validate(nested), r"reading the HSDS package in nested\.zip/export/csv", "info")
    assert pm.load(ohana).report.counts["services"] == (23, 19)


def test_a_file_named_zip_that_is_not_a_package(tmp_path: Path) -> None:
    bad = write(tmp_path, "broken.zip", "not a zip")
    assert not hsds.is_hsds(bad)
    assert not pm.validate(bad).ok  # the loader's own message; no traceback
    empty = tmp_path / "other.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("notes.txt", "hello")
    assert not hsds.is_hsds(empty)
    r = hsds.read_hsds(empty)
    one(r.report, r"the zip file holds no HSDS package", "error")


def _damaged(folder: Path, target: Path) -> Path:
    """A deflated zip of ``folder`` with ten bytes flipped inside the compressed services table."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, p.name)
    raw = bytearray(target.read_bytes())
    with zipfile.ZipFile(target) as zf:
        info = zf.getinfo("services.csv")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)  # the local header's size
    for k in range(10):
        raw[start + info.compress_size // 2 + k] ^= 0xFF
    target.write_bytes(bytes(raw))
    return target


def test_a_zip_with_damaged_deflate_data_is_exit_2_the_zip_is_damaged(tmp_path: Path) -> None:
    """R25: damaged deflate data crashed every command with zlib.error (exit 1)."""
    svcs = SVCS + "".join(f"s{i},o1,Service number {i} with a longer name,active\n" for i in range(10, 400))
    bad = _damaged(package(tmp_path, services=svcs), tmp_path / "package.zip")
    p = one(pm.validate(bad), r"package\.zip: error: the zip is damaged or cannot be read", "error")
    assert p.fix.startswith("Download the package again")
    proc = subprocess.run([sys.executable, "-m", "partnermap", "validate", str(bad)], capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 2 and "the zip is damaged" in proc.stderr and "Traceback" not in proc.stderr
    cut = tmp_path / "cut.zip"
    cut.write_bytes(bad.read_bytes()[:300])
    one(pm.validate(cut), r"cut\.zip: error: the zip is damaged or not a zip file", "error")


# -------------------------------------------------------- not mistaken for HSDS


def test_a_plain_partnermap_folder_is_not_hsds(toy: Path, tmp_path: Path) -> None:
    assert not hsds.is_hsds(toy)
    data = pm.load(toy)
    assert not [p for p in data.report.problems if "HSDS" in p.message]
    # even with a locations table beside it, a sector / org_id column says partnermap
    folder = tmp_path / "mixed"
    write(folder, "organizations.csv", "id,name,sector\nA,Alpha,public\n")
    write(folder, "locations.csv", "id,organization_id,latitude,longitude\nL1,A,26.4,50.1\n")
    assert not hsds.is_hsds(folder)
    one(pm.validate(folder), r"column 'id' read as 'org_id'", "info")  # the loader's own reading
    write(folder, "organizations.csv", "org_id,name\nA,Alpha\n")
    assert not hsds.is_hsds(folder)
    assert not hsds.is_hsds(tmp_path / "nowhere")


# ------------------------------------------------------------ hand-made packages


ORGS = ("id,name,legal_status,tax_status,parent_organization_id\n"
        "o1,Food Bank,,501(c)(3),\n"
        "o2,County Health Department,County agency,,\n"
        "o3,Acme Plumbing LLC,LLC,,o1\n"
        "o4,Neighbours Together,,,\n"
        "o5,Mixed Signals,Limited Company,charity,\n")
LOCS = ("id,organization_id,name,latitude,longitude\n"
        "l1,o1,Pantry,37.48,-122.23\n"
        "l2,o2,Clinic,37.50,-122.25\n"
        "l3,o3,Shop,north,-122.2\n"
        "l4,o4,Hall,-122.21,37.47\n"
        "l5,o5,Office,37.49,-122.24\n"
        "l6,o1,Depot,37.46,-122.20\n")
SVCS = ("id,organization_id,name,status\n"
        "s1,o1,Food pantry,active\n"
        "s2,o2,Immunisations,active\n"
        "s3,o9,Ghost service,active\n")


def package(tmp_path: Path, **tables: str) -> Path:
    folder = tmp_path / "pkg"
    texts = {"organizations.csv": ORGS, "locations.csv": LOCS, "services.csv": SVCS}
    texts.update({f"{k}.csv": v for k, v in tables.items()})
    for name, text in texts.items():
        if text:
            write(folder, name, text)
    return folder


def test_sector_from_legal_and_tax_status(tmp_path: Path) -> None:
    data = pm.load(package(tmp_path))
    s = data.organizations["sector"]
    assert s.to_dict() == {"o1": "non_profit", "o2": "public", "o3": "for_profit", "o4": hsds.UNKNOWN_SECTOR,
                           "o5": "non_profit"}
    one(data.report, r"legal_status 'Limited Company' suggests for_profit but tax_status 'charity' suggests "
                     r"non_profit; used non_profit", "warning")
    one(data.report, r"1 of 5 organisation\(s\) have no sector", "warning")


def test_coordinate_problems_name_the_location_rows(tmp_path: Path) -> None:
    r = pm.validate(package(tmp_path))
    p = one(r, r"latitude 'north' is not a number", "warning")
    assert (p.file, p.row, p.column, p.ref) == ("locations.csv", 4, "latitude", "l3")
    p = one(r, r"longitude -122\.21 is outside ±180|latitude -122\.21 is outside ±90", "warning")
    assert (p.file, p.row) == ("locations.csv", 5) and "swapped" in p.fix
    data = pm.load(package(tmp_path))
    assert data.organizations.loc["o1", "lat"] == 37.48  # its first physical location
    assert data.organizations.loc["o1", "n_locations"] == 2
    assert data.organizations.loc["o3", "geometry"] is None


def test_swapped_location_in_a_four_location_package(tmp_path: Path) -> None:
    # Philadelphia: swapped, (-75.14, 39.97) is still in range, so only the other locations can tell
    locs = ("id,organization_id,name,latitude,longitude\n"
            "l1,o1,Pantry,39.95,-75.16\nl2,o2,Clinic,39.96,-75.15\n"
            "l3,o3,Shop,39.94,-75.17\nl4,o4,Hall,-75.14,39.97\n")
    data = pm.load(package(tmp_path, locations=locs))
    p = one(data.report, r"latitude/longitude \(-75\.14, 39\.97\) look swapped", "warning")
    assert (p.file, p.row, p.column, p.ref) == ("locations.csv", 5, "latitude", "l4")
    assert data.organizations.loc["o4", ["lat", "lon"]].tolist() == [39.97, -75.14]


def test_dangling_references_are_counted_per_table_with_examples(tmp_path: Path) -> None:
    sal = "id,service_id,location_id\n" + "".join(f"x{i},s{i + 4},l1\n" for i in range(5)) + "ok,s1,l1\n"
    phones = "id,organization_id,number\np1,o1,555\np2,zz,556\n"
    r = pm.validate(package(tmp_path, service_at_location=sal, phones=phones))
    p = one(r, r"5 rows have a service_id that matches no id in services\.csv "
               r"\(row 2 's4', row 3 's5', row 4 's6' and 2 more\); set aside", "warning")
    assert (p.file, p.row, p.column) == ("service_at_location.csv", 2, "service_id")
    one(r, r"services\.csv:4:organization_id: .*1 row has an organization_id that matches no id", "warning")
    one(r, r"phones\.csv:3:organization_id: .*those links are ignored", "warning")
    assert not [x for x in r.problems if "parent_organization_id" in x.message]
    assert len([x for x in r.rejected if x["file"] == "service_at_location.csv"]) == 5


def test_duplicate_and_blank_ids_are_errors(tmp_path: Path) -> None:
    orgs = ORGS + "o1,Food Bank again,,,\n"
    locs = LOCS + "l1,o2,Copy,37.4,-122.2\n,o2,No id,37.4,-122.2\n"
    folder = package(tmp_path, organizations=orgs, locations=locs)
    r = pm.validate(folder)
    p = one(r, r"duplicate org_id 'o1' \(first used on row 2\)", "error")
    assert (p.file, p.row) == ("organizations.csv", 7)
    p = one(r, r"duplicate id 'l1' \(first used on row 2\)", "error")
    assert (p.file, p.row, p.column) == ("locations.csv", 8, "id")
    assert one(r, r"blank id", "error").row == 9
    with pytest.raises(pm.DataValidationError, match=r"duplicate id 'l1'"):
        pm.load(folder)
    data = pm.load(folder, strict=False)
    assert data.report.counts["locations"] == (8, 6)
    accounted(data.report)


def test_geojson_extent_becomes_an_area(tmp_path: Path) -> None:
    ring = "[-122.3,37.4],[-122.1,37.4],[-122.1,37.6],[-122.3,37.6],[-122.3,37.4]"
    square = '{""type"": ""Polygon"", ""coordinates"": [[' + ring + ']]}'
    areas = ("id,service_id,name,extent,extent_type\n"
             f'a1,s1,North County,"{square}",geojson\n'
             'a2,s2,Somewhere,"{""type"": ""Polygon""",geojson\n'
             "a3,s2,Downtown,,\n")
    data = pm.load(package(tmp_path, service_areas=areas))
    assert data.areas is not None and data.areas.index.tolist() == ["a1"]
    assert data.areas.loc["a1", "org_id"] == "o1" and data.areas.loc["a1", "service_id"] == "s1"
    p = one(data.report, r"extent '\{\"type\": \"Polygon\"' is not valid GeoJSON", "warning")
    assert (p.file, p.row, p.column) == ("service_areas.csv", 3, "extent")
    assert data.organizations.loc["o2", "service_areas"] == ["Somewhere", "Downtown"]
    assert data.report.counts["service_areas"] == (3, 3)


def test_relationships_csv_beside_the_package(tmp_path: Path) -> None:
    rels = "source,target,kind\no1,o2,referral\no1,o3,partnership\no1,o99,funding\n"
    folder = package(tmp_path, relationships=rels)
    r = pm.validate(folder)
    p = one(r, r"'o99' is not an org_id in organizations\.csv", "error")
    assert (p.file, p.row, p.column) == ("relationships.csv", 4, "target")
    write(folder, "relationships.csv", rels.rsplit("o1,o99", 1)[0])
    data = pm.load(folder)
    G = pm.build_graph(data)
    assert G.number_of_edges() == 2 and data.relationships["directed"].tolist() == [True, False]


def test_areas_file_beside_the_package(tmp_path: Path) -> None:
    folder = package(tmp_path)
    gpd.GeoDataFrame({"area_id": ["W1"], "name": ["Ward 1"]}, geometry=[box(-122.3, 37.4, -122.1, 37.6)],
                     crs="EPSG:4326").to_file(folder / "areas.geojson", driver="GeoJSON")
    data = pm.load(folder)
    assert data.areas.index.tolist() == ["W1"]


def test_missing_organization_table_and_unreadable_side_table(tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    write(folder, "datapackage.json", '{"resources": [{"name": "location", "path": "locations.csv"}]}')
    write(folder, "locations.csv", LOCS)
    assert hsds.is_hsds(folder)
    one(pm.validate(folder), r"the HSDS package has no organization table", "error")
    folder = package(tmp_path / "b", phones="id,organization_id,number\np1,o1,555,extra\n")
    r = pm.validate(folder)
    assert r.ok  # a broken table partnermap does not use is only a warning
    one(r, r"phones\.csv:2:.*\(partnermap does not use this table\)", "warning")


# ------------------------------------------------------------------ command line


@pytest.mark.parametrize("folder", [V3, V11, OHANA], ids=["3.0", "1.1", "ohana"])
def test_validate_command_on_the_samples(folder: Path) -> None:
    need(folder)
    run = subprocess.run([sys.executable, "-m", "partnermap.cli", "validate", str(folder)],
                         capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert "Traceback" not in run.stdout + run.stderr
    assert run.returncode == 0, run.stderr
    assert "organizations:" in run.stdout and "OK: the data can be used." in run.stdout


def test_validate_command_exits_2_on_an_hsds_package_with_errors(tmp_path: Path) -> None:
    folder = package(tmp_path, organizations=ORGS + "o1,Again,,,\n")
    run = subprocess.run([sys.executable, "-m", "partnermap.cli", "validate", str(folder)],
                         capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert run.returncode == 2 and "Traceback" not in run.stdout + run.stderr
    assert "duplicate org_id 'o1'" in run.stderr


def test_docstring_examples_run() -> None:
    assert doctest.testmod(hsds, optionflags=doctest.ELLIPSIS).failed == 0


def test_copied_package_without_datapackage_json_still_reads(tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(need(V11) / "simple", folder)
    (folder / "datapackage.json").unlink()
    assert hsds.is_hsds(folder)
    assert pm.load(folder).report.counts["services"] == (13, 13)


def test_a_quoted_multiline_record_is_numbered_by_its_first_line(tmp_path: Path) -> None:
    orgs = ORGS + 'o6,Test Org,"a legal status\non two lines",,\no7,Dummy Organization,,,\n'
    r = pm.validate(package(tmp_path, organizations=orgs))
    assert one(r, r"'Test Org' looks like a test record", "warning").row == 7
    assert one(r, r"'Dummy Organization' looks like a test record", "warning").row == 9


def test_a_tie_to_a_test_record_says_it_was_set_aside(tmp_path: Path) -> None:
    folder = tmp_path / "ohana"
    shutil.copytree(need(OHANA), folder)
    write(folder, "relationships.csv", "source,target\n5,6\n")
    r = pm.validate(folder)
    p = one(r, "'6' is in .* but that row was set aside", "error")
    assert "test record" in p.message and p.row == 2


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    """150 MB of one table in a 150 KB zip: refused (exit 2), not unpacked into memory and the temp folder."""
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("organizations.csv", "id,name\n1,A\n")
        z.writestr("services.csv", "id,organization_id,name\ns1,1,S\n")
        z.writestr("locations.csv", "id,organization_id,name\nl1,1,L\n")
        z.writestr("phones.csv", "\n" * 150_000_000)
    report = pm.validate(bomb)
    one(report, r"^bomb\.zip: error: the zip is refused: its tables unpack to more than 100 times", "error")
    proc = subprocess.run([sys.executable, "-m", "partnermap", "validate", str(bomb)], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
