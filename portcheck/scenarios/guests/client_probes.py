"""The client component: every client probe, chosen at run time by PORTCHECK_PROBE.

All client scenarios share this one component (built once, compiled once per engine); each
probe is a small function in one of the modules below, named by its scenario's env.
"""

from __future__ import annotations

import os

import client_basic
import client_bodies
import client_errors
import client_fields
import client_resources
import client_shape
from probes import collect
from wit_world import exports

PROBES = collect(client_basic, client_fields, client_errors, client_bodies, client_shape, client_resources)


class Run(exports.Run):
    def run(self) -> None:
        PROBES[os.environ["PORTCHECK_PROBE"]]()
