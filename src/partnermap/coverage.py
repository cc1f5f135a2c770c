"""Geographic coverage: which areas the ecosystem serves, and where the gaps are.

Three kinds of geometry meet here:

- **organisations** — a point each (``lat``/``lon``), and a *service area*: the declared
  polygon in ``area_geometry`` where the data has one, otherwise a circle of
  ``service_radius_km`` (or a default) around the point (:func:`service_areas`);
- **areas** — the user's districts or wards (``data.areas``, or :func:`read_areas` for a
  separate file), or, without any, an H3 hexagon grid around where the organisations are
  (:func:`area_grid`; organisations far from every other one are left out of it and reported);
- **coverage** — per area, how many organisations of each kind are *located* in it and
  how many *serve* it (their service area reaches any part of it), the population within
  reach, and, for a focal organisation, which areas it reaches directly or through its
  partners (:func:`coverage`); :func:`underserved` ranks the gaps with a plain-language
  reason and :func:`coverage_summary` gives the totals.

Distances and buffers are computed in metres in a projected CRS — the UTM zone of the
data (``estimate_utm_crs``) when the organisations span at most one zone's width (6° of
longitude), one UTM zone per group of organisations when they span more — never in
degrees; overlap shares use the equal-area EPSG:6933. Every result is in EPSG:4326.

Nothing is dropped silently: organisations without (or with placeholder) coordinates,
organisations outside every area (with the nearest area and its distance), repaired
polygons and overlapping areas are listed in ``result.attrs["problems"]`` (a
:class:`LocationProblems`; ``.to_frame()`` gives the table) and logged as warnings on the
``"partnermap"`` logger. :func:`location_problems` returns the same table on its own.

The functions are pure: they never write files or change their inputs.

Examples
--------
>>> import partnermap as pm
>>> from partnermap.coverage import coverage, underserved
>>> data = pm.load(pm.datasets.demo_path())
>>> cov = coverage(data, by="sector")
>>> cov.index.name
'area_id'
>>> gaps = underserved(cov, of="public")
>>> list(gaps.columns[:4])
['rank', 'of', 'serving', 'deficit']
"""

from __future__ import annotations

import difflib
import functools
import logging
import math
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy import sparse
from scipy.spatial import cKDTree

from . import _common, _geo, _tables, _validate, schema
from ._data import LoadReport, PartnerData
from ._errors import DataValidationError, ParameterError, PartnermapError
from .graph import build_graph

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "DEFAULT_RADIUS_KM",
    "DEFAULT_H3_RESOLUTION",
    "FAR_KM",
    "GRID_REACH_KM",
    "PLACEHOLDER_COORDINATES",
    "LocationProblems",
    "area_grid",
    "coverage",
    "coverage_summary",
    "location_problems",
    "read_areas",
    "service_areas",
    "underserved",
]

log = logging.getLogger("partnermap")

#: Reach of an organisation with neither a declared area nor ``service_radius_km``.
DEFAULT_RADIUS_KM = _geo.DEFAULT_RADIUS_KM
#: (lat, lon) pairs that mark a missing location rather than a place.
PLACEHOLDER_COORDINATES = _geo.PLACEHOLDER_COORDINATES
#: H3 resolution of the fallback grid (cells of about 0.74 km², 0.53 km edge).
DEFAULT_H3_RESOLUTION = 8
#: Largest H3 grid built without complaint (lower the resolution for bigger extents).
MAX_GRID_CELLS = 500_000
#: The H3 grid reaches at most this far around an organisation (a longer reach still counts inside the grid).
GRID_REACH_KM = 25.0
#: An organisation farther than this from every other one gets no cells of its own in the H3 grid.
FAR_KM = 100.0
_EARTH_KM = 6371.0088
#: Overlaps smaller than this share of the smaller area are digitising slivers, not reported.
OVERLAP_MIN_SHARE = 0.001
#: At most this many distinct kinds in a ``by`` column (more is a free-text column).
MAX_KINDS = 60

_ONE_ZONE_DEG = 6.0
_EQUAL_AREA = "EPSG:6933"
_WGS84 = "EPSG:4326"
_PROBLEM_COLUMNS = ["problem", "severity", "org_id", "area_id", "other_area_id", "distance_km",
                    "overlap_share", "message"]
_VOCABULARIES: dict[str, Sequence[str]] = {
    "sector": tuple(schema.SECTORS),
    "org_type": tuple(schema.ORG_TYPES),
    "offers": tuple(schema.RESOURCES),
    "needs": tuple(schema.RESOURCES),
    "causes": tuple(schema.CAUSES),
    "size": tuple(schema.SIZES),
    "capacity": tuple(schema.CAPACITY_LEVELS),
    "engagement_stage": tuple(schema.ENGAGEMENT_STAGES),
}
_LIST_WORDS = 10  # ids named in one log line


# ------------------------------------------------------------------------ problems


class LocationProblems:
    """The location problems behind a coverage result, kept in ``result.attrs["problems"]``.

    pandas copies ``attrs`` on every operation; this holder is shared instead of copied
    (it is never changed after it is made), so large problem lists cost nothing.

    Parameters
    ----------
    frame
        The problems table (see :meth:`to_frame`).

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.coverage import coverage
    >>> cov = coverage(pm.load(pm.datasets.demo_path()))
    >>> table = cov.attrs["problems"].to_frame()
    >>> list(table.columns[:3])
    ['problem', 'severity', 'org_id']
    """

    __slots__ = ("_frame",)

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def to_frame(self) -> pd.DataFrame:
        """The problems as a table.

        Returns
        -------
        pandas.DataFrame
            A copy, with the columns ``problem``, ``severity``, ``org_id``, ``area_id``,
            ``other_area_id``, ``distance_km``, ``overlap_share``, ``message``.
        """
        return self._frame.copy()

    def counts(self) -> dict[str, int]:
        """Number of problems of each kind.

        Returns
        -------
        dict
            Problem kind -> count, e.g. ``{"no_coordinates": 3}``.
        """
        return {str(k): int(v) for k, v in self._frame["problem"].value_counts(sort=False).items()}

    def __len__(self) -> int:
        return len(self._frame)

    def __repr__(self) -> str:
        inner = ", ".join(f"{n} {k}" for k, n in self.counts().items()) or "none"
        return f"LocationProblems({inner})"

    def __copy__(self) -> LocationProblems:
        return self

    def __deepcopy__(self, memo: dict) -> LocationProblems:
        return self


def _problems_frame(rows: list[dict[str, Any]], extra: pd.DataFrame | None = None) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=_PROBLEM_COLUMNS).astype(
        {c: object for c in _PROBLEM_COLUMNS if c not in ("distance_km", "overlap_share")})
    df = df.astype({"distance_km": float, "overlap_share": float})
    if extra is not None and len(extra):
        df = pd.concat([df, extra[_PROBLEM_COLUMNS]], ignore_index=True) if len(df) else \
            extra[_PROBLEM_COLUMNS].reset_index(drop=True)
    return df


def _log_problems(frame: pd.DataFrame, what: str) -> None:
    """One warning line per kind of problem, naming the first few records."""
    for kind, grp in frame.groupby("problem", sort=False):
        ids = grp["org_id"].where(grp["org_id"].notna(), grp["area_id"]).astype(str).tolist()
        more = f" … and {len(ids) - _LIST_WORDS} more" if len(ids) > _LIST_WORDS else ""
        log.warning("%s: %d × %s: %s%s (every one is in the result's problems table)",
                    what, len(grp), kind, ", ".join(ids[:_LIST_WORDS]), more)


# --------------------------------------------------------------------------- areas


def read_areas(path: str | Path, *, report: LoadReport | None = None, area_id: str | None = None,
               area_name: str | None = None) -> gpd.GeoDataFrame:
    """Read and check an areas file (GeoJSON, GeoPackage, Shapefile, or a workbook sheet with WKT).

    The file goes through the same checks as a data folder's ``areas.*`` (see
    :func:`partnermap.load`): ``area_id`` required and unique, polygons only, invalid
    polygons repaired with a warning naming the area, ``population`` parsed as a number,
    reprojection to EPSG:4326.

    Parameters
    ----------
    path
        The areas file.
    report
        A :class:`partnermap.LoadReport` to add the problems to (a new one if omitted).
    area_id, area_name
        The columns that hold each area's id and name, as written (e.g. ``"OBJECTID"``,
        ``"NAMEENGLISH"``); without them they are found as :func:`partnermap.load` does
        (``id``, the GeoJSON feature ids, ``OBJECTID``, ``*_id``; ``name_ar``, ``NAMEENGLISH`` …).

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``area_id`` (text), EPSG:4326, valid polygons; ``attrs["repaired"]``
        maps each repaired ``area_id`` to what was wrong with it.

    Raises
    ------
    DataValidationError
        When the file cannot be used (unreadable, no polygons, missing or duplicate
        ``area_id``); ``.problems`` lists every problem.

    See Also
    --------
    coverage : accepts the result as ``areas=``.

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.coverage import read_areas
    >>> areas = read_areas(pm.datasets.demo_path() / "areas.geojson")
    >>> areas.index.name, areas.crs.to_epsg()
    ('area_id', 4326)
    """
    path = Path(path)
    report = report if report is not None else LoadReport()
    before = len(report.problems)
    areas = None
    if not path.is_file():
        report.add("error", str(path), None, None, "no such areas file.",
                   "Check the path; areas must be a GeoJSON, GeoPackage or Shapefile layer.")
    else:
        table = _tables._read_file(path, "areas", report)
        if table is not None:
            areas = _validate._clean_areas(table, report, area_id=area_id, area_name=area_name)
    found = report.problems[before:]
    for p in found:
        if p.severity == "warning":
            log.warning("%s", p)
    errors = [p for p in found if p.severity == "error"]
    if errors or areas is None:
        raise DataValidationError(
            f"{path}: the areas cannot be used; fix them and run again:\n"
            + "\n".join(str(p) for p in (errors or found)), found, report=report)
    areas.attrs["repaired"] = {p.ref: p.message for p in found if _is_repair(p)}
    log.info("areas: %d read from %s", len(areas), path.name)
    return areas


def _is_repair(p: Any) -> bool:
    return p.severity == "warning" and p.column == "geometry" and "invalid polygon" in p.message


def _prepare_areas(areas: gpd.GeoDataFrame, report: LoadReport | None) -> tuple[gpd.GeoDataFrame, list[dict]]:
    """Areas given in code or loaded: ids, CRS, valid polygons, population; and their problems."""
    if not isinstance(areas, gpd.GeoDataFrame):
        raise ParameterError(
            f"areas must be a GeoDataFrame of polygons or a file path, not {type(areas).__name__}; "
            "read a file with partnermap.coverage.read_areas(path).")
    a = _areas_in_wgs84(_area_ids(areas.copy()))
    geoms, repaired = _repaired_shapes(a, report)
    usable = np.array([g is not None and not g.is_empty and g.geom_type in ("Polygon", "MultiPolygon")
                       for g in geoms], dtype=bool) if len(geoms) else np.zeros(0, bool)
    rows = [_geo._row("invalid_area", area_id=aid, message=msg) for aid, msg in repaired.items() if aid in a.index]
    for i in np.flatnonzero(~usable):
        aid = a.index[i]
        g = geoms[i]
        kind = "no geometry" if g is None or g.is_empty else f"a {g.geom_type}, not a polygon"
        rows.append(_geo._row("unusable_area", area_id=aid, message=f"area '{aid}' has {kind}; left out."))
    a[a.geometry.name] = gpd.GeoSeries(geoms, index=a.index, crs=_WGS84)
    a = a[usable]
    if "population" in a.columns and not pd.api.types.is_numeric_dtype(a["population"]):
        a["population"] = pd.to_numeric(a["population"].astype(str).str.replace(",", ""), errors="coerce")
    return a, rows


def _area_ids(a: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``a`` indexed by a unique text ``area_id`` (from its column or its index)."""
    if "area_id" in a.columns:
        a = a.set_index("area_id")
    elif a.index.name != "area_id":
        raise ParameterError(
            "the areas have no 'area_id' column; add one with a unique id per area "
            "(e.g. areas['area_id'] = areas['code']).")
    a.index = pd.Index(a.index.astype(str), name="area_id")
    dup = a.index[a.index.duplicated()].unique()
    if len(dup):
        raise DataValidationError(
            f"duplicate area_id: {', '.join(map(repr, dup[:_LIST_WORDS]))}; give each area its own id.")
    return a


def _areas_in_wgs84(a: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``a`` in EPSG:4326; without a CRS, degrees are assumed (and anything else refused)."""
    if a.crs is None:
        minx, miny, maxx, maxy = a.total_bounds if len(a) else (0, 0, 0, 0)
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise ParameterError(
                "the areas have no CRS and their coordinates are not degrees; set the CRS they "
                "were drawn in, e.g. areas.set_crs('EPSG:32639').")
        log.warning("areas: no CRS given; assumed WGS84 (EPSG:4326).")
        return a.set_crs(_WGS84)
    if a.crs.to_epsg() != 4326:
        log.info("areas: reprojected from %s to EPSG:4326", a.crs.to_string())
        return a.to_crs(_WGS84)
    return a


def _repaired_shapes(a: gpd.GeoDataFrame, report: LoadReport | None) -> tuple[np.ndarray, dict[str, str]]:
    """The shapes, invalid polygons made valid, and ``{area_id: message}`` for every repair (the loader's too).

    Geometry collections are reduced to their polygons.
    """
    geoms = np.asarray(a.geometry.values, dtype=object).copy()
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6, 7))  # Polygon, MultiPolygon, Collection
    invalid = polygonal & ~shapely.is_valid(geoms)
    repaired = _report_repairs(report) if report is not None else {}
    repaired.update(a.attrs.get("repaired", {}) if isinstance(a.attrs.get("repaired"), dict) else {})
    for i in np.flatnonzero(invalid):
        aid = a.index[i]
        why = shapely.is_valid_reason(geoms[i])
        geoms[i] = _polygonal(shapely.make_valid(geoms[i]))
        repaired[aid] = f"area '{aid}' had an invalid polygon ({why}); repaired."
    for i in np.flatnonzero(polygonal):
        if shapely.get_type_id(geoms[i]) == 7:
            geoms[i] = _polygonal(geoms[i])
    return geoms, repaired


def _report_repairs(report: LoadReport) -> dict[str, str]:
    """The areas the loader repaired, ``{area_id: message}``, from a :class:`LoadReport`."""
    return {p.ref: p.message for p in report.problems if _is_repair(p)}


def _polygonal(g: Any) -> Any:
    """The polygon part of a geometry (make_valid can return a collection with lines)."""
    if g is None or g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in getattr(g, "geoms", []) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def _overlaps(areas: gpd.GeoDataFrame, geoms: np.ndarray, tree: Any) -> list[dict]:
    """Pairs of areas whose interiors overlap by at least OVERLAP_MIN_SHARE of the smaller.

    Candidates are the pairs that ``overlaps`` (partial overlap) plus those where one
    area's interior point lies in another (containment, duplicates); the share is then
    measured in an equal-area CRS.
    """
    if len(geoms) < 2:
        return []
    if hasattr(shapely, "coverage_is_valid") and bool(shapely.coverage_is_valid(geoms)):
        return []  # a clean tessellation (GEOS >= 3.12 checks it fast): nothing overlaps
    i, j = tree.query(geoms, predicate="overlaps")
    k, m = tree.query(shapely.point_on_surface(geoms), predicate="intersects")
    i, j = np.concatenate([i, k]), np.concatenate([j, m])
    other = i != j
    if not other.any():
        return []
    ij = np.unique(np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1)[other], axis=0)
    i, j = ij[:, 0], ij[:, 1]
    ea = _project(geoms[np.unique(ij)], _EQUAL_AREA)
    pos = np.searchsorted(np.unique(ij), ij)
    a_i, a_j = ea[pos[:, 0]], ea[pos[:, 1]]
    share = shapely.area(shapely.intersection(a_i, a_j)) / np.minimum(shapely.area(a_i), shapely.area(a_j))
    rows = []
    for x, y, sh in zip(i, j, share, strict=True):
        if sh >= OVERLAP_MIN_SHARE:
            ax, ay = areas.index[x], areas.index[y]
            rows.append(_geo._row("overlapping_areas", area_id=ax, other_area_id=ay, overlap_share=float(sh),
                             message=f"areas '{ax}' and '{ay}' overlap ({sh:.1%} of the smaller); "
                                     "organisations in the overlap are counted in both."))
    return rows


def area_grid(
    data: PartnerData,
    *,
    resolution: int = DEFAULT_H3_RESOLUTION,
    radius_km: float | None = None,
    default_radius_km: float = _geo.DEFAULT_RADIUS_KM,
) -> gpd.GeoDataFrame:
    """An H3 hexagon grid around where the organisations are, for coverage without an areas file.

    Each located organisation reaches a circle of its ``service_radius_km`` (or
    ``radius_km``, or ``default_radius_km``; at most :data:`GRID_REACH_KM` for building the
    grid). Organisations whose circles touch form a group; the grid holds every cell that
    overlaps the convex hull of a group's circles, so the gaps between neighbouring
    organisations are cells too, but the empty land between far-apart groups is not.

    An organisation more than :data:`FAR_KM` from every other one (a national office among
    local agencies) is *far away*: no cells are made around it, and ``attrs["left_out"]``
    lists it (with its distance to the nearest other organisation in km) — unless half
    or more of the located organisations are far away, when every one keeps its cells.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    resolution
        H3 resolution, 0–15: 7 gives cells of about 5.2 km², 8 about 0.74 km², 9 about
        0.11 km².
    radius_km
        One reach for every organisation, in km, instead of their ``service_radius_km``.
    default_radius_km
        Reach of organisations without ``service_radius_km``.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``area_id`` (the H3 cell id), EPSG:4326, one hexagon per cell, sorted;
        ``attrs["left_out"]`` maps each far-away ``org_id`` to its distance in km.

    Raises
    ------
    ParameterError
        When ``resolution`` is not 0 to 15, or the grid would exceed
        :data:`MAX_GRID_CELLS` cells (the message suggests a resolution).
    PartnermapError
        When no organisation has coordinates.

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.coverage import area_grid
    >>> grid = area_grid(pm.load(pm.datasets.demo_path()), resolution=7)
    >>> grid.index.name, grid.crs.to_epsg(), grid.attrs["left_out"]
    ('area_id', 4326, {})
    """
    lon, lat, _, _ = _geo._org_locations(data)
    radius_m, _ = _geo._radii_m(data, radius_km, default_radius_km)
    grid, far, dist = _grid(lon, lat, resolution, radius_m)
    grid.attrs["left_out"] = {str(data.organizations.index[i]): round(float(dist[i]), 1) for i in far}
    return grid


def _check_resolution(resolution: Any) -> None:
    if isinstance(resolution, bool) or not (isinstance(resolution, (int, np.integer)) and 0 <= resolution <= 15):
        raise ParameterError(f"h3 resolution must be a whole number from 0 to 15, not {resolution!r}.")


def _far_away(lon: np.ndarray, lat: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the far-away organisations (see :func:`area_grid`) and every organisation's nearest-other km."""
    dist = np.full(len(lon), np.inf)
    pos = np.flatnonzero(ok)
    if len(pos) >= 2:
        la, lo = np.radians(lat[pos]), np.radians(lon[pos])
        xyz = np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
        chord, _ = cKDTree(xyz).query(xyz, k=2)
        dist[pos] = 2 * _EARTH_KM * np.arcsin(np.clip(chord[:, 1] / 2, 0, 1))
    far = pos[dist[pos] > FAR_KM]
    if len(far) == len(pos):  # every organisation is far from every other: that is the data, not an outlier
        far = far[:0]
    return far, dist


def _grid_regions(lon: np.ndarray, lat: np.ndarray, reach_m: np.ndarray) -> list[tuple[Any, Any]]:
    """(reach, hull) per group of organisations whose reach circles touch, in EPSG:4326.

    ``reach`` is the union of the group's circles; ``hull`` the convex hull of its
    organisations' points (the gaps between them). Points are snapped to a grid of an
    eighth of the median reach (at least 25 m), so a hundred thousand organisations cost
    a few thousand circles.
    """
    regions: list[tuple[Any, Any]] = []
    for crs, idx in _metric_groups(lon, lat):
        xy = shapely.get_coordinates(_project_points(lon[idx], lat[idx], crs))
        snap = max(float(np.median(reach_m[idx])) / 8, 25.0)
        keys, inverse = np.unique(np.round(xy / snap).astype(np.int64), axis=0, return_inverse=True)
        widest = np.zeros(len(keys))
        np.maximum.at(widest, inverse.ravel(), reach_m[idx])
        circles = shapely.buffer(shapely.points(keys * snap), np.maximum(widest, 1.0), quad_segs=8)
        union = gpd.GeoSeries([shapely.union_all(circles)], crs=crs).to_crs(_WGS84).iloc[0]
        parts = np.asarray(shapely.get_parts(union), dtype=object)
        points = shapely.points(lon[idx], lat[idx])
        member = np.full(len(points), -1)
        pi, gi = shapely.STRtree(parts).query(points, predicate="intersects")
        member[pi] = gi
        for g, part in enumerate(parts):
            inside = points[member == g]
            regions.append((part, shapely.convex_hull(shapely.multipoints(inside)) if len(inside) else None))
    return regions


def _grid(lon: np.ndarray, lat: np.ndarray, resolution: int,
          reach_m: np.ndarray | None = None) -> tuple[gpd.GeoDataFrame, np.ndarray, np.ndarray]:
    """The H3 grid of :func:`area_grid`, the positions of the far-away organisations left out, nearest-other km."""
    _check_resolution(resolution)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        raise PartnermapError(
            "no organisation has coordinates, so there is no extent for a grid; add lat/lon to the "
            "organisations or give an areas file.")
    reach_m = np.full(len(lon), _geo.DEFAULT_RADIUS_KM * 1000) if reach_m is None else reach_m
    far, dist = _far_away(lon, lat, ok)
    keep = ok.copy()
    keep[far] = False
    reach = np.minimum(np.nan_to_num(reach_m, nan=0.0), GRID_REACH_KM * 1000)
    regions = _grid_regions(np.where(keep, lon, np.nan), np.where(keep, lat, np.nan), reach)
    shapes = [g for region in regions for g in region
              if g is not None and g.geom_type in ("Polygon", "MultiPolygon")]
    geod = pyproj.Geod(ellps="WGS84")
    area_km2 = sum(abs(geod.geometry_area_perimeter(g)[0]) for g in shapes) / 1e6
    expected = area_km2 / h3.average_hexagon_area(resolution, "km^2")
    if expected > MAX_GRID_CELLS:
        fit = next((r for r in range(resolution, -1, -1)
                    if area_km2 / h3.average_hexagon_area(r, "km^2") <= MAX_GRID_CELLS), 0)
        raise ParameterError(
            f"an H3 grid at resolution {resolution} around the organisations ({area_km2:,.0f} km²) would have "
            f"about {expected:,.0f} cells; use resolution {fit} or lower (--resolution {fit}), or give areas.")
    lo, la = lon[keep], lat[keep]
    cells = set(map(h3.latlng_to_cell, la.tolist(), lo.tolist(), [resolution] * len(lo)))
    for reached, hull in regions:
        # cells whose centre someone reaches, and every cell touching the hull of the group's points
        cells.update(h3.h3shape_to_cells_experimental(h3.geo_to_h3shape(reached), resolution, contain="center"))
        if hull is not None and hull.geom_type == "Polygon":
            cells.update(h3.h3shape_to_cells_experimental(h3.geo_to_h3shape(hull), resolution, contain="overlap"))
    ids = sorted(cells)
    rings = [h3.cell_to_boundary(c) for c in ids]  # (lat, lng) pairs, 5 to 10 of them
    sizes = np.fromiter(map(len, rings), dtype=np.intp, count=len(rings))
    polys = np.empty(len(ids), dtype=object)
    for size in np.unique(sizes):
        sel = np.flatnonzero(sizes == size)
        latlng = np.array([rings[i] for i in sel], dtype=float)
        closed = np.concatenate([latlng, latlng[:, :1]], axis=1)[:, :, ::-1]  # → (lng, lat), closed
        polys[sel] = shapely.polygons(closed)
    index = pd.Index(ids, name="area_id")
    grid = gpd.GeoDataFrame(geometry=gpd.GeoSeries(polys, index=index, crs=_WGS84), index=index)
    log.info("areas: H3 grid at resolution %d around the organisations, %d cells (%d far away left out)",
             resolution, len(grid), len(far))
    return grid, far, dist


# ---------------------------------------------------------------- organisations








def _valid_declared(declared: np.ndarray | None, ids: pd.Index, rows: list[dict]) -> np.ndarray | None:
    if declared is None:
        return None
    out = declared.copy()
    have = np.flatnonzero(pd.notna(pd.Series(out, dtype=object)).to_numpy())
    for i in have:
        g = out[i]
        if not hasattr(g, "geom_type") or g.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection"):
            out[i] = None
            continue
        if not g.is_valid:
            why = shapely.is_valid_reason(g)
            out[i] = _polygonal(shapely.make_valid(g))
            rows.append(_geo._row("invalid_service_area", org_id=ids[i],
                             message=f"the declared service area of '{ids[i]}' was invalid ({why}); repaired."))
        elif g.geom_type == "GeometryCollection":
            out[i] = _polygonal(g)
        if out[i] is not None and out[i].is_empty:
            out[i] = None
    return out


# ---------------------------------------------------------------- metric helpers


def _metric_groups(lon: np.ndarray, lat: np.ndarray) -> list[tuple[Any, np.ndarray]]:
    """(CRS, positions): one UTM CRS when the points fit one zone's width, else one per zone."""
    ok = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    if not len(ok):
        return []
    lo, la = lon[ok], lat[ok]
    if lo.max() - lo.min() <= _ONE_ZONE_DEG:
        return [(_utm_crs(*(round(float(v), 3) for v in (lo.min(), la.min(), lo.max(), la.max()))), ok)]
    zone = np.floor((lo + 180) / 6).astype(int) % 60 + 1
    code = np.where(la < 0, 32700, 32600) + zone
    return [(pyproj.CRS.from_epsg(int(c)), ok[code == c]) for c in np.unique(code)]


@functools.lru_cache(maxsize=64)
def _utm_crs(minx: float, miny: float, maxx: float, maxy: float) -> Any:
    """The UTM CRS geopandas estimates for a box (cached: the CRS database lookup costs ~40 ms)."""
    return gpd.GeoSeries([shapely.box(minx, miny, maxx, maxy)], crs=_WGS84).estimate_utm_crs()


@functools.lru_cache(maxsize=64)
def _transformer(crs: Any) -> Any:
    return pyproj.Transformer.from_crs(_WGS84, crs, always_xy=True)


def _project_points(lon: np.ndarray, lat: np.ndarray, crs: Any) -> np.ndarray:
    """Points in ``crs`` straight from lon/lat arrays (no WGS84 geometries in between)."""
    x, y = _transformer(crs).transform(lon, lat)
    return shapely.points(x, y)


def _project(geoms: np.ndarray, crs: Any) -> np.ndarray:
    return np.asarray(gpd.GeoSeries(geoms, crs=_WGS84).to_crs(crs).values, dtype=object)


def _nearby_areas(tree4326: Any, lon: np.ndarray, lat: np.ndarray, reach_m: float) -> np.ndarray:
    """Positions of the areas whose bounding boxes come within ``reach_m`` of the points' box."""
    dlat = reach_m / 110_574 + 0.01
    coslat = max(math.cos(math.radians(min(89.0, float(np.max(np.abs(lat))) + dlat))), 0.01)
    dlon = min(reach_m / (111_320 * coslat) + 0.01, 360.0)
    box = shapely.box(lon.min() - dlon, lat.min() - dlat, lon.max() + dlon, lat.max() + dlat)
    return np.sort(tree4326.query(box))


def _points(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """WGS84 point geometries; lon/lat must be finite."""
    return shapely.points(lon, lat)


# ------------------------------------------------------------------ service areas


def service_areas(
    data: PartnerData,
    *,
    radius_km: float | None = None,
    default_radius_km: float = _geo.DEFAULT_RADIUS_KM,
) -> gpd.GeoDataFrame:
    """Each organisation's served area: its declared polygon, or a circle around it.

    An organisation with a declared service polygon (``area_geometry``, from an
    organisations layer with polygons) serves that polygon; otherwise it serves a circle
    of its ``service_radius_km`` (or ``default_radius_km``) around its location. Circles
    are buffered in metres in the data's UTM zone (one zone per group of organisations
    when they span more than 6° of longitude) and returned in EPSG:4326.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    radius_km
        One reach for every organisation, in km, instead of their own declared areas and
        ``service_radius_km``.
    default_radius_km
        Reach of organisations with neither a declared area nor ``service_radius_km``.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``org_id``, EPSG:4326: ``name``, ``sector``, ``org_type`` (where the
        data has them), ``basis`` (``declared``, ``service_radius_km``, ``default`` or
        ``radius_km``), ``radius_km`` (NaN for declared areas) and the polygon.
        Organisations without a location or declared area are left out and listed in
        ``attrs["problems"]``.

    See Also
    --------
    coverage : counts these service areas per area.

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.coverage import service_areas
    >>> sa = service_areas(pm.load(pm.datasets.demo_path()), default_radius_km=3)
    >>> sa.index.name, sa.crs.to_epsg()
    ('org_id', 4326)
    """
    t0 = time.perf_counter()
    orgs = data.organizations
    lon, lat, declared, rows = _geo._org_locations(data)
    radius_m, basis = _geo._radii_m(data, radius_km, default_radius_km)
    declared = None if radius_km is not None else _valid_declared(declared, orgs.index, rows)
    use_declared = (np.array([g is not None for g in declared], dtype=bool) if declared is not None
                    else np.zeros(len(orgs), bool))
    geoms = np.full(len(orgs), None, dtype=object)
    geoms[use_declared] = declared[use_declared] if declared is not None else []
    circle = ~use_declared & np.isfinite(lon)
    c_lon, c_lat = np.where(circle, lon, np.nan), np.where(circle, lat, np.nan)
    for crs, idx in _metric_groups(c_lon, c_lat):
        pts = _project_points(lon[idx], lat[idx], crs)
        buf = shapely.buffer(pts, radius_m[idx], quad_segs=16)
        geoms[idx] = np.asarray(gpd.GeoSeries(buf, crs=crs).to_crs(_WGS84).values, dtype=object)
    basis = np.where(use_declared, "declared", basis)
    have = use_declared | circle
    cols = {c: orgs[c].to_numpy() for c in ("name", "sector", "org_type") if c in orgs.columns}
    out = gpd.GeoDataFrame(
        {**cols, "basis": basis, "radius_km": np.where(use_declared, np.nan, radius_m / 1000)},
        geometry=gpd.GeoSeries(geoms, crs=_WGS84, index=orgs.index), index=orgs.index, crs=_WGS84,
    )[have]
    out.index.name = "org_id"
    problems = _problems_frame(rows)
    out.attrs["problems"] = LocationProblems(problems)
    _log_problems(problems, "service areas")
    log.info("service areas: %d of %d organisations (%d declared, %d circles) in %.2f s",
             len(out), len(orgs), int(use_declared.sum()), int(circle.sum()), time.perf_counter() - t0)
    return out


# ----------------------------------------------------------------------- coverage


class _Frame:
    """Areas ready for coverage: geometry, ids, an STRtree in EPSG:4326, origin."""

    def __init__(self, areas: gpd.GeoDataFrame, origin: str, h3_resolution: int | None,
                 left_out: np.ndarray | None = None) -> None:
        self.areas = areas
        self.ids = areas.index
        self.geoms = np.asarray(areas.geometry.values, dtype=object)
        self.tree = shapely.STRtree(self.geoms)
        self.origin = origin
        self.h3_resolution = h3_resolution
        self.left_out = np.zeros(0, np.intp) if left_out is None else left_out  # far away, no cells (H3 grid)
        self._projected: dict[str, np.ndarray] = {}

    def geoms_in(self, crs: Any) -> np.ndarray:
        """The area polygons in ``crs`` (projected once per CRS)."""
        key = str(crs)
        if key not in self._projected:
            self._projected[key] = _project(self.geoms, crs)
        return self._projected[key]


def _areas_for(data: PartnerData, areas: Any, lon: np.ndarray, lat: np.ndarray,
               h3_resolution: int, radius_m: np.ndarray | None = None) -> tuple[_Frame, list[dict]]:
    if isinstance(areas, str) and areas.lower() == "h3":
        areas = None
        use_data = False
    else:
        use_data = True
    if areas is None and use_data and data.areas is not None and len(data.areas):
        prepared, rows = _prepare_areas(data.areas, data.report)
        origin = "data"
    elif areas is None:
        grid, far, dist = _grid(lon, lat, h3_resolution, radius_m)
        ids = data.organizations.index
        rows = [_geo._row("far_from_others", org_id=ids[i], distance_km=float(dist[i]),
                          message=f"{dist[i]:,.0f} km from the nearest other organisation: no H3 cells were made "
                                  "around it (the grid is built around where the organisations are); give areas "
                                  "to count it in an area.")
                for i in far]
        return _Frame(grid, "h3", h3_resolution, far), rows
    else:
        if isinstance(areas, (str, Path)):
            areas = read_areas(areas)
        prepared, rows = _prepare_areas(areas, None)
        origin = "given"
    if not len(prepared):
        raise PartnermapError("the areas have no usable polygons; fix them or leave them out to use an H3 grid.")
    frame = _Frame(prepared, origin, None)
    rows += _overlaps(prepared, frame.geoms, frame.tree)
    return frame, rows


def _located_pairs(frame: _Frame, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(org position, area position) for each organisation inside an area.

    A point on a shared boundary is counted once (in the first area, in area order); a
    point in the overlap of two areas is counted in both.
    """
    has = np.flatnonzero(np.isfinite(lon))
    if not len(has):
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    if frame.h3_resolution is not None:
        res = frame.h3_resolution
        cells = list(map(h3.latlng_to_cell, lat[has].tolist(), lon[has].tolist(), [res] * len(has)))
        pos = frame.ids.get_indexer(cells)
        ok = pos >= 0
        return has[ok], pos[ok]
    pts = _points(lon[has], lat[has])
    pi, ai = frame.tree.query(pts, predicate="intersects")
    order = np.lexsort((ai, pi))
    pi, ai = pi[order], ai[order]
    counts = np.bincount(pi, minlength=len(has))
    multi = counts[pi] > 1
    if multi.any():
        inside = np.ones(len(pi), bool)
        inside[multi] = shapely.contains_properly(frame.geoms[ai[multi]], pts[pi[multi]])
        interior_any = np.zeros(len(has), bool)
        interior_any[pi[multi & inside]] = True
        on_edge_only = multi & ~interior_any[pi]
        first = np.zeros(len(pi), bool)
        if on_edge_only.any():
            sel = np.flatnonzero(on_edge_only)
            _, first_of = np.unique(pi[sel], return_index=True)
            first[sel[first_of]] = True
        keep = ~multi | (inside & interior_any[pi]) | first
        pi, ai = pi[keep], ai[keep]
    return has[pi], ai


def _nearest_areas(frame: _Frame, lon: np.ndarray, lat: np.ndarray,
                   idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest area position and distance in km for the organisations at ``idx``."""
    area_pos = np.zeros(len(idx), np.intp)
    dist = np.full(len(idx), np.nan)
    sub_lon = np.full(len(lon), np.nan)
    sub_lat = np.full(len(lat), np.nan)
    sub_lon[idx], sub_lat[idx] = lon[idx], lat[idx]
    groups = _metric_groups(sub_lon, sub_lat)
    if len(groups) == 1:  # one UTM zone: nearest and distance in metres
        crs, g = groups[0]
        pts = _project_points(lon[g], lat[g], crs)
        tree = shapely.STRtree(frame.geoms_in(crs))
        (pi, ai), d = tree.query_nearest(pts, return_distance=True, all_matches=False)
        k = np.searchsorted(idx, g[pi])
        area_pos[k], dist[k] = ai, d / 1000
        return area_pos, dist
    # wider: the nearest area in degrees, its distance on the ellipsoid (no far-off projection)
    pts = _points(lon[idx], lat[idx])
    pi, ai = frame.tree.query_nearest(pts, all_matches=False)
    ends = shapely.get_coordinates(shapely.shortest_line(pts[pi], frame.geoms[ai])).reshape(-1, 2, 2)
    _, _, d = pyproj.Geod(ellps="WGS84").inv(ends[:, 0, 0], ends[:, 0, 1], ends[:, 1, 0], ends[:, 1, 1])
    area_pos[pi], dist[pi] = ai, d / 1000
    return area_pos, dist


def _outside(frame: _Frame, ids: pd.Index, lon: np.ndarray, lat: np.ndarray,
             located: np.ndarray) -> pd.DataFrame:
    """Problem rows for the located organisations outside every area: nearest area, distance."""
    outside = np.flatnonzero(np.isfinite(lon) & ~located)
    if not len(outside):
        return _problems_frame([])
    near, dist = _nearest_areas(frame, lon, lat, outside)
    near_ids = pd.Series(frame.ids[near].astype(str), dtype=object)
    km = pd.Series(dist).map("{:,.1f}".format)
    msg = "located outside every area; the nearest is '" + near_ids + "', " + km + " km away."
    return pd.DataFrame({
        "problem": "outside_areas", "severity": "warning",
        "org_id": ids[outside].to_numpy(dtype=object), "area_id": near_ids.to_numpy(dtype=object),
        "other_area_id": None, "distance_km": dist, "overlap_share": np.nan,
        "message": msg.to_numpy(dtype=object),
    }).astype({"problem": object, "severity": object, "other_area_id": object})


def _serving_pairs(frame: _Frame, lon: np.ndarray, lat: np.ndarray, radius_m: np.ndarray,
                   declared: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(org position, area position) for each organisation whose service area reaches an area."""
    org_parts, area_parts = [], []
    use_declared = (np.array([g is not None for g in declared], dtype=bool) if declared is not None
                    else np.zeros(len(lon), bool))
    if use_declared.any():
        d_idx = np.flatnonzero(use_declared)
        pi, ai = frame.tree.query(declared[d_idx], predicate="intersects")
        real = ~shapely.touches(declared[d_idx][pi], frame.geoms[ai])
        org_parts.append(d_idx[pi[real]])
        area_parts.append(ai[real])
    c_lon = np.where(use_declared, np.nan, lon)
    c_lat = np.where(use_declared, np.nan, lat)
    groups = _metric_groups(c_lon, c_lat)
    for crs, idx in groups:
        if len(groups) == 1:
            cand = np.arange(len(frame.geoms))
        else:
            cand = _nearby_areas(frame.tree, lon[idx], lat[idx], float(radius_m[idx].max()))
            if not len(cand):
                continue
        pts = _project_points(lon[idx], lat[idx], crs)
        near = frame.geoms_in(crs) if len(groups) == 1 else _project(frame.geoms[cand], crs)
        tree = shapely.STRtree(near)
        pi, ai = tree.query(pts, predicate="dwithin", distance=radius_m[idx])
        org_parts.append(idx[pi])
        area_parts.append(cand[ai])
    if not org_parts:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    return np.concatenate(org_parts).astype(np.intp), np.concatenate(area_parts).astype(np.intp)


def _key(value: Any) -> str:
    """A kind name fit for a column name: lower case, words joined by ``_``."""
    return re.sub(r"\W+", "_", str(value).strip().lower()).strip("_") or "unspecified"


def _kinds(orgs: pd.DataFrame, by: str | None, private: Sequence[str] = ()) -> tuple[list[str], Any]:
    """Kind keys and the organisations × kinds incidence matrix (sparse); a private ``by`` is refused."""
    n = len(orgs)
    if by is None:
        return [], sparse.csr_matrix((n, 0), dtype=np.int64)
    if schema.is_private(by, private):
        raise ParameterError(
            f"by='{by}' is a private column: its values would become column names of the coverage table, "
            "for everyone the file is shared with. Break the counts down by sector, org_type, offers, needs "
            "or causes instead.")
    if by not in orgs.columns:
        usable = [c for c in orgs.columns if c not in ("name", "lat", "lon", "geometry", "area_geometry")
                  and not schema.is_private(c, private)]
        close = difflib.get_close_matches(by, usable, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ParameterError(
            f"by='{by}' is not a column of the organisations.{hint} Choose one of: "
            f"{', '.join(map(str, usable))}.")
    values = orgs[by].to_numpy(dtype=object)
    first = next((v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))), None)
    multi = by in schema.MULTI_VALUED or isinstance(first, (list, tuple, set))
    if multi:
        cells = pd.Series(values, index=np.arange(n), dtype=object).map(_common._as_terms)
        exploded = cells.explode().dropna()
        org_pos = exploded.index.to_numpy(dtype=np.intp)
        raw = exploded.to_numpy(dtype=object)
    else:
        org_pos = np.arange(n, dtype=np.intp)
        raw = values
    codes, uniques = pd.factorize(pd.Series(raw, dtype=object), use_na_sentinel=True)
    ukeys = np.array([_key(u) for u in uniques] + ["unspecified"], dtype=object)
    keyed = ukeys[np.where(codes < 0, len(uniques), codes)] if len(codes) else np.zeros(0, dtype=object)
    vocab = list(_VOCABULARIES.get(by, ()))
    present = set(keyed.tolist())
    order = [k for k in vocab if k in present or by == "sector"]
    order += sorted(k for k in present if k not in order and k != "unspecified")
    if "unspecified" in present:
        order.append("unspecified")
    if len(order) > MAX_KINDS and vocab:  # e.g. HSDS taxonomy terms: keep the vocabulary, pool the rest
        free = sorted(k for k in present if k not in vocab and k != "unspecified")
        keyed = np.where(np.isin(keyed, free), "other_terms", keyed)
        log.warning("coverage: by=%r has %d terms outside the vocabulary (%s …); counted together as "
                    "'other_terms'", by, len(free), ", ".join(free[:5]))
        order = [k for k in vocab if k in set(keyed.tolist())] + ["other_terms"]
        order += ["unspecified"] if "unspecified" in present else []
    if len(order) > MAX_KINDS:
        raise ParameterError(
            f"by='{by}' has {len(order)} different values; coverage needs a column with a few kinds, "
            "such as sector, org_type, offers, needs or causes.")
    col = pd.Index(order).get_indexer(keyed)
    m = sparse.csr_matrix((np.ones(len(col), np.int64), (org_pos, col)), shape=(n, len(order)))
    m.data[:] = 1  # an organisation counts once per kind
    return order, m






def coverage(
    data: PartnerData,
    *,
    by: str | None = "sector",
    areas: gpd.GeoDataFrame | str | Path | None = None,
    focal: str | None = None,
    radius_km: float | None = None,
    default_radius_km: float = _geo.DEFAULT_RADIUS_KM,
    h3_resolution: int = DEFAULT_H3_RESOLUTION,
    G: nx.MultiGraph | None = None,
) -> gpd.GeoDataFrame:
    """How many organisations of each kind are located in, and serve, each area.

    An organisation is *located* in the area that contains its point (in both, where two
    areas overlap; in the first, for a point exactly on a shared boundary). It *serves*
    an area when its service area (see :func:`service_areas`) reaches any part of it: a
    circle of its radius around its point, measured in metres, or its declared polygon.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    by
        Organisation column to break the counts down by: ``sector`` (always all three
        sectors), ``org_type``, a multi-valued column such as ``offers``, ``needs`` or
        ``causes`` (an organisation counts once in each of its terms), or any column with
        at most :data:`MAX_KINDS` values. ``None`` gives totals only.
    areas
        The areas to count in: a GeoDataFrame with ``area_id`` (column or index) and
        polygons in any CRS, or a file path (read with :func:`read_areas`), or ``"h3"``.
        By default ``data.areas``, or an H3 grid when the data has none.
    focal
        An ``org_id``: adds which areas it reaches directly and through its partners.
    radius_km
        One reach for every organisation, in km, instead of their declared areas and
        ``service_radius_km``; reasons then say "within 3 km".
    default_radius_km
        Reach of organisations with neither a declared area nor ``service_radius_km``.
    h3_resolution
        Resolution of the H3 grid used when there are no areas (see :func:`area_grid`).
    G
        The partnership graph for ``focal``'s partners; by default
        ``partnermap.build_graph(data)`` (active ties). Pass your own to choose tie kinds
        or a date.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per area, indexed by ``area_id``, EPSG:4326. The areas' own columns
        (``name``, ``population``, need indicators; not their private ones, see
        :func:`partnermap.schema.is_private`), then for each kind ``k``:
        ``located_k``, ``located_total``, ``serving_k``, ``serving_total`` (whole
        numbers); with a ``population`` column also ``population_reached_k`` and
        ``population_reached_total`` (the area's population when at least one
        organisation of that kind serves it, else 0); with ``focal`` also
        ``focal_reaches`` (bool), ``partners_reaching`` (number of its partners serving the
        area), ``partner_reaches`` (bool) and ``focal_reach`` (``direct``,
        ``through_partners`` or ``not_reached``). Column names are plain text and every
        cell a scalar, so the table writes to GeoJSON and GeoPackage as it is.

        ``attrs["problems"]`` is a :class:`LocationProblems` (organisations without or
        with placeholder coordinates, outside every area with the nearest area and its
        distance, repaired polygons, overlapping areas, organisations far from every other
        one that the H3 grid leaves out); ``attrs["coverage"]`` records the parameters
        (``by``, ``kinds``, ``radius_km``, ``default_radius_km``, ``areas``,
        ``h3_resolution``, ``left_out``, ``focal``, counts).

    Raises
    ------
    UnknownOrganizationError
        When ``focal`` is not an ``org_id``; the message suggests close matches.
    ParameterError
        When ``by`` is not a column (or has too many values), is a private column
        (:func:`partnermap.schema.is_private`, ``data.private_columns``: its values would
        become column names), or an argument is out of range.
    PartnermapError
        When there is neither an areas layer nor any organisation with coordinates.

    Notes
    -----
    Population within reach counts an area's whole population as reached when any part
    of it is within reach: an upper bound that is exact for small areas. Use smaller
    areas (or the H3 grid with population joined to it) for a finer answer.

    See Also
    --------
    underserved : the areas with too few organisations of a kind, ranked.
    coverage_summary : totals and shares per kind.
    service_areas : the polygons behind the ``serving_*`` counts.

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.coverage import coverage
    >>> data = pm.load(pm.datasets.demo_path())
    >>> cov = coverage(data, by="sector")
    >>> {"located_public", "serving_public", "serving_total"} <= set(cov.columns)
    True
    >>> focal = data.organizations.index[0]
    >>> set(coverage(data, focal=focal)["focal_reach"]) <= {"direct", "through_partners", "not_reached"}
    True
    """
    t0 = time.perf_counter()
    orgs = data.organizations
    n = len(orgs)
    focal_pos = _common._focal(orgs, focal) if focal is not None else None
    private = tuple(data.private_columns)
    kinds, incidence = _kinds(orgs, by, private)
    lon, lat, declared, rows = _geo._org_locations(data)
    radius_m, _ = _geo._radii_m(data, radius_km, default_radius_km)
    declared = None if radius_km is not None else _valid_declared(declared, orgs.index, rows)
    frame, area_rows = _areas_for(data, areas, lon, lat, h3_resolution, radius_m)
    rows += area_rows
    na = len(frame.ids)
    loc, srv, located, outside = _matrices(frame, orgs.index, lon, lat, radius_m, declared)
    counts = _counts(loc, srv, incidence, kinds)

    base = frame.areas
    out = pd.DataFrame(base.drop(columns=[base.geometry.name, *(c for c in base.columns if c != base.geometry.name
                                                                and schema.is_private(c, private))]))
    for c, v in counts.items():
        out[c] = v.astype(np.int64)
    has_pop = "population" in out.columns and pd.api.types.is_numeric_dtype(out["population"])
    if has_pop:
        _population_reached(out, counts, kinds)
    partners: list[str] = []
    if focal_pos is not None:
        partners = _focal_reach(out, data, focal_pos, G, srv)
        if not np.isfinite(lon[focal_pos]) and (declared is None or declared[focal_pos] is None):
            log.warning("coverage: focal '%s' has no location, so it reaches no area directly.",
                        orgs.index[focal_pos])
    result = _to_gdf(out, frame.areas.geometry)
    problems = _problems_frame(rows, outside)
    result.attrs["problems"] = LocationProblems(problems)
    result.attrs["coverage"] = {
        "by": by, "kinds": kinds, "radius_km": radius_km, "default_radius_km": default_radius_km,
        "areas": frame.origin, "h3_resolution": frame.h3_resolution,
        "left_out": [str(orgs.index[i]) for i in frame.left_out],
        "focal": None if focal_pos is None else str(orgs.index[focal_pos]), "partners": partners,
        "organizations": n, "located": int(np.isfinite(lon).sum()), "in_areas": int(located.sum()),
        "population": bool(has_pop),
    }
    _log_problems(problems, "coverage")
    log.info("coverage: %d organisations (%d located, %d in an area) × %d areas (%s), by %s "
             "(%d kinds); %d serving links in %.2f s",
             n, int(np.isfinite(lon).sum()), int(located.sum()), na, frame.origin, by, len(kinds),
             int(srv.nnz), time.perf_counter() - t0)
    return result


def _matrices(frame: _Frame, ids: pd.Index, lon: np.ndarray, lat: np.ndarray, radius_m: np.ndarray,
              declared: np.ndarray | None) -> tuple[sparse.csr_matrix, sparse.csr_matrix, np.ndarray, pd.DataFrame]:
    """Areas × organisations located there and serving there; who is in an area; who is outside all."""
    n, na = len(ids), len(frame.ids)
    loc_o, loc_a = _located_pairs(frame, lon, lat)
    located = np.zeros(n, bool)
    located[loc_o] = True
    reported = located.copy()
    reported[frame.left_out] = True  # far away: already reported as left out of the grid
    outside = _outside(frame, ids, lon, lat, reported)
    srv_o, srv_a = _serving_pairs(frame, lon, lat, radius_m, declared)
    # an organisation always serves the area it stands in (even one too wide to project well)
    srv_o, srv_a = np.concatenate([srv_o, loc_o]), np.concatenate([srv_a, loc_a])
    loc = sparse.csr_matrix((np.ones(len(loc_o), np.int64), (loc_a, loc_o)), shape=(na, n))
    srv = sparse.csr_matrix((np.ones(len(srv_o), np.int64), (srv_a, srv_o)), shape=(na, n))
    srv.data[:] = 1
    return loc, srv, located, outside


def _population_reached(out: pd.DataFrame, counts: dict[str, np.ndarray], kinds: list[str]) -> None:
    """``population_reached_<kind>``: an area's population when one of that kind serves it, else 0."""
    pop = out["population"].to_numpy(dtype=float)
    for k in [*kinds, "total"]:
        out[f"population_reached_{k}"] = np.where(counts[f"serving_{k}"] > 0, pop, np.where(np.isnan(pop), np.nan, 0.0))


def _counts(loc: sparse.csr_matrix, srv: sparse.csr_matrix, incidence: Any,
            kinds: list[str]) -> dict[str, np.ndarray]:
    """``located_<kind>``, ``located_total``, ``serving_<kind>``, ``serving_total`` per area (in that order)."""
    na = loc.shape[0]
    loc_k = (loc @ incidence).toarray() if kinds else np.zeros((na, 0), np.int64)
    srv_k = (srv @ incidence).toarray() if kinds else np.zeros((na, 0), np.int64)
    counts: dict[str, np.ndarray] = {f"located_{k}": loc_k[:, j] for j, k in enumerate(kinds)}
    counts["located_total"] = np.asarray(loc.sum(axis=1)).ravel()
    counts.update({f"serving_{k}": srv_k[:, j] for j, k in enumerate(kinds)})
    counts["serving_total"] = np.asarray(srv.sum(axis=1)).ravel()
    return counts


def _focal_reach(out: pd.DataFrame, data: PartnerData, focal_pos: int, G: Any, srv: sparse.csr_matrix) -> list[str]:
    """Add the focal columns to ``out`` (directly, through partners); returns the partners."""
    orgs = data.organizations
    partners = _partners(data, orgs.index[focal_pos], G)
    pcols = orgs.index.get_indexer(partners)
    pcols = pcols[pcols >= 0]
    srv_c = srv.tocsc()
    focal_reaches = np.asarray(srv_c[:, [focal_pos]].sum(axis=1)).ravel() > 0
    through = (np.asarray(srv_c[:, pcols].sum(axis=1)).ravel().astype(np.int64) if len(pcols)
               else np.zeros(srv.shape[0], np.int64))
    out["focal_reaches"] = focal_reaches
    out["partners_reaching"] = through
    out["partner_reaches"] = through > 0
    out["focal_reach"] = np.where(focal_reaches, "direct", np.where(through > 0, "through_partners", "not_reached"))
    return partners


def _to_gdf(df: pd.DataFrame, geometry: Any) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geometry.to_numpy(), index=df.index, crs=_WGS84),
                           crs=_WGS84)
    gdf.index.name = "area_id"
    return gdf


def _partners(data: PartnerData, focal: str, G: Any) -> list[str]:
    if G is None:
        G = build_graph(data)
    if focal not in G:
        return []
    return sorted(str(p) for p in set(G.neighbors(focal)) if p != focal)


def location_problems(
    data: PartnerData,
    *,
    areas: gpd.GeoDataFrame | str | Path | None = None,
    h3_resolution: int = DEFAULT_H3_RESOLUTION,
) -> pd.DataFrame:
    """Where the organisations' locations fall short, as one table.

    The same table :func:`coverage` keeps in ``attrs["problems"]``, without computing the
    coverage: organisations without coordinates or with placeholders such as (0, 0),
    organisations outside every area (with the nearest area and distance in km),
    repaired or unusable area polygons, overlapping areas.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    areas, h3_resolution
        As for :func:`coverage`.

    Returns
    -------
    pandas.DataFrame
        ``problem``, ``severity``, ``org_id``, ``area_id``, ``other_area_id``,
        ``distance_km``, ``overlap_share``, ``message``; one row per problem.

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.coverage import location_problems
    >>> table = location_problems(pm.load(pm.datasets.demo_path()))
    >>> "problem" in table.columns
    True
    """
    orgs = data.organizations
    lon, lat, declared, rows = _geo._org_locations(data)
    _valid_declared(declared, orgs.index, rows)
    if not np.isfinite(lon).any() and areas is None and data.areas is None:
        return _problems_frame(rows)
    radius_m, _ = _geo._radii_m(data, None, _geo.DEFAULT_RADIUS_KM)
    frame, area_rows = _areas_for(data, areas, lon, lat, h3_resolution, radius_m)
    rows += area_rows
    loc_o, _ = _located_pairs(frame, lon, lat)
    located = np.zeros(len(orgs), bool)
    located[loc_o] = True
    located[frame.left_out] = True
    return _problems_frame(rows, _outside(frame, orgs.index, lon, lat, located))


# ------------------------------------------------------------------------- gaps


def _kind_phrase(by: str | None, kind: str, count: int) -> str:
    """'public-sector organisation', 'organisations offering volunteers', … (count sets the number)."""
    noun = "organisation" if count == 1 else "organisations"
    if kind == "total" or by is None:
        return noun
    if by == "sector":
        label = schema.SECTORS[kind].en.lower() if kind in schema.SECTORS else kind.replace("_", " ")
        return f"{label}-sector {noun}" if kind == "public" else f"{label} {noun}"
    word = kind.replace("_", " ")
    if by == "org_type":
        label = schema.ORG_TYPES[kind].en.lower() if kind in schema.ORG_TYPES else word
        return f"{noun} of type '{label}'"
    if by == "offers":
        return f"{noun} offering {word}"
    if by == "needs":
        return f"{noun} needing {word}"
    if by == "causes":
        return f"{noun} working on {word}"
    return f"{noun} with {by} '{word}'"


def underserved(
    cov: gpd.GeoDataFrame,
    *,
    of: str = "total",
    min_count: int = 1,
    weight: str = "population",
) -> gpd.GeoDataFrame:
    """Areas with fewer than ``min_count`` organisations of a kind within reach, worst first.

    Parameters
    ----------
    cov
        What :func:`coverage` returned.
    of
        The kind to look for (a ``serving_<kind>`` column of ``cov``, e.g. ``"public"``
        after ``by="sector"``), or ``"total"`` for any organisation.
    min_count
        How many organisations of that kind each area should have within reach.
    weight
        The area column that says how much a gap matters: ``population`` (the default;
        ignored when the areas have none) or a need indicator such as
        ``households_in_need``.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``area_id``: ``rank`` (1 = worst), ``of``, ``serving``, ``deficit``
        (``min_count - serving``), ``population``, the ``weight`` column when it is not
        population, ``score`` (weight × deficit; the deficit alone without population),
        ``reason`` in plain words ("no public-sector organisation within reach; 42,000
        residents"), ``name`` where the areas have one, and the polygon. Ranked by score,
        then deficit, then ``area_id``; areas whose weight is unknown come last.

    Raises
    ------
    ParameterError
        When ``min_count`` is below 1, ``cov`` has no ``serving_<of>`` column (the
        message lists the kinds), or no ``weight`` column other than the default.

    See Also
    --------
    coverage : the table this ranks.

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.coverage import coverage, underserved
    >>> gaps = underserved(coverage(pm.load(pm.datasets.demo_path())), of="public")
    >>> gaps["rank"].is_monotonic_increasing
    True
    """
    meta, key, col = _underserved_column(cov, of, min_count, weight)
    serving = cov[col].to_numpy(dtype=np.int64)
    deficit = np.clip(min_count - serving, 0, None)
    by, near = meta.get("by"), meta.get("radius_km")
    within = f"within {near:g} km" if near is not None else "within reach"
    pop = _numbers(cov["population"]) if "population" in cov.columns else np.full(len(cov), np.nan)
    has_pop = "population" in cov.columns
    w = _numbers(cov[weight]) if weight in cov.columns else None
    score = w * deficit if w is not None else deficit.astype(float)
    out = pd.DataFrame({"of": key, "serving": serving, "deficit": deficit, "population": pop},
                       index=cov.index)
    if w is not None and weight != "population":
        out[weight] = w
    out["score"] = score
    if "name" in cov.columns:
        out["name"] = cov["name"].to_numpy()
    out = out[deficit > 0].sort_index(kind="stable")
    out = out.sort_values(["score", "deficit"], ascending=False, na_position="last", kind="stable")
    out.insert(0, "rank", np.arange(1, len(out) + 1, dtype=np.int64))
    extra = weight if w is not None and weight != "population" else None
    out["reason"] = _underserved_reasons(out, by, key, within, min_count, has_pop, extra)
    result = gpd.GeoDataFrame(out, geometry=cov.geometry.loc[out.index].to_numpy(), crs=cov.crs)
    result.index.name = "area_id"
    result.attrs["coverage"] = dict(meta)
    wanted = f"no {_kind_phrase(by, key, 1)}" if min_count == 1 else \
        f"fewer than {min_count} {_kind_phrase(by, key, 2)}"
    log.info("underserved: %d of %d areas have %s %s", len(result), len(cov), wanted, within)
    return result


def _underserved_column(cov: gpd.GeoDataFrame, of: str, min_count: int,
                        weight: str) -> tuple[dict[str, Any], str, str]:
    """The coverage parameters, the kind key and its ``serving_`` column; ParameterError for bad arguments."""
    if not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise ParameterError(f"min_count must be a whole number of 1 or more, not {min_count!r}.")
    meta = cov.attrs.get("coverage", {}) if isinstance(cov.attrs.get("coverage"), dict) else {}
    key = "total" if of == "total" else _key(of)
    col = f"serving_{key}"
    if col not in cov.columns:
        have = [c[len("serving_"):] for c in cov.columns if c.startswith("serving_")]
        raise ParameterError(
            f"the coverage table has no '{col}' column; of= must be one of {', '.join(have)} "
            f"(the kinds of by='{meta.get('by')}'), or run coverage with another by=.")
    if weight != "population" and schema.is_private(weight):
        raise ParameterError(f"weight='{weight}' is a private column; weigh the gaps by population or a need "
                             "indicator.")
    if weight not in cov.columns and weight != "population":
        numeric = [c for c in cov.columns if c not in ("geometry",) and not c.startswith(
            ("located_", "serving_", "population_reached_", "focal_", "partner")) and not schema.is_private(c)]
        raise ParameterError(
            f"weight='{weight}' is not a column of the areas; choose one of: {', '.join(numeric)}.")
    return meta, key, col


def _underserved_reasons(out: pd.DataFrame, by: str | None, key: str, within: str, min_count: int,
                         has_pop: bool, weight: str | None) -> list[str]:
    """One plain sentence per area: how many serve it, and its population (and ``weight``) when known."""
    wname = weight.replace("_", " ") if weight else ""
    reasons = []
    for i, (s, p) in enumerate(zip(out["serving"].to_numpy(), out["population"].to_numpy(), strict=True)):
        if s == 0:
            text = f"no {_kind_phrase(by, key, 1)} {within}"
        else:
            text = f"only {s} {_kind_phrase(by, key, int(s))} {within} (at least {min_count} wanted)"
        tails = []
        if has_pop:
            tails.append("population unknown" if np.isnan(p)
                         else "1 resident" if p == 1 else f"{p:,.0f} residents")
        if weight:
            v = out[weight].iloc[i]
            tails.append(f"{wname} unknown" if np.isnan(v) else f"{v:,.0f} {wname}")
        reasons.append("; ".join([text, ", ".join(tails)]) if tails else text)
    return reasons


def _numbers(col: pd.Series) -> np.ndarray:
    """A column as floats (text such as '1,350' parsed; anything else NaN)."""
    if pd.api.types.is_numeric_dtype(col):
        return col.to_numpy(dtype=float)
    text = col.astype(object).where(col.notna(), "").astype(str).str.replace(",", "", regex=False)
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)


def coverage_summary(cov: gpd.GeoDataFrame) -> pd.DataFrame:
    """Totals per kind: areas reached and, with population, the share of residents within reach.

    Parameters
    ----------
    cov
        What :func:`coverage` returned.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``kind`` (each kind, then ``total``): ``located`` (organisations located
        in an area; counted twice where areas overlap), ``areas``, ``areas_reached``,
        ``share_areas_reached`` and, with population, ``population``,
        ``population_reached``, ``share_population_reached`` (0–1).

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.coverage import coverage, coverage_summary
    >>> s = coverage_summary(coverage(pm.load(pm.datasets.demo_path())))
    >>> s.index[-1]
    'total'
    """
    kinds = [c[len("serving_"):] for c in cov.columns if c.startswith("serving_")]
    has_pop = "population" in cov.columns and pd.api.types.is_numeric_dtype(cov["population"])
    rows = []
    total_pop = float(np.nansum(cov["population"].to_numpy(dtype=float))) if has_pop else math.nan
    for k in kinds:
        served = cov[f"serving_{k}"].to_numpy() > 0
        row: dict[str, Any] = {
            "kind": k,
            "located": int(cov[f"located_{k}"].sum()) if f"located_{k}" in cov.columns else 0,
            "areas": len(cov), "areas_reached": int(served.sum()),
            "share_areas_reached": float(served.mean()) if len(cov) else math.nan,
        }
        if has_pop:
            reached = float(np.nansum(cov["population"].to_numpy(dtype=float)[served]))
            row.update(population=total_pop, population_reached=reached,
                       share_population_reached=reached / total_pop if total_pop else math.nan)
        rows.append(row)
    return pd.DataFrame(rows).set_index("kind")
