"""Geography shared by several modules: distances, the lat/lon checker, locations, service radii.

:func:`_check_points` is the one place the coordinate rules live (range, placeholder,
probable swap, far from the rest): a data folder (:mod:`partnermap._validate`) and an
HSDS package (:mod:`partnermap.hsds`) both call it, with their own column names and
severity.

Private: imported as a module (``from . import _geo``), never re-exported.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import _common
from ._data import PartnerData, Severity
from ._errors import ParameterError

_WGS84 = "EPSG:4326"

#: Reach of an organisation with neither a declared area nor ``service_radius_km``.
DEFAULT_RADIUS_KM = 5.0
#: (lat, lon) pairs that mark a missing location rather than a place.
PLACEHOLDER_COORDINATES = ((0.0, 0.0), (-1.0, -1.0), (1.0, 1.0))
#: Degrees within which a point is that placeholder (about 0.1 m): -0.9999999999999432, a reprojected -1, is -1.
_PLACEHOLDER_TOLERANCE = 1e-6
#: A point is far from the others beyond this many km (or ten times their typical distance) ...
_FAR_KM = 100.0
#: ... and probably swapped if, swapped back, it lands within this many km (or twice the typical distance).
_NEAR_KM = 50.0
#: With fewer located points there is no typical distance: each is compared with the others' median.
_MIN_SPREAD = 5

#: ``emit(severity, column, position, message, fix)``: how a caller records one coordinate problem.
Emit = Callable[[Severity, str, int, str, str], None]


def _haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def _check_points(lat_text: Sequence[str], lon_text: Sequence[str], emit: Emit, *,
                  names: tuple[str, str] = ("lat", "lon"), severity: Severity = "error", what: str = "organisation",
                  keep: np.ndarray | None = None,
                  extent: tuple[float, float, float, float] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read and check text coordinates: (lat, lon, flagged), NaN where there is no usable place.

    ``severity`` is that of values that are not numbers or out of range: ``"error"`` in a
    data folder (the run stops), ``"warning"`` in a directory such as HSDS (the ``what``
    is kept without coordinates). ``flagged`` marks the rows that got a message and have
    no location now, so callers do not also list them as "no coordinates". The rules
    after reading are those of :func:`_check_located`.
    """
    lat, lon, flagged = _parse_points(lat_text, lon_text, emit, names=names, severity=severity, what=what)
    flagged |= _check_located(lat, lon, emit, names=names, what=what, keep=keep, extent=extent,
                              written=(lat_text, lon_text))
    return lat, lon, flagged


def _outside_degrees(geoms: Sequence[Any]) -> np.ndarray:
    """Where a shape (in EPSG:4326) reaches beyond ±180 longitude or ±90 latitude, or has no finite bounds.

    Missing and empty shapes are not flagged (other rules speak of them).
    """
    arr = np.asarray(geoms, dtype=object)
    b = shapely.bounds(arr)
    present = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(b).all(axis=1) | (b[:, 0] < -180) | (b[:, 2] > 180) | (b[:, 1] < -90) | (b[:, 3] > 90)
    return bad & present


def _bounds_text(g: shapely.Geometry) -> str:
    """'lon 50 to 500, lat 26.3 to 26.5': a shape's extent, for a message."""
    minx, miny, maxx, maxy = g.bounds
    return f"lon {minx:g} to {maxx:g}, lat {miny:g} to {maxy:g}"


def _placeholders(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Where (lat, lon) is one of :data:`PLACEHOLDER_COORDINATES`, within :data:`_PLACEHOLDER_TOLERANCE`."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    hit = np.zeros(lat.shape, dtype=bool)
    for pla, plo in PLACEHOLDER_COORDINATES:
        hit |= (np.abs(lat - pla) <= _PLACEHOLDER_TOLERANCE) & (np.abs(lon - plo) <= _PLACEHOLDER_TOLERANCE)
    return hit


def _degrees(x: float) -> str:
    """A coordinate as it was read, every digit kept: -1 and -0.9999999999999432, not -1 for both."""
    return np.format_float_positional(float(x), trim="-")


def _parse_points(lat_text: Sequence[str], lon_text: Sequence[str], emit: Emit, *, names: tuple[str, str],
                  severity: Severity, what: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Numbers (Latin or Arabic-Indic digits) within ±90 / ±180; a message for every other value."""
    la, lo = names
    kept = "" if severity == "error" else f"; the {what} is kept without coordinates"
    n = len(lat_text)
    lat, lon = np.full(n, np.nan), np.full(n, np.nan)
    flagged = np.zeros(n, dtype=bool)
    for i, (a, b) in enumerate(zip(lat_text, lon_text, strict=True)):
        if not a and not b:
            continue
        x, y = (_common._number(a) if a else None), (_common._number(b) if b else None)
        bad = [(c, v) for c, v, num in ((la, a, x), (lo, b, y)) if v and num is None]
        flagged[i] = True  # until proven good
        for c, v in bad:
            emit(severity, c, i, f"{c} '{v}' is not a number{kept}.", "Write decimal degrees, e.g. 26.43 and 50.10.")
        if bad:
            continue
        if x is None or y is None:
            emit("warning", la if x is None else lo, i,
                 f"only one of {la}/{lo} is given; the {what} is kept without coordinates.", "Add both.")
            continue
        if abs(x) > 90 or abs(y) > 180:
            emit(severity, la if abs(x) > 90 else lo, i, *_out_of_range(x, y, names, kept))
            continue
        lat[i], lon[i] = x, y
        flagged[i] = False
    return lat, lon, flagged


def _out_of_range(x: float, y: float, names: tuple[str, str], kept: str) -> tuple[str, str]:
    """Message and fix for a latitude beyond ±90 or a longitude beyond ±180."""
    la, lo = names
    if abs(x) <= 180 and abs(y) <= 90:
        fix = f"{la.capitalize()} and {lo} look swapped: swap them."
    else:
        fix = f"{la.capitalize()} must be within ±90 and {lo} within ±180 degrees (WGS84)."
    if not kept:  # an error: name the first value that is wrong
        c, v = (la, x) if abs(x) > 90 else (lo, y)
        return f"{c} {v:g} is outside the valid range.", fix
    parts = ([f"{la} {x:g} is outside ±90"] if abs(x) > 90 else []) + \
        ([f"{lo} {y:g} is outside ±180"] if abs(y) > 180 else [])
    return f"{' and '.join(parts)}{kept}.", fix


def _check_located(lat: np.ndarray, lon: np.ndarray, emit: Emit, *, names: tuple[str, str] = ("lat", "lon"),
                   what: str = "organisation", keep: np.ndarray | None = None,
                   extent: tuple[float, float, float, float] | None = None,
                   written: tuple[Sequence[str], Sequence[str]] | None = None) -> np.ndarray:
    """Placeholders, probable swaps and far-away points, in place; returns the rows blanked.

    Placeholders such as (0, 0) become NaN, also when written as a float a reprojection left
    behind (-0.9999999999999432); the message shows the value as ``written`` (the text of
    each cell) or else with all its digits. A point more than :data:`_FAR_KM` (or ten
    typical distances) from the median of the others is reported; if swapping it
    brings it within :data:`_NEAR_KM` (or two typical distances) it is swapped instead.
    With fewer than :data:`_MIN_SPREAD` located points only swaps are looked for: a
    point is compared with the median of the two or more others, or else with the
    ``extent`` (minx, miny, maxx, maxy in degrees) of the areas. Rows where ``keep`` is
    False are left alone.
    """
    keep = np.ones(len(lat), dtype=bool) if keep is None else keep
    blanked = np.zeros(len(lat), dtype=bool)
    for i in np.flatnonzero(_placeholders(lat, lon)):
        a, b = (written[0][i], written[1][i]) if written is not None else (_degrees(lat[i]), _degrees(lon[i]))
        emit("warning", names[0], i, f"({a}, {b}) looks like a placeholder, not a place; "
             f"the {what} is kept without coordinates.", "Add the real coordinates.")
        lat[i] = lon[i] = np.nan
        blanked[i] = True
    ok = ~np.isnan(lat) & keep
    if ok.sum() >= _MIN_SPREAD:
        _far_from_the_rest(lat, lon, ok, emit, names, what)
    else:
        _swapped_among_few(lat, lon, ok, emit, names, what, extent)
    return blanked


def _far_from_the_rest(lat: np.ndarray, lon: np.ndarray, ok: np.ndarray, emit: Emit, names: tuple[str, str],
                       what: str) -> None:
    mlat, mlon = np.median(lat[ok]), np.median(lon[ok])
    d = _haversine_km(lat, lon, mlat, mlon)
    typical = float(np.median(d[ok]))
    limit = max(_FAR_KM, 10 * typical)
    for i in np.flatnonzero(ok & (d > limit)):
        swapped = _haversine_km(lon[i], lat[i], mlat, mlon)
        if swapped <= max(_NEAR_KM, 2 * typical) and abs(lon[i]) <= 90:
            _swap(lat, lon, i, emit, names, what, d[i], swapped, "the others")
        else:
            emit("warning", names[0], i, f"({lat[i]:g}, {lon[i]:g}) is {d[i]:,.0f} km from the other {what}s.",
                 "Check the coordinates.")


def _swapped_among_few(lat: np.ndarray, lon: np.ndarray, ok: np.ndarray, emit: Emit, names: tuple[str, str],
                       what: str, extent: tuple[float, float, float, float] | None) -> None:
    located = np.flatnonzero(ok)
    for i in located:
        if abs(lon[i]) > 90:
            continue  # swapped, it would not be a latitude
        others = located[located != i]
        if len(others) >= 2:
            mlat, mlon = np.median(lat[others]), np.median(lon[others])
            d, swapped = _haversine_km(lat[i], lon[i], mlat, mlon), _haversine_km(lon[i], lat[i], mlat, mlon)
            if d > _FAR_KM and swapped <= _NEAR_KM:
                _swap(lat, lon, i, emit, names, what, d, swapped, "the others")
                continue
        if extent is not None:
            d, swapped = _km_outside(lat[i], lon[i], extent), _km_outside(lon[i], lat[i], extent)
            if d > _FAR_KM and swapped <= _NEAR_KM:
                _swap(lat, lon, i, emit, names, what, d, swapped, "the areas")


def _km_outside(lat: float, lon: float, extent: tuple[float, float, float, float]) -> float:
    """Distance in km from a point to a (minx, miny, maxx, maxy) box in degrees; 0 inside it."""
    minx, miny, maxx, maxy = extent
    return float(_haversine_km(lat, lon, min(max(lat, miny), maxy), min(max(lon, minx), maxx)))


def _swap(lat: np.ndarray, lon: np.ndarray, i: int, emit: Emit, names: tuple[str, str], what: str,
          written_km: float, swapped_km: float, reference: str) -> None:
    la, lo = names
    emit("warning", la, i, f"{la}/{lo} ({lat[i]:g}, {lon[i]:g}) look swapped: as written the {what} is "
         f"{written_km:,.0f} km from {reference}; swapped it is {swapped_km:,.0f} km. Used the swapped values.",
         f"Swap {la} and {lo} in the file.")
    lat[i], lon[i] = lon[i], lat[i]


def _org_locations(data: PartnerData) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list[dict]]:
    """lon, lat (NaN where unknown or a placeholder), declared polygons, problems."""
    orgs = data.organizations
    n = len(orgs)
    if "lat" in orgs.columns and "lon" in orgs.columns:
        lat = pd.to_numeric(orgs["lat"], errors="coerce").to_numpy(dtype=float, copy=True)
        lon = pd.to_numeric(orgs["lon"], errors="coerce").to_numpy(dtype=float, copy=True)
    elif isinstance(orgs, gpd.GeoDataFrame) and orgs.geometry.name in orgs.columns:
        g = orgs.geometry
        if g.crs is not None and g.crs.to_epsg() != 4326:
            g = g.to_crs(_WGS84)
        pts = np.asarray(g.values, dtype=object)
        nonpoint = ~shapely.is_missing(pts) & (shapely.get_type_id(pts) != 0)
        pts = pts.copy()
        pts[nonpoint] = shapely.point_on_surface(pts[nonpoint])
        lon, lat = shapely.get_x(pts), shapely.get_y(pts)
    else:
        lat = np.full(n, np.nan)
        lon = np.full(n, np.nan)
    ids = orgs.index
    rows: list[dict] = []
    placeholder = _placeholders(lat, lon)
    for i in np.flatnonzero(placeholder):
        rows.append(_row("placeholder_coordinates", org_id=ids[i],
                         message=f"({_degrees(lat[i])}, {_degrees(lon[i])}) looks like a placeholder, not a place; "
                                 "left out of the coverage as if it had no coordinates."))
    lat[placeholder] = lon[placeholder] = np.nan
    missing = ~(np.isfinite(lat) & np.isfinite(lon))
    lat[missing] = lon[missing] = np.nan
    flagged = {p.ref for p in data.report.problems
               if p.severity == "warning" and "placeholder" in p.message and p.ref}
    declared = None
    if "area_geometry" in orgs.columns:
        declared = np.asarray(orgs["area_geometry"].to_numpy(), dtype=object).copy()
        declared[pd.isna(pd.Series(declared, dtype=object)).to_numpy()] = None
    for i in np.flatnonzero(missing & ~placeholder):
        oid = ids[i]
        had = " (a placeholder location such as (0, 0) was left out when loading)" if oid in flagged else ""
        serve = ("; its declared service area still counts" if declared is not None and declared[i] is not None
                 else "; left out of the coverage")
        rows.append(_row("placeholder_coordinates" if had else "no_coordinates", org_id=oid,
                         message=f"no coordinates{had}{serve}."))
    return lon, lat, declared, rows


def _row(problem: str, *, org_id: Any = None, area_id: Any = None, other_area_id: Any = None,
         distance_km: float = math.nan, overlap_share: float = math.nan, message: str = "",
         severity: str = "warning") -> dict[str, Any]:
    return {"problem": problem, "severity": severity, "org_id": org_id, "area_id": area_id,
            "other_area_id": other_area_id, "distance_km": distance_km,
            "overlap_share": overlap_share, "message": message}


def _radii_m(data: PartnerData, radius_km: float | None,
             default_radius_km: float) -> tuple[np.ndarray, np.ndarray]:
    """Reach of each organisation in metres, and the basis of each (for service_areas)."""
    for name, v in (("radius_km", radius_km), ("default_radius_km", default_radius_km)):
        if v is not None and not (isinstance(v, (int, float, np.number)) and math.isfinite(v) and v >= 0):
            raise ParameterError(f"{name} must be a distance in km (0 or more), not {v!r}.")
    orgs = data.organizations
    n = len(orgs)
    if radius_km is not None:
        return np.full(n, float(radius_km) * 1000), np.full(n, "radius_km", dtype=object)
    own = (pd.to_numeric(orgs["service_radius_km"], errors="coerce").to_numpy(dtype=float)
           if "service_radius_km" in orgs.columns else np.full(n, np.nan))
    own = np.where(own >= 0, own, np.nan)
    has = np.isfinite(own)
    basis = np.where(has, "service_radius_km", "default").astype(object)
    return np.where(has, own, default_radius_km) * 1000, basis
