"""The sync commands on the till's command line (their bodies are in ``app.sync_commands``, imported only
when one of them runs: the HTTP client and the protocol are not loaded for every other command)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from app.cliargs import count_arg
from app.store.db import Store

MAX_BATCH = 500
"""Items per push: ``sync.protocol.MAX_BATCH`` (a test keeps them equal; not imported, see above)."""

StoreOpener = Callable[[argparse.Namespace], Store]


def add_commands(sub: Any, open_store: StoreOpener) -> None:
    """Add the sync commands to the till's command line (``sub``: its subparsers)."""

    enroll = sub.add_parser("enroll-till", help="enroll this till with a central service (a one-time code)")
    enroll.add_argument("--central", required=True, metavar="URL", help="the central's address (https://...)")
    enroll.add_argument("--code", required=True, help="the one-time enrollment code a manager made")
    enroll.add_argument("--name", help="what the central calls this till (default: 'Till N')")
    enroll.add_argument(
        "--insecure-local-demo",
        action="store_true",
        help="a local demo only: accept plain http on the network and do not check TLS certificates",
    )
    enroll.set_defaults(func=lambda args: _run("cmd_enroll", open_store, args))

    sync = sub.add_parser("sync", help="send what waits to the central and take in its changes")
    sync.add_argument("--once", action="store_true", help="one exchange, then exit (non-zero if it failed)")
    sync.add_argument(
        "--batch",
        type=count_arg(1, MAX_BATCH),
        default=MAX_BATCH,
        metavar="N",
        help=f"items per push (default {MAX_BATCH})",
    )
    sync.add_argument(
        "--interval",
        type=count_arg(1, 3600),
        default=15,
        metavar="SECONDS",
        help="without --once: seconds between exchanges (default 15)",
    )
    sync.set_defaults(func=lambda args: _run("cmd_sync", open_store, args))

    status = sub.add_parser("status", help="this till's sync state")
    status.add_argument("--json", action="store_true", help="as one JSON object")
    status.set_defaults(func=lambda args: _run("cmd_status", open_store, args))


def _run(name: str, open_store: StoreOpener, args: argparse.Namespace) -> int:
    from app import sync_commands

    command: Callable[[Store, argparse.Namespace], int] = getattr(sync_commands, name)
    return command(open_store(args), args)


def add_run_options(run: argparse.ArgumentParser) -> None:
    """The sync options of ``run`` (``app.sync_local``)."""
    run.add_argument(
        "--central",
        metavar="URL",
        help="sync with this central service (default: $LOYALTY_CENTRAL, else a local central started "
        "beside the till, in its data folder)",
    )
    run.add_argument("--code", help="with --central, on the first start: the one-time enrollment code")
    run.add_argument(
        "--no-central",
        action="store_true",
        help="no sync: the till works on its own (or LOYALTY_CENTRAL=off)",
    )
    run.add_argument(
        "--insecure-local-demo",
        action="store_true",
        help="with --central: a local demo only, plain http on the network, no TLS certificate check",
    )
