"""Gaps and potential partners: who should we partner with next, and why.

Four questions, one function each:

- :func:`potential_partners` — every organisation that is not already an active
  partner of the focal organisation, scored on seven components that each lie in
  [0, 1] (:data:`COMPONENT_MEANINGS`), weighted (:data:`DEFAULT_WEIGHTS`) into a
  ``score``, with a plain-language ``reasons`` sentence per row;
- :func:`portfolio` — the focal organisation's partners by sector and type, needs no
  partner offers, offers nobody uses, reviews overdue, ended and lapsed ties, formal vs
  informal balance, and the areas neither it nor its partners reach;
- :func:`structural_gaps` — the whole ecosystem's weak spots: isolated groups, isolates,
  cut points and bridge ties (with what they would cut off), communities hanging on one
  organisation, organisations with a single tie, sector and type pairs with no ties,
  areas no organisation reaches, and stalled engagement;
- :func:`what_if` — the same network figures and portfolio after adding ties or
  removing organisations, with the differences said in words.

:func:`gaps_table` puts the structural and portfolio gaps in one table (the
``partnermap gaps`` file); :func:`read_weights` reads ranking weights from a YAML file.
Every function is pure: it never writes files or changes its input.

Dates: ``as_of`` judges ties as they stood on that date (from their start and end dates)
and reviews and stalls against it. ``None`` uses each tie's recorded ``status`` (as
:func:`partnermap.build_graph` does) and today's date for review deadlines.

Examples
--------
>>> import partnermap as pm
>>> from partnermap.gaps import potential_partners
>>> data = pm.load(pm.datasets.demo_path())
>>> ranked = potential_partners(data, pm.datasets.FOCAL_ID, top=5, as_of=pm.datasets.DEMO_AS_OF)
>>> ranked.index.name, len(ranked), ranked["score"].is_monotonic_decreasing
('org_id', 5, True)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import itertools
import logging
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from .. import _common, _geo, schema
from .._data import PartnerData
from .._errors import PartnermapError, UnknownOrganizationError
from ..graph import build_graph, simple_graph

__all__ = [
    "COMPONENTS",
    "COMPONENT_MEANINGS",
    "DEFAULT_WEIGHTS",
    "GAP_COLUMNS",
    "GAP_MEANINGS",
    "Portfolio",
    "WhatIf",
    "format_gaps",
    "format_partners",
    "gaps_table",
    "portfolio",
    "potential_partners",
    "read_weights",
    "review_schedule",
    "structural_gaps",
    "what_if",
]

log = logging.getLogger("partnermap")

#: The score components of :func:`potential_partners`, in column order.
COMPONENTS = (
    "mutual_benefit",
    "shared_causes",
    "network_proximity",
    "proximity",
    "fills_gap",
    "equity",
    "capacity",
)

#: Default weight of each component; they sum to 1, so the default ``score`` lies in [0, 1].
DEFAULT_WEIGHTS: dict[str, float] = {
    "mutual_benefit": 0.30,
    "shared_causes": 0.15,
    "network_proximity": 0.15,
    "proximity": 0.15,
    "fills_gap": 0.10,
    "equity": 0.10,
    "capacity": 0.05,
}

#: One plain paragraph per component of :func:`potential_partners`, for reports and the README.
COMPONENT_MEANINGS: dict[str, str] = {
    "mutual_benefit": (
        "How well you complete each other (0 to 1). A partnership is for mutual benefit: it counts "
        "the share of your needs that they offer and the share of their needs that you offer, "
        "half as the average of the two and half as their geometric mean, so a match both ways "
        "scores higher than a one-sided one (a one-sided match scores at most 0.25)."
    ),
    "shared_causes": (
        "How much your causes overlap (0 to 1): twice the number of shared causes divided by the "
        "length of both lists (Dice). Shared values keep a partnership going."
    ),
    "network_proximity": (
        "How close they already are to you in the partnership network (0 to 1): the partners you "
        "share, each counted more when it has few ties (Adamic-Adar), as 1 - exp(-sum); 0.1 when "
        "they are three steps away; 0 when further or not connected. Trust travels through shared "
        "partners, and a shared partner can introduce you."
    ),
    "proximity": (
        "How close they are on the map (0 to 1): half distance decay (1 next door, 0.5 at "
        "half_distance_km, 5 km by default) and half the overlap of your service areas (circles "
        "of service_radius_km). 0 when either of you has no location, and the reasons say so."
    ),
    "fills_gap": (
        "What they add to your current portfolio of active partners (0 to 1): 0.5 for a sector "
        "none of your partners is in, 0.3 for an organisation type none of them is, 0.2 for being "
        "located outside the service areas of you and all your partners."
    ),
    "equity": (
        "Reaching beyond the people you already know (0 to 1): 0.5 for being outside your circle "
        "(no shared partner, or another community when communities are given), 0.25 for being "
        "less connected (1 / (1 + partners / median partners)) and 0.25 for being small (small 1, "
        "medium 0.5, large 0, unknown 0.5). Set its weight to 0 to switch it off."
    ),
    "capacity": (
        "How much time they can give (high 1, medium 0.6, low 0.2, unknown 0.5). Low capacity "
        "lowers the score: do not assume a partner has time to spare."
    ),
}

#: Columns of :func:`structural_gaps`, :attr:`Portfolio.gaps` and :func:`gaps_table`.
GAP_COLUMNS = ["scope", "gap", "org_id", "name", "other_id", "area_id", "count", "members", "message"]

#: One plain sentence per kind of gap (the ``gap`` column), in the order the tables list them.
GAP_MEANINGS: dict[str, str] = {
    "isolated_group": "A group of organisations tied only among themselves: no tie links them to the main network. count: its size.",
    "isolate": "An organisation with no ties at all.",
    "cut_point": "An organisation whose loss would cut at least two organisations off: count organisations (listed in members) would lose their link to the largest remaining part (one that only holds a single organisation shows as that organisation's single_tie).",
    "bridge_tie": "A partnership that is the only link for a group of at least two organisations: if it ends, count organisations are cut off (ties that only hold one organisation are listed under single_tie).",
    "community_single_link": "A community (a cluster of closely tied organisations) that connects to the rest of the network through one organisation only. count: the community's size.",
    "single_tie": "An organisation that depends on a single partnership (other_id is its only partner).",
    "sector_pair": "Two sectors with no tie between them although random partnering would give some. count: the ties chance would give, rounded.",
    "type_pair": "Two organisation types with no tie between them although random partnering would give at least min_expected. count: the ties chance would give, rounded.",
    "underserved_area": "An area no organisation reaches (by its location and service radius). count: its population where known.",
    "stalled": "An organisation at engagement stage 'contacted' with no active or proposed tie with the focal organisation (with anyone, when no focal organisation is given and the data has a stage_date column); with stage_date, only those contacted more than stall_months ago, and count is the days since.",
    "stalled_proposal": "A proposed tie whose planned start date has passed while it is still only proposed. count: days since the planned start.",
    "missing_sector": "A sector in which the focal organisation has no active partner. count: organisations of that sector in the data.",
    "unmet_need": "Something the focal organisation needs that none of its partners offers. count: other organisations in the data that offer it.",
    "unused_offer": "Something the focal organisation offers that none of its partners needs. count: other organisations in the data that need it.",
    "overdue_review": "An active tie of the focal organisation whose review (last_reviewed, or start_date, plus review_every_months) is past due. count: days overdue.",
    "ended_tie": "A partner whose tie with the focal organisation has ended and not been renewed.",
    "lapsed": "An organisation at engagement stage 'lapsed' without a recorded ended tie.",
    "area_not_reached": "An area neither the focal organisation nor any of its partners reaches. count: its population where known.",
    "formality": "The balance of formal and informal active ties of the focal organisation. count: informal ties.",
}

_SIZE_SCORE = {"small": 1.0, "medium": 0.5, "large": 0.0}
_CAPACITY_SCORE = {"high": 1.0, "medium": 0.6, "low": 0.2}
_UNKNOWN_SCORE = 0.5
_THREE_STEPS = 0.1
_FILLS = {"sector": 0.5, "org_type": 0.3, "area": 0.2}
_EQUITY = {"beyond": 0.5, "less_connected": 0.25, "small": 0.25}
_MIN_SHOWN = 0.05  # components below this value are not mentioned in the reasons
_MIN_SHARE = 0.02  # ... nor those adding less than this share of the total weight to the score
_MAX_COMPONENTS_IN_REASONS = 4
_MAX_MEMBERS = 100  # ids listed in a gap's members
_DECIMALS = 6


# --------------------------------------------------------------------------- helpers


def _today(as_of: Any) -> pd.Timestamp:
    """``as_of`` as a normalised Timestamp, today when ``None`` (explicitly, as documented)."""
    ts = _common._as_date(as_of)
    return ts if ts is not None else pd.Timestamp(dt.date.today())


def _check_weights(weights: Mapping[str, Any] | None, where: str = "weights") -> dict[str, float]:
    """The full weights: defaults overridden by ``weights``; unknown names or bad values raise."""
    out = dict(DEFAULT_WEIGHTS)
    if weights is None:
        return out
    if not isinstance(weights, Mapping):
        raise PartnermapError(
            f"{where} must map component names to numbers, e.g. {{'equity': 0.2}}; got {type(weights).__name__}.")
    problems = []
    for key, value in weights.items():
        name = str(key)
        if isinstance(value, str):  # YAML 1.1 reads 1e-1 as text
            try:
                value = float(value)
            except ValueError:
                pass
        if name not in DEFAULT_WEIGHTS:
            close = difflib.get_close_matches(name, COMPONENTS, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(f"unknown weight '{name}'{hint}")
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            problems.append(f"weight '{name}' is {value!r}, not a number")
        elif not math.isfinite(float(value)):
            problems.append(f"weight '{name}' is {value!r}; give a finite number")
        elif value < 0:
            problems.append(f"weight '{name}' is {value!r}; weights must be 0 or more")
        else:
            out[name] = float(value)
    if problems:
        raise PartnermapError(
            f"{where}: " + "; ".join(problems) + f". The components are: {', '.join(COMPONENTS)}.")
    if not any(v > 0 for v in out.values()):
        raise PartnermapError(f"{where}: every weight is 0; give at least one component a weight above 0.")
    return out


def read_weights(path: str | Path) -> dict[str, float]:
    """Read ranking weights from a YAML file, for ``partnermap partners --weights FILE.yaml``.

    The file maps component names to weights, at the top level or under ``weights:``::

        # weights.yaml: favour complementarity, ignore equity
        mutual_benefit: 0.5
        equity: 0

    Components not named keep their :data:`DEFAULT_WEIGHTS`.

    Parameters
    ----------
    path
        The YAML file.

    Returns
    -------
    dict
        Every component's weight (defaults filled in), ready for
        :func:`potential_partners`.

    Raises
    ------
    PartnermapError
        When the file is missing, is not valid YAML, is not a mapping, names an unknown
        component or gives a negative or non-numeric weight. The message starts with the
        file name.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from partnermap.gaps import read_weights
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "w.yaml").write_text("equity: 0\\nmutual_benefit: 0.5\\n")
    >>> read_weights(folder / "w.yaml")["equity"]
    0.0
    """
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PartnermapError(f"{path}: weights file not found.") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise PartnermapError(f"{path}: cannot read the weights file ({exc.__class__.__name__}).") from None
    try:
        content = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise PartnermapError(f"{path}: not valid YAML{where}; write one 'component: weight' per line.") from None
    if isinstance(content, Mapping) and set(content) == {"weights"}:
        content = content["weights"]
    if content is None:
        raise PartnermapError(f"{path}: the weights file is empty; write one 'component: weight' per line, "
                              f"e.g. 'equity: 0.2'. The components are: {', '.join(COMPONENTS)}.")
    if not isinstance(content, Mapping):
        raise PartnermapError(f"{path}: expected 'component: weight' lines, found a {type(content).__name__}. "
                              f"The components are: {', '.join(COMPONENTS)}.")
    return _check_weights(content, where=str(path))


def _check_top(top: Any) -> int | None:
    if top is None:
        return None
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise PartnermapError(f"top={top!r}: give how many candidates to return (1 or more), or None for all.")
    return int(top)


def _org_id(orgs: pd.DataFrame, value: Any, what: str) -> int:
    """Position of ``value`` in ``orgs``; UnknownOrganizationError naming ``what``, with close matches."""
    try:
        return _common._focal(orgs, value)
    except UnknownOrganizationError as exc:
        if what == "focal":
            raise
        raise UnknownOrganizationError(str(exc).replace(f"focal '{value}'", f"{what}: '{value}'", 1)) from None


def _lists(values: np.ndarray) -> list[list]:
    return [v if isinstance(v, list) else _common._as_terms(v) for v in values]


def _term_matrix(lists: list[list], terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``terms`` each organisation lists (n × k booleans), and how many terms each lists."""
    n = len(lists)
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=n)
    M = np.zeros((n, len(terms)), dtype=bool)
    if len(terms) and lengths.sum():
        flat = list(itertools.chain.from_iterable(lists))
        codes = pd.Index(list(terms), dtype=object).get_indexer(pd.Index(flat, dtype=object))
        pos = np.repeat(np.arange(n), lengths)
        hit = codes >= 0
        M[pos[hit], codes[hit]] = True
    return M, lengths


def _column(orgs: pd.DataFrame, name: str) -> np.ndarray:
    if name in orgs.columns:
        return orgs[name].to_numpy(dtype=object)
    return np.full(len(orgs), None, dtype=object)


def _scores(values: np.ndarray, mapping: dict[str, float]) -> np.ndarray:
    return pd.Series(values, dtype=object).map(mapping).astype(float).fillna(_UNKNOWN_SCORE).to_numpy()


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
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _labels(vocab: dict[str, schema.Term], keys: Iterable[str]) -> list[str]:
    return [schema.label(vocab, k).lower() if k in vocab else str(k).replace("_", " ") for k in keys]


def _sector_label(sector: Any) -> str:
    return schema.label(schema.SECTORS, sector).lower() if not _common._missing(sector) else "unknown"


def _type_label(org_type: Any) -> str:
    return schema.label(schema.ORG_TYPES, org_type).lower() if not _common._missing(org_type) else "unknown"


def _km(d: float) -> str:
    return f"{d:.1f} km" if d < 10 else f"{d:,.0f} km"


def _who(names: Mapping[Any, Any], org_id: Any) -> str:
    name = names.get(org_id)
    return f"{name} ({org_id})" if not _common._missing(name) and str(name) != str(org_id) else str(org_id)


def _few(ids: Sequence[Any], limit: int = 3) -> str:
    ids = [str(i) for i in ids]
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"


# ------------------------------------------------------------ potential partners


@dataclass
class _Candidates:
    """Everything the reasons need, as arrays over all organisations."""

    ids: np.ndarray
    needs_f: list[str]
    offers_f: list[str]
    causes_f: list[str]
    give: np.ndarray  # n × len(needs_f): they offer what focal needs
    get: np.ndarray  # n × len(offers_f): they need what focal offers
    shared: np.ndarray  # n × len(causes_f)
    common: np.ndarray  # shared partners
    three: np.ndarray
    A: sp.csr_array
    partners: np.ndarray  # positions of focal's active partners
    distance: np.ndarray
    overlap: np.ndarray
    focal_located: bool
    new_sector: np.ndarray
    new_type: np.ndarray
    outside: np.ndarray
    beyond: np.ndarray
    degree: np.ndarray
    median_degree: float
    size: np.ndarray
    capacity: np.ndarray
    sector: np.ndarray
    org_type: np.ndarray
    tie_note: dict[int, str]
    use_communities: bool


def potential_partners(
    data: PartnerData,
    focal: str,
    *,
    top: int | None = 20,
    weights: Mapping[str, float] | None = None,
    as_of: str | dt.date | None = None,
    include_ended: bool = False,
    half_distance_km: float = 5.0,
    communities: pd.Series | None = None,
) -> pd.DataFrame:
    """Rank the organisations the focal organisation could partner with next, with reasons.

    Every organisation that is not already an active partner of ``focal`` is scored on
    the seven components of :data:`COMPONENT_MEANINGS` (each in [0, 1]); ``score`` is
    their weighted sum. Former partners (an ended tie with ``focal``, or engagement
    stage ``lapsed``) are left out unless ``include_ended``; organisations with a
    proposed tie stay in and their reasons say so. Ties in the score break on
    ``org_id``, so the same data and parameters always give the same table.

    The work is vectorised over all organisations; the ``reasons`` sentences are built
    only for the rows returned.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    focal
        The ``org_id`` of the organisation looking for partners.
    top
        How many candidates to return (``None``: all of them).
    weights
        Component weights; names not given keep :data:`DEFAULT_WEIGHTS`. Unknown names,
        negative or non-numeric weights raise :class:`~partnermap.PartnermapError`. A
        weight of 0 removes that component's influence (and its reasons).
    as_of
        Judge the ties as they stood on this date; ``None`` uses their recorded status.
    include_ended
        Also rank former partners (for re-engagement).
    half_distance_km
        Distance at which the distance-decay half of ``proximity`` falls to 0.5.
    communities
        Optional community label per ``org_id`` (e.g. ``centrality(G)["community"]``):
        ``equity`` then counts "outside your circle" as another community than
        ``focal``'s. By default the circle is the organisations you share a partner with.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``org_id`` in rank order (written as the first column by
        :func:`partnermap.export.write_table`): ``rank``, ``name``, ``sector``,
        ``org_type``, ``score``, ``reasons``, the seven components, ``engagement_stage``,
        ``distance_km`` (NaN where a location is missing) and ``shared_partners`` (the
        active partners you share, who could introduce you). ``attrs`` records the focal
        organisation, weights, date and counts.

    Raises
    ------
    UnknownOrganizationError
        When ``focal`` is not an ``org_id``; the message suggests close matches by id and
        by (Arabic-normalised) name.
    PartnermapError
        For bad ``weights``, ``top`` or ``half_distance_km``.

    See Also
    --------
    COMPONENT_MEANINGS : what each component measures.
    portfolio : the focal organisation's current partners and gaps.

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.gaps import COMPONENTS, potential_partners
    >>> data = pm.load(pm.datasets.demo_path())
    >>> top = potential_partners(data, "ORG-001", top=3, as_of=pm.datasets.DEMO_AS_OF)
    >>> bool(top[list(COMPONENTS)].apply(lambda c: c.between(0, 1)).all().all())
    True
    >>> "that you need" in top["reasons"].iloc[0]
    True
    """
    t0 = time.perf_counter()
    w = _check_weights(weights)
    top = _check_top(top)
    if isinstance(half_distance_km, bool) or not isinstance(half_distance_km, (int, float, np.number)) \
            or not math.isfinite(half_distance_km) or half_distance_km <= 0:
        raise PartnermapError(f"half_distance_km must be a distance in km above 0, not {half_distance_km!r}.")
    orgs = data.organizations
    n = len(orgs)
    f = _org_id(orgs, focal, "focal")
    fid = orgs.index[f]
    as_of_ts = _common._as_date(as_of)
    ids = orgs.index.to_numpy(dtype=object)

    # ---- the network: active ties on as_of, the focal organisation's ties of any status
    src, dst, status = _ties(data, as_of_ts)
    A = _adjacency(n, src[status == "active"], dst[status == "active"])
    degree = np.diff(A.indptr)
    partners = A.indices[A.indptr[f]:A.indptr[f + 1]]
    touching = (src == f) | (dst == f)
    other = np.where(src == f, dst, src)
    rel = data.relationships

    def dates(name: str) -> np.ndarray:
        if touching.any() and name in rel.columns:
            return pd.to_datetime(rel[name], errors="coerce").to_numpy(dtype="datetime64[ns]")
        return np.full(len(src), np.datetime64("NaT"), dtype="datetime64[ns]")

    starts, ends = dates("start_date"), dates("end_date")
    proposed: set[int] = set()
    starting: dict[int, pd.Timestamp] = {}
    ended: dict[int, pd.Timestamp] = {}
    for j in np.flatnonzero(touching & (other >= 0) & (other != f)):
        o, st = int(other[j]), status[j]
        if st == "proposed":
            proposed.add(o)
        elif st == "not_started":
            starting[o] = min(starting.get(o, pd.Timestamp.max), pd.Timestamp(starts[j]))
        elif st == "ended":
            when = pd.Timestamp(ends[j])
            ended[o] = when if o not in ended or pd.isna(ended[o]) else max(ended[o], when) if not pd.isna(when) \
                else ended[o]
    tie_note: dict[int, str] = {}
    for o, when in ended.items():  # a proposal or a tie about to start outweighs an old ending
        tie_note[o] = ("former partner: your tie ended on " + when.date().isoformat()) if not pd.isna(when) \
            else "former partner: your tie has ended"
    for o, when in starting.items():
        tie_note[o] = f"a tie with you starts on {when.date().isoformat()}"
    for o in proposed:
        tie_note[o] = "a tie with you is already proposed"
    stage = _column(orgs, "engagement_stage")
    former = np.zeros(n, dtype=bool)
    for o, note in tie_note.items():
        if note.startswith("former"):
            former[o] = True
    lapsed = stage == "lapsed"
    for o in np.flatnonzero(lapsed & ~former):
        tie_note[int(o)] = "former partner (engagement stage: lapsed)"
    former |= lapsed
    candidate = np.ones(n, dtype=bool)
    candidate[f] = False
    candidate[partners] = False
    if not include_ended:
        candidate &= ~former

    # ---- shared partners (Adamic-Adar), three steps
    inv_log = 1.0 / np.log(np.maximum(degree[partners], 2))
    rows = A[partners] if len(partners) else sp.csr_array((0, n))
    common = np.asarray(rows.sum(axis=0)).ravel() if len(partners) else np.zeros(n)
    adamic = (rows.T @ inv_log) if len(partners) else np.zeros(n)
    two = np.flatnonzero(common > 0)
    three = (np.asarray(A[two].sum(axis=0)).ravel() > 0) if len(two) else np.zeros(n, dtype=bool)
    three &= common == 0
    network_proximity = np.where(adamic > 0, 1.0 - np.exp(-adamic), np.where(three, _THREE_STEPS, 0.0))

    # ---- offers, needs and causes
    offers_l = _lists(_column(orgs, "offers"))
    needs_l = _lists(_column(orgs, "needs"))
    causes_l = _lists(_column(orgs, "causes"))
    needs_f = list(dict.fromkeys(needs_l[f]))
    offers_f = list(dict.fromkeys(offers_l[f]))
    causes_f = list(dict.fromkeys(causes_l[f]))
    give, _ = _term_matrix(offers_l, needs_f)
    get, n_needs = _term_matrix(needs_l, offers_f)
    shared, n_causes = _term_matrix(causes_l, causes_f)
    a = give.sum(axis=1) / len(needs_f) if needs_f else np.zeros(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        b = np.where(n_needs > 0, get.sum(axis=1) / np.maximum(n_needs, 1), 0.0)
        denom = len(causes_f) + n_causes
        shared_causes = np.where(denom > 0, 2.0 * shared.sum(axis=1) / np.maximum(denom, 1), 0.0)
    mutual_benefit = 0.25 * (a + b) + 0.5 * np.sqrt(a * b)

    # ---- geography
    lon, lat, _, _ = _geo._org_locations(data)
    radius_km = _geo._radii_m(data, None, _geo.DEFAULT_RADIUS_KM)[0] / 1000.0
    located = np.isfinite(lat) & np.isfinite(lon)
    focal_located = bool(located[f])
    if focal_located:
        distance = _geo._haversine_km(lat[f], lon[f], lat, lon)
        distance[~located] = np.nan
    else:
        distance = np.full(n, np.nan)
    small_r = np.minimum(radius_km, radius_km[f])
    with np.errstate(divide="ignore", invalid="ignore"):
        overlap = np.where(small_r > 0, (radius_km + radius_km[f] - distance) / (2 * small_r),
                           (distance == 0).astype(float))
    overlap = np.clip(np.nan_to_num(overlap, nan=0.0), 0.0, 1.0)
    decay = np.power(0.5, distance / float(half_distance_km))
    proximity = np.where(np.isfinite(distance), 0.5 * decay + 0.5 * overlap, 0.0)

    # ---- what they add to the portfolio
    sector = _column(orgs, "sector")
    org_type = _column(orgs, "org_type")
    have_sectors = {s for s in sector[partners] if not _common._missing(s)}
    have_types = {t for t in org_type[partners] if not _common._missing(t)}
    sec_s, type_s = pd.Series(sector, dtype=object), pd.Series(org_type, dtype=object)
    new_sector = (sec_s.notna() & ~sec_s.isin(list(have_sectors))).to_numpy(dtype=bool)
    new_type = (type_s.notna() & ~type_s.isin(list(have_types))).to_numpy(dtype=bool)
    anchors = np.array([p for p in [f, *partners.tolist()] if located[p]], dtype=np.intp)
    outside = located & ~_within_any(lat, lon, located, anchors, radius_km) if len(anchors) \
        else np.zeros(n, dtype=bool)
    fills_gap = _FILLS["sector"] * new_sector + _FILLS["org_type"] * new_type + _FILLS["area"] * outside

    # ---- equity
    use_communities = communities is not None
    if use_communities:
        labels = pd.Series(communities).reindex(orgs.index).to_numpy(dtype=object)
        mine = labels[f]
        beyond = np.array([_common._missing(x) or _common._missing(mine) or x != mine for x in labels], dtype=bool)
    else:
        beyond = common == 0
    tied = degree[degree > 0]
    median_degree = float(max(1.0, np.median(tied))) if len(tied) else 1.0
    less_connected = 1.0 / (1.0 + degree / median_degree)
    size = _column(orgs, "size")
    equity = (_EQUITY["beyond"] * beyond + _EQUITY["less_connected"] * less_connected
              + _EQUITY["small"] * _scores(size, _SIZE_SCORE))
    cap = _column(orgs, "capacity")
    capacity = _scores(cap, _CAPACITY_SCORE)

    comps = {
        "mutual_benefit": mutual_benefit, "shared_causes": shared_causes,
        "network_proximity": network_proximity, "proximity": proximity,
        "fills_gap": fills_gap, "equity": equity, "capacity": capacity,
    }
    comps = {k: np.clip(np.round(v.astype(float), _DECIMALS), 0.0, 1.0) for k, v in comps.items()}
    score = np.round(sum(w[k] * comps[k] for k in COMPONENTS), _DECIMALS)

    # ---- the top rows, ties broken on org_id
    pool = np.flatnonzero(candidate)
    if top is not None and top < len(pool):
        kth = np.partition(-score[pool], top - 1)[top - 1]
        pool = pool[-score[pool] <= kth]
    order = np.lexsort((np.asarray(ids[pool], dtype=str), -score[pool]))
    chosen = pool[order][:top] if top is not None else pool[order]

    ctx = _Candidates(
        ids=ids, needs_f=needs_f, offers_f=offers_f, causes_f=causes_f, give=give, get=get,
        shared=shared, common=common, three=three, A=A, partners=partners, distance=distance,
        overlap=overlap, focal_located=focal_located, new_sector=new_sector, new_type=new_type,
        outside=outside, beyond=beyond, degree=degree, median_degree=median_degree, size=size,
        capacity=cap, sector=sector, org_type=org_type, tie_note=tie_note,
        use_communities=use_communities,
    )
    reasons = [_reasons(int(i), ctx, comps, w) for i in chosen]
    out = pd.DataFrame(
        {
            "rank": np.arange(1, len(chosen) + 1, dtype=np.int64),
            "name": _column(orgs, "name")[chosen],
            "sector": sector[chosen],
            "org_type": org_type[chosen],
            "score": score[chosen],
            "reasons": reasons,
            **{k: comps[k][chosen] for k in COMPONENTS},
            "engagement_stage": stage[chosen],
            "distance_km": np.round(distance[chosen], 3),
            "shared_partners": [
                sorted(str(ids[j]) for j in np.intersect1d(A.indices[A.indptr[i]:A.indptr[i + 1]], partners))
                for i in chosen
            ],
        },
        index=pd.Index(ids[chosen], name="org_id", dtype=object),
    )
    is_partner = np.zeros(n, dtype=bool)
    is_partner[partners] = True
    is_partner[f] = True
    out.attrs.update({
        "focal": str(fid),
        "focal_name": None if _common._missing(_column(orgs, "name")[f]) else str(_column(orgs, "name")[f]),
        "weights": dict(w),
        "as_of": None if as_of_ts is None else as_of_ts.date().isoformat(),
        "include_ended": bool(include_ended),
        "half_distance_km": float(half_distance_km),
        "active_partners": int(len(partners)),
        "former_partners_left_out": 0 if include_ended else int((former & ~is_partner).sum()),
        "candidates": int(candidate.sum()),
        "circle": "communities" if use_communities else "shared partners",
    })
    log.info("potential partners of %s: %d candidates ranked, %d returned in %.2f s",
             fid, int(candidate.sum()), len(out), time.perf_counter() - t0)
    return out


def _within_any(lat: np.ndarray, lon: np.ndarray, located: np.ndarray, anchors: np.ndarray,
                radius_km: np.ndarray) -> np.ndarray:
    """Which organisations lie within ``radius_km[a]`` of some anchor ``a`` (great-circle distance)."""
    n = len(lat)
    inside = np.zeros(n, dtype=bool)
    if len(anchors) <= 16:
        for a in anchors:
            inside |= _geo._haversine_km(lat[a], lon[a], lat, lon) <= radius_km[a]
        return inside
    from scipy.spatial import cKDTree

    def unit(la: np.ndarray, lo: np.ndarray) -> np.ndarray:
        p, q = np.radians(la), np.radians(lo)
        return np.column_stack([np.cos(p) * np.cos(q), np.cos(p) * np.sin(q), np.sin(p)])

    pts = np.flatnonzero(located)
    tree = cKDTree(unit(lat[pts], lon[pts]))
    chord = 2 * np.sin(np.minimum(radius_km[anchors] / (2 * 6371.0088), np.pi / 2)) * (1 + 1e-12)
    hits = tree.query_ball_point(unit(lat[anchors], lon[anchors]), chord, return_sorted=False)
    found = np.fromiter(itertools.chain.from_iterable(hits), dtype=np.intp)
    inside[pts[found]] = True
    return inside


def _reasons(i: int, c: _Candidates, comps: dict[str, np.ndarray], w: dict[str, float]) -> str:
    """The plain-language sentence for candidate ``i``: strongest components first, then caveats."""
    phrases: dict[str, list[str]] = {k: [] for k in COMPONENTS}
    give = [t for t, hit in zip(c.needs_f, c.give[i]) if hit]
    get = [t for t, hit in zip(c.offers_f, c.get[i]) if hit]
    if give:
        phrases["mutual_benefit"].append(f"offers {_and_join(_labels(schema.RESOURCES, give))} that you need")
    if get:
        phrases["mutual_benefit"].append(f"needs {_and_join(_labels(schema.RESOURCES, get))} that you offer")
    causes = [t for t, hit in zip(c.causes_f, c.shared[i]) if hit]
    if causes:
        phrases["shared_causes"].append(f"shares your cause{'s' if len(causes) > 1 else ''}: "
                                        f"{_and_join(_labels(schema.CAUSES, causes))}")
    k = int(round(c.common[i]))
    if k:
        phrases["network_proximity"].append(f"shares {_plural(k, 'partner')} with you")
    elif c.three[i]:
        phrases["network_proximity"].append("three steps away in your network")
    d = c.distance[i]
    if np.isfinite(d):
        phrases["proximity"].append(f"{_km(d)} away" + (", service areas overlap" if c.overlap[i] > 0 else ""))
    if c.new_sector[i]:
        phrases["fills_gap"].append(f"adds the {_sector_label(c.sector[i])} sector")
    if c.new_type[i]:
        phrases["fills_gap"].append(f"adds a new type of partner ({_type_label(c.org_type[i])})")
    if c.outside[i]:
        phrases["fills_gap"].append("works outside the areas you and your partners reach")
    if c.beyond[i]:
        phrases["equity"].append("in another community of the network" if c.use_communities
                                 else "outside your circle (no shared partners)")
    deg = int(c.degree[i])
    few = "no partners yet" if deg == 0 else f"only {_plural(deg, 'partner')}" if deg < c.median_degree else ""
    if c.size[i] == "small":
        phrases["equity"].append("a small organisation" + (f" with {few}" if few else ""))
    elif few:
        phrases["equity"].append(f"has {few}")
    if c.capacity[i] == "high":
        phrases["capacity"].append("has time to give (high capacity)")

    total = sum(w.values())
    ranked = sorted(
        (k for k in COMPONENTS
         if phrases[k] and comps[k][i] >= _MIN_SHOWN and w[k] * comps[k][i] >= _MIN_SHARE * total),
        key=lambda k: (-w[k] * comps[k][i], COMPONENTS.index(k)),
    )[:_MAX_COMPONENTS_IN_REASONS]
    parts = []
    if i in c.tie_note:
        parts.append(c.tie_note[i])
    for k in ranked:
        parts.extend(phrases[k])
    if "mutual_benefit" in ranked and give and not get:
        parts.append("but needs nothing you offer")
    if "mutual_benefit" in ranked and get and not give:
        parts.append("but offers nothing you need")
    if w["capacity"] > 0 and c.capacity[i] == "low":
        parts.append("low capacity: do not assume it has time to spare")
    if w["proximity"] > 0 and not np.isfinite(d):
        parts.append("distance not scored: " + ("your location is unknown" if not c.focal_located
                                                else "its location is unknown"))
    return "; ".join(parts) if parts else "no strong match on any component"


# ------------------------------------------------------------------- reviews


def _add_months(base: pd.Series, months: pd.Series) -> pd.Series:
    """``base`` plus whole calendar months (the day clipped to the month's end); NaT where unknown."""
    ok = base.notna() & months.notna() & (months > 0)
    if not ok.any():
        return pd.Series(pd.NaT, index=base.index, dtype="datetime64[ns]")
    b = base[ok]
    m = months[ok].round().astype(np.int64)
    total = b.dt.year.astype(np.int64) * 12 + (b.dt.month.astype(np.int64) - 1) + m
    first = pd.to_datetime(pd.DataFrame({"year": total // 12, "month": total % 12 + 1, "day": 1}))
    day = np.minimum(b.dt.day.to_numpy(), first.dt.days_in_month.to_numpy())
    due = first + pd.to_timedelta(day - 1, unit="D")
    return due.astype("datetime64[ns]").reindex(base.index)


def review_schedule(data: PartnerData, *, as_of: str | dt.date | None = None) -> pd.DataFrame:
    """When each tie's next review is due, and which active ties are overdue.

    A tie's review is due ``review_every_months`` (rounded to whole months) after its
    ``last_reviewed`` date or, if it was never reviewed, after its ``start_date``. An
    *active* tie whose review is due before ``as_of`` is overdue; proposed and ended ties
    never are.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    as_of
        The date reviews are judged against (and ties' status taken on); ``None``:
        today, with each tie's recorded status.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``tie_id``: ``source``, ``target``, ``kind``, ``status`` (on
        ``as_of``), ``formal``, ``start_date``, ``end_date``, ``last_reviewed``,
        ``review_every_months``, ``review_due``, ``review_basis`` (``last_reviewed``,
        ``start_date`` or empty when no review is scheduled or no date is known),
        ``overdue`` (bool) and ``days_overdue`` (whole days, empty unless overdue).

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.gaps import review_schedule
    >>> s = review_schedule(pm.load(pm.datasets.demo_path()), as_of=pm.datasets.DEMO_AS_OF)
    >>> bool(s["overdue"].any()), bool((s.loc[s["overdue"], "status"] == "active").all())
    (True, True)
    """
    today = _today(as_of)
    cols = ["source", "target", "kind", "status", "formal", "start_date", "end_date", "last_reviewed",
            "review_every_months", "review_due", "review_basis", "overdue", "days_overdue"]
    rel = data.relationships
    if rel is None or not len(rel):
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in cols}, index=pd.Index([], name="tie_id", dtype=object))
        return out.astype({"overdue": bool, "days_overdue": "Int64", "review_due": "datetime64[ns]"})
    rel_s = rel if "status" in rel.columns else rel.assign(status="active")
    status = _common._status_at(rel_s, _common._as_date(as_of))

    def dates(name: str) -> pd.Series:
        if name not in rel.columns:
            return pd.Series(pd.NaT, index=rel.index, dtype="datetime64[ns]")
        return pd.to_datetime(rel[name], errors="coerce").astype("datetime64[ns]")

    start, end, last = dates("start_date"), dates("end_date"), dates("last_reviewed")
    months = (pd.to_numeric(rel["review_every_months"], errors="coerce") if "review_every_months" in rel.columns
              else pd.Series(np.nan, index=rel.index))
    base = last.where(last.notna(), start)
    due = _add_months(base, months)
    basis = np.where(due.isna(), None, np.where(last.notna(), "last_reviewed", "start_date"))
    overdue = (status.to_numpy(dtype=object) == "active") & due.notna().to_numpy() & (due < today).to_numpy()
    days = pd.array(np.where(overdue, (today - due).dt.days.fillna(0).to_numpy(dtype=np.int64), 0), dtype="Int64")
    days[~overdue] = pd.NA
    out = pd.DataFrame(
        {
            "source": rel["source"].to_numpy(dtype=object),
            "target": rel["target"].to_numpy(dtype=object),
            "kind": rel["kind"].to_numpy(dtype=object) if "kind" in rel.columns else "partnership",
            "status": status.to_numpy(dtype=object),
            "formal": rel["formal"].to_numpy(dtype=object) if "formal" in rel.columns else None,
            "start_date": start.to_numpy(), "end_date": end.to_numpy(), "last_reviewed": last.to_numpy(),
            "review_every_months": months.to_numpy(dtype=float),
            "review_due": due.to_numpy(), "review_basis": basis, "overdue": overdue, "days_overdue": days,
        },
        index=pd.Index(rel.index, name="tie_id", dtype=object),
    )
    out["review_basis"] = pd.Series(basis, index=out.index, dtype=object)
    return out[cols]


# ----------------------------------------------------------------- portfolio


@dataclass(frozen=True, eq=False)
class Portfolio:
    """The focal organisation's partnerships and their gaps (what :func:`portfolio` returns).

    Attributes
    ----------
    focal, name
        The focal ``org_id`` and its name.
    as_of
        The date (ISO) reviews were judged against.
    partners
        Active partners, indexed by ``org_id``: ``name``, ``sector``, ``org_type``,
        ``ties``, ``kinds``, ``formal`` (any formal tie), ``engagement_stage``,
        ``offers``, ``needs``.
    ties
        Every tie of the focal organisation, indexed by ``tie_id``: the columns of
        :func:`review_schedule` plus ``partner``, ``partner_name``, ``partner_sector``.
    by_sector, by_type
        Indexed by sector / organisation type: ``partners`` (active partners),
        ``share`` (of partners) and ``organisations`` (others in the data).
    unmet_needs
        Indexed by ``need``: the focal organisation's needs no partner offers, with
        ``label`` and ``offered_by`` (other organisations in the data that offer it).
    unused_offers
        Indexed by ``offer``: its offers no partner needs, ``label``, ``needed_by``.
    overdue_reviews
        The rows of ``ties`` overdue for review, most overdue first.
    ended
        Former partners, indexed by ``org_id``: ``name``, ``sector``, ``kinds``,
        ``ended_on``, ``engagement_stage``, ``basis`` (``tie ended`` or
        ``stage lapsed``); current partners are left out.
    formality
        Active ties by ``formal`` / ``informal`` / ``unknown``.
    areas_not_reached
        Areas of ``data.areas`` that neither the focal organisation nor any partner
        reaches (their own columns and ``serving_total``), most populous first; empty
        without an areas layer.
    gaps
        The above as rows of :data:`GAP_COLUMNS` (``scope`` = ``portfolio``).
    """

    focal: str
    name: str | None
    as_of: str
    partners: pd.DataFrame
    ties: pd.DataFrame
    by_sector: pd.DataFrame
    by_type: pd.DataFrame
    unmet_needs: pd.DataFrame
    unused_offers: pd.DataFrame
    overdue_reviews: pd.DataFrame
    ended: pd.DataFrame
    formality: pd.Series
    areas_not_reached: pd.DataFrame
    gaps: pd.DataFrame

    def summary(self) -> str:
        """The portfolio as plain text for a terminal or an e-mail."""
        who = f"{self.focal} ({self.name})" if self.name else self.focal
        lines = [f"Portfolio of {who}; reviews judged on {self.as_of}"]
        sectors = ", ".join(f"{_sector_label(s)} {int(r.partners)}" for s, r in self.by_sector.iterrows())
        lines.append(f"active partners: {len(self.partners)} ({sectors})")
        types = ", ".join(f"{_type_label(t)} {int(r.partners)}" for t, r in self.by_type.iterrows() if r.partners)
        if types:
            lines.append(f"by type: {types}")
        status = self.ties["status"].value_counts() if len(self.ties) else pd.Series(dtype=int)
        other = ", ".join(f"{k} {int(v)}" for k, v in status.items() if k != "active")
        if other:
            lines.append(f"other ties: {other}")
        f = self.formality
        lines.append(f"formal vs informal (active ties): {int(f['formal'])} formal, {int(f['informal'])} informal"
                     + (f", {int(f['unknown'])} not recorded" if f["unknown"] else ""))
        lines.append("needs no partner offers: " + (", ".join(
            f"{r.label} ({r.offered_by} others offer it)" for r in self.unmet_needs.itertuples()) or "none"))
        lines.append("offers no partner needs: " + (", ".join(
            f"{r.label} ({r.needed_by} others need it)" for r in self.unused_offers.itertuples()) or "none"))
        lines.append(f"reviews overdue: {len(self.overdue_reviews)}")
        for r in self.overdue_reviews.head(5).itertuples():
            lines.append(f"  {r.partner} {r.partner_name}: {r.kind}, due {pd.Timestamp(r.review_due).date()}, "
                         f"{r.days_overdue} days overdue")
        lines.append(f"former partners: {len(self.ended)}")
        if len(self.areas_not_reached):
            shown = []
            for a, r in self.areas_not_reached.head(5).iterrows():
                pop = getattr(r, "population", np.nan)
                nm = r.get("name_en", r.get("name", "")) if hasattr(r, "get") else ""
                shown.append(f"{a} {nm}".strip() + (f" ({pop:,.0f} residents)" if not _common._missing(pop) else ""))
            lines.append(f"areas you and your partners do not reach: {len(self.areas_not_reached)}: "
                         + "; ".join(shown))
        return "\n".join(lines)


def _gap_row(gap: str, message: str, *, scope: str = "ecosystem", org_id: Any = None, name: Any = None,
             other_id: Any = None, area_id: Any = None, count: Any = None,
             members: Sequence[Any] = ()) -> dict[str, Any]:
    return {"scope": scope, "gap": gap, "org_id": org_id, "name": name, "other_id": other_id,
            "area_id": area_id, "count": count, "members": [str(m) for m in list(members)[:_MAX_MEMBERS]],
            "message": message}


def _gap_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
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


def _area_columns(cov: pd.DataFrame) -> list[str]:
    return [c for c in cov.columns if c != "geometry" and not c.startswith(
        ("located_", "serving_", "population_reached_", "focal_", "partner"))]


def portfolio(data: PartnerData, focal: str, *, as_of: str | dt.date | None = None) -> Portfolio:
    """The focal organisation's partnerships: who, what is missing, what needs attention.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    focal
        The ``org_id`` of the organisation whose portfolio it is.
    as_of
        Take the ties as they stood on this date and judge reviews against it; ``None``:
        the recorded statuses, and today for reviews.

    Returns
    -------
    Portfolio
        Partners by sector and type, needs no partner offers, offers no partner needs,
        reviews overdue, ended and lapsed ties, formal vs informal balance, areas of
        ``data.areas`` that neither it nor its partners reach, and all of these as gap
        rows (``.gaps``). ``.summary()`` gives plain text.

    Raises
    ------
    UnknownOrganizationError
        When ``focal`` is not an ``org_id`` (with close matches).

    See Also
    --------
    potential_partners : who could fill these gaps.
    review_schedule : the review dates of every tie.

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.gaps import portfolio
    >>> p = portfolio(pm.load(pm.datasets.demo_path()), "ORG-001", as_of=pm.datasets.DEMO_AS_OF)
    >>> int(p.by_sector.loc["public", "partners"])
    0
    >>> "DAM-07" in p.areas_not_reached.index
    True
    """
    orgs = data.organizations
    f = _org_id(orgs, focal, "focal")
    fid = orgs.index[f]
    today = _today(as_of)
    names = orgs["name"].to_dict() if "name" in orgs.columns else {}
    fname = names.get(fid)
    sched = review_schedule(data, as_of=as_of)
    mine = sched[(sched["source"] == fid) | (sched["target"] == fid)].copy()
    mine = mine[mine["source"] != mine["target"]]
    partner = np.where(mine["source"].to_numpy(dtype=object) == fid, mine["target"].to_numpy(dtype=object),
                       mine["source"].to_numpy(dtype=object))
    mine.insert(0, "partner", partner)
    mine.insert(1, "partner_name", [names.get(p) for p in partner])
    sector_of = orgs["sector"].to_dict() if "sector" in orgs.columns else {}
    mine.insert(2, "partner_sector", [sector_of.get(p) for p in partner])
    active = mine[mine["status"] == "active"]

    # partners
    sector = pd.Series(_column(orgs, "sector"), index=orgs.index, dtype=object)
    org_type = pd.Series(_column(orgs, "org_type"), index=orgs.index, dtype=object)
    stage = pd.Series(_column(orgs, "engagement_stage"), index=orgs.index, dtype=object)
    offers = pd.Series(_lists(_column(orgs, "offers")), index=orgs.index, dtype=object)
    needs = pd.Series(_lists(_column(orgs, "needs")), index=orgs.index, dtype=object)
    pids = sorted(set(active["partner"]), key=str)
    by_partner = active.groupby("partner", sort=False)
    formal_any = by_partner["formal"].agg(lambda s: bool((s == True).any()))  # noqa: E712 - object column
    partners = pd.DataFrame(
        {
            "name": [names.get(p) for p in pids],
            "sector": sector.reindex(pids).to_numpy(dtype=object),
            "org_type": org_type.reindex(pids).to_numpy(dtype=object),
            "ties": [int(by_partner.size().get(p, 0)) for p in pids],
            "kinds": [sorted(set(active.loc[active["partner"] == p, "kind"].dropna())) for p in pids],
            "formal": [bool(formal_any.get(p, False)) for p in pids],
            "engagement_stage": stage.reindex(pids).to_numpy(dtype=object),
            "offers": [offers.get(p, []) for p in pids],
            "needs": [needs.get(p, []) for p in pids],
        },
        index=pd.Index(pids, name="org_id", dtype=object),
    )

    # by sector and type
    others = orgs.index != fid
    sectors = list(schema.SECTORS) + sorted({s for s in sector if not _common._missing(s) and s not in schema.SECTORS}, key=str)
    n_p = max(len(partners), 1)
    by_sector = pd.DataFrame(
        {"partners": [int((partners["sector"] == s).sum()) for s in sectors],
         "organisations": [int(((sector == s) & others).sum()) for s in sectors]},
        index=pd.Index(sectors, name="sector", dtype=object))
    by_sector.insert(1, "share", by_sector["partners"] / n_p)
    present = {t for t in org_type if not _common._missing(t)}
    types = [t for t in schema.ORG_TYPES if t in present] + sorted(present - set(schema.ORG_TYPES), key=str)
    by_type = pd.DataFrame(
        {"partners": [int((partners["org_type"] == t).sum()) for t in types],
         "organisations": [int(((org_type == t) & others).sum()) for t in types]},
        index=pd.Index(types, name="org_type", dtype=object))
    by_type.insert(1, "share", by_type["partners"] / n_p)

    # needs and offers
    non_partners = others & ~orgs.index.isin(pids)
    p_offers = set(itertools.chain.from_iterable(partners["offers"]))
    p_needs = set(itertools.chain.from_iterable(partners["needs"]))
    f_needs = list(dict.fromkeys(needs.iloc[f]))
    f_offers = list(dict.fromkeys(offers.iloc[f]))
    unmet = [t for t in f_needs if t not in p_offers]
    unused = [t for t in f_offers if t not in p_needs]
    unmet_needs = pd.DataFrame(
        {"label": _labels(schema.RESOURCES, unmet),
         "offered_by": [int((offers[non_partners].map(lambda v, t=t: t in v)).sum()) for t in unmet]},
        index=pd.Index(unmet, name="need", dtype=object))
    unused_offers = pd.DataFrame(
        {"label": _labels(schema.RESOURCES, unused),
         "needed_by": [int((needs[non_partners].map(lambda v, t=t: t in v)).sum()) for t in unused]},
        index=pd.Index(unused, name="offer", dtype=object))

    overdue = mine[mine["overdue"]].sort_values(["days_overdue", "partner"], ascending=[False, True], kind="stable")

    # former partners
    ended_ties = mine[(mine["status"] == "ended") & ~mine["partner"].isin(pids)]
    rows = []
    for p, grp in ended_ties.groupby("partner", sort=True):
        rows.append({"org_id": p, "name": names.get(p), "sector": sector.get(p),
                     "kinds": sorted(set(grp["kind"].dropna())), "ended_on": grp["end_date"].max(),
                     "engagement_stage": stage.get(p), "basis": "tie ended"})
    seen = {r["org_id"] for r in rows} | set(pids) | {fid}
    for p in orgs.index[(stage == "lapsed").to_numpy()]:
        if p not in seen:
            rows.append({"org_id": p, "name": names.get(p), "sector": sector.get(p), "kinds": [],
                         "ended_on": pd.NaT, "engagement_stage": "lapsed", "basis": "stage lapsed"})
    ended = pd.DataFrame(rows, columns=["org_id", "name", "sector", "kinds", "ended_on", "engagement_stage", "basis"])
    ended["ended_on"] = pd.to_datetime(ended["ended_on"]).astype("datetime64[ns]")
    ended = ended.astype({c: object for c in ("org_id", "name", "sector", "engagement_stage", "basis")})
    ended = ended.sort_values(["ended_on", "org_id"], ascending=[False, True], na_position="last", kind="stable")
    ended = ended.set_index("org_id")

    formal = active["formal"]
    formality = pd.Series({"formal": int((formal == True).sum()),  # noqa: E712
                           "informal": int((formal == False).sum()),  # noqa: E712
                           "unknown": int(formal.map(lambda v: not isinstance(v, (bool, np.bool_))).sum())},
                          name="ties")

    # areas neither the focal organisation nor its partners reach
    areas_not_reached = pd.DataFrame()
    if data.areas is not None and len(data.areas):
        from ..coverage import coverage

        G = build_graph(data, as_of=as_of)
        cov = coverage(data, by=None, focal=fid, G=G)
        nr = cov[cov["focal_reach"] == "not_reached"]
        keep = _area_columns(cov) + ["serving_total"]
        areas_not_reached = pd.DataFrame(nr[keep])
        if "population" in areas_not_reached.columns:
            areas_not_reached = areas_not_reached.sort_index(kind="stable").sort_values(
                "population", ascending=False, na_position="last", kind="stable")
        areas_not_reached.index.name = "area_id"

    # the gaps as rows
    g: list[dict[str, Any]] = []
    kw = {"scope": "portfolio"}
    for s, r in by_sector.iterrows():
        if r.partners == 0 and r.organisations > 0:
            label = _sector_label(s)
            g.append(_gap_row("missing_sector", f"no active partner in the {label} sector "
                              f"({_plural(int(r.organisations), label + ' organisation')} in the data)",
                              count=int(r.organisations), other_id=s, **kw))
    for t, r in unmet_needs.iterrows():
        g.append(_gap_row("unmet_need", f"no partner offers {r.label}, which you need "
                          f"({_plural(int(r.offered_by), 'other organisation')} in the data "
                          f"{'offers' if r.offered_by == 1 else 'offer'} it)", count=int(r.offered_by),
                          other_id=t, **kw))
    for t, r in unused_offers.iterrows():
        g.append(_gap_row("unused_offer", f"no partner needs the {r.label} you offer "
                          f"({_plural(int(r.needed_by), 'other organisation')} in the data "
                          f"{'needs' if r.needed_by == 1 else 'need'} it)", count=int(r.needed_by),
                          other_id=t, **kw))
    for tie, r in overdue.iterrows():
        g.append(_gap_row("overdue_review", f"the review of your {r.kind} tie ({tie}) with {_who(names, r.partner)} "
                          f"was due on {pd.Timestamp(r.review_due).date().isoformat()}: "
                          f"{_plural(int(r.days_overdue), 'day')} overdue", org_id=r.partner,
                          name=r.partner_name, count=int(r.days_overdue), **kw))
    for p, r in ended.iterrows():
        if r.basis == "tie ended":
            when = f" ended on {r.ended_on.date().isoformat()}" if not pd.isna(r.ended_on) else " has ended"
            g.append(_gap_row("ended_tie", f"your {' and '.join(r.kinds) or 'tie'} tie with {_who(names, p)}{when} "
                              "and was not renewed", org_id=p, name=r["name"], **kw))
        else:
            g.append(_gap_row("lapsed", f"{_who(names, p)} is at engagement stage 'lapsed' (no ended tie is "
                              "recorded)", org_id=p, name=r["name"], **kw))
    for a, r in areas_not_reached.iterrows():
        pop = r.get("population", np.nan)
        nm = r.get("name", None)
        g.append(_gap_row("area_not_reached", f"neither you nor your partners reach {nm + ' ' if not _common._missing(nm) else ''}"
                          f"({a})" + (f"; {pop:,.0f} residents" if not _common._missing(pop) else ""),
                          area_id=a, count=pop if not _common._missing(pop) else None, **kw))
    total = int(formality.sum())
    if total:
        g.append(_gap_row("formality", f"{formality['formal']} of your {_plural(total, 'active tie')} "
                          f"{'is' if formality['formal'] == 1 else 'are'} formal, {formality['informal']} informal"
                          + (f", {formality['unknown']} not recorded" if formality["unknown"] else ""),
                          count=int(formality["informal"]), **kw))
    for row in g:
        row.setdefault("org_id", None)
    gaps = _gap_frame(g)
    if len(gaps):
        gaps["org_id"] = gaps["org_id"].where(gaps["org_id"].notna(), fid)  # portfolio rows belong to the focal
        gaps["name"] = [n if not _common._missing(n) else (names.get(o) if o == fid else None)
                        for n, o in zip(gaps["name"], gaps["org_id"])]
    log.info("portfolio of %s: %d active partners, %d unmet needs, %d overdue reviews, %d former partners",
             fid, len(partners), len(unmet_needs), len(overdue), len(ended))
    return Portfolio(
        focal=str(fid), name=None if _common._missing(fname) else str(fname), as_of=today.date().isoformat(),
        partners=partners, ties=mine, by_sector=by_sector, by_type=by_type, unmet_needs=unmet_needs,
        unused_offers=unused_offers, overdue_reviews=overdue, ended=ended, formality=formality,
        areas_not_reached=areas_not_reached, gaps=gaps,
    )


# ----------------------------------------------------------- structural gaps


def _dfs(A: sp.csr_array) -> dict[str, Any]:
    """One iterative depth-first search (Tarjan): preorder, low points, subtree sizes.

    ``cut[v]`` lists the DFS children of ``v`` whose subtrees are separated from the
    rest when ``v`` is removed; a subtree is a contiguous run of ``order``.
    """
    n = A.shape[0]
    indptr, indices = A.indptr.tolist(), A.indices.tolist()
    disc, low, size = [-1] * n, [0] * n, [1] * n
    parent, root_of = [-1] * n, [-1] * n
    order: list[int] = []
    cut: dict[int, list[int]] = {}
    for r in range(n):
        if disc[r] >= 0:
            continue
        disc[r] = low[r] = len(order)
        order.append(r)
        root_of[r] = r
        stack = [[r, indptr[r]]]
        while stack:
            top = stack[-1]
            v = top[0]
            if top[1] < indptr[v + 1]:
                u = indices[top[1]]
                top[1] += 1
                if disc[u] < 0:
                    parent[u], root_of[u] = v, r
                    disc[u] = low[u] = len(order)
                    order.append(u)
                    stack.append([u, indptr[u]])
                elif u != parent[v] and disc[u] < low[v]:
                    low[v] = disc[u]
            else:
                stack.pop()
                p = parent[v]
                if p >= 0:
                    low[p] = min(low[p], low[v])
                    size[p] += size[v]
                    if low[v] >= disc[p]:
                        cut.setdefault(p, []).append(v)
    return {"order": order, "disc": disc, "size": size, "parent": parent, "root_of": root_of, "cut": cut}


def _subtree(t: dict[str, Any], v: int) -> list[int]:
    return t["order"][t["disc"][v]:t["disc"][v] + t["size"][v]]


def _component(t: dict[str, Any], v: int) -> list[int]:
    return _subtree(t, t["root_of"][v])


def _cut_points(t: dict[str, Any]) -> list[tuple[int, list[int]]]:
    """(cut point, the organisations that would lose their link to the largest remaining part)."""
    out = []
    for v, children in t["cut"].items():
        is_root = t["parent"][v] < 0
        if is_root and len(children) < 2:
            continue
        comp = t["size"][t["root_of"][v]]
        pieces = [t["size"][c] for c in children]
        rest = comp - 1 - sum(pieces)
        if rest >= max(pieces):
            lost = list(itertools.chain.from_iterable(_subtree(t, c) for c in children))
        else:
            big = children[pieces.index(max(pieces))]
            keep = set(_subtree(t, big)) | {v}
            lost = [u for u in _component(t, v) if u not in keep]
        out.append((v, lost))
    return out


def _graph_view(G: nx.Graph) -> tuple[list[Any], sp.csr_array, dict[Any, Any]]:
    """Nodes, the binary undirected partner matrix and node names of any networkx graph."""
    H = simple_graph(G) if G.is_multigraph() else G
    nodes = list(H.nodes)
    pos = {v: i for i, v in enumerate(nodes)}
    edges = np.array([(pos[u], pos[v]) for u, v in H.edges()], dtype=np.intp).reshape(-1, 2)
    A = _adjacency(len(nodes), edges[:, 0], edges[:, 1])
    names = {v: d.get("name") for v, d in H.nodes(data=True)}
    return nodes, A, names


def _node_frame(G: nx.Graph) -> pd.DataFrame:
    nodes = list(G.nodes)
    return pd.DataFrame({"name": [G.nodes[v].get("name") for v in nodes]},
                        index=pd.Index(nodes, dtype=object))


def structural_gaps(
    source: PartnerData | nx.Graph,
    *,
    focal: str | None = None,
    as_of: str | dt.date | None = None,
    metrics: pd.DataFrame | None = None,
    min_expected: float = 1.0,
    stall_months: float = 6,
    seed: int = 0,
) -> pd.DataFrame:
    """The ecosystem's weak spots: who is cut off, who holds it together alone, what never meets.

    From the network: groups tied only among themselves; isolates; cut points (with the
    organisations they would cut off); bridge ties that are the only link for two or
    more organisations; communities that connect to the rest through one organisation;
    organisations with a single tie; sector pairs and organisation-type pairs with no
    tie (from the mixing matrices of :func:`partnermap.centrality.network_summary`).
    From loaded data also: areas of ``data.areas`` that no organisation reaches
    (:func:`partnermap.coverage.underserved`), organisations contacted but never engaged
    and proposals past their planned start. See :data:`GAP_MEANINGS`.

    Parameters
    ----------
    source
        What :func:`partnermap.load` returned (the graph is then
        ``build_graph(data, as_of=as_of)``, active ties), or a graph from
        :func:`partnermap.build_graph` (network gaps only).
    focal
        An ``org_id``: with data, "contacted but never engaged" means no active or
        proposed tie *with it* (engagement stages are the focal organisation's view).
    as_of
        Ties as they stood on this date; stalls judged against it (``None``: recorded
        statuses, today).
    metrics
        A :func:`partnermap.centrality.centrality` table of the same graph: its
        ``community`` column is reused instead of running Louvain again.
    min_expected
        Report an organisation-type pair with no tie only when random partnering would
        give at least this many ties.
    stall_months
        With a ``stage_date`` column in the organisations (the date each reached its
        engagement stage), only organisations contacted longer ago than this count as
        stalled; without it, every contacted organisation with no tie is listed.
    seed
        Louvain seed when ``metrics`` is not given.

    Returns
    -------
    pandas.DataFrame
        One row per gap with the columns of :data:`GAP_COLUMNS` (``scope`` is
        ``ecosystem``; ``members`` lists up to 100 ``org_id``\\ s; ``count`` is what
        :data:`GAP_MEANINGS` says for that gap), ordered by kind of gap, then ``count``
        (largest first), then ``org_id``.

    See Also
    --------
    portfolio : the gaps of one organisation's portfolio.
    gaps_table : both in one table.

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.gaps import structural_gaps
    >>> gaps = structural_gaps(pm.load(pm.datasets.demo_path()), as_of=pm.datasets.DEMO_AS_OF)
    >>> sorted(set(gaps["gap"]) & {"isolated_group", "sector_pair", "underserved_area"})
    ['isolated_group', 'sector_pair', 'underserved_area']
    """
    from ..centrality import bridges, communities, network_summary

    t0 = time.perf_counter()
    if isinstance(source, PartnerData):
        data: PartnerData | None = source
        G = build_graph(source, as_of=as_of)
        lookup = source.organizations
    elif isinstance(source, nx.Graph):
        data, G = None, source
        lookup = _node_frame(G)
    else:
        raise PartnermapError("structural_gaps takes loaded data (partnermap.load) or a graph "
                              f"(partnermap.build_graph), not {type(source).__name__}.")
    if isinstance(min_expected, bool) or not isinstance(min_expected, (int, float, np.number)) or min_expected < 0:
        raise PartnermapError(f"min_expected must be a number of ties, 0 or more, not {min_expected!r}.")
    fid = lookup.index[_org_id(lookup, focal, "focal")] if focal is not None else None
    today = _today(as_of)
    nodes, A, names = _graph_view(G)
    n = len(nodes)
    rows: list[dict[str, Any]] = []
    deg = np.diff(A.indptr)

    def who(i: int) -> str:
        return _who(names, nodes[i])

    def ids(positions: Iterable[int]) -> list[Any]:
        return sorted((nodes[p] for p in positions), key=str)

    # components
    if n:
        from scipy.sparse import csgraph

        ncomp, comp = csgraph.connected_components(A, directed=False)
        comp_sizes = np.bincount(comp)
        first = {}
        for i in np.argsort(np.array([str(v) for v in nodes], dtype=str), kind="stable"):
            first.setdefault(int(comp[i]), int(i))
        main = max(range(ncomp), key=lambda c: (comp_sizes[c], -first[c]))
        groups = sorted((c for c in range(ncomp) if c != main and comp_sizes[c] >= 2),
                        key=lambda c: (-comp_sizes[c], str(nodes[first[c]])))
        for c in groups:
            members = ids(np.flatnonzero(comp == c))
            rows.append(_gap_row(
                "isolated_group",
                f"{len(members)} organisations ({_few(members)}) are tied only among themselves: "
                f"no tie links them to the main network of {int(comp_sizes[main])}",
                count=len(members), members=members))
    for i in np.flatnonzero(deg == 0):
        rows.append(_gap_row("isolate", f"{who(i)} has no ties at all", org_id=nodes[i], name=names.get(nodes[i]),
                             count=1))
    for i in np.flatnonzero(deg == 1):
        j = A.indices[A.indptr[i]]
        rows.append(_gap_row("single_tie", f"{who(i)} depends on a single partnership, with {who(j)}",
                             org_id=nodes[i], name=names.get(nodes[i]), other_id=nodes[j], count=1))

    # cut points and bridges
    tree = _dfs(A)
    for v, lost in _cut_points(tree):
        if len(lost) < 2:
            continue  # the single_tie row of the one organisation it holds already says it
        lost_ids = ids(lost)
        rows.append(_gap_row(
            "cut_point",
            f"if {who(v)} went, {_plural(len(lost_ids), 'organisation')} would lose their link to the rest "
            f"of the network ({_few(lost_ids)})",
            org_id=nodes[v], name=names.get(nodes[v]), count=len(lost_ids), members=lost_ids))
    pos = {v: i for i, v in enumerate(nodes)}
    for b in bridges(G).itertuples():
        if b.cut_off < 2:
            continue  # the single_tie rows already say it
        a, c = pos[b.source], pos[b.target]
        child = c if tree["parent"][c] == a else a
        side = _subtree(tree, child)
        comp_n = tree["size"][tree["root_of"][child]]
        if len(side) > comp_n - len(side):
            inside = set(side)
            side = [u for u in _component(tree, child) if u not in inside]
        side_ids = ids(side)
        rows.append(_gap_row(
            "bridge_tie",
            f"the tie between {who(a)} and {who(c)} is the only link for {len(side_ids)} organisations "
            f"({_few(side_ids)})",
            org_id=b.source, name=names.get(b.source), other_id=b.target, count=int(b.cut_off), members=side_ids))

    # communities hanging on one organisation
    if metrics is not None and "community" in metrics.columns:
        labels = metrics["community"].reindex(nodes)
    else:
        labels = communities(G, seed=seed).reindex(nodes)
    lab = labels.to_numpy()
    coo = sp.triu(sp.coo_array(A), k=1)
    u, v = coo.row.astype(np.intp), coo.col.astype(np.intp)
    if n and len(u):
        ext = lab[u] != lab[v]
        links = pd.DataFrame({"c": np.r_[lab[u][ext], lab[v][ext]], "inside": np.r_[u[ext], v[ext]],
                              "outside": np.r_[v[ext], u[ext]]})
        sizes = pd.Series(lab).value_counts()
        for c, grp in links.groupby("c", sort=True):
            size = int(sizes.get(c, 0))
            inside, outside = grp["inside"].unique(), grp["outside"].unique()
            if size < 3 or (len(inside) > 1 and len(outside) > 1):
                continue
            gate = int(inside[0]) if len(inside) == 1 else int(outside[0])
            members = ids(np.flatnonzero(lab == c))
            rows.append(_gap_row(
                "community_single_link",
                f"community {c} ({size} organisations: {_few(members)}) connects to the rest of the network "
                f"only through {who(gate)}",
                org_id=nodes[gate], name=names.get(nodes[gate]), count=size, members=members))

    # sector and type pairs with no ties
    summary = network_summary(G, metrics=pd.DataFrame({"community": labels}, index=pd.Index(nodes, dtype=object)))
    expected = summary["sector_mixing_expected"]
    for a, b in summary["sector_pairs_without_ties"]:
        e = float(expected.loc[a, b])
        rows.append(_gap_row(
            "sector_pair",
            f"no tie joins a {_sector_label(a)} organisation and a {_sector_label(b)} one, although about "
            f"{e:.0f} would be expected if partners were chosen at random",
            other_id=f"{a}|{b}", count=e))
    t_counts, t_exp = summary["org_type_mixing"], summary["org_type_mixing_expected"]
    cats = list(t_counts.index)
    missing = [(float(t_exp.iat[i, j]), cats[i], cats[j]) for i in range(len(cats)) for j in range(i, len(cats))
               if t_counts.iat[i, j] == 0 and float(t_exp.iat[i, j]) >= min_expected and t_exp.iat[i, j] > 0]
    for e, a, b in sorted(missing, key=lambda x: -x[0]):  # most expected first (stable for equal counts)
        pair = f"two organisations of type '{_type_label(a)}'" if a == b else \
            f"types '{_type_label(a)}' and '{_type_label(b)}'"
        rows.append(_gap_row("type_pair", f"no tie joins {pair}, although about {e:.1f} would be "
                             "expected at random", other_id=f"{a}|{b}", count=e))

    if data is not None:
        rows += _data_gaps(data, G, fid, today, stall_months)
    out = _gap_frame(rows)
    log.info("structural gaps: %d organisations, %d gaps (%s) in %.2f s", n, len(out),
             ", ".join(f"{k} {v}" for k, v in out["gap"].value_counts(sort=False).items()),
             time.perf_counter() - t0)
    return out


def _data_gaps(data: PartnerData, G: nx.Graph, fid: Any, today: pd.Timestamp,
               stall_months: float) -> list[dict[str, Any]]:
    """Gaps that need the data, not only the graph: unreached areas, stalled engagement."""
    rows: list[dict[str, Any]] = []
    orgs = data.organizations
    names = orgs["name"].to_dict() if "name" in orgs.columns else {}
    if data.areas is not None and len(data.areas):
        from ..coverage import coverage, underserved

        cov = coverage(data, by=None, G=G)
        for a, r in underserved(cov).iterrows():
            nm = r.get("name")
            rows.append(_gap_row("underserved_area", f"{nm + ' ' if not _common._missing(nm) else ''}({a}): {r.reason}",
                                 area_id=a, count=r.population if not _common._missing(r.population) else None))

    rel = data.relationships
    stage = pd.Series(_column(orgs, "engagement_stage"), index=orgs.index, dtype=object)
    src, dst, status = _ties(data, None if G.graph.get("as_of") is None else pd.Timestamp(G.graph["as_of"]))
    live = np.isin(status, ["active", "proposed", "not_started"])
    idx = orgs.index
    if fid is not None:
        f = idx.get_loc(fid)
        tied_pos = np.r_[dst[live & (src == f)], src[live & (dst == f)]]
    else:
        tied_pos = np.r_[src[live], dst[live]]
    tied = np.zeros(len(orgs), dtype=bool)
    tied[tied_pos[tied_pos >= 0]] = True
    dated = "stage_date" in orgs.columns
    since = (pd.to_datetime(orgs["stage_date"], errors="coerce", format="ISO8601") if dated
             else pd.Series(pd.NaT, index=idx))
    limit = today - pd.DateOffset(months=int(stall_months)) - pd.Timedelta(days=round((stall_months % 1) * 30.44))
    with_whom = "with you" if fid is not None else "with anyone"
    if fid is not None or dated:
        for i in np.flatnonzero((stage == "contacted").to_numpy() & ~tied):
            oid = idx[i]
            if oid == fid:
                continue
            when = since.iloc[i]
            if dated and (pd.isna(when) or when > limit):
                continue
            told = f"on {when.date().isoformat()}; " if dated else ""
            rows.append(_gap_row("stalled", f"{_who(names, oid)} was contacted but never engaged ({told}no active "
                                 f"or proposed tie {with_whom}" + ("" if dated else "; date of contact not recorded")
                                 + ")", org_id=oid, name=names.get(oid),
                                 count=(today - when).days if dated else None))
    if len(rel) and "start_date" in rel.columns:
        start = pd.to_datetime(rel["start_date"], errors="coerce")
        late = (rel["status"] == "proposed").to_numpy() & (start < today).to_numpy()
        for tie in rel.index[late]:
            r = rel.loc[tie]
            rows.append(_gap_row(
                "stalled_proposal",
                f"the proposed {r.get('kind', 'tie')} tie ({tie}) between {_who(names, r.source)} and "
                f"{_who(names, r.target)} was planned to start on {pd.Timestamp(r.start_date).date().isoformat()} "
                "and is still only proposed",
                org_id=r.source, name=names.get(r.source), other_id=r.target,
                count=(today - pd.Timestamp(r.start_date)).days))
    return rows


def gaps_table(data: PartnerData, *, focal: str | None = None, as_of: str | dt.date | None = None) -> pd.DataFrame:
    """The structural gaps of the ecosystem and, with ``focal``, of its portfolio: one table.

    This is the table ``partnermap gaps DATA [--focal ID] -o FILE`` writes.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    focal
        An ``org_id``: adds the rows of :func:`portfolio` (``scope`` = ``portfolio``).
    as_of
        As for :func:`structural_gaps` and :func:`portfolio`.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`GAP_COLUMNS`: ecosystem rows first, then portfolio rows.

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.gaps import gaps_table
    >>> table = gaps_table(pm.load(pm.datasets.demo_path()), focal="ORG-001", as_of=pm.datasets.DEMO_AS_OF)
    >>> sorted(set(table["scope"]))
    ['ecosystem', 'portfolio']
    """
    parts = [structural_gaps(data, focal=focal, as_of=as_of)]
    if focal is not None:
        parts.append(portfolio(data, focal, as_of=as_of).gaps)
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def format_gaps(table: pd.DataFrame, *, limit: int = 5) -> str:
    """A gaps table as plain text: each kind of gap with its count and its first messages.

    Parameters
    ----------
    table
        What :func:`structural_gaps`, :func:`gaps_table` or :attr:`Portfolio.gaps` returned.
    limit
        Messages shown per kind of gap.

    Returns
    -------
    str
        One heading line per kind of gap (with its meaning), then up to ``limit`` messages.

    Examples
    --------
    >>> import networkx as nx
    >>> from partnermap.gaps import format_gaps, structural_gaps
    >>> text = format_gaps(structural_gaps(nx.path_graph(["a", "b", "c", "d", "e"])))
    >>> print(text.splitlines()[1])
      - if c went, 2 organisations would lose their link to the rest of the network (d, e)
    """
    lines = []
    for (scope, gap), grp in table.groupby(["scope", "gap"], sort=False):
        head = f"{gap} ({len(grp)})" if scope == "ecosystem" else f"{scope}: {gap} ({len(grp)})"
        lines.append(f"{head}: {GAP_MEANINGS.get(gap, '')}".rstrip(": "))
        for msg in grp["message"].head(limit):
            lines.append(f"  - {msg}")
        if len(grp) > limit:
            lines.append(f"  ... and {len(grp) - limit} more")
    return "\n".join(lines) if lines else "no gaps found"


def format_partners(table: pd.DataFrame, *, limit: int = 10) -> str:
    """A :func:`potential_partners` table as plain text, one numbered candidate per entry.

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.gaps import format_partners, potential_partners
    >>> data = pm.load(pm.datasets.demo_path())
    >>> text = format_partners(potential_partners(data, "ORG-001", top=3, as_of=pm.datasets.DEMO_AS_OF))
    >>> text.splitlines()[0].startswith("Potential partners for ORG-001")
    True
    """
    a = table.attrs
    focal = a.get("focal", "")
    who = f"{focal} ({a['focal_name']})" if a.get("focal_name") else focal
    head = f"Potential partners for {who}: {min(limit, len(table))} of {a.get('candidates', len(table))} candidates"
    lines = [head]
    for oid, r in table.head(limit).iterrows():
        kind = ", ".join(str(x) for x in (r.get("sector"), r.get("org_type")) if not _common._missing(x))
        stage = f", stage {r.engagement_stage}" if not _common._missing(r.get("engagement_stage")) else ""
        lines.append(f"{int(r['rank']):>3}. {oid} {r['name']} ({kind}{stage}): score {r.score:.2f}")
        lines.append(f"     {r.reasons}")
    return "\n".join(lines)


# ------------------------------------------------------------------- what-if

_CHANGE_MEASURES = ("organisations", "ties", "partner_pairs", "isolates", "components", "largest_component_share",
                    "density", "average_clustering", "communities", "modularity", "sector_ei_index")


@dataclass(frozen=True, eq=False)
class WhatIf:
    """The result of :func:`what_if`: the scenario, the differences, and what they mean.

    Attributes
    ----------
    headline
        One sentence: the scenario and its main effects, e.g. "If X closes: 4
        organisations lose their only tie to the public sector; components 1 → 3".
    effects
        Every effect as a plain sentence, most important first.
    changes
        Indexed by ``measure``: ``before``, ``after``, ``change`` for the figures of
        :func:`partnermap.centrality.network_summary` (and, with ``focal``, its
        ``focal_partners``, ``focal_sectors``, ``focal_unmet_needs``,
        ``focal_areas_not_reached``).
    affected
        One row per organisation and effect: ``org_id``, ``name``, ``effect``
        (``lost_only_tie_to_sector``, ``gained_first_tie_to_sector``, ``left_without_ties``,
        ``cut_off_from_main_network``, ``joined_main_network``), ``detail``.
    added_ties
        The ties added (``source``, ``target``, ``kind``), indexed by their new ``tie_id``.
    removed_orgs
        The ``org_id``\\ s removed.
    summary_before, summary_after
        The two network summaries.
    portfolio_before, portfolio_after
        The focal organisation's :class:`Portfolio` before and after (``None`` without
        ``focal``).
    """

    headline: str
    effects: list[str]
    changes: pd.DataFrame
    affected: pd.DataFrame
    added_ties: pd.DataFrame
    removed_orgs: list[str]
    summary_before: dict[str, Any]
    summary_after: dict[str, Any]
    portfolio_before: Portfolio | None
    portfolio_after: Portfolio | None

    def text(self) -> str:
        """The headline, every effect and the table of changes, as plain text."""
        lines = [self.headline, *[f"- {e}" for e in self.effects], ""]
        lines.append(self.changes.to_string(float_format=lambda v: f"{v:.3f}"))
        return "\n".join(lines)


def _new_ties(add_ties: Any, orgs: pd.DataFrame, removed: set[Any]) -> pd.DataFrame:
    """``add_ties`` as a frame of active ties (source, target, kind, directed, weight), validated."""
    if add_ties is None:
        add_ties = ()
    if isinstance(add_ties, pd.DataFrame):
        missing = {"source", "target"} - set(add_ties.columns)
        if missing:
            raise PartnermapError(f"add_ties needs columns source and target; missing {', '.join(sorted(missing))}.")
        records = add_ties.to_dict("records")
    else:
        records = []
        for t in add_ties:
            if isinstance(t, Mapping):
                records.append(dict(t))
            elif isinstance(t, (tuple, list)) and len(t) in (2, 3):
                records.append({"source": t[0], "target": t[1], **({"kind": t[2]} if len(t) == 3 else {})})
            else:
                raise PartnermapError(f"add_ties: {t!r} is not a tie; give (source, target) or "
                                      "(source, target, kind) pairs, or a DataFrame with source and target.")
    rows = []
    for r in records:
        s, t = str(r["source"]), str(r["target"])
        s = orgs.index[_org_id(orgs, s, "add_ties")]
        t = orgs.index[_org_id(orgs, t, "add_ties")]
        if s == t:
            raise PartnermapError(f"add_ties: a tie from '{s}' to itself says nothing about who connects whom.")
        for end in (s, t):
            if end in removed:
                raise PartnermapError(f"add_ties: '{end}' is also in remove_orgs; a tie cannot reach a removed "
                                      "organisation.")
        kind = r.get("kind") if not _common._missing(r.get("kind")) else "partnership"
        if kind not in schema.RELATIONSHIP_KINDS:
            close = difflib.get_close_matches(str(kind), list(schema.RELATIONSHIP_KINDS), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise PartnermapError(f"add_ties: unknown kind '{kind}'.{hint} Choose from "
                                  f"{', '.join(schema.RELATIONSHIP_KINDS)}.")
        weight = float(r["weight"]) if not _common._missing(r.get("weight")) else 1.0
        rows.append({"source": s, "target": t, "kind": kind, "status": "active",
                     "directed": bool(r["directed"]) if not _common._missing(r.get("directed")) else kind in schema.DIRECTED_KINDS,
                     "weight": weight})
    index = pd.Index([f"what_if_{i + 1}" for i in range(len(rows))], name="tie_id", dtype=object)
    return pd.DataFrame(rows, columns=["source", "target", "kind", "status", "directed", "weight"], index=index)


def _sector_ties(H: nx.Graph, sector: Mapping[Any, Any]) -> dict[Any, set[Any]]:
    return {v: {sector.get(u) for u in H.neighbors(v) if not _common._missing(sector.get(u))} for v in H.nodes}


def _largest(H: nx.Graph) -> set[Any]:
    comps = list(nx.connected_components(H))
    if not comps:
        return set()
    return min(comps, key=lambda c: (-len(c), min(str(x) for x in c)))  # largest; ties: smallest org_id


def what_if(
    data: PartnerData,
    *,
    add_ties: Iterable[Any] | pd.DataFrame = (),
    remove_orgs: Iterable[str] = (),
    focal: str | None = None,
    as_of: str | dt.date | None = None,
    seed: int = 0,
) -> WhatIf:
    """What changes if ties are added or organisations close: the network and the portfolio.

    Builds the network before and after (active ties on ``as_of``), recomputes
    :func:`partnermap.centrality.network_summary` and, with ``focal``, its
    :func:`portfolio`, and says the differences in words: organisations that lose
    their only tie to a sector (or gain a first one), are left without ties, are cut off
    from (or join) the main network, sector pairs that lose or gain their only ties,
    components, and the focal organisation's partners, sectors, unmet needs and
    unreached areas.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned. Not modified.
    add_ties
        Ties to add as active: ``(source, target)`` or ``(source, target, kind)``
        tuples, mappings, or a DataFrame with ``source``, ``target`` and optional
        ``kind``, ``weight``, ``directed``.
    remove_orgs
        ``org_id``\\ s of organisations that close (their ties go with them).
    focal
        An ``org_id`` whose portfolio is compared too; it cannot be removed.
    as_of
        Ties as they stood on this date (``None``: recorded statuses).
    seed
        Louvain seed for the summaries.

    Returns
    -------
    WhatIf
        ``headline``, ``effects``, ``changes``, ``affected`` and the summaries and
        portfolios before and after; ``.text()`` gives plain text.

    Raises
    ------
    UnknownOrganizationError
        When an id in ``add_ties``, ``remove_orgs`` or ``focal`` is not an ``org_id``.
    PartnermapError
        For a self-tie, an unknown tie kind, a tie to a removed organisation, or a
        removed focal organisation.

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.gaps import what_if
    >>> data = pm.load(pm.datasets.demo_path())
    >>> w = what_if(data, add_ties=[("ORG-001", "ORG-081")], focal="ORG-001", as_of=pm.datasets.DEMO_AS_OF)
    >>> "the first tie between the for-profit and public sectors" in w.effects
    True
    """
    from ..centrality import network_summary

    orgs = data.organizations
    removed: list[Any] = []
    for r in ([remove_orgs] if isinstance(remove_orgs, str) else list(remove_orgs)):
        oid = orgs.index[_org_id(orgs, r, "remove_orgs")]
        if oid not in removed:
            removed.append(oid)
    removed_set = set(removed)
    fid = orgs.index[_org_id(orgs, focal, "focal")] if focal is not None else None
    if fid is not None and fid in removed_set:
        raise PartnermapError(f"focal '{fid}' is in remove_orgs: choose another focal organisation, or keep it.")
    new = _new_ties(add_ties, orgs, removed_set)

    rel = data.relationships
    keep = ~(rel["source"].isin(removed_set) | rel["target"].isin(removed_set)) if len(rel) else \
        pd.Series(True, index=rel.index)
    rel_after = pd.concat([rel[keep], new]) if len(new) else rel[keep]
    orgs_after = orgs.drop(index=removed)
    after = dataclasses.replace(data, organizations=orgs_after, relationships=rel_after)

    G0, G1 = build_graph(data, as_of=as_of), build_graph(after, as_of=as_of)
    s0, s1 = network_summary(G0, seed=seed), network_summary(G1, seed=seed)
    H0, H1 = simple_graph(G0), simple_graph(G1)
    names = orgs["name"].to_dict() if "name" in orgs.columns else {}
    sector = orgs["sector"].to_dict() if "sector" in orgs.columns else {}

    effects: list[str] = []
    affected: list[dict[str, Any]] = []

    def note(org: Any, effect: str, detail: str) -> None:
        affected.append({"org_id": org, "name": names.get(org), "effect": effect, "detail": detail})

    # sectors each organisation reaches through its ties
    t0s, t1s = _sector_ties(H0, sector), _sector_ties(H1, sector)
    lost: dict[Any, list[Any]] = {}
    gained: dict[Any, list[Any]] = {}
    for v in sorted(H1.nodes, key=str):
        for s in sorted(t0s.get(v, set()) - t1s[v], key=str):
            lost.setdefault(s, []).append(v)
            note(v, "lost_only_tie_to_sector", s)
        for s in sorted(t1s[v] - t0s.get(v, set()), key=str):
            gained.setdefault(s, []).append(v)
            note(v, "gained_first_tie_to_sector", s)
    for s, vs in sorted(lost.items(), key=lambda kv: (-len(kv[1]), str(kv[0]))):
        effects.append(f"{_plural(len(vs), 'organisation')} {'loses its' if len(vs) == 1 else 'lose their'} only tie "
                       f"to the {_sector_label(s)} sector ({_few(vs)})")
    alone = [v for v in sorted(H1.nodes, key=str) if H1.degree(v) == 0 and H0.degree(v) > 0]
    for v in alone:
        note(v, "left_without_ties", "no tie left")
    if alone:
        effects.append(f"{_plural(len(alone), 'organisation')} {'is' if len(alone) == 1 else 'are'} left with no "
                       f"ties at all ({_few(alone)})")
    main0, main1 = _largest(H0), _largest(H1)
    cut = sorted((main0 - main1) - removed_set, key=str) if len(main1) else []
    joined = sorted(main1 - main0, key=str) if main0 else []
    for v in cut:
        note(v, "cut_off_from_main_network", f"main network {len(main0)} → {len(main1)}")
    for v in joined:
        note(v, "joined_main_network", f"main network {len(main0)} → {len(main1)}")
    if cut:
        effects.append(f"{_plural(len(cut), 'organisation')} {'is' if len(cut) == 1 else 'are'} cut off from the "
                       f"main network ({_few(cut)})")
    if joined:
        effects.append(f"{_plural(len(joined), 'organisation')} {'joins' if len(joined) == 1 else 'join'} the main "
                       f"network ({_few(joined)})")
    if s0["components"] != s1["components"]:
        effects.append(f"components {s0['components']} → {s1['components']}")
    m0, m1 = s0["sector_mixing"], s1["sector_mixing"]
    cats = sorted(set(m0.index) | set(m1.index), key=str)
    for i, a in enumerate(cats):
        for b in cats[i:]:
            x0 = int(m0.loc[a, b]) if a in m0.index and b in m0.columns else 0
            x1 = int(m1.loc[a, b]) if a in m1.index and b in m1.columns else 0
            pair = (f"within the {_sector_label(a)} sector" if a == b
                    else f"between the {_sector_label(a)} and {_sector_label(b)} sectors")
            if x0 == 0 and x1 > 0:
                effects.append(f"the first tie {pair}")
            elif x0 > 0 and x1 == 0:
                effects.append(f"no tie is left {pair}")
    for s, vs in sorted(gained.items(), key=lambda kv: (-len(kv[1]), str(kv[0]))):
        effects.append(f"{_plural(len(vs), 'organisation')} {'gains its' if len(vs) == 1 else 'gain their'} first "
                       f"tie to the {_sector_label(s)} sector ({_few(vs)})")

    rows = {k: (s0[k], s1[k]) for k in _CHANGE_MEASURES}
    p0 = p1 = None
    if fid is not None:
        p0, p1 = portfolio(data, fid, as_of=as_of), portfolio(after, fid, as_of=as_of)
        fs0 = set(p0.partners["sector"].dropna())
        fs1 = set(p1.partners["sector"].dropna())
        rows["focal_partners"] = (len(p0.partners), len(p1.partners))
        rows["focal_sectors"] = (len(fs0), len(fs1))
        rows["focal_unmet_needs"] = (len(p0.unmet_needs), len(p1.unmet_needs))
        rows["focal_areas_not_reached"] = (len(p0.areas_not_reached), len(p1.areas_not_reached))
        me = _who(names, fid)
        for s in sorted(fs1 - fs0, key=str):
            effects.append(f"{me} gains a partner in the {_sector_label(s)} sector")
        for s in sorted(fs0 - fs1, key=str):
            effects.append(f"{me} loses its only partner in the {_sector_label(s)} sector")
        if len(p0.partners) != len(p1.partners):
            effects.append(f"{me}: partners {len(p0.partners)} → {len(p1.partners)}")
        u0, u1 = list(p0.unmet_needs["label"]), list(p1.unmet_needs["label"])
        if u0 != u1:
            effects.append(f"{me}: needs no partner offers {_and_join(u0) or 'none'} → {_and_join(u1) or 'none'}")
        a0, a1 = len(p0.areas_not_reached), len(p1.areas_not_reached)
        if a0 != a1:
            effects.append(f"{me}: areas neither it nor its partners reach {a0} → {a1}")
    changes = pd.DataFrame(
        {"before": [float(b) for b, _ in rows.values()], "after": [float(a) for _, a in rows.values()]},
        index=pd.Index(list(rows), name="measure", dtype=object))
    changes["change"] = changes["after"] - changes["before"]

    scenario = []
    if removed:
        gone = _and_join([_who(names, r) for r in removed])
        scenario.append(f"{gone} {'closes' if len(removed) == 1 else 'close'}")
    if len(new):
        pairs = _and_join([f"{_who(names, r.source)} – {_who(names, r.target)}" for r in new.itertuples()])
        scenario.append(f"{'a tie is' if len(new) == 1 else f'{len(new)} ties are'} added ({pairs})")
    what = " and ".join(scenario) if scenario else "nothing changes"
    main_effects = "; ".join(effects[:3]) if effects else "no organisation is cut off or loses its only tie to a sector"
    headline = f"If {what}: {main_effects}"
    affected_df = pd.DataFrame(affected, columns=["org_id", "name", "effect", "detail"]).astype(object)
    log.info("what-if: %d organisations removed, %d ties added; %d effects", len(removed), len(new), len(effects))
    return WhatIf(headline=headline, effects=effects, changes=changes, affected=affected_df,
                  added_ties=new[["source", "target", "kind"]].copy(), removed_orgs=[str(r) for r in removed],
                  summary_before=s0, summary_after=s1, portfolio_before=p0, portfolio_after=p1)
