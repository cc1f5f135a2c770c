"""Tests of partnermap.centrality: networkx equality, a hand-checked toy, published values."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import math
import random
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from partnermap._errors import ParameterError, PartnermapError
from partnermap.centrality import (
    COLUMN_MEANINGS,
    SUMMARY_MEANINGS,
    bridges,
    centrality,
    communities,
    format_summary,
    network_summary,
)
from partnermap.datasets import demo_path
from partnermap.graph import build_graph, simple_graph
from partnermap.load import load

FIXTURES = Path(__file__).parent / "fixtures"
TOL = 1e-9


# ----------------------------------------------------------------- helpers


def assert_close(table: pd.DataFrame, column: str, expected: dict, *, tol: float = TOL) -> None:
    """Every node's value in ``table[column]`` equals ``expected`` (NaN equals NaN)."""
    got = table[column].astype(float)
    want = pd.Series(expected, dtype=float).reindex(got.index)
    assert want.notna().sum() + want.isna().sum() == len(got)
    both_nan = got.isna() & want.isna()
    diff = (got - want).abs()[~both_nan]
    assert not diff.isna().any(), f"{column}: NaN mismatch at {list(diff.index[diff.isna()])}"
    assert diff.max() <= tol if len(diff) else True, f"{column}: max difference {diff.max():.3g} at {diff.idxmax()}"


def assert_hits(table: pd.DataFrame, G: nx.Graph, weighted: bool) -> None:
    """``hub``/``authority`` equal networkx's HITS (run to full precision) on the same view."""
    H = G if weighted else nx.create_empty_copy(G)
    if not weighted:
        H.add_edges_from(G.edges)
    hubs, authorities = nx.hits(H, max_iter=100_000, tol=1e-15)
    assert_close(table, "hub", hubs)
    assert_close(table, "authority", authorities)


def with_distance(G: nx.Graph) -> nx.Graph:
    """Copy of G whose ties carry ``distance = 1/weight`` for networkx's path metrics."""
    H = G.copy()
    for *_, d in H.edges(data=True):
        d["distance"] = 1.0 / d.get("weight", 1.0)
    return H


def mutual_view(G: nx.Graph) -> nx.Graph:
    """The undirected view partnermap uses for a DiGraph: reciprocal weights summed."""
    if not G.is_directed():
        return G
    U = nx.Graph()
    U.add_nodes_from(G)
    for u, v, d in G.edges(data=True):
        w = d.get("weight", 1.0)
        if U.has_edge(u, v):
            U[u][v]["weight"] += w
        else:
            U.add_edge(u, v, weight=w)
    return U


def random_weights(G: nx.Graph, seed: int) -> nx.Graph:
    rng = random.Random(seed)
    for *_, d in G.edges(data=True):
        d["weight"] = rng.choice([0.5, 1.0, 2.0, 3.0, 4.0])
    return G


def undirected_disconnected() -> nx.Graph:
    G = nx.gnm_random_graph(60, 150, seed=3)
    G.add_nodes_from([100, 101])  # isolates
    G.add_edge(102, 103)  # a lone pair
    nx.add_path(G, [110, 111, 112, 113])  # a small chain
    return G


def weighted_graph() -> nx.Graph:
    G = random_weights(nx.gnm_random_graph(60, 150, seed=4), 1)
    G.add_edge(200, 201, weight=2.0)
    return G


def directed_graph() -> nx.DiGraph:
    G = nx.gnm_random_graph(50, 200, seed=5, directed=True)
    G.add_node(300)
    return G


def directed_weighted_graph() -> nx.DiGraph:
    return random_weights(directed_graph(), 2)


GRAPHS = {
    "undirected-disconnected": (undirected_disconnected, False),
    "weighted": (weighted_graph, True),
    "directed": (directed_graph, False),
    "directed-weighted": (directed_weighted_graph, True),
    "karate-weighted": (nx.karate_club_graph, True),
    "les-miserables-weighted": (nx.les_miserables_graph, True),
    "florentine": (nx.florentine_families_graph, False),
}


def write_folder(folder: Path, orgs: list[dict], ties: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(orgs).to_csv(folder / "organizations.csv", index=False)
    pd.DataFrame(ties).to_csv(folder / "relationships.csv", index=False)
    return folder


# ------------------------------------------------------- equality with networkx


@pytest.mark.parametrize("name", list(GRAPHS))
def test_matches_networkx_exact(name: str) -> None:
    make, weighted = GRAPHS[name]
    G = make()
    table = centrality(G, weighted=weighted, progress=False)
    assert list(table.index) == list(G)
    dist = "distance" if weighted else None
    w = "weight" if weighted else None
    Gd = with_distance(G)
    assert_close(table, "betweenness", nx.betweenness_centrality(Gd, weight=dist))
    # networkx's closeness of a DiGraph is incoming; partnermap's closeness is outgoing
    out = Gd.reverse() if G.is_directed() else Gd
    assert_close(table, "closeness", nx.closeness_centrality(out, distance=dist))
    assert_close(table, "in_closeness", nx.closeness_centrality(Gd, distance=dist))
    assert_close(table, "pagerank", nx.pagerank(G, weight=w, tol=1e-14, max_iter=10_000))
    assert_hits(table, G, weighted)
    assert table.attrs["direction"] == ("directed" if G.is_directed() else "undirected")
    U = mutual_view(G)
    assert_close(table, "degree", dict(U.degree()))
    assert_close(table, "strength", dict(U.degree(weight="weight")))
    assert_close(table, "core_number", nx.core_number(U))
    assert_close(table, "constraint", nx.constraint(U, weight=w))
    # networkx's whole-graph effective_size takes a sparse shortcut that disagrees with
    # its own definition on weighted graphs (noted in the review of networkx PR #8905);
    # the per-node path is the definition.
    assert_close(table, "effective_size", nx.effective_size(U, nodes=list(U), weight=w))
    assert set(table.index[table["is_cut_point"]]) == set(nx.articulation_points(U))
    bridge_count = dict.fromkeys(U, 0)
    for u, v in nx.bridges(U):
        bridge_count[u] += 1
        bridge_count[v] += 1
    assert_close(table, "bridge_ties", bridge_count)
    if G.is_directed():
        assert_close(table, "in_degree", dict(G.in_degree()))
        assert_close(table, "out_degree", dict(G.out_degree()))


@pytest.mark.parametrize("name", ["undirected-disconnected", "weighted", "karate-weighted"])
def test_eigenvector_per_component(name: str) -> None:
    make, weighted = GRAPHS[name]
    G = make()
    table = centrality(G, weighted=weighted, progress=False)
    n = len(G)
    for comp in nx.connected_components(G):
        if len(comp) == 1:
            assert table.loc[list(comp), "eigenvector"].eq(0).all()
            continue
        if len(comp) == 2:  # a lone pair: both ends equal, unit length
            expected = dict.fromkeys(comp, 1 / math.sqrt(2))
        else:
            expected = nx.eigenvector_centrality_numpy(G.subgraph(comp), weight="weight" if weighted else None)
        scale = math.sqrt(len(comp) / n)
        assert_close(table.loc[list(comp)], "eigenvector", {v: x * scale for v, x in expected.items()})


def test_eigenvector_connected_equals_networkx_power_iteration() -> None:
    G = nx.karate_club_graph()
    table = centrality(G, progress=False)
    assert_close(table, "eigenvector", nx.eigenvector_centrality(G, tol=1e-15, max_iter=10_000), tol=1e-9)


@pytest.mark.parametrize("name", ["undirected-disconnected", "weighted", "directed", "directed-weighted"])
@pytest.mark.parametrize("k", [2, 9])
def test_sampled_betweenness_equals_networkx_same_seed(name: str, k: int) -> None:
    make, weighted = GRAPHS[name]
    G = make()
    table = centrality(G, weighted=weighted, k=k, seed=11, progress=False)
    expected = nx.betweenness_centrality(with_distance(G), k=k, seed=11, weight="distance" if weighted else None)
    assert_close(table, "betweenness", expected)
    assert table.attrs["k"] == k and table.attrs["seed"] == 11
    assert "estimated" in table.attrs["betweenness"]
    assert "estimated" in table.attrs["closeness"]


def test_sampled_closeness_with_all_sources_is_exact() -> None:
    # k = n - 1 sources: closeness estimates follow the exact formula on the sampled sources
    G = undirected_disconnected()
    exact = centrality(G, progress=False)
    near = centrality(G, k=len(G) - 1, seed=1, progress=False)
    assert near["closeness"].corr(exact["closeness"], method="spearman") > 0.99
    assert centrality(G, k=len(G), progress=False).attrs["betweenness"] == "exact"


def test_weighted_brandes_matches_networkx_exact_path() -> None:
    # Weights that create ties in path length only through floating-point sums.
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 3.0), ("b", "c", 3.0), ("c", "d", 3.0), ("a", "d", 1.0), ("b", "d", 1.5)])
    table = centrality(G, weighted=True, progress=False)
    Gd = with_distance(G)
    assert_close(table, "betweenness", nx.betweenness_centrality(Gd, weight="distance"))
    assert_close(table, "closeness", nx.closeness_centrality(Gd, distance="distance"))
    assert "Brandes" in table.attrs["engine_paths"]  # the compiled kernel, not rustworkx


def test_equal_weights_take_the_unweighted_paths() -> None:
    G = nx.karate_club_graph()
    nx.set_edge_attributes(G, 2.0, "weight")
    table = centrality(G, weighted=True, progress=False)
    assert table.attrs["engine_paths"] == "rustworkx"
    Gd = with_distance(G)
    assert_close(table, "betweenness", nx.betweenness_centrality(Gd, weight="distance"))
    assert_close(table, "closeness", nx.closeness_centrality(Gd, distance="distance"))


# ------------------------------------------------------------ toy network


@pytest.fixture
def toy(tmp_path: Path) -> nx.MultiGraph:
    """Triangle A-B-C, pendant D on A (partnership plus funding A->D), isolate E.

    A is public, B and C non-profits, D and E companies. An ended B-D tie is
    filtered out by build_graph.
    """
    orgs = [
        {"org_id": "A", "name": "Council", "sector": "public"},
        {"org_id": "B", "name": "Food bank", "sector": "non_profit"},
        {"org_id": "C", "name": "Youth club", "sector": "non_profit"},
        {"org_id": "D", "name": "Bakery", "sector": "for_profit"},
        {"org_id": "E", "name": "Garage", "sector": "for_profit"},
    ]
    ties = [
        {"source": "A", "target": "B", "kind": "partnership", "status": "active"},
        {"source": "A", "target": "C", "kind": "partnership", "status": "active"},
        {"source": "B", "target": "C", "kind": "joint_project", "status": "active"},
        {"source": "A", "target": "D", "kind": "partnership", "status": "active"},
        {"source": "A", "target": "D", "kind": "funding", "status": "active"},
        {"source": "B", "target": "D", "kind": "partnership", "status": "ended"},
    ]
    return build_graph(load(write_folder(tmp_path / "toy", orgs, ties)))


def test_toy_hand_checked(toy: nx.MultiGraph) -> None:
    t = centrality(toy, progress=False)
    assert list(t.index) == list("ABCDE")
    assert t.index.name == "org_id"
    assert list(t.columns) == list(COLUMN_MEANINGS)
    assert t["name"].tolist() == ["Council", "Food bank", "Youth club", "Bakery", "Garage"]
    assert t["degree"].tolist() == [3, 2, 2, 1, 0]
    assert t["strength"].tolist() == [4.0, 2.0, 2.0, 2.0, 0.0]  # A-D has two ties
    assert t["out_degree"].tolist() == [1, 0, 0, 0, 0]
    assert t["in_degree"].tolist() == [0, 0, 0, 1, 0]
    # A is on the D-B and D-C routes: raw 2 of (n-1)(n-2)/2 = 6 pairs
    assert_close(t, "betweenness", {"A": 1 / 3, "B": 0, "C": 0, "D": 0, "E": 0})
    # Wasserman-Faust: (reached / total distance) * (reached / (n - 1))
    assert_close(t, "closeness", {"A": 0.75, "B": 0.5625, "C": 0.5625, "D": 0.45, "E": 0.0})
    assert t["core_number"].tolist() == [2, 2, 2, 1, 0]
    # B: (1/2 + 1/2 * 1/2)^2 via C to A, plus (1/2 + 1/2 * 1/3)^2 via A (three partners) to C
    assert_close(t, "constraint",
                 {"A": 1 / 4 + 1 / 4 + 1 / 9, "B": 9 / 16 + 4 / 9, "C": 9 / 16 + 4 / 9, "D": 1.0, "E": math.nan})
    assert_close(t, "effective_size", {"A": 7 / 3, "B": 1.0, "C": 1.0, "D": 1.0, "E": math.nan})
    assert t["is_cut_point"].tolist() == [True, False, False, False, False]
    assert t["bridge_ties"].tolist() == [1, 0, 0, 1, 0]
    assert_close(t, "cross_sector_share", {"A": 1.0, "B": 0.5, "C": 0.5, "D": 1.0, "E": math.nan})
    # Louvain pairs A-D and B-C (modularity 0, as good as one group); equal sizes, so
    # the group holding the smallest org_id (A) is 0 and the isolate comes last
    assert t["community"].tolist() == [0, 1, 1, 0, 2]
    assert t["eigenvector"]["E"] == 0
    assert math.isclose(t["pagerank"].sum(), 1.0)
    assert t.dtypes["is_cut_point"] == np.dtype(bool)
    for col in ("degree", "in_degree", "out_degree", "core_number", "community", "bridge_ties"):
        assert t.dtypes[col] == np.int64, col


def test_toy_summary(toy: nx.MultiGraph) -> None:
    s = network_summary(toy)
    assert s["organisations"] == 5
    assert s["ties"] == 5  # the ended tie is filtered out
    assert s["partner_pairs"] == 4
    assert s["directed_ties"] == 1
    assert s["isolates"] == 1
    assert s["density"] == pytest.approx(0.4)
    assert s["components"] == 2
    assert s["component_sizes"] == [4, 1]
    assert s["largest_component_share"] == pytest.approx(0.8)
    assert s["transitivity"] == pytest.approx(0.6)
    assert s["average_clustering"] == pytest.approx(7 / 15)
    assert s["degree_centralization"] == pytest.approx(7 / 12)
    assert s["reciprocity"] == 0.0
    assert s["sector_ei_index"] == pytest.approx(0.5)  # 3 cross-sector pairs, 1 within
    U = simple_graph(toy)
    assert s["sector_assortativity"] == pytest.approx(nx.attribute_assortativity_coefficient(U, "sector"))
    labels = communities(toy)
    parts = [set(labels.index[labels == c]) for c in sorted(set(labels))]
    assert s["modularity"] == pytest.approx(nx.community.modularity(U, parts, weight=None))
    mix = s["sector_mixing"]
    assert mix.loc["non_profit", "public"] == mix.loc["public", "non_profit"] == 2
    assert mix.loc["non_profit", "non_profit"] == 1
    assert mix.loc["for_profit", "non_profit"] == 0
    exp = s["sector_mixing_expected"]
    # ends: for_profit 1, non_profit 4, public 3 of 8; 4 pairs
    assert exp.loc["for_profit", "non_profit"] == pytest.approx(4 * 2 * (1 / 8) * (4 / 8))
    assert exp.loc["public", "public"] == pytest.approx(4 * (3 / 8) ** 2)
    assert exp.to_numpy().sum() / 2 + np.trace(exp.to_numpy()) / 2 == pytest.approx(4)
    assert s["sector_pairs_without_ties"] == [("for_profit", "non_profit")]
    text = format_summary(s, meanings=True)
    assert "sector pairs with no ties: for_profit - non_profit" in text
    assert SUMMARY_MEANINGS["density"] in text


def test_summary_reuses_metrics_communities(toy: nx.MultiGraph) -> None:
    t = centrality(toy, progress=False)
    assert network_summary(toy, metrics=t)["modularity"] == network_summary(toy)["modularity"]


def test_summary_org_type_mixing_and_networkx_assortativity() -> None:
    G = nx.karate_club_graph()
    for v in G:
        G.nodes[v]["sector"] = "public" if G.nodes[v]["club"] == "Mr. Hi" else "for_profit"
        G.nodes[v]["org_type"] = ["school", "library", "company"][v % 3]
    s = network_summary(G)
    assert s["sector_assortativity"] == pytest.approx(nx.attribute_assortativity_coefficient(G, "sector"))
    assert s["org_type_assortativity"] == pytest.approx(nx.attribute_assortativity_coefficient(G, "org_type"))
    assert s["transitivity"] == pytest.approx(nx.transitivity(G))
    assert s["average_clustering"] == pytest.approx(nx.average_clustering(G))
    assert s["density"] == pytest.approx(nx.density(G))
    assert int(s["org_type_mixing"].to_numpy().sum() + np.trace(s["org_type_mixing"].to_numpy())) == 2 * 78


def test_reciprocity_of_directed_ties() -> None:
    D = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c")])
    assert network_summary(D)["reciprocity"] == pytest.approx(nx.overall_reciprocity(D))


def test_bridges_table(toy: nx.MultiGraph) -> None:
    b = bridges(toy)
    assert b.to_dict("records") == [
        {"source": "A", "target": "D", "source_name": "Council", "target_name": "Bakery", "cut_off": 1}
    ]
    chain = bridges(nx.path_graph(["a", "b", "c", "d", "e"]))
    assert chain["cut_off"].tolist() == [2, 2, 1, 1]
    assert chain[["source", "target"]].values.tolist() == [["b", "c"], ["c", "d"], ["a", "b"], ["d", "e"]]
    assert bridges(nx.cycle_graph(4)).empty


# --------------------------------------------------------- published values


def test_karate_club_published_betweenness() -> None:
    G = build_graph(load(FIXTURES / "karate"))
    t = centrality(G, progress=False)
    n = len(t)
    assert n == 34 and G.number_of_edges() == 78
    raw = t["betweenness"] * (n - 1) * (n - 2) / 2
    assert raw["M01"] == pytest.approx(231.07, abs=0.005)
    assert raw["M34"] == pytest.approx(160.55, abs=0.005)
    assert raw.idxmax() == "M01"
    assert not t["is_cut_point"]["M34"] and t["is_cut_point"]["M01"]


def test_florentine_published_betweenness() -> None:
    G = build_graph(load(FIXTURES / "florentine"))
    t = centrality(G, progress=False)
    n = len(t)
    assert n == 16
    raw = t["betweenness"] * (n - 1) * (n - 2) / 2
    assert raw["Medici"] == pytest.approx(47.5)
    assert raw.idxmax() == "Medici"
    assert t.loc["Pucci", ["degree", "betweenness", "closeness", "eigenvector"]].tolist() == [0, 0.0, 0.0, 0.0]
    assert math.isnan(t.loc["Pucci", "constraint"])
    s = network_summary(G)
    assert s["components"] == 2 and s["isolates"] == 1


# -------------------------------------------------------- behaviour and API


def test_deterministic_and_does_not_mutate(toy: nx.MultiGraph) -> None:
    G = nx.les_miserables_graph()
    before = (list(G.nodes(data=True)), list(G.edges(data=True)), dict(G.graph))
    a = centrality(G, weighted=True, k=20, seed=3, progress=False)
    b = centrality(G, weighted=True, k=20, seed=3, progress=False)
    pd.testing.assert_frame_equal(a, b)
    assert (list(G.nodes(data=True)), list(G.edges(data=True)), dict(G.graph)) == before
    tb = (list(toy.nodes(data=True)), list(toy.edges(keys=True, data=True)))
    centrality(toy, progress=False)
    network_summary(toy)
    bridges(toy)
    assert (list(toy.nodes(data=True)), list(toy.edges(keys=True, data=True))) == tb


def test_community_labels_ordered_by_size_then_org_id() -> None:
    G = nx.Graph()
    nx.add_path(G, ["z1", "z2"])  # small group, but smallest ids come later
    G.add_edges_from(nx.complete_graph(["b1", "b2", "b3", "b4"]).edges)
    G.add_edges_from(nx.complete_graph(["a1", "a2", "a3", "a4"]).edges)
    G.add_node("c0")
    labels = communities(G)
    assert labels["a1"] == 0 and labels["b1"] == 1 and labels["z1"] == 2 and labels["c0"] == 3
    sizes = labels.value_counts().sort_index().tolist()
    assert sizes == sorted(sizes, reverse=True)
    assert (centrality(G, progress=False)["community"] == labels).all()


def test_attrs_record_choices_and_provenance(toy: nx.MultiGraph) -> None:
    t = centrality(toy, progress=False)
    assert t.attrs["weighted"] is False and t.attrs["k"] is None and t.attrs["seed"] == 0
    assert t.attrs["betweenness"] == "exact"
    assert t.attrs["graph_status"] == ("active",)
    assert t.attrs["engine_paths"] == "rustworkx"
    assert "Louvain" in t.attrs["community"]


def test_bad_k_says_how_to_fix() -> None:
    with pytest.raises(PartnermapError, match="at least 2"):
        centrality(nx.path_graph(5), k=1, progress=False)
    with pytest.raises(PartnermapError, match="at least 2"):
        centrality(nx.path_graph(5), k="many", progress=False)  # type: ignore[arg-type]


def test_bad_weight_and_bad_input() -> None:
    G = nx.Graph()
    G.add_edge("a", "b", weight=-1)
    with pytest.raises(PartnermapError, match="positive number"):
        centrality(G, progress=False)
    with pytest.raises(PartnermapError, match="networkx graph"):
        centrality({"a": "b"}, progress=False)  # type: ignore[arg-type]


def test_bad_arguments_are_value_errors_and_bad_data_is_not() -> None:
    with pytest.raises(ValueError, match="at least 2"):  # code that catches ValueError keeps working
        centrality(nx.path_graph(5), k=1, progress=False)
    G = nx.Graph()
    G.add_edge("a", "b", weight=-1)
    with pytest.raises(PartnermapError) as info:
        centrality(G, progress=False)
    assert not isinstance(info.value, ParameterError)  # the data is wrong, not the call


@pytest.mark.parametrize("G", [nx.Graph(), nx.empty_graph(3), nx.path_graph(2), nx.empty_graph(1)])
def test_tiny_and_empty_graphs(G: nx.Graph) -> None:
    t = centrality(G, progress=False)
    assert len(t) == len(G)
    assert list(t.columns) == list(COLUMN_MEANINGS)
    assert not t["betweenness"].isna().any() and not t["closeness"].isna().any()
    s = network_summary(G)
    assert s["organisations"] == len(G)
    format_summary(s)


def test_progress_and_logging(toy: nx.MultiGraph, caplog: pytest.LogCaptureFixture,
                              capsys: pytest.CaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="partnermap"):
        centrality(toy, progress=True, k=3)
    steps = [r.getMessage() for r in caplog.records if r.getMessage().startswith("centrality:")]
    assert any("betweenness and closeness (sampled, k=3)" in m for m in steps)
    assert len(steps) == 11  # ten steps and the closing line
    capsys.readouterr()
    centrality(toy, progress=False)
    assert capsys.readouterr().err == ""


def test_every_column_has_a_plain_meaning() -> None:
    for col, text in COLUMN_MEANINGS.items():
        assert text.endswith(".") and len(text) > 15, col
    assert set(SUMMARY_MEANINGS) <= set(network_summary(nx.path_graph(3)))


def test_benchmark_generator_builds_a_valid_network() -> None:
    path = Path(__file__).parents[1] / "benchmarks" / "bench_centrality.py"
    spec = importlib.util.spec_from_file_location("bench_centrality", path)
    bench = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(bench)
    G = bench.make_graph(400, seed=1)
    assert G.number_of_nodes() == 400
    assert 1500 <= G.number_of_edges() <= 1600  # average degree about 8
    t = centrality(G, k=50, seed=1, progress=False)
    assert t["out_degree"].sum() > 0 and t["betweenness"].max() > 0


def test_self_ties_dropped_and_parallel_ties_summed() -> None:
    G = nx.MultiGraph()
    G.add_edges_from([("a", "a"), ("a", "b"), ("a", "b"), ("b", "c")])
    t = centrality(G, progress=False)
    assert t["degree"].tolist() == [1, 2, 1]
    assert t["strength"].tolist() == [2.0, 3.0, 1.0]
    assert t["betweenness"].tolist() == [0.0, 1.0, 0.0]
    M = nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "a"), ("c", "c")])
    tm = centrality(M, progress=False)
    assert tm["in_degree"].tolist() == [1, 1, 0] and tm["strength"].tolist() == [3.0, 3.0, 0.0]


def test_metrics_do_not_depend_on_row_order(tmp_path) -> None:
    """The same ecosystem written in another order (and undirected ties reversed) gives the same table."""
    src = Path(demo_path())
    orgs = pd.read_csv(src / "organizations.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    rels = pd.read_csv(src / "relationships.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    rels = rels.sample(frac=1, random_state=4)
    undirected = rels["directed"] != "true"
    rels.loc[undirected, ["source", "target"]] = rels.loc[undirected, ["target", "source"]].to_numpy()
    (tmp_path / "shuffled").mkdir()
    orgs.sample(frac=1, random_state=3).to_csv(tmp_path / "shuffled" / "organizations.csv", index=False)
    rels.to_csv(tmp_path / "shuffled" / "relationships.csv", index=False)
    a = centrality(build_graph(load(src)), progress=False)
    b = centrality(build_graph(load(tmp_path / "shuffled")), progress=False).loc[a.index]
    assert (a["community"] == b["community"]).all()
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------ direction


def mixed_multigraph(seed: int, *, weighted: bool, all_directed: bool = False) -> nx.MultiGraph:
    """A MultiGraph as build_graph makes it: directed ties (source -> target) and mutual ones,
    parallel ties, self-ties, isolates and a second component."""
    rng = random.Random(seed)
    base = nx.gnm_random_graph(40, 110, seed=seed, directed=True)
    G = nx.MultiGraph()
    G.add_nodes_from(range(40))
    G.add_nodes_from([90, 91])  # isolates
    edges = [*base.edges, (80, 81), (81, 82), (82, 80), (5, 5), (7, 7)]  # a directed triangle apart, self-ties
    edges += [(3, 9), (3, 9), (10, 2)]  # parallel ties
    for u, v in edges:
        directed = all_directed or rng.random() < 0.6
        w = rng.choice([0.5, 1.0, 2.0, 4.0]) if weighted else 1.0
        G.add_edge(u, v, source=u, target=v, directed=directed, weight=w)
    return G


def directed_view(G: nx.MultiGraph) -> nx.DiGraph:
    """What direction="directed" means, written with networkx: a directed tie one way, any other
    tie both ways, parallel arcs' weights summed, self-ties dropped."""
    D = nx.DiGraph()
    D.add_nodes_from(G)
    for _, _, d in G.edges(data=True):
        s, t = d["source"], d["target"]
        if s == t:
            continue
        for a, b in [(s, t)] if d["directed"] else [(s, t), (t, s)]:
            if D.has_edge(a, b):
                D[a][b]["weight"] += d["weight"]
            else:
                D.add_edge(a, b, weight=d["weight"])
    return D


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("all_directed", [False, True])
def test_directed_analysis_matches_networkx_digraph(weighted: bool, all_directed: bool) -> None:
    G = mixed_multigraph(7, weighted=weighted, all_directed=all_directed)
    table = centrality(G, weighted=weighted, direction="directed", progress=False)
    D = directed_view(G)
    Dd = with_distance(D)
    dist = "distance" if weighted else None
    assert table.attrs["direction"] == "directed"
    assert_close(table, "betweenness", nx.betweenness_centrality(Dd, weight=dist))
    assert_close(table, "closeness", nx.closeness_centrality(Dd.reverse(), distance=dist))
    assert_close(table, "in_closeness", nx.closeness_centrality(Dd, distance=dist))
    assert_close(table, "pagerank", nx.pagerank(D, weight="weight" if weighted else None, tol=1e-14, max_iter=10_000))
    assert_hits(table, D, weighted)
    # the other metrics keep the undirected partner view
    U = simple_graph(G)
    assert_close(table, "degree", dict(U.degree()))
    assert_close(table, "core_number", nx.core_number(U))
    undirected = centrality(G, weighted=weighted, direction="undirected", progress=False)
    for col in ("degree", "strength", "in_degree", "out_degree", "eigenvector", "constraint", "community"):
        pd.testing.assert_series_equal(table[col], undirected[col])


def test_sampled_directed_equals_networkx_same_seed() -> None:
    G = mixed_multigraph(3, weighted=False)
    table = centrality(G, direction="directed", k=9, seed=5, progress=False)
    assert_close(table, "betweenness", nx.betweenness_centrality(directed_view(G), k=9, seed=5))
    full = centrality(G, direction="directed", k=len(G) - 1, seed=5, progress=False)
    exact = centrality(G, direction="directed", progress=False)
    assert full["closeness"].corr(exact["closeness"], method="spearman") > 0.95
    assert full["in_closeness"].corr(exact["in_closeness"], method="spearman") > 0.95


def test_auto_direction_follows_the_data() -> None:
    mixed = mixed_multigraph(1, weighted=False)
    auto = centrality(mixed, progress=False)
    assert auto.attrs["direction"] == "undirected" and "undirected" in auto.attrs["direction_reason"]
    assert (auto["closeness"] == auto["in_closeness"]).all()
    assert np.allclose(auto["hub"], auto["authority"], atol=1e-12)
    pd.testing.assert_frame_equal(auto, centrality(mixed, direction="undirected", progress=False),
                                  check_exact=False, rtol=1e-12, atol=1e-12, check_like=False,
                                  obj="auto on mixed data")
    directed = mixed_multigraph(1, weighted=False, all_directed=True)
    t = centrality(directed, progress=False)
    assert t.attrs["direction"] == "directed" and t.attrs["direction_requested"] == "auto"
    assert_close(t, "betweenness", nx.betweenness_centrality(directed_view(directed)))
    # a DiGraph is directed unless asked otherwise; undirected takes the ties as mutual
    D = directed_graph()
    assert centrality(D, progress=False).attrs["direction"] == "directed"
    u = centrality(D, direction="undirected", progress=False)
    assert_close(u, "betweenness", nx.betweenness_centrality(mutual_view(D)))
    # no ties at all: nothing to follow
    assert centrality(nx.empty_graph(3, create_using=nx.MultiGraph), progress=False).attrs["direction"] == "undirected"


def test_bad_direction_says_how_to_fix() -> None:
    with pytest.raises(ParameterError, match="choose one of 'auto', 'undirected', 'directed'"):
        centrality(nx.path_graph(3), direction="both", progress=False)


def test_knoke_information_network_published_betweenness() -> None:
    """Knoke's information network (Hanneman & Riddle 2005, ch. 10): directed Freeman betweenness."""
    folder = FIXTURES / "knoke"
    matrix = pd.read_csv(folder / "adjacency.csv", index_col=0)
    ties = pd.read_csv(folder / "relationships.csv")
    assert sorted(zip(ties["source"], ties["target"], strict=True)) == sorted(
        (a, b) for a in matrix.index for b in matrix.columns if matrix.loc[a, b]
    )
    G = build_graph(load(folder))
    t = centrality(G, progress=False)
    n = len(t)
    assert n == 10 and G.number_of_edges() == 49
    assert t.attrs["direction"] == "directed"  # every tie is directed
    raw = t["betweenness"] * (n - 1) * (n - 2)  # directed: ordered pairs
    published = {"MAYR": 17.833, "COMM": 12.333, "EDUC": 11.694, "NEWS": 2.750, "WELF": 1.222,
                 "INDU": 0.806, "COUN": 0.667, "WEST": 0.361, "WRO": 0.333, "UWAY": 0.0}
    for org, value in published.items():
        assert raw[org] == pytest.approx(value, abs=0.0005), org
    # By hand: WRO hears only from EDUC, and of EDUC's three two-step routes to WELF
    # (via COMM, MAYR, WRO) one passes through WRO: 1/3. UWAY hears only from COMM and MAYR,
    # which tell everyone UWAY tells directly, so no shortest route needs UWAY: 0.
    assert raw["WRO"] == pytest.approx(1 / 3, abs=1e-12)
    assert raw["UWAY"] == 0
    D = nx.DiGraph(list(zip(ties["source"], ties["target"], strict=True)))
    assert_close(t, "betweenness", nx.betweenness_centrality(D))
    assert_close(t, "closeness", nx.closeness_centrality(D.reverse()))
    assert_close(t, "in_closeness", nx.closeness_centrality(D))
    assert t["in_degree"].to_dict() == dict(D.in_degree()) and t["in_degree"]["NEWS"] == 9
    assert t["out_degree"]["MAYR"] == 8


# ---------------------------------------------------------------- communities


def louvain_modularity_networkx(U: nx.Graph, seed: int) -> float:
    parts = nx.community.louvain_communities(U, weight=None, seed=seed)
    return nx.community.modularity(U, parts, weight=None)


@pytest.mark.parametrize("source", ["demo", "benchmark-5k"])
def test_communities_modularity_at_least_networkx_louvain(source: str) -> None:
    import importlib.util

    if source == "demo":
        from partnermap.datasets import demo_path

        G = build_graph(load(demo_path()))
    else:
        path = Path(__file__).parents[1] / "benchmarks" / "bench_centrality.py"
        spec = importlib.util.spec_from_file_location("bench_centrality", path)
        bench = importlib.util.module_from_spec(spec)
        assert spec.loader is not None
        spec.loader.exec_module(bench)
        G = bench.make_graph(5000, seed=42)
    U = simple_graph(G)
    labels = communities(G, seed=0)
    parts = [set(members) for _, members in labels.groupby(labels).groups.items()]
    ours = nx.community.modularity(U, parts, weight=None)
    assert ours >= max(louvain_modularity_networkx(U, seed) for seed in (0, 1, 2))
    assert network_summary(G, metrics=labels.to_frame())["modularity"] == pytest.approx(ours, abs=1e-12)
    # every community is connected
    for members in parts:
        assert nx.is_connected(U.subgraph(members))


def test_communities_repeat_and_ignore_thread_count() -> None:
    import networkit as nk

    G = nx.les_miserables_graph()
    threads = nk.getMaxNumberOfThreads()
    try:
        nk.setNumberOfThreads(2)
        a = communities(G, weighted=True, seed=4)
        assert nk.getMaxNumberOfThreads() == 2  # the caller's setting is left as it was
        nk.setNumberOfThreads(1)
        b = communities(G, weighted=True, seed=4)
    finally:
        nk.setNumberOfThreads(threads)
    pd.testing.assert_series_equal(a, b)
    assert a.max() >= 3 and communities(G, weighted=True, resolution=3.0).max() > a.max()


def test_the_communities_seed_is_used() -> None:
    """PLM runs in a fixed node order: the seed must still choose that order (same seed, same labels)."""
    G = nx.les_miserables_graph()
    runs = [communities(G, seed=s) for s in range(6)]
    assert len({tuple(r) for r in runs}) > 1
    for s, r in enumerate(runs[:2]):
        pd.testing.assert_series_equal(communities(G, seed=s), r)


# ------------------------------------------------------ betweenness with a stated error


def test_estimate_with_every_source_is_exact() -> None:
    G = undirected_disconnected()
    t = centrality(G, estimate=True, epsilon=1e-9, progress=False)
    assert t.attrs["betweenness"].startswith("exact") and t.attrs["betweenness_sources"] == len(G)
    assert_close(t, "betweenness", nx.betweenness_centrality(G))
    assert_close(t, "closeness", nx.closeness_centrality(G))
    D = mixed_multigraph(2, weighted=True)
    td = centrality(D, weighted=True, direction="directed", estimate=True, epsilon=1e-9, progress=False)
    Dd = with_distance(directed_view(D))
    assert_close(td, "betweenness", nx.betweenness_centrality(Dd, weight="distance"))
    assert_close(td, "closeness", nx.closeness_centrality(Dd.reverse(), distance="distance"))
    assert_close(td, "in_closeness", nx.closeness_centrality(Dd, distance="distance"))


@pytest.mark.parametrize("directed", [False, True])
def test_estimate_stays_within_its_stated_error(directed: bool) -> None:
    import importlib.util

    path = Path(__file__).parents[1] / "benchmarks" / "bench_centrality.py"
    spec = importlib.util.spec_from_file_location("bench_centrality", path)
    bench = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(bench)
    G = bench.make_graph(1500, seed=3)
    direction = "directed" if directed else "undirected"
    t = centrality(G, estimate=True, epsilon=0.004, delta=0.1, seed=2, direction=direction, progress=False)
    exact = centrality(G, direction=direction, progress=False)
    a = t.attrs
    assert 100 <= a["betweenness_sources"] < len(G)
    assert a["betweenness_epsilon"] <= 0.004 and a["betweenness_delta"] == 0.1
    assert "within +/-" in a["betweenness"] and f"from {a['betweenness_sources']} of 1500" in a["betweenness"]
    assert (t["betweenness"] - exact["betweenness"]).abs().max() <= a["betweenness_epsilon"]
    top = set(exact["betweenness"].nlargest(30).index)
    assert len(top & set(t["betweenness"].nlargest(30).index)) >= 24
    assert t["closeness"].corr(exact["closeness"], method="spearman") > 0.95


def test_estimate_is_seeded_and_ignores_row_order() -> None:
    G = nx.relabel_nodes(nx.gnm_random_graph(300, 900, seed=8), lambda i: f"N{i:03d}")
    H = nx.Graph()
    H.add_nodes_from(sorted(G, reverse=True))
    H.add_edges_from(sorted(G.edges, reverse=True))
    a = centrality(G, estimate=True, epsilon=0.04, seed=1, progress=False)
    b = centrality(H, estimate=True, epsilon=0.04, seed=1, progress=False).loc[a.index]
    pd.testing.assert_series_equal(a["betweenness"], b["betweenness"], check_exact=True)  # the same sums in the same order
    pd.testing.assert_series_equal(a["closeness"], b["closeness"], check_exact=True)
    assert a.attrs["betweenness_sources"] == b.attrs["betweenness_sources"] < 300
    c = centrality(G, estimate=True, epsilon=0.04, seed=2, progress=False)
    assert not np.allclose(a["betweenness"], c["betweenness"])


def test_estimate_is_chosen_above_the_stated_size(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    module = importlib.import_module("partnermap.centrality")
    G = nx.gnm_random_graph(200, 600, seed=1)
    assert centrality(G, progress=False).attrs["betweenness"] == "exact"
    monkeypatch.setattr(module, "ESTIMATE_ABOVE", 150)
    t = centrality(G, epsilon=0.02, progress=False)
    assert "within +/-" in t.attrs["betweenness"]
    assert centrality(G, estimate=False, progress=False).attrs["betweenness"] == "exact"
    assert "k=20" in centrality(G, k=20, progress=False).attrs["betweenness"]  # k keeps plain sampling


def test_bad_estimate_arguments_say_how_to_fix() -> None:
    G = nx.path_graph(5)
    for kwargs, message in [({"epsilon": 0}, "epsilon=0: give a number between 0 and 1"),
                            ({"delta": 1.5}, "delta=1.5"), ({"estimate": "yes"}, "True, False or None"),
                            ({"estimate": True, "k": 3}, "either k")]:
        with pytest.raises(ParameterError, match=message):
            centrality(G, progress=False, **kwargs)


def test_estimate_stops_at_its_work_budget_and_states_what_it_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    module = importlib.import_module("partnermap.centrality")
    G = nx.gnm_random_graph(800, 3200, seed=2)
    monkeypatch.setattr(module, "ESTIMATE_WORK", 150 * (800 + 3200))
    t = centrality(G, estimate=True, epsilon=1e-6, progress=False)
    exact = centrality(G, progress=False)
    a = t.attrs
    assert 150 <= a["betweenness_sources"] < 150 + 64  # the batch that crossed the budget
    assert a["betweenness_epsilon"] > a["betweenness_epsilon_target"] == 1e-6
    assert f"+/-{a['betweenness_epsilon']:.2g}" in a["betweenness"]
    assert (t["betweenness"] - exact["betweenness"]).abs().max() <= a["betweenness_epsilon"]


def test_the_community_graph_is_the_one_adding_sorted_pairs_gives() -> None:
    """PLM's result depends on each node's partner order: the fast build must give the same graph."""
    nk = importlib.import_module("partnermap.centrality")._networkit()
    rng = np.random.default_rng(1)
    for _ in range(20):
        n = int(rng.integers(2, 800))
        u, v = rng.integers(0, n, 4 * n), rng.integers(0, n, 4 * n)
        keep = u != v
        pairs = np.unique(np.c_[np.minimum(u, v)[keep], np.maximum(u, v)[keep]], axis=0)
        a, b, w = pairs[:, 0], pairs[:, 1], rng.random(len(pairs)) + 0.5
        one_by_one = nk.GraphFromCoo((w, (a.astype(np.uint64), b.astype(np.uint64))), n=n, weighted=True,
                                     directed=False)
        fast = nk.GraphFromCsr(sp.csr_array((w, (a, b)), shape=(n, n)), directed=False, weighted=True)
        fast.sortEdges()
        for x in range(n):
            assert list(fast.iterNeighborsWeights(x)) == list(one_by_one.iterNeighborsWeights(x))
