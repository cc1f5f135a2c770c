"""Coverage on hand-checkable geometry: known distances, a bow-tie, a point outside every
area, areas in another CRS, overlaps, the H3 fallback, population by hand, network reach,
and the ranking of under-served areas."""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

import partnermap as pm
from partnermap import PartnerData, datasets
from partnermap.coverage import (
    LocationProblems,
    area_grid,
    coverage,
    coverage_summary,
    location_problems,
    read_areas,
    service_areas,
    underserved,
)

from .conftest import write

GEOD = pyproj.Geod(ellps="WGS84")
LAT0, LON0 = 26.30, 50.10  # Khobar-ish


def offset(lat: float, lon: float, east_km: float = 0.0, north_km: float = 0.0) -> tuple[float, float]:
    """(lat, lon) of the point ``east_km`` then ``north_km`` away on the ellipsoid."""
    lon1, lat1, _ = GEOD.fwd(lon, lat, 90.0, east_km * 1000) if east_km else (lon, lat, 0)
    lon2, lat2, _ = GEOD.fwd(lon1, lat1, 0.0, north_km * 1000) if north_km else (lon1, lat1, 0)
    return lat2, lon2


def square(lat: float, lon: float, half_km: float) -> shapely.Polygon:
    """A square of side 2 × half_km centred on (lat, lon), edges along meridians and parallels."""
    s, _ = offset(lat, lon, north_km=-half_km)
    n, _ = offset(lat, lon, north_km=half_km)
    _, w = offset(lat, lon, east_km=-half_km)
    _, e = offset(lat, lon, east_km=half_km)
    return shapely.box(w, s, e, n)


def orgs_frame(rows: list[dict]) -> gpd.GeoDataFrame:
    df = pd.DataFrame(rows)
    defaults = {"name": None, "sector": "public", "org_type": None, "lat": np.nan, "lon": np.nan,
                "service_radius_km": np.nan}
    for c, v in defaults.items():
        if c not in df.columns:
            df[c] = v
    df["name"] = df["name"].fillna(df["org_id"])
    df = df.set_index("org_id")
    pts = gpd.points_from_xy(df["lon"], df["lat"])
    gdf = gpd.GeoDataFrame(df, geometry=pts, crs="EPSG:4326")
    gdf.loc[gdf["lat"].isna(), "geometry"] = None
    return gdf


def make_data(rows: list[dict], areas: gpd.GeoDataFrame | None = None,
              ties: list[tuple[str, str, str]] = ()) -> PartnerData:
    rel = pd.DataFrame(
        [{"source": s, "target": t, "status": st, "kind": "partnership", "directed": False, "weight": 1.0}
         for s, t, st in ties],
        columns=["source", "target", "status", "kind", "directed", "weight"],
        index=pd.Index([f"T{i}" for i in range(len(ties))], name="tie_id"))
    return PartnerData(orgs_frame(rows), rel, areas, pm.LoadReport(), "hand-made")


def areas_frame(polys: dict[str, shapely.Polygon], **cols) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame({"area_id": list(polys), **cols}, geometry=list(polys.values()), crs="EPSG:4326")
    return gdf.set_index("area_id")


def problems(cov) -> pd.DataFrame:
    assert isinstance(cov.attrs["problems"], LocationProblems)
    return cov.attrs["problems"].to_frame()


# ------------------------------------------------------------------ distances


def test_points_at_known_distances_serve_only_within_their_radius() -> None:
    area = square(LAT0, LON0, 1.0)  # 2 km × 2 km
    east_edge = area.bounds[2]
    rows = [{"org_id": "IN", "lat": LAT0, "lon": LON0, "service_radius_km": 0.1}]
    for oid, km, radius in (("NEAR", 3.0, 3.1), ("SHORT", 3.0, 2.9), ("FAR", 10.0, 9.8), ("REACH", 10.0, 10.2)):
        lat, lon = offset(LAT0, east_edge, east_km=km)
        rows.append({"org_id": oid, "lat": lat, "lon": lon, "service_radius_km": radius})
    data = make_data(rows, areas_frame({"SQ": area}))
    cov = coverage(data)
    assert cov.loc["SQ", "located_total"] == 1          # only IN is inside
    assert cov.loc["SQ", "serving_total"] == 3          # IN, NEAR, REACH
    sa = service_areas(data)
    assert set(sa.index[sa.intersects(area)]) == {"IN", "NEAR", "REACH"}
    # the three outside points are listed with their distance to the square
    out = problems(cov).set_index("org_id").loc[["NEAR", "SHORT", "FAR"]]
    assert (out["problem"] == "outside_areas").all() and (out["area_id"] == "SQ").all()
    np.testing.assert_allclose(out["distance_km"], [3.0, 3.0, 10.0], rtol=0.01)


def test_an_organisation_always_serves_the_area_it_stands_in() -> None:
    """Even an area too wide for one projection (here almost the whole globe)."""
    world = shapely.box(-179.0, -80.0, 179.0, 80.0)
    rows = [{"org_id": "A", "lat": LAT0, "lon": LON0, "service_radius_km": 2.0}]
    cov = coverage(make_data(rows, areas_frame({"WORLD": world, "HERE": square(LAT0, LON0, 1.0)})), focal="A")
    assert cov.loc["WORLD", ["located_total", "serving_total"]].tolist() == [1, 1]
    assert cov.loc["WORLD", "focal_reaches"]


def test_uniform_radius_overrides_own_radii_and_default_applies_without_one() -> None:
    area = square(LAT0, LON0, 0.5)
    lat, lon = offset(LAT0, area.bounds[2], east_km=4.0)
    data = make_data([{"org_id": "A", "lat": lat, "lon": lon, "service_radius_km": 1.0},
                      {"org_id": "B", "lat": lat, "lon": lon}], areas_frame({"SQ": area}))
    assert coverage(data, default_radius_km=3.0).loc["SQ", "serving_total"] == 0
    assert coverage(data, default_radius_km=4.2).loc["SQ", "serving_total"] == 1   # B only
    assert coverage(data, radius_km=4.2).loc["SQ", "serving_total"] == 2
    with pytest.raises(pm.PartnermapError, match="radius_km must be a distance"):
        coverage(data, radius_km=-1)


@pytest.mark.parametrize("lons", [(50.0, 50.3), (10.0, 55.0)], ids=["one-zone", "many-zones"])
def test_service_circles_are_buffered_in_metres_not_degrees(lons) -> None:
    rows = [{"org_id": f"O{i}", "lat": 60.0 if i else 26.0, "lon": lon, "service_radius_km": 5.0}
            for i, lon in enumerate(lons)]
    sa = service_areas(make_data(rows))
    assert sa.crs.to_epsg() == 4326 and list(sa["basis"]) == ["service_radius_km"] * 2
    for oid, geom in sa.geometry.items():
        area_km2 = abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6
        assert area_km2 == pytest.approx(math.pi * 25, rel=0.01), oid
        org = sa.loc[oid]
        lat, lon = rows[int(oid[1])]["lat"], rows[int(oid[1])]["lon"]
        # every vertex 5 km from the centre, whatever the latitude
        xs, ys = geom.exterior.coords.xy
        _, _, d = GEOD.inv(np.full(len(xs), lon), np.full(len(xs), lat), np.asarray(xs), np.asarray(ys))
        np.testing.assert_allclose(d, 5000, rtol=0.005, err_msg=str(org["basis"]))


def test_wide_extent_counts_use_each_zones_metres() -> None:
    west, east = square(26.0, 39.0, 1.0), square(26.0, 55.0, 1.0)
    rows = []
    for oid, (lat, lon) in {"W": offset(26.0, west.bounds[2], east_km=4.0),
                            "E": offset(26.0, east.bounds[2], east_km=4.0)}.items():
        rows.append({"org_id": oid, "lat": lat, "lon": lon, "service_radius_km": 4.1})
        rows.append({"org_id": oid + "2", "lat": lat, "lon": lon, "service_radius_km": 3.9})
    cov = coverage(make_data(rows, areas_frame({"west": west, "east": east})))
    assert cov["serving_total"].to_dict() == {"west": 1, "east": 1}


# ---------------------------------------------------------------- bad geometry


BOW_TIE = shapely.Polygon([(50.0, 26.0), (50.02, 26.02), (50.02, 26.0), (50.0, 26.02), (50.0, 26.0)])


def test_bow_tie_area_is_repaired_with_a_warning_naming_it(caplog) -> None:
    assert not BOW_TIE.is_valid
    good = shapely.box(50.03, 26.0, 50.05, 26.02)
    lat, lon = 26.01, 50.004  # inside the left lobe of the bow-tie
    data = make_data([{"org_id": "A", "lat": lat, "lon": lon, "service_radius_km": 0.1}],
                     areas_frame({"BOW": BOW_TIE, "OK": good}))
    with caplog.at_level(logging.WARNING, logger="partnermap"):
        cov = coverage(data)
    assert cov.geometry.is_valid.all()
    assert cov.loc["BOW", "located_total"] == 1
    p = problems(cov)
    row = p[p["problem"] == "invalid_area"].iloc[0]
    assert row["area_id"] == "BOW" and "Self-intersection" in row["message"]
    assert any("invalid_area: BOW" in r.getMessage() for r in caplog.records)
    assert not data.areas.geometry.is_valid.all()  # the input is left as it was


def _geojson(path: Path, features: list[tuple[str, shapely.Polygon, dict]]) -> Path:
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"area_id": aid, **props}, "geometry": shapely.geometry.mapping(g)}
        for aid, g, props in features]}
    path.write_text(json.dumps(fc), encoding="utf-8")
    return path


def test_areas_file_bow_tie_repaired_and_reported(tmp_path: Path, caplog) -> None:
    path = _geojson(tmp_path / "wards.geojson", [("W1", BOW_TIE, {"population": "1,200"}),
                                                 ("W2", shapely.box(50.03, 26.0, 50.05, 26.02), {})])
    report = pm.LoadReport()
    with caplog.at_level(logging.WARNING, logger="partnermap"):
        areas = read_areas(path, report=report)
    assert areas.index.name == "area_id" and areas.geometry.is_valid.all()
    assert areas.loc["W1", "population"] == 1200
    assert "W1" in areas.attrs["repaired"]
    assert any(p.ref == "W1" and "invalid polygon" in p.message for p in report.warnings)
    assert any("'W1' had an invalid polygon" in r.getMessage() for r in caplog.records)
    data = make_data([{"org_id": "A", "lat": 26.01, "lon": 50.004}])
    p = problems(coverage(data, areas=areas))
    assert p.loc[p["problem"] == "invalid_area", "area_id"].tolist() == ["W1"]
    p = problems(coverage(data, areas=str(path)))  # a path works too
    assert p.loc[p["problem"] == "invalid_area", "area_id"].tolist() == ["W1"]


def test_areas_in_a_data_folder_carry_the_loaders_repair(folder) -> None:
    f = folder(orgs="org_id,name,sector,lat,lon\nA,Alpha,public,26.01,50.004\n")
    _geojson(f / "areas.geojson", [("W1", BOW_TIE, {"name": "Ward 1"})])
    data = pm.load(f)
    p = problems(coverage(data))
    assert p.loc[p["problem"] == "invalid_area", "area_id"].tolist() == ["W1"]
    assert coverage(data).loc["W1", "located_total"] == 1


def test_unusable_areas_file_raises_with_every_problem(tmp_path: Path) -> None:
    bad = write(tmp_path, "areas.csv", "area_id,name\nA,Alpha\n")
    with pytest.raises(pm.DataValidationError, match="no polygons"):
        read_areas(bad)
    with pytest.raises(pm.DataValidationError, match="no such areas file"):
        read_areas(tmp_path / "missing.geojson")


def test_point_outside_every_area_lists_nearest_area_and_distance() -> None:
    a, b = square(LAT0, LON0, 1.0), square(LAT0, LON0 + 0.2, 1.0)
    lat, lon = offset(LAT0, b.bounds[2], east_km=7.5)  # 7.5 km east of B, ~27 km from A
    data = make_data([{"org_id": "IN", "lat": LAT0, "lon": LON0}, {"org_id": "OUT", "lat": lat, "lon": lon}],
                     areas_frame({"A": a, "B": b}))
    p = location_problems(data)
    row = p.set_index("org_id").loc["OUT"]
    assert row["problem"] == "outside_areas" and row["area_id"] == "B"
    assert row["distance_km"] == pytest.approx(7.5, rel=0.01)
    assert "nearest is 'B', 7.5 km away" in row["message"]
    assert "IN" not in set(p["org_id"])
    assert coverage(data).loc["B", "located_total"] == 0  # still reported, not counted


def test_missing_and_placeholder_coordinates_are_listed(folder, caplog) -> None:
    f = folder(orgs="org_id,name,sector,lat,lon\nA,Alpha,public,26.30,50.10\nB,Beta,public,,\n"
                    "C,Gamma,public,0,0\nD,Delta,public,26.31,50.11\n")
    data = pm.load(f)
    with caplog.at_level(logging.WARNING, logger="partnermap"):
        cov = coverage(data, h3_resolution=7)
    p = problems(cov).set_index("org_id")
    assert p.loc["B", "problem"] == "no_coordinates"
    assert p.loc["C", "problem"] == "placeholder_coordinates"  # the loader blanked (0, 0); still named
    assert cov["located_total"].sum() == 2
    assert any("no_coordinates: B" in r.getMessage() for r in caplog.records)
    # placeholders in data built by hand are caught here too
    hand = make_data([{"org_id": "X", "lat": -1.0, "lon": -1.0}, {"org_id": "Y", "lat": 26.3, "lon": 50.1}])
    assert location_problems(hand).set_index("org_id").loc["X", "problem"] == "placeholder_coordinates"


# ---------------------------------------------------------------------- CRS


@pytest.mark.parametrize("crs", ["EPSG:3857", "EPSG:32639"])
def test_areas_in_a_projected_crs_are_reprojected(crs: str) -> None:
    a, b = square(LAT0, LON0, 1.0), square(LAT0, LON0 + 0.05, 1.0)
    rows = [{"org_id": "A", "lat": LAT0, "lon": LON0, "service_radius_km": 0.5},
            {"org_id": "B", "lat": LAT0, "lon": LON0 + 0.05, "service_radius_km": 3}]
    ref = coverage(make_data(rows, areas_frame({"a": a, "b": b}, population=[10.0, 20.0])))
    projected = areas_frame({"a": a, "b": b}, population=[10.0, 20.0]).to_crs(crs).reset_index()
    cov = coverage(make_data(rows), areas=projected)
    assert cov.crs.to_epsg() == 4326
    pd.testing.assert_frame_equal(pd.DataFrame(cov.drop(columns="geometry")),
                                  pd.DataFrame(ref.drop(columns="geometry")))
    assert cov.geometry.geom_equals_exact(ref.geometry, tolerance=1e-7).all()


def test_projected_areas_without_crs_are_refused() -> None:
    areas = areas_frame({"a": square(LAT0, LON0, 1.0)}).to_crs("EPSG:3857").set_crs(None, allow_override=True)
    with pytest.raises(pm.PartnermapError, match="no CRS and their coordinates are not degrees"):
        coverage(make_data([{"org_id": "A", "lat": LAT0, "lon": LON0}]), areas=areas)


def test_areas_need_an_area_id() -> None:
    areas = gpd.GeoDataFrame({"code": ["a"]}, geometry=[square(LAT0, LON0, 1.0)], crs="EPSG:4326")
    with pytest.raises(pm.PartnermapError, match="no 'area_id' column"):
        coverage(make_data([{"org_id": "A", "lat": LAT0, "lon": LON0}]), areas=areas)


# ------------------------------------------------------------ overlaps, edges


def test_overlapping_areas_are_reported_and_counted_in_both() -> None:
    a = shapely.box(50.00, 26.00, 50.04, 26.04)
    b = shapely.box(50.03, 26.00, 50.07, 26.04)   # a quarter of each overlaps
    c = shapely.box(50.07, 26.00, 50.11, 26.04)   # only touches b
    data = make_data([{"org_id": "X", "lat": 26.02, "lon": 50.035}], areas_frame({"a": a, "b": b, "c": c}))
    cov = coverage(data)
    assert cov["located_total"].to_dict() == {"a": 1, "b": 1, "c": 0}
    ov = problems(cov).query("problem == 'overlapping_areas'")
    assert ov[["area_id", "other_area_id"]].values.tolist() == [["a", "b"]]
    assert ov["overlap_share"].iloc[0] == pytest.approx(0.25, abs=0.01)
    inner = shapely.box(50.075, 26.01, 50.085, 26.02)  # wholly inside c: containment is an overlap too
    ov = problems(coverage(data, areas=areas_frame({"a": a, "c": c, "inner": inner}))).query(
        "problem == 'overlapping_areas'")
    assert ov[["area_id", "other_area_id", "overlap_share"]].values.tolist() == [["c", "inner", 1.0]]


def test_point_on_a_shared_boundary_is_located_once() -> None:
    a, b = shapely.box(50.0, 26.0, 50.04, 26.04), shapely.box(50.04, 26.0, 50.08, 26.04)
    cov = coverage(make_data([{"org_id": "X", "lat": 26.02, "lon": 50.04}], areas_frame({"a": a, "b": b})))
    assert cov["located_total"].sum() == 1
    assert not (problems(cov)["problem"] == "overlapping_areas").any()


def test_declared_service_polygons_serve_what_they_cover_not_what_they_touch() -> None:
    a, b = shapely.box(50.0, 26.0, 50.04, 26.04), shapely.box(50.04, 26.0, 50.08, 26.04)
    data = make_data([{"org_id": "X", "lat": 26.02, "lon": 50.02, "service_radius_km": 50.0}],
                     areas_frame({"a": a, "b": b}))
    data.organizations["area_geometry"] = [a]  # declared: exactly area a
    cov = coverage(data)
    assert cov["serving_total"].to_dict() == {"a": 1, "b": 0}
    assert service_areas(data).loc["X", "basis"] == "declared"
    assert coverage(data, radius_km=50).loc["b", "serving_total"] == 1  # radius_km overrides


# ------------------------------------------------------------------- H3 grid


def test_h3_grid_fallback_puts_each_organisation_in_its_cell() -> None:
    rows = [{"org_id": f"O{i}", "lat": LAT0 + 0.01 * i, "lon": LON0 + 0.013 * i} for i in range(6)]
    rows.append({"org_id": "NOLOC"})
    data = make_data(rows)
    cov = coverage(data, h3_resolution=8)
    assert cov.crs.to_epsg() == 4326 and cov.attrs["coverage"]["areas"] == "h3"
    assert all(h3.is_valid_cell(c) and h3.get_resolution(c) == 8 for c in cov.index)
    assert cov["located_total"].sum() == 6
    for r in rows[:6]:  # latitude first in h3 v4
        assert cov.loc[h3.latlng_to_cell(r["lat"], r["lon"], 8), "located_total"] == 1
    assert cov.geometry.contains(gpd.points_from_xy([rows[0]["lon"]], [rows[0]["lat"]])[0]).sum() == 1
    assert len(cov) > 6  # the hull between them is filled, not just their own cells
    assert cov.index.is_monotonic_increasing


def test_h3_grid_for_a_single_organisation_and_its_limits() -> None:
    grid = area_grid(make_data([{"org_id": "A", "lat": LAT0, "lon": LON0}]), resolution=9)
    assert list(grid.index) == [h3.latlng_to_cell(LAT0, LON0, 9)]
    with pytest.raises(pm.PartnermapError, match="no organisation has coordinates"):
        area_grid(make_data([{"org_id": "A"}]))
    wide = make_data([{"org_id": "A", "lat": 20.0, "lon": 40.0}, {"org_id": "B", "lat": 30.0, "lon": 55.0},
                      {"org_id": "C", "lat": 20.0, "lon": 55.0}])
    with pytest.raises(pm.PartnermapError, match="use resolution 7 or lower"):
        area_grid(wide, resolution=9)
    with pytest.raises(pm.ParameterError, match="whole number from 0 to 15"):
        area_grid(wide, resolution=16)
    with pytest.raises(ValueError, match="use resolution 7 or lower"):
        area_grid(wide, resolution=9)


def test_areas_h3_forces_the_grid_even_with_areas() -> None:
    data = make_data([{"org_id": "A", "lat": LAT0, "lon": LON0}], areas_frame({"a": square(LAT0, LON0, 1)}))
    assert coverage(data).index.tolist() == ["a"]
    assert coverage(data, areas="h3", h3_resolution=7).index.tolist() == [h3.latlng_to_cell(LAT0, LON0, 7)]


# ----------------------------------------------------------------- the table


def three_areas() -> gpd.GeoDataFrame:
    polys = {k: square(LAT0, LON0 + 0.1 * i, 1.0) for i, k in enumerate("ABC")}
    return areas_frame(polys, name=["Alpha", "Beta", "Gamma"], population=[1000.0, 2000.0, 3000.0])


def centre(area: str) -> tuple[float, float]:
    return LAT0, LON0 + 0.1 * "ABC".index(area)


def test_counts_by_sector_and_population_reached_by_hand() -> None:
    rows = [
        {"org_id": "P1", "sector": "public", "lat": centre("A")[0], "lon": centre("A")[1], "service_radius_km": 1},
        {"org_id": "P2", "sector": "public", "lat": centre("C")[0], "lon": centre("C")[1], "service_radius_km": 1},
        {"org_id": "N1", "sector": "non_profit", "lat": centre("B")[0], "lon": centre("B")[1],
         "service_radius_km": 12},  # reaches all three (10 km apart, 1 km half-width)
    ]
    cov = coverage(make_data(rows, three_areas()))
    assert list(cov.columns) == [
        "name", "population",
        "located_for_profit", "located_non_profit", "located_public", "located_total",
        "serving_for_profit", "serving_non_profit", "serving_public", "serving_total",
        "population_reached_for_profit", "population_reached_non_profit", "population_reached_public",
        "population_reached_total", "geometry"]
    assert cov["located_public"].tolist() == [1, 0, 1]
    assert cov["serving_public"].tolist() == [1, 0, 1]
    assert cov["serving_non_profit"].tolist() == [1, 1, 1]
    assert cov["serving_total"].tolist() == [2, 1, 2]
    assert cov["population_reached_public"].tolist() == [1000.0, 0.0, 3000.0]
    assert cov["population_reached_for_profit"].tolist() == [0.0, 0.0, 0.0]
    s = coverage_summary(cov)
    assert s.loc["public", "share_population_reached"] == pytest.approx(4000 / 6000)
    assert s.loc["public", "share_areas_reached"] == pytest.approx(2 / 3)
    assert s.loc["total", "population_reached"] == 6000.0
    assert s.loc["for_profit", "areas_reached"] == 0
    assert cov.attrs["coverage"]["by"] == "sector"


def test_multi_valued_by_counts_each_term_once_and_total_once() -> None:
    lat, lon = centre("A")
    rows = [{"org_id": "X", "lat": lat, "lon": lon, "service_radius_km": 1},
            {"org_id": "Y", "lat": lat, "lon": lon, "service_radius_km": 1}]
    data = make_data(rows, three_areas())
    data.organizations["offers"] = [["space", "volunteers"], ["space"]]
    cov = coverage(data, by="offers")
    assert cov.loc["A", ["located_space", "located_volunteers", "located_total"]].tolist() == [2, 1, 2]
    assert "serving_funding" not in cov.columns
    with pytest.raises(pm.PartnermapError, match="by='ofers' is not a column.*Did you mean 'offers'"):
        coverage(data, by="ofers")
    totals = coverage(data, by=None)
    counted = [c for c in totals.columns if c.startswith(("located", "serving"))]
    assert counted == ["located_total", "serving_total"]


def test_output_is_pure_and_writes_to_geojson_and_geopackage(tmp_path: Path) -> None:
    rows = [{"org_id": "P1", "lat": centre("A")[0], "lon": centre("A")[1], "sector": "public"},
            {"org_id": "P2", "lat": centre("B")[0], "lon": centre("B")[1], "sector": "non_profit"}]
    data = make_data(rows, three_areas(), ties=[("P1", "P2", "active")])
    data.organizations["offers"] = [["space"], ["funding"]]
    before_orgs, before_areas = data.organizations.copy(), data.areas.copy()
    cov = coverage(data, focal="P1")
    pd.testing.assert_frame_equal(data.organizations, before_orgs)
    pd.testing.assert_frame_equal(data.areas, before_areas)
    for name in ("c.geojson", "c.gpkg"):
        cov.to_file(tmp_path / name)
        back = gpd.read_file(tmp_path / name)
        assert back.crs.to_epsg() == 4326 and len(back) == 3
        assert back["serving_total"].tolist() == cov["serving_total"].tolist()
        assert back["focal_reach"].tolist() == cov["focal_reach"].tolist()
    cells = cov.drop(columns="geometry").to_numpy().ravel()
    assert not any(isinstance(v, (list, tuple, set, dict)) for v in cells)


# ------------------------------------------------------------------ focal


def test_focal_reach_directly_and_through_partners() -> None:
    rows = [{"org_id": oid, "lat": centre(a)[0], "lon": centre(a)[1], "service_radius_km": 1}
            for oid, a in (("F", "A"), ("P", "B"), ("Q", "B"), ("OLD", "C"))]
    data = make_data(rows, three_areas(), ties=[("F", "P", "active"), ("Q", "F", "active"),
                                               ("F", "OLD", "ended")])
    cov = coverage(data, focal="F")
    assert cov["focal_reaches"].tolist() == [True, False, False]
    assert cov["partners_reaching"].tolist() == [0, 2, 0]
    assert cov["partner_reaches"].tolist() == [False, True, False]
    assert cov["focal_reach"].tolist() == ["direct", "through_partners", "not_reached"]
    assert cov.attrs["coverage"]["partners"] == ["P", "Q"]
    # a graph with every tie (the ended one too) is the caller's choice
    cov_all = coverage(data, focal="F", G=pm.build_graph(data, status=None))
    assert cov_all.loc["C", "focal_reach"] == "through_partners"


def test_unknown_focal_suggests_close_ids_and_names() -> None:
    data = make_data([{"org_id": "ORG-001", "name": "Khobar Library", "lat": LAT0, "lon": LON0},
                      {"org_id": "ORG-002", "name": "Dammam School", "lat": LAT0, "lon": LON0}])
    with pytest.raises(pm.UnknownOrganizationError, match=r"'ORG-01' is not an org_id.*Did you mean 'ORG-001'"):
        coverage(data, focal="ORG-01")
    with pytest.raises(pm.UnknownOrganizationError, match=r"Did you mean 'ORG-001' \(Khobar Library\)"):
        coverage(data, focal="khobar library")


# -------------------------------------------------------------- underserved


def test_underserved_ranked_by_population_times_deficit_with_reasons() -> None:
    areas = three_areas()
    areas["population"] = [42000.0, 5000.0, 9000.0]
    rows = [{"org_id": "P1", "sector": "public", "lat": centre("B")[0], "lon": centre("B")[1],
             "service_radius_km": 1},
            {"org_id": "F1", "sector": "for_profit", "lat": centre("C")[0], "lon": centre("C")[1],
             "service_radius_km": 1}]
    cov = coverage(make_data(rows, areas))
    gaps = underserved(cov, of="public")
    assert gaps.index.tolist() == ["A", "C"]
    assert gaps["rank"].tolist() == [1, 2]
    assert gaps.loc["A", "reason"] == "no public-sector organisation within reach; 42,000 residents"
    assert gaps.loc["C", "score"] == 9000.0 and gaps.loc["A", "name"] == "Alpha"
    two = underserved(cov, of="public", min_count=2)
    assert two.index.tolist() == ["A", "C", "B"]  # 84,000 · 18,000 · 5,000
    assert two.loc["B", "reason"] == ("only 1 public-sector organisation within reach (at least 2 wanted); "
                                      "5,000 residents")
    assert two.loc["A", "deficit"] == 2
    fixed = underserved(coverage(make_data(rows, areas), radius_km=3), of="for_profit")
    assert fixed.loc["A", "reason"] == "no for-profit organisation within 3 km; 42,000 residents"
    with pytest.raises(pm.PartnermapError, match="of= must be one of for_profit, non_profit, public, total"):
        underserved(cov, of="libraries")


def test_underserved_without_population_ranks_by_deficit_then_id() -> None:
    rows = [{"org_id": "S", "sector": "public", "org_type": "school", "lat": centre("B")[0],
             "lon": centre("B")[1], "service_radius_km": 1}]
    areas = three_areas().drop(columns="population")
    gaps = underserved(coverage(make_data(rows, areas), by="org_type"), of="school")
    assert gaps.index.tolist() == ["A", "C"]
    assert gaps.loc["A", "reason"] == "no organisation of type 'school' within reach"
    assert gaps["population"].isna().all()


# ------------------------------------------------------------------ demo data


DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


@pytest.mark.skipif(not (DEMO / "README.md").exists(), reason="demo data not generated yet")
def test_demo_underserved_area_is_found() -> None:
    data = pm.load(datasets.demo_path())
    cov = coverage(data, by="sector", focal=datasets.FOCAL_ID)
    target = datasets.UNDERSERVED_AREA_ID
    for of in ("total", "public"):
        gaps = underserved(cov, of=of)
        assert gaps.index[0] == target
        sector = "public-sector " if of == "public" else ""
        assert gaps.loc[target, "reason"].startswith(f"no {sector}organisation")
    assert cov.loc[target, "focal_reach"] == "not_reached"
    assert len(cov.attrs["problems"]) == 0  # every demo organisation is placed inside a district


def test_underserved_can_weigh_gaps_by_a_need_indicator() -> None:
    areas = three_areas()
    areas["households_in_need"] = ["10", "900", "1,200"]  # text, as loaded from a file
    rows = [{"org_id": "P1", "lat": centre("B")[0], "lon": centre("B")[1], "service_radius_km": 1}]
    gaps = underserved(coverage(make_data(rows, areas)), weight="households_in_need")
    assert gaps.index.tolist() == ["C", "A"]
    assert gaps.loc["C", "reason"] == "no organisation within reach; 3,000 residents, 1,200 households in need"
    with pytest.raises(pm.PartnermapError, match="weight='need' is not a column"):
        underserved(coverage(make_data(rows, areas)), weight="need")


def test_outside_distances_across_utm_zones_are_measured_on_the_ellipsoid() -> None:
    a = square(26.0, 39.0, 1.0)
    b = square(26.0, 55.0, 1.0)
    lat_w, lon_w = offset(26.0, a.bounds[2], east_km=6.0)
    lat_e, lon_e = offset(26.0, b.bounds[0], east_km=-2.5)
    data = make_data([{"org_id": "W", "lat": lat_w, "lon": lon_w}, {"org_id": "E", "lat": lat_e, "lon": lon_e}],
                     areas_frame({"a": a, "b": b}))
    p = location_problems(data).set_index("org_id")
    assert p.loc[["W", "E"], "area_id"].tolist() == ["a", "b"]
    np.testing.assert_allclose(p.loc[["W", "E"], "distance_km"], [6.0, 2.5], rtol=0.01)


def test_many_free_terms_are_pooled_not_refused(caplog) -> None:
    rows = [{"org_id": f"O{i}", "lat": LAT0, "lon": LON0, "offers": ["space", f"term_{i}"]} for i in range(80)]
    with caplog.at_level(logging.WARNING, logger="partnermap"):
        cov = coverage(make_data(rows, areas_frame({"SQ": square(LAT0, LON0, 1.0)})), by="offers")
    assert cov.loc["SQ", "located_space"] == 80 and cov.loc["SQ", "located_other_terms"] == 80
    assert "counted together as 'other_terms'" in caplog.text
