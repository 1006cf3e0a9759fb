"""The warden: a tiny process that kills portcheck's children when portcheck dies, however it dies.

portcheck starts one warden per command and writes `+PGID` / `-PGID` lines to its stdin as
children start and end. The kernel closes that pipe when portcheck exits for any reason,
SIGKILL included; at end of file the warden kills every process group still listed, and exits.
Killing the group takes an engine's own children with it.

It runs as a script (`python warden.py`), not as part of the package, so that it starts in
milliseconds and a repro folder can carry it. Standard library only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys


def main() -> None:
    # Its own session already keeps the terminal's Ctrl-C away; these keep a signal meant for
    # portcheck's group (a CI runner's SIGTERM, a closed terminal) from ending the warden first.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    groups: set[int] = set()
    for line in sys.stdin:
        sign, number = line[:1], line[1:].strip()
        if not number.isdigit():
            continue
        if sign == "+":
            groups.add(int(number))
        elif sign == "-":
            groups.discard(int(number))
    for group in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)


if __name__ == "__main__":
    main()
