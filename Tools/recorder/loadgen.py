"""Seeded Poisson load for record.py --load.

The whole plan (arrival times, threads, strategies, work, joins, cancels, delays) is drawn from
random.Random(seed) before the server starts, so two recordings with the same seed send the
same requests at the same offsets whatever the server answers. Actions aimed at a run whose
create was refused (409/404) are skipped and counted in the header's load.skipped.
"""
from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any

DEFAULTS = {"runs": 220, "threads": 24, "rate": 2.2}

# Strategy mix: None = omit multitask_strategy (server default, enqueue).
STRATEGIES = [("enqueue", 0.45), (None, 0.10), ("reject", 0.17), ("interrupt", 0.16), ("rollback", 0.12)]
P_AFTER = 0.08        # after_seconds in [1, 3] s
P_JOIN = 0.12         # a join issued 0-2 s after the create
P_CANCEL = 0.07       # a cancel issued 0.3-3 s after the create
STEP_CHOICES = [2, 3, 3, 4, 4, 5]
STEP_MS_RANGE = (200, 600)


@dataclass
class Plan:
    params: dict
    actions: list[tuple[float, str, dict]] = field(default_factory=list)  # (offset s, kind, args)
    drain_s: float = 150.0

    async def execute(self, s) -> None:
        threads = sorted({a[2]["thread"] for a in self.actions if a[1] == "create"},
                         key=lambda x: int(x[1:]))
        for t in threads:
            await s.thread(t)
        skipped = {"join": 0, "cancel": 0}
        start = time.monotonic()
        tasks = []

        async def do(kind: str, args: dict) -> None:
            if kind == "create":
                await s.create(args["ref"], args["thread"], steps=args["steps"], step_ms=args["step_ms"],
                               mts=args["mts"], after_seconds=args["after_seconds"])
                return
            rid = await s.run_id(args["ref"], timeout_s=30)
            if not rid:
                skipped[kind] += 1
                return
            if kind == "join":
                s.join(args["ref"], timeout_s=240)
            elif kind == "cancel":
                await s.cancel(args["ref"], action=args["action"], wait=args["wait"])

        for off, kind, args in self.actions:
            delay = start + off - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(do(kind, args)))
        if tasks:
            await asyncio.wait(tasks, timeout=120)
        self.params["skipped"] = skipped


def _pick(rng: random.Random, table):
    x = rng.random()
    acc = 0.0
    for v, p in table:
        acc += p
        if x < acc:
            return v
    return table[-1][0]


def make_plan(seed: int, runs: int, threads: int, rate: float) -> Plan:
    rng = random.Random(seed)
    # Skewed thread popularity so some threads see real contention.
    weights = [1.0 / (i + 1) ** 0.7 for i in range(threads)]
    tnames = [f"T{i + 1}" for i in range(threads)]
    used = set()
    plan = Plan(params={"seed": seed, "runs": runs, "threads": threads, "rate_per_s": rate,
                        "strategies": {str(k): v for k, v in STRATEGIES}, "p_after_seconds": P_AFTER,
                        "p_join": P_JOIN, "p_cancel": P_CANCEL, "steps": STEP_CHOICES,
                        "step_ms": list(STEP_MS_RANGE), "thread_weight": "1/(i+1)^0.7"})
    t = 0.0
    for i in range(runs):
        t += rng.expovariate(rate)
        # Every thread gets at least one run: the first `threads` arrivals go round-robin.
        th = tnames[i] if i < threads else rng.choices(tnames, weights)[0]
        used.add(th)
        ref = f"r{i + 1:03d}"
        steps = rng.choice(STEP_CHOICES)
        step_ms = [rng.randint(*STEP_MS_RANGE) for _ in range(steps)]
        mts = _pick(rng, STRATEGIES)
        after = round(rng.uniform(1.0, 3.0), 1) if rng.random() < P_AFTER else None
        plan.actions.append((t, "create", {"ref": ref, "thread": th, "steps": steps, "step_ms": step_ms,
                                           "mts": mts, "after_seconds": after}))
        if rng.random() < P_JOIN:
            plan.actions.append((t + rng.uniform(0.0, 2.0), "join", {"ref": ref}))
        if rng.random() < P_CANCEL:
            plan.actions.append((t + rng.uniform(0.3, 3.0), "cancel",
                                 {"ref": ref, "action": rng.choice(["interrupt", "rollback"]),
                                  "wait": rng.random() < 0.3}))
    plan.actions.sort(key=lambda a: a[0])
    plan.params["arrival_span_s"] = round(t, 3)
    plan.params["planned"] = {k: sum(1 for a in plan.actions if a[1] == k) for k in ("create", "join", "cancel")}
    return plan
