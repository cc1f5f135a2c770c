"""What if ties are added or organisations close: the network and the portfolio before and after.

:func:`what_if` builds the network before the change (the compact graph of
:mod:`partnermap._sparse`, straight from the frames: no networkx graph) and its summary
in full, then the network and summary after from them, recomputing only what the change
reaches (:mod:`partnermap.gaps._incremental`), and collects the effects one helper per
kind: ``_sector_reach`` (only ties to a sector lost or gained), ``_left_without_ties``,
``_main_network``, ``_mixing_effects`` and ``_focal_effects``; ``_headline`` words the
scenario.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import _common, _sparse, schema
from .._data import PartnerData
from .._errors import ParameterError
from . import _helpers, _incremental
from .portfolio import Portfolio, portfolio

log = logging.getLogger("partnermap")

Affected = dict[str, Any]

_CHANGE_MEASURES = ("organisations", "ties", "partner_pairs", "isolates", "components", "largest_component_share",
                    "density", "average_clustering", "communities", "modularity", "sector_ei_index")


@dataclass(frozen=True, eq=False)
class WhatIf:
    r"""The result of :func:`what_if`: the scenario, the differences, and what they mean.

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
        The ``org_id``\ s removed.
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
        """The headline, every effect and the table of changes, as plain text.

        Returns
        -------
        str
            The headline, one ``- effect`` line per effect, a blank line and the
            ``changes`` table.
        """
        lines = [self.headline, *[f"- {e}" for e in self.effects], ""]
        lines.append(self.changes.to_string(float_format=lambda v: f"{v:.3f}"))
        return "\n".join(lines)


# ------------------------------------------------------------------ the scenario


def _removed(orgs: pd.DataFrame, remove_orgs: Iterable[str]) -> list[Any]:
    """The ids in ``remove_orgs``, checked, once each, in the order given."""
    removed: list[Any] = []
    for r in ([remove_orgs] if isinstance(remove_orgs, str) else list(remove_orgs)):
        oid = orgs.index[_helpers._org_id(orgs, r, "remove_orgs")]
        if oid not in removed:
            removed.append(oid)
    return removed


def _new_ties(add_ties: Any, orgs: pd.DataFrame, removed: set[Any]) -> pd.DataFrame:
    """``add_ties`` as a frame of active ties (source, target, kind, directed, weight), validated."""
    rows = [_new_tie(r, orgs, removed) for r in _tie_records(add_ties)]
    index = pd.Index([f"what_if_{i + 1}" for i in range(len(rows))], name="tie_id", dtype=object)
    return pd.DataFrame(rows, columns=["source", "target", "kind", "status", "directed", "weight"], index=index)


def _tie_records(add_ties: Any) -> list[dict[str, Any]]:
    """``add_ties`` (pairs, triples, mappings or a DataFrame) as one mapping per tie."""
    if add_ties is None:
        return []
    if isinstance(add_ties, pd.DataFrame):
        missing = {"source", "target"} - set(add_ties.columns)
        if missing:
            raise ParameterError(f"add_ties needs columns source and target; missing {', '.join(sorted(missing))}.")
        return add_ties.to_dict("records")
    records = []
    for t in add_ties:
        if isinstance(t, Mapping):
            records.append(dict(t))
        elif isinstance(t, (tuple, list)) and len(t) in (2, 3):
            records.append({"source": t[0], "target": t[1], **({"kind": t[2]} if len(t) == 3 else {})})
        else:
            raise ParameterError(f"add_ties: {t!r} is not a tie; give (source, target) or "
                                 "(source, target, kind) pairs, or a DataFrame with source and target.")
    return records


def _new_tie(r: Mapping[str, Any], orgs: pd.DataFrame, removed: set[Any]) -> dict[str, Any]:
    """One added tie, its ends looked up and its kind checked."""
    s = orgs.index[_helpers._org_id(orgs, str(r["source"]), "add_ties")]
    t = orgs.index[_helpers._org_id(orgs, str(r["target"]), "add_ties")]
    if s == t:
        raise ParameterError(f"add_ties: a tie from '{s}' to itself says nothing about who connects whom.")
    for end in (s, t):
        if end in removed:
            raise ParameterError(f"add_ties: '{end}' is also in remove_orgs; a tie cannot reach a removed "
                                 "organisation.")
    kind = r.get("kind") if not _common._missing(r.get("kind")) else "partnership"
    if kind not in schema.RELATIONSHIP_KINDS:
        close = difflib.get_close_matches(str(kind), list(schema.RELATIONSHIP_KINDS), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ParameterError(f"add_ties: unknown kind '{kind}'.{hint} Choose from "
                             f"{', '.join(schema.RELATIONSHIP_KINDS)}.")
    weight = _weight(r["weight"], s, t) if not _common._missing(r.get("weight")) else 1.0
    directed = _truth(r["directed"], s, t) if not _common._missing(r.get("directed")) else kind in schema.DIRECTED_KINDS
    return {"source": s, "target": t, "kind": kind, "status": "active", "directed": directed, "weight": weight}


def _weight(value: Any, s: str, t: str) -> float:
    """An added tie's weight: a positive number, else :class:`ParameterError`."""
    try:
        weight = float(value)
    except (TypeError, ValueError):
        weight = math.nan
    if not (math.isfinite(weight) and weight > 0):
        raise ParameterError(f"add_ties: the weight of {s} -> {t} is {value!r}; give a positive number "
                             "(1 for an ordinary tie, more for a stronger one).")
    return weight


def _truth(value: Any, s: str, t: str) -> bool:
    """An added tie's ``directed``: True/False, 1/0 or the words yes/no, true/false, else :class:`ParameterError`."""
    if isinstance(value, (bool, np.bool_, int, np.integer)) and value in (0, 1):
        return bool(value)
    word = str(value).strip().casefold()
    if word in ("true", "yes", "1", "نعم"):
        return True
    if word in ("false", "no", "0", "لا"):
        return False
    raise ParameterError(f"add_ties: directed={value!r} for {s} -> {t}; give True or False.")


# -------------------------------------------------------------------- effects


def _sector_ties(V: _sparse._Views, cats: list[Any], rows: np.ndarray) -> np.ndarray:
    """Which sectors (columns, in the order of ``cats``) each organisation at ``rows`` has a tie to."""
    code = pd.Series(V.attrs["sector"], dtype=object).map({c: i for i, c in enumerate(cats)})
    code = code.fillna(-1).to_numpy(dtype=np.int64)
    coo = V.U[rows].tocoo()
    known = code[coo.col] >= 0
    reach = np.zeros((len(rows), len(cats)), dtype=bool)
    reach[coo.row[known], code[coo.col[known]]] = True
    return reach


def _by_text(nodes: list[Any], positions: np.ndarray) -> list[int]:
    """``positions`` ordered by the text of their ids (as ``sorted(ids, key=str)``)."""
    return sorted(positions.tolist(), key=lambda i: str(nodes[i]))


def _text_rank(nodes: list[Any]) -> np.ndarray:
    """Each node's place when the ids are sorted as text."""
    rank = np.empty(len(nodes), dtype=np.int64)
    rank[np.argsort(np.array([str(v) for v in nodes], dtype=object), kind="stable")] = np.arange(len(nodes))
    return rank


def _largest(nodes: list[Any], comp: np.ndarray, text_rank: np.ndarray) -> set[Any]:
    """The largest component (ties: the one with the smallest ``org_id`` as text); ``comp`` labels 0, 1, ..."""
    if not len(nodes):
        return set()
    smallest = np.full(comp.max() + 1, len(nodes), dtype=np.int64)
    np.minimum.at(smallest, comp, text_rank)
    main = np.lexsort((smallest, -np.bincount(comp)))[0]
    return {nodes[i] for i in np.flatnonzero(comp == main)}


def _note(names: Mapping[Any, Any], org: Any, effect: str, detail: str) -> Affected:
    """One row of ``WhatIf.affected``."""
    return {"org_id": org, "name": names.get(org), "effect": effect, "detail": detail}


def _sector_reach(V0: _sparse._Views, V1: _sparse._Views, at: np.ndarray, touched: np.ndarray,
                  names: Mapping[Any, Any]) -> tuple[list[str], list[str], list[Affected]]:
    """Organisations that lose their only tie to a sector, and those that gain a first one.

    Only the organisations whose partners changed (``touched``, positions after) can.
    """
    # every sector after is one before (no organisation is added)
    cats = sorted({s for s in pd.unique(pd.Series(V0.attrs["sector"], dtype=object)) if not _common._missing(s)},
                  key=str)
    before = _sector_ties(V0, cats, at[touched])
    after = _sector_ties(V1, cats, touched)
    lost_m, gained_m = before & ~after, after & ~before
    lost: dict[Any, list[Any]] = {}
    gained: dict[Any, list[Any]] = {}
    affected = []
    row = {int(i): k for k, i in enumerate(touched.tolist())}
    for i in _by_text(V1.nodes, touched[lost_m.any(axis=1) | gained_m.any(axis=1)]):
        v, k = V1.nodes[i], row[i]
        for j in np.flatnonzero(lost_m[k]):
            lost.setdefault(cats[j], []).append(v)
            affected.append(_note(names, v, "lost_only_tie_to_sector", cats[j]))
        for j in np.flatnonzero(gained_m[k]):
            gained.setdefault(cats[j], []).append(v)
            affected.append(_note(names, v, "gained_first_tie_to_sector", cats[j]))
    lost_effects = [
        f"{_helpers._plural(len(vs), 'organisation')} {'loses its' if len(vs) == 1 else 'lose their'} only tie "
        f"to the {_helpers._sector_label(s)} sector ({_helpers._few(vs)})"
        for s, vs in sorted(lost.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))
    ]
    gained_effects = [
        f"{_helpers._plural(len(vs), 'organisation')} {'gains its' if len(vs) == 1 else 'gain their'} first "
        f"tie to the {_helpers._sector_label(s)} sector ({_helpers._few(vs)})"
        for s, vs in sorted(gained.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))
    ]
    return lost_effects, gained_effects, affected


def _left_without_ties(V0: _sparse._Views, V1: _sparse._Views, at: np.ndarray,
                       names: Mapping[Any, Any]) -> tuple[list[str], list[Affected]]:
    """Organisations that had ties and have none after."""
    had = (np.diff(V0.U.indptr) > 0)[at]
    alone = [V1.nodes[i] for i in _by_text(V1.nodes, np.flatnonzero(had & (np.diff(V1.U.indptr) == 0)))]
    affected = [_note(names, v, "left_without_ties", "no tie left") for v in alone]
    if not alone:
        return [], affected
    return [f"{_helpers._plural(len(alone), 'organisation')} {'is' if len(alone) == 1 else 'are'} left with no "
            f"ties at all ({_helpers._few(alone)})"], affected


def _main_network(main0: set[Any], main1: set[Any], removed: set[Any],
                  names: Mapping[Any, Any]) -> tuple[list[str], list[Affected]]:
    """Organisations cut off from the largest component (``main0`` before, ``main1`` after), and those that join it."""
    cut = sorted((main0 - main1) - removed, key=str) if len(main1) else []
    joined = sorted(main1 - main0, key=str) if main0 else []
    detail = f"main network {len(main0)} → {len(main1)}"
    affected = [_note(names, v, "cut_off_from_main_network", detail) for v in cut]
    affected += [_note(names, v, "joined_main_network", detail) for v in joined]
    effects = []
    if cut:
        effects.append(f"{_helpers._plural(len(cut), 'organisation')} {'is' if len(cut) == 1 else 'are'} cut off "
                       f"from the main network ({_helpers._few(cut)})")
    if joined:
        effects.append(f"{_helpers._plural(len(joined), 'organisation')} {'joins' if len(joined) == 1 else 'join'} "
                       f"the main network ({_helpers._few(joined)})")
    return effects, affected


def _mixing_effects(s0: Mapping[str, Any], s1: Mapping[str, Any]) -> list[str]:
    """Components before and after, and sector pairs that get their first tie or lose their last."""
    effects = []
    if s0["components"] != s1["components"]:
        effects.append(f"components {s0['components']} → {s1['components']}")
    m0, m1 = s0["sector_mixing"], s1["sector_mixing"]
    cats = sorted(set(m0.index) | set(m1.index), key=str)
    for i, a in enumerate(cats):
        for b in cats[i:]:
            x0 = int(m0.loc[a, b]) if a in m0.index and b in m0.columns else 0
            x1 = int(m1.loc[a, b]) if a in m1.index and b in m1.columns else 0
            pair = (f"within the {_helpers._sector_label(a)} sector" if a == b
                    else f"between the {_helpers._sector_label(a)} and {_helpers._sector_label(b)} sectors")
            if x0 == 0 and x1 > 0:
                effects.append(f"the first tie {pair}")
            elif x0 > 0 and x1 == 0:
                effects.append(f"no tie is left {pair}")
    return effects


def _focal_effects(p0: Portfolio, p1: Portfolio, me: str) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """The focal organisation's figures before and after, and what changed for it in words."""
    fs0 = set(p0.partners["sector"].dropna())
    fs1 = set(p1.partners["sector"].dropna())
    rows = {
        "focal_partners": (len(p0.partners), len(p1.partners)),
        "focal_sectors": (len(fs0), len(fs1)),
        "focal_unmet_needs": (len(p0.unmet_needs), len(p1.unmet_needs)),
        "focal_areas_not_reached": (len(p0.areas_not_reached), len(p1.areas_not_reached)),
    }
    effects = [f"{me} gains a partner in the {_helpers._sector_label(s)} sector" for s in sorted(fs1 - fs0, key=str)]
    effects += [f"{me} loses its only partner in the {_helpers._sector_label(s)} sector"
                for s in sorted(fs0 - fs1, key=str)]
    if len(p0.partners) != len(p1.partners):
        effects.append(f"{me}: partners {len(p0.partners)} → {len(p1.partners)}")
    u0, u1 = list(p0.unmet_needs["label"]), list(p1.unmet_needs["label"])
    if u0 != u1:
        effects.append(f"{me}: needs no partner offers {_helpers._and_join(u0) or 'none'} → "
                       f"{_helpers._and_join(u1) or 'none'}")
    a0, a1 = len(p0.areas_not_reached), len(p1.areas_not_reached)
    if a0 != a1:
        effects.append(f"{me}: areas neither it nor its partners reach {a0} → {a1}")
    return rows, effects


def _changes(rows: Mapping[str, tuple[Any, Any]]) -> pd.DataFrame:
    """The table of figures: ``before``, ``after`` and ``change`` per measure."""
    changes = pd.DataFrame(
        {"before": [float(b) for b, _ in rows.values()], "after": [float(a) for _, a in rows.values()]},
        index=pd.Index(list(rows), name="measure", dtype=object))
    changes["change"] = changes["after"] - changes["before"]
    return changes


def _headline(removed: list[Any], new: pd.DataFrame, effects: list[str], names: Mapping[Any, Any]) -> str:
    """"If X closes and a tie is added (A – B): the first three effects"."""
    scenario = []
    if removed:
        gone = _helpers._and_join([_helpers._who(names, r) for r in removed])
        scenario.append(f"{gone} {'closes' if len(removed) == 1 else 'close'}")
    if len(new):
        pairs = _helpers._and_join([f"{_helpers._who(names, r.source)} – {_helpers._who(names, r.target)}"
                                    for r in new.itertuples()])
        scenario.append(f"{'a tie is' if len(new) == 1 else f'{len(new)} ties are'} added ({pairs})")
    what = " and ".join(scenario) if scenario else "nothing changes"
    main_effects = "; ".join(effects[:3]) if effects else "no organisation is cut off or loses its only tie to a sector"
    return f"If {what}: {main_effects}"


# --------------------------------------------------------------------- what if


def what_if(
    data: PartnerData,
    *,
    add_ties: Iterable[Any] | pd.DataFrame = (),
    remove_orgs: Iterable[str] = (),
    focal: str | None = None,
    as_of: str | dt.date | None = None,
    metrics: pd.DataFrame | None = None,
    seed: int = 0,
) -> WhatIf:
    r"""What changes if ties are added or organisations close: the network and the portfolio.

    Takes the network before and after (active ties on ``as_of``), its
    :func:`partnermap.centrality.network_summary` before and after and, with ``focal``,
    its :func:`portfolio`, and says the differences in words: organisations that lose
    their only tie to a sector (or gain a first one), are left without ties, are cut off
    from (or join) the main network, sector pairs that lose or gain their only ties,
    components, and the focal organisation's partners, sectors, unmet needs and
    unreached areas.

    The summary after is worked out from the one before, recomputing only what the
    change reaches (the components that lose or join organisations, the triangles
    around the changed ties, the mixing counts of the pairs that go or come), and its
    figures are those a summary of the network after would give, except the
    communities: after the change they are the communities before, with each
    organisation whose partners changed (ends of the added ties, partners of the closed
    organisations) moved, in ``org_id`` order, to the neighbouring community that raises
    the modularity most, if any does, its partners then reconsidered in turn, until
    none gains; then split into connected pieces and labelled as
    :func:`partnermap.centrality.communities` does. So a small change moves few
    organisations, and "communities" and "modularity" (the exact modularity of that
    partition) change by what the change does, not by a new Louvain run. Nothing
    random is drawn after the change: with the same data, ``seed`` (or ``metrics``)
    the result is the same, whatever the order of the rows.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned. Not modified.
    add_ties
        Ties to add as active: ``(source, target)`` or ``(source, target, kind)``
        tuples, mappings, or a DataFrame with ``source``, ``target`` and optional
        ``kind``, ``weight``, ``directed``.
    remove_orgs
        ``org_id``\ s of organisations that close (their ties go with them).
    focal
        An ``org_id`` whose portfolio is compared too; it cannot be removed.
    as_of
        Ties as they stood on this date (``None``: recorded statuses).
    metrics
        A :func:`partnermap.centrality.centrality` table of the network before (same
        ``as_of``): its ``community`` column is taken as the communities before instead
        of running Louvain.
    seed
        Louvain seed of the communities before (those after start from them).

    Returns
    -------
    WhatIf
        ``headline``, ``effects``, ``changes``, ``affected`` and the summaries and
        portfolios before and after; ``.text()`` gives plain text.

    Raises
    ------
    UnknownOrganizationError
        When an id in ``add_ties``, ``remove_orgs`` or ``focal`` is not an ``org_id``.
    ParameterError
        For a self-tie, an unknown tie kind, a tie to a removed organisation, a tie that
        is not a pair, or a removed focal organisation.

    Examples
    --------
    >>> import partnermap as pm
    >>> from partnermap.gaps import what_if
    >>> data = pm.load(pm.datasets.demo_path())
    >>> w = what_if(data, add_ties=[("ORG-001", "ORG-081")], focal="ORG-001", as_of=pm.datasets.DEMO_AS_OF)
    >>> "the first tie between the for-profit and public sectors" in w.effects
    True
    """
    orgs = data.organizations
    removed = _removed(orgs, remove_orgs)
    fid = orgs.index[_helpers._org_id(orgs, focal, "focal")] if focal is not None else None
    if fid is not None and fid in set(removed):
        raise ParameterError(f"focal '{fid}' is in remove_orgs: choose another focal organisation, or keep it.")
    new = _new_ties(add_ties, orgs, set(removed))
    sc = _incremental._scenario(data, removed, new, as_of, metrics, seed)
    V0, V1, at = sc.V0, sc.V1, sc.change.at
    s0, s1 = _incremental.centrality._summarise(sc.P0), _incremental.centrality._summarise(sc.P1)
    names = dict(zip(orgs.index, orgs["name"].tolist(), strict=True)) if "name" in orgs.columns else {}
    lost, gained, affected = _sector_reach(V0, V1, at, sc.change.touched, names)
    alone, alone_affected = _left_without_ties(V0, V1, at, names)
    text_rank = _text_rank(V0.nodes)
    main, main_affected = _main_network(_largest(V0.nodes, sc.P0.comp, text_rank),
                                        _largest(V1.nodes, sc.P1.comp, text_rank[at]), set(removed), names)
    effects = [*lost, *alone, *main, *_mixing_effects(s0, s1), *gained]
    affected += alone_affected + main_affected

    rows = {k: (s0[k], s1[k]) for k in _CHANGE_MEASURES}
    p0 = p1 = None
    if fid is not None:
        p0, p1 = portfolio(data, fid, as_of=as_of), portfolio(_focal_after(data, fid, removed, new), fid, as_of=as_of)
        focal_rows, focal_effects = _focal_effects(p0, p1, _helpers._who(names, fid))
        rows.update(focal_rows)
        effects += focal_effects
    affected_df = pd.DataFrame(affected, columns=["org_id", "name", "effect", "detail"]).astype(object)
    log.info("what-if: %d organisations removed, %d ties added; %d effects; communities %d → %d",
             len(removed), len(new), len(effects), s0["communities"], s1["communities"])
    return WhatIf(headline=_headline(removed, new, effects, names), effects=effects, changes=_changes(rows),
                  affected=affected_df, added_ties=new[["source", "target", "kind"]].copy(),
                  removed_orgs=[str(r) for r in removed], summary_before=s0, summary_after=s1,
                  portfolio_before=p0, portfolio_after=p1)


def _focal_after(data: PartnerData, fid: Any, removed: list[Any], new: pd.DataFrame) -> PartnerData:
    """The data after the change, as the focal organisation's portfolio reads it.

    A portfolio reads the organisations and only the focal organisation's own ties
    (``_helpers._schedule_rows``), so the other ties are left out first.
    """
    rel = data.relationships
    mine = _helpers._schedule_rows(rel, fid)
    return _incremental._after_data(dataclasses.replace(data, relationships=mine), removed,
                                    new[(new["source"] == fid) | (new["target"] == fid)])
