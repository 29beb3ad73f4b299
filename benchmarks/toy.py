"""The peer: an idiomatic per-agent Mesa model of our shape, to measure the real model against.

One Python ``step()`` per employee and week, the way a Mesa model is usually written: a morale
rule (toward a target set by the service one got and one's workload, with a little noise), a
request to one's manager (who serves as many as their hours allow, in arrival order), and a quit
draw (a quitter is replaced by a new hire at once). No customers, no departments, no culture:
far simpler than the real model, so the ratio real / toy says what the columnar state and the
compiled kernels buy against writing the model agent by agent.
"""

from __future__ import annotations

import math
import time

import mesa

SPAN = 7  # reports per manager, as the real model's default pyramid
HOURS = 4.0  # hours a manager has for their reports' requests per week
MEAN_HOURS = 1.5  # hours of one request


class ToyEmployee(mesa.Agent):
    """One employee: morale, a manager, an inbox of this week's requests from reports."""

    def __init__(self, model: ToyModel, manager: ToyEmployee | None) -> None:
        super().__init__(model)
        self.manager = manager
        self.morale = 0.6
        self.inbox: list[ToyEmployee] = []
        self.served_last = True

    def step(self) -> None:
        # Morale rule: toward a target from the service one got, with noise.
        target = 0.7 if self.served_last else 0.4
        target -= 0.1 * len(self.inbox) / SPAN
        self.morale += 0.1 * (target - self.morale) + self.random.gauss(0.0, 0.02)
        self.morale = min(max(self.morale, 0.0), 1.0)
        # Serve the requests one's reports sent last week, in arrival order, while hours last.
        hours = HOURS
        for report in self.inbox:
            need = self.random.expovariate(1.0 / MEAN_HOURS)
            report.served_last = need <= hours
            hours -= min(need, hours)
        self.inbox = []
        # A request to one's manager.
        if self.manager is not None:
            self.manager.inbox.append(self)
        # Quit draw: the hazard rises as morale falls; a quitter is replaced by a new hire.
        if self.random.random() < 0.004 * math.exp(3.0 * (0.6 - self.morale)):
            self.morale = 0.6
            self.model.quits += 1


class ToyModel(mesa.Model):
    """A pyramid of ``n`` ToyEmployees (span 7), stepped agent by agent in random order."""

    def __init__(self, n: int, seed: int = 1) -> None:
        super().__init__(rng=seed)
        self.quits = 0
        people: list[ToyEmployee] = []
        for i in range(n):
            people.append(ToyEmployee(self, people[(i - 1) // SPAN] if i else None))

    def step(self) -> None:
        self.agents.shuffle_do("step")


def toy_throughput(n: int, weeks: int, seed: int = 1) -> dict[str, float]:
    """Employee-weeks per second of the toy at ``n`` employees (CPU time of this process)."""
    t0 = time.process_time()
    model = ToyModel(n, seed=seed)
    build = time.process_time() - t0
    t1 = time.process_time()
    for _ in range(weeks):
        model.step()
    cpu = time.process_time() - t1
    return {
        "headcount": n,
        "weeks": weeks,
        "build_s": build,
        "cpu_s": cpu,
        "employee_weeks_per_cpu_s": n * weeks / cpu if cpu > 0 else float("inf"),
    }
