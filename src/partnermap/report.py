"""The report runner: a data folder in, a dated, bilingual report folder out (``partnermap report``).

:func:`run` loads and validates the data once, runs the notebooks of ``notebooks/`` with
papermill on it (one kernel for the whole run, its namespace reset between notebooks),
turns each executed notebook into an HTML page without code cells (nbconvert, in-process,
no scripts from the internet) and writes::

    reports/<YYYY-MM-DD>-<name>/
        index.html            the stakeholder's entry page
        01-data-quality.html … 04-coverage.html, profiles/<org_id>.html
        notebooks/*.ipynb     the executed notebooks
        maps/*.html           self-contained maps
        tables/*.csv, tables/report.xlsx, figures/*.png
        changes.csv           what changed since the previous run of the same name
        manifest.json         parameters, versions, input checksums, times, per-notebook status
    reports/index.html        every run, newest first

The run is built in a temporary folder beside it and renamed into place when it has
succeeded, so a reader never sees half a report; a second run on the same day replaces
the first. A notebook that fails stops the run: the folder is kept as
``reports/<date>-<name>.failed/`` with papermill's error banner in the executed notebook,
the previous report stays as it was, and :class:`ReportFailed` names the notebook and
the cell. Bad data raises :class:`~partnermap.DataValidationError` before any notebook
runs, and nothing is written. Two runs on the same output folder never interleave: the
second raises :class:`ReportLocked`, saying who holds the lock; the lock goes with its run, so
a run that was killed never blocks the next, which also removes the half-built folder it
left. A run stopped with SIGTERM (or Ctrl-C) removes its half-built folder itself. An output
folder that is read-only or full raises :class:`ReportNotWritten`, the previous report intact.

Examples
--------
>>> import tempfile, partnermap as pm
>>> out = pm.report.run(None, tempfile.mkdtemp(), notebooks="01", quiet=True)  # doctest: +SKIP
>>> (out / "index.html").exists()  # doctest: +SKIP
True
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import fcntl
import hashlib
import json
import logging
import os
import platform
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from html import unescape
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pandas as pd
import papermill
import yaml
from jupyter_client.manager import KernelManager
from nbconvert import HTMLExporter
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError

from . import _common, _html, _words, i18n, pages, schema
from ._data import PartnerData
from ._errors import ParameterError, PartnermapError
from ._words import Html
from .coverage import read_areas
from .export import write_sheets, write_table
from .gaps import portfolio

__all__ = ["NOTEBOOKS", "ReportFailed", "ReportLocked", "ReportNotWritten", "report_name", "run", "run_report",
           "write_runs_index"]

log = logging.getLogger("partnermap")

#: The notebooks of the suite, by number.
NOTEBOOKS = {"01": "01-data-quality", "02": "02-network", "03": "03-partnership-gaps", "04": "04-coverage",
             "05": "05-partner-profile"}
_SUITE = ("01", "02", "03", "04")
_PROFILE = "05"
#: Seconds one notebook cell may run before the run fails.
CELL_TIMEOUT = 900
#: Options a parameters file (or :func:`run`) takes.
OPTIONS = ("data", "focal", "as_of", "language", "notebooks", "profiles", "name", "areas", "by", "of",
           "resolution", "radius_km", "weights", "top", "sample")
_NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
_RUN_DIR = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+?)(\.failed)?$")


class ReportFailed(PartnermapError):
    """A notebook of the run failed; the message names it and the cell (exit status 1)."""


class ReportLocked(PartnermapError):
    """Another run holds the output folder's lock (exit status 1)."""


class ReportNotWritten(PartnermapError):
    """The output folder cannot be written (read-only, full, not a folder); exit status 2."""


def report_name(data_path: str | Path | None) -> str:
    """The run name for a data path: ``demo`` for the built-in data, else the folder or file name.

    Parameters
    ----------
    data_path
        The data path (``None`` for the demo).

    Returns
    -------
    str
        The name used in ``<date>-<name>``.
    """
    from .datasets import demo_path

    if data_path in (None, ""):
        return "demo"
    p = Path(data_path).resolve()
    if p == Path(demo_path()).resolve():
        return "demo"
    return re.sub(r"[^\w.-]+", "-", p.stem if p.is_file() else p.name, flags=re.UNICODE).strip("-.") or "data"


# ---------------------------------------------------------------------- options


def _read_params(params: str | Path | Mapping[str, Any] | None) -> dict[str, Any]:
    if params is None:
        return {}
    if isinstance(params, Mapping):
        values = dict(params)
        where = "params"
    else:
        path = Path(params)
        try:
            values = _common._read_settings(path) or {}
        except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
            raise ParameterError(f"{path}: cannot read the parameters file: {exc}") from None
        except yaml.YAMLError as exc:
            raise ParameterError(
                f"{path}: the parameters file is not valid YAML{_common._yaml_problem(exc)}.") from None
        if not isinstance(values, dict):
            raise ParameterError(f"{path}: a parameters file holds 'name: value' lines, e.g. 'focal: ORG-001'.")
        where = str(path)
    unknown = sorted(set(values) - set(OPTIONS), key=str)
    if unknown:
        raise ParameterError(f"{where}: unknown parameter(s) {', '.join(map(str, unknown))}; "
                             f"a parameters file takes {', '.join(OPTIONS)}.")
    return values


def _ids(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def _notebook_list(value: Any) -> list[str]:
    wanted = _ids(value) or list(_SUITE)
    out = []
    for w in wanted:
        key = w[:2] if w[:2] in NOTEBOOKS else next((k for k, v in NOTEBOOKS.items() if v == w), None)
        if key is None:
            raise ParameterError(f"unknown notebook '{w}'; choose from {', '.join(NOTEBOOKS)} "
                                 f"({', '.join(NOTEBOOKS.values())}).")
        if key not in out:
            out.append(key)
    return out


# ------------------------------------------------------------------------- lock


@contextlib.contextmanager
def _lock(output: Path) -> Iterator[None]:
    """Hold ``output/.partnermap.lock`` for the run; a second run says who holds it.

    The lock is an ``flock``: the system releases it when its run ends, however it ends (even
    killed), so a lock file left behind never blocks the next run.
    """
    path = output / ".partnermap.lock"
    try:
        output.mkdir(parents=True, exist_ok=True)
        fh = path.open("a+", encoding="utf-8")
    except OSError as exc:
        raise _not_written(output, exc) from None
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise ReportLocked(f"{output} is in use by another report run ({holder}); "
                               "wait for it to finish, or run into another folder with -o.") from None
        with contextlib.suppress(OSError):  # who holds it, for the next run's message (a full disk only loses that)
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()} on {socket.gethostname()} since "
                     f"{dt.datetime.now().isoformat(timespec='seconds')}")
            fh.flush()
        yield
    finally:
        with contextlib.suppress(OSError):
            fh.seek(0)
            fh.truncate()
        fh.close()


def _not_written(output: Path, exc: OSError) -> ReportNotWritten:
    """The plain error for an output folder that cannot take the report (read-only, full, a file)."""
    why = exc.strerror or str(exc)
    return ReportNotWritten(f"cannot write the report into {output}: {why}. Choose a folder you can write "
                            "to with -o, or free some space; the previous report there is untouched.")


#: Errors of the output folder itself, not of the report: a clear message and exit status 2.
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR,
                           errno.EEXIST, errno.EFBIG})
#: Of those, the ones a notebook meets when the disk is full or read-only.
_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG})


def _clear_leftovers(output: Path) -> None:
    """Remove the half-built folders of runs that were killed (only the lock holder builds, so any left are stale)."""
    for d in output.glob(".*"):
        if d.is_dir() and re.fullmatch(r"\..+\.(tmp|old)-\d+", d.name):
            log.info("report: removing %s, left by a run that was stopped", d.name)
            shutil.rmtree(d, ignore_errors=True)


@contextlib.contextmanager
def _building(tmp: Path, output: Path) -> Iterator[None]:
    """Build the run in ``tmp``: removed if the run stops (a failed notebook's was moved to .failed already)."""
    try:
        yield
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if exc.errno in _WRITE_ERRNOS:
            raise _not_written(output, exc) from None
        raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@contextlib.contextmanager
def _stopped_cleanly() -> Iterator[None]:
    """SIGTERM (a scheduler or ``kill`` stopping the run) unwinds like Ctrl-C, so the half-built folder is removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"stopped by signal {signum}")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# -------------------------------------------------------------------- atomic swap

_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2``); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def _publish(tmp: Path, final: Path) -> None:
    """Put ``tmp`` in place of ``final`` so that readers see the old report or the new one, never half."""
    if not final.exists():
        os.rename(tmp, final)
        return
    if _exchange(tmp, final):
        shutil.rmtree(tmp)
        return
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    os.rename(final, old)
    os.rename(tmp, final)
    shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------- notebooks


class _Kernel:
    """One python3 kernel for the whole run; its namespace is reset before each notebook."""

    def __init__(self, cwd: Path, log_file: Path) -> None:
        self.cwd = cwd
        self.km = KernelManager(kernel_name="python3")
        self._log = log_file.open("w", encoding="utf-8")  # the kernel's own chatter stays off the terminal
        self.km.start_kernel(cwd=str(cwd), stderr=self._log, stdout=self._log)

    def reset(self) -> None:
        kc = self.km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            kc.execute_interactive("get_ipython().run_line_magic('reset', '-f')\n"
                                   f"import os as _os; _os.chdir({str(self.cwd)!r}); del _os",
                                   timeout=60, output_hook=lambda msg: None)
        finally:
            kc.stop_channels()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.km.shutdown_kernel(now=True)
        with contextlib.suppress(Exception):
            self.km.cleanup_resources()
        self._log.close()


class _SharedKernelEngine(NBClientEngine):
    """papermill's nbclient engine on a kernel that outlives the notebook; closes its client's channels."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                 stdout_file: Any = None, stderr_file: Any = None, start_timeout: int = 60,
                                 execution_timeout: int | None = None, **kwargs: Any) -> Any:
        client = PapermillNotebookClient(nb_man, km=kwargs["km"], timeout=execution_timeout,
                                         startup_timeout=start_timeout, kernel_name=kernel_name,
                                         log=logging.getLogger("papermill"), log_output=log_output,
                                         stdout_file=stdout_file, stderr_file=stderr_file)
        try:
            return client.execute()
        finally:
            if client.kc is not None:
                client.kc.stop_channels()


papermill_engines.register("partnermap-shared-kernel", _SharedKernelEngine)


def _execute(kernel: _Kernel, source: Path, target: Path, parameters: dict[str, Any], timeout: int) -> None:
    kernel.reset()
    papermill.execute_notebook(str(source), str(target), parameters=parameters, kernel_name="python3",
                               engine_name="partnermap-shared-kernel", km=kernel.km, cwd=str(kernel.cwd),
                               request_save_on_cell_execute=False,
                               progress_bar=False, log_output=False, execution_timeout=timeout)


def _failure(exc: PapermillExecutionError, notebook: str, kept: Path) -> ReportFailed:
    ename, evalue = exc.ename, exc.evalue
    cell = exc.exec_count if exc.exec_count is not None else exc.cell_index
    return ReportFailed(f"notebook {notebook} failed in cell {cell}: {ename}: {evalue}. The executed notebook, "
                        f"with the error, is {kept / 'notebooks' / (notebook + '.ipynb')}; the previous report "
                        "is untouched.")


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,"Segoe UI","Noto Naskh Arabic","Noto Sans Arabic","DejaVu Sans",Tahoma,sans-serif;
margin:1.5rem auto;max-width:74rem;padding:0 1rem;color:#1d2733;line-height:1.45}
h1{margin:.2rem 0}.meta,.more{color:#556;font-size:.9rem}.lead{color:#334;font-size:1.05rem}
.notice{background:#fff6dd;border:1px solid #e8d48a;padding:.5rem .75rem;border-radius:4px}
.note{background:#eef4fb;padding:.4rem .7rem;border-radius:4px}
table{border-collapse:collapse;margin:.5rem 0 1.2rem;font-size:.9rem}
th,td{border:1px solid #d5dbe3;padding:.25rem .5rem;text-align:start;vertical-align:top}
thead th{background:#eef2f7}tbody th{font-weight:normal;background:#f8fafc;white-space:nowrap}.id{white-space:nowrap}
iframe.map{width:100%;height:32rem;border:1px solid #d5dbe3}figure{margin:.5rem 0}
.figures{display:flex;flex-wrap:wrap;gap:1rem}.figures img{max-width:22rem;border:1px solid #e3e7ec}
nav a{margin-inline-end:1rem}.glance li{margin:.2rem 0}ul.links{columns:2}
"""


def _shell(title: str, body: str, language: str, *, back: str | None = None) -> str:
    direction = i18n.direction(language)
    nav = (f"<nav><a href='{_html.escape(back)}'>{_html.escape(i18n.t('back_to_index', language))}</a></nav>"
           if back else "")
    return (f"<!DOCTYPE html>\n<html lang='{language}' dir='{direction}'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width,initial-scale=1'>"
            f"<title>{_html.escape(title)}</title><style>{_CSS}</style></head>"
            f"<body>{nav}{body}</body></html>\n")


def _exporter() -> HTMLExporter:
    return HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, exclude_markdown=True, exclude_raw=True)


def _notebook_html(executed: Path, target: Path, title: str, language: str, back: str) -> None:
    nb = nbformat.read(executed, as_version=4)
    nb.cells = [c for c in nb.cells if c.cell_type == "code" and c.get("outputs")]
    for c in nb.cells:  # the pages' words are HTML outputs and errors; logs and bare values stay out
        c.outputs = [o for o in c.outputs if o.get("output_type") == "error"
                     or set(o.get("data", {})) & {"text/html", "image/png"}]
    body, _ = _exporter().from_notebook_node(nb)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_shell(title, body, language, back=back), encoding="utf-8")


# ----------------------------------------------------------------------- checksums


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _input_files(data: PartnerData, source: str, areas: str | None) -> dict[str, str]:
    files: list[Path] = []
    for value in data.report.sources.values():
        p = Path(str(value))
        if p.is_file():
            files.append(p)
    if not files and source and Path(source).is_file():
        files.append(Path(source))
    if areas:
        files.append(Path(areas))
    out = {}
    for p in sorted(set(files)):
        out[str(p)] = _sha256(p)
    return out


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("partnermap", "pandas", "numpy", "networkx", "geopandas", "shapely", "h3", "folium", "pyvis",
                "matplotlib", "papermill", "nbconvert", "nbclient", "ipykernel"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[pkg] = metadata.version(pkg)
    return out


# ------------------------------------------------------------------------ changes


def _read(path: Path, **kw: Any) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    return pd.read_csv(path, encoding="utf-8-sig", dtype={"org_id": str, "tie_id": str, "source": str,
                                                         "target": str, "other_id": str, "area_id": str},
                       keep_default_na=False, na_values=[""], **kw)  # an org_id 'NA' is an id, only '' is missing


def _broker_ranks(metrics: pd.DataFrame | None) -> pd.Series:
    if metrics is None or "betweenness" not in metrics.columns:
        return pd.Series(dtype=float)
    m = metrics.set_index(metrics.columns[0]) if metrics.index.name is None else metrics
    return pages.brokers(m, top=None)["broker_rank"]


def changes(previous: Path, current: Path, *, language: str = "en") -> pd.DataFrame:
    """What changed between two run folders of the same name.

    Parameters
    ----------
    previous, current
        Run folders (their ``tables/``).
    language
        Language of the ``detail`` column.

    Returns
    -------
    pandas.DataFrame
        One row per change: ``change`` (``org_added``, ``org_removed``, ``tie_started``,
        ``tie_ended``, ``review_overdue``, ``gap_opened``, ``gap_closed``,
        ``broker_moved``), ``id``, ``name``, ``detail``.
    """
    rows: list[dict[str, Any]] = []
    p_t, c_t = previous / "tables", current / "tables"
    po, co = _read(p_t / "organizations.csv"), _read(c_t / "organizations.csv")
    names: dict[Any, Any] = {}
    for frame in (po, co):
        if frame is not None and "name" in frame.columns:
            names.update(zip(frame["org_id"], frame["name"], strict=False))
    if po is not None and co is not None:
        before, after = set(po["org_id"]), set(co["org_id"])
        rows += [{"change": "org_added", "id": o, "name": names.get(o), "detail": ""} for o in sorted(after - before)]
        rows += [{"change": "org_removed", "id": o, "name": names.get(o), "detail": ""} for o in sorted(before - after)]
    pr, cr = _read(p_t / "relationships.csv"), _read(c_t / "relationships.csv")
    if pr is not None and cr is not None and "status" in cr.columns:
        def active(frame: pd.DataFrame) -> dict[str, tuple[str, str]]:
            a = frame[frame.get("status", "active") == "active"] if "status" in frame.columns else frame
            return {str(t): (s, g) for t, s, g in zip(a["tie_id"], a["source"], a["target"], strict=False)}

        b, a = active(pr), active(cr)
        for key, verb in (("tie_started", sorted(set(a) - set(b))), ("tie_ended", sorted(set(b) - set(a)))):
            for tie in verb:
                s, g = (a if key == "tie_started" else b)[tie]
                rows.append({"change": key, "id": tie, "name": f"{names.get(s, s)} – {names.get(g, g)}",
                             "detail": f"{s} – {g}"})
    pv, cv = _read(p_t / "reviews.csv"), _read(c_t / "reviews.csv")
    if pv is not None and cv is not None:
        was = set(pv.loc[pv["overdue"].astype(bool), "tie_id"])
        for r in cv[cv["overdue"].astype(bool)].itertuples():
            if r.tie_id not in was:
                rows.append({"change": "review_overdue", "id": r.tie_id,
                             "name": f"{names.get(r.source, r.source)} – {names.get(r.target, r.target)}",
                             "detail": f"{r.days_overdue}"})
    pg, cg = _read(p_t / "gaps.csv"), _read(c_t / "gaps.csv")
    if pg is not None and cg is not None:
        def keyed(frame: pd.DataFrame) -> dict[tuple, str]:
            cols = ["scope", "gap", "org_id", "other_id", "area_id"]
            f = frame.reindex(columns=cols + ["message"]).astype(object).where(frame.notna(), "")
            return {tuple(str(v) for v in r[:5]): str(r[5]) for r in f.itertuples(index=False)}

        b, a = keyed(pg), keyed(cg)
        rows += [{"change": "gap_opened", "id": k[1], "name": "", "detail": a[k]} for k in a if k not in b]
        rows += [{"change": "gap_closed", "id": k[1], "name": "", "detail": b[k]} for k in b if k not in a]
    rb, ra = _broker_ranks(_read(p_t / "metrics.csv")), _broker_ranks(_read(c_t / "metrics.csv"))
    both = rb.index.intersection(ra.index)
    moved = (ra[both] - rb[both])
    moved = moved[moved != 0]
    order = moved.abs().sort_values(ascending=False, kind="stable").head(10).index
    for o in order:
        rows.append({"change": "broker_moved", "id": o, "name": names.get(o),
                     "detail": i18n.t("ch_rank", language, before=int(rb[o]), after=int(ra[o]))})
    return pd.DataFrame(rows, columns=["change", "id", "name", "detail"]).astype(object)


# -------------------------------------------------------------------------- index


def _links(run: Path, folder: str, labels: Mapping[str, str] | None = None) -> list[str]:
    items = []
    for p in sorted((run / folder).glob("*")) if (run / folder).is_dir() else []:
        text = (labels or {}).get(p.name) or _html.bdi(p.name)
        items.append(f"<li><a href='{_html.escape(folder + '/' + p.name)}'>{text}</a></li>")
    return items


def _glance(prep: pages.Prepared, run: Path, language: str) -> list[str]:
    t = lambda key, **kw: _words.fill(key, language, True, **kw)  # noqa: E731
    orgs = prep.data.organizations
    counts = orgs["sector"].value_counts()
    sectors = _html.escape(i18n.t("list_sep", language)).join(
        f"{_html.escape(schema.label(schema.SECTORS, s, language))} {counts.get(s, 0):,}" for s in schema.SECTORS)
    items = [t("glance_orgs", n=f"{len(orgs):,}", sectors=Html(sectors)),
             t("glance_ties", n=f"{prep.summary['ties']:,}", pairs=f"{prep.summary.get('partner_pairs', 0):,}")]
    share = pages.cross_sector_share(prep.summary)
    if np.isfinite(share):
        items.append(t("glance_cross", share=pages.fmt(share, share=True)))
    cov = _read(run / "tables" / "coverage_summary.csv")
    if cov is not None and "population_reached" in cov.columns and "total" in set(cov["kind"]):
        r = cov.set_index("kind").loc["total"]
        items.append(t("glance_population", share=pages.fmt(float(r["share_population_reached"]), share=True),
                       reached=pages.fmt(float(r["population_reached"])), total=pages.fmt(float(r["population"]))))
    return items


_TOP_GAPS = ("isolated_group", "cut_point", "sector_pair", "underserved_area", "missing_sector", "unmet_need",
             "overdue_review", "bridge_tie", "community_single_link", "isolate")


def _top_gaps(run: Path, page: pages.Page) -> list[str]:
    gaps = _read(run / "tables" / "gaps.csv")
    if gaps is None or not len(gaps):
        return []
    gaps["members"] = [str(m).split(";") if isinstance(m, str) and m else [] for m in gaps.get("members", [])]
    out = []
    for kind in _TOP_GAPS:
        rows = gaps[gaps["gap"] == kind]
        if not len(rows):
            continue
        row = rows.iloc[0].to_dict()
        label = _html.escape(i18n.t(f"gap_{kind}", page.language))
        extra = f" ({len(rows):,})" if len(rows) > 1 else ""
        reasons = None
        if kind == "underserved_area":  # the reason is the message after the area: "name (id): reason"
            msg = str(row.get("message", ""))
            reasons = {row.get("area_id"): Html(_html.escape(msg.split(": ", 1)[-1]))}
        text = page.gap_sentences(pd.DataFrame([row]), area_reasons=reasons)[0]
        out.append(f"<b>{label}{extra}</b>: {text}")
        if len(out) == 5:
            break
    return out


def _top_candidates(run: Path, page: pages.Page) -> str:
    cands = _read(run / "tables" / "potential_partners.csv")
    if cands is None or not len(cands):
        return ""
    cands = cands.set_index("org_id").head(5)
    if page.language == "en":
        cands["reasons"] = [_words.reasons(r, "en") for r in cands["reasons"]]
    else:
        cands["reasons"] = [Html(_html.escape(r)) for r in cands["reasons"].fillna("")]
    return pages.table_html(cands, page.language, columns=["name", "sector", "score", "reasons"])


def _changes_html(ch: pd.DataFrame | None, previous: str | None, page: pages.Page, name: str) -> str:
    lang = page.language
    if ch is None:
        return (f"<section><h2>{page.html('h_changes_first')}</h2>"
                f"<p>{page.html('changes_first', name=name)}</p></section>")
    head = f"<h2>{page.html('h_changes', previous=previous)}</h2>"
    if not len(ch):
        return f"<section>{head}<p>{page.html('changes_none')}</p></section>"
    parts = [head]
    for kind, rows in ch.groupby("change", sort=False):
        items = []
        for r in rows.head(10).itertuples():
            if kind in ("gap_opened", "gap_closed"):
                label = i18n.t(f"gap_{r.id}", lang) if f"gap_{r.id}" in i18n.MESSAGES else r.id
                items.append(f"<li>{_html.escape(label)}: {_html.bdi(r.detail)}</li>")
            else:
                nm = "" if pd.isna(r.name) or r.name in ("", None) else f" {_html.bdi(r.name)}"
                det = f" — {_html.bdi(r.detail)}" if isinstance(r.detail, str) and r.detail else ""
                items.append(f"<li>{_html.bdi(r.id)}{nm}{det}</li>")
        more = ""
        if len(rows) > 10:
            more = f"<p class='more'>{page.html('more_in_file', shown=10, total=len(rows), file='changes.csv')}</p>"
        parts.append(f"<h3>{_html.escape(i18n.t('ch_' + kind, lang))} ({len(rows):,})</h3>"
                     f"<ul>{''.join(items)}</ul>{more}")
    return f"<section>{''.join(parts)}</section>"


def _index(run: Path, prep: pages.Prepared, page: pages.Page, *, name: str, date: str,
           pages_made: list[tuple[str, str]],
           ch: pd.DataFrame | None, previous: str | None, profiles: Iterable[str] = ()) -> str:
    lang = page.language
    body = []
    if prep.is_demo:
        body.append(f"<p class='notice'>{page.html('demo_notice')}</p>")
    body.append(f"<h1>{page.html('report_title', name=name)}</h1>")
    src = i18n.t("demo_source", lang) if prep.is_demo else prep.source
    when = dt.datetime.now().isoformat(timespec="minutes")
    body.append(f"<p class='meta'>{page.html('data_line', source=src, as_of=prep.as_of or date, generated=when)}</p>")
    note = page.estimate_note()
    if note:
        body.append(f"<p class='note'>{note}</p>")
    body.append(f"<section><h2>{page.html('h_glance')}</h2><ul class='glance'>"
                + "".join(f"<li>{g}</li>" for g in _glance(prep, run, lang)) + "</ul>")
    gaps = _top_gaps(run, page)
    if gaps:
        body.append(f"<h3>{page.html('h_top_gaps')}</h3><ul>" + "".join(f"<li>{g}</li>" for g in gaps) + "</ul>")
    body.append("</section>")
    if page.focal and (run / "tables" / "potential_partners.csv").is_file():
        body.append(f"<section><h2>{page.html('h_top_candidates', who=page.who(page.focal))}</h2>")
        if (run / "maps" / "partners.html").is_file():
            body.append("<iframe class='map' src='maps/partners.html' title='partners'></iframe>")
        body.append(_top_candidates(run, page) + "</section>")
    body.append(_changes_html(ch, previous, page, name))
    links = [f"<li><a href='{_html.escape(href)}'>{_html.escape(title)}</a></li>" for href, title in pages_made]
    body.append(f"<section><h2>{page.html('h_pages')}</h2><ul>{''.join(links)}</ul>")
    who = {f"{_safe(o)}.html": page.who(o) for o in profiles}
    for folder, key in (("maps", "h_maps"), ("profiles", "h_profiles"), ("tables", "h_tables")):
        items = _links(run, folder, who if folder == "profiles" else None)
        if items:
            body.append(f"<h3>{page.html(key)}</h3><ul class='links'>{''.join(items)}</ul>")
    figs = sorted((run / "figures").glob("*.png")) if (run / "figures").is_dir() else []
    if figs:
        body.append(f"<h3>{page.html('h_figures')}</h3><div class='figures'>" + "".join(
            f"<a href='figures/{_html.escape(f.name)}'>"
            f"<img alt='{_html.escape(f.stem)}' src='figures/{_html.escape(f.name)}'></a>"
            for f in figs) + "</div>")
    body.append("</section>")
    return _shell(i18n.t("report_title", lang, name=name), "".join(body), lang)


def write_runs_index(output: str | Path, *, language: str = "en") -> Path:
    """Write ``output/index.html``: every run in ``output``, newest first.

    Parameters
    ----------
    output
        The reports folder.
    language
        Language of the page.

    Returns
    -------
    pathlib.Path
        The page.
    """
    output = Path(output)
    runs = []
    for d in output.iterdir() if output.is_dir() else []:
        m = _RUN_DIR.match(d.name)
        if not d.is_dir() or not m:
            continue
        info: dict[str, Any] = {}
        with contextlib.suppress(OSError, ValueError):
            info = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
        runs.append((info.get("finished") or m.group(1), m.group(1), m.group(2), bool(m.group(3)), d.name, info))
    runs.sort(key=lambda r: (r[1], r[0], r[4]), reverse=True)
    rows = []
    for _, date, name, failed, folder, info in runs:
        href = f"{folder}/index.html" if not failed else f"{folder}/"
        status = f" — {_html.escape(i18n.t('run_failed_note', language))}" if failed else ""
        orgs = info.get("counts", {}).get("organisations")
        extra = f" · {orgs:,} {_html.escape(i18n.t('chart_count', language))}" if isinstance(orgs, int) else ""
        rows.append(f"<li><a href='{_html.escape(href)}'>{_html.escape(date)} <bdi>{_html.escape(name)}</bdi></a>"
                    f"{extra}{status}</li>")
    body = (f"<h1>{_html.escape(i18n.t('runs_title', language))}</h1>"
            f"<p>{_html.escape(i18n.t('runs_text', language))}</p>"
            f"<ul>{''.join(rows)}</ul>")
    path = output / "index.html"
    tmp = output / f".index.html.{os.getpid()}"
    tmp.write_text(_shell(i18n.t("runs_title", language), body, language), encoding="utf-8")
    os.replace(tmp, path)
    return path


# ---------------------------------------------------------------------------- run


def _previous(output: Path, name: str) -> Path | None:
    found = []
    for d in output.iterdir() if output.is_dir() else []:
        m = _RUN_DIR.match(d.name)
        if d.is_dir() and m and m.group(2) == name and not m.group(3) and (d / "tables").is_dir():
            found.append((m.group(1), d))
    return max(found)[1] if found else None


#: Tables longer than this stay CSV only (the workbook says so), so the workbook stays small enough to open.
MAX_XLSX_ROWS = 25_000


def _workbook(tables: Path) -> None:
    """``tables/report.xlsx``: one sheet per table (the long ones listed on an ``about`` sheet instead)."""
    csvs = sorted(tables.glob("*.csv"))
    if not csvs:
        return
    sheets: dict[str, pd.DataFrame] = {}
    left_out = []
    for f in csvs:
        frame = pd.read_csv(f, encoding="utf-8-sig", keep_default_na=False, low_memory=False,
                            dtype={"org_id": str, "tie_id": str, "source": str, "target": str, "area_id": str})
        if len(frame) > MAX_XLSX_ROWS:
            left_out.append((f.name, len(frame)))
            continue
        frame.columns = [_common._unneutralised(str(c)) for c in frame.columns]
        for j in range(frame.shape[1]):  # the CSV's ' before formula-like text: a workbook keeps text as text
            if frame.iloc[:, j].dtype == object or pd.api.types.is_string_dtype(frame.iloc[:, j].dtype):
                frame.isetitem(j, frame.iloc[:, j].map(lambda v: _common._unneutralised(str(v))))
        sheets[f.stem[:31]] = frame
    if left_out:
        sheets["about"] = pd.DataFrame([(name, n, f"longer than {MAX_XLSX_ROWS:,} rows: in the CSV file only")
                                        for name, n in left_out], columns=["table", "rows", "note"])
    write_sheets(sheets, tables / "report.xlsx", index=False)


def _say(quiet: bool) -> Callable[[str], None]:
    def say(msg: str) -> None:
        log.info(msg)
        if not quiet:
            print(msg, file=sys.stderr, flush=True)

    return say


def _options(data: Any, params: Any, given: dict[str, Any]) -> dict[str, Any]:
    opts = _read_params(params)
    if data is not None:
        opts["data"] = data
    opts.update({k: v for k, v in given.items() if v is not None})
    lang = opts.get("language") or "en"
    i18n.direction(lang)
    opts["language"] = lang
    return opts


def _notebook_folder(keys: list[str], notebook_dir: str | Path | None) -> Path:
    """The folder of the notebooks; PartnermapError when one of those to run is missing."""
    nb_dir = Path(notebook_dir or os.environ.get("PARTNERMAP_NOTEBOOKS") or _NOTEBOOK_DIR)
    for k in keys + [_PROFILE]:
        if not (nb_dir / f"{NOTEBOOKS[k]}.ipynb").is_file():
            raise PartnermapError(f"notebook {NOTEBOOKS[k]}.ipynb is missing from {nb_dir}.")
    return nb_dir


def _prepare(src: Any, opts: dict[str, Any], say: Any, t0: float) -> tuple[pages.Prepared, pages.Page, list[str]]:
    """Load and validate once, check the inputs, compute the gaps every notebook shares."""
    say(f"loading {src or 'the built-in demo data'}")
    prep = pages.prepare(src, as_of=opts.get("as_of"), sample=opts.get("sample", "auto"))
    page = pages.Page(prep, language=opts["language"], focal=str(opts["focal"]) if opts.get("focal") else None)
    wanted = _check_inputs(prep, page, opts)
    prep.with_gaps(page.focal)  # once for every notebook
    say(f"loaded {len(prep.data.organizations):,} organisations and {len(prep.data.relationships):,} ties in "
        f"{time.perf_counter() - t0:.1f} s" + (f"; metrics sampled from {prep.sample}" if prep.sample else ""))
    return prep, page, wanted


def run(
    data: str | Path | PartnerData | None = None,
    output: str | Path = "reports",
    *,
    params: str | Path | Mapping[str, Any] | None = None,
    focal: str | None = None,
    notebooks: str | Iterable[str] | None = None,
    profiles: str | Iterable[str] | None = None,
    language: str | None = None,
    as_of: str | dt.date | None = None,
    name: str | None = None,
    areas: str | Path | None = None,
    by: str | None = None,
    of: str | None = None,
    resolution: int | None = None,
    radius_km: float | None = None,
    weights: Mapping[str, float] | None = None,
    top: int | None = None,
    sample: int | str | None = None,
    quiet: bool = False,
    timeout: int = CELL_TIMEOUT,
    notebook_dir: str | Path | None = None,
) -> Path:
    r"""Run the notebook suite on ``data`` into ``output/<YYYY-MM-DD>-<name>/``.

    Parameters
    ----------
    data
        A data folder, workbook or HSDS package (or data already loaded); ``None`` for
        the built-in demo data.
    output
        The reports folder.
    params
        A YAML parameters file (or a mapping) with any of :data:`OPTIONS`; the other
        arguments override it.
    focal
        The ``org_id`` whose portfolio and potential partners the report looks at (the
        demo's own when the demo is used).
    notebooks
        Which notebooks: ``"01,03"`` or a list (default 01–04; 05 runs for ``profiles``).
    profiles
        ``org_id``\\ s to write one-page profiles for (``"all"``: every organisation,
        ``"none"``: no profiles; default: the focal organisation and its active partners).
    language
        ``"en"`` (default) or ``"ar"``.
    as_of
        Judge ties and reviews as on this date.
    name
        The run name (default: the data folder's name, ``demo`` for the demo).
    areas
        An areas file to use instead of the data's areas.
    by
        Break coverage down by ``sector`` (default), ``org_type``, ``offers``, ``needs`` or ``causes``.
    of
        The kind an area needs within reach to count as served (default any organisation).
    resolution
        H3 resolution of the hexagon grid used without areas.
    radius_km
        One reach in km for every organisation.
    weights
        Score weights of the potential partners.
    top
        How many potential partners to rank.
    sample
        ``"auto"`` (default), a number of organisations to sample betweenness from, or ``None`` for exact.
    quiet
        No progress lines (for schedulers); errors are still raised.
    timeout
        Seconds one cell may run.
    notebook_dir
        Where the notebooks are (default: ``$PARTNERMAP_NOTEBOOKS``, else the project's ``notebooks/``).

    Returns
    -------
    pathlib.Path
        The run folder.

    Raises
    ------
    DataValidationError
        Bad data: raised before any notebook runs; nothing is written.
    ParameterError
        A bad option (unknown parameter, language, notebook, organisation).
    ReportFailed
        A notebook failed (the run is kept as ``<date>-<name>.failed``).
    ReportLocked
        Another run is using ``output``.
    ReportNotWritten
        ``output`` cannot be written (read-only, full, a file); the previous report stays as it was.
    """
    opts = _options(data, params, {"focal": focal, "notebooks": notebooks, "profiles": profiles,
                                   "language": language, "as_of": as_of, "name": name, "areas": areas, "by": by,
                                   "of": of, "resolution": resolution, "radius_km": radius_km, "weights": weights,
                                   "top": top, "sample": sample})
    say = _say(quiet)
    keys = _notebook_list(opts.get("notebooks"))
    nb_dir = _notebook_folder(keys, notebook_dir)
    started, t0 = dt.datetime.now(), time.perf_counter()
    src = opts.get("data")
    prep, page, wanted = _prepare(src, opts, say, t0)
    run_name = str(opts.get("name") or report_name(src if not isinstance(src, PartnerData) else src.source))
    output = Path(output)
    final = output / f"{dt.date.today().isoformat()}-{run_name}"
    with _stopped_cleanly(), _lock(output), tempfile.TemporaryDirectory(prefix="partnermap-") as private:
        _clear_leftovers(output)
        tmp = output / f".{final.name}.tmp-{os.getpid()}"
        with _building(tmp, output):
            for sub in ("notebooks", "tables", "figures", "maps", "profiles"):
                (tmp / sub).mkdir(parents=True, exist_ok=True)
            prepared = prep.save(Path(private) / "prepared.pkl")  # holds private columns: never in the report
            jobs = _jobs(keys, wanted, opts, page, tmp, prepared)
            runs = _run_jobs(jobs, nb_dir, tmp, Path(private), final, say=say, timeout=timeout,
                             language=opts["language"])
            _finish(tmp, prep, page, opts, runs, wanted, name=run_name, started=started, t0=t0)
            _publish(tmp, final)
        with contextlib.suppress(OSError):  # the run is in place; a full disk only keeps the list of runs stale
            shutil.rmtree(output / f"{final.name}.failed", ignore_errors=True)
            write_runs_index(output, language=opts["language"])
    say(f"wrote {final / 'index.html'} in {time.perf_counter() - t0:.1f} s")
    return final


def _partners_of(prep: pages.Prepared, org_id: str) -> set[str]:
    """``org_id``'s neighbours in ``prep.graph`` (active ties on ``prep.as_of``), read from the ties, no graph built."""
    ties = _common._selected_ties(prep.data.relationships, _common._as_date(prep.as_of), ("active",), None)
    if not len(ties):
        return set()
    src, tgt = ties["source"].astype(str), ties["target"].astype(str)
    return set(tgt[src == org_id]) | set(src[tgt == org_id])


def _check_inputs(prep: pages.Prepared, page: pages.Page, opts: Mapping[str, Any]) -> list[str]:
    """Stop on bad input before any notebook runs; return the org_ids to write profiles for."""
    orgs = prep.data.organizations
    if page.focal is not None and page.focal not in orgs.index:
        portfolio(prep.data, page.focal)  # raises UnknownOrganizationError with close matches
    if opts.get("areas"):
        read_areas(opts["areas"])  # a bad areas file is bad input
    wanted = _ids(opts.get("profiles"))
    if wanted == ["none"]:
        return []
    if wanted == ["all"]:
        return [str(o) for o in orgs.index]
    if not wanted and page.focal is not None:
        wanted = [page.focal] + sorted(_partners_of(prep, page.focal))
    unknown = [p for p in wanted if p not in orgs.index]
    if unknown:
        what = "is not an org_id" if len(unknown) == 1 else "are not org_ids"
        raise ParameterError(f"profiles: {', '.join(unknown[:5])} {what} of the data.")
    return wanted


_Job = tuple[str, str, dict[str, Any], Path, Path]
_EXTRA = {"02": ("top",), "03": ("top", "weights"), "04": ("by", "of", "areas", "resolution", "radius_km")}


def _jobs(keys: list[str], wanted: list[str], opts: Mapping[str, Any], page: pages.Page, tmp: Path,
          prepared: Path) -> list[_Job]:
    """(notebook, label, parameters, executed notebook, HTML page) for each notebook and profile."""
    prep = page.prepared
    base = {"prepared": str(prepared), "data": "" if prep.is_demo else str(prep.source), "language": page.language,
            "out": str(tmp.resolve()), "focal": page.focal or "", "as_of": prep.as_of or ""}
    jobs: list[_Job] = []
    for k in keys:
        if k == _PROFILE:
            continue
        p = dict(base)
        for opt in _EXTRA.get(k, ()):
            if opts.get(opt) not in (None, ""):
                p[opt] = str(opts[opt]) if opt == "areas" else opts[opt]
        jobs.append((k, NOTEBOOKS[k], p, tmp / "notebooks" / f"{NOTEBOOKS[k]}.ipynb", tmp / f"{NOTEBOOKS[k]}.html"))
    for oid in wanted:
        p = dict(base, focal=oid, base="../")
        jobs.append((_PROFILE, f"{NOTEBOOKS[_PROFILE]} {oid}", p, tmp / "notebooks" / f"profile-{_safe(oid)}.ipynb",
                     tmp / "profiles" / f"{_safe(oid)}.html"))
    return jobs


def _run_jobs(jobs: list[_Job], nb_dir: Path, tmp: Path, private: Path, final: Path, *,
              say: Callable[[str], None], timeout: int, language: str) -> list[dict[str, Any]]:
    """Execute and convert every job in one kernel; on a failure keep the folder as ``.failed``."""
    runs: list[dict[str, Any]] = []
    kernel = _Kernel(tmp.resolve(), private / "kernel.log")
    try:
        for i, (k, label, p, executed, html) in enumerate(jobs, 1):
            say(f"[{i}/{len(jobs)}] {label} …")
            t1 = time.perf_counter()
            try:
                _execute(kernel, nb_dir / f"{NOTEBOOKS[k]}.ipynb", executed, p, timeout)
            except PapermillExecutionError as exc:
                full = re.match(r"\[Errno (\d+)\] (.*)", str(exc.evalue))
                if full and int(full.group(1)) in _FULL_ERRNOS:  # the disk, not the notebook: no .failed copy
                    raise OSError(int(full.group(1)), full.group(2)) from None
                failed = final.with_name(f"{final.name}.failed")
                shutil.rmtree(failed, ignore_errors=True)
                os.rename(tmp, failed)
                write_runs_index(final.parent, language=language)
                raise _failure(exc, executed.stem, failed) from None
            back = "../index.html" if k == _PROFILE else "index.html"
            _notebook_html(executed, html, _page_title(executed, label), language, back=back)
            took = time.perf_counter() - t1
            runs.append({"notebook": label, "executed": str(executed.relative_to(tmp)),
                         "html": str(html.relative_to(tmp)), "status": "ok", "duration_s": round(took, 2)})
            say(f"[{i}/{len(jobs)}] {label}: done in {took:.1f} s")
    finally:
        kernel.close()
    return runs


def _finish(tmp: Path, prep: pages.Prepared, page: pages.Page, opts: Mapping[str, Any], runs: list[dict[str, Any]],
            wanted: list[str], *, name: str, started: dt.datetime, t0: float) -> None:
    """The workbook, the changes, index.html and manifest.json of a run that succeeded."""
    lang = page.language
    _workbook(tmp / "tables")
    prev = _previous(tmp.parent, name)
    ch = changes(prev, tmp, language=lang) if prev is not None else None
    if ch is not None:
        write_table(ch, tmp / "changes.csv")
    made = [(r["html"], _page_title(tmp / r["executed"], r["notebook"])) for r in runs
            if not r["html"].startswith("profiles/")]
    date = dt.date.today().isoformat()
    (tmp / "index.html").write_text(
        _index(tmp, prep, page, name=name, date=date, pages_made=made, ch=ch,
               previous=prev.name if prev is not None else None, profiles=wanted), encoding="utf-8")
    manifest = {
        "name": name, "date": date, "status": "ok", "language": lang,
        "parameters": {k: (str(v) if isinstance(v, (Path, dt.date)) else v) for k, v in opts.items()
                       if not isinstance(v, PartnerData)},
        "focal": page.focal, "profiles": wanted, "as_of": prep.as_of,
        "data": {"source": "demo" if prep.is_demo else prep.source,
                 "files": _input_files(prep.data, prep.source, opts.get("areas"))},
        "counts": {"organisations": len(prep.data.organizations), "ties": len(prep.data.relationships)},
        "metrics_sampled_from": prep.sample,
        "betweenness": prep.metrics.attrs.get("betweenness"),
        "versions": _versions(), "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now().isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - t0, 2), "notebooks": runs,
        "previous_run": prev.name if prev is not None else None,
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2, default=str),
                                       encoding="utf-8")


def _safe(org_id: str) -> str:
    """A file name for an org_id."""
    return re.sub(r"[^\w.-]+", "_", str(org_id), flags=re.UNICODE)


def _page_title(executed: Path, fallback: str) -> str:
    """The ``<h1>`` text of an executed notebook's first output (the page's own title)."""
    with contextlib.suppress(OSError, ValueError):
        nb = nbformat.read(executed, as_version=4)
        for c in nb.cells:
            for o in c.get("outputs", []):
                html = o.get("data", {}).get("text/html", "")
                m = re.search(r"<h1>(.*?)</h1>", html, flags=re.S)
                if m:
                    return re.sub(r"<[^>]+>", "", unescape(m.group(1)))
    return fallback


def run_report(data_path: str | Path | PartnerData | None = None, out_dir: str | Path = "reports", *,
               focal: str | None = None, as_of: str | dt.date | None = None, progress: bool = True) -> Path:
    """The whole suite, as :func:`run` (kept for scripts written before it).

    Parameters
    ----------
    data_path
        A data folder, workbook or HSDS package (or data already loaded); ``None`` for the built-in demo data.
    out_dir
        The reports folder.
    focal
        The ``org_id`` whose portfolio and potential partners the report looks at.
    as_of
        Judge ties and reviews as on this date.
    progress
        Print progress lines (``False`` is :func:`run`'s ``quiet``).

    Returns
    -------
    pathlib.Path
        The run folder.
    """
    return run(data_path, out_dir, focal=focal, as_of=as_of, quiet=not progress)
