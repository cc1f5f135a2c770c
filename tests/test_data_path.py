"""Metrics from loaded data (the compact graph built from the frames) equal the networkx graph's, filter by filter.

``centrality(data, as_of=, status=, kinds=)`` and its siblings must give what
``centrality(build_graph(data, as_of=, status=, kinds=))`` gives: same table, same
``df.attrs`` (the filters applied, as provenance), same summary, communities and bridges.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import partnermap as pm
from partnermap import pages
from partnermap.centrality import bridges, communities, network_summary

DEMO = pm.datasets.demo_path()


@pytest.fixture(scope="module")
def demo() -> pm.PartnerData:
    return pm.load(DEMO)


def _before_an_end(data: pm.PartnerData) -> str:
    """A date on which a tie now recorded as ended was still running."""
    rel = data.relationships
    ended = rel[(rel["status"] == "ended") & rel["end_date"].notna() & rel["start_date"].notna()]
    tie = ended.sort_values("end_date").iloc[len(ended) // 2]
    day = tie["start_date"] + (tie["end_date"] - tie["start_date"]) / 2
    return pd.Timestamp(day).date().isoformat()


def _same_table(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Equal tables and provenance; betweenness to the last bits rustworkx's parallel sum leaves free."""
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=1e-15)
    for col in a.columns.drop("betweenness"):
        assert a[col].equals(b[col]), col
    strip = lambda attrs: {k: v for k, v in attrs.items() if k != "elapsed_s"}  # noqa: E731
    assert strip(a.attrs) == strip(b.attrs)


def _same_summary(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a.keys() == b.keys()
    for key, value in a.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, b[key], check_exact=True)
        elif isinstance(value, float) and np.isnan(value):
            assert np.isnan(b[key]), key
        else:
            assert value == b[key], key


def _filters(data: pm.PartnerData) -> list[dict[str, Any]]:
    return [
        {},
        {"as_of": pm.datasets.DEMO_AS_OF},
        {"as_of": _before_an_end(data)},
        {"as_of": _before_an_end(data), "status": ("active", "ended")},
        {"status": ("active", "ended")},
        {"status": None},
        {"status": ("proposed",)},
        {"kinds": ["funding", "referral"]},
        {"kinds": ["funding"], "status": None, "as_of": "2024-06-30"},
    ]


def test_the_data_path_gives_the_networkx_paths_metrics_for_every_filter(demo: pm.PartnerData) -> None:
    for filters in _filters(demo):
        G = pm.build_graph(demo, **filters)
        table = pm.centrality(demo, **filters, progress=False)
        _same_table(table, pm.centrality(G, progress=False))
        _same_summary(network_summary(demo, **filters, metrics=table), network_summary(G, metrics=table))
        _same_summary(network_summary(demo, **filters), network_summary(G))
        assert communities(demo, **filters).equals(communities(G))
        pd.testing.assert_frame_equal(bridges(demo, **filters), bridges(G))
        assert table.attrs["graph_as_of"] == G.graph["as_of"]
        assert table.attrs["graph_status"] == G.graph["status"] and table.attrs["graph_kinds"] == G.graph["kinds"]


def test_the_filters_are_recorded_in_attrs(demo: pm.PartnerData) -> None:
    day = _before_an_end(demo)
    table = pm.centrality(demo, as_of=day, status=["active", "ended"], kinds=["funding", "mou"], progress=False)
    assert table.attrs["graph_as_of"] == day
    assert table.attrs["graph_status"] == ("active", "ended") and table.attrs["graph_kinds"] == ("funding", "mou")
    assert table.attrs["graph_source"] == demo.source
    default = pm.centrality(demo, progress=False)
    assert (default.attrs["graph_as_of"], default.attrs["graph_status"], default.attrs["graph_kinds"]) == (
        None, ("active",), None)


def test_directed_and_weighted_analysis_of_filtered_data(demo: pm.PartnerData) -> None:
    filters = {"kinds": ["funding", "referral"], "as_of": pm.datasets.DEMO_AS_OF}
    G = pm.build_graph(demo, **filters)
    for direction in ("auto", "directed"):
        a = pm.centrality(demo, **filters, direction=direction, weighted=True, progress=False)
        _same_table(a, pm.centrality(G, direction=direction, weighted=True, progress=False))
    assert a.attrs["direction"] == "directed"


def hand_made() -> pm.PartnerData:
    """Five organisations; a tie that ended in 2022, one not started until 2025, a proposal, a funding tie."""
    orgs = pd.DataFrame({"name": ["A", "B", "C", "D", "E"], "sector": ["public", "non_profit", "for_profit",
                                                                       "public", "non_profit"]},
                        index=pd.Index(["a", "b", "c", "d", "e"], name="org_id"))
    rels = pd.DataFrame(
        {"source": ["a", "b", "c", "a", "d"], "target": ["b", "c", "d", "e", "e"],
         "kind": ["partnership", "funding", "partnership", "referral", "mou"],
         "status": ["active", "active", "ended", "proposed", "active"],
         "directed": [False, True, False, True, False],
         "start_date": pd.to_datetime(["2019-01-01", "2020-01-01", "2018-01-01", None, "2025-03-01"]),
         "end_date": pd.to_datetime([None, None, "2022-06-30", None, None])},
        index=pd.Index([f"T{i}" for i in range(5)], name="tie_id"))
    return pm.PartnerData(organizations=orgs, relationships=rels, source="hand-made")


@pytest.mark.parametrize("filters, degree", [
    ({}, {"a": 1, "b": 2, "c": 1, "d": 1, "e": 1}),  # recorded statuses: c-d ended, a-e proposed
    ({"as_of": "2021-01-01"}, {"a": 1, "b": 2, "c": 2, "d": 1, "e": 0}),  # c-d still running, d-e not started
    ({"as_of": "2023-01-01", "status": None}, {"a": 2, "b": 2, "c": 2, "d": 2, "e": 2}),
    ({"status": ("ended", "proposed")}, {"a": 1, "b": 0, "c": 1, "d": 1, "e": 1}),
    ({"kinds": ["funding", "partnership"]}, {"a": 1, "b": 2, "c": 1, "d": 0, "e": 0}),
    ({"kinds": ["funding"], "as_of": "2019-06-01"}, {"a": 0, "b": 0, "c": 0, "d": 0, "e": 0}),
])
def test_hand_made_ties_filtered_as_build_graph_filters_them(filters: dict[str, Any], degree: dict[str, int]) -> None:
    data = hand_made()
    table = pm.centrality(data, **filters, progress=False)
    assert table["degree"].to_dict() == degree
    G = pm.build_graph(data, **filters)
    _same_table(table, pm.centrality(G, progress=False))
    _same_summary(network_summary(data, **filters), network_summary(G))
    pd.testing.assert_frame_equal(bridges(data, **filters), bridges(G))
    assert communities(data, **filters).equals(communities(G))


def test_filters_with_a_graph_or_bad_values_are_parameter_errors(demo: pm.PartnerData) -> None:
    G = pm.build_graph(demo)
    for call in (pm.centrality, network_summary, communities, bridges):
        with pytest.raises(pm.ParameterError, match="give them to partnermap.build_graph"):
            call(G, as_of="2024-01-01")
        with pytest.raises(pm.ParameterError, match="kinds"):
            call(nx.path_graph(3), kinds=["funding"])
        with pytest.raises(pm.ParameterError, match="unknown status 'live'"):
            call(demo, status=["live"])
        with pytest.raises(pm.ParameterError, match="unknown kinds 'grant'"):
            call(demo, kinds=["grant"])
    # the defaults, spelled out, are what the graph already is
    pd.testing.assert_frame_equal(bridges(G, status=["active"]), bridges(G))


def test_prepare_computes_from_the_frames_and_builds_the_graph_on_first_use(tmp_path) -> None:
    prep = pages.prepare(None)
    data, as_of = prep.data, prep.as_of
    G = pm.build_graph(data, as_of=as_of)
    _same_table(prep.metrics, pm.centrality(G, progress=False))
    _same_summary(prep.summary, network_summary(G, metrics=prep.metrics))
    again = pages.Prepared.open(prep.save(tmp_path / "prepared.pkl"))  # before the graph is asked for
    for graph in (prep.graph, again.graph):
        assert list(graph.nodes) == list(G.nodes) and list(graph.edges(keys=True)) == list(G.edges(keys=True))
        assert graph.graph == G.graph
    assert prep.graph is prep.graph  # built once
    assert pickle.loads(pickle.dumps(prep)).graph.number_of_edges() == prep.summary["ties"]


def test_cli_metrics_with_filters_writes_the_networkx_paths_table(demo: pm.PartnerData, tmp_path) -> None:
    from click.testing import CliRunner

    from partnermap.cli import cli

    day = _before_an_end(demo)
    out = tmp_path / "m.csv"
    result = CliRunner().invoke(cli, ["metrics", str(DEMO), "-o", str(out), "--as-of", day, "--status", "active,ended",
                                      "--kinds", "funding,referral,partnership", "--no-progress"])
    assert result.exit_code == 0, result.output
    G = pm.build_graph(demo, as_of=day, status=("active", "ended"), kinds=("funding", "referral", "partnership"))
    expected = pm.centrality(G, progress=False)
    pm.export.write_table(expected, tmp_path / "expected.csv")
    read = lambda path: pd.read_csv(path, encoding="utf-8-sig", index_col="org_id")  # noqa: E731
    # the same file, but for betweenness's last bits (rustworkx's parallel sum) that the rounding may show
    pd.testing.assert_frame_equal(read(out), read(tmp_path / "expected.csv"), check_exact=False, rtol=1e-10)
    assert read(out).drop(columns="betweenness").equals(read(tmp_path / "expected.csv").drop(columns="betweenness"))
    summary = network_summary(G, metrics=expected)
    assert f"ties: {summary['ties']}\n" in result.output and f"components: {summary['components']}\n" in result.output


def test_the_cut_network_view_is_the_subgraph_of_the_whole_graph(demo: pm.PartnerData) -> None:
    """Above the view's limit, the drawn graph comes from the kept organisations' ties without the whole graph."""
    lazy = pages.prepare(demo)
    built = copy.copy(lazy)  # the same metrics (betweenness's last bits vary from run to run)
    built.graph  # noqa: B018 - the whole graph, as before
    assert lazy._graph is None
    for limit in (40, 150):
        a, ma = pages.Page(lazy).view_graph(limit)
        b, mb = pages.Page(built).view_graph(limit)
        assert len(a) == limit and ma.equals(mb)
        # networkx's subgraph lists nodes in the order of a set (it varies with the string hash seed):
        # the same organisations, attributes and ties, in the data's order here
        assert dict(a.nodes(data=True)) == dict(b.nodes(data=True)) and a.graph == b.graph
        assert list(a) == [v for v in demo.organizations.index if v in set(b)]
        ends = lambda G: {k: (frozenset((u, v)), d) for u, v, k, d in G.edges(keys=True, data=True)}  # noqa: E731
        assert ends(a) == ends(b) and a.number_of_edges() == b.number_of_edges()
