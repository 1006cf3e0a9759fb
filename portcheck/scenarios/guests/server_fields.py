"""Server probes for fields as a handler sees and sets them."""

from __future__ import annotations
