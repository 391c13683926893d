"""``python -m app.model_worker DB``: the day's insight models, beside the till (``app.services.model_process``).

Reads questions from standard input, one JSON line each, and answers each with one JSON line on standard
output; ends when standard input closes. It only reads the store. It runs at a lower priority than the till
so that the day's refit takes the processor only when the counter does not need it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

log = logging.getLogger("app.model_worker")

NICENESS = 10


class _Summary(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    x: float = Field(ge=0)
    tx: float = Field(ge=0)
    age: float = Field(ge=0)
    money: float = Field(ge=0)
    last_day: int = Field(ge=1)
    purchase_days: int = Field(ge=1)
    total: float


class _Question(BaseModel):
    model_config = ConfigDict(extra="forbid")

    n: int
    op: str
    as_of: date
    summary: _Summary | None = None
    wait: bool = False


LONG_OPS = frozenset({"fit", "metrics"})
"""Questions that may take minutes: answered on the worker's second thread, one at a time, so that the
counter's questions are answered meanwhile."""


class Worker:
    """Answers questions about the day's models of one store."""

    def __init__(self, db_path: Path) -> None:
        from app.services.core import Core
        from app.services.insights import InsightsService
        from app.store.db import open_store

        self.store = open_store(db_path, migrate=False, quick_check=False)
        self.insights = InsightsService(Core.open(self.store))

    def question(self, line: str) -> _Question | dict[str, Any]:
        """The question on ``line``, or the reply that refuses it."""
        try:
            raw = json.loads(line)
        except ValueError:
            return {"n": None, "error": "not JSON"}
        number = raw.get("n") if isinstance(raw, dict) else None
        try:
            return _Question.model_validate(raw)
        except ValidationError as err:
            return {"n": number, "error": f"not a question ({err.error_count()} problem(s))"}

    def answer(self, line: str) -> dict[str, Any]:
        asked = self.question(line)
        return asked if isinstance(asked, dict) else self.reply(asked)

    def reply(self, question: _Question) -> dict[str, Any]:
        from app.services.insight_figures import fit_as_dict, metrics_as_dict
        from app.services.insights import score_member
        from app.services.member_facts import MemberSummary
        from app.services.model_process import score_as_dict

        if question.op == "warm_up":
            self.insights.warm_up(question.as_of, figures=True)  # nothing more while one runs
            return {"n": question.n, "ok": True}
        if question.op == "score":
            if question.summary is None:
                return {"n": question.n, "error": "a score needs the member's summary"}
            models = self.insights.scoring_models(question.as_of, wait=question.wait)
            if models is None:
                return {"n": question.n, "score": None}
            fit, edges = models
            summary = MemberSummary(**question.summary.model_dump())
            return {"n": question.n, "score": score_as_dict(score_member(fit, edges, summary))}
        if question.op == "fit":
            return {"n": question.n, "fit": fit_as_dict(self.insights.fit_as_of(question.as_of))}
        if question.op == "metrics":
            return {"n": question.n, "metrics": metrics_as_dict(self.insights.store_metrics(question.as_of))}
        return {"n": question.n, "error": f"no such question: {question.op[:40]}"}

    def _safe_reply(self, question: _Question) -> dict[str, Any]:
        try:
            return self.reply(question)
        except Exception as err:  # one question that fails never ends the process: the till asks again
            log.exception("a question could not be answered")
            return {"n": question.n, "error": type(err).__name__}

    def _answer_later(self, send: Callable[[dict[str, Any]], None], question: _Question) -> None:
        send(self._safe_reply(question))

    def serve(self, questions: Any, answers: Any) -> None:
        writing = threading.Lock()

        def send(reply: dict[str, Any]) -> None:
            with writing:
                answers.write(json.dumps(reply, separators=(",", ":")) + "\n")
                answers.flush()

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="model-long") as long_work:
            for line in questions:
                if not line.strip():
                    continue
                asked = self.question(line)
                if isinstance(asked, dict):
                    send(asked)
                elif asked.op in LONG_OPS or (asked.op == "score" and asked.wait):
                    long_work.submit(self._answer_later, send, asked)
                else:
                    send(self._safe_reply(asked))
            long_work.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self.store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.model_worker", description=__doc__)
    parser.add_argument("db", type=Path, help="the till's store file (read only)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="model process: %(levelname)s %(name)s: %(message)s")
    with contextlib.suppress(OSError):  # a platform or a limit that refuses: the models still answer
        os.nice(NICENESS)
    try:
        worker = Worker(args.db)
    except Exception as err:  # the till logs that no answer comes; say why here
        print(f"model process: the store could not be opened: {err}", file=sys.stderr)
        return 2
    try:
        worker.serve(sys.stdin, sys.stdout)
    except KeyboardInterrupt:
        pass
    finally:
        worker.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
