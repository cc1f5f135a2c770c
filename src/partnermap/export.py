"""Writing results: tables (CSV for Excel, XLSX), the graph (GEXF, GraphML) and layers (GeoJSON, GeoPackage).

Everything that leaves the program goes through here, so private columns are dropped in
one place, by one rule (:func:`partnermap.schema.is_private`): e-mail, phone, contact name,
contact-like headings in English and Arabic, and the columns the user marked private
(``data.private_columns``, which tables taken from the data carry in
``attrs["private_columns"]``, and ``private=``), unless the caller names them in
``include_private``.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import folium
import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter
from shapely.geometry import LineString

from . import _common, _inline, _leaflet, schema
from ._data import PRIVATE_ATTR, PartnerData
from ._errors import ParameterError
from .centrality import SUMMARY_MEANINGS, centrality
from .graph import build_graph

__all__ = ["write_table", "write_sheets", "write_csv", "write_layer", "shareable", "write_graph", "write_geopackage",
           "write_workbook", "export_data", "write_html", "page_html", "write_geojson", "write_kumu", "write_summary"]

FORMATS = ("gexf", "graphml", "gpkg", "geojson", "xlsx", "kumu")
_LAYER_DRIVERS = {".geojson": "GeoJSON", ".gpkg": "GPKG"}
log = logging.getLogger("partnermap")

#: The most characters a spreadsheet cell holds (Excel's limit); longer text is cut, with a warning.
MAX_CELL_CHARS = 32_767
_NEEDS_CARE = re.compile(f"^'*[{re.escape(''.join(_common.FORMULA_START))}]|{_common.CONTROL_CHARACTERS.pattern}|\r")


def shareable(df: pd.DataFrame, *, include_private: Iterable[str] = (), private: Iterable[str] = ()) -> pd.DataFrame:
    """``df`` without private columns and with lists as ``a;b`` text.

    Private (:func:`partnermap.schema.is_private`): e-mail, phone and contact name, any
    column whose heading looks like contact details (``Mobile``, ``E-mail 2``, ``WhatsApp``,
    ``الجوال``, ``رقم التواصل`` …), the columns in ``df.attrs["private_columns"]`` (set by
    :class:`partnermap.PartnerData`) and those in ``private``; unless named in
    ``include_private``.

    Parameters
    ----------
    df
        Any table (a GeoDataFrame loses its ``geometry`` column).
    include_private
        Private columns to keep all the same.
    private
        More columns to leave out.

    Returns
    -------
    pandas.DataFrame
        A new table; ``df`` is not changed.

    Examples
    --------
    >>> import pandas as pd
    >>> from partnermap.export import shareable
    >>> shareable(pd.DataFrame({"name": ["a"], "email": ["x@y"], "offers": [["space", "data"]]}))
      name      offers
    0    a  space;data
    """
    keep_private = set(include_private)
    extra = _marked(df, private)
    drop = [c for c in df.columns if schema.is_private(c, extra) and c not in keep_private]
    out = df.drop(columns=drop)
    for c in out.columns:
        if out[c].dtype == object and out[c].map(lambda v: isinstance(v, (list, tuple))).any():
            out[c] = out[c].map(lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    if "geometry" in out.columns:
        out = pd.DataFrame(out.drop(columns="geometry"))
    return out


def _marked(df: Any, private: Iterable[str] = ()) -> tuple[str, ...]:
    """The columns marked private for ``df``: ``private`` and its ``attrs["private_columns"]``."""
    carried = getattr(df, "attrs", {}).get(PRIVATE_ATTR, ()) if df is not None else ()
    return (*private, *carried)


def write_table(df: pd.DataFrame, path: str | Path, *, include_private: Iterable[str] = (),
                private: Iterable[str] = ()) -> Path:
    """Write ``df`` by file suffix: ``.csv`` (UTF-8 with BOM, so Excel shows Arabic) or ``.xlsx``.

    Private columns are left out unless named in ``include_private``. Floats are rounded
    to 12 decimals so the same data gives the same file; an ``.xlsx`` also gets an
    ``about`` sheet with the table's scalar ``attrs`` (e.g. sampled betweenness).

    Parameters
    ----------
    df
        The table; its index is written when it is named or not a plain range.
    path
        Where to write; the suffix chooses the format and missing folders are made.
    include_private
        Private columns to write all the same.
    private
        More columns to leave out (besides those :func:`shareable` leaves out).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ParameterError
        When the suffix is neither ``.csv`` nor ``.xlsx``.
    """
    path = Path(path)
    table = shareable(df, include_private=include_private, private=private).copy()
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ParameterError(f"{path}: cannot write '{suffix or 'no suffix'}'; use .csv or .xlsx.")
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    index = table.index.name is not None or not isinstance(table.index, pd.RangeIndex)
    # 12 decimals: the same data gives the same file (multi-threaded sums differ in the 17th digit)
    floats = table.select_dtypes("float").columns
    table[floats] = table[floats].round(12)
    if suffix == ".csv":
        return write_csv(table, path, index=index)
    sheets = {"table": table}
    about = _about(df.attrs)
    if about:  # how the table was made (filters, weights, sampled betweenness), beside it
        sheets["about"] = pd.Series(about, name="value").rename_axis("about").to_frame()
    return write_sheets(sheets, path, index=index)


def write_csv(df: pd.DataFrame, path: str | Path, *, index: bool = False) -> Path:
    """Write ``df`` as CSV for Excel and for programs: UTF-8 with BOM, every line break LF and quoted.

    Text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
    ``@``, a tab or a CR; OWASP's CSV-injection advice) gets a ``'`` before it, in cells,
    headings and the index alike; numbers (``-1.5``) are left alone. partnermap's loader
    drops that ``'`` when it reads the file back. Control characters are replaced as the
    loader does (:func:`partnermap._common._safe_text`). Every CSV partnermap writes goes
    through here (no private columns are removed: that is :func:`shareable`'s job).

    Parameters
    ----------
    df
        The table.
    path
        The ``.csv`` file; missing folders are made.
    index
        Write the index as the first column.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = df.copy()
    out.columns = [_csv_text(c) for c in out.columns]
    if index:
        out.index = pd.Index([_csv_text(v) for v in out.index], name=_csv_text(out.index.name))
    for j in range(out.shape[1]):
        cells = out.iloc[:, j]
        if isinstance(cells.dtype, pd.CategoricalDtype):
            cells = cells.astype(object)
        if _texts(cells) and cells.map(lambda v: isinstance(v, str) and bool(_NEEDS_CARE.search(v))).any():
            out.isetitem(j, cells.map(_csv_text))
    out.to_csv(path, encoding="utf-8-sig", index=index, lineterminator="\n")
    return path


def _texts(cells: pd.Series) -> bool:
    """Whether ``cells`` may hold text (object or string dtype)."""
    return cells.dtype == object or pd.api.types.is_string_dtype(cells.dtype)


def _csv_text(v: Any) -> Any:
    return _common._neutralised(_common._safe_text(v)) if isinstance(v, str) else v


def write_sheets(sheets: Mapping[str, pd.DataFrame], path: str | Path, *, index: bool = True) -> Path:
    """Write tables as the sheets of one ``.xlsx`` workbook, every text cell as text.

    Text is never a formula (``=HYPERLINK(…)`` stays that text, and reads back as it);
    control characters are replaced as the loader does; text longer than a cell holds
    (:data:`MAX_CELL_CHARS`) is cut, with a warning naming the cell
    (``file.xlsx[sheet]:row:column``). Lists become ``a;b`` text, time zones are dropped
    from dates, missing values are empty cells. The sheets are streamed as XML (text as
    inline strings), about ten times faster than openpyxl's write-only mode: 3 million cells
    in about 15 s. Every workbook partnermap writes goes
    through here.

    Parameters
    ----------
    sheets
        Sheet name (cut to Excel's 31 characters) -> table.
    path
        The ``.xlsx`` file; missing folders are made.
    index
        Write each table's index as its first column.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    names = _sheet_names(sheets)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, (name, df) in enumerate(zip(names, sheets.values(), strict=True), start=1):
            label = f"{path.name}[{name}]"
            heads = ([df.index.name or ""] if index else []) + [str(c) for c in df.columns]
            rows = df.itertuples(index=False, name=None)
            with z.open(f"xl/worksheets/sheet{n}.xml", "w") as out:
                out.write(_SHEET_HEAD)
                letters = [get_column_letter(j) for j in range(1, len(heads) + 1)]
                out.write(_xlsx_row(1, heads, letters, label, heads))
                for r, row in enumerate(((i, *x) for i, x in zip(df.index, rows, strict=True)) if index else rows,
                                        start=2):
                    out.write(_xlsx_row(r, row, letters, label, heads))
                out.write(b"</sheetData></worksheet>")
        _xlsx_parts(z, names)
    return path


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEET_HEAD = f'{_XML_HEAD}<worksheet xmlns="{_MAIN}"><sheetData>'.encode()
_EPOCH = dt.datetime(1899, 12, 30)
_FIRST_TRUE_SERIAL = dt.datetime(1900, 3, 1)
#: Cell styles: 0 plain, 1 date and time, 2 date (Excel's built-in number formats 22 and 14).
_STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
           '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def _xlsx_parts(z: zipfile.ZipFile, names: list[str]) -> None:
    """The workbook, its relations, styles and content types around the sheets already in ``z``."""
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    n = len(names)
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    z.writestr("[Content_Types].xml", head + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
               '<Default Extension="xml" ContentType="application/xml"/>'
               '<Override PartName="/xl/workbook.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
               '<Override PartName="/xl/styles.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
               + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_type}"/>'
                         for i in range(1, n + 1)) + "</Types>")
    z.writestr("_rels/.rels", head + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr("xl/workbook.xml", head + f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>'
               + "".join(f'<sheet name="{xml_escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, name in enumerate(names, start=1)) + "</sheets></workbook>")
    z.writestr("xl/_rels/workbook.xml.rels", head
               + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               + "".join(f'<Relationship Id="rId{i}" Type="{_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                         for i in range(1, n + 1))
               + f'<Relationship Id="rId{n + 1}" Type="{_RELS}/styles" Target="styles.xml"/></Relationships>')
    z.writestr("xl/styles.xml", _STYLES)


def _sheet_names(sheets: Mapping[str, Any]) -> list[str]:
    """Names Excel accepts: no brackets, colon, star, question mark or slashes; 31 characters; each once."""
    names: list[str] = []
    for name in sheets:
        clean = re.sub(r"[\[\]:*?/\\]", "_", str(name)).strip("'")[:31] or "sheet"
        base, k = clean, 2
        while clean.casefold() in {n.casefold() for n in names}:
            clean = f"{base[:31 - len(f' ({k})')]} ({k})"
            k += 1
        names.append(clean)
    return names


def _xlsx_row(r: int, values: Iterable[Any], letters: list[str], label: str, heads: list[str]) -> bytes:
    """One ``<row>`` of a sheet: text as inline text (never a formula), numbers, booleans, dates."""
    cells = []
    for v, letter, head in zip(values, letters, heads, strict=True):
        v = _xlsx_cell(v, label, r, head)
        ref = f"{letter}{r}"
        if v is None:
            continue
        if isinstance(v, str):
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{xml_escape(v)}</t></is></c>')
        elif isinstance(v, bool):
            cells.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
        elif isinstance(v, (int, float)):
            cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
        elif isinstance(v, dt.datetime):
            cells.append(f'<c r="{ref}" s="1"><v>{(v.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400!r}</v></c>')
        elif isinstance(v, dt.date):
            cells.append(f'<c r="{ref}" s="2"><v>{(v - _EPOCH.date()).days}</v></c>')
        else:
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{xml_escape(str(v))}</t></is></c>')
    return f'<row r="{r}">{"".join(cells)}</row>'.encode()


def _xlsx_cell(v: Any, label: str, row: int, column: str) -> Any:
    """``v`` as a cell value: None (empty), text, a number, a boolean or a date without time zone."""
    if isinstance(v, (list, tuple)):
        v = ";".join(map(str, v))
    elif _common._missing(v):
        return None
    elif isinstance(v, pd.Timestamp):
        v = v.tz_localize(None).to_pydatetime() if v.tzinfo is not None else v.to_pydatetime()
    if isinstance(v, dt.date):
        day = v.date() if isinstance(v, dt.datetime) else v
        # Excel's serials are a day off before 1 March 1900 (its 29 February 1900) and negative before 1900
        return v.isoformat() if day < _FIRST_TRUE_SERIAL.date() else v
    elif hasattr(v, "item"):  # numpy scalars
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    if not isinstance(v, str):
        return v
    v = _common._safe_text(v)
    if len(v) > MAX_CELL_CHARS:
        log.warning("%s:%d:%s: warning: %s characters, more than a spreadsheet cell holds; cut to %s.",
                    label, row, column, f"{len(v):,}", f"{MAX_CELL_CHARS:,}")
        v = v[:MAX_CELL_CHARS]
    return v


def _about(attrs: dict[str, Any]) -> dict[str, Any]:
    """A table's ``attrs`` as the rows of an ``about`` sheet.

    Scalars as they are, lists and tuples as ``a, b``, a mapping of scalars as one row per
    entry (``weights.equity``); the names of private columns left out.
    """
    rows: dict[str, Any] = {}
    for k, v in attrs.items():
        if k == PRIVATE_ATTR:
            continue
        if isinstance(v, (list, tuple)) and all(isinstance(x, (str, int, float, bool)) for x in v):
            rows[k] = ", ".join(map(str, v))
        elif isinstance(v, dict):
            rows.update({f"{k}.{sub}": x for sub, x in v.items() if isinstance(x, (str, int, float, bool))})
        elif isinstance(v, (str, int, float, bool, type(None))):
            rows[k] = v
    return rows


def write_summary(summary: dict[str, Any], path: str | Path, *, about: dict[str, Any] | None = None) -> Path:
    """Write the network summary of :func:`partnermap.network_summary` as a table: one row per measure.

    Parameters
    ----------
    summary
        What :func:`partnermap.network_summary` returned.
    path
        ``.csv`` (UTF-8 with BOM): ``measure``, ``value`` and ``meaning`` for every figure,
        the component sizes and the sector pairs with no ties as ``a;b`` text; ``.xlsx``:
        that sheet, one sheet per mixing table (``sector_mixing``,
        ``sector_mixing_expected``, ``org_type_mixing`` …) and an ``about`` sheet.
    about
        How the network was chosen (tie status, kinds, date …), for the ``about`` sheet
        (and the first rows of a ``.csv``).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ParameterError
        When the suffix is neither ``.csv`` nor ``.xlsx``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ParameterError(f"{path}: cannot write '{suffix or 'no suffix'}'; use .csv or .xlsx.")
    rows = []
    for key, value in summary.items():
        if isinstance(value, (pd.DataFrame, pd.Series, dict)):
            continue
        if isinstance(value, (list, tuple)):
            value = ";".join(" - ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v) for v in value)
        elif hasattr(value, "item"):
            value = value.item()
        rows.append({"measure": key, "value": value, "meaning": SUMMARY_MEANINGS.get(key, "")})
    table = pd.DataFrame(rows, columns=["measure", "value", "meaning"])
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        head = pd.DataFrame([{"measure": f"about: {k}", "value": v, "meaning": ""}
                             for k, v in _about(about or {}).items()], columns=table.columns)
        return write_csv(pd.concat([head, table], ignore_index=True), path)
    sheets = {"summary": table.set_index("measure")}
    sheets.update({key: value for key, value in summary.items() if isinstance(value, pd.DataFrame)})
    if about:
        sheets["about"] = pd.Series(_about(about), name="value").rename_axis("about").to_frame()
    return write_sheets(sheets, path)


def _scalar_attrs(attrs: dict, private: Iterable[str] = ()) -> dict:
    """Attributes GEXF/GraphML can hold: text, numbers, booleans (lists as ``a;b``, no private ones)."""
    out = {}
    for k, v in attrs.items():
        if k == "area_geometry" or schema.is_private(k, private):
            continue
        if isinstance(v, (list, tuple)):
            v = ";".join(map(str, v))
        elif isinstance(v, pd.Timestamp):
            v = v.date().isoformat()
        elif hasattr(v, "item"):  # numpy scalars
            v = v.item()
        if isinstance(v, (str, int, float, bool)):
            out[str(k)] = v
    return out


def write_layer(gdf: gpd.GeoDataFrame, path: str | Path, *, include_private: Iterable[str] = (),
                private: Iterable[str] = ()) -> Path:
    """Write a GeoDataFrame as a ``.geojson`` file or a one-layer ``.gpkg`` (GeoPackage), for QGIS.

    An existing file is replaced. Private columns are left out unless named in
    ``include_private``; lists become ``a;b`` text; ``attrs`` are not written.

    Parameters
    ----------
    gdf
        The layer, e.g. the result of :func:`partnermap.coverage`.
    path
        Where to write; the suffix chooses the format and missing folders are made.
    include_private
        Private columns to write all the same.
    private
        More columns to leave out (besides those :func:`shareable` leaves out).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ParameterError
        When the suffix is neither ``.geojson`` nor ``.gpkg``.
    """
    path = Path(path)
    driver = _LAYER_DRIVERS.get(path.suffix.lower())
    if driver is None:
        raise ParameterError(f"{path}: cannot write '{path.suffix or 'no suffix'}' as a layer; use .geojson or .gpkg.")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    layer = _layer(gdf, include_private, private)
    (_gpkg_columns(layer, path.name, "layer") if driver == "GPKG" else layer).to_file(path, driver=driver)
    return path


#: The most attribute columns a GeoPackage layer holds (SQLite's 2,000, less the feature id and geometry).
MAX_GPKG_COLUMNS = 1_998


def _gpkg_columns(layer: gpd.GeoDataFrame, name: str, what: str) -> gpd.GeoDataFrame:
    """``layer`` with no more columns than a GeoPackage holds; those left out named in a warning."""
    columns = [c for c in layer.columns if c != layer.geometry.name]
    if len(columns) <= MAX_GPKG_COLUMNS:
        return layer
    dropped = columns[MAX_GPKG_COLUMNS:]
    log.warning("%s: warning: the %s layer has %s columns, more than a GeoPackage layer holds (%s); the last "
                "%s (%s …) are left out of it; export --format xlsx keeps them all.", name, what,
                f"{len(columns):,}", f"{MAX_GPKG_COLUMNS:,}", f"{len(dropped):,}", ", ".join(map(str, dropped[:5])))
    return layer.drop(columns=dropped)


def _layer(gdf: gpd.GeoDataFrame, include_private: Iterable[str] = (), private: Iterable[str] = ()) -> gpd.GeoDataFrame:
    """``gdf`` as :func:`shareable` makes it, with its geometry (and CRS) back, and no attrs."""
    table = shareable(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)), include_private=include_private,
                      private=_marked(gdf, private))
    return gpd.GeoDataFrame(table, geometry=gdf.geometry.values, crs=gdf.crs)


def write_graph(G: nx.Graph, path: str | Path, *, format: str = "gexf", private: Iterable[str] = (),
                metrics: pd.DataFrame | None = None) -> Path:
    """Write the graph of :func:`partnermap.build_graph` as GEXF (Gephi) or GraphML, so Gephi opens the map's picture.

    Every organisation is labelled by its name and coloured by sector (the maps' colours);
    located ones sit where they are on the map (east and north of the organisations' median
    point, 1 unit = 100 m; in GEXF's ``viz`` namespace, in GraphML as ``x``/``y``), sized by
    betweenness when ``metrics`` are given; every tie keeps its ``tie_id``, runs from
    ``source`` to ``target`` and is directed or not as in the data (a mixed graph: the
    ties that differ from the file's default direction say so one by one); ties are
    coloured by kind. Node and tie attributes are kept except private ones; lists become
    ``a;b`` text.

    Parameters
    ----------
    G
        A partnermap graph (any networkx graph works).
    path
        Where to write; missing folders are made.
    format
        ``"gexf"`` or ``"graphml"``.
    private
        More attributes to leave out (besides :func:`partnermap.schema.is_private` and
        ``G.graph["private_columns"]``).
    metrics
        The table of :func:`partnermap.centrality` for ``G``: its columns become node
        attributes (``degree``, ``betweenness``, ``community`` …).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ParameterError
        When ``format`` is neither.
    """
    if format not in ("gexf", "graphml"):
        raise ParameterError(f"unknown graph format '{format}'; use gexf or graphml.")
    private = (*private, *G.graph.get(PRIVATE_ATTR, ()))
    H = nx.MultiDiGraph()  # directed storage keeps each tie's source -> target; the file says which are directed
    H.graph.update(_scalar_attrs({k: v for k, v in G.graph.items() if k != PRIVATE_ATTR}, private))
    H.add_nodes_from(_graph_nodes(G, private, metrics, gexf=format == "gexf"))
    directed: dict[str, bool] = {}
    for u, v, k, d in (G.edges(keys=True, data=True) if G.is_multigraph() else
                       ((u, v, i, d) for i, (u, v, d) in enumerate(G.edges(data=True)))):
        attrs = _scalar_attrs({c: x for c, x in d.items() if c not in ("id", "label", "type")}, private)
        source, target = (d["source"], d["target"]) if {"source", "target"} <= set(d) else (u, v)
        tie = str(k)
        directed[tie] = bool(d.get("directed", G.is_directed()))
        kind = d.get("kind") if isinstance(d.get("kind"), str) else None
        attrs["label"] = schema.label(schema.RELATIONSHIP_KINDS, kind) if kind else tie
        color = _rgb(_leaflet.KIND_COLORS.get(kind or "", _leaflet.UNKNOWN_COLOR))
        if format == "gexf":  # the GEXF writer takes the tie's id from its attributes, GraphML from its key
            attrs.update(id=tie, viz={"color": {**color, "a": 0.7}})
        H.add_edge(source, target, key=tie, **attrs)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if format == "gexf":
        writer: Any = nx.readwrite.gexf.GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
        writer.add_graph(H)
        _mixed_gexf(writer.xml, directed)
        writer.write(path)
    else:
        writer = nx.readwrite.graphml.GraphMLWriter(encoding="utf-8", prettyprint=True)
        writer.add_graph_element(H)
        _mixed_graphml(writer.xml, directed)
        with path.open("wb") as out:
            writer.dump(out)
    return path


_POSITION_SCALE = 10.0  # GEXF/GraphML units per km: 1 unit = 100 m


def _rgb(hex_color: str) -> dict[str, int]:
    return {"r": int(hex_color[1:3], 16), "g": int(hex_color[3:5], 16), "b": int(hex_color[5:7], 16)}


def _graph_nodes(G: nx.Graph, private: Iterable[str], metrics: pd.DataFrame | None,
                 gexf: bool) -> list[tuple[Any, dict[str, Any]]]:
    """(node, attributes) for GEXF/GraphML: the public attributes, the metrics, a label, colour, position, size."""
    nodes = list(G.nodes)
    table = metrics.reindex(nodes) if metrics is not None else None
    lat = np.array([_float(G.nodes[n].get("lat")) for n in nodes])
    lon = np.array([_float(G.nodes[n].get("lon")) for n in nodes])
    ok = np.isfinite(lat) & np.isfinite(lon)
    lat0, lon0 = (float(np.median(lat[ok])), float(np.median(lon[ok]))) if ok.any() else (0.0, 0.0)
    x = (lon - lon0) * 111.320 * math.cos(math.radians(lat0)) * _POSITION_SCALE
    y = (lat - lat0) * 110.574 * _POSITION_SCALE
    size = np.full(len(nodes), 10.0)
    if table is not None and "betweenness" in table.columns:
        b = pd.to_numeric(table["betweenness"], errors="coerce").fillna(0).to_numpy(dtype=float)
        size = np.round(8 + 32 * np.sqrt(np.clip(b, 0, None) / b.max()), 2) if b.max() > 0 else size
    out = []
    for i, n in enumerate(nodes):
        d = G.nodes[n]
        attrs = _scalar_attrs({c: v for c, v in d.items() if c not in ("id", "label", "viz")}, private)
        if table is not None:
            row = {c: v for c, v in table.iloc[i].items() if c not in attrs and not _common._missing(v)}
            attrs.update(_scalar_attrs(row, private))
        name = d.get("name")
        attrs["label"] = str(name) if not _common._missing(name) else str(n)
        sector = d.get("sector")
        color = _rgb(_leaflet.SECTOR_COLORS.get(sector, _leaflet.UNKNOWN_COLOR) if isinstance(sector, str)
                     else _leaflet.UNKNOWN_COLOR)
        where = {"x": round(float(x[i]), 2), "y": round(float(y[i]), 2)} if ok[i] else {}
        if gexf:
            attrs["viz"] = {"color": {**color, "a": 1.0}, "size": float(size[i]),
                            **({"position": {**where, "z": 0.0}} if where else {})}
        else:  # Gephi's GraphML import reads these names as colour, position and size
            attrs.update(**color, **where, size=float(size[i]))
        out.append((n, attrs))
    return out


def _float(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _mixed_gexf(root: Any, directed: dict[str, bool]) -> None:
    """Default edge type of the majority; ``type`` on each tie that differs; no ``networkx_key`` attribute."""
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    graph = next(el for el in root.iter() if el.tag in (f"{ns}graph", "graph"))
    default = "directed" if sum(directed.values()) * 2 > len(directed) else "undirected"
    graph.set("defaultedgetype", default)
    key_ids = set()
    for attributes in graph.iter():
        if attributes.tag.endswith("attributes"):
            for a in list(attributes):
                if a.get("title") == "networkx_key":
                    key_ids.add(a.get("id"))
                    attributes.remove(a)
    for edge in graph.iter():
        if not edge.tag.endswith("}edge") and edge.tag != "edge":
            continue
        kind = "directed" if directed.get(edge.get("id"), False) else "undirected"
        if kind != default:
            edge.set("type", kind)
        for values in edge:
            if values.tag.endswith("attvalues"):
                for v in [v for v in values if v.get("for") in key_ids]:
                    values.remove(v)


def _mixed_graphml(root: Any, directed: dict[str, bool]) -> None:
    """``edgedefault`` of the majority; ``directed`` on each tie that differs (GraphML's mixed graphs)."""
    graph = next(el for el in root.iter() if el.tag.endswith("graph") and el.get("edgedefault"))
    majority = sum(directed.values()) * 2 > len(directed)
    graph.set("edgedefault", "directed" if majority else "undirected")
    for edge in graph.iter():
        if edge.tag.endswith("edge") and directed.get(edge.get("id"), False) != majority:
            edge.set("directed", "true" if not majority else "false")


def write_geopackage(data: PartnerData, path: str | Path) -> Path:
    """Organisations (points), ties (lines between them) and areas as layers of one GeoPackage.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    path
        The ``.gpkg`` file; an existing one is replaced, missing folders are made.

    Returns
    -------
    pathlib.Path
        ``path``, with the layers ``organizations``, ``relationships`` (when there are
        ties) and ``areas`` (when there are areas); private columns left out.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    orgs, private = data.organizations, data.private_columns
    points = _layer(orgs.drop(columns=["area_geometry"], errors="ignore"), private=private)
    points.index.name = "org_id"
    _gpkg_columns(points.reset_index(), path.name, "organizations").to_file(path, layer="organizations", driver="GPKG")
    rel = data.relationships
    if len(rel):
        where = {i: g for i, g in zip(orgs.index, orgs.geometry, strict=True) if g is not None}
        lines = [LineString([where[s], where[t]]) if s in where and t in where else None
                 for s, t in zip(rel["source"], rel["target"], strict=True)]
        ties = gpd.GeoDataFrame(shareable(rel, private=private), geometry=lines, crs="EPSG:4326")
        ties.index.name = "tie_id"
        _gpkg_columns(ties.reset_index(), path.name, "relationships").to_file(path, layer="relationships",
                                                                              driver="GPKG")
    if data.areas is not None:
        areas = _layer(data.areas, private=private)
        areas.index.name = "area_id"
        _gpkg_columns(areas.reset_index(), path.name, "areas").to_file(path, layer="areas", driver="GPKG")
    return path


def write_workbook(data: PartnerData, path: str | Path) -> Path:
    """One ``.xlsx`` with ``organizations``, ``relationships`` and ``areas`` sheets that loads back.

    The workbook follows the data contract (areas as WKT), so ``partnermap.load`` reads it
    again; private columns are left out.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    path
        The ``.xlsx`` file; missing folders are made.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    private = data.private_columns
    orgs = shareable(data.organizations.drop(columns=["area_geometry"], errors="ignore"), private=private)
    rel = shareable(data.relationships, private=private)
    for frame in (rel,):
        for c in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[c]):
                frame[c] = frame[c].dt.strftime("%Y-%m-%d")
    sheets = {"organizations": orgs, "relationships": rel}
    if data.areas is not None:
        areas = shareable(data.areas, private=private)
        sheets["areas"] = areas.assign(geometry=data.areas.geometry.to_wkt().to_numpy())
    return write_sheets(sheets, path)


def export_data(data: PartnerData, path: str | Path, *, format: str, as_of: str | None = None) -> Path:
    """Write ``data`` as ``gexf``/``graphml`` (the active graph), ``gpkg``, ``geojson``, ``xlsx`` or ``kumu``.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    path
        The file to write.
    format
        One of :data:`FORMATS`: ``gexf`` or ``graphml`` (:func:`write_graph`, with the
        metrics of :func:`partnermap.centrality` on every organisation), ``gpkg``
        (:func:`write_geopackage`), ``geojson`` (:func:`write_geojson`), ``xlsx``
        (:func:`write_workbook`) or ``kumu`` (:func:`write_kumu`).
    as_of
        For ``gexf``/``graphml``: the ties as they stood on this date (YYYY-MM-DD).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ParameterError
        When ``format`` is not one of :data:`FORMATS`.
    """
    if format in ("gexf", "graphml"):
        G = build_graph(data, as_of=as_of)
        return write_graph(G, path, format=format, private=data.private_columns, metrics=centrality(G, progress=False))
    if format == "gpkg":
        return write_geopackage(data, path)
    if format == "geojson":
        return write_geojson(data, path)
    if format == "xlsx":
        return write_workbook(data, path)
    if format == "kumu":
        return write_kumu(data, path)
    raise ParameterError(f"unknown format '{format}'; use one of {', '.join(FORMATS)}.")


def page_html(page: Any, *, assets: str = "inline") -> str:
    """The whole HTML of a map or network view, as :func:`write_html` writes it.

    Parameters
    ----------
    page
        A :class:`folium.Map` (from :mod:`partnermap.maps`) or a
        :class:`partnermap.network_view.NetworkView`.
    assets
        ``"inline"`` (default): every script and stylesheet inside the page, from the copies
        shipped with partnermap, so it works offline and where CDNs are blocked (only map
        tiles are fetched). ``"cdn"``: link them from their CDNs (a smaller file).

    Returns
    -------
    str
        The page.
    """
    _inline.check_assets(assets)
    if isinstance(page, folium.Map):
        html = page.get_root().render()
        language = getattr(page, "_partnermap_language", None)
        if language:
            html = html.replace("<html>", f'<html lang="{language}">', 1)
        return _inline.inline(html) if assets == "inline" else html
    if hasattr(page, "html") and callable(page.html) and hasattr(page, "_repr_html_"):
        return page.html(assets=assets)
    raise ParameterError(f"write_html takes a folium.Map or a NetworkView, not {type(page).__name__}.")


def write_html(page: Any, path: str | Path, *, assets: str = "inline") -> Path:
    """Write a map or network view as one UTF-8 HTML file (no ``lib/`` folder, nothing else).

    Parameters
    ----------
    page
        A :class:`folium.Map` or a :class:`partnermap.network_view.NetworkView`.
    path
        The ``.html`` file to write (folders are created).
    assets
        ``"inline"`` (default, self-contained) or ``"cdn"`` (see :func:`page_html`).

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile, partnermap as pm
    >>> from partnermap.export import write_html
    >>> m = pm.maps.organizations_map(pm.load(pm.datasets.demo_path()), tiles=None)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_html(m, f"{tmp}/organisations.html")
    ...     "cdn.jsdelivr" in out.read_text(encoding="utf-8")
    False
    """
    path = Path(path)
    html = page_html(page, assets=assets)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8", newline="\n")
    return path


def write_geojson(data, path: str | Path) -> Path:
    """The organisations as a GeoJSON file of points (EPSG:4326), private columns left out.

    Organisations without a location are kept with a null geometry, so nothing is lost;
    lists become ``a;b`` text. The ties and areas are in :func:`write_geopackage`.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    path
        The ``.geojson`` file to write.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    orgs = data.organizations
    table = shareable(orgs.drop(columns=["area_geometry"], errors="ignore"), private=data.private_columns)
    for c in table.columns:
        if pd.api.types.is_datetime64_any_dtype(table[c]):
            table[c] = table[c].dt.strftime("%Y-%m-%d")
    points = gpd.GeoDataFrame(table, geometry=orgs.geometry.values, crs=orgs.crs or "EPSG:4326")
    points.index.name = "org_id"
    points.to_crs("EPSG:4326").reset_index().to_file(path, driver="GeoJSON")
    return path


#: Organisation columns written to Kumu's Elements sheet, with Kumu's field names.
KUMU_ELEMENT_FIELDS = {"org_type": "Type", "sector": "Sector", "name_en": "English name", "city": "City",
                       "district": "District", "website": "Website", "size": "Size", "capacity": "Capacity",
                       "engagement_stage": "Engagement stage", "offers": "Offers", "needs": "Needs",
                       "causes": "Tags"}


def write_kumu(data, path: str | Path) -> Path:
    """A workbook for Kumu's import (kumu.io): an ``Elements`` and a ``Connections`` sheet.

    Elements: ``Label`` (the name; the ``org_id`` added in brackets where two organisations
    share a name, so every label is unique), ``ID``, ``Type``, ``Sector``, the other public
    columns, and ``Tags`` (the causes, ``|``-separated as Kumu wants). Connections: ``From``
    and ``To`` (those labels), ``Type`` (kind of tie), ``Direction`` (``directed`` or
    ``undirected``), ``Strength`` (weight), ``Status``, ``Formal``, dates. Private columns
    are never written.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    path
        The ``.xlsx`` file to write.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ParameterError(f"{path}: a Kumu import file is an .xlsx workbook; name it ….xlsx.")
    path.parent.mkdir(parents=True, exist_ok=True)
    orgs = data.organizations
    names = orgs["name"].astype(object).where(orgs["name"].notna(), pd.Series(orgs.index, index=orgs.index)) \
        if "name" in orgs.columns else pd.Series(orgs.index, index=orgs.index, dtype=object)
    names = names.astype(str)
    dup = names.duplicated(keep=False)
    labels = names.where(~dup, names + " (" + pd.Series(orgs.index, index=orgs.index).astype(str) + ")")
    elements = pd.DataFrame({"Label": labels.to_numpy(), "ID": orgs.index.astype(str)})
    public = shareable(pd.DataFrame(orgs.drop(columns=[orgs.geometry.name, "area_geometry"], errors="ignore")),
                       private=data.private_columns)
    for col, field in KUMU_ELEMENT_FIELDS.items():
        if col in public.columns:
            values = public[col].to_numpy()
            elements[field] = [v.replace(";", "|") if field == "Tags" and isinstance(v, str) else v for v in values]
    rel = shareable(data.relationships, private=data.private_columns)
    label_of = dict(zip(orgs.index, labels, strict=True))
    conn = pd.DataFrame({"From": rel["source"].map(label_of), "To": rel["target"].map(label_of)})
    extra = {"kind": "Type", "weight": "Strength", "status": "Status", "formal": "Formal",
             "start_date": "Start date", "end_date": "End date", "last_reviewed": "Last reviewed",
             "resources": "Resources"}
    if "directed" in rel.columns:
        conn["Direction"] = ["directed" if d is True else "undirected" for d in rel["directed"]]
    for col, field in extra.items():
        if col in rel.columns:
            v = rel[col]
            conn[field] = v.dt.strftime("%Y-%m-%d") if pd.api.types.is_datetime64_any_dtype(v) else v.to_numpy()
    return write_sheets({"Elements": elements, "Connections": conn}, path, index=False)
