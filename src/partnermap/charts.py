"""Charts for the report pages, drawn with matplotlib, in English or Arabic.

Each function reads results (never data files) and returns a
:class:`matplotlib.figure.Figure` built without pyplot, so nothing global changes;
:meth:`partnermap.pages.Page.figure` shows it and saves it as PNG. Arabic is shaped by
matplotlib itself (3.11 and later, through libraqm); labels that mix Arabic and Latin
text are isolated with U+2068/U+2069 so they keep their order.

Examples
--------
>>> import partnermap as pm
>>> from partnermap import charts
>>> fig = charts.organizations_by_sector(pm.load(pm.datasets.demo_path()), language="ar")
>>> fig.axes[0].get_title()
'الجهات حسب القطاع'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure

from . import _common, _html, i18n, schema
from ._data import PartnerData
from .gaps import COMPONENTS

__all__ = ["degree_distribution", "engagement_funnel", "organizations_by_sector", "population_reached",
           "score_components", "sector_mixing"]

#: One colour per sector, the same in every chart (and close to the maps').
SECTOR_COLOURS = {"for_profit": "#1f6fb4", "non_profit": "#2e9e5b", "public": "#d9822b"}
_OTHER = "#8a8f98"
_COMPONENT_COLOURS = ["#1f6fb4", "#2e9e5b", "#7b4fb4", "#d9822b", "#c23b5a", "#2bb3c0", "#8a8f98"]


def _label(text: Any) -> str:
    """A user label as matplotlib should draw it: isolated when it mixes scripts."""
    s = "" if _common._missing(text) else str(text)
    has_ar = any("\u0600" <= ch <= "\u06ff" for ch in s)
    has_latin = any(ch.isascii() and ch.isalpha() for ch in s)
    return _html.isolate(s) if has_ar and has_latin else s


def _figure(width: float, height: float) -> tuple[Figure, Any]:
    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def organizations_by_sector(data: PartnerData, *, language: str = "en") -> Figure:
    """Organisations by sector, each bar split by organisation type.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    language
        ``"en"`` or ``"ar"``.

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal stacked bars.
    """
    orgs = data.organizations
    sectors = orgs["sector"].where(orgs["sector"].notna(), "unknown").astype(str)
    types = (orgs["org_type"].where(orgs["org_type"].notna(), "other").astype(str) if "org_type" in orgs.columns
             else pd.Series("other", index=orgs.index))
    counts = pd.crosstab(sectors, types)
    order = [s for s in schema.SECTORS if s in counts.index] + [s for s in counts.index if s not in schema.SECTORS]
    counts = counts.loc[order]
    fig, ax = _figure(7.5, 1.2 + 0.55 * len(counts))
    left = np.zeros(len(counts))
    cmap = _tab_colours(len(counts.columns))
    for i, t in enumerate(counts.columns):
        vals = counts[t].to_numpy()
        ax.barh(range(len(counts)), vals, left=left, color=cmap[i], edgecolor="white", linewidth=0.5,
                label=schema.label(schema.ORG_TYPES, t, language))
        left += vals
    ax.set_yticks(range(len(counts)), [schema.label(schema.SECTORS, s, language) for s in counts.index])
    ax.invert_yaxis()
    ax.set_xlabel(i18n.t("chart_count", language))
    ax.set_title(i18n.t("chart_by_sector", language))
    ax.legend(fontsize=7, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.3), frameon=False)
    return fig


def _tab_colours(n: int) -> list[Any]:
    cmap = colormaps["tab20"]
    return [cmap(i % 20) for i in range(n)]


def engagement_funnel(data: PartnerData, *, language: str = "en") -> Figure:
    """The engagement chain as a funnel: identified → contacted → engaged → partner (and lapsed).

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned (its organisations' ``engagement_stage``).
    language
        ``"en"`` or ``"ar"``.

    Returns
    -------
    matplotlib.figure.Figure
        One centred bar per engagement stage.
    """
    orgs = data.organizations
    stage = orgs["engagement_stage"] if "engagement_stage" in orgs.columns else pd.Series(dtype=object)
    stages = list(schema.ENGAGEMENT_STAGES)
    counts = stage.value_counts().reindex(stages).fillna(0).astype(int)
    fig, ax = _figure(6.5, 3.0)
    widest = max(int(counts.max()), 1)
    for i, (s, c) in enumerate(counts.items()):
        colour = _OTHER if s == "lapsed" else "#1f6fb4"
        ax.barh(i, c, left=(widest - c) / 2, color=colour, height=0.75)
        ax.text(widest / 2, i, f"{c:,}", ha="center", va="center", color="white" if c > widest * 0.15 else "black",
                fontsize=9)
    ax.set_yticks(range(len(stages)), [schema.label(schema.ENGAGEMENT_STAGES, s, language) for s in stages])
    ax.invert_yaxis()
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    ax.set_title(i18n.t("chart_funnel", language))
    return fig


def sector_mixing(summary: Mapping[str, Any], *, language: str = "en") -> Figure:
    """The sector mixing matrix as a heatmap: partner pairs between each two sectors, and chance's in brackets.

    Parameters
    ----------
    summary
        What :func:`partnermap.network_summary` returned (``sector_mixing`` and, when there,
        ``sector_mixing_expected``).
    language
        ``"en"`` or ``"ar"``.

    Returns
    -------
    matplotlib.figure.Figure
        The heatmap with a colour bar.
    """
    m = summary["sector_mixing"]
    e = summary.get("sector_mixing_expected")
    labels = [schema.label(schema.SECTORS, s, language) for s in m.index]
    fig, ax = _figure(5.2, 4.2)
    im = ax.imshow(m.to_numpy(dtype=float), cmap="Blues")
    high = float(np.nanmax(m.to_numpy(dtype=float))) if m.size else 0
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            v = int(m.iat[i, j])
            txt = f"{v:,}" + (f"\n({float(e.iat[i, j]):.0f})" if e is not None else "")
            ax.text(j, i, txt, ha="center", va="center", fontsize=9, color="white" if v > high / 2 else "black")
    ax.set_xticks(range(len(labels)), labels, rotation=20)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_title(i18n.t("chart_mixing", language))
    fig.colorbar(im, ax=ax, shrink=0.7)
    return fig


def degree_distribution(metrics: pd.DataFrame, *, language: str = "en") -> Figure:
    """How many organisations have 0, 1, 2 … partners.

    Parameters
    ----------
    metrics
        :func:`partnermap.centrality` output (its ``degree``).
    language
        ``"en"`` or ``"ar"``.

    Returns
    -------
    matplotlib.figure.Figure
        One bar per degree.
    """
    deg = metrics["degree"].fillna(0).astype(int)
    counts = deg.value_counts().sort_index()
    fig, ax = _figure(6.5, 3.0)
    ax.bar(counts.index.to_numpy(), counts.to_numpy(), color="#1f6fb4", width=0.8)
    ax.set_xlabel(i18n.t("chart_degree_x", language))
    ax.set_ylabel(i18n.t("chart_count", language))
    ax.set_title(i18n.t("chart_degree", language))
    return fig


def score_components(partners: pd.DataFrame, *, weights: Mapping[str, float] | None = None, language: str = "en",
                     top: int = 10) -> Figure:
    """The potential partners' scores as stacked bars of their weighted components.

    Parameters
    ----------
    partners
        What :func:`partnermap.potential_partners` returned (its ``attrs["weights"]``
        are used when ``weights`` is not given).
    weights
        Component weights.
    language
        ``"en"`` or ``"ar"``.
    top
        Candidates shown.

    Returns
    -------
    matplotlib.figure.Figure
        One bar per candidate, best on top.
    """
    w = dict(weights or partners.attrs.get("weights") or {})
    total = sum(w.values()) or 1.0
    shown = partners.head(top)
    fig, ax = _figure(7.5, 1.2 + 0.42 * max(len(shown), 1))
    left = np.zeros(len(shown))
    for i, c in enumerate(COMPONENTS):
        if c not in shown.columns:
            continue
        vals = shown[c].fillna(0).to_numpy(dtype=float) * w.get(c, 0) / total
        ax.barh(range(len(shown)), vals, left=left, color=_COMPONENT_COLOURS[i % len(_COMPONENT_COLOURS)],
                label=i18n.t(f"c_{c}", language))
        left += vals
    labels = shown["name"] if "name" in shown.columns else pd.Series(shown.index, index=shown.index)
    names = [_label(n) if not _common._missing(n) else str(i) for i, n in zip(shown.index, labels, strict=True)]
    ax.set_yticks(range(len(shown)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(i18n.t("chart_score", language))
    ax.set_title(i18n.t("chart_components", language))
    ax.legend(fontsize=7, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)
    return fig


def population_reached(summary: pd.DataFrame, *, language: str = "en") -> Figure:
    """Share of residents with at least one organisation of each kind within reach.

    Parameters
    ----------
    summary
        What :func:`partnermap.coverage.coverage_summary` returned.
    language
        ``"en"`` or ``"ar"``.

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal bars (shares of areas when the areas have no population).
    """
    col = "share_population_reached" if "share_population_reached" in summary.columns else "share_areas_reached"
    shares = summary[col].astype(float)
    labels = []
    for k in shares.index:
        if k == "total":
            labels.append(i18n.t("total_label", language))
            continue
        for vocab in (schema.SECTORS, schema.ORG_TYPES, schema.RESOURCES, schema.CAUSES):
            if k in vocab:
                labels.append(schema.label(vocab, k, language))
                break
        else:
            labels.append(_label(str(k).replace("_", " ")))
    fig, ax = _figure(6.5, 1.2 + 0.45 * len(shares))
    colours = [SECTOR_COLOURS.get(k, _OTHER) for k in shares.index]
    ax.barh(range(len(shares)), shares.to_numpy() * 100, color=colours)
    for i, v in enumerate(shares.to_numpy()):
        ax.text(v * 100 + 1, i, f"{v:.0%}", va="center", fontsize=8)
    ax.set_yticks(range(len(shares)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 110)
    ax.set_xlabel(i18n.t("chart_share", language) + " (%)")
    ax.set_title(i18n.t("chart_population", language))
    return fig
