"""Small helpers shared by several modules: missing values, numbers, dates, term lists, the focal lookup.

Private: imported as a module (``from . import _common``), never re-exported.
"""

from __future__ import annotations

import difflib
import math
import re
from typing import Any

import pandas as pd

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


def _as_date(value: Any) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"as_of {value!r} is not a date; write it as YYYY-MM-DD.") from exc
    return None if pd.isna(ts) else ts.normalize()


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



def _as_terms(v: Any) -> list:
    if isinstance(v, (list, tuple, set)):
        return [t for t in v if t is not None and t == t and str(t).strip()]
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return []
    return [t.strip() for t in re.split(r"[;؛|]", str(v)) if t.strip()]


def _focal(orgs: pd.DataFrame, focal: Any) -> int:
    """The position of ``focal`` in the organisations, or UnknownOrganizationError with hints."""
    focal = str(focal)
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

    Numbers, and text that reads as a number (``-1.5``), are left alone.
    """
    if isinstance(v, str) and v.startswith(FORMULA_START) and _number(v) is None:
        return "'" + v
    return v


def _unneutralised(v: str) -> str:
    """The inverse of :func:`_neutralised` for a cell read from a CSV file."""
    return v[1:] if v[:1] == "'" and v[1:2] in FORMULA_START and v[1:2] != "" and _number(v[1:]) is None else v
