"""Writing results: tables (CSV for Excel, XLSX), the graph (GEXF, GraphML) and layers (GeoPackage).

Everything that leaves the program goes through here, so private columns
(:data:`partnermap.schema.PRIVATE_COLUMNS`) are dropped in one place unless the caller
names them in ``include_private``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from . import _inline
from ._errors import ParameterError, PartnermapError
from .schema import PRIVATE_COLUMNS, PRIVATE_PATTERN

__all__ = ["write_table", "shareable", "write_graph", "write_geopackage", "write_workbook", "export_data",
           "write_html", "page_html", "write_geojson", "write_kumu"]

FORMATS = ("gexf", "graphml", "gpkg", "geojson", "xlsx", "kumu")


def shareable(df: pd.DataFrame, *, include_private: Iterable[str] = ()) -> pd.DataFrame:
    """``df`` without private columns and with lists as ``a;b`` text.

    Private: e-mail, phone and contact name (:data:`~partnermap.schema.PRIVATE_COLUMNS`),
    and any column whose heading looks like contact details (``Mobile``, ``E-mail 2``,
    ``الجوال`` …), unless named in ``include_private``.
    """
    keep_private = set(include_private)
    drop = [c for c in df.columns if (c in PRIVATE_COLUMNS or PRIVATE_PATTERN.search(str(c)))
            and c not in keep_private]
    out = df.drop(columns=drop)
    for c in out.columns:
        if out[c].dtype == object and out[c].map(lambda v: isinstance(v, (list, tuple))).any():
            out[c] = out[c].map(lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    if "geometry" in out.columns:
        out = pd.DataFrame(out.drop(columns="geometry"))
    return out


def write_table(df: pd.DataFrame, path: str | Path, *, include_private: Iterable[str] = ()) -> Path:
    """Write ``df`` by file suffix: ``.csv`` (UTF-8 with BOM, so Excel shows Arabic) or ``.xlsx``.

    Private columns are left out unless named in ``include_private``.
    """
    path = Path(path)
    table = shareable(df, include_private=include_private).copy()
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise PartnermapError(f"{path}: cannot write '{suffix or 'no suffix'}'; use .csv or .xlsx.")
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    index = table.index.name is not None or not isinstance(table.index, pd.RangeIndex)
    # 12 decimals: the same data gives the same file (multi-threaded sums differ in the 17th digit)
    floats = table.select_dtypes("float").columns
    table[floats] = table[floats].round(12)
    if suffix == ".csv":
        table.to_csv(path, encoding="utf-8-sig", index=index, lineterminator="\n")
    else:
        for c in table.columns:
            if pd.api.types.is_datetime64_any_dtype(table[c]) and getattr(table[c].dt, "tz", None) is not None:
                table[c] = table[c].dt.tz_localize(None)
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            table.to_excel(xl, sheet_name="table", index=index)
            about = {k: v for k, v in df.attrs.items() if isinstance(v, (str, int, float, bool, type(None)))}
            if about:  # how the table was made (e.g. sampled betweenness), beside it
                pd.Series(about, name="value").rename_axis("about").to_frame().to_excel(xl, sheet_name="about")
    return path


def _scalar_attrs(attrs: dict) -> dict:
    """Attributes GEXF/GraphML can hold: text, numbers, booleans (lists as ``a;b``, no private ones)."""
    out = {}
    for k, v in attrs.items():
        if k in PRIVATE_COLUMNS or PRIVATE_PATTERN.search(str(k)) or k == "area_geometry":
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


def write_graph(G, path: str | Path, *, format: str = "gexf") -> Path:
    """Write the graph of :func:`partnermap.build_graph` as GEXF (Gephi) or GraphML.

    Node and tie attributes are kept except private ones; lists become ``a;b`` text.
    """
    import networkx as nx

    H = nx.MultiGraph()
    H.graph.update(_scalar_attrs(dict(G.graph)))
    H.add_nodes_from((n, _scalar_attrs(d)) for n, d in G.nodes(data=True))
    H.add_edges_from((u, v, k, _scalar_attrs(d)) for u, v, k, d in G.edges(keys=True, data=True))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if format == "gexf":
        nx.write_gexf(H, path, encoding="utf-8")
    elif format == "graphml":
        nx.write_graphml(H, path, encoding="utf-8")
    else:
        raise PartnermapError(f"unknown graph format '{format}'; use gexf or graphml.")
    return path


def write_geopackage(data, path: str | Path) -> Path:
    """Organisations (points), ties (lines between them) and areas as layers of one GeoPackage."""
    import geopandas as gpd
    from shapely.geometry import LineString

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    orgs = data.organizations
    points = gpd.GeoDataFrame(shareable(orgs.drop(columns=["area_geometry"], errors="ignore")),
                              geometry=orgs.geometry.values, crs=orgs.crs)
    points.index.name = "org_id"
    points.reset_index().to_file(path, layer="organizations", driver="GPKG")
    rel = data.relationships
    if len(rel):
        where = {i: g for i, g in zip(orgs.index, orgs.geometry) if g is not None}
        lines = [LineString([where[s], where[t]]) if s in where and t in where else None
                 for s, t in zip(rel["source"], rel["target"])]
        ties = gpd.GeoDataFrame(shareable(rel), geometry=lines, crs="EPSG:4326")
        ties.index.name = "tie_id"
        ties.reset_index().to_file(path, layer="relationships", driver="GPKG")
    if data.areas is not None:
        areas = gpd.GeoDataFrame(shareable(data.areas), geometry=data.areas.geometry.values, crs=data.areas.crs)
        areas.index.name = "area_id"
        areas.reset_index().to_file(path, layer="areas", driver="GPKG")
    return path


def write_workbook(data, path: str | Path) -> Path:
    """One ``.xlsx`` with ``organizations``, ``relationships`` and ``areas`` sheets that loads back.

    The workbook follows the data contract (areas as WKT), so ``partnermap.load`` reads it
    again; private columns are left out.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    orgs = shareable(data.organizations.drop(columns=["area_geometry"], errors="ignore"))
    rel = shareable(data.relationships)
    for frame in (rel,):
        for c in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[c]):
                frame[c] = frame[c].dt.strftime("%Y-%m-%d")
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        orgs.to_excel(xl, sheet_name="organizations")
        rel.to_excel(xl, sheet_name="relationships")
        if data.areas is not None:
            areas = shareable(data.areas).assign(geometry=data.areas.geometry.to_wkt().to_numpy())
            areas.to_excel(xl, sheet_name="areas")
    return path


def export_data(data, path: str | Path, *, format: str, as_of: str | None = None) -> Path:
    """Write ``data`` as ``gexf``/``graphml`` (the active graph), ``gpkg``, ``geojson``, ``xlsx`` or ``kumu``."""
    from .graph import build_graph

    if format in ("gexf", "graphml"):
        return write_graph(build_graph(data, as_of=as_of), path, format=format)
    if format == "gpkg":
        return write_geopackage(data, path)
    if format == "geojson":
        return write_geojson(data, path)
    if format == "xlsx":
        return write_workbook(data, path)
    if format == "kumu":
        return write_kumu(data, path)
    raise PartnermapError(f"unknown format '{format}'; use one of {', '.join(FORMATS)}.")


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
    import folium  # presentation dependency, imported only when a page is written

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
    import geopandas as gpd

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    orgs = data.organizations
    table = shareable(orgs.drop(columns=["area_geometry"], errors="ignore"))
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
        raise PartnermapError(f"{path}: a Kumu import file is an .xlsx workbook; name it ….xlsx.")
    path.parent.mkdir(parents=True, exist_ok=True)
    orgs = data.organizations
    names = orgs["name"].astype(object).where(orgs["name"].notna(), pd.Series(orgs.index, index=orgs.index)) \
        if "name" in orgs.columns else pd.Series(orgs.index, index=orgs.index, dtype=object)
    names = names.astype(str)
    dup = names.duplicated(keep=False)
    labels = names.where(~dup, names + " (" + pd.Series(orgs.index, index=orgs.index).astype(str) + ")")
    elements = pd.DataFrame({"Label": labels.to_numpy(), "ID": orgs.index.astype(str)})
    public = shareable(pd.DataFrame(orgs.drop(columns=[orgs.geometry.name, "area_geometry"], errors="ignore")))
    for col, field in KUMU_ELEMENT_FIELDS.items():
        if col in public.columns:
            values = public[col].to_numpy()
            elements[field] = [v.replace(";", "|") if field == "Tags" and isinstance(v, str) else v for v in values]
    rel = shareable(data.relationships)
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
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        elements.to_excel(xl, sheet_name="Elements", index=False)
        conn.to_excel(xl, sheet_name="Connections", index=False)
    return path
