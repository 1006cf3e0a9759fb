"""`engines = [...]` and `[engines.NAME]` tables, checked against each engine type's own options."""

from __future__ import annotations

import re

from portcheck import engines
from portcheck.engines.interface import Option
from portcheck.errors import InputError
from portcheck.matrix.toml import Table, describe
from portcheck.model.scenario import EngineSpec, OptionValue


def parse_engines(matrix: Table, tables: Table) -> list[EngineSpec]:
    names = matrix.strings("engines")
    if not names:
        matrix.fail(
            "engines",
            f"missing or empty (expected a list of engines, such as {list(engines.DEFAULT_ENGINES)})",
        )
    specs = []
    for index, name in enumerate(names):
        where = f"matrix.engines[{index}]"
        if name in {spec.name for spec in specs}:
            raise InputError(matrix.file, where, f"engine {name!r} is listed twice")
        if tables.has(name):
            specs.append(parse_engine(name, tables))
        elif name in engines.TYPES:
            specs.append(EngineSpec(name=name, type=name))
        else:
            known = ", ".join([*engines.TYPES, *(key for key in tables.data if key not in engines.TYPES)])
            raise InputError(
                matrix.file,
                where,
                f"unknown engine {name!r} (known: {known}; or define it in [engines.{name}])",
            )
    return specs


def parse_engine(name: str, tables: Table) -> EngineSpec:
    data = tables.get(name, dict, f"an [engines.{name}] table", {})
    kind = data.get("type")
    if kind not in engines.TYPES:
        raise InputError(
            tables.file,
            f"engines.{name}.type",
            f"expected one of {', '.join(engines.TYPES)}, got {describe(kind)}",
        )
    options = engines.TYPES[kind].OPTIONS
    table = Table(data, tables.file, f"engines.{name}", ("type", *(option.name for option in options)))
    given = [(option.name, parse_option(table, option)) for option in options if table.has(option.name)]
    return EngineSpec(name=name, type=kind, options=tuple(given))


def parse_option(table: Table, option: Option) -> OptionValue:
    if option.many:
        words = tuple(table.strings(option.name))
        for word in words:
            if word.split("=", 1)[0] in option.reserved:
                table.fail(option.name, f"{word.split('=', 1)[0]} is set by portcheck itself; leave it out")
        return words
    value = table.require(option.name, str, "a string")
    if option.choices and value not in option.choices:
        table.fail(
            option.name, f"expected one of {', '.join(repr(c) for c in option.choices)}, got {value!r}"
        )
    if option.pattern and not re.fullmatch(option.pattern, value):
        table.fail(
            option.name, f"expected {option.expected or 'a value matching ' + option.pattern}, got {value!r}"
        )
    return value
