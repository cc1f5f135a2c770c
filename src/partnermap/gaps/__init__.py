"""Gaps and potential partners: who should we partner with next, and why.

Four questions, one function each:

- :func:`potential_partners` — every organisation that is not already an active
  partner of the focal organisation, scored on seven components that each lie in
  [0, 1] (:data:`COMPONENT_MEANINGS`), weighted (:data:`DEFAULT_WEIGHTS`) into a
  ``score``, with a plain-language ``reasons`` sentence per row;
- :func:`portfolio` — the focal organisation's partners by sector and type, needs no
  partner offers, offers nobody uses, reviews overdue, ended and lapsed ties, formal vs
  informal balance, and the areas neither it nor its partners reach;
- :func:`structural_gaps` — the whole ecosystem's weak spots: isolated groups, isolates,
  cut points and bridge ties (with what they would cut off), communities hanging on one
  organisation, organisations with a single tie, sector and type pairs with no ties,
  areas no organisation reaches, and stalled engagement;
- :func:`what_if` — the same network figures and portfolio after adding ties or
  removing organisations, with the differences said in words.

:func:`gaps_table` puts the structural and portfolio gaps in one table (the
``partnermap gaps`` file); :func:`read_weights` reads ranking weights from a YAML file.
Every function is pure: it never writes files or changes its input.

Dates: ``as_of`` judges ties as they stood on that date (from their start and end dates)
and reviews and stalls against it. ``None`` uses each tie's recorded ``status`` (as
:func:`partnermap.build_graph` does) and today's date for review deadlines.

The code lives in one module per question: ``partners`` (ranking, weights, reasons),
``portfolio`` (with :func:`review_schedule`), ``structural`` (with :func:`gaps_table`
and :func:`format_gaps`) and ``what_if``; ``_helpers`` holds what several of them use.
Import the public names from ``partnermap.gaps``: ``partnermap.gaps.portfolio`` and
``partnermap.gaps.what_if`` are the functions, which shadow their modules.
Bad arguments raise :class:`~partnermap.ParameterError` (a ``ValueError``).

Examples
--------
>>> import partnermap as pm
>>> from partnermap.gaps import potential_partners
>>> data = pm.load(pm.datasets.demo_path())
>>> ranked = potential_partners(data, pm.datasets.FOCAL_ID, top=5, as_of=pm.datasets.DEMO_AS_OF)
>>> ranked.index.name, len(ranked), ranked["score"].is_monotonic_decreasing
('org_id', 5, True)
"""

from __future__ import annotations

from ._helpers import GAP_COLUMNS, GAP_MEANINGS
from .partners import COMPONENT_MEANINGS, COMPONENTS, DEFAULT_WEIGHTS, format_partners, potential_partners, read_weights
from .portfolio import Portfolio, portfolio, review_schedule
from .structural import format_gaps, gaps_table, structural_gaps
from .what_if import WhatIf, what_if

__all__ = [
    "COMPONENTS",
    "COMPONENT_MEANINGS",
    "DEFAULT_WEIGHTS",
    "GAP_COLUMNS",
    "GAP_MEANINGS",
    "Portfolio",
    "WhatIf",
    "format_gaps",
    "format_partners",
    "gaps_table",
    "portfolio",
    "potential_partners",
    "read_weights",
    "review_schedule",
    "structural_gaps",
    "what_if",
]
