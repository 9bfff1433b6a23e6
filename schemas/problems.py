"""Cross-field problems of the kind schemas: (path, message) pairs raised as marshmallow's nested errors."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError
from marshmallow.error_store import merge_errors


def problem_tree(problems: list[tuple[tuple, str]]) -> dict:
    """Build marshmallow's nested error dict from (path, message) pairs.

    A path may end where another continues (members, and members[3].role): marshmallow keeps
    the shorter path's messages under "_schema" beside the nested ones, as merge_errors() does.
    """
    tree: dict = {}
    for path, message in problems:
        node: Any = [message]
        for key in reversed(path):
            node = {key: node}
        tree = merge_errors(tree, node)
    return tree


def raise_problems(problems: list[tuple[tuple, str]]) -> None:
    """Raise the cross-field problems, each at its own path, if there are any."""
    if problems:
        raise ValidationError(problem_tree(problems))


def repeated(values: list) -> list[int]:
    """Indexes of entries equal to an earlier entry."""
    seen: set = set()
    found = []
    for index, value in enumerate(values):
        if value in seen:
            found.append(index)
        seen.add(value)
    return found


def duplicate_names(data: dict, key: str, what: str = "name") -> list[tuple[tuple, str]]:
    """Problems for entries of the list ``data[key]`` whose ``what`` repeats an earlier one."""
    entries = [entry.get(what) for entry in data.get(key) or []]
    return [((key, index, what), f"“{entries[index]}”重复了") for index in repeated(entries)]


def not_before(data: dict, key: str, earlier_key: str, message: str, at: str = "") -> list[tuple[tuple, str]]:
    """A problem (at ``at``, by default ``key``) if ``key``'s date is before ``earlier_key``'s."""
    later, earlier = data.get(key), data.get(earlier_key)
    if later and earlier and later[: len(earlier)] < earlier[: len(later)]:
        return [((at or key,), message)]
    return []
