"""Gathers the probe functions of the probe modules into one table, by function name."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any


def collect(*modules: ModuleType) -> dict[str, Callable[..., Any]]:
    """Every public function defined in `modules` (not imported into them), by name; names are unique."""
    table: dict[str, Callable[..., Any]] = {}
    for module in modules:
        for name, value in vars(module).items():
            if (
                callable(value)
                and getattr(value, "__module__", "") == module.__name__
                and not name.startswith("_")
            ):
                if name in table:
                    raise ValueError(f"probe {name} is defined twice ({module.__name__})")
                table[name] = value
    return table
