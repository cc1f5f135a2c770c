"""The containers every loader returns: :class:`PartnerData` and :class:`LoadReport`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd

Severity = Literal["error", "warning", "info"]

#: The ``attrs`` key under which a table carries the columns its user marked private.
PRIVATE_ATTR = "private_columns"
_PRIVATE_CARRIERS = frozenset({"private_columns", "organizations", "relationships", "areas"})

__all__ = ["Problem", "LoadReport", "PartnerData"]

#: A run of this many characters without a space or quote (an id, a term, a cell of 200,000
#: characters) is echoed in a message shortened: its start, '…' and its length.
_LONG_RUN = re.compile(r"[^\s'\"]{201,}")


def _shortened(text: str) -> str:
    """``text`` with every very long run of characters cut (see :data:`_LONG_RUN`)."""
    if len(text) <= 200:
        return text
    return _LONG_RUN.sub(lambda m: f"{m.group()[:80]}… ({len(m.group()):,} characters)", text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth knowing) about the input.

    ``row`` is the 1-based line number in a CSV file (the header is line 1, so the
    first data row is line 2) or the spreadsheet row number in a workbook; ``None``
    for file-level problems. ``ref`` names the record (its ``org_id``, or
    ``source → target``) so it can be found by id as well as by line.
    """

    severity: Severity
    file: str
    row: int | None
    column: str | None
    message: str
    fix: str = ""
    ref: str = ""

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.row, self.column) if p not in (None, ""))
        ref = f" [{self.ref}]" if self.ref else ""
        fix = f" {self.fix}" if self.fix else ""
        return f"{where}: {self.severity}: {self.message}{ref}{fix}"


@dataclass
class LoadReport:
    """Every problem found while loading, and every row set aside.

    Attributes
    ----------
    problems
        Errors, warnings and notes, in the order found.
    rejected
        One row per input row that is not in the result: file, row, ref, reason.
    counts
        Rows read and rows kept per table, e.g. ``{"organizations": (320, 318)}``.
    sources
        The files read, by table name.
    """

    problems: list[Problem] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def add(
        self,
        severity: Severity,
        file: str,
        row: int | None,
        column: str | None,
        message: str,
        fix: str = "",
        ref: str = "",
    ) -> None:
        """Record one problem.

        Parameters
        ----------
        severity
            ``"error"`` (stops a run), ``"warning"`` or ``"info"``.
        file
            The file (or ``book.xlsx[sheet]``) the problem is in.
        row
            Its row number in that file, or None for the whole file.
        column
            The column, or None.
        message
            What is wrong, in plain words.
        fix
            How to fix it, when that is clear.
        ref
            The record's id (``org_id``, or ``source → target``).
        """
        self.problems.append(Problem(severity, file, row, column, _shortened(message), fix, _shortened(ref)))

    def reject(self, file: str, row: int | None, ref: str, reason: str) -> None:
        """Record an input row that is left out of the result, and why.

        Parameters
        ----------
        file
            The file the row is in.
        row
            Its row number.
        ref
            The record's id, if it has one.
        reason
            Why it was left out.
        """
        self.rejected.append({"file": file, "row": row, "ref": _shortened(ref), "reason": reason})

    def sort_problems(self) -> None:
        """Order the problems file by file (in the order first met), then by row; file-level lines first."""
        order = {p.file: i for i, p in reversed(list(enumerate(self.problems)))}
        self.problems.sort(key=lambda p: (order[p.file], p.row is not None, p.row or 0))

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop a run.

        Returns
        -------
        list of Problem
        """
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that let the data load.

        Returns
        -------
        list of Problem
        """
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there are no errors.

        Returns
        -------
        bool
        """
        return not self.errors

    def to_frame(self) -> pd.DataFrame:
        """The problems as a table.

        Returns
        -------
        pandas.DataFrame
            One row per problem: severity, file, row, column, ref, message, fix.
        """
        cols = ["severity", "file", "row", "column", "ref", "message", "fix"]
        rows = [{c: getattr(p, c) for c in cols} for p in self.problems]
        return pd.DataFrame(rows, columns=cols).astype({"row": "Int64"})

    def rejected_frame(self) -> pd.DataFrame:
        """The rows set aside.

        Returns
        -------
        pandas.DataFrame
            One row per input row left out: file, row, ref, reason.
        """
        return pd.DataFrame(self.rejected, columns=["file", "row", "ref", "reason"]).astype(
            {"row": "Int64"}
        )

    def summary(self) -> str:
        """One line: counts of rows kept, errors and warnings.

        Returns
        -------
        str
            E.g. ``organizations: 318 of 320 rows loaded; 2 error(s), 5 warning(s)``.
        """
        parts = [f"{name}: {kept} of {read} rows loaded" for name, (read, kept) in self.counts.items()]
        parts.append(f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)")
        return "; ".join(parts)


@dataclass
class PartnerData:
    """Organisations, their ties and (optionally) areas, plus the load report.

    Attributes
    ----------
    organizations
        GeoDataFrame in EPSG:4326 indexed by ``org_id`` (text); point geometry where
        coordinates are known, ``None`` elsewhere. Multi-valued columns hold lists.
    relationships
        DataFrame, one row per tie, with ``source``/``target`` org ids, ``kind``,
        ``status``, ``directed``, ``weight`` and the optional columns; ``tie_id`` is
        its index.
    areas
        GeoDataFrame indexed by ``area_id`` in EPSG:4326, or ``None``.
    report
        :class:`LoadReport` with every problem and rejected row.
    source
        Where the data came from (a folder, workbook or package path).
    private_columns
        Columns the user marked private, as written (the data folder's
        ``private_columns.txt``, ``--private COL``), on top of the built-in rule
        (:func:`partnermap.schema.is_private`). Every writer leaves them out. Setting it
        also records it in the tables' ``attrs["private_columns"]``, so a table taken
        from them carries it to :func:`partnermap.export.write_table`.
    """

    organizations: gpd.GeoDataFrame
    relationships: pd.DataFrame
    areas: gpd.GeoDataFrame | None = None
    report: LoadReport = field(default_factory=LoadReport)
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    private_columns: frozenset[str] = frozenset()

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "private_columns":
            value = frozenset(str(c) for c in value)
        super().__setattr__(name, value)
        if name in _PRIVATE_CARRIERS and "private_columns" in self.__dict__:
            self._stamp_private()

    def _stamp_private(self) -> None:
        """Record the private columns in every table's ``attrs`` (what the table-based writers read)."""
        marked = tuple(sorted(self.private_columns))
        for name in ("organizations", "relationships", "areas"):
            frame = self.__dict__.get(name)
            if isinstance(frame, pd.DataFrame):
                if marked:
                    frame.attrs[PRIVATE_ATTR] = marked
                else:
                    frame.attrs.pop(PRIVATE_ATTR, None)

    def __repr__(self) -> str:
        areas = 0 if self.areas is None else len(self.areas)
        return (
            f"PartnerData({len(self.organizations)} organisations, "
            f"{len(self.relationships)} ties, {areas} areas, source={self.source!r})"
        )
