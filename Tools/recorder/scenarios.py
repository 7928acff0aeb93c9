"""Named scenarios for record.py. Each is an async function over a record.Session.

Names mirror shared/reference/real-server-notes.md where they match. Runs are R1, R2, ... in
creation order; threads T1, T2, ...; a run's tag (its messages' prefix) is its ref.
Default work: 4 steps x 400 ms. Descriptions are repeated in traces/README.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Awaitable, Callable

W = dict(steps=4, step_ms=400)  # default work


@dataclass
class Scenario:
    name: str
    slots: int
    description: str
    fn: Callable[..., Awaitable[None]]


SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str, description: str, slots: int = 10):
    def deco(fn):
        SCENARIOS[name] = Scenario(name, slots, description, fn)
        return fn
    return deco


# ---------------------------------------------------------------- reject

@scenario("a1_reject_while_running", "R1 running (1 step done); R2 mts=reject -> 409; R1 unaffected.")
async def a1(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.wait_steps("R1", 1)
    await s.get_thread("T1")
    await s.create("R2", "T1", mts="reject", **W)


@scenario("a2_reject_while_pending", "R1 just created (still pending); R2 mts=reject -> 409: a pending run is in flight.")
async def a2(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.get("R1")
    await s.create("R2", "T1", mts="reject", **W)


@scenario("a3_reject_on_idle_thread", "R1 finished (joined); R2 mts=reject -> 200: reject only looks at pending/running runs.")
async def a3(s):
    await s.thread("T1")
    await s.create("R1", "T1", steps=2, step_ms=300)
    await s.join("R1")
    await s.get("R1")
    await s.create("R2", "T1", mts="reject", steps=2, step_ms=300)


@scenario("h3_after_seconds_then_reject", "R1 after_seconds=3 (delayed, pending); R2 mts=reject -> 409.")
async def h3r(s):
    await s.thread("T1")
    await s.create("R1", "T1", after_seconds=3, steps=1, step_ms=300)
    await s.sleep(0.2)
    await s.create("R2", "T1", mts="reject", steps=1, step_ms=300)


# ---------------------------------------------------------------- enqueue / default

@scenario("b1_enqueue_while_running", "R1 running; R2 mts=enqueue -> 200 pending; R2 starts after R1 ends.")
async def b1(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.wait_steps("R1", 1)
    await s.create("R2", "T1", mts="enqueue", steps=2, step_ms=400)


@scenario("b2_enqueue_fifo_3_queued", "R1 running; R2, R3, R4 enqueue 50 ms apart; FIFO R1->R2->R3->R4.")
async def b2(s):
    await s.thread("T1")
    await s.create("R1", "T1", steps=2, step_ms=400)
    await s.wait_steps("R1", 1)
    for r in ("R2", "R3", "R4"):
        await s.create(r, "T1", mts="enqueue", steps=1, step_ms=300)
        await s.sleep(0.05)


@scenario("b4_enqueue_while_pending", "R1 just created (pending); R2 enqueue at once; both run, R1 first.")
async def b4(s):
    await s.thread("T1")
    await s.create("R1", "T1", steps=2, step_ms=300)
    await s.create("R2", "T1", mts="enqueue", steps=2, step_ms=300)


@scenario("h2_after_seconds_then_enqueue", "R1 after_seconds=3; R2 enqueue right after: R2 runs first (queue sorted by created_at incl. the delay).")
async def h2(s):
    await s.thread("T1")
    await s.create("R1", "T1", after_seconds=3, steps=1, step_ms=300)
    await s.create("R2", "T1", mts="enqueue", steps=1, step_ms=300)


@scenario("h1_after_seconds_delayed_run", "R1 after_seconds=2 on an idle thread: created_at = request + 2 s; starts 2.5-3 s after the request.")
async def h1(s):
    await s.thread("T1")
    await s.create("R1", "T1", after_seconds=2, steps=1, step_ms=300)
    await s.get("R1")
    await s.get_thread("T1")


@scenario("j_default_strategy", "R1 running; R2 created with no multitask_strategy -> the server answers multitask_strategy=enqueue.")
async def j(s):
    await s.thread("T1")
    await s.create("R1", "T1", steps=3, step_ms=400)
    await s.wait_steps("R1", 1)
    await s.create("R2", "T1", steps=1, step_ms=300)


# ---------------------------------------------------------------- interrupt

@scenario("c1_interrupt_after_partial_progress", "R1 (4x500 ms) with 2 steps done; R2 mts=interrupt: R1 interrupted keeping its 5 checkpoints, R2 succeeds.")
async def c1(s):
    await s.thread("T1")
    await s.create("R1", "T1", steps=4, step_ms=500)
    await s.wait_steps("R1", 2)
    await s.create("R2", "T1", mts="interrupt", steps=2, step_ms=300)
    await s.get("R1")


@scenario("x_interrupt_victim_still_pending", "R1 pending (not started); R2 mts=interrupt: R1 interrupted without running; thread shows idle meanwhile.")
async def xi(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.create("R2", "T1", mts="interrupt", steps=2, step_ms=300)
    await s.get("R1")
    await s.get_thread("T1")


@scenario("h3_after_seconds_then_interrupt", "R1 after_seconds=3 (delayed); R2 mts=interrupt: R1 interrupted, never executes.")
async def h3i(s):
    await s.thread("T1")
    await s.create("R1", "T1", after_seconds=3, steps=1, step_ms=300)
    await s.sleep(0.2)
    await s.create("R2", "T1", mts="interrupt", steps=1, step_ms=300)
    await s.get("R1")


@scenario("e_interrupt_with_2_pending", "R1 running, R2+R3 enqueued; R4 mts=interrupt: R1, R2, R3 interrupted (pending ones too), R4 succeeds.")
async def ei(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.wait_steps("R1", 1)
    await s.create("R2", "T1", mts="enqueue", steps=2, step_ms=300)
    await s.create("R3", "T1", mts="enqueue", steps=2, step_ms=300)
    await s.create("R4", "T1", mts="interrupt", steps=1, step_ms=300)
    for r in ("R1", "R2", "R3"):
        await s.get(r)


@scenario("x_interrupt_chain", "R1 running; R2 interrupt; 0.2 s later R3 interrupt while R2 still pending: R1, R2 interrupted; R3 succeeds.")
async def xic(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.wait_steps("R1", 1)
    await s.create("R2", "T1", mts="interrupt", steps=2, step_ms=300)
    await s.sleep(0.2)
    await s.create("R3", "T1", mts="interrupt", steps=1, step_ms=300)


# ---------------------------------------------------------------- rollback

@scenario("d1_rollback_after_partial_progress", "R1 (4x500 ms) with 2 steps done, nobody joined; R2 mts=rollback: R1 deleted at once (404) with its checkpoints; R2 succeeds.")
async def d1(s):
    await s.thread("T1")
    await s.create("R1", "T1", steps=4, step_ms=500)
    await s.wait_steps("R1", 2)
    await s.create("R2", "T1", mts="rollback", steps=2, step_ms=300)
    await s.get("R1")


@scenario("d2_rollback_after_partial_progress_while_joined", "As d1 but a client is blocked in join(R1): R1 first shows interrupted, then its worker deletes it; the join answers R1's messages.")
async def d2(s):
    await s.thread("T1")
    await s.create("R1", "T1", steps=4, step_ms=500)
    s.join("R1")
    await s.wait_steps("R1", 2)
    await s.create("R2", "T1", mts="rollback", steps=2, step_ms=300)
    await s.get("R1")


@scenario("d3_rollback_keeps_previous_runs_checkpoints", "R0 done; R1 rolled back by R2 after 2 steps: only R1's checkpoints go; R2 continues from R0's final state.")
async def d3(s):
    await s.thread("T1")
    await s.create("R0", "T1", steps=2, step_ms=300)
    await s.join("R0")
    await s.create("R1", "T1", steps=4, step_ms=500)
    await s.wait_steps("R1", 2)
    await s.create("R2", "T1", mts="rollback", steps=1, step_ms=300)


@scenario("x_rollback_victim_still_pending", "R1 pending (not started), nobody joined; R2 mts=rollback: R1 deleted at once, R2 succeeds.")
async def xr(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.create("R2", "T1", mts="rollback", steps=2, step_ms=300)
    await s.get("R1")


@scenario("h3_after_seconds_then_rollback", "R1 after_seconds=3 (delayed); R2 mts=rollback: R1 deleted (404), never executes.")
async def h3rb(s):
    await s.thread("T1")
    await s.create("R1", "T1", after_seconds=3, steps=1, step_ms=300)
    await s.sleep(0.2)
    await s.create("R2", "T1", mts="rollback", steps=1, step_ms=300)
    await s.get("R1")


@scenario("e_rollback_with_2_pending", "R1 running, R2+R3 enqueued; R4 mts=rollback: R1, R2, R3 deleted (404); R4 succeeds.")
async def er(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.wait_steps("R1", 1)
    await s.create("R2", "T1", mts="enqueue", steps=2, step_ms=300)
    await s.create("R3", "T1", mts="enqueue", steps=2, step_ms=300)
    await s.create("R4", "T1", mts="rollback", steps=1, step_ms=300)
    for r in ("R1", "R2", "R3"):
        await s.get(r)


@scenario("g2_join_pending_run_then_rollback", "R1 running, R2 pending with a client joined on R2; R3 mts=rollback: R1 deleted, R2 interrupted (not deleted), R3 succeeds.")
async def g2(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.wait_steps("R1", 1)
    await s.create("R2", "T1", mts="enqueue", steps=2, step_ms=300)
    s.join("R2")
    await s.sleep(0.2)
    await s.create("R3", "T1", mts="rollback", steps=1, step_ms=300)
    await s.get("R1")
    await s.get("R2")


@scenario("w_wait_endpoint_then_rollback", "R1 created through POST /runs/wait (its creator is a stream subscriber); after 2 steps R2 mts=rollback: subscriber path, worker deletes R1.")
async def w(s):
    await s.thread("T1")
    await s.create("R1", "T1", steps=4, step_ms=500, endpoint="wait")
    await s.wait_steps("R1", 2)
    await s.create("R2", "T1", mts="rollback", steps=1, step_ms=300)
    await s.get("R1")


@scenario("w2_stream_endpoint_then_interrupt", "R1 created through POST /runs/stream; after 1 step R2 mts=interrupt: the stream ends, R1 interrupted, R2 succeeds.")
async def w2(s):
    await s.thread("T1")
    await s.create("R1", "T1", steps=4, step_ms=400, endpoint="stream")
    await s.wait_steps("R1", 1)
    await s.create("R2", "T1", mts="interrupt", steps=1, step_ms=300)


# ---------------------------------------------------------------- cancel

@scenario("f_cancel_interrupt_running", "cancel(R1, interrupt) after 2 steps: 202; R1 interrupted keeping its checkpoints; thread ends interrupted.")
async def fir(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.wait_steps("R1", 2)
    await s.cancel("R1", action="interrupt")
    await s.get("R1")
    await s.sleep(0.5)
    await s.get_thread("T1")


@scenario("f_cancel_rollback_running", "cancel(R1, rollback) after 2 steps, nobody joined: 202; R1 deleted with its checkpoints; thread stays busy (quirk).")
async def frr(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.wait_steps("R1", 2)
    await s.cancel("R1", action="rollback")
    await s.get("R1")
    await s.sleep(1.0)
    await s.get_thread("T1")


@scenario("f2_cancel_rollback_running_then_new_run", "As f_cancel_rollback_running; 3 s later R2 mts=reject -> 200 (nothing in flight) and the thread goes back to idle.")
async def f2(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.wait_steps("R1", 2)
    await s.cancel("R1", action="rollback")
    await s.sleep(3.0)
    await s.get_thread("T1")
    await s.create("R2", "T1", mts="reject", steps=1, step_ms=300)


@scenario("f_cancel_interrupt_pending", "R1 running, R2 pending; cancel(R2, interrupt): R2 interrupted, never runs; thread shows idle while R1 still runs.")
async def fip(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.wait_steps("R1", 1)
    await s.create("R2", "T1", mts="enqueue", steps=2, step_ms=300)
    await s.cancel("R2", action="interrupt")
    await s.get("R2")
    await s.get_thread("T1")


@scenario("f_cancel_rollback_pending", "R1 running, R2 pending; cancel(R2, rollback): R2 deleted at once; R1 succeeds.")
async def frp(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.wait_steps("R1", 1)
    await s.create("R2", "T1", mts="enqueue", steps=2, step_ms=300)
    await s.cancel("R2", action="rollback")
    await s.get("R2")


@scenario("f_cancel_interrupt_running_wait", "cancel(R1, interrupt, wait=True) after 2 steps: answers {} a few ms later; R1 interrupted.")
async def firw(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.wait_steps("R1", 2)
    await s.cancel("R1", action="interrupt", wait=True)
    await s.get("R1")


@scenario("f_cancel_rollback_running_wait", "cancel(R1, rollback, wait=True) after 2 steps: subscriber path; R1 deleted by its worker; thread ends idle (not stuck).")
async def frrw(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.wait_steps("R1", 2)
    await s.cancel("R1", action="rollback", wait=True)
    await s.get("R1")
    await s.get_thread("T1")


@scenario("f_cancel_interrupt_pending_wait", "R1 running, R2 pending; cancel(R2, interrupt, wait=True): R2 interrupted without running.")
async def fipw(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.wait_steps("R1", 1)
    await s.create("R2", "T1", mts="enqueue", steps=2, step_ms=300)
    await s.cancel("R2", action="interrupt", wait=True)
    await s.get("R2")


@scenario("f_cancel_rollback_pending_wait", "R1 running, R2 pending; cancel(R2, rollback, wait=True): the wait subscribes first, so R2 is interrupted, not deleted.")
async def frpw(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.wait_steps("R1", 1)
    await s.create("R2", "T1", mts="enqueue", steps=2, step_ms=300)
    await s.cancel("R2", action="rollback", wait=True)
    await s.get("R2")


@scenario("f3_cancel_rollback_pending_only_run_1jobs", "1 slot: TA/A1 (3x500 ms) running; TB/B1 queued behind it (its thread's only run); cancel(B1, rollback): B1 deleted at once, TB stays busy with no run (stuck busy, seen in the loads).", slots=1)
async def f3(s):
    await s.thread("TA")
    await s.thread("TB")
    await s.create("A1", "TA", steps=3, step_ms=500)
    await s.wait_status("A1", {"running"})
    await s.create("B1", "TB", steps=1, step_ms=300)
    await s.sleep(0.3)
    await s.cancel("B1", action="rollback")
    await s.get("B1")
    await s.get_thread("TB")


@scenario("h4_after_seconds_then_cancel_rollback", "R1 after_seconds=3 (delayed, the thread's only run); cancel(R1, rollback) after 0.5 s: R1 deleted, never runs; T1 stays busy.")
async def h4(s):
    await s.thread("T1")
    await s.create("R1", "T1", after_seconds=3, steps=1, step_ms=300)
    await s.sleep(0.5)
    await s.cancel("R1", action="rollback")
    await s.get("R1")
    await s.sleep(3.5)
    await s.get_thread("T1")


@scenario("f_cancel_finished_run", "cancel a finished (success) run with both actions: 404 'No matching runs to cancel'; R1 unchanged.")
async def ffin(s):
    await s.thread("T1")
    await s.create("R1", "T1", steps=1, step_ms=300)
    await s.join("R1")
    await s.cancel("R1", action="interrupt")
    await s.cancel("R1", action="rollback")
    await s.get("R1")


@scenario("k_cancel_many", "T1: R1 running + R2 pending, cancel_many(thread, [R1,R2], interrupt) -> 204; then cancel_many(status=all) with nothing in flight -> 404.")
async def kcm(s):
    await s.thread("T1")
    await s.create("R1", "T1", **W)
    await s.wait_steps("R1", 1)
    await s.create("R2", "T1", mts="enqueue", steps=2, step_ms=300)
    await s.cancel_many(thread="T1", refs=["R1", "R2"], action="interrupt")
    await s.get("R1")
    await s.get("R2")
    await s.sleep(0.5)
    await s.cancel_many(status="all", action="interrupt")


@scenario("l_delete_finished_run", "R1, R2 finished on T1; DELETE R2 -> 204: R2's record and checkpoints are removed, state reverts to R1's end.")
async def ldel(s):
    await s.thread("T1")
    await s.create("R1", "T1", steps=1, step_ms=300)
    await s.create("R2", "T1", mts="enqueue", steps=1, step_ms=300)
    await s.join("R2")
    await s.delete("R2")
    await s.get("R2")


# ---------------------------------------------------------------- join

@scenario("g_join_finished_running_rolled_back", "join on T1/R1 finished (~0.5 s, values), T2/R2 running (answers at its end), T3/R3 rolled back (200 with __error__ 404), T4/R4 interrupted.")
async def gj(s):
    for t in ("T1", "T2", "T3", "T4"):
        await s.thread(t)
    await s.create("R1", "T1", steps=1, step_ms=300)
    await s.create("R3", "T3", steps=4, step_ms=500)
    await s.create("R4", "T4", steps=4, step_ms=500)
    await s.join("R1")
    await s.wait_steps("R3", 1)
    await s.cancel("R3", action="rollback")
    await s.cancel("R4", action="interrupt")
    await s.create("R2", "T2", steps=3, step_ms=400)
    await s.wait_steps("R2", 1)
    await s.join("R2")
    await s.join("R3")
    await s.join("R4")


# ---------------------------------------------------------------- if_not_exists

@scenario("i_if_not_exists", "unknown thread ids with if_not_exists=create (200, thread made), reject (404), omitted (404); busy part: R_busy2 reject+create -> 409.")
async def ine(s):
    s.unknown_thread("TC")
    s.unknown_thread("TR")
    s.unknown_thread("TO")
    await s.create("R1", "TC", if_not_exists="create", steps=1, step_ms=300)
    await s.create("R2", "TR", if_not_exists="reject", steps=1, step_ms=300)
    await s.create("R3", "TO", steps=1, step_ms=300)
    await s.thread("TB")
    await s.create("R4", "TB", **W)
    await s.wait_steps("R4", 1)
    await s.create("R5", "TB", mts="reject", if_not_exists="create", steps=1, step_ms=300)


# ---------------------------------------------------------------- scheduling across threads

def _hol(slots):
    async def body(s):
        await s.thread("TA")
        await s.thread("TC")
        await s.create("A1", "TA", steps=6, step_ms=500)
        await s.wait_status("A1", {"running"})
        await s.create("A2", "TA", mts="enqueue", steps=1, step_ms=300)
        await s.sleep(0.05)
        await s.create("C1", "TC", steps=1, step_ms=300)
    return body


for _n in (10, 2, 1):
    scenario(f"y_head_of_line_{_n}jobs",
             f"{_n} slot(s): A1 (6x500 ms) running on TA, A2 enqueued on TA, C1 on idle TC 50 ms later. "
             + ("With 2 slots C1 waits for A1 although a slot is free (head-of-line blocking)." if _n == 2 else
                "With 1 slot everything is serial: A1, A2, C1." if _n == 1 else "C1 starts ~0.5-1 s after creation."),
             slots=_n)(_hol(_n))


def _z(slots):
    async def body(s):
        for t in ("T1", "T2", "T3", "T4"):
            await s.thread(t)
        for i, t in enumerate(("T1", "T2", "T3", "T4"), 1):
            await s.create(f"R{i}", t, steps=2, step_ms=500)
    return body


for _n in (10, 2, 1):
    scenario(f"z_cross_thread_concurrency_{_n}jobs",
             f"{_n} slot(s): 4 threads x 1 run (2x500 ms) created at once: "
             + {10: "all 4 concurrent.", 2: "two, then two.", 1: "one at a time."}[_n],
             slots=_n)(_z(_n))
