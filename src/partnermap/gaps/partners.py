"""Potential partners: the ranking, its weights, the reasons, and the ranking as text.

:func:`potential_partners` is a flat sequence of one helper per score component
(:data:`COMPONENT_MEANINGS`): ``_network_proximity``, ``_complementarity``,
``_proximity``, ``_fills_gap``, ``_equity`` and ``_capacity``, each vectorised over all
organisations; ``_reasons`` then words the strongest components of the rows returned.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import itertools
import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import yaml
from scipy.spatial import cKDTree

from .. import _common, _geo, schema
from .._data import PartnerData
from .._errors import ParameterError, PartnermapError
from . import _helpers

log = logging.getLogger("partnermap")

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

_SIZE_SCORE = {"small": 1.0, "medium": 0.5, "large": 0.0}
_CAPACITY_SCORE = {"high": 1.0, "medium": 0.6, "low": 0.2}
_UNKNOWN_SCORE = 0.5
_THREE_STEPS = 0.1
_FILLS = {"sector": 0.5, "org_type": 0.3, "area": 0.2}
_EQUITY = {"beyond": 0.5, "less_connected": 0.25, "small": 0.25}
_MIN_SHOWN = 0.05  # components below this value are not mentioned in the reasons
_MIN_SHARE = 0.02  # ... nor those adding less than this share of the total weight to the score
_MAX_COMPONENTS_IN_REASONS = 4
_DECIMALS = 6


# ------------------------------------------------------------------ arguments


def _check_weights(weights: Mapping[str, Any] | None, where: str = "weights") -> dict[str, float]:
    """The full weights: defaults overridden by ``weights``; unknown names or bad values raise."""
    out = dict(DEFAULT_WEIGHTS)
    if weights is None:
        return out
    if not isinstance(weights, Mapping):
        raise ParameterError(
            f"{where} must map component names to numbers, e.g. {{'equity': 0.2}}; got {type(weights).__name__}.")
    problems = []
    for key, value in weights.items():
        name = str(key)
        problem = _weight_problem(name, value)
        if problem:
            problems.append(problem)
        else:
            out[name] = float(_number(value))
    if problems:
        raise ParameterError(
            f"{where}: " + "; ".join(problems) + f". The components are: {', '.join(COMPONENTS)}.")
    if not any(v > 0 for v in out.values()):
        raise ParameterError(f"{where}: every weight is 0; give at least one component a weight above 0.")
    return out


def _normalised(weights: Mapping[str, float]) -> dict[str, float]:
    """``weights`` divided by their sum, so they sum to 1 and every ``score`` lies in [0, 1].

    Scores from runs with different weight files are then on the same scale: ``equity: 0.2``
    with the other defaults and the same file with every weight doubled rank and score alike.
    """
    total = math.fsum(weights.values())
    return {k: round(v / total, 12) for k, v in weights.items()}


def _number(value: Any) -> Any:
    """``value``, or the number a text such as ``"1e-1"`` spells (YAML 1.1 reads 1e-1 as text)."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return float(value)
    return value


def _weight_problem(name: str, value: Any) -> str | None:
    """What is wrong with one weight, in words, or ``None``."""
    if name not in DEFAULT_WEIGHTS:
        close = difflib.get_close_matches(name, COMPONENTS, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown weight '{name}'{hint}"
    value = _number(value)
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return f"weight '{name}' is {_common._short_repr(value)}, not a number"
    if not math.isfinite(float(value)):
        return f"weight '{name}' is {_common._short_repr(value)}; give a finite number"
    if value < 0:
        return f"weight '{name}' is {_common._short_repr(value)}; weights must be 0 or more"
    return None


def read_weights(path: str | Path) -> dict[str, float]:
    r"""Read ranking weights from a YAML file, for ``partnermap partners --weights FILE.yaml``.

    The file maps component names to weights, at the top level or under ``weights:``::

        # weights.yaml: favour complementarity, ignore equity
        mutual_benefit: 0.5
        equity: 0

    Components not named keep their :data:`DEFAULT_WEIGHTS`. The weights are returned as
    written; :func:`potential_partners` divides them by their sum (so they sum to 1).

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
        When the file is missing, is not valid YAML or is not a mapping; a
        :class:`~partnermap.ParameterError` when it names an unknown component or gives a
        negative or non-numeric weight. The message starts with the file name.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from partnermap.gaps import read_weights
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "w.yaml").write_text("equity: 0\nmutual_benefit: 0.5\n")
    >>> read_weights(folder / "w.yaml")["equity"]
    0.0
    """
    path = Path(path)
    try:
        content = _common._read_settings(path)
    except FileNotFoundError:
        raise PartnermapError(f"{path}: weights file not found.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PartnermapError(f"{path}: cannot read the weights file ({exc.__class__.__name__}).") from None
    except ValueError as exc:
        raise PartnermapError(f"{path}: {exc}.") from None
    except yaml.YAMLError as exc:
        raise PartnermapError(f"{path}: not valid YAML{_common._yaml_problem(exc)}; "
                              "write one 'component: weight' per line.") from None
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
    """``top`` as an int (``None``: all); anything else than a whole number of 1 or more raises."""
    if top is None:
        return None
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise ParameterError(f"top={top!r}: give how many candidates to return (1 or more), or None for all.")
    return int(top)


def _check_distance(half_distance_km: Any) -> float:
    """``half_distance_km`` as a float; anything but a finite distance above 0 raises."""
    if isinstance(half_distance_km, bool) or not isinstance(half_distance_km, (int, float, np.number)) \
            or not math.isfinite(half_distance_km) or half_distance_km <= 0:
        raise ParameterError(f"half_distance_km must be a distance in km above 0, not {half_distance_km!r}.")
    return float(half_distance_km)


# -------------------------------------------------------- the score components


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


def _scores(values: np.ndarray, mapping: dict[str, float]) -> np.ndarray:
    """``values`` mapped to scores, :data:`_UNKNOWN_SCORE` where missing or unknown."""
    return pd.Series(values, dtype=object).map(mapping).astype(float).fillna(_UNKNOWN_SCORE).to_numpy()


@dataclass
class _FocalTies:
    """The network as the focal organisation sees it, as arrays over all organisations."""

    A: sp.csr_array  # binary symmetric matrix of the active ties
    degree: np.ndarray  # active partners of each organisation
    partners: np.ndarray  # positions of the focal organisation's active partners
    tie_note: dict[int, str]  # former, starting or proposed tie with the focal organisation, by position
    former: np.ndarray  # former partners: an ended tie with the focal organisation, or stage lapsed
    candidate: np.ndarray  # ranked: not the focal organisation, not a partner, not former (unless include_ended)
    stage: np.ndarray  # engagement_stage


def _focal_ties(data: PartnerData, f: int, as_of: pd.Timestamp | None, include_ended: bool) -> _FocalTies:
    """The active network on ``as_of``, and the focal organisation's ties of any status."""
    orgs = data.organizations
    n = len(orgs)
    src, dst, status = _helpers._ties(data, as_of)
    A = _helpers._adjacency(n, src[status == "active"], dst[status == "active"])
    partners = A.indices[A.indptr[f]:A.indptr[f + 1]]
    tie_note = _tie_notes(data.relationships, f, src, dst, status)
    stage = _helpers._column(orgs, "engagement_stage")
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
    return _FocalTies(A=A, degree=np.diff(A.indptr), partners=partners, tie_note=tie_note, former=former,
                      candidate=candidate, stage=stage)


def _tie_notes(rel: pd.DataFrame | None, f: int, src: np.ndarray, dst: np.ndarray,
               status: np.ndarray) -> dict[int, str]:
    """A note per organisation with a proposed, not yet started or ended tie with ``f``."""
    touching = (src == f) | (dst == f)
    other = np.where(src == f, dst, src)
    starts, ends = (_tie_dates(rel, name, touching) for name in ("start_date", "end_date"))
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
            ended[o] = _later(ended.get(o), pd.Timestamp(ends[j]))
    tie_note: dict[int, str] = {}
    for o, when in ended.items():  # a proposal or a tie about to start outweighs an old ending
        tie_note[o] = ("former partner: your tie ended on " + when.date().isoformat()) if not pd.isna(when) \
            else "former partner: your tie has ended"
    for o, when in starting.items():
        tie_note[o] = f"a tie with you starts on {when.date().isoformat()}"
    for o in proposed:
        tie_note[o] = "a tie with you is already proposed"
    return tie_note


def _tie_dates(rel: pd.DataFrame | None, name: str, touching: np.ndarray) -> np.ndarray:
    """The ties' ``name`` dates (NaT when unknown; all NaT unless a tie touches the focal organisation)."""
    if touching.any() and name in rel.columns:
        return pd.to_datetime(rel[name], errors="coerce").to_numpy(dtype="datetime64[ns]")
    return np.full(len(touching), np.datetime64("NaT"), dtype="datetime64[ns]")


def _later(known: pd.Timestamp | None, when: pd.Timestamp) -> pd.Timestamp:
    """The later of two end dates; an unknown one (NaT) gives way to a known one."""
    if known is None or pd.isna(known):
        return when
    return known if pd.isna(when) else max(known, when)


@dataclass
class _Network:
    """``network_proximity`` and what its reasons say."""

    score: np.ndarray
    common: np.ndarray  # partners shared with the focal organisation
    three: np.ndarray  # three steps away (and no shared partner)


def _network_proximity(A: sp.csr_array, partners: np.ndarray, degree: np.ndarray) -> _Network:
    """Shared partners weighted by their few ties (Adamic-Adar) as 1 - exp(-sum); three steps away."""
    n = A.shape[0]
    inv_log = 1.0 / np.log(np.maximum(degree[partners], 2))
    rows = A[partners] if len(partners) else sp.csr_array((0, n))
    common = np.asarray(rows.sum(axis=0)).ravel() if len(partners) else np.zeros(n)
    adamic = (rows.T @ inv_log) if len(partners) else np.zeros(n)
    two = np.flatnonzero(common > 0)
    three = (np.asarray(A[two].sum(axis=0)).ravel() > 0) if len(two) else np.zeros(n, dtype=bool)
    three &= common == 0
    score = np.where(adamic > 0, 1.0 - np.exp(-adamic), np.where(three, _THREE_STEPS, 0.0))
    return _Network(score=score, common=common, three=three)


@dataclass
class _Complement:
    """``mutual_benefit`` and ``shared_causes``, and which terms match, for the reasons."""

    mutual_benefit: np.ndarray
    shared_causes: np.ndarray
    needs_f: list[str]  # the focal organisation's needs, offers and causes
    offers_f: list[str]
    causes_f: list[str]
    give: np.ndarray  # n × len(needs_f): they offer what the focal organisation needs
    get: np.ndarray  # n × len(offers_f): they need what the focal organisation offers
    shared: np.ndarray  # n × len(causes_f)
    gives: np.ndarray  # any of give, per organisation
    gets: np.ndarray  # any of get


def _complementarity(orgs: pd.DataFrame, f: int) -> _Complement:
    """How well offers meet needs both ways (mutual benefit), and the causes shared (Dice)."""
    n = len(orgs)
    offers_l = _helpers._lists(_helpers._column(orgs, "offers"))
    needs_l = _helpers._lists(_helpers._column(orgs, "needs"))
    causes_l = _helpers._lists(_helpers._column(orgs, "causes"))
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
    return _Complement(
        mutual_benefit=0.25 * (a + b) + 0.5 * np.sqrt(a * b), shared_causes=shared_causes,
        needs_f=needs_f, offers_f=offers_f, causes_f=causes_f, give=give, get=get, shared=shared,
        gives=give.any(axis=1), gets=get.any(axis=1),
    )


@dataclass
class _Place:
    """``proximity`` and where everyone is."""

    score: np.ndarray
    distance: np.ndarray  # km from the focal organisation, NaN where either location is unknown
    overlap: np.ndarray  # overlap of the service areas, 0 to 1
    located: np.ndarray
    focal_located: bool
    lat: np.ndarray
    lon: np.ndarray
    radius_km: np.ndarray


def _proximity(data: PartnerData, f: int, half_distance_km: float) -> _Place:
    """Half distance decay, half overlap of the service areas; 0 without a location."""
    n = len(data.organizations)
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
    decay = np.power(0.5, distance / half_distance_km)
    return _Place(score=np.where(np.isfinite(distance), 0.5 * decay + 0.5 * overlap, 0.0), distance=distance,
                  overlap=overlap, located=located, focal_located=focal_located, lat=lat, lon=lon,
                  radius_km=radius_km)


@dataclass
class _Fills:
    """``fills_gap``: what each organisation adds to the focal organisation's portfolio."""

    score: np.ndarray
    new_sector: np.ndarray
    new_type: np.ndarray
    outside: np.ndarray  # outside the service areas of the focal organisation and all its partners
    sector: np.ndarray
    org_type: np.ndarray


def _fills_gap(orgs: pd.DataFrame, f: int, partners: np.ndarray, place: _Place) -> _Fills:
    """A sector or a type none of the partners has, a place none of them reaches."""
    n = len(orgs)
    sector = _helpers._column(orgs, "sector")
    org_type = _helpers._column(orgs, "org_type")
    have_sectors = {s for s in sector[partners] if not _common._missing(s)}
    have_types = {t for t in org_type[partners] if not _common._missing(t)}
    sec_s, type_s = pd.Series(sector, dtype=object), pd.Series(org_type, dtype=object)
    new_sector = (sec_s.notna() & ~sec_s.isin(list(have_sectors))).to_numpy(dtype=bool)
    new_type = (type_s.notna() & ~type_s.isin(list(have_types))).to_numpy(dtype=bool)
    located = place.located
    anchors = np.array([p for p in [f, *partners.tolist()] if located[p]], dtype=np.intp)
    outside = located & ~_within_any(place.lat, place.lon, located, anchors, place.radius_km) if len(anchors) \
        else np.zeros(n, dtype=bool)
    score = _FILLS["sector"] * new_sector + _FILLS["org_type"] * new_type + _FILLS["area"] * outside
    return _Fills(score=score, new_sector=new_sector, new_type=new_type, outside=outside, sector=sector,
                  org_type=org_type)


def _unit(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on the unit sphere (x, y, z)."""
    p, q = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(p) * np.cos(q), np.cos(p) * np.sin(q), np.sin(p)])


def _within_any(lat: np.ndarray, lon: np.ndarray, located: np.ndarray, anchors: np.ndarray,
                radius_km: np.ndarray) -> np.ndarray:
    """Which organisations lie within ``radius_km[a]`` of some anchor ``a`` (great-circle distance)."""
    n = len(lat)
    inside = np.zeros(n, dtype=bool)
    if len(anchors) <= 16:
        for a in anchors:
            inside |= _geo._haversine_km(lat[a], lon[a], lat, lon) <= radius_km[a]
        return inside
    pts = np.flatnonzero(located)
    tree = cKDTree(_unit(lat[pts], lon[pts]))
    chord = 2 * np.sin(np.minimum(radius_km[anchors] / (2 * 6371.0088), np.pi / 2)) * (1 + 1e-12)
    hits = tree.query_ball_point(_unit(lat[anchors], lon[anchors]), chord, return_sorted=False)
    found = np.fromiter(itertools.chain.from_iterable(hits), dtype=np.intp)
    inside[pts[found]] = True
    return inside


@dataclass
class _Equity:
    """``equity``: reaching beyond the circle, the less connected and the small."""

    score: np.ndarray
    beyond: np.ndarray  # outside the focal organisation's circle
    median_degree: float
    size: np.ndarray
    use_communities: bool


def _equity(orgs: pd.DataFrame, f: int, degree: np.ndarray, common: np.ndarray,
            communities: pd.Series | None) -> _Equity:
    """Outside the circle (no shared partner, or another community), less connected, small."""
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
    size = _helpers._column(orgs, "size")
    score = (_EQUITY["beyond"] * beyond + _EQUITY["less_connected"] * less_connected
             + _EQUITY["small"] * _scores(size, _SIZE_SCORE))
    return _Equity(score=score, beyond=beyond, median_degree=median_degree, size=size,
                   use_communities=use_communities)


def _capacity(orgs: pd.DataFrame) -> np.ndarray:
    """``capacity``: how much time each can give (unknown counts as medium-low)."""
    return _scores(_helpers._column(orgs, "capacity"), _CAPACITY_SCORE)


def _weighted(raw: dict[str, np.ndarray], w: dict[str, float]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The components rounded and clipped to [0, 1], and the weighted score."""
    comps = {k: np.clip(np.round(v.astype(float), _DECIMALS), 0.0, 1.0) for k, v in raw.items()}
    return comps, np.round(sum(w[k] * comps[k] for k in COMPONENTS), _DECIMALS)


def _top(score: np.ndarray, candidate: np.ndarray, ids: np.ndarray, top: int | None) -> np.ndarray:
    """Positions of the ``top`` best candidates in rank order, ties in the score broken on ``org_id``."""
    pool = np.flatnonzero(candidate)
    if top is not None and top < len(pool):
        kth = np.partition(-score[pool], top - 1)[top - 1]
        pool = pool[-score[pool] <= kth]
    order = np.lexsort((np.asarray(ids[pool], dtype=str), -score[pool]))
    return pool[order][:top] if top is not None else pool[order]


# ------------------------------------------------------------------ the ranking


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
    their weighted sum, with the weights normalised to sum 1, so it lies in [0, 1] and
    scores from runs with different weights are comparable. Former partners (an ended tie with ``focal``, or engagement
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
        negative or non-numeric weights raise :class:`~partnermap.ParameterError`. A
        weight of 0 removes that component's influence (and its reasons). The weights
        are divided by their sum: only their proportions matter.
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
        organisation, the weights used (``weights``, normalised to sum 1) and as given
        (``weights_given``), the date and counts.

    Raises
    ------
    UnknownOrganizationError
        When ``focal`` is not an ``org_id``; the message suggests close matches by id and
        by (Arabic-normalised) name.
    ParameterError
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
    given = _check_weights(weights)
    w = _normalised(given)
    top = _check_top(top)
    half_distance_km = _check_distance(half_distance_km)
    orgs = data.organizations
    f = _helpers._org_id(orgs, focal, "focal")
    as_of_ts = _common._as_date(as_of)

    ties = _focal_ties(data, f, as_of_ts, include_ended)
    network = _network_proximity(ties.A, ties.partners, ties.degree)
    complement = _complementarity(orgs, f)
    place = _proximity(data, f, half_distance_km)
    fills = _fills_gap(orgs, f, ties.partners, place)
    equity = _equity(orgs, f, ties.degree, network.common, communities)
    comps, score = _weighted({
        "mutual_benefit": complement.mutual_benefit,
        "shared_causes": complement.shared_causes,
        "network_proximity": network.score,
        "proximity": place.score,
        "fills_gap": fills.score,
        "equity": equity.score,
        "capacity": _capacity(orgs),
    }, w)

    c = _Candidates(ids=orgs.index.to_numpy(dtype=object), ties=ties, network=network, complement=complement,
                    place=place, fills=fills, equity=equity, capacity=_helpers._column(orgs, "capacity"))
    chosen = _top(score, ties.candidate, c.ids, top)
    reasons = [_reasons(int(i), c, comps, w) for i in chosen]
    out = _partners_frame(orgs, c, chosen, score, comps, reasons)
    out.attrs.update(_partners_attrs(orgs, f, c, w, as_of_ts, include_ended, half_distance_km))
    out.attrs["weights_given"] = given
    log.info("potential partners of %s: %d candidates ranked, %d returned in %.2f s",
             orgs.index[f], int(ties.candidate.sum()), len(out), time.perf_counter() - t0)
    return out


@dataclass
class _Candidates:
    """Every component's result, as arrays over all organisations: what the table and reasons need."""

    ids: np.ndarray
    ties: _FocalTies
    network: _Network
    complement: _Complement
    place: _Place
    fills: _Fills
    equity: _Equity
    capacity: np.ndarray  # the capacity column (high, medium, low or missing)


def _partners_frame(orgs: pd.DataFrame, c: _Candidates, chosen: np.ndarray, score: np.ndarray,
                    comps: dict[str, np.ndarray], reasons: list[str]) -> pd.DataFrame:
    """The ranked table: the chosen rows in rank order, indexed by ``org_id``."""
    ids, A, partners = c.ids, c.ties.A, c.ties.partners
    return pd.DataFrame(
        {
            "rank": np.arange(1, len(chosen) + 1, dtype=np.int64),
            "name": _helpers._column(orgs, "name")[chosen],
            "sector": c.fills.sector[chosen],
            "org_type": c.fills.org_type[chosen],
            "score": score[chosen],
            "reasons": reasons,
            **{k: comps[k][chosen] for k in COMPONENTS},
            "engagement_stage": c.ties.stage[chosen],
            "distance_km": np.round(c.place.distance[chosen], 3),
            "shared_partners": [
                sorted(str(ids[j]) for j in np.intersect1d(A.indices[A.indptr[i]:A.indptr[i + 1]], partners))
                for i in chosen
            ],
        },
        index=pd.Index(ids[chosen], name="org_id", dtype=object),
    )


def _partners_attrs(orgs: pd.DataFrame, f: int, c: _Candidates, w: dict[str, float], as_of: pd.Timestamp | None,
                    include_ended: bool, half_distance_km: float) -> dict[str, Any]:
    """What the table's ``attrs`` record: the focal organisation, the parameters and the counts."""
    ties = c.ties
    is_partner = np.zeros(len(orgs), dtype=bool)
    is_partner[ties.partners] = True
    is_partner[f] = True
    name = _helpers._column(orgs, "name")[f]
    return {
        "focal": str(orgs.index[f]),
        "focal_name": None if _common._missing(name) else str(name),
        "weights": dict(w),
        "weights_normalised": "the weights are divided by their sum (they sum to 1), so every score is 0-1 "
                              "and scores from runs with different weights are comparable",
        "as_of": None if as_of is None else as_of.date().isoformat(),
        "include_ended": bool(include_ended),
        "half_distance_km": float(half_distance_km),
        "active_partners": int(len(ties.partners)),
        "former_partners_left_out": 0 if include_ended else int((ties.former & ~is_partner).sum()),
        "candidates": int(ties.candidate.sum()),
        "circle": "communities" if c.equity.use_communities else "shared partners",
    }


# ------------------------------------------------------------------ the reasons


def _reasons(i: int, c: _Candidates, comps: dict[str, np.ndarray], w: dict[str, float]) -> str:
    """The plain-language sentence for candidate ``i``: strongest components first, then caveats."""
    phrases = _phrases(i, c)
    total = sum(w.values())
    ranked = sorted(
        (k for k in COMPONENTS
         if phrases[k] and comps[k][i] >= _MIN_SHOWN and w[k] * comps[k][i] >= _MIN_SHARE * total),
        key=lambda k: (-w[k] * comps[k][i], COMPONENTS.index(k)),
    )[:_MAX_COMPONENTS_IN_REASONS]
    parts = [c.ties.tie_note[i]] if i in c.ties.tie_note else []
    for k in ranked:
        parts.extend(phrases[k])
    parts.extend(_caveats(i, c, ranked, w))
    return "; ".join(parts) if parts else "no strong match on any component"


def _phrases(i: int, c: _Candidates) -> dict[str, list[str]]:
    """What each component has to say about candidate ``i`` (an empty list: nothing)."""
    return {
        "mutual_benefit": _benefit_phrases(i, c.complement),
        "shared_causes": _cause_phrases(i, c.complement),
        "network_proximity": _network_phrases(i, c.network),
        "proximity": _place_phrases(i, c.place),
        "fills_gap": _fills_phrases(i, c.fills),
        "equity": _equity_phrases(i, c.equity, int(c.ties.degree[i])),
        "capacity": ["has time to give (high capacity)"] if c.capacity[i] == "high" else [],
    }


def _benefit_phrases(i: int, m: _Complement) -> list[str]:
    """What candidate ``i`` offers that the focal organisation needs, and the other way round."""
    out = []
    if m.gives[i]:
        give = [t for t, hit in zip(m.needs_f, m.give[i], strict=True) if hit]
        out.append(f"offers {_helpers._and_join(_helpers._labels(schema.RESOURCES, give))} that you need")
    if m.gets[i]:
        get = [t for t, hit in zip(m.offers_f, m.get[i], strict=True) if hit]
        out.append(f"needs {_helpers._and_join(_helpers._labels(schema.RESOURCES, get))} that you offer")
    return out


def _cause_phrases(i: int, m: _Complement) -> list[str]:
    """The causes candidate ``i`` shares with the focal organisation."""
    causes = [t for t, hit in zip(m.causes_f, m.shared[i], strict=True) if hit]
    if not causes:
        return []
    words = _helpers._and_join(_helpers._labels(schema.CAUSES, causes))
    return [f"shares your cause{'s' if len(causes) > 1 else ''}: {words}"]


def _network_phrases(i: int, net: _Network) -> list[str]:
    """Shared partners, or three steps away."""
    k = int(round(net.common[i]))
    if k:
        return [f"shares {_helpers._plural(k, 'partner')} with you"]
    return ["three steps away in your network"] if net.three[i] else []


def _place_phrases(i: int, place: _Place) -> list[str]:
    """How far away, and whether the service areas overlap."""
    d = place.distance[i]
    if not np.isfinite(d):
        return []
    return [f"{_km(d)} away" + (", service areas overlap" if place.overlap[i] > 0 else "")]


def _km(d: float) -> str:
    """A distance in words: one decimal below 10 km."""
    return f"{d:.1f} km" if d < 10 else f"{d:,.0f} km"


def _fills_phrases(i: int, fills: _Fills) -> list[str]:
    """The sector, type or place candidate ``i`` adds to the portfolio."""
    out = []
    if fills.new_sector[i]:
        out.append(f"adds the {_helpers._sector_label(fills.sector[i])} sector")
    if fills.new_type[i]:
        out.append(f"adds a new type of partner ({_helpers._type_label(fills.org_type[i])})")
    if fills.outside[i]:
        out.append("works outside the areas you and your partners reach")
    return out


def _equity_phrases(i: int, eq: _Equity, deg: int) -> list[str]:
    """Outside the circle, small, few partners."""
    out = []
    if eq.beyond[i]:
        out.append("in another community of the network" if eq.use_communities
                   else "outside your circle (no shared partners)")
    few = "no partners yet" if deg == 0 else f"only {_helpers._plural(deg, 'partner')}" if deg < eq.median_degree \
        else ""
    if eq.size[i] == "small":
        out.append("a small organisation" + (f" with {few}" if few else ""))
    elif few:
        out.append(f"has {few}")
    return out


def _caveats(i: int, c: _Candidates, ranked: list[str], w: dict[str, float]) -> list[str]:
    """What the reader should know before calling: one-sided benefit, low capacity, unknown location."""
    out = []
    gives, gets = c.complement.gives[i], c.complement.gets[i]
    if "mutual_benefit" in ranked and gives and not gets:
        out.append("but needs nothing you offer")
    if "mutual_benefit" in ranked and gets and not gives:
        out.append("but offers nothing you need")
    if w["capacity"] > 0 and c.capacity[i] == "low":
        out.append("low capacity: do not assume it has time to spare")
    if w["proximity"] > 0 and not np.isfinite(c.place.distance[i]):
        out.append("distance not scored: " + ("your location is unknown" if not c.place.focal_located
                                              else "its location is unknown"))
    return out


# -------------------------------------------------------------- as plain text


def format_partners(table: pd.DataFrame, *, limit: int = 10) -> str:
    """A :func:`potential_partners` table as plain text, one numbered candidate per entry.

    Parameters
    ----------
    table
        What :func:`potential_partners` returned (its ``attrs`` name the focal
        organisation and count the candidates).
    limit
        Candidates shown.

    Returns
    -------
    str
        A heading line, then two lines per candidate: rank, id, name, sector, type,
        stage and score; then the reasons.

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
