"""How big and how fast the pages are: maps of 1k / 10k / 50k organisations, a 5k / 20k network view.

For each page: the time to build it in Python (the map function plus writing the
self-contained HTML), the file's size, and the time headless Chromium takes to open it
(from navigation start until the page's last script has run and its layers are drawn;
tiles are answered with a blank PNG, there is no network). Synthetic organisations around
Dammam with Arabic and English names, websites for a third of them.

    .venv/bin/python benchmarks/bench_maps.py            # 1k, 10k, 50k and the network view
    .venv/bin/python benchmarks/bench_maps.py --sizes 1000 --no-network

Targets (issue 11): 50,000 organisations ≤ 8 MB, built ≤ 20 s, loaded ≤ 2.5 s; network view
of 5,000 organisations / 20,000 ties built ≤ 10 s (layout included), loaded ≤ 5 s; the demo
page (320 organisations) ≤ 1.5 MB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import partnermap as pm
from partnermap import maps
from partnermap.export import write_html
from partnermap.network_view import network_view

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.browser import ARGS, BLANK_PNG, TILE_URL, chromium_path  # noqa: E402

_WORDS_AR = ["جمعية", "مركز", "مؤسسة", "شركة", "مدرسة", "مكتبة", "نادي", "فريق"]
_WORDS2_AR = ["البر", "الخير", "النور", "الأمل", "الوفاء", "الرحمة", "المستقبل", "الشروق", "العطاء", "الفجر"]
_TYPES = ["company", "small_business", "charity", "association", "school", "library", "healthcare",
          "community_group", "local_council", "religious"]
_RES = ["funding", "space", "volunteers", "skills", "expertise", "equipment", "training", "networks"]
_CAUSES = ["education", "health", "housing", "women", "youth", "elderly", "environment", "culture"]


def synthetic(n: int, ties: int, folder: Path, seed: int = 0) -> Path:
    """A data folder of ``n`` organisations and ``ties`` ties."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    a = rng.integers(0, len(_WORDS_AR), n)
    b = rng.integers(0, len(_WORDS2_AR), n)
    types = np.array(_TYPES)[rng.integers(0, len(_TYPES), n)]
    sector = np.array([pm.schema.ORG_TYPES[t].sector for t in types], dtype=object)

    def terms(pool: list[str]) -> list[str]:
        return [";".join(sorted(set(np.array(pool)[rng.integers(0, len(pool), rng.integers(1, 4))]))) for _ in range(n)]

    orgs = pd.DataFrame({
        "org_id": [f"ORG-{i:06d}" for i in range(n)],
        "name": [f"{_WORDS_AR[x]} {_WORDS2_AR[y]} {i}" for i, (x, y) in enumerate(zip(a, b, strict=True))],
        "name_en": [f"Organisation {i}" for i in range(n)],
        "sector": sector, "org_type": types,
        "lat": np.round(26.3 + rng.normal(0, 0.12, n), 6), "lon": np.round(50.1 + rng.normal(0, 0.12, n), 6),
        "website": [f"https://org{i}.example.sa" if rng.random() < 0.33 else "" for i in range(n)],
        "offers": terms(_RES), "needs": terms(_RES), "causes": terms(_CAUSES),
        "engagement_stage": np.array(["identified", "contacted", "engaged", "partner"])[rng.integers(0, 4, n)],
    })
    orgs.to_csv(folder / "organizations.csv", index=False)
    src = rng.integers(0, n, ties * 2)
    dst = (src + rng.integers(1, max(2, n // 50), ties * 2)) % n  # mostly local ties
    pairs = pd.DataFrame({"s": np.minimum(src, dst), "t": np.maximum(src, dst)}).drop_duplicates().head(ties)
    rel = pd.DataFrame({"source": [f"ORG-{i:06d}" for i in pairs["s"]], "target": [f"ORG-{i:06d}" for i in pairs["t"]],
                        "kind": np.array(["partnership", "in_kind", "informal", "joint_project"])[
                            rng.integers(0, 4, len(pairs))], "status": "active"})
    rel.to_csv(folder / "relationships.csv", index=False)
    return folder


def load_seconds(path: Path) -> float:
    """Seconds from navigation start until the page says it is drawn, in headless Chromium."""
    from playwright.sync_api import sync_playwright  # test extra

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        page = b.new_page(viewport={"width": 1200, "height": 800})

        def route(r):
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            elif TILE_URL.search(r.request.url):
                r.fulfill(status=200, body=BLANK_PNG, headers={"Content-Type": "image/png"})
            else:
                r.abort()

        page.route("**/*", route)
        page.goto(path.resolve().as_uri())
        page.wait_for_function("window.partnermapReady !== undefined", timeout=120_000)
        ready = page.evaluate("window.partnermapReady")
        b.close()
    return ready / 1000


def row(what: str, build_s: float, path: Path, browser: bool) -> str:
    size = path.stat().st_size / 1e6
    load = f"{load_seconds(path):6.2f} s" if browser else "   n/a"
    return f"{what:<44} built {build_s:6.2f} s   {size:6.2f} MB   loaded {load}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000, 50_000])
    ap.add_argument("--no-network", action="store_true")
    args = ap.parse_args(argv)
    browser = chromium_path() is not None
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        demo = pm.load(pm.datasets.demo_path())
        t = time.perf_counter()
        out = write_html(maps.partners_map(demo, "ORG-001"), tmp / "demo-partners.html")
        print(row("demo partners map (320 organisations)", time.perf_counter() - t, out, browser))
        t = time.perf_counter()
        out = write_html(maps.organizations_map(demo), tmp / "demo-orgs.html")
        print(row("demo organisations map (320)", time.perf_counter() - t, out, browser))
        for n in args.sizes:
            data = pm.load(synthetic(n, 0, tmp / f"orgs-{n}"))
            t = time.perf_counter()
            out = write_html(maps.organizations_map(data), tmp / f"orgs-{n}.html")
            print(row(f"organisations map, {n:,} organisations", time.perf_counter() - t, out, browser))
        if not args.no_network:
            data = pm.load(synthetic(5000, 20_000, tmp / "net"))
            G = pm.build_graph(data)
            t = time.perf_counter()
            metrics = pm.centrality(G, progress=False)
            c = time.perf_counter() - t
            t = time.perf_counter()
            out = write_html(network_view(G, metrics), tmp / "net.html")
            print(row(f"network view, {G.number_of_nodes():,} / {G.number_of_edges():,} ties", time.perf_counter() - t,
                      out, browser) + f"   (+ centrality {c:.2f} s)")
            t = time.perf_counter()
            out = write_html(maps.ties_map(data), tmp / "ties.html")
            print(row(f"ties map, {G.number_of_edges():,} ties", time.perf_counter() - t, out, browser))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
