"""partnermap: map, measure and grow community partnership networks."""

from __future__ import annotations

__version__ = "0.1.0"
