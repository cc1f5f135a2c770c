"""The longest functions of the package, in code lines (docstring and comments left out).

    python benchmarks/function_sizes.py [--top 15] [--limit 60]

Exits 1 when a function is longer than ``--limit`` code lines and has no comment
``# long: <why>`` on the line of its ``def`` or the line above it (the house rule of
docs/architecture.md). Complexity is checked by ruff's C901 (max 14) in ``make test``.
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "partnermap"


@dataclass(frozen=True)
class Function:
    """One function: where it is, how long its code is, and whether it says why."""

    path: str
    line: int
    name: str
    code_lines: int
    justified: bool


def _code_lines(source: str) -> set[int]:
    """Line numbers that hold code: not blank, not only a comment."""
    lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                            tokenize.DEDENT, tokenize.ENDMARKER):
            lines.update(range(tok.start[0], tok.end[0] + 1))
    return lines


def functions(root: Path = PACKAGE) -> list[Function]:
    """Every function and method under ``root`` with its code length."""
    found = []
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        text = source.splitlines()
        code = _code_lines(source)
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            body = set(range(node.lineno, node.end_lineno + 1)) & code
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) \
                    and isinstance(first.value.value, str):
                body -= set(range(first.lineno, first.end_lineno + 1))
            start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno)
            near = " ".join(text[max(start - 2, 0):node.lineno])
            found.append(Function(str(path.relative_to(root.parent)), node.lineno, node.name, len(body),
                                  "# long:" in near))
    return sorted(found, key=lambda f: (-f.code_lines, f.path, f.line))


def main(argv: list[str] | None = None) -> int:
    """Print the longest functions; exit 1 when one over the limit says not why."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--limit", type=int, default=60)
    args = parser.parse_args(argv)
    found = functions()
    print(f"{'code lines':>10}  function")
    for f in found[: args.top]:
        note = "" if f.code_lines <= args.limit else ("  (says why)" if f.justified else "  (OVER THE LIMIT)")
        print(f"{f.code_lines:>10}  {f.path}:{f.line} {f.name}{note}")
    over = [f for f in found if f.code_lines > args.limit and not f.justified]
    print(f"{len(found)} functions; {len(over)} over {args.limit} code lines without a '# long:' comment")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
