"""Geography shared by several modules: distances, organisation locations, service radii.

Private: imported as a module (``from . import _geo``), never re-exported.
"""

from __future__ import annotations

import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ._data import PartnerData
from ._errors import PartnermapError

_WGS84 = "EPSG:4326"

#: Reach of an organisation with neither a declared area nor ``service_radius_km``.
DEFAULT_RADIUS_KM = 5.0
#: (lat, lon) pairs that mark a missing location rather than a place.
PLACEHOLDER_COORDINATES = ((0.0, 0.0), (-1.0, -1.0), (1.0, 1.0))


def _haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


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
    placeholder = np.zeros(n, bool)
    for pla, plo in PLACEHOLDER_COORDINATES:
        placeholder |= (lat == pla) & (lon == plo)
    for i in np.flatnonzero(placeholder):
        rows.append(_row("placeholder_coordinates", org_id=ids[i],
                         message=f"({lat[i]:g}, {lon[i]:g}) looks like a placeholder, not a place; "
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
            raise PartnermapError(f"{name} must be a distance in km (0 or more), not {v!r}.")
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
