"""A report run that is stopped, or cannot write, leaves the previous report as it was (issue 14, item 3).

Each test runs ``partnermap report`` as a user's scheduler does (a subprocess, notebook 01
only, on the five-organisation toy data) and checks what a reader of the reports folder
sees afterwards: the previous run intact, nothing that looks like a finished run, a plain
message, and a next run that is not blocked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from partnermap import report as report_module
from partnermap.cli import main

from .conftest import ORGS, RELS, write

PM = [sys.executable, "-m", "partnermap"]
RUN = f"{dt.date.today().isoformat()}-toy"


def _report(data: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([*PM, "report", str(data), "--notebooks", "01", "--profiles", "none", "-o", str(out), "-q",
                           *extra], capture_output=True, text=True, timeout=600, check=False)


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The toy data folder and a reports folder holding one finished run of it."""
    root = tmp_path_factory.mktemp("interrupted")
    data = root / "toy"
    write(data, "organizations.csv", ORGS)
    write(data, "relationships.csv", RELS)
    done = _report(data, root / "reports")
    assert done.returncode == 0, done.stderr
    return data, root / "reports"


def _copy(previous: tuple[Path, Path], into: Path) -> tuple[Path, Path]:
    data, reports = previous
    shutil.copytree(reports, into)
    return data, into


def _wait_for(path_of: callable, timeout: float = 120) -> Path:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        p = path_of()
        if p is not None:
            return p
        time.sleep(0.05)
    raise AssertionError("the run never started building its folder")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_run_killed_midway_leaves_the_previous_report_and_does_not_block_the_next(
        previous: tuple[Path, Path], tmp_path: Path, sig: signal.Signals) -> None:
    data, out = _copy(previous, tmp_path / "reports")
    before = _snapshot(out / RUN)
    child = subprocess.Popen([*PM, "report", str(data), "--notebooks", "01", "--profiles", "none", "-o", str(out),
                              "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    building = out / f".{RUN}.tmp-{child.pid}"
    # killed while its notebook runs: the half-built folder holds the executed notebook's folder already
    _wait_for(lambda: building if (building / "notebooks").is_dir() else None)
    time.sleep(1.0)
    assert child.poll() is None, "the run ended before it could be stopped"
    child.send_signal(sig)
    _, err = child.communicate(timeout=120)

    assert _snapshot(out / RUN) == before, "the previous report changed"
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == [RUN, "index.html"], visible  # no second run, no .failed, nothing half-written in sight
    assert f".{RUN}.tmp" not in (out / "index.html").read_text(encoding="utf-8")
    if sig == signal.SIGTERM:  # stopped politely, it cleans up after itself and says so
        assert child.returncode == 1, err
        assert "aborted." in err and "Traceback" not in err, err
        assert not building.exists(), "SIGTERM left the half-built folder"
    else:  # killed, it cannot: the folder it left is hidden, and not a run
        assert child.returncode == -signal.SIGKILL
        assert not (building / "manifest.json").exists()
        assert str(child.pid) in (out / ".partnermap.lock").read_text(encoding="utf-8")  # its lock, left behind

    t0 = time.monotonic()
    again = _report(data, out)
    assert again.returncode == 0, again.stderr  # the stale lock did not stop it
    assert time.monotonic() - t0 < 300
    assert not [p.name for p in out.iterdir() if ".tmp-" in p.name or ".old-" in p.name], "leftovers stayed"
    assert (out / RUN / "manifest.json").is_file()


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@contextlib.contextmanager
def _tmpfs(where: Path, options: str) -> Iterator[bool]:
    """A tmpfs mounted at ``where`` (True), or False when this user cannot mount."""
    where.mkdir(parents=True, exist_ok=True)
    if not _can_mount() or subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                                          capture_output=True, check=False).returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _plain_error(done: subprocess.CompletedProcess, words: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and "the run failed" not in done.stderr, done.stderr
    assert "cannot write the report into" in done.stderr and words in done.stderr, done.stderr


def test_a_read_only_reports_folder_is_a_plain_error(previous: tuple[Path, Path], tmp_path: Path) -> None:
    data, _ = previous
    ro = tmp_path / "ro"
    with _tmpfs(ro, "ro,size=64k") as mounted:
        if not mounted:
            if os.geteuid() == 0:
                pytest.skip("running as root without the right to mount: no folder is read-only for root")
            ro.chmod(0o555)
        done = _report(data, ro / "reports")
        _plain_error(done, "Read-only file system" if mounted else "Permission denied")
        assert not (ro / "reports").exists()


def test_a_reports_path_under_a_file_is_a_plain_error(previous: tuple[Path, Path], tmp_path: Path) -> None:
    data, _ = previous
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    _plain_error(_report(data, tmp_path / "a-file" / "reports"), "Not a directory")


def test_a_full_disk_is_a_plain_error_and_keeps_the_previous_report(
        previous: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    disk = tmp_path / "disk"
    with _tmpfs(disk, "size=2m") as mounted:
        data, out = _copy(previous, disk / "reports")
        before = _snapshot(out / RUN)
        if mounted:  # fill the disk but for 64 KB: the next run fails part-way through
            with (disk / "filler").open("wb") as fh, contextlib.suppress(OSError):
                while True:
                    fh.write(b"\0" * 65536)
                    fh.flush()
            (disk / "filler").write_bytes(b"\0" * (max(os.path.getsize(disk / "filler") - 65536, 0)))
            done = _report(data, out)
        else:  # cannot mount: the same error, raised where the report is finished
            def full(*args: object, **kwargs: object) -> None:
                raise OSError(errno.ENOSPC, "No space left on device")

            monkeypatch.setattr(report_module, "_finish", full)
            with pytest.raises(SystemExit) as exit_:
                main(["report", str(data), "--notebooks", "01", "--profiles", "none", "-o", str(out), "-q"])
            done = subprocess.CompletedProcess([], exit_.value.code, "", capsys.readouterr().err)
        _plain_error(done, "No space left on device")
        assert _snapshot(out / RUN) == before, "the previous report changed"
        assert sorted(p.name for p in out.iterdir() if p.name != ".partnermap.lock") == [RUN, "index.html"]
