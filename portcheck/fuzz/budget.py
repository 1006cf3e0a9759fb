"""Where the time goes: each generator's share, generation until its reserve, shrinking, verifying.

The whole run has `seconds` (or no limit, with a case count instead). Verifying the buckets at
the end with `portcheck run` needs a share of its own: a fixed part of the run, or more once so
many buckets are open that each one's few seconds add up to more. The rest is split evenly
between the generators, each share fixed when that generator starts (what one leaves over goes
to the next). Within a share, generation stops early enough to leave every bucket it opened a
few seconds of shrinking (at most half the share) and the verifying they add; shrinking stops at
the share's end. So shrinking never eats into the next generator's time or into verification.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

VERIFY_SHARE = 0.15  # of the whole run, kept for running found.toml with portcheck run at the end
VERIFY_SECONDS = 0.5  # verifying one bucket, six at a time (measured: 94 in 40.8 s on 2 cores)
SHRINK_SECONDS = 5.0  # what shrinking one bucket may take at most
SHRINK_SHARE = 0.3  # of a generator's share, at most, kept for shrinking
VERIFY_PHASE_SHARE = 0.2  # of a generator's share, at most, kept for verifying what it opened
UNLIMITED_SHRINK = 10.0  # per bucket, when the run has no time limit (--cases alone)


@dataclass
class Budget:
    seconds: float | None  # None: no time limit (then `cases` limits the run)
    cases: int | None  # per generator
    generators: int
    started: float = field(default_factory=time.monotonic)
    buckets: int = 0  # open in the whole run (the campaign keeps it up to date)
    phase_started: float = 0.0
    phase_end: float | None = None
    phase_buckets: int = 0  # open when this phase started
    phases_left: int = 0

    def __post_init__(self) -> None:
        self.phases_left = self.generators

    @property
    def end(self) -> float | None:
        return None if self.seconds is None else self.started + self.seconds

    def verify_reserve(self, buckets: int) -> float:
        assert self.seconds is not None
        return max(VERIFY_SHARE * self.seconds, VERIFY_SECONDS * buckets)

    def start_phase(self) -> None:
        now = time.monotonic()
        self.phase_started, self.phase_buckets = now, self.buckets
        if self.end is None:
            self.phase_end = None
        else:
            left = self.end - self.verify_reserve(self.buckets) - now
            self.phase_end = now + max(0.0, left) / max(self.phases_left, 1)
        self.phases_left -= 1

    def added_verifying(self) -> float:
        """What verifying the buckets opened in this phase adds to the reserve it started with
        (at most a fifth of the share: past that, some buckets go unverified rather than
        the run going over its time)."""
        if self.phase_end is None:
            return 0.0
        added = self.verify_reserve(self.buckets) - self.verify_reserve(self.phase_buckets)
        return min(added, VERIFY_PHASE_SHARE * (self.phase_end - self.phase_started))

    def generating(self, cases: int) -> bool:
        """Whether to generate another case, with `cases` generated in this phase."""
        if self.cases is not None and cases >= self.cases:
            return False
        if self.phase_end is None:
            return True
        share = self.phase_end - self.phase_started
        shrinking = min(SHRINK_SHARE * share, SHRINK_SECONDS * (self.buckets - self.phase_buckets))
        return time.monotonic() < self.phase_end - shrinking - self.added_verifying()

    def shrink_deadline(self, buckets_left: int) -> float:
        """When shrinking the next of `buckets_left` buckets must stop."""
        now = time.monotonic()
        if self.phase_end is None:
            return now + UNLIMITED_SHRINK
        fair = max(0.0, self.phase_end - self.added_verifying() - now) / max(buckets_left, 1)
        return now + min(SHRINK_SECONDS, fair)

    def elapsed(self) -> float:
        return time.monotonic() - self.started
