"""Server probes for bodies and framing as a handler writes them."""

from __future__ import annotations
