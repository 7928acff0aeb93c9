"""Deterministic oracle graph for RunLedger recordings (no LLM, no I/O).

Input: {"tag": str, "steps": k, "step_ms": d}  where d is an int (every step sleeps d ms)
       or a list of k ints (step i sleeps d[i] ms).
Shape: START -> begin -> step (x k) -> END.
  * begin resets the per-run counter; it appends nothing.
  * each step awaits asyncio.sleep(step_ms/1000) and then appends "<tag>:<i>" (i from 0).
With the default durability ("async") a run whose k steps all complete writes k+3
checkpoints: input, after __start__, after begin, after each step.
asyncio.sleep only: the dev server runs BlockBuster, which raises on blocking sleeps.
"""
from __future__ import annotations

import asyncio
import operator
from typing import Annotated, Any, TypedDict, Union

from langgraph.graph import END, START, StateGraph


class State(TypedDict, total=False):
    messages: Annotated[list[str], operator.add]
    tag: str
    steps: int
    step_ms: Union[int, float, list[Any]]
    i: int


def _duration_ms(state: State, i: int) -> float:
    d = state.get("step_ms", 0) or 0
    if isinstance(d, list):
        if not d:
            return 0.0
        return float(d[i] if i < len(d) else d[-1])
    return float(d)


async def begin(state: State) -> dict:
    return {"i": 0}


async def step(state: State) -> dict:
    i = int(state.get("i", 0) or 0)
    await asyncio.sleep(_duration_ms(state, i) / 1000.0)
    return {"messages": [f"{state.get('tag', '?')}:{i}"], "i": i + 1}


def _more(state: State) -> str:
    return "step" if int(state.get("i", 0) or 0) < int(state.get("steps", 0) or 0) else END


builder = StateGraph(State)
builder.add_node("begin", begin)
builder.add_node("step", step)
builder.add_edge(START, "begin")
builder.add_conditional_edges("begin", _more, ["step", END])
builder.add_conditional_edges("step", _more, ["step", END])
graph = builder.compile()
