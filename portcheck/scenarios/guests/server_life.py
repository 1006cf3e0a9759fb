"""Server probes for handler life: status codes, no response, errors, instance reuse."""

from __future__ import annotations
