"""Exports for other tools: they open there, keep the data, and leave private columns out."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pyogrio
import pytest

import partnermap as pm
from partnermap.export import export_data, shareable, write_layer, write_table


@pytest.fixture(scope="module")
def demo() -> pm.PartnerData:
    return pm.load(pm.datasets.demo_path())


def test_workbook_export_loads_back_the_same_ecosystem(demo, tmp_path: Path) -> None:
    back = pm.load(export_data(demo, tmp_path / "demo.xlsx", format="xlsx"))
    assert back.report.ok and not back.report.warnings
    orgs, again = demo.organizations, back.organizations.loc[demo.organizations.index]
    assert again["name"].tolist() == orgs["name"].tolist()
    assert again["offers"].tolist() == orgs["offers"].tolist()
    assert again["lat"].tolist() == pytest.approx(orgs["lat"].tolist())
    assert "email" not in again.columns  # private columns stay behind
    assert back.relationships.index.tolist() == demo.relationships.index.tolist()
    assert (back.relationships["start_date"].fillna(pd.Timestamp(0))
            == demo.relationships["start_date"].fillna(pd.Timestamp(0))).all()
    assert back.areas.index.tolist() == demo.areas.index.tolist()


def test_gexf_and_graphml_keep_the_network_without_private_attributes(demo, tmp_path: Path) -> None:
    G = pm.build_graph(demo)
    for fmt, read in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
        H = read(export_data(demo, tmp_path / f"demo.{fmt}", format=fmt))
        assert H.number_of_nodes() == G.number_of_nodes() and H.number_of_edges() == G.number_of_edges()
        attrs = set().union(*(d.keys() for _, d in H.nodes(data=True)))
        assert {"name", "sector", "offers"} <= attrs and not {"email", "phone", "contact_name"} & attrs
        assert H.nodes["ORG-001"]["name"] == "شركة المدار للهندسة والتصميم"


def test_geopackage_has_three_layers_in_wgs84(demo, tmp_path: Path) -> None:
    path = export_data(demo, tmp_path / "demo.gpkg", format="gpkg")
    layers = dict(pyogrio.list_layers(path))
    assert layers == {"organizations": "Point", "relationships": "LineString", "areas": "Polygon"}
    info = pyogrio.read_info(path, layer="organizations")
    assert info["crs"] == "EPSG:4326" and info["features"] == 320
    assert "email" not in info["fields"]


def test_shareable_drops_contact_columns_and_flattens_lists() -> None:
    df = pd.DataFrame({"name": ["a"], "email": ["x@y"], "Mobile No": ["055"], "offers": [["space", "data"]]})
    out = shareable(df)
    assert list(out.columns) == ["name", "offers"] and out.loc[0, "offers"] == "space;data"
    assert list(shareable(df, include_private=["email"]).columns) == ["name", "email", "offers"]


def test_write_table_refuses_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(pm.PartnermapError, match="use .csv or .xlsx"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.json")


def test_unknown_export_format_is_a_parameter_error(demo, tmp_path: Path) -> None:
    with pytest.raises(pm.ParameterError, match="unknown format 'kml'; use one of gexf, graphml, gpkg, geojson, xlsx, kumu"):
        export_data(demo, tmp_path / "x.kml", format="kml")


def test_write_layer_geojson_and_gpkg_replace_the_file_and_leave_private_columns_out(demo, tmp_path: Path) -> None:
    orgs = demo.organizations.drop(columns=["area_geometry"], errors="ignore").head(3)
    for name in ("orgs.geojson", "orgs.gpkg"):
        path = write_layer(orgs, tmp_path / "out" / name)
        write_layer(orgs, path)  # written again: replaced, not appended to
        info = pyogrio.read_info(path)
        assert info["features"] == 3 and info["crs"] == "EPSG:4326"
        assert "email" not in info["fields"] and "name" in info["fields"]
    with pytest.raises(pm.ParameterError, match="use .geojson or .gpkg"):
        write_layer(orgs, tmp_path / "orgs.shp")
