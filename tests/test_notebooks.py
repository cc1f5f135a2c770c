"""The notebooks: committed clean, one parameters cell each, and every one runs with papermill.

Each notebook is executed the way a schedule would run it (papermill, the ``python3``
kernel, parameters passed as text) on the demo data, and the executed notebook is read
for what an analyst would look at: the candidate table, the under-served area, the
sector pair with no ties.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

import partnermap as pm

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ["01-data-quality", "02-network", "03-partnership-gaps", "04-coverage"]

# The parameters each notebook declares, with their papermill-inferred type and default.
PARAMETERS = {
    "01-data-quality": {"data": ("str", '""'), "out": ("str", '""')},
    "02-network": {"data": ("str", '""'), "top": ("int", "10"), "out": ("str", '""')},
    "03-partnership-gaps": {"data": ("str", '""'), "focal": ("str", '"ORG-001"'),
                            "top": ("int", "20"), "out": ("str", '""')},
    "04-coverage": {"data": ("str", '""'), "by": ("str", '"sector"'),
                    "focal": ("str", '"ORG-001"'), "out": ("str", '""')},
}

# The tables each notebook writes when ``out`` is set.
TABLES = {
    "01-data-quality": ["problems.csv", "rejected_rows.csv"],
    "02-network": ["metrics.csv"],
    "03-partnership-gaps": ["potential_partners.csv", "gaps.csv"],
    "04-coverage": ["coverage.csv", "underserved.csv", "coverage_summary.csv"],
}


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def _run(name: str, tmp_path: Path, **parameters: object) -> nbformat.NotebookNode:
    """Execute one notebook as a schedule would; return the executed notebook."""
    output = tmp_path / f"{name}.out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"),
        str(output),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(tmp_path),
        progress_bar=False,
        execution_timeout=120,
    )
    return nbformat.read(output, as_version=4)


def _shown(nb: nbformat.NotebookNode) -> str:
    """Everything the executed notebook shows: printed text, tables (text and HTML), errors."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            data = out.get("data", {})
            parts += [data.get("text/plain", ""), data.get("text/html", "")]
            parts += [out.get("evalue", "")]
    return "\n".join(parts)


def test_the_four_notebooks_are_there():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_clean(name):
    nb = _read(name)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code), "strip the outputs"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    assert "papermill" not in nb.metadata


@pytest.mark.parametrize("name", NAMES)
def test_parameters_are_typed_and_described(name):
    """papermill reads every parameter (a second '=' on a line, even in the comment, hides it)."""
    found = papermill.inspect_notebook(str(NOTEBOOKS / f"{name}.ipynb"))
    assert {k: (v["inferred_type_name"], v["default"]) for k, v in found.items()} == PARAMETERS[name]
    assert all(v["help"] for v in found.values())
    assert "built-in demo data" in found["data"]["help"]


@pytest.fixture(scope="module")
def demo() -> pm.PartnerData:
    return pm.load(pm.datasets.demo_path())


def test_data_quality_notebook(tmp_path):
    shown = _shown(_run("01-data-quality", tmp_path, data=str(pm.datasets.demo_path()),
                        out=str(tmp_path / "tables")))
    assert "organizations: 320 of 320 rows loaded" in shown
    assert "0 error(s), 0 warning(s)" in shown
    assert "0 row(s) set aside" in shown
    assert "rows kept" in shown
    for table in TABLES["01-data-quality"]:
        assert (tmp_path / "tables" / table).is_file()


def test_network_notebook(tmp_path, demo):
    shown = _shown(_run("02-network", tmp_path, data="", out=str(tmp_path / "tables")))
    assert "sector pairs with no ties: for_profit - public" in shown
    assert "component sizes: 308, 6" in shown
    top_broker = pm.centrality(pm.build_graph(demo))["betweenness"].idxmax()
    assert top_broker in shown
    assert pm.COLUMN_MEANINGS["is_cut_point"] in shown
    for table in TABLES["02-network"]:
        assert (tmp_path / "tables" / table).is_file()


def test_partnership_gaps_notebook(tmp_path, demo):
    shown = _shown(_run("03-partnership-gaps", tmp_path, data="", focal="ORG-001",
                        out=str(tmp_path / "tables")))
    best = pm.potential_partners(demo, "ORG-001", top=1)
    assert best.index[0] in shown and best["name"].iloc[0] in shown
    assert "reasons" in shown
    assert "Portfolio of ORG-001" in shown
    assert "DAM-07 Al Waha Suburb" in shown
    for table in TABLES["03-partnership-gaps"]:
        assert (tmp_path / "tables" / table).is_file()


def test_coverage_notebook(tmp_path):
    shown = _shown(_run("04-coverage", tmp_path, data="", by="sector", focal="ORG-001",
                        out=str(tmp_path / "tables")))
    assert "DAM-07" in shown
    assert "no organisation within reach; 58,300 residents" in shown
    assert "share_population_reached" in shown
    for table in TABLES["04-coverage"]:
        assert (tmp_path / "tables" / table).is_file()


def test_ids_like_007_stay_text(tmp_path):
    """Own data whose ids look like numbers: ``focal="007"`` reaches the library as text."""
    mine = tmp_path / "mine"
    shutil.copytree(pm.datasets.demo_path(), mine)
    for csv in ("organizations.csv", "relationships.csv"):
        f = mine / csv
        f.write_text(f.read_text(encoding="utf-8-sig").replace("ORG-001,", "007,"), encoding="utf-8")
    shown = _shown(_run("03-partnership-gaps", tmp_path, data=str(mine), focal="007", top=5))
    assert "Portfolio of 007 (" in shown


def test_failing_notebook_is_kept_with_the_error(tmp_path):
    """An unknown organisation stops the run, but the executed notebook shows why."""
    with pytest.raises(PapermillExecutionError):
        _run("03-partnership-gaps", tmp_path, focal="ORG-999")
    shown = _shown(nbformat.read(tmp_path / "03-partnership-gaps.out.ipynb", as_version=4))
    assert "ORG-999" in shown
