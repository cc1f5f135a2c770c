"""The report runner: one data folder → ``reports/<run>/`` with tables and an ``index.html``.

This is the job ``make report`` runs. It loads and validates the data, then writes what
the library can compute — the data-quality report, the ecosystem overview, the network
metrics and summary, geographic coverage and under-served areas — as CSV tables (UTF-8
with BOM, for Excel) and one self-contained ``index.html`` for stakeholders (no scripts,
no CDN, private columns left out, all user text escaped).

Examples
--------
>>> import tempfile, partnermap as pm
>>> out = pm.report.run_report(pm.datasets.demo_path(), tempfile.mkdtemp(), progress=False)
>>> (out / "index.html").exists()
True
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import pandas as pd

from . import schema
from ._data import PartnerData
from ._html import escape
from .export import shareable, write_table
from .graph import build_graph
from .load import load

__all__ = ["run_report", "report_name"]

log = logging.getLogger("partnermap")


def report_name(data_path: str | Path) -> str:
    """The run folder name for a data path: ``demo`` for the built-in data, else the folder name."""
    from .datasets import demo_path

    p = Path(data_path).resolve()
    if p == Path(demo_path()).resolve():
        return "demo"
    return p.stem if p.is_file() else p.name


def run_report(
    data_path: str | Path | PartnerData | None = None,
    out_dir: str | Path = "reports",
    *,
    focal: str | None = None,
    as_of: str | dt.date | None = None,
    progress: bool = True,
) -> Path:
    """Run the report on ``data_path`` (the demo data if None) into ``out_dir/<run>/``.

    Parameters
    ----------
    data_path
        A data folder, workbook or HSDS package (or data already loaded);
        ``None`` for the built-in demo data.
    out_dir
        Parent folder; the run is written to ``out_dir/<run>/``.
    focal
        The organisation whose portfolio and potential partners the report looks at
        (for the demo data, its engineering company ``ORG-001`` unless given).
    as_of
        The date the report describes (default: today).
    progress
        Show progress bars on long steps.

    Returns
    -------
    pathlib.Path
        The run folder.

    Raises
    ------
    DataValidationError
        When the data has errors (nothing is written but the problems table).
    """
    from .datasets import FOCAL_ID, demo_path

    if isinstance(data_path, PartnerData):
        data, src = data_path, Path(data_path.source)
    else:
        src = Path(data_path) if data_path is not None else Path(demo_path())
        data = load(src, strict=False)
    run = Path(out_dir) / report_name(src)
    tables = run / "tables"
    if tables.exists():  # no stale tables from an earlier run
        for old in tables.glob("*.csv"):
            old.unlink()
    tables.mkdir(parents=True, exist_ok=True)
    write_table(data.report.to_frame(), tables / "problems.csv")
    write_table(data.report.rejected_frame(), tables / "rejected_rows.csv")
    if not data.report.ok:
        from ._errors import DataValidationError

        raise DataValidationError(
            f"{src}: {len(data.report.errors)} error(s); see {tables / 'problems.csv'}",
            data.report.problems,
        )
    if focal is None and report_name(src) == "demo":
        focal = FOCAL_ID
    as_of_s = (pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.today()).date().isoformat()
    sections: list[str] = [_quality_section(data), _overview_section(data, tables)]
    sections += _network_sections(data, tables, progress=progress)
    sections += _coverage_sections(data, tables)
    sections += _partner_sections(data, tables, focal=focal, as_of=as_of_s)
    write_table(data.organizations, tables / "organizations.csv")
    meta = {"source": "built-in demo data (fictional)" if report_name(src) == "demo" else str(src), "as_of": as_of_s, "focal": focal,
            "generated": dt.datetime.now().isoformat(timespec="seconds"),
            "organizations": len(data.organizations), "relationships": len(data.relationships)}
    (run / "run.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    (run / "index.html").write_text(_page(f"partnermap report: {report_name(src)}", meta, sections),
                                    encoding="utf-8")
    log.info("report: wrote %s", run)
    return run


# ------------------------------------------------------------------------ sections


def _quality_section(data: PartnerData) -> str:
    r = data.report
    counts = "".join(f"<li>{escape(t)}: {kept:,} of {read:,} rows loaded</li>" for t, (read, kept) in r.counts.items())
    problems = r.to_frame()
    shown = problems[problems["severity"] != "info"]
    body = (f"<ul>{counts}<li>{len(r.errors)} error(s), {len(r.warnings)} warning(s), "
            f"{len(r.rejected)} row(s) set aside</li></ul>")
    if len(shown):
        body += _table(shown.head(200), index=False)
        if len(shown) > 200:
            body += f"<p>… and {len(shown) - 200} more in <code>tables/problems.csv</code>.</p>"
    return _section("Data quality", body, "Every problem found in the input, with file, row and column.")


def _overview_section(data: PartnerData, tables: Path) -> str:
    orgs = data.organizations
    by_sector = (orgs.assign(sector=orgs["sector"].map(lambda k: schema.label(schema.SECTORS, k)))
                 .groupby("sector").size().rename("organisations").to_frame())
    by_type = pd.crosstab(orgs["org_type"].fillna("—"), orgs["sector"].fillna("—"))
    rel = data.relationships
    ties = pd.crosstab(rel["kind"], rel["status"]) if len(rel) else pd.DataFrame()
    body = "<h3>Organisations by sector</h3>" + _table(by_sector)
    body += "<h3>Organisations by type and sector</h3>" + _table(by_type)
    if "engagement_stage" in orgs:
        stages = orgs["engagement_stage"].value_counts().reindex(list(schema.ENGAGEMENT_STAGES)).fillna(0).astype(int)
        body += "<h3>Engagement chain</h3>" + _table(stages.rename("organisations").to_frame())
    if len(ties):
        body += "<h3>Ties by kind and status</h3>" + _table(ties)
    write_table(by_type, tables / "organizations_by_type.csv")
    return _section("Who is in the ecosystem", body)


def _network_sections(data: PartnerData, tables: Path, *, progress: bool) -> list[str]:
    try:
        from .centrality import COLUMN_MEANINGS, centrality, network_summary
    except ImportError:  # pragma: no cover - the network module is part of the package
        return []
    G = build_graph(data)
    metrics = centrality(G, progress=progress)
    summary = network_summary(G)
    write_table(metrics, tables / "metrics.csv")
    flat = {k: v for k, v in dict(summary).items() if not isinstance(v, (pd.DataFrame, pd.Series, dict))}
    write_table(pd.Series(flat, name="value").to_frame(), tables / "network_summary.csv")
    top = metrics.sort_values(["betweenness", "degree"], ascending=False).head(15)
    cols = [c for c in ("name", "sector", "org_type", "degree", "betweenness", "community", "is_cut_point")
            if c in top.columns]
    body = _table(pd.Series(flat, name="value").to_frame())
    body += "<h3>Who holds the network together (highest betweenness)</h3>" + _table(top[cols])
    meanings = "".join(f"<li><b>{escape(k)}</b>: {escape(v)}</li>" for k, v in COLUMN_MEANINGS.items()
                       if k in cols)
    body += f"<ul>{meanings}</ul>"
    mixing = dict(summary).get("sector_mixing")
    if isinstance(mixing, pd.DataFrame):
        body += "<h3>Ties between sectors</h3>" + _table(mixing)
    return [_section("Who holds the ecosystem together", body,
                     "Metrics of the active ties; the whole table is tables/metrics.csv.")]


def _coverage_sections(data: PartnerData, tables: Path) -> list[str]:
    try:
        from .coverage import coverage, underserved
    except ImportError:  # pragma: no cover
        return []
    if data.organizations.geometry.notna().sum() == 0:
        return [_section("Coverage", "<p>No organisation has coordinates, so coverage was skipped.</p>")]
    cov = coverage(data, by="sector")
    gaps = underserved(cov, of="public")
    write_table(pd.DataFrame(cov.drop(columns="geometry")), tables / "coverage.csv")
    write_table(gaps, tables / "underserved.csv")
    body = _table(pd.DataFrame(gaps.drop(columns="geometry", errors="ignore")).head(15))
    return [_section("Where the gaps are", body, "Areas with no public-sector organisation within reach.")]


def _partner_sections(data: PartnerData, tables: Path, *, focal: str | None, as_of: str) -> list[str]:
    from .gaps import COMPONENTS, gaps_table, portfolio, potential_partners

    out = []
    gaps = gaps_table(data, focal=focal, as_of=as_of)
    write_table(gaps, tables / "gaps.csv")
    counts = gaps.groupby("gap").size().rename("count").to_frame()
    body = _table(counts)
    examples = gaps.groupby("gap", sort=False).head(3)[["gap", "message"]]
    body += _table(examples, index=False)
    out.append(_section("Weak spots of the ecosystem", body,
                        "Every gap is listed in tables/gaps.csv; three examples of each here."))
    if focal is not None:
        name = data.organizations.loc[focal, "name"] if focal in data.organizations.index else focal
        cands = potential_partners(data, focal, top=20, as_of=as_of)
        write_table(cands, tables / "potential_partners.csv")
        cols = [c for c in ("name", "sector", "org_type", "engagement_stage", "score", "reasons") if c in cands]
        body = f"<pre dir='auto'>{escape(portfolio(data, focal, as_of=as_of).summary())}</pre>"
        body += "<h3>Best placed to work with you next</h3>" + _table(cands[cols])
        body += f"<p>Score parts (0–1) for each candidate: {escape(', '.join(COMPONENTS))} — see tables/potential_partners.csv.</p>"
        out.append(_section(f"Potential partners of {name} ({focal})", body,
                            "Ranked for mutual benefit, shared causes, trust through shared partners, "
                            "distance, the gaps they fill, equity and capacity."))
    return out


# ------------------------------------------------------------------------- html


def _table(df: pd.DataFrame, *, index: bool = True) -> str:
    df = shareable(df)
    head = "".join(f"<th>{escape(c)}</th>" for c in ([df.index.name or ""] if index else []) + list(df.columns))
    rows = []
    for idx, row in zip(df.index, df.itertuples(index=False)):
        cells = ([f"<th dir='auto'>{escape(idx)}</th>"] if index else [])
        cells += [f"<td dir='auto'>{escape(_fmt(v))}</td>" for v in row]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, float):
        return f"{v:,.3f}".rstrip("0").rstrip(".") if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def _section(title: str, body: str, lead: str = "") -> str:
    lead_html = f"<p class='lead'>{escape(lead)}</p>" if lead else ""
    return f"<section><h2>{escape(title)}</h2>{lead_html}{body}</section>"


_CSS = """
body{font-family:system-ui,"Segoe UI","Noto Naskh Arabic","Noto Sans Arabic",Tahoma,sans-serif;
margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d2733}
h1{margin-bottom:.2rem}.meta{color:#556}.lead{color:#445}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}
th,td{border:1px solid #d5dbe3;padding:.25rem .5rem;text-align:start;vertical-align:top}
thead th{background:#eef2f7}section{margin-top:2rem}pre{white-space:pre-wrap;background:#f6f8fa;padding:.75rem}
"""


def _page(title: str, meta: dict[str, Any], sections: list[str]) -> str:
    info = (f"Data: {escape(meta['source'])} · as of {escape(meta['as_of'])} · "
            f"generated {escape(meta['generated'])}")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width,initial-scale=1'>"
            f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
            f"<h1>{escape(title)}</h1><p class='meta'>{info}</p>{''.join(sections)}</body></html>")
