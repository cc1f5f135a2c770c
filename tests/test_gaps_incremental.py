"""what_if's summary after, worked out from the one before, against the full recomputation."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import partnermap as pm
from partnermap import _sparse, datasets
from partnermap.centrality import communities, network_summary
from partnermap.coverage import coverage
from partnermap.gaps import _incremental, portfolio, review_schedule, what_if

centrality = _incremental.centrality  # the module


def _bench():
    path = Path(__file__).parents[1] / "benchmarks" / "bench_centrality.py"
    spec = importlib.util.spec_from_file_location("bench_centrality", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


BENCH = _bench()


@pytest.fixture(scope="module")
def demo() -> pm.PartnerData:
    return pm.load(datasets.demo_path())


def _messy(n: int, degree: float, seed: int) -> pm.PartnerData:
    """A random network with parallel ties, self-ties, directed ties and missing sectors and types."""
    data = BENCH.make_data(n, avg_degree=degree, seed=seed)
    rng = np.random.default_rng(seed)
    rel = data.relationships
    twice = rel.sample(frac=0.05, random_state=seed).rename(index=lambda t: f"{t}-again")
    twice["weight"] = 2.5
    ids = data.organizations.index
    loops = pd.DataFrame({"source": ids[:3], "target": ids[:3], "kind": "partnership", "status": "active",
                          "directed": False, "weight": 1.0}, index=pd.Index(["L1", "L2", "L3"], name="tie_id"))
    rel = pd.concat([rel, twice, loops])
    orgs = data.organizations.copy()
    orgs.loc[orgs.index[rng.choice(n, size=n // 20, replace=False)], "sector"] = None
    orgs.loc[orgs.index[rng.choice(n, size=n // 20, replace=False)], "org_type"] = None
    return pm.PartnerData(organizations=orgs, relationships=rel, source=data.source)


def _scenario(data: pm.PartnerData, seed: int) -> tuple[list, list]:
    """Closures (the two best-connected organisations and a few at random) and added ties (one repeats a pair)."""
    rng = np.random.default_rng(seed + 100)
    ids = list(data.organizations.index)
    rel = data.relationships
    hubs = list(pd.concat([rel["source"], rel["target"]]).value_counts().index[:2])
    removed = list(dict.fromkeys(hubs + [ids[i] for i in rng.choice(len(ids), size=4, replace=False)]))
    left = [i for i in ids if i not in removed]
    pairs = [tuple(rng.choice(left, size=2, replace=False)) for _ in range(4)]
    first = rel[~rel["source"].isin(removed) & ~rel["target"].isin(removed) & (rel["source"] != rel["target"])]
    pairs.append((first["source"].iloc[0], first["target"].iloc[0]))  # already partners: no new pair
    pairs.append(pairs[0])  # the same pair twice
    return removed, pairs


def _after_by_hand(data: pm.PartnerData, removed: list, pairs: list) -> pm.PartnerData:
    rel = data.relationships
    keep = ~rel["source"].isin(removed) & ~rel["target"].isin(removed)
    new = pd.DataFrame({"source": [a for a, _ in pairs], "target": [b for _, b in pairs], "kind": "partnership",
                        "status": "active", "directed": False, "weight": 1.0},
                       index=pd.Index([f"N{i}" for i in range(len(pairs))], name="tie_id"))
    return pm.PartnerData(organizations=data.organizations.drop(index=removed),
                          relationships=pd.concat([rel[keep], new]), source=data.source)


def _assert_same_summary(got: dict, full: dict, skip: tuple = ("communities", "modularity")) -> None:
    assert set(got) == set(full)
    for k in full:
        if k in skip:
            continue
        a, b = got[k], full[k]
        if isinstance(b, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_exact=True)
        elif isinstance(b, float) and math.isnan(b):
            assert isinstance(a, float) and math.isnan(a), k
        else:
            assert a == b, (k, a, b)


@pytest.mark.parametrize("n, degree, seed", [(400, 2.5, 1), (600, 6.0, 2), (300, 1.5, 3), (800, 4.0, 4)])
def test_summary_after_equals_the_full_recomputation(n, degree, seed):
    data = _messy(n, degree, seed)
    removed, pairs = _scenario(data, seed)
    w = what_if(data, remove_orgs=removed, add_ties=pairs, seed=seed)
    after = _after_by_hand(data, removed, pairs)
    _assert_same_summary(w.summary_after, network_summary(after, seed=seed))
    _assert_same_summary(w.summary_before, network_summary(data, seed=seed), skip=())
    assert w.summary_after["partner_pairs"] < w.summary_before["partner_pairs"]  # the hubs' pairs went


@pytest.mark.parametrize("seed", [5, 6])
def test_graph_after_equals_the_graph_of_the_data_after(seed):
    data = _messy(500, 3.0, seed)
    removed, pairs = _scenario(data, seed)
    new = what_if.__globals__["_new_ties"](pairs, data.organizations, set(removed))
    V0 = _sparse._from_data(data)
    V1, at = _incremental._after_graph(V0, data, removed, new, None)
    full = _sparse._from_data(_after_by_hand(data, removed, pairs))
    assert V1.nodes == full.nodes and [V0.nodes[i] for i in at] == full.nodes
    assert V1.attrs == full.attrs
    assert (V1.ties, V1.n_dir, V1.n_undir) == (full.ties, full.n_dir, full.n_undir)
    for a, b in [(V1.U, full.U), (V1.D, full.D), (V1.arcs, full.arcs)]:
        assert (a != b).nnz == 0 or np.allclose(a.toarray(), b.toarray(), rtol=1e-12)
        assert (a.indptr == b.indptr).all() and (a.indices == b.indices).all()


def test_dates_as_text_or_ends_that_are_not_organisations_build_the_graph_again():
    data = _messy(300, 3.0, 7)
    rel = data.relationships.copy()
    rel["start_date"] = "2020-01-15"
    rel.loc[rel.index[:40], "end_date"] = "2021-06-30"  # these had ended by the date asked for
    rel.loc[rel.index[40], "target"] = "NOT-AN-ORG"
    text = pm.PartnerData(organizations=data.organizations, relationships=rel, source=data.source)
    removed, pairs = _scenario(text, 7)
    for as_of in (None, "2024-01-01"):
        w = what_if(text, remove_orgs=removed, add_ties=pairs, as_of=as_of)
        after = _after_by_hand(text, removed, pairs)
        V1 = _sparse._from_data(after, as_of=as_of)
        _assert_same_summary(w.summary_after, network_summary(V1))


def test_communities_after_start_from_those_before_and_their_modularity_is_exact():
    data = _messy(600, 4.0, 8)
    removed, pairs = _scenario(data, 8)
    new = what_if.__globals__["_new_ties"](pairs, data.organizations, set(removed))
    sc = _incremental._scenario(data, removed, new, None, None, 3)
    labels = sc.P1.community
    H = nx.Graph()
    H.add_nodes_from(range(sc.V1.n))
    coo = sc.P1.Ub.tocoo()
    H.add_edges_from(zip(coo.row.tolist(), coo.col.tolist(), strict=True))
    parts = [set(np.flatnonzero(labels == c).tolist()) for c in range(labels.max() + 1)]
    w = what_if(data, remove_orgs=removed, add_ties=pairs, seed=3)
    assert w.summary_after["modularity"] == pytest.approx(nx.community.modularity(H, parts), abs=1e-12)
    assert w.summary_after["communities"] == len(parts)
    # every community is connected, labelled by size, and no local move lowered the modularity of the start
    assert all(nx.is_connected(H.subgraph(p)) for p in parts)
    assert [len(p) for p in parts] == sorted((len(p) for p in parts), reverse=True)
    start = sc.P0.community[sc.change.at]
    start_parts = [set(np.flatnonzero(start == c).tolist()) for c in np.unique(start)]
    assert w.summary_after["modularity"] >= nx.community.modularity(H, start_parts) - 1e-12
    # the organisations the change did not reach mostly keep their community of before
    untouched = np.setdiff1d(np.arange(sc.V1.n), sc.change.touched)
    same = pd.crosstab(start[untouched], labels[untouched]).max(axis=1).sum() / len(untouched)
    assert same > 0.95


def test_communities_after_are_seeded_deterministic_and_independent_of_row_order():
    data = _messy(500, 3.0, 9)
    removed, pairs = _scenario(data, 9)
    w = what_if(data, remove_orgs=removed, add_ties=pairs, seed=4)
    again = what_if(data, remove_orgs=removed, add_ties=pairs, seed=4)
    assert (w.summary_after["communities"], w.summary_after["modularity"]) == \
        (again.summary_after["communities"], again.summary_after["modularity"])
    shuffled = pm.PartnerData(organizations=data.organizations.sample(frac=1, random_state=1),
                              relationships=data.relationships.sample(frac=1, random_state=2), source=data.source)
    w2 = what_if(shuffled, remove_orgs=removed, add_ties=pairs, seed=4)
    assert w2.summary_after["communities"] == w.summary_after["communities"]
    assert w2.summary_after["modularity"] == pytest.approx(w.summary_after["modularity"], abs=1e-12)
    new = what_if.__globals__["_new_ties"](pairs, data.organizations, set(removed))
    one = _incremental._scenario(data, removed, new, None, None, 4)
    two = _incremental._scenario(shuffled, removed, new, None, None, 4)
    by_id = pd.Series(one.P1.community, index=one.V1.nodes)
    pd.testing.assert_series_equal(pd.Series(two.P1.community, index=two.V1.nodes).reindex(by_id.index), by_id)
    # the seed is that of the communities before: given as metrics, the same result
    table = communities(data, seed=4).to_frame()
    w3 = what_if(data, remove_orgs=removed, add_ties=pairs, metrics=table, seed=99)
    assert w3.summary_after["modularity"] == w.summary_after["modularity"]


def test_nothing_changed_gives_the_summary_before_twice():
    data = _messy(400, 3.0, 10)
    w = what_if(data, seed=2)
    _assert_same_summary(w.summary_after, w.summary_before, skip=())


def test_the_focal_portfolio_reads_only_its_ties_and_gives_what_the_whole_data_gives(demo):
    focal, as_of = datasets.FOCAL_ID, datasets.DEMO_AS_OF
    p = portfolio(demo, focal, as_of=as_of)
    sched = review_schedule(demo, as_of=as_of)
    mine = sched[((sched["source"] == focal) | (sched["target"] == focal)) & (sched["source"] != sched["target"])]
    pd.testing.assert_frame_equal(p.ties[mine.columns], mine)
    cov = coverage(demo, by=None, focal=focal, G=pm.build_graph(demo, as_of=as_of))
    assert list(p.areas_not_reached.index) == \
        list(p.areas_not_reached.index.intersection(cov.index[cov["focal_reach"] == "not_reached"]))
    assert set(p.areas_not_reached.index) == set(cov.index[cov["focal_reach"] == "not_reached"])
    removed, pairs = [datasets.BROKER_IDS[0]], [(focal, "ORG-081"), ("ORG-002", "ORG-050")]
    w = what_if(demo, remove_orgs=removed, add_ties=pairs, focal=focal, as_of=as_of)
    new = what_if.__globals__["_new_ties"](pairs, demo.organizations, set(removed))
    after = _incremental._after_data(demo, removed, new)
    _assert_same_summary(w.summary_after, network_summary(_sparse._from_data(after, as_of=as_of)))
    full = portfolio(after, focal, as_of=as_of)
    for field in ("partners", "ties", "by_sector", "by_type", "unmet_needs", "ended", "areas_not_reached", "gaps"):
        pd.testing.assert_frame_equal(getattr(w.portfolio_after, field), getattr(full, field))
