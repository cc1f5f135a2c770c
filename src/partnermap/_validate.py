"""Cleaning against the data contract: organisations, relationships and areas.

Each ``_clean_*`` takes a raw :class:`partnermap._tables._Table` (or None) and the
:class:`~partnermap.LoadReport`, maps heading variants and vocabulary synonyms onto the
contract (:mod:`partnermap.schema`), records every problem with file, row, column and
the record's id, and returns the table of the contract; rows it leaves out are listed in
``report.rejected`` with the reason.

Private: imported as a module (``from . import _validate``), never re-exported.
"""

from __future__ import annotations

import difflib
import itertools
import operator
import re
import unicodedata
from collections import Counter, defaultdict
from itertools import compress
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import _common, _geo, _tables, schema
from ._data import LoadReport, PartnerData, Severity

_TRUE = {"true", "t", "yes", "y", "1", "formal", "نعم", "رسمي", "صح"}
_FALSE = {"false", "f", "no", "n", "0", "informal", "لا", "غير رسمي", "خطا"}
_SPLIT = re.compile(r"[;؛،,|]")
_MAX_ROWS_PER_MESSAGE = 5



def _empty(report: LoadReport, source: str) -> PartnerData:
    """No data: the empty tables of the contract, with the report that says why."""
    return PartnerData(_clean_organizations(None, report), _clean_relationships(None, None, report),
                       None, report, source)


# ------------------------------------------------------------------------ columns


def _columns(t: _tables._Table, table: str, required: tuple[str, ...], contract: tuple[str, ...],
             report: LoadReport) -> bool:
    """Map heading variants onto the contract; report missing required columns.

    The contract's own headings win (``Lat``, ``LAT``), then full synonyms (``latitude``), then
    one-letter ones (``X``, ``Y``): a file with ``X``, ``Y``, ``latitude`` and ``longitude``
    reads ``latitude``/``longitude`` as lat/lon and keeps ``X``/``Y`` as they are.
    """
    rename = _contract_names(t.df.columns, contract)
    for col, target in rename.items():
        if col.strip().lower() != target:  # 'Name' for 'name' is not worth a line
            report.add("info", t.label, 1 if t.rows[:1].tolist() == [2] else None, col,
                       f"column '{col}' read as '{target}'.")
    if rename:
        t.df = t.df.rename(columns=rename)
    t.renamed = rename
    ok = True
    found = [str(c) for c in t.df.columns]
    for col in required:
        if col in t.df.columns:
            continue
        if table == "organizations" and col == "sector" and "org_type" in t.df.columns:
            continue
        hints = [c for c in found if schema.COLUMN_SYNONYMS.get(schema.normalize_text(c)) == col]
        hints += [c for c in difflib.get_close_matches(col, found, n=2, cutoff=0.6) if c not in hints]
        if table == "organizations" and col == "sector" and not hints:
            continue  # each organisation's sector is inferred from its name, or is an error of its row
        ok = False
        t.missing.append(col)
        hint = f" Did you mean '{hints[0]}'? Rename it to '{col}'." if hints else f" Add a '{col}' column."
        if col == "area_id":
            hint += " Or name the id column with --area-id (area_id= in Python)."
        report.add("error", t.label, None, col,
                   f"missing required column '{col}' (columns found: {_listed(found)}).",
                   hint.strip())
    return ok


def _listed(names: list[str], limit: int = 30) -> str:
    """'a, b, c' for the first ``limit`` names (each shortened), then how many more; 'none' for none."""
    shown = ", ".join(_tables._shorten(n, 40) for n in names[:limit])
    return (shown + (f" … ({len(names):,} in all)" if len(names) > limit else "")) or "none"


def _contract_names(columns: pd.Index, contract: tuple[str, ...]) -> dict[str, str]:
    """Heading -> contract name for the headings that are variants of one (in column order).

    Ranked: a contract name written differently (0), a synonym (1), a one-letter synonym (2);
    a contract name already present, or taken by a better-ranked heading, is not given again.
    """
    norm_contract = {schema.normalize_text(c): c for c in contract}
    candidates = []
    for pos, col in enumerate(columns):
        n = schema.normalize_text(col)
        if n in norm_contract:
            candidates.append((0, pos, col, norm_contract[n]))
        elif schema.COLUMN_SYNONYMS.get(n) in contract:
            candidates.append((2 if len(n) == 1 else 1, pos, col, schema.COLUMN_SYNONYMS[n]))
    claimed = {c for c in columns if c in contract}
    chosen: dict[int, tuple[str, str]] = {}
    for _rank, pos, col, target in sorted(candidates):
        if col != target and target not in claimed:
            chosen[pos] = (col, target)
            claimed.add(target)
    return dict(chosen[pos] for pos in sorted(chosen))


class _Collector:
    """Aggregates one kind of row-level problem so a message is not repeated 5,000 times."""

    def __init__(self, report: LoadReport) -> None:
        self.report = report
        self.groups: dict[tuple[Severity, str, str, str, str], list[tuple[int, str]]] = defaultdict(list)

    def add(self, severity: Severity, label: str, column: str, message: str, row: int, ref: str,
            fix: str = "") -> None:
        self.groups[(severity, label, column, message, fix)].append((int(row), ref))

    def flush(self) -> None:
        for (severity, label, column, message, fix), hits in self.groups.items():
            for row, ref in hits[:_MAX_ROWS_PER_MESSAGE]:
                self.report.add(severity, label, row, column, message, fix, ref)
            if len(hits) > _MAX_ROWS_PER_MESSAGE:
                more = ", ".join(str(r) for r, _ in hits[_MAX_ROWS_PER_MESSAGE:_MAX_ROWS_PER_MESSAGE + 20])
                self.report.add(severity, label, None, column,
                                f"{message} — also in {len(hits) - _MAX_ROWS_PER_MESSAGE} more row(s): "
                                f"{more}{' …' if len(hits) > _MAX_ROWS_PER_MESSAGE + 20 else ''}", fix)
        self.groups.clear()


def _also(hits: list[tuple[int, str]], limit: int = 20) -> str:
    """' (also rows 5, 9, 12 …)' for the rows after the first."""
    rest = [str(r) for r, _ in hits[1:limit + 1]]
    if not rest:
        return ""
    return f" (also row(s) {', '.join(rest)}{' …' if len(hits) > limit + 1 else ''})"


def _factorized(values: pd.Series | list) -> tuple[np.ndarray, np.ndarray]:
    """The code of each value and the distinct values (in the order first met): work once per value, not per row."""
    arr = _objects(values) if isinstance(values, list) else values.to_numpy(dtype=object)
    codes, uniques = pd.factorize(arr)
    if len(codes) and codes.min() < 0:  # None (or NaN) in the values: pandas would give None back as NaN
        none = _is_none(arr)
        arr = arr.copy()
        arr[none] = _NONE
        codes, uniques = pd.factorize(arr, use_na_sentinel=False)
        uniques = np.asarray(uniques, dtype=object)
        uniques[_is_none_marker(uniques)] = None
    return codes, np.asarray(uniques, dtype=object)


class _NoneMarker:
    """Stands for None while pandas factorizes (it would turn None into NaN)."""


_NONE = _NoneMarker()


def _is_none_marker(values: np.ndarray) -> np.ndarray:
    return np.fromiter(map(operator.is_, values, itertools.repeat(_NONE)), dtype=bool, count=len(values))


def _flagged(codes: np.ndarray, flags: list[bool] | np.ndarray) -> np.ndarray:
    """The positions (in order) of the rows whose value is flagged (``flags``: one per distinct value)."""
    return np.flatnonzero(np.asarray(flags, dtype=bool)[codes]) if len(codes) else np.zeros(0, dtype=np.int64)


def _objects(values: list) -> np.ndarray:
    """``values`` as a one-dimensional object array (a list or tuple among them stays one element)."""
    return np.fromiter(values, dtype=object, count=len(values))


def _groups(codes: np.ndarray, wanted: list[int]) -> dict[int, np.ndarray]:
    """The positions (in order) of the rows of each wanted code."""
    if not wanted:
        return {}
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    lo, hi = np.searchsorted(ordered, wanted, "left"), np.searchsorted(ordered, wanted, "right")
    return {u: order[a:b] for u, a, b in zip(wanted, lo, hi, strict=True)}


def _vocab(values: pd.Series, rows: np.ndarray, refs: pd.Series, label: str, column: str,
           synonyms: dict[str, str], report: LoadReport, what: str, blank: str | None = None) -> pd.Series:
    """Normalise a single-valued vocabulary column; report mappings and unknown terms. Blank cells are ``blank``."""
    codes, uniques = _factorized(values)
    keys = [synonyms.get(schema.normalize_text(v)) if v else None for v in uniques]
    out = _objects([blank if not v else v if key is None else key for v, key in zip(uniques, keys, strict=True)])
    counts = np.bincount(codes, minlength=len(uniques))
    for u, (v, key) in enumerate(zip(uniques, keys, strict=True)):
        if v and key is not None and key != v:
            report.add("info", label, None, column, f"'{v}' read as '{key}' ({counts[u]} row(s)).")
    choices = _known(synonyms)
    unknown = [u for u, (v, key) in enumerate(zip(uniques, keys, strict=True)) if v and key is None]
    for u, where in _groups(codes, unknown).items():
        hits = [(rows[i], refs.iloc[i]) for i in where]
        row, ref = hits[0]
        report.add("warning", label, int(row), column,
                   f"unknown {what} '{uniques[u]}' kept as written{_also(hits)}.", f"Use one of: {choices}.", ref)
    return pd.Series(out[codes], index=values.index, dtype=object)


_VOCABULARIES = (
    (schema.SECTOR_SYNONYMS, schema.SECTORS), (schema.ORG_TYPE_SYNONYMS, schema.ORG_TYPES),
    (schema.KIND_SYNONYMS, schema.RELATIONSHIP_KINDS), (schema.RESOURCE_SYNONYMS, schema.RESOURCES),
    (schema.CAUSE_SYNONYMS, schema.CAUSES), (schema.STAGE_SYNONYMS, schema.ENGAGEMENT_STAGES),
    (schema.CAPACITY_SYNONYMS, schema.CAPACITY_LEVELS), (schema.SIZE_SYNONYMS, schema.SIZES),
    (schema.STATUS_SYNONYMS, schema.TIE_STATUSES),
)


def _known(synonyms: dict[str, str]) -> str:
    """The terms a synonyms table leads to, each with its Arabic label: 'funding (تمويل), space (مساحات), …'."""
    vocab = next((v for syn, v in _VOCABULARIES if syn is synonyms), {})
    keys = sorted(set(synonyms.values()))
    return ", ".join(f"{k} ({vocab[k].ar})" if k in vocab else k for k in keys)


#: A cell with more free terms than this gets one warning of its own, not one per term ...
_MAX_FREE_TERMS_PER_CELL = 20
#: ... and a column with more distinct free terms than this lists the first ones, then counts the rest.
_MAX_FREE_TERM_LINES = 50


def _multi(values: pd.Series, rows: np.ndarray, refs: pd.Series, label: str, column: str,
           synonyms: dict[str, str], report: LoadReport, spellings: dict[str, str] | None = None) -> pd.Series:
    """Split ``;``-separated cells into lists of normalised terms; free terms kept as written, reported.

    Terms are matched on their folded form (:func:`partnermap.schema.normalize_text`) only: a
    free term keeps the spelling the user typed, the first one met when the same term is written
    in several ways (``spellings``, shared by the columns whose terms are compared, e.g. offers
    and needs, maps each folded form to it). Each free term gets one warning (with the rows it
    is on); a cell crowded with free terms gets one warning of its own (see :func:`_free_terms`).
    """
    spellings = {} if spellings is None else spellings
    codes, uniques = _factorized(values)
    split = [_split_terms(v, synonyms, spellings) for v in uniques]  # in the order met: spellings are first met
    unknown: dict[str, list[tuple[int, str]]] = defaultdict(list)
    crowded: list[tuple[int, str, list[str]]] = []
    has_free = [bool(free) for _, free in split]
    for i in _flagged(codes, has_free):
        free, ref = split[codes[i]][1], refs.iloc[i]
        if len(free) > _MAX_FREE_TERMS_PER_CELL:
            crowded.append((int(rows[i]), ref, free))
        else:
            for key in free:
                unknown[key].append((rows[i], ref))
    _free_terms(unknown, crowded, label, column, _known(synonyms), report)
    terms = [t for t, _ in split]
    return pd.Series(list(map(list, map(terms.__getitem__, codes.tolist()))), index=values.index, dtype=object)


def _split_terms(v: str, synonyms: dict[str, str], spellings: dict[str, str]) -> tuple[list[str], list[str]]:
    """The distinct terms of one cell, in order, and those of them that are free terms."""
    terms: dict[str, None] = {}  # a dict keeps the order and finds a repeat at once
    free: dict[str, None] = {}
    for part in _SPLIT.split(v):
        part = part.strip()
        if not part:
            continue
        folded = schema.normalize_text(part)
        key = synonyms.get(folded)
        if key is None:
            key = spellings.setdefault(folded, part)
            free[key] = None
        terms[key] = None
    return list(terms), list(free)


def _free_terms(unknown: dict[str, list[tuple[int, str]]], crowded: list[tuple[int, str, list[str]]], label: str,
                column: str, choices: str, report: LoadReport) -> None:
    """The warnings for free terms, and one per crowded cell (how many free terms, the first few).

    One warning per term for the first :data:`_MAX_FREE_TERM_LINES` terms, then one that counts the rest.
    """
    fix = f"Known terms: {choices}."
    for term, hits in list(unknown.items())[:_MAX_FREE_TERM_LINES]:
        row, ref = hits[0]
        report.add("warning", label, int(row), column,
                   f"'{_tables._shorten(term)}' is not in the vocabulary; kept as a free term{_also(hits)}.", fix, ref)
    rest = list(unknown)[_MAX_FREE_TERM_LINES:]
    if rest:
        shown = ", ".join(repr(_tables._shorten(t, 40)) for t in rest[:10])
        report.add("warning", label, None, column,
                   f"{len(rest)} more free term(s) not in the vocabulary, kept as written: {shown}"
                   f"{' …' if len(rest) > 10 else ''}.", fix)
    for row, ref, free in crowded:
        shown = ", ".join(repr(_tables._shorten(t, 40)) for t in free[:5])
        report.add("warning", label, row, column,
                   f"the cell holds {len(free):,} terms that are not in the vocabulary, kept as free terms: "
                   f"{shown} …", "Check the cell: terms are separated by ';'. " + fix, ref)


# ------------------------------------------------------------------ organisations


def _usable(t: _tables._Table, table: str, required: tuple[str, ...], contract: tuple[str, ...],
            report: LoadReport, empty: tuple[Severity, str, str]) -> bool:
    """False when the table has no rows (``empty``: severity, message, fix) or lacks a required column."""
    if len(t.df) == 0:
        if not t.unread:
            severity, message, fix = empty
            report.add(severity, t.label, None, None, message, fix)
        report.counts[table] = (t.unread, 0)
        return False
    if not _columns(t, table, required, contract, report):
        report.counts[table] = (len(t.df) + t.unread, 0)
        missing = ", ".join(f"'{c}'" for c in t.missing)
        for row in t.rows:
            report.reject(t.label, int(row), "", f"the file has no {missing} column")
        return False
    return True


def _empty_organizations() -> gpd.GeoDataFrame:
    empty = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in schema.ORG_COLUMNS},
                             geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")
    empty.index.name = "org_id"
    return empty.drop(columns="org_id")


def _clean_organizations(t: _tables._Table | None, report: LoadReport, *,
                         extent: tuple[float, float, float, float] | None = None,
                         clues: dict[str, tuple[str, str, str]] | None = None) -> gpd.GeoDataFrame:
    """The organisations table of the contract, indexed by ``org_id``, with point geometry.

    ``extent`` (of the areas, in degrees) helps find swapped coordinates in small files;
    ``clues`` (org_id -> sector, org_type, clue) say the sector of organisations that have none
    better than their names do (see :func:`_org_terms`).
    """
    _tables._control_characters(t, report)  # one rule for every writer, applied once
    if t is None or not _usable(t, "organizations", schema.ORG_REQUIRED, schema.ORG_COLUMNS, report,
                                ("error", "the file has a header but no organisations.",
                                 "Add one row per organisation.")):
        return _empty_organizations()
    df = t.df.copy()
    rows, label = t.rows, t.label
    col = _Collector(report)
    ids = _ids(_tables._cells(df, "org_id"), rows, label, "org_id", col)
    refs = ids.copy()
    keep = _org_ids(ids, _tables._cells(df, "name"), rows, label, report)
    out = pd.DataFrame(index=df.index)
    out["name"] = _names(_tables._cells(df, "name"), ids, rows, keep, label, col)
    _org_terms(out, df, rows, refs, keep, label, report, col, clues)
    if "service_radius_km" in df.columns:
        out["service_radius_km"] = _radius(_tables._cells(df, "service_radius_km"), rows, refs, label, col)
    out["lat"], out["lon"], extra_geom = _coordinates(t, df, rows, refs, keep, label, report, col, extent)
    for c in schema.ORG_COLUMNS:
        if c not in out.columns and c != "org_id" and c in df.columns:
            out[c] = _tables._cells(df, c).replace("", None)
    out = _with_unknown(out, df, "org_id")
    if extra_geom is not None:
        out["area_geometry"] = extra_geom
    col.flush()
    out.index = pd.Index(ids, name="org_id")
    out = out[keep]
    ordered = [c for c in schema.ORG_COLUMNS if c in out.columns and c != "org_id"]
    out = out[ordered + [c for c in out.columns if c not in ordered]]
    points = gpd.points_from_xy(out["lon"], out["lat"], crs="EPSG:4326")
    gdf = gpd.GeoDataFrame(out, geometry=points, crs="EPSG:4326")
    gdf.loc[gdf["lat"].isna() | gdf["lon"].isna(), "geometry"] = None
    report.counts["organizations"] = (len(df) + t.unread, len(gdf))
    return gdf


def _ids(values: pd.Series, rows: np.ndarray, label: str, column: str, col: _Collector) -> pd.Series:
    """Ids as they are matched (:func:`partnermap._common._clean_id`); each one changed is a warning naming its cell.

    ``values`` are cells stripped of spaces (by :func:`partnermap._tables._cells`).

    Without this, ``ORG-1`` and ``ORG-1`` followed by a zero-width space load as two organisations
    and a tie to one of them does not find the other.
    """
    cells = values.tolist()
    if "".join(cells).isascii():  # the usual case: stripped already (by _cells), nothing to change
        return values
    out = [v if v.isascii() else _common._clean_id(v) for v in cells]
    for i in compress(range(len(cells)), map(operator.ne, out, cells)):
        v, clean, row = cells[i], out[i], rows[i]
        hidden = sorted({c for c in v if unicodedata.category(c) == "Cf"})
        names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '')}".strip() for c in hidden)
        said = [f"invisible character(s) {names} removed"] if hidden else []
        if unicodedata.normalize("NFC", v) != v:
            said.append("accents typed as separate marks (Unicode NFD) joined to their letters (NFC)")
        col.add("warning", label, column, f"{'; '.join(said)}, so it matches the same id typed elsewhere; "
                "read as the id in brackets.", row, clean, "Retype the id the same way on every row.")
    return pd.Series(out, index=values.index, dtype=object)


def _with_unknown(out: pd.DataFrame, df: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """``out`` with the columns of ``df`` the contract does not know, kept as text (blank cells empty).

    Added at once: one at a time, 10,000 extra columns take seconds and fragment the frame.
    """
    have = set(out.columns) | {id_column}
    unknown = [c for c in df.columns if c not in have]
    return pd.concat([out, df[unknown].replace("", None)], axis=1) if unknown else out


def _org_ids(ids: pd.Series, names: pd.Series, rows: np.ndarray, label: str, report: LoadReport) -> np.ndarray:
    """The rows kept: blank and duplicate ids are errors and set aside (the first of a duplicate stays)."""
    keep = np.ones(len(ids), dtype=bool)
    codes, _ = _factorized(ids)
    first = np.unique(codes, return_index=True)[1]  # the first position of each id
    blank = np.flatnonzero(ids.to_numpy(dtype=object) == "")
    repeated = np.flatnonzero(first[codes] != np.arange(len(codes)))
    for i in np.union1d(blank, repeated):
        oid, row = ids.iloc[i], rows[i]
        keep[i] = False
        if not oid:
            name = names.iloc[i]
            report.add("error", label, int(row), "org_id", "blank org_id.",
                       "Give every organisation a unique id.", name)
            report.reject(label, int(row), name, "blank org_id")
        else:
            first_row = int(rows[first[codes[i]]])
            report.add("error", label, int(row), "org_id",
                       f"duplicate org_id '{oid}' (first used on row {first_row}).",
                       "Give each organisation its own id, or merge the two rows.", oid)
            report.reject(label, int(row), oid, f"duplicate org_id (first on row {first_row})")
    return keep


def _names(names: pd.Series, ids: pd.Series, rows: np.ndarray, keep: np.ndarray, label: str,
           col: _Collector) -> pd.Series:
    for i in np.flatnonzero(keep & (names.to_numpy(dtype=object) == "")):
        col.add("error", label, "name", "blank name.", rows[i], ids.iloc[i], "Every organisation needs a name.")
    return names


def _org_terms(out: pd.DataFrame, df: pd.DataFrame, rows: np.ndarray, refs: pd.Series, keep: np.ndarray,
               label: str, report: LoadReport, col: _Collector,
               clues: dict[str, tuple[str, str, str]] | None = None) -> None:
    """The vocabulary columns into ``out``: org_type, sector, size, capacity, stage and the term lists.

    A sector neither given nor derivable from org_type is inferred from ``clues`` (org_id ->
    (sector, org_type, clue), e.g. an HSDS taxonomy term) or the name (:func:`partnermap.schema.infer_sector`)
    and marked in a ``sector_inferred`` column (added only when something was inferred).
    """
    org_type = _vocab(_tables._cells(df, "org_type"), rows, refs, label, "org_type",
                      schema.ORG_TYPE_SYNONYMS, report, "org_type")
    guesses = _guesses(_tables._cells(df, "sector"), org_type, out["name"], refs, clues)
    out["sector"] = _clean_sector(_tables._cells(df, "sector"), org_type, guesses, rows, refs, keep, label, report,
                                  col, has_column="sector" in df.columns)
    inferred = np.array([g is not None for g in guesses], dtype=bool)
    if inferred.any():
        org_type = pd.Series([g[1] if g is not None and t is None and g[1] else t
                              for g, t in zip(guesses, org_type, strict=True)], index=org_type.index, dtype=object)
        _inferred_warning(guesses, inferred & keep, label, report)
    out["org_type"] = org_type
    if inferred.any():
        out["sector_inferred"] = inferred
    for c, syn, what in (("size", schema.SIZE_SYNONYMS, "size"),
                         ("capacity", schema.CAPACITY_SYNONYMS, "capacity"),
                         ("engagement_stage", schema.STAGE_SYNONYMS, "engagement stage")):
        if c in df.columns:
            out[c] = _vocab(_tables._cells(df, c), rows, refs, label, c, syn, report, what)
    spellings: dict[str, str] = {}  # one spelling per free term across offers, needs and causes
    for c, syn in schema.MULTI_VALUED.items():
        if c in df.columns and c != "resources":
            out[c] = _multi(_tables._cells(df, c), rows, refs, label, c, syn, report, spellings)


def _radius(values: pd.Series, rows: np.ndarray, refs: pd.Series, label: str, col: _Collector) -> np.ndarray:
    codes, uniques, read = _numbers(values)
    bad = [bool(v) and (x is None or x < 0) for v, x in zip(uniques, read, strict=True)]
    for i in _flagged(codes, bad):
        col.add("warning", label, "service_radius_km",
                f"service_radius_km '{uniques[codes[i]]}' is not a distance in km; left empty.", rows[i],
                refs.iloc[i], "Write a number of kilometres, e.g. 5.")
    radius = np.array([np.nan if b or x is None else x for x, b in zip(read, bad, strict=True)], dtype=float)
    return radius[codes] if len(codes) else np.zeros(0)


def _guesses(values: pd.Series, org_type: pd.Series, names: pd.Series, refs: pd.Series,
             clues: dict[str, tuple[str, str, str]] | None) -> list[tuple[str, str, str] | None]:
    """For each row with a blank sector and no org_type that implies one: (sector, org_type, clue), or None."""
    out: list[tuple[str, str, str] | None] = [None] * len(values)
    memo: dict[str, tuple[str, str, str] | None] = {}
    codes, types = _factorized(org_type)
    implies = [ot in schema.ORG_TYPES and bool(schema.ORG_TYPES[ot].sector) for ot in types]
    blank = values.to_numpy(dtype=object) == ""
    for i in np.flatnonzero(blank & ~np.asarray(implies, dtype=bool)[codes]) if len(codes) else []:
        name, ref = names.iloc[i], refs.iloc[i]
        if clues is not None and ref in clues:
            out[i] = clues[ref]
        else:
            out[i] = memo[name] if name in memo else memo.setdefault(name, schema.infer_sector(name))
    return out


def _inferred_warning(guesses: list[tuple[str, str, str] | None], inferred: np.ndarray, label: str,
                      report: LoadReport) -> None:
    """One warning that counts the inferred sectors, by sector and by the words that said it."""
    by_sector: dict[str, Counter[str]] = defaultdict(Counter)
    for g, k in zip(guesses, inferred, strict=True):
        if k and g is not None:
            by_sector[g[0]][g[2]] += 1
    if not by_sector:
        return
    n = sum(sum(c.values()) for c in by_sector.values())
    parts = []
    for sector, clues in sorted(by_sector.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        top = ", ".join(f"'{c}' {k}" for c, k in clues.most_common(5)) + (" …" if len(clues) > 5 else "")
        parts.append(f"{sector} {sum(clues.values())} ({top})")
    report.add("warning", label, None, "sector",
               f"sector inferred for {n} organisation(s) that had none, from words in their names "
               f"(or their taxonomy terms): {'; '.join(parts)}. Marked True in the column sector_inferred; "
               "a blank org_type was filled where the words also say the type.",
               "Check them, and write the sector in the file where the guess is wrong.")


def _clean_sector(values: pd.Series, org_type: pd.Series, guesses: list[tuple[str, str, str] | None],
                  rows: np.ndarray, refs: pd.Series, keep: np.ndarray, label: str, report: LoadReport,
                  col: _Collector, *, has_column: bool = True) -> pd.Series:
    """The sector as given, else from org_type, else the guess; an error where none says it."""
    pairs, (given, types) = _pairs(values, org_type)
    mapped: dict[tuple[str, str], int] = defaultdict(int)
    counts = np.bincount(pairs, minlength=len(given))
    out_u, warn_u, guess_u = [], [], []  # per pair: the sector, a warning per row, the guess decides
    derived = unknown = 0
    for u, (v, ot) in enumerate(zip(given, types, strict=True)):
        sector, warn, guess = None, False, False
        implied = schema.ORG_TYPES[ot].sector if ot in schema.ORG_TYPES else ""
        key = schema.normalize_term(v, schema.SECTOR_SYNONYMS) if v else None
        if v == schema.UNKNOWN_SECTOR and ot not in schema.ORG_TYPES:  # as partnermap writes it (HSDS)
            unknown += counts[u]
            sector = v
        elif key is not None:
            if key != v:
                mapped[(v, key)] += counts[u]
            sector = key
        elif implied:
            if v:
                warn = True
            else:
                derived += counts[u]
            sector = implied
        else:
            guess = True
        out_u.append(sector)
        warn_u.append(warn)
        guess_u.append(guess)
    out = _objects(out_u)[pairs]
    guessed = np.asarray(guess_u, dtype=bool)[pairs] if len(pairs) else np.zeros(0, dtype=bool)
    for i in np.flatnonzero(guessed):
        out[i] = guesses[i][0] if guesses[i] is not None else None
    no_guess = guessed & keep & np.fromiter((g is None for g in guesses), dtype=bool, count=len(guesses))
    for i in np.flatnonzero(no_guess | (np.asarray(warn_u, dtype=bool)[pairs] if len(pairs) else no_guess)):
        v, ot, row, ref = given[pairs[i]], types[pairs[i]], rows[i], refs.iloc[i]
        if no_guess[i]:
            col.add("error", label, "sector", _no_sector(v, ot, has_column), row, ref,
                    "Write for_profit, non_profit or public (or a known org_type)." if has_column else
                    "Add a 'sector' column: for_profit, non_profit or public (or a known org_type).")
        else:
            implied = schema.ORG_TYPES[ot].sector
            col.add("warning", label, "sector",
                    f"unknown sector '{v}'; used '{implied}' from org_type '{ot}'.", row, ref,
                    "Use for_profit, non_profit or public.")
    for (v, key), n in mapped.items():
        report.add("info", label, None, "sector", f"'{v}' read as '{key}' ({n} row(s)).")
    if derived:
        report.add("info", label, None, "sector", f"sector derived from org_type for {derived} row(s).")
    if unknown:
        report.add("warning", label, None, "sector",
                   f"{unknown} organisation(s) have the sector '{schema.UNKNOWN_SECTOR}' (as partnermap writes "
                   "them when nothing says their sector); they are kept, outside every sector.",
                   "Write for_profit, non_profit or public where you know it.")
    return pd.Series(out, index=values.index, dtype=object)


def _pairs(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, tuple[list, list]]:
    """The code of each row's pair of values, and the distinct pairs (their ``a`` and ``b``) in the order first met."""
    ca, ua = _factorized(a)
    cb, ub = _factorized(b)
    pairs, combined = pd.factorize(ca.astype(np.int64) * max(len(ub), 1) + cb)
    firsts = [ua[c // max(len(ub), 1)] for c in combined], [ub[c % max(len(ub), 1)] for c in combined]
    return pairs, firsts


def _no_sector(v: str, ot: str | None, has_column: bool) -> str:
    what = f"unknown sector '{v}'" if v else "blank sector" if has_column else "no sector column"
    if ot:
        return f"{what}, and it cannot be derived from org_type '{ot}'."
    if v:
        return f"{what}, and there is no org_type to derive it from."
    return f"{what}, and there is no org_type to derive it from, nor a word in the name to infer it from."


def _coordinates(t: _tables._Table, df: pd.DataFrame, rows: np.ndarray, refs: pd.Series, keep: np.ndarray,
                 label: str, report: LoadReport, col: _Collector,
                 extent: tuple[float, float, float, float] | None = None):
    """lat/lon from columns or point geometry, checked by :func:`partnermap._geo._check_points`."""
    def emit(severity: Severity, column: str, i: int, message: str, fix: str) -> None:
        col.add(severity, label, column, message, rows[i], refs.iloc[i], fix)

    n = len(df)
    has_cols = "lat" in df.columns and "lon" in df.columns
    extra_geom = None
    if t.geometry is not None and not has_cols:
        lat, lon, extra_geom = _geometry_points(t, report)
        flagged = _geo._check_located(lat, lon, emit, keep=keep, extent=extent)
    elif has_cols:
        lat_text, lon_text = _second_pair(t, df, rows, label, report)
        lat, lon, flagged = _geo._check_points(lat_text, lon_text, emit, keep=keep, extent=extent)
    else:
        lat, lon, flagged = np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool)
        if "lat" in df.columns or "lon" in df.columns:
            missing = "lon" if "lat" in df.columns else "lat"
            report.add("error", label, None, missing,
                       f"there is a '{'lat' if missing == 'lon' else 'lon'}' column but no '{missing}' column.",
                       "Add both lat and lon (WGS84 degrees).")
    where = np.flatnonzero(np.isnan(lat) & keep & ~flagged)
    if len(where) and (has_cols or t.geometry is not None):
        named = ", ".join(f"{refs.iloc[i]} (row {rows[i]})" for i in where[:10])
        report.add("warning", label, None, "lat",
                   f"{len(where)} organisation(s) have no coordinates: {named}{' …' if len(where) > 10 else ''}; "
                   "they are kept but left off maps and coverage.", "Add lat/lon to place them.")
    elif not has_cols and t.geometry is None:
        report.add("info", label, None, None, "no coordinates (lat/lon); maps and coverage need them.")
    return lat, lon, extra_geom


def _second_pair(t: _tables._Table, df: pd.DataFrame, rows: np.ndarray, label: str,
                 report: LoadReport) -> tuple[pd.Series, pd.Series]:
    """lat/lon text, blanks filled from a second pair of coordinate columns (``X``/``Y`` beside ``latitude``).

    :func:`_columns` read the better-named pair as lat/lon; the other is kept as it is, and one
    warning names both, says how many blank locations it filled and on how many rows the pairs differ.
    """
    lat_text, lon_text = _tables._cells(df, "lat"), _tables._cells(df, "lon")
    other = {schema.COLUMN_SYNONYMS.get(schema.normalize_text(c)): c for c in reversed(df.columns)
             if c not in ("lat", "lon")}
    o_lat, o_lon = other.get("lat"), other.get("lon")
    if o_lat is None and o_lon is None:
        return lat_text, lon_text
    was = {target: col for col, target in t.renamed.items()}
    both = o_lat is not None and o_lon is not None
    shown = "/".join(f"'{c}'" for c in (o_lat, o_lon) if c is not None)
    message = (f"two sets of coordinate columns: '{was.get('lat', 'lat')}'/'{was.get('lon', 'lon')}' are read as "
               f"lat/lon, and {shown} {'are' if both else 'is'} kept as {'they are' if both else 'it is'}")
    if both:
        filled, differ = [], []
        for i, (a, b, x, y) in enumerate(zip(lat_text, lon_text, _tables._cells(df, o_lat),
                                             _tables._cells(df, o_lon), strict=True)):
            xa, ya = (_common._number(x) if x else None), (_common._number(y) if y else None)
            if xa is None or ya is None or abs(xa) > 90 or abs(ya) > 180:
                continue  # not degrees (projected metres, say): nothing to take from it
            if not a and not b:
                lat_text.iloc[i], lon_text.iloc[i] = x, y
                filled.append(int(rows[i]))
            elif not np.allclose([_common._number(a) or np.nan, _common._number(b) or np.nan], [xa, ya],
                                 rtol=0, atol=1e-7):
                differ.append(int(rows[i]))
        if filled:
            message += f"; {len(filled)} blank location(s) were taken from {shown} (row(s) {_rows(filled)})"
        if differ:
            message += f"; on {len(differ)} row(s) the two differ and lat/lon are used (row(s) {_rows(differ)})"
    report.add("warning", label, None, "lat", message + ".",
               "Keep one set of coordinate columns, or rename the other (e.g. to x_projected).")
    return lat_text, lon_text


def _rows(rows: list[int], limit: int = 10) -> str:
    return ", ".join(map(str, rows[:limit])) + (" …" if len(rows) > limit else "")


def _geometry_points(t: _tables._Table, report: LoadReport) -> tuple[np.ndarray, np.ndarray, pd.Series | None]:
    """lat/lon of point geometries (in EPSG:4326); other shapes are placed at a point inside and kept."""
    n = len(t.df)
    lat, lon = np.full(n, np.nan), np.full(n, np.nan)
    geoms = t.geometry
    if t.crs is not None and str(t.crs).upper() not in ("EPSG:4326", "OGC:CRS84"):
        geoms = np.asarray(gpd.GeoSeries(geoms, crs=t.crs).to_crs("EPSG:4326").values, dtype=object)
        report.add("info", t.label, None, None, f"coordinates reprojected from {t.crs} to EPSG:4326.")
    polys = [None] * n
    for i, g in enumerate(geoms):
        if g is None or g.is_empty:
            continue
        if g.geom_type != "Point":
            polys[i] = g
            g = g.representative_point()
        lon[i], lat[i] = g.x, g.y
    if all(p is None for p in polys):
        return lat, lon, None
    report.add("info", t.label, None, None,
               "non-point geometries: located at a point inside each shape; the shape is kept "
               "in 'area_geometry' as the organisation's declared service area.")
    return lat, lon, pd.Series(polys, index=t.df.index, dtype=object)


def _extent(t: _tables._Table | None) -> tuple[float, float, float, float] | None:
    """(minx, miny, maxx, maxy) in degrees of the shapes of an areas table; None without shapes."""
    if t is None or t.geometry is None:
        return None
    shapes = gpd.GeoSeries([g for g in t.geometry if g is not None], crs=t.crs or "EPSG:4326")
    shapes = shapes[~shapes.is_empty]
    if not len(shapes):
        return None
    if shapes.crs.to_epsg() != 4326:
        shapes = shapes.to_crs("EPSG:4326")
    minx, miny, maxx, maxy = (float(b) for b in shapes.total_bounds)
    return (minx, miny, maxx, maxy) if np.isfinite([minx, miny, maxx, maxy]).all() else None


# ------------------------------------------------------------------- relationships


_REL_OUT = ["source", "target", "kind", "formal", "status", "directed", "weight", "start_date",
            "end_date", "last_reviewed", "review_every_months", "resources"]


def _empty_relationships() -> pd.DataFrame:
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in _REL_OUT})
    empty.index = pd.Index([], name="tie_id", dtype=object)
    return empty


def _reject(report: LoadReport, t: _tables._Table, refs: pd.Series, keep: np.ndarray, i: int, reason: str) -> None:
    """Leave row ``i`` out of the result and list it in ``report.rejected``."""
    keep[i] = False
    report.reject(t.label, int(t.rows[i]), refs.iloc[i], reason)


def _organizations_unread(t: _tables._Table | None) -> str | None:
    """Why the organisations could not be read at all (None if they could): their ties cannot be checked then."""
    if t is None:
        return "the organisations could not be read"
    if len(t.df) == 0:
        return f"{t.label} has no organisations"
    if t.missing:
        return f"the organisations could not be read ({t.label} has no {', '.join(map(repr, t.missing))} column)"
    return None


def _not_checked(t: _tables._Table, why: str, report: LoadReport) -> pd.DataFrame:
    """Every tie set aside, with one line that says why (rather than one 'not an org_id' per tie)."""
    src, tgt = _tables._cells(t.df, "source"), _tables._cells(t.df, "target")
    for s, g, row in zip(src, tgt, t.rows, strict=True):
        report.reject(t.label, int(row), f"{s or '?'} → {g or '?'}", f"not checked: {why}")
    report.add("warning", t.label, None, None,
               f"{len(t.df)} tie(s) were not checked because {why}; they are set aside.",
               "Fix the organisations first, then validate again.")
    report.counts["relationships"] = (len(t.df) + t.unread, 0)
    return _empty_relationships()


def _clean_relationships(t: _tables._Table | None, orgs: pd.DataFrame | None, report: LoadReport, *,
                         unread: str | None = None) -> pd.DataFrame:
    """The ties of the contract, indexed by ``tie_id``; bad, self- and duplicate ties are set aside.

    ``unread`` (from :func:`_organizations_unread`) says why the organisations could not be read:
    the ties are then set aside unchecked, with one line that says so.
    """
    _tables._control_characters(t, report)  # one rule for every writer, applied once
    if t is None or not _usable(t, "relationships", schema.REL_REQUIRED, tuple(_REL_OUT) + ("tie_id",), report,
                                ("info", "no relationships listed.", "")):
        return _empty_relationships()
    if unread is not None:
        return _not_checked(t, unread, report)
    df, rows, label = t.df, t.rows, t.label
    col = _Collector(report)
    src, tgt = (_ids(_tables._cells(df, c), rows, label, c, col) for c in ("source", "target"))
    refs = _TieRefs(src, tgt)
    keep = np.ones(len(df), dtype=bool)
    index = orgs.index if orgs is not None else pd.Index([], dtype=object)
    ends = _positions(index, src), _positions(index, tgt)
    for i, reason in _endpoints(src, tgt, ends, rows, refs, index, label, report, col):
        _reject(report, t, refs, keep, i, reason)
    kind = _vocab(_tables._cells(df, "kind"), rows, refs, label, "kind", schema.KIND_SYNONYMS, report, "tie kind",
                  blank="partnership")
    status = _vocab(_tables._cells(df, "status"), rows, refs, label, "status", schema.STATUS_SYNONYMS, report,
                    "status", blank="active")
    formal = _formal(_booleans(_tables._cells(df, "formal"), rows, refs, label, "formal", col), kind)
    directed = _directed(_booleans(_tables._cells(df, "directed"), rows, refs, label, "directed", col), kind)
    weight = _weights(_tables._cells(df, "weight"), rows, refs, label, col)
    dates = _tie_dates(df, rows, refs, label, col)
    _still_active(status, dates, keep, rows, refs, label, col)
    out = pd.DataFrame({
        "source": src, "target": tgt, "kind": kind, "formal": formal, "status": status,
        "directed": directed, "weight": weight, **dates,
        "review_every_months": _review_months(_tables._cells(df, "review_every_months"), rows, refs, label, col),
        "resources": _multi(_tables._cells(df, "resources"), rows, refs, label, "resources",
                            schema.RESOURCE_SYNONYMS, report),
    }, index=df.index)
    out = _with_unknown(out, df, "tie_id")
    for i, reason in _duplicate_ties(src, tgt, ends, directed, kind, dates["start_date"], rows, refs, keep, label,
                                     col):
        _reject(report, t, refs, keep, i, reason)
    col.flush()
    out.index = pd.Index(_tie_ids(df, rows, refs, label, report), name="tie_id")
    out = out[keep]
    report.counts["relationships"] = (len(df) + t.unread, len(out))
    return out


class _UnknownIds:
    """What to say about an id that is not an organisation: a close id, or the reason its row was set aside."""

    def __init__(self, known: set[str], report: LoadReport) -> None:
        self.known = sorted(known)
        label = report.sources.get("organizations", "organizations")
        self.orgs_label = Path(label).name if "[" not in label else label.split("/")[-1]
        self.set_aside = {r["ref"]: r["reason"] for r in report.rejected if r["ref"] and r["ref"] not in known}
        self.suggestions: dict[str, str] = {}

    def message(self, v: str) -> tuple[str, str]:
        if v in self.set_aside:
            return (f"'{v}' is in {self.orgs_label} but that row was set aside ({self.set_aside[v]}).",
                    "Fix that organisation's row, or remove this tie.")
        if v not in self.suggestions:  # difflib is slow on big registries and long ids: 50 ids of 100 characters
            close = difflib.get_close_matches(v, self.known, n=1, cutoff=0.8) \
                if len(self.suggestions) < 50 and len(v) <= 100 else []
            self.suggestions[v] = f" (did you mean '{_tables._shorten(close[0])}'?)" if close else ""
        return (f"'{_tables._shorten(v)}' is not an org_id in {self.orgs_label}{self.suggestions[v]}.",
                "Add it or remove the row.")


class _TieRefs:
    """'source → target' of each tie ('?' for a blank end), by position: ``refs.iloc[i]`` as for a Series.

    Each is made when a message needs it: all 400,000 would take half a second.
    """

    def __init__(self, src: pd.Series, tgt: pd.Series) -> None:
        self.src, self.tgt = src.to_numpy(dtype=object), tgt.to_numpy(dtype=object)

    @property
    def iloc(self) -> _TieRefs:
        return self

    def __getitem__(self, i: int) -> str:
        return f"{self.src[i] or '?'} → {self.tgt[i] or '?'}"

    def __len__(self) -> int:
        return len(self.src)


def _positions(index: pd.Index, ids: pd.Series) -> np.ndarray:
    """The position of each id among the organisations' distinct ids (``index``), -1 where it is none (or blank)."""
    arr = ids.to_numpy(dtype=object)
    found = (index if index.is_unique else index.unique()).get_indexer(arr)
    return np.where(arr == "", -1, found) if "" in index else found


def _endpoints(src: pd.Series, tgt: pd.Series, ends: tuple[np.ndarray, np.ndarray], rows: np.ndarray,
               refs: _TieRefs, index: pd.Index, label: str, report: LoadReport,
               col: _Collector) -> list[tuple[int, str]]:
    """Ties with a blank or unknown end (errors) or to themselves (a warning): the rows to set aside, and why.

    ``ends`` are the positions of the ends among the organisations' ids (``index``), from :func:`_positions`.
    """
    s_arr, g_arr = src.to_numpy(dtype=object), tgt.to_numpy(dtype=object)
    s_known, g_known = ends[0] >= 0, ends[1] >= 0
    odd = np.flatnonzero(~s_known | ~g_known | (s_arr == g_arr))
    unknown: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    out = []
    for i in odd:
        s, g, row, ref = s_arr[i], g_arr[i], rows[i], refs.iloc[i]
        for c, v, known in (("source", s, s_known[i]), ("target", g, g_known[i])):
            if not v:
                col.add("error", label, c, f"blank {c}.", row, ref, "Every tie needs a source and a target org_id.")
            elif not known:
                unknown[(c, v)].append((int(row), ref))
        if not s_known[i] or not g_known[i]:
            out.append((int(i), "tie to a blank or unknown org_id"))
        elif s == g:
            col.add("warning", label, "target", "self-tie (an organisation tied to itself); left out.",
                    row, ref, "Remove the row.")
            out.append((int(i), "self-tie"))
    if unknown:
        _unknown_ends(unknown, _UnknownIds(set(index), report), label, report)
    return out


#: Unknown org_ids named one by one in a relationships file; past this many, the rest are counted.
_MAX_UNKNOWN_ID_LINES = 50


def _unknown_ends(unknown: dict[tuple[str, str], list[tuple[int, str]]], ids: _UnknownIds, label: str,
                  report: LoadReport) -> None:
    """One error per tie end naming an id that is no organisation (with the other rows it is on), then a count."""
    for (c, v), hits in list(unknown.items())[:_MAX_UNKNOWN_ID_LINES]:
        message, fix = ids.message(v)
        row, ref = hits[0]
        report.add("error", label, row, c, message[:-1] + _also(hits) + ".", fix, ref)
    rest = list(unknown.items())[_MAX_UNKNOWN_ID_LINES:]
    if rest:
        shown = ", ".join(f"'{_tables._shorten(v, 40)}' (row {hits[0][0]})" for (_, v), hits in rest[:10])
        report.add("error", label, None, None,
                   f"{len(rest)} more org_id(s) named by ties are not in {ids.orgs_label}: {shown}"
                   f"{' …' if len(rest) > 10 else ''}.",
                   "Check that the ids in the two files are written the same way; add the organisations "
                   "or remove the ties.")


def _formal(formal: np.ndarray, kind: pd.Series) -> pd.Series:
    """As written; else true for an MoU or a membership, false for an informal tie, unknown otherwise."""
    k = kind.to_numpy(dtype=object)
    implied = np.where(np.isin(k, ["mou", "membership"]), _objects([True]), np.where(k == "informal", _objects([False]),
                                                                                      _objects([None])))
    return pd.Series(np.where(np.equal(formal, None), implied, formal), index=kind.index, dtype=object)


def _is_none(values: np.ndarray) -> np.ndarray:
    """Where an object array holds None."""
    return np.fromiter(map(operator.is_, values, itertools.repeat(None)), dtype=bool, count=len(values))


def _directed(directed: np.ndarray, kind: pd.Series) -> pd.Series:
    """As written; else funding and referral ties are directed (schema.DIRECTED_KINDS)."""
    implied = np.isin(kind.to_numpy(dtype=object), list(schema.DIRECTED_KINDS))
    return pd.Series(np.where(np.equal(directed, None), implied, directed).astype(bool), index=kind.index, dtype=bool)


def _numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray, list[float | None]]:
    """The codes and distinct values of a number column, and each distinct value read (None: blank or no number)."""
    codes, uniques = _factorized(values)
    return codes, uniques, [_common._number(v) if v else None for v in uniques]


def _weights(values: pd.Series, rows: np.ndarray, refs: pd.Series, label: str, col: _Collector) -> np.ndarray:
    codes, uniques, read = _numbers(values)
    bad = [bool(v) and (x is None or x <= 0) for v, x in zip(uniques, read, strict=True)]
    for i in _flagged(codes, bad):
        v = uniques[codes[i]]
        col.add("error", label, "weight", f"weight '{v}' must be a number greater than 0.", rows[i], refs.iloc[i],
                "Use e.g. 1 for an ordinary tie, 2 or more for a strong one; remove ties that no longer exist.")
    weight = np.array([1.0 if not v else np.nan if b else x for v, x, b in zip(uniques, read, bad, strict=True)],
                      dtype=float)
    return weight[codes] if len(codes) else np.ones(0)


def _tie_dates(df: pd.DataFrame, rows: np.ndarray, refs: pd.Series, label: str,
               col: _Collector) -> dict[str, pd.Series]:
    """start_date, end_date and last_reviewed (NaT where absent); an end before the start is an error."""
    dates = {}
    for c in ("start_date", "end_date", "last_reviewed"):
        dates[c] = _dates(_tables._cells(df, c), rows, refs, label, c, col) if c in df.columns else \
            pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    start, end = dates["start_date"], dates["end_date"]
    for i in np.flatnonzero((start.notna() & end.notna() & (end < start)).to_numpy()):
        col.add("error", label, "end_date",
                f"end_date {end.iloc[i].date()} is before start_date {start.iloc[i].date()}.",
                rows[i], refs.iloc[i], "Swap the dates or correct the one that is wrong.")
    return dates


def _still_active(status: pd.Series, dates: dict[str, pd.Series], keep: np.ndarray, rows: np.ndarray,
                  refs: pd.Series, label: str, col: _Collector) -> None:
    """Warn on an 'active' tie that had ended by the latest review recorded in the file.

    The latest review is a stable date, unlike today's, so the same file always gives the same report.
    """
    latest = dates["last_reviewed"].max()
    if pd.isna(latest):
        return
    end = dates["end_date"]
    stale = (status == "active") & end.notna() & (end < latest)
    for i in np.flatnonzero((stale & keep).to_numpy()):
        col.add("warning", label, "status",
                f"status is 'active' but end_date {end.iloc[i].date()} is before the latest "
                f"review in this file ({latest.date()}); counted as active unless you analyse --as-of a date.",
                rows[i], refs.iloc[i], "Set status to ended, or correct end_date.")


def _review_months(values: pd.Series, rows: np.ndarray, refs: pd.Series, label: str, col: _Collector) -> np.ndarray:
    codes, uniques, read = _numbers(values)
    bad = [bool(v) and (x is None or x <= 0) for v, x in zip(uniques, read, strict=True)]
    for i in _flagged(codes, bad):
        col.add("warning", label, "review_every_months",
                f"review_every_months '{uniques[codes[i]]}' is not a positive number of months; left empty.",
                rows[i], refs.iloc[i])
    months = np.array([np.nan if b or x is None else x for x, b in zip(read, bad, strict=True)], dtype=float)
    return months[codes] if len(codes) else np.zeros(0)


def _duplicate_ties(src: pd.Series, tgt: pd.Series, ends: tuple[np.ndarray, np.ndarray], directed: pd.Series,
                    kind: pd.Series, start: pd.Series, rows: np.ndarray, refs: _TieRefs, keep: np.ndarray, label: str,
                    col: _Collector) -> list[tuple[int, str]]:
    """Same pair (ordered if directed), kind and start date as a kept row above: warned, to be set aside.

    ``ends`` are the positions of the ends among the organisations (:func:`_positions`; both known in a kept row).
    """
    n, is_directed = len(src), directed.to_numpy()
    kinds = kind.to_numpy(dtype=object)
    if set(kinds[keep & is_directed]) & set(kinds[keep & ~is_directed]):
        # a directed and an undirected tie of one kind are the same when the undirected one's ends,
        # in the order of the ids as text, are the directed one's: number the ids in that order
        numbers = np.concatenate([src.to_numpy(dtype=object), tgt.to_numpy(dtype=object)])
        numbers = pd.factorize(numbers, sort=True)[0]
        s_arr, t_arr = numbers[:n], numbers[n:]
    else:  # any numbering of the ids will do: their positions among the organisations
        s_arr, t_arr = ends
    swap = ~is_directed & (s_arr > t_arr)
    a, b = np.where(swap, t_arr, s_arr), np.where(swap, s_arr, t_arr)
    keys = pd.DataFrame({"a": a, "b": b, "kind": pd.factorize(kinds)[0],
                         "start": start.to_numpy().view("i8"), "row": rows})[keep]
    dup = keys.duplicated(["a", "b", "kind", "start"], keep="first")
    if not dup.any():
        return []
    first = keys.groupby(["a", "b", "kind", "start"], dropna=False)["row"].transform("first")
    out = []
    for i, first_row in zip(np.flatnonzero(keep)[dup.to_numpy()], first[dup], strict=True):
        col.add("warning", label, "source",
                f"duplicate tie (same organisations, kind '{kind.iloc[i]}' and start date as row {first_row}); "
                "left out.", rows[i], refs.iloc[i], "Remove the repeated row, or give it another kind or date.")
        out.append((int(i), f"duplicate of row {first_row}"))
    return out


def _tie_ids(df: pd.DataFrame, rows: np.ndarray, refs: pd.Series, label: str, report: LoadReport) -> list[str]:
    """The user's tie ids; blank or repeated ones (or all, without a tie_id column) become T<row>."""
    ids = _tables._cells(df, "tie_id").tolist() if "tie_id" in df.columns else [""] * len(df)
    distinct = set(ids)
    if len(distinct) == len(ids) and "" not in distinct:  # the usual case: every tie named once
        return ids
    codes, _ = _factorized(ids)
    first = np.unique(codes, return_index=True)[1]  # where each id is first written
    blank = np.asarray(ids, dtype=object) == "" if ids else np.zeros(0, dtype=bool)
    repeated = ~blank & (first[codes] != np.arange(len(codes)))
    for i in np.flatnonzero(repeated):
        report.add("warning", label, int(rows[i]), "tie_id",
                   f"duplicate tie_id '{ids[i]}' (first on row {int(rows[first[codes[i]]])}); this tie is called "
                   f"'T{rows[i]}'.", "Give each tie its own id.", refs.iloc[i])
    named = _objects(ids)
    renamed = np.flatnonzero(blank | repeated)
    named[renamed] = _objects(list(map("T{}".format, rows[renamed].tolist())))
    return named.tolist()


def _booleans(values: pd.Series, rows, refs, label: str, column: str, col: _Collector) -> np.ndarray:
    """True, False or None (blank, or not a truth value: a warning) for each cell."""
    codes, uniques = _factorized(values)
    folded = [schema.normalize_text(v) for v in uniques]
    read = [None if not n else True if n in _TRUE else False if n in _FALSE else None for n in folded]
    bad = [bool(n) and n not in _TRUE and n not in _FALSE for n in folded]
    for i in _flagged(codes, bad):
        col.add("warning", label, column, f"'{uniques[codes[i]]}' is not true/false; left empty.", rows[i],
                refs.iloc[i], "Write true or false.")
    return _objects(read)[codes]


def _dates(values: pd.Series, rows, refs, label: str, column: str, col: _Collector) -> pd.Series:
    """ISO dates (YYYY-MM-DD, with or without time); others are read day first, and said so.

    Day first (31/12/2024) is the order used in Saudi Arabia, the Gulf and the UK. Words
    such as 'today' are refused, so the same file always gives the same dates. A UTC offset
    is dropped (the date and time as written count), a year outside
    :data:`partnermap._common.DATE_YEARS` leaves the date unknown, and a Hijri-looking one is
    named as such: each a warning naming the cell.
    """
    text = values.map(lambda v: v.translate(_common._DIGITS).strip())
    text = text.where(text.str.contains(r"\d", regex=True), "")  # pandas reads 'today' and 'now'
    timed = text.str.contains(_common._TIMED)  # an offset follows a time of day; most cells have none
    offsets = text[timed].str.extract(_common._OFFSET).reindex(text.index)
    for i in np.flatnonzero(offsets["offset"].notna().to_numpy()):
        col.add("warning", label, column, f"UTC offset '{offsets['offset'].iloc[i]}' dropped: the date and time "
                "are read as written.", rows[i], refs.iloc[i], "Write dates as YYYY-MM-DD (local time).")
    text = offsets["local"].fillna(text)
    parsed = _common._parse_dates(text, format="ISO8601")
    other = text.ne("") & parsed.isna()
    if other.any():
        parsed[other] = _common._parse_dates(text[other], dayfirst=True, format="mixed")
    years = parsed.dt.year
    outside = parsed.notna() & ((years < _common.DATE_YEARS[0]) | (years > _common.DATE_YEARS[1]))
    odd = np.flatnonzero((text.ne("") & (parsed.isna() | outside)).to_numpy())  # a Hijri year reads as < 1800, or not
    hijri = {int(i): day for i in odd if (day := _common._hijri(text.iloc[i]))}
    is_hijri = pd.Series(np.isin(np.arange(len(text)), list(hijri)), index=text.index)
    read = other & parsed.notna() & ~outside & ~is_hijri
    if read.any():
        i = int(np.flatnonzero(read.to_numpy())[0])
        col.report.add("info", label, int(rows[i]), column,
                       f"{int(read.sum())} date(s) not written YYYY-MM-DD were read day first, "
                       f"e.g. '{values.iloc[i]}' as {parsed.iloc[i].date().isoformat()}.",
                       "Write dates as YYYY-MM-DD to be sure.", refs.iloc[i])
    for i in np.flatnonzero((values.ne("") & (parsed.isna() | outside | is_hijri)).to_numpy()):
        v = values.iloc[i]
        if i in hijri:
            col.add("warning", label, column, f"'{v}' looks like a Hijri (Islamic calendar) date where a Gregorian "
                    "one is expected; treated as unknown, the tie is kept.", rows[i], refs.iloc[i],
                    f"Write the Gregorian date (about {hijri[i]}).")
        elif outside.iloc[i]:
            col.add("warning", label, column, f"'{v}' is outside the years {_common.DATE_YEARS[0]}–"
                    f"{_common.DATE_YEARS[1]}; treated as unknown, the tie is kept.", rows[i], refs.iloc[i],
                    "Correct the year, or leave the cell empty if the date is not known.")
        else:
            col.add("warning", label, column, f"'{v}' is not a date; left empty.", rows[i],
                    refs.iloc[i], "Write dates as YYYY-MM-DD.")
    return parsed.mask(outside | is_hijri).astype("datetime64[ns]")


# --------------------------------------------------------------------------- areas


def _clean_areas(t: _tables._Table | None, report: LoadReport, *, area_id: str | None = None,
                 area_name: str | None = None) -> gpd.GeoDataFrame | None:
    """The areas of the contract: valid polygons indexed by ``area_id`` in EPSG:4326; None if unusable.

    ``area_id`` and ``area_name`` name the columns that hold each area's id and name; without
    them they are found by :func:`_area_headings`.
    """
    _tables._control_characters(t, report)  # one rule for every writer, applied once
    if t is None or not _area_headings(t, report, area_id, area_name) or not _usable_areas(t, report):
        return None
    df = t.df
    ids = _tables._cells(df, "area_id")
    col = _Collector(report)
    keep, geoms = _area_shapes(t, ids, report, col)
    out = df.drop(columns=["area_id"])
    out = pd.DataFrame({c: _population(_tables._cells(df, "population"), t.rows, ids, t.label, col)
                        if c == "population" else out[c].replace("", None) if c in ("name", "name_en")
                        else _indicator(out[c]) for c in out.columns}, index=out.index)
    col.flush()
    gdf = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, crs=t.crs or "EPSG:4326"))
    if t.crs is None:
        report.add("warning", t.label, None, None, "the areas layer has no CRS; assumed WGS84 (EPSG:4326).")
    elif gdf.crs.to_epsg() != 4326:
        report.add("info", t.label, None, None, f"areas reprojected from {gdf.crs} to EPSG:4326.")
        gdf = gdf.to_crs("EPSG:4326")
    gdf.index = pd.Index(ids, name="area_id")
    _areas_in_range(gdf, t, keep, report)
    if not keep.any():
        report.add("error", t.label, None, "geometry", "the areas file has no usable polygons.")
    gdf = gdf[keep]
    report.counts["areas"] = (len(df), len(gdf))
    return gdf


def _areas_in_range(gdf: gpd.GeoDataFrame, t: _tables._Table, keep: np.ndarray, report: LoadReport) -> None:
    """Leave out (in ``keep``) the areas with coordinates beyond ±180 / ±90 degrees, in one warning naming them."""
    bad = np.flatnonzero(_geo._outside_degrees(gdf.geometry.to_numpy()) & keep)
    if not len(bad):
        return
    for i in bad:
        _reject(report, t, pd.Series(gdf.index), keep, int(i), "coordinates outside ±180 / ±90 degrees")
    named = ", ".join(f"'{_tables._shorten(str(gdf.index[i]), 40)}' (row {t.rows[i]}: "
                      f"{_geo._bounds_text(gdf.geometry.iloc[i])})" for i in bad[:5])
    hint = " The layer has no CRS: if its coordinates are metres, save it with its CRS." if t.crs is None else ""
    report.add("warning", t.label, int(t.rows[bad[0]]), "geometry",
               f"{len(bad)} area(s) have coordinates outside ±180 longitude / ±90 latitude and were left out: "
               f"{named}{' …' if len(bad) > 5 else ''}.",
               "Check the polygons' coordinates (WGS84 degrees, longitude first)." + hint,
               str(gdf.index[bad[0]]))


_AREA_CONTRACT = ("area_id", "name", "population")
#: Headings (after normalize_text) that hold an area's id, best first; then the GeoJSON feature
#: ids; then any ``*_id`` heading (``district_id``, ``usefksa_id``, ``DistrictID``).
_AREA_ID_HEADINGS = ("id", "objectid", "object id", "fid", "ogc fid", "gid")
_ID_SUFFIX = re.compile(r"(?:[\s_\-.]id|[a-z]ID)$")
#: Headings that hold an area's name: Arabic first (it becomes ``name``), then English
#: (``name_en`` beside an Arabic one), then any heading with 'name' in it, then the kind of area.
_NAME_WORDS = ("name", "الاسم", "اسم")
_AREA_WORDS = ("district", "neighbourhood", "neighborhood", "ward", "region", "الحي", "المنطقه")


def _area_headings(t: _tables._Table, report: LoadReport, area_id: str | None, area_name: str | None) -> bool:
    """Find (or take as named) the id and name columns of an areas layer; False if a named one is absent.

    Each column read as ``area_id``, ``name`` or ``name_en`` is reported, with how to name another.
    """
    mapped = set(_contract_names(t.df.columns, _AREA_CONTRACT).values()) | (set(t.df.columns) & set(_AREA_CONTRACT))
    how = "Name another column with --area-id / --area-name (area_id= / area_name= in Python)."
    chosen: dict[str, str] = {}
    for option, value, target in (("--area-id", area_id, "area_id"), ("--area-name", area_name, "name")):
        if value is None:
            continue
        col = next((c for c in t.df.columns if c == value), None) or \
            next((c for c in t.df.columns if schema.normalize_text(c) == schema.normalize_text(value)), None)
        if col is None:
            report.add("error", t.label, None, target,
                       f"{option} '{value}': there is no such column "
                       f"(columns found: {_listed(list(map(str, t.df.columns)))}).",
                       "Give one of those headings, as written.")
            return False
        chosen[target] = col
    if "area_id" not in chosen and "area_id" not in mapped:
        found = _area_id_column(t)
        if found is not None:
            chosen["area_id"] = found
    if "name" not in chosen and "name" not in mapped:
        chosen.update(_area_name_columns(t, exclude=set(chosen.values())))
    for target, col in chosen.items():
        if col == _FEATURE_ID:
            t.df = t.df.assign(**{target: t.feature_ids})
            report.add("info", t.label, None, target, f"the GeoJSON feature ids read as '{target}'.", how)
            continue
        if col == target:
            continue
        if target in t.df.columns:  # the file's own 'area_id' or 'name' gives way to the column named
            t.df = t.df.rename(columns={target: f"{target}_2"})
        t.df = t.df.rename(columns={col: target})
        report.add("info", t.label, None, target, f"column '{col}' read as '{target}'.", how)
    return True


_FEATURE_ID = "\0feature id"  # stands for the layer's feature ids, which are no column


def _area_id_column(t: _tables._Table) -> str | None:
    """The best id column of an areas layer: ``id``, the feature ids, ``OBJECTID``…, ``*_id``; unique values first."""
    heads = {c: schema.normalize_text(c) for c in t.df.columns}
    ranked: list[tuple[int, int, str]] = []
    for pos, (col, n) in enumerate(heads.items()):
        if n in _AREA_ID_HEADINGS:
            ranked.append((0 if n == "id" else 2, pos, col))
        elif _ID_SUFFIX.search(str(col).strip()):
            ranked.append((3, pos, col))
    if t.feature_ids is not None:
        ranked.append((1, -1, _FEATURE_ID))

    def unique(col: str) -> bool:
        values = t.feature_ids if col == _FEATURE_ID else _tables._cells(t.df, col)
        filled = [v for v in values if v]
        return len(filled) == len(values) and len(set(filled)) == len(filled)

    ranked.sort()
    return next((c for _, _, c in ranked if unique(c)), ranked[0][2] if ranked else None)


def _area_name_columns(t: _tables._Table, exclude: set[str]) -> dict[str, str]:
    """``name`` (and ``name_en``) from the headings: an Arabic name, else any name, else English, else 'district'."""
    arabic, english, other, kind = [], [], [], []
    for col in t.df.columns:
        if col in exclude or col in ("name_en",):
            continue
        n = schema.normalize_text(col)
        words = set(n.split())
        if any(w in n for w in _NAME_WORDS) or re.search(r"name", str(col), re.IGNORECASE):
            if "arabic" in n or "ar" in words or "عربي" in n:
                arabic.append(col)
            elif "english" in n or "en" in words or "eng" in words:
                english.append(col)
            else:
                other.append(col)
        elif n in _AREA_WORDS:
            kind.append(col)
    out: dict[str, str] = {}
    first = (arabic or other or english or kind or [None])[0]
    if first is not None:
        out["name"] = first
        if english and english[0] != first and "name_en" not in t.df.columns:
            out["name_en"] = english[0]
    return out


def _usable_areas(t: _tables._Table, report: LoadReport) -> bool:
    """False (with the reason) when the areas have no shapes, no rows or no ``area_id`` column."""
    if t.geometry is None:
        report.add("error", t.label, None, None,
                   "the areas file has no polygons (areas must be a GeoJSON, GeoPackage or Shapefile layer, "
                   "or a sheet with a WKT 'geometry' column).",
                   "Export the areas from your GIS program as GeoJSON, or leave the file out to use a hex grid.")
        return False
    if len(t.df) == 0:
        report.add("error", t.label, None, None, "the areas layer has no features.")
        return False
    if not _columns(t, "areas", schema.AREA_REQUIRED, _AREA_CONTRACT, report):
        missing = ", ".join(f"'{c}'" for c in t.missing)
        for row in t.rows:
            report.reject(t.label, int(row), "", f"the file has no {missing} column")
        report.counts["areas"] = (len(t.df), 0)
        return False
    return True


def _area_shapes(t: _tables._Table, ids: pd.Series, report: LoadReport,
                 col: _Collector) -> tuple[np.ndarray, list]:
    """The rows kept (unique ids, polygons) and the shapes, invalid polygons repaired (each said so)."""
    label = t.label
    geoms = list(t.geometry)
    keep = np.ones(len(ids), dtype=bool)
    seen: dict[str, int] = {}
    for i, (aid, g, row) in enumerate(zip(ids, geoms, t.rows, strict=True)):
        if not aid:
            col.add("error", label, "area_id", "blank area_id.", row, "", "Give every area a unique id.")
            keep[i] = False
            report.reject(label, int(row), "", "blank area_id")
        elif aid in seen:
            report.add("error", label, int(row), "area_id", f"duplicate area_id '{aid}' (first on row {seen[aid]}).",
                       "Give each area its own id.", aid)
            keep[i] = False
            report.reject(label, int(row), aid, "duplicate area_id")
        elif g is None or g.is_empty or g.geom_type not in ("Polygon", "MultiPolygon"):
            seen[aid] = int(row)
            kind = "no geometry" if g is None or g.is_empty else f"a {g.geom_type}, not a polygon"
            report.add("warning", label, int(row), "geometry", f"area '{aid}' has {kind}; left out.",
                       "Draw the area as a polygon.", aid)
            keep[i] = False
            report.reject(label, int(row), aid, kind)
        else:
            seen[aid] = int(row)
            if not g.is_valid:
                geoms[i] = _repaired(g, aid, label, int(row), report)
    return keep, geoms


def _repaired(g: shapely.Geometry, aid: str, label: str, row: int, report: LoadReport) -> shapely.Geometry:
    why = shapely.is_valid_reason(g)
    fixed = shapely.make_valid(g)
    if fixed.geom_type == "GeometryCollection":
        fixed = shapely.union_all([p for p in fixed.geoms if p.geom_type in ("Polygon", "MultiPolygon")])
    report.add("warning", label, row, "geometry", f"area '{aid}' had an invalid polygon ({why}); repaired.",
               "Check its outline.", aid)
    return fixed


def _population(values: pd.Series, rows: np.ndarray, ids: pd.Series, label: str, col: _Collector) -> np.ndarray:
    pop = []
    for v, row, aid in zip(values, rows, ids, strict=True):
        x = _common._number(v.replace(",", "")) if v else None
        if v and (x is None or x < 0):
            what = "is negative" if x is not None else "is not a number"
            col.add("warning", label, "population", f"population '{v}' {what}; left empty.", row, aid)
            x = None
        pop.append(x)
    return pd.array(pop, dtype="Float64").astype(float)


def _indicator(column: pd.Series) -> pd.Series:
    """A column whose every filled cell is a number becomes numbers (need indicators); others stay text."""
    values = column.replace("", None)
    filled = [v for v in values if v is not None and v == v]
    numbers = [(_common._number(v) if isinstance(v, str) else None) for v in values]
    if filled and all(n is not None for n, v in zip(numbers, values, strict=True) if v is not None and v == v):
        return pd.Series(pd.array(numbers, dtype="Float64").astype(float), index=column.index)
    return values
