"""Shared fixtures: small hand-checkable data folders written on the fly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The property-based tests (tests/test_properties.py). ``ci`` (what `make test` passes, and the default):
# a bounded, derandomised search, so CI is stable (100 examples each: about 20 s here); ``dev``: a
# longer random search (`pytest tests/test_properties.py --hypothesis-profile=dev`), whose failures
# hypothesis keeps in .hypothesis/ (git-ignored) and replays first next time.
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("dev", max_examples=300, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("ci")

ORGS = """org_id,name,sector,org_type,lat,lon,offers,needs,causes,capacity,engagement_stage,service_radius_km,email,founded_year
ORG-001,شركة الهندسة والتصميم,for_profit,company,26.28,50.21,expertise;skills;in_kind_services,volunteers;audiences,housing;women,high,partner,10,info@eng.example.sa,2005
ORG-002,جمعية ترميم المنازل,non_profit,association,26.43,50.10,volunteers;audiences,expertise;funding,housing,medium,partner,5,,2011
ORG-003,جمعية النهضة النسائية,non_profit,charity,26.30,50.20,volunteers;networks,expertise,women,low,engaged,4,,1998
ORG-004,مكتبة الخبر العامة,public,library,26.29,50.19,space;content,audiences,education;culture,medium,contacted,6,,
007,Dammam Secondary School,public,school,26.42,50.09,space;audiences,training,education;youth,low,identified,3,,1980
"""

HEADER_ORGS = ORGS.splitlines()[0]

RELS = """source,target,kind,formal,status,weight,start_date,end_date,last_reviewed,review_every_months,resources
ORG-001,ORG-002,in_kind,true,active,2,2023-01-15,,2025-06-01,6,expertise;in_kind_services
ORG-001,ORG-003,in_kind,false,active,1,2024-03-01,,,,expertise
ORG-002,ORG-003,partnership,true,active,1,2022-05-01,,,,
ORG-004,007,joint_project,true,ended,1,2019-09-01,2021-06-30,,,space
ORG-001,ORG-004,funding,true,proposed,1,,,,,funding
"""


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def lines(report, severity: str | None = None) -> list[str]:
    """Every problem of ``report`` (of one severity) as its printed line."""
    return [str(p) for p in report.problems if severity is None or p.severity == severity]


def one(report, pattern: str, severity: str):
    """The single problem of ``severity`` whose printed line matches ``pattern``."""
    hits = [p for p in report.problems if p.severity == severity and re.search(pattern, str(p))]
    assert len(hits) == 1, f"expected one {severity} matching {pattern!r}, got: {lines(report)}"
    return hits[0]


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    """A clean five-organisation folder with five ties (one ended, one proposed)."""
    folder = tmp_path / "toy"
    write(folder, "organizations.csv", ORGS)
    write(folder, "relationships.csv", RELS)
    return folder


@pytest.fixture
def folder(tmp_path: Path):
    """Factory: ``folder(orgs=..., rels=..., encoding=...)`` writes a data folder and returns it."""

    def make(orgs: str | None = ORGS, rels: str | None = None, encoding: str = "utf-8",
             name: str = "data") -> Path:
        f = tmp_path / name
        f.mkdir(parents=True, exist_ok=True)
        if orgs is not None:
            write(f, "organizations.csv", orgs, encoding)
        if rels is not None:
            write(f, "relationships.csv", rels, encoding)
        return f

    return make
