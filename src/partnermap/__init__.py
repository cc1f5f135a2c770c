"""partnermap: map, measure and grow community partnership networks.

Examples
--------
>>> import partnermap as pm
>>> data = pm.load(pm.datasets.demo_path())
>>> G = pm.build_graph(data)
"""

from __future__ import annotations

from . import datasets, report, schema
from ._data import LoadReport, PartnerData, Problem
from ._errors import DataValidationError, PartnermapError, UnknownOrganizationError
from .graph import build_graph, directed_ties, graph_from_data, graph_to_frames, simple_graph
from .load import load, validate

__version__ = "0.1.0"

__all__ = [
    "DataValidationError",
    "LoadReport",
    "PartnerData",
    "PartnermapError",
    "Problem",
    "UnknownOrganizationError",
    "build_graph",
    "datasets",
    "report",
    "directed_ties",
    "graph_from_data",
    "graph_to_frames",
    "load",
    "schema",
    "simple_graph",
    "validate",
]
