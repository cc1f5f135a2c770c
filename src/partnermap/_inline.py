"""Pinned copies of the pages' scripts and stylesheets, and putting them inside a page.

Private: imported as a module (``from . import _inline``). The files live in
``partnermap/_assets/`` (see its README for versions and licences); :data:`ASSETS` maps each
CDN address the pages link to the shipped file that replaces it.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from importlib import resources
from typing import Any

from ._errors import ParameterError

LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
VIS_JS = "https://cdnjs.cloudflare.com/ajax/libs/vis-network/9.1.2/dist/vis-network.min.js"
VIS_CSS = "https://cdnjs.cloudflare.com/ajax/libs/vis-network/9.1.2/dist/dist/vis-network.min.css"

#: CDN address -> file under ``_assets/``.
ASSETS: dict[str, str] = {
    LEAFLET_JS: "leaflet-1.9.3/leaflet.js",
    LEAFLET_CSS: "leaflet-1.9.3/leaflet.css",
    VIS_JS: "vis-network-9.1.2/vis-network.min.js",
    VIS_CSS: "vis-network-9.1.2/vis-network.min.css",
}

#: The ways a page can get its scripts: inside the file, or linked from CDNs.
ASSET_MODES = ("inline", "cdn")

_SCRIPT = re.compile(r'<script\s+src="([^"]+)"\s*>\s*</script>')
_LINK = re.compile(r'<link\s+rel="stylesheet"\s+href="([^"]+)"\s*/?>')
_SOURCE_MAP = re.compile(r"^\s*(//|/\*)# sourceMappingURL=.*$", re.MULTILINE)
_CSS_URL = re.compile(r"url\((images/[\w.-]+\.png)\)")


def check_assets(assets: Any) -> str:
    """``assets`` when it is one of :data:`ASSET_MODES`, else ParameterError."""
    if assets not in ASSET_MODES:
        raise ParameterError(f"assets must be 'inline' (a self-contained page) or 'cdn', not {assets!r}.")
    return assets


def _file(name: str) -> bytes:
    return resources.files("partnermap").joinpath("_assets", name).read_bytes()


@functools.cache
def asset_text(url: str) -> str:
    """The shipped copy of the file at CDN address ``url``, ready to sit inside a page.

    Source-map comments are dropped (the maps are not shipped) and a stylesheet's
    ``images/…`` become ``data:`` URIs; ``</`` cannot close the surrounding element.
    """
    name = ASSETS[url]
    text = _SOURCE_MAP.sub("", _file(name).decode("utf-8"))
    if name.endswith(".css"):
        folder = name.rsplit("/", 1)[0]

        def data_uri(m: re.Match) -> str:
            png = base64.b64encode(_file(f"{folder}/{m.group(1)}")).decode("ascii")
            return f"url(data:image/png;base64,{png})"

        text = _CSS_URL.sub(data_uri, text)
        return text.replace("</style", "<\\/style")
    return text.replace("</script", "<\\/script")


def inline(page: str) -> str:
    """``page`` with every ``<script src>`` / stylesheet ``<link>`` of :data:`ASSETS` inlined.

    Raises ParameterError naming any other external script or stylesheet, which could not
    be made self-contained (write the page with ``assets="cdn"`` instead).
    """

    def script(m: re.Match) -> str:
        url = m.group(1)
        if url not in ASSETS:
            raise ParameterError(f"the page links {url}, which partnermap does not ship; write it with assets='cdn'.")
        return f"<script>{asset_text(url)}</script>"

    def link(m: re.Match) -> str:
        url = m.group(1)
        if url not in ASSETS:
            raise ParameterError(f"the page links {url}, which partnermap does not ship; write it with assets='cdn'.")
        return f"<style>{asset_text(url)}</style>"

    return _LINK.sub(lambda m: link(m), _SCRIPT.sub(lambda m: script(m), page))


def js_data(obj: Any) -> str:
    r"""``obj`` as JSON that is safe inside a ``<script>`` element and inside a folium template.

    ``<``, ``>``, ``&``, U+2028 and U+2029 become ``\uXXXX`` escapes, and so does the second
    character of ``{{``, ``{%`` and ``{#``: branca parses rendered scripts again as Jinja
    templates, and those pairs can only occur inside JSON strings, where the escape means
    the same character.
    """
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
            .replace("{{", "{\\u007b").replace("{%", "{\\u0025").replace("{#", "{\\u0023"))
