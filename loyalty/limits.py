"""Bounds on untrusted structured data (program files, sync payloads), checked without recursion."""

from __future__ import annotations

_CONTAINERS = (dict, list)


def nesting_depth(value: object, limit: int) -> int:
    """How deep dicts and lists nest in ``value`` (a scalar is 0, ``{}`` is 1), walked with a stack so a
    hostile document cannot exhaust the interpreter's recursion. Stops as soon as ``limit`` is passed."""
    if not isinstance(value, _CONTAINERS):
        return 0
    # Only containers go on the stack: a sync payload is a flat record of a dozen scalars, checked for every
    # item of every push, and stacking each scalar too cost more than the rest of the check.
    stack: list[tuple[dict[object, object] | list[object], int]] = [(value, 1)]
    deepest = 0
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        children = item.values() if isinstance(item, dict) else item
        stack.extend([(child, level + 1) for child in children if isinstance(child, _CONTAINERS)])
    return deepest
