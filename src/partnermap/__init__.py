"""partnermap: map, measure and grow community partnership networks.

Examples
--------
>>> import partnermap as pm
>>> data = pm.load(pm.datasets.demo_path())
>>> G = pm.build_graph(data)
"""

from __future__ import annotations

import importlib

from . import datasets, gaps, maps, network_view, schema
from ._data import LoadReport, PartnerData, Problem
from ._errors import DataValidationError, ParameterError, PartnermapError, UnknownOrganizationError
from .centrality import COLUMN_MEANINGS, centrality, format_summary, network_summary
from .coverage import coverage, underserved
from .gaps import portfolio, potential_partners, structural_gaps, what_if
from .graph import build_graph, directed_ties, graph_from_data, graph_to_frames, simple_graph
from .load import load, validate

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """``pm.report``, imported on first use.

    The runner imports papermill and nbconvert (about 1.5 s), which the other commands and
    the notebooks do not need.
    """
    if name == "report":
        return importlib.import_module(".report", __name__)
    raise AttributeError(f"module 'partnermap' has no attribute {name!r}")


__all__ = [
    "COLUMN_MEANINGS",
    "centrality",
    "coverage",
    "format_summary",
    "gaps",
    "portfolio",
    "potential_partners",
    "structural_gaps",
    "what_if",
    "network_summary",
    "underserved",
    "DataValidationError",
    "LoadReport",
    "PartnerData",
    "ParameterError",
    "PartnermapError",
    "Problem",
    "UnknownOrganizationError",
    "build_graph",
    "datasets",
    "maps",
    "network_view",
    "report",
    "directed_ties",
    "graph_from_data",
    "graph_to_frames",
    "load",
    "schema",
    "simple_graph",
    "validate",
]
