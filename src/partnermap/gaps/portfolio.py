"""The focal organisation's portfolio: its partners, reviews and gaps.

:func:`portfolio` computes one :class:`Portfolio` field per helper (``_portfolio_ties``,
``_partners``, ``_by_category``, ``_needs_and_offers``, ``_former_partners``,
``_formality``, ``_areas_not_reached``) and then words them as gap rows
(``_portfolio_gaps``, one ``_..._gaps`` helper per kind of gap).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from .. import _common, schema
from .._data import PartnerData
from ..coverage import coverage
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



_SCHEDULE_COLUMNS = ["source", "target", "kind", "status", "formal", "start_date", "end_date", "last_reviewed",
                     "review_every_months", "review_due", "review_basis", "overdue", "days_overdue"]


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
    rel = data.relationships
    if rel is None or not len(rel):
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in _SCHEDULE_COLUMNS},
                           index=pd.Index([], name="tie_id", dtype=object))
        return out.astype({"overdue": bool, "days_overdue": "Int64", "review_due": "datetime64[ns]"})
    rel_s = rel if "status" in rel.columns else rel.assign(status="active")
    status = _common._status_at(rel_s, _common._as_date(as_of))
    start, end, last = (_dates(rel, c) for c in ("start_date", "end_date", "last_reviewed"))
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
    return out[_SCHEDULE_COLUMNS]


def _dates(rel: pd.DataFrame, name: str) -> pd.Series:
    """The ties' ``name`` column as dates (NaT where missing or unreadable)."""
    if name not in rel.columns:
        return pd.Series(pd.NaT, index=rel.index, dtype="datetime64[ns]")
    return pd.to_datetime(rel[name], errors="coerce").astype("datetime64[ns]")


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
        """The portfolio as plain text for a terminal or an e-mail.

        Returns
        -------
        str
            One line per section: partners by sector and type, other ties, formality,
            unmet needs, unused offers, overdue reviews (the first five), former
            partners and the areas not reached (the first five).
        """
        who = f"{self.focal} ({self.name})" if self.name else self.focal
        lines = [f"Portfolio of {who}; reviews judged on {self.as_of}"]
        sectors = ", ".join(f"{_helpers._sector_label(s)} {int(r.partners)}" for s, r in self.by_sector.iterrows())
        lines.append(f"active partners: {len(self.partners)} ({sectors})")
        types = ", ".join(f"{_helpers._type_label(t)} {int(r.partners)}" for t, r in self.by_type.iterrows()
                          if r.partners)
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
            lines.append(self._areas_line())
        return "\n".join(lines)

    def _areas_line(self) -> str:
        shown = []
        for a, r in self.areas_not_reached.head(5).iterrows():
            pop = getattr(r, "population", np.nan)
            nm = r.get("name_en", r.get("name", "")) if hasattr(r, "get") else ""
            shown.append(f"{a} {nm}".strip() + (f" ({pop:,.0f} residents)" if not _common._missing(pop) else ""))
        return f"areas you and your partners do not reach: {len(self.areas_not_reached)}: " + "; ".join(shown)


@dataclass(frozen=True)
class _Columns:
    """The organisations' columns a portfolio reads, as Series indexed by ``org_id``."""

    names: dict[Any, Any]
    sector: pd.Series
    org_type: pd.Series
    stage: pd.Series
    offers: pd.Series  # lists of terms
    needs: pd.Series


def _columns(orgs: pd.DataFrame) -> _Columns:
    """The columns of ``orgs`` a portfolio reads (missing ones are all empty)."""
    def series(values: Any) -> pd.Series:
        return pd.Series(values, index=orgs.index, dtype=object)

    return _Columns(
        names=dict(zip(orgs.index, orgs["name"].tolist(), strict=True)) if "name" in orgs.columns else {},
        sector=series(_helpers._column(orgs, "sector")),
        org_type=series(_helpers._column(orgs, "org_type")),
        stage=series(_helpers._column(orgs, "engagement_stage")),
        offers=series(_helpers._lists(_helpers._column(orgs, "offers"))),
        needs=series(_helpers._lists(_helpers._column(orgs, "needs"))),
    )


def _sectors(sector: pd.Series) -> list[Any]:
    """The three sectors, then any other value of ``sector`` (sorted as text)."""
    extra = {s for s in pd.unique(sector) if not _common._missing(s) and s not in schema.SECTORS}
    return list(schema.SECTORS) + sorted(extra, key=str)


def _types(org_type: pd.Series) -> list[Any]:
    """The organisation types present, in vocabulary order, then any others (sorted as text)."""
    present = {t for t in pd.unique(org_type) if not _common._missing(t)}
    return [t for t in schema.ORG_TYPES if t in present] + sorted(present - set(schema.ORG_TYPES), key=str)


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
    cols = _columns(orgs)
    fname = cols.names.get(fid)
    mine = _portfolio_ties(data, fid, cols.names, as_of)
    active = mine[mine["status"] == "active"]
    partners = _partners(active, cols)
    pids = list(partners.index)
    others = orgs.index != fid
    unmet_needs, unused_offers = _needs_and_offers(cols, f, partners, others & ~orgs.index.isin(pids))
    overdue = mine[mine["overdue"]].sort_values(["days_overdue", "partner"], ascending=[False, True], kind="stable")
    ended = _former_partners(mine, pids, fid, cols)
    p = Portfolio(
        focal=str(fid), name=None if _common._missing(fname) else str(fname),
        as_of=_helpers._today(as_of).date().isoformat(), partners=partners, ties=mine,
        by_sector=_by_category(partners, cols.sector, others, "sector", _sectors(cols.sector)),
        by_type=_by_category(partners, cols.org_type, others, "org_type", _types(cols.org_type)),
        unmet_needs=unmet_needs, unused_offers=unused_offers, overdue_reviews=overdue, ended=ended,
        formality=_formality(active), areas_not_reached=_areas_not_reached(data, fid, pids),
        gaps=_helpers._gap_frame([]),
    )
    log.info("portfolio of %s: %d active partners, %d unmet needs, %d overdue reviews, %d former partners",
             fid, len(partners), len(unmet_needs), len(overdue), len(ended))
    return dataclasses.replace(p, gaps=_portfolio_gaps(p, fid, cols.names))


def _portfolio_ties(data: PartnerData, fid: Any, names: Mapping[Any, Any], as_of: Any) -> pd.DataFrame:
    """Every tie of ``fid`` (the rows of :func:`review_schedule`) with its partner's id, name and sector."""
    orgs = data.organizations
    sched = review_schedule(dataclasses.replace(data, relationships=_helpers._schedule_rows(data.relationships, fid)),
                            as_of=as_of)
    mine = sched[(sched["source"] == fid) | (sched["target"] == fid)].copy()
    mine = mine[mine["source"] != mine["target"]]
    partner = np.where(mine["source"].to_numpy(dtype=object) == fid, mine["target"].to_numpy(dtype=object),
                       mine["source"].to_numpy(dtype=object))
    mine.insert(0, "partner", partner)
    mine.insert(1, "partner_name", [names.get(p) for p in partner])
    sector_of = dict(zip(orgs.index, orgs["sector"].tolist(), strict=True)) if "sector" in orgs.columns else {}
    mine.insert(2, "partner_sector", [sector_of.get(p) for p in partner])
    return mine


def _partners(active: pd.DataFrame, cols: _Columns) -> pd.DataFrame:
    """The active partners, indexed by ``org_id`` (sorted as text)."""
    pids = sorted(set(active["partner"]), key=str)
    by_partner = active.groupby("partner", sort=False)
    formal_any = by_partner["formal"].agg(lambda s: bool((s == True).any()))  # noqa: E712 - object column
    return pd.DataFrame(
        {
            "name": [cols.names.get(p) for p in pids],
            "sector": cols.sector.reindex(pids).to_numpy(dtype=object),
            "org_type": cols.org_type.reindex(pids).to_numpy(dtype=object),
            "ties": [int(by_partner.size().get(p, 0)) for p in pids],
            "kinds": [sorted(set(active.loc[active["partner"] == p, "kind"].dropna())) for p in pids],
            "formal": [bool(formal_any.get(p, False)) for p in pids],
            "engagement_stage": cols.stage.reindex(pids).to_numpy(dtype=object),
            "offers": [cols.offers.get(p, []) for p in pids],
            "needs": [cols.needs.get(p, []) for p in pids],
        },
        index=pd.Index(pids, name="org_id", dtype=object),
    )


def _by_category(partners: pd.DataFrame, values: pd.Series, others: np.ndarray, column: str,
                 categories: Sequence[Any]) -> pd.DataFrame:
    """Partners, their share and the other organisations per sector (or type), in ``categories`` order."""
    out = pd.DataFrame(
        {"partners": [int((partners[column] == c).sum()) for c in categories],
         "organisations": [int(((values == c) & others).sum()) for c in categories]},
        index=pd.Index(categories, name=column, dtype=object))
    out.insert(1, "share", out["partners"] / max(len(partners), 1))
    return out


def _needs_and_offers(cols: _Columns, f: int, partners: pd.DataFrame,
                      non_partners: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The focal organisation's needs no partner offers and offers no partner needs, with who else would."""
    p_offers = set(itertools.chain.from_iterable(partners["offers"]))
    p_needs = set(itertools.chain.from_iterable(partners["needs"]))
    unmet = [t for t in dict.fromkeys(cols.needs.iloc[f]) if t not in p_offers]
    unused = [t for t in dict.fromkeys(cols.offers.iloc[f]) if t not in p_needs]
    offers, needs = cols.offers[non_partners], cols.needs[non_partners]
    unmet_needs = pd.DataFrame(
        {"label": _helpers._labels(schema.RESOURCES, unmet),
         "offered_by": [int((offers.map(lambda v, t=t: t in v)).sum()) for t in unmet]},
        index=pd.Index(unmet, name="need", dtype=object))
    unused_offers = pd.DataFrame(
        {"label": _helpers._labels(schema.RESOURCES, unused),
         "needed_by": [int((needs.map(lambda v, t=t: t in v)).sum()) for t in unused]},
        index=pd.Index(unused, name="offer", dtype=object))
    return unmet_needs, unused_offers


_ENDED_COLUMNS = ["org_id", "name", "sector", "kinds", "ended_on", "engagement_stage", "basis"]


def _former_partners(mine: pd.DataFrame, pids: list[Any], fid: Any, cols: _Columns) -> pd.DataFrame:
    """Ended ties not renewed, then organisations at stage lapsed; latest ending first."""
    ended_ties = mine[(mine["status"] == "ended") & ~mine["partner"].isin(pids)]
    rows = []
    for p, grp in ended_ties.groupby("partner", sort=True):
        rows.append({"org_id": p, "name": cols.names.get(p), "sector": cols.sector.get(p),
                     "kinds": sorted(set(grp["kind"].dropna())), "ended_on": grp["end_date"].max(),
                     "engagement_stage": cols.stage.get(p), "basis": "tie ended"})
    seen = {r["org_id"] for r in rows} | set(pids) | {fid}
    for p in cols.stage.index[(cols.stage == "lapsed").to_numpy()]:
        if p not in seen:
            rows.append({"org_id": p, "name": cols.names.get(p), "sector": cols.sector.get(p), "kinds": [],
                         "ended_on": pd.NaT, "engagement_stage": "lapsed", "basis": "stage lapsed"})
    ended = pd.DataFrame(rows, columns=_ENDED_COLUMNS)
    ended["ended_on"] = pd.to_datetime(ended["ended_on"]).astype("datetime64[ns]")
    ended = ended.astype({c: object for c in ("org_id", "name", "sector", "engagement_stage", "basis")})
    ended = ended.sort_values(["ended_on", "org_id"], ascending=[False, True], na_position="last", kind="stable")
    return ended.set_index("org_id")


def _formality(active: pd.DataFrame) -> pd.Series:
    """Active ties by formal, informal and not recorded."""
    formal = active["formal"]
    return pd.Series({"formal": int((formal == True).sum()),  # noqa: E712
                      "informal": int((formal == False).sum()),  # noqa: E712
                      "unknown": int(formal.map(lambda v: not isinstance(v, (bool, np.bool_))).sum())},
                     name="ties")


def _area_columns(cov: pd.DataFrame) -> list[str]:
    """The areas' own columns in a coverage table (not the counts coverage adds)."""
    return [c for c in cov.columns if c != "geometry" and not c.startswith(
        ("located_", "serving_", "population_reached_", "focal_", "partner"))]


def _areas_not_reached(data: PartnerData, fid: Any, partners: list[Any]) -> pd.DataFrame:
    """Areas neither the focal organisation nor its ``partners`` reach, most populous first (empty without areas)."""
    if data.areas is None or not len(data.areas):
        return pd.DataFrame()
    G = nx.Graph()  # coverage reads only the focal organisation's partners, as build_graph(data, as_of) has them
    G.add_node(fid)
    G.add_edges_from((fid, p) for p in partners)
    cov = coverage(data, by=None, focal=fid, G=G)
    nr = cov[cov["focal_reach"] == "not_reached"]
    out = pd.DataFrame(nr[_area_columns(cov) + ["serving_total"]])
    if "population" in out.columns:
        out = out.sort_index(kind="stable").sort_values("population", ascending=False, na_position="last",
                                                        kind="stable")
    out.index.name = "area_id"
    return out


# ------------------------------------------------------------- the gaps as rows


def _portfolio_gaps(p: Portfolio, fid: Any, names: Mapping[Any, Any]) -> pd.DataFrame:
    """The portfolio's gaps as rows of :data:`GAP_COLUMNS` (``scope`` portfolio, ``org_id`` the focal)."""
    rows = [*_sector_gaps(p.by_sector), *_need_and_offer_gaps(p.unmet_needs, p.unused_offers),
            *_review_gaps(p.overdue_reviews, names), *_former_gaps(p.ended, names),
            *_area_gaps(p.areas_not_reached), *_formality_gap(p.formality)]
    gaps = _helpers._gap_frame(rows)
    if len(gaps):
        gaps["org_id"] = gaps["org_id"].where(gaps["org_id"].notna(), fid)  # portfolio rows belong to the focal
        gaps["name"] = [n if not _common._missing(n) else (names.get(o) if o == fid else None)
                        for n, o in zip(gaps["name"], gaps["org_id"], strict=True)]
    return gaps


def _gap(gap: str, message: str, **kw: Any) -> dict[str, Any]:
    """A gap row of the portfolio."""
    return _helpers._gap_row(gap, message, scope="portfolio", **kw)


def _sector_gaps(by_sector: pd.DataFrame) -> list[dict[str, Any]]:
    """Sectors with organisations in the data but no active partner."""
    rows = []
    for s, r in by_sector.iterrows():
        if r.partners == 0 and r.organisations > 0:
            label = _helpers._sector_label(s)
            many = _helpers._plural(int(r.organisations), label + " organisation")
            rows.append(_gap("missing_sector", f"no active partner in the {label} sector ({many} in the data)",
                             count=int(r.organisations), other_id=s))
    return rows


def _need_and_offer_gaps(unmet_needs: pd.DataFrame, unused_offers: pd.DataFrame) -> list[dict[str, Any]]:
    """Needs no partner offers, offers no partner needs."""
    rows = []
    for t, r in unmet_needs.iterrows():
        others = _helpers._plural(int(r.offered_by), "other organisation")
        rows.append(_gap("unmet_need", f"no partner offers {r.label}, which you need ({others} in the data "
                         f"{'offers' if r.offered_by == 1 else 'offer'} it)", count=int(r.offered_by), other_id=t))
    for t, r in unused_offers.iterrows():
        others = _helpers._plural(int(r.needed_by), "other organisation")
        rows.append(_gap("unused_offer", f"no partner needs the {r.label} you offer ({others} in the data "
                         f"{'needs' if r.needed_by == 1 else 'need'} it)", count=int(r.needed_by), other_id=t))
    return rows


def _review_gaps(overdue: pd.DataFrame, names: Mapping[Any, Any]) -> list[dict[str, Any]]:
    """Reviews past due, most overdue first."""
    return [
        _gap("overdue_review", f"the review of your {r.kind} tie ({tie}) with {_helpers._who(names, r.partner)} "
             f"was due on {pd.Timestamp(r.review_due).date().isoformat()}: "
             f"{_helpers._plural(int(r.days_overdue), 'day')} overdue", org_id=r.partner,
             name=r.partner_name, count=int(r.days_overdue))
        for tie, r in overdue.iterrows()
    ]


def _former_gaps(ended: pd.DataFrame, names: Mapping[Any, Any]) -> list[dict[str, Any]]:
    """Ended ties not renewed, and lapsed contacts."""
    rows = []
    for p, r in ended.iterrows():
        who = _helpers._who(names, p)
        if r.basis == "tie ended":
            when = f" ended on {r.ended_on.date().isoformat()}" if not pd.isna(r.ended_on) else " has ended"
            rows.append(_gap("ended_tie", f"your {' and '.join(r.kinds) or 'tie'} tie with {who}{when} "
                             "and was not renewed", org_id=p, name=r["name"]))
        else:
            rows.append(_gap("lapsed", f"{who} is at engagement stage 'lapsed' (no ended tie is recorded)",
                             org_id=p, name=r["name"]))
    return rows


def _area_gaps(areas_not_reached: pd.DataFrame) -> list[dict[str, Any]]:
    """Areas neither the focal organisation nor its partners reach."""
    rows = []
    for a, r in areas_not_reached.iterrows():
        pop = r.get("population", np.nan)
        nm = r.get("name", None)
        known = not _common._missing(pop)
        rows.append(_gap("area_not_reached", "neither you nor your partners reach "
                         f"{nm + ' ' if not _common._missing(nm) else ''}({a})"
                         + (f"; {pop:,.0f} residents" if known else ""), area_id=a, count=pop if known else None))
    return rows


def _formality_gap(formality: pd.Series) -> list[dict[str, Any]]:
    """The balance of formal and informal active ties (no row without active ties)."""
    total = int(formality.sum())
    if not total:
        return []
    return [_gap("formality", f"{formality['formal']} of your {_helpers._plural(total, 'active tie')} "
                 f"{'is' if formality['formal'] == 1 else 'are'} formal, {formality['informal']} informal"
                 + (f", {formality['unknown']} not recorded" if formality["unknown"] else ""),
                 count=int(formality["informal"]))]
