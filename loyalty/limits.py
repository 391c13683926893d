"""Bounds on untrusted structured data (program files, sync payloads), checked without recursion."""

from __future__ import annotations


def nesting_depth(value: object, limit: int) -> int:
    """How deep dicts and lists nest in ``value`` (a scalar is 0, ``{}`` is 1), walked with a stack so a
    hostile document cannot exhaust the interpreter's recursion. Stops as soon as ``limit`` is passed."""
    stack: list[tuple[object, int]] = [(value, 1)]
    deepest = 0
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest
