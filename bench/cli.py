"""Command line of the benchmarks.

python -m bench [--members N] [--entries N] [--samples K] [--json PATH]   build if needed, then measure
python -m bench generate --members N --entries N [--out PATH] [--force]   only build a dataset
python -m bench profile [--op award] [--calls N]                        cProfile a few hundred calls
python -m bench readers [--samples N] [--json PATH]                      only the card readers' rows
python -m bench window [--samples N] [--sales N] [--cold N]              the till window's rows
python -m bench sync [--entries N] [--tills N] [--members N]             push, ingest, 50 tills, first pull
python -m bench desk [--samples N] [--members N] [--entries N]           member list search, member 360 opened
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.generate import (
    DEFAULT_ENTRIES,
    DEFAULT_MEMBERS,
    GenerateConfig,
    dataset_is_complete,
    default_dataset_path,
    generate,
)

FULL_SAMPLES = 2000
SMALL_SAMPLES = 500
SMALL_MEMBERS = 100_000
READER_SAMPLES = 500


def _sizes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS, help="members in the dataset")
    parser.add_argument("--entries", type=int, default=DEFAULT_ENTRIES, help="ledger entries in the dataset")


def _generate_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench generate", description="Build a store-scale dataset."
    )
    _sizes(parser)
    parser.add_argument("--out", type=Path, help="file to write (default: the cached dataset in bench/.data)")
    parser.add_argument("--seed", type=int, default=GenerateConfig.seed)
    parser.add_argument("--days", type=int, default=GenerateConfig.days, help="days of history")
    parser.add_argument("--force", action="store_true", help="rebuild even if a complete dataset is there")
    args = parser.parse_args(argv)
    out: Path = args.out or default_dataset_path(args.members, args.entries)
    if not args.force and args.out is None and dataset_is_complete(out, args.members, args.entries):
        print(f"{out} is complete; --force rebuilds it", file=sys.stderr)
        return 0
    config = GenerateConfig(members=args.members, entries=args.entries, seed=args.seed, days=args.days)
    try:
        config.check()
    except ValueError as exc:
        parser.error(str(exc))
    generate(out, config)
    return 0


def _run_main(argv: Sequence[str]) -> int:
    from bench.run import DEFAULT_RESULTS, run_main

    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Store-scale benchmarks of the till against the targets in DESIGN.md.",
        epilog="Subcommands: 'generate' builds a dataset only; 'profile' runs cProfile on one operation; "
        "'readers' measures only the card readers.",
    )
    _sizes(parser)
    parser.add_argument(
        "--samples",
        type=int,
        help=f"timed calls per operation (default {FULL_SAMPLES}; {SMALL_SAMPLES} below {SMALL_MEMBERS:,} members)",
    )
    parser.add_argument("--json", type=Path, default=DEFAULT_RESULTS, help="where to write the JSON results")
    parser.add_argument("--data", type=Path, help="use this dataset file instead of the cached one")
    parser.add_argument("--seed", type=int, default=7, help="seed for choosing members and queries")
    parser.add_argument(
        "--full-check",
        action="store_true",
        help="also time one open with quick_check (the start after an unclean shutdown; minutes at store scale)",
    )
    parser.add_argument(
        "--no-readers",
        action="store_true",
        help="skip the card reader rows (PC/SC and NFC rigs; 'python -m bench readers' runs only those)",
    )
    parser.add_argument(
        "--no-analytics",
        action="store_true",
        help="skip the insights refresh rows ('python -m bench analytics' runs only those)",
    )
    args = parser.parse_args(argv)
    samples = args.samples
    if samples is None:
        # A quick look at a small dataset should take seconds, not minutes.
        samples = FULL_SAMPLES if args.members >= SMALL_MEMBERS else SMALL_SAMPLES
    if samples < 1:
        parser.error("--samples must be at least 1")
    return run_main(
        members=args.members,
        entries=args.entries,
        samples=samples,
        json_path=args.json,
        data=args.data,
        seed=args.seed,
        full_check=args.full_check,
        readers=not args.no_readers,
        analytics=not args.no_analytics,
    )


def _profile_main(argv: Sequence[str]) -> int:
    from bench.run import OPERATIONS, profile_main

    parser = argparse.ArgumentParser(prog="python -m bench profile", description="cProfile one operation.")
    _sizes(parser)
    parser.add_argument("--op", choices=OPERATIONS, default="award")
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--data", type=Path, help="use this dataset file instead of the cached one")
    parser.add_argument("--top", type=int, default=30, help="lines of the profile to print")
    args = parser.parse_args(argv)
    return profile_main(
        members=args.members, entries=args.entries, op=args.op, calls=args.calls, data=args.data, top=args.top
    )


def _readers_main(argv: Sequence[str]) -> int:
    from bench.run import READER_RESULTS, readers_main

    parser = argparse.ArgumentParser(
        prog="python -m bench readers",
        description="Card reader → member reference on the PC/SC and NFC test rigs, next to each rig's raw "
        "round trip (no dataset needed).",
    )
    parser.add_argument(
        "--samples", type=int, default=READER_SAMPLES, help=f"reads per card (default {READER_SAMPLES})"
    )
    parser.add_argument("--json", type=Path, default=READER_RESULTS, help="where to write the JSON results")
    args = parser.parse_args(argv)
    if args.samples < 1:
        parser.error("--samples must be at least 1")
    return readers_main(samples=args.samples, json_path=args.json)


def _window_main(argv: Sequence[str]) -> int:
    import json

    from bench.generate import stderr_log
    from bench.run import resolve_dataset
    from bench.window import format_window_table, run_window_benchmarks

    parser = argparse.ArgumentParser(
        prog="python -m bench window",
        description="The till window on the dataset: card → member painted, cold start, memory over 1,000 sales.",
    )
    _sizes(parser)
    parser.add_argument("--data", type=Path, help="use this dataset file instead of the cached one")
    parser.add_argument("--samples", type=int, default=500, help="card taps timed (default 500)")
    parser.add_argument(
        "--sales", type=int, default=1000, help="sales typed for the memory row (default 1000)"
    )
    parser.add_argument("--cold", type=int, default=5, help="cold starts timed (default 5)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--json", type=Path, default=Path("bench/results/window.json"))
    args = parser.parse_args(argv)
    if min(args.samples, args.sales, args.cold) < 1:
        parser.error("--samples, --sales and --cold must be at least 1")
    path = resolve_dataset(args.members, args.entries, args.data)
    results = run_window_benchmarks(
        path, samples=args.samples, sales=args.sales, cold_samples=args.cold, seed=args.seed, log=stderr_log
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"dataset": str(path.name), "results": results}, indent=2))
    print(format_window_table(results))
    return 0


def _sync_main(argv: Sequence[str]) -> int:
    from bench.generate import stderr_log
    from bench.sync import DEFAULT_RESULTS, SyncConfig, sync_main

    defaults = SyncConfig()
    parser = argparse.ArgumentParser(
        prog="python -m bench sync",
        description="Sync with the central on a throwaway PostgreSQL cluster: one till pushing its offline "
        "entries, the central's ingest beside COPY, many tills at once, the first pull of a large store.",
    )
    parser.add_argument("--entries", type=int, default=defaults.entries, help="offline entries to push")
    parser.add_argument("--push-members", type=int, default=defaults.push_members, help="members they go to")
    parser.add_argument("--tills", type=int, default=defaults.tills, help="tills pushing at once")
    parser.add_argument("--till-entries", type=int, default=defaults.till_entries, help="entries at each")
    parser.add_argument("--fleet-members", type=int, default=defaults.fleet_members, help="their members")
    parser.add_argument("--members", type=int, default=defaults.members, help="members of the first pull")
    parser.add_argument(
        "--pull-budget",
        type=float,
        default=defaults.pull_budget,
        help="seconds after which a first pull still going is stopped and its total projected",
    )
    parser.add_argument(
        "--pull-page", type=int, default=defaults.pull_page, help="changes per page of the first pull"
    )
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--central-workers",
        type=int,
        default=defaults.central_workers,
        help=f"processes of the central (default {defaults.central_workers})",
    )
    parser.add_argument(
        "--rows",
        default=",".join(defaults.rows),
        help=f"which rows, comma-separated (default {','.join(defaults.rows)}; push brings the ingest row)",
    )
    parser.add_argument("--json", type=Path, default=DEFAULT_RESULTS, help="where to write the JSON results")
    args = parser.parse_args(argv)
    config = SyncConfig(
        entries=args.entries,
        push_members=args.push_members,
        tills=args.tills,
        till_entries=args.till_entries,
        fleet_members=args.fleet_members,
        members=args.members,
        pull_budget=args.pull_budget,
        seed=args.seed,
        rows=tuple(row.strip() for row in args.rows.split(",") if row.strip()),
        central_workers=args.central_workers,
        pull_page=args.pull_page,
    )
    try:
        config.check()
    except ValueError as exc:
        parser.error(str(exc))
    return sync_main(config, args.json, stderr_log)


def _desk_main(argv: Sequence[str]) -> int:
    from bench.desk import desk_main
    from bench.generate import stderr_log
    from bench.run import resolve_dataset

    parser = argparse.ArgumentParser(
        prog="python -m bench desk",
        description="The manager's desk on the dataset: member list search (first page) and member 360 opened, "
        "each next to the raw sqlite3 query doing the minimum.",
    )
    _sizes(parser)
    parser.add_argument("--data", type=Path, help="use this dataset file instead of the cached one")
    parser.add_argument("--samples", type=int, default=700, help="timed calls per row (default 700)")
    parser.add_argument("--seed", type=int, default=11, help="seed for choosing members and queries")
    parser.add_argument("--json", type=Path, default=Path("bench/results/desk.json"))
    args = parser.parse_args(argv)
    if args.samples < 1:
        parser.error("--samples must be at least 1")
    path = resolve_dataset(args.members, args.entries, args.data)
    return desk_main(path, samples=args.samples, seed=args.seed, json_path=args.json, log=stderr_log)


def _analytics_main(argv: Sequence[str]) -> int:
    from bench.analytics import DEFAULT_MEMBERS, DEFAULT_RESULTS, analytics_main

    parser = argparse.ArgumentParser(
        prog="python -m bench analytics",
        description="The insights refresh (summary, BG/NBD and Gamma-Gamma fits, scores, segments, cohorts) on "
        "purchases drawn for N members, next to the lifetimes package fitting the same summary.",
    )
    parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS, help="members to draw purchases for")
    parser.add_argument("--seed", type=int, default=7, help="seed of the drawn purchases")
    parser.add_argument("--json", type=Path, default=DEFAULT_RESULTS, help="where to write the JSON results")
    parser.add_argument("--no-baseline", action="store_true", help="leave out the lifetimes baseline")
    parser.add_argument(
        "--baseline-python",
        help="the interpreter with lifetimes installed (default: bench/.data/baseline-venv, else this one)",
    )
    args = parser.parse_args(argv)
    if args.members < 100:
        parser.error("--members must be at least 100")
    return analytics_main(
        members=args.members,
        seed=args.seed,
        json_path=args.json,
        baseline=not args.no_baseline,
        python=args.baseline_python,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "generate":
        return _generate_main(args[1:])
    if args and args[0] == "profile":
        return _profile_main(args[1:])
    if args and args[0] == "readers":
        return _readers_main(args[1:])
    if args and args[0] == "analytics":
        return _analytics_main(args[1:])
    if args and args[0] == "window":
        return _window_main(args[1:])
    if args and args[0] == "sync":
        return _sync_main(args[1:])
    if args and args[0] == "desk":
        return _desk_main(args[1:])
    return _run_main(args)
