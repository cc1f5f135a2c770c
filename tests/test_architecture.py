"""The house rules of docs/architecture.md that no linter checks."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "partnermap"
BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "function_sizes.py"


def _function_sizes():
    spec = importlib.util.spec_from_file_location("function_sizes", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["function_sizes"] = module
    spec.loader.exec_module(module)
    return module


def _public(module: str) -> bool:
    return not any(part.startswith("_") for part in module.split(".") if part)


def test_no_private_name_is_imported_from_a_public_module() -> None:
    crossings = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = path.relative_to(PACKAGE.parent).with_suffix("").parts
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.module is None:
                continue  # `from . import _geo` imports a module: the way to share private code
            if node.level:  # relative: resolve against the importing module's package
                base = list(here[: len(here) - node.level]) if path.name != "__init__.py" else \
                    list(here[: len(here) - node.level + 1])
                target = ".".join([*base, node.module])
            else:
                target = node.module or ""
            if not target.startswith("partnermap") or not _public(target.removeprefix("partnermap")):
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    crossings.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {target}.{alias.name}")
    assert not crossings, "import the private module instead:\n" + "\n".join(crossings)


def test_function_sizes_counts_code_not_docstrings(tmp_path: Path) -> None:
    sizes = _function_sizes()
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    body = "\n".join(f"    x{i} = {i}  # c" for i in range(3))
    (pkg / "m.py").write_text(f'def f():\n    """Doc.\n\n    More.\n    """\n    # a comment\n\n{body}\n',
                              encoding="utf-8")
    (found,) = sizes.functions(pkg)
    assert (found.name, found.code_lines, found.justified) == ("f", 4, False)
