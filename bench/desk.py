"""The manager's desk benchmarks (``python -m bench desk``), on the same dataset as the service rows.

- **member list search**: ``MemberDirectory.list_members(query=...)``, first page, default sort (by name), for
  queries drawn with a fixed seed from the members: name prefixes without accents ('nguyen van', 'tran th'),
  phone numbers (as stored, '+84912345678', and as typed, '0912 345 678'), e-mail addresses, member numbers;
  and the first page of one tier, and of everyone by points (highest first). Baseline, alternating in the same
  run: the raw query doing the minimum through ``sqlite3`` — the FTS5 ``MATCH`` for a name, an indexed
  equality for a phone, an e-mail or a number, the tier index for a tier, the balance index for the points
  order — each reading the page's member rows.
- **member 360 opened**: ``Member360.overview(member_id)`` and the first page of ``history(member_id)``, what
  the desk's member page asks for when it opens, for members drawn with a fixed seed. Baseline: the member row
  and its 50 newest ledger entries by the member-history index.

Target (issue 9): p95 ≤ 100 ms each. Nothing here writes.
"""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.services import TillServices
from app.services.directory import PAGE_SIZE, MemberDirectory, Sort, SortKey
from app.services.member360 import HISTORY_PAGE, Member360
from app.store.db import open_store
from bench.measure import Log, Target, result_row, summarize, timed
from loyalty.text import fold

DESK = Target("p95 ≤ 100 ms", p95_ms=100)
SEARCH_KINDS = ("name", "phone", "phone_typed", "email", "number", "tier", "sort_points")
_MEMBER_COLUMNS = "id, member_number, full_name, phone, email, tier_code, status, balance, last_visit_at"


@dataclass(frozen=True)
class DeskQuery:
    kind: str
    text: str = ""
    tier: str | None = None
    sort: Sort | None = None
    # What the baseline reads: an FTS expression, an equality's column and value, a tier code, or nothing.
    raw_column: str | None = None
    raw_value: str | None = None


def _random_members(raw: sqlite3.Connection, rng: random.Random, count: int) -> list[tuple[Any, ...]]:
    """``count`` members drawn by rowid (members have no rowid gaps in a generated dataset; misses are skipped)."""
    top = raw.execute("SELECT max(rowid) FROM members").fetchone()[0] or 0
    found: list[tuple[Any, ...]] = []
    attempts = 0
    while len(found) < count and attempts < count * 50 and top:
        attempts += 1
        row = raw.execute(
            "SELECT id, full_name, phone, email, member_number FROM members WHERE rowid = ?",
            (rng.randint(1, top),),
        ).fetchone()
        if row is not None:
            found.append(row)
    if len(found) < count:
        raise SystemExit(f"the dataset has too few members ({len(found)} of {count})")
    return found


def _name_prefix(full_name: str, rng: random.Random) -> str:
    """What a manager types for a name, without accents: family and middle name, the last word often cut."""
    words = fold(full_name).split()
    picked = words[:2] if len(words) > 1 else words
    last = picked[-1]
    if rng.random() < 0.5 and len(last) > 2:
        picked = [*picked[:-1], last[: rng.randint(2, len(last) - 1)]]
    return " ".join(picked)


def _typed_phone(stored: str) -> str:
    """'+84912345678' as a Vietnamese types it: '0912 345 678'."""
    national = "0" + stored[3:]
    return f"{national[:4]} {national[4:7]} {national[7:]}"


def _fts_expression(text: str) -> str:
    return " AND ".join('"' + word.replace('"', '""') + '"*' for word in fold(text).split())


def draw_queries(raw: sqlite3.Connection, rng: random.Random, count: int) -> list[DeskQuery]:
    """``count`` queries, every kind in turn (so each kind gets about a seventh), drawn from the members."""
    people = _random_members(raw, rng, count)
    tiers = [r[0] for r in raw.execute("SELECT DISTINCT tier_code FROM members WHERE tier_code IS NOT NULL")]
    queries: list[DeskQuery] = []
    for i, (_member_id, name, phone, email, number) in enumerate(people):
        kind = SEARCH_KINDS[i % len(SEARCH_KINDS)]
        if (kind in ("phone", "phone_typed") and not phone) or (kind == "email" and not email):
            kind = "name"  # a member without one: still a query, of the kind every member has
        if kind == "name":
            text = _name_prefix(name, rng)
            queries.append(DeskQuery(kind, text, raw_column="fts", raw_value=_fts_expression(text)))
        elif kind == "phone":
            queries.append(DeskQuery(kind, phone, raw_column="phone", raw_value=phone))
        elif kind == "phone_typed":
            queries.append(DeskQuery(kind, _typed_phone(phone), raw_column="phone", raw_value=phone))
        elif kind == "email":
            queries.append(DeskQuery(kind, email, raw_column="email", raw_value=email))
        elif kind == "number":
            queries.append(DeskQuery(kind, number, raw_column="member_number", raw_value=number))
        elif kind == "tier" and tiers:
            tier = rng.choice(tiers)
            queries.append(DeskQuery(kind, tier=tier, raw_column="tier_code", raw_value=tier))
        else:
            queries.append(DeskQuery("sort_points", sort=Sort(SortKey.BALANCE, descending=True)))
    rng.shuffle(queries)
    return queries


def raw_search(raw: sqlite3.Connection, q: DeskQuery) -> list[Any]:
    """The least a page of that query needs, through sqlite3: the index that finds the members, their rows."""
    if q.raw_column == "fts":
        return raw.execute(
            f"SELECT {_MEMBER_COLUMNS} FROM members WHERE rowid IN "
            "(SELECT rowid FROM members_fts WHERE members_fts MATCH ? LIMIT ?)",
            (q.raw_value, PAGE_SIZE),
        ).fetchall()
    if q.raw_column is not None:
        return raw.execute(
            f"SELECT {_MEMBER_COLUMNS} FROM members WHERE {q.raw_column} = ? LIMIT ?",
            (q.raw_value, PAGE_SIZE),
        ).fetchall()
    return raw.execute(
        f"SELECT {_MEMBER_COLUMNS} FROM members ORDER BY balance DESC, id DESC LIMIT ?", (PAGE_SIZE,)
    ).fetchall()


def raw_member_page(raw: sqlite3.Connection, member_id: str) -> tuple[Any, list[Any]]:
    member = raw.execute("SELECT * FROM members WHERE id = ?", (member_id,)).fetchone()
    entries = raw.execute(
        "SELECT * FROM ledger_entries INDEXED BY ix_ledger_entries_member_history WHERE member_id = ? "
        "ORDER BY created_at DESC LIMIT ?",
        (member_id, HISTORY_PAGE),
    ).fetchall()
    return member, entries


def bench_list_search(
    directory: MemberDirectory, raw: sqlite3.Connection, queries: list[DeskQuery], warmup: int
) -> dict[str, dict[str, Any]]:
    by_kind: dict[str, tuple[list[int], list[int]]] = {}
    rows_shown: dict[str, int] = {}
    examples: dict[str, list[str]] = {}
    empty = 0
    for i, q in enumerate(queries):
        t_svc, page = timed(directory.list_members, query=q.text, tier=q.tier, sort=q.sort)
        t_base, _ = timed(raw_search, raw, q)
        if i < warmup:
            continue
        svc_ns, base_ns = by_kind.setdefault(q.kind, ([], []))
        svc_ns.append(t_svc)
        base_ns.append(t_base)
        rows_shown[q.kind] = rows_shown.get(q.kind, 0) + len(page.rows)
        empty += not page.rows
        label = q.text or (f"tier={q.tier}" if q.tier else "sort=points desc")
        if len(examples.setdefault(q.kind, [])) < 4 and label not in examples[q.kind]:
            examples[q.kind].append(label)
    out = {
        "desk_search": result_row(
            [t for s, _ in by_kind.values() for t in s],
            [t for _, b in by_kind.values() for t in b],
            what="MemberDirectory.list_members(query, tier, sort): first page, mixed queries",
            baseline_what="sqlite3: FTS5 MATCH / indexed equality / tier or balance index, the page's rows",
            target=DESK,
            empty_pages=empty,
        )
    }
    labels = {
        "name": "sqlite3: FTS5 MATCH, LIMIT 50, member rows by rowid",
        "phone": "sqlite3: members WHERE phone = ? (E.164)",
        "phone_typed": "sqlite3: members WHERE phone = ? (E.164)",
        "email": "sqlite3: members WHERE email = ?",
        "number": "sqlite3: members WHERE member_number = ?",
        "tier": "sqlite3: members WHERE tier_code = ? LIMIT 50",
        "sort_points": "sqlite3: members ORDER BY balance DESC, id DESC LIMIT 50",
    }
    for kind in SEARCH_KINDS:
        if kind not in by_kind:
            continue
        svc_ns, base_ns = by_kind[kind]
        out[f"desk_search_{kind}"] = result_row(
            svc_ns,
            base_ns,
            what=f"list_members, first page: {kind.replace('_', ' ')}",
            baseline_what=labels[kind],
            target=DESK,
            mean_rows=round(rows_shown[kind] / len(svc_ns), 1),
            examples=examples[kind],
        )
    return out


def bench_member_360(
    desk: Member360, raw: sqlite3.Connection, member_ids: list[str], warmup: int
) -> dict[str, dict[str, Any]]:
    opened: list[int] = []
    overview: list[int] = []
    history: list[int] = []
    baseline: list[int] = []
    lines = 0
    for i, member_id in enumerate(member_ids):
        t_overview, _ = timed(desk.overview, member_id)
        t_history, page = timed(desk.history, member_id)
        t_base, _ = timed(raw_member_page, raw, member_id)
        if i < warmup:
            continue
        overview.append(t_overview)
        history.append(t_history)
        opened.append(t_overview + t_history)
        baseline.append(t_base)
        lines += len(page.lines)
    base_what = "sqlite3: the member row + its 50 newest ledger entries by the member-history index"
    return {
        "desk_member_360": result_row(
            opened,
            baseline,
            what="Member360.overview(id) + history(id) first page: the desk's member page opened",
            baseline_what=base_what,
            target=DESK,
            mean_history_lines=round(lines / max(1, len(opened)), 1),
            overview=summarize(overview),
            history=summarize(history),
        )
    }


def run_desk_benchmarks(path: Path, *, samples: int, seed: int, log: Log) -> dict[str, Any]:
    """Both rows on the dataset at ``path``: ``samples`` timed calls each, after a warm-up."""
    rng = random.Random(seed)
    warmup = max(5, samples // 20)
    store = open_store(path, quick_check=False)
    try:
        svc = TillServices.open(store)
        directory, desk = MemberDirectory(svc.core), Member360(svc.core)
        with closing(sqlite3.connect(path, isolation_level=None, timeout=10.0)) as raw:
            raw.execute("PRAGMA busy_timeout = 10000")
            queries = draw_queries(raw, rng, samples + warmup)
            members = [row[0] for row in _random_members(raw, rng, samples + warmup)]
            log(f"member list search: {samples} first pages")
            results = bench_list_search(directory, raw, queries, warmup)
            log(f"member 360 opened: {samples} members")
            results.update(bench_member_360(desk, raw, members, warmup))
    finally:
        store.close()
    return results


def format_desk_table(results: dict[str, Any]) -> str:
    lines = [
        "row                          p50 ms    p95 ms    max ms   baseline p50/p95/max      target        ok"
    ]
    for key, row in results.items():
        base = row.get("baseline") or summarize([])
        lines.append(
            f"{key:<26} {row['p50_ms']:>8.2f} {row['p95_ms']:>9.2f} {row['max_ms']:>9.2f}"
            f"   {base['p50_ms']:>6.2f} / {base['p95_ms']:>6.2f} / {base['max_ms']:>7.2f}"
            f"  {row['target']:<12}  {row['ok']}"
        )
        if "overview" in row:
            for part in ("overview", "history"):
                s = row[part]
                lines.append(f"  {part:<24} {s['p50_ms']:>8.2f} {s['p95_ms']:>9.2f} {s['max_ms']:>9.2f}")
    return "\n".join(lines)


def desk_main(path: Path, *, samples: int, seed: int, json_path: Path, log: Log) -> int:
    import json

    results = run_desk_benchmarks(path, samples=samples, seed=seed, log=log)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps({"dataset": path.name, "samples": samples, "results": results}, indent=2))
    print(format_desk_table(results))
    return 0


__all__ = ["DESK", "desk_main", "draw_queries", "format_desk_table", "run_desk_benchmarks"]
