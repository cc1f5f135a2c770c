"""Small helpers shared by several modules: missing values, numbers, dates, term lists, the focal lookup.

Also the one reader of small YAML settings files (weights, report parameters).

Private: imported as a module (``from . import _common``), never re-exported.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import gc
import math
import re
import reprlib
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from . import schema
from ._errors import ParameterError, UnknownOrganizationError

#: Arabic-Indic and Persian digits (and the Arabic decimal separator) -> ASCII.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫", "01234567890123456789.")


def _missing(v: Any) -> bool:
    """None, NaN, NaT or pd.NA (lists and other values are never missing)."""
    return v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and v != v)


def _number(v: str) -> float | None:
    """Parse a number written with Latin or Arabic-Indic digits; None if not a number."""
    s = v.translate(_DIGITS).replace("\u066c", "").strip()
    if s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")
    try:
        x = float(s)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


#: The years a date may have, in the data and in ``as_of``. Outside them a date is a typing
#: mistake (9999-12-31 for "no end", a year 202), and pandas could not hold it either.
DATE_YEARS = (1800, 2199)
#: Years that look like a Hijri (Islamic calendar) year typed as Gregorian: 1350 AH (1931) to 1500 AH (2077).
HIJRI_YEARS = (1350, 1500)
_HIJRI = re.compile(r"^(?:(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})|"
                    r"(?P<d2>\d{1,2})[-/.](?P<m2>\d{1,2})[-/.](?P<y2>\d{4}))\s*(?:هـ|ه|AH)?$", re.IGNORECASE)


def _hijri(text: str) -> str | None:
    """If ``text`` looks like a Hijri date (1445-09-01, 01/09/1445, 1445/9/1هـ), about which Gregorian day it is.

    The arithmetic (tabular) Islamic calendar: the Umm al-Qura calendar can differ by a day or two.
    """
    m = _HIJRI.match(text.translate(_DIGITS).strip())
    if m is None:
        return None
    y, mo, d = (int(m["y"] or m["y2"]), int(m["m"] or m["m2"]), int(m["d"] or m["d2"]))
    if not (HIJRI_YEARS[0] <= y <= HIJRI_YEARS[1] and 1 <= mo <= 12 and 1 <= d <= 30):
        return None
    julian_day = d + math.ceil(29.5 * (mo - 1)) + (y - 1) * 354 + (3 + 11 * y) // 30 + 1948438.5
    return dt.date.fromordinal(int(julian_day - 1721424.5)).isoformat()


#: A UTC offset after a time of day: Z, +03:00, +0300, +03, UTC or GMT (with or without an offset).
#: A cell that may hold a time of day, so an offset after it (a cheap test before :data:`_OFFSET`).
_TIMED = re.compile(r":|\d[T ]\d")
_OFFSET = re.compile(r"^(?P<local>.*\d[T ]\d{1,2}(?::\d{2}(?::\d{2}(?:[.,]\d+)?)?)?)\s*"
                     r"(?P<offset>Z|(?:UTC|GMT)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}(?::?\d{2})?)$", re.IGNORECASE)


def _parse_dates(text: pd.Series, **how: Any) -> pd.Series:
    """``pd.to_datetime`` without a time zone (an offset left in a cell is dropped); cell by cell if they mix."""
    try:
        parsed = pd.to_datetime(text, errors="coerce", **how)
    except (ValueError, TypeError):  # "Mixed timezones detected": an offset in some cells only
        if len(text) <= 1:
            return pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
        parsed = pd.concat([_parse_dates(text.iloc[[i]], **how) for i in range(len(text))])
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed


def _dates_as_written(values: pd.Series) -> pd.Series:
    """A date column outside the contract (``stage_date``) read as the tie dates are, without the warnings.

    A UTC offset is dropped (the date and time as written); a date that is not one, or whose year is
    outside :data:`DATE_YEARS`, is NaT.
    """
    text = pd.Series([str(v).translate(_DIGITS).strip() if not _missing(v) else "" for v in values],
                     index=values.index, dtype=object)
    timed = text.str.contains(_TIMED)
    text = text[timed].str.extract(_OFFSET)["local"].reindex(text.index).fillna(text)
    parsed = _parse_dates(text, format="ISO8601")
    return parsed.mask((parsed.dt.year < DATE_YEARS[0]) | (parsed.dt.year > DATE_YEARS[1])).astype("datetime64[ns]")


def _as_date(value: Any, name: str = "as_of") -> pd.Timestamp | None:
    """``value`` as a day (midnight, no time zone); None for None or a blank.

    The date as written counts: a time of day and a UTC offset are dropped
    ('2025-01-01T00:00+03:00' is 1 January 2025), as they are for the dates in the data.
    Not a date, or a year outside :data:`DATE_YEARS`, is a ParameterError naming ``name``.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float, np.number)) or (isinstance(value, str) and not re.search(r"\d", value)):
        # a number would count nanoseconds since 1970 (2024 -> 1970-01-01), a word ('today') changes every day
        raise ParameterError(f"{name} {value!r} is not a date; write it as YYYY-MM-DD.")
    try:
        ts = pd.Timestamp(value.strip() if isinstance(value, str) else value)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ParameterError(f"{name} {value!r} is not a date; write it as YYYY-MM-DD.") from exc
    if pd.isna(ts):
        return None
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    if not DATE_YEARS[0] <= ts.year <= DATE_YEARS[1]:
        hijri = _hijri(str(value)[:10]) if isinstance(value, str) else None
        hint = (f" It looks like a Hijri date: give the Gregorian one (about {hijri})." if hijri else
                " Give a date within them, written YYYY-MM-DD.")
        raise ParameterError(f"{name} {value!r} is outside the years {DATE_YEARS[0]}–{DATE_YEARS[1]} that "
                             f"partnermap reads.{hint}")
    return ts.normalize().as_unit("ns")


def _status_at(rel: pd.DataFrame, as_of: pd.Timestamp | None) -> pd.Series:
    """Each tie's status on ``as_of`` (its recorded status when ``as_of`` is None).

    A proposed tie stays proposed. Otherwise a tie that starts after ``as_of`` has
    not started; one whose ``end_date`` is before ``as_of`` had ended; one with dates
    around ``as_of`` was active then, even if it has ended since. A tie recorded as
    ended with no ``end_date`` stays ended.
    """
    status = rel["status"].astype(object).copy()
    if as_of is None:
        return status
    nat = pd.Series(pd.NaT, index=rel.index)
    start = pd.to_datetime(rel["start_date"], errors="coerce") if "start_date" in rel else nat
    end = pd.to_datetime(rel["end_date"], errors="coerce") if "end_date" in rel else nat
    dated = status != "proposed"
    ended_before = end.notna() & (end < as_of)
    status[dated & end.notna() & ~ended_before] = "active"
    status[dated & ended_before] = "ended"
    status[dated & start.notna() & (start > as_of)] = "not_started"
    return status



@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while many small objects are made.

    Parsing a wide sheet or listing 400,000 networkx ties makes no cycles, but each
    collection walks every object alive: with it, they take two to three times as long.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _clean_id(text: str) -> str:
    """An id as it is matched: Unicode NFC, without invisible (format) characters, stripped.

    ZWSP, RLM/LRM, BOM, soft hyphens and bidi controls (category Cf) are removed, and an accent
    typed as a separate mark (NFD ``Cafe\u0301``) is joined to its letter (NFC ``Café``).
    """
    if text.isascii():
        return text.strip()
    return "".join(c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c) != "Cf").strip()


def _tie_filters(
    as_of: Any, status: Iterable[str] | None, kinds: Iterable[str] | None
) -> tuple[pd.Timestamp | None, tuple[str, ...] | None, tuple[str, ...] | None]:
    """``as_of`` as a date and ``status`` / ``kinds`` as tuples, checked against the vocabularies."""
    as_of_ts = _as_date(as_of)
    status_t = None if status is None else tuple(status)
    kinds_t = None if kinds is None else tuple(kinds)
    checks = (("status", status_t, schema.TIE_STATUSES), ("kinds", kinds_t, schema.RELATIONSHIP_KINDS))
    for name, given, vocab in checks:
        unknown = sorted(set(given or ()) - set(vocab))
        if unknown:
            raise ParameterError(
                f"unknown {name} {', '.join(map(repr, unknown))}; choose from {', '.join(vocab)}."
            )
    return as_of_ts, status_t, kinds_t


def _selected_ties(
    rel: pd.DataFrame, as_of: pd.Timestamp | None, status: tuple[str, ...] | None, kinds: tuple[str, ...] | None
) -> pd.DataFrame:
    """The ties kept by the filters (status on ``as_of``, kinds), their ``status`` as on ``as_of``."""
    if not len(rel):
        return rel
    keep = pd.Series(True, index=rel.index)
    eff = _status_at(rel, as_of)
    if status is not None:
        keep &= eff.isin(status)
    if kinds is not None:
        keep &= rel["kind"].isin(kinds)
    return rel[keep].assign(status=eff[keep])


def _provenance(data: Any, as_of: pd.Timestamp | None, status: tuple[str, ...] | None,
                kinds: tuple[str, ...] | None) -> dict[str, Any]:
    """What a graph built from ``data`` records about itself (``G.graph``)."""
    crs = getattr(data.organizations, "crs", None)
    return {"source": data.source, "as_of": None if as_of is None else as_of.date().isoformat(),
            "status": status, "kinds": kinds, "crs": str(crs) if crs is not None else None}


def _as_terms(v: Any) -> list:
    if isinstance(v, (list, tuple, set)):
        return [t for t in v if t is not None and t == t and str(t).strip()]
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return []
    return [t.strip() for t in re.split(r"[;؛|]", str(v)) if t.strip()]


def _focal(orgs: pd.DataFrame, focal: Any) -> int:
    """The position of ``focal`` in the organisations, or UnknownOrganizationError with hints."""
    focal = _clean_id(str(focal))
    if focal in orgs.index:
        return int(orgs.index.get_loc(focal))
    norm = schema.normalize_text
    ids = [str(i) for i in orgs.index]
    want = norm(focal)
    nids = [norm(i) for i in ids]
    def unpadded(text: str) -> str:
        return re.sub(r"\d+", lambda m: str(int(m.group())), text)

    close = [i for i, n in zip(ids, nids, strict=True) if n == want]  # org-001 for ORG-001, ٣ for 3
    close += [i for i, n in zip(ids, nids, strict=True) if unpadded(n) == unpadded(want)]  # ORG-01 for ORG-001
    close += [ids[nids.index(n)] for n in difflib.get_close_matches(want, nids, n=3, cutoff=0.75)]
    for col in ("name", "name_en"):  # by name, whole or in part, Arabic spelling variants folded
        if col in orgs.columns and len(want) >= 3:
            names = orgs[col].astype(str).map(norm)
            close += [str(i) for i in orgs.index[(names == want) | names.str.contains(want, regex=False)]][:3]
    close = list(dict.fromkeys(close))[:3]
    if close and "name" in orgs.columns:
        hint = " Did you mean " + " or ".join(f"'{c}' ({orgs.at[c, 'name']})" for c in close) + "?"
    elif close:
        hint = " Did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    else:
        hint = " Give the org_id of one of the organisations."
    raise UnknownOrganizationError(f"focal '{focal}' is not an org_id in the data.{hint}")


#: A settings file (weights, report parameters) larger than this is refused unread.
MAX_SETTINGS_BYTES = 1_000_000


class _NoAliases(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases (``*name``).

    Nested aliases expand a 1 KB file into billions of values ("billion laughs"), and a
    settings file never needs them.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102 - PyYAML's hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, f"aliases (*{event.anchor}) are not allowed",
                                              event.start_mark)
        return super().compose_node(parent, index)


def _read_settings(path: Path) -> Any:
    """A small YAML settings file, read safely: no aliases, no Python objects, at most :data:`MAX_SETTINGS_BYTES`.

    Raises OSError / UnicodeDecodeError when it cannot be read, ValueError when it is too
    large, and yaml.YAMLError (its message says where and what) when it is not plain YAML.
    """
    size = path.stat().st_size
    if size > MAX_SETTINGS_BYTES:
        raise ValueError(f"the file is {size:,} bytes; a settings file is a few lines "
                         f"(at most {MAX_SETTINGS_BYTES:,} bytes)")
    return yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_NoAliases)  # noqa: S506 - a safe loader


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """Where and what, for a YAML error: ' at line 3 (aliases (*a) are not allowed)'."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None)
    return f"{where} ({problem})" if problem else where


_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxlevel = 60, 60, 5, 5, 3


def _short_repr(value: Any) -> str:
    """``repr(value)`` cut short (long texts, long or deeply nested lists), for echoing a value in a message."""
    return _SHORT.repr(value)


# ------------------------------------------------------------------ text that is safe to write

#: Characters no XML file may hold (and so no .xlsx, GEXF or GraphML): the C0 controls but tab,
#: line feed and carriage return; U+FFFE and U+FFFF; lone surrogates. A NUL also cuts a
#: GeoPackage's text. One rule for every writer: the loader replaces them (with a warning).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: The controls that separate text (vertical tab, form feed, the file/group/record/unit separators).
_SPACE_LIKE = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f")
_LINE_BREAK = re.compile("\r\n?")


def _safe_text(s: str) -> str:
    """``s`` with :data:`CONTROL_CHARACTERS` replaced and every line break written LF.

    The controls that separate text (vertical tab, form feed, U+001C–U+001F) become a
    space, the others are removed; a lone CR and CR LF become LF, so no CSV row is split.
    """
    if "\r" in s:
        s = _LINE_BREAK.sub("\n", s)
    return CONTROL_CHARACTERS.sub(lambda m: " " if m.group() in _SPACE_LIKE else "", s)


#: What a spreadsheet reads as the start of a formula (OWASP's CSV injection advice).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralised(v: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, with ``'`` before it; anything else as it is.

    Numbers, and text that reads as a number (``-1.5``), are left alone. Text that already
    starts with ``'`` before such a start (``'=x``) gets one more, so that
    :func:`_unneutralised` gives back exactly what was written.
    """
    if isinstance(v, str) and _formula_like(v.lstrip("'")):
        return "'" + v
    return v


def _formula_like(v: str) -> bool:
    return v.startswith(FORMULA_START) and _number(v) is None


def _unneutralised(v: str) -> str:
    """The inverse of :func:`_neutralised` for a cell read from a CSV file: one leading ``'`` dropped."""
    return v[1:] if v[:1] == "'" and _formula_like(v[1:].lstrip("'")) else v
