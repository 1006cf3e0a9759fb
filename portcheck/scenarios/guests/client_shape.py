"""Client probes for request shape: authorities, paths, methods, Host."""

from __future__ import annotations
