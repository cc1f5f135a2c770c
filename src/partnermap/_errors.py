"""The one exception family of partnermap."""

from __future__ import annotations

from typing import Any


class PartnermapError(Exception):
    """Base class of every error partnermap raises on purpose."""


class ParameterError(PartnermapError, ValueError):
    """An argument given by the caller is out of range or of the wrong kind (``top=0``, ``k=1`` …)."""


class DataValidationError(PartnermapError, ValueError):
    """The input data has errors; ``problems`` lists every one of them.

    Parameters
    ----------
    message
        One-paragraph summary.
    problems
        The :class:`partnermap.Problem` records (errors and warnings).
    report
        The whole :class:`partnermap.LoadReport` the problems come from, when there is one.
    """

    def __init__(self, message: str, problems: list[Any] | None = None, report: Any = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])
        self.report = report


class UnknownOrganizationError(PartnermapError, KeyError):
    """An ``org_id`` given by the caller (e.g. ``focal``) is not in the data."""

    def __str__(self) -> str:  # KeyError quotes its message; we want plain text
        return str(self.args[0]) if self.args else ""
