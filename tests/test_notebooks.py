"""The notebooks: committed clean, one parameters cell each, and each runs with papermill by itself.

The report runner executes all of them (tests/test_report.py); here each is run the way an
analyst or a schedule would run one notebook alone (papermill, the ``python3`` kernel,
parameters as text), on the demo and on their own data.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

import partnermap as pm

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ["01-data-quality", "02-network", "03-partnership-gaps", "04-coverage", "05-partner-profile"]

COMMON = {"data": ("str", '""'), "prepared": ("str", '""'), "focal": ("str", '""'), "as_of": ("str", '""'),
          "language": ("str", '"en"'), "out": ("str", '""')}
PARAMETERS = {
    "01-data-quality": COMMON,
    "02-network": {**COMMON, "top": ("int", "10")},
    "03-partnership-gaps": {**COMMON, "top": ("int", "20"), "weights": ("dict", "{}")},
    "04-coverage": {**COMMON, "by": ("str", '"sector"'), "of": ("str", '""'), "areas": ("str", '""'),
                    "resolution": ("int", "8"), "radius_km": ("float", "0.0")},
    "05-partner-profile": {**COMMON, "top": ("int", "5"), "base": ("str", '""')},
}


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def _run(name: str, tmp_path: Path, **parameters: object) -> nbformat.NotebookNode:
    output = tmp_path / f"{name}.out.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(output), parameters=parameters,
                               kernel_name="python3", cwd=str(tmp_path), progress_bar=False, execution_timeout=300)
    return nbformat.read(output, as_version=4)


def _outputs(nb: nbformat.NotebookNode) -> list[str]:
    """Every output of the executed notebook, in order: HTML, text and errors."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts.append(data.get("text/html") or data.get("text/plain") or out.get("text", "")
                         or f"{out.get('ename', '')}: {out.get('evalue', '')}")
    return [p for p in parts if p]


def test_the_five_notebooks_are_there():
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
    # the notebook checks papermill's parameters against exactly this list
    assert f"declared={list(PARAMETERS[name])}" in "".join(c.source for c in _read(name).cells)


@pytest.mark.parametrize("name", ["02-network", "04-coverage"])
def test_demo_is_announced_in_the_first_line(name, tmp_path):
    outputs = _outputs(_run(name, tmp_path))
    assert "built-in demo data" in outputs[0] and "class='notice'" in outputs[0]


def test_own_data_without_focal_runs_and_says_nothing_about_the_demo(tmp_path):
    """14_notebook04_default_focal: no demo default reaches your own data."""
    mine = tmp_path / "mine"
    shutil.copytree(pm.datasets.demo_path(), mine)
    for name in ("03-partnership-gaps", "04-coverage"):
        outputs = _outputs(_run(name, tmp_path, data=str(mine)))
        assert not any("demo data" in o for o in outputs), name
    assert any("No focal organisation was given" in o for o in _outputs(_run("03-partnership-gaps", tmp_path,
                                                                            data=str(mine))))


def test_an_unknown_parameter_stops_with_a_clear_error(tmp_path):
    with pytest.raises(PapermillExecutionError) as err:
        _run("02-network", tmp_path, data_dir=str(tmp_path))
    assert "unknown parameter 'data_dir' (did you mean 'data'?)" in err.value.evalue
    assert "Nothing was analysed" in err.value.evalue


def test_own_data_and_unknown_parameter_from_the_papermill_command(tmp_path):
    """14_notebook04_default_focal, as its reproducer runs it (own data: a copy of the demo, which is
    quick; the reproducer's own folder has a far-away point whose hexagon grid takes minutes)."""
    mine = tmp_path / "mine"
    shutil.copytree(pm.datasets.demo_path(), mine)
    papermill_cli = Path(sys.executable).with_name("papermill")
    result = subprocess.run([str(papermill_cli), str(NOTEBOOKS / "04-coverage.ipynb"), str(tmp_path / "o.ipynb"),
                             "-r", "data", str(mine), "--cwd", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    result = subprocess.run([str(papermill_cli), str(NOTEBOOKS / "02-network.ipynb"), str(tmp_path / "o2.ipynb"),
                             "-p", "data_dir", "x", "--cwd", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and "unknown parameter 'data_dir'" in result.stderr
    assert "PartnerData(" not in (tmp_path / "o2.ipynb").read_text(encoding="utf-8")


def test_ids_like_007_stay_text(tmp_path):
    """Own data whose ids look like numbers: ``focal="007"`` reaches the library as text."""
    mine = tmp_path / "mine"
    shutil.copytree(pm.datasets.demo_path(), mine)
    for csv in ("organizations.csv", "relationships.csv"):
        f = mine / csv
        f.write_text(f.read_text(encoding="utf-8-sig").replace("ORG-001,", "0042,"), encoding="utf-8")
    outputs = "\n".join(_outputs(_run("05-partner-profile", tmp_path, data=str(mine), focal="0042", top=3)))
    assert "0042" in outputs and "Its best next partners" in outputs


def test_profile_in_arabic_is_right_to_left(tmp_path):
    outputs = _outputs(_run("05-partner-profile", tmp_path, focal="ORG-002", language="ar"))
    assert all("dir='rtl' lang='ar'" in o for o in outputs if o.startswith("<div"))
    assert any("الملف التعريفي" in o for o in outputs)


def test_failing_notebook_is_kept_with_the_error(tmp_path):
    """An unknown organisation stops the run, but the executed notebook shows why."""
    with pytest.raises(PapermillExecutionError):
        _run("03-partnership-gaps", tmp_path, focal="ORG-999")
    outputs = _outputs(nbformat.read(tmp_path / "03-partnership-gaps.out.ipynb", as_version=4))
    assert any("ORG-999" in o for o in outputs)
