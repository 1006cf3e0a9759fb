"""Values from the user's own scenarios, which the generators draw from too."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portcheck.model.scenario import Scenario


@dataclass(frozen=True)
class Seeds:
    """Values taken from the user's own scenarios: the strategies draw from them too."""

    header_names: tuple[str, ...] = ()
    header_values: tuple[bytes, ...] = ()
    statuses: tuple[int, ...] = ()
    methods: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    bodies: tuple[bytes, ...] = ()
    scenarios: tuple[Scenario, ...] = field(default=(), compare=False)

    @classmethod
    def from_scenarios(cls, scenarios: tuple[Scenario, ...]) -> Seeds:
        names, values, statuses, methods, paths, bodies = [], [], [], [], [], []
        for scenario in scenarios:
            for response in scenario.origin.responses if scenario.origin else ():
                statuses.append(response.status)
                names += [name for name, _ in response.headers]
                values += [value.encode("utf-8", "surrogateescape") for _, value in response.headers]
                bodies.append(response.body)
            for request in scenario.requests:
                methods.append(request.method)
                paths.append(request.path)
                names += [name for name, _ in request.headers]
                values += [value.encode("utf-8", "surrogateescape") for _, value in request.headers]
                bodies.append(request.body)

        def unique(items: list[Any]) -> tuple[Any, ...]:
            return tuple(dict.fromkeys(item for item in items if item not in ("", b"")))

        return cls(
            unique(names),
            unique(values),
            unique(statuses),
            unique(methods),
            unique(paths),
            unique(bodies),
            scenarios,
        )
