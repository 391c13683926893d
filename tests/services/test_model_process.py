"""The day's models in a process beside the till (``ModelProcess`` and ``python -m app.model_worker``).

A real worker process on a real store: it answers what the insights service in the till's own process would
answer; a worker that is starting, silent, killed or talking nonsense costs the hint its segment and
prediction, never an exception or a wait; the worker ends when the till does; and the till's process scores
its hints without ever loading NumPy or SciPy.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.model_worker import Worker
from app.services import TillServices
from app.services.insights import InsightsService
from app.services.member_facts import CounterHints, MemberScore, MemberSummary
from app.services.model_process import ModelProcess, summary_as_dict
from app.store import models as m
from app.store.db import Store, open_store
from tests.services.conftest import FakeClock
from tests.ui.insights_data import DEMO_NOW, seed_demo_file

ROOT = Path(__file__).resolve().parents[2]
NOW = DEMO_NOW
AS_OF = date(2026, 11, 1)  # DEMO_NOW's local day
# A regular: four purchase days, the last five days ago.
REGULAR = MemberSummary(3.0, 10.0, 20.0, 150_000.0, AS_OF.toordinal() - 5, 4, 600_000.0)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store with a year of history (60 members), made once and copied by each test."""
    return seed_demo_file(tmp_path_factory.mktemp("models"))


@pytest.fixture
def store_path(seeded: Path, tmp_path: Path) -> Path:
    path = tmp_path / "till.sqlite"
    shutil.copyfile(seeded, path)
    return path


@pytest.fixture
def opened(store_path: Path) -> Iterator[tuple[Store, TillServices]]:
    store = open_store(store_path)
    yield store, TillServices.open(store, FakeClock(NOW))
    store.close()


@pytest.fixture
def models(store_path: Path) -> Iterator[ModelProcess]:
    # Generous: the worker starts (NumPy, SciPy) and fits on a loaded machine; only the answer is tested here.
    process = ModelProcess(store_path, answer_within=30.0)
    yield process
    process.close()


def eventually(ask: Callable[[], MemberScore | None], tries: int = 600) -> MemberScore:
    """The first answer with models in it: the worker fits the day's models in the background."""
    for _ in range(tries):
        answer = ask()
        if answer is not None:
            return answer
        time.sleep(0.1)
    raise AssertionError("the model process never answered with the day's models")


def in_process(services: TillServices, summary: MemberSummary) -> MemberScore | None:
    insights = InsightsService(services.core)
    insights.model_fit()  # waits for the day's fit
    return insights.score(summary, AS_OF)


def test_the_worker_answers_what_the_till_s_own_insights_would(
    models: ModelProcess, opened: tuple[Store, TillServices]
) -> None:
    _store, services = opened
    answer = eventually(lambda: models.score(REGULAR, AS_OF))
    expected = in_process(services, REGULAR)
    assert expected is not None and expected.prediction is not None and answer.prediction is not None
    assert answer.cell == expected.cell and answer.segment is expected.segment
    assert answer.prediction.p_alive == pytest.approx(expected.prediction.p_alive, rel=1e-12)
    assert answer.prediction.expected_purchases == pytest.approx(
        expected.prediction.expected_purchases, rel=1e-12
    )
    assert answer.prediction.clv == pytest.approx(expected.prediction.clv, rel=1e-12)


def test_the_counter_s_hints_through_the_worker_equal_the_desk_s(
    models: ModelProcess, opened: tuple[Store, TillServices]
) -> None:
    _store, services = opened
    counter = CounterHints(services.core, models)
    eventually(lambda: models.score(REGULAR, AS_OF))  # the day's models are fitted there
    desk = InsightsService(services.core)
    with services.core.read() as session:
        active = select(m.Member.id).where(m.Member.status == "active").order_by(m.Member.member_number)
        members = [str(i) for i in session.scalars(active)][:15]
    assert members
    for member_id in members:
        ours, theirs = counter.member(member_id), desk.member(member_id)
        assert (ours.segment, ours.scores, ours.hints) == (theirs.segment, theirs.scores, theirs.hints)
        if theirs.prediction is not None:
            assert ours.prediction is not None
            assert ours.prediction.p_alive == pytest.approx(theirs.prediction.p_alive, rel=1e-12)


def test_before_the_models_are_fitted_the_answer_is_none_not_a_wait(store_path: Path) -> None:
    """The first question starts the worker; with a short wait it is not up yet: no models, no exception."""
    process = ModelProcess(store_path, answer_within=0.0)
    try:
        assert process.score(REGULAR, AS_OF) is None
        assert process.starts == 1
    finally:
        process.close()


def test_a_killed_worker_is_started_again_and_answers(store_path: Path) -> None:
    process = ModelProcess(store_path, answer_within=30.0, restart_after=0.0)
    try:
        eventually(lambda: process.score(REGULAR, AS_OF))
        pid = process.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while process._proc is not None and process._proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        answer = eventually(lambda: process.score(REGULAR, AS_OF))
        assert answer.segment is not None
        assert process.starts == 2 and process.pid not in (None, pid)
    finally:
        process.close()


def test_a_dead_worker_is_not_started_again_in_a_loop(store_path: Path, tmp_path: Path) -> None:
    """A worker that dies at once (a broken store, say) is tried again only after ``restart_after``."""
    now = [0.0]
    process = ModelProcess(
        store_path,
        answer_within=5.0,
        restart_after=60.0,
        argv=[sys.executable, "-c", "import sys; sys.exit(3)"],
        clock=lambda: now[0],
    )
    try:
        assert process.score(REGULAR, AS_OF) is None
        assert process.score(REGULAR, AS_OF) is None
        assert process.starts == 1
        now[0] = 61.0
        assert process.score(REGULAR, AS_OF) is None
        assert process.starts == 2
    finally:
        process.close()


NONSENSE = textwrap.dedent(
    """
    import json, sys
    answers = [
        "not json at all",
        "[1, 2, 3]",
        json.dumps({"n": 1, "score": {"cell": [9, 9, 9], "segment": "loyal", "prediction": None}}),
        json.dumps({"n": 2, "score": {"cell": [1, 2, 3], "segment": "royalty", "prediction": None}}),
        json.dumps({"n": 3, "score": {"cell": [1, 2, 3], "segment": "loyal",
                    "prediction": {"p_alive": 1.5, "expected_purchases": 1, "expected_spend": None,
                                   "clv": None, "horizon_days": 90}}}),
        json.dumps({"n": 4, "error": "no"}),
        json.dumps({"n": 5, "score": {"cell": [1, 2, 3], "segment": "loyal", "prediction": None}}),
    ]
    for n, line in enumerate(sys.stdin, 1):
        if n == 1:
            print(answers[0]); print(answers[1])
        print(answers[n + 1], flush=True)
    """
)


def test_nonsense_from_the_worker_is_dropped_not_believed(
    store_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    process = ModelProcess(store_path, answer_within=30.0, argv=[sys.executable, "-c", NONSENSE])
    try:
        assert process.score(REGULAR, AS_OF) is None  # cell 9, 9, 9
        assert process.score(REGULAR, AS_OF) is None  # no such segment
        assert process.score(REGULAR, AS_OF) is None  # a probability above 1
        assert process.score(REGULAR, AS_OF) is None  # refused
        fine = process.score(REGULAR, AS_OF)
        assert fine is not None and fine.cell == (1, 2, 3) and fine.prediction is None
    finally:
        process.close()
    assert "not a reply" in caplog.text and "not a score" in caplog.text


def test_a_silent_worker_costs_the_hint_its_models_not_the_cashier_a_wait(store_path: Path) -> None:
    silent = [sys.executable, "-c", "import sys, time\nfor _ in sys.stdin: time.sleep(3600)"]
    process = ModelProcess(store_path, answer_within=0.2, argv=silent)
    try:
        assert process.score(REGULAR, AS_OF) is None
        assert process.score(REGULAR, AS_OF) is None  # a late answer to the first would be dropped
    finally:
        process.close()  # terminated: it never reads its closed pipe
    assert process.pid is None


def test_the_worker_refuses_questions_it_cannot_read(store_path: Path) -> None:
    worker = Worker(store_path)
    try:
        assert worker.answer("{not json")["error"] == "not JSON"
        assert "not a question" in worker.answer(json.dumps({"n": 1, "op": "score"}))["error"]
        bad_day = {"n": 2, "op": "score", "as_of": "someday", "summary": None}
        assert "not a question" in worker.answer(json.dumps(bad_day))["error"]
        negative = {
            "n": 3,
            "op": "score",
            "as_of": "2026-11-01",
            "summary": {**summary_as_dict(REGULAR), "x": -1},
        }
        refused = worker.answer(json.dumps(negative))
        assert refused["n"] == 3 and "not a question" in refused["error"]
        assert worker.answer(json.dumps({"n": 4, "op": "score", "as_of": "2026-11-01"}))["error"]
        assert worker.answer(json.dumps({"n": 5, "op": "format c:", "as_of": "2026-11-01"}))["error"]
    finally:
        worker.close()


def test_the_worker_ends_when_the_till_is_killed(store_path: Path) -> None:
    """Its pipe closes with the till, whatever ends the till: no model process outlives it."""
    till = textwrap.dedent(
        f"""
        import os, sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from datetime import date
        from pathlib import Path
        from app.services.model_process import ModelProcess, summary_as_dict
        process = ModelProcess(Path({str(store_path)!r}))
        process.warm_up(date(2026, 11, 1))
        print(process.pid, flush=True)
        time.sleep(3600)
        """
    )
    with subprocess.Popen([sys.executable, "-c", till], stdout=subprocess.PIPE, text=True) as parent:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        parent.kill()
        parent.wait()
    for _ in range(600):
        if not _alive(worker):
            return
        time.sleep(0.1)
    raise AssertionError(f"the model process {worker} outlived the till")


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "State:\tZ" not in status.read_text()
    except FileNotFoundError:
        return False


def test_the_till_s_process_scores_hints_without_numpy_or_scipy(store_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from datetime import UTC, datetime
        from sqlalchemy import select
        from app.services import TillServices
        from app.store import models as m
        from app.store.db import open_store
        from tests.services.conftest import FakeClock
        store = open_store(__import__("pathlib").Path({str(store_path)!r}))
        svc = TillServices.open(store, FakeClock(datetime(2026, 11, 1, 5, 0, tzinfo=UTC)))
        svc.separate_models = True
        with store.read() as s:
            member = s.scalar(select(m.Member.id).where(m.Member.status == "active").limit(1))
        svc.counter_hints.models.answer_within = 30.0
        for _ in range(600):
            insight = svc.counter_hints.member(member)
            if insight.segment is not None:
                break
            time.sleep(0.1)
        svc.close()
        store.close()
        print(insight.segment is not None, "numpy" in sys.modules, "scipy" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "False", "False"]


def test_the_desk_s_figures_and_fit_come_from_the_worker_as_computed_here(
    models: ModelProcess, opened: tuple[Store, TillServices]
) -> None:
    from app.services.insight_figures import metrics_as_dict
    from app.services.model_process import RemoteInsights

    _store, services = opened
    remote = RemoteInsights(services.core, models)
    here = InsightsService(services.core)
    assert metrics_as_dict(remote.store_metrics()) == metrics_as_dict(here.store_metrics())
    assert remote.model_fit() == here.model_fit()
    member_id = next(iter(_active_members(services)))
    theirs, ours = remote.member(member_id), here.member(member_id)
    assert (theirs.segment, theirs.scores, theirs.hints) == (ours.segment, ours.scores, ours.hints)


def _active_members(services: TillServices) -> list[str]:
    with services.core.read() as session:
        active = select(m.Member.id).where(m.Member.status == "active").order_by(m.Member.member_number)
        return [str(i) for i in session.scalars(active)]


SLOW_FIGURES = textwrap.dedent(
    """
    import json, sys
    held = None
    for line in sys.stdin:
        question = json.loads(line)
        if question["op"] == "metrics":
            held = question["n"]  # the figures take long: answered after the next question
            continue
        print(json.dumps({"n": question["n"], "score": {"cell": [5, 5, 5], "segment": "champions",
                                                        "prediction": None}}), flush=True)
        if held is not None:
            print(json.dumps({"n": held, "error": "not today"}), flush=True)
    """
)


def test_a_hint_is_answered_while_the_desk_waits_for_its_figures(store_path: Path) -> None:
    """Replies carry their question's number: the counter's answer overtakes the desk's long question."""
    import threading

    from app.services.model_process import ModelsUnavailable

    process = ModelProcess(store_path, answer_within=30.0, argv=[sys.executable, "-c", SLOW_FIGURES])
    outcome: list[BaseException] = []

    def desk() -> None:
        try:
            process.store_metrics(AS_OF)
        except BaseException as err:
            outcome.append(err)

    try:
        waiting = threading.Thread(target=desk)
        waiting.start()
        for _ in range(600):  # the desk's question is out
            if process._waiting:
                break
            time.sleep(0.01)
        hint = process.score(REGULAR, AS_OF)
        waiting.join(30)
    finally:
        process.close()
    assert hint is not None and hint.cell == (5, 5, 5)
    assert len(outcome) == 1 and isinstance(outcome[0], ModelsUnavailable)
