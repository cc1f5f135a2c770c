"""Graph build: filters, parallel ties, provenance, and the inverse back to frames."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import partnermap as pm
from partnermap import _sparse

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


def _same_views(a, b) -> None:
    """Two compact graphs hold the same nodes, matrices, labels, provenance and counts."""
    assert a.nodes == b.nodes
    for m in ("U", "A", "D", "arcs"):
        x, y = getattr(a, m), getattr(b, m)
        assert x.shape == y.shape and abs(x - y).sum() < 1e-12, m
    assert a.attrs == b.attrs
    assert a.meta == b.meta
    assert (a.n_dir, a.n_undir, a.ties, a.directed, a.why) == (b.n_dir, b.n_undir, b.ties, b.directed, b.why)


@pytest.mark.parametrize("filters", [{}, {"status": None}, {"as_of": pm.datasets.DEMO_AS_OF}, {"kinds": ["funding"]},
                                     {"status": ("active", "ended"), "kinds": ["partnership", "referral"]}])
def test_compact_graph_from_the_frames_is_build_graphs(filters) -> None:
    """The metrics' compact graph, built straight from the frames, equals the one from build_graph."""
    data = pm.load(pm.datasets.demo_path())
    _same_views(_sparse._from_data(data, **filters), _sparse._from_nx(pm.build_graph(data, **filters)))


def test_compact_graph_keeps_unknown_ends_self_ties_missing_weights_and_direction() -> None:
    """Hand-built data: an end that is no org_id becomes a node, self-ties count, weights default to 1."""
    orgs = pd.DataFrame({"name": ["A", None, "C"], "sector": ["public", "non_profit", None]},
                        index=pd.Index(["a", "b", "c"], name="org_id"))
    rels = pd.DataFrame({"source": ["a", "b", "c", "x", "a", "c"], "target": ["b", "b", "a", "a", "b", "y"],
                         "kind": ["funding", "partnership", "referral", "partnership", "partnership", "funding"],
                         "status": "active", "directed": [True, False, True, None, False, True],
                         "weight": [2.0, 1.0, None, 3.0, 0.5, 1.0]},
                        index=pd.Index([f"T{i}" for i in range(6)], name="tie_id"))
    data = pm.PartnerData(organizations=orgs, relationships=rels, source="hand-built")
    for direction in _sparse.DIRECTIONS:
        _same_views(_sparse._views(data, direction), _sparse._views(pm.build_graph(data), direction))
    V = _sparse._from_data(data)
    assert V.nodes == ["a", "b", "c", "x", "y"] and V.ties == 6 and (V.n_dir, V.n_undir) == (3, 2)
    assert V.U[[0], [1]][0] == 2.5  # the funding tie (2) and the partnership (0.5), summed both ways


def test_compact_graph_names_a_tie_whose_weight_is_not_positive() -> None:
    orgs = pd.DataFrame({"name": ["A", "B"]}, index=pd.Index(["a", "b"], name="org_id"))
    rels = pd.DataFrame({"source": ["a"], "target": ["b"], "kind": ["partnership"], "status": "active",
                         "weight": [0.0]}, index=pd.Index(["T1"], name="tie_id"))
    data = pm.PartnerData(organizations=orgs, relationships=rels, source="hand-built")
    for source in (data, pm.build_graph(data)):
        with pytest.raises(pm.PartnermapError, match="tie a -> b has a weight that is not a positive number"):
            _sparse._views(source)
