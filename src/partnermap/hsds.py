r"""Open Referral HSDS packages → :class:`PartnerData`: organisations and where they work.

The Human Services Data Specification (HSDS) is how 211 services and community
resource directories publish organisations, their locations, services and service
areas. :func:`partnermap.load` reads a package through this module, so an analyst can
start from the directory a community already publishes and add partnership ties.

Accepted: a folder (or a ``.zip`` of one) holding the HSDS CSV tables, with or without
``datapackage.json``, in HSDS **3.0**, **1.x** (1.1 names are mapped to 3.0:
``organizations.url`` → ``website``, ``services_at_location`` → ``service_at_location``,
``physical_addresses`` / ``postal_addresses`` → ``address``) or the **Ohana API** CSV
format (services linked to organisations through their location). A folder whose only
content is one or more packages in sub-folders (``csv/``) is read too.

What becomes what:

- one organisation per HSDS ``organization`` (``org_id`` = its ``id``), with
  ``alternate_name``, ``description``, ``website``, ``email`` (private), the legal and
  tax fields and every other column as attributes;
- coordinates, ``address`` and ``city`` from its first physical location that has
  coordinates; every location is kept in ``data.extra["locations"]`` (a GeoDataFrame
  indexed by ``location_id``) so coverage can use each site;
- ``sector`` derived from ``legal_status`` / ``tax_status`` (and public-sector taxonomy
  terms such as *Public Libraries*); organisations it cannot be derived for get the
  sector ``"unknown"`` (:data:`UNKNOWN_SECTOR`) and one warning counts them;
- ``offers`` from the taxonomy terms (and keywords) of its services, or their names;
  every service is kept in ``data.extra["services"]``;
- service areas with a GeoJSON ``extent`` become ``data.areas`` (unless an ``areas.*``
  file sits beside the package); text service areas are kept in the organisation's
  ``service_areas`` list; all are in ``data.extra["service_areas"]``.

Relationships are empty: HSDS has no partnership ties. A partnermap
``relationships.csv`` (``source``, ``target`` = HSDS organisation ids) placed beside the
HSDS tables is read and validated as usual.

Every data problem is reported with file, row and column and nothing stops the read:
dangling ``organization_id`` / ``location_id`` / ``service_id`` references (counted per
table, with examples; the rows are set aside), coordinates out of range or missing,
``extent`` values that are not GeoJSON, duplicate or blank ids (errors, as in a data
folder), a ``parent_organization_id`` that points to nothing, and test records such as
"Fake Org" (set aside with their locations and services, with the reason).

Examples
--------
>>> import pathlib, tempfile
>>> from partnermap import hsds
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "organizations.csv").write_text("id,name,tax_status\no1,Food Bank,501(c)(3)\n")
>>> _ = (d / "locations.csv").write_text(
...     "id,organization_id,name,latitude,longitude\nl1,o1,Pantry,37.48,-122.23\n")
>>> hsds.is_hsds(d)
True
>>> data = hsds.read_hsds(d)
>>> data.organizations.loc["o1", "sector"], float(data.organizations.loc["o1", "lat"])
('non_profit', 37.48)
>>> data.extra["locations"].loc["l1", "organization_id"]
'o1'
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import re
import tempfile
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

from . import _geo, _tables, _validate, schema
from ._data import LoadReport, PartnerData, Severity

__all__ = ["is_hsds", "read_hsds", "UNKNOWN_SECTOR"]

log = logging.getLogger("partnermap")

#: Sector given to organisations whose sector the package does not reveal.
UNKNOWN_SECTOR = schema.UNKNOWN_SECTOR

# HSDS table (3.0 name) -> file stems that hold it (3.0 files are plural, 1.x too).
_STEMS: dict[str, tuple[str, ...]] = {
    "organization": ("organization", "organizations"),
    "location": ("location", "locations"),
    "service": ("service", "services"),
    "service_at_location": ("service_at_location", "services_at_location", "service_at_locations",
                            "services_at_locations"),
    "service_area": ("service_area", "service_areas"),
    "address": ("address", "addresses"),
    "physical_address": ("physical_address", "physical_addresses"),
    "postal_address": ("postal_address", "postal_addresses", "mail_address", "mail_addresses"),
    "taxonomy_term": ("taxonomy_term", "taxonomy_terms"),
    "taxonomy": ("taxonomy", "taxonomies"),
    "attribute": ("attribute", "attributes"),
    "service_taxonomy": ("service_taxonomy", "services_taxonomy", "service_taxonomies"),
    "program": ("program", "programs"),
    "contact": ("contact", "contacts"),
}
_STEM_TO_TABLE = {s: t for t, stems in _STEMS.items() for s in stems}
#: Tables whose read errors stop the run; problems in the others are warnings.
_CORE = ("organization", "location", "service", "service_at_location")
_WHAT = {"organization": "organisation", "location": "location", "service": "service",
         "service_at_location": "service-at-location link", "service_area": "service area"}
_PLAIN_ORG_STEMS = ("organizations", "organisations", "orgs")
_EXTRACT = (".csv", ".json", ".tsv", ".txt", ".xlsx", ".geojson", ".gpkg", ".shp", ".shx", ".dbf", ".prj",
            ".cpg")

# Reference columns -> the table whose ids they name.
_REFS = {
    "organization_id": "organization",
    "location_id": "location",
    "service_id": "service",
    "service_at_location_id": "service_at_location",
}

# Test records: whole phrases only, so "HIV testing" or "Sample Org" are not caught.
_TEST_PATTERNS = [re.compile(p) for p in (
    r"\bfor test+ing purposes\b",
    r"\bnot a real (organi[sz]ation|entry|service|location|record|agency)\b",
    r"\b(test|fake|dummy) (org|organi[sz]ation|agency|service|location|record|entry|data)\b",
    r"\blorem ipsum\b",
    r"^(test|testing|asdf|xxx+)$",
)]

# legal_status / tax_status -> sector, tried in this order (non-profit first, so a
# "nonprofit corporation" or a "company limited by guarantee" is not for-profit).
_SECTOR_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("non_profit", re.compile(
        r"501 ?\(? ?c ?\)? ?\(?\d|\bnon ?profit|\bnot for profit|\bcharit|\bngo\b|\btax exempt|"
        r"\bexempt\b|\bfoundation\b|\blimited by guarantee|\bcommunity interest company|\bcic\b|"
        r"\bcio\b|\bfaith based|\breligious|\bchurch|\bvoluntary|\bassociation\b|\bnpo\b")),
    ("public", re.compile(
        r"\bgovernment|\bpublic (agency|body|authority|sector|entity|institution)|\bcounty\b|"
        r"\bmunicipal|\bcity of\b|\bcity (agency|department)|\bstate agency|\bfederal\b|"
        r"\blocal authority|\bcouncil\b|\bschool district|^public$")),
    ("for_profit", re.compile(
        r"\bfor profit|\bcorporation\b|\bcorp\b|\binc\b|\bincorporated\b|\bllc\b|\bl l c\b|\bllp\b|"
        r"\blimited company|\bltd\b|\bplc\b|\bprivate (company|business|sector)|\bsole (proprietor|trader)|"
        r"\bpartnership\b|\bbusiness\b|\bcompany\b|\btaxable\b|\bcommercial\b")),
]

# Taxonomy terms that say who runs a service (whole terms, after normalize_text).
_PUBLIC_TERMS = {
    "public libraries": "library", "public library": "library",
    "public schools": "school", "school districts": "school", "school district": "school",
    "police": "police", "police departments": "police", "law enforcement agencies": "police",
    "sheriff": "police", "government agencies": "government_agency",
    "local government": "local_council", "city government": "local_council",
    "county government": "local_council", "public health departments": "government_agency",
}


# ---------------------------------------------------------------------- detection


@dataclasses.dataclass
class _Listing:
    """The files of one folder (on disk or inside a zip): lower-case name -> first bytes."""

    where: str  # "" for the folder itself, else a relative posix path
    files: dict[str, Any]  # lower-case name -> callable returning the first bytes

    def head(self, name: str) -> list[str]:
        """Lower-case column names of a CSV file's header line."""
        try:
            raw = self.files[name]()
        except Exception:  # noqa: BLE001
            return []
        text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
        line = next((ln for ln in text.splitlines() if ln.strip()), "")
        sep = max([",", ";", "\t"], key=line.count)
        return [c.strip().strip('"').strip().lower() for c in line.split(sep)]

    def stem(self, stems: tuple[str, ...], suffix: str = ".csv") -> str | None:
        return next((f"{s}{suffix}" for s in stems if f"{s}{suffix}" in self.files), None)


def _is_plain_partnermap(lst: _Listing) -> bool:
    """A partnermap data folder: its organizations table has org_id (or sector)."""
    for stem in _PLAIN_ORG_STEMS:
        for suffix in (".csv", ".tsv", ".txt"):
            name = f"{stem}{suffix}"
            if name in lst.files:
                head = lst.head(name)
                if "org_id" in head or "sector" in head:
                    return True
        if any(f"{stem}{s}" in lst.files for s in (".xlsx", ".xlsm", ".geojson", ".gpkg", ".shp")):
            return True
    return False


def _looks_hsds(lst: _Listing) -> bool:
    if _is_plain_partnermap(lst):
        return False
    if "datapackage.json" in lst.files:
        try:
            meta = json.loads(lst.files["datapackage.json"](full=True))
            names = {str(r.get("name", "")).lower() for r in meta.get("resources", []) if isinstance(r, dict)}
            paths = {PurePosixPath(str(r.get("path", ""))).stem.lower()
                     for r in meta.get("resources", []) if isinstance(r, dict)}
        except Exception:  # noqa: BLE001 - an unreadable datapackage.json: fall back to file names
            names = paths = set()
        if names & {"organization", "location", "service", "service_at_location"} or \
                paths & set(_STEMS["service_at_location"]):
            return True
    org = lst.stem(_STEMS["organization"])
    if org is None:
        return False
    head = lst.head(org)
    if "id" not in head or "name" not in head:
        return False
    for table in ("location", "service"):
        other = lst.stem(_STEMS[table])
        if other is not None and {"organization_id", "location_id"} & set(lst.head(other)):
            return True
    return False


def _dir_listing(folder: Path, where: str = "") -> _Listing:
    def opener(p: Path):
        def read(full: bool = False) -> bytes:
            if full:
                return p.read_bytes()
            with p.open("rb") as fh:
                return fh.read(8192)
        return read

    files = {p.name.lower(): opener(p) for p in folder.iterdir() if p.is_file()}
    return _Listing(where, files)


def _zip_listings(zf: zipfile.ZipFile) -> list[_Listing]:
    groups: dict[str, dict[str, Any]] = defaultdict(dict)

    def opener(info: zipfile.ZipInfo):
        def read(full: bool = False) -> bytes:
            with zf.open(info) as fh:
                return fh.read() if full else fh.read(8192)
        return read

    for info in zf.infolist():
        name = info.filename
        if info.is_dir() or name.startswith("__MACOSX/") or PurePosixPath(name).name.startswith("._"):
            continue
        parent = str(PurePosixPath(name).parent)
        groups["" if parent == "." else parent][PurePosixPath(name).name.lower()] = opener(info)
    return [_Listing(w, f) for w, f in sorted(groups.items())]


def _candidates(listings: list[_Listing]) -> list[_Listing]:
    """The HSDS packages among ``listings``: the shallowest level that has any."""
    found = [lst for lst in listings if _looks_hsds(lst)]
    if not found:
        return []
    depth = min(0 if not lst.where else lst.where.count("/") + 1 for lst in found)
    return [lst for lst in found if (0 if not lst.where else lst.where.count("/") + 1) == depth]


def _folder_listings(path: Path) -> list[_Listing]:
    top = _dir_listing(path)
    if _looks_hsds(top) or _is_plain_partnermap(top):
        return [top]
    subs = [_dir_listing(p, p.name) for p in sorted(path.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    return [top] + subs


def is_hsds(path: str | Path) -> bool:
    """True if ``path`` is an Open Referral HSDS package (folder or ``.zip``).

    A package is a folder with ``datapackage.json`` describing HSDS tables, or with an
    ``organization(s).csv`` (columns ``id``, ``name``) beside a ``location(s).csv`` or
    ``service(s).csv`` that links to it; or a folder whose sub-folder is one; or a
    ``.zip`` of any of these. A partnermap data folder (its ``organizations`` table has
    an ``org_id`` or ``sector`` column) is never taken for HSDS. Never raises.

    Parameters
    ----------
    path
        A folder or a ``.zip`` file.

    Returns
    -------
    bool

    See Also
    --------
    read_hsds : read the package.
    """
    try:
        path = Path(path)
        if path.is_file():
            if path.suffix.lower() != ".zip" or not zipfile.is_zipfile(path):
                return False
            with zipfile.ZipFile(path) as zf:
                return bool(_candidates(_zip_listings(zf)))
        if path.is_dir():
            return bool(_candidates(_folder_listings(path)))
    except Exception:  # noqa: BLE001 - detection must never break loading
        return False
    return False


# ------------------------------------------------------------------------ opening


@dataclasses.dataclass
class _Package:
    root: Path  # folder that holds the tables (a temporary copy for a zip)
    where: str  # where the package was found, for messages ("" / "csv/" / "x.zip/csv")


def _pick(found: list[_Listing], container: str, report: LoadReport) -> _Listing:
    if len(found) > 1:
        ranked = sorted(found, key=lambda lst: (-sum(n.endswith(".csv") for n in lst.files), lst.where))
        chosen = ranked[0]
        listed = ", ".join(f"{lst.where}/ ({sum(n.endswith('.csv') for n in lst.files)} tables)" for lst in ranked)
        report.add("warning", container, None, None,
                   f"{len(found)} HSDS packages found: {listed}; read {chosen.where}/ (the one with most tables).",
                   f"Pass the package folder itself to choose, e.g. {container}/{ranked[-1].where}.")
        return chosen
    return found[0]


#: What reading a zip member can raise: a bad CRC, broken deflate data, a member cut short (damaged),
#: a password (RuntimeError) or a compression Python cannot read (NotImplementedError).
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError)


def _extract(zf: zipfile.ZipFile, chosen: _Listing, root: Path) -> None:
    """Copy the chosen package's tables out of the zip into ``root`` (raises one of :data:`_DAMAGED`)."""
    budget = _unzip_budget(zf)
    for info in zf.infolist():
        p = PurePosixPath(info.filename)
        folder = "" if str(p.parent) == "." else str(p.parent)
        if info.is_dir() or folder != chosen.where or p.name.startswith("._") or p.suffix.lower() not in _EXTRACT:
            continue
        budget -= _copy_capped(zf, info, root / p.name, budget)


#: The tables of one package unpack to at most this many bytes (a zip bomb is refused, not unpacked) ...
MAX_UNZIPPED_BYTES = 2_000_000_000
#: ... and past 100 MB, to at most this many times the zip's own size (text compresses 5-20 times).
MAX_UNZIP_RATIO = 100


def _unzip_budget(zf: zipfile.ZipFile) -> int:
    size = Path(zf.filename).stat().st_size if zf.filename else MAX_UNZIPPED_BYTES
    return min(MAX_UNZIPPED_BYTES, max(100_000_000, MAX_UNZIP_RATIO * size))


class _TooBig(ValueError):
    """The zip unpacks to more than :data:`MAX_UNZIPPED_BYTES` (sizes in its header may lie)."""


def _copy_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, budget: int) -> int:
    """Copy one member to ``dest`` in chunks, never past ``budget`` bytes; the bytes written."""
    written = 0
    with zf.open(info) as src, dest.open("wb") as out:
        while chunk := src.read(1 << 20):
            written += len(chunk)
            if written > budget:
                raise _TooBig(f"its tables unpack to more than {MAX_UNZIP_RATIO} times the zip's own size "
                              f"(past 100 MB) or {MAX_UNZIPPED_BYTES:,} bytes (a zip bomb?)")
            out.write(chunk)
    return written


@contextlib.contextmanager
def _open_package(path: Path, report: LoadReport) -> Iterator[_Package | None]:
    name = path.name
    if path.is_file():
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            report.add("error", name, None, None, f"the zip is damaged or not a zip file: {_tables._plain(exc)}.",
                       "Download the package again, or unzip it and pass the folder.")
            yield None
            return
        with zf, tempfile.TemporaryDirectory(prefix="partnermap-hsds-") as tmp:
            try:
                found = _candidates(_zip_listings(zf))
                chosen = _pick(found, name, report) if found else None
                if chosen is not None:
                    _extract(zf, chosen, Path(tmp))
            except _TooBig as exc:
                report.add("error", name, None, None, f"the zip is refused: {exc}.",
                           "Unzip it yourself and pass the folder, if the package really is that large.")
                yield None
                return
            except _DAMAGED as exc:
                report.add("error", name, None, None, f"the zip is damaged or cannot be read: {_tables._plain(exc)}.",
                           "Download the package again, or unzip it and pass the folder.")
                yield None
                return
            if chosen is None:
                report.add("error", name, None, None,
                           "the zip file holds no HSDS package (no datapackage.json, organizations.csv "
                           "with locations.csv or services.csv).",
                           "Check that it is an Open Referral export; a partnermap data folder is read unzipped.")
                yield None
                return
            where = f"{name}/{chosen.where}" if chosen.where else name
            report.add("info", name, None, None, f"reading the HSDS package in {where}.")
            yield _Package(Path(tmp), where)
        return
    found = _candidates(_folder_listings(path))
    if not found:
        report.add("error", name, None, None, "no HSDS tables found (organizations.csv with locations.csv "
                   "or services.csv, or a datapackage.json).", "Pass the folder that holds the HSDS CSV files.")
        yield None
        return
    chosen = _pick(found, name, report)
    if chosen.where:
        report.add("info", name, None, None, f"reading the HSDS package in {chosen.where}/.")
    yield _Package(path / chosen.where if chosen.where else path, f"{chosen.where}/" if chosen.where else "")


# ------------------------------------------------------------------------ reading


def read_hsds(path: str | Path, *, keep_test_records: bool = False, area_id: str | None = None,
              area_name: str | None = None) -> PartnerData:
    """Read an Open Referral HSDS package (3.0, 1.x or Ohana API CSV) as :class:`PartnerData`.

    Parameters
    ----------
    path
        A package folder, a folder holding one package in a sub-folder, or a ``.zip``.
    keep_test_records
        Keep organisations (and locations, services) that look like test records
        ("Fake Org", "for testing purposes", "not a real organization"); by default they
        are set aside and listed in ``report.rejected`` with the reason.
    area_id, area_name
        The id and name columns of an ``areas.*`` file beside the package (see
        :func:`partnermap.load`).

    Returns
    -------
    PartnerData
        ``organizations`` indexed by HSDS organisation id; ``relationships`` empty unless
        a ``relationships.csv`` sits beside the tables; ``areas`` from GeoJSON service
        areas (or an ``areas.*`` file beside the tables); ``extra["locations"]``,
        ``extra["services"]`` and ``extra["service_areas"]``; ``report`` with every
        problem. Never raises on bad data: :func:`partnermap.load` decides.

    See Also
    --------
    is_hsds : whether a path is an HSDS package.
    partnermap.load : the usual way in (it calls this for HSDS packages).
    """
    path = Path(path)
    report = LoadReport()
    with _open_package(path, report) as pkg:
        if pkg is None:
            data = _validate._empty(report, str(path))
        else:
            data = _Reader(pkg, report, keep_test_records=keep_test_records,
                           area_columns=(area_id, area_name)).run()
    data.source = str(path)
    report.sort_problems()
    log.info("hsds: %s", report.summary())
    return data


def _norm_columns(t: _tables._Table) -> None:
    t.df.columns = [re.sub(r"\s+", "_", str(c).strip().lower()) for c in t.df.columns]


def _cells(t: _tables._Table | None, col: str) -> pd.Series:
    if t is None:
        return pd.Series([], dtype=object)
    return _tables._cells(t.df, col)


def _split(v: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,;|]", v) if p.strip()]


def _test_reason(*texts: tuple[str, str]) -> str | None:
    """``'name 'Fake Org''`` if one of the (column, text) pairs reads like a test record."""
    for column, text in texts:
        n = schema.normalize_text(text)
        if n and any(p.search(n) for p in _TEST_PATTERNS):
            shown = text if len(text) <= 60 else text[:57] + "…"
            return f"{column} '{shown}'"
    return None


def _sector_of(value: str) -> str | None:
    n = schema.normalize_text(value)
    if not n:
        return None
    for sector, pattern in _SECTOR_PATTERNS:
        if pattern.search(n):
            return sector
    return schema.normalize_term(value, schema.SECTOR_SYNONYMS)


class _Reader:
    """One read of one package; every step records its problems in ``report``."""

    def __init__(self, pkg: _Package, report: LoadReport, *, keep_test_records: bool,
                 area_columns: tuple[str | None, str | None] = (None, None)) -> None:
        self.pkg = pkg
        self.area_columns = area_columns
        self.report = report
        self.keep_test = keep_test_records
        self.t: dict[str, _tables._Table] = {}
        self.others: dict[str, _tables._Table] = {}
        self.addresses: list[tuple[str, _tables._Table]] = []
        self.flavour = "3.0"
        self.ids: dict[str, pd.Series] = {}
        self.all_ids: dict[str, set[str]] = {}
        self.aside: dict[str, dict[int, str]] = defaultdict(dict)  # table -> position -> reason
        self._columns: dict[tuple[int, str], list[str]] = {}

    # -- small helpers ------------------------------------------------------------

    def add(self, severity: Severity, table: str | _tables._Table, row: int | None, column: str | None,
            message: str, fix: str = "", ref: str = "") -> None:
        label = table.label if isinstance(table, _tables._Table) else table
        row = None if row is None else int(row)
        self.report.add(severity, label, row, column, message, fix, ref)

    def col(self, t: _tables._Table, column: str) -> list[str]:
        """The stripped text cells of one column ('' where absent), computed once."""
        key = (id(t.df), column)
        if key not in self._columns:
            self._columns[key] = list(_tables._cells(t.df, column))
        return self._columns[key]

    def set_aside(self, table: str, i: int, reason: str) -> None:
        self.aside[table].setdefault(i, reason)

    def label(self, table: str) -> str:
        t = self.t.get(table)
        return t.label if t is not None else f"{table}.csv"

    # -- the steps ----------------------------------------------------------------

    def run(self) -> PartnerData:
        self.read_tables()
        if "organization" not in self.t:
            self.add("error", "organizations.csv", None, None,
                     "the HSDS package has no organization table (organizations.csv).",
                     "Add organizations.csv, or pass the folder that holds it.")
            return _validate._empty(self.report, str(self.pkg.root))
        self.check_ids()
        if "id" not in self.t["organization"].df.columns:
            return _validate._empty(self.report, str(self.pkg.root))
        self.check_references()
        loc_lat, loc_lon = self.check_coordinates()
        self.find_test_records()
        self.cascade()
        locations = self.build_locations(loc_lat, loc_lon)
        services = self.build_services()
        service_areas, polygons = self.build_service_areas(services)
        orgs = self.build_organizations(locations, services, service_areas)
        rels = self.read_relationships(orgs)
        areas = self.read_areas(polygons)
        self.summarise()
        order = ("organizations", "locations", "services", "service_areas", "relationships", "areas")
        self.report.counts = dict(sorted(self.report.counts.items(),
                                         key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))
        extra = {"locations": locations, "services": services, "service_areas": service_areas,
                 "hsds_version": self.flavour}
        return PartnerData(orgs, rels, areas, self.report, str(self.pkg.root), extra)

    def read_tables(self) -> None:
        files = {p.name.lower(): p for p in self.pkg.root.iterdir() if p.is_file()}
        by_table, meta_version = self.described_tables(files)
        for name in sorted(files):
            p = files[name]
            table = _STEM_TO_TABLE.get(p.stem.lower()) if p.suffix.lower() == ".csv" else None
            if table is not None and table not in by_table and p not in by_table.values():
                by_table[table] = p
        for table, p in by_table.items():
            t = self.read_one(p, table, core=table in _CORE)
            if t is None:
                continue
            if table in ("address", "physical_address", "postal_address"):
                self.addresses.append((table, t))
            else:
                self.t[table] = t
        used = set(by_table.values())
        for name in sorted(files):
            p = files[name]
            if p.suffix.lower() == ".csv" and p not in used and p.stem.lower() not in \
                    ("relationships", "ties", "partnerships", "edges", "areas", "schema_simple"):
                t = self.read_one(p, p.stem.lower(), core=False)
                if t is not None:
                    self.others[t.label] = t
        self.detect_flavour(meta_version)

    def described_tables(self, files: dict[str, Path]) -> tuple[dict[str, Path], str]:
        """The HSDS tables ``datapackage.json`` names that are in the package, and its version."""
        by_table: dict[str, Path] = {}
        meta_version = ""
        if "datapackage.json" not in files:
            return by_table, meta_version
        try:
            meta = json.loads(files["datapackage.json"].read_bytes().decode("utf-8-sig"))
            meta_version = str(meta.get("version", ""))
            for r in meta.get("resources", []):
                if not isinstance(r, dict) or not isinstance(r.get("path"), str):
                    continue
                name = str(r.get("name", "")).lower()
                table = name if name in _STEMS else _STEM_TO_TABLE.get(name, name)
                p = self.pkg.root / r["path"]
                if p.is_file() and p.suffix.lower() == ".csv":
                    by_table.setdefault(table, p)
                elif table in _STEMS:
                    self.add("warning", "datapackage.json", None, None,
                             f"resource '{name}' names the file '{r['path']}', which is not in the package.",
                             "Add the file or remove the resource.")
        except Exception as exc:  # noqa: BLE001
            self.add("warning", "datapackage.json", None, None,
                     f"datapackage.json could not be read ({_tables._plain(exc)}); tables found by file name.")
        return by_table, meta_version

    def read_one(self, p: Path, table: str, *, core: bool) -> _tables._Table | None:
        sub = LoadReport()
        t = _tables._read_file(p, table, sub)
        for prob in sub.problems:
            if prob.severity == "error" and not core:
                prob = dataclasses.replace(prob, severity="warning",
                                           message=prob.message + " (partnermap does not use this table)")
            self.report.problems.append(prob)
        if t is not None:
            _norm_columns(t)
            self.report.sources[table] = str(p)
        return t

    def detect_flavour(self, meta_version: str) -> None:
        org, svc, loc = self.t.get("organization"), self.t.get("service"), self.t.get("location")
        linked_by_location = (svc is not None and "organization_id" not in svc.df.columns
                              and "location_id" in svc.df.columns)
        virtual_flag = loc is not None and "virtual" in loc.df.columns and "location_type" not in loc.df.columns
        if linked_by_location or virtual_flag:
            self.flavour = "ohana"
        elif (org is not None and "url" in org.df.columns and "website" not in org.df.columns) or \
                any(k != "address" for k, _ in self.addresses) or meta_version.startswith("1"):
            self.flavour = "1.x"
        where = self.pkg.where or "the folder"
        if self.flavour == "ohana":
            self.add("info", self.label("organization"), None, None,
                     f"read {where} as an Ohana API CSV directory (services are linked to organisations "
                     "through their location).")
        else:
            self.add("info", self.label("organization"), None, None,
                     f"read {where} as an HSDS {self.flavour} package"
                     + (f" (datapackage.json version {meta_version})" if meta_version else "") + ".")
        # 1.x and Ohana names -> 3.0 names
        if org is not None and "url" in org.df.columns and "website" not in org.df.columns:
            org.df = org.df.rename(columns={"url": "website"})
            self.add("info", org, None, "url", "column 'url' read as 'website' (the HSDS 3.0 name).")
        sa = self.t.get("service_area")
        if sa is not None and "service_area" in sa.df.columns and "name" not in sa.df.columns:
            sa.df = sa.df.rename(columns={"service_area": "name"})
            self.add("info", sa, None, "service_area", "column 'service_area' read as 'name' (the HSDS 3.0 name).")
        sal = self.t.get("service_at_location")
        if sal is not None and Path(sal.label).stem.lower() != "service_at_location":
            self.add("info", sal, None, None, f"{sal.label} read as the HSDS 3.0 table service_at_location.")
        for kind, t in self.addresses:
            if kind != "address":
                self.add("info", t, None, None,
                         f"{t.label} read as HSDS 3.0 addresses with address_type "
                         f"'{'physical' if kind == 'physical_address' else 'postal'}'.")
        for name in ("taxonomy_term", "taxonomy"):
            t = self.t.get(name)
            if t is not None and "id" not in t.df.columns and "taxonomy_id" in t.df.columns:
                t.df = t.df.rename(columns={"taxonomy_id": "id"})

    def check_ids(self) -> None:
        """Blank and duplicate ids of the linked tables (errors); the first of a duplicate stays."""
        for table in ("organization", "location", "service", "service_at_location", "service_area"):
            t = self.t.get(table)
            if t is None:
                continue
            if "id" not in t.df.columns:
                self.add("error" if table in _CORE else "warning", t, None, "id",
                         f"missing column 'id' (columns found: {', '.join(map(str, t.df.columns)) or 'none'}).",
                         "HSDS tables identify each record by an 'id' column.")
            ids = _cells(t, "id")
            self.ids[table] = ids
            self.all_ids[table] = set(ids) - {""}
            if table == "organization":
                continue  # the loader's organisation checks report these
            first: dict[str, int] = {}
            for i, (v, row) in enumerate(zip(ids, t.rows, strict=True)):
                if not v:
                    self.add("error", t, row, "id", f"blank id: this {_WHAT[table]} cannot be linked to.",
                             "Give every record a unique id.")
                    self.set_aside(table, i, "blank id")
                elif v in first:
                    self.add("error", t, row, "id", f"duplicate id '{v}' (first used on row {first[v]}).",
                             "Give each record its own id.", v)
                    self.set_aside(table, i, f"duplicate id (first on row {first[v]})")
                else:
                    first[v] = int(row)

    def check_references(self) -> None:
        """Every organization_id / location_id / service_id ... names a record: counted per table."""
        core_links = {"location": ("organization_id",), "service": ("organization_id",),
                      "service_at_location": ("service_id", "location_id"), "service_area": ("service_id",)}
        if self.flavour == "ohana":
            core_links["service"] = ("location_id",)
        tables = [(name, t) for name, t in self.t.items()] + [(k, t) for k, t in self.addresses] + \
            [(label, t) for label, t in self.others.items()]
        for name, t in tables:
            for col, target in _REFS.items():
                if col not in t.df.columns or target not in self.all_ids:
                    continue
                required = col in core_links.get(name, ())
                known = self.all_ids[target]
                hits = []
                for i, (v, row) in enumerate(zip(_cells(t, col), t.rows, strict=True)):
                    if not v:
                        if required:
                            self.set_aside(name, i, f"blank {col}")
                            self.add("warning", t, row, col, f"blank {col}: this {_WHAT.get(name, 'record')} "
                                     f"is linked to no {_WHAT[target]}; set aside.", "Fill in the id.")
                        continue
                    if v not in known:
                        hits.append((int(row), v))
                        if required:
                            self.set_aside(name, i, f"{col} '{v}' matches no {_WHAT[target]}")
                if hits:
                    self.dangling(t, col, target, hits, set_aside=required)
            if name == "organization" and "parent_organization_id" in t.df.columns:
                parents = zip(_cells(t, "parent_organization_id"), t.rows, self.ids["organization"], strict=True)
                for v, row, oid in parents:
                    if v and v not in self.all_ids["organization"]:
                        self.add("warning", t, row, "parent_organization_id",
                                 f"parent_organization_id '{v}' matches no organization in {t.label}; "
                                 "kept as written.", "Correct the id or leave it blank.", oid)
        self.check_taxonomy_references()

    def dangling(self, t: _tables._Table, col: str, target: str, hits: list[tuple[int, str]], *,
                 set_aside: bool) -> None:
        n = len(hits)
        examples = ", ".join(f"row {r} '{v}'" for r, v in hits[:3]) + (f" and {n - 3} more" if n > 3 else "")
        what = "row" if n == 1 else "rows"
        verb = "has" if n == 1 else "have"
        article = "an" if col[0] in "aeiou" else "a"
        consequence = "set aside" if set_aside else "those links are ignored"
        self.add("warning", t, hits[0][0], col,
                 f"{n} {what} {verb} {article} {col} that matches no id in {self.label(target)} ({examples}); "
                 f"{consequence}.",
                 f"Correct the ids or add the missing {_WHAT[target]}(s).")

    def check_taxonomy_references(self) -> None:
        table = self.term_table()
        if table is None:
            return
        terms = set(_cells(self.t[table], "id")) - {""}
        term_label = self.label(table)
        checks = [("service", "taxonomy_ids", True), ("service_taxonomy", "taxonomy_id", False),
                  ("attribute", "taxonomy_term_id", False)]
        for name, col, multi in checks:
            t = self.t.get(name)
            if t is None or col not in t.df.columns:
                continue
            hits = [(int(row), x) for v, row in zip(_cells(t, col), t.rows, strict=True)
                    for x in (_split(v) if multi else [v] if v else []) if x not in terms]
            if hits:
                n = len(hits)
                examples = ", ".join(f"row {r} '{v}'" for r, v in hits[:3]) + (f" and {n - 3} more" if n > 3 else "")
                self.add("warning", t, hits[0][0], col,
                         f"{n} {col} value(s) match no taxonomy term in {term_label} ({examples}); ignored.",
                         "Add the terms to the taxonomy table or correct the ids.")
        attr = self.t.get("attribute")
        if attr is not None and "link_id" in attr.df.columns:
            everything: set[str] = set()
            for t in list(self.t.values()) + [t for _, t in self.addresses] + list(self.others.values()):
                everything |= set(_cells(t, "id")) - {""}
            hits = [(int(row), v) for v, row in zip(_cells(attr, "link_id"), attr.rows, strict=True)
                    if v and v not in everything]
            if hits:
                n = len(hits)
                examples = ", ".join(f"row {r} '{v}'" for r, v in hits[:3])
                self.add("warning", attr, hits[0][0], "link_id",
                         f"{n} link_id value(s) match no record in the package ({examples}); those attributes "
                         "are ignored.", "Correct the link_id (and link_entity).")

    def check_coordinates(self) -> tuple[np.ndarray, np.ndarray]:
        """Latitude/longitude of every location row, checked; bad ones become blank (warnings)."""
        t = self.t.get("location")
        if t is None:
            return np.array([]), np.array([])
        if "latitude" not in t.df.columns and "longitude" not in t.df.columns:
            self.add("info", t, None, None, "no latitude/longitude columns; maps and coverage need them.")
            return np.full(len(t.df), np.nan), np.full(len(t.df), np.nan)
        ids = self.ids.get("location", _cells(t, "id"))

        def emit(severity: Severity, column: str, i: int, message: str, fix: str) -> None:
            self.add(severity, t, t.rows[i], column, message, fix, ids.iloc[i])

        lat, lon, _ = _geo._check_points(self.col(t, "latitude"), self.col(t, "longitude"), emit,
                                         names=("latitude", "longitude"), severity="warning", what="location")
        return lat, lon

    def find_test_records(self) -> None:
        """Organisations, locations and services that say they are tests (set aside unless kept)."""
        own = self.own_test_records()
        self.test_orgs: dict[str, str] = {}
        children: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for table in ("location", "service"):
            for i, oid in enumerate(self.org_of(table)):
                children[oid].append((table, i))
        org = self.t["organization"]
        for i, (oid, row) in enumerate(zip(self.ids["organization"], org.rows, strict=True)):
            why = _test_reason(*[(c, self.col(org, c)[i]) for c in
                                 ("name", "alternate_name", "description") if c in org.df.columns])
            column = why.split(" ", 1)[0] if why else None
            kids = children.get(oid, [])
            if not why and kids and all(i2 in own[tb] for tb, i2 in kids):
                first = own[kids[0][0]][kids[0][1]]
                why, column = f"all its locations and services are marked as tests ({first})", None
            if why and oid and oid not in self.test_orgs:
                self.test_org(i, oid, row, column, why, kids)
        for table in ("location", "service"):
            self.test_children(table, own[table])

    def own_test_records(self) -> dict[str, dict[int, str]]:
        """Position -> reason of the locations and services that read like test records."""
        own: dict[str, dict[int, str]] = {}
        for table in ("location", "service"):
            t = self.t.get(table)
            own[table] = {}
            if t is None:
                continue
            for i in range(len(t.df)):
                why = _test_reason(*[(c, self.col(t, c)[i]) for c in
                                     ("name", "alternate_name", "description", "short_desc") if c in t.df.columns])
                if why:
                    own[table][i] = why
        return own

    def test_org(self, i: int, oid: str, row: int, column: str | None, why: str,
                 kids: list[tuple[str, int]]) -> None:
        org = self.t["organization"]
        self.test_orgs[oid] = why
        n_loc = sum(tb == "location" for tb, _ in kids)
        n_svc = sum(tb == "service" for tb, _ in kids)
        name = self.col(org, "name")[i]
        if self.keep_test:
            self.add("warning", org, row, column, f"'{name}' looks like a test record ({why}); kept "
                     "(keep_test_records=True).", "Remove it from the directory if it is not real.", oid)
            return
        self.add("warning", org, row, column,
                 f"'{name}' looks like a test record ({why}); set aside with its {n_loc} location(s) "
                 f"and {n_svc} service(s).",
                 "If it is a real organisation, load with "
                 "partnermap.hsds.read_hsds(path, keep_test_records=True).", oid)
        self.set_aside("organization", i, f"test record: {why}")

    def test_children(self, table: str, own: dict[int, str]) -> None:
        """Test locations or services of real organisations (those of test organisations are reported with them)."""
        t = self.t.get(table)
        orgs = self.org_of(table)
        for i, why in own.items():
            if orgs[i] in self.test_orgs:
                continue
            name = self.col(t, "name")[i]
            if self.keep_test:
                self.add("warning", t, t.rows[i], why.split(" ", 1)[0],
                         f"{_WHAT[table]} '{name}' looks like a test record ({why}); kept.", "",
                         self.ids[table].iloc[i])
            else:
                self.add("warning", t, t.rows[i], why.split(" ", 1)[0],
                         f"{_WHAT[table]} '{name}' looks like a test record ({why}); set aside.",
                         "If it is real, load with partnermap.hsds.read_hsds(path, keep_test_records=True).",
                         self.ids[table].iloc[i])
                self.set_aside(table, i, f"test record: {why}")

    def org_of(self, table: str) -> list[str]:
        """The organisation id of each row of ``location`` or ``service`` ('' if none)."""
        t = self.t.get(table)
        if t is None:
            return []
        if table == "service" and self.flavour == "ohana":
            loc = self.t.get("location")
            if loc is None:
                return [""] * len(t.df)
            by_loc = dict(zip(self.ids["location"], _cells(loc, "organization_id"), strict=True))
            return [by_loc.get(v, "") for v in _cells(t, "location_id")]
        return list(_cells(t, "organization_id"))

    def cascade(self) -> None:
        """Set aside what hangs on something set aside (test organisation, dropped location ...)."""
        gone_orgs = {} if self.keep_test else \
            {oid: f"belongs to a test record (organization '{oid}')" for oid in self.test_orgs}
        for table in ("location", "service"):
            for i, oid in enumerate(self.org_of(table)):
                if oid in gone_orgs:
                    self.set_aside(table, i, gone_orgs[oid])
        loc_gone = {self.ids["location"].iloc[i]: r for i, r in self.aside["location"].items()} \
            if "location" in self.ids else {}
        if self.flavour == "ohana" and "service" in self.t:
            for i, v in enumerate(_cells(self.t["service"], "location_id")):
                if v in loc_gone:
                    self.set_aside("service", i, f"its location '{v}' was set aside")
        svc_gone = {self.ids["service"].iloc[i] for i in self.aside["service"]} if "service" in self.ids else set()
        self.cascade_links(loc_gone, svc_gone)

    def cascade_links(self, loc_gone: dict[str, str], svc_gone: set[str]) -> None:
        """Service-at-location links and service areas of services or locations set aside."""
        sal = self.t.get("service_at_location")
        if sal is not None:
            for i, (s, lid) in enumerate(zip(_cells(sal, "service_id"), _cells(sal, "location_id"), strict=True)):
                if s in svc_gone:
                    self.set_aside("service_at_location", i, f"its service '{s}' was set aside")
                elif lid in loc_gone:
                    self.set_aside("service_at_location", i, f"its location '{lid}' was set aside")
        sa = self.t.get("service_area")
        if sa is not None:
            for i, s in enumerate(_cells(sa, "service_id")):
                if s in svc_gone:
                    self.set_aside("service_area", i, f"its service '{s}' was set aside")

    def kept(self, table: str) -> np.ndarray:
        t = self.t.get(table)
        n = 0 if t is None else len(t.df)
        keep = np.ones(n, dtype=bool)
        for i in self.aside[table]:
            keep[i] = False
        return keep

    def build_locations(self, lat: np.ndarray, lon: np.ndarray):
        t = self.t.get("location")
        base = ["organization_id", "name", "location_type", "lat", "lon", "address", "city",
                "state_province", "postal_code", "country"]
        if t is None:
            self.report.counts["locations"] = (0, 0)
            empty = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in base},
                                     geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")
            empty.index.name = "location_id"
            return empty
        df = t.df
        keep = self.kept("location")
        out = pd.DataFrame(index=df.index)
        out["organization_id"] = _cells(t, "organization_id")
        out["name"] = _tables._cells(df, "name")
        if "location_type" in df.columns:
            kind = _tables._cells(df, "location_type").str.lower()
        elif "virtual" in df.columns:  # Ohana
            kind = _tables._cells(df, "virtual").str.lower().map(
                lambda v: "virtual" if v in ("true", "t", "1", "yes") else "physical")
        else:
            kind = pd.Series("physical", index=df.index)
        out["location_type"] = kind.where(kind != "", "physical")
        out["lat"], out["lon"] = lat, lon
        addr = self.address_of_locations()
        for c in ("address", "city", "state_province", "postal_code", "country"):
            out[c] = [addr.get(v, {}).get(c) for v in self.ids["location"]]
        for c in df.columns:
            if c not in out.columns and c not in ("id", "latitude", "longitude"):
                out[c] = _tables._cells(df, c).replace("", None)
        out["source_row"] = t.rows
        out.index = pd.Index(self.ids["location"], name="location_id")
        out = out[keep]
        geoms = [None if np.isnan(a) else g for a, g in
                 zip(out["lat"], gpd.points_from_xy(out["lon"], out["lat"]), strict=True)]
        gdf = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, index=out.index, crs="EPSG:4326"), crs="EPSG:4326")
        self.report.counts["locations"] = (len(df), len(gdf))
        sited = gdf["location_type"] == "physical"
        missing = gdf[sited & gdf["lat"].isna()]
        if len(missing):
            rows = ", ".join(str(r) for r in missing["source_row"].head(10)) + (" …" if len(missing) > 10 else "")
            self.add("warning", t, None, "latitude",
                     f"{len(missing)} of {int(sited.sum())} location(s) have no coordinates (rows {rows}); "
                     "they are kept, but left off maps and coverage.",
                     "Add latitude and longitude (or geocode the addresses).")
        others = gdf[~sited]
        if len(others):
            counts = Counter(others["location_type"])
            listed = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
            self.add("info", t, None, "location_type",
                     f"{listed} location(s) kept but not used to place organisations (not physical sites).")
        return gdf

    def address_of_locations(self) -> dict[str, dict[str, str | None]]:
        """Location id -> address fields of its physical address (else postal)."""
        best: dict[str, tuple[int, dict[str, str | None]]] = {}
        for kind, t in self.addresses:
            df = t.df
            types = _tables._cells(df, "address_type").str.lower() if "address_type" in df.columns else \
                pd.Series("physical" if kind in ("address", "physical_address") else "postal", index=df.index)
            lines = [c for c in ("address_1", "address_2", "address_3", "address_4") if c in df.columns]
            for i, lid in enumerate(_cells(t, "location_id")):
                if not lid:
                    continue
                rank = 0 if types.iloc[i] in ("physical", "") else 1
                if lid in best and best[lid][0] <= rank:
                    continue
                text = ", ".join(v for v in (self.col(t, c)[i] for c in lines) if v)
                fields = {"address": text or None}
                for c in ("city", "state_province", "postal_code", "country"):
                    v = self.col(t, c)[i]
                    fields[c] = v or None
                best[lid] = (rank, fields)
        return {k: v for k, (_, v) in best.items()}

    def term_table(self) -> str | None:
        """The table of taxonomy terms: 3.0 ``taxonomy_term``; in 1.x and Ohana ``taxonomy``."""
        if "taxonomy_term" in self.t:
            return "taxonomy_term"
        return "taxonomy" if self.flavour != "3.0" and "taxonomy" in self.t else None

    def taxonomy_names(self) -> dict[str, str]:
        name = self.term_table()
        if name is None:
            return {}
        t = self.t[name]
        return dict(zip(_cells(t, "id"), _tables._cells(t.df, "name"), strict=True))

    def build_services(self) -> pd.DataFrame:
        t = self.t.get("service")
        base = ["organization_id", "name", "status", "location_ids", "taxonomy_terms", "service_areas"]
        if t is None:
            self.report.counts["services"] = (0, 0)
            empty = pd.DataFrame({c: pd.Series(dtype=object) for c in base})
            empty.index = pd.Index([], name="service_id", dtype=object)
            return empty
        df = t.df
        ids = self.ids["service"]
        terms = self.service_terms(ids, df)
        locs = self.service_locations(ids, t)
        out = pd.DataFrame(index=df.index)
        out["organization_id"] = self.org_of("service")
        out["name"] = _tables._cells(df, "name")
        out["status"] = _tables._cells(df, "status").str.lower().replace("", None) if "status" in df.columns else None
        out["location_ids"] = [locs.get(s, []) for s in ids]
        out["taxonomy_terms"] = [terms.get(s, []) for s in ids]
        out["service_areas"] = [[] for _ in ids]  # filled by build_service_areas
        for c in df.columns:
            if c not in out.columns and c not in ("id", "service_areas"):
                out[c] = _tables._cells(df, c).replace("", None)
        out["source_row"] = t.rows
        out.index = pd.Index(ids, name="service_id")
        out = out[self.kept("service")]
        self.report.counts["services"] = (len(df), len(out))
        return out

    def service_terms(self, ids: pd.Series, df: pd.DataFrame) -> dict[str, list[str]]:
        """Service id -> its taxonomy term names, from every place HSDS versions keep them."""
        names = self.taxonomy_names()
        pairs: list[tuple[str, str]] = []
        if "taxonomy_ids" in df.columns:
            pairs += [(sid, names.get(x, "")) for sid, v in zip(ids, _tables._cells(df, "taxonomy_ids"), strict=True)
                      for x in _split(v)]
        st = self.t.get("service_taxonomy")
        if st is not None:
            pairs += [(sid, names.get(x, "")) for sid, x in
                      zip(_cells(st, "service_id"), _cells(st, "taxonomy_id"), strict=True)]
        attr = self.t.get("attribute")
        if attr is not None:
            svc = set(ids)
            pairs += [(link, names.get(x, "")) for link, x in
                      zip(_cells(attr, "link_id"), _cells(attr, "taxonomy_term_id"), strict=True) if link in svc]
        if "keywords" in df.columns:  # Ohana
            pairs += [(sid, x) for sid, v in zip(ids, _tables._cells(df, "keywords"), strict=True) for x in _split(v)]
        terms: dict[str, list[str]] = defaultdict(list)
        for sid, term in pairs:
            if term and term not in terms[sid]:
                terms[sid].append(term)
        return terms

    def service_locations(self, ids: pd.Series, t: _tables._Table) -> dict[str, list[str]]:
        """Service id -> the ids of the locations it is offered at."""
        locs: dict[str, list[str]] = defaultdict(list)
        if self.flavour == "ohana":
            for sid, lid in zip(ids, _cells(t, "location_id"), strict=True):
                if lid:
                    locs[sid].append(lid)
        sal = self.t.get("service_at_location")
        if sal is not None:
            links = zip(self.kept("service_at_location"), _cells(sal, "service_id"), _cells(sal, "location_id"),
                        strict=True)
            for k, sid, lid in links:
                if k and lid not in locs[sid]:
                    locs[sid].append(lid)
        return locs

    def build_service_areas(self, services: pd.DataFrame) -> tuple[gpd.GeoDataFrame, _tables._Table | None]:
        """All service areas (text or GeoJSON ``extent``) and the polygons among them."""
        records, read = self.service_area_records()
        records += self.text_service_areas()
        frame = pd.DataFrame(records, columns=["service_area_id", "service_id", "name", "description",
                                               "extent_type", "geometry", "file", "source_row"])
        org_of = dict(zip(services.index, services["organization_id"], strict=True)) if len(services) else {}
        frame.insert(2, "organization_id", frame["service_id"].map(org_of))
        text: dict[str, list[str]] = defaultdict(list)
        for sid, name in zip(frame["service_id"], frame["name"], strict=True):
            if name and name not in text[sid]:
                text[sid].append(name)
        services["service_areas"] = [text.get(s, []) for s in services.index]
        gdf = gpd.GeoDataFrame(frame.drop(columns="geometry").set_index("service_area_id"),
                               geometry=gpd.GeoSeries(list(frame["geometry"]), index=frame["service_area_id"],
                                                      crs="EPSG:4326"), crs="EPSG:4326")
        if read:
            self.report.counts["service_areas"] = (read, len(gdf))
        polygons = None
        has = gdf[gdf.geometry.notna()]
        if len(has):
            df = pd.DataFrame({"area_id": list(has.index), "name": has["name"].fillna("").tolist(),
                               "service_id": has["service_id"].tolist(),
                               "org_id": has["organization_id"].tolist()}, dtype=object)
            polygons = _tables._Table(df, has["file"].iloc[0], geometry=np.asarray(list(has.geometry), dtype=object),
                                      crs="EPSG:4326")
            polygons.rows = np.asarray(has["source_row"], dtype=int)
        return gdf.drop(columns=["file"]), polygons

    def service_area_records(self) -> tuple[list[dict[str, Any]], int]:
        """The kept rows of the service_area table (extents parsed, bad ones said), and the rows read."""
        sa = self.t.get("service_area")
        if sa is None:
            return [], 0
        records: list[dict[str, Any]] = []
        keep = self.kept("service_area")
        for i, (aid, sid, row) in enumerate(zip(self.ids["service_area"], _cells(sa, "service_id"), sa.rows,
                                                strict=True)):
            extent = self.col(sa, "extent")[i]
            etype = self.col(sa, "extent_type")[i].lower()
            geom = None
            if extent:
                geom, why = _parse_extent(extent, etype)
                if why:
                    shown = extent if len(extent) <= 40 else extent[:37] + "…"
                    self.add("warning", sa, row, "extent",
                             f"extent '{shown}' is not valid {why}; the service area is kept as text (its name).",
                             "Put a GeoJSON Polygon or MultiPolygon in extent (and extent_type 'geojson').", aid)
            if not keep[i]:
                continue
            name = self.col(sa, "name")[i]
            desc = self.col(sa, "description")[i]
            records.append({"service_area_id": aid, "service_id": sid, "name": name or desc or None,
                            "description": desc or None, "extent_type": etype or None, "geometry": geom,
                            "file": sa.label, "source_row": int(row)})
        return records, len(sa.df)

    def text_service_areas(self) -> list[dict[str, Any]]:
        """Ohana: service areas written as free text on the service, one record per name."""
        svc = self.t.get("service")
        if svc is None or "service_areas" not in svc.df.columns:
            return []
        keep = self.kept("service")
        texts = self.col(svc, "service_areas")
        return [{"service_area_id": f"{sid}:{j + 1}", "service_id": sid, "name": name, "description": None,
                 "extent_type": "text", "geometry": None, "file": svc.label, "source_row": int(row)}
                for i, (sid, v, row) in enumerate(zip(self.ids["service"], texts, svc.rows, strict=True)) if keep[i]
                for j, name in enumerate(_split(v))]

    def derive_sectors(self, org: _tables._Table,
                       services: pd.DataFrame) -> tuple[list[str], dict[str, tuple[str, str, str]]]:
        """Sector per organisation row from legal_status / tax_status, and clues for the others.

        One info line per distinct mapping. The clues are org_id -> (sector, org_type, term) from a
        taxonomy term that says who runs its services (:data:`_PUBLIC_TERMS`); the loader infers
        the rest from the names and marks both as inferred.
        """
        df = org.df
        legal, tax = _tables._cells(df, "legal_status"), _tables._cells(df, "tax_status")
        clues: dict[str, tuple[str, str, str]] = {}
        if len(services):
            for oid, terms in zip(services["organization_id"], services["taxonomy_terms"], strict=True):
                for term in terms:
                    n = schema.normalize_text(term)
                    if n in _PUBLIC_TERMS and oid not in clues:
                        clues[oid] = ("public", _PUBLIC_TERMS[n], term)
        sectors = []
        mapped: Counter[tuple[str, str, str]] = Counter()
        for oid, row, lv, tv in zip(self.ids["organization"], org.rows, legal, tax, strict=True):
            s_tax, s_legal = _sector_of(tv), _sector_of(lv)
            sector = ""
            if s_tax and s_legal and s_tax != s_legal:
                sector = s_tax if s_tax == "non_profit" else s_legal  # tax exemption outranks legal form
                self.add("warning", org, row, "legal_status",
                         f"legal_status '{lv}' suggests {s_legal} but tax_status '{tv}' suggests {s_tax}; "
                         f"used {sector}.", "Check the two fields.", oid)
            elif s_tax or s_legal:
                sector = s_tax or s_legal
                col, val = ("tax_status", tv) if s_tax else ("legal_status", lv)
                mapped[(col, val, sector)] += 1
            sectors.append(sector)
        for (col, val, sector), n in sorted(mapped.items()):
            self.add("info", org, None, col, f"sector '{sector}' derived from {col} '{val}' ({n} organisation(s)).")
        return sectors, clues

    def build_organizations(self, locations: gpd.GeoDataFrame, services: pd.DataFrame,
                            service_areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """The organisations, through the data folder's own checks, placed at their first physical site."""
        org = self.t["organization"]
        site, n_loc = _sites(locations)
        orgs = self.clean_organizations(org, services, site)
        self.unknown_sectors(orgs, org)
        # coordinates and the services' terms, added after the loader's checks
        lat = [site[o][1].lat if o in site else np.nan for o in orgs.index]
        lon = [site[o][1].lon if o in site else np.nan for o in orgs.index]
        orgs["lat"], orgs["lon"] = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
        orgs["location_id"] = [site[o][0] if o in site else None for o in orgs.index]
        orgs["n_locations"] = [n_loc.get(o, 0) for o in orgs.index]
        n_svc = Counter(services["organization_id"]) if len(services) else Counter()
        orgs["n_services"] = [n_svc.get(o, 0) for o in orgs.index]
        offers, causes, svc_names, areas = self.terms_by_org(orgs.index, services)
        orgs["offers"], orgs["causes"], orgs["services"], orgs["service_areas"] = offers, causes, svc_names, areas
        geoms = [None if np.isnan(a) else g for a, g in
                 zip(orgs["lat"], gpd.points_from_xy(orgs["lon"], orgs["lat"]), strict=True)]
        orgs["geometry"] = gpd.GeoSeries(geoms, index=orgs.index, crs="EPSG:4326")
        ordered = [c for c in schema.ORG_COLUMNS if c in orgs.columns and c != "org_id"]
        orgs = orgs[ordered + [c for c in orgs.columns if c not in ordered]]
        placed = int(orgs["lat"].notna().sum())
        if len(orgs) and placed < len(orgs):
            self.add("warning", org, None, None,
                     f"{len(orgs) - placed} of {len(orgs)} organisation(s) have no physical location with "
                     "coordinates; they are kept, but left off maps and coverage.",
                     "Add latitude/longitude to their locations.")
        ids = self.ids["organization"]
        for i, reason in sorted(self.aside["organization"].items()):
            self.report.reject(org.label, int(org.rows[i]), ids.iloc[i], reason)
        self.report.counts["organizations"] = (len(org.df), len(orgs))
        return orgs

    def clean_organizations(self, org: _tables._Table, services: pd.DataFrame,
                            site: dict[str, Any]) -> gpd.GeoDataFrame:
        """The kept organisation rows in the contract's columns, cleaned as a data folder's would be."""
        df = org.df
        ids = self.ids["organization"]
        keep = self.kept("organization")
        sectors, clues = self.derive_sectors(org, services)
        table = pd.DataFrame(index=df.index)
        table["org_id"] = ids
        table["name"] = _tables._cells(df, "name")
        table["sector"] = sectors
        table["org_type"] = ""
        table["city"] = [(site[o][1].city or "") if o in site else "" for o in ids]
        table["address"] = [(site[o][1].address or "") if o in site else "" for o in ids]
        for c in df.columns:
            if c not in table.columns and c not in ("id", "lat", "lon"):
                table[c] = _tables._cells(df, c)
        t = _tables._Table(table[keep].astype(object), org.label)
        t.rows = org.rows[keep]
        sub = LoadReport()
        sub.sources = dict(self.report.sources)
        orgs = _validate._clean_organizations(t, sub, clues=clues)
        for p in sub.problems:
            if p.severity == "error" and p.column == "sector" and "blank sector" in p.message:
                continue  # replaced by one warning (unknown_sectors)
            if p.severity == "info" and p.message.startswith("no coordinates (lat/lon)"):
                continue  # coordinates come from the locations
            self.report.problems.append(p)
        self.report.rejected.extend(sub.rejected)
        return orgs

    def unknown_sectors(self, orgs: gpd.GeoDataFrame, org: _tables._Table) -> None:
        """Organisations whose sector nothing reveals get UNKNOWN_SECTOR, and one warning counts them."""
        blank = orgs["sector"].isna()
        undecided = int(blank.sum())
        if not undecided:
            return
        orgs.loc[blank, "sector"] = UNKNOWN_SECTOR
        names = ", ".join(f"'{n}'" for n in orgs.loc[blank, "name"].head(3))
        self.add("warning", org, None, "sector",
                 f"{undecided} of {len(orgs)} organisation(s) have no sector: legal_status, tax_status, "
                 f"their services' taxonomy terms and their names do not say for_profit, non_profit or public "
                 f"(e.g. {names}{' …' if undecided > 3 else ''}). They are kept with sector "
                 f"'{UNKNOWN_SECTOR}'.",
                 "Fill in legal_status (e.g. 'nonprofit', 'government agency', 'LLC') in "
                 f"{org.label}, or set data.organizations['sector'] in your notebook.")

    def terms_by_org(self, index: pd.Index, services: pd.DataFrame):
        offers: dict[str, list[str]] = defaultdict(list)
        causes: dict[str, list[str]] = defaultdict(list)
        names: dict[str, list[str]] = defaultdict(list)
        areas: dict[str, list[str]] = defaultdict(list)
        from_names = 0
        inactive = 0
        spellings: dict[str, str] = {}  # a free term is kept as written, one spelling per folded form
        for r in services.itertuples():
            oid = r.organization_id
            if r.name:
                names[oid].append(r.name)
            for a in r.service_areas:
                if a not in areas[oid]:
                    areas[oid].append(a)
            if r.status in ("inactive", "defunct"):
                inactive += 1
                continue
            terms = list(r.taxonomy_terms)
            if not terms and r.name:
                terms, from_names = [r.name], from_names + 1
            for term in terms:
                n = schema.normalize_text(term)
                key = schema.RESOURCE_SYNONYMS.get(n) or (spellings.setdefault(n, term.strip()) if n else "")
                if key and key not in offers[oid]:
                    offers[oid].append(key)
                for word in [n] + [w for w in n.split() if len(w) >= 4]:
                    c = schema.CAUSE_SYNONYMS.get(word)
                    if c and c not in causes[oid]:
                        causes[oid].append(c)
        org = self.t["organization"]
        if offers:
            distinct = len({x for v in offers.values() for x in v})
            self.add("info", org, None, "offers",
                     f"offers: {distinct} distinct term(s) from the taxonomy terms and keywords of the services"
                     + (f" (the names of {from_names} service(s) without terms)" if from_names else "")
                     + "; terms outside partnermap's resource vocabulary are kept as free terms.")
        if inactive:
            self.add("info", self.label("service"), None, "status",
                     f"{inactive} inactive or defunct service(s) are kept but add nothing to offers.")
        if causes:
            self.add("info", org, None, "causes",
                     f"causes derived from service taxonomy terms for {len(causes)} organisation(s).")
        return ([offers.get(o, []) for o in index], [causes.get(o, []) for o in index],
                [names.get(o, []) for o in index], [areas.get(o, []) for o in index])

    def beside(self, aliases: tuple[str, ...]) -> Path | None:
        for p in sorted(self.pkg.root.iterdir()):
            if p.is_file() and p.stem.lower() in aliases and p.suffix.lower() in _tables.SUPPORTED \
                    and p.suffix.lower() != ".json":
                return p
        return None

    def read_relationships(self, orgs) -> pd.DataFrame:
        p = self.beside(_tables._TABLE_ALIASES["relationships"])
        if p is None:
            self.add("info", self.label("organization"), None, None,
                     "HSDS has no partnership ties: the network has no ties until you add a relationships.csv "
                     "(source, target = organisation ids) beside the HSDS files.")
            return _validate._clean_relationships(None, orgs, self.report)
        self.report.sources["organizations"] = self.report.sources.get("organization", "organizations.csv")
        t = _tables._read_file(p, "relationships", self.report)
        if t is None:
            return _validate._clean_relationships(None, orgs, self.report)
        self.report.sources["relationships"] = str(p)
        return _validate._clean_relationships(t, orgs, self.report)

    def read_areas(self, polygons: _tables._Table | None):
        p = self.beside(_tables._TABLE_ALIASES["areas"])
        if p is not None:
            t = _tables._read_file(p, "areas", self.report)
            self.report.sources["areas"] = str(p)
            if polygons is not None:
                self.add("info", p.name, None, None, f"areas taken from {p.name}; the HSDS service-area polygons "
                         "stay in data.extra['service_areas'].")
            return _validate._clean_areas(t, self.report, area_id=self.area_columns[0],
                                          area_name=self.area_columns[1])
        if polygons is None:
            return None
        areas = _validate._clean_areas(polygons, self.report)
        if areas is not None:
            self.add("info", polygons.label, None, "extent",
                     f"{len(areas)} service area(s) with a GeoJSON extent are the areas for coverage.")
        return areas

    def summarise(self) -> None:
        """Set-aside rows of locations, services and links into ``rejected``; one line per file."""
        for table in ("location", "service", "service_at_location", "service_area"):
            t = self.t.get(table)
            if t is None:
                continue
            for i, reason in sorted(self.aside[table].items()):
                self.report.reject(t.label, int(t.rows[i]), self.ids[table].iloc[i], reason)
        sizes = {t.label: (name, len(t.df)) for name, t in self.t.items()}
        by_file: dict[str, Counter[str]] = defaultdict(Counter)
        for r in self.report.rejected:
            by_file[r["file"]][_kind(r["reason"])] += 1
        for label, reasons in by_file.items():
            if label not in sizes:
                continue  # relationships, areas: the loader reports those
            name, n = sizes[label]
            listed = "; ".join(f"{k}: {c}" for k, c in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
            self.add("info", label, None, None,
                     f"{sum(reasons.values())} of {n} {_WHAT.get(name, 'record')}(s) set aside ({listed}); "
                     "report.rejected lists each with its reason.")


def _sites(locations: gpd.GeoDataFrame) -> tuple[dict[str, Any], Counter[str]]:
    """Organisation id -> (location id, row) of its first physical location with coordinates; locations per id."""
    site: dict[str, Any] = {}
    n_loc: Counter[str] = Counter()
    for lid, r in zip(locations.index, locations.itertuples(), strict=True):
        oid = r.organization_id
        n_loc[oid] += 1
        if r.location_type != "physical":
            continue
        if oid not in site or (np.isnan(site[oid][1].lat) and not np.isnan(r.lat)):
            site[oid] = (lid, r)
    return site, n_loc


def _kind(reason: str) -> str:
    """The reason without its particulars, for counting: 'test record', 'duplicate id' ..."""
    kinds = {"test record": "test record", "duplicate": "duplicate id", "belongs to a test record":
             "belongs to a test record", "its service": "its service was set aside",
             "its location": "its location was set aside"}
    for prefix, kind in kinds.items():
        if reason.startswith(prefix):
            return kind
    m = re.match(r"(\w+) '.*' matches no (.+)", reason)
    return f"{m.group(1)} matches no {m.group(2)}" if m else reason


def _parse_extent(extent: str, etype: str) -> tuple[Any, str]:
    """(geometry, '') or (None, what it should have been)."""
    if etype in ("kml", "topojson"):
        return None, f"{etype} (partnermap reads GeoJSON and WKT extents)"
    if etype == "wkt" or (not etype and not extent.lstrip().startswith("{")):
        if etype == "wkt" or re.match(r"\s*(multi)?polygon\s*\(", extent, re.I):
            try:
                return shapely.from_wkt(extent), ""
            except Exception:  # noqa: BLE001
                return None, "WKT"
        return None, "GeoJSON"
    try:
        obj = json.loads(extent)
        if obj.get("type") == "FeatureCollection":
            geoms = [shape(f["geometry"]) for f in obj["features"] if f.get("geometry")]
            geom = shapely.union_all(geoms) if geoms else None
        elif obj.get("type") == "Feature":
            geom = shape(obj["geometry"])
        else:
            geom = shape(obj)
    except Exception:  # noqa: BLE001 - any parse failure is reported, never raised
        return None, "GeoJSON"
    if geom is None or geom.is_empty:
        return None, "GeoJSON (it is empty)"
    return geom, ""


