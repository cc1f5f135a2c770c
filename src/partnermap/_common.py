"""Small helpers shared by several modules: missing values, numbers, dates, term lists, the focal lookup.

Private: imported as a module (``from . import _common``), never re-exported.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
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
