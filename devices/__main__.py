"""Command line of the reader layer.

    python -m devices list
    python -m devices watch [--reader URI] [--count N] [--timeout S] [--sun-keys FILE] [--uid-key HEX]

``watch`` prints one JSON object per event per line (fields: docs/readers.md) and exits 0 after N card
events, 3 when the timeout passes first, 2 with a message when there is nothing to read from (no PC/SC
service, no such reader). Errors on a card (pulled too early, damaged data) are printed as events and the
watch goes on, as the till would.
"""

from __future__ import annotations

import argparse
import json
import queue
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from devices.base import ReaderConfig, SunKeys
from devices.errors import DeviceError
from devices.events import CardPresented, ReaderEvent, ReadError, event_to_json
from devices.registry import available, discover, open_reader

EXIT_OK = 0
EXIT_ERROR = 2
EXIT_TIMEOUT = 3
FATAL_CODES = frozenset({"no_service", "no_device", "not_supported"})


def _load_sun_keys(path: Path) -> SunKeys:
    from devices.sun import load_sun_keys

    return load_sun_keys(path)


def cmd_list(_args: argparse.Namespace) -> int:
    readers = discover()
    if readers:
        print("Readers found:")
        for uri in readers:
            print(f"  {uri}")
    else:
        print("No readers found.")
    print("Drivers:")
    for scheme, description in sorted(available().items()):
        print(f"  {scheme:<6} {description}")
    return EXIT_OK


def cmd_watch(args: argparse.Namespace) -> int:
    config = ReaderConfig()
    if args.uid_key:
        try:
            config.uid_key = bytes.fromhex(args.uid_key)
        except ValueError:
            print("error: --uid-key must be hexadecimal", file=sys.stderr)
            return EXIT_ERROR
    if args.sun_keys:
        try:
            config.sun_keys = _load_sun_keys(args.sun_keys)
        except DeviceError as err:
            print(f"error: {err.message}", file=sys.stderr)
            return EXIT_ERROR
    try:
        reader = open_reader(args.reader, config)
    except DeviceError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return EXIT_ERROR
    events: queue.Queue[ReaderEvent] = queue.Queue()
    reader.start(events.put)
    seen = 0
    deadline = None if args.timeout is None else time.monotonic() + args.timeout
    try:
        while args.count is None or seen < args.count:
            wait = 0.2 if deadline is None else max(0.0, min(0.2, deadline - time.monotonic()))
            try:
                event = events.get(timeout=wait)
            except queue.Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    print(f"error: no card within {args.timeout:g} s", file=sys.stderr)
                    return EXIT_TIMEOUT
                continue
            print(json.dumps(event_to_json(event), ensure_ascii=False), flush=True)
            if isinstance(event, CardPresented):
                seen += 1
            elif isinstance(event, ReadError) and event.code in FATAL_CODES:
                print(f"error: {event.message}", file=sys.stderr)
                return EXIT_ERROR
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    finally:
        reader.stop()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m devices", description="Loyalty Till card readers")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="print the readers found").set_defaults(func=cmd_list)
    watch = sub.add_parser("watch", help="print reader events as JSON lines")
    watch.add_argument("--reader", default="pcsc", help="reader URI (default: pcsc, every PC/SC reader)")
    watch.add_argument("--count", type=int, help="exit after this many card events")
    watch.add_argument("--timeout", type=float, help="give up after this many seconds")
    watch.add_argument("--sun-keys", type=Path, help='JSON {"meta_read_key": hex, "file_read_key": hex}')
    watch.add_argument("--uid-key", help="hex key for UID hashes (the till's own key; default all zero)")
    watch.set_defaults(func=cmd_watch)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
