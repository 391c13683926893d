"""What changed between two program versions: a structured diff of the two programs, rule by rule.

The programs are compared as their canonical JSON (``Program.canonical_json``: sets sorted, multipliers as
text), so two versions that the till would treat alike show no change. Lists whose items carry a code
(tiers, promotions, rewards) are matched by that code: a reward whose points changed is one change of its
``points``, not a removed reward and an added one; a new order of the same codes is a change of its own.
Dictionaries (actions, category and product multipliers) are matched by key.

``apply_changes`` replays a diff on the older program's JSON; a test checks that it always gives the newer
one, so the list never leaves a difference out.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Literal

from loyalty.program import Program

ChangeKind = Literal["added", "removed", "changed", "reordered"]

KEYED_LISTS: frozenset[tuple[str, ...]] = frozenset({("tiers", "levels"), ("promotions",), ("rewards",)})
"""Lists of items with a ``code``, matched by it."""
FREE_DICTS: frozenset[tuple[str, ...]] = frozenset(
    {("actions",), ("earn", "category_multipliers"), ("earn", "sku_multipliers")}
)
"""Dictionaries whose keys are the program's own (an action's code, a category): a key may come or go.
Every other dictionary is a part of the program with fixed fields (absent sections are ``null``)."""


@dataclass(frozen=True, slots=True)
class ProgramChange:
    path: tuple[str, ...]
    """Fields from the top of the program; an item of a keyed list is named by its code."""
    kind: ChangeKind
    old: Any = None
    new: Any = None


def program_json(program: Program) -> dict[str, Any]:
    """The program as plain JSON values (what is stored and hashed)."""
    data: dict[str, Any] = json.loads(program.canonical_json())
    return data


def diff_programs(before: Program, after: Program) -> list[ProgramChange]:
    return diff_json(program_json(before), program_json(after))


def diff_json(before: Any, after: Any, path: tuple[str, ...] = ()) -> list[ProgramChange]:
    if before is None and after is not None and path:
        return [ProgramChange(path, "added", None, after)]
    if after is None and before is not None and path:
        return [ProgramChange(path, "removed", before, None)]
    if isinstance(before, dict) and isinstance(after, dict):
        return _diff_dicts(before, after, path)
    if path in KEYED_LISTS and _keyed(before) and _keyed(after):
        return _diff_keyed(before, after, path)
    if before != after:
        return [ProgramChange(path, "changed", before, after)]
    return []


def _keyed(items: Any) -> bool:
    if not isinstance(items, list) or not all(
        isinstance(i, dict) and isinstance(i.get("code"), str) for i in items
    ):
        return False
    codes = [i["code"] for i in items]
    return len(set(codes)) == len(codes)


def _diff_dicts(before: dict[str, Any], after: dict[str, Any], path: tuple[str, ...]) -> list[ProgramChange]:
    changes: list[ProgramChange] = []
    for key, old in before.items():
        if key not in after:
            changes.append(ProgramChange((*path, key), "removed", old, None))
        else:
            changes += diff_json(old, after[key], (*path, key))
    for key, new in after.items():
        if key not in before:
            changes.append(ProgramChange((*path, key), "added", None, new))
    return changes


def _diff_keyed(before: list[Any], after: list[Any], path: tuple[str, ...]) -> list[ProgramChange]:
    old = {item["code"]: item for item in before}
    new = {item["code"]: item for item in after}
    changes: list[ProgramChange] = []
    for code, item in old.items():
        if code not in new:
            changes.append(ProgramChange((*path, code), "removed", item, None))
    for code, item in old.items():
        if code in new:
            changes += diff_json(item, new[code], (*path, code))
    for code, item in new.items():
        if code not in old:
            changes.append(ProgramChange((*path, code), "added", None, item))
    # Replaying removals and additions keeps the old order and appends the new codes; anything else is a
    # new order of its own (the order of rewards is the order the till offers them).
    kept = [code for code in old if code in new] + [code for code in new if code not in old]
    if kept != list(new):
        changes.append(ProgramChange(path, "reordered", list(old), list(new)))
    return changes


# -- replaying a diff -----------------------------------------------------------------------------------------
def apply_changes(before: dict[str, Any], changes: list[ProgramChange]) -> dict[str, Any]:
    """``before`` (a program's JSON) with ``changes`` made to it, as a new value."""
    data = copy.deepcopy(before)
    for change in changes:
        _apply(data, change)
    return data


def _apply(data: dict[str, Any], change: ProgramChange) -> None:
    *parents, last = change.path
    container: Any = data
    walked: tuple[str, ...] = ()
    for part in parents:
        container = _child(container, walked, part)
        walked = (*walked, part)
    if change.kind == "reordered":
        items = _child(container, walked, last)
        by_code = {item["code"]: item for item in items}
        items[:] = [by_code[code] for code in change.new]
        return
    if walked in KEYED_LISTS:
        items = container
        index = next((i for i, item in enumerate(items) if item["code"] == last), None)
        if change.kind == "added":
            items.append(copy.deepcopy(change.new))
        elif change.kind == "removed" and index is not None:
            del items[index]
        elif index is not None:
            items[index] = copy.deepcopy(change.new)
        return
    if change.kind == "removed" and walked in FREE_DICTS:
        del container[last]
    else:
        container[last] = copy.deepcopy(change.new)


def _child(container: Any, path: tuple[str, ...], part: str) -> Any:
    if path in KEYED_LISTS:
        return next(item for item in container if item["code"] == part)
    return container[part]
