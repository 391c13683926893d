"""The day's insight models in a process of their own, asked by the counter one member at a time.

The models (BG/NBD, Gamma-Gamma and the RFM quintile edges) are fitted on every sale of the store: NumPy and
SciPy, a minute and hundreds of megabytes on a store of a million members. In the till's own process that
would hold the interpreter while a cashier serves and keep the memory for the day. So the till starts
``python -m app.model_worker`` beside it, at low priority, reading the same store file (SQLite lets another
process read while the till writes), and asks it over a pipe, one JSON line each way:

    {"n": 7, "op": "score", "as_of": "2026-11-29", "summary": {"x": 3.0, ...}}
    {"n": 7, "score": {"cell": [4, 3, 5], "segment": "loyal", "prediction": {...}}}

``score`` waits at most ``answer_within`` seconds: a hint is advice, so a model process that is starting, busy
or gone means the hint goes on the member's own facts, never that the cashier waits. A process that died is
started again on a later question, at most once every ``restart_after`` seconds. Replies are checked before
they are believed; a line that is not a reply is logged and dropped. The process ends when the till closes
its end of the pipe, including when the till itself is killed.
"""

from __future__ import annotations

import json
import logging
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.services.member_facts import MemberScore, MemberSummary, Prediction
from loyalty.analytics.segments import Segment

log = logging.getLogger(__name__)

ANSWER_WITHIN = 0.25
"""Seconds a hint waits for the model process: it answers from memory in a millisecond or two."""
RESTART_AFTER = 60.0
"""Seconds between two starts of a model process that keeps dying."""


class _PredictionReply(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    p_alive: float = Field(ge=0, le=1)
    expected_purchases: float = Field(ge=0)
    expected_spend: float | None = Field(default=None, ge=0)
    clv: float | None = Field(default=None, ge=0)
    horizon_days: int = Field(gt=0)


class _ScoreReply(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    cell: tuple[int, int, int]
    segment: Segment
    prediction: _PredictionReply | None

    def as_score(self) -> MemberScore:
        if not all(1 <= s <= 5 for s in self.cell):
            raise ValueError(f"an RFM cell out of 1–5: {self.cell}")
        p = self.prediction
        prediction = (
            None
            if p is None
            else Prediction(p.p_alive, p.expected_purchases, p.expected_spend, p.clv, p.horizon_days)
        )
        return MemberScore(self.cell, self.segment, prediction)


def summary_as_dict(summary: MemberSummary) -> dict[str, float | int]:
    return {
        "x": summary.x,
        "tx": summary.tx,
        "age": summary.age,
        "money": summary.money,
        "last_day": summary.last_day,
        "purchase_days": summary.purchase_days,
        "total": summary.total,
    }


def score_as_dict(score: MemberScore) -> dict[str, Any]:
    p = score.prediction
    return {
        "cell": list(score.cell),
        "segment": score.segment.value,
        "prediction": None
        if p is None
        else {
            "p_alive": p.p_alive,
            "expected_purchases": p.expected_purchases,
            "expected_spend": p.expected_spend,
            "clv": p.clv,
            "horizon_days": p.horizon_days,
        },
    }


class ModelProcess:
    """The counter's ``Models``: the day's models, in ``python -m app.model_worker`` beside the till."""

    def __init__(
        self,
        db_path: Path,
        *,
        answer_within: float = ANSWER_WITHIN,
        restart_after: float = RESTART_AFTER,
        argv: Sequence[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db_path = Path(db_path)
        self.answer_within = answer_within
        self.restart_after = restart_after
        self.argv = (
            list(argv) if argv is not None else [sys.executable, "-m", "app.model_worker", str(db_path)]
        )
        self._clock = clock
        self._lock = threading.Lock()  # one question at a time; the counter asks from one thread anyway
        self._proc: subprocess.Popen[str] | None = None
        self._replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._asked = 0
        self._started_at: float | None = None
        self._closed = False
        self.starts = 0

    # -- the process -------------------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        proc = self._proc
        return None if proc is None or proc.poll() is not None else proc.pid

    def _running(self) -> subprocess.Popen[str] | None:
        """The live process, started (again) when it may be; None when it is down for now."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            return proc
        if self._closed:
            return None
        if proc is not None:
            log.warning("the model process ended (exit status %s)", proc.returncode)
            self._proc = None
        now = self._clock()
        if self._started_at is not None and now - self._started_at < self.restart_after:
            return None
        self._started_at = now
        try:
            proc = subprocess.Popen(
                self.argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                bufsize=1,
                close_fds=True,
            )
        except OSError as err:
            log.warning("the model process could not be started: %s", err)
            return None
        self.starts += 1
        self._replies = queue.Queue()
        assert proc.stdout is not None
        reader = threading.Thread(
            target=_read_replies, args=(proc.stdout, self._replies), name="model-replies", daemon=True
        )
        reader.start()
        self._proc = proc
        return proc

    def _send(self, request: dict[str, Any]) -> int | None:
        proc = self._running()
        if proc is None or proc.stdin is None:
            return None
        self._asked += 1
        request["n"] = self._asked
        try:
            proc.stdin.write(json.dumps(request, separators=(",", ":")) + "\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):  # it died between the check and the write
            return None
        return self._asked

    def _reply(self, number: int) -> dict[str, Any] | None:
        deadline = self._clock() + self.answer_within
        while True:
            left = deadline - self._clock()
            if left <= 0:
                return None
            try:
                reply = self._replies.get(timeout=left)
            except queue.Empty:
                return None
            if reply is None:  # the process closed its end
                return None
            if reply.get("n") == number:
                return reply
            # An answer to a question that timed out before: too late for anyone, dropped.

    # -- the Models protocol -----------------------------------------------------------------------------
    def score(self, summary: MemberSummary, as_of: date) -> MemberScore | None:
        with self._lock:
            number = self._send(
                {"op": "score", "as_of": as_of.isoformat(), "summary": summary_as_dict(summary)}
            )
            reply = None if number is None else self._reply(number)
        if reply is None:
            return None
        if "error" in reply:
            log.warning("the model process refused a question: %s", str(reply["error"])[:200])
            return None
        body = reply.get("score")
        if body is None:
            return None  # no models yet: the day's fit is running there
        try:
            return _ScoreReply.model_validate(body).as_score()
        except (ValidationError, ValueError) as err:
            log.warning("the model process answered something that is not a score: %s", str(err)[:300])
            return None

    def warm_up(self, as_of: date) -> None:
        """Start the process and have it fit ``as_of``'s models, without waiting for either."""
        with self._lock:
            self._send({"op": "warm_up", "as_of": as_of.isoformat()})

    def close(self, timeout: float = 3.0) -> None:
        """End the process: its pipe closed, then terminated if it does not go."""
        with self._lock:
            self._closed = True
            proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _read_replies(stream: IO[str], replies: queue.Queue[dict[str, Any] | None]) -> None:
    try:
        for line in stream:
            try:
                reply = json.loads(line)
            except ValueError:
                log.warning("the model process wrote a line that is not a reply: %r", line[:200])
                continue
            if isinstance(reply, dict):
                replies.put(reply)
            else:
                log.warning("the model process wrote a line that is not a reply: %r", line[:200])
    except (OSError, ValueError):  # the pipe closed under the reader
        pass
    replies.put(None)
