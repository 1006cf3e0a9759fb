"""Commands run in this interpreter (typer's CliRunner): each owns its processes, and engine
types come from the registry alone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portcheck import engines
from portcheck.cli import app
from portcheck.engines.reference import reference_table
from tests.conftest import FIXED_SERVER, HELLO_CLIENT, ROOT, write_matrix
from tests.engines.toy import Toywasm

TOY_MATRIX = (
    """
[matrix]
engines = ["wasmtime", "toy"]

[engines.toy]
type = "toywasm"
flags = ["-O", "opt-level=0"]
"""
    + HELLO_CLIENT
    + FIXED_SERVER
)


@pytest.fixture
def toy_registered() -> Iterator[None]:
    engines.register(Toywasm)
    yield
    del engines.TYPES[Toywasm.type_name]


@pytest.mark.e2e
def test_a_toy_engine_type_is_one_module_and_one_registry_line(toy_registered: None, tmp_path: Path) -> None:
    matrix = write_matrix(tmp_path, TOY_MATRIX, "hello_client.wat", "fixed_server.wat")
    output = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["run", str(matrix), "-f", "json", "-o", str(output)])
    assert result.exit_code == 0, result.output
    report = json.loads(output.read_text())
    assert [engine["type"] for engine in report["engines"]] == ["wasmtime", "toywasm"]
    assert {cell["verdict"] for s in report["scenarios"] for cell in s["cells"].values()} == {
        "baseline",
        "same",
    }
    listed = CliRunner().invoke(app, ["engines", "--matrix", str(matrix)])
    assert "toywasm" in listed.output and "-O opt-level=0" in listed.output
    assert "`toywasm`" in reference_table()


def test_a_second_command_in_the_same_interpreter_is_not_interrupted(tmp_path: Path) -> None:
    matrix = write_matrix(
        tmp_path, TOY_MATRIX.replace("toywasm", "wasmtime"), "hello_client.wat", "fixed_server.wat"
    )
    for _ in range(2):
        result = CliRunner().invoke(app, ["run", str(matrix), "--list"])
        assert result.exit_code == 0, result.output
        assert "2 scenario(s) x 2 engine(s)" in result.output
    bad = CliRunner().invoke(app, ["run", str(tmp_path / "missing.toml")])
    assert bad.exit_code == 2
    again = CliRunner().invoke(app, ["builtins"])
    assert again.exit_code == 0 and "server-repeated-headers" in again.output


def test_the_readme_engine_reference_is_the_registry() -> None:
    assert reference_table() in (ROOT / "README.md").read_text()
