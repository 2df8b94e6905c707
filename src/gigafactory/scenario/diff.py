"""What differs between two scenarios, field by field."""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["flatten", "scenario_diff"]


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested mappings and lists as ``{field path: value}``, paths as in error messages.

    >>> flatten({"sites": [{"id": "a", "grid": {"import_cap_mw": 100}}]})
    {'sites[0].id': 'a', 'sites[0].grid.import_cap_mw': 100}
    """
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(data, list) and data and all(isinstance(v, dict) for v in data):
        out = {}
        for i, value in enumerate(data):
            out.update(flatten(value, f"{prefix}[{i}]"))
        return out
    return {prefix: data}


def scenario_diff(first_yaml: str, second_yaml: str) -> list[tuple[str, Any, Any]]:
    """The fields whose values differ between two scenarios (YAML text), in field order.

    A field only one of them has appears with ``None`` on the other side.

    >>> scenario_diff("name: a\\nseed: 1\\n", "name: b\\nseed: 1\\nyear: 2030\\n")
    [('name', 'a', 'b'), ('year', None, 2030)]
    """
    first = flatten(yaml.safe_load(first_yaml) or {})
    second = flatten(yaml.safe_load(second_yaml) or {})
    paths = list(dict.fromkeys([*first, *second]))
    return [(p, first.get(p), second.get(p)) for p in paths if first.get(p) != second.get(p)]
