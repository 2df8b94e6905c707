"""Fields of a scenario changed for one run: ``path=value`` from the command line and sweeps.

A path is dotted names with ``[i]`` list indices, as a validation error names a field
(``sites[0].grid.import_cap_mw``, ``time.aggregation.count``). The changed scenario is
validated again, so a wrong path or value gets the same one-line error as a wrong file.

    >>> parse_setting("time.aggregation.count=24")
    ('time.aggregation.count', 24)
    >>> parse_setting("sites[0].cooling=immersion")
    ('sites[0].cooling', 'immersion')
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from gigafactory.errors import ScenarioError
from gigafactory.scenario.loading import scenario_data, scenario_from_dict
from gigafactory.scenario.schema import Scenario

__all__ = ["parse_setting", "set_path", "with_settings"]

_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def parse_setting(spec: str, option: str = "--set") -> tuple[str, Any]:
    """``path=value`` as ``(path, value)``; the value read as JSON where it is JSON.

    Numbers, ``true``/``false``, ``null`` (the field's default) and ``[1, 2, 3]`` lists
    are JSON; anything else is text.
    """
    path, sep, text = spec.partition("=")
    if not sep or not path.strip():
        msg = f"{option} '{spec}': give path=value, e.g. time.aggregation.count=24"
        raise ScenarioError(msg)
    try:
        value = json.loads(text)
    except ValueError:
        value = text.strip()
    return path.strip(), value


def set_path(data: dict[str, Any], path: str, value: Any, option: str = "--vary") -> None:
    """Set ``value`` at a dotted path with ``[i]`` list indices, creating mappings.

    ``None`` removes the field, so that it takes its default.
    """
    tokens = [
        m.group(1) if m.group(1) is not None else int(m.group(2)) for m in _PART.finditer(path)
    ]
    if (
        not tokens
        or "".join(f".{t}" if isinstance(t, str) else f"[{t}]" for t in tokens).lstrip(".") != path
    ):
        msg = f"{option} path '{path}': use names and [index], e.g. sites[0].grid.import_cap_mw"
        raise ScenarioError(msg)
    node: Any = data
    for i, token in enumerate(tokens[:-1]):
        nxt = tokens[i + 1]
        if isinstance(token, int):
            if not isinstance(node, list) or token >= len(node):
                msg = f"{option} path '{path}': no item [{token}]"
                raise ScenarioError(msg)
            node = node[token]
        else:
            if not isinstance(node, dict):
                msg = f"{option} path '{path}': '{tokens[i - 1]}' is a value, not a section"
                raise ScenarioError(msg)
            if token not in node or node[token] is None:
                node[token] = [] if isinstance(nxt, int) else {}
            node = node[token]
    last = tokens[-1]
    if isinstance(last, int) and (not isinstance(node, list) or last >= len(node)):
        msg = f"{option} path '{path}': no item [{last}]"
        raise ScenarioError(msg)
    if isinstance(last, str) and not isinstance(node, dict):
        msg = f"{option} path '{path}': '{tokens[-2]}' is a value, not a section"
        raise ScenarioError(msg)
    if value is None and isinstance(node, dict):
        node.pop(last, None)  # the field's default
    else:
        node[last] = value


def with_settings(scenario: Scenario, settings: Mapping[str, Any], source: str) -> Scenario:
    """``scenario`` with each ``path: value`` of ``settings`` set, validated again.

    Parameters
    ----------
    scenario : Scenario
        Loaded and valid.
    settings : mapping of str to any
        Field path -> value, e.g. ``{"time.aggregation.count": 24}``; ``None`` puts a
        field back to its default.
    source : str
        Names the scenario and the settings in error messages.

    Raises
    ------
    ScenarioError
        One line naming ``source``, the field path and what is allowed.

    Examples
    --------
    >>> from gigafactory.scenario import load_scenario
    >>> screen = with_settings(
    ...     load_scenario("korea-southwest"), {"time.aggregation.count": 24}, "--set"
    ... )
    >>> screen.time.aggregation.count, screen.time.aggregation.period_hours
    (24, 24)
    """
    if not settings:
        return scenario
    data = scenario_data(scenario)
    for path, value in settings.items():
        set_path(data, path, value, option="--set")
    return scenario_from_dict(data, source)
