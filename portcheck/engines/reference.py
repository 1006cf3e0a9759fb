"""The engine reference in the README, written from the registry: each type's options, as declared."""

from __future__ import annotations

from portcheck.engines import TYPES
from portcheck.engines.interface import Engine, Option


def option_text(option: Option) -> str:
    text = f"`{option.name}`: {option.help}"
    if option.choices:
        choices = " or ".join(f'`"{choice}"`' for choice in option.choices)
        text += f", {choices}"
    if option.many:
        text += " (a list of strings)"
    if option.default not in (None, ()):
        text += f' (default `"{option.default}"`)'
    return text


def row(engine: type[Engine]) -> str:
    options = "; ".join(option_text(option) for option in engine.OPTIONS) or "none"
    cells = [f"`{engine.type_name}`", engine.summary, options, engine.client_command, engine.server_command]
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def reference_table() -> str:
    """A Markdown table: one row per engine type (`portcheck engines types` prints it)."""
    lines = [
        "| type | what it is | `[engines.NAME]` keys besides `type` | client scenarios | server scenarios |",
        "| --- | --- | --- | --- | --- |",
        *(row(engine) for engine in TYPES.values()),
    ]
    return "\n".join(lines) + "\n"
