"""Client probes for fields: forbidden and invalid names, case, immutability, odd bytes."""

from __future__ import annotations
