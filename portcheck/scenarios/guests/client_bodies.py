"""Client probes for bodies and framing: empty, large, mismatched lengths, trailers."""

from __future__ import annotations
