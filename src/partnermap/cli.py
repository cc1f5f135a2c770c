"""The ``partnermap`` command.

Exit status: 0 success, 1 a run failed, 2 bad input or usage. Errors go to stderr in
plain words; no traceback reaches the user (``--debug`` shows one for developers).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pandas as pd

from . import __version__, _common, _sparse, _tables, hsds, schema
from ._data import LoadReport, PartnerData
from ._errors import DataValidationError, ParameterError, PartnermapError
from .centrality import centrality, format_summary, network_summary
from .coverage import DEFAULT_H3_RESOLUTION, read_areas, underserved
from .coverage import coverage as compute_coverage
from .datasets import write_demo
from .export import export_data, write_layer, write_summary, write_table
from .gaps import format_gaps, format_partners, gaps_table, portfolio, potential_partners, read_weights
from .load import PRIVATE_SETTING, load
from .load import validate as validate_data

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


#: Problems of each kind (errors; warnings and notes; set-aside rows) printed one by one before the rest are counted.
_SHOWN_REPORT = 50


def _print_report(report: LoadReport, *, quiet: bool = False, data: str = "DATA", output: str | None = None) -> None:
    """The first problems and set-aside rows of ``report`` (errors on stderr); the rest counted, all in ``output``."""
    where = f"all of them in {output}" if output else f"`partnermap validate {data} -o problems.csv` writes them all"
    notes = [] if quiet else [p for p in report.problems if p.severity in ("warning", "info")]
    for items, what, err in ((report.errors, "error(s)", True), (notes, "warning(s) and note(s)", False)):
        for p in items[:_SHOWN_REPORT]:
            click.echo(str(p), err=err)
        if len(items) > _SHOWN_REPORT:
            click.echo(f"… and {len(items) - _SHOWN_REPORT:,} more {what} ({where}).", err=err)
    if report.rejected and not quiet:
        _print_set_aside(report.rejected, where)


#: Set-aside rows with one reason in one file are listed one by one up to this many; past it, counted.
_SET_ASIDE_LISTED = 10


def _print_set_aside(rejected: list[dict], where: str) -> None:
    """The rows set aside: one line each, or, for many with the same reason, a count and the first few."""
    click.echo(f"{len(rejected)} row(s) set aside:")
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in rejected:
        groups.setdefault((r["file"], r["reason"]), []).append(r)
    lines = shown = 0
    for (file, reason), rows in groups.items():
        if lines >= _SHOWN_REPORT:
            click.echo(f"  … and {len(rejected) - shown:,} more ({where}).")
            break
        shown += len(rows)
        if len(rows) <= _SET_ASIDE_LISTED:
            for r in rows:
                row = f":{r['row']}" if r["row"] is not None else ""
                ref = f" [{r['ref']}]" if r["ref"] else ""
                click.echo(f"  {file}{row}{ref}: {reason}")
            lines += len(rows)
            continue
        first = ", ".join(f"{r['row']}" + (f" [{r['ref']}]" if r["ref"] else "") for r in rows[:3])
        click.echo(f"  {file}: {len(rows)} row(s): {reason} (rows {first} …; {where})")
        lines += 1


def _load(path: str, private: tuple[str, ...] = (), **area_columns: str | None) -> PartnerData:
    """Load for a command: report problems; exit 2 on errors; mark the ``--private`` columns."""
    try:
        data = load(path, **area_columns)
    except DataValidationError as exc:
        report = exc.report
        if report is not None:
            _print_report(report, quiet=True, data=path)
            click.echo(f"{path}: {len(report.errors)} error(s); nothing was computed. "
                       f"Run `partnermap validate {path}` for the full report.", err=True)
        else:
            click.echo(str(exc), err=True)
        sys.exit(EXIT_BAD_INPUT)
    n_warn = len(data.report.warnings)
    if n_warn:
        click.echo(f"{path}: loaded with {n_warn} warning(s); `partnermap validate {path}` lists them.",
                   err=True)
    return _mark_private(data, private)


def _mark_private(data: PartnerData, private: tuple[str, ...]) -> PartnerData:
    """Add the ``--private`` columns to ``data.private_columns``; a name that is no column is a usage error."""
    if not private:
        return data
    tables = [t for t in (data.organizations, data.relationships, data.areas) if t is not None]
    columns = [str(c) for t in tables for c in (*t.columns, t.index.name) if c is not None]
    for heading in private:
        named = [c for c in columns if schema.names_column(heading, c)]
        if not named:
            shown = ", ".join(dict.fromkeys(c for c in columns if not schema.is_private(c, data.private_columns)))
            raise click.UsageError(f"--private '{heading}': the data has no such column (its columns: {shown}).")
        if any(c in schema.NEVER_PRIVATE for c in named):
            raise click.UsageError(f"--private '{heading}': partnermap shows it on every page and in every "
                                   "export, so it cannot be private; leave it out of the data you share.")
    data.private_columns = data.private_columns | set(private)
    return data


def _private_option(f: Callable[..., None]) -> Callable[..., None]:
    """The ``--private COL`` option of every command that writes."""
    return click.option("--private", "private", multiple=True, metavar="COL",
                        help="Keep this column out of everything written, like e-mail and phone (repeat for "
                             "more; adds to the data folder's private_columns.txt).")(f)


def _as_of_option(text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The ``--as-of DATE`` option: a date that is no date, or outside the years read, is a usage error."""
    def check(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        try:
            _common._as_date(value, name="--as-of")
        except ParameterError as exc:
            raise click.UsageError(str(exc)) from None
        return value

    return click.option("--as-of", "as_of", callback=check, metavar="YYYY-MM-DD", help=text)


def _same_file(a: Path, b: Path) -> bool:
    """The same file or folder: after following symlinks, or by inode (hard links, case-insensitive disks)."""
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _refuse_over_inputs(data: str | None, outputs: dict[str, str | None],
                        inputs: dict[str, str | None] | None = None) -> None:
    """A usage error when an output (option -> path) would write over what the command reads.

    Refused: DATA itself, one of ``inputs`` (--areas, --weights, --params) or a file loading
    DATA reads (symlinks and hard links followed); a file in DATA's folder that the next load
    would read (``organizations.*``, ``relationships.*``, ``areas.*``, ``private_columns.txt``;
    the tables of an HSDS folder), even before it exists; and two outputs naming one file.
    """
    given = [(f"the {option} file", Path(v)) for option, v in (inputs or {}).items() if v]
    source = Path(data) if data else None
    folder = source.resolve() if source is not None and source.is_dir() else None
    beside = source.resolve().parent if source is not None and source.is_file() else None
    read = {alias for aliases in _tables._TABLE_ALIASES.values() for alias in aliases}
    package = folder is not None and hsds.is_hsds(folder)

    def would_read(p: Path) -> bool:
        if folder is None:
            return beside is not None and p == beside / PRIVATE_SETTING
        return (p.parent == folder and (p.stem.lower() in read or p.name.lower() == PRIVATE_SETTING)
                or package and folder in p.parents and p.suffix.lower() in (".csv", ".json", ".zip"))

    if source is not None:
        given.append(("the data", source))
        near = list(folder.iterdir()) if folder is not None else [beside / PRIVATE_SETTING] if beside else []
        given += [(f"{p.name}, which loading {data} reads", p) for p in near if p.is_file() and would_read(p)]
    written: list[tuple[str, Path]] = []
    for option, value in outputs.items():
        if not value:
            continue
        out = Path(value)
        what = next((f"is {desc}" for desc, p in given if _same_file(out, p)), None)
        if what is None and would_read(out.resolve()):
            what = f"would be read as data the next time {data} is loaded"
        if what is not None:
            raise click.UsageError(f"{option} {value}: {what}; partnermap never writes over its input. "
                                   "Give another path.")
        twice = next((o for o, p in written if _same_file(out, p)), None)
        if twice is not None:
            raise click.UsageError(f"{option} {value}: {twice} writes the same file; give each output its own path.")
        written.append((option, out))


def _regular_input(_ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An input file option (--areas, --weights, --params): a device, FIFO or socket is refused, not read."""
    if value and Path(value).exists() and not (Path(value).is_file() or Path(value).is_dir()):
        raise click.UsageError(f"{param.opts[0]} {value}: not a file (a device, pipe or socket cannot be read).")
    return value


def _write_table(df: pd.DataFrame, out: Path) -> None:
    """Write a table by suffix: CSV as UTF-8 with BOM (Excel shows Arabic) or XLSX."""
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
    """  # noqa: D205 - click shows this as the --help text, where the summary runs over two lines
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
    _refuse_over_inputs(data, {"-o": output})
    report = validate_data(data)
    _print_report(report, data=data, output=output)
    if output:
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
              help="Folder to write the demo data into (a folder that holds data files is refused).")
@click.option("--force", is_flag=True, help="Write into a folder that holds data files, replacing the demo's files.")
def demo(output: str, force: bool) -> None:
    """Write the built-in (fictional) demo data folder: a template for your own data."""
    path = write_demo(output, force=force)
    click.echo(f"wrote the demo data to {path}/ (fictional organisations of the Eastern Province, Saudi Arabia)")
    click.echo(f"next: partnermap validate {path}")


def _kinds(value: str | None) -> tuple[str, ...] | None:
    return None if not value else tuple(k.strip() for k in value.split(",") if k.strip())


@cli.command()
@click.argument("data", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Metrics table to write: .csv (UTF-8 with BOM, for Excel) or .xlsx.")
@_as_of_option("Use the ties as they stood on this date (YYYY-MM-DD).")
@click.option("--kinds", help="Only these tie kinds, comma-separated (e.g. funding,in_kind).")
@click.option("--status", default="active", show_default=True,
              help="Tie statuses to include, comma-separated (active, proposed, ended).")
@click.option("--weighted", is_flag=True, help="Use tie weights as strengths (distance = 1/weight).")
@click.option("-k", "--sample", "k", type=click.IntRange(min=1),
              help="Estimate betweenness/closeness from K sampled organisations (large networks).")
@click.option("--direction", type=click.Choice(["auto", "undirected", "directed"]), default="auto",
              show_default=True,
              help="Follow tie direction for betweenness, closeness, PageRank, hubs and authorities: auto = when "
                   "every tie is directed; directed = directed ties one way, the others both ways.")
@click.option("--exact/--estimate", "exact", default=None,
              help="Force exact betweenness/closeness, or the estimate with a stated error "
                   "(default: estimate above 10,000 organisations).")
@click.option("--epsilon", type=click.FloatRange(min=0, max=1, min_open=True, max_open=True), default=0.003,
              show_default=True, help="Error the estimated betweenness is run down to (betweenness is 0 to 1); "
                                      "the estimate stops earlier on very large networks and states what it reached.")
@click.option("--delta", type=click.FloatRange(min=0, max=1, min_open=True, max_open=True), default=0.1,
              show_default=True, help="Probability that some organisation is outside that error.")
@click.option("--seed", default=0, show_default=True, help="Seed for sampling and communities.")
@click.option("--summary", "summary_file", type=click.Path(dir_okay=False),
              help="Also write the network summary (every figure with its meaning; .xlsx adds the mixing "
                   "tables) to this .csv/.xlsx file.")
@click.option("--no-progress", is_flag=True, help="No progress bars.")
@_private_option
def metrics(data: str, output: str, as_of: str | None, kinds: str | None, status: str, weighted: bool,
            k: int | None, direction: str, exact: bool | None, epsilon: float, delta: float, seed: int,
            summary_file: str | None, no_progress: bool, private: tuple[str, ...]) -> None:
    """Node metrics for every organisation (who brokers, who is central), and the network summary."""
    out = _check_table_suffix(output)
    if summary_file:
        _check_table_suffix(summary_file)
    _refuse_over_inputs(data, {"-o": output, "--summary": summary_file})
    loaded = _load(data, private)
    # The compact graph straight from the frames (build_graph's filters, no networkx graph), shared by both.
    V = _sparse._from_data(loaded, as_of=as_of, status=_kinds(status), kinds=_kinds(kinds))
    estimate = None if exact is None else not exact
    if k is not None and estimate:
        click.echo("give either -k/--sample or --estimate, not both.", err=True)
        sys.exit(EXIT_BAD_INPUT)
    table = centrality(V, weighted=weighted, k=k, seed=seed, direction=direction, estimate=estimate,
                       epsilon=epsilon, delta=delta, progress=not no_progress)
    filters = {"ties_status": status, "ties_kinds": kinds or "all kinds",
               "ties_as_of": as_of or "each tie's recorded status (no --as-of)", "weighted": weighted}
    table.attrs.update(filters)  # the about sheet of an .xlsx records every filter
    _write_table(table, out)
    summary = network_summary(V, metrics=table, weighted=weighted, seed=seed)
    click.echo(format_summary(summary))
    if summary_file:
        write_summary(summary, summary_file, about={"data": data, **filters})
        click.echo(f"wrote {summary_file} (the network summary)")
    click.echo(f"direction: {table.attrs['direction']} ({table.attrs['direction_reason']})")
    if k is not None:
        click.echo(f"note: betweenness and closeness are estimates from {k} sampled organisations "
                   f"(seed {seed}), not exact values.")
    elif "betweenness_epsilon" in table.attrs and table.attrs["betweenness_sources"] < len(table):
        a = table.attrs
        click.echo(f"note: betweenness is estimated: every organisation within +/-{a['betweenness_epsilon']:.2g} "
                   f"of the exact value with probability about {1 - a['betweenness_delta']:.0%} "
                   f"(epsilon {a['betweenness_epsilon']:.2g}, delta {a['betweenness_delta']:g}, "
                   f"{a['betweenness_sources']} of {len(table)} organisations as sources, seed {seed}); "
                   f"closeness is estimated from the same sources. --exact computes both exactly.")
    click.echo(f"wrote {output} ({len(table)} organisations, {len(table.columns)} columns)")


@cli.command()
@click.argument("data", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Coverage layer to write: .geojson or .gpkg (for QGIS), or .csv (for Excel).")
@click.option("--areas", "areas_file", type=click.Path(), callback=_regular_input,
              help="Areas file to use instead of DATA's areas.")
@click.option("--area-id", "area_id", metavar="COLUMN",
              help="The areas' id column, as written (e.g. OBJECTID); found by itself if not given.")
@click.option("--area-name", "area_name", metavar="COLUMN",
              help="The areas' name column, as written (e.g. NAMEENGLISH); found by itself if not given.")
@click.option("--by", default="sector", show_default=True,
              help="Break counts down by sector, org_type, offers, needs or causes.")
@click.option("--focal", help="org_id: also show which areas it reaches, directly or through partners.")
@click.option("--radius-km", type=click.FloatRange(min=0, min_open=True),
              help="Give every organisation this reach instead of its service_radius_km.")
@click.option("--resolution", default=DEFAULT_H3_RESOLUTION, show_default=True, type=click.IntRange(0, 15),
              help="Without areas: H3 resolution of the hexagon grid around the organisations "
                   "(7: cells of about 5 km², 8: 0.7 km², 9: 0.1 km²).")
@click.option("--problems", "problems_file", type=click.Path(dir_okay=False),
              help="Also write every location problem (no coordinates, outside every area, far away…) "
                   "to this .csv/.xlsx file.")
@click.option("--underserved", "underserved_file", type=click.Path(dir_okay=False),
              help="Also write every area with no organisation within reach, ranked with its reason, "
                   "to this .csv/.xlsx file.")
@_private_option
def coverage(data: str, output: str, areas_file: str | None, area_id: str | None, area_name: str | None,
             by: str, focal: str | None, radius_km: float | None, resolution: int, problems_file: str | None,
             underserved_file: str | None, private: tuple[str, ...]) -> None:
    """Which areas the ecosystem serves, per area, and where the gaps are."""
    out = Path(output)
    if out.suffix.lower() not in (".geojson", ".gpkg", ".csv"):
        raise click.UsageError(f"cannot write '{out.suffix or output}': use .geojson, .gpkg or .csv.")
    for extra in (problems_file, underserved_file):
        if extra:
            _check_table_suffix(extra)
    _refuse_over_inputs(data, {"-o": output, "--problems": problems_file, "--underserved": underserved_file},
                        {"--areas": areas_file})
    own = {} if areas_file else {"area_id": area_id, "area_name": area_name}  # for the areas in DATA
    loaded = _load(data, private, **own)
    if schema.is_private(by, loaded.private_columns):
        raise click.UsageError(f"--by {by}: '{by}' is a private column; its values would become column names "
                               "of the file you share. Use sector, org_type, offers, needs or causes.")
    areas = None
    if areas_file:
        try:
            areas = read_areas(areas_file, report=loaded.report, area_id=area_id, area_name=area_name)
        except DataValidationError as exc:
            for p in exc.problems:
                if p.severity == "error":
                    click.echo(str(p), err=True)
            click.echo(f"{areas_file}: cannot use these areas.", err=True)
            sys.exit(EXIT_BAD_INPUT)
    cov = compute_coverage(loaded, by=by, areas=areas, focal=focal, radius_km=radius_km, h3_resolution=resolution)
    _warn_location_problems(cov, problems_file)
    if out.suffix.lower() == ".csv":
        _write_table(pd.DataFrame(cov.drop(columns="geometry")), out)
    else:
        write_layer(cov, out)
    gaps = underserved(cov)
    if underserved_file:
        _write_table(pd.DataFrame(gaps.drop(columns="geometry")), Path(underserved_file))
    click.echo(f"wrote {output} ({len(cov)} areas); {len(gaps)} area(s) with no organisation within reach")
    names = gaps["name"] if "name" in gaps else pd.Series(None, index=gaps.index, dtype=object)
    for area_id, reason, name in zip(gaps.index[:5], gaps["reason"].head(5), names.head(5), strict=True):
        click.echo(f"  {name if isinstance(name, str) and name else area_id}: {reason}")
    if len(gaps) > 5:
        where = f"all of them in {underserved_file}" if underserved_file else "--underserved FILE.csv writes them all"
        click.echo(f"  … and {len(gaps) - 5} more ({where})")
    elif underserved_file:
        click.echo(f"wrote {underserved_file} ({len(gaps)} area(s))")


#: Location problems printed one by one before the rest are counted.
_SHOWN_PROBLEMS = 20


def _warn_location_problems(cov: pd.DataFrame, problems_file: str | None = None) -> None:
    """The first location problems of a coverage table on stderr, naming its organisation or area; all to a file."""
    problems = cov.attrs.get("problems")
    table = problems.to_frame() if problems is not None else pd.DataFrame(columns=["message"])
    if problems_file:
        _write_table(table, Path(problems_file))
    for _, p in table.head(_SHOWN_PROBLEMS).iterrows():
        who = next((str(p[c]) for c in ("org_id", "area_id") if c in p and isinstance(p[c], str) and p[c]), "")
        click.echo(f"warning: {who + ': ' if who else ''}{p['message']}", err=True)
    if len(table) > _SHOWN_PROBLEMS:
        where = f"all of them in {problems_file}" if problems_file else "--problems FILE.csv writes them all"
        click.echo(f"warning: … and {len(table) - _SHOWN_PROBLEMS} more location problem(s) ({where}).", err=True)
    elif problems_file:
        click.echo(f"wrote {problems_file} ({len(table)} location problem(s))", err=True)


def _check_table_suffix(output: str) -> Path:
    out = Path(output)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise click.UsageError(f"cannot write '{out.suffix or output}': use .csv or .xlsx.")
    return out


@cli.command()
@click.argument("data", type=click.Path())
@click.option("--focal", required=True, help="org_id of the organisation looking for partners.")
@click.option("--top", default=20, show_default=True, type=click.IntRange(min=1), help="How many candidates.")
@click.option("--weights", "weights_file", type=click.Path(dir_okay=False), callback=_regular_input,
              help="YAML file of component weights, e.g. 'equity: 0'.")
@_as_of_option("Date for the ties and review deadlines (YYYY-MM-DD).")
@click.option("--include-ended", is_flag=True, help="Also rank former partners (ended ties, lapsed).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Ranked candidates to write: .csv (UTF-8 with BOM) or .xlsx.")
@_private_option
def partners(data: str, focal: str, top: int, weights_file: str | None, as_of: str | None,
             include_ended: bool, output: str, private: tuple[str, ...]) -> None:
    """Rank potential partners for --focal, each with a score, its parts and the reasons."""
    out = _check_table_suffix(output)
    _refuse_over_inputs(data, {"-o": output}, {"--weights": weights_file})
    weights = read_weights(weights_file) if weights_file else None
    loaded = _load(data, private)
    table = potential_partners(loaded, focal, top=top, weights=weights, as_of=as_of,
                               include_ended=include_ended)
    _write_table(table, out)
    click.echo(format_partners(table, limit=10))
    if weights_file:
        used = ", ".join(f"{k} {v:.3g}" for k, v in table.attrs["weights"].items())
        click.echo(f"weights from {weights_file}, divided by their sum so that scores are 0-1 and comparable "
                   f"between runs: {used}")
    total = table.attrs.get("candidates", len(table))
    more = f"; --top {total} ranks them all" if len(table) < total else ""
    click.echo(f"wrote {output} ({len(table)} candidates of {total}{more})")


@cli.command()
@click.argument("data", type=click.Path())
@click.option("--focal", help="org_id: add that organisation's portfolio gaps.")
@_as_of_option("Date for the ties and review deadlines (YYYY-MM-DD).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Gaps table to write: .csv (UTF-8 with BOM) or .xlsx.")
@_private_option
def gaps(data: str, focal: str | None, as_of: str | None, output: str, private: tuple[str, ...]) -> None:
    """Weak spots of the ecosystem (and of --focal's portfolio), in plain words."""
    out = _check_table_suffix(output)
    _refuse_over_inputs(data, {"-o": output})
    loaded = _load(data, private)
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
@_as_of_option("For gexf/graphml: the ties as they stood on this date.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="File to write.")
@_private_option
def export(data: str, fmt: str, as_of: str | None, output: str, private: tuple[str, ...]) -> None:
    """Write DATA for other tools (private columns left out)."""
    _refuse_over_inputs(data, {"-o": output})
    loaded = _load(data, private)
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
@_private_option
def map_command(data: str, kind: str, focal: str | None, top: int, language: str, tiles: str | None,
                assets: str, output: str, private: tuple[str, ...]) -> None:
    """Write a map or the network view as one HTML file to send to stakeholders (zip it to e-mail it)."""
    from . import maps
    from .export import write_html

    if Path(output).suffix.lower() not in (".html", ".htm"):
        raise click.UsageError(f"cannot write '{Path(output).suffix or output}': a page is an .html file.")
    _refuse_over_inputs(data, {"-o": output})
    loaded = _load(data, private)
    if kind == "partners" and not focal:
        ids = ", ".join(map(str, loaded.organizations.index[:3]))
        raise click.UsageError(f"--kind partners needs --focal ORG_ID, the organisation looking for partners "
                               f"(e.g. --focal {loaded.organizations.index[0]}; ids in the data: {ids}, …).")
    base = maps.DEFAULT_TILES if tiles is None else (None if tiles.lower() == "none" else tiles)
    if kind == "network":
        from .graph import build_graph
        from .network_view import network_view

        page = network_view(build_graph(loaded), language=language, private=loaded.private_columns)
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
@click.option("--params", "params_file", type=click.Path(dir_okay=False), callback=_regular_input,
              help="YAML file of parameters (data, focal, language, notebooks, profiles, areas, by, of, ...).")
@click.option("--notebooks", help="Which notebooks, e.g. 01,03 (default 01-04).")
@click.option("--profiles", help="org_ids to write one-page profiles for, comma-separated, or 'all' "
              "(default: --focal and its partners).")
@click.option("--language", type=click.Choice(["en", "ar"]), help="Language of the pages (ar: right-to-left).")
@_as_of_option("Describe the network as it stood on this date (YYYY-MM-DD).")
@click.option("--areas", "areas_file", type=click.Path(), callback=_regular_input,
              help="Areas file to use instead of DATA's areas.")
@click.option("--by", help="Break coverage down by sector (default), org_type, offers, needs or causes.")
@click.option("--of", "of_kind", help="The kind an area needs within reach to count as served, e.g. public "
              "(default: any organisation).")
@click.option("--resolution", type=click.IntRange(0, 15), help="H3 resolution of the hexagon grid used without areas.")
@click.option("--radius-km", type=click.FloatRange(min=0, min_open=True),
              help="One reach in km for every organisation.")
@click.option("--name", help="Run name (default: the data folder's name; demo for the demo data).")
@click.option("-o", "--output", default="reports", show_default=True, type=click.Path(file_okay=False),
              help="Reports folder; the run goes to OUTPUT/<YYYY-MM-DD>-<name>/.")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines (for schedulers).")
@click.option("--no-progress", is_flag=True, hidden=True, help="Same as --quiet.")
@_private_option
def report(data: str | None, focal: str | None, params_file: str | None, notebooks: str | None,
           profiles: str | None, language: str | None, as_of: str | None, areas_file: str | None, by: str | None,
           of_kind: str | None, resolution: int | None, radius_km: float | None, name: str | None, output: str,
           quiet: bool, no_progress: bool, private: tuple[str, ...]) -> None:
    """Run the notebook suite on DATA (the built-in demo data if omitted) into a dated report.

    Writes OUTPUT/<YYYY-MM-DD>-<name>/index.html (the page to send), the notebook pages, maps,
    profiles, tables, charts, changes since the previous run and manifest.json, and
    OUTPUT/index.html listing every run. Exit 0 done, 1 a notebook failed (kept in
    <name>.failed/) or another run holds the folder, 2 bad data or options (nothing written).
    """
    from .report import ReportFailed, ReportLocked, run  # papermill and nbconvert: only this command needs them

    _refuse_over_inputs(data, {"-o": output}, {"--params": params_file, "--areas": areas_file})
    if private and data is None:
        raise click.UsageError("--private needs DATA: the demo data has no columns to hide beyond e-mail and phone.")
    source = _load(data, private) if private else data  # --private columns travel on the loaded data
    try:
        out = run(source, output, params=params_file, focal=focal, notebooks=notebooks, profiles=profiles,
                  language=language, as_of=as_of, areas=areas_file, by=by, of=of_kind, resolution=resolution,
                  radius_km=radius_km, name=name, quiet=quiet or no_progress)
    except DataValidationError as exc:
        report_ = getattr(exc, "report", None)
        if report_ is not None:
            _print_report(report_, quiet=True, data=data or "DATA")
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
