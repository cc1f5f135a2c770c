"""A real browser for the page tests: Playwright driving Debian's Chromium, with no network.

Every request a page makes is intercepted: its own ``file:`` and ``data:`` URLs pass; map
tiles get a blank PNG (and are counted); with ``cdn=True`` the CDN addresses of the scripts
partnermap ships are answered with the shipped copies (the files of the npm packages, see
``src/partnermap/_assets/README.md``); anything else is refused and recorded, so a test can
assert that a self-contained page asked for nothing but tiles.

Without a browser the tests skip with the reason, except under ``CI=true``, where a missing
browser is a failure (``make test`` installs Chromium when it is missing).
"""

from __future__ import annotations

import base64
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from partnermap import _inline

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
#: A 1×1 transparent PNG, the answer to every tile request.
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
TILE_URL = re.compile(r"/tile/\d+/\d+/\d+|/\d+/\d+/\d+(@2x)?\.png")


def chromium_path() -> str | None:
    """Debian's Chromium (or $PARTNERMAP_CHROMIUM), if installed."""
    for candidate in (os.environ.get("PARTNERMAP_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"the browser tests need Chromium under CI: {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass
class Loaded:
    """A page opened in the browser, and what happened while it loaded."""

    page: Any
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)
    cdn: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def js(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def screenshot(self, path: Path) -> Path:
        self.page.screenshot(path=str(path))
        return path


class Browser:
    """Opens pages in fresh contexts of one Chromium."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def open(self, path: Path, *, cdn: bool = False, width: int = 1200, height: int = 800,
             ready: str = "window.partnermapReady !== undefined") -> Loaded:
        context = self._browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=True)
        page = context.new_page()
        loaded = Loaded(page)
        page.on("pageerror", lambda e: loaded.errors.append(f"pageerror: {e}"))
        page.on("console", lambda m: loaded.errors.append(f"console: {m.text}") if m.type == "error" else None)

        def dialog(d: Any) -> None:
            loaded.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        page.on("dialog", dialog)

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(("file:", "data:", "about:")):
                r.continue_()
            elif url in _inline.ASSETS:
                loaded.cdn.append(url)
                if cdn:
                    body = _inline.asset_text(url).encode("utf-8")
                    ctype = "text/css" if url.endswith(".css") else "application/javascript"
                    r.fulfill(status=200, body=body, headers={"Content-Type": ctype,
                                                              "Access-Control-Allow-Origin": "*"})
                else:
                    loaded.refused.append(url)
                    r.abort()
            elif TILE_URL.search(url):
                loaded.tiles.append(url)
                r.fulfill(status=200, body=BLANK_PNG, headers={"Content-Type": "image/png"})
            else:
                loaded.refused.append(url)
                r.abort()

        page.route("**/*", route)
        page.goto(Path(path).resolve().as_uri(), wait_until="load")
        page.wait_for_function(ready, timeout=30_000)
        page.wait_for_timeout(150)
        return loaded

    def close(self) -> None:
        self._browser.close()


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (skips, or fails under CI, when there is none).

    Per module, not per session: each module imports this fixture, and two live
    sync_playwright sessions cannot run in one process.
    """
    exe = chromium_path()
    if exe is None:
        _unavailable("Chromium is not installed (apt-get install chromium; `make test` does it)")
    try:
        from playwright.sync_api import sync_playwright  # test extra: pip install -e '.[test]'
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=exe, args=ARGS)
        except Exception as exc:  # noqa: BLE001 - any launch failure means no browser here
            _unavailable(f"Chromium at {exe} does not start: {exc}")
        yield Browser(b)
        b.close()


#: Counts what a Leaflet map holds, by kind of layer.
COUNT_LAYERS = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const c = {circles: 0, lines: 0, polygons: 0, ranks: 0};
  map.eachLayer(l => {
    if (l instanceof L.CircleMarker) c.circles++;
    else if (l instanceof L.Polygon) c.polygons++;
    else if (l instanceof L.Polyline) c.lines++;
    else if (l instanceof L.Marker) c.ranks++;
  });
  c.maxZoom = map.getMaxZoom();
  c.controls = Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
    .map(e => e.textContent.trim());
  return c;
}"""

#: Opens the popup and tooltip of every data point (as a click and a hover would) and returns their text.
OPEN_ALL = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const out = {popups: [], tips: [], html: []};
  map.eachLayer(l => {
    if (l._pm === undefined) return;
    const at = l.getLatLng ? l.getLatLng() : l.getBounds().getCenter();
    l.fire('click', {latlng: at}, true);
    const open = map._popup && map._popup.isOpen();
    const p = open ? map._popup.getElement().querySelector('.leaflet-popup-content') : null;
    if (p) { out.popups.push(p.textContent); out.html.push(p.innerHTML); }
    l.fire('mouseover', {latlng: at}, true);
    const t = l.getTooltip();
    if (t) { out.tips.push(t.getElement() ? t.getElement().textContent : ''); l.closeTooltip(); }
    map.closePopup();
  });
  return out;
}"""
