"""The focal organisation's portfolio: its partners, reviews and gaps."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import _common, schema
from .._data import PartnerData
from ..graph import build_graph
from . import _helpers

log = logging.getLogger("partnermap")

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
    today = _helpers._today(as_of)
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
        sectors = ", ".join(f"{_helpers._sector_label(s)} {int(r.partners)}" for s, r in self.by_sector.iterrows())
        lines.append(f"active partners: {len(self.partners)} ({sectors})")
        types = ", ".join(f"{_helpers._type_label(t)} {int(r.partners)}" for t, r in self.by_type.iterrows() if r.partners)
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
    f = _helpers._org_id(orgs, focal, "focal")
    fid = orgs.index[f]
    today = _helpers._today(as_of)
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
    sector = pd.Series(_helpers._column(orgs, "sector"), index=orgs.index, dtype=object)
    org_type = pd.Series(_helpers._column(orgs, "org_type"), index=orgs.index, dtype=object)
    stage = pd.Series(_helpers._column(orgs, "engagement_stage"), index=orgs.index, dtype=object)
    offers = pd.Series(_helpers._lists(_helpers._column(orgs, "offers")), index=orgs.index, dtype=object)
    needs = pd.Series(_helpers._lists(_helpers._column(orgs, "needs")), index=orgs.index, dtype=object)
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
        {"label": _helpers._labels(schema.RESOURCES, unmet),
         "offered_by": [int((offers[non_partners].map(lambda v, t=t: t in v)).sum()) for t in unmet]},
        index=pd.Index(unmet, name="need", dtype=object))
    unused_offers = pd.DataFrame(
        {"label": _helpers._labels(schema.RESOURCES, unused),
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
            label = _helpers._sector_label(s)
            g.append(_helpers._gap_row("missing_sector", f"no active partner in the {label} sector "
                              f"({_helpers._plural(int(r.organisations), label + ' organisation')} in the data)",
                              count=int(r.organisations), other_id=s, **kw))
    for t, r in unmet_needs.iterrows():
        g.append(_helpers._gap_row("unmet_need", f"no partner offers {r.label}, which you need "
                          f"({_helpers._plural(int(r.offered_by), 'other organisation')} in the data "
                          f"{'offers' if r.offered_by == 1 else 'offer'} it)", count=int(r.offered_by),
                          other_id=t, **kw))
    for t, r in unused_offers.iterrows():
        g.append(_helpers._gap_row("unused_offer", f"no partner needs the {r.label} you offer "
                          f"({_helpers._plural(int(r.needed_by), 'other organisation')} in the data "
                          f"{'needs' if r.needed_by == 1 else 'need'} it)", count=int(r.needed_by),
                          other_id=t, **kw))
    for tie, r in overdue.iterrows():
        g.append(_helpers._gap_row("overdue_review", f"the review of your {r.kind} tie ({tie}) with {_helpers._who(names, r.partner)} "
                          f"was due on {pd.Timestamp(r.review_due).date().isoformat()}: "
                          f"{_helpers._plural(int(r.days_overdue), 'day')} overdue", org_id=r.partner,
                          name=r.partner_name, count=int(r.days_overdue), **kw))
    for p, r in ended.iterrows():
        if r.basis == "tie ended":
            when = f" ended on {r.ended_on.date().isoformat()}" if not pd.isna(r.ended_on) else " has ended"
            g.append(_helpers._gap_row("ended_tie", f"your {' and '.join(r.kinds) or 'tie'} tie with {_helpers._who(names, p)}{when} "
                              "and was not renewed", org_id=p, name=r["name"], **kw))
        else:
            g.append(_helpers._gap_row("lapsed", f"{_helpers._who(names, p)} is at engagement stage 'lapsed' (no ended tie is "
                              "recorded)", org_id=p, name=r["name"], **kw))
    for a, r in areas_not_reached.iterrows():
        pop = r.get("population", np.nan)
        nm = r.get("name", None)
        g.append(_helpers._gap_row("area_not_reached", f"neither you nor your partners reach {nm + ' ' if not _common._missing(nm) else ''}"
                          f"({a})" + (f"; {pop:,.0f} residents" if not _common._missing(pop) else ""),
                          area_id=a, count=pop if not _common._missing(pop) else None, **kw))
    total = int(formality.sum())
    if total:
        g.append(_helpers._gap_row("formality", f"{formality['formal']} of your {_helpers._plural(total, 'active tie')} "
                          f"{'is' if formality['formal'] == 1 else 'are'} formal, {formality['informal']} informal"
                          + (f", {formality['unknown']} not recorded" if formality["unknown"] else ""),
                          count=int(formality["informal"]), **kw))
    for row in g:
        row.setdefault("org_id", None)
    gaps = _helpers._gap_frame(g)
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
