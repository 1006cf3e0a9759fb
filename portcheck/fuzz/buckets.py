"""Buckets: one per signature, with how often it showed, on which engines, and its smallest case."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from portcheck.fuzz.known import KnownClass, known_reason
from portcheck.fuzz.search import Drawn
from portcheck.fuzz.signature import Element

# Per generator: more are counted, not kept (a generator that finds that many has a systematic
# cause). Per generator, so that one finding much does not leave the next none to keep.
MAX_BUCKETS = 40


def bucket_name(generator: str, signature: str) -> str:
    """The scenario name found.toml gives a bucket: the same for the same signature, run after run."""
    return f"fuzz-{generator}-{hashlib.sha256(signature.encode()).hexdigest()[:8]}"


@dataclass
class Bucket:
    signature: str
    generator: str
    example: Any  # the smallest case that shows it
    drawn: Drawn[Any] | None  # its choice sequence (None for a case made from a user's scenario)
    first_case: int  # the number of the case that first showed it
    source: str = "generated"  # generated, replayed (from the example database), or seed
    count: int = 0
    engines: dict[str, int] = field(default_factory=dict)
    fields: list[str] = field(default_factory=list)
    minimized: bool = False
    shrink_runs: int = 0
    verified: str = "not run"  # reproduced, not reproduced, not run

    @property
    def name(self) -> str:
        return bucket_name(self.generator, self.signature)


@dataclass
class KnownBucket:
    signature: str
    engine: str
    reason: str
    count: int = 0


@dataclass
class Buckets:
    known: list[KnownClass] = field(default_factory=list)
    found: dict[str, Bucket] = field(default_factory=dict)
    accepted: dict[tuple[str, str], KnownBucket] = field(default_factory=dict)
    dropped: dict[str, dict[str, int]] = field(default_factory=dict)  # generator -> signature -> cases

    def new_signatures(
        self, generator: str, elements: dict[str, list[Element]]
    ) -> dict[str, list[tuple[str, str]]]:
        """Signatures these findings show that no [[known]] entry covers: signature -> [(engine, field)]."""
        new: dict[str, list[tuple[str, str]]] = {}
        for engine, items in elements.items():
            for element in items:
                name = bucket_name(generator, element.signature)
                reason = known_reason(self.known, engine, name, element.signature, element.field)
                if reason is None:
                    new.setdefault(element.signature, []).append((engine, element.field))
                else:
                    accepted = self.accepted.setdefault(
                        (element.signature, engine), KnownBucket(element.signature, engine, reason)
                    )
                    accepted.count += 1
        return new

    def record(
        self,
        generator: str,
        elements: dict[str, list[Element]],
        case: Any,
        drawn: Drawn[Any] | None,
        number: int,
        source: str,
    ) -> list[Bucket]:
        """Count what one case showed; the buckets it opened. A case tried while shrinking opens
        buckets (and may give one a smaller case) but is not counted: counts are of the cases drawn."""
        opened = []
        for signature, where in self.new_signatures(generator, elements).items():
            bucket = self.found.get(signature)
            if bucket is None:
                if len(self.of(generator)) >= MAX_BUCKETS:
                    past = self.dropped.setdefault(generator, {})
                    past[signature] = past.get(signature, 0) + (source != "shrinking")
                    continue
                bucket = self.found[signature] = Bucket(signature, generator, case, drawn, number, source)
                opened.append(bucket)
            elif drawn is not None and bucket.drawn is not None and drawn.size < bucket.drawn.size:
                bucket.example, bucket.drawn = case, drawn
            if source == "shrinking" and bucket not in opened:
                continue
            bucket.count += 1
            for engine, path in where:
                bucket.engines[engine] = bucket.engines.get(engine, 0) + 1
                if path not in bucket.fields:
                    bucket.fields.append(path)
        return opened

    def of(self, generator: str) -> list[Bucket]:
        return [bucket for bucket in self.found.values() if bucket.generator == generator]

    def signatures(self) -> Iterable[str]:
        return self.found.keys()
