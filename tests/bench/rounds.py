"""Interleaved rounds: every measurement once per round, medians and per-round ratios afterwards.

A load change on a shared machine then hits every measurement alike; a ratio is the median of
the per-round ratios (each against its reference measured in the same round), and the spread is
the min–max of the wall times over the rounds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Measurement:
    """One timed query: what it is, its peer (the ClickHouse query it is compared with), its times."""

    name: str
    run: Callable[[], Any]
    peer: str | None = None             # name of the peer measurement it is a ratio to
    budget_s: float | None = None       # at most this many seconds in total (pandas), at least one run
    walls: list[float | None] = field(default_factory=list)   # one per round; None = skipped
    cpus: list[float | None] = field(default_factory=list)

    @property
    def done(self) -> list[float]:
        return [w for w in self.walls if w is not None]

    @property
    def median(self) -> float:
        return statistics.median(self.done) if self.done else float("nan")

    @property
    def cpu(self) -> float:
        values = [c for c in self.cpus if c is not None]
        return statistics.median(values) if values else float("nan")

    @property
    def spread(self) -> tuple[float, float]:
        return (min(self.done), max(self.done)) if self.done else (float("nan"), float("nan"))


def run_rounds(measurements: list[Measurement], runs: int, log: Callable[[str], None] = print) -> None:
    """Run every measurement once per round, `runs` rounds; a budgeted one skips when over budget."""
    for round_no in range(1, runs + 1):
        for m in measurements:
            spent = sum(m.done)
            if m.budget_s is not None and m.done and spent + m.done[-1] > m.budget_s:
                m.walls.append(None)
                m.cpus.append(None)
                continue
            w0, c0 = time.perf_counter(), time.process_time()
            m.run()
            m.walls.append(time.perf_counter() - w0)
            m.cpus.append(time.process_time() - c0)
        log(f"  round {round_no}: " + ", ".join(f"{m.name} {m.walls[-1]:.2f}s"
                                                for m in measurements if m.walls[-1] is not None))


def ratio(m: Measurement, ref: Measurement) -> tuple[float, float, float]:
    """(median, min, max) over rounds where both ran of m's time ÷ ref's; medians' ratio if none paired."""
    pairs = [a / b for a, b in zip(m.walls, ref.walls) if a is not None and b is not None and b > 0]
    if not pairs:
        value = m.median / ref.median if ref.median else float("nan")
        return value, value, value
    return statistics.median(pairs), min(pairs), max(pairs)
