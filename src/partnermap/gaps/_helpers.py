"""What two or more of the gaps modules use: ids, columns, ties, labels, gap rows."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .. import _common, schema
from .._data import PartnerData
from .._errors import UnknownOrganizationError

# the module partnermap.centrality (the package's attribute of that name is the function): its private
# summary parts serve structural_gaps and what_if
centrality = importlib.import_module("partnermap.centrality")

#: Columns of :func:`structural_gaps`, :attr:`Portfolio.gaps` and :func:`gaps_table`.
GAP_COLUMNS = ["scope", "gap", "org_id", "name", "other_id", "area_id", "count", "members", "message"]

#: One plain sentence per kind of gap (the ``gap`` column), in the order the tables list them.
GAP_MEANINGS: dict[str, str] = {
    "isolated_group": (
        "A group of organisations tied only among themselves: no tie links them to the main network. count: "
        "its size."
    ),
    "isolate": "An organisation with no ties at all.",
    "cut_point": (
        "An organisation whose loss would cut at least two organisations off: count organisations (listed in "
        "members) would lose their link to the largest remaining part (one that only holds a single "
        "organisation shows as that organisation's single_tie)."
    ),
    "bridge_tie": (
        "A partnership that is the only link for a group of at least two organisations: if it ends, count "
        "organisations are cut off (ties that only hold one organisation are listed under single_tie)."
    ),
    "community_single_link": (
        "A community (a cluster of closely tied organisations) that connects to the rest of the network "
        "through one organisation only. count: the community's size."
    ),
    "single_tie": "An organisation that depends on a single partnership (other_id is its only partner).",
    "sector_pair": (
        "Two sectors with no tie between them although random partnering would give some. count: the ties "
        "chance would give, rounded."
    ),
    "type_pair": (
        "Two organisation types with no tie between them although random partnering would give at least "
        "min_expected. count: the ties chance would give, rounded."
    ),
    "underserved_area": (
        "An area no organisation reaches (by its location and service radius). count: its population where "
        "known."
    ),
    "stalled": (
        "An organisation at engagement stage 'contacted' with no active or proposed tie with the focal "
        "organisation (with anyone, when no focal organisation is given and the data has a stage_date "
        "column); with stage_date, only those contacted more than stall_months ago, and count is the days "
        "since."
    ),
    "stalled_proposal": (
        "A proposed tie whose planned start date has passed while it is still only proposed. count: days "
        "since the planned start."
    ),
    "missing_sector": (
        "A sector in which the focal organisation has no active partner. count: organisations of that sector "
        "in the data."
    ),
    "unmet_need": (
        "Something the focal organisation needs that none of its partners offers. count: other organisations "
        "in the data that offer it."
    ),
    "unused_offer": (
        "Something the focal organisation offers that none of its partners needs. count: other organisations "
        "in the data that need it."
    ),
    "overdue_review": (
        "An active tie of the focal organisation whose review (last_reviewed, or start_date, plus "
        "review_every_months) is past due. count: days overdue."
    ),
    "ended_tie": "A partner whose tie with the focal organisation has ended and not been renewed.",
    "lapsed": (
        "An organisation at engagement stage 'lapsed' without a recorded ended tie."
    ),
    "area_not_reached": (
        "An area neither the focal organisation nor any of its partners reaches. count: its population where "
        "known."
    ),
    "formality": "The balance of formal and informal active ties of the focal organisation. count: informal ties.",
}

_MAX_MEMBERS = 100  # ids listed in a gap's members


def _today(as_of: Any) -> pd.Timestamp:
    """``as_of`` as a normalised Timestamp, today when ``None`` (explicitly, as documented)."""
    ts = _common._as_date(as_of)
    return ts if ts is not None else pd.Timestamp(dt.date.today())

def _org_id(orgs: pd.DataFrame, value: Any, what: str) -> int:
    """Position of ``value`` in ``orgs``; UnknownOrganizationError naming ``what``, with close matches."""
    try:
        return _common._focal(orgs, value)
    except UnknownOrganizationError as exc:
        if what == "focal":
            raise
        raise UnknownOrganizationError(str(exc).replace(f"focal '{value}'", f"{what}: '{value}'", 1)) from None


def _lists(values: np.ndarray) -> list[list]:
    """Each value as a list of terms (lists kept, text split on its separators)."""
    return [v if isinstance(v, list) else [] if v is None else _common._as_terms(v) for v in values]


def _column(orgs: pd.DataFrame, name: str) -> np.ndarray:
    """The column ``name`` as an object array, all ``None`` when absent."""
    if name in orgs.columns:
        return orgs[name].to_numpy(dtype=object)
    return np.full(len(orgs), None, dtype=object)


def _ties(data: PartnerData, as_of: pd.Timestamp | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions of each tie's source and target (-1 if unknown) and its status on ``as_of``."""
    rel = data.relationships
    if rel is None or not len(rel) or not {"source", "target"} <= set(rel.columns):
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, np.zeros(0, dtype=object)
    if "status" not in rel.columns:
        rel = rel.assign(status="active")
    status = _common._status_at(rel, as_of).to_numpy(dtype=object)
    idx = data.organizations.index
    return idx.get_indexer(rel["source"]), idx.get_indexer(rel["target"]), status


def _adjacency(n: int, src: np.ndarray, dst: np.ndarray) -> sp.csr_array:
    """Binary symmetric partner matrix (parallel ties merged, self-ties and unknown ends dropped)."""
    ok = (src >= 0) & (dst >= 0) & (src != dst)
    s, t = src[ok], dst[ok]
    A = sp.csr_array((np.ones(2 * len(s)), (np.r_[s, t], np.r_[t, s])), shape=(n, n))
    A.sum_duplicates()
    A.data[:] = 1.0
    A.sort_indices()
    return A


def _and_join(words: Sequence[str]) -> str:
    """``a, b and c``."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _labels(vocab: dict[str, schema.Term], keys: Iterable[str]) -> list[str]:
    """The lower-case English labels of vocabulary ``keys`` (free terms with spaces for underscores)."""
    return [schema.label(vocab, k).lower() if k in vocab else str(k).replace("_", " ") for k in keys]


def _sector_label(sector: Any) -> str:
    """A sector in words (``unknown`` when missing)."""
    return schema.label(schema.SECTORS, sector).lower() if not _common._missing(sector) else "unknown"


def _type_label(org_type: Any) -> str:
    """An organisation type in words (``unknown`` when missing)."""
    return schema.label(schema.ORG_TYPES, org_type).lower() if not _common._missing(org_type) else "unknown"


def _schedule_rows(rel: pd.DataFrame | None, fid: Any) -> pd.DataFrame | None:
    """The rows of ``rel`` ``review_schedule`` needs for ``fid``'s ties: its ties, or every tie.

    The schedule is worked out tie by tie, so the focal organisation's ties alone give
    its rows, unless a date column is still text (read as a whole, a column's format is
    guessed from its first dates). With no tie of its own, one other row keeps the
    columns' types.
    """
    if rel is None or not len(rel) or not {"source", "target"} <= set(rel.columns):
        return rel
    dates = ("start_date", "end_date", "last_reviewed")
    if not all(pd.api.types.is_datetime64_any_dtype(rel[c]) for c in dates if c in rel.columns):
        return rel
    mine = ((rel["source"] == fid) | (rel["target"] == fid)).to_numpy()
    return rel[mine] if mine.any() else rel.iloc[:1]


def _who(names: Mapping[Any, Any], org_id: Any) -> str:
    """``name (org_id)``, or the id alone when the name is missing or the same."""
    name = names.get(org_id)
    return f"{name} ({org_id})" if not _common._missing(name) and str(name) != str(org_id) else str(org_id)


def _few(ids: Sequence[Any], limit: int = 3) -> str:
    """The first ``limit`` ids, then ``and N more``."""
    ids = [str(i) for i in ids]
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _plural(n: int, word: str, plural: str | None = None) -> str:
    """``1 word``, ``2 words``."""
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"



def _gap_row(gap: str, message: str, *, scope: str = "ecosystem", org_id: Any = None, name: Any = None,
             other_id: Any = None, area_id: Any = None, count: Any = None,
             members: Sequence[Any] = ()) -> dict[str, Any]:
    """One gap as a row of :data:`GAP_COLUMNS` (``members`` cut to the first 100)."""
    return {"scope": scope, "gap": gap, "org_id": org_id, "name": name, "other_id": other_id,
            "area_id": area_id, "count": count, "members": [str(m) for m in list(members)[:_MAX_MEMBERS]],
            "message": message}


def _gap_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Gap rows as a table of :data:`GAP_COLUMNS`, by kind of gap, then count (largest first), then id."""
    order = {g: i for i, g in enumerate(GAP_MEANINGS)}
    df = pd.DataFrame(rows, columns=GAP_COLUMNS)
    for c in GAP_COLUMNS:
        if c != "count":
            df[c] = df[c].astype(object)
    df["count"] = pd.array([None if _common._missing(v) else int(round(float(v))) for v in df["count"]], dtype="Int64")
    if len(df):
        key = pd.DataFrame({
            "g": df["gap"].map(order).fillna(len(order)),
            "c": -df["count"].astype("Float64").fillna(-np.inf).to_numpy(dtype=float),
            "o": df["org_id"].map(lambda v: "" if v is None else str(v)),
            "a": df["area_id"].map(lambda v: "" if v is None else str(v)),
        })
        df = df.iloc[key.sort_values(["g", "c", "o", "a"], kind="stable").index].reset_index(drop=True)
    return df

