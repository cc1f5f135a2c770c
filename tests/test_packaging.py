"""The set-up files agree: conda users get what pip users get."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"h3": "h3-py"}  # conda-forge names that differ from PyPI's


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ;]", spec.strip(), maxsplit=1)[0].lower()


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {CONDA_NAMES.get(_name(d), _name(d)): d for d in project["dependencies"]}
    wanted.update({CONDA_NAMES.get(_name(d), _name(d)): d for d in project["optional-dependencies"]["test"]})
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {_name(d): d for d in env["dependencies"] if isinstance(d, str)}
    conda.pop("python"), conda.pop("pip")
    assert sorted(conda) == sorted(wanted)
    for name, spec in wanted.items():  # same lower bounds
        bound = re.search(r">=\s*([\w.]+)", spec)
        assert bound is None or f">={bound.group(1)}" in conda[name], (name, spec, conda[name])


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [ln for ln in ci.splitlines() if ln and not ln.startswith(("#", "set ", "cd "))] == ["make test"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme and "make report" in readme
