"""Bad arguments to the gaps functions raise ParameterError, which code can catch as ValueError."""

from __future__ import annotations

import pytest

import partnermap as pm
from partnermap import ParameterError, PartnermapError, datasets
from partnermap.gaps import potential_partners, structural_gaps, what_if


@pytest.fixture(scope="module")
def demo() -> pm.PartnerData:
    return pm.load(datasets.demo_path())


@pytest.mark.parametrize(("call", "message"), [
    (lambda d: potential_partners(d, "ORG-001", top=0), r"top=0: give how many candidates"),
    (lambda d: potential_partners(d, "ORG-001", top=True), r"top=True"),
    (lambda d: potential_partners(d, "ORG-001", half_distance_km=0), r"half_distance_km must be a distance"),
    (lambda d: potential_partners(d, "ORG-001", weights={"equty": 1}), r"unknown weight 'equty'"),
    (lambda d: potential_partners(d, "ORG-001", weights=[0.5]), r"weights must map component names"),
    (lambda d: structural_gaps(d, min_expected=-1), r"min_expected must be a number of ties"),
    (lambda d: structural_gaps(d, stall_months="6"), r"stall_months must be a number of months"),
    (lambda d: structural_gaps("data"), r"structural_gaps takes loaded data"),
    (lambda d: what_if(d, add_ties=[("ORG-001", "ORG-001")]), r"a tie from 'ORG-001' to itself"),
    (lambda d: what_if(d, add_ties=[("ORG-001", "ORG-002", "friendship")]), r"unknown kind 'friendship'"),
    (lambda d: what_if(d, remove_orgs=["ORG-001"], focal="ORG-001"), r"focal 'ORG-001' is in remove_orgs"),
    (lambda d: what_if(d, add_ties=[{"source": "ORG-001", "target": "ORG-002", "weight": "x"}]),
     r"the weight of ORG-001 -> ORG-002 is 'x'; give a positive number"),
    (lambda d: what_if(d, add_ties=[{"source": "ORG-001", "target": "ORG-002", "weight": 0}]), r"is 0; give a positive"),
    (lambda d: what_if(d, add_ties=[{"source": "ORG-001", "target": "ORG-002", "directed": "maybe"}]),
     r"directed='maybe' for ORG-001 -> ORG-002; give True or False"),
])
def test_bad_arguments_raise_parameter_error(demo, call, message):
    with pytest.raises(ParameterError, match=message) as caught:
        call(demo)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, PartnermapError)


@pytest.mark.parametrize(("directed", "more"), [("no", 0), ("false", 0), (False, 0), ("yes", 1), (True, 1)])
def test_added_tie_direction_words_are_read_not_truth_tested(demo, directed, more):
    # "no" is a non-empty string: it must not count as directed
    base = what_if(demo, add_ties=[{"source": "ORG-001", "target": "ORG-002", "kind": "partnership"}])
    change = what_if(demo, add_ties=[{"source": "ORG-001", "target": "ORG-002", "kind": "partnership",
                                      "directed": directed}])
    assert change.summary_after["directed_ties"] == base.summary_after["directed_ties"] + more


def test_valid_edge_values_are_accepted(demo):
    # the smallest valid values of the checked arguments still give a result
    assert len(potential_partners(demo, "ORG-001", top=1, half_distance_km=0.1, weights={"equity": 0})) == 1
    assert len(structural_gaps(demo, min_expected=0, stall_months=0)) > 0
