"""Cleaning against the contract on hostile input: one message where there were thousands, values echoed short."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import partnermap as pm

from .conftest import lines, one, write

ORGS3 = "org_id,name,sector\nA,Alpha,public\nB,Beta,non_profit\nC,Gamma,for_profit\n"


def accounted(report: pm.LoadReport) -> None:
    """Every input row is loaded or set aside with a reason."""
    for table, (read, kept) in report.counts.items():
        rejected = [r for r in report.rejected if Path(r["file"]).stem == table]
        assert all(r["reason"] for r in rejected)
        assert kept + len(rejected) == read, (table, read, kept)


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "partnermap", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", timeout=300)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc


def ties(n: int, ids: int = 30) -> str:
    return "source,target\n" + "".join(f"ORG-{i % ids:03d},ORG-{(i + 1) % ids:03d}\n" for i in range(n))


# ------------------------------------------------------------------- free terms


def test_one_cell_of_130000_free_terms_is_one_warning_naming_the_cell(folder) -> None:
    """R22: 130,000 distinct free terms in one offers cell gave 130,000 warnings (and a quadratic check)."""
    terms = ";".join(f"t{i}" for i in range(130_000))
    data = pm.load(folder(orgs=f"org_id,name,sector,offers\nA,Alpha,public,funding;{terms};t5\n"))
    offers = data.organizations.loc["A", "offers"]
    assert offers[:3] == ["funding", "t0", "t1"] and len(offers) == 130_001  # kept as written, each once
    warnings = lines(data.report, "warning")
    assert len(warnings) == 1
    p = one(data.report, r"the cell holds 130,000 terms that are not in the vocabulary", "warning")
    assert (p.file, p.row, p.column, p.ref) == ("organizations.csv", 2, "offers", "A")
    assert "'t0', 't1', 't2', 't3', 't4' …" in p.message


def test_many_distinct_free_terms_in_a_column_are_listed_then_counted(folder) -> None:
    rows = "".join(f"O{i},Org {i},public,term{i};volunteers\n" for i in range(80))
    r = pm.validate(folder(orgs="org_id,name,sector,offers\n" + rows))
    assert len([p for p in r.warnings if "is not in the vocabulary; kept as a free term" in p.message]) == 50
    p = one(r, r"30 more free term\(s\) not in the vocabulary, kept as written: 'term50', 'term51'", "warning")
    assert p.column == "offers"


# -------------------------------------------------------- one error, not thousands


def test_an_empty_organisations_file_is_one_error_and_one_line_for_the_ties(folder) -> None:
    """R20: an empty organizations.csv beside 900 ties printed 900 set-aside lines."""
    f = folder(orgs="", rels=ties(900))
    r = pm.validate(f)
    assert [str(p) for p in r.errors] == [
        "organizations.csv: error: the file is empty. Add a header line (e.g. org_id,name,sector) and one row "
        "per record."]
    assert len([x for x in r.rejected if x["reason"].startswith("not checked")]) == 900  # still accounted
    accounted(r)
    proc = cli("validate", f)
    assert proc.returncode == 2
    out = proc.stdout.splitlines()
    assert len(out) < 10, out
    assert ("  relationships.csv: 900 row(s): not checked: the organisations could not be read "
            "(rows 2 [ORG-000 → ORG-001], 3 [ORG-001 → ORG-002], 4 [ORG-002 → ORG-003] …; "
            f"`partnermap validate {f} -o problems.csv` writes them all)") in out


def test_organisations_without_org_id_are_one_error_and_two_summary_lines(folder, tmp_path: Path) -> None:
    """A new user's missing column: every organisation and every tie set aside, said in three lines."""
    orgs = "name,sector\n" + "".join(f"Org {i},public\n" for i in range(30))
    f = folder(orgs=orgs, rels=ties(200))
    r = pm.validate(f)
    assert len(r.errors) == 1
    one(r, r"organizations\.csv:org_id: error: missing required column 'org_id'", "error")
    assert {x["reason"] for x in r.rejected} == {
        "the file has no 'org_id' column",
        "not checked: the organisations could not be read (organizations.csv has no 'org_id' column)"}
    accounted(r)
    out = tmp_path / "problems.csv"
    proc = cli("validate", f, "-o", out)
    assert proc.returncode == 2
    assert "  organizations.csv: 30 row(s): the file has no 'org_id' column (rows 2, 3, 4 …;" in proc.stdout
    assert len(proc.stdout.splitlines()) < 10
    written = out.read_text(encoding="utf-8-sig").splitlines()
    assert sum(line.startswith("set aside,") for line in written) == 230  # the full list with -o


def test_a_few_set_aside_rows_are_still_listed_one_by_one(folder) -> None:
    proc = cli("validate", folder(orgs=ORGS3, rels="source,target\nA,A\nB,B\n"))
    assert "  relationships.csv:2 [A → A]: self-tie" in proc.stdout
    assert "  relationships.csv:3 [B → B]: self-tie" in proc.stdout


def test_an_unknown_id_on_many_ties_is_one_error_with_its_rows(folder) -> None:
    rels = "source,target\n" + "".join("A,ORG-9\n" if i % 2 else "B,C\n" for i in range(40))
    r = pm.validate(folder(orgs=ORGS3, rels=rels))
    p = one(r, r"'ORG-9' is not an org_id in organizations\.csv", "error")
    assert (p.row, p.column, p.ref) == (3, "target", "A → ORG-9")
    assert "(also row(s) 5, 7, 9" in p.message
    assert len(r.errors) == 1
    assert len([x for x in r.rejected if x["reason"] == "tie to a blank or unknown org_id"]) == 20
    accounted(r)


def test_thousands_of_unknown_ids_are_named_fifty_times_then_counted(folder) -> None:
    """Ids written differently in the two files: 50 errors and a count, not one per tie."""
    rels = "source,target\n" + "".join(f"A,X{i}\n" for i in range(2000))
    r = pm.validate(folder(orgs=ORGS3, rels=rels))
    assert len(r.errors) == 51
    p = one(r, r"1950 more org_id\(s\) named by ties are not in organizations\.csv: 'X50' \(row 52\)", "error")
    assert p.row is None
    accounted(r)


# ---------------------------------------------------------------- long values


def test_a_value_of_200000_characters_is_echoed_shortened(folder) -> None:
    long_id = "x" * 199_999 + "y"
    f = folder(orgs=f"org_id,name,sector\n{long_id},Alpha,public\nB,Beta,public\n",
               rels=f"source,target\n{long_id[:-1]}z,B\n")
    r = pm.validate(f)
    p = one(r, r"is not an org_id", "error")
    assert "… (200,000 characters)" in p.message and len(str(p)) < 600
    assert all(len(x["ref"]) < 300 for x in r.rejected)
    proc = cli("validate", f)
    assert proc.returncode == 2 and len(proc.stdout) + len(proc.stderr) < 3000


# ---------------------------------------------------------------------- areas


def test_areas_beyond_the_range_of_degrees_are_named_and_left_out(folder) -> None:
    """R25's second part: area polygons at lon 500 or lat 126 loaded without a word."""
    def feature(aid: str, ring: list[list[float]]) -> dict:
        return {"type": "Feature", "properties": {"area_id": aid, "name": aid},
                "geometry": {"type": "Polygon", "coordinates": [ring]}}

    good = [[50.0, 26.3], [50.2, 26.3], [50.2, 26.5], [50.0, 26.5], [50.0, 26.3]]
    east = [[50.0, 26.3], [500.0, 26.3], [500.0, 26.5], [50.0, 26.5], [50.0, 26.3]]
    north = [[50.0, 26.3], [50.2, 26.3], [50.2, 126.0], [50.0, 126.0], [50.0, 26.3]]
    f = folder(orgs="org_id,name,sector,lat,lon\nA,Alpha,public,26.4,50.1\n")
    layer = {"type": "FeatureCollection", "features": [feature("Z1", good), feature("Z2", east),
                                                       feature("Z3", north)]}
    write(f, "areas.geojson", json.dumps(layer))
    data = pm.load(f)
    assert list(data.areas.index) == ["Z1"]
    p = one(data.report, r"2 area\(s\) have coordinates outside ±180 longitude / ±90 latitude", "warning")
    assert "'Z2' (row 2: lon 50 to 500" in p.message and "'Z3' (row 3: lon 50 to 50.2, lat 26.3 to 126)" in p.message
    assert {x["ref"] for x in data.report.rejected} == {"Z2", "Z3"}
    assert data.report.counts["areas"] == (3, 1)
