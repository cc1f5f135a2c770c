"""Tests of the built-in demo data (partnermap.datasets) and its committed copies.

Plain pandas/geopandas/networkx only: the checks do not rely on partnermap.load.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from partnermap import datasets, schema
from partnermap._errors import ParameterError

REPO = Path(__file__).resolve().parents[1]
COPIES = [datasets.demo_path(), REPO / "data" / "demo"]
FILES = ["organizations.csv", "relationships.csv", "areas.geojson", "README.md"]
UTM = "EPSG:32639"


def _read(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    """The three demo files as a user would read them: every cell as text."""
    opts = {"dtype": str, "keep_default_na": False, "encoding": "utf-8-sig"}
    orgs = pd.read_csv(folder / "organizations.csv", **opts)
    rels = pd.read_csv(folder / "relationships.csv", **opts)
    areas = gpd.read_file(folder / "areas.geojson")
    return orgs, rels, areas


@pytest.fixture(scope="module")
def demo() -> tuple[pd.DataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    return _read(datasets.demo_path())


def _graph(rels: pd.DataFrame, orgs: pd.DataFrame) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(orgs["org_id"])
    g.add_edges_from(zip(rels["source"], rels["target"], strict=False))
    return g


def _points_utm(orgs: pd.DataFrame) -> gpd.GeoSeries:
    pts = gpd.points_from_xy(orgs["lon"].astype(float), orgs["lat"].astype(float), crs="EPSG:4326")
    return gpd.GeoSeries(pts).to_crs(UTM)


# ------------------------------------------------------------------ determinism


def test_make_demo_is_deterministic():
    a, b = datasets.make_demo(), datasets.make_demo(2026)
    pd.testing.assert_frame_equal(a["organizations"], b["organizations"])
    pd.testing.assert_frame_equal(a["relationships"], b["relationships"])
    assert_geodataframe_equal(a["areas"], b["areas"])
    other = datasets.make_demo(7)
    assert not other["organizations"].equals(a["organizations"])


def test_committed_copies_match_a_fresh_generation(tmp_path):
    fresh = datasets.write_demo(tmp_path / "demo")
    assert fresh == tmp_path / "demo"
    for folder in COPIES:
        for name in ("organizations.csv", "relationships.csv", "README.md"):
            assert (folder / name).read_bytes() == (fresh / name).read_bytes(), folder / name
        committed, regenerated = (gpd.read_file(f / "areas.geojson") for f in (folder, fresh))
        assert_geodataframe_equal(committed, regenerated)
    assert datasets.demo_path().is_dir()
    assert sorted(p.name for p in datasets.demo_path().iterdir()) == sorted(FILES)


def test_csv_files_are_utf8_with_bom_and_lf():
    for name in ("organizations.csv", "relationships.csv"):
        raw = (datasets.demo_path() / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" not in raw
        raw.decode("utf-8-sig")


def test_readme_says_fictional_and_names_the_gaps():
    text = (datasets.demo_path() / "README.md").read_text(encoding="utf-8")
    assert "FICTIONAL" in text
    for token in (datasets.FOCAL_ID, datasets.UNDERSERVED_AREA_ID, *datasets.ISOLATED_CLUSTER_IDS,
                  *datasets.MISSING_SECTOR_PAIR):
        assert token in text
    assert "fictional" in datasets.__doc__.lower()


# ------------------------------------------------------------- organisations


def test_organizations_columns_and_counts(demo):
    orgs, _, _ = demo
    assert list(orgs.columns[:3]) == ["org_id", "name", "name_en"]
    assert set(schema.ORG_COLUMNS) <= set(orgs.columns)
    assert "founded_year" in orgs.columns  # an extra, non-contract column
    assert len(orgs) >= 300
    assert orgs["org_id"].is_unique and orgs["name"].is_unique
    assert "007" in set(orgs["org_id"])  # leading zeros kept as text
    assert set(orgs["sector"]) == set(schema.SECTORS)
    assert orgs["org_type"].nunique() >= 12
    assert set(orgs["org_type"]) <= set(schema.ORG_TYPES)
    implied = orgs["org_type"].map(lambda t: schema.ORG_TYPES[t].sector)
    assert (implied == orgs["sector"]).all()
    assert orgs["name"].str.contains("[\u0600-\u06ff]").all()  # Arabic names
    assert not orgs["name_en"].str.contains("[\u0600-\u06ff]").any()  # English names


def test_organizations_vocabularies(demo):
    orgs, _, _ = demo
    for column, vocab in (("offers", schema.RESOURCES), ("needs", schema.RESOURCES),
                          ("causes", schema.CAUSES)):
        terms = {t for cell in orgs[column] for t in cell.split(";")}
        assert terms <= set(vocab), column
    assert set(orgs["size"]) <= set(schema.SIZES)
    assert set(orgs["capacity"]) <= set(schema.CAPACITY_LEVELS)
    assert set(orgs["engagement_stage"]) - {""} <= set(schema.ENGAGEMENT_STAGES)
    radius = orgs["service_radius_km"].astype(float)
    assert radius.between(0.5, 8).all()
    assert orgs["email"].str.endswith(".example.sa").all()
    assert orgs["phone"].str.startswith("+966 13 555 ").all()
    assert (orgs["contact_name"] != "").all()


def test_coordinates_are_in_the_eastern_province_and_inside_areas(demo):
    orgs, _, areas = demo
    lat, lon = orgs["lat"].astype(float), orgs["lon"].astype(float)
    assert lat.between(26.19, 26.63).all() and lon.between(49.92, 50.21).all()
    cities = orgs.assign(lat=lat, lon=lon).groupby("city")[["lat", "lon"]].mean()
    centres = {"Dammam": (26.43, 50.10), "Al Khobar": (26.28, 50.21),
               "Dhahran": (26.29, 50.11), "Qatif": (26.56, 50.01)}
    assert set(cities.index) == set(centres)
    for city, (clat, clon) in centres.items():
        assert abs(cities.loc[city, "lat"] - clat) < 0.1 and abs(cities.loc[city, "lon"] - clon) < 0.1
    points = gpd.points_from_xy(lon, lat)
    assert shapely.contains(areas.union_all(), points).all()


# ------------------------------------------------------------- relationships


def test_relationships_are_clean(demo):
    orgs, rels, _ = demo
    assert list(rels.columns) == list(schema.REL_COLUMNS)
    assert len(rels) >= 800
    ids = set(orgs["org_id"])
    assert set(rels["source"]) <= ids and set(rels["target"]) <= ids
    assert (rels["source"] != rels["target"]).all()
    pairs = {frozenset(p) for p in zip(rels["source"], rels["target"], strict=False)}
    assert len(pairs) == len(rels)  # no duplicate ties, in either direction
    assert set(rels["kind"]) == set(schema.RELATIONSHIP_KINDS)
    assert set(rels["formal"]) == {"true", "false"}
    assert set(rels["status"]) == set(schema.TIE_STATUSES)
    directed = rels["kind"].isin(schema.DIRECTED_KINDS).map({True: "true", False: "false"})
    assert (rels["directed"] == directed).all()
    assert (rels["weight"].astype(float) > 0).all()
    terms = {t for cell in rels["resources"] for t in cell.split(";")}
    assert terms <= set(schema.RESOURCES)
    assert rels.loc[rels["kind"] == "informal", "formal"].eq("false").all()
    assert rels.loc[rels["kind"] == "mou", "formal"].eq("true").all()


def test_relationship_dates(demo):
    _, rels, _ = demo
    as_of = pd.Timestamp(datasets.DEMO_AS_OF)
    dates = {c: pd.to_datetime(rels[c].replace("", None), format="%Y-%m-%d")
             for c in ("start_date", "end_date", "last_reviewed")}
    assert dates["start_date"].notna().all()
    has_end = dates["end_date"].notna()
    assert (dates["start_date"][has_end] < dates["end_date"][has_end]).all()
    ended = rels["status"] == "ended"
    assert (dates["end_date"][ended] < as_of).all()
    assert (dates["start_date"][rels["status"] == "proposed"] > as_of).all()
    active = rels["status"] == "active"
    assert (dates["start_date"][active] <= as_of).all()
    assert (dates["last_reviewed"].dropna() <= as_of).all()
    reviewed = active & dates["last_reviewed"].notna() & (rels["review_every_months"] != "")
    due = [day + pd.DateOffset(months=int(m))
           for day, m in zip(dates["last_reviewed"][reviewed], rels.loc[reviewed, "review_every_months"], strict=False)]
    overdue = sum(d < as_of for d in due)
    assert 10 <= overdue < reviewed.sum() / 2


# --------------------------------------------------------------------- areas


def test_areas_are_valid_non_overlapping_polygons(demo):
    _, _, areas = demo
    assert areas.crs.to_epsg() == 4326
    assert 16 <= len(areas) <= 30
    assert areas["area_id"].is_unique
    assert {"area_id", "name", "name_en", "population", "households_in_need"} <= set(areas.columns)
    assert (areas.geom_type == "Polygon").all() and areas.is_valid.all()
    assert (areas["population"] > 0).all()
    metric = areas.to_crs(UTM).geometry
    overlap = sum(a.intersection(b).area for i, a in enumerate(metric) for b in metric[i + 1:])
    assert overlap < 1.0  # square metres
    assert set(areas["city"]) == {"Dammam", "Al Khobar", "Dhahran", "Qatif"}


# ------------------------------------------------------------------ the focal


def test_focal_company(demo):
    orgs, rels, _ = demo
    focal = orgs.set_index("org_id").loc[datasets.FOCAL_ID]
    assert (focal["sector"], focal["org_type"], focal["city"]) == ("for_profit", "company", "Al Khobar")
    assert set(focal["offers"].split(";")) == {"expertise", "skills", "in_kind_services"}
    assert {"volunteers", "audiences", "networks"} <= set(focal["needs"].split(";"))
    mine = rels[(rels["source"] == datasets.FOCAL_ID) | (rels["target"] == datasets.FOCAL_ID)]
    in_kind = mine[mine["kind"] == "in_kind"]
    assert len(in_kind) > len(mine) / 2
    partners = orgs.set_index("org_id").loc[in_kind["target"]]
    assert set(partners["org_type"]) <= {"association", "charity"}
    assert partners["causes"].str.contains("housing|women").all()
    stage = orgs.set_index("org_id")["engagement_stage"]
    assert (stage[mine.loc[mine["status"] == "active", "target"]] == "partner").all()


# ------------------------------------------------------------ deliberate gaps


def _gap_checks(orgs: pd.DataFrame, rels: pd.DataFrame, areas: gpd.GeoDataFrame) -> None:
    # 1. the isolated cluster is a connected component of its own
    g = _graph(rels, orgs)
    cluster = set(datasets.ISOLATED_CLUSTER_IDS)
    assert 5 <= len(cluster) <= 8
    assert nx.node_connected_component(g, next(iter(cluster))) == cluster
    components = sorted(nx.connected_components(g), key=len, reverse=True)
    assert len(components[0]) > 250  # one main network ...
    assert all(len(c) == 1 for c in components[2:])  # ... the cluster, and a few isolates
    assert 3 <= len(components) - 2 <= 10
    # 2. no tie at all between the missing sector pair
    sector = orgs.set_index("org_id")["sector"]
    pair_of = {frozenset(p) for p in zip(sector[rels["source"]], sector[rels["target"]], strict=False)}
    assert frozenset(datasets.MISSING_SECTOR_PAIR) not in pair_of
    assert len(pair_of) == 5  # every other pair is present
    # 3. the under-served area: populous, needy, and out of every organisation's reach
    areas = areas.set_index("area_id")
    gap = areas.loc[datasets.UNDERSERVED_AREA_ID]
    assert gap["households_in_need"] == areas["households_in_need"].max()
    assert gap["population"] >= areas["population"].quantile(0.75)
    polygon = gpd.GeoSeries([gap.geometry], crs=areas.crs).to_crs(UTM).iloc[0]
    points = _points_utm(orgs)
    assert not points.within(polygon).any()
    reach = points.buffer(orgs["service_radius_km"].astype(float).to_numpy() * 1000)
    assert not reach.intersects(polygon).any()


def test_deliberate_gaps(demo):
    _gap_checks(*demo)


def test_deliberate_gaps_hold_for_another_seed():
    other = datasets.make_demo(11)
    orgs = other["organizations"].astype({"service_radius_km": float})
    _gap_checks(orgs, other["relationships"], other["areas"])


def test_network_shape(demo):
    orgs, rels, _ = demo
    g = _graph(rels, orgs)
    degree = dict(g.degree())
    assert sum(d == 1 for d in degree.values()) >= 5  # single-tie organisations
    assert 3 <= sum(d == 0 for d in degree.values()) <= 10  # a handful of isolates
    city = orgs.set_index("org_id")["city"]
    for broker in datasets.BROKER_IDS:
        assert city[list(g[broker])].nunique() >= 2
    betweenness = nx.betweenness_centrality(g)
    top = sorted(betweenness, key=lambda n: (-betweenness[n], n))[:5]
    assert datasets.BROKER_IDS[0] in top
    active = rels[rels["status"] == "active"]
    main = max(nx.connected_components(_graph(active, orgs)), key=len)
    assert len(main) == len(max(nx.connected_components(g), key=len))  # held by active ties


def test_cli_entry_point(tmp_path, capsys):
    assert datasets.main([str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(FILES)
    assert "out" in capsys.readouterr().out


def test_no_global_random_state():
    state = np.random.get_state()[1].copy()
    datasets.make_demo(3)
    assert (np.random.get_state()[1] == state).all()


def test_write_demo_never_overwrites_data_unless_forced(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "Organisations.xlsx").write_bytes(b"my workbook")
    assert datasets.data_files(mine) == ["Organisations.xlsx"]
    with pytest.raises(ParameterError, match=r"already holds data files \(Organisations\.xlsx\)"):
        datasets.write_demo(mine)
    assert sorted(p.name for p in mine.iterdir()) == ["Organisations.xlsx"]
    datasets.write_demo(mine, force=True)
    assert (mine / "Organisations.xlsx").read_bytes() == b"my workbook"  # not the demo's: left alone
    assert sorted(datasets.data_files(mine)) == sorted(["Organisations.xlsx", *FILES])
