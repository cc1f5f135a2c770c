"""Gap messages, partner reasons and under-served reasons in the page's language.

:mod:`partnermap.gaps` and :mod:`partnermap.coverage` write their sentences in English,
with names already inside. The pages rebuild each sentence in English or Arabic from the
table's structured columns (``gap``, ``org_id``, ``other_id``, ``count``, ``members``…)
with the templates of :mod:`partnermap.i18n`, so every user string can be isolated for
bidirectional text (``<bdi>`` in HTML, U+2068/U+2069 in plain text). The partner
``reasons`` have no structured form yet, so they are rebuilt phrase by phrase from the
English sentence; a phrase that matches no template is kept as it is (isolated).
"""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from . import _common, _html, i18n, schema

log = logging.getLogger("partnermap")

_MEMBERS_SHOWN = 3


class Html(str):
    """A string that is already safe HTML (not escaped again)."""

    __slots__ = ()


def wrap(value: Any, html: bool) -> str:
    """A user string isolated for a sentence: ``<bdi>`` (escaped) in HTML, U+2068/U+2069 in text."""
    if isinstance(value, Html):
        return value
    return _html.bdi(value) if html else _html.isolate(value)


def fill(key: str, language: str, html: bool, **values: Any) -> str:
    """Template ``key`` with ``values`` substituted; in HTML the template text is escaped, values are as given."""
    template = i18n.t(key, language)
    if not html:
        return template.format(**values)
    out = []
    for literal, field, spec, conv in string.Formatter().parse(template):
        out.append(_html.escape(literal))
        if field is not None:
            spec_ = ("!" + conv if conv else "") + (":" + spec if spec else "")
            out.append(("{" + field + spec_ + "}").format(**values))
    return Html("".join(out))


def number(v: Any) -> str:
    """A count with thousands separators."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return f"{f:,.0f}" if np.isfinite(f) else ""


def who(names: Mapping[Any, Any], org_id: Any, html: bool) -> str:
    """``name (id)`` with both parts isolated, or the id alone when there is no name."""
    name = names.get(org_id)
    if _common._missing(name) or str(name) == str(org_id):
        return wrap(org_id, html)
    return (Html(f"{_html.bdi(name)} (<bdi class='id'>{_html.escape(org_id)}</bdi>)") if html
            else f"{_html.isolate(name)} ({_html.isolate(org_id)})")


def join(items: Sequence[str], language: str, html: bool, *, limit: int | None = None) -> str:
    """``a, b and c`` in the language (``… and N more`` beyond ``limit``)."""
    items = list(items)
    sep, last = i18n.t("list_sep", language), i18n.t("and", language)
    if html:
        sep, last = _html.escape(sep), _html.escape(last)
    if limit is not None and len(items) > limit:
        shown = sep.join(items[:limit])
        out = fill("and_more", language, html, shown=Html(shown) if html else shown, n=len(items) - limit)
        return out
    out = "".join(items) if len(items) <= 1 else sep.join(items[:-1]) + last + items[-1]
    return Html(out) if html else out


def term(vocab: Mapping[str, schema.Term], key: Any, language: str) -> str:
    """The label of a vocabulary key, lower-cased in English inside a sentence."""
    if _common._missing(key):
        return i18n.t("unknown", language)
    t = vocab.get(str(key))
    if t is None:
        return str(key).replace("_", " ")
    return t.en.lower() if language == "en" else t.ar


# --------------------------------------------------------------------- gap messages


def _members(row: Mapping[str, Any], names: Mapping[Any, Any], language: str, html: bool) -> str:
    members = list(row.get("members") or [])
    n = row.get("count")
    total = int(n) if not _common._missing(n) and row.get("gap") != "bridge_tie" else len(members)
    total = max(total, len(members))
    shown = [wrap(m, html) for m in members[:_MEMBERS_SHOWN]]
    if total > len(shown):
        sep = i18n.t("list_sep", language)
        text = (_html.escape(sep) if html else sep).join(shown)
        return fill("and_more", language, html, shown=Html(text) if html else text, n=total - len(shown))
    return join(shown, language, html)


def _area(row: Mapping[str, Any], area_names: Mapping[Any, Any], html: bool) -> str:
    a = row.get("area_id")
    nm = area_names.get(a)
    if _common._missing(nm) or str(nm) == str(a):
        return wrap(a, html)
    return Html(f"{_html.bdi(nm)} ({_html.bdi(a)})") if html else f"{_html.isolate(nm)} ({_html.isolate(a)})"


def gap_message(row: Mapping[str, Any], language: str, *, names: Mapping[Any, Any],
                area_names: Mapping[Any, Any] | None = None, html: bool = True, focal: bool = False,
                formality: Mapping[str, int] | None = None, area_reason: str | None = None) -> str:
    """One row of :func:`partnermap.gaps.gaps_table` as a sentence in ``language``.

    Parameters
    ----------
    row
        The gap row (a mapping of :data:`partnermap.gaps.GAP_COLUMNS`).
    language
        ``"en"`` or ``"ar"``.
    names
        ``org_id`` → name.
    area_names
        ``area_id`` → name.
    html
        HTML (escaped, ``<bdi>``) or plain text (U+2068/U+2069).
    focal
        Whether the table was made for a focal organisation ("with you" / "with anyone").
    formality
        The focal portfolio's ``formality`` counts (formal, informal, unknown).
    area_reason
        The translated under-served reason of the row's area.

    Returns
    -------
    str
        The sentence; the row's own English ``message`` when the kind of gap is unknown.
    """
    gap = row.get("gap")
    area_names = area_names or {}
    kw: dict[str, Any] = {}
    o, other = row.get("org_id"), row.get("other_id")
    if gap in _WHO:
        kw["who"] = who(names, o, html)
    if gap in ("single_tie", "bridge_tie", "stalled_proposal"):
        kw["other"] = who(names, other, html)
    if gap in ("isolated_group", "cut_point", "bridge_tie", "community_single_link"):
        kw["members"] = _members(row, names, language, html)
        kw["n"] = number(row.get("count"))
    if gap in ("sector_pair", "type_pair"):
        key = _pair(row, language, kw)
    elif gap in ("underserved_area", "area_not_reached"):
        key = _area_gap(row, area_names, html, kw, area_reason)
    else:
        key = _portfolio_gap(row, language, kw, focal, formality)
    if key is None or key not in i18n.MESSAGES:
        msg = row.get("message", "")
        return Html(_html.escape(msg)) if html else str(msg)
    return fill(key, language, html, **kw)


_WHO = frozenset({"isolate", "single_tie", "cut_point", "bridge_tie", "community_single_link", "stalled",
                  "stalled_proposal", "overdue_review", "ended_tie", "lapsed"})


def _pair(row: Mapping[str, Any], language: str, kw: dict[str, Any]) -> str:
    gap, other, n = row.get("gap"), row.get("other_id"), row.get("count")
    a, b = (str(other).split("|", 1) + [""])[:2] if not _common._missing(other) else ("", "")
    vocab = schema.SECTORS if gap == "sector_pair" else schema.ORG_TYPES
    kw.update(a=term(vocab, a, language), b=term(vocab, b, language), n=number(n))
    if gap == "sector_pair" and (_common._missing(n) or int(n) < 1):
        kw.pop("n")
        return "g_sector_pair_few"
    if gap == "type_pair" and a == b:
        kw.pop("b")
        return "g_type_pair_same"
    return f"g_{gap}"


def _area_gap(row: Mapping[str, Any], area_names: Mapping[Any, Any], html: bool, kw: dict[str, Any],
              area_reason: str | None) -> str | None:
    kw["area"] = _area(row, area_names, html)
    if row.get("gap") == "underserved_area":
        if area_reason is None:
            return None
        kw["reason"] = Html(area_reason) if html else area_reason
        return "g_underserved_area"
    if _common._missing(row.get("count")):
        return "g_area_not_reached"
    kw["n"] = number(row.get("count"))
    return "g_area_not_reached_pop"


def _portfolio_gap(row: Mapping[str, Any], language: str, kw: dict[str, Any], focal: bool,
                   formality: Mapping[str, int] | None) -> str | None:
    gap, other, n = row.get("gap"), row.get("other_id"), row.get("count")
    key = f"g_{gap}"
    if gap == "stalled":
        kw["whom"] = i18n.t("with_you" if focal else "with_anyone", language)
        if not _common._missing(n):
            key, kw["days"] = "g_stalled_days", number(n)
    elif gap == "stalled_proposal":
        kw["days"] = number(n)
    elif gap == "missing_sector":
        label = schema.label(schema.SECTORS, other, "ar") if language == "ar" else term(schema.SECTORS, other, language)
        kw.update(sector=label, n=number(n))
    elif gap in ("unmet_need", "unused_offer"):
        kw.update(term=term(schema.RESOURCES, other, language), n=number(n))
    elif gap == "overdue_review":
        kw["n"] = number(n)
    elif gap == "formality":
        f = dict(formality or {})
        if not f:
            return None
        kw.update(formal=f.get("formal", 0), informal=f.get("informal", 0), unknown=f.get("unknown", 0),
                  total=sum(int(v) for v in f.values()))
    return key


# ---------------------------------------------------------------- under-served reasons


def kind_phrase(by: str | None, kind: str, language: str) -> str:
    """The kind of an under-served gap in words: 'public organisation', 'جهة من القطاع العام' …."""
    if kind == "total" or by is None:
        return i18n.t("kind_total", language)
    if by == "sector":
        label = term(schema.SECTORS, kind, language)
        return i18n.t("kind_of", language, label=label)
    vocab = {"org_type": schema.ORG_TYPES, "offers": schema.RESOURCES, "needs": schema.RESOURCES,
             "causes": schema.CAUSES}.get(by, {})
    label = term(vocab, kind, language)
    if by == "org_type":
        return label
    return i18n.t(f"kind_{by}" if f"kind_{by}" in i18n.MESSAGES else "kind_with", language, label=label, by=by)


def underserved_reason(row: Mapping[str, Any], language: str, *, by: str | None, radius_km: float | None,
                       min_count: int = 1) -> str:
    """The ``reason`` of one :func:`partnermap.underserved` row in ``language`` (plain text)."""
    kind = kind_phrase(by, str(row.get("of", "total")), language)
    serving = int(row.get("serving", 0) or 0)
    if serving == 0:
        text = (i18n.t("u_none_km", language, kind=kind, km=f"{radius_km:g}") if radius_km is not None
                else i18n.t("u_none", language, kind=kind))
    else:
        text = i18n.t("u_few", language, kind=kind, n=serving, wanted=min_count)
    pop = row.get("population")
    if "population" in row:
        tail = (i18n.t("u_population_unknown", language) if _common._missing(pop)
                else i18n.t("u_residents", language, n=number(pop)))
        text += i18n.t("phrase_sep", language) + tail
    return text


# ------------------------------------------------------------------ partner reasons


def _reverse(vocab: Mapping[str, schema.Term]) -> dict[str, str]:
    return {t.en.lower(): k for k, t in vocab.items()}


_RES, _CAUSE, _SECT, _TYPE = (_reverse(v) for v in (schema.RESOURCES, schema.CAUSES, schema.SECTORS,
                                                    schema.ORG_TYPES))


def _terms(text: str, rev: dict[str, str], vocab: Mapping[str, schema.Term], language: str, html: bool) -> str:
    words = re.split(r", | and ", text)
    labels = []
    for w in words:
        key = rev.get(w.strip())
        labels.append(term(vocab, key, language) if key is not None else wrap(w, html) if html else w)
    if html:
        labels = [_html.escape(x) if not isinstance(x, Html) else x for x in labels]
    return join(labels, language, html)


_Rule = tuple[re.Pattern[str], str, Callable[[re.Match[str], str, bool], dict[str, Any]]]


def _none(m: re.Match[str], language: str, html: bool) -> dict[str, Any]:
    return {}


def _n(m: re.Match[str], language: str, html: bool) -> dict[str, Any]:
    return {"n": m.group(1)}


def _rules() -> list[_Rule]:
    def res(m: re.Match[str], language: str, html: bool) -> dict[str, Any]:
        return {"terms": _terms(m.group(1), _RES, schema.RESOURCES, language, html)}

    def causes(m: re.Match[str], language: str, html: bool) -> dict[str, Any]:
        return {"terms": _terms(m.group(1), _CAUSE, schema.CAUSES, language, html)}

    def km(m: re.Match[str], language: str, html: bool) -> dict[str, Any]:
        return {"km": m.group(1)}

    def date(m: re.Match[str], language: str, html: bool) -> dict[str, Any]:
        return {"date": m.group(1)}

    def sector(m: re.Match[str], language: str, html: bool) -> dict[str, Any]:
        key = _SECT.get(m.group(1))
        return {"sector": (schema.label(schema.SECTORS, key, "ar") if language == "ar" else m.group(1))
                if key else m.group(1)}

    def org_type(m: re.Match[str], language: str, html: bool) -> dict[str, Any]:
        key = _TYPE.get(m.group(1))
        return {"type": term(schema.ORG_TYPES, key, language) if key else m.group(1)}

    table = [
        (r"offers (.+) that you need", "r_offers", res),
        (r"needs (.+) that you offer", "r_needs", res),
        (r"shares your causes?: (.+)", "r_causes", causes),
        (r"shares (\d+) partners? with you", "r_shared", _n),
        (r"three steps away in your network", "r_three", _none),
        (r"([\d.,]+) km away, service areas overlap", "r_km_overlap", km),
        (r"([\d.,]+) km away", "r_km", km),
        (r"adds the (.+) sector", "r_adds_sector", sector),
        (r"adds a new type of partner \((.+)\)", "r_adds_type", org_type),
        (r"works outside the areas you and your partners reach", "r_outside", _none),
        (r"in another community of the network", "r_other_community", _none),
        (r"outside your circle \(no shared partners\)", "r_outside_circle", _none),
        (r"a small organisation with no partners yet", "r_small_none", _none),
        (r"a small organisation with only (\d+) partners?", "r_small_few", _n),
        (r"a small organisation", "r_small", _none),
        (r"has no partners yet", "r_no_partners", _none),
        (r"has only (\d+) partners?", "r_few_partners", _n),
        (r"has time to give \(high capacity\)", "r_capacity", _none),
        (r"but needs nothing you offer", "r_needs_nothing", _none),
        (r"but offers nothing you need", "r_offers_nothing", _none),
        (r"low capacity: do not assume it has time to spare", "r_low_capacity", _none),
        (r"distance not scored: your location is unknown", "r_no_location_you", _none),
        (r"distance not scored: its location is unknown", "r_no_location_it", _none),
        (r"no strong match on any component", "r_no_match", _none),
        (r"former partner: your tie ended on (\d{4}-\d\d-\d\d)", "r_former_on", date),
        (r"former partner: your tie has ended", "r_former", _none),
        (r"a tie with you starts on (\d{4}-\d\d-\d\d)", "r_starts", date),
        (r"a tie with you is already proposed", "r_proposed", _none),
        (r"former partner \(engagement stage: lapsed\)", "r_lapsed", _none),
    ]
    return [(re.compile(p + "$"), k, f) for p, k, f in table]


_RULES = _rules()


def reasons(text: Any, language: str, *, html: bool = True) -> str:
    """A :func:`partnermap.potential_partners` ``reasons`` sentence in ``language``.

    Parameters
    ----------
    text
        The English sentence (phrases separated by ``"; "``).
    language
        ``"en"`` or ``"ar"``.
    html
        HTML (escaped, user strings in ``<bdi>``) or plain text.

    Returns
    -------
    str
        The sentence; a phrase no template matches is kept as written (isolated).
    """
    if _common._missing(text):
        return ""
    out = []
    for phrase in str(text).split("; "):
        for pattern, key, values in _RULES:
            m = pattern.match(phrase)
            if m:
                kw = values(m, language, html)
                if kw.get("n") == "1" and f"{key}_one" in i18n.MESSAGES:
                    key = f"{key}_one"
                    kw.pop("n")
                if key == "r_causes" and not re.search(r", | and ", m.group(1)):
                    key = "r_cause"
                out.append(fill(key, language, html, **kw))
                break
        else:
            log.debug("reasons: no template for %r", phrase)
            out.append(_html.bdi(phrase) if html else phrase)
    sep = i18n.t("phrase_sep", language)
    joined = (_html.escape(sep) if html else sep).join(out)
    return Html(joined) if html else joined
