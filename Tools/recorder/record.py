#!/usr/bin/env python3
"""Record real LangGraph dev-server traces for RunLedger.

Starts a real `langgraph dev` (in-memory edition) on 127.0.0.1 with an explicit free port and
`--n-jobs-per-worker N`, drives it with the official async `langgraph_sdk` client through a
named scenario (scenarios.py) or a seeded Poisson load (loadgen.py), and writes two files:

  <out>/<name>.trace.jsonl   the runledger-trace v1 format (traces/README.md)
  <out>/<name>.server.jsonl  the server's own stdout+stderr, line by line, verbatim

Then stops the server by its PID (SIGTERM, wait, SIGKILL fallback) and removes its state.
Every loop and wait is bounded in time. Only 127.0.0.1 is ever contacted.

Usage (inside Tools/recorder/.venv):
  record.py --list
  record.py --scenario a1_reject_while_running [--out DIR]
  record.py --all-scenarios [--out DIR]
  record.py --load load_2slots --slots 2 --seed 2 [--runs 220 --threads 24 --rate 2.2]
"""
from __future__ import annotations

import argparse
import asyncio
import contextvars
import datetime as dt
import importlib.metadata as md
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Callable

import httpx
from langgraph_sdk import get_client

HERE = Path(__file__).resolve().parent
GRAPH_DIR = HERE / "graph"
ASSISTANT_ID = "oracle"
FORMAT = "runledger-trace"
FORMAT_VERSION = 1
POLL_INTERVAL_MS = 500  # langgraph_runtime_inmem Runs.next sleep, see real-server-notes.md
LOOPBACK = "127.0.0.1"
TERMINAL = {"success", "error", "timeout", "interrupted"}

# Worker log events that end an attempt (langgraph_api.worker), see langgraph-run-semantics.md §8.
END_EVENTS_EXACT = {
    "Background run succeeded",
    "Background run interrupted",
    "Background run rolled back",
    "Ignoring rollback error for missing run",
    "Run exceeded max attempts",
}
END_EVENT_PREFIXES = (
    "Background run failed",
    "Background run timed out",
)


def log(msg: str) -> None:
    print(f"[record] {msg}", file=sys.stderr, flush=True)


def iso_z(t: dt.datetime) -> str:
    """ISO-8601 UTC with exactly 6 fractional digits and a trailing Z."""
    t = t.astimezone(dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond:06d}Z"


def parse_iso(s: str | None) -> dt.datetime | None:
    if not s:
        return None
    s = s.strip()
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    try:
        t = dt.datetime.fromisoformat(s)
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t


def norm_iso(s: str | None) -> str | None:
    t = parse_iso(s)
    return iso_z(t) if t else None


def versions() -> dict[str, str]:
    out = {}
    for pkg in ("langgraph-api", "langgraph-runtime-inmem", "langgraph-sdk", "langgraph-cli",
                "langgraph", "langgraph-checkpoint", "uvicorn", "starlette", "structlog"):
        try:
            out[pkg.replace("-", "_")] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg.replace("-", "_")] = None
    return out


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


class Server:
    """One `langgraph dev` process in a private copy of graph/, logging to server_log."""

    def __init__(self, slots: int, server_log: Path):
        self.slots = slots
        self.server_log = server_log
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.workdir: Path | None = None
        self.lines: list[str] = []  # decoded lines, same order as in the file
        self._lock = threading.Lock()
        self._reader: threading.Thread | None = None
        self.workers_logged: int | None = None
        self.uvicorn_port: int | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self, timeout_s: float = 90.0) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="runledger-rec-"))
        shutil.copytree(GRAPH_DIR, self.workdir, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", ".langgraph_api"))
        shutil.rmtree(self.workdir / ".langgraph_api", ignore_errors=True)
        self.port = free_port()
        env = dict(os.environ)
        for k in ("LANGSMITH_API_KEY", "LANGCHAIN_API_KEY", "LANGGRAPH_CLOUD_LICENSE_KEY",
                  "N_JOBS_PER_WORKER", "LANGGRAPH_API_KEY"):
            env.pop(k, None)
        env.update({
            "LANGSMITH_TRACING": "false", "LANGCHAIN_TRACING_V2": "false",
            "LANGGRAPH_CLI_NO_ANALYTICS": "1", "LANGGRAPH_NO_VERSION_CHECK": "true",
            "LOG_JSON": "true", "LOG_COLOR": "false", "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        })
        exe = Path(sys.executable).parent / "langgraph"
        cmd = [str(exe), "dev", "--host", LOOPBACK, "--port", str(self.port), "--no-browser",
               "--no-reload", "--n-jobs-per-worker", str(self.slots), "--server-log-level", "INFO"]
        self.server_log.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.server_log, "wb")
        self.proc = subprocess.Popen(cmd, cwd=self.workdir, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        log(f"server pid {self.proc.pid} port {self.port} slots {self.slots}")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early with {self.proc.returncode}; see {self.server_log}")
            try:
                with urllib.request.urlopen(f"{self.url}/ok", timeout=1.0) as r:
                    if r.status == 200 and self.workers_logged is not None:
                        break
            except Exception:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("server not ready in time")
        if self.uvicorn_port not in (None, self.port):
            raise RuntimeError(f"server bound port {self.uvicorn_port}, asked {self.port}")
        if self.workers_logged != self.slots:
            raise RuntimeError(f"server started {self.workers_logged} workers, asked {self.slots}")

    def _read(self) -> None:
        assert self.proc and self.proc.stdout
        for raw in iter(self.proc.stdout.readline, b""):
            self._fh.write(raw)
            self._fh.flush()
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._lock:
                self.lines.append(line)
            m = re.search(r"Starting (\d+) background workers", line)
            if m:
                self.workers_logged = int(m.group(1))
            m = re.search(r"Uvicorn running on https?://[^:]+:(\d+)", line)
            if m:
                self.uvicorn_port = int(m.group(1))

    def json_lines(self) -> list[dict]:
        with self._lock:
            lines = list(self.lines)
        out = []
        for ln in lines:
            if ln.startswith("{"):
                try:
                    obj = json.loads(ln)
                except ValueError:
                    continue
                if isinstance(obj, dict):
                    out.append(obj)
        return out

    def stop(self, grace_s: float = 15.0) -> None:
        if self.proc and self.proc.poll() is None:
            log(f"SIGTERM {self.proc.pid}")
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                log(f"SIGKILL {self.proc.pid}")
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self._reader:
            self._reader.join(timeout=5)
        try:
            self._fh.close()
        except Exception:
            pass
        if self.workdir:
            shutil.rmtree(self.workdir / ".langgraph_api", ignore_errors=True)
            shutil.rmtree(self.workdir, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# The client session: every action becomes one trace line
# --------------------------------------------------------------------------------------------

_http_holder: contextvars.ContextVar[dict | None] = contextvars.ContextVar("_http_holder", default=None)


async def _on_response(resp: httpx.Response) -> None:
    h = _http_holder.get()
    if h is not None:
        h["status_code"] = resp.status_code
        h.setdefault("first_response_ns", time.monotonic_ns())


def _err_info(e: BaseException) -> tuple[int | None, Any]:
    resp = getattr(e, "response", None)
    code = getattr(resp, "status_code", None)
    detail: Any = None
    if resp is not None:
        try:
            body = resp.json()
            detail = body.get("detail", body) if isinstance(body, dict) else body
        except Exception:
            try:
                detail = resp.text[:500]
            except Exception:
                detail = None
    if detail is None:
        detail = f"{type(e).__name__}: {e}"[:500]
    return code, detail


def run_essentials(r: dict | None) -> dict | None:
    if not isinstance(r, dict):
        return None
    return {k: (norm_iso(r.get(k)) if k.endswith("_at") else r.get(k))
            for k in ("run_id", "thread_id", "status", "created_at", "updated_at", "multitask_strategy")}


def body_essentials(body: Any) -> dict:
    """What a join / wait / cancel(wait) answered, reduced to what an importer needs."""
    out: dict[str, Any] = {"kind": type(body).__name__}
    if isinstance(body, dict):
        out["keys"] = sorted(body.keys())
        out["empty"] = len(body) == 0
        err = body.get("__error__")
        out["error"] = err
        out["error_404"] = bool(err) and "404" in json.dumps(err)
        if isinstance(body.get("messages"), list):
            out["messages"] = body["messages"]
    return out


class Session:
    """Drives one server; scenario code calls these methods. Times: see traces/README.md."""

    def __init__(self, server: Server, name: str, meta: dict):
        self.server = server
        self.name = name
        self.meta = meta
        self.client = get_client(url=server.url, api_key=None,
                                 timeout=httpx.Timeout(connect=5, read=120, write=30, pool=30))
        self.client.http.client.event_hooks["response"].append(_on_response)
        # The two clocks are sampled back to back; every ISO time of a client action is
        # t0_wall + t_us, so t_us and the ISO string never disagree.
        self.t0_ns = time.monotonic_ns()
        self.t0_wall = dt.datetime.now(dt.timezone.utc)
        self.actions: list[dict] = []
        self.seq = 0
        self.threads: dict[str, str] = {}  # ref -> thread_id
        self.runs: dict[str, dict] = {}  # ref -> {thread, thread_id, run_id, created(line)}
        self.run_futures: dict[str, asyncio.Future] = {}
        self.tasks: list[asyncio.Task] = []
        self.notes: list[str] = []

    # ---- clock ----
    def t_us(self, ns: int | None = None) -> int:
        return ((ns if ns is not None else time.monotonic_ns()) - self.t0_ns) // 1000

    def iso_of(self, t_us: int) -> str:
        return iso_z(self.t0_wall + dt.timedelta(microseconds=t_us))

    def server_t_us(self, iso: str | None) -> int | None:
        t = parse_iso(iso)
        if t is None:
            return None
        d = t - self.t0_wall
        return d.days * 86_400_000_000 + d.seconds * 1_000_000 + d.microseconds

    async def sleep(self, s: float) -> None:
        await asyncio.sleep(s)

    def _begin(self, type_: str, **fields: Any) -> dict:
        self.seq += 1
        t = self.t_us()
        line = {"type": type_, "seq": self.seq, "t_us": t, "at": self.iso_of(t)}
        line.update(fields)
        self.actions.append(line)
        return line

    def _done(self, line: dict, holder: dict | None = None) -> None:
        t = self.t_us()
        line["done_t_us"] = t
        line["done_at"] = self.iso_of(t)
        line["latency_us"] = t - line["t_us"]
        if holder is not None and "status_code" in holder and line.get("status_code") is None:
            line["status_code"] = holder["status_code"]

    async def _call(self, line: dict, coro_fn: Callable[[], Any], timeout_s: float) -> tuple[bool, Any]:
        holder: dict = {}
        token = _http_holder.set(holder)
        try:
            res = await asyncio.wait_for(coro_fn(), timeout=timeout_s)
            self._done(line, holder)
            return True, res
        except asyncio.TimeoutError:
            self._done(line, holder)
            line["status_code"] = None
            line["error"] = f"client timeout after {timeout_s}s"
            return False, None
        except Exception as e:  # HTTP errors are data here
            self._done(line, holder)
            code, detail = _err_info(e)
            line["status_code"] = code if code is not None else holder.get("status_code")
            line["detail"] = detail
            return False, None
        finally:
            _http_holder.reset(token)

    # ---- threads ----
    async def thread(self, ref: str) -> str:
        line = self._begin("thread_create", thread=ref)
        ok, res = await self._call(line, lambda: self.client.threads.create(), 30)
        if not ok:
            raise RuntimeError(f"thread create failed: {line}")
        tid = res["thread_id"]
        line["thread_id"] = tid
        line["body"] = {"status": res.get("status"), "created_at": norm_iso(res.get("created_at"))}
        self.threads[ref] = tid
        return tid

    def unknown_thread(self, ref: str) -> str:
        """A thread id that the server has never seen (for if_not_exists)."""
        tid = str(uuid.uuid4())
        self.threads[ref] = tid
        return tid

    # ---- runs ----
    def _work(self, tag: str, steps: int, step_ms: Any) -> dict:
        return {"tag": tag, "steps": steps, "step_ms": step_ms}

    async def create(self, ref: str, thread: str, *, steps: int = 4, step_ms: Any = 400,
                     mts: str | None = None, if_not_exists: str | None = None,
                     after_seconds: float | None = None, endpoint: str = "background",
                     timeout_s: float = 30.0) -> dict:
        """Create run `ref` on thread `thread`. endpoint: background | wait | stream.
        For wait/stream the call returns once the server has answered the headers (run_id
        known); the connection stays open in a task whose end is recorded in the same line."""
        tid = self.threads[thread]
        work = self._work(ref, steps, step_ms)
        fut = asyncio.get_running_loop().create_future()
        self.run_futures[ref] = fut
        line = self._begin("create", run=ref, thread=thread, thread_id=tid, endpoint=endpoint,
                           multitask_strategy=mts, if_not_exists=if_not_exists,
                           after_seconds=after_seconds, work=work,
                           status_code=None, run_id=None, body=None)
        kw: dict[str, Any] = {}
        if mts is not None:
            kw["multitask_strategy"] = mts
        if if_not_exists is not None:
            kw["if_not_exists"] = if_not_exists
        if after_seconds is not None:
            kw["after_seconds"] = after_seconds
        self.runs[ref] = {"thread": thread, "thread_id": tid, "run_id": None, "line": line}
        if endpoint == "background":
            ok, res = await self._call(line, lambda: self.client.runs.create(
                tid, ASSISTANT_ID, input=work, **kw), timeout_s)
            if ok:
                line["run_id"] = res.get("run_id")
                line["body"] = run_essentials(res)
                self.runs[ref]["run_id"] = res.get("run_id")
            if not fut.done():
                fut.set_result(line["run_id"])
            return line
        if endpoint not in ("wait", "stream"):
            raise ValueError(endpoint)
        return await self._create_streaming(ref, line, tid, work, kw, fut, endpoint, timeout_s)

    async def _create_streaming(self, ref, line, tid, work, kw, fut, endpoint, timeout_s):
        headers_at: dict = {}

        def on_created(meta: Any) -> None:
            t = self.t_us()
            rid = meta.get("run_id") if isinstance(meta, dict) else getattr(meta, "run_id", None)
            line["run_id"] = rid
            line["headers_t_us"] = t
            line["headers_at"] = self.iso_of(t)
            line["status_code"] = 200
            self.runs[ref]["run_id"] = rid
            headers_at["t"] = t
            if not fut.done():
                fut.set_result(rid)

        async def body() -> Any:
            if endpoint == "wait":
                return await self.client.runs.wait(tid, ASSISTANT_ID, input=work, raise_error=False,
                                                   on_run_created=on_created, **kw)
            last = None
            n = 0
            async for part in self.client.runs.stream(tid, ASSISTANT_ID, input=work,
                                                      stream_mode="values", on_run_created=on_created, **kw):
                n += 1
                if part.event == "values":
                    last = part.data
                elif part.event == "error":
                    last = {"__error__": part.data}
            line["stream_events"] = n
            return last if last is not None else {}

        async def runner() -> None:
            ok, res = await self._call(line, body, 600)
            if ok:
                line["body"] = body_essentials(res)
            if not fut.done():
                fut.set_result(line.get("run_id"))

        task = asyncio.create_task(runner())
        self.tasks.append(task)
        try:
            await asyncio.wait_for(asyncio.shield(fut), timeout=timeout_s)
        except asyncio.TimeoutError:
            pass
        return line

    async def run_id(self, ref: str, timeout_s: float = 30.0) -> str | None:
        fut = self.run_futures.get(ref)
        if fut is None:
            return None
        try:
            return await asyncio.wait_for(asyncio.shield(fut), timeout=timeout_s)
        except asyncio.TimeoutError:
            return None

    def join(self, ref: str, timeout_s: float = 120.0) -> asyncio.Task:
        """Issue GET .../join in the background (the run gets a stream subscriber)."""
        r = self.runs[ref]
        line = self._begin("join", run=ref, thread=r["thread"], thread_id=r["thread_id"],
                           run_id=r["run_id"], status_code=None, body=None)

        async def go() -> None:
            ok, res = await self._call(line, lambda: self.client.runs.join(r["thread_id"], r["run_id"]),
                                       timeout_s)
            if ok:
                line["body"] = body_essentials(res)

        t = asyncio.create_task(go())
        self.tasks.append(t)
        return t

    async def cancel(self, ref: str, action: str = "interrupt", wait: bool = False,
                     timeout_s: float = 60.0) -> dict:
        r = self.runs[ref]
        line = self._begin("cancel", run=ref, thread=r["thread"], thread_id=r["thread_id"],
                           run_id=r["run_id"], action=action, wait=wait, status_code=None, body=None)
        ok, res = await self._call(line, lambda: self.client.runs.cancel(
            r["thread_id"], r["run_id"], wait=wait, action=action), timeout_s)
        if ok:
            line["body"] = body_essentials(res) if res is not None else None
        return line

    async def cancel_many(self, *, thread: str | None = None, refs: list[str] | None = None,
                          status: str | None = None, action: str = "interrupt",
                          timeout_s: float = 30.0) -> dict:
        tid = self.threads[thread] if thread else None
        rids = [self.runs[x]["run_id"] for x in refs] if refs else None
        line = self._begin("cancel_many", thread=thread, thread_id=tid, runs=refs, run_ids=rids,
                           status=status, action=action, status_code=None)
        kw: dict[str, Any] = {"action": action}
        if tid:
            kw["thread_id"] = tid
        if rids:
            kw["run_ids"] = rids
        if status:
            kw["status"] = status
        await self._call(line, lambda: self.client.runs.cancel_many(**kw), timeout_s)
        return line

    async def delete(self, ref: str, timeout_s: float = 30.0) -> dict:
        r = self.runs[ref]
        line = self._begin("delete", run=ref, thread=r["thread"], thread_id=r["thread_id"],
                           run_id=r["run_id"], status_code=None)
        await self._call(line, lambda: self.client.runs.delete(r["thread_id"], r["run_id"]), timeout_s)
        return line

    async def get(self, ref: str, timeout_s: float = 30.0) -> dict:
        """Observation: runs.get; status 'deleted' on 404."""
        r = self.runs[ref]
        line = self._begin("get", what="run", run=ref, thread=r["thread"], thread_id=r["thread_id"],
                           run_id=r["run_id"], status_code=None, body=None)
        ok, res = await self._call(line, lambda: self.client.runs.get(r["thread_id"], r["run_id"]), timeout_s)
        line["body"] = run_essentials(res) if ok else None
        line["run_status"] = (res.get("status") if ok else ("deleted" if line.get("status_code") == 404 else None))
        return line

    async def get_thread(self, thread: str, timeout_s: float = 30.0) -> dict:
        tid = self.threads[thread]
        line = self._begin("get", what="thread", thread=thread, thread_id=tid, status_code=None, body=None)
        ok, res = await self._call(line, lambda: self.client.threads.get(tid), timeout_s)
        if ok:
            line["body"] = {"status": res.get("status")}
            line["thread_status"] = res.get("status")
        return line

    # ---- waiting helpers (polls are not trace lines; the condition met is one `get` line) ----
    async def wait_steps(self, ref: str, n: int, timeout_s: float = 20.0) -> bool:
        """Poll the thread state until run `ref` has appended n messages (n steps done)."""
        r = self.runs[ref]
        deadline = time.monotonic() + timeout_s
        seen = 0
        while time.monotonic() < deadline:
            try:
                st = await self.client.threads.get_state(r["thread_id"])
                msgs = (st.get("values") or {}).get("messages") or []
                seen = sum(1 for m in msgs if isinstance(m, str) and m.startswith(ref + ":"))
                if seen >= n:
                    break
            except Exception:
                pass
            await asyncio.sleep(0.05)
        line = self._begin("get", what="progress", run=ref, thread=r["thread"], thread_id=r["thread_id"],
                           run_id=r["run_id"], steps_wanted=n, steps_seen=seen)
        self._done(line)
        if seen < n:
            self.notes.append(f"wait_steps({ref},{n}) timed out with {seen}")
        return seen >= n

    async def wait_status(self, ref: str, statuses: set[str], timeout_s: float = 20.0) -> str | None:
        r = self.runs[ref]
        deadline = time.monotonic() + timeout_s
        st = None
        while time.monotonic() < deadline:
            try:
                st = (await self.client.runs.get(r["thread_id"], r["run_id"])).get("status")
            except Exception as e:
                st = "deleted" if getattr(getattr(e, "response", None), "status_code", None) == 404 else None
            if st in statuses:
                break
            await asyncio.sleep(0.05)
        line = self._begin("get", what="status_wait", run=ref, thread=r["thread"], thread_id=r["thread_id"],
                           run_id=r["run_id"], wanted=sorted(statuses), run_status=st)
        self._done(line)
        return st

    # ---- end of recording ----
    async def drain(self, timeout_s: float) -> None:
        """Wait (bounded) until every created run is terminal or deleted, and every client task ended."""
        deadline = time.monotonic() + timeout_s
        todo = {ref for ref, r in self.runs.items() if r["run_id"]}
        while todo and time.monotonic() < deadline:
            for ref in list(todo):
                r = self.runs[ref]
                try:
                    st = (await self.client.runs.get(r["thread_id"], r["run_id"])).get("status")
                except Exception as e:
                    st = "deleted" if getattr(getattr(e, "response", None), "status_code", None) == 404 else None
                if st in TERMINAL or st == "deleted":
                    todo.discard(ref)
            if todo:
                await asyncio.sleep(0.25)
        if todo:
            self.notes.append(f"drain timed out; still in flight: {sorted(todo)}")
        pending = [t for t in self.tasks if not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=max(1.0, deadline - time.monotonic()))
        # Let the workers write their final lines (they stop ms after a cancel).
        started = set()
        end_deadline = time.monotonic() + 5.0
        while time.monotonic() < end_deadline:
            ends, started = set(), set()
            for o in self.server.json_lines():
                rid = o.get("run_id")
                if o.get("event") == "Starting background run":
                    started.add(rid)
                elif is_end_event(o.get("event")):
                    ends.add(rid)
            if started <= ends:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.6)

    async def history(self, tid: str) -> list[dict]:
        """Every checkpoint of a thread (the server caps one page at 1000), bounded to 50 pages."""
        out: list[dict] = []
        before = None
        for _ in range(50):
            kw = {"limit": 1000}
            if before is not None:
                kw["before"] = before
            try:
                page = await asyncio.wait_for(self.client.threads.get_history(tid, **kw), 60)
            except Exception as e:
                self.notes.append(f"history({tid}) failed: {_err_info(e)}")
                break
            out.extend(page)
            if len(page) < 1000:
                break
            before = page[-1].get("checkpoint") or page[-1].get("config")
        return out

    async def outcomes(self) -> tuple[list[dict], list[dict]]:
        """Final run statuses, checkpoints and thread statuses, read from the live server."""
        ckpts_by_thread: dict[str, list[dict]] = {}
        thread_lines = []
        for ref, tid in self.threads.items():
            th_status, values, hist = None, {}, []
            try:
                th = await asyncio.wait_for(self.client.threads.get(tid), 30)
                th_status, values = th.get("status"), th.get("values") or {}
            except Exception as e:
                code, _ = _err_info(e)
                th_status = "missing" if code == 404 else f"error:{code}"
            if th_status != "missing":
                hist = await self.history(tid)
                state_msgs = []
                try:
                    st = await asyncio.wait_for(self.client.threads.get_state(tid), 30)
                    state_msgs = (st.get("values") or {}).get("messages") or []
                except Exception:
                    pass
            else:
                state_msgs = []
            ckpts_by_thread[ref] = hist
            thread_lines.append({
                "type": "thread", "thread": ref, "thread_id": tid, "status": th_status,
                "checkpoints": len(hist),
                "messages": state_msgs,
                "cached_values_messages": (values.get("messages") if isinstance(values, dict) else None),
                "_state_msgs": state_msgs,
            })
        msgs_by_thread = {t["thread"]: t.pop("_state_msgs") for t in thread_lines}

        run_lines = []
        for ref, r in self.runs.items():
            line = r["line"]
            o: dict[str, Any] = {"type": "outcome", "run": ref, "thread": r["thread"],
                                 "thread_id": r["thread_id"], "run_id": r["run_id"]}
            if not r["run_id"]:
                o["status"] = "not_created"
                o["create_status_code"] = line.get("status_code")
                run_lines.append(o)
                continue
            try:
                run = await asyncio.wait_for(self.client.runs.get(r["thread_id"], r["run_id"]), 30)
                o["status"] = run.get("status")
                o["created_at"] = norm_iso(run.get("created_at"))
                o["updated_at"] = norm_iso(run.get("updated_at"))
                o["multitask_strategy"] = run.get("multitask_strategy")
            except Exception as e:
                code, _ = _err_info(e)
                o["status"] = "deleted" if code == 404 else f"error:{code}"
                body = line.get("body") or {}
                o["created_at"] = body.get("created_at")
                o["updated_at"] = None
                o["multitask_strategy"] = body.get("multitask_strategy")
            hist = ckpts_by_thread.get(r["thread"], [])
            o["checkpoints"] = sum(1 for c in hist if (c.get("metadata") or {}).get("run_id") == r["run_id"])
            o["messages_kept"] = sum(1 for m in msgs_by_thread.get(r["thread"], [])
                                     if isinstance(m, str) and m.startswith(ref + ":"))
            run_lines.append(o)
        return run_lines, thread_lines


def is_end_event(ev: str | None) -> bool:
    return bool(ev) and (ev in END_EVENTS_EXACT or ev.startswith(END_EVENT_PREFIXES))


def attach_server_times(sess: Session, run_lines: list[dict], json_lines: list[dict]) -> None:
    """Fill started/ended/run_queue_ms/run_exec_ms from the worker's log lines per run_id."""
    by_run: dict[str, list[dict]] = {}
    for o in json_lines:
        rid = o.get("run_id")
        if rid:
            by_run.setdefault(rid, []).append(o)
        if o.get("event") == "Cancelled runs":
            for rid2 in o.get("run_ids") or []:
                by_run.setdefault(rid2, []).append(o)
    for o in run_lines:
        rid = o.get("run_id")
        evs = by_run.get(rid or "", [])
        starts = [e for e in evs if e.get("event") == "Starting background run"]
        ends = [e for e in evs if is_end_event(e.get("event"))]
        created = [e for e in evs if e.get("event") == "Created run"]
        cancels = [e for e in evs if e.get("event") == "Cancelled runs"]
        o["attempts"] = len(starts)
        o["started_at"] = norm_iso(starts[0].get("run_started_at")) if starts else None
        o["run_queue_ms"] = starts[0].get("run_queue_ms") if starts else None
        last = ends[-1] if ends else None
        o["ended_at"] = norm_iso(last.get("run_ended_at")) if last else None
        o["run_exec_ms"] = last.get("run_exec_ms") if last else None
        o["end_event"] = last.get("event") if last else None
        o["end_reason"] = last.get("reason") if last else None
        if o.get("created_at") is None and o.get("run_id"):
            # wait/stream creates of a run that was then deleted: no run record and no create
            # body to read it from; the worker's terminal line carries it.
            src = last or (starts[0] if starts else None)
            o["created_at"] = norm_iso(src.get("run_created_at")) if src else None
        o["logged_created"] = bool(created)
        if o.get("multitask_strategy") is None and created:
            o["multitask_strategy"] = created[0].get("multitask_strategy")
        o["logged_cancels"] = [{"action": c.get("action"), "at": norm_iso(c.get("timestamp"))} for c in cancels]
        o["eager_deleted"] = any(e.get("event", "").startswith("Eagerly deleting") for e in evs)
        for k in ("created_at", "started_at", "ended_at"):
            o[k.replace("_at", "_t_us")] = sess.server_t_us(o.get(k))


# --------------------------------------------------------------------------------------------
# One recording
# --------------------------------------------------------------------------------------------

async def _drive(server: Server, name: str, meta: dict, body: Callable, drain_s: float) -> tuple:
    sess = Session(server, name, meta)
    try:
        await body(sess)
        await sess.drain(drain_s)
        runs, threads = await sess.outcomes()
    finally:
        await sess.client.aclose()
    return sess, runs, threads


def record(name: str, slots: int, body: Callable, out_dir: Path, meta: dict, drain_s: float = 60.0) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    trace_path = out_dir / f"{name}.trace.jsonl"
    server_path = out_dir / f"{name}.server.jsonl"
    server = Server(slots, server_path)
    wall0 = time.monotonic()
    try:
        server.start()
        sess, runs, threads = asyncio.run(_drive(server, name, meta, body, drain_s))
    finally:
        server.stop()
    attach_server_times(sess, runs, server.json_lines())
    header = {
        "type": "header", "format": FORMAT, "version": FORMAT_VERSION,
        "scenario": name,
        "recorded_at": iso_z(sess.t0_wall),
        "t0": iso_z(sess.t0_wall),
        "server": {
            "slots": slots, "poll_interval_ms": POLL_INTERVAL_MS, "edition": "inmem",
            "langgraph_api": versions().get("langgraph_api"),
            "versions": versions(),
            "workers_logged": server.workers_logged,
            "command": "langgraph dev --host 127.0.0.1 --port PORT --no-browser --no-reload "
                       f"--n-jobs-per-worker {slots} --server-log-level INFO",
            "env": {"LOG_JSON": "true", "LOG_LEVEL": "INFO", "LANGGRAPH_NO_VERSION_CHECK": "true",
                    "LANGGRAPH_CLI_NO_ANALYTICS": "1", "LANGSMITH_TRACING": "false"},
            "host": LOOPBACK, "port": server.port,
            "server_log": server_path.name,
        },
        "client": {"sdk": "langgraph_sdk (async)", "python": platform.python_version(),
                   "clock": "t_us = time.monotonic_ns() since t0, /1000; ISO = t0 + t_us"},
        "graph": {"assistant_id": ASSISTANT_ID, "nodes": ["begin", "step"],
                  "checkpoints_per_completed_run": "steps + 3", "durability": "async"},
        "counts": {"actions": len(sess.actions), "runs": len(runs), "threads": len(threads)},
        "notes": sess.notes,
    }
    header.update({k: v for k, v in meta.items() if k not in header})
    with open(trace_path, "w", encoding="utf-8") as f:
        f.write(json.dumps(header, separators=(",", ":")) + "\n")
        for a in sorted(sess.actions, key=lambda a: a["seq"]):
            f.write(json.dumps(a, separators=(",", ":")) + "\n")
        for o in runs:
            f.write(json.dumps(o, separators=(",", ":")) + "\n")
        for t in threads:
            f.write(json.dumps(t, separators=(",", ":")) + "\n")
    summary = {}
    for o in runs:
        summary[o["status"]] = summary.get(o["status"], 0) + 1
    log(f"{name}: {len(runs)} runs {summary} in {time.monotonic() - wall0:.1f}s -> {trace_path}")
    for n in sess.notes:
        log(f"  note: {n}")
    return trace_path


def main(argv: list[str] | None = None) -> int:
    import scenarios
    import loadgen

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(HERE.parent.parent / "traces" / "real"))
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--scenario", action="append", default=[])
    ap.add_argument("--all-scenarios", action="store_true")
    ap.add_argument("--load", metavar="NAME")
    ap.add_argument("--slots", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=loadgen.DEFAULTS["runs"])
    ap.add_argument("--threads", type=int, default=loadgen.DEFAULTS["threads"])
    ap.add_argument("--rate", type=float, default=loadgen.DEFAULTS["rate"])
    a = ap.parse_args(argv)
    out = Path(a.out)
    if a.list:
        for n, sc in scenarios.SCENARIOS.items():
            print(f"{n}\tslots={sc.slots}\t{sc.description}")
        return 0
    names = list(a.scenario)
    if a.all_scenarios:
        names = list(scenarios.SCENARIOS)
    failed = []
    for n in names:
        sc = scenarios.SCENARIOS[n]
        try:
            record(n, sc.slots, sc.fn, out, {"description": sc.description})
        except Exception as e:  # keep going; report at the end
            log(f"FAILED {n}: {type(e).__name__}: {e}")
            failed.append(n)
    if a.load:
        plan = loadgen.make_plan(seed=a.seed, runs=a.runs, threads=a.threads, rate=a.rate)
        meta = {"description": f"seeded Poisson load, {a.runs} runs over {a.threads} threads",
                "load": plan.params}
        record(a.load, a.slots, plan.execute, out, meta, drain_s=plan.drain_s)
    if failed:
        log(f"failed: {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
