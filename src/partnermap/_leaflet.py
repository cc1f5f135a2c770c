"""The folium pieces every map is made of: a lean base map, compact data layers, legend.

Private: imported as a module (``from . import _leaflet``).

Why not ``folium.Marker`` / ``folium.GeoJson``: one JavaScript object with its own popup per
organisation makes a 50,000-organisation page tens of megabytes (see PITFALLS). Here a layer
is one :class:`DataLayer`: its rows travel as column arrays of *pre-escaped* display text
(repeated values stored once), drawn as canvas circle markers or lines, and a popup or
tooltip is built in the browser only when the user clicks or hovers. Every user string is
escaped with :func:`partnermap._html.escape` in Python before it reaches the page; the
JavaScript only concatenates those strings with our own markup.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import folium
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from folium.template import Template

from . import _common, _html, _inline, i18n, schema
from ._errors import ParameterError

#: The basemap when none is chosen: Esri's light-grey canvas. It needs no API key and serves
#: pages opened from disk (OpenStreetMap's own servers refuse those, and CARTO now wants a key).
DEFAULT_TILES = "Esri.WorldGrayCanvas"
#: How far the maps zoom in (tiles beyond the provider's own zoom are enlarged).
MAX_ZOOM = 18
#: Decimal places of coordinates in the pages (1e-5 degrees is about a metre).
COORD_DECIMALS = 5

SECTOR_COLORS = {"for_profit": "#1f78b4", "non_profit": "#33a02c", "public": "#e6550d"}
UNKNOWN_COLOR = "#969696"
KIND_COLORS = {
    "partnership": "#1b9e77", "funding": "#d95f02", "in_kind": "#7570b3", "referral": "#e7298a",
    "joint_project": "#66a61e", "membership": "#e6ab02", "mou": "#a6761d", "informal": "#666666",
}
FOCAL_COLOR = "#e31a1c"
CANDIDATE_COLOR = "#6a3d9a"

_VOCAB = {"sector": schema.SECTORS, "org_type": schema.ORG_TYPES, "offers": schema.RESOURCES,
          "needs": schema.RESOURCES, "causes": schema.CAUSES, "engagement_stage": schema.ENGAGEMENT_STAGES,
          "capacity": schema.CAPACITY_LEVELS, "size": schema.SIZES, "kind": schema.RELATIONSHIP_KINDS,
          "status": schema.TIE_STATUSES}

_KIT_JS = r"""
var PM = window.PM = window.PM || {
  canvas: null,
  val: function (d, k, i) {
    var c = d.cols[k];
    if (c === undefined) return "";
    var v = Array.isArray(c) ? c[i] : c.v[c.c[i]];
    return v === null || v === undefined ? "" : v;
  },
  rows: function (d, i) {
    var out = [];
    for (var j = 0; j < d.fields.length; j++) {
      var f = d.fields[j], v = PM.val(d, f[0], i);
      if (v === "") continue;
      if (f[0] === "website") v = '<a href="' + v + '" target="_blank" rel="noopener noreferrer">' + v + "</a>";
      out.push('<div class="pm-row"><span class="pm-label">' + f[1] + "</span> <bdi>" + v + "</bdi></div>");
    }
    return out.join("");
  },
  head: function (d, i) {
    var h = d.title ? PM.val(d, d.title, i) : "";
    var s = d.subtitle ? PM.val(d, d.subtitle, i) : "";
    return (h ? '<div class="pm-title" dir="auto">' + h + "</div>" : "") +
           (s ? '<div class="pm-subtitle" dir="auto">' + s + "</div>" : "");
  },
  popup: function (d, i) {
    return '<div class="pm-popup" dir="' + d.dir + '">' + PM.head(d, i) + PM.rows(d, i) + "</div>";
  },
  tip: function (d, i) {
    var t = d.tip ? PM.val(d, d.tip, i) : PM.val(d, d.title, i);
    return '<div class="pm-tip" dir="auto">' + t + "</div>";
  },
  renderer: function () {
    return PM.canvas || (PM.canvas = L.canvas({padding: 0.5, tolerance: 4}));
  },
  events: function (g, d) {
    g.on("click", function (e) {
      var l = e.layer, at = l.getLatLng ? l.getLatLng() : e.latlng;
      L.popup({maxWidth: 360, autoPanPadding: [24, 24]}).setLatLng(at).setContent(PM.popup(d, l._pm)).openOn(g._map);
    });
    g.on("mouseover", function (e) {
      var l = e.layer;
      if (!l.getTooltip()) l.bindTooltip(PM.tip(d, l._pm), {direction: "top", sticky: !l.getLatLng});
      l.openTooltip(l.getLatLng ? undefined : e.latlng);
    });
  },
  pick: function (arr, i, dflt) { return arr ? arr[i] : dflt; },
  points: function (g, d, o) {
    var r = PM.renderer(), n = d.lat.length;
    for (var i = 0; i < n; i++) {
      var c = o.colors[PM.pick(d.color, i, 0)];
      var m = L.circleMarker([d.lat[i], d.lon[i]], {renderer: r, radius: PM.pick(d.radius, i, o.radius),
        color: o.stroke || c, weight: o.weight, fillColor: c, fillOpacity: o.fillOpacity, opacity: 1});
      m._pm = i;
      g.addLayer(m);
    }
    PM.events(g, d);
  },
  ranks: function (g, d, o) {
    for (var i = 0; i < d.lat.length; i++) {
      var s = d.size[i];
      var m = L.marker([d.lat[i], d.lon[i]], {icon: L.divIcon({className: "pm-rank", iconSize: [s, s],
        html: "<span>" + d.rank[i] + "</span>"}), riseOnHover: true});
      m._pm = i;
      g.addLayer(m);
    }
    PM.events(g, d);
  },
  lines: function (g, d, o) {
    var r = PM.renderer(), n = d.xy.length / 4;
    for (var i = 0; i < n; i++) {
      var k = 4 * i, wide = PM.pick(d.wide, i, 0);
      var p = L.polyline([[d.xy[k], d.xy[k + 1]], [d.xy[k + 2], d.xy[k + 3]]], {renderer: r,
        color: o.colors[PM.pick(d.color, i, 0)], weight: wide ? o.wideWeight : o.weight,
        opacity: wide ? o.wideOpacity : o.opacity, dashArray: PM.pick(d.dash, i, 0) ? "6 5" : null});
      p._pm = i;
      g.addLayer(p);
    }
    PM.events(g, d);
  },
  areas: function (g, d, o) {
    var r = PM.renderer();
    L.geoJSON(d.fc, {renderer: r, style: function (f) {
      var i = f.properties.i;
      return {color: o.stroke, weight: o.weight, dashArray: o.dash, opacity: 1,
              fillColor: o.colors[PM.pick(d.color, i, 0)], fillOpacity: o.fillOpacity};
    }, onEachFeature: function (f, l) { l._pm = f.properties.i; g.addLayer(l); }});
    PM.events(g, d);
  },
  box: function (map, html, position, dir) {
    var c = L.control({position: position});
    c.onAdd = function () {
      var div = L.DomUtil.create("div", "pm-box");
      div.dir = dir;
      div.innerHTML = html;
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    c.addTo(map);
  }
};
"""

_KIT_CSS = """
.pm-popup, .pm-tip, .pm-box { font: 13px/1.45 system-ui, "Noto Sans", "Noto Sans Arabic", "DejaVu Sans", sans-serif; }
.pm-popup { max-width: 340px; }
.pm-popup[dir="rtl"], .pm-box[dir="rtl"] { text-align: right; }
.pm-title { font-weight: 600; font-size: 14px; }
.pm-subtitle { color: #444; margin-bottom: 4px; }
.pm-label { color: #666; }
.pm-box { background: rgba(255,255,255,.94); padding: 6px 10px; border-radius: 5px;
          box-shadow: 0 1px 5px rgba(0,0,0,.35); max-width: 320px; }
.pm-box h2 { font-size: 15px; margin: 0 0 4px; }
.pm-box .pm-note { color: #555; font-size: 12px; margin-top: 4px; }
.pm-swatch { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
             margin: 0 4px; vertical-align: -1px; border: 1px solid rgba(0,0,0,.35); }
.pm-square { border-radius: 2px; }
.pm-stroke { display: inline-block; width: 20px; height: 0; margin: 0 4px; vertical-align: 3px;
             border-top: 3px solid; }
.pm-rank { background: #6a3d9a; color: #fff; border: 2px solid #fff; border-radius: 50%;
           box-shadow: 0 1px 4px rgba(0,0,0,.5); display: flex; align-items: center;
           justify-content: center; font: bold 12px system-ui, sans-serif; }
.leaflet-container.pm-notiles { background: #eef0f2; }
.leaflet-control-layers-overlays label { white-space: nowrap; }
"""


def _kit() -> Element:
    """The shared JavaScript and CSS of the layers, for the page's header (added once)."""
    return Element(f"<style>{_KIT_CSS}</style>\n<script>{_KIT_JS}</script>")


class DataLayer(folium.map.Layer):
    """One toggleable layer of points, numbered markers, lines or areas drawn from compact data.

    ``name`` is shown in the layer control as HTML: pass it through :func:`layer_label`.
    ``data`` and ``options`` are JSON-serialisable; every string in ``data`` must already be
    escaped for HTML.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.featureGroup();
            PM.{{ this.kind }}({{ this.get_name() }}, {{ this.data_js }}, {{ this.options_js }});
        {% endmacro %}
    """)

    def __init__(self, kind: str, name: str, data: dict[str, Any], options: dict[str, Any], *,
                 show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "PartnermapLayer"
        self.kind = kind
        self.data_js = _inline.js_data(data)
        self.options_js = _inline.js_data(options)

    def render(self, **kwargs: Any) -> None:
        """Add the shared kit to the page's header once, then render the layer."""
        self.get_root().header.add_child(_kit(), name="partnermap_kit")
        super().render(**kwargs)


class Box(MacroElement):
    """A fixed box on the map (title, legend, notes) from ready-made, escaped HTML."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            PM.box({{ this._parent.get_name() }}, {{ this.html_js }}, {{ this.position_js }}, {{ this.dir_js }});
        {% endmacro %}
    """)

    def __init__(self, html: str, *, position: str, direction: str) -> None:
        super().__init__()
        self._name = "PartnermapBox"
        self.html_js = _inline.js_data(html)
        self.position_js = _inline.js_data(position)
        self.dir_js = _inline.js_data(direction)

    def render(self, **kwargs: Any) -> None:
        """Add the shared kit to the page's header once, then render the box."""
        self.get_root().header.add_child(_kit(), name="partnermap_kit")
        super().render(**kwargs)


class _Finish(MacroElement):
    """Last script of the map: direction of the controls, and a flag that the page is drawn."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            (function (map) {
                var c = map.getContainer();
                c.setAttribute("lang", {{ this.lang_js }});
                {% if this.notiles %}c.classList.add("pm-notiles");{% endif %}
                c.querySelectorAll(".leaflet-control-layers").forEach(function (e) { e.dir = {{ this.dir_js }}; });
                window.partnermapReady = performance.now();
            })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, language: str, notiles: bool) -> None:
        super().__init__()
        self._name = "PartnermapFinish"
        self.lang_js = _inline.js_data(language)
        self.dir_js = _inline.js_data(i18n.direction(language))
        self.notiles = notiles


# ----------------------------------------------------------------------------- base map


def tile_layer(tiles: Any) -> folium.TileLayer | None:
    """The basemap layer for ``tiles``: a provider name, ``(url, attribution)``, a TileLayer, or None."""
    if tiles is None:
        return None
    if isinstance(tiles, folium.TileLayer):
        return tiles
    if isinstance(tiles, tuple) and len(tiles) == 2 and all(isinstance(t, str) for t in tiles):
        url, attr = tiles
        if not url.startswith(("https://", "http://")) or "{z}" not in url:
            raise ParameterError(f"tiles URL must be an http(s) template with {{z}}/{{x}}/{{y}}, not {url!r}.")
        if not attr.strip():
            raise ParameterError("tiles=(url, attribution) needs the provider's attribution text.")
        return folium.TileLayer(tiles=url, attr=_html.escape_template(attr), max_zoom=MAX_ZOOM, control=False)
    if not isinstance(tiles, str) or not tiles.strip():
        raise ParameterError(f"tiles must be a provider name such as {DEFAULT_TILES!r}, (url, attribution), "
                             f"a folium.TileLayer or None, not {tiles!r}.")
    if "{z}" in tiles:
        raise ParameterError("a tiles URL needs its attribution: pass tiles=(url, attribution).")
    import xyzservices  # folium's own dependency, which knows the tile providers

    try:
        provider = xyzservices.providers.query_name(tiles)
    except ValueError as exc:
        raise ParameterError(f"unknown tiles {tiles!r}; use a provider name such as {DEFAULT_TILES!r} "
                             "(see xyzservices.providers), (url, attribution), or None for no basemap.") from exc
    if provider.requires_token():
        raise ParameterError(f"tiles {tiles!r} need an API key; choose another provider or pass "
                             "tiles=(url with your key, attribution).")
    native = int(provider.get("max_zoom", MAX_ZOOM))
    return folium.TileLayer(tiles=provider.build_url(scale_factor="{r}"), attr=provider.html_attribution,
                            max_zoom=MAX_ZOOM, max_native_zoom=min(native, MAX_ZOOM), control=False,
                            subdomains=provider.get("subdomains", "abc"))


def base_map(tiles: Any, m: folium.Map | None) -> folium.Map:
    """``m``, or a new map with only Leaflet's own script and stylesheet, canvas rendering and ``tiles``."""
    if m is not None:
        if not isinstance(m, folium.Map):
            raise ParameterError(f"m must be a folium.Map to add the layers to, not {type(m).__name__}.")
        return m
    layer = tile_layer(tiles)
    m = folium.Map(location=[0, 0], zoom_start=2, tiles=None, prefer_canvas=True, control_scale=True,
                   maxZoom=MAX_ZOOM, zoomSnap=0.5)
    m.default_js = [("leaflet", _inline.LEAFLET_JS)]
    m.default_css = [("leaflet_css", _inline.LEAFLET_CSS)]
    if layer is not None:
        layer.add_to(m)
    m._partnermap_notiles = layer is None
    return m


def finish(m: folium.Map, language: str, bounds: Sequence[Sequence[float]] | None) -> folium.Map:
    """Fit ``bounds``, then put one layer control and the final script after every layer."""
    if bounds is not None:
        m.fit_bounds(bounds, padding=(24, 24), max_zoom=15)
    for key in [k for k, v in m._children.items() if isinstance(v, (folium.LayerControl, _Finish))]:
        del m._children[key]
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    m._partnermap_language = language
    _Finish(language, bool(getattr(m, "_partnermap_notiles", False))).add_to(m)
    return m


# ---------------------------------------------------------------------------- data


def columns(values: Mapping[str, Sequence[Any]]) -> dict[str, Any]:
    """Column arrays for the page, repeated values stored once (``{"v": distinct, "c": codes}``)."""
    out: dict[str, Any] = {}
    for key, col in values.items():
        col = ["" if v is None else v for v in col]
        distinct = list(dict.fromkeys(col))
        if len(distinct) * 2 < len(col):
            code = {v: i for i, v in enumerate(distinct)}
            out[key] = {"v": distinct, "c": [code[v] for v in col]}
        else:
            out[key] = col
    return out


def rounded(values: Iterable[float]) -> list[float]:
    """Coordinates rounded to :data:`COORD_DECIMALS` (plain floats for JSON)."""
    return np.round(np.asarray(values, dtype=float), COORD_DECIMALS).tolist()


def is_private(column: str, private: Iterable[str] = ()) -> bool:
    """True for e-mail, phone, contact name, contact-like headings and columns in ``private``."""
    return column in schema.PRIVATE_COLUMNS or bool(schema.PRIVATE_PATTERN.search(column)) or column in set(private)


def text(v: Any) -> str:
    """A cell as escaped display text ('' when missing; lists joined)."""
    if isinstance(v, (list, tuple)):
        return ", ".join(_html.escape(x) for x in v if not _common._missing(x))
    if _common._missing(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return _html.escape(v)


def term_text(v: Any, column: str, language: str) -> str:
    """A vocabulary cell (one term or a list) as its escaped labels in ``language``."""
    vocab = _VOCAB.get(column)
    terms = _common._as_terms(v) if isinstance(v, (list, tuple)) or column in schema.MULTI_VALUED else (
        [] if _common._missing(v) else [v])
    if vocab is None:
        return text(terms)
    sep = "، " if language == "ar" else ", "
    return sep.join(_html.escape(schema.label(vocab, str(t), language)) for t in terms)


def website(v: Any) -> tuple[str, str]:
    """(escaped http(s) address for a link, escaped text for anything else): one of them is ''."""
    if _common._missing(v) or not str(v).strip():
        return "", ""
    s = str(v).strip()
    parts = urlsplit(s)
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not any(c in s for c in "\"'<> \t\n\r"):
        return _html.escape(s), ""
    return "", _html.escape(s)


#: Organisation columns that may appear in a popup, in this order (never any other column).
ORG_FIELDS = ("name_en", "sector", "org_type", "offers", "needs", "causes", "engagement_stage", "capacity",
              "size", "city", "district", "website", "website_text")


def org_columns(orgs: pd.DataFrame, language: str, private: Iterable[str] = (),
                fields: Sequence[str] = ORG_FIELDS) -> tuple[dict[str, list[str]], list[list[str]]]:
    """Display columns of ``orgs`` (escaped; private ones never read) and the popup fields with labels."""
    private = set(private)
    cols: dict[str, list[str]] = {"name": [text(v) for v in orgs["name"]] if "name" in orgs.columns
                                  else [_html.escape(i) for i in orgs.index]}
    shown: list[list[str]] = []
    for f in fields:
        src = "website" if f == "website_text" else f
        if src not in orgs.columns or is_private(src, private):
            continue
        if f == "name_en":
            en = [text(v) for v in orgs["name_en"]]
            cols[f] = [e if e != n else "" for e, n in zip(en, cols["name"], strict=True)]
        elif f in ("website", "website_text"):
            pairs = [website(v) for v in orgs["website"]]
            cols[f] = [p[0] if f == "website" else p[1] for p in pairs]
        elif f in _VOCAB:
            cols[f] = [term_text(v, f, language) for v in orgs[f]]
        else:
            cols[f] = [text(v) for v in orgs[f]]
        if any(cols[f]):
            shown.append([f, _html.escape(i18n.t(f"field_{'website' if f == 'website_text' else f}", language))])
        else:
            del cols[f]
    return cols, shown


def layer_label(name: str, *, color: str | None = None, stroke: str | None = None, square: bool = False,
                count: int | None = None) -> str:
    """A layer-control / legend entry: a colour key and the escaped ``name`` (and count)."""
    key = ""
    if color:
        key = f'<span class="pm-swatch{" pm-square" if square else ""}" style="background:{color}"></span>'
    elif stroke:
        key = f'<span class="pm-stroke" style="border-color:{stroke}"></span>'
    tail = f" ({count:,})" if count is not None else ""
    return f"{key}{_html.escape_template(name)}{tail}"


def bounds_of(lat: np.ndarray, lon: np.ndarray) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the finite points, or None."""
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.any():
        return None
    return [[float(lat[ok].min()), float(lon[ok].min())], [float(lat[ok].max()), float(lon[ok].max())]]


def num(v: Any, decimals: int = 2) -> str:
    """A number as short display text ('' when missing)."""
    if _common._missing(v) or (isinstance(v, float) and not math.isfinite(v)):
        return ""
    if isinstance(v, (int, np.integer)) or float(v).is_integer() or abs(float(v)) >= 100:
        return f"{round(float(v)):,}"
    return f"{float(v):,.{decimals}f}"


def html_box(title: str, rows: Sequence[str], notes: Sequence[str] = ()) -> str:
    """The legend box's HTML: escaped ``title``, ready-made ``rows`` (see :func:`layer_label`), escaped notes."""
    body = "".join(f"<div>{r}</div>" for r in rows)
    tail = "".join(f'<div class="pm-note">{n}</div>' for n in notes)
    return f"<h2>{_html.escape(title)}</h2>{body}{tail}"


def add_box(m: folium.Map, html: str, language: str) -> None:
    """The legend box, bottom-left (bottom-right in Arabic)."""
    Box(html, position="bottomright" if language == "ar" else "bottomleft",
        direction=i18n.direction(language)).add_to(m)

