#!/usr/bin/env python3
"""Check recorded traces against shared/reference/real-server-notes.md and write MANIFEST.md.

  verify.py [DIR]            checks every <name>.trace.jsonl in DIR (default traces/real),
                             prints PASS/DIFF per recording, writes DIR/MANIFEST.md.
Exit code 0 even when a check differs: a difference is a finding about the real server,
to be reported, not a recorder failure. Plain stdlib: runs without the venv.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(path: Path) -> dict:
    t = {"header": None, "actions": [], "outcomes": {}, "threads": {}}
    for ln in path.read_text().splitlines():
        o = json.loads(ln)
        if o["type"] == "header":
            t["header"] = o
        elif o["type"] == "outcome":
            t["outcomes"][o["run"]] = o
        elif o["type"] == "thread":
            t["threads"][o["thread"]] = o
        else:
            t["actions"].append(o)
    return t


def creates(t):
    return {a["run"]: a for a in t["actions"] if a["type"] == "create"}


def acts(t, type_, run=None):
    return [a for a in t["actions"] if a["type"] == type_ and (run is None or a.get("run") == run)]


class Checker:
    def __init__(self, t):
        self.t = t
        self.results: list[tuple[bool, str]] = []

    def ok(self, cond: bool, what: str):
        self.results.append((bool(cond), what))

    def status(self, **want):
        for r, s in want.items():
            got = self.t["outcomes"].get(r, {}).get("status")
            self.ok(got == s, f"{r} {s} (got {got})")

    def code(self, run, code):
        got = creates(self.t).get(run, {}).get("status_code")
        self.ok(got == code, f"create {run} -> {code} (got {got})")

    def ckpts(self, run, n):
        got = self.t["outcomes"].get(run, {}).get("checkpoints")
        self.ok(got == n, f"{run} checkpoints {n} (got {got})")

    def never_started(self, *runs):
        for r in runs:
            got = self.t["outcomes"].get(r, {}).get("started_at")
            self.ok(got is None, f"{r} never started (started_at {got})")

    def starts_before(self, a, b):
        sa = self.t["outcomes"][a].get("started_t_us")
        sb = self.t["outcomes"][b].get("started_t_us")
        self.ok(sa is not None and sb is not None and sa < sb, f"{a} starts before {b}")

    def starts_after_end(self, a, b):
        """b starts after a ended."""
        ea = self.t["outcomes"][a].get("ended_t_us")
        sb = self.t["outcomes"][b].get("started_t_us")
        self.ok(ea is not None and sb is not None and sb >= ea,
                f"{b} starts after {a} ends (gap {None if ea is None or sb is None else (sb - ea) / 1000:.1f} ms)"
                if ea is not None and sb is not None else f"{b} starts after {a} ends (missing times)")

    def thread(self, th, status):
        got = self.t["threads"].get(th, {}).get("status")
        self.ok(got == status, f"thread {th} ends {status} (got {got})")

    def max_concurrency(self, n, at_most=False):
        iv = [(o["started_t_us"], o["ended_t_us"]) for o in self.t["outcomes"].values()
              if o.get("started_t_us") is not None and o.get("ended_t_us") is not None]
        ev = sorted([(s, 1) for s, _ in iv] + [(e, -1) for _, e in iv], key=lambda x: (x[0], x[1]))
        cur = best = 0
        for _, d in ev:
            cur += d
            best = max(best, cur)
        if at_most:
            self.ok(best <= n, f"concurrent runs <= {n} slots (peak {best})")
        else:
            self.ok(best == n, f"max concurrent runs {n} (got {best})")


ACTION_TYPES = {"thread_create", "create", "join", "cancel", "cancel_many", "delete", "get"}
OUTCOME_STATUSES = {"success", "interrupted", "error", "timeout", "pending", "running", "deleted", "not_created"}


def _iso_plus(t0: str, t_us: int) -> str:
    import datetime as dt
    base = dt.datetime.fromisoformat(t0.replace("Z", "+00:00"))
    t = base + dt.timedelta(microseconds=t_us)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond:06d}Z"


def format_checks(path: Path, c: Checker) -> None:
    """Invariants of runledger-trace v1 that the Swift importer may rely on (traces/README.md)."""
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    types = [o["type"] for o in lines]
    h = lines[0]
    ok = h["type"] == "header" and h["format"] == "runledger-trace" and h["version"] == 1
    # header, then actions, then outcomes, then threads
    order = {"header": 0, "outcome": 2, "thread": 3}
    ranks = [order.get(x, 1) for x in types]
    ok &= ranks == sorted(ranks) and types.count("header") == 1
    acts_ = [o for o in lines if order.get(o["type"], 1) == 1]
    ok &= all(a["type"] in ACTION_TYPES for a in acts_)
    ok &= [a["seq"] for a in acts_] == list(range(1, len(acts_) + 1))
    ok &= all(x["t_us"] <= y["t_us"] for x, y in zip(acts_, acts_[1:]))
    ok &= all(a["at"] == _iso_plus(h["t0"], a["t_us"]) and a["done_at"] == _iso_plus(h["t0"], a["done_t_us"])
              and a["done_t_us"] >= a["t_us"] for a in acts_)
    outs = [o for o in lines if o["type"] == "outcome"]
    ok &= [o["run"] for o in outs] == [a["run"] for a in acts_ if a["type"] == "create"]
    ok &= all(o["status"] in OUTCOME_STATUSES for o in outs)
    ok &= all((o["run_id"] is None) == (o["status"] == "not_created") for o in outs)
    ths = {o["thread"] for o in lines if o["type"] == "thread"}
    ok &= {a["thread"] for a in acts_ if a.get("thread")} <= ths
    ok &= h["counts"] == {"actions": len(acts_), "runs": len(outs), "threads": len(ths)}
    srv = path.with_name(path.name.replace(".trace.jsonl", ".server.jsonl"))
    ok &= srv.exists() and h["server"]["server_log"] == srv.name
    c.ok(bool(ok), "runledger-trace v1 format invariants")


def expectations(name: str, c: Checker) -> None:
    t = c.t
    S = c.status
    if name == "a1_reject_while_running":
        c.code("R2", 409); S(R1="success"); c.ckpts("R1", 7)
    elif name == "a2_reject_while_pending":
        c.code("R2", 409); S(R1="success")
    elif name == "a3_reject_on_idle_thread":
        c.code("R2", 200); S(R1="success", R2="success")
    elif name == "h3_after_seconds_then_reject":
        c.code("R2", 409); S(R1="success")
    elif name == "b1_enqueue_while_running":
        S(R1="success", R2="success"); c.starts_after_end("R1", "R2")
    elif name == "b2_enqueue_fifo_3_queued":
        S(R1="success", R2="success", R3="success", R4="success")
        c.starts_after_end("R1", "R2"); c.starts_after_end("R2", "R3"); c.starts_after_end("R3", "R4")
    elif name == "b4_enqueue_while_pending":
        S(R1="success", R2="success"); c.starts_after_end("R1", "R2")
    elif name == "h2_after_seconds_then_enqueue":
        S(R1="success", R2="success"); c.starts_before("R2", "R1")
    elif name == "h1_after_seconds_delayed_run":
        S(R1="success")
        cr = creates(t)["R1"]
        d = (t["outcomes"]["R1"]["created_t_us"] - cr["t_us"]) / 1e6
        c.ok(1.9 < d < 2.2, f"created_at ~ request + 2 s (got {d:.3f} s)")
    elif name == "j_default_strategy":
        S(R1="success", R2="success")
        got = (creates(t)["R2"].get("body") or {}).get("multitask_strategy")
        c.ok(creates(t)["R2"]["multitask_strategy"] is None and got == "enqueue",
             f"R2 sent no strategy and got enqueue (got {got})")
    elif name == "c1_interrupt_after_partial_progress":
        S(R1="interrupted", R2="success"); c.ckpts("R1", 5)
        g = [a for a in acts(t, "get", "R1") if a.get("what") == "run"]
        c.ok(g and g[0].get("run_status") == "interrupted", "runs.get(R1) right after -> interrupted")
    elif name == "x_interrupt_victim_still_pending":
        S(R1="interrupted", R2="success"); c.never_started("R1")
    elif name == "h3_after_seconds_then_interrupt":
        S(R1="interrupted", R2="success"); c.never_started("R1")
    elif name == "e_interrupt_with_2_pending":
        S(R1="interrupted", R2="interrupted", R3="interrupted", R4="success"); c.never_started("R2", "R3")
    elif name == "x_interrupt_chain":
        S(R1="interrupted", R2="interrupted", R3="success")
    elif name == "d1_rollback_after_partial_progress":
        S(R1="deleted", R2="success"); c.ckpts("R1", 0)
        g = [a for a in acts(t, "get", "R1") if a.get("what") == "run"]
        c.ok(g and g[0].get("status_code") == 404, "runs.get(R1) right after -> 404")
    elif name == "d2_rollback_after_partial_progress_while_joined":
        S(R1="deleted", R2="success"); c.ckpts("R1", 0)
        j = acts(t, "join", "R1")
        c.ok(j and j[0].get("status_code") == 200 and len((j[0].get("body") or {}).get("messages") or []) == 2,
             "join(R1) answered 200 with R1's 2 messages")
        c.ok(t["outcomes"]["R1"].get("end_event") == "Background run rolled back", "worker logged 'Background run rolled back'")
    elif name == "d3_rollback_keeps_previous_runs_checkpoints":
        S(R0="success", R1="deleted", R2="success"); c.ckpts("R0", 5); c.ckpts("R1", 0)
    elif name == "x_rollback_victim_still_pending":
        S(R1="deleted", R2="success"); c.never_started("R1")
    elif name == "h3_after_seconds_then_rollback":
        S(R1="deleted", R2="success"); c.never_started("R1")
    elif name == "e_rollback_with_2_pending":
        S(R1="deleted", R2="deleted", R3="deleted", R4="success")
    elif name == "g2_join_pending_run_then_rollback":
        S(R1="deleted", R2="interrupted", R3="success")
    elif name == "w_wait_endpoint_then_rollback":
        S(R1="deleted", R2="success")
        c.ok(t["outcomes"]["R1"].get("end_event") == "Background run rolled back", "subscriber path: 'Background run rolled back'")
    elif name == "w2_stream_endpoint_then_interrupt":
        S(R1="interrupted", R2="success")
    elif name == "f_cancel_interrupt_running":
        S(R1="interrupted"); c.ckpts("R1", 5); c.thread("T1", "interrupted")
        c.ok(acts(t, "cancel")[0]["status_code"] == 202, "cancel -> 202")
    elif name == "f_cancel_rollback_running":
        S(R1="deleted"); c.ckpts("R1", 0); c.thread("T1", "busy")
        c.ok(acts(t, "cancel")[0]["status_code"] == 202, "cancel -> 202")
    elif name == "f2_cancel_rollback_running_then_new_run":
        S(R1="deleted", R2="success"); c.code("R2", 200); c.thread("T1", "idle")
        g = [a for a in acts(t, "get") if a.get("what") == "thread"]
        c.ok(g and g[0].get("thread_status") == "busy", "thread still busy 3 s after the rollback")
    elif name == "f_cancel_interrupt_pending":
        S(R1="success", R2="interrupted"); c.never_started("R2")
        g = [a for a in acts(t, "get") if a.get("what") == "thread"]
        c.ok(g and g[0].get("thread_status") == "idle", "thread shows idle while R1 runs")
    elif name == "f_cancel_rollback_pending":
        S(R1="success", R2="deleted")
    elif name == "f_cancel_interrupt_running_wait":
        S(R1="interrupted")
        cc = acts(t, "cancel")[0]
        c.ok(cc["status_code"] == 200 and (cc.get("body") or {}).get("empty"), f"cancel wait -> 200 {{}} in {cc['latency_us']/1000:.1f} ms")
    elif name == "f_cancel_rollback_running_wait":
        S(R1="deleted"); c.thread("T1", "idle")
    elif name == "f_cancel_interrupt_pending_wait":
        S(R1="success", R2="interrupted"); c.never_started("R2")
    elif name == "f_cancel_rollback_pending_wait":
        S(R1="success", R2="interrupted"); c.never_started("R2")
    elif name == "f3_cancel_rollback_pending_only_run_1jobs":
        S(A1="success", B1="deleted"); c.never_started("B1"); c.thread("TB", "busy")
    elif name == "h4_after_seconds_then_cancel_rollback":
        S(R1="deleted"); c.never_started("R1"); c.thread("T1", "busy")
    elif name == "f_cancel_finished_run":
        S(R1="success")
        c.ok([a["status_code"] for a in acts(t, "cancel")] == [404, 404], "both cancels -> 404")
    elif name == "k_cancel_many":
        S(R1="interrupted", R2="interrupted")
        c.ok([a["status_code"] for a in acts(t, "cancel_many")] == [204, 404], "cancel_many -> 204 then 404")
    elif name == "l_delete_finished_run":
        S(R1="success", R2="deleted"); c.ok(acts(t, "delete")[0]["status_code"] == 204, "delete -> 204")
    elif name == "g_join_finished_running_rolled_back":
        S(R1="success", R2="success", R3="deleted", R4="interrupted")
        j = {a["run"]: a for a in acts(t, "join")}
        c.ok(j["R3"]["status_code"] == 200 and j["R3"]["body"]["error_404"], "join(rolled back) -> 200 with __error__ 404")
        c.ok(j["R1"]["latency_us"] >= 400_000, f"join(finished) takes ~0.5 s (got {j['R1']['latency_us']/1000:.0f} ms)")
        c.thread("T3", "busy")
    elif name == "i_if_not_exists":
        c.code("R1", 200); c.code("R2", 404); c.code("R3", 404); c.code("R5", 409); S(R1="success", R4="success")
    elif name == "y_head_of_line_2jobs":
        S(A1="success", A2="success", C1="success"); c.starts_after_end("A1", "C1")
    elif name == "y_head_of_line_10jobs":
        S(A1="success", A2="success", C1="success")
        o = t["outcomes"]
        c.ok(o["C1"]["started_t_us"] < o["A1"]["ended_t_us"], "C1 starts while A1 runs")
    elif name == "y_head_of_line_1jobs":
        c.starts_after_end("A1", "A2"); c.starts_after_end("A2", "C1")
    elif name.startswith("z_cross_thread_concurrency_"):
        n = int(name.rsplit("_", 1)[1].replace("jobs", ""))
        S(R1="success", R2="success", R3="success", R4="success"); c.max_concurrency(min(n, 4))
    elif name.startswith("load_"):
        h = t["header"]
        c.ok(len(t["outcomes"]) >= 150, f">= 150 runs (got {len(t['outcomes'])})")
        c.ok(len(t["threads"]) >= 20, f">= 20 threads (got {len(t['threads'])})")
        stuck = [r for r, o in t["outcomes"].items() if o["status"] in ("pending", "running")]
        c.ok(not stuck, f"all runs ended (in flight at the end: {len(stuck)})")
        # At most one running run per thread at any time (as seen in start/end log times).
        byth: dict = {}
        for o in t["outcomes"].values():
            if o.get("started_t_us") is not None and o.get("ended_t_us") is not None:
                byth.setdefault(o["thread"], []).append((o["started_t_us"], o["ended_t_us"]))
        overlaps = 0
        for iv in byth.values():
            iv.sort()
            overlaps += sum(1 for a, b in zip(iv, iv[1:]) if b[0] < a[1])
        c.ok(overlaps == 0, f"no two workers overlap on one thread (got {overlaps})")
        c.max_concurrency(h["server"]["slots"], at_most=True)
    else:
        c.ok(True, "no expectations written")


def hol_blocked(t, slack_us: int = 1_000_000) -> int:
    """Runs that, while pending, spent more than `slack_us` with a free slot and no running run
    on their own thread (beyond the 0.5-1 s poll delay): head-of-line blocking in the queue."""
    slots = t["header"]["server"]["slots"]
    iv = [(o["started_t_us"], o["ended_t_us"], o["thread"]) for o in t["outcomes"].values()
          if o.get("started_t_us") is not None and o.get("ended_t_us") is not None]
    n = 0
    for o in t["outcomes"].values():
        a, b = o.get("created_t_us"), o.get("started_t_us")
        if a is None or b is None or b - a <= slack_us:
            continue
        cuts = sorted({a, b} | {x for s, e, _ in iv for x in (s, e) if a < x < b})
        free = 0
        for lo, hi in zip(cuts, cuts[1:]):
            mid = (lo + hi) / 2
            running = [th for s, e, th in iv if s <= mid < e]
            if len(running) < slots and o["thread"] not in running:
                free += hi - lo
        n += free > slack_us
    return n


def summary(t) -> str:
    counts: dict[str, int] = {}
    for o in t["outcomes"].values():
        counts[o["status"]] = counts.get(o["status"], 0) + 1
    if t["header"]["scenario"].startswith("load_"):
        q = sorted(o["run_queue_ms"] for o in t["outcomes"].values() if o.get("run_queue_ms") is not None)
        codes: dict = {}
        for a in t["actions"]:
            if a["type"] in ("create", "cancel", "join"):
                k = f"{a['type']} {a.get('status_code')}"
                codes[k] = codes.get(k, 0) + 1
        th: dict = {}
        for x in t["threads"].values():
            th[x["status"]] = th.get(x["status"], 0) + 1
        return (", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                + f"; head-of-line held (>1 s with a free slot and an idle thread): {hol_blocked(t)}"
                + f"; run_queue_ms median {q[len(q) // 2]}, p90 {q[int(len(q) * 0.9)]}, max {q[-1]} ({len(q)} started)"
                + "; answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(codes.items()))
                + "; threads at end: " + ", ".join(f"{k} {v}" for k, v in sorted(th.items())))
    if len(t["outcomes"]) <= 6:
        return ", ".join(f"{r} {o['status']}" for r, o in t["outcomes"].items())
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def main() -> int:
    d = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent / "traces" / "real"
    rows = []
    ndiff = 0
    for p in sorted(d.glob("*.trace.jsonl")):
        name = p.name[: -len(".trace.jsonl")]
        t = load(p)
        c = Checker(t)
        try:
            format_checks(p, c)
        except Exception as e:
            c.ok(False, f"format check crashed: {type(e).__name__}: {e}")
        try:
            expectations(name, c)
        except Exception as e:
            c.ok(False, f"check crashed: {type(e).__name__}: {e}")
        bad = [w for ok, w in c.results if not ok]
        ndiff += bool(bad)
        print(("PASS " if not bad else "DIFF ") + name + ("" if not bad else ": " + "; ".join(bad)))
        srv = d / f"{name}.server.jsonl"
        rows.append((name, t, bad, c.results, srv.stat().st_size if srv.exists() else 0, p.stat().st_size))
    with open(d / "MANIFEST.md", "w") as f:
        f.write("# Real recordings (traces/real)\n\n")
        f.write("Recorded from a real `langgraph dev` (langgraph-api 0.16.7, in-memory runtime 0.36.7) by\n"
                "`Tools/recorder/record-all`. Each `<name>.trace.jsonl` (format: `traces/README.md`) has a\n"
                "`<name>.server.jsonl` beside it with the server's own log lines. This table is written by\n"
                "`Tools/recorder/verify.py`, which also checks each recording against\n"
                "`shared/reference/real-server-notes.md` (column *checks*). For the loads, *head-of-line held*\n"
                "counts runs that spent more than 1 s pending while a slot was free and no run of their own\n"
                "thread was running (from the worker start/end log times).\n\n")
        f.write("| file | scenario | slots | runs | what it shows | recorded outcomes | checks |\n")
        f.write("| --- | --- | --- | --- | --- | --- | --- |\n")
        for name, t, bad, res, ssz, tsz in rows:
            h = t["header"]
            desc = (h.get("description") or "").replace("|", "\\|")
            chk = f"{sum(1 for ok, _ in res if ok)}/{len(res)} ok" + ("" if not bad else " — differs: " + "; ".join(bad))
            f.write(f"| `{name}.trace.jsonl` ({tsz // 1024} KiB, server log {ssz // 1024} KiB) | {h['scenario']} | "
                    f"{h['server']['slots']} | {len(t['outcomes'])} | {desc} | {summary(t)} | {chk.replace('|', '/')} |\n")
    print(f"{len(rows)} recordings, {ndiff} with differences; wrote {d / 'MANIFEST.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
