"""TOML read with typed accessors: every complaint names the file, the key and what was expected."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

from portcheck.errors import InputError

# Numbers a matrix can give (timeouts, sizes, counts): finite, above 0 and at most this.
NUMBER_LIMIT = 1e9
TIMEOUT_LIMIT = 3600.0  # seconds: an hour is longer than any engine run portcheck waits for


class Table:
    """A TOML table read with typed accessors; every complaint names file and key."""

    def __init__(self, data: dict[str, Any], file: Path, key: str, allowed: tuple[str, ...]) -> None:
        self.data, self.file, self.key = data, file, key
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            self.fail(unknown[0], f"unknown key (expected one of: {', '.join(allowed)})")

    def where(self, name: str) -> str:
        return f"{self.key}.{name}" if self.key else name

    def fail(self, name: str, problem: str) -> InputError:
        raise InputError(self.file, self.where(name), problem)

    def has(self, name: str) -> bool:
        return name in self.data

    def get(self, name: str, kind: type | tuple[type, ...], expected: str, default: Any = None) -> Any:
        if name not in self.data:
            return default
        value = self.data[name]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            self.fail(name, f"expected {expected}, got {describe(value)}")
        return value

    def require(self, name: str, kind: type | tuple[type, ...], expected: str) -> Any:
        if name not in self.data:
            self.fail(name, f"missing (expected {expected})")
        return self.get(name, kind, expected)

    def string(self, name: str, default: str | None = None) -> str | None:
        return self.get(name, str, "a string", default)

    def flag(self, name: str, default: bool = False) -> bool:
        return bool(self.get(name, bool, "true or false", default))

    def number(self, name: str, default: float, limit: float = NUMBER_LIMIT) -> float:
        """A finite number above 0 and at most `limit` (1e308 or nan is a mistake, not a wish)."""
        value = self.get(name, (int, float), "a number", default)
        if not (math.isfinite(value) and 0 < value <= limit):
            self.fail(name, f"expected a number above 0 and at most {limit:g}, got {value}")
        return float(value)

    def strings(self, name: str) -> list[str]:
        values = self.get(name, list, "a list of strings", [])
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise InputError(
                    self.file, f"{self.where(name)}[{index}]", f"expected a string, got {describe(value)}"
                )
        return values

    def tables(self, name: str) -> list[dict[str, Any]]:
        values = self.get(name, list, f"an array of tables ([[{self.where(name)}]])", [])
        for index, value in enumerate(values):
            if not isinstance(value, dict):
                raise InputError(
                    self.file, f"{self.where(name)}[{index}]", f"expected a table, got {describe(value)}"
                )
        return values

    def pairs(self, name: str) -> tuple[tuple[str, str], ...]:
        values = self.get(name, list, 'a list of ["name", "value"] pairs', [])
        for index, pair in enumerate(values):
            if not (
                isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair)
            ):
                raise InputError(
                    self.file,
                    f"{self.where(name)}[{index}]",
                    f'expected a ["name", "value"] pair, got {describe(pair)}',
                )
        return tuple((pair[0], pair[1]) for pair in values)

    def body(self, name: str) -> bytes:
        """`body = "text"` (sent as UTF-8), or `body_file = "path"` (its bytes, relative to this file)."""
        file_key = f"{name}_file"
        if self.has(name) and self.has(file_key):
            self.fail(file_key, f"give either {name} or {file_key}, not both")
        if not self.has(file_key):
            return (self.string(name, "") or "").encode("utf-8")
        path = self.file.parent / (self.string(file_key) or "")
        try:
            return path.read_bytes()
        except OSError as error:
            self.fail(file_key, f"cannot read {path}: {error.strerror or error}")
            raise

    def one_of(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self.string(name, default) or default
        if value not in choices:
            self.fail(name, f"expected one of {', '.join(repr(c) for c in choices)}, got {value!r}")
        return value


def describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "", "no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, "", f"cannot read: {error}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, "", f"invalid TOML: {error}") from None
