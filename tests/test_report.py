"""The report runner: a dated, atomic, bilingual report folder that a scheduler can run every week."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import partnermap as pm
from partnermap import report

from .conftest import ORGS, RELS

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT.parent / "shared" / "cases" / "new-user-trial"
TODAY = dt.date.today().isoformat()
ARABIC = re.compile("[\u0600-\u06ff]")


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "partnermap", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)


def _texts(run: Path) -> dict[Path, str]:
    """Every page, table and executed notebook of a run, as text."""
    out = {}
    for p in run.rglob("*"):
        if p.suffix in (".html", ".csv", ".ipynb", ".json"):
            out[p] = p.read_text(encoding="utf-8-sig")
    return out


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return report.run(None, tmp_path_factory.mktemp("reports"), quiet=True)


@pytest.fixture(scope="module")
def arabic_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return report.run(None, tmp_path_factory.mktemp("reports-ar"), language="ar", notebooks="01,02,03,04",
                      profiles="ORG-002", quiet=True)


def test_demo_run_writes_the_dated_folder(demo_run: Path) -> None:
    assert demo_run.name == f"{TODAY}-demo"
    for page in ("index.html", "01-data-quality.html", "02-network.html", "03-partnership-gaps.html",
                 "04-coverage.html", "manifest.json"):
        assert (demo_run / page).is_file(), page
    executed = sorted(p.name for p in (demo_run / "notebooks").glob("*.ipynb"))
    assert executed[:4] == ["01-data-quality.ipynb", "02-network.ipynb", "03-partnership-gaps.ipynb",
                            "04-coverage.ipynb"]
    for table in ("problems", "metrics", "coverage", "underserved", "gaps", "potential_partners", "organizations",
                  "relationships", "reviews"):
        assert (demo_run / "tables" / f"{table}.csv").is_file(), table
    assert (demo_run / "tables" / "report.xlsx").is_file()
    assert len(list((demo_run / "figures").glob("*.png"))) >= 6
    # profiles: the focal organisation and each of its active partners
    demo = pm.load(pm.datasets.demo_path())
    partners = pm.portfolio(demo, "ORG-001", as_of=pm.datasets.DEMO_AS_OF).partners.index
    assert {p.stem for p in (demo_run / "profiles").glob("*.html")} == {"ORG-001", *partners}
    assert not list(demo_run.parent.glob(".*tmp*")), "the temporary build folder is gone"


def test_manifest_records_parameters_versions_checksums_and_times(demo_run: Path) -> None:
    m = json.loads((demo_run / "manifest.json").read_text(encoding="utf-8"))
    assert m["status"] == "ok" and m["name"] == "demo" and m["language"] == "en" and m["focal"] == "ORG-001"
    assert m["versions"]["partnermap"] == pm.__version__ and "papermill" in m["versions"]
    files = m["data"]["files"]
    assert len(files) == 3
    for path, digest in files.items():
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == digest
    assert m["started"] <= m["finished"]
    assert [n["notebook"] for n in m["notebooks"][:4]] == list(report.NOTEBOOKS.values())[:4]
    assert all(n["status"] == "ok" and n["duration_s"] > 0 for n in m["notebooks"])
    assert m["counts"] == {"organisations": 320, "ties": len(pm.load(pm.datasets.demo_path()).relationships)}


def test_every_link_of_every_page_resolves(demo_run: Path) -> None:
    pages_ = [demo_run / "index.html", *demo_run.glob("0*.html"), *(demo_run / "profiles").glob("*.html"),
              demo_run.parent / "index.html"]
    checked = 0
    for page in pages_:
        html = page.read_text(encoding="utf-8")
        for link in re.findall(r"(?:href|src)='([^']+)'", html):
            if link.startswith(("data:", "#")):
                continue
            assert not link.startswith(("http:", "https:", "//")), (page.name, link)
            assert (page.parent / link).exists(), (page.name, link)
            checked += 1
    assert checked > 30


def test_pages_have_no_code_and_no_remote_scripts(demo_run: Path) -> None:
    for page in [demo_run / "index.html", *demo_run.glob("0*.html"), *(demo_run / "profiles").glob("*.html")]:
        html = page.read_text(encoding="utf-8")
        assert "import partnermap" not in html and "pages.start" not in html, page.name
        assert not re.search(r"<script[^>]+src=['\"]?https?:", html), page.name
        assert "require.js" not in html and "mathjax" not in html.lower(), page.name


def test_no_private_column_in_any_page_table_or_notebook(demo_run: Path) -> None:
    orgs = pm.load(pm.datasets.demo_path()).organizations
    secrets = [str(v) for c in ("email", "phone", "contact_name") for v in orgs[c].dropna().unique()]
    assert len(secrets) > 50
    for path, text in _texts(demo_run).items():
        leaked = [s for s in secrets if s in text]
        assert not leaked, (path.name, leaked[:3])
    for csv in (demo_run / "tables").glob("*.csv"):
        head = pd.read_csv(csv, encoding="utf-8-sig", nrows=0).columns
        assert not {"email", "phone", "contact_name"} & set(head), csv.name


def test_index_has_the_key_figures_candidates_and_gaps(demo_run: Path) -> None:
    html = (demo_run / "index.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "lang='en' dir='ltr'" in html
    assert "built-in demo data" in html  # the demo is announced
    assert "320 organisations" in html and "active ties" in html and "cross sectors" in html
    assert "of residents" in html
    best = pm.potential_partners(pm.load(pm.datasets.demo_path()), "ORG-001", top=1,
                                 as_of=pm.datasets.DEMO_AS_OF)
    assert best.index[0] in html and "that you need" in html
    assert "Sectors that never meet" in html
    runs = (demo_run.parent / "index.html").read_text(encoding="utf-8")
    assert f"{demo_run.name}/index.html" in runs


def test_arabic_pages_are_right_to_left_and_in_arabic(arabic_run: Path) -> None:
    for page in [arabic_run / "index.html", *arabic_run.glob("0*.html"), *(arabic_run / "profiles").glob("*.html")]:
        html = page.read_text(encoding="utf-8")
        assert "<html lang='ar' dir='rtl'>" in html, page.name
        headings = re.findall(r"<h[12]>(.*?)</h[12]>", html, flags=re.S)
        assert headings and all(ARABIC.search(h) for h in headings), (page.name, headings)
        english = [w for w in ("that you need", "depends on", "has no ties", "within reach", "Weak spots",
                               "Organisations", "Potential") if w in re.sub(r"<bdi>.*?</bdi>", "", html)]
        assert not english, (page.name, english)
    gaps = pd.read_csv(arabic_run / "tables" / "gaps.csv", encoding="utf-8-sig")
    assert gaps["message"].map(lambda m: bool(ARABIC.search(str(m)))).all()
    assert not gaps["message"].str.contains("no organisation within reach").any()
    cands = pd.read_csv(arabic_run / "tables" / "potential_partners.csv", encoding="utf-8-sig")
    assert not cands["reasons"].str.contains("that you need|km away").any()
    assert cands["reasons"].str.contains("كم").any()


def test_two_runs_give_identical_tables_and_the_second_replaces_the_first(tmp_path: Path) -> None:
    data = tmp_path / "mine"
    shutil.copytree(pm.datasets.demo_path(), data)
    out = tmp_path / "reports"
    first = report.run(data, out, focal="ORG-001", notebooks="01,02,03", profiles="none", as_of="2026-12-01",
                       quiet=True)
    kept = tmp_path / "first"
    shutil.copytree(first, kept)
    second = report.run(data, out, focal="ORG-001", notebooks="01,02,03", profiles="none", as_of="2026-12-01",
                        quiet=True)
    assert second == first and second.name == f"{TODAY}-mine"
    tables = sorted(p.name for p in (kept / "tables").glob("*.csv"))
    assert tables == sorted(p.name for p in (second / "tables").glob("*.csv"))
    for name in tables:
        assert (kept / "tables" / name).read_bytes() == (second / "tables" / name).read_bytes(), name
    changes = pd.read_csv(second / "changes.csv", encoding="utf-8-sig")
    assert len(changes) == 0
    assert "Nothing changed" in (second / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in out.iterdir() if p.is_dir()] == [second.name]


def test_changes_since_the_previous_run(tmp_path: Path) -> None:
    data = tmp_path / "weekly"
    shutil.copytree(pm.datasets.demo_path(), data)
    out = tmp_path / "reports"
    report.run(data, out, focal="ORG-001", notebooks="01,02,03", profiles="none", as_of="2026-12-01", quiet=True)
    orgs = pd.read_csv(data / "organizations.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    rels = pd.read_csv(data / "relationships.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    gone = "ORG-250"
    orgs = orgs[orgs["org_id"] != gone]
    new = orgs.iloc[[0]].assign(org_id="ORG-NEW", name="New Community Kitchen", email="")
    orgs = pd.concat([orgs, new])
    rels = rels[(rels["source"] != gone) & (rels["target"] != gone)]
    active = rels.index[rels["status"] == "active"]
    ended = rels.loc[active[0], ["source", "target"]].tolist()
    rels.loc[active[0], "status"] = "ended"
    rels.loc[active[0], "end_date"] = "2026-11-30"
    orgs.to_csv(data / "organizations.csv", index=False)
    rels.to_csv(data / "relationships.csv", index=False)
    run = report.run(data, out, focal="ORG-001", notebooks="01,02,03", profiles="none", as_of="2026-12-01",
                     quiet=True)
    ch = pd.read_csv(run / "changes.csv", encoding="utf-8-sig", dtype=str)
    assert set(ch.loc[ch["change"] == "org_added", "id"]) == {"ORG-NEW"}
    assert set(ch.loc[ch["change"] == "org_removed", "id"]) == {gone}
    ended_rows = ch[ch["change"] == "tie_ended"]
    assert any(ended[0] in d and ended[1] in d for d in ended_rows["detail"])
    assert (ch["change"] == "broker_moved").any()
    assert {"gap_opened", "gap_closed"} & set(ch["change"])
    html = (run / "index.html").read_text(encoding="utf-8")
    assert "What changed since" in html and "Organisations added" in html and "New Community Kitchen" in html


def test_changes_read_an_org_id_na_and_a_name_none_as_written(tmp_path: Path) -> None:
    """Issue 14 (R17, in the report's own tables): pandas read 'NA' and 'None' as missing."""
    for run, rows in (("a", "B,Beta\n"), ("b", "B,Beta\nNA,None\n")):
        (tmp_path / run / "tables").mkdir(parents=True)
        (tmp_path / run / "tables" / "organizations.csv").write_text("org_id,name\n" + rows, encoding="utf-8")
    ch = report.changes(tmp_path / "a", tmp_path / "b")
    assert ch[["change", "id", "name"]].values.tolist() == [["org_added", "NA", "None"]]


def _broken_notebooks(tmp_path: Path) -> Path:
    import nbformat

    nb_dir = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", nb_dir)
    nb = nbformat.read(nb_dir / "02-network.ipynb", as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell("raise RuntimeError('the network broke')"))
    nbformat.write(nb, nb_dir / "02-network.ipynb")
    return nb_dir


def test_a_failing_run_keeps_the_previous_report_and_the_failed_notebook(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    good = report.run(None, out, notebooks="01,02", profiles="none", quiet=True)
    before = (good / "index.html").read_bytes()
    result = _cli("report", "-o", str(out), "--notebooks", "01,02", "--profiles", "none", "--quiet",
                  env={"PARTNERMAP_NOTEBOOKS": str(_broken_notebooks(tmp_path))})
    assert result.returncode == 1, result.stderr
    assert "02-network" in result.stderr and "cell" in result.stderr and "the network broke" in result.stderr
    assert "Traceback" not in result.stderr
    assert (good / "index.html").read_bytes() == before
    failed = out / f"{good.name}.failed"
    kept = (failed / "notebooks" / "02-network.ipynb").read_text(encoding="utf-8")
    assert "the network broke" in kept and "papermill-error-cell" in kept  # papermill's banner
    assert not list(out.glob(".*tmp*"))


def test_bad_input_exits_2_before_any_notebook_and_writes_nothing(folder, tmp_path: Path) -> None:
    data = folder(rels=RELS + "ORG-001,NOPE,partnership,,,,,,,,\n")
    out = tmp_path / "reports"
    result = _cli("report", str(data), "-o", str(out))
    assert result.returncode == 2
    assert "NOPE" in result.stderr and "relationships.csv:7" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("args, message", [
    (["--focal", "ORG-999"], "ORG-999"),
    (["--notebooks", "07"], "unknown notebook '07'"),
    (["--profiles", "ORG-001,NOBODY"], "NOBODY"),
])
def test_bad_options_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = _cli("report", "-o", str(tmp_path / "r"), *args)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


def test_params_file_sets_the_options_and_rejects_unknown_names(tmp_path: Path) -> None:
    params = tmp_path / "weekly.yaml"
    params.write_text("focal: '007'\nnotebooks: '01'\nprofiles: none\nlanguage: ar\nname: weekly\n", encoding="utf-8")
    run = report.run(None, tmp_path / "r", params=params, quiet=True)
    m = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert run.name == f"{TODAY}-weekly" and m["focal"] == "007" and m["language"] == "ar"
    params.write_text("focal_id: ORG-001\n", encoding="utf-8")
    with pytest.raises(pm.ParameterError, match="unknown parameter.*focal_id"):
        report.run(None, tmp_path / "r", params=params, quiet=True)


def test_a_second_run_on_the_same_output_says_who_holds_the_lock(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    with (out / ".partnermap.lock").open("w", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fh.write("pid 4242 on scheduler since 2026-12-01T03:00:00")
        fh.flush()
        with pytest.raises(report.ReportLocked, match="pid 4242 on scheduler"):
            report.run(None, out, notebooks="01", profiles="none", quiet=True)
    assert not [p for p in out.iterdir() if p.name != ".partnermap.lock"]


def test_progress_lines_and_quiet(tmp_path: Path) -> None:
    loud = _cli("report", "-o", str(tmp_path / "a"), "--notebooks", "01", "--profiles", "none")
    assert loud.returncode == 0, loud.stderr
    assert "[1/1] 01-data-quality" in loud.stderr and "done in" in loud.stderr
    assert loud.stdout.strip().endswith("index.html")
    quiet = _cli("report", "-o", str(tmp_path / "b"), "--notebooks", "01", "--profiles", "none", "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert Path(quiet.stdout.strip()).is_file()


def test_own_data_tiny_fixture_in_both_languages(folder, tmp_path: Path) -> None:
    data = folder(orgs=ORGS, rels=RELS, name="tiny")
    for lang in ("en", "ar"):
        run = report.run(data, tmp_path / lang, focal="ORG-001", notebooks="01,02,03,04", profiles="007",
                         language=lang, quiet=True)
        assert (run / "profiles" / "007.html").is_file()
        m = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
        assert len(m["notebooks"]) == 5 and all(n["status"] == "ok" for n in m["notebooks"])
        assert "demo" not in (run / "01-data-quality.html").read_text(encoding="utf-8").lower()


# ----------------------------------------------------------- reproducers of issue 10


def _case_folder(tmp_path: Path, case: str, orgs: str = "organizations.csv") -> Path:
    src = CASES / case
    if not src.is_dir():
        pytest.skip(f"reproducer {case} is not in this checkout")
    data = tmp_path / case
    data.mkdir()
    shutil.copy(src / orgs, data / "organizations.csv")
    shutil.copy(src / "relationships.csv", data / "relationships.csv")
    return data


def test_far_away_offices_do_not_break_the_report(tmp_path: Path) -> None:
    """08_report_dies_on_far_point (four offices far away): the report finishes, coverage says why it
    was skipped, no half-written folder; --resolution and --of reach the coverage page."""
    data = _case_folder(tmp_path, "08_report_dies_on_far_point", "four_outliers_organizations.csv")
    out = tmp_path / "reports"
    result = _cli("report", str(data), "-o", str(out), "--notebooks", "01,04", "--quiet")
    assert result.returncode == 0, result.stderr
    run = out / f"{TODAY}-08_report_dies_on_far_point"
    page = (run / "04-coverage.html").read_text(encoding="utf-8")
    assert "Coverage was not computed" in page or "Coverage of each area" in page
    assert not list(out.glob(".*tmp*")) and not list(out.glob("*.failed"))
    coarse = _cli("report", str(data), "-o", str(out), "--notebooks", "04", "--resolution", "4", "--of", "public",
                  "--quiet")
    assert coarse.returncode == 0, coarse.stderr
    assert "H3 resolution 4" in (run / "04-coverage.html").read_text(encoding="utf-8")


def test_raw_values_never_reach_the_pages(demo_run: Path, tmp_path: Path) -> None:
    """12_html_cosmetics: no tuples, no <NA>, no 'about 0 would be expected', labels not keys."""
    for page in [demo_run / "index.html", *demo_run.glob("0*.html")]:
        html = page.read_text(encoding="utf-8")
        assert "('" not in html and "&lt;NA&gt;" not in html and "about 0 would be expected" not in html, page.name
        assert not re.search(r"<t[dh]>(for_profit|non_profit)</t[dh]>", html), page.name
    assert "For-profit" in (demo_run / "02-network.html").read_text(encoding="utf-8")
    na = tmp_path / "na"
    na.mkdir()
    (na / "organizations.csv").write_text("org_id,name,sector,lat,lon\nA,Alpha,public,26.43,50.10\n"
                                          "B,Beta,nonprofit,,\nC,Gamma,public,26.44,50.12\n", encoding="utf-8")
    run = report.run(na, tmp_path / "r", notebooks="01,02,03,04", quiet=True)
    for page in run.glob("*.html"):
        assert "&lt;NA&gt;" not in page.read_text(encoding="utf-8"), page.name
    assert "Organisations without coordinates" in (run / "01-data-quality.html").read_text(encoding="utf-8")


def test_sparse_network_brokers_are_rounded_by_magnitude_and_isolates_left_out(tmp_path: Path) -> None:
    """04_betweenness_rounds_to_zero: significant digits and ranks, no isolate among the brokers."""
    data = _case_folder(tmp_path, "04_betweenness_rounds_to_zero")
    run = report.run(data, tmp_path / "r", notebooks="02", quiet=True)
    html = (run / "02-network.html").read_text(encoding="utf-8")
    section = html[html.index("<h2>Who holds the network together</h2>"):html.index("The most connected")]
    table = _table(section)
    metrics = pd.read_csv(run / "tables" / "metrics.csv", encoding="utf-8-sig", index_col=0)
    isolates = set(metrics.index[metrics["degree"] == 0])
    assert len(table) and not isolates & set(table.iloc[:, 0])
    assert (table["Brokerage"].astype(float) > 0).all()
    assert list(table["Brokerage rank"].astype(int)) == list(range(1, len(table) + 1))


def _table(html: str) -> pd.DataFrame:
    """The first <table> of ``html`` as text cells (headings from <thead>)."""
    t = html[html.index("<table"):html.index("</table>")]
    strip = lambda c: re.sub(r"<[^>]+>", "", c).strip()  # noqa: E731
    head = [strip(c) for c in re.findall(r"<th>(.*?)</th>", t[:t.index("</thead>")], flags=re.S)]
    rows = [[strip(c) for c in re.findall(r"<t[hd]>(.*?)</t[hd]>", r, flags=re.S)]
            for r in re.findall(r"<tr>(.*?)</tr>", t[t.index("<tbody>"):], flags=re.S)]
    return pd.DataFrame(rows, columns=head)


def test_hostile_names_are_escaped_and_contact_columns_left_out(folder, tmp_path: Path) -> None:
    from .conftest import HEADER_ORGS

    hostile = '<img src=x onerror=alert(1)> `${alert(2)}` C:\\1'
    orgs = HEADER_ORGS.replace(",founded_year", ",founded_year,Mobile No") + "\n"
    orgs += f'ORG-001,"{hostile}",for_profit,company,26.28,50.21,,,,,,,,,0555123456\n'
    orgs += "ORG-002,ok,non_profit,charity,26.3,50.2,,,,,,,,,\nORG-003,Mobile,public,school,26.31,50.19,,,,,,,,,\n"
    data = folder(orgs=orgs, rels="source,target\nORG-001,ORG-002\nORG-002,ORG-003\n")
    run = report.run(data, tmp_path / "out", focal="ORG-002", notebooks="01,02,03", profiles="ORG-001", quiet=True)
    for path, text in _texts(run).items():
        assert "0555123456" not in text, path.name
        if path.suffix == ".html" and path.parent.name != "maps":  # maps/ are script pages (tests/test_maps.py)
            # no tag of the user's gets through; the pages carry no script at all, so the `, $ and \
            # that nbconvert writes back as characters (it re-serialises the page) cannot run either
            assert "<img src=x" not in text and "<script" not in text, path.name
    page = (run / "03-partnership-gaps.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    executed = (run / "notebooks" / "03-partnership-gaps.ipynb").read_text(encoding="utf-8")
    assert "&#96;&#36;{alert(2)}&#96;" in executed and "${alert" not in executed
