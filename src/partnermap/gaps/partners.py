"""Potential partners: the ranking, its weights, the reasons, and the ranking as text."""

from __future__ import annotations

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

from .. import _common, _geo, schema
from .._data import PartnerData
from .._errors import PartnermapError
from . import _helpers

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
    return pd.Series(values, dtype=object).map(mapping).astype(float).fillna(_UNKNOWN_SCORE).to_numpy()


def _km(d: float) -> str:
    return f"{d:.1f} km" if d < 10 else f"{d:,.0f} km"



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
    f = _helpers._org_id(orgs, focal, "focal")
    fid = orgs.index[f]
    as_of_ts = _common._as_date(as_of)
    ids = orgs.index.to_numpy(dtype=object)

    # ---- the network: active ties on as_of, the focal organisation's ties of any status
    src, dst, status = _helpers._ties(data, as_of_ts)
    A = _helpers._adjacency(n, src[status == "active"], dst[status == "active"])
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
    sector = _helpers._column(orgs, "sector")
    org_type = _helpers._column(orgs, "org_type")
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
    size = _helpers._column(orgs, "size")
    equity = (_EQUITY["beyond"] * beyond + _EQUITY["less_connected"] * less_connected
              + _EQUITY["small"] * _scores(size, _SIZE_SCORE))
    cap = _helpers._column(orgs, "capacity")
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
            "name": _helpers._column(orgs, "name")[chosen],
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
        "focal_name": None if _common._missing(_helpers._column(orgs, "name")[f]) else str(_helpers._column(orgs, "name")[f]),
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
        phrases["mutual_benefit"].append(f"offers {_helpers._and_join(_helpers._labels(schema.RESOURCES, give))} that you need")
    if get:
        phrases["mutual_benefit"].append(f"needs {_helpers._and_join(_helpers._labels(schema.RESOURCES, get))} that you offer")
    causes = [t for t, hit in zip(c.causes_f, c.shared[i]) if hit]
    if causes:
        phrases["shared_causes"].append(f"shares your cause{'s' if len(causes) > 1 else ''}: "
                                        f"{_helpers._and_join(_helpers._labels(schema.CAUSES, causes))}")
    k = int(round(c.common[i]))
    if k:
        phrases["network_proximity"].append(f"shares {_helpers._plural(k, 'partner')} with you")
    elif c.three[i]:
        phrases["network_proximity"].append("three steps away in your network")
    d = c.distance[i]
    if np.isfinite(d):
        phrases["proximity"].append(f"{_km(d)} away" + (", service areas overlap" if c.overlap[i] > 0 else ""))
    if c.new_sector[i]:
        phrases["fills_gap"].append(f"adds the {_helpers._sector_label(c.sector[i])} sector")
    if c.new_type[i]:
        phrases["fills_gap"].append(f"adds a new type of partner ({_helpers._type_label(c.org_type[i])})")
    if c.outside[i]:
        phrases["fills_gap"].append("works outside the areas you and your partners reach")
    if c.beyond[i]:
        phrases["equity"].append("in another community of the network" if c.use_communities
                                 else "outside your circle (no shared partners)")
    deg = int(c.degree[i])
    few = "no partners yet" if deg == 0 else f"only {_helpers._plural(deg, 'partner')}" if deg < c.median_degree else ""
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
