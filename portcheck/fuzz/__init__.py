"""portcheck fuzz: differential fuzzing of wasi:http engines, buckets minimized into scenarios.

The generators, by name: the registry is the only list of them. Adding one is a module beside
these (one class implementing `interface.Generator`) and one line in `GENERATORS`.
"""

from __future__ import annotations

from portcheck.fuzz.api_sequences import ApiSequences
from portcheck.fuzz.client_messages import ClientMessages
from portcheck.fuzz.interface import Generator
from portcheck.fuzz.server_requests import ServerRequests

GENERATORS: dict[str, type[Generator]] = {
    generator.name: generator for generator in (ClientMessages, ServerRequests, ApiSequences)
}
