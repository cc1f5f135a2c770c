"""Graph build: filters, parallel ties, provenance, and the inverse back to frames."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import partnermap as pm

from .conftest import RELS


def test_default_graph_keeps_active_ties_and_every_organisation(toy: Path) -> None:
    G = pm.build_graph(pm.load(toy))
    assert isinstance(G, nx.MultiGraph)
    assert G.number_of_nodes() == 5  # isolates included
    assert sorted(tuple(sorted((u, v))) for u, v in G.edges()) == [
        ("ORG-001", "ORG-002"), ("ORG-001", "ORG-003"), ("ORG-002", "ORG-003")]
    assert G.nodes["ORG-002"]["name"] == "جمعية ترميم المنازل"
    assert G.nodes["ORG-001"]["offers"] == ["expertise", "skills", "in_kind_services"]
    assert G.graph["status"] == ("active",) and G.graph["as_of"] is None
    assert G.graph["source"] == str(toy) and G.graph["crs"] == "EPSG:4326"


def test_status_kind_filters(toy: Path) -> None:
    data = pm.load(toy)
    assert pm.build_graph(data, status=None).number_of_edges() == 5
    assert pm.build_graph(data, status=("proposed",)).number_of_edges() == 1
    G = pm.build_graph(data, kinds=["in_kind"])
    assert {d["kind"] for *_, d in G.edges(data=True)} == {"in_kind"}
    assert G.graph["kinds"] == ("in_kind",)
    with pytest.raises(pm.PartnermapError, match="unknown status 'live'"):
        pm.build_graph(data, status=["live"])


def test_as_of_uses_dates(toy: Path) -> None:
    data = pm.load(toy)
    G = pm.build_graph(data, as_of="2020-06-01")
    # only the school–library project ran then; the others had not started
    assert [tuple(sorted((u, v))) for u, v in G.edges()] == [("007", "ORG-004")]
    assert G.graph["as_of"] == "2020-06-01"
    G = pm.build_graph(data, as_of="2026-01-01")
    assert G.number_of_edges() == 3
    with pytest.raises(pm.PartnermapError, match="not a date"):
        pm.build_graph(data, as_of="soon")


def test_parallel_ties_kept_and_merged_in_simple_view(folder) -> None:
    rels = RELS + "ORG-002,ORG-001,funding,true,active,3,2024-01-01,,,,funding\n"
    data = pm.load(folder(rels=rels))
    G = pm.build_graph(data)
    assert G.number_of_edges("ORG-001", "ORG-002") == 2
    H = pm.simple_graph(G)
    assert isinstance(H, nx.Graph) and not H.is_multigraph()
    assert H["ORG-001"]["ORG-002"]["weight"] == 5.0
    assert H["ORG-001"]["ORG-002"]["ties"] == 2
    assert sorted(H["ORG-001"]["ORG-002"]["kinds"]) == ["funding", "in_kind"]
    D = pm.directed_ties(G)
    assert list(D.edges()) == [("ORG-002", "ORG-001")]  # funding keeps its direction
    assert D.number_of_nodes() == 5


def test_graph_to_frames_is_the_inverse(toy: Path) -> None:
    data = pm.load(toy)
    nodes, ties = pm.graph_to_frames(pm.build_graph(data, status=None))
    assert sorted(nodes.index) == sorted(data.organizations.index)
    assert sorted(ties.index) == sorted(data.relationships.index)
    orig = data.relationships.loc[ties.index]
    assert ties["source"].tolist() == orig["source"].tolist()
    assert ties["target"].tolist() == orig["target"].tolist()
    assert ties["weight"].tolist() == orig["weight"].tolist()
    assert nodes.loc["ORG-003", "sector"] == "non_profit"


def test_build_graph_does_not_mutate_the_data(toy: Path) -> None:
    data = pm.load(toy)
    before = data.relationships.copy()
    pm.build_graph(data, as_of="2020-06-01")
    assert data.relationships.equals(before)
