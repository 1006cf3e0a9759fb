"""The one small interface every fuzz generator implements.

A generator is one module in portcheck/fuzz/ and one line in the registry (__init__.py). It
declares the kind of component it drives and its generic guests, gives a Hypothesis strategy for
its cases (seeded with values from the user's own scenarios), and turns a case into what a
session sends (`ClientInput` or a request) and into the `[[scenario]]` table that reproduces it
with `portcheck run`. Cases are plain frozen data; nothing here starts a process.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from hypothesis import strategies as st

from portcheck.fuzz.seeds import Seeds
from portcheck.fuzz.signature import Element, elements, refine_text
from portcheck.model.observation import Observation
from portcheck.model.report import Difference
from portcheck.model.scenario import Kind, OriginResponse, ScriptedRequest

Case = Any  # a generator's own frozen dataclass
Table = dict[str, Any]  # TOML data: one [[scenario]] table


@dataclass(frozen=True)
class ClientInput:
    """What a client session needs for one case: the guest's instruction and the origin's answers."""

    instruction: dict[str, Any]
    responses: tuple[OriginResponse, ...]


class Generator(ABC):
    name: ClassVar[str]  # what --generator takes
    kind: ClassVar[Kind]  # the kind of component it drives
    summary: ClassVar[str]  # one line for --help and the README
    # The generic guests, by language: a source under portcheck/scenarios/ (None: no guest in it).
    guests: ClassVar[dict[str, str | None]]
    # Guests that answer one request per component instance (StarlingMonkey's fetch event): each
    # case gets a server of its own, on every engine.
    single_request: ClassVar[frozenset[str]] = frozenset()
    # The origin's requests are compared sorted (a case may send several at once, and which
    # arrives first is a race); its found.toml scenarios say `sorted_requests` too.
    sorted_requests: ClassVar[bool] = False

    def __init__(self, seeds: Seeds | None = None, generic: bool = True) -> None:
        self.seeds = seeds or Seeds()
        self.generic = generic  # False: the user's own component, which knows no instructions

    @abstractmethod
    def strategy(self) -> st.SearchStrategy[Case]:
        """Every case this generator makes (shrinking moves toward the simplest)."""

    @abstractmethod
    def session_input(self, case: Case) -> ClientInput | ScriptedRequest:
        """What the session sends for this case: a client's instruction and origin, or a request."""

    @abstractmethod
    def scenario_table(self, case: Case) -> Table:
        """The keys of a [[scenario]] (besides name, kind, source, description) that reproduce it."""

    @abstractmethod
    def describe(self, case: Case) -> list[str]:
        """The case in a few lines, for found.md."""

    def refine(self, where: str, baseline: str, engine: str) -> list[str]:
        """Signatures of a difference in printed text (stdout, a body): the generic guests' records."""
        return refine_text(where, baseline, engine)

    def elements(
        self, differences: list[Difference], base: Observation, engine: Observation
    ) -> list[Element]:
        """The signatures one engine's differences show (observations as compared, placeholders in)."""
        return elements(differences, base, engine, self.refine)

    def seed_cases(self) -> list[Case]:
        """Cases made from the user's own scenarios, run before anything generated."""
        return []
