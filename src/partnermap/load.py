"""Files, workbooks and HSDS packages → :class:`PartnerData`, with every problem reported.

A *data folder* holds ``organizations.*``, optional ``relationships.*`` and optional
``areas.*`` (CSV, Excel, GeoJSON, GeoPackage or Shapefile). A single ``.xlsx`` workbook
with sheets ``organizations``, ``relationships`` and ``areas`` works the same way.

Validation reads everything first and then reports every problem at once, each with
file, row and column (see :class:`partnermap.LoadReport`). Errors stop the run
(:func:`load` raises :class:`partnermap.DataValidationError`); warnings let the data
load. Every input row is either in the result or in ``report.rejected`` with its reason.

Examples
--------
>>> import partnermap as pm
>>> data = pm.load(pm.datasets.demo_path())
>>> data.report.ok
True
>>> data.organizations.index.name
'org_id'
"""

from __future__ import annotations

import logging
from pathlib import Path

from . import _common, _tables, _validate, hsds, schema
from ._data import LoadReport, PartnerData, Problem
from ._errors import DataValidationError

__all__ = ["load", "validate", "PartnerData", "LoadReport", "Problem"]

log = logging.getLogger("partnermap")

# Kept here for code that read them from this module before they moved to _tables.
TABLES = _tables.TABLES
TABULAR = _tables.TABULAR
SPATIAL = _tables.SPATIAL
SUPPORTED = _tables.SUPPORTED


# ---------------------------------------------------------------------------- API


def load(path: str | Path, *, strict: bool = True, area_id: str | None = None,
         area_name: str | None = None) -> PartnerData:
    """Load a data folder, an ``.xlsx`` workbook or an HSDS package.

    Parameters
    ----------
    path
        A folder with ``organizations.*`` (and optional ``relationships.*``,
        ``areas.*``), a workbook, or an Open Referral HSDS package.
    strict
        If True (the default) raise when the data has errors. If False return the
        data anyway, with the errors in ``data.report`` (for data-quality review).
    area_id, area_name
        The columns of the areas that hold each area's id and name, as written (e.g.
        ``"OBJECTID"``, ``"NAMEENGLISH"``). Without them ``area_id``, ``id``, the GeoJSON
        feature ids, ``OBJECTID`` or a ``*_id`` column is used, and a heading such as
        ``name_ar`` or ``NAMEENGLISH`` for the name; each choice is reported.

    Returns
    -------
    PartnerData

    Raises
    ------
    DataValidationError
        When ``strict`` and there are errors; ``.problems`` lists every problem and
        ``.report`` is the whole :class:`LoadReport`.

    See Also
    --------
    validate : the report alone, never raising.

    Examples
    --------
    >>> import partnermap as pm
    >>> data = pm.load(pm.datasets.demo_path())
    >>> len(data.organizations) >= 300
    True
    """
    data = _private_setting(_read(Path(path), area_id=area_id, area_name=area_name), Path(path))
    r = data.report
    log.info("load: %s", r.summary())
    if strict and not r.ok:
        raise DataValidationError(
            f"{path}: {len(r.errors)} error(s) in the data; fix them and run again:\n"
            + "\n".join(str(p) for p in r.errors),
            r.problems,
            report=r,
        )
    return data


def validate(path: str | Path, *, area_id: str | None = None, area_name: str | None = None) -> LoadReport:
    """Read everything at ``path`` and return the :class:`LoadReport`; never raises on bad data.

    Parameters
    ----------
    path
        A data folder, an ``.xlsx`` workbook or an Open Referral HSDS package, as for :func:`load`.
    area_id, area_name
        The areas' id and name columns, as for :func:`load`.

    Returns
    -------
    LoadReport
        Every problem (errors, warnings, notes) with file, row and column, the rows set
        aside and the counts of rows read and kept.

    See Also
    --------
    load : the data itself, raising on errors.

    Examples
    --------
    >>> import partnermap as pm
    >>> pm.validate(pm.datasets.demo_path()).ok
    True
    """
    return _private_setting(_read(Path(path), area_id=area_id, area_name=area_name), Path(path)).report


# ------------------------------------------------------------------------ reading


def _read(path: Path, *, area_id: str | None = None, area_name: str | None = None) -> PartnerData:
    # Reading makes millions of small objects and no cycles: each collection of the cyclic garbage
    # collector would walk every cell read so far (twice as long in all at 100,000 organisations).
    with _common._gc_paused():
        return _read_paused(path, area_id=area_id, area_name=area_name)


def _read_paused(path: Path, *, area_id: str | None = None, area_name: str | None = None) -> PartnerData:
    report = LoadReport()
    if not path.exists():
        report.add("error", str(path), None, None, "no such file or folder.",
                   "Check the path; run `partnermap demo -o DIR` for an example data folder.")
        return _validate._empty(report, str(path))
    if not path.is_file() and not path.is_dir():  # a device, a FIFO, a socket: reading it could block
        report.add("error", str(path), None, None, "not a data folder or workbook (neither a file nor a folder).",
                   "Pass the folder that holds organizations.csv, or an .xlsx workbook.")
        return _validate._empty(report, str(path))
    if hsds.is_hsds(path) or (path.is_file() and path.suffix.lower() == ".zip"):  # a damaged zip is said so there
        return hsds.read_hsds(path, area_id=area_id, area_name=area_name)

    if path.is_file():
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frames = _tables._read_workbook(path, report)
        else:
            report.add("error", path.name, None, None,
                       f"'{path.suffix}' is not a data folder or workbook.",
                       "Pass the folder that holds organizations.csv (and relationships.csv), "
                       "or an .xlsx workbook with an 'organizations' sheet.")
            return _validate._empty(report, str(path))
    else:
        frames = _tables._read_folder(path, report)

    extent = _validate._extent(frames.get("areas"))  # where the organisations should be, for the swap check
    raw = frames.pop("organizations", None)  # the text cells, freed before the ties are read: hundreds of MB
    orgs = _validate._clean_organizations(raw, report, extent=extent)
    unread = _validate._organizations_unread(raw)
    del raw
    rels = _validate._clean_relationships(frames.pop("relationships", None), orgs, report, unread=unread)
    areas = _validate._clean_areas(frames.get("areas"), report, area_id=area_id, area_name=area_name)
    report.sort_problems()
    return PartnerData(orgs, rels, areas, report, str(path))


# ----------------------------------------------------------------- private columns

#: The file in a data folder (or beside a workbook or package) that marks more columns private.
PRIVATE_SETTING = "private_columns.txt"


def _private_setting(data: PartnerData, path: Path) -> PartnerData:
    """``data`` with the columns listed in ``private_columns.txt`` marked private (see :data:`PRIVATE_SETTING`).

    One heading per line, as written in the data (any language; lines starting with ``#`` are comments).
    A heading that names no column is a warning (nothing to hide, or a typo); one that
    names an id, ``name``, ``sector`` or a location (:data:`partnermap.schema.NEVER_PRIVATE`) is an error.
    """
    folder = path if path.is_dir() else path.parent
    setting = folder / PRIVATE_SETTING
    if not setting.is_file():
        return data
    report = data.report
    text = _tables._decode(setting.read_bytes(), setting.name, report) or ""
    tables = [t for t in (data.organizations, data.relationships, data.areas) if t is not None]
    columns = [str(c) for t in tables for c in (*t.columns, t.index.name) if c is not None]
    marked = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        heading = line.strip().strip('"').strip()
        if not heading or heading.startswith("#"):
            continue
        named = [c for c in columns if schema.names_column(heading, c)]
        if any(c in schema.NEVER_PRIVATE for c in named):
            report.add("error", setting.name, line_no, None,
                       f"'{heading}' cannot be private: partnermap shows it on every page and in every export.",
                       f"Remove it from {setting.name}; to keep it to yourself, leave the column out of the "
                       "data you share.")
            continue
        if not named:
            report.add("warning", setting.name, line_no, None,
                       f"no column '{heading}' in the data, so there is nothing to keep private under that name.",
                       "Check the spelling against the file's header row.")
        marked.append(heading)
    data.private_columns = data.private_columns | set(marked)
    log.info("load: %d column(s) marked private in %s", len(marked), setting.name)
    return data
