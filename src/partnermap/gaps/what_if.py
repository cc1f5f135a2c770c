"""What if ties are added or organisations close: the network and the portfolio before and after."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd

from .. import _common, schema
from .._data import PartnerData
from .._errors import PartnermapError
from ..graph import build_graph, simple_graph
from . import _helpers
from .portfolio import Portfolio, portfolio

log = logging.getLogger("partnermap")

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
        s = orgs.index[_helpers._org_id(orgs, s, "add_ties")]
        t = orgs.index[_helpers._org_id(orgs, t, "add_ties")]
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
        oid = orgs.index[_helpers._org_id(orgs, r, "remove_orgs")]
        if oid not in removed:
            removed.append(oid)
    removed_set = set(removed)
    fid = orgs.index[_helpers._org_id(orgs, focal, "focal")] if focal is not None else None
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
        effects.append(f"{_helpers._plural(len(vs), 'organisation')} {'loses its' if len(vs) == 1 else 'lose their'} only tie "
                       f"to the {_helpers._sector_label(s)} sector ({_helpers._few(vs)})")
    alone = [v for v in sorted(H1.nodes, key=str) if H1.degree(v) == 0 and H0.degree(v) > 0]
    for v in alone:
        note(v, "left_without_ties", "no tie left")
    if alone:
        effects.append(f"{_helpers._plural(len(alone), 'organisation')} {'is' if len(alone) == 1 else 'are'} left with no "
                       f"ties at all ({_helpers._few(alone)})")
    main0, main1 = _largest(H0), _largest(H1)
    cut = sorted((main0 - main1) - removed_set, key=str) if len(main1) else []
    joined = sorted(main1 - main0, key=str) if main0 else []
    for v in cut:
        note(v, "cut_off_from_main_network", f"main network {len(main0)} → {len(main1)}")
    for v in joined:
        note(v, "joined_main_network", f"main network {len(main0)} → {len(main1)}")
    if cut:
        effects.append(f"{_helpers._plural(len(cut), 'organisation')} {'is' if len(cut) == 1 else 'are'} cut off from the "
                       f"main network ({_helpers._few(cut)})")
    if joined:
        effects.append(f"{_helpers._plural(len(joined), 'organisation')} {'joins' if len(joined) == 1 else 'join'} the main "
                       f"network ({_helpers._few(joined)})")
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
    for s, vs in sorted(gained.items(), key=lambda kv: (-len(kv[1]), str(kv[0]))):
        effects.append(f"{_helpers._plural(len(vs), 'organisation')} {'gains its' if len(vs) == 1 else 'gain their'} first "
                       f"tie to the {_helpers._sector_label(s)} sector ({_helpers._few(vs)})")

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
        me = _helpers._who(names, fid)
        for s in sorted(fs1 - fs0, key=str):
            effects.append(f"{me} gains a partner in the {_helpers._sector_label(s)} sector")
        for s in sorted(fs0 - fs1, key=str):
            effects.append(f"{me} loses its only partner in the {_helpers._sector_label(s)} sector")
        if len(p0.partners) != len(p1.partners):
            effects.append(f"{me}: partners {len(p0.partners)} → {len(p1.partners)}")
        u0, u1 = list(p0.unmet_needs["label"]), list(p1.unmet_needs["label"])
        if u0 != u1:
            effects.append(f"{me}: needs no partner offers {_helpers._and_join(u0) or 'none'} → {_helpers._and_join(u1) or 'none'}")
        a0, a1 = len(p0.areas_not_reached), len(p1.areas_not_reached)
        if a0 != a1:
            effects.append(f"{me}: areas neither it nor its partners reach {a0} → {a1}")
    changes = pd.DataFrame(
        {"before": [float(b) for b, _ in rows.values()], "after": [float(a) for _, a in rows.values()]},
        index=pd.Index(list(rows), name="measure", dtype=object))
    changes["change"] = changes["after"] - changes["before"]

    scenario = []
    if removed:
        gone = _helpers._and_join([_helpers._who(names, r) for r in removed])
        scenario.append(f"{gone} {'closes' if len(removed) == 1 else 'close'}")
    if len(new):
        pairs = _helpers._and_join([f"{_helpers._who(names, r.source)} – {_helpers._who(names, r.target)}" for r in new.itertuples()])
        scenario.append(f"{'a tie is' if len(new) == 1 else f'{len(new)} ties are'} added ({pairs})")
    what = " and ".join(scenario) if scenario else "nothing changes"
    main_effects = "; ".join(effects[:3]) if effects else "no organisation is cut off or loses its only tie to a sector"
    headline = f"If {what}: {main_effects}"
    affected_df = pd.DataFrame(affected, columns=["org_id", "name", "effect", "detail"]).astype(object)
    log.info("what-if: %d organisations removed, %d ties added; %d effects", len(removed), len(new), len(effects))
    return WhatIf(headline=headline, effects=effects, changes=changes, affected=affected_df,
                  added_ties=new[["source", "target", "kind"]].copy(), removed_orgs=[str(r) for r in removed],
                  summary_before=s0, summary_after=s1, portfolio_before=p0, portfolio_after=p1)
