"""Commands of the central service.

    python -m central serve --db URL --host H --port P
    python -m central enrollment-code --db URL --store CODE [--new-store NAME]
    python -m central member NUMBER --db URL [--store CODE]
    python -m central program install FILE --db URL
    python -m central till revoke TILL_ID --db URL
    python -m central channel create --db URL --store CODE --name web     (prints the channel's token)
    python -m central channel revoke CHANNEL_ID --db URL
    python -m central migrate --db URL [--partitions N]      (N: hash partitions by member id, PostgreSQL)
    python -m central serve --db URL --workers N             (N processes sharing only the database)
    python -m central after-restore --db URL     (the database went back in time: tills pull from the start)
    python -m central expire --db URL [--now TIME]    (expire what is left of every due lot; serve does it too)
    python -m central openapi            (the OpenAPI document, as committed in docs/openapi.json)

``--db`` takes ``postgresql://user@host/db`` or ``sqlite:///path``; without it the embedded default is a
SQLite file in the user's data folder. Every command brings the schema up to date first.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from central import channels, service
from central.db import make_engine, migrate
from loyalty.errors import ProgramError
from loyalty.program import load_program


def default_db() -> str:
    folder = platformdirs.user_data_path("loyalty-central", appauthor=False)
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'central.sqlite3'}"


def openapi_document() -> str:
    """The OpenAPI document of the API as committed (stable text: sorted keys, two-space indent)."""
    from central.api import create_app

    engine = make_engine("sqlite://")
    try:
        return json.dumps(create_app(engine).openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    finally:
        engine.dispose()


def _engine(args: argparse.Namespace) -> Engine:
    engine = make_engine(args.db or default_db())
    migrate(engine)
    return engine


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from central.api import create_app
    from central.asgi import set_aside_startup_objects
    from central.push_groups import group_items_from

    try:  # read by every worker as it starts: a bad value is said once, here, before anything starts
        group_items_from(os.environ)
    except ValueError as err:
        print(f"central: {err}", file=sys.stderr)
        return 2
    engine = _engine(args)
    if args.expire_every > 0:
        # The central owns expiry for its tills: one sweeper thread in this (parent) process, whatever the
        # number of workers. Several centrals sweeping at once is safe too (central/expiry.py).
        from central.expiry import Sweeper

        Sweeper(make_engine(engine.url.render_as_string(hide_password=False)), args.expire_every).start()
    if args.workers > 1:
        # Worker processes build the app from the environment (central/asgi.py): the schema is migrated once
        # here, before they start.
        from central.asgi import DB_VARIABLE

        os.environ[DB_VARIABLE] = engine.url.render_as_string(hide_password=False)
        engine.dispose()
        uvicorn.run(
            "central.asgi:create",
            factory=True,
            workers=args.workers,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
        )
        return 0
    app = create_app(engine)
    set_aside_startup_objects()
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def _enrollment_code(args: argparse.Namespace) -> int:
    engine = _engine(args)
    with Session(engine) as session, session.begin():
        store = service.store_by_code(session, args.store)
        if store is None:
            if args.new_store is None:
                print(f"no store {args.store!r}: give --new-store NAME to create it", file=sys.stderr)
                return 1
            store = service.create_store(session, args.store, args.new_store)
            print(f"created store {args.store}", file=sys.stderr)
        code = service.new_enrollment_code(session, store)
    print(code)
    return 0


def _member(args: argparse.Namespace) -> int:
    engine = _engine(args)
    with Session(engine) as session, session.begin():
        found = service.members_by_number(session, args.number, args.store)
    if not found:
        print(f"no member {args.number}", file=sys.stderr)
        return 1
    if len(found) > 1:
        stores = ", ".join(row["store"] for row in found)
        print(
            f"member number {args.number} exists in several stores ({stores}): give --store", file=sys.stderr
        )
        return 1
    print(json.dumps(found[0], ensure_ascii=False, sort_keys=True))
    return 0


def _program_install(args: argparse.Namespace) -> int:
    try:
        program = load_program(Path(args.file))
    except ProgramError as err:
        print(f"program refused: {err}", file=sys.stderr)
        return 1
    engine = _engine(args)
    try:
        with Session(engine) as session, session.begin():
            added = service.install_program(session, program)
    except service.ServiceError as err:
        print(err.detail, file=sys.stderr)
        return 1
    print(f"program {program.version} {'installed' if added else 'was installed already'}")
    return 0


def _till_revoke(args: argparse.Namespace) -> int:
    engine = _engine(args)
    with Session(engine) as session, session.begin():
        revoked = service.revoke_till(session, args.till_id)
    if not revoked:
        print(f"no active till {args.till_id}", file=sys.stderr)
        return 1
    print(f"till {args.till_id} revoked")
    return 0


def _channel_create(args: argparse.Namespace) -> int:
    engine = _engine(args)
    try:
        with Session(engine) as session, session.begin():
            channel_id, token = channels.create_channel(session, args.store, args.name)
    except service.ServiceError as err:
        print(err.detail, file=sys.stderr)
        return 1
    print(f"channel {args.name} of store {args.store}: id {channel_id}", file=sys.stderr)
    print(token)
    return 0


def _channel_revoke(args: argparse.Namespace) -> int:
    engine = _engine(args)
    with Session(engine) as session, session.begin():
        revoked = service.revoke_till(session, args.channel_id, kind="channel")
    if not revoked:
        print(f"no active channel {args.channel_id}", file=sys.stderr)
        return 1
    print(f"channel {args.channel_id} revoked")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    engine = make_engine(args.db or default_db())
    try:
        migrate(engine, partitions=args.partitions)
    except ValueError as err:
        print(str(err), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print("the schema is up to date")
    return 0


def _after_restore(args: argparse.Namespace) -> int:
    engine = _engine(args)
    with Session(engine) as session, session.begin():
        count = service.rotate_change_logs(session)
    print(f"{count} store change log(s) renamed: every till pulls its store again from the start")
    return 0


def _expire(args: argparse.Namespace) -> int:
    from central.expiry import sweep

    engine = _engine(args)
    try:
        lots, points = sweep(engine, args.now or datetime.now(UTC))
    finally:
        engine.dispose()
    print(f"{lots} lot(s) expired, {points} point(s)")
    return 0


def _utc_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError("a time such as 2027-03-01T00:00:00Z") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the time zone: 2027-03-01T00:00:00Z or +07:00")
    return moment.astimezone(UTC)


def _openapi(_args: argparse.Namespace) -> int:
    sys.stdout.write(openapi_document())
    return 0


def _channel_name(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}", text):
        raise argparse.ArgumentTypeError("a channel name is 1 to 64 letters, digits, '_', '.', ':' or '-'")
    return text


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m central", description="The central loyalty service.")
    commands = top.add_subparsers(dest="command", required=True)

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument(
            "--db", help="postgresql://... or sqlite:///PATH (default: SQLite in the user data folder)"
        )
        return p

    serve = with_db(commands.add_parser("serve", help="serve the API"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--log-level", default="warning", choices=["debug", "info", "warning", "error"])
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (they share nothing but the database)"
    )
    serve.add_argument(
        "--expire-every",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="run the expiry sweep this often (0: never; then run `expire` from a scheduler)",
    )
    serve.set_defaults(run=_serve)

    code = with_db(commands.add_parser("enrollment-code", help="print a one-time till enrollment code"))
    code.add_argument("--store", required=True, help="the store's code")
    code.add_argument("--new-store", metavar="NAME", help="create the store with this name if it is missing")
    code.set_defaults(run=_enrollment_code)

    member = with_db(commands.add_parser("member", help="a member's balance, tier and entry count as JSON"))
    member.add_argument("number")
    member.add_argument("--store", help="the store's code, when the number exists in several stores")
    member.set_defaults(run=_member)

    program = commands.add_parser("program", help="program versions").add_subparsers(
        dest="action", required=True
    )
    install = with_db(program.add_parser("install", help="publish a program version to every till"))
    install.add_argument("file", help="a program file (JSON or TOML)")
    install.set_defaults(run=_program_install)

    till = commands.add_parser("till", help="tills").add_subparsers(dest="action", required=True)
    revoke = with_db(till.add_parser("revoke", help="refuse a till from now on"))
    revoke.add_argument("till_id")
    revoke.set_defaults(run=_till_revoke)

    channel = commands.add_parser(
        "channel", help="sales channels (web shop, app, call centre)"
    ).add_subparsers(dest="action", required=True)
    create = with_db(channel.add_parser("create", help="a channel of a store; prints its token"))
    create.add_argument("--store", required=True, help="the store's code")
    create.add_argument(
        "--name", required=True, type=_channel_name, help="what the channel is: web, app, call-centre ..."
    )
    create.set_defaults(run=_channel_create)
    revoke_channel = with_db(channel.add_parser("revoke", help="refuse a channel from now on"))
    revoke_channel.add_argument("channel_id")
    revoke_channel.set_defaults(run=_channel_revoke)

    migrate_ = with_db(commands.add_parser("migrate", help="bring the schema up to date"))
    migrate_.add_argument(
        "--partitions",
        type=int,
        default=0,
        help="create the member-owned tables PARTITION BY HASH of the member id in N partitions "
        "(PostgreSQL; counts only when the tables are created: docs/operations.md)",
    )
    migrate_.set_defaults(run=_migrate)

    restored = with_db(
        commands.add_parser(
            "after-restore",
            help="after restoring the database to an earlier point: make every till pull its store again",
        )
    )
    restored.set_defaults(run=_after_restore)

    expire = with_db(
        commands.add_parser("expire", help="expire what is left of every lot that is due (once per lot)")
    )
    expire.add_argument("--now", type=_utc_time, help="the sweep's time (default: now), ISO 8601 with zone")
    expire.set_defaults(run=_expire)

    openapi = commands.add_parser("openapi", help="print the OpenAPI document")
    openapi.set_defaults(run=_openapi)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
