"""What the notebooks and the report pages share: the prepared data, and the words, tables and figures of a page.

The report runner (:mod:`partnermap.report`) loads and validates the data once
(:func:`prepare`), saves it (:meth:`Prepared.save`) and hands the file to every notebook;
a notebook opened by hand loads the data itself. Either way a notebook starts with
:func:`start`, which returns a :class:`Page`: it writes headings, sentences, tables and
charts in the page's language (English or Arabic, right-to-left), with labels instead of
keys, numbers rounded by magnitude, every user string isolated for bidirectional text,
private columns left out, and saves tables, charts and maps into the run folder.

Examples
--------
>>> import partnermap as pm
>>> from partnermap import pages
>>> prep = pages.prepare(pm.datasets.demo_path())
>>> prep.is_demo, len(prep.metrics)
(True, 320)
>>> pages.fmt(0.0000321), pages.fmt(1234.5), pages.fmt(0.456, share=True)
('0.0000321', '1,234', '46%')
"""

from __future__ import annotations

import ast
import base64
import dataclasses
import datetime as dt
import difflib
import io
import logging
import pickle
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from IPython.display import HTML, display

from . import _common, _html, _sparse, _words, i18n, schema
from ._data import PartnerData
from ._errors import ParameterError
from ._words import Html
from .centrality import centrality, network_summary
from .export import shareable, write_html, write_table
from .gaps import structural_gaps
from .graph import build_graph
from .load import load

__all__ = ["SUMMARY_SHOWN", "VIEW_MAX", "Page", "Prepared", "brokers", "check_parameters",
           "column_label", "cross_sector_share", "fmt", "meanings", "prepare", "start", "summary_table", "table_html"]

log = logging.getLogger("partnermap")

#: The network view draws at most this many organisations (the best connected).
VIEW_MAX = 2000

_VOCABS: dict[str, Mapping[str, schema.Term]] = {
    "sector": schema.SECTORS, "partner_sector": schema.SECTORS, "org_type": schema.ORG_TYPES,
    "engagement_stage": schema.ENGAGEMENT_STAGES, "kind": schema.RELATIONSHIP_KINDS, "kinds": schema.RELATIONSHIP_KINDS,
    "status": schema.TIE_STATUSES, "capacity": schema.CAPACITY_LEVELS, "size": schema.SIZES,
    "offers": schema.RESOURCES, "needs": schema.RESOURCES, "resources": schema.RESOURCES, "causes": schema.CAUSES,
}
_SHARES = ("share", "share_areas_reached", "share_population_reached", "cross_sector_share",
           "largest_component_share")
_LIST_LIMIT = 8


# ------------------------------------------------------------------------- prepared


@dataclasses.dataclass
class Prepared:
    """Data loaded and validated once, with the network and its metrics, for every notebook.

    Attributes
    ----------
    data
        What :func:`partnermap.load` returned.
    source
        The data path as given (empty for the built-in demo).
    is_demo
        Whether this is the built-in demo data.
    as_of
        The date ties and reviews are judged on (ISO), or ``None`` for the recorded statuses and today.
    graph
        ``build_graph(data, as_of=as_of)``, built when first asked for (the metrics,
        summary and gaps are computed from the frames, without it).
    metrics
        :func:`partnermap.centrality` of that network.
    summary
        :func:`partnermap.network_summary` of that network.
    sample
        ``k`` when betweenness and closeness were estimated from a sample, else ``None``.
    seed
        Seed of communities and sampling.
    """

    data: PartnerData
    source: str
    is_demo: bool
    as_of: str | None
    metrics: pd.DataFrame
    summary: dict[str, Any]
    sample: int | None
    seed: int = 0
    structural: pd.DataFrame | None = None
    structural_focal: str | None = None
    _graph: nx.MultiGraph | None = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def graph(self) -> nx.MultiGraph:
        """The networkx graph of the ties, built on first use and kept.

        Returns
        -------
        networkx.MultiGraph
            ``build_graph(data, as_of=as_of)``.
        """
        if self._graph is None:
            self._graph = build_graph(self.data, as_of=self.as_of)
        return self._graph

    def _subgraph(self, keep: list[Any]) -> nx.MultiGraph:
        """``graph.subgraph(keep).copy()``; without the whole graph built, from the ties among ``keep`` alone.

        The same organisations, attributes and ties, listed in the data's order (networkx's
        subgraph lists them in the order of a set of ``keep``, which varies with the hash seed).
        """
        orgs, rel = self.data.organizations, self.data.relationships
        known = rel["source"].isin(orgs.index) & rel["target"].isin(orgs.index)
        if self._graph is not None or not known.all():  # an end that is no org_id: its node order is the graph's
            return self.graph.subgraph(keep).copy()
        inside = rel["source"].isin(keep) & rel["target"].isin(keep)
        small = dataclasses.replace(self.data, organizations=orgs[orgs.index.isin(keep)], relationships=rel[inside])
        return build_graph(small, as_of=self.as_of)

    def with_gaps(self, focal: str | None) -> Prepared:
        """Compute the ecosystem's structural gaps once (for ``focal``), reusing the metrics' communities.

        Parameters
        ----------
        focal
            The focal organisation's ``org_id``: engagement gaps are judged by ties with it (``None``: with anyone).

        Returns
        -------
        Prepared
            This object, with ``structural`` and ``structural_focal`` set.
        """
        self.structural = structural_gaps(self.data, focal=focal, as_of=self.as_of, metrics=self.metrics,
                                          seed=self.seed)
        self.structural_focal = focal
        return self

    def save(self, path: str | Path) -> Path:
        """Write the prepared data to ``path`` (a pickle, for this run's notebooks only).

        Parameters
        ----------
        path
            The file to write (it holds private columns: keep it out of the report).

        Returns
        -------
        pathlib.Path
            ``path``.
        """
        path = Path(path)
        with path.open("wb") as fh:
            pickle.dump(self, fh, protocol=pickle.HIGHEST_PROTOCOL)
        return path

    @staticmethod
    def open(path: str | Path) -> Prepared:
        """Read what :meth:`save` wrote.

        Parameters
        ----------
        path
            A file written by :meth:`save`.

        Returns
        -------
        Prepared
            The prepared data.
        """
        with Path(path).open("rb") as fh:
            prep = pickle.load(fh)  # noqa: S301 - written by this run, in its own temporary folder
        if not isinstance(prep, Prepared):
            raise ParameterError(f"{path} is not prepared data written by partnermap.pages.Prepared.save.")
        return prep


def _is_demo(path: Path) -> bool:
    from .datasets import demo_path  # datasets imports the loader; kept out of this module's import time

    try:
        return path.resolve() == Path(demo_path()).resolve()
    except OSError:
        return False


def prepare(data: str | Path | PartnerData | None = None, *, as_of: str | dt.date | None = None,
            sample: int | str | None = "auto", seed: int = 0, progress: bool = False) -> Prepared:
    """Load and validate ``data`` once and compute the network and its metrics.

    Parameters
    ----------
    data
        A data folder, workbook or HSDS package, data already loaded, or ``None`` / ``""``
        for the built-in demo data.
    as_of
        Judge ties (and reviews) as on this date; ``None``: the recorded statuses (the demo: its own date).
    sample
        ``"auto"``: :func:`partnermap.centrality.centrality`'s own choice (exact up to
        :data:`partnermap.centrality.ESTIMATE_ABOVE` organisations, above that estimated
        with a stated error, which every page states); a number: plain sampling from that
        many organisations; ``None``: always exact.
    seed
        Seed of sampling and communities.
    progress
        Progress bars on long steps.

    Returns
    -------
    Prepared
        The data, metrics and summary (the networkx graph is built when first asked for).

    Raises
    ------
    DataValidationError
        When the data has errors.
    """
    from .datasets import DEMO_AS_OF, demo_path

    if isinstance(data, PartnerData):
        loaded, source = data, str(data.source or "")
        demo = bool(source) and _is_demo(Path(source))
    else:
        path = Path(data) if data not in (None, "") else Path(demo_path())
        demo = _is_demo(path)
        source = "" if demo else str(data)
        loaded = load(path)
    loaded = _report_columns(loaded)
    if as_of in (None, "") and demo:
        as_of = DEMO_AS_OF
    as_of_s = pd.Timestamp(as_of).date().isoformat() if as_of not in (None, "") else None
    V = _sparse._from_data(loaded, as_of=as_of_s)  # build_graph(loaded, as_of=as_of_s)'s network, no networkx
    n = V.n
    if sample == "auto" or sample is None or isinstance(sample, (int, np.integer)):
        k = int(sample) if isinstance(sample, (int, np.integer)) and sample < n else None
    else:
        raise ParameterError(f"sample must be 'auto', a number of organisations or None, not {sample!r}.")
    metrics = centrality(V, k=k, seed=seed, progress=progress, estimate=False if sample is None else None)
    summary = network_summary(V, metrics=metrics, seed=seed)
    log.info("prepared %s: %d organisations, %d ties%s", source or "the demo data", n, V.ties,
             f", metrics sampled from {k}" if k else "")
    return Prepared(data=loaded, source=source, is_demo=demo, as_of=as_of_s, metrics=metrics,
                    summary=summary, sample=k, seed=seed)


#: Columns beyond the data contract that the report's pages, maps and tables carry, per table; the
#: others stay in the data (and in ``partnermap export``), and the data-quality page says so.
REPORT_EXTRA_COLUMNS = 50
_CONTRACTS = {"organizations": (*schema.ORG_COLUMNS, "area_geometry"), "relationships": (*schema.REL_COLUMNS, "tie_id"),
              "areas": ("name", "name_en", "population")}


def _report_columns(data: PartnerData) -> PartnerData:
    """``data`` with at most :data:`REPORT_EXTRA_COLUMNS` extra columns per table, a note for each cut one."""
    cut: dict[str, Any] = {}
    for table, contract in _CONTRACTS.items():
        frame = getattr(data, table)
        if frame is None:
            continue
        geometry = {frame.geometry.name} if hasattr(frame, "geometry") else set()
        extra = [c for c in frame.columns if c not in contract and c not in geometry]
        if len(extra) <= REPORT_EXTRA_COLUMNS:
            continue
        left = extra[REPORT_EXTRA_COLUMNS:]
        cut[table] = frame.drop(columns=left)
        data.report.add("info", Path(data.report.sources.get(table, table)).name, None, None,
                        f"{len(extra):,} columns besides the data contract's: the report shows the first "
                        f"{REPORT_EXTRA_COLUMNS} ({len(left):,} left out of its pages, maps and tables, from "
                        f"'{left[0]}' on).", "`partnermap export --format xlsx` keeps every column.")
    return dataclasses.replace(data, **cut) if cut else data


# ---------------------------------------------------------------------- formatting


def fmt(v: Any, *, share: bool = False, language: str = "en") -> str:
    """A value as a stakeholder reads it: rounded by magnitude, shares as percentages, no ``<NA>``.

    Parameters
    ----------
    v
        The value.
    share
        Show a number between 0 and 1 as a percentage.
    language
        For yes/no.

    Returns
    -------
    str
        The text ("" for a missing value).
    """
    if isinstance(v, (bool, np.bool_)):
        return i18n.t("yes" if v else "no", language)
    if _common._missing(v):
        return ""
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if not np.isfinite(f):
            return ""
        if share:
            return "<1%" if 0 < f < 0.005 else f"{f:.0%}"
        if f == int(f) and abs(f) < 1e15:
            return f"{int(f):,}"
        if abs(f) >= 100:
            return f"{f:,.0f}"
        if abs(f) >= 10:
            return f"{f:,.1f}".rstrip("0").rstrip(".")
        if abs(f) >= 1:
            return f"{f:,.2f}".rstrip("0").rstrip(".")
        return np.format_float_positional(f, precision=3, unique=False, fractional=False, trim="-")
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def column_label(column: Any, language: str) -> str:
    """The heading of a column: its label in ``language`` (``col_<name>`` in i18n), else the name in words.

    Parameters
    ----------
    column
        The column name.
    language
        ``"en"`` or ``"ar"``.

    Returns
    -------
    str
        The heading (plain text).
    """
    key = f"col_{column}"
    if key in i18n.MESSAGES:
        return i18n.t(key, language)
    for vocab in (schema.SECTORS, schema.ORG_TYPES, schema.ENGAGEMENT_STAGES, schema.TIE_STATUSES):
        if column in vocab:
            return schema.label(vocab, column, language)
    for prefix in ("located_", "serving_", "population_reached_"):
        if str(column).startswith(prefix):
            kind = str(column)[len(prefix):]
            label = i18n.t("total_label", language) if kind == "total" else _kind_label(kind, language)
            return i18n.t(f"col_{prefix}of", language, kind=label)
    return str(column).replace("_", " ").capitalize() if language == "en" else str(column).replace("_", " ")


def _kind_label(kind: str, language: str) -> str:
    for vocab in (schema.SECTORS, schema.ORG_TYPES, schema.RESOURCES, schema.CAUSES):
        if kind in vocab:
            return schema.label(vocab, kind, language)
    return kind.replace("_", " ")


def _cell(column: Any, v: Any, language: str) -> str:
    """One cell as HTML: vocabulary labels, lists joined and shortened, user text isolated."""
    if isinstance(v, Html):
        return v
    vocab = _VOCABS.get(str(column))
    if isinstance(v, (list, tuple, np.ndarray, set)):
        items = list(v)
        shown = [_html.bdi(schema.label(vocab, x, language) if vocab else x) for x in items[:_LIST_LIMIT]]
        sep = _html.escape(i18n.t("list_sep", language))
        text = sep.join(shown)
        if len(items) > _LIST_LIMIT:
            return _words.fill("and_more", language, True, shown=Html(text), n=len(items) - _LIST_LIMIT)
        return text
    if str(column) == "gap" and isinstance(v, str) and f"gap_{v}" in i18n.MESSAGES:
        return _html.escape(i18n.t(f"gap_{v}", language))
    if str(column) == "severity" and isinstance(v, str) and f"sev_{v}" in i18n.MESSAGES:
        return _html.escape(i18n.t(f"sev_{v}", language))
    if vocab is not None and isinstance(v, str) and v in vocab:
        return _html.escape(schema.label(vocab, v, language))
    if isinstance(v, str):
        return _html.bdi(v) if v else ""
    share = str(column) in _SHARES or str(column).startswith("share_")
    return _html.escape(fmt(v, share=share, language=language))


def _private(df: pd.DataFrame) -> list[Any]:
    kept = set(shareable(df.head(0)).columns)
    return [c for c in df.columns if c not in kept]


def table_html(df: pd.DataFrame, language: str = "en", *, index: bool = True, limit: int | None = 20,
               columns: Iterable[Any] | None = None) -> str:
    """``df`` as an HTML table for a stakeholder.

    Headings are labels in ``language``; vocabulary keys become labels (``For-profit``,
    not ``for_profit``); lists are joined and shortened; numbers are rounded by
    magnitude; user text is escaped and isolated (``<bdi>``); private columns and
    geometry are left out; at most ``limit`` rows.

    Parameters
    ----------
    df
        The table.
    language
        ``"en"`` or ``"ar"``.
    index
        Show the index as the first column.
    limit
        Rows shown (``None``: all).
    columns
        Columns to show, in order (default: all).

    Returns
    -------
    str
        The ``<table>``.
    """
    if columns is not None:
        df = df[[c for c in columns if c in df.columns]]
    df = df.drop(columns=[c for c in _private(df)] + (["geometry"] if "geometry" in df.columns else []),
                 errors="ignore")
    shown = df if limit is None else df.head(limit)
    names = ([shown.index.name or ""] if index else []) + list(shown.columns)
    head = "".join(f"<th>{_html.escape(column_label(c, language) if c else '')}</th>" for c in names)
    rows = []
    for idx, row in zip(shown.index, shown.itertuples(index=False), strict=True):
        cells = [f"<th>{_cell(shown.index.name, idx, language)}</th>"] if index else []
        cells += [f"<td>{_cell(c, v, language)}</td>" for c, v in zip(shown.columns, row, strict=True)]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


# ---------------------------------------------------------------------------- page

_KNOWN_IPYTHON = {"In", "Out", "get_ipython", "exit", "quit", "open"}


def _injected_names() -> list[str] | None:
    """Names papermill injected in this kernel (its ``# Parameters`` cell), or ``None`` outside papermill."""
    try:
        from IPython import get_ipython  # IPython is there in every kernel; not when run as a script
    except ImportError:  # pragma: no cover
        return None
    ip = get_ipython()
    if ip is None:
        return None
    history = ip.user_ns.get("In") or []
    for source in reversed(history):
        if source.lstrip().startswith("# Parameters"):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                return None
            return [t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
                    if isinstance(t, ast.Name)]
    return None


def check_parameters(declared: Iterable[str]) -> None:
    """Stop with a clear error when papermill was given a parameter this notebook does not declare.

    Parameters
    ----------
    declared
        The names of the notebook's parameters cell.

    Raises
    ------
    ParameterError
        Naming the unknown parameter, the closest declared one and the full list.
    """
    declared = list(declared)
    injected = _injected_names() or []
    unknown = [n for n in injected if n not in declared and n not in _KNOWN_IPYTHON]
    if unknown:
        hints = []
        for u in unknown:
            close = difflib.get_close_matches(u, declared, n=1, cutoff=0.4)
            hints.append(f"'{u}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        raise ParameterError(f"unknown parameter {', '.join(hints)}: this notebook takes "
                             f"{', '.join(declared)}. Nothing was analysed.")


def start(*, data: str = "", prepared: str = "", language: str = "en", out: str = "", focal: str = "",
          as_of: str = "", base: str = "", declared: Iterable[str] | None = None, show: bool = True) -> Page:
    """The first call of every notebook: check the parameters, get the data, open the page.

    Parameters
    ----------
    data
        The data path ("" for the built-in demo data).
    prepared
        A file written by :meth:`Prepared.save` (the report runner's), used instead of loading ``data``.
    language
        ``"en"`` or ``"ar"``.
    out
        The run folder that tables, charts and maps are saved into ("" to save nothing).
    focal
        The focal organisation ("" for none; on the demo data, its focal organisation).
    as_of
        Judge ties and reviews as on this date ("" for the recorded statuses and today).
    base
        Path from this page's HTML file to the run folder (``"../"`` for profiles).
    declared
        The notebook's parameter names: an unknown name passed to papermill stops here.
    show
        Display the demo notice (the first line of the output when the demo is used).

    Returns
    -------
    Page
        The page.
    """
    i18n.direction(language)  # checks the language
    if declared is not None:
        check_parameters(declared)
    prep = Prepared.open(prepared) if prepared else prepare(data or None, as_of=as_of or None)
    page = Page(prep, language=language, out=out, base=base, focal=focal or None)
    if show and prep.is_demo:
        page.notice("demo_notice")
    return page


class Page:
    """One page of the report: words, tables, charts and maps in one language.

    Parameters
    ----------
    prepared
        What :func:`prepare` returned.
    language
        ``"en"`` or ``"ar"``.
    out
        The run folder to save into ("" to save nothing).
    base
        Path from the page to the run folder.
    focal
        The focal organisation; on the demo data without one, the demo's.
    """

    def __init__(self, prepared: Prepared, *, language: str = "en", out: str | Path = "", base: str = "",
                 focal: str | None = None) -> None:
        from .datasets import FOCAL_ID

        self.prepared = prepared
        self.language = language
        self.dir = i18n.direction(language)
        self.out = Path(out) if out else None
        self.base = base
        if focal is None and prepared.is_demo:
            focal = FOCAL_ID
        self.focal = focal
        orgs = prepared.data.organizations
        self.names = orgs["name"].to_dict() if "name" in orgs.columns else {}
        areas = prepared.data.areas
        self.area_names: dict[Any, Any] = {}
        if areas is not None and "name" in areas.columns:
            self.area_names = areas["name"].to_dict()

    # shortcuts
    @property
    def data(self) -> PartnerData:
        """The loaded data.

        Returns
        -------
        PartnerData
            What :func:`partnermap.load` returned.
        """
        return self.prepared.data

    @property
    def G(self) -> nx.MultiGraph:  # noqa: N802 - the house name for graphs
        """The network of active ties.

        Returns
        -------
        networkx.MultiGraph
            The prepared graph.
        """
        return self.prepared.graph

    @property
    def metrics(self) -> pd.DataFrame:
        """The node metrics.

        Returns
        -------
        pandas.DataFrame
            :func:`partnermap.centrality` of the graph, indexed by org_id.
        """
        return self.prepared.metrics

    @property
    def summary(self) -> dict[str, Any]:
        """The network summary.

        Returns
        -------
        dict
            :func:`partnermap.network_summary` of the graph.
        """
        return self.prepared.summary

    @property
    def as_of(self) -> str | None:
        """The date ties and reviews are judged on.

        Returns
        -------
        str or None
            An ISO date, or ``None`` for the recorded statuses and today.
        """
        return self.prepared.as_of

    def structural(self) -> pd.DataFrame:
        """:func:`partnermap.structural_gaps` of the data for this page's focal organisation (computed once).

        Returns
        -------
        pandas.DataFrame
            The structural gaps table.
        """
        if self.prepared.structural is None or self.prepared.structural_focal != self.focal:
            self.prepared.with_gaps(self.focal)
        return self.prepared.structural

    def view_graph(self, limit: int = VIEW_MAX) -> tuple[nx.MultiGraph, pd.DataFrame]:
        """The graph and metrics the network view draws: all of it, or its ``limit`` best-connected organisations.

        Parameters
        ----------
        limit
            Most organisations drawn; above it, those with the highest degree (then betweenness) are kept.

        Returns
        -------
        tuple of networkx.MultiGraph and pandas.DataFrame
            The graph (a copy of the subgraph when cut) and its organisations' metrics.
        """
        if len(self.metrics) <= limit:
            return self.G, self.metrics
        m = self.metrics.sort_index(kind="stable").sort_values(["degree", "betweenness"], ascending=False,
                                                              kind="stable")
        keep = list(m.index[:limit])
        return self.prepared._subgraph(keep), self.metrics.loc[keep]

    # words
    def t(self, key: str, **values: Any) -> str:
        """Message ``key`` in the page's language (plain text).

        Parameters
        ----------
        key
            The message key in :mod:`partnermap.i18n`.
        **values
            Values substituted into the message.

        Returns
        -------
        str
            The message.
        """
        return i18n.t(key, self.language, **values)

    def html(self, key: str, **values: Any) -> str:
        """Message ``key`` as HTML: the template escaped, text values isolated with ``<bdi>``, numbers formatted.

        Parameters
        ----------
        key
            The message key in :mod:`partnermap.i18n`.
        **values
            Values substituted into the message (an ``Html`` value is inserted as it is).

        Returns
        -------
        str
            The HTML.
        """
        kw = {k: v if isinstance(v, Html) else _html.escape(fmt(v)) if isinstance(v, (int, float, np.number))
              else _html.bdi(v) for k, v in values.items()}
        return _words.fill(key, self.language, True, **kw)

    def who(self, org_id: Any, *, html: bool = True) -> str:
        """``name (id)``, isolated.

        Parameters
        ----------
        org_id
            The organisation (its id alone when it has no name).
        html
            HTML (escaped, in ``<bdi>``) or plain text (Unicode isolates).

        Returns
        -------
        str
            The name and id.
        """
        return _words.who(self.names, org_id, html)

    def show(self, html: str) -> None:
        """Display HTML in the page's direction.

        Parameters
        ----------
        html
            The HTML to show (already escaped).
        """
        display(HTML(f"<div dir='{self.dir}' lang='{self.language}'>{html}</div>"))

    def title(self, key: str, purpose: str | None = None, **values: Any) -> None:
        """The page title, its purpose and the data line.

        Parameters
        ----------
        key
            The message key of the title.
        purpose
            The message key of the lead sentence under it (``None``: none).
        **values
            Values substituted into the title.
        """
        body = f"<h1>{self.html(key, **values)}</h1>"
        if purpose:
            body += f"<p class='lead'>{self.html(purpose)}</p>"
        src = self.t("demo_source") if self.prepared.is_demo else self.prepared.source
        today = dt.date.today().isoformat()
        body += f"<p class='meta'>{self.html('data_line', source=src, as_of=self.as_of or today, generated=today)}</p>"
        note = self.estimate_note()
        if note:
            body += f"<p class='note'>{note}</p>"
        self.show(body)

    def estimate_note(self) -> str:
        """The sentence (HTML) saying that brokerage and closeness are estimates, and how close; ``""`` when exact.

        Returns
        -------
        str
            The note in the page's language, or ``""``.
        """
        prep, attrs = self.prepared, self.metrics.attrs
        n = fmt(len(self.metrics))  # 20,000 as elsewhere on the pages
        if prep.sample:
            return self.html("sampled_note", n=n, k=fmt(prep.sample), seed=prep.seed)
        sources = attrs.get("betweenness_sources")
        if sources is None or sources >= len(self.metrics):
            return ""
        return self.html("estimated_note", n=n, k=fmt(sources), seed=prep.seed,
                         eps=fmt(attrs["betweenness_epsilon"], language=self.language),
                         p=f"{1 - attrs['betweenness_delta']:.0%}")

    def notice(self, key: str, **values: Any) -> None:
        """A notice line (e.g. that the demo data is used).

        Parameters
        ----------
        key
            The message key.
        **values
            Values substituted into the message.
        """
        self.show(f"<p class='notice'>{self.html(key, **values)}</p>")

    def heading(self, key: str, *, level: int = 2, **values: Any) -> None:
        """A section heading.

        Parameters
        ----------
        key
            The message key.
        level
            The heading level (``2`` for ``<h2>``).
        **values
            Values substituted into the message.
        """
        self.show(f"<h{level}>{self.html(key, **values)}</h{level}>")

    def text(self, key: str, **values: Any) -> None:
        """A paragraph.

        Parameters
        ----------
        key
            The message key.
        **values
            Values substituted into the message.
        """
        self.show(f"<p>{self.html(key, **values)}</p>")

    def sentences(self, items: Iterable[str]) -> None:
        """A list of sentences already built as HTML.

        Parameters
        ----------
        items
            The sentences (nothing is shown when there are none).
        """
        lis = "".join(f"<li>{s}</li>" for s in items)
        if lis:
            self.show(f"<ul>{lis}</ul>")

    # tables
    def table(self, df: pd.DataFrame, *, empty: str | None = None, name: str | None = None, limit: int | None = 20,
              index: bool = True, columns: Iterable[Any] | None = None, **values: Any) -> None:
        """Show ``df`` (see :func:`table_html`), or the sentence ``empty`` when it has no rows.

        With ``name`` the whole table is also saved as ``tables/<name>.csv`` and the page
        says so when only the first ``limit`` rows are shown.

        Parameters
        ----------
        df
            The table.
        empty
            The message key shown instead when ``df`` has no rows (``None``: nothing shown).
        name
            Also save the whole table as ``tables/<name>.csv`` in the run folder.
        limit
            Rows shown (``None``: all).
        index
            Show the index as the first column.
        columns
            Columns to show, in order (default: all).
        **values
            Values substituted into ``empty``.
        """
        if name:
            self.save_table(df, name)
        if not len(df):
            if empty:
                self.text(empty, **values)
            return
        body = table_html(df, self.language, index=index, limit=limit, columns=columns)
        if limit is not None and len(df) > limit:
            file = f"tables/{name}.csv" if name and self.out else "…"
            body += f"<p class='more'>{self.html('more_in_file', shown=limit, total=len(df), file=file)}</p>"
        self.show(body)

    def save_table(self, df: pd.DataFrame, name: str) -> None:
        """Write ``df`` to ``tables/<name>.csv`` in the run folder (private columns left out).

        Parameters
        ----------
        df
            The table (its geometry is left out).
        name
            The file name without ``.csv``.
        """
        if self.out is not None:  # pd.DataFrame() drops attrs: pass on the columns the user marked private
            write_table(pd.DataFrame(df.drop(columns=["geometry"], errors="ignore")),
                        self.out / "tables" / f"{name}.csv", private=df.attrs.get("private_columns", ()))

    # charts and maps
    def figure(self, fig: Any, name: str) -> None:
        """Show a matplotlib figure and save it as ``figures/<name>.png``.

        Parameters
        ----------
        fig
            The figure (see :mod:`partnermap.charts`); its first title becomes the image's alt text.
        name
            The file name without ``.png``.
        """
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
        png = buf.getvalue()
        if self.out is not None:
            path = self.out / "figures" / f"{name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(png)
        alt = _html.escape(fig.axes[0].get_title() if fig.axes else name)
        data = base64.b64encode(png).decode("ascii")
        self.show(f"<figure><img alt='{alt}' src='data:image/png;base64,{data}' style='max-width:100%'></figure>")

    def map(self, page: Any, name: str) -> None:
        """Show a map (or network view) inline and save it as ``maps/<name>.html``.

        In a run folder the saved, self-contained page is shown in a frame; opened by hand
        the object is displayed as it is.

        Parameters
        ----------
        page
            A folium map or network view (anything :func:`partnermap.export.write_html` writes).
        name
            The file name without ``.html``.
        """
        if self.out is None:
            display(page)
            return
        path = write_html(page, self.out / "maps" / f"{name}.html", assets="inline")
        rel = f"{self.base}maps/{path.name}"
        link = Html(f"<a href='{_html.escape(rel)}'>{_html.escape(rel)}</a>")
        self.show(f"<iframe class='map' src='{_html.escape(rel)}' title='{_html.escape(name)}'></iframe>"
                  f"<p class='more'>{self.html('map_saved', file=link)}</p>")

    # translated sentences
    def gap_sentences(self, gaps: pd.DataFrame, *, html: bool = True, formality: Mapping[str, int] | None = None,
                      area_reasons: Mapping[Any, str] | None = None) -> list[str]:
        """Each row of a gaps table as a sentence in the page's language.

        Parameters
        ----------
        gaps
            A gaps table (:func:`partnermap.gaps.gaps_table`, a portfolio's or the structural gaps).
        html
            HTML (escaped, user strings in ``<bdi>``) or plain text.
        formality
            The focal portfolio's ``formality`` counts (formal, informal, unknown).
        area_reasons
            The translated under-served reason of each area, by area_id.

        Returns
        -------
        list of str
            One sentence per row, in order.
        """
        out = []
        for row in gaps.to_dict("records"):
            reason = (area_reasons or {}).get(row.get("area_id"))
            out.append(_words.gap_message(row, self.language, names=self.names, area_names=self.area_names,
                                          html=html, focal=self.focal is not None, formality=formality,
                                          area_reason=reason))
        return out

    def gap_sections(self, gaps: pd.DataFrame, *, per_kind: int = 3, level: int = 3,
                     formality: Mapping[str, int] | None = None, area_reasons: Mapping[Any, str] | None = None) -> None:
        """Each kind of gap as a small heading (with its count) and its first ``per_kind`` sentences.

        Parameters
        ----------
        gaps
            A gaps table with a ``gap`` column.
        per_kind
            Sentences shown per kind of gap (the rest are counted).
        level
            The heading level.
        formality
            The focal portfolio's ``formality`` counts (formal, informal, unknown).
        area_reasons
            The translated under-served reason of each area, by area_id.
        """
        for kind, rows in gaps.groupby("gap", sort=False):
            label = self.html(f"gap_{kind}") if f"gap_{kind}" in i18n.MESSAGES else _html.escape(kind)
            self.show(f"<h{level}>{label} ({len(rows):,})</h{level}>")
            self.sentences(self.gap_sentences(rows.head(per_kind), formality=formality, area_reasons=area_reasons))
            if len(rows) > per_kind:
                file = "tables/gaps.csv" if self.out else "…"
                more = self.html("more_in_file", shown=per_kind, total=len(rows), file=file)
                self.show(f"<p class='more'>{more}</p>")

    def reasons(self, table: pd.DataFrame, *, html: bool = True) -> pd.Series:
        """The ``reasons`` column of a potential-partners table in the page's language.

        Parameters
        ----------
        table
            What :func:`partnermap.potential_partners` returned.
        html
            HTML (escaped, user strings in ``<bdi>``) or plain text.

        Returns
        -------
        pandas.Series
            One text per row, on the table's index.
        """
        return pd.Series([_words.reasons(r, self.language, html=html) for r in table["reasons"]],
                         index=table.index, dtype=object)

    def kind_words(self, by: str | None, kind: str) -> str:
        """'public organisation', 'جهة من القطاع العام' … for the kind of :func:`partnermap.underserved`.

        Parameters
        ----------
        by
            What coverage was broken down by: ``sector``, ``org_type``, ``offers``, ``needs`` or ``causes``
            (``None``: not broken down).
        kind
            The row's ``of`` value (``total`` for any organisation).

        Returns
        -------
        str
            The phrase in the page's language.
        """
        return _words.kind_phrase(by, kind, self.language)

    def underserved_reasons(self, gaps: pd.DataFrame, *, html: bool = False) -> pd.Series:
        """The ``reason`` column of :func:`partnermap.underserved` in the page's language.

        Parameters
        ----------
        gaps
            What :func:`partnermap.underserved` returned (its ``attrs["coverage"]`` give ``by`` and ``radius_km``).
        html
            Escape each reason for HTML (else plain text).

        Returns
        -------
        pandas.Series
            One reason per area, on the table's index.
        """
        meta = gaps.attrs.get("coverage", {}) if isinstance(gaps.attrs.get("coverage"), dict) else {}
        texts = [_words.underserved_reason(r, self.language, by=meta.get("by"), radius_km=meta.get("radius_km"))
                 for r in gaps.drop(columns="geometry", errors="ignore").to_dict("records")]
        if html:
            texts = [Html(_html.escape(t)) for t in texts]
        return pd.Series(texts, index=gaps.index, dtype=object)


# ----------------------------------------------------------------- network figures

#: The network summary figures a page shows, in order (shares as percentages).
SUMMARY_SHOWN = ("organisations", "partner_pairs", "isolates", "components", "largest_component_share",
                 "cross_sector_share", "density", "average_clustering", "communities", "modularity",
                 "sector_ei_index")


def cross_sector_share(summary: Mapping[str, Any]) -> float:
    """Share of partner pairs whose two organisations are in different (known) sectors.

    Parameters
    ----------
    summary
        What :func:`partnermap.network_summary` returned (its ``sector_mixing``).

    Returns
    -------
    float
        The share between 0 and 1, NaN without sector mixing.
    """
    m = summary.get("sector_mixing")
    if not isinstance(m, pd.DataFrame) or not m.size:
        return float("nan")
    values = m.to_numpy(dtype=float)
    total = np.triu(values).sum()
    return float(np.triu(values, k=1).sum() / total) if total else float("nan")


def summary_table(summary: Mapping[str, Any], language: str = "en") -> pd.DataFrame:
    """The main network figures with a label and a one-sentence meaning each, ready for :meth:`Page.table`.

    Parameters
    ----------
    summary
        What :func:`partnermap.network_summary` returned.
    language
        ``"en"`` or ``"ar"``.

    Returns
    -------
    pandas.DataFrame
        ``value`` and ``meaning`` by ``measure``, for the :data:`SUMMARY_SHOWN` figures that are known.
    """
    rows = []
    for key in SUMMARY_SHOWN:
        v = cross_sector_share(summary) if key == "cross_sector_share" else summary.get(key)
        if _common._missing(v):
            continue
        share = key.endswith("share")
        rows.append({"measure": i18n.t(f"m_{key}", language),
                     "value": Html(_html.escape(fmt(v, share=share, language=language))),
                     "meaning": i18n.t(f"mm_{key}", language)})
    return pd.DataFrame(rows, columns=["measure", "value", "meaning"]).set_index("measure")


def brokers(metrics: pd.DataFrame, top: int | None = 10) -> pd.DataFrame:
    """Organisations on the routes between others, strongest broker first, with ``broker_rank``.

    Organisations without ties (or with zero brokerage) are left out, so a sparse network
    never lists its isolates as brokers.

    Parameters
    ----------
    metrics
        :func:`partnermap.centrality` output (``degree`` and ``betweenness``).
    top
        How many brokers to keep (``None``: all).

    Returns
    -------
    pandas.DataFrame
        The brokers' rows of ``metrics``, ordered by betweenness then degree, with ``broker_rank``.
    """
    m = metrics[(metrics["degree"].fillna(0) > 0) & (metrics["betweenness"].fillna(0) > 0)]
    m = m.sort_index(kind="stable").sort_values(["betweenness", "degree"], ascending=False, kind="stable")
    m = m.assign(broker_rank=np.arange(1, len(m) + 1))
    return m if top is None else m.head(top)


def meanings(columns: Iterable[str], language: str = "en") -> pd.DataFrame:
    """One sentence per metric column shown (those with a meaning in :mod:`partnermap.i18n`).

    Parameters
    ----------
    columns
        The metric columns shown.
    language
        ``"en"`` or ``"ar"``.

    Returns
    -------
    pandas.DataFrame
        ``meaning`` by column label; columns without a meaning are left out.
    """
    rows = [{"column": column_label(c, language), "meaning": i18n.t(f"cm_{c}", language)}
            for c in columns if f"cm_{c}" in i18n.MESSAGES]
    return pd.DataFrame(rows, columns=["column", "meaning"]).set_index("column")
