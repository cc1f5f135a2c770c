"""What the fuzzing campaign of issue 14 broke at intake, kept fixed: dates, ids, paths, outputs.

Each test names its reproducer (R01, R02, R03, R06, R15, R18, R24 of ``cases/fuzz/make.py``)
and builds its input in ``tmp_path``.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import partnermap as pm
from partnermap import ParameterError
from partnermap.cli import main

from .conftest import lines, one, write

ORGS = ("org_id,name,sector,lat,lon,email\nA,Alpha,public,26.40,50.10,a@alpha.example\n"
        "B,Beta,non_profit,26.41,50.11,b@beta.example\nC,Gamma,for_profit,26.42,50.12,c@gamma.example\n")
RELS = "source,target,start_date,end_date\nA,B,2024-01-01,\nB,C,2023-05-01,2024-12-31\n"


def data_folder(root: Path, rels: str = RELS, orgs: str = ORGS, name: str = "data") -> Path:
    folder = root / name
    write(folder, "organizations.csv", orgs)
    write(folder, "relationships.csv", rels)
    return folder


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """Run the command in-process: its exit status, stdout and stderr."""
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# ------------------------------------------------------------------ dates (R01, R24)


@pytest.mark.parametrize("written", ["9999-12-31", "2263-01-01", "0202-06-01", "202-06-01", "1700-03-01"])
def test_r01_date_outside_the_years_read_is_a_warning_and_the_tie_is_kept(tmp_path: Path, written: str) -> None:
    """R01: a tie dated 9999-12-31 (or 2263, or a typo year 202) made every command exit 1 (pandas' range)."""
    data = pm.load(data_folder(tmp_path, f"source,target,end_date\nA,B,{written}\n"))
    p = one(data.report, r"^relationships\.csv:2:end_date: warning: .*outside the years 1800–2199", "warning")
    assert written in p.message and "the tie is kept" in p.message
    assert len(data.relationships) == 1 and pd.isna(data.relationships["end_date"].iloc[0])


@pytest.mark.parametrize(("written", "gregorian"), [("1445-09-01", "2024-03-11"), ("01/09/1445", "2024-03-11"),
                                                    ("١٤٤٥/٠٩/٠١هـ", "2024-03-11"), ("1500-01-01", "2076-11-28")])
def test_r01_hijri_looking_date_says_so_with_its_gregorian_day(tmp_path: Path, written: str, gregorian: str) -> None:
    """R01: 1445-09-01 is a Hijri date typed as Gregorian: the warning says so and about which day it is."""
    data = pm.load(data_folder(tmp_path, f"source,target,start_date\nA,B,{written}\n"))
    p = one(data.report, r"^relationships\.csv:2:start_date: warning: .*looks like a Hijri", "warning")
    assert gregorian in p.fix
    assert len(data.relationships) == 1 and pd.isna(data.relationships["start_date"].iloc[0])


def test_r01_every_command_runs_on_a_tie_dated_9999(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """R01: validate, metrics, gaps and partners all exited 1 with OutOfBoundsDatetime."""
    folder = data_folder(tmp_path, "source,target,start_date,end_date,last_reviewed\nA,B,1445-09-01,9999-12-31,"
                                   "2263-01-01\nB,C,2024-01-01,,\n")
    code, out, _ = cli(capsys, "validate", folder)
    assert code == 0 and "relationships.csv:2:end_date: warning" in out
    for args in (["metrics", folder, "-o", tmp_path / "m.csv"], ["gaps", folder, "-o", tmp_path / "g.csv"],
                 ["partners", folder, "--focal", "A", "-o", tmp_path / "p.csv"]):
        code, _, err = cli(capsys, *args)
        assert code == 0, err


def test_r24_utc_offsets_are_dropped_with_a_warning_naming_each_cell(tmp_path: Path) -> None:
    """R24: a date with Z or +03:00 beside plain dates failed with 'Mixed timezones detected'."""
    rels = ("source,target,start_date,end_date\nA,B,2024-06-01T10:00:00Z,\nB,C,2024-01-01,2024-06-01 10:00+03:00\n"
            "A,C,2023-02-01,2024-03-05T23:30:00-05:00\n")
    data = pm.load(data_folder(tmp_path, rels))
    rel = data.relationships
    assert rel["start_date"].tolist() == [pd.Timestamp("2024-06-01 10:00"), pd.Timestamp("2024-01-01"),
                                          pd.Timestamp("2023-02-01")]
    assert rel["end_date"].iloc[1] == pd.Timestamp("2024-06-01 10:00")  # the time as written, offset dropped
    assert rel["end_date"].iloc[2].date().isoformat() == "2024-03-05"  # not moved to the next day (UTC)
    for cell, offset in (("2:start_date", "Z"), ("3:end_date", "+03:00"), ("4:end_date", "-05:00")):
        one(data.report, rf"^relationships\.csv:{cell}: warning: UTC offset '{re.escape(offset)}' dropped", "warning")


def test_r24_many_offsets_are_counted_not_listed(tmp_path: Path) -> None:
    """R24: one offset on 300 rows gives a few lines and a count, not 300 lines."""
    orgs = "org_id,name,sector\n" + "".join(f"O{i},Org {i},public\n" for i in range(301))
    rels = "source,target,start_date\n" + "".join(f"O0,O{i},2024-06-01T10:00+03:00\n" for i in range(1, 301))
    report = pm.validate(data_folder(tmp_path, rels, orgs))
    said = [x for x in lines(report, "warning") if "UTC offset" in x]
    assert len(said) <= 6 and any("also in 295 more row(s)" in x for x in said)
    assert report.counts["relationships"] == (300, 300)


# ----------------------------------------------------------------- as_of (R02, R03)


def test_r02_as_of_with_a_utc_offset_is_the_date_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """R02: --as-of 2025-01-01T00:00+03:00 crashed metrics and gaps (tz-aware against naive)."""
    folder = data_folder(tmp_path)
    data = pm.load(folder)
    assert pm.build_graph(data, as_of="2025-01-01T00:00+03:00").graph["as_of"] == "2025-01-01"
    assert pm.build_graph(data, as_of=pd.Timestamp("2024-12-31T23:30-05:00")).graph["as_of"] == "2024-12-31"
    tables = []
    for as_of in ("2025-01-01T00:00+03:00", "2025-01-01"):
        out = tmp_path / f"m{len(tables)}.csv"
        code, _, err = cli(capsys, "metrics", folder, "--as-of", as_of, "-o", out)
        assert code == 0, err
        tables.append(pd.read_csv(out, encoding="utf-8-sig"))
        code, _, err = cli(capsys, "gaps", folder, "--as-of", as_of, "-o", tmp_path / "g.csv")
        assert code == 0, err
    pd.testing.assert_frame_equal(tables[0], tables[1])


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1446-01-01", "soon"])
def test_r03_as_of_outside_the_years_is_a_usage_error_for_every_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], as_of: str) -> None:
    """R03: gaps --as-of 0001-01-01 crashed ('year 0 is out of range'): exit 2 naming --as-of, in every command."""
    folder = data_folder(tmp_path)
    for command in (["metrics", folder, "-o", tmp_path / "m.csv"], ["gaps", folder, "-o", tmp_path / "g.csv"],
                    ["partners", folder, "--focal", "A", "-o", tmp_path / "p.csv"],
                    ["export", folder, "--format", "gexf", "-o", tmp_path / "e.gexf"],
                    ["report", folder, "-o", tmp_path / "reports"]):
        code, out, err = cli(capsys, *command, "--as-of", as_of)
        assert code == 2 and f"--as-of '{as_of}'" in err, (command, out, err)
        if as_of == "1446-01-01":
            assert "looks like a Hijri date" in err and "2024-07-08" in err
    assert not any(tmp_path.glob("*.csv")) and not (tmp_path / "reports").exists()


def test_r03_as_of_outside_the_years_is_a_parameter_error_in_the_api(tmp_path: Path) -> None:
    """R03: the Python API's as_of parameters refuse the same dates, with the same words."""
    data = pm.load(data_folder(tmp_path))
    calls = [lambda a: pm.build_graph(data, as_of=a), lambda a: pm.gaps.gaps_table(data, as_of=a),
             lambda a: pm.potential_partners(data, "A", as_of=a), lambda a: pm.gaps.review_schedule(data, as_of=a),
             lambda a: pm.gaps.portfolio(data, "A", as_of=a)]
    for call in calls:
        with pytest.raises(ParameterError, match=r"as_of '0001-01-01' is outside the years 1800–2199"):
            call("0001-01-01")


# ------------------------------------------------------------------------ ids (R15)


def test_r15_invisible_characters_and_nfd_in_ids_are_normalised_with_a_warning(tmp_path: Path) -> None:
    """R15: ids differing by ZWSP or NFC/NFD loaded as two organisations, and ORG-2 did not find RLM+ORG-2."""
    orgs = ("org_id,name,sector\nORG-1,Alpha,public\nORG-1\u200b,Alpha copy,public\nCaf\u00e9,Cafe NFC,public\n"
            "Cafe\u0301,Cafe NFD,public\n\u200fORG-2,Beta,public\n\ufeffORG-3\u200e,Gamma,public\n")
    rels = "source,target\nORG-1,ORG-2\nORG-3,\u2067Caf\u00e9\u2069\n"
    report = pm.validate(data_folder(tmp_path, rels, orgs))
    one(report, r"^organizations\.csv:3:org_id: warning: invisible character\(s\) U\+200B ZERO WIDTH SPACE removed",
        "warning")
    one(report, r"^organizations\.csv:5:org_id: warning: accents typed as separate marks \(Unicode NFD\)", "warning")
    one(report, r"^organizations\.csv:6:org_id: warning: .*U\+200F RIGHT-TO-LEFT MARK", "warning")
    one(report, r"^organizations\.csv:7:org_id: warning: .*U\+200E LEFT-TO-RIGHT MARK, U\+FEFF", "warning")
    one(report, r"^relationships\.csv:3:target: warning: .*U\+2067", "warning")
    assert [str(p).split(": error")[0] for p in report.errors] == ["organizations.csv:3:org_id",
                                                                   "organizations.csv:5:org_id"]
    assert all("duplicate org_id" in p.message for p in report.errors)
    assert report.counts["relationships"] == (2, 2)  # both ties find their organisations


def test_r15_clean_ids_load_and_match_the_focal(tmp_path: Path) -> None:
    """R15: once normalised, the ids are what the data holds; --focal with a stray mark finds the organisation."""
    orgs = "org_id,name,sector\n\u200fORG-2,Beta,public\nORG-3,Gamma,public\n"
    data = pm.load(data_folder(tmp_path, "source,target\nORG-2,ORG-3\n", orgs))
    assert data.organizations.index.tolist() == ["ORG-2", "ORG-3"]
    assert pm.potential_partners(data, "ORG-2\u200b").attrs["focal"] == "ORG-2"
    assert pm.build_graph(data).has_edge("ORG-2", "ORG-3")


def test_r15_many_changed_ids_are_counted_not_listed(tmp_path: Path) -> None:
    """R15: a BOM on every id (an export artefact) gives a few lines and a count, not one line per row."""
    orgs = "org_id,name,sector\n" + "".join(f"\ufeffO{i},Org {i},public\n" for i in range(500))
    report = pm.validate(data_folder(tmp_path, "source,target\nO1,O2\n", orgs))
    said = [x for x in lines(report, "warning") if "U+FEFF" in x]
    assert len(said) <= 6 and any("also in 495 more row(s)" in x for x in said)
    assert report.ok and report.counts["organizations"] == (500, 500)


# ----------------------------------------------------------------------- paths (R06)


def test_r06_a_path_that_is_neither_file_nor_folder_is_exit_2(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """R06: validate /dev/null crashed with NotADirectoryError; a FIFO or socket must not hang or crash either."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock_path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        for path in ("/dev/null", fifo, sock_path):
            for command in (["validate", path], ["metrics", path, "-o", tmp_path / "m.csv"],
                            ["map", path, "--kind", "organizations", "-o", tmp_path / "m.html"]):
                code, _, err = cli(capsys, *command)
                assert code == 2 and "not a data folder or workbook" in err, (command, err)
        folder = data_folder(tmp_path)
        for option, command in (("--weights", ["partners", folder, "--focal", "A", "-o", tmp_path / "p.csv"]),
                                ("--params", ["report", folder, "-o", tmp_path / "r"]),
                                ("--areas", ["coverage", folder, "-o", tmp_path / "c.csv"])):
            for path in (fifo, sock_path, "/dev/null"):
                code, _, err = cli(capsys, *command, option, path)
                assert code == 2 and f"{option} {path}: not a file" in err, (option, path, err)


# ----------------------------------------------------------- outputs never over inputs (R18)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_r18_no_output_option_writes_over_an_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """R18: validate -o data/relationships.csv overwrote the input; every output option of every command refuses."""
    folder = data_folder(tmp_path)
    write(folder, "private_columns.txt", "email\n")
    (tmp_path / "link.csv").symlink_to(folder / "relationships.csv")
    os.link(folder / "organizations.csv", tmp_path / "hard.csv")
    weights = write(tmp_path, "w.csv", "equity: 0\n")  # named .csv: the -o suffix check passes
    before = snapshot(folder)
    ins = folder / "relationships.csv"
    commands = [
        ["validate", folder, "-o", ins], ["validate", folder, "-o", tmp_path / "link.csv"],
        ["validate", folder, "-o", tmp_path / "hard.csv"],
        ["validate", folder, "-o", folder / "organizations.csv"],
        ["validate", folder, "-o", tmp_path / "." / "data" / ".." / "data" / "private_columns.txt"],
        ["validate", folder, "-o", folder / "areas.xlsx"],  # not there yet, but the next load would read it
        ["metrics", folder, "-o", ins], ["metrics", folder, "-o", tmp_path / "m.csv", "--summary", ins],
        ["gaps", folder, "-o", ins], ["partners", folder, "--focal", "A", "-o", ins],
        ["partners", folder, "--focal", "A", "--weights", weights, "-o", tmp_path / "w.csv"],
        ["coverage", folder, "-o", folder / "areas.geojson"],
        ["coverage", folder, "-o", tmp_path / "c.csv", "--problems", ins],
        ["coverage", folder, "-o", tmp_path / "c.csv", "--underserved", ins],
        ["export", folder, "--format", "xlsx", "-o", folder / "organizations.xlsx"],
        ["export", folder, "--format", "gexf", "-o", ins],
        ["map", folder, "--kind", "organizations", "-o", folder / "orgs.html"],
        ["report", folder, "-o", folder], ["report", folder, "-o", tmp_path / "work" / ".." / "data"],
    ]
    for command in commands:
        code, _, err = cli(capsys, *command)
        assert code == 2 and "never writes over its input" in err, (command, err)
    code, _, err = cli(capsys, "metrics", folder, "-o", tmp_path / "m.csv", "--summary", tmp_path / "." / "m.csv")
    assert code == 2 and "-o writes the same file" in err
    assert snapshot(folder) == before and not (tmp_path / "m.csv").exists()


def test_r18_outputs_beside_the_data_are_written_when_named(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """R18: a new file the user names in the data folder is not an input, so it is written."""
    folder = data_folder(tmp_path)
    code, _, err = cli(capsys, "metrics", folder, "-o", folder / "metrics.csv")
    assert code == 0 and (folder / "metrics.csv").is_file(), err
    book = tmp_path / "book.xlsx"
    pm.export.export_data(pm.load(folder), book, format="xlsx")
    code, _, err = cli(capsys, "validate", book, "-o", book)
    assert code == 2 and "is the data" in err


def test_r18_no_command_writes_inside_the_data_folder(tmp_path: Path) -> None:
    """R18: with outputs named elsewhere, no command leaves a file (cache, lock, lib/ folder) in the data folder."""
    folder = data_folder(tmp_path)
    out, work = tmp_path / "out", tmp_path / "work"
    out.mkdir()
    work.mkdir()
    before = snapshot(folder)
    commands = [["validate", folder, "-o", out / "v.csv"], ["metrics", folder, "-o", out / "m.csv"],
                ["gaps", folder, "--focal", "A", "-o", out / "g.csv"],
                ["partners", folder, "--focal", "A", "-o", out / "p.csv"],
                ["coverage", folder, "-o", out / "c.geojson"],
                ["export", folder, "--format", "gpkg", "-o", out / "e.gpkg"],
                ["map", folder, "--kind", "network", "-o", out / "n.html"],
                ["report", folder, "--notebooks", "01", "-q", "-o", out / "reports"]]
    for command in commands:
        proc = subprocess.run([sys.executable, "-m", "partnermap", *map(str, command)], cwd=work,
                              capture_output=True, text=True, encoding="utf-8", timeout=600)
        assert proc.returncode == 0, (command, proc.stderr)
    assert snapshot(folder) == before
    assert sorted(p.name for p in work.iterdir()) == []


def test_r01_r24_stage_dates_read_as_the_tie_dates_are(tmp_path: Path) -> None:
    """R01/R24 for ``stage_date``: gaps failed on an offset ('Mixed timezones') beside a year 9999."""
    orgs = ("org_id,name,sector,engagement_stage,stage_date\nA,Alpha,public,contacted,2024-06-01T10:00+03:00\n"
            "B,Beta,public,contacted,9999-12-31\nC,Gamma,public,partner,2024-01-01\n")
    table = pm.gaps.gaps_table(pm.load(data_folder(tmp_path, "source,target\nC,B\n", orgs)), as_of="2026-01-01")
    stalled = table[table["gap"] == "stalled"]
    assert stalled["org_id"].tolist() == ["A"]  # B's date is unknown, so it is not called stalled
    assert "on 2024-06-01;" in stalled["message"].iloc[0]


def test_an_offset_after_a_bare_hour_is_dropped_and_said_so(tmp_path: Path) -> None:
    """'2024-06-01T10Z' kept its offset, so pandas refused the column and every cell was parsed alone."""
    rels = "source,target,start_date\nA,B,2024-06-01T10Z\nB,C,2024-01-01\nA,C,2024-06-01 10+03\n"
    data = pm.load(data_folder(tmp_path, rels))
    assert data.relationships["start_date"].tolist() == [pd.Timestamp("2024-06-01 10:00"), pd.Timestamp("2024-01-01"),
                                                         pd.Timestamp("2024-06-01 10:00")]
    one(data.report, r"^relationships\.csv:2:start_date: warning: UTC offset 'Z' dropped", "warning")
    one(data.report, r"^relationships\.csv:4:start_date: warning: UTC offset '\+03' dropped", "warning")


@pytest.mark.parametrize("as_of", [2024, 20240601, 2024.0, "today"])
def test_as_of_that_is_a_number_or_a_word_is_refused(tmp_path: Path, as_of: object) -> None:
    """A number would count nanoseconds since 1970 (2024 -> 1970-01-01); a word changes from day to day."""
    data = pm.load(data_folder(tmp_path))
    with pytest.raises(ParameterError, match="is not a date; write it as YYYY-MM-DD"):
        pm.build_graph(data, as_of=as_of)
