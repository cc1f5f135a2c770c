"""A data folder whose every name tries to break out of the page: for the safety tests."""

from __future__ import annotations

import json
from pathlib import Path

#: Names that would run script, close a string or a template literal, or come out backwards.
HOSTILE_NAMES = [
    "<img src=x onerror=alert(1)>",
    "${alert(1)}",
    "`backtick` ${document.title}",
    "</script><script>alert(1)</script>",
    'Quote " and \\ back\\slash C:\\1',
    "جمعية البر (الخيرية).",
    "مركز <b>النور</b>!",
    "{{ this.get_name() }} {% raw %}",
]

#: Values that must never reach any page.
PRIVATE_VALUES = ["secret.person@example.org", "+966 55 000 1234", "Secret Contact Person", "0555-PRIVATE"]

_ORG_HEADER = ("org_id,name,name_en,sector,org_type,lat,lon,website,offers,needs,causes,engagement_stage,"
               "email,phone,contact_name,Mobile 2\n")


def _csv(v: str) -> str:
    return '"' + v.replace('"', '""') + '"'


def write_hostile(folder: Path) -> Path:
    """Eight hostile organisations, three ordinary ones, ties between them and one hostile area."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    sectors = ["non_profit", "public", "for_profit"]
    websites = ["javascript:alert(1)", "https://example.org/?a=1&b=<x>", "http://ok.example", "data:text/html,hi"]
    for i, name in enumerate(HOSTILE_NAMES):
        rows.append(",".join([
            f"H-{i}", _csv(name), _csv(f"<i>en</i> {name}" if i % 2 else ""), sectors[i % 3], "charity",
            f"{26.30 + 0.01 * i:.5f}", f"{50.10 + 0.01 * i:.5f}", _csv(websites[i % len(websites)]),
            "volunteers;space", "funding", _csv("housing;<script>alert(1)</script>"), "contacted",
            PRIVATE_VALUES[0], _csv(PRIVATE_VALUES[1]), _csv(PRIVATE_VALUES[2]), PRIVATE_VALUES[3]]))
    for j in range(3):
        rows.append(",".join([f"OK-{j}", f"Ordinary {j}", "", sectors[j], "company", f"{26.25 + 0.02 * j:.5f}",
                              f"{50.05 + 0.02 * j:.5f}", "", "funding", "volunteers", "education", "partner",
                              "", "", "", ""]))
    (folder / "organizations.csv").write_text(_ORG_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    ties = ["source,target,kind,formal,status,weight"]
    for i in range(len(HOSTILE_NAMES)):
        ties.append(f"H-{i},OK-{i % 3},{['partnership', 'informal', 'funding'][i % 3]},{'true' if i % 2 else 'false'},"
                    "active,1")
    ties.append("H-0,H-1,joint_project,true,active,2")
    ties.append("OK-0,OK-1,mou,true,active,1")
    (folder / "relationships.csv").write_text("\n".join(ties) + "\n", encoding="utf-8")
    area = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"area_id": "A-1", "name": HOSTILE_NAMES[0], "population": 1000},
         "geometry": {"type": "Polygon", "coordinates": [[[50.0, 26.2], [50.25, 26.2], [50.25, 26.45],
                                                          [50.0, 26.45], [50.0, 26.2]]]}},
        {"type": "Feature", "properties": {"area_id": "A-2", "name": HOSTILE_NAMES[3], "population": 500},
         "geometry": {"type": "Polygon", "coordinates": [[[50.5, 26.2], [50.6, 26.2], [50.6, 26.3],
                                                          [50.5, 26.3], [50.5, 26.2]]]}},
    ]}
    (folder / "areas.geojson").write_text(json.dumps(area, ensure_ascii=False), encoding="utf-8")
    return folder
