"""matrix.toml into a Matrix: the TOML accessor, validation, built-in scenarios, selection, shards."""

from portcheck.matrix.builtins import builtin_scenarios
from portcheck.matrix.load import load_matrix
from portcheck.matrix.selection import select, shard

__all__ = ["builtin_scenarios", "load_matrix", "select", "shard"]
