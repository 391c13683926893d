"""The day's insight models in a process of their own, asked by the counter one member at a time.

The models (BG/NBD, Gamma-Gamma and the RFM quintile edges) are fitted on every sale of the store: NumPy and
SciPy, a minute and hundreds of megabytes on a store of a million members. In the till's own process that
would hold the interpreter while a cashier serves and keep the memory for the day. So the till starts
``python -m app.model_worker`` beside it, at low priority, reading the same store file (SQLite lets another
process read while the till writes), and asks it over a pipe, one JSON line each way:

    {"n": 7, "op": "score", "as_of": "2026-11-29", "summary": {"x": 3.0, ...}}
    {"n": 7, "score": {"cell": [4, 3, 5], "segment": "loyal", "prediction": {...}}}

``score`` waits at most ``answer_within`` seconds: a hint is advice, so a model process that is starting, busy
or gone means the hint goes on the member's own facts, never that the cashier waits. The desk's questions —
the store's figures (``store_metrics``), the fit (``model_fit``), a member scored once the day's models are
fitted (``score_fitted``) — take as long as the figures take, up to ``LONG_ANSWER``; the worker answers them
on a thread of its own, so a hint asked meanwhile is answered at once (replies carry their question's number). A process that died is
started again on a later question, at most once every ``restart_after`` seconds. Replies are checked before
they are believed; a line that is not a reply is logged and dropped. The process ends when the till closes
its end of the pipe, including when the till itself is killed.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.services.core import Core
from app.services.insight_figures import ModelFit, StoreMetrics, fit_from_dict, metrics_from_dict
from app.services.member_facts import (
    MemberInsight,
    MemberScore,
    MemberSummary,
    Prediction,
    current_day,
    read_member_insight,
)
from loyalty.analytics.segments import Segment
from loyalty.errors import LoyaltyError

log = logging.getLogger(__name__)

ANSWER_WITHIN = 0.25
"""Seconds a hint waits for the model process: it answers from memory in a millisecond or two."""
RESTART_AFTER = 60.0
"""Seconds between two starts of a model process that keeps dying."""
LONG_ANSWER = 1800.0
"""Seconds the desk waits for the store's figures: the first of the day reads every sale of the store."""


class ModelsUnavailable(LoyaltyError):
    code = "models_unavailable"
    template = "The insights are not available right now: {why}"


@dataclass
class _Waiter:
    done: threading.Event = field(default_factory=threading.Event)
    reply: dict[str, Any] | None = None


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


def summary_as_dict(summary: MemberSummary) -> dict[str, Any]:
    return asdict(summary)


def score_as_dict(score: MemberScore) -> dict[str, Any]:
    return {**asdict(score), "cell": list(score.cell), "segment": score.segment.value}


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
        self._lock = threading.Lock()  # the process, the numbering and the pipe's writing end
        self._proc: subprocess.Popen[str] | None = None
        self._waiting: dict[int, _Waiter] = {}
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
        assert proc.stdout is not None
        waiting: dict[int, _Waiter] = {}
        self._waiting = waiting
        reader = threading.Thread(
            target=_read_replies, args=(proc.stdout, waiting, self._lock), name="model-replies", daemon=True
        )
        reader.start()
        self._proc = proc
        return proc

    def _ask(self, request: dict[str, Any], within: float) -> dict[str, Any] | None:
        """Send ``request`` and wait up to ``within`` seconds for its reply; None when none comes."""
        with self._lock:
            proc = self._running()
            if proc is None or proc.stdin is None:
                return None
            self._asked += 1
            number = request["n"] = self._asked
            waiter = self._waiting[number] = _Waiter()
            try:
                proc.stdin.write(json.dumps(request, separators=(",", ":")) + "\n")
                proc.stdin.flush()
            except (OSError, ValueError):  # it died between the check and the write
                self._waiting.pop(number, None)
                return None
            waiting = self._waiting
        waiter.done.wait(max(0.0, within))
        with self._lock:
            waiting.pop(number, None)  # a reply that comes later is dropped
        return waiter.reply

    # -- the Models protocol -----------------------------------------------------------------------------
    def score(self, summary: MemberSummary, as_of: date) -> MemberScore | None:
        """The models of ``as_of`` on the member, or None: no models yet, no answer in time."""
        return self._score(summary, as_of, wait=False, within=self.answer_within)

    def score_fitted(self, summary: MemberSummary, as_of: date) -> MemberScore | None:
        """The same once the models of ``as_of`` are fitted (the desk waits; the counter never does)."""
        return self._score(summary, as_of, wait=True, within=LONG_ANSWER)

    def _score(self, summary: MemberSummary, as_of: date, *, wait: bool, within: float) -> MemberScore | None:
        question: dict[str, Any] = {
            "op": "score",
            "as_of": as_of.isoformat(),
            "summary": summary_as_dict(summary),
        }
        if wait:
            question["wait"] = True
        reply = self._ask(question, within)
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
        self._ask({"op": "warm_up", "as_of": as_of.isoformat()}, 0.0)

    # -- the desk's questions ----------------------------------------------------------------------------
    def _long(self, op: str, key: str, as_of: date) -> Any:
        reply = self._ask({"op": op, "as_of": as_of.isoformat()}, LONG_ANSWER)
        if reply is None:
            raise ModelsUnavailable(why="the process that computes them did not answer")
        if key not in reply:
            raise ModelsUnavailable(why="the process that computes them could not")
        return reply[key]

    def model_fit(self, as_of: date) -> ModelFit:
        """The models fitted as of ``as_of`` (waits for the fit)."""
        try:
            return fit_from_dict(self._long("fit", "fit", as_of))
        except (KeyError, TypeError, ValueError) as err:
            raise ModelsUnavailable(why="the process that computes them answered something else") from err

    def store_metrics(self, as_of: date) -> StoreMetrics:
        """The store's figures as of ``as_of`` (waits for them)."""
        try:
            return metrics_from_dict(self._long("metrics", "metrics", as_of))
        except (KeyError, TypeError, ValueError) as err:
            raise ModelsUnavailable(why="the process that computes them answered something else") from err

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


def _read_replies(stream: IO[str], waiting: dict[int, _Waiter], lock: threading.Lock) -> None:
    """Hand each reply to the question waiting for it; when the process's end closes, wake them all."""
    try:
        for line in stream:
            try:
                reply = json.loads(line)
            except ValueError:
                reply = None
            if not isinstance(reply, dict):
                log.warning("the model process wrote a line that is not a reply: %r", line[:200])
                continue
            number = reply.get("n")
            with lock:
                waiter = waiting.pop(number, None) if isinstance(number, int) else None
            if waiter is not None:
                waiter.reply = reply
                waiter.done.set()
    except (OSError, ValueError):  # the pipe closed under the reader
        pass
    with lock:
        left = list(waiting.values())
        waiting.clear()
    for waiter in left:
        waiter.done.set()


class RemoteInsights:
    """The desk's insights asked of the model process: a member's facts read here, the models and the store's
    figures computed there (``InsightsService`` answers the same questions in the process that asks)."""

    def __init__(self, core: Core, process: ModelProcess) -> None:
        self.core = core
        self.process = process

    def model_fit(self) -> ModelFit:
        return self.process.model_fit(current_day(self.core))

    def member(self, member_id: str) -> MemberInsight:
        # The day's fit first, with no read open here meanwhile (it may take a minute on a large store);
        # the member's score then comes at once.
        self.process.model_fit(current_day(self.core))
        return read_member_insight(self.core, member_id, self.process.score_fitted)

    def store_metrics(self, as_of: date | None = None) -> StoreMetrics:
        return self.process.store_metrics(as_of or current_day(self.core))
