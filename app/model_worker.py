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


class Worker:
    """Answers questions about the day's models of one store."""

    def __init__(self, db_path: Path) -> None:
        from app.services.core import Core
        from app.services.insights import InsightsService
        from app.store.db import open_store

        self.store = open_store(db_path, migrate=False, quick_check=False)
        self.insights = InsightsService(Core.open(self.store))

    def answer(self, line: str) -> dict[str, Any]:
        from app.services.insights import score_member
        from app.services.member_facts import MemberSummary
        from app.services.model_process import score_as_dict

        try:
            raw = json.loads(line)
        except ValueError:
            return {"n": None, "error": "not JSON"}
        number = raw.get("n") if isinstance(raw, dict) else None
        try:
            question = _Question.model_validate(raw)
        except ValidationError as err:
            return {"n": number, "error": f"not a question ({err.error_count()} problem(s))"}
        if question.op == "warm_up":
            self.insights.scoring_models(question.as_of)
            return {"n": question.n, "ok": True}
        if question.op == "score":
            if question.summary is None:
                return {"n": question.n, "error": "a score needs the member's summary"}
            models = self.insights.scoring_models(question.as_of)
            if models is None:
                return {"n": question.n, "score": None}
            fit, edges = models
            summary = MemberSummary(**question.summary.model_dump())
            return {"n": question.n, "score": score_as_dict(score_member(fit, edges, summary))}
        return {"n": question.n, "error": f"no such question: {question.op[:40]}"}

    def serve(self, questions: Any, answers: Any) -> None:
        for line in questions:
            if not line.strip():
                continue
            try:
                reply = self.answer(line)
            except Exception as err:  # one bad question never ends the process: the till asks again
                log.exception("a question could not be answered")
                reply = {"n": None, "error": type(err).__name__}
            answers.write(json.dumps(reply, separators=(",", ":")) + "\n")
            answers.flush()

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
