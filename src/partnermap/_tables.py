"""Raw reading: CSV files (encodings, separators, broken quotes), worksheets and GIS layers.

Every reader returns a :class:`_Table` of text cells with the row number of each record
in its file, and records what went wrong in the :class:`~partnermap.LoadReport`; nothing
here knows the data contract (that is :mod:`partnermap._validate`).

Private: imported as a module (``from . import _tables``), never re-exported.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import itertools
import math
import operator
import re
import warnings
from collections.abc import Iterator
from itertools import compress
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import shapely
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from . import _common
from ._data import LoadReport, Severity

TABLES = ("organizations", "relationships", "areas")
_TABLE_ALIASES = {
    "organizations": ("organizations", "organisations", "orgs"),
    "relationships": ("relationships", "ties", "partnerships", "edges"),
    "areas": ("areas", "districts", "wards"),
}
TABULAR = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
SPATIAL = (".geojson", ".json", ".gpkg", ".shp")
SUPPORTED = TABULAR + SPATIAL
#: Files that travel with a shapefile (or a QGIS/ArcGIS project) and are not tables.
_SIDECARS = (".cpg", ".dbf", ".shx", ".prj", ".sbn", ".sbx", ".qix", ".qmd", ".fix", ".aih", ".ain",
             ".atx", ".shp.xml", ".cst", ".qpj", ".lock")
csv.field_size_limit(2**31 - 1)  # long notes cells are fine


class _Table:
    """A raw table: text cells, the file label for messages, row numbers, geometry."""

    def __init__(self, df: pd.DataFrame, label: str, first_row: int = 2, geometry: Any = None,
                 crs: Any = None, rows: Any = None) -> None:
        self.df = df.reset_index(drop=True)
        self.label = label
        self.rows = np.arange(first_row, first_row + len(df)) if rows is None else np.asarray(rows, dtype=int)
        self.geometry = geometry
        self.crs = crs
        self.unread = 0  # rows that could not even be parsed (already in report.rejected)
        self.renamed: dict[str, str] = {}  # heading as written -> contract name (set by _validate._columns)
        self.missing: list[str] = []  # required columns it lacks (set by _validate._columns)
        self.feature_ids: np.ndarray | None = None  # a GeoJSON layer's own feature ids (areas only)


def _read_folder(folder: Path, report: LoadReport) -> dict[str, _Table]:
    files = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    frames: dict[str, _Table] = {}
    for table in TABLES:
        found = [files[n] for n in sorted(files)
                 if Path(n).stem in _TABLE_ALIASES[table] and not n.endswith(_SIDECARS)]
        if not found:
            if table == "organizations":
                others = ", ".join(sorted(p.name for p in files.values())) or "nothing"
                report.add("error", str(folder / "organizations.csv"), None, None,
                           f"missing file: no organizations.* in {folder} (found: {others}).",
                           "Add organizations.csv (or .xlsx/.geojson/.gpkg/.shp); "
                           "`partnermap demo -o DIR` writes a template.")
            continue
        supported = [p for p in found if p.suffix.lower() in SUPPORTED]
        for p in found:
            if p.suffix.lower() not in SUPPORTED:
                report.add("error", p.name, None, None,
                           f"unsupported format '{p.suffix}'.",
                           "Save it as CSV (UTF-8) or .xlsx; spatial data as GeoJSON, GeoPackage or Shapefile.")
        if len(supported) > 1:
            report.add("error", supported[0].name, None, None,
                       f"more than one {table} file: {', '.join(p.name for p in supported)}.",
                       "Keep one and move the others out of the folder.")
            continue
        if supported:
            t = _read_file(supported[0], table, report)
            if t is not None:
                frames[table] = t
                report.sources[table] = str(supported[0])
    return frames


def _read_file(path: Path, table: str, report: LoadReport) -> _Table | None:
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            return _read_csv(path, report)
        if suffix in (".xlsx", ".xlsm"):
            return _read_sheet(path, None, table, report)
        return _read_spatial(path, report, feature_ids=table == "areas")
    except Exception as exc:  # noqa: BLE001 - any reader failure becomes a report line
        report.add("error", path.name, None, None, f"unreadable file: {_plain(exc)}",
                   "Open it in a spreadsheet or GIS program and save it again.")
        return None


def _plain(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]


def _bad_lines(text: str) -> list[int]:
    return [n for n, ln in enumerate(text.splitlines(), start=1) if "\ufffd" in ln]


def _decode(raw: bytes, name: str, report: LoadReport) -> str | None:
    """UTF-8 (with or without BOM), UTF-16, Windows-1256 or Windows-1252; a few stray bytes are reported."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if bom else raw
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    if bom or good > bad:  # UTF-8 with a few broken bytes: keep it, name the lines
        lines = _bad_lines(text)
        report.add("warning", name, lines[0] if lines else None, None,
                   f"{bad} byte(s) are not valid UTF-8 and were replaced by '\ufffd' "
                   f"(line(s) {', '.join(map(str, lines[:10]))}{' …' if len(lines) > 10 else ''}).",
                   "Retype those characters, or save the file again as 'CSV UTF-8'.")
        return text
    arabic, western = body.decode("cp1256", errors="replace"), body.decode("cp1252", errors="replace")
    encoding, severity, message = _single_byte(arabic, western)
    report.add(severity, name, None, None, message, "Saving it as 'CSV UTF-8' avoids any doubt.")
    return arabic if encoding == "cp1256" else western


#: A word: letters and Arabic marks (a Latin 'ñ' read as Windows-1256 is the mark U+064C).
_WORD = re.compile(r"(?:[^\W\d_]|[\u064b-\u065f\u0670])+")
_ARABIC_CHAR = re.compile(r"[\u0600-\u06ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
_ENCODING_NAMES = {"cp1256": "Windows-1256 (Arabic)", "cp1252": "Windows-1252 (Western European)"}


def _single_byte(arabic: str, western: str) -> tuple[str, Severity, str]:
    """Windows-1256 or Windows-1252, decided from the words of the text read both ways.

    ``arabic`` and ``western`` are the same bytes read as Windows-1256 and as Windows-1252
    (one character per byte, so positions match). Read as Windows-1256, Arabic text gives
    words of Arabic letters only, while Latin accented letters land *inside* Latin words
    ('Niño' becomes 'Niٌo'). Returns the encoding, the severity (a warning when both kinds
    of word are found, so the choice is uncertain) and the message.
    """
    pure: list[tuple[int, int]] = []
    mixed: list[tuple[int, int]] = []
    for m in _WORD.finditer(arabic):
        word = m.group()
        if not _ARABIC_CHAR.search(word):
            continue
        if _LATIN_LETTER.search(word):
            mixed.append(m.span())
        elif len(word) >= 2:
            pure.append(m.span())
    undefined = western.count("\ufffd") - arabic.count("\ufffd")  # bytes Windows-1252 does not define
    arabic_words = len(pure) + max(undefined, 0)

    def shown(span: tuple[int, int], as_arabic: bool) -> str:
        a, b = span
        if as_arabic:
            return f"'{arabic[a:b]}' (as Windows-1252: '{western[a:b]}')"
        return f"'{western[a:b]}' (as Windows-1256: '{arabic[a:b]}')"

    if not mixed:
        if arabic_words:
            return "cp1256", "info", f"read as {_ENCODING_NAMES['cp1256']} text."
        return "cp1252", "info", f"read as {_ENCODING_NAMES['cp1252']} text (it has no Arabic words)."
    if not arabic_words:
        return "cp1252", "info", (f"read as {_ENCODING_NAMES['cp1252']} text: {len(mixed)} word(s) have accented "
                                  f"Latin letters, e.g. {shown(mixed[0], False)}.")
    encoding = "cp1256" if arabic_words >= len(mixed) else "cp1252"
    arabic_example = f", e.g. {shown(pure[0], True)}" if pure else ""
    return encoding, "warning", (
        f"not UTF-8, and the encoding is uncertain: {arabic_words} word(s) read as Arabic"
        f"{arabic_example}, and {len(mixed)} as Latin with accents, e.g. {shown(mixed[0], False)}; "
        f"read as {_ENCODING_NAMES[encoding]}, so some names may be garbled.")


def _read_csv(path: Path, report: LoadReport) -> _Table | None:
    text = _decode(path.read_bytes(), path.name, report)
    if text is None:
        return None
    if not text.strip():
        report.add("error", path.name, None, None, "the file is empty.",
                   "Add a header line (e.g. org_id,name,sector) and one row per record.")
        return None
    text, sep, offset = _separator(text)
    head, columns, lines, unread = _csv_rows(text, sep, offset, path.name, report)
    del text  # the whole file as text: not needed once it is split
    df = pd.DataFrame(dict(zip(head, columns, strict=True)), dtype=object) if head else pd.DataFrame()
    del columns
    t = _Table(_formulas_unquoted(df), path.name, rows=lines)
    t.unread = unread
    t.geometry = _wkt_geometry(t, report)
    return t


def _formulas_unquoted(df: pd.DataFrame) -> pd.DataFrame:
    """``'=…``, ``'+…``, ``'-…``, ``'@…`` read as ``=…`` …: the ``'`` partnermap's CSV files put before them."""
    df.columns = pd.Index([_common._unneutralised(h) if isinstance(h, str) else h for h in df.columns])
    for j in range(df.shape[1]):
        cells = df.iloc[:, j].tolist()
        if not _starts_with_quote(cells):
            continue
        df.isetitem(j, pd.Series([_common._unneutralised(v) if v[:1] == "'" else v for v in cells],
                                 index=df.index, dtype=object))
    return df


def _starts_with_quote(cells: list[str]) -> bool:
    """Whether a cell may start with ``'`` (exact for text cells without line breaks; never misses one)."""
    joined = "\n".join(cells)
    return joined[:1] == "'" or "\n'" in joined


def _separator(text: str) -> tuple[str, str, int]:
    """The text after Excel's ``sep=;`` first line (if any), the separator, and the lines skipped."""
    first = next(ln for ln in text.splitlines() if ln.strip())
    hint = re.fullmatch(r"\s*sep=(.)\s*", first)
    if hint is None:
        return text, max([",", ";", "\t"], key=first.count), 0
    return text[text.index(first) + len(first):].lstrip("\r\n"), hint.group(1), 1


_LINE_END = re.compile(r"\r\n?|\n")


#: The line breaks :meth:`str.splitlines` knows besides CR and LF, which CSV does not.
_OTHER_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: The text is split into lines a block of about this many characters at a time.
_BLOCK = 1 << 20


def _blocks(text: str) -> Iterator[str]:
    """``text`` in blocks of about :data:`_BLOCK` characters, each cut after a LF (so no line is cut)."""
    start, n = 0, len(text)
    while start < n:
        cut = text.find("\n", start + _BLOCK)
        stop = n if cut < 0 else cut + 1
        yield text[start:stop]
        start = stop


def _block_lines(block: str, *, keepends: bool) -> list[str]:
    """The lines of a block, ended by CR, LF or CR LF only (see :func:`_lines`)."""
    if not any(c in block for c in _OTHER_BREAKS):  # eight fast scans, faster than one regex
        return block.splitlines(keepends=keepends)
    if not keepends:
        pieces = _LINE_END.split(block)
        return pieces[:-1] if pieces[-1] == "" else pieces
    out, at = [], 0
    for m in _LINE_END.finditer(block):
        out.append(block[at:m.end()])
        at = m.end()
    if at < len(block):
        out.append(block[at:])
    return out


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings, as ``io.StringIO(text, newline="")`` gives them.

    (A StringIO holds a copy of the text at four bytes a character: 1.1 GB for a 280 MB file.)
    Each block of text is split by :meth:`str.splitlines` unless it holds one of the other
    breaks that method knows (:data:`_OTHER_BREAKS`).
    """
    for block in _blocks(text):
        yield from _block_lines(block, keepends=True)


#: Rows read before their cells are added to the columns.
_CHUNK = 8192


class _Columns:
    """The cells of each column, added a chunk of rows at a time; a value that repeats is kept once.

    A column whose first chunk repeats no value (a tie_id, a name) is not looked up: the
    table of the values met would only hold each of them once more.
    """

    def __init__(self, width: int) -> None:
        self.cells: list[list[str]] = [[] for _ in range(width)]
        self.repeats: list[bool] | None = None
        self.seen: dict[str, str] = {}  # each distinct value once

    def add(self, records: list[list[str]]) -> None:
        """Add ``records`` (each as long as the headings) to the columns."""
        if records:
            self.add_columns(list(zip(*records, strict=True)))

    def add_columns(self, by_column: list[Any]) -> None:
        """Add the cells of a chunk of rows, given column by column."""
        if self.repeats is None:
            self.repeats = [len(set(c)) < len(c) for c in by_column]
        seen = self.seen
        for cells, repeats, c in zip(self.cells, self.repeats, by_column, strict=True):
            cells.extend(map(seen.setdefault, c, c) if repeats else c)


def _plain_rows(text: str, sep: str, offset: int, name: str,
                report: LoadReport) -> tuple[list[str], list[list[str]], list[int], int]:
    """:func:`_csv_rows` for a text without double quotes: each line is a row, split at each separator.

    A block of lines that all have as many values as the headings is split in one go; the
    others go row by row through :func:`_add_rows`. The rows are numbered as :func:`_csv_rows` does.
    """
    head: list[str] | None = None
    columns = _Columns(0)
    lines: list[int] = []
    read = 0  # the lines before the block
    for block in _blocks(text):
        rest = _block_lines(block, keepends=False)
        first, read = read + 1, read + len(rest)  # the line of rest[0]
        if head is None:
            for i, ln in enumerate(rest):
                fields = ln.split(sep)
                if any(map(str.strip, fields)):
                    head = _unique_headings([f.strip() for f in fields], name, report)
                    columns = _Columns(len(head))
                    rest, first = rest[i + 1:], first + i + 1
                    break
            else:
                continue
        width = len(head)
        if not rest:
            continue
        if all(map((width - 1).__eq__, map(str.count, rest, itertools.repeat(sep)))):
            cells = sep.join(rest).split(sep)
            by_column = [cells[j::width] for j in range(width)]
            numbers = list(range(first + offset, first + len(rest) + offset))
            maybe = compress(range(len(rest)), map(operator.not_, map(str.strip, by_column[0])))
            blank = {i for i in maybe if not any(c[i].strip() for c in by_column)}
            if blank:
                by_column = [[v for i, v in enumerate(c) if i not in blank] for c in by_column]
                numbers = [k for i, k in enumerate(numbers) if i not in blank]
            columns.add_columns(by_column)
            lines.extend(numbers)
        else:
            _add_rows([ln.split(sep) for ln in rest], list(range(first, first + len(rest))), first - 1 + offset,
                      offset, head, columns, lines, sep, name, report)
    return head or [], columns.cells, lines, 0


def _csv_rows(text: str, sep: str, offset: int, name: str,
              report: LoadReport) -> tuple[list[str], list[list[str]], list[int], int]:
    """Headings, the cells of each column (fitted to the headings), the line of each row, and the lines unread.

    The columns are built as the rows are read (:data:`_CHUNK` at a time), and a value that
    repeats (an id, a kind, a date) is kept once: a million ties take a few hundred MB rather
    than several GB.
    """
    if '"' not in text:  # no value is quoted: each line is a row
        return _plain_rows(text, sep, offset, name, report)
    reader = csv.reader(_lines(text), delimiter=sep, strict=True)
    head: list[str] | None = None
    columns = _Columns(0)
    lines: list[int] = []
    end = 0  # the last line of the last record taken, plus ``offset``
    records: list[list[str]] = []
    ends: list[int] = []  # the last line of each record in ``records``
    try:
        with _common._gc_paused():  # each row is a list: every collection would walk them all
            for fields in reader:
                if head is None:
                    end = reader.line_num + offset
                    if any(map(str.strip, fields)):
                        head = _unique_headings([f.strip() for f in fields], name, report)
                        columns = _Columns(len(head))
                    continue
                records.append(fields)
                ends.append(reader.line_num)
                if len(records) == _CHUNK:
                    end = _add_rows(records, ends, end, offset, head, columns, lines, sep, name, report)
                    records, ends = [], []
    except csv.Error as exc:
        if head is not None:
            end = _add_rows(records, ends, end, offset, head, columns, lines, sep, name, report)
        end = max(end, offset)  # a file line (the text starts after the ``offset`` lines left out)
        report.add("error", name, end + 1, None,
                   f"the file cannot be split into rows from line {end + 1} on ({exc}); "
                   f"{len(lines)} row(s) before it were read.",
                   "A double quote is probably not closed: check that line and the ones after it.")
        unread = 0
        for n, ln in enumerate(text.splitlines()[end - offset:], start=end + 1):
            if ln.strip():
                unread += 1
                report.reject(name, n, "", "could not be read (unbalanced quotes)")
        return head or [], columns.cells, lines, unread
    if head is not None:
        _add_rows(records, ends, end, offset, head, columns, lines, sep, name, report)
    return head or [], columns.cells, lines, 0


def _add_rows(records: list[list[str]], ends: list[int], end: int, offset: int, head: list[str], columns: _Columns,
              lines: list[int], sep: str, name: str, report: LoadReport) -> int:
    """Add ``records`` (``ends``: the last line of each) to ``columns`` and their lines to ``lines``.

    Each record is numbered ``offset`` past the end of the one before (``end`` before the
    first); blank records are skipped; one that runs over several lines with the separator
    inside is a warning; one whose length is not the headings' is fitted to them (:func:`_fit`).
    Returns the new ``end``.
    """
    if not records:
        return end
    width, n = len(head), len(records)
    last = ends[-1] + offset
    odd = list(compress(range(n), map(width.__ne__, map(len, records))))  # C loops: no Python frame a row
    if last - end == n:  # one line each
        numbers: list[int] = list(range(end + 1, last + 1))
    else:
        numbers = [end + 1] + [e + 1 + offset for e in ends[:-1]]
        odd = sorted(set(odd).union(i for i, (k, e) in enumerate(zip(numbers, ends, strict=True)) if e + offset > k))
    blank = set()
    for i in odd:
        fields, line, last_line = records[i], numbers[i], ends[i] + offset
        if not any(map(str.strip, fields)):
            blank.add(i)
            records[i] = [""] * width  # as long as the others until it is left out below
            continue
        if last_line > line and any("\n" in f and sep in f for f in fields):
            report.add("warning", name, line, None,
                       f"one value runs from line {line} to line {last_line} and holds the separator '{sep}': "
                       "a quote may be missing, so several rows could have been read as one.",
                       "Check the double quotes on that line.")
        if len(fields) != width:
            records[i] = _fit(fields, head, sep, line, name, report)
    first_blank = compress(range(n), map(operator.not_, map(str.strip, map(operator.itemgetter(0), records))))
    checked = set(odd)
    blank.update(i for i in first_blank if i not in checked and not any(map(str.strip, records[i])))
    if blank:
        numbers = [k for i, k in enumerate(numbers) if i not in blank]
        records = [f for i, f in enumerate(records) if i not in blank]
    columns.add(records)
    lines.extend(numbers)
    return last


def _fit(fields: list[str], head: list[str], sep: str, line: int, name: str, report: LoadReport) -> list[str]:
    """``fields`` cut or padded to the headings; extra values that are not blank are an error."""
    if len(fields) < len(head):
        return fields + [""] * (len(head) - len(fields))
    extra = [f for f in fields[len(head):] if f.strip()]
    if extra:
        report.add("error", name, line, head[-1] if head else None,
                   f"the row has {len(fields)} values but the header has {len(head)} columns "
                   f"(extra: {', '.join(repr(x[:40]) for x in extra[:3])}).",
                   f"A value probably contains the separator '{sep}': put it in double quotes.")
    return fields[:len(head)]


def _unique_headings(head: list[str], label: str, report: LoadReport) -> list[str]:
    """Blank headings become ``unnamed_N``; a repeated heading gets ``_2``, ``_3`` (with a warning)."""
    out: list[str] = []
    taken, written = set(), set(head)
    for i, h in enumerate(head, start=1):
        name = h or f"unnamed_{i}"
        if not h:
            report.add("warning", label, 1, None, f"column {i} has no heading; kept as '{name}'.")
        if name in taken:
            n = 2
            while f"{name}_{n}" in taken or f"{name}_{n}" in written:
                n += 1
            report.add("warning", label, 1, h, f"the heading '{h}' appears more than once; "
                       f"column {i} is kept as '{name}_{n}'.", "Give each column its own heading.")
            name = f"{name}_{n}"
        out.append(name)
        taken.add(name)
    return out


def _read_sheet(path: Path, sheet: str | None, table: str, report: LoadReport) -> _Table | None:
    """One sheet of a workbook that sits in a data folder: the one named after ``table``, else the first."""
    with _open_book(path) as book:
        sheets = {ws.title.strip().lower(): ws for ws in book.worksheets}
        if not sheets:
            raise ValueError("the workbook has no worksheets")
        ws = next((sheets[a] for a in _TABLE_ALIASES.get(table, ()) if a in sheets), book.worksheets[0])
        return _sheet_table(ws, f"{path.name}[{ws.title}]", report)


@contextlib.contextmanager
def _open_book(path: Path) -> Iterator[Any]:
    """An openpyxl workbook in read-only mode (cached formula results, no external links), closed after."""
    with warnings.catch_warnings():  # openpyxl's notes on styles and extensions are not the user's problems
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        yield book
    finally:
        book.close()


_DIGITS_09 = "0123456789"


def _sheet_cells(ws: Any) -> Iterator[tuple[int, list[tuple[int, Any]]]]:
    """(row number, [(column number, value), …]) for each row the sheet stores, with only the cells it stores.

    A streaming parse of the sheet's XML with the standard library's C parser (openpyxl's own
    row reader takes about 20 µs a cell and pads every row to the sheet's widest), so memory
    stays that of one row and a stray cell at XFD1048576 costs nothing. Values as openpyxl
    gives them: numbers, dates (by the cell's number format), booleans, text (shared or
    inline), error codes as text, and the cached result of a formula.
    """
    book = ws.parent
    strings, dates, spans, epoch = ws._shared_strings, book._date_formats, book._timedelta_formats, book.epoch
    columns: dict[str, int] = {}
    row_no = 0
    with book._archive.open(ws._worksheet_path) as src:
        for _, el in ElementTree.iterparse(src):
            tag = el.tag
            if not tag.endswith("row") or tag.rpartition("}")[2] != "row":
                continue
            ns = tag[:-3]
            tags = (f"{ns}v", f"{ns}is", f"{ns}t", f"{ns}r")
            row_no = int(el.get("r") or row_no + 1)
            cells, col = [], 0
            for c in el:
                letters = (c.get("r") or "").rstrip(_DIGITS_09)
                if not letters:
                    col += 1
                elif letters in columns:
                    col = columns[letters]
                else:
                    col = columns.setdefault(letters, _column_number(letters))
                value = _cell_value(c, tags, strings, dates, spans, epoch)
                if value is not None:
                    cells.append((col, value))
            el.clear()
            yield row_no, cells


def _column_number(letters: str) -> int:
    """'A' -> 1, 'XFD' -> 16384."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _cell_value(c: ElementTree.Element, tags: tuple[str, str, str, str], strings: Any, dates: Any, spans: Any,
                epoch: Any) -> Any:
    """One ``<c>`` element's value (see :func:`_sheet_cells`); None when it holds none.

    ``tags`` are the namespaced tags ``v``, ``is``, ``t`` and ``r`` of the sheet.
    """
    v_tag, is_tag, t_tag, r_tag = tags
    kind = c.get("t", "n")
    v = None
    for e in c:  # direct children: ElementPath's find() costs more than the whole parse
        if e.tag == v_tag:
            v = e.text
        elif e.tag == is_tag:  # inline text: <is><t>…</t></is>, or rich text runs <is><r><t>…</t></r>…</is>
            if len(e) == 1 and e[0].tag == t_tag:
                return e[0].text or ""
            return "".join([x.text or "" for x in e if x.tag == t_tag] +
                           [y.text or "" for r in e if r.tag == r_tag for y in r if y.tag == t_tag])
    if v is None or v == "" or kind == "inlineStr":
        return None
    if kind == "s":
        return strings[int(v)]
    if kind == "b":
        return v.strip() in ("1", "true")
    if kind != "n":  # str (a formula's text), e (an error such as #N/A), d (an ISO date)
        return v
    number = float(v) if "." in v or "e" in v or "E" in v else int(v)
    style = int(c.get("s") or 0)
    if style in dates:
        try:
            return from_excel(number, epoch, timedelta=style in spans)
        except (OverflowError, ValueError):
            return number  # formatted as a date but no date: the number as written
    return number


def _text(v: Any) -> str:
    """A cell's value as the text the user sees: 12 not 12.0, a date as YYYY-MM-DD, text as written."""
    if isinstance(v, str):
        return v
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _sheet_table(ws: Any, label: str, report: LoadReport) -> _Table:
    """A worksheet as text cells, keeping each row's spreadsheet row number.

    The first row with any text is the header; the table is as wide as its last heading.
    Rows that are blank (or only spaces) are skipped, as in a CSV file. Cells to the right of
    the last heading are outside the table: they are left out, with one warning that names them.
    """
    head: list[str] | None = None
    records: list[list[str]] = []
    rows: list[int] = []
    outside: list[tuple[int, int, str]] = []  # the first few cells right of the last heading
    n_outside = width = header_row = 0
    with _common._gc_paused():
        for row_no, cells in _sheet_cells(ws):
            texts = [(col, _text(v)) for col, v in cells]
            if head is None:
                named = [(col, t.strip()) for col, t in texts if t.strip()]
                if not named:
                    continue
                width = named[-1][0]
                head = [""] * width
                for col, t in named:
                    head[col - 1] = t
                header_row = row_no
                continue
            record = [""] * width
            filled = False
            for col, t in texts:
                if col <= width:
                    record[col - 1] = t
                    filled = filled or bool(t.strip())
                elif t.strip():
                    n_outside += 1
                    if len(outside) < 5:
                        outside.append((row_no, col, t))
            if filled:
                records.append(record)
                rows.append(row_no)
    if head is None:
        return _Table(pd.DataFrame(), label, rows=[])
    if outside:
        _outside_warning(outside, n_outside, head, width, header_row, label, report)
    df = pd.DataFrame(records, columns=pd.Index(_unique_headings(head, label, report)), dtype=object)
    t = _Table(df, label, rows=rows)
    t.geometry = _wkt_geometry(t, report)
    if t.geometry is not None:
        t.crs = "EPSG:4326"
    return t


def _outside_warning(outside: list[tuple[int, int, str]], n: int, head: list[str], width: int, header_row: int,
                     label: str, report: LoadReport) -> None:
    """One warning for the ``n`` cells right of a sheet's last heading: how many, and the first few."""
    shown = ", ".join(f"{get_column_letter(col)}{row} {_shorten(t, 40)!r}" for row, col, t in outside)
    more = f" and {n - len(outside)} more" if n > len(outside) else ""
    report.add("warning", label, outside[0][0], None,
               f"{n} cell(s) right of the last heading ('{head[-1]}' in "
               f"{get_column_letter(width)}{header_row}) are outside the table and were left out: {shown}{more}.",
               "Give that column a heading to read it, or delete the stray cells.")


def _shorten(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters with '…' and the length, for echoing a value in a message."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def _read_workbook(path: Path, report: LoadReport) -> dict[str, _Table]:
    try:
        with _open_book(path) as book:
            return _workbook_tables(book, path, report)
    except Exception as exc:  # noqa: BLE001 - a damaged workbook is one report line, not a traceback
        report.add("error", path.name, None, None, f"unreadable workbook: {_plain(exc)}",
                   "Open it in Excel or LibreOffice and save it again as .xlsx.")
        return {}


def _workbook_tables(book: Any, path: Path, report: LoadReport) -> dict[str, _Table]:
    """The organizations, relationships and areas sheets of an open workbook (only those are read)."""
    sheets = {ws.title.strip().lower(): ws for ws in book.worksheets}
    found = ", ".join(ws.title for ws in book.worksheets)
    frames: dict[str, _Table] = {}
    for table in TABLES:
        ws = next((sheets[a] for a in _TABLE_ALIASES[table] if a in sheets), None)
        if ws is None:
            if table == "organizations":
                report.add("error", path.name, None, None,
                           f"the workbook has no 'organizations' sheet (sheets found: {found}).",
                           "Rename the sheet that lists the organisations to 'organizations'.")
            elif table == "relationships":
                report.add("warning", path.name, None, None,
                           f"the workbook has no 'relationships' sheet (sheets found: {found}); "
                           "the network will have no ties.",
                           "Add a 'relationships' sheet with source and target columns.")
            continue
        label = f"{path.name}[{ws.title}]"
        t = _sheet_table(ws, label, report)
        if table == "areas" and len(t.df) == 0:
            report.add("info", label, None, None, "the areas sheet is empty; coverage will use a hex grid.")
            continue
        frames[table] = t
        report.sources[table] = f"{path}[{ws.title}]"
    return frames


def _wkt_geometry(t: _Table, report: LoadReport) -> Any:
    """Parse a WKT ``geometry`` (or ``wkt``) text column into shapes; None if there is none."""
    col = next((c for c in t.df.columns if c.strip().lower() in ("geometry", "wkt", "geom")), None)
    if col is None:
        return None
    out = []
    for row, value in zip(t.rows, t.df[col], strict=True):
        try:
            out.append(shapely.from_wkt(value) if value else None)
        except Exception:  # noqa: BLE001
            report.add("warning", t.label, int(row), col, f"'{value[:40]}' is not WKT geometry; left empty.",
                       "Write it as WKT, e.g. POINT (50.1 26.4) or POLYGON ((…)).")
            out.append(None)
    t.df = t.df.drop(columns=[col])
    return np.asarray(out, dtype=object)


def _read_spatial(path: Path, report: LoadReport, *, feature_ids: bool = False) -> _Table | None:
    """A GIS layer as text cells; with ``feature_ids``, a GeoJSON file's numeric feature ids are kept aside.

    (GDAL makes text feature ids an ``id`` column, and numeric ones the layer's FID.)
    """
    if path.stat().st_size == 0:
        report.add("error", path.name, None, None, "the file is empty.",
                   "Export the layer again from your GIS program.")
        return None
    geojson = feature_ids and path.suffix.lower() in (".geojson", ".json")
    gdf = gpd.read_file(path, fid_as_index=True) if geojson else _read_layer(path, report)
    fids = None
    if geojson and not gdf.index.equals(pd.RangeIndex(len(gdf))):  # ids written in the file, not 0, 1, 2 …
        fids = np.asarray([str(i) for i in gdf.index], dtype=object)
    gdf = gdf.reset_index(drop=True)
    if gdf.geometry.name is None or "geometry" not in gdf:
        props = pd.DataFrame(gdf)
        geometry = None
    else:
        props = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
        geometry = np.asarray(gdf.geometry.values, dtype=object)
    text = props.map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v))
                     else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)))
    t = _Table(text, path.name, first_row=1, geometry=geometry, crs=gdf.crs)
    t.feature_ids = fids
    return t


def _read_layer(path: Path, report: LoadReport):
    """geopandas.read_file, guessing a shapefile's text encoding when it has no .cpg file."""
    if path.suffix.lower() != ".shp" or path.with_suffix(".cpg").exists():
        return gpd.read_file(path)
    try:
        gdf = gpd.read_file(path, encoding="utf-8")
    except Exception:  # noqa: BLE001 - undecodable as UTF-8: a single-byte encoding then
        gdf = None
    if gdf is not None and not any("\ufffd" in x for x in _texts(gdf)):
        report.add("info", path.name, None, None, "no .cpg file beside the shapefile; its text was read as UTF-8.",
                   "Add a .cpg file naming the encoding (e.g. UTF-8) to be sure.")
        return gdf
    try:
        read = {enc: gpd.read_file(path, encoding=enc) for enc in ("cp1256", "cp1252")}
    except Exception:  # noqa: BLE001 - neither reads: the default, said so
        report.add("warning", path.name, None, None,
                   "no .cpg file beside the shapefile and its text is neither UTF-8, Windows-1256 nor "
                   "Windows-1252; read with the default encoding, so names may be garbled.",
                   "Add a .cpg file naming the encoding.")
        return gpd.read_file(path)
    encoding, severity, message = _single_byte("\n".join(_texts(read["cp1256"])), "\n".join(_texts(read["cp1252"])))
    report.add(severity, path.name, None, None, f"no .cpg file beside the shapefile; {message}",
               "Add a .cpg file naming the encoding (e.g. UTF-8) to be sure.")
    return read[encoding]


def _texts(gdf: gpd.GeoDataFrame) -> list[str]:
    """Every text cell of a layer, in order."""
    return [v for v in gdf.select_dtypes(exclude="geometry").to_numpy().ravel() if isinstance(v, str)]


def _cells(df: pd.DataFrame, col: str) -> pd.Series:
    if col not in df.columns:
        return pd.Series([""] * len(df), index=df.index, dtype=object)
    values = df[col].tolist()
    with contextlib.suppress(TypeError):  # every cell is text (a CSV file's): stripped in one C loop
        return pd.Series(list(map(str.strip, values)), index=df.index, dtype=object)
    # object dtype, not pandas' string dtype: iterating it element by element is 5x faster
    return pd.Series([str(v).strip() if v is not None and v == v else "" for v in values],
                     index=df.index, dtype=object)


#: Cells named one by one in the control-character warning of a table; the others are counted.
_MAX_CELLS_NAMED = 20


def _control_characters(t: _Table | None, report: LoadReport) -> None:
    """Replace the characters no writer can keep (:data:`partnermap._common.CONTROL_CHARACTERS`) in ``t``.

    Every cell and heading goes through :func:`partnermap._common._safe_text` (a control is
    removed, or becomes a space where it separates text; CR line breaks become LF), and
    each cell whose control characters were replaced is a warning naming it
    (``organizations.csv:2:name``), so every output of the data agrees.
    """
    if t is None:
        return
    bad = re.compile(f"{_common.CONTROL_CHARACTERS.pattern}|\r")
    heads = [_common._safe_text(h) if isinstance(h, str) and bad.search(h) else h for h in t.df.columns]
    for old, new in zip(t.df.columns, heads, strict=True):
        if old != new and _common.CONTROL_CHARACTERS.search(old):
            report.add("warning", t.label, 1, new, f"the heading {old!r} holds control characters; "
                       f"read as '{new}'.", "Retype the heading.")
    t.df.columns = pd.Index(heads)
    named = counted = 0
    for j, c in enumerate(t.df.columns):
        cells = t.df.iloc[:, j].tolist()
        try:
            joined = " ".join(cells)
        except TypeError:  # not all text (a GIS layer's numbers)
            joined = " ".join(v for v in cells if isinstance(v, str))
        if joined.isprintable() or not bad.search(joined):  # printable: no control, no CR (a fast scan)
            continue
        fixed = list(cells)
        for i in [i for i, v in enumerate(cells) if isinstance(v, str) and not v.isprintable()]:
            old = cells[i]
            new = fixed[i] = _common._safe_text(old)  # a printable cell needs nothing
            if old == new or not _common.CONTROL_CHARACTERS.search(old):
                continue
            if named < _MAX_CELLS_NAMED:  # the value itself is not echoed: it may be a private column's
                codes = ", ".join(sorted({f"U+{ord(ch):04X}" for ch in _common.CONTROL_CHARACTERS.findall(old)}))
                report.add("warning", t.label, int(t.rows[i]), str(c),
                           f"control characters ({codes}) replaced: no file can keep them.",
                           "Retype the value, or save the file again from a spreadsheet.")
                named += 1
            else:
                counted += 1
        t.df.isetitem(j, pd.Series(fixed, index=t.df.index, dtype=object))
    if counted:
        report.add("warning", t.label, None, None,
                   f"control characters replaced in {counted} more cell(s), as in the cells named above.")
