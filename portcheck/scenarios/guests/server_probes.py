"""The server component: every server probe, chosen per request by PORTCHECK_PROBE.

All server scenarios share this one component; each handler is a small function in one of
the modules below, named by its scenario's env.
"""

from __future__ import annotations

import os

import server_basic
import server_bodies
import server_fields
import server_life
import server_resources
from probes import collect
from wit_world import exports
from wit_world.imports.types import IncomingRequest, ResponseOutparam

HANDLERS = collect(server_basic, server_fields, server_life, server_bodies, server_resources)


class IncomingHandler(exports.IncomingHandler):
    def handle(self, request: IncomingRequest, response_out: ResponseOutparam) -> None:
        HANDLERS[os.environ["PORTCHECK_PROBE"]](request, response_out)
