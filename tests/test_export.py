"""Exports for other tools: they open there, keep the data, and leave private columns out."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest

import partnermap as pm
from partnermap import _leaflet, schema
from partnermap.export import export_data, shareable, write_html, write_layer, write_table
from partnermap.network_view import network_view
from partnermap.report import run_report


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


def read_graph_file(path: Path) -> tuple[dict[str, dict], list[dict], str]:
    """Nodes {id: attributes (and label, viz)}, edges [attributes with source, target, id, type] and the
    default direction of a GEXF or GraphML file, read as XML (networkx cannot read a mixed graph)."""
    root = ET.parse(path).getroot()
    strip = lambda tag: tag.rsplit("}", 1)[-1]  # noqa: E731
    if path.suffix == ".gexf":
        titles = {a.get("id"): a.get("title") for a in root.iter() if strip(a.tag) == "attribute"}
        graph = next(e for e in root.iter() if strip(e.tag) == "graph")
        default = graph.get("defaultedgetype")

        def attrs(el):
            out = {titles[v.get("for")]: v.get("value") for v in el.iter() if strip(v.tag) == "attvalue"}
            out.update({f"viz:{strip(v.tag)}": dict(v.attrib) for v in el if "viz" in v.tag})
            return out
        nodes = {n.get("id"): {"label": n.get("label"), **attrs(n)} for n in root.iter() if strip(n.tag) == "node"}
        edges = [{**e.attrib, "type": e.get("type", default), **attrs(e)} for e in root.iter() if strip(e.tag) == "edge"]
        return nodes, edges, default
    names = {k.get("id"): k.get("attr.name") for k in root.iter() if strip(k.tag) == "key"}
    graph = next(e for e in root.iter() if strip(e.tag) == "graph")
    default = graph.get("edgedefault")

    def data(el):
        return {names[d.get("key")]: d.text for d in el if strip(d.tag) == "data"}
    nodes = {n.get("id"): data(n) for n in root.iter() if strip(n.tag) == "node"}
    edges = [{**e.attrib, "type": {"true": "directed", "false": "undirected"}.get(e.get("directed"), default), **data(e)}
             for e in root.iter() if strip(e.tag) == "edge"]
    return nodes, edges, default


def test_gexf_and_graphml_keep_the_network_without_private_attributes(demo, tmp_path: Path) -> None:
    G = pm.build_graph(demo)
    for fmt in ("gexf", "graphml"):
        nodes, edges, _ = read_graph_file(export_data(demo, tmp_path / f"demo.{fmt}", format=fmt))
        assert len(nodes) == G.number_of_nodes() and len(edges) == G.number_of_edges()
        attrs = set().union(*(d.keys() for d in nodes.values()))
        assert {"name", "sector", "offers"} <= attrs and not {"email", "phone", "contact_name"} & attrs
        assert nodes["ORG-001"]["name"] == "شركة المدار للهندسة والتصميم"


def test_gephi_opens_the_maps_picture(demo, tmp_path: Path) -> None:
    """Issue 10 item 15: names as labels, directed ties directed in the mixed graph, no networkx_key, the metrics,
    sector colours and lon/lat positions (GEXF's viz namespace; GraphML's x, y, r, g, b)."""
    G = pm.build_graph(demo)
    metrics = pm.centrality(G, progress=False)
    ties = demo.relationships[demo.relationships["status"] == "active"]
    orgs = demo.organizations
    for fmt in ("gexf", "graphml"):
        path = export_data(demo, tmp_path / f"demo.{fmt}", format=fmt)
        assert "networkx_key" not in path.read_text(encoding="utf-8")
        nodes, edges, default = read_graph_file(path)
        assert default == "undirected"  # most ties are partnerships
        assert nodes["ORG-001"]["label"] == orgs.loc["ORG-001", "name"]
        by_id = {e["id"]: e for e in edges}
        assert set(by_id) == set(ties.index)
        for tie_id, t in ties.iterrows():
            e = by_id[tie_id]
            assert e["type"] == ("directed" if t["directed"] else "undirected"), tie_id
            if t["directed"]:
                assert (e["source"], e["target"]) == (t["source"], t["target"]), tie_id
        assert sum(e["type"] == "directed" for e in edges) == int(ties["directed"].sum()) > 0
        top = metrics["betweenness"].idxmax()
        assert float(nodes[top]["betweenness"]) == pytest.approx(metrics.loc[top, "betweenness"])
        assert int(nodes[top]["degree"]) == metrics.loc[top, "degree"]
        east, west = orgs["lon"].idxmax(), orgs["lon"].idxmin()
        north, south = orgs["lat"].idxmax(), orgs["lat"].idxmin()
        if fmt == "gexf":
            x = {n: float(d["viz:position"]["x"]) for n, d in nodes.items()}
            y = {n: float(d["viz:position"]["y"]) for n, d in nodes.items()}
            rgb = tuple(int(nodes["ORG-001"]["viz:color"][c]) for c in "rgb")
            assert float(nodes[top]["viz:size"]["value"]) == max(float(d["viz:size"]["value"]) for d in nodes.values())
        else:
            x = {n: float(d["x"]) for n, d in nodes.items()}
            y = {n: float(d["y"]) for n, d in nodes.items()}
            rgb = tuple(int(nodes["ORG-001"][c]) for c in "rgb")
        assert x[east] > x[west] and y[north] > y[south]  # north up, east right, as on the map
        km = ((orgs.loc[east, "lon"] - orgs.loc[west, "lon"]) * 111.32 * np.cos(np.radians(orgs["lat"].median())))
        assert (x[east] - x[west]) / 10 == pytest.approx(km, rel=0.01)  # 1 unit = 100 m
        assert rgb == tuple(int(_leaflet.SECTOR_COLORS[orgs.loc["ORG-001", "sector"]][i:i + 2], 16) for i in (1, 3, 5))


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


# ------------------------------------------------------- privacy: one rule for every writer

#: Contact headings seen in Gulf data (issue 10, reproducer 03_private_headings), with and without the
#: Arabic article, with digits, spaces, punctuation and full-width letters.
GULF_CONTACT_HEADINGS = ["ايميل", "الإيميل", "البريد", "واتساب", "رقم التواصل", "جوال", "هاتف", "الناسوخ", "فاكس",
                         "WhatsApp", "Cell", "Fax", "Mobile", "Tel", "ＥＭＡＩＬ", "E - mail", "E-mail 2", "الجوال",
                         "رقم الجوال ٢", "Tel.", "Cell1", "Whats App", "البريد الإلكتروني", "الفاكس", "رقم الاتصال"]


@pytest.mark.parametrize("heading", GULF_CONTACT_HEADINGS)
def test_contact_headings_in_english_and_arabic_are_private(heading: str) -> None:
    assert schema.is_private(heading)


@pytest.mark.parametrize("heading", ["name", "city", "district", "hotel", "Excellence", "telescope", "mobility",
                                     "founded_year", "المدينة", "النوع", "population", "website"])
def test_ordinary_headings_are_not_private(heading: str) -> None:
    assert not schema.is_private(heading)


def test_marked_columns_match_as_written_or_through_the_loaders_names() -> None:
    assert schema.is_private("city", extra=["المدينة"]) and schema.is_private("الرقم الوطني", extra=["الرقم  الوطني"])
    assert schema.is_private("founded_year", extra=["Founded Year"]) and not schema.is_private("city", extra=["district"])


_ORG_HEADER = ["org_id", "الاسم", "القطاع", "lat", "lon", "ايميل", "الإيميل", "البريد", "واتساب", "رقم التواصل", "جوال",
               "هاتف", "الناسوخ", "فاكس", "WhatsApp", "Cell", "Fax", "Mobile", "Tel", "ＥＭＡＩＬ", "E - mail",
               "الرقم الوطني", "city", "offers", "needs"]
#: The contact values of the Gulf folder (the national id is marked private in private_columns.txt).
SECRETS = ["albir.example", "sahel.example", "+9665", "0138000", "0131000", "0500000", "0511000", "0522000", "NID-"]


def _gulf_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = [_ORG_HEADER]
    for org_id, name, sector, lat, lon, p, mail, nid in (
            ("A1", "جمعية البر بالدمام", "خيري", 26.43, 50.10, "0138000", "albir.example", "NID-0000017"),
            ("A2", "شركة الساحل", "شركة", 26.44, 50.11, "0131000", "sahel.example", "NID-1111117")):
        contact = [f"p{i}@{mail}" for i in range(3)] + ["+966500000001", f"{p}005"] + [f"{p}00{i}" for i in range(6, 10)]
        contact += ["+966500000010", "0500000011" if org_id == "A1" else "0511000011", f"{p}012", f"{p}013", f"{p}014"]
        contact += [f"p15@{mail}", f"p16@{mail}"]
        rows.append([org_id, name, sector, lat, lon, *contact, nid, "Dammam", "volunteers", "funding"])
    rows.append(["A3", "بلدية الخبر", "حكومي", 26.28, 50.21, *[""] * 17, "Khobar", "funding", "volunteers"])
    (folder / "organizations.csv").write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n", encoding="utf-8")
    (folder / "relationships.csv").write_text("source,target,kind,جوال المنسق\nA1,A2,funding,0522000001\n"
                                              "A2,A3,partnership,0522000002\n", encoding="utf-8")
    area = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"area_id": "D1", "name": "الدمام", "population": 1000,
                                           "هاتف المكتب": "0138000099", "الرقم الوطني": "NID-AREA"},
         "geometry": {"type": "Polygon", "coordinates": [[[50.0, 26.2], [50.3, 26.2], [50.3, 26.5], [50.0, 26.5],
                                                          [50.0, 26.2]]]}}]}
    (folder / "areas.geojson").write_text(json.dumps(area, ensure_ascii=False), encoding="utf-8")
    (folder / "private_columns.txt").write_text("# not contact details, but not to be shared either\nالرقم الوطني\n",
                                                encoding="utf-8")
    return folder


def _text(path: Path) -> tuple[str, set[str]]:
    """Everything a file says (cell values, attributes, features) and the column/attribute names it uses."""
    suffix = path.suffix
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        cells = [str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c is not None]
        return "\n".join(cells), set(cells)
    if suffix == ".gpkg":
        frames = [pyogrio.read_dataframe(path, layer=name) for name, _ in pyogrio.list_layers(path)]
        return "\n".join(f.to_csv() for f in frames), {str(c) for f in frames for c in f.columns}
    text = path.read_text(encoding="utf-8-sig")
    if suffix == ".csv":
        return text, set(pd.read_csv(path, encoding="utf-8-sig").columns)
    if suffix == ".geojson":
        return text, set(pyogrio.read_dataframe(path).columns)
    if suffix in (".gexf", ".graphml"):
        nodes, edges, _ = read_graph_file(path)
        return text, set().union(*(d.keys() for d in nodes.values()), *(d.keys() for d in edges))
    return text, set()  # html: the values are what matters


@pytest.fixture(scope="module")
def gulf_outputs(tmp_path_factory) -> dict[str, Path]:
    """Every writer, run once on the Gulf folder."""
    folder = _gulf_folder(tmp_path_factory.mktemp("gulf") / "data")
    out = tmp_path_factory.mktemp("gulf_out")
    data = pm.load(folder)
    assert "الرقم الوطني" in data.private_columns
    files = {fmt: export_data(data, out / (f"{fmt}.xlsx" if fmt in ("xlsx", "kumu") else f"all.{fmt}"), format=fmt)
             for fmt in ("gexf", "graphml", "gpkg", "geojson", "xlsx", "kumu")}
    files["table.csv"] = write_table(data.organizations, out / "orgs.csv")
    files["table.xlsx"] = write_table(data.organizations, out / "orgs.xlsx")
    cov = pm.coverage(data)
    files["coverage.geojson"] = write_layer(cov, out / "coverage.geojson")
    files["coverage.gpkg"] = write_layer(cov, out / "coverage.gpkg")
    files["areas.csv"] = write_table(data.areas, out / "areas.csv")
    pages = {"organizations": pm.maps.organizations_map(data, tiles=None),
             "partners": pm.maps.partners_map(data, "A1", tiles=None),
             "coverage": pm.maps.coverage_map(data, tiles=None),
             "ties": pm.maps.ties_map(data, tiles=None),
             "network": network_view(pm.build_graph(data), size_by="degree", private=data.private_columns)}
    for kind, page in pages.items():
        files[f"{kind}.html"] = write_html(page, out / f"{kind}.html", assets="cdn")
    run = run_report(data, out / "reports", focal="A1", progress=False)
    for path in sorted(run.rglob("*")):
        if path.suffix in (".csv", ".html"):
            files[f"report/{path.relative_to(run)}"] = path
    return files


def test_every_writer_ran_on_the_gulf_folder(gulf_outputs) -> None:
    assert {"gexf", "graphml", "gpkg", "geojson", "xlsx", "kumu", "organizations.html", "network.html",
            "report/index.html", "report/tables/organizations.csv"} <= set(gulf_outputs)


@pytest.mark.parametrize("output", ["gexf", "graphml", "gpkg", "geojson", "xlsx", "kumu", "table.csv", "table.xlsx",
                                    "coverage.geojson", "coverage.gpkg", "areas.csv", "organizations.html",
                                    "partners.html", "coverage.html", "ties.html", "network.html",
                                    "report/index.html", "report/tables/organizations.csv"])
def test_no_writer_writes_a_gulf_contact_value_or_heading(gulf_outputs, output: str) -> None:
    text, names = _text(gulf_outputs[output])
    assert "بلدية الخبر" in text or output.startswith("coverage") or output == "areas.csv"  # the file has content
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, f"{output} carries {leaked}"
    named = {h for h in names if schema.is_private(h) or h in ("الرقم الوطني", "هاتف المكتب", "جوال المنسق")}
    assert not named, f"{output} names private columns {named}"
    if output in ("table.csv", "xlsx", "gpkg", "geojson", "areas.csv"):
        assert names & {"city", "name", "population"}  # the public columns are still there


def test_report_tables_leave_out_the_gulf_contacts(gulf_outputs) -> None:
    tables = [p for k, p in gulf_outputs.items() if k.startswith("report/tables/")]
    assert len(tables) >= 5
    for path in tables:
        text = path.read_text(encoding="utf-8-sig")
        assert not [s for s in SECRETS if s in text], path.name


def test_private_columns_txt_problems_are_reported(tmp_path: Path) -> None:
    folder = _gulf_folder(tmp_path / "data")
    (folder / "private_columns.txt").write_text("الرقم الوطني\nno such column\nname\n", encoding="utf-8")
    report = pm.validate(folder)
    lines = [str(p) for p in report.problems if p.file == "private_columns.txt"]
    assert any("private_columns.txt:2: warning: no column 'no such column'" in line for line in lines), lines
    assert any("private_columns.txt:3: error: 'name' cannot be private" in line for line in lines), lines
    with pytest.raises(pm.DataValidationError):
        pm.load(folder)


def test_marking_a_column_private_on_the_data_reaches_table_writers(demo, tmp_path: Path) -> None:
    data = pm.load(pm.datasets.demo_path())
    data.private_columns = {"founded_year", "المدينة"}  # as written by the user: city under its Arabic heading
    table = data.organizations[["name", "city", "founded_year"]]  # a table taken from the data carries the mark
    written = pd.read_csv(write_table(table, tmp_path / "t.csv"), encoding="utf-8-sig")
    assert list(written.columns) == ["org_id", "name"]
    kumu = pd.read_excel(export_data(data, tmp_path / "k.xlsx", format="kumu"), sheet_name="Elements")
    assert "City" not in kumu.columns and "Sector" in kumu.columns
    assert "city" in pd.read_csv(write_table(demo.organizations[["name", "city"]], tmp_path / "u.csv"),
                                 encoding="utf-8-sig").columns  # another load is not affected
