"""`portcheck repro`: a folder that reproduces one scenario with the engines' own command lines."""

from portcheck.repro.folder import write

__all__ = ["write"]
