"""Regenerate the README's screenshots (docs/img/*.png) from the demo data.

    .venv/bin/python docs/make_screenshots.py

Each page kind is written self-contained and opened in headless Chromium (Debian's
/usr/bin/chromium, through Playwright) with no network: pages that use a basemap are shot
without one (``tiles=None``), so the pictures are the same on every machine.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import ARGS, chromium_path  # noqa: E402

import partnermap as pm  # noqa: E402
from partnermap import maps  # noqa: E402
from partnermap.export import write_html  # noqa: E402
from partnermap.network_view import network_view  # noqa: E402

OUT = ROOT / "docs" / "img"


def pages() -> dict[str, object]:
    """Every page kind on the demo data (no basemap, so the pictures do not depend on a network)."""
    data = pm.load(pm.datasets.demo_path())
    G = pm.build_graph(data)
    return {
        "map-partners": maps.partners_map(data, pm.datasets.FOCAL_ID, tiles=None),
        "map-partners-ar": maps.partners_map(data, pm.datasets.FOCAL_ID, tiles=None, language="ar"),
        "map-organizations": maps.organizations_map(data, tiles=None),
        "map-coverage": maps.coverage_map(data, measure="population_reached", tiles=None),
        "map-ties": maps.ties_map(data, tiles=None),
        "network-view": network_view(G, color_by="community"),
    }


def main() -> int:
    """Write docs/img/<page>.png for each page."""
    from playwright.sync_api import sync_playwright  # test extra: pip install -e '.[test]'

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        for name, page in pages().items():
            path = write_html(page, Path(tmp) / f"{name}.html")
            tab = browser.new_page(viewport={"width": 1100, "height": 700})
            tab.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
            tab.goto(path.as_uri())
            tab.wait_for_function("window.partnermapReady !== undefined")
            tab.wait_for_timeout(300)
            tab.screenshot(path=str(OUT / f"{name}.png"))
            tab.close()
            print(f"wrote {OUT / f'{name}.png'}")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
