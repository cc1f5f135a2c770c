"""The report a stakeholder receives: complete, escaped, and without private columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import partnermap as pm
from partnermap.report import run_report

from .conftest import HEADER_ORGS, RELS


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_report(None, tmp_path_factory.mktemp("reports"), progress=False)


def test_demo_report_has_every_section_and_table(demo_run: Path) -> None:
    assert demo_run.name == "demo"
    html = (demo_run / "index.html").read_text(encoding="utf-8")
    for title in ("Data quality", "Who is in the ecosystem", "Who holds the ecosystem together",
                  "Where the gaps are", "Weak spots of the ecosystem", "Potential partners of"):
        assert title in html
    assert "<script" not in html and "http" not in html  # opens from disk, offline
    for name in ("problems", "metrics", "coverage", "underserved", "gaps", "potential_partners"):
        assert (demo_run / "tables" / f"{name}.csv").exists()
    metrics = pd.read_csv(demo_run / "tables" / "metrics.csv", encoding="utf-8-sig", index_col=0)
    assert len(metrics) == 320
    partners = pd.read_csv(demo_run / "tables" / "potential_partners.csv", encoding="utf-8-sig")
    assert "ORG-001" not in set(partners["org_id"]) and len(partners) == 20


def test_private_columns_never_reach_the_report(demo_run: Path) -> None:
    demo = pm.load(pm.datasets.demo_path()).organizations
    emails = demo["email"].dropna()
    assert len(emails) > 0  # the demo does carry private data
    for path in [demo_run / "index.html", *sorted((demo_run / "tables").glob("*.csv"))]:
        text = path.read_text(encoding="utf-8-sig")
        assert not any(e in text for e in emails.head(50)), path.name
    orgs = pd.read_csv(demo_run / "tables" / "organizations.csv", encoding="utf-8-sig")
    assert not {"email", "phone", "contact_name"} & set(orgs.columns)


def test_user_text_is_escaped_in_the_page(folder, tmp_path: Path) -> None:
    hostile = '<img src=x onerror=alert(1)> `${alert(2)}` C:\\1'
    orgs = HEADER_ORGS + f'\nORG-001,"{hostile}",for_profit,company,26.28,50.21,,,,,,,,\n'
    orgs += "ORG-002,ok,non_profit,charity,26.3,50.2,,,,,,,,\nORG-003,Mobile,public,school,26.31,50.19,,,,,,,,\n"
    rels = "source,target\nORG-001,ORG-002\nORG-002,ORG-003\n"
    f = folder(orgs=orgs.replace(",founded_year", ",founded_year,Mobile No")
               .replace("26.28,50.21,,,,,,,,", "26.28,50.21,,,,,,,,,0555"), rels=rels)
    run = run_report(f, tmp_path / "out", focal="ORG-002", progress=False)
    html = (run / "index.html").read_text(encoding="utf-8")
    assert "<img" not in html and "${" not in html and "`" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&#36;{alert(2)}" in html
    assert "0555" not in html  # a 'Mobile No' column is private even under another heading
    orgs_out = pd.read_csv(run / "tables" / "organizations.csv", encoding="utf-8-sig")
    assert "Mobile No" not in orgs_out.columns


def test_broken_data_writes_the_problems_and_raises(folder, tmp_path: Path) -> None:
    f = folder(rels=RELS + "ORG-001,NOPE,partnership,,,,,,,,\n")
    with pytest.raises(pm.DataValidationError, match="1 error"):
        run_report(f, tmp_path / "out", progress=False)
    problems = pd.read_csv(tmp_path / "out" / "data" / "tables" / "problems.csv", encoding="utf-8-sig")
    assert "NOPE" in problems.loc[problems["severity"] == "error", "message"].iloc[0]
    assert not (tmp_path / "out" / "data" / "index.html").exists()
