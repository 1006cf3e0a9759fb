"""The jco engine type: components transpiled to JavaScript, on Node, Bun or Deno."""

from portcheck.engines.jco.engine import Jco

__all__ = ["Jco"]
