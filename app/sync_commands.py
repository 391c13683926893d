"""The till's sync commands, their bodies: ``enroll-till``, ``sync`` and ``status`` (``app.sync_cli``
adds them to the command line).

    python -m app enroll-till --central URL --code CODE [--name NAME] [--insecure-local-demo]
    python -m app sync --once        push everything waiting, pull everything new, one line of summary
    python -m app sync               the same, again and again (with backoff while offline) until Ctrl+C
    python -m app status [--json]    enrolled?, waiting, last success, cursor, the last failure

Failures are one sentence (``app.services.syncing`` errors) and a non-zero exit, never a traceback: not
enrolled, the central unreachable, a revoked till, a bad code. The till's token is never printed.
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
from datetime import datetime
from typing import Any

from app.cliargs import check_text
from app.services.core import STORE_ID, TILL_ID
from app.services.syncing import (
    CentralUnreachable,
    NotEnrolled,
    TillRefused,
    TillSyncStore,
    enroll_till,
    till_engine,
)
from app.store.db import Store
from app.store.settings import get_setting
from app.store.types import format_utc
from sync import engine as sync_engine
from sync.client import Refused, Unavailable
from sync.engine import SyncEngine, SyncReport
from sync.state import Phase, SyncState

log = logging.getLogger(__name__)

ONCE_ATTEMPTS = 3
"""Attempts of ``sync --once`` while the central does not answer (with backoff) before it gives up."""


# -- enroll-till ------------------------------------------------------------------------------------------------
def cmd_enroll(store: Store, args: argparse.Namespace) -> int:
    url = check_text(args.central, "Central address")
    code = check_text(args.code, "Enrollment code", limit=40)
    name = check_text(args.name or f"Till {args.till_number}", "Till name")
    done = enroll_till(
        store,
        url,
        code,
        till_name=name,
        insecure=args.insecure_local_demo,
        store_number=args.store_number,
        till_number=args.till_number,
    )
    again = " again (a new epoch)" if done.again else ""
    print(
        f"Enrolled{again}: till {done.till_id} of store {done.store_code}, epoch {done.epoch}, "
        f"with the central at {url.strip().rstrip('/')}."
    )
    return 0


# -- sync -------------------------------------------------------------------------------------------------------
def cmd_sync(store: Store, args: argparse.Namespace) -> int:
    engine = till_engine(store, batch_size=args.batch, interval=float(args.interval))
    if args.once:
        report = run_once(engine)
        print(summary(report, engine))
        return 0
    return _loop(engine)


def run_once(engine: SyncEngine, attempts: int = ONCE_ATTEMPTS) -> SyncReport:
    """One exchange (tried a few times while the central does not answer), its failure as a sentence."""
    try:
        return engine.sync_with_retry(attempts)
    except sync_engine.NotEnrolled:
        raise NotEnrolled() from None
    except Refused as err:
        raise TillRefused(why=err.detail) from None
    except Unavailable as err:
        credentials = engine.port.credentials()
        url = credentials.central_url if credentials else "?"
        raise CentralUnreachable(url=url, why=str(err), waiting=engine.port.waiting()) from None


def summary(report: SyncReport, engine: SyncEngine) -> str:
    credentials = engine.port.credentials()
    where = credentials.central_url if credentials else "the central"
    sent = f"sent {report.pushed}"
    if report.pushed:
        sent += f" ({report.applied} applied, {report.duplicate} already there, {report.refused} refused)"
    line = f"Synced with {where}: {sent}; received {report.pulled} change(s); {report.waiting} waiting."
    if report.skipped:
        line += f" {len(report.skipped)} change(s) could not be taken in (see the log)."
    if report.stopped:
        line += f" The pull stopped: {report.stopped}."
    return line


def _loop(engine: SyncEngine) -> int:
    """Exchanges until Ctrl+C, one line whenever the state changes (a batch sent, offline, online)."""
    stopped = threading.Event()
    shown: list[tuple[Phase, int, str | None]] = []

    def show(state: SyncState) -> None:
        key = (state.phase, state.waiting, state.reason or state.pull_stopped)
        if shown and shown[-1] == key:
            return
        shown.append(key)
        print(describe(state), flush=True)
        if state.phase is Phase.NOT_ENROLLED:
            stopped.set()

    engine.status.subscribe(show)
    engine.start()
    try:
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        print("Stopping…", flush=True)
    finally:
        engine.stop()
    if stopped.is_set():
        raise NotEnrolled()
    return 0


def describe(state: SyncState) -> str:
    """The state as one line for the terminal (the window has its own, translated)."""
    last = "never" if state.last_success is None else format_utc(state.last_success)
    if state.phase is Phase.ONLINE and state.pull_stopped:
        return f"online: {state.waiting} waiting, last synced {last}; the pull stopped: {state.pull_stopped}"
    if state.phase is Phase.ONLINE:
        return f"online: {state.waiting} waiting, last synced {last}"
    if state.phase is Phase.SYNCING:
        progress = state.progress
        done = "" if progress is None else f" {progress:.0%}"
        return f"syncing{done}: {state.waiting} waiting"
    if state.phase is Phase.OFFLINE:
        retry = "" if state.retry_in is None else f", next try in {state.retry_in:.1f} s"
        return f"offline ({state.reason}): {state.waiting} waiting{retry}"
    if state.phase is Phase.REFUSED:
        return f"refused by the central: {state.reason}"
    return state.phase.value.replace("_", " ")


# -- status -----------------------------------------------------------------------------------------------------
def cmd_status(store: Store, args: argparse.Namespace) -> int:
    report = status_report(store)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, sort_keys=True))
        return 0
    if not report["enrolled"]:
        print(f"Till {report['till_id'] or '(not set up)'}: not enrolled with a central service.")
        return 0
    print(f"Till {report['till_id']} of store {report['store_code']} ({report['store_id']})")
    print(f"  central: {report['central']} (epoch {report['epoch']})")
    print(f"  waiting to sync: {report['waiting']}" + (f", {report['held']} held" if report["held"] else ""))
    print(f"  last synced: {report['last_success'] or 'never'}")
    failure = report["state"].get("reason")
    print(f"  state: {report['state']['phase']}" + (f" ({failure})" if failure else ""))
    if report["pull_stopped"]:
        print(f"  pull stopped: {report['pull_stopped']}")
    return 0


def status_report(store: Store) -> dict[str, Any]:
    """The till's sync state as plain values (``status --json``)."""
    port = TillSyncStore(store)
    settings = port.settings()
    with store.read() as session:
        till_id = get_setting(session, TILL_ID)
        store_id = get_setting(session, STORE_ID)
    report: dict[str, Any] = {
        "enrolled": settings is not None,
        "till_id": till_id,
        "store_id": store_id,
        "store_code": None,
        "central": None,
        "epoch": None,
        "next_seq": None,
        "cursor": None,
        "waiting": port.waiting(),
        "held": port.held(),
        "pull_stopped": port.pull_stopped(),
        "last_success": None,
        "state": {"phase": Phase.NOT_ENROLLED.value},
    }
    if settings is None:
        return report
    report.update(
        store_code=settings.store_code,
        central=settings.central_url,
        epoch=settings.epoch,
        next_seq=settings.next_seq,
        cursor=settings.cursor,
        last_success=None if settings.last_success is None else format_utc(settings.last_success),
    )
    report["state"] = _last_state(settings.last_success, settings.last_failure)
    return report


def _last_state(last_success: datetime | None, failure: dict[str, Any] | None) -> dict[str, Any]:
    """What the last exchange of any process on this till came to."""
    if failure is not None:
        return {"phase": failure.get("phase"), "reason": failure.get("reason"), "at": failure.get("at")}
    if last_success is not None:
        return {"phase": Phase.ONLINE.value, "at": format_utc(last_success)}
    return {"phase": "never_synced"}
