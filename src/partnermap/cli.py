"""The ``partnermap`` command.

Exit status: 0 success, 1 a run failed, 2 bad input or usage. Errors go to stderr in
plain words; no traceback reaches the user (``--debug`` shows one for developers).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from . import __version__
from ._data import LoadReport, PartnerData
from ._errors import DataValidationError, PartnermapError

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def _print_report(report: LoadReport, *, quiet: bool = False) -> None:
    for p in report.problems:
        if p.severity == "error":
            click.echo(str(p), err=True)
        elif not quiet and (p.severity == "warning" or p.severity == "info"):
            click.echo(str(p))
    if report.rejected and not quiet:
        click.echo(f"{len(report.rejected)} row(s) set aside:")
        for r in report.rejected:
            row = f":{r['row']}" if r["row"] is not None else ""
            ref = f" [{r['ref']}]" if r["ref"] else ""
            click.echo(f"  {r['file']}{row}{ref}: {r['reason']}")


def _load(path: str) -> PartnerData:
    """Load for a command: report problems; exit 2 on errors."""
    from .load import load

    try:
        data = load(path)
    except DataValidationError as exc:
        report = getattr(exc, "report", None)
        if report is not None:
            _print_report(report, quiet=True)
            click.echo(f"{path}: {len(report.errors)} error(s); nothing was computed. "
                       f"Run `partnermap validate {path}` for the full report.", err=True)
        else:
            click.echo(str(exc), err=True)
        sys.exit(EXIT_BAD_INPUT)
    n_warn = len(data.report.warnings)
    if n_warn:
        click.echo(f"{path}: loaded with {n_warn} warning(s); `partnermap validate {path}` lists them.",
                   err=True)
    return data


def _write_table(df, out: Path) -> None:
    """Write a table by suffix: CSV as UTF-8 with BOM (Excel shows Arabic) or XLSX."""
    from .export import write_table

    write_table(df, out)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="partnermap")
@click.option("-v", "--verbose", is_flag=True, help="Log each step (counts, timings).")
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks (for developers).")
@click.pass_context
def cli(ctx: click.Context, verbose: bool, debug: bool) -> None:
    """partnermap: who is in your local ecosystem, who holds it together, where the
    gaps are, and who to partner with next.

    DATA is a folder with organizations.csv (and optional relationships.csv,
    areas.geojson), an .xlsx workbook with those sheets, or an Open Referral HSDS
    package. Start with `partnermap demo -o mydata` to see the format.
    """
    ctx.obj = {"debug": debug}
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(message)s")


@cli.command()
@click.argument("data", type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Also write the problems (and set-aside rows) to this CSV/XLSX file.")
def validate(data: str, output: str | None) -> None:
    """Check DATA and list every problem as file:row:column: message.

    Exit status 0 when the data can be used (warnings allowed), 2 when it has errors.
    """
    from .load import validate as validate_data

    report = validate_data(data)
    _print_report(report)
    if output:
        import pandas as pd

        table = report.to_frame()
        rejected = report.rejected_frame().assign(severity="set aside", message=lambda d: d["reason"])
        _write_table(pd.concat([table, rejected.drop(columns="reason")], ignore_index=True), Path(output))
        click.echo(f"wrote {output}")
    click.echo(report.summary())
    if not report.ok:
        click.echo(f"{data}: {len(report.errors)} error(s); fix them and run `partnermap validate` again.",
                   err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo("OK: the data can be used.")


@cli.command()
@click.option("-o", "--output", default="partnermap-demo", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write the demo data into.")
def demo(output: str) -> None:
    """Write the built-in (fictional) demo data folder: a template for your own data."""
    from .datasets import write_demo

    path = write_demo(output)
    click.echo(f"wrote the demo data to {path}/ (fictional organisations of the Eastern Province, Saudi Arabia)")
    click.echo(f"next: partnermap validate {path}")


def _kinds(value: str | None) -> tuple[str, ...] | None:
    return None if not value else tuple(k.strip() for k in value.split(",") if k.strip())


@cli.command()
@click.argument("data", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Metrics table to write: .csv (UTF-8 with BOM, for Excel) or .xlsx.")
@click.option("--as-of", "as_of", help="Use the ties as they stood on this date (YYYY-MM-DD).")
@click.option("--kinds", help="Only these tie kinds, comma-separated (e.g. funding,in_kind).")
@click.option("--status", default="active", show_default=True,
              help="Tie statuses to include, comma-separated (active, proposed, ended).")
@click.option("--weighted", is_flag=True, help="Use tie weights as strengths (distance = 1/weight).")
@click.option("-k", "--sample", "k", type=click.IntRange(min=1),
              help="Estimate betweenness/closeness from K sampled organisations (large networks).")
@click.option("--seed", default=0, show_default=True, help="Seed for sampling and communities.")
@click.option("--no-progress", is_flag=True, help="No progress bars.")
def metrics(data: str, output: str, as_of: str | None, kinds: str | None, status: str, weighted: bool,
            k: int | None, seed: int, no_progress: bool) -> None:
    """Node metrics for every organisation (who brokers, who is central), and the network summary."""
    from .centrality import centrality, format_summary, network_summary
    from .graph import build_graph

    out = _check_table_suffix(output)
    loaded = _load(data)
    G = build_graph(loaded, as_of=as_of, status=_kinds(status), kinds=_kinds(kinds))
    table = centrality(G, weighted=weighted, k=k, seed=seed, progress=not no_progress)
    _write_table(table, out)
    click.echo(format_summary(network_summary(G, metrics=table, weighted=weighted, seed=seed)))
    if k is not None:
        click.echo(f"note: betweenness and closeness are estimates from {k} sampled organisations "
                   f"(seed {seed}), not exact values.")
    click.echo(f"wrote {output} ({len(table)} organisations, {len(table.columns)} columns)")


@cli.command()
@click.argument("data", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Coverage layer to write: .geojson or .gpkg (for QGIS), or .csv (for Excel).")
@click.option("--areas", "areas_file", type=click.Path(), help="Areas file to use instead of DATA's areas.")
@click.option("--by", default="sector", show_default=True,
              help="Break counts down by sector, org_type, offers, needs or causes.")
@click.option("--focal", help="org_id: also show which areas it reaches, directly or through partners.")
@click.option("--radius-km", type=click.FloatRange(min=0, min_open=True),
              help="Give every organisation this reach instead of its service_radius_km.")
def coverage(data: str, output: str, areas_file: str | None, by: str, focal: str | None,
             radius_km: float | None) -> None:
    """Which areas the ecosystem serves, per area, and where the gaps are."""
    import pandas as pd

    from .coverage import coverage as compute, read_areas, underserved

    out = Path(output)
    if out.suffix.lower() not in (".geojson", ".gpkg", ".csv"):
        raise click.UsageError(f"cannot write '{out.suffix or output}': use .geojson, .gpkg or .csv.")
    loaded = _load(data)
    areas = None
    if areas_file:
        try:
            areas = read_areas(areas_file, report=loaded.report)
        except DataValidationError as exc:
            for p in exc.problems:
                if p.severity == "error":
                    click.echo(str(p), err=True)
            click.echo(f"{areas_file}: cannot use these areas.", err=True)
            sys.exit(EXIT_BAD_INPUT)
    cov = compute(loaded, by=by, areas=areas, focal=focal, radius_km=radius_km)
    problems = cov.attrs.get("problems")
    if problems is not None:
        table = problems.to_frame()
        for _, p in table.head(20).iterrows():
            who = next((str(p[c]) for c in ("org_id", "area_id") if c in p and isinstance(p[c], str) and p[c]), "")
            click.echo(f"warning: {who + ': ' if who else ''}{p['message']}", err=True)
        if len(table) > 20:
            click.echo(f"warning: … and {len(table) - 20} more location problem(s) (all of them: coverage(...).attrs['problems'] in Python).",
                       err=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        _write_table(pd.DataFrame(cov.drop(columns="geometry")), out)
    else:
        if out.exists():
            out.unlink()
        layer = cov.copy()
        layer.attrs = {}
        layer.to_file(out, driver="GPKG" if out.suffix.lower() == ".gpkg" else "GeoJSON")
    gaps = underserved(cov)
    click.echo(f"wrote {output} ({len(cov)} areas); {len(gaps)} area(s) with no organisation within reach")
    names = gaps["name"] if "name" in gaps else pd.Series(None, index=gaps.index, dtype=object)
    for area_id, reason, name in zip(gaps.index[:5], gaps["reason"].head(5), names.head(5)):
        click.echo(f"  {name if isinstance(name, str) and name else area_id}: {reason}")


def _check_table_suffix(output: str) -> Path:
    out = Path(output)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise click.UsageError(f"cannot write '{out.suffix or output}': use .csv or .xlsx.")
    return out


@cli.command()
@click.argument("data", type=click.Path())
@click.option("--focal", required=True, help="org_id of the organisation looking for partners.")
@click.option("--top", default=20, show_default=True, type=click.IntRange(min=1), help="How many candidates.")
@click.option("--weights", "weights_file", type=click.Path(dir_okay=False),
              help="YAML file of component weights, e.g. 'equity: 0'.")
@click.option("--as-of", "as_of", help="Date for the ties and review deadlines (YYYY-MM-DD).")
@click.option("--include-ended", is_flag=True, help="Also rank former partners (ended ties, lapsed).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Ranked candidates to write: .csv (UTF-8 with BOM) or .xlsx.")
def partners(data: str, focal: str, top: int, weights_file: str | None, as_of: str | None,
             include_ended: bool, output: str) -> None:
    """Rank potential partners for --focal, each with a score, its parts and the reasons."""
    from .gaps import format_partners, potential_partners, read_weights

    out = _check_table_suffix(output)
    weights = read_weights(weights_file) if weights_file else None
    loaded = _load(data)
    table = potential_partners(loaded, focal, top=top, weights=weights, as_of=as_of,
                               include_ended=include_ended)
    _write_table(table, out)
    click.echo(format_partners(table, limit=10))
    click.echo(f"wrote {output} ({len(table)} candidates of {table.attrs.get('candidates', len(table))})")


@cli.command()
@click.argument("data", type=click.Path())
@click.option("--focal", help="org_id: add that organisation's portfolio gaps.")
@click.option("--as-of", "as_of", help="Date for the ties and review deadlines (YYYY-MM-DD).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Gaps table to write: .csv (UTF-8 with BOM) or .xlsx.")
def gaps(data: str, focal: str | None, as_of: str | None, output: str) -> None:
    """Weak spots of the ecosystem (and of --focal's portfolio), in plain words."""
    from .gaps import format_gaps, gaps_table, portfolio

    out = _check_table_suffix(output)
    loaded = _load(data)
    table = gaps_table(loaded, focal=focal, as_of=as_of)
    _write_table(table, out)
    click.echo(format_gaps(table, limit=5))
    if focal:
        click.echo(portfolio(loaded, focal, as_of=as_of).summary())
    click.echo(f"wrote {output} ({len(table)} gaps)")


@cli.command()
@click.argument("data", type=click.Path())
@click.option("--format", "fmt", required=True,
              type=click.Choice(["gexf", "graphml", "gpkg", "geojson", "xlsx", "kumu"]),
              help="gexf/graphml: the network for Gephi, Cytoscape…; gpkg: layers for QGIS; geojson: the "
                   "organisations as points; xlsx: one workbook; kumu: an .xlsx for Kumu's import.")
@click.option("--as-of", "as_of", help="For gexf/graphml: the ties as they stood on this date.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="File to write.")
def export(data: str, fmt: str, as_of: str | None, output: str) -> None:
    """Write DATA for other tools (private columns left out)."""
    from .export import export_data

    loaded = _load(data)
    path = export_data(loaded, output, format=fmt, as_of=as_of)
    click.echo(f"wrote {path}")


@cli.command("map")
@click.argument("data", type=click.Path())
@click.option("--kind", required=True, type=click.Choice(["organizations", "coverage", "partners", "ties", "network"]),
              help="Which page: organisations by sector, coverage of the areas, potential partners of --focal, "
                   "ties on the map, or the network view.")
@click.option("--focal", help="org_id of the organisation looking for partners (for --kind partners).")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1), help="Candidates on the map.")
@click.option("--language", default="en", show_default=True, type=click.Choice(["en", "ar"]),
              help="Language of the legends, layers and popups.")
@click.option("--tiles", default=None, help="Basemap: a provider name (default Esri.WorldGrayCanvas) or 'none'.")
@click.option("--assets", default="inline", show_default=True, type=click.Choice(["inline", "cdn"]),
              help="inline: one self-contained file that works offline; cdn: scripts linked from CDNs.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .html file to write.")
def map_command(data: str, kind: str, focal: str | None, top: int, language: str, tiles: str | None,
                assets: str, output: str) -> None:
    """Write a map or the network view as one HTML file to send to stakeholders (zip it to e-mail it)."""
    from . import maps
    from .export import write_html

    if Path(output).suffix.lower() not in (".html", ".htm"):
        raise click.UsageError(f"cannot write '{Path(output).suffix or output}': a page is an .html file.")
    loaded = _load(data)
    if kind == "partners" and not focal:
        ids = ", ".join(map(str, loaded.organizations.index[:3]))
        raise click.UsageError(f"--kind partners needs --focal ORG_ID, the organisation looking for partners "
                               f"(e.g. --focal {loaded.organizations.index[0]}; ids in the data: {ids}, …).")
    base = maps.DEFAULT_TILES if tiles is None else (None if tiles.lower() == "none" else tiles)
    if kind == "network":
        from .graph import build_graph
        from .network_view import network_view

        page = network_view(build_graph(loaded), language=language)
    elif kind == "partners":
        page = maps.partners_map(loaded, focal, top=top, language=language, tiles=base)
    elif kind == "organizations":
        page = maps.organizations_map(loaded, language=language, tiles=base)
    elif kind == "coverage":
        page = maps.coverage_map(loaded, by="sector", language=language, tiles=base)
    else:
        page = maps.ties_map(loaded, language=language, tiles=base)
    path = write_html(page, output, assets=assets)
    size = path.stat().st_size / 1e6
    click.echo(f"wrote {path} ({size:.1f} MB, {'self-contained' if assets == 'inline' else 'scripts from CDNs'}); "
               "to e-mail it, zip it first: mail gateways often quarantine .html attachments.")


@cli.command()
@click.argument("data", required=False, type=click.Path())
@click.option("--focal", help="org_id of your organisation: its portfolio, potential partners and profile.")
@click.option("--params", "params_file", type=click.Path(dir_okay=False),
              help="YAML file of parameters (data, focal, language, notebooks, profiles, areas, by, of, ...).")
@click.option("--notebooks", help="Which notebooks, e.g. 01,03 (default 01-04).")
@click.option("--profiles", help="org_ids to write one-page profiles for, comma-separated, or 'all' "
              "(default: --focal and its partners).")
@click.option("--language", type=click.Choice(["en", "ar"]), help="Language of the pages (ar: right-to-left).")
@click.option("--as-of", "as_of", help="Describe the network as it stood on this date (YYYY-MM-DD).")
@click.option("--areas", "areas_file", type=click.Path(), help="Areas file to use instead of DATA's areas.")
@click.option("--by", help="Break coverage down by sector (default), org_type, offers, needs or causes.")
@click.option("--of", "of_kind", help="The kind an area needs within reach to count as served, e.g. public "
              "(default: any organisation).")
@click.option("--resolution", type=click.IntRange(0, 15), help="H3 resolution of the hexagon grid used without areas.")
@click.option("--radius-km", type=click.FloatRange(min=0, min_open=True), help="One reach in km for every organisation.")
@click.option("--name", help="Run name (default: the data folder's name; demo for the demo data).")
@click.option("-o", "--output", default="reports", show_default=True, type=click.Path(file_okay=False),
              help="Reports folder; the run goes to OUTPUT/<YYYY-MM-DD>-<name>/.")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines (for schedulers).")
@click.option("--no-progress", is_flag=True, hidden=True, help="Same as --quiet.")
def report(data: str | None, focal: str | None, params_file: str | None, notebooks: str | None,
           profiles: str | None, language: str | None, as_of: str | None, areas_file: str | None, by: str | None,
           of_kind: str | None, resolution: int | None, radius_km: float | None, name: str | None, output: str,
           quiet: bool, no_progress: bool) -> None:
    """Run the notebook suite on DATA (the built-in demo data if omitted) into a dated report.

    Writes OUTPUT/<YYYY-MM-DD>-<name>/index.html (the page to send), the notebook pages, maps,
    profiles, tables, charts, changes since the previous run and manifest.json, and
    OUTPUT/index.html listing every run. Exit 0 done, 1 a notebook failed (kept in
    <name>.failed/) or another run holds the folder, 2 bad data or options (nothing written).
    """
    from .report import ReportFailed, ReportLocked, run

    try:
        out = run(data, output, params=params_file, focal=focal, notebooks=notebooks, profiles=profiles,
                  language=language, as_of=as_of, areas=areas_file, by=by, of=of_kind, resolution=resolution,
                  radius_km=radius_km, name=name, quiet=quiet or no_progress)
    except DataValidationError as exc:
        report_ = getattr(exc, "report", None)
        if report_ is not None:
            _print_report(report_, quiet=True)
        where = data or "the demo data"
        count = len(report_.errors) if report_ is not None else "some"
        click.echo(f"{where}: {count} error(s); no report was written. Run `partnermap validate {data or ''}` "
                   "for the full report.", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except (ReportFailed, ReportLocked) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(str(out / "index.html"))


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI; turn every failure into a plain message and an exit status."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="partnermap", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted.", err=True)
        sys.exit(EXIT_FAILED)
    except click.exceptions.ClickException as exc:  # usage errors
        exc.show()
        sys.exit(EXIT_BAD_INPUT if exc.exit_code == 2 else exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except (PartnermapError, FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        if debug:
            raise
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        click.echo("interrupted.", err=True)
        sys.exit(EXIT_FAILED)
    except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback for users
        if debug:
            raise
        click.echo(f"error: the run failed: {type(exc).__name__}: {exc}. "
                   "Run again with --debug for details, and report it if it persists.", err=True)
        sys.exit(EXIT_FAILED)


if __name__ == "__main__":  # pragma: no cover
    main()
