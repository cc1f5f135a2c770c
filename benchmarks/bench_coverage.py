"""Benchmark: partnermap.coverage on a seeded synthetic province.

The synthetic region is 2° × 2° of the Eastern Province (about 200 km × 220 km, one
UTM zone). Areas are a seeded Voronoi tessellation of it (10,000 districts of about
4.4 km² each, lognormal population). Organisations are clustered around eight "cities"
plus a uniform background: 35/45/20 % for-profit / non-profit / public, one to three
``offers`` terms each, ``service_radius_km`` lognormal with median 2 km (clipped to
0.3–15 km; 5 % blank, so the 5 km default applies), 2 % without coordinates and 0.5 %
outside the region (so the nearest-area search runs too).

Each case runs in a fresh process so its peak memory (ru_maxrss: everything the process
held, synthetic data included) is its own; times exclude making the synthetic data and
include everything else (area checks, overlap check, point-in-area join, nearest area
for the organisations outside, service-area join, the table):

* ``join`` — the point-in-area join alone (100k organisations × 10k areas);
* ``coverage`` — ``coverage(data, by="sector", areas=areas)``, the full table;
* ``service_areas`` — ``service_areas(data)`` for 10,000 organisations;
* ``coverage 1M`` — the full table for 1,000,000 organisations × 10k areas;
* informative extras: ``by=offers`` (multi-valued kinds), the H3 grid fallback at
  resolution 8, and the same province spread over three UTM zones (the per-zone path).

Run from the repository root::

    .venv/bin/python benchmarks/bench_coverage.py             # all cases
    .venv/bin/python benchmarks/bench_coverage.py --cases coverage service_areas --repeat 5

Targets (issue 4, on the project's 2-core machine): join + full coverage table for
100k × 10k <= 2 s; 10,000 service areas <= 1.5 s; 1,000,000 organisations <= 20 s and
<= 4 GB peak memory.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing as mp
import resource
import statistics
import sys
import time
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from partnermap import LoadReport, PartnerData
from partnermap.coverage import _Frame, _located_pairs, coverage, service_areas  # the join alone is timed too

LON0, LAT0, SPAN = 49.0, 25.5, 2.0
SECTORS = np.array(["for_profit", "non_profit", "public"])
TYPES = {"for_profit": ["company", "small_business"],
         "non_profit": ["charity", "association", "religious", "community_group"],
         "public": ["school", "library", "healthcare", "local_council", "police", "service_provider"]}
OFFERS = np.array(["funding", "space", "volunteers", "skills", "expertise", "equipment", "data",
                   "networks", "audiences", "content", "training", "in_kind_services"])


def make_areas(n: int, *, span_lon: float = SPAN, seed: int = 1) -> Any:
    """A seeded Voronoi tessellation of the region into ``n`` districts with population."""
    rng = np.random.default_rng(seed)
    region = shapely.box(LON0, LAT0, LON0 + span_lon, LAT0 + SPAN)
    seeds = shapely.multipoints(np.column_stack([rng.uniform(LON0, LON0 + span_lon, n),
                                                 rng.uniform(LAT0, LAT0 + SPAN, n)]))
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=region))
    cells = shapely.intersection(cells, region)
    cells = cells[shapely.area(cells) > 0]
    ids = [f"A{i:05d}" for i in range(len(cells))]
    return gpd.GeoDataFrame(
        {"area_id": ids, "name": [f"District {i}" for i in range(len(cells))],
         "population": np.round(rng.lognormal(8.0, 0.8, len(cells)))},
        geometry=cells, crs="EPSG:4326").set_index("area_id")


def make_data(n: int, areas: Any = None, *, span_lon: float = SPAN, seed: int = 0) -> Any:
    """A seeded synthetic :class:`partnermap.PartnerData` with ``n`` organisations."""
    rng = np.random.default_rng(seed)
    centres = np.column_stack([rng.uniform(LON0 + 0.2, LON0 + span_lon - 0.2, 8),
                               rng.uniform(LAT0 + 0.2, LAT0 + SPAN - 0.2, 8)])
    city = rng.integers(0, len(centres), n)
    clustered = rng.random(n) < 0.7
    lon = np.where(clustered, centres[city, 0] + rng.normal(0, 0.08, n), rng.uniform(LON0, LON0 + span_lon, n))
    lat = np.where(clustered, centres[city, 1] + rng.normal(0, 0.08, n), rng.uniform(LAT0, LAT0 + SPAN, n))
    lon, lat = np.clip(lon, LON0, LON0 + span_lon), np.clip(lat, LAT0, LAT0 + SPAN)
    outside = rng.random(n) < 0.005
    lon[outside] = LON0 - rng.uniform(0.01, 0.5, outside.sum())
    missing = rng.random(n) < 0.02
    lon[missing] = lat[missing] = np.nan
    sector = SECTORS[rng.choice(3, n, p=[0.35, 0.45, 0.20])]
    org_type = np.empty(n, dtype=object)
    for s, types in TYPES.items():
        m = sector == s
        org_type[m] = np.asarray(types, dtype=object)[rng.integers(0, len(types), m.sum())]
    k = rng.integers(1, 4, n)
    picks = rng.integers(0, len(OFFERS), (n, 3))
    offers = [list(dict.fromkeys(OFFERS[row[:j]].tolist())) for row, j in zip(picks, k, strict=True)]
    radius = np.clip(rng.lognormal(np.log(2.0), 0.5, n), 0.3, 15.0)
    radius[rng.random(n) < 0.05] = np.nan
    ids = pd.Index([f"ORG-{i:07d}" for i in range(n)], name="org_id")
    orgs = pd.DataFrame({"name": [f"Organisation {i}" for i in range(n)], "sector": sector,
                         "org_type": org_type, "lat": lat, "lon": lon, "offers": offers,
                         "service_radius_km": radius}, index=ids)
    gdf = gpd.GeoDataFrame(orgs, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    gdf.loc[missing, "geometry"] = None
    rels = pd.DataFrame(columns=["source", "target", "kind", "status", "directed", "weight"],
                        index=pd.Index([], name="tie_id"))
    return PartnerData(gdf, rels, areas, LoadReport(), "synthetic")


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def _case(name: str, repeat: int) -> dict[str, Any]:
    logging.getLogger("partnermap").setLevel(logging.ERROR)  # the synthetic problems are expected

    # warm up imports, the CRS database and GEOS on a tiny problem (not timed)
    tiny = make_data(200, make_areas(50), seed=9)
    coverage(tiny)
    service_areas(tiny)

    n_orgs, n_areas, run = 0, 0, None
    if name in ("join", "coverage", "by=offers", "coverage 1M", "3 UTM zones"):
        n_orgs = 1_000_000 if name == "coverage 1M" else 100_000
        span = 3 * SPAN + 12.0 if name == "3 UTM zones" else SPAN
        areas = make_areas(10_000, span_lon=span)
        data = make_data(n_orgs, areas, span_lon=span)
        n_areas = len(areas)
        if name == "join":
            frame = _Frame(areas, "given", None)
            lon, lat = data.organizations["lon"].to_numpy(), data.organizations["lat"].to_numpy()

            def run() -> Any:
                return _located_pairs(frame, lon, lat)
        else:
            by = "offers" if name == "by=offers" else "sector"

            def run() -> Any:
                return coverage(data, by=by, areas=areas)
    elif name == "service_areas":
        n_orgs = 10_000
        data = make_data(n_orgs)

        def run() -> Any:
            return service_areas(data)
    elif name == "h3 grid":
        n_orgs = 100_000
        data = make_data(n_orgs)

        def run() -> Any:
            return coverage(data, h3_resolution=8)
    else:
        raise SystemExit(f"unknown case {name!r}")
    base = _rss_mb()
    times = []
    out = None
    for _ in range(repeat):
        del out
        t = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - t)
    if name == "h3 grid":
        n_areas = len(out)
    detail = ""
    if hasattr(out, "attrs") and "coverage" in out.attrs:
        links = int(out["serving_total"].sum())
        detail = f"{links:,} serving links; {len(out.attrs['problems']):,} problems"
    elif name == "join":
        detail = f"{len(out[0]):,} located"
    elif name == "service_areas":
        detail = f"{len(out):,} polygons, {int(shapely.get_num_coordinates(out.geometry.values).sum()):,} vertices"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"case": name, "orgs": n_orgs, "areas": n_areas, "best_s": min(times),
            "median_s": statistics.median(times), "runs": len(times), "base_mb": base, "peak_mb": peak,
            "detail": detail}


def _child(name: str, repeat: int, q: Any) -> None:
    try:
        q.put(_case(name, repeat))
    except BaseException as exc:  # noqa: BLE001 - report, don't hang the parent
        q.put({"case": name, "error": repr(exc)})


TARGETS = {"join": None, "coverage": 2.0, "service_areas": 1.5, "coverage 1M": 20.0}
ALL = ["join", "coverage", "service_areas", "coverage 1M", "by=offers", "h3 grid", "3 UTM zones"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", nargs="+", default=ALL, choices=ALL)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per case (1M: at most 2)")
    args = ap.parse_args(argv)
    ctx = mp.get_context("spawn")
    rows = []
    for name in args.cases:
        q = ctx.Queue()
        p = ctx.Process(target=_child, args=(name, min(args.repeat, 2) if "1M" in name else args.repeat, q))
        p.start()
        res = q.get()
        p.join()
        if "error" in res:
            print(f"{name}: failed: {res['error']}", file=sys.stderr)
            continue
        rows.append(res)
        print(f"{name}: best {res['best_s']:.2f} s, peak {res['peak_mb']:,.0f} MB", file=sys.stderr)
    print()
    print("| case | organisations | areas | best (s) | median (s) | runs | peak RSS (MB) | target | met |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---|")
    ok = True
    for r in rows:
        t = TARGETS.get(r["case"])
        target = "" if t is None else f"<= {t:g} s" + (", <= 4 GB" if "1M" in r["case"] else "")
        met = "" if t is None else ("yes" if r["best_s"] <= t and (r["peak_mb"] <= 4096 or "1M" not in r["case"])
                                     else "NO")
        ok &= met != "NO"
        print(f"| {r['case']} | {r['orgs']:,} | {r['areas']:,} | {r['best_s']:.2f} | {r['median_s']:.2f} | "
              f"{r['runs']} | {r['peak_mb']:,.0f} | {target} | {met} |")
    print()
    for r in rows:
        if r["detail"]:
            print(f"- {r['case']}: {r['detail']} (RSS before the timed runs {r['base_mb']:,.0f} MB)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
