"""Maps for stakeholders (folium): potential partners, organisations, coverage, ties.

Each function returns a :class:`folium.Map` with one toggleable layer per thing shown and a
legend; pass ``m=`` to add the layers to a map you already have. Save a map with
:func:`partnermap.export.write_html` (one self-contained UTF-8 file by default), or show it in
a notebook by leaving it as a cell's last value.

- :func:`partners_map` — the potential-partners map: the focal organisation, its current
  partners joined to it by lines (colour: kind of tie; dashed: informal), the top candidates
  of :func:`partnermap.potential_partners` numbered by rank and sized by score (popup: score,
  its parts, the reasons), the focal organisation's service area and the areas near it that
  neither it nor its partners reach;
- :func:`organizations_map` — every located organisation coloured by sector, one layer per
  sector, popups with names (Arabic and English), type, offers, needs, causes and stage;
- :func:`coverage_map` — areas shaded by a coverage measure (:data:`MEASURES`), under-served
  areas outlined with their reasons, organisations on top;
- :func:`ties_map` — ties as lines between located organisations, one layer per kind of tie,
  ties between different sectors drawn thicker.

Every user string reaches the page escaped for HTML and for JavaScript strings
(:func:`partnermap._html.escape`); only ``http(s)`` websites become links; private columns
(e-mail, phone, contact name, contact-like headings and any named in ``private``) are never
read. Points are drawn on a canvas and popups are built only when clicked, so 50,000
organisations make a page of a few megabytes that opens in about two seconds.

``tiles`` is a provider name known to xyzservices (default :data:`DEFAULT_TILES`, which
displays in a page opened from disk), ``(url, attribution)``, a ``folium.TileLayer``, or
``None`` for no basemap (areas and points on a plain background).

Examples
--------
>>> import partnermap as pm
>>> data = pm.load(pm.datasets.demo_path())
>>> m = pm.maps.partners_map(data, "ORG-001", top=5)
>>> type(m).__name__
'Map'
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import folium
import numpy as np
import pandas as pd
import shapely

from . import _common, _geo, _html, _leaflet, i18n, schema
from ._data import PartnerData
from ._errors import ParameterError
from .coverage import coverage, service_areas, underserved
from .gaps import COMPONENTS, potential_partners
from .graph import build_graph

__all__ = ["DEFAULT_TILES", "MEASURES", "coverage_map", "organizations_map", "partners_map", "ties_map"]

log = logging.getLogger("partnermap")

DEFAULT_TILES = _leaflet.DEFAULT_TILES

#: The coverage measures :func:`coverage_map` can shade areas by.
MEASURES: dict[str, str] = {
    "organisations_serving": "How many organisations serve the area: their service area (declared polygon, "
                             "or a circle of service_radius_km around them) reaches part of it.",
    "population_reached": "The area's population when at least one organisation serves it, else 0 "
                          "(needs a population column in the areas).",
    "deficit": "How many organisations the area lacks: min_count minus the organisations serving it "
               "(0 when it has enough); the under-served areas are those above 0.",
}

#: Areas within this distance of the focal organisation count as "near it" on the partners map.
NEAR_KM = 15.0

_BLUES = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
_REDS = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")


def _check(language: str, top: Any = 1) -> None:
    i18n.direction(language)  # ParameterError for an unknown language
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise ParameterError(f"top must be a whole number of 1 or more, not {top!r}.")


def _locations(data: PartnerData) -> tuple[np.ndarray, np.ndarray]:
    lon, lat, _, _ = _geo._org_locations(data)
    return lat, lon


def _sector_codes(orgs: pd.DataFrame) -> tuple[np.ndarray, list[str], list[str]]:
    """Per organisation a code into (keys, colours): the three sectors, then 'not given'."""
    keys = [*schema.SECTORS, ""]
    colors = [*(_leaflet.SECTOR_COLORS[k] for k in schema.SECTORS), _leaflet.UNKNOWN_COLOR]
    sector = orgs["sector"] if "sector" in orgs.columns else pd.Series(None, index=orgs.index, dtype=object)
    code = np.array([keys.index(s) if s in schema.SECTORS else len(keys) - 1 for s in sector], dtype=np.int64)
    return code, keys, colors


def _sector_name(key: str, language: str) -> str:
    return schema.label(schema.SECTORS, key, language) if key else i18n.t("sector_unknown", language)


def _points(orgs: pd.DataFrame, pos: np.ndarray, lat: np.ndarray, lon: np.ndarray, language: str,
            private: Iterable[str], extra: Mapping[str, list[str]] | None = None,
            extra_fields: list[list[str]] | None = None) -> dict[str, Any]:
    """Layer data for the organisations at positions ``pos``: coordinates, columns, fields."""
    sub = orgs.iloc[pos]
    cols, fields = _leaflet.org_columns(sub, language, private)
    if extra:
        cols.update(extra)
        fields = [*(extra_fields or []), *fields]
    return {"lat": _leaflet.rounded(lat[pos]), "lon": _leaflet.rounded(lon[pos]), "cols": _leaflet.columns(cols),
            "fields": fields, "title": "name", "dir": i18n.direction(language)}


def _org_layers(m: folium.Map, data: PartnerData, language: str, private: Iterable[str], *,
                radius: float, per_sector: bool, show: bool = True) -> tuple[int, list[str]]:
    """Organisations as circle markers: one layer per sector, or one layer coloured by sector."""
    orgs = data.organizations
    lat, lon = _locations(data)
    located = np.isfinite(lat) & np.isfinite(lon)
    code, keys, colors = _sector_codes(orgs)
    rows: list[str] = []
    opts = {"radius": radius, "weight": 1, "fillOpacity": 0.85, "stroke": "#ffffff"}
    if per_sector:
        for j, key in enumerate(keys):
            pos = np.flatnonzero(located & (code == j))
            if not len(pos):
                continue
            label = _leaflet.layer_label(_sector_name(key, language), color=colors[j], count=len(pos))
            _leaflet.DataLayer("points", label, _points(orgs, pos, lat, lon, language, private),
                               {**opts, "colors": [colors[j]]}, show=show).add_to(m)
            rows.append(label)
    else:
        pos = np.flatnonzero(located)
        d = _points(orgs, pos, lat, lon, language, private)
        d["color"] = code[pos].tolist()
        name = _leaflet.layer_label(i18n.t("layer_organizations", language), count=len(pos))
        _leaflet.DataLayer("points", name, d, {**opts, "colors": colors}, show=show).add_to(m)
        rows = [_leaflet.layer_label(_sector_name(k, language), color=c) for k, c in zip(keys, colors, strict=True)
                if (code[located] == keys.index(k)).any()]
    return int(located.sum()), rows


def organizations_map(
    data: PartnerData,
    *,
    language: str = "en",
    tiles: Any = DEFAULT_TILES,
    m: folium.Map | None = None,
    private: Iterable[str] = (),
) -> folium.Map:
    """Every located organisation, coloured by sector, one toggleable layer per sector.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    language
        ``"en"`` or ``"ar"``: the language of the legend, layer names and popup labels.
    tiles
        The basemap: a provider name (default :data:`DEFAULT_TILES`), ``(url, attribution)``,
        a ``folium.TileLayer``, or ``None`` for none.
    m
        A map to add the layers to instead of a new one.
    private
        More columns to keep out of the page (e-mail, phone, contact name and contact-like
        headings always are).

    Returns
    -------
    folium.Map
        Popups give the name (Arabic and English where both exist), sector, type, offers,
        needs, causes, engagement stage and an ``http(s)`` website link.

    Examples
    --------
    >>> import partnermap as pm
    >>> m = pm.maps.organizations_map(pm.load(pm.datasets.demo_path()), language="ar")
    """
    _check(language)
    m = _leaflet.base_map(tiles, m)
    shown, rows = _org_layers(m, data, language, private, radius=6, per_sector=True)
    lat, lon = _locations(data)
    notes = [_html.escape(i18n.t("note_organizations", language, orgs=f"{shown:,}"))]
    notes += _unlocated_note(data.organizations, lat, language)
    _leaflet.add_box(m, _leaflet.html_box(i18n.t("title_organizations", language), rows, notes), language)
    return _leaflet.finish(m, language, _leaflet.bounds_of(lat, lon))


def _unlocated_note(orgs: pd.DataFrame, lat: np.ndarray, language: str, pos: np.ndarray | None = None) -> list[str]:
    """'N not on the map (no location): a, b, c…' for the organisations without coordinates."""
    pos = np.arange(len(orgs)) if pos is None else pos
    missing = [p for p in pos if not np.isfinite(lat[p])]
    if not missing:
        return []
    names = orgs["name"].iloc[missing[:5]] if "name" in orgs.columns else orgs.index[missing[:5]]
    listed = "، ".join(map(_html.bdi, names)) if language == "ar" else ", ".join(map(_html.bdi, names))
    if len(missing) > 5:
        listed += " …"
    return [i18n.t("note_unlocated", language, n=f"{len(missing):,}", names=listed)]


def _active_ties(data: PartnerData) -> pd.DataFrame:
    rel = data.relationships
    if not len(rel):
        return rel
    return rel[rel["status"] == "active"] if "status" in rel.columns else rel


def _informal(ties: pd.DataFrame) -> np.ndarray:
    kind = ties["kind"].astype(object).to_numpy() if "kind" in ties.columns else np.full(len(ties), None)
    formal = ties["formal"].astype(object).to_numpy() if "formal" in ties.columns else np.full(len(ties), None)
    return np.array([k == "informal" or f is False or f == "false" or (isinstance(f, (bool, np.bool_)) and not f)
                     for k, f in zip(kind, formal, strict=True)], dtype=bool)


def _kind_codes(ties: pd.DataFrame) -> tuple[np.ndarray, list[str], list[str]]:
    keys = [*schema.RELATIONSHIP_KINDS]
    colors = [_leaflet.KIND_COLORS[k] for k in keys]
    kinds = ties["kind"].astype(object).to_numpy() if "kind" in ties.columns else np.full(len(ties), "partnership")
    extra = sorted({str(k) for k in kinds if k not in keys and not _common._missing(k)})
    keys += extra
    colors += [_leaflet.UNKNOWN_COLOR] * len(extra)
    code = np.array([keys.index(k) if k in keys else keys.index("partnership") for k in kinds], dtype=np.int64)
    return code, keys, colors


def _tie_columns(ties: pd.DataFrame, orgs: pd.DataFrame, language: str) -> tuple[dict[str, list[str]], list]:
    raw = orgs["name"] if "name" in orgs.columns else orgs.index
    names = {i: _leaflet.text(n) for i, n in zip(orgs.index, raw, strict=True)}
    sep = " — "
    cols: dict[str, list[str]] = {
        "between": [f"<bdi>{names.get(s, _html.escape(s))}</bdi>{sep}<bdi>{names.get(t, _html.escape(t))}</bdi>"
                    for s, t in zip(ties["source"], ties["target"], strict=True)],
    }
    fields: list[list[str]] = []
    for c in ("kind", "formal", "status", "weight"):
        if c not in ties.columns:
            continue
        if c == "formal":
            cols[c] = ["" if _common._missing(v) else i18n.t("yes" if v is True or v == "true" else "no", language)
                       for v in ties[c]]
        elif c in ("kind", "status"):
            cols[c] = [_leaflet.term_text(v, c, language) for v in ties[c]]
        else:
            cols[c] = [_leaflet.num(v) for v in ties[c]]
        fields.append([c, _html.escape(i18n.t(f"field_{c}", language))])
    return cols, fields


def _line_data(ties: pd.DataFrame, orgs: pd.DataFrame, where: Mapping[Any, tuple[float, float]],
               language: str) -> dict[str, Any]:
    xy: list[float] = []
    for s, t in zip(ties["source"], ties["target"], strict=True):
        xy.extend((*where[s], *where[t]))
    cols, fields = _tie_columns(ties, orgs, language)
    return {"xy": _leaflet.rounded(xy), "cols": _leaflet.columns(cols), "fields": fields, "title": "between",
            "dir": i18n.direction(language)}


def _areas_data(geoms: Any, cols: dict[str, list[str]], fields: list[list[str]], language: str,
                title: str = "name") -> dict[str, Any]:
    """Polygons simplified (about 5 m) and rounded (about 1 m), each feature pointing to its row ``i``."""
    g = np.asarray(geoms, dtype=object)
    g = shapely.set_precision(shapely.simplify(g, 0.00005, preserve_topology=True), 10 ** -_leaflet.COORD_DECIMALS)
    import json

    features = [{"type": "Feature", "properties": {"i": i}, "geometry": json.loads(shapely.to_geojson(x))}
                for i, x in enumerate(g) if x is not None and not x.is_empty]
    return {"fc": {"type": "FeatureCollection", "features": features}, "cols": _leaflet.columns(cols),
            "fields": fields, "title": title, "dir": i18n.direction(language)}


def _area_names(areas: pd.DataFrame) -> list[str]:
    names = []
    has_en = "name_en" in areas.columns
    for i, row_name, en in zip(areas.index, areas["name"] if "name" in areas.columns else areas.index,
                               areas["name_en"] if has_en else [None] * len(areas), strict=True):
        n = _leaflet.text(row_name) or _html.escape(i)
        e = _leaflet.text(en)
        names.append(f"<bdi>{n}</bdi> · <bdi>{e}</bdi>" if e and e != n else n)
    return names


def partners_map(
    data: PartnerData,
    focal: str,
    *,
    top: int = 10,
    weights: Mapping[str, float] | None = None,
    language: str = "en",
    tiles: Any = DEFAULT_TILES,
    m: folium.Map | None = None,
    near_km: float = NEAR_KM,
    private: Iterable[str] = (),
) -> folium.Map:
    """The potential-partners map: who is best placed to work with ``focal``, on the map.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    focal
        The ``org_id`` of the organisation looking for partners.
    top
        How many candidates of :func:`partnermap.potential_partners` to show.
    weights
        Component weights for the ranking (see :data:`partnermap.gaps.DEFAULT_WEIGHTS`).
    language
        ``"en"`` or ``"ar"``: legend, layer names and popup labels (the reasons stay English).
    tiles
        The basemap (see :func:`organizations_map`).
    m
        A map to add the layers to instead of a new one.
    near_km
        Areas whose nearest point is within this distance of ``focal`` count as near it.
    private
        More columns to keep out of the page.

    Returns
    -------
    folium.Map
        Layers: your organisation; your current partners and the ties with them (colour:
        kind of tie, dashed: informal); the top candidates numbered by rank and sized by
        score, each with a popup of its score, the score's parts and the reasons; your
        service area; the areas near you that neither you nor your partners reach.
        Candidates without a location are named in the legend.

    Raises
    ------
    UnknownOrganizationError
        When ``focal`` is not an ``org_id`` (the message suggests close ones).

    Examples
    --------
    >>> import partnermap as pm
    >>> m = pm.maps.partners_map(pm.load(pm.datasets.demo_path()), "ORG-001", top=5, tiles=None)
    """
    _check(language, top)
    orgs = data.organizations
    f = _common._focal(orgs, focal)
    fid = orgs.index[f]
    ranked = potential_partners(data, fid, top=top, weights=weights)
    m = _leaflet.base_map(tiles, m)
    lat, lon = _locations(data)
    rows: list[str] = []
    notes: list[str] = []
    bounds_pts: list[int] = [f]

    # the focal organisation's service area and the areas near it that nobody of its circle reaches
    sa = service_areas(data)
    if fid in sa.index:
        cols = {"name": [_leaflet.text(orgs["name"].iloc[f]) if "name" in orgs.columns else _html.escape(fid)]}
        d = _areas_data(sa.geometry.loc[[fid]].to_numpy(), cols, [], language)
        label = _leaflet.layer_label(i18n.t("layer_service_area", language), color="#fdbf6f", square=True)
        _leaflet.DataLayer("areas", label, d, {"colors": ["#fdbf6f"], "stroke": "#ff7f00", "weight": 1.5,
                                               "dash": None, "fillOpacity": 0.18}).add_to(m)
        rows.append(label)
    _not_reached_layer(m, data, fid, f, lat, lon, language, near_km, rows)

    # current partners and the ties with them
    ties = _active_ties(data)
    mine = ties[((ties["source"] == fid) | (ties["target"] == fid)) & (ties["source"] != ties["target"])] \
        if len(ties) else ties
    other = np.where(mine["source"].to_numpy() == fid, mine["target"].to_numpy(), mine["source"].to_numpy()) \
        if len(mine) else np.array([], dtype=object)
    pos_of = {oid: i for i, oid in enumerate(orgs.index)}
    where = {oid: (lat[p], lon[p]) for oid, p in pos_of.items() if np.isfinite(lat[p])}
    if len(mine) and fid in where:
        drawn = mine[[o in where for o in other]]
        code, keys, colors = _kind_codes(drawn)
        d = _line_data(drawn, orgs, where, language)
        d["color"] = code.tolist()
        d["dash"] = _informal(drawn).astype(int).tolist()
        label = _leaflet.layer_label(i18n.t("layer_partner_ties", language), stroke="#555555", count=len(drawn))
        _leaflet.DataLayer("lines", label, d, {"colors": colors, "weight": 3, "opacity": 0.85,
                                               "wideWeight": 3, "wideOpacity": 0.85}).add_to(m)
        rows.append(label)
        rows += [_leaflet.layer_label(schema.label(schema.RELATIONSHIP_KINDS, k, language), stroke=colors[j])
                 for j, k in enumerate(keys) if (code == j).any()]
        notes.append(_html.escape(i18n.t("legend_kinds", language)))
    ppos = np.array(sorted({pos_of[o] for o in other if o in pos_of}), dtype=np.int64)
    located = ppos[np.isfinite(lat[ppos])] if len(ppos) else ppos
    if len(located):
        code, _, colors = _sector_codes(orgs)
        d = _points(orgs, located, lat, lon, language, private)
        d["color"] = code[located].tolist()
        label = _leaflet.layer_label(i18n.t("layer_partners", language), color="#ffffff", count=len(located))
        _leaflet.DataLayer("points", label, d, {"colors": colors, "radius": 7, "weight": 2,
                                                "fillOpacity": 0.9, "stroke": "#222222"}).add_to(m)
        rows.append(label)
        bounds_pts += located.tolist()

    # the candidates, numbered by rank and sized by score
    cpos = np.array([pos_of[o] for o in ranked.index], dtype=np.int64)
    here = np.isfinite(lat[cpos]) if len(cpos) else np.zeros(0, bool)
    if here.any():
        sel = cpos[here]
        table = ranked[here]
        extra, extra_fields = _candidate_columns(table, orgs, language)
        d = _points(orgs, sel, lat, lon, language, private, extra, extra_fields)
        top_score = float(table["score"].max()) or 1.0
        d["rank"] = table["rank"].astype(int).tolist()
        d["size"] = [int(round(20 + 14 * max(float(s), 0.0) / top_score)) for s in table["score"]]
        d["tip"] = "tip"
        d["cols"]["tip"] = [f"{r}. {_leaflet.text(x)}" for r, x in zip(d["rank"], table["name"], strict=True)]
        label = _leaflet.layer_label(i18n.t("layer_candidates", language, n=len(ranked)),
                                     color=_leaflet.CANDIDATE_COLOR, count=len(sel))
        _leaflet.DataLayer("ranks", label, d, {}).add_to(m)
        rows.append(label)
        notes.append(_html.escape(i18n.t("legend_candidates", language)))
        bounds_pts += sel.tolist()
    notes += _unlocated_note(orgs, lat, language, cpos)
    if language == "ar":
        notes.append(_html.escape(i18n.t("note_reasons_english", language)))

    # the focal organisation on top
    if np.isfinite(lat[f]):
        d = _points(orgs, np.array([f]), lat, lon, language, private)
        label = _leaflet.layer_label(i18n.t("layer_focal", language), color=_leaflet.FOCAL_COLOR)
        _leaflet.DataLayer("points", label, d, {"colors": [_leaflet.FOCAL_COLOR], "radius": 11, "weight": 3,
                                                "fillOpacity": 1, "stroke": "#000000"}).add_to(m)
        rows.insert(0, label)
    else:
        notes += _unlocated_note(orgs, lat, language, np.array([f]))
    name = orgs["name"].iloc[f] if "name" in orgs.columns else fid
    _leaflet.add_box(m, _leaflet.html_box(i18n.t("title_partners", language, name=name), rows, notes), language)
    bp = np.array(bounds_pts)
    return _leaflet.finish(m, language, _leaflet.bounds_of(lat[bp], lon[bp]))


def _candidate_columns(table: pd.DataFrame, orgs: pd.DataFrame,
                       language: str) -> tuple[dict[str, list[str]], list[list[str]]]:
    """The score, its parts and the reasons of each candidate, as display columns and fields."""
    names = {i: n for i, n in zip(orgs.index, orgs["name"] if "name" in orgs.columns else orgs.index, strict=True)}
    cols: dict[str, list[str]] = {
        "rank": [str(int(r)) for r in table["rank"]],
        "score": [_leaflet.num(s, 3) for s in table["score"]],
    }
    fields = [["rank", _html.escape(i18n.t("field_rank", language))],
              ["score", _html.escape(i18n.t("field_score", language))]]
    for c in COMPONENTS:
        if c in table.columns:
            cols[c] = [_leaflet.num(v, 2) for v in table[c]]
            fields.append([c, "· " + _html.escape(i18n.t(f"component_{c}", language))])
    cols["reasons"] = [_leaflet.text(r) for r in table["reasons"]]
    fields.append(["reasons", _html.escape(i18n.t("field_reasons", language))])
    if "distance_km" in table.columns:
        cols["distance_km"] = [_leaflet.num(v, 1) for v in table["distance_km"]]
        fields.append(["distance_km", _html.escape(i18n.t("field_distance_km", language))])
    if "shared_partners" in table.columns:
        sep = "، " if language == "ar" else ", "
        cols["shared_partners"] = [sep.join(_html.bdi(names.get(p, p)) for p in (ps or []))
                                   for ps in table["shared_partners"]]
        fields.append(["shared_partners", _html.escape(i18n.t("field_shared_partners", language))])
    return cols, fields


def _not_reached_layer(m: folium.Map, data: PartnerData, fid: Any, f: int, lat: np.ndarray, lon: np.ndarray,
                       language: str, near_km: float, rows: list[str]) -> None:
    """Areas within ``near_km`` of the focal organisation that neither it nor its partners serve."""
    if not np.isfinite(lat[f]) or data.areas is None:
        return
    cov = coverage(data, by=None, focal=fid)
    gaps = cov[cov["focal_reach"] == "not_reached"]
    if not len(gaps):
        return
    dist = _geo._haversine_km(lat[f], lon[f], *_nearest_points(gaps.geometry.to_numpy(), lat[f], lon[f]))
    gaps = gaps[dist <= near_km]
    if not len(gaps):
        return
    reasons = underserved(cov)
    cols = {"name": _area_names(gaps),
            "reason": [_leaflet.text(reasons["reason"].get(a, "")) if a in reasons.index else "" for a in gaps.index],
            "population": [_leaflet.num(v) for v in gaps["population"]] if "population" in gaps.columns
            else [""] * len(gaps)}
    fields = [["reason", _html.escape(i18n.t("field_reason", language))],
              ["population", _html.escape(i18n.t("field_population", language))]]
    d = _areas_data(gaps.geometry.to_numpy(), cols, fields, language)
    label = _leaflet.layer_label(i18n.t("layer_not_reached", language), color="#fb9a99", square=True, count=len(gaps))
    _leaflet.DataLayer("areas", label, d, {"colors": ["#fb9a99"], "stroke": "#e31a1c", "weight": 2,
                                           "dash": "5 4", "fillOpacity": 0.25}).add_to(m)
    rows.append(label)


def _nearest_points(geoms: np.ndarray, lat: float, lon: float) -> tuple[np.ndarray, np.ndarray]:
    """(lat, lon) of each geometry's point nearest to (lat, lon), in degrees (fine at city scale)."""
    here = shapely.Point(lon, lat)
    pts = [shapely.ops.nearest_points(g, here)[0] for g in geoms]
    return np.array([p.y for p in pts]), np.array([p.x for p in pts])


def _classes(values: np.ndarray, k: int = 5) -> np.ndarray:
    """Up to ``k`` class edges of ``values`` (quantiles of the distinct values, always from min to max)."""
    v = values[np.isfinite(values)]
    if not len(v):
        return np.array([0.0, 1.0])
    distinct = np.unique(v)
    if len(distinct) <= k:
        return np.append(distinct, distinct[-1])
    return np.unique(np.quantile(distinct, np.linspace(0, 1, k + 1)))


def coverage_map(
    data: PartnerData,
    *,
    measure: str = "organisations_serving",
    areas: Any = None,
    by: str | None = None,
    of: str = "total",
    min_count: int = 1,
    language: str = "en",
    tiles: Any = DEFAULT_TILES,
    m: folium.Map | None = None,
    private: Iterable[str] = (),
) -> folium.Map:
    """Areas shaded by a coverage measure, under-served areas outlined, organisations on top.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    measure
        One of :data:`MEASURES`: ``"organisations_serving"`` (how many organisations serve
        the area), ``"population_reached"`` (its population when served, else 0; needs a
        ``population`` column) or ``"deficit"`` (how many organisations it lacks to reach
        ``min_count``).
    areas
        The areas (see :func:`partnermap.coverage`): by default ``data.areas``, or an H3 grid.
    by
        Break the counts in the tooltips down by this column (``"sector"``, ``"org_type"``,
        ``"offers"`` …); ``None`` gives totals.
    of
        The kind the measure counts (a kind of ``by``, e.g. ``"public"``), or ``"total"``.
    min_count
        How many organisations of that kind each area should have within reach: areas with
        fewer are outlined as under-served.
    language
        ``"en"`` or ``"ar"``.
    tiles
        The basemap (see :func:`organizations_map`).
    m
        A map to add the layers to instead of a new one.
    private
        More columns to keep out of the page.

    Returns
    -------
    folium.Map
        A choropleth with a legend of its classes and a tooltip per area, the under-served
        areas outlined in red with the reason, and the organisations coloured by sector.

    Examples
    --------
    >>> import partnermap as pm
    >>> m = pm.maps.coverage_map(pm.load(pm.datasets.demo_path()), measure="population_reached")
    """
    _check(language)
    if measure not in MEASURES:
        raise ParameterError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}.")
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise ParameterError(f"min_count must be a whole number of 1 or more, not {min_count!r}.")
    if of != "total" and by is None:
        by = "sector"
    cov = coverage(data, by=by, areas=areas)
    serving_col = f"serving_{of}"
    if serving_col not in cov.columns:
        have = [c[len("serving_"):] for c in cov.columns if c.startswith("serving_")]
        raise ParameterError(f"of={of!r} is not a kind of by={by!r}; choose one of {', '.join(have)}.")
    serving = cov[serving_col].to_numpy(dtype=float)
    if measure == "organisations_serving":
        values = serving
    elif measure == "population_reached":
        col = f"population_reached_{of}"
        if col not in cov.columns:
            raise ParameterError("measure='population_reached' needs a numeric population column in the areas.")
        values = cov[col].to_numpy(dtype=float)
    else:
        values = np.clip(min_count - serving, 0, None)
    m = _leaflet.base_map(tiles, m)
    edges = _classes(values)
    ramp = _REDS if measure == "deficit" else _BLUES
    ramp = ramp[-(len(edges) - 1):] if len(edges) - 1 < len(ramp) else ramp
    cls = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)
    cls = np.where(np.isfinite(values), cls, len(ramp))
    colors = [*ramp, "#ffffff"]
    measure_name = i18n.t(f"measure_{measure}", language, **({"n": min_count} if measure == "deficit" else {}))
    if of != "total":
        kind = schema.label(_leaflet._VOCAB.get(by, {}), of, language) if by else of
        measure_name = i18n.t("measure_of", language, measure=measure_name, kind=kind)
    cols = {"name": _area_names(cov), "value": [_leaflet.num(v) for v in values],
            "serving_total": [_leaflet.num(v) for v in cov["serving_total"]]}
    fields = [["value", _html.escape(measure_name)],
              ["serving_total", _html.escape(i18n.t("field_serving_total", language))]]
    if "population" in cov.columns:
        cols["population"] = [_leaflet.num(v) for v in pd.to_numeric(cov["population"], errors="coerce")]
        fields.append(["population", _html.escape(i18n.t("field_population", language))])
    kinds = cov.attrs.get("coverage", {}).get("kinds") or []
    for k in kinds:
        c = f"serving_{k}"
        cols[c] = [_leaflet.num(v) for v in cov[c]]
        label = schema.label(_leaflet._VOCAB.get(by, {}), k, language) if by in _leaflet._VOCAB else k
        fields.append([c, _html.escape(i18n.t("field_serving_kind", language, kind=label))])
    d = _areas_data(cov.geometry.to_numpy(), cols, fields, language)
    d["color"] = cls.astype(int).tolist()
    name = _leaflet.layer_label(i18n.t("layer_areas", language), count=len(cov))
    _leaflet.DataLayer("areas", name, d, {"colors": colors, "stroke": "#555555", "weight": 0.8, "dash": None,
                                          "fillOpacity": 0.7}).add_to(m)
    rows = [name]
    for j in range(len(edges) - 1):
        lo, hi = edges[j], edges[j + 1]
        text = _leaflet.num(lo) if lo == hi else i18n.t("legend_range", language, low=_leaflet.num(lo),
                                                         high=_leaflet.num(hi))
        rows.append(_leaflet.layer_label(text, color=ramp[j], square=True))
    gaps = underserved(cov, of=of, min_count=min_count)
    if len(gaps):
        gcols = {"name": _area_names(gaps), "reason": [_leaflet.text(r) for r in gaps["reason"]]}
        gd = _areas_data(gaps.geometry.to_numpy(), gcols, [["reason", _html.escape(i18n.t("field_reason", language))]],
                         language)
        label = _leaflet.layer_label(i18n.t("layer_underserved", language), stroke="#e31a1c", count=len(gaps))
        _leaflet.DataLayer("areas", label, gd, {"colors": ["#e31a1c"], "stroke": "#e31a1c", "weight": 3,
                                                "dash": "6 4", "fillOpacity": 0.0}).add_to(m)
        rows.append(label)
    _, org_rows = _org_layers(m, data, language, private, radius=4, per_sector=False)
    rows += org_rows
    notes = [_html.escape(i18n.t("legend_underserved", language))] if len(gaps) else []
    if language == "ar" and len(gaps):
        notes.append(_html.escape(i18n.t("note_reasons_english", language)))
    _leaflet.add_box(m, _leaflet.html_box(i18n.t("title_coverage", language, measure=measure_name), rows, notes),
                     language)
    minx, miny, maxx, maxy = cov.total_bounds
    bounds = [[miny, minx], [maxy, maxx]] if np.isfinite([minx, miny, maxx, maxy]).all() else None
    return _leaflet.finish(m, language, bounds)


def ties_map(
    data: PartnerData,
    *,
    language: str = "en",
    tiles: Any = DEFAULT_TILES,
    m: folium.Map | None = None,
    private: Iterable[str] = (),
) -> folium.Map:
    """The geographic network: active ties as lines between located organisations.

    Parameters
    ----------
    data
        What :func:`partnermap.load` returned.
    language
        ``"en"`` or ``"ar"``.
    tiles
        The basemap (see :func:`organizations_map`).
    m
        A map to add the layers to instead of a new one.
    private
        More columns to keep out of the page.

    Returns
    -------
    folium.Map
        One layer per kind of tie (colour by kind, dashed when informal), ties between
        different sectors drawn thick and the others thin, and the organisations coloured
        by sector. Ties with an end without a location are counted in the legend.

    Examples
    --------
    >>> import partnermap as pm
    >>> m = pm.maps.ties_map(pm.load(pm.datasets.demo_path()))
    """
    _check(language)
    orgs = data.organizations
    G = build_graph(data)
    _, ties = _graph_ties(G)
    lat, lon = _locations(data)
    where = {oid: (lat[p], lon[p]) for p, oid in enumerate(orgs.index) if np.isfinite(lat[p])}
    m = _leaflet.base_map(tiles, m)
    rows: list[str] = []
    if len(ties):
        both = np.array([s in where and t in where and s != t
                         for s, t in zip(ties["source"], ties["target"], strict=True)], dtype=bool)
        unplaced = int((~both).sum())
        ties = ties[both]
    else:
        unplaced = 0
    sector = orgs["sector"] if "sector" in orgs.columns else pd.Series(None, index=orgs.index, dtype=object)
    if len(ties):
        code, keys, colors = _kind_codes(ties)
        s_sec = sector.reindex(ties["source"]).to_numpy()
        t_sec = sector.reindex(ties["target"]).to_numpy()
        cross = np.array([not _common._missing(a) and not _common._missing(b) and a != b
                          for a, b in zip(s_sec, t_sec, strict=True)], dtype=bool)
        informal = _informal(ties)
        for j, key in enumerate(keys):
            sel = np.flatnonzero(code == j)
            if not len(sel):
                continue
            sub = ties.iloc[sel]
            d = _line_data(sub, orgs, where, language)
            d["wide"] = cross[sel].astype(int).tolist()
            d["dash"] = informal[sel].astype(int).tolist()
            label = _leaflet.layer_label(schema.label(schema.RELATIONSHIP_KINDS, key, language), stroke=colors[j],
                                         count=len(sel))
            _leaflet.DataLayer("lines", label, d, {"colors": [colors[j]], "weight": 1.5, "opacity": 0.5,
                                                   "wideWeight": 4, "wideOpacity": 0.9}).add_to(m)
            rows.append(label)
    shown, org_rows = _org_layers(m, data, language, private, radius=4, per_sector=False)
    rows += org_rows
    notes = [_html.escape(i18n.t("legend_kinds", language)), _html.escape(i18n.t("legend_cross_sector", language)),
             _html.escape(i18n.t("note_counts", language, orgs=f"{shown:,}", ties=f"{len(ties):,}"))]
    if unplaced:
        notes[-1] += f" (+{unplaced:,} ⌀)"
    _leaflet.add_box(m, _leaflet.html_box(i18n.t("title_ties", language), rows, notes), language)
    return _leaflet.finish(m, language, _leaflet.bounds_of(lat, lon))


def _graph_ties(G: Any) -> tuple[None, pd.DataFrame]:
    rows = [d for _, _, d in G.edges(data=True)]
    cols = ["source", "target", "kind", "formal", "status", "weight"]
    ties = pd.DataFrame(rows, columns=[c for c in cols if any(c in r for r in rows)] or ["source", "target"])
    return None, ties

