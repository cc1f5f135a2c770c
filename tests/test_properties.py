"""Property-based tests of the loader and the writers (issue 14, "what to build so it stays fixed").

hypothesis writes organisation and relationship tables the way people type them: columns
shuffled and headed by synonyms (English and Arabic), blank cells, stray whitespace and
BOMs, UTF-8 / UTF-8 with BOM / UTF-16 / Windows-1256, quoted newlines and lone CRs, numbers
as text and text as numbers, duplicated rows, ids that look like numbers or differ by an
invisible character, very long cells, right-to-left and combining characters, emoji,
control characters and formula prefixes. Whatever it writes:

* no traceback: the command exits 0 or 2 and says nothing of a failed run;
* every input row is loaded or set aside with a reason (loaded + set aside = rows read);
* what a writer writes reads back to the same values (CSV tables, the ``export`` workbook);
* no private value (the e-mail and phone columns) reaches any output;
* no input file changes.

The number of examples comes from the hypothesis profile (``tests/conftest.py``): ``ci``
for ``make test``, ``dev`` for a longer search (``pytest tests/test_properties.py
--hypothesis-profile=dev``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import math
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

import partnermap as pm
from partnermap.cli import main
from partnermap.export import shareable, write_table

# A failing example can hold a 33,000-character cell; hypothesis warns that printing it is long.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning")

# ------------------------------------------------------------------ what people type

ODD = ("\u200b", "\u200f", "\u200e", "\ufeff", "\u00a0", "\u3000", "\u0301", "\u064b", "\u0640",
       "\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\t", "\n", "\r", "\r\n", '"', ",", ";", "'", "`", "$", "\\",
       "<", ">", "&", "😀", "👩🏽‍🔬", "\U0001f1f8\U0001f1e6", "\ufffe", "\u2067", "\u2069")
WORDS = ("Dammam", "Al Khobar", "جمعية البر", "مكتبة الخبر", "شركة", "Niño", "café", "None", "NA", "null", "n/a",
         "#N/A", "TRUE", "0", "007", "1e3", "-1", "12.50", "٣٤", "nan", "inf")
FORMULA = ("=HYPERLINK(\"http://x.example\",\"click\")", "=1+1", "+966 5", "-2+3", "@SUM(A1:A2)", "=cmd|' /C calc'!A0")

plain = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
odd = st.lists(st.sampled_from(ODD + tuple("aبz 9")), min_size=1, max_size=6).map("".join)
cell = st.one_of(
    st.just(""),
    st.sampled_from(WORDS),
    st.builds(lambda w, o, pos: w[:pos] + o + w[pos:], st.sampled_from(WORDS), odd, st.integers(0, 4)),
    st.sampled_from(FORMULA),
    plain,
    st.builds(lambda c, n: c * n, st.sampled_from("xب😀"), st.sampled_from([300, 5000, 33_000])),
)


def _pad(draw: st.DrawFn, v: str) -> str:
    """``v`` with stray whitespace (or a BOM) around it, sometimes."""
    pre = draw(st.sampled_from(["", "", "", " ", "\t", "\ufeff", "\u00a0"]))
    return pre + v + draw(st.sampled_from(["", "", " ", "  "]))


ORG_HEADINGS = {
    "org_id": ["org_id", "id", "Organisation ID", "رقم الجهة", "ORG_ID"],
    "name": ["name", "Organization", "الاسم", "Name"],
    "sector": ["sector", "القطاع", "Sector"],
    "lat": ["lat", "latitude", "خط العرض"],
    "lon": ["lon", "longitude", "lng"],
    "city": ["city", "المدينة"],
    "offers": ["offers"],
    "founded": ["founded", "Founded Year"],
}
#: Private columns: their values must reach no output.
PRIVATE_HEADINGS = ["email", "E - mail", "ＥＭＡＩＬ", "phone", "WhatsApp", "الإيميل", "رقم الجوال", "Mobile"]
TIE_HEADINGS = {"source": ["source", "from", "Org A"], "target": ["target", "to", "Org B"],
                "kind": ["kind", "relationship"], "weight": ["weight", "Weight"], "start_date": ["start_date"]}
SECTORS = ["for_profit", "non_profit", "public", "company", "charity", "government", "حكومي", "خيري", "", "spaceship"]
KINDS = ["partnership", "funding", "in_kind", "referral", "", "mou", "something else"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1256"]


def _secret(i: int, j: int) -> str:
    """A private value no other cell holds (what the no-leak property looks for)."""
    return f"zq{i}x{j}secret@mail.example"


@st.composite
def org_ids(draw: st.DrawFn, n: int, *, messy: bool) -> list[str]:
    """``n`` ids; messy ones look like numbers, repeat, or differ from another only by an invisible character."""
    base = [f"ORG-{i:03d}" for i in range(n)]
    if not messy:
        return base
    out = []
    for i, b in enumerate(base):
        kind = draw(st.sampled_from(["plain", "plain", "number", "invisible", "repeat", "blank", "odd"]))
        if kind == "number":
            out.append(draw(st.sampled_from([f"{i:03d}", str(i), f"{i}.0", f"{i}e0", f"٠{i}"])))
        elif kind == "invisible" and out:
            out.append(out[-1] + draw(st.sampled_from(["\u200b", "\u200f", "\ufeff", "\u0301"])))
        elif kind == "repeat" and out:
            out.append(draw(st.sampled_from(out)))
        elif kind == "blank":
            out.append(draw(st.sampled_from(["", " ", "\t"])))
        elif kind == "odd":
            out.append(b + draw(odd))
        else:
            out.append(b)
    return out


@st.composite
def data_folder(draw: st.DrawFn, *, messy: bool = True) -> dict[str, Any]:
    """A data folder's files as bytes, with what the properties need to know about them.

    ``messy=False`` keeps ids, sectors and tie ends valid (the data loads without errors) while the
    other cells stay hostile: what the writer round trips need.
    """
    n = draw(st.integers(1, 8))
    ids = draw(org_ids(n, messy=messy))
    optional = draw(st.lists(st.sampled_from(["lat", "lon", "city", "offers", "founded"]), unique=True))
    privates = draw(st.lists(st.sampled_from(PRIVATE_HEADINGS), max_size=2, unique_by=lambda h: h.lower()[:2]))
    columns = ["org_id", "name", "sector", *optional]
    rows = []
    for i, oid in enumerate(ids):
        row = {"org_id": oid,
               "name": draw(cell) if messy else "N" + draw(cell),
               "sector": draw(st.sampled_from(SECTORS)) if messy else draw(st.sampled_from(SECTORS[:8]))}
        for c in optional:
            if c in ("lat", "lon"):
                row[c] = draw(st.one_of(st.sampled_from(["", "26.3", "50.1", "abc", "٢٦٫٣", "1e1", "91", "-181"]),
                                        st.floats(-90, 90, allow_nan=False).map(lambda v: f"{v:.5f}"))) \
                    if messy else draw(st.sampled_from(["", "26.3", "26.41", "50.1"]))
            else:
                row[c] = draw(cell)
        for j, h in enumerate(privates):
            row[h] = _secret(i, j)
        rows.append(row)
    if messy and draw(st.booleans()):
        rows += draw(st.lists(st.sampled_from(rows), max_size=2))  # duplicated rows
    order = draw(st.permutations(columns + privates))
    head = [_pad(draw, draw(st.sampled_from(ORG_HEADINGS[c]))) if c in ORG_HEADINGS else c for c in order]
    orgs = [[r.get(c, "") for c in order] for r in rows]

    known = [r["org_id"] for r in rows] or ["X"]
    tie_cols = draw(st.permutations(list(TIE_HEADINGS)))
    ties = []
    for _ in range(draw(st.integers(0, 10))):
        s, t = draw(st.sampled_from(known)), draw(st.sampled_from(known))
        if messy and draw(st.integers(0, 5)) == 0:
            t = draw(st.sampled_from(["ORG-999", "", " " + s, s + "\u200b"]))
        tie = {"source": s, "target": t,
               "kind": draw(st.sampled_from(KINDS if messy else KINDS[:4])),
               "weight": draw(st.sampled_from(["", "1", "2.5", "1e1", "lots", "-1", "0", "٣"] if messy else ["", "1", "2"])),
               "start_date": draw(st.sampled_from(["", "2024-01-15", "15/01/2024", "2024-13-45", "yesterday"]
                                                  if messy else ["", "2024-01-15"]))}
        ties.append([tie[c] for c in tie_cols])
    if messy and ties and draw(st.booleans()):
        ties.append(list(draw(st.sampled_from(ties))))
    tie_head = [_pad(draw, draw(st.sampled_from(TIE_HEADINGS[c]))) for c in tie_cols]

    files = {"organizations.csv": _csv(draw, head, orgs), "relationships.csv": _csv(draw, tie_head, ties)}
    secrets = [_secret(i, j) for i in range(len(rows)) for j in range(len(privates))]
    if draw(st.integers(0, 3)) == 0:  # the same tables as one workbook, numbers-as-text as number cells
        files = {"data.xlsx": _workbook({"organizations": (head, orgs), "relationships": (tie_head, ties)},
                                        numbers=draw(st.booleans()))}
    return {"files": files, "rows": {"organizations": _records(orgs), "relationships": _records(ties)},
            "secrets": secrets}


def _workbook(sheets: dict[str, tuple[list[str], list[list[str]]]], *, numbers: bool) -> bytes:
    """The tables as .xlsx bytes; characters a worksheet cannot hold are left out, numbers maybe as numbers."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, (head, rows) in sheets.items():
        ws = book.create_sheet(name)
        for r in [head, *rows]:
            ws.append([_number(v) if numbers else _cell_text(v) for v in r])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _cell_text(v: str) -> str:
    """What a worksheet can hold: no control characters, no U+FFFE/U+FFFF (openpyxl writes those, then cannot read)."""
    return ILLEGAL_CHARACTERS_RE.sub("", v).replace("\ufffe", "").replace("\uffff", "")


def _number(v: str) -> Any:
    v = _cell_text(v)
    try:
        f = float(v)
    except ValueError:
        return v
    return f if math.isfinite(f) else v


def _records(rows: list[list[str]]) -> int:
    """The rows a reader must account for: those with something in them."""
    return sum(1 for r in rows if any(v.strip() for v in r))


def _quoted(v: str) -> str:
    """A CSV field as a careful writer quotes it: any separator, quote, CR or LF inside means quotes.

    (Python's csv module leaves a lone CR unquoted when the line ends are LF; a reader then
    rightly splits the row there, as old Mac files end their lines with CR.)
    """
    return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\r\n') else v


def _csv(draw: st.DrawFn, head: list[str], rows: list[list[str]]) -> bytes:
    """The table as CSV bytes, in an encoding drawn (Windows-1256 only where it can hold the text)."""
    end = draw(st.sampled_from(["\n", "\r\n"]))
    text = "".join(",".join(_quoted(v) for v in r) + end for r in [head, *rows])
    encoding = draw(st.sampled_from(ENCODINGS))
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8")


# ---------------------------------------------------------------------- helpers


def _write(folder: Path, files: dict[str, bytes]) -> tuple[Path, Path]:
    """The files written into ``folder``; (the folder, what to load: the folder or its workbook)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder, folder / "data.xlsx" if "data.xlsx" in files else folder


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _cli(*argv: str) -> tuple[int, str, str]:
    """Run ``partnermap argv`` in-process; (exit status, stdout, stderr).

    A Python warning would reach the user's terminal as it is (not as a partnermap message),
    so one is a failure here too, named as such rather than as the exception pytest's
    warnings-as-errors would make of it.
    """
    out, err = io.StringIO(), io.StringIO()
    code = 0
    # the library's warnings reach a user's stderr through logging's last-resort handler, which
    # pytest's own log capture replaces: give them the stderr the user would see
    said = logging.StreamHandler(err)
    said.setLevel(logging.WARNING)
    logging.getLogger("partnermap").addHandler(said)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            logging.getLogger("partnermap").removeHandler(said)
    shown = [f"{w.category.__name__}: {w.message}" for w in caught]
    assert not shown, f"partnermap {' '.join(argv[:3])} let Python warnings reach the user: {shown}"
    return code, out.getvalue(), err.getvalue()


def _no_crash(code: int, err: str, argv: str) -> None:
    assert code in (0, 2), f"partnermap {argv}: exit {code}\n{err[-3000:]}"
    assert "Traceback" not in err and "the run failed" not in err, f"partnermap {argv}:\n{err[-3000:]}"


def _text_of(path: Path) -> str:
    """Everything a file says, for the no-leak check: workbook cells, else the bytes as text."""
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
                         if v is not None)
    raw = path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            raw = b"".join(z.read(n) for n in z.namelist())
    return raw.decode("utf-8", errors="replace") + raw.decode("utf-16-le", errors="replace")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return list(a) == list(b) if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) else False
    if a is None or (isinstance(a, float) and math.isnan(a)) or a is pd.NaT:
        return b is None or (isinstance(b, float) and math.isnan(b)) or b is pd.NaT
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, pd.Timestamp) or isinstance(b, pd.Timestamp):
        return pd.Timestamp(a) == pd.Timestamp(b)
    return a == b


def _cut_to_cell(frame: pd.DataFrame, limit: int = 32_767) -> pd.DataFrame:
    """``frame`` with every text longer than a spreadsheet cell holds cut to ``limit`` characters.

    A list of terms is one cell (``a;b``): cut as that text, then split again.
    """
    def cut(v: Any) -> Any:
        if isinstance(v, str):
            return v[:limit]
        if isinstance(v, list):
            return [p for p in ";".join(map(str, v))[:limit].split(";") if p]
        return v

    return frame.apply(lambda col: col.map(cut) if col.dtype == object else col)


def _assert_same_table(before: pd.DataFrame, after: pd.DataFrame, what: str, *, columns: list[str]) -> None:
    assert list(after.index) == list(before.index), f"{what}: ids {list(before.index)} read back as {list(after.index)}"
    for c in columns:
        assert c in after.columns, f"{what}: column {c!r} did not come back ({list(after.columns)})"
        for key, a, b in zip(before.index, before[c], after[c], strict=True):
            assert _same(a, b), f"{what}: {key!r} {c}: {a!r} read back as {b!r}"


# ------------------------------------------------------------------- properties


@given(data_folder())
def test_validate_never_fails_and_accounts_for_every_row(case: dict[str, Any]) -> None:
    """validate: exit 0 or 2, no traceback; rows loaded + rows set aside (each with a reason) = rows read."""
    with tempfile.TemporaryDirectory() as tmp:
        folder, source = _write(Path(tmp) / "data", case["files"])
        before = _digest(folder)
        problems = Path(tmp) / "out" / "problems.csv"
        code, out, err = _cli("validate", str(source), "-o", str(problems))
        note(out + err)
        _no_crash(code, err, "validate")
        report = pm.validate(source)
        data = pm.load(source, strict=False)
        assert (code == 0) == report.ok
        for table, frame in (("organizations", data.organizations), ("relationships", data.relationships)):
            written = case["rows"][table]
            read, kept = report.counts.get(table, (0, 0))
            aside = [r for r in report.rejected if r["file"] in (f"{table}.csv", f"data.xlsx[{table}]")]
            assert read == written, f"{table}: {written} row(s) written, {read} read"
            assert kept == len(frame), f"{table}: {kept} said kept, {len(frame)} in the result"
            assert kept + len(aside) == read, f"{table}: {kept} kept + {len(aside)} set aside != {read} read"
            assert all(str(r["reason"]).strip() for r in aside), aside
        assert _digest(folder) == before, "validate changed an input file"


@given(data_folder(messy=False))
def test_tables_and_workbook_read_back_to_the_same_values(case: dict[str, Any]) -> None:
    """write_table's CSVs and ``export --format xlsx`` load back to the values that were written."""
    with tempfile.TemporaryDirectory() as tmp:
        folder, source = _write(Path(tmp) / "data", case["files"])
        before = _digest(folder)
        data = pm.load(source, strict=False)
        note("\n".join(map(str, data.report.problems)))
        orgs = shareable(data.organizations.drop(columns=["area_geometry"], errors="ignore"))
        rels = shareable(data.relationships)
        again = Path(tmp) / "again"
        write_table(orgs, again / "organizations.csv")
        write_table(rels.reset_index(drop=True), again / "relationships.csv")
        back = pm.load(again, strict=False)
        cols = [c for c in ("name", "sector", "lat", "lon", "city", "offers") if c in data.organizations.columns]
        _assert_same_table(data.organizations, back.organizations, "CSV round trip", columns=cols)
        tie_cols = ["source", "target", "kind", "weight"]
        _assert_same_table(data.relationships.reset_index(drop=True), back.relationships.reset_index(drop=True),
                           "CSV round trip (ties)", columns=tie_cols)
        if data.report.ok:
            book = Path(tmp) / "out" / "export.xlsx"
            code, out, err = _cli("export", str(source), "--format", "xlsx", "-o", str(book))
            note(out + err)
            _no_crash(code, err, "export --format xlsx")
            assert code == 0, err
            wb = pm.load(book, strict=False)
            assert wb.report.ok, "\n".join(map(str, wb.report.errors))
            # a spreadsheet cell holds at most 32,767 characters: longer text comes back cut, and is said so
            orgs_cut, rels_cut = (_cut_to_cell(f) for f in (data.organizations, data.relationships.reset_index(drop=True)))
            if any(isinstance(v, str) and len(v) > 32_767 for f in (data.organizations, data.relationships)
                   for c in f.columns if f[c].dtype == object for v in f[c]):
                assert "cut to 32,767" in out + err, out + err
            _assert_same_table(orgs_cut, wb.organizations, "workbook round trip", columns=cols)
            _assert_same_table(rels_cut, wb.relationships.reset_index(drop=True),
                               "workbook round trip (ties)", columns=tie_cols)
        assert _digest(folder) == before, "a writer changed an input file"


WRITERS = (
    ("export", "--format", "xlsx", "-o", "{out}/export.xlsx"),
    ("export", "--format", "gexf", "-o", "{out}/export.gexf"),
    ("export", "--format", "gpkg", "-o", "{out}/export.gpkg"),
    ("export", "--format", "geojson", "-o", "{out}/export.geojson"),
    ("export", "--format", "kumu", "-o", "{out}/kumu.xlsx"),
    ("metrics", "-o", "{out}/metrics.csv", "--no-progress"),
    ("gaps", "-o", "{out}/gaps.csv"),
    ("map", "--kind", "organizations", "-o", "{out}/orgs.html"),
    ("map", "--kind", "network", "-o", "{out}/network.html"),
)


@given(data_folder(messy=False), st.lists(st.sampled_from(WRITERS), min_size=2, max_size=4, unique=True))
def test_no_private_value_in_any_output_and_no_input_changed(case: dict[str, Any], writers: list[tuple]) -> None:
    """Every command that writes leaves the e-mail and phone values out, never fails, never touches the input."""
    with tempfile.TemporaryDirectory() as tmp:
        folder, source = _write(Path(tmp) / "data", case["files"])
        before = _digest(folder)
        out = Path(tmp) / "out"
        out.mkdir()
        for argv in writers:
            args = [a.format(out=out) for a in argv]
            code, stdout, err = _cli(args[0], str(source), *args[1:])
            note(f"{' '.join(argv)} -> {code}\n{stdout}{err}")
            _no_crash(code, err, " ".join(argv))
            for shown in (stdout, err):
                leaked = [s for s in case["secrets"] if s in shown]
                assert not leaked, f"{argv[0]} printed private values {leaked}"
        for path in sorted(out.rglob("*")):
            if path.is_file():
                text = _text_of(path)
                leaked = [s for s in case["secrets"] if s in text]
                assert not leaked, f"{path.name} holds private values {leaked}"
        assert _digest(folder) == before, "a command changed an input file"
