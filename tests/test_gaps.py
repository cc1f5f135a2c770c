"""Gaps and potential partners on a hand-built ecosystem with known answers, and on the demo.

The toy ecosystem (as of 2026-01-01), seen from the engineering company ``ORG-F``
(offers expertise and skills, needs volunteers and space)::

    ORG-C1 ── ORG-P1 ── ORG-F ── ORG-P2 ── ORG-S1 ── ORG-T1
    ORG-L1 ──┘                                  └── ORG-O1
    ORG-G1 ─ ORG-G2 ─ ORG-G3 ─ ORG-G1     ORG-K1 ─ ORG-X1

- C1, a complementary association 1 km north (offers volunteers and space, needs
  expertise and skills) and L1, a same-sector lookalike company 1 km south (offers and
  needs what F does), both tied to F's partner P1;
- T1 (two-sided: needs expertise) and O1 (one-sided: needs funding), otherwise equal;
- E1 an ended partner, R1 a proposed one, Z1 a lapsed contact, N1 without a location,
  X1 and K1 50 km away (K1 with low capacity), the G cluster tied only among itself,
  I1 and the twins TW-A / TW-B with no ties.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import partnermap as pm
from partnermap import PartnermapError, UnknownOrganizationError, _geo, datasets
from partnermap import gaps as gp
from partnermap.centrality import bridges
from partnermap.export import write_table
from partnermap.gaps import (
    COMPONENT_MEANINGS,
    COMPONENTS,
    DEFAULT_WEIGHTS,
    GAP_COLUMNS,
    GAP_MEANINGS,
    format_gaps,
    format_partners,
    gaps_table,
    portfolio,
    potential_partners,
    read_weights,
    review_schedule,
    structural,
    structural_gaps,
    what_if,
)
from partnermap.gaps import _helpers as gaps_helpers

from .conftest import write

AS_OF = "2026-01-01"

HEADER = "org_id,name,sector,org_type,lat,lon,offers,needs,causes,capacity,size,engagement_stage,service_radius_km"
ORG_ROWS = [
    "ORG-TW-B,Twin Society B,non_profit,association,26.330,50.100,audiences,training,culture,medium,medium,identified,2",
    "ORG-F,شركة أمان للهندسة,for_profit,company,26.300,50.100,expertise;skills,volunteers;space,housing;women,high,large,,5",
    "ORG-P1,جمعية البيوت,non_profit,association,26.305,50.105,volunteers,expertise,housing,medium,small,partner,3",
    "ORG-P2,جمعية النساء,non_profit,charity,26.295,50.095,funding,data,women,medium,medium,partner,3",
    "ORG-C1,Complementary Association,non_profit,association,26.309,50.100,volunteers;space,expertise;skills,housing;women,medium,small,contacted,3",
    "ORG-L1,Lookalike Co,for_profit,company,26.291,50.100,expertise;skills,volunteers;space,housing;women,medium,small,identified,3",
    "ORG-T1,Two-sided Group,non_profit,community_group,26.300,50.120,volunteers;space,expertise,youth,medium,small,identified,2",
    "ORG-O1,One-sided Group,non_profit,community_group,26.300,50.120,volunteers;space,funding,youth,medium,small,identified,2",
    "ORG-S1,Khobar School,public,school,26.310,50.110,space;audiences,expertise,education,medium,medium,identified,2",
    "ORG-E1,Former Partner,non_profit,charity,26.300,50.090,volunteers,skills,housing,medium,small,lapsed,2",
    "ORG-R1,Proposed Partner,non_profit,association,26.290,50.110,space,skills,women,medium,small,engaged,2",
    "ORG-Z1,Lapsed Society,non_profit,association,26.285,50.100,volunteers,skills,housing,medium,small,lapsed,2",
    "ORG-X1,Far Away Charity,non_profit,charity,26.750,50.100,volunteers,expertise,housing,medium,small,identified,3",
    "ORG-K1,Low Capacity Club,non_profit,community_group,26.760,50.100,volunteers,skills,housing,low,small,identified,3",
    "ORG-N1,Nowhere Association,non_profit,association,,,volunteers,expertise,housing,medium,small,identified,3",
    "ORG-G1,Palm Farmers,non_profit,association,26.600,49.950,networks,training,culture,medium,small,identified,2",
    "ORG-G2,Heritage Team,non_profit,community_group,26.600,49.955,networks,training,culture,medium,small,identified,2",
    "ORG-G3,Village Mosque,non_profit,religious,26.600,49.960,networks,training,culture,medium,small,identified,2",
    "ORG-I1,Isolate Shop,for_profit,small_business,26.320,50.130,equipment,audiences,employment,medium,small,identified,1",
    "ORG-TW-A,Twin Society A,non_profit,association,26.330,50.100,audiences,training,culture,medium,medium,identified,2",
]
RELS = """source,target,kind,formal,status,start_date,end_date,last_reviewed,review_every_months
ORG-F,ORG-P1,in_kind,true,active,2023-01-01,,2025-01-01,6
ORG-F,ORG-P2,partnership,false,active,2024-01-01,,,
ORG-P1,ORG-C1,partnership,true,active,2022-01-01,,,
ORG-P1,ORG-L1,partnership,true,active,2022-01-01,,,
ORG-P2,ORG-S1,joint_project,true,active,2022-01-01,,,
ORG-S1,ORG-T1,partnership,,active,,,,
ORG-S1,ORG-O1,partnership,,active,,,,
ORG-F,ORG-E1,in_kind,true,ended,2020-01-01,2024-06-30,2024-01-01,12
ORG-F,ORG-R1,mou,true,proposed,2027-01-01,,,
ORG-G1,ORG-G2,informal,,active,,,,
ORG-G2,ORG-G3,informal,,active,,,,
ORG-G3,ORG-G1,informal,,active,,,,
ORG-K1,ORG-X1,partnership,,active,,,,
"""


def make_folder(path: Path, rows: list[str] = ORG_ROWS, rels: str = RELS, extra: str = "") -> Path:
    header = HEADER + ("," + extra.split("=")[0] if extra else "")
    write(path, "organizations.csv", "\n".join([header, *rows]) + "\n")
    write(path, "relationships.csv", rels)
    return path


@pytest.fixture
def eco(tmp_path: Path) -> pm.PartnerData:
    return pm.load(make_folder(tmp_path / "eco"))


@pytest.fixture(scope="module")
def demo() -> pm.PartnerData:
    return pm.load(datasets.demo_path())


def rank_all(data: pm.PartnerData, **kw) -> pd.DataFrame:
    return potential_partners(data, "ORG-F", top=None, as_of=AS_OF, **kw)


# ---------------------------------------------------------------- the ranking


def test_columns_components_and_meanings(eco):
    table = potential_partners(eco, "ORG-F", as_of=AS_OF)
    assert table.index.name == "org_id"
    assert list(table.columns) == ["rank", "name", "sector", "org_type", "score", "reasons", *COMPONENTS,
                                   "engagement_stage", "distance_km", "shared_partners"]
    assert table[list(COMPONENTS)].apply(lambda c: c.between(0, 1)).all().all()
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert set(COMPONENT_MEANINGS) == set(COMPONENTS) == set(DEFAULT_WEIGHTS)
    assert math.isclose(sum(DEFAULT_WEIGHTS.values()), 1.0)
    expected = sum(DEFAULT_WEIGHTS[k] * table[k] for k in COMPONENTS)
    assert np.allclose(table["score"], expected, atol=1e-5)


def test_complementary_nearby_association_beats_same_sector_lookalike(eco):
    table = rank_all(eco)
    c1, l1 = table.loc["ORG-C1"], table.loc["ORG-L1"]
    assert c1["rank"] < l1["rank"]
    assert c1["mutual_benefit"] == 1.0 and l1["mutual_benefit"] == 0.0
    # the same place in the network and on the map, the same causes
    for k in ("network_proximity", "shared_causes"):
        assert c1[k] == l1[k]
    assert c1["proximity"] == pytest.approx(l1["proximity"], abs=1e-4)
    assert l1["fills_gap"] == pytest.approx(0.8)  # adds the for-profit sector and the company type


def test_one_sided_benefit_ranks_below_two_sided(eco):
    table = rank_all(eco)
    t1, o1 = table.loc["ORG-T1"], table.loc["ORG-O1"]
    assert t1["mutual_benefit"] == 1.0
    assert o1["mutual_benefit"] == pytest.approx(0.25)  # one way only: half the average, no geometric mean
    assert t1["score"] > o1["score"] and t1["rank"] < o1["rank"]
    for k in set(COMPONENTS) - {"mutual_benefit"}:
        assert t1[k] == pytest.approx(o1[k], abs=1e-9), k
    assert "but needs nothing you offer" in o1["reasons"]


def test_active_partners_never_appear_and_former_ones_only_on_request(eco):
    table = rank_all(eco)
    assert not {"ORG-F", "ORG-P1", "ORG-P2"} & set(table.index)
    assert not {"ORG-E1", "ORG-Z1"} & set(table.index)  # ended tie; stage lapsed
    assert table.attrs["former_partners_left_out"] == 2
    again = rank_all(eco, include_ended=True)
    assert {"ORG-E1", "ORG-Z1"} <= set(again.index)
    assert not {"ORG-F", "ORG-P1", "ORG-P2"} & set(again.index)
    assert again.loc["ORG-E1", "reasons"].startswith("former partner: your tie ended on 2024-06-30")
    assert again.loc["ORG-Z1", "reasons"].startswith("former partner (engagement stage: lapsed)")
    assert list(again.columns) == list(table.columns)  # the flag never changes the return type
    assert table.loc["ORG-R1", "reasons"].startswith("a tie with you is already proposed")


def test_as_of_decides_who_is_an_active_partner(eco):
    before = potential_partners(eco, "ORG-F", top=None, as_of="2023-06-01")
    assert "ORG-P2" in before.index  # the F-P2 tie starts in 2024
    assert before.loc["ORG-P2", "reasons"].startswith("a tie with you starts on 2024-01-01")
    assert "ORG-P1" not in before.index


@pytest.mark.parametrize("component", COMPONENTS)
def test_weight_zero_removes_a_components_influence(eco, component):
    table = rank_all(eco, weights={component: 0})
    w = dict(DEFAULT_WEIGHTS, **{component: 0.0})
    total = sum(w.values())  # the weights are normalised to sum 1
    assert np.allclose(table["score"], sum(w[k] / total * table[k] for k in COMPONENTS), atol=1e-5)
    # changing the zero-weighted component changes nothing: compare with the component set to 0
    base = rank_all(eco, weights={k: (0 if k == component else v) for k, v in DEFAULT_WEIGHTS.items()})
    pd.testing.assert_frame_equal(table, base)
    pattern = {"mutual_benefit": r"that you need", "shared_causes": r"shares your cause",
               "network_proximity": r"shares \d+ partners? with you|three steps away", "proximity": r"km away",
               "fills_gap": r"adds the|adds a new type", "equity": r"outside your circle|a small organisation",
               "capacity": r"capacity"}[component]
    assert not table["reasons"].str.contains(pattern, regex=True).any()
    assert rank_all(eco)["reasons"].str.contains(pattern, regex=True).any()  # ... which the defaults do mention


def test_weights_are_normalised_so_scores_of_different_weight_files_compare(eco):
    """Issue 10 item 16: only the proportions of the weights matter, and every score is 0-1."""
    doubled = rank_all(eco, weights={k: 2 * v for k, v in DEFAULT_WEIGHTS.items()})
    pd.testing.assert_frame_equal(doubled, rank_all(eco))
    heavy = rank_all(eco, weights={"mutual_benefit": 3, "shared_causes": 2})  # the weights now sum to 5.55
    assert heavy["score"].between(0, 1).all() and heavy["score"].max() > 0
    used = heavy.attrs["weights"]
    assert math.isclose(sum(used.values()), 1.0) and used["mutual_benefit"] == pytest.approx(3 / 5.55)
    assert heavy.attrs["weights_given"]["mutual_benefit"] == 3 and "sum to 1" in heavy.attrs["weights_normalised"]
    expected = sum(used[k] * heavy[k] for k in COMPONENTS)
    assert np.allclose(heavy["score"], expected, atol=1e-5)


def test_all_weight_on_one_component_orders_by_it(eco):
    only = {k: (1.0 if k == "proximity" else 0.0) for k in COMPONENTS}
    table = rank_all(eco, weights=only)
    assert (table["score"] == table["proximity"]).all()
    expected = table.assign(o=table.index).sort_values(["proximity", "o"], ascending=[False, True]).index
    assert list(table.index) == list(expected)
    assert list(table.index[:2]) == ["ORG-C1", "ORG-L1"]  # the two 1 km away, tie broken on org_id
    assert table.loc["ORG-N1", "score"] == 0.0
    assert "distance not scored: its location is unknown" in table.loc["ORG-N1", "reasons"]


def test_reasons_name_the_matched_terms(eco):
    table = rank_all(eco)
    r = table.loc["ORG-C1", "reasons"]
    assert "offers volunteers and space that you need" in r
    assert "needs expertise and skills that you offer" in r
    assert "shares 1 partner with you" in r
    assert "shares your causes: housing and women" in r
    assert "1.0 km away" in r
    assert table.loc["ORG-C1", "shared_partners"] == ["ORG-P1"]
    assert "adds the public sector" in table.loc["ORG-S1", "reasons"]
    assert "adds a new type of partner (school)" in table.loc["ORG-S1", "reasons"]
    assert "low capacity" in table.loc["ORG-K1", "reasons"]
    assert "outside your circle (no shared partners)" in table.loc["ORG-X1", "reasons"]
    assert "works outside the areas you and your partners reach" in table.loc["ORG-X1", "reasons"]
    assert table.loc["ORG-X1", "distance_km"] == pytest.approx(50.0, abs=0.1)


def test_component_values_by_hand(eco):
    table = rank_all(eco)
    c1 = table.loc["ORG-C1"]
    assert c1["shared_causes"] == 1.0  # the same two causes
    # one shared partner, P1, with 3 partners: Adamic-Adar 1/ln 3
    assert c1["network_proximity"] == pytest.approx(1 - math.exp(-1 / math.log(3)), abs=1e-6)
    d = c1["distance_km"]
    overlap = min(1.0, (5 + 3 - d) / (2 * 3))
    assert c1["proximity"] == pytest.approx(0.5 * 0.5 ** (d / 5) + 0.5 * overlap, abs=1e-4)  # d is rounded
    assert c1["capacity"] == 0.6 and table.loc["ORG-K1", "capacity"] == 0.2
    # T1 is three steps away (F - P2 - S1 - T1)
    assert table.loc["ORG-T1", "network_proximity"] == pytest.approx(0.1)
    assert table.loc["ORG-I1", "network_proximity"] == 0.0
    # equity: outside the circle (0.5) + less connected (0.25 / (1 + 0)) + small (0.25)
    assert table.loc["ORG-I1", "equity"] == pytest.approx(1.0)
    assert c1["equity"] < table.loc["ORG-I1", "equity"]


def test_communities_define_the_circle_when_given(eco):
    labels = pd.Series({oid: (0 if oid in {"ORG-F", "ORG-P1", "ORG-C1", "ORG-L1"} else 1)
                        for oid in eco.organizations.index})
    table = rank_all(eco, communities=labels)
    default = rank_all(eco)
    # S1 shares a partner (P2) with F, but sits in another community
    assert table.loc["ORG-S1", "equity"] - default.loc["ORG-S1", "equity"] == pytest.approx(0.5)
    assert table.loc["ORG-C1", "equity"] == default.loc["ORG-C1", "equity"]
    assert table.attrs["circle"] == "communities" and default.attrs["circle"] == "shared partners"
    fair = rank_all(eco, communities=labels, weights={"equity": 1})
    assert "in another community of the network" in fair.loc["ORG-S1", "reasons"]


def test_deterministic_and_ties_break_on_org_id(eco, tmp_path):
    first, second = rank_all(eco), rank_all(eco)
    pd.testing.assert_frame_equal(first, second)
    a, b = first.loc["ORG-TW-A"], first.loc["ORG-TW-B"]
    assert a["score"] == b["score"]
    assert a["rank"] == b["rank"] - 1  # TW-B comes first in the file, TW-A first in the table
    shuffled = pm.load(make_folder(tmp_path / "shuffled", rows=ORG_ROWS[::-1]))
    pd.testing.assert_frame_equal(rank_all(shuffled).drop(columns="shared_partners"),
                                  first.drop(columns="shared_partners"))


def test_top_keeps_the_best_and_builds_reasons_only_for_them(eco, monkeypatch):
    everything = rank_all(eco)
    calls = []
    real = gp.partners._reasons
    monkeypatch.setattr(gp.partners, "_reasons", lambda i, *a: calls.append(i) or real(i, *a))
    top = potential_partners(eco, "ORG-F", top=3, as_of=AS_OF)
    assert len(calls) == 3
    pd.testing.assert_frame_equal(top, everything.head(3), check_like=False)


def test_pure_inputs_unchanged(eco):
    orgs, rels = eco.organizations.copy(), eco.relationships.copy()
    rank_all(eco)
    portfolio(eco, "ORG-F", as_of=AS_OF)
    structural_gaps(eco, focal="ORG-F", as_of=AS_OF)
    what_if(eco, remove_orgs=["ORG-S1"], add_ties=[("ORG-F", "ORG-C1")], focal="ORG-F", as_of=AS_OF)
    pd.testing.assert_frame_equal(eco.organizations, orgs)
    pd.testing.assert_frame_equal(eco.relationships, rels)


def test_written_file_has_org_id_as_a_column(eco, tmp_path):
    out = write_table(potential_partners(eco, "ORG-F", top=5, as_of=AS_OF), tmp_path / "partners.csv")
    back = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert back.columns[0] == "org_id"
    assert {"score", "reasons", *COMPONENTS} <= set(back.columns)
    assert back.loc[0, "org_id"] == "ORG-C1"


def test_unknown_focal_suggests_close_matches_by_id_and_name(eco):
    with pytest.raises(UnknownOrganizationError, match=r"focal 'ORG-P3' is not an org_id.*'ORG-P1'"):
        potential_partners(eco, "ORG-P3")
    # the name with a plain alef instead of alef-hamza
    with pytest.raises(UnknownOrganizationError, match=r"'ORG-F' \(شركة أمان للهندسة\)"):
        potential_partners(eco, "شركة امان للهندسة")


@pytest.mark.parametrize("weights, message", [
    ({"equty": 1}, r"unknown weight 'equty' \(did you mean 'equity'\?\).*components are: mutual_benefit"),
    ({"equity": -0.1}, r"weight 'equity' is -0.1; weights must be 0 or more"),
    ({"equity": "high"}, r"weight 'equity' is 'high', not a number"),
    ({"equity": True}, r"weight 'equity' is True, not a number"),
    ({"equity": float("nan")}, r"give a finite number"),
    ({k: 0 for k in COMPONENTS}, r"every weight is 0"),
])
def test_bad_weights_are_errors(eco, weights, message):
    with pytest.raises(PartnermapError, match=message):
        potential_partners(eco, "ORG-F", weights=weights)


@pytest.mark.parametrize("kw, message", [
    ({"top": 0}, r"top=0"),
    ({"top": 2.5}, r"top=2.5"),
    ({"half_distance_km": 0}, r"half_distance_km must be"),
    ({"as_of": "soon"}, r"as_of 'soon' is not a date"),
])
def test_bad_options_are_errors(eco, kw, message):
    with pytest.raises(PartnermapError, match=message):
        potential_partners(eco, "ORG-F", **kw)


def test_read_weights(tmp_path):
    flat = write(tmp_path, "w.yaml", "# favour complementarity\nmutual_benefit: 0.5\nequity: 0\n")
    w = read_weights(flat)
    assert w["mutual_benefit"] == 0.5 and w["equity"] == 0.0 and w["capacity"] == DEFAULT_WEIGHTS["capacity"]
    nested = write(tmp_path, "params.yaml", "weights:\n  proximity: 0.4\n")
    assert read_weights(nested)["proximity"] == 0.4


@pytest.mark.parametrize("text, message", [
    ("", r"bad\.yaml: the weights file is empty"),
    ("equity: [0.1\n", r"bad\.yaml: not valid YAML at line"),
    ("- 0.1\n- 0.2\n", r"bad\.yaml: expected 'component: weight' lines, found a list"),
    ("equty: 0.2\n", r"bad\.yaml: unknown weight 'equty' \(did you mean 'equity'\?\)"),
    ("equity: -1\n", r"bad\.yaml: weight 'equity' is -1; weights must be 0 or more"),
])
def test_read_weights_errors_name_the_file(tmp_path, text, message):
    with pytest.raises(PartnermapError, match=message):
        read_weights(write(tmp_path, "bad.yaml", text))


def test_read_weights_missing_file(tmp_path):
    with pytest.raises(PartnermapError, match=r"nope\.yaml: weights file not found"):
        read_weights(tmp_path / "nope.yaml")


def test_within_any_tree_path_matches_brute_force():
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(26.0, 26.6, 3000), rng.uniform(49.8, 50.4, 3000)
    lat[:10] = np.nan
    located = np.isfinite(lat)
    radius = rng.uniform(0.5, 6.0, 3000)
    anchors = np.flatnonzero(located)[:40]
    fast = gp.partners._within_any(lat, lon, located, anchors, radius)
    slow = np.zeros(3000, dtype=bool)
    for a in anchors:
        slow |= _geo._haversine_km(lat[a], lon[a], lat, lon) <= radius[a]
    assert (fast == slow).all() and fast.sum() > 100


def test_format_partners(eco):
    text = format_partners(potential_partners(eco, "ORG-F", top=2, as_of=AS_OF))
    lines = text.splitlines()
    assert lines[0] == "Potential partners for ORG-F (شركة أمان للهندسة): 2 of 15 candidates"
    assert lines[1].startswith(
        "  1. ORG-C1 Complementary Association (non_profit, association, stage contacted): score")
    assert lines[2].strip().startswith("offers volunteers and space that you need")


# ------------------------------------------------------------------ portfolio


def test_portfolio_by_hand(eco):
    p = portfolio(eco, "ORG-F", as_of=AS_OF)
    assert p.focal == "ORG-F" and p.as_of == AS_OF
    assert list(p.partners.index) == ["ORG-P1", "ORG-P2"]
    assert p.by_sector["partners"].to_dict() == {"for_profit": 0, "non_profit": 2, "public": 0}
    assert p.by_type.loc["association", "partners"] == 1 and p.by_type.loc["school", "partners"] == 0
    # F needs volunteers (P1 offers them) and space (nobody among its partners)
    assert list(p.unmet_needs.index) == ["space"]
    assert p.unmet_needs.loc["space", "offered_by"] == 5  # C1, T1, O1, S1, R1
    # F offers expertise (P1 needs it) and skills (nobody among its partners)
    assert list(p.unused_offers.index) == ["skills"]
    assert p.unused_offers.loc["skills", "needed_by"] == 5  # C1, E1, R1, Z1, K1
    # F-P1 reviewed 2025-01-01 every 6 months: due 2025-07-01, 184 days overdue on 2026-01-01
    assert list(p.overdue_reviews["partner"]) == ["ORG-P1"]
    assert p.overdue_reviews["days_overdue"].iloc[0] == 184
    assert p.ended.loc["ORG-E1", "basis"] == "tie ended"
    assert p.ended.loc["ORG-E1", "ended_on"] == pd.Timestamp("2024-06-30")
    assert p.ended.loc["ORG-Z1", "basis"] == "stage lapsed"
    assert p.formality.to_dict() == {"formal": 1, "informal": 1, "unknown": 0}
    assert p.areas_not_reached.empty  # no areas layer
    assert set(p.ties["status"]) == {"active", "ended", "proposed"}
    kinds = p.gaps["gap"].tolist()
    assert kinds.count("missing_sector") == 2 and {"unmet_need", "unused_offer", "overdue_review",
                                                   "ended_tie", "lapsed", "formality"} <= set(kinds)
    assert (p.gaps["scope"] == "portfolio").all() and list(p.gaps.columns) == GAP_COLUMNS
    assert "no partner offers space, which you need (5 other organisations in the data offer it)" in \
        p.gaps["message"].tolist()
    text = p.summary()
    assert "active partners: 2 (for-profit 0, non-profit 2, public 0)" in text
    assert "reviews overdue: 1" in text


def test_review_schedule_months_clip_to_month_end(tmp_path):
    rels = """source,target,status,last_reviewed,review_every_months,start_date
ORG-F,ORG-P1,active,2025-08-31,6,
ORG-F,ORG-P2,active,,12,2024-02-29
ORG-P1,ORG-C1,ended,2020-01-01,6,
ORG-P2,ORG-S1,active,,,
"""
    data = pm.load(make_folder(tmp_path / "r", rels=rels))
    s = review_schedule(data, as_of="2026-03-01")
    assert s["review_due"].tolist()[:2] == [pd.Timestamp("2026-02-28"), pd.Timestamp("2025-02-28")]
    assert s["review_basis"].tolist() == ["last_reviewed", "start_date", "last_reviewed", None]
    assert s["overdue"].tolist() == [True, True, False, False]  # an ended tie is never overdue
    assert s["days_overdue"].tolist()[:2] == [1, 366]
    assert s["days_overdue"].isna().tolist()[2:] == [True, True]


# ------------------------------------------------------------- structural gaps


def gap_rows(table: pd.DataFrame, gap: str) -> pd.DataFrame:
    return table[table["gap"] == gap]


def test_structural_gaps_by_hand(eco):
    g = structural_gaps(eco, focal="ORG-F", as_of=AS_OF)
    assert list(g.columns) == GAP_COLUMNS and (g["scope"] == "ecosystem").all()
    groups = gap_rows(g, "isolated_group")
    assert groups["members"].tolist() == [["ORG-G1", "ORG-G2", "ORG-G3"], ["ORG-K1", "ORG-X1"]]
    assert "no tie links them to the main network of 8" in groups["message"].iloc[0]
    assert set(gap_rows(g, "isolate")["org_id"]) == {"ORG-E1", "ORG-R1", "ORG-Z1", "ORG-N1", "ORG-I1",
                                                     "ORG-TW-A", "ORG-TW-B"}
    cuts = gap_rows(g, "cut_point").set_index("org_id")
    assert cuts["count"].to_dict() == {"ORG-F": 3, "ORG-P2": 3, "ORG-P1": 2, "ORG-S1": 2}
    assert cuts.loc["ORG-P2", "members"] == ["ORG-O1", "ORG-S1", "ORG-T1"]
    assert "if جمعية النساء (ORG-P2) went, 3 organisations would lose their link" in cuts.loc["ORG-P2", "message"]
    br = gap_rows(g, "bridge_tie")
    assert {(a, b): c for a, b, c in zip(br["org_id"], br["other_id"], br["count"], strict=False)} == {
        ("ORG-F", "ORG-P2"): 4, ("ORG-F", "ORG-P1"): 3, ("ORG-P2", "ORG-S1"): 3}
    assert (br["members"].map(len) == br["count"]).all()
    single = gap_rows(g, "single_tie").set_index("org_id")["other_id"].to_dict()
    assert single == {"ORG-C1": "ORG-P1", "ORG-L1": "ORG-P1", "ORG-T1": "ORG-S1", "ORG-O1": "ORG-S1",
                      "ORG-K1": "ORG-X1", "ORG-X1": "ORG-K1"}
    pairs = gap_rows(g, "sector_pair")
    assert pairs["other_id"].tolist() == ["for_profit|public"]
    assert pairs["message"].iloc[0].startswith("no tie joins a for-profit organisation and a public one")
    stalled = gap_rows(g, "stalled")
    assert stalled["org_id"].tolist() == ["ORG-C1"]
    assert "date of contact not recorded" in stalled["message"].iloc[0]
    order = [k for k in GAP_MEANINGS if k in set(g["gap"])]
    assert list(dict.fromkeys(g["gap"])) == order


def test_stalled_uses_stage_date_when_present(tmp_path):
    rows = [r + ("," + ("2025-01-15" if r.startswith("ORG-C1") else "2025-12-01" if r.startswith("ORG-S1") else ""))
            for r in ORG_ROWS]
    rows = [r.replace("identified,2,2025-12-01", "contacted,2,2025-12-01") for r in rows]
    data = pm.load(make_folder(tmp_path / "s", rows=rows, extra="stage_date"))
    g = structural_gaps(data, focal="ORG-F", as_of=AS_OF, stall_months=6)
    stalled = gap_rows(g, "stalled")
    assert stalled["org_id"].tolist() == ["ORG-C1"]  # S1 was contacted only a month ago
    assert "contacted but never engaged (on 2025-01-15; no active or proposed tie with you)" in \
        stalled["message"].iloc[0]
    assert stalled["count"].iloc[0] == 351


def test_stalled_proposal(tmp_path):
    rels = RELS.replace("ORG-F,ORG-R1,mou,true,proposed,2027-01-01", "ORG-F,ORG-R1,mou,true,proposed,2025-03-01")
    data = pm.load(make_folder(tmp_path / "p", rels=rels))
    late = gap_rows(structural_gaps(data, as_of=AS_OF), "stalled_proposal")
    assert late["org_id"].tolist() == ["ORG-F"] and late["other_id"].tolist() == ["ORG-R1"]
    assert "planned to start on 2025-03-01 and is still only proposed" in late["message"].iloc[0]


def test_structural_gaps_of_a_graph_communities_hanging_on_one_organisation():
    G = nx.barbell_graph(5, 0)
    G = nx.relabel_nodes(G, {i: f"n{i}" for i in G})
    g = structural_gaps(G)
    link = gap_rows(g, "community_single_link")
    assert set(link["org_id"]) == {"n4", "n5"} and set(link["count"]) == {5}
    assert set(gap_rows(g, "cut_point")["org_id"]) == {"n4", "n5"}
    assert gap_rows(g, "bridge_tie")[["org_id", "other_id", "count"]].values.tolist() == [["n4", "n5", 5]]
    assert not {"underserved_area", "stalled"} & set(g["gap"])  # a graph alone has no areas or stages


@pytest.mark.parametrize("seed", range(6))
def test_cut_points_match_brute_force(seed):
    G = nx.gnm_random_graph(60, 66, seed=seed)
    G = nx.relabel_nodes(G, {i: f"v{i:02d}" for i in G})
    g = structural_gaps(G)
    found = gap_rows(g, "cut_point").set_index("org_id")["count"].to_dict()
    expected = {}
    for v in G:
        comp = nx.node_connected_component(G, v)
        H = G.subgraph(comp - {v})
        largest = max((len(c) for c in nx.connected_components(H)), default=0)
        lost = len(comp) - 1 - largest
        if lost >= 2:
            expected[v] = lost
    assert found == expected
    by_bridges = {(b.source, b.target): b.cut_off for b in bridges(G).itertuples() if b.cut_off >= 2}
    rows = gap_rows(g, "bridge_tie")
    assert dict(zip(zip(rows["org_id"], rows["other_id"], strict=False), rows["count"], strict=False)) == by_bridges
    assert (rows["members"].map(len) == rows["count"]).all()


def test_structural_gaps_rejects_other_input():
    with pytest.raises(PartnermapError, match="takes loaded data .* or a graph"):
        structural_gaps(pd.DataFrame())


def test_gaps_table_and_format(eco):
    table = gaps_table(eco, focal="ORG-F", as_of=AS_OF)
    assert list(table.columns) == GAP_COLUMNS
    assert table["scope"].tolist() == sorted(table["scope"])  # ecosystem first, then portfolio
    text = format_gaps(table, limit=2)
    assert text.splitlines()[0].startswith("isolated_group (2): A group of organisations tied only among themselves")
    assert "portfolio: overdue_review (1)" in text
    assert "  ... and " in text
    assert set(gaps_table(eco, as_of=AS_OF)["scope"]) == {"ecosystem"}


# -------------------------------------------------------------------- what-if


def test_what_if_the_school_closes(eco):
    w = what_if(eco, remove_orgs=["ORG-S1"], focal="ORG-F", as_of=AS_OF)
    assert w.effects[0] == "3 organisations lose their only tie to the public sector (ORG-O1, ORG-P2, ORG-T1)"
    assert "2 organisations are left with no ties at all (ORG-O1, ORG-T1)" in w.effects
    assert "2 organisations are cut off from the main network (ORG-O1, ORG-T1)" in w.effects
    assert "components 10 → 12" in w.effects  # T1 and O1 become isolates
    assert w.headline.startswith("If Khobar School (ORG-S1) closes: 3 organisations lose their only tie to the "
                                 "public sector")
    assert w.changes.loc["components", "change"] == 2
    assert w.changes.loc["focal_partners", "change"] == 0
    assert set(w.affected.loc[w.affected["effect"] == "lost_only_tie_to_sector", "org_id"]) == \
        {"ORG-O1", "ORG-P2", "ORG-T1"}
    assert w.removed_orgs == ["ORG-S1"] and w.added_ties.empty
    assert "components" in w.text()


def test_what_if_a_new_partnership(eco):
    w = what_if(eco, add_ties=[("ORG-F", "ORG-S1", "mou"), {"source": "ORG-G1", "target": "ORG-C1"}],
                focal="ORG-F", as_of=AS_OF)
    assert "the first tie between the for-profit and public sectors" in w.effects
    assert "3 organisations join the main network (ORG-G1, ORG-G2, ORG-G3)" in w.effects
    assert "شركة أمان للهندسة (ORG-F) gains a partner in the public sector" in w.effects
    assert "شركة أمان للهندسة (ORG-F): needs no partner offers space → none" in w.effects
    assert w.changes.loc["focal_partners", ["before", "after"]].tolist() == [2.0, 3.0]
    assert w.added_ties.values.tolist() == [["ORG-F", "ORG-S1", "mou"], ["ORG-G1", "ORG-C1", "partnership"]]
    assert w.portfolio_after is not None and "ORG-S1" in w.portfolio_after.partners.index
    assert w.portfolio_before is not None and "ORG-S1" not in w.portfolio_before.partners.index
    none = what_if(eco)
    assert none.headline == "If nothing changes: no organisation is cut off or loses its only tie to a sector"
    assert none.portfolio_before is None and (none.changes["change"] == 0).all()


@pytest.mark.parametrize("kw, error, message", [
    ({"remove_orgs": ["ORG-Q1"]}, UnknownOrganizationError, r"remove_orgs: 'ORG-Q1' is not an org_id"),
    ({"add_ties": [("ORG-F", "ORG-Q1")]}, UnknownOrganizationError, r"add_ties: 'ORG-Q1' is not an org_id"),
    ({"add_ties": [("ORG-F", "ORG-F")]}, PartnermapError, r"to itself"),
    ({"add_ties": [("ORG-F", "ORG-S1", "friendship")]}, PartnermapError, r"unknown kind 'friendship'"),
    ({"add_ties": [("ORG-F",)]}, PartnermapError, r"is not a tie"),
    ({"add_ties": [("ORG-F", "ORG-S1")], "remove_orgs": ["ORG-S1"]}, PartnermapError, r"also in remove_orgs"),
    ({"remove_orgs": ["ORG-F"], "focal": "ORG-F"}, PartnermapError, r"focal 'ORG-F' is in remove_orgs"),
])
def test_what_if_bad_input(eco, kw, error, message):
    with pytest.raises(error, match=message):
        what_if(eco, **kw)


# ------------------------------------------------------------------ the demo


def test_demo_focal_company_gets_sensible_explained_candidates(demo):
    focal = datasets.FOCAL_ID
    table = potential_partners(demo, focal, top=10, as_of=datasets.DEMO_AS_OF)
    G = pm.build_graph(demo, as_of=datasets.DEMO_AS_OF)
    assert not set(G.neighbors(focal)) & set(table.index)
    assert (table["mutual_benefit"] > 0).all()
    two_sided = table.head(5)["reasons"]
    assert two_sided.str.contains("that you need").all() and two_sided.str.contains("that you offer").all()
    # the company needs volunteers, audiences and networks: every top-5 candidate offers some
    needs = set(demo.organizations.loc[focal, "needs"])
    assert all(needs & set(demo.organizations.loc[i, "offers"]) for i in table.index[:5])
    assert table["distance_km"].median() < 10  # close to Al Khobar
    public = table[table["sector"] == "public"]
    assert len(public) and public["reasons"].str.contains("adds the public sector").all()
    assert table.index.is_unique and len(table) == 10


def test_demo_deliberate_gaps_are_found(demo):
    g = structural_gaps(demo, focal=datasets.FOCAL_ID, as_of=datasets.DEMO_AS_OF)
    groups = gap_rows(g, "isolated_group")
    assert groups["members"].iloc[0] == list(datasets.ISOLATED_CLUSTER_IDS)
    assert gap_rows(g, "sector_pair")["other_id"].tolist() == ["|".join(datasets.MISSING_SECTOR_PAIR)]
    assert datasets.UNDERSERVED_AREA_ID in set(gap_rows(g, "underserved_area")["area_id"])
    p = portfolio(demo, datasets.FOCAL_ID, as_of=datasets.DEMO_AS_OF)
    assert p.by_sector.loc["public", "partners"] == 0
    assert "public" in set(gap_rows(p.gaps, "missing_sector")["other_id"])
    assert len(p.overdue_reviews) >= 1 and (p.overdue_reviews["days_overdue"] > 0).all()
    assert p.areas_not_reached.index[0] == datasets.UNDERSERVED_AREA_ID  # the most populous unreached area


def test_demo_what_if_closing_a_broker(demo):
    w = what_if(demo, remove_orgs=[datasets.BROKER_IDS[0]], as_of=datasets.DEMO_AS_OF)
    assert w.changes.loc["organisations", "change"] == -1
    assert any("only tie to the non-profit sector" in e for e in w.effects)
    assert w.headline.startswith("If ")


def test_demo_isolated_cluster_is_outside_the_circle(demo):
    table = potential_partners(demo, datasets.FOCAL_ID, top=None, as_of=datasets.DEMO_AS_OF)
    cluster = table.loc[list(datasets.ISOLATED_CLUSTER_IDS)]
    assert (cluster["network_proximity"] == 0).all()
    assert cluster["reasons"].str.contains("outside your circle").all()


def test_meanings_cover_every_gap_kind(eco, demo):
    kinds = set(gaps_table(eco, focal="ORG-F", as_of=AS_OF)["gap"]) | set(
        gaps_table(demo, focal=datasets.FOCAL_ID, as_of=datasets.DEMO_AS_OF)["gap"])
    assert kinds <= set(GAP_MEANINGS)
    assert all(isinstance(v, str) and v for v in itertools.chain(GAP_MEANINGS.values(),
                                                                  COMPONENT_MEANINGS.values()))


def _reference_dfs(A) -> dict:
    """Tarjan's search written out in Python (the implementation before scipy's search was used)."""
    n = A.shape[0]
    indptr, indices = A.indptr.tolist(), A.indices.tolist()
    disc, low, size, parent, root_of = [-1] * n, [0] * n, [1] * n, [-1] * n, [-1] * n
    order: list[int] = []
    cut: dict[int, list[int]] = {}
    for r in range(n):
        if disc[r] >= 0:
            continue
        disc[r] = low[r] = len(order)
        order.append(r)
        root_of[r] = r
        stack = [[r, indptr[r]]]
        while stack:
            top = stack[-1]
            v = top[0]
            if top[1] < indptr[v + 1]:
                u = indices[top[1]]
                top[1] += 1
                if disc[u] < 0:
                    parent[u], root_of[u] = v, r
                    disc[u] = low[u] = len(order)
                    order.append(u)
                    stack.append([u, indptr[u]])
                elif u != parent[v] and disc[u] < low[v]:
                    low[v] = disc[u]
            else:
                stack.pop()
                p = parent[v]
                if p >= 0:
                    low[p] = min(low[p], low[v])
                    size[p] += size[v]
                    if low[v] >= disc[p]:
                        cut.setdefault(p, []).append(v)
    return {"order": order, "disc": disc, "size": size, "parent": parent, "root_of": root_of, "cut": cut}


def test_the_compiled_search_finds_the_same_tree_as_tarjans() -> None:
    """Cut points, the organisations they cut off and bridge sides come from this search: 400 random networks."""
    rng = np.random.default_rng(7)
    for _ in range(400):
        n = int(rng.integers(1, 50))
        m = int(rng.integers(0, 2 * n + 1))
        A = gaps_helpers._adjacency(n, rng.integers(0, n, m), rng.integers(0, n, m))
        assert structural._dfs(A) == _reference_dfs(A)


def test_gaps_from_data_and_from_its_graph_agree() -> None:
    """The compact graph from the frames and the networkx graph give the same network gaps (2,000 organisations)."""
    path = Path(__file__).parents[1] / "benchmarks" / "bench_centrality.py"
    spec = importlib.util.spec_from_file_location("bench_centrality", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    data = bench.make_data(2000, avg_degree=2.0, seed=3)  # sparse: cut points and bridges
    from_data = structural_gaps(data, seed=1)
    from_graph = structural_gaps(pm.build_graph(data), seed=1)
    pd.testing.assert_frame_equal(from_data, from_graph)
    assert {"cut_point", "bridge_tie", "single_tie"} <= set(from_data["gap"])


def _reference_affected(data, removed: list, added: list) -> list[tuple]:
    """What what_if's affected table should hold, worked out with networkx (the way it was before the compact graph)."""
    orgs = data.organizations
    sector = orgs["sector"].to_dict()
    H0 = pm.simple_graph(pm.build_graph(data))
    H1 = H0.copy()
    H1.remove_nodes_from(removed)
    H1.add_edges_from(added)

    def reach(H, v):
        return {sector[u] for u in H.neighbors(v) if isinstance(sector.get(u), str)}

    def largest(H):
        return min(nx.connected_components(H), key=lambda c: (-len(c), min(str(x) for x in c)))

    rows = []
    for v in sorted(H1.nodes, key=str):
        rows += [(v, "lost_only_tie_to_sector", s) for s in sorted(reach(H0, v) - reach(H1, v))]
        rows += [(v, "gained_first_tie_to_sector", s) for s in sorted(reach(H1, v) - reach(H0, v))]
    rows += [(v, "left_without_ties") for v in sorted(H1.nodes, key=str) if H1.degree(v) == 0 and H0.degree(v) > 0]
    main0, main1 = largest(H0), largest(H1)
    rows += [(v, "cut_off_from_main_network") for v in sorted(main0 - main1 - set(removed), key=str)]
    rows += [(v, "joined_main_network") for v in sorted(main1 - main0, key=str)]
    return rows


def test_what_if_affected_matches_networkx_on_a_sparse_network() -> None:
    """Closing the 12 best-connected organisations of 1,500 (and adding two ties): every effect as networkx finds it."""
    path = Path(__file__).parents[1] / "benchmarks" / "bench_centrality.py"
    spec = importlib.util.spec_from_file_location("bench_centrality", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    data = bench.make_data(1500, avg_degree=2.5, seed=5)
    rel = data.relationships
    removed = list(pd.concat([rel["source"], rel["target"]]).value_counts().index[:12])
    ids = [i for i in data.organizations.index if i not in removed]
    added = [(ids[0], ids[700]), (ids[3], ids[-1])]
    w = what_if(data, remove_orgs=removed, add_ties=added)
    got = [(r.org_id, r.effect, r.detail) if r.effect.endswith("sector") else (r.org_id, r.effect)
           for r in w.affected.itertuples()]
    expected = _reference_affected(data, removed, added)
    assert len(expected) > 50 and {e[1] for e in expected} >= {"lost_only_tie_to_sector", "cut_off_from_main_network",
                                                                "left_without_ties"}
    assert sorted(got, key=str) == sorted(expected, key=str)
