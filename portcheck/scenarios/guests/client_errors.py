"""Client probes for errors and time: refused, unresolvable, reset, cut short, timeouts."""

from __future__ import annotations
