"""What portcheck says on stderr while it works, one line at a time."""

from __future__ import annotations

import os
import sys


def say(message: str) -> None:
    # One write per line: threads saying things at once must not splice their lines together.
    sys.stderr.write(f"portcheck: {message}\n")
    sys.stderr.flush()


def debugging() -> bool:
    """Whether PORTCHECK_DEBUG asks for tracebacks of portcheck's own errors."""
    return bool(os.environ.get("PORTCHECK_DEBUG"))


def first_line(text: str | None) -> str:
    """The first non-blank line of a tool's message, stripped."""
    return next((line.strip() for line in (text or "").splitlines() if line.strip()), "")
