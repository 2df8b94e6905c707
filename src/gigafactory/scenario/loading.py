"""Scenario loading: YAML or a preset name -> a validated :class:`Scenario`, and back.

Errors are one line naming the source, the field path, the value and what is allowed;
catalog names (sites, technologies, accelerators) are checked against the catalog with the
closest match suggested. Relative file references become relative to the scenario file.
"""

from __future__ import annotations

import difflib
import typing
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from gigafactory import catalog
from gigafactory.errors import CatalogError, ScenarioError, did_you_mean, one_line
from gigafactory.scenario.firm import resolve_contract
from gigafactory.scenario.schema import FLAT_TARIFF, Scenario, SiteSpec

__all__ = [
    "check_references",
    "data_files",
    "dump_scenario",
    "load_scenario",
    "preset_names",
    "presets",
    "read_yaml",
    "scenario_data",
    "scenario_from_dict",
    "scenario_from_yaml",
]


def _fmt_loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _lookup(data: Any, loc: tuple[int | str, ...]) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """Follow ``loc`` through the schema and return the model that owns its last part."""
    model: Any = Scenario
    key_next = False  # the part after a mapping field is a key, not a field
    for part in loc[:-1]:
        if isinstance(part, int) or model is None or key_next:
            key_next = False
            continue
        field_info = model.model_fields.get(part)
        if field_info is None:
            return None
        key_next = typing.get_origin(field_info.annotation) is dict
        model = _inner_model(field_info.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


SHOWN_CHARS = 300
"""Longest value echoed in an error line [characters]."""


def _short_repr(value: Any, depth: int = 0) -> str:
    """``repr`` bounded in size, keys in the user's order: an error never echoes a huge value.

    At most 8 items per mapping or list, 4 levels and :data:`SHOWN_CHARS` characters.
    """
    if isinstance(value, dict | list) and depth >= 4:
        return "{...}" if isinstance(value, dict) else "[...]"
    if isinstance(value, dict):
        parts = [f"{k!r}: {_short_repr(v, depth + 1)}" for k, v in list(value.items())[:8]]
        text = "{" + ", ".join(parts + (["..."] if len(value) > 8 else [])) + "}"
    elif isinstance(value, list):
        parts = [_short_repr(v, depth + 1) for v in value[:8]]
        text = "[" + ", ".join(parts + (["..."] if len(value) > 8 else [])) + "]"
    else:
        text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def _describe_error(err: Any, data: Any) -> str:
    loc = tuple(err["loc"])
    path = _fmt_loc(loc)
    if err["type"] == "extra_forbidden":
        owner = _model_at(loc)
        allowed = sorted(owner.model_fields) if owner else []
        name = str(loc[-1])
        return (
            f"{path}: unknown field '{name}'{did_you_mean(name, allowed)}; allowed: "
            + ", ".join(allowed)
        )
    value = _lookup(data, loc)
    message = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "value_error" and not loc:
        # the scenario's own checks name the fields at fault: no echo of the whole scenario
        return message
    shown = "missing" if err["type"] == "missing" else f"got {_short_repr(value)}"
    if err["type"] == "enum":
        near = difflib.get_close_matches(
            str(value),
            err["ctx"]["expected"].replace("'", "").replace(" or ", ", ").split(", "),
            n=1,
            cutoff=0.5,
        )
        if near:
            message += f"; did you mean '{near[0]}'?"
    return f"{path}: {message} ({shown})"


def _resolve_paths(scenario: Scenario, base: Path) -> Scenario:
    """Make relative file references relative to the scenario file."""

    def fix(obj: BaseModel) -> BaseModel:
        updates: dict[str, Any] = {}
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            if isinstance(value, Path) and not value.is_absolute():
                updates[name] = base / value
            elif isinstance(value, BaseModel):
                updates[name] = fix(value)
            elif isinstance(value, list):
                updates[name] = [fix(v) if isinstance(v, BaseModel) else v for v in value]
            elif isinstance(value, dict):
                updates[name] = {
                    k: fix(v) if isinstance(v, BaseModel) else v for k, v in value.items()
                }
        return obj.model_copy(update=updates)

    fixed = fix(scenario)
    assert isinstance(fixed, Scenario)
    return fixed


def data_files(site: SiteSpec) -> dict[str, Path]:
    """The data files a site names, by field path within the site (``load.profile_csv``)."""
    files = {
        "load.profile_csv": site.load.profile_csv if site.load else None,
        "grid.price_csv": site.grid.price_csv,
        "grid.carbon_csv": site.grid.carbon_csv,
        "grid.cfe_csv": site.grid.cfe_csv,
        "series.weather_file": site.series.weather_file,
        "series.capacity_factors_csv": site.series.capacity_factors_csv,
    }
    return {field: path for field, path in files.items() if path is not None}


def check_references(scenario: Scenario, source: str) -> None:
    """Cross-field checks against the catalog and the file system (second validation layer)."""
    techs = catalog.technologies()
    accelerators = scenario.accelerator_table()
    for i, site in enumerate(scenario.sites):
        where = f"{source}: sites[{i}]"
        if site.catalog is not None:
            try:
                catalog.get_site(site.catalog)
            except CatalogError as err:
                msg = f"{where}.catalog: {err}"
                raise ScenarioError(msg) from None
        if site.compute is not None:
            named: list[tuple[str, str]] = [
                (f"training[{j}]", t.accelerator) for j, t in enumerate(site.compute.training)
            ] + [(f"inference[{j}]", s.accelerator) for j, s in enumerate(site.compute.inference)]
            named += [(f"idle_accelerators.{n}", n) for n in site.compute.idle_accelerators]
            for label, accelerator in named:
                if accelerator not in accelerators:
                    field = label if label.startswith("idle") else f"{label}.accelerator"
                    msg = (
                        f"{where}.compute.{field}: unknown accelerator '{accelerator}'"
                        f"{did_you_mean(accelerator, accelerators)}; allowed: "
                        f"{', '.join(sorted(accelerators))}, or define it under the "
                        "scenario's accelerators:"
                    )
                    raise ScenarioError(msg)
        for name in site.technologies:
            if name not in techs:
                try:
                    catalog.get_technology(name)
                except CatalogError as err:
                    msg = f"{where}.technologies.{name}: {err}"
                    raise ScenarioError(msg) from None
            if techs[name].kind == "grid":
                msg = (
                    f"{where}.technologies.{name}: the grid is configured under the site's "
                    "'grid:' field, not as a technology"
                )
                raise ScenarioError(msg)
        for j, contract in enumerate(site.contracts):
            resolve_contract(contract, f"{where}.contracts[{j}]")
        tariff = site.grid.tariff
        if tariff is not None and tariff != FLAT_TARIFF and tariff not in catalog.tariffs():
            table = catalog.tariffs()
            msg = (
                f"{where}.grid.tariff: unknown tariff '{tariff}'{did_you_mean(tariff, table)}; "
                f"allowed: {FLAT_TARIFF}, {', '.join(sorted(table))}"
            )
            raise ScenarioError(msg)
        if site.catalog is None and (site.grid.import_cap_mw > 0 or site.grid.size_to_design):
            if site.grid.price_usd_per_mwh is None and site.grid.price_csv is None:
                msg = f"{where}.grid.price_usd_per_mwh: required for a site without a catalog entry"
                raise ScenarioError(msg)
            if site.grid.carbon_kg_per_mwh is None and site.grid.carbon_csv is None:
                msg = f"{where}.grid.carbon_kg_per_mwh: required for a site without a catalog entry"
                raise ScenarioError(msg)
        for field_path, path in data_files(site).items():
            if not path.is_file():
                msg = f"{where}.{field_path}: file not found: {path}"
                raise ScenarioError(msg)


def scenario_from_dict(
    data: Any, source: str = "<scenario>", base: Path | None = None, *, references: bool = True
) -> Scenario:
    """Validate a scenario given as a mapping; errors name ``source`` and the field path."""
    if not isinstance(data, dict):
        msg = f"{source}: a scenario is a mapping of fields, got {type(data).__name__}"
        raise ScenarioError(msg)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # a misspelt name is both unknown and, where the field is required, missing: the
        # unknown one points at the typo
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        more = len(errors) - 1
        suffix = f" (and {more} more error{'s' if more > 1 else ''})" if more else ""
        msg = f"{source}: {_describe_error(first, data)}{suffix}"
        raise ScenarioError(msg) from None
    if base is not None:
        scenario = _resolve_paths(scenario, base)
    if references:
        try:
            check_references(scenario, source)
        except ScenarioError as err:
            # a name the user wrote may hold line breaks: the message stays one line
            raise ScenarioError(one_line(str(err))) from None
    return scenario


def load_scenario(path_or_name: str | Path) -> Scenario:
    """Load a scenario from a YAML file, or a bundled preset by name.

    Parameters
    ----------
    path_or_name : str or Path
        A path to a YAML file, or the name of a bundled preset (see :func:`preset_names`).

    Raises
    ------
    ScenarioError
        With one line naming the file, field path, value, what is allowed and the closest
        valid name.

    Examples
    --------
    >>> load_scenario("korea-southwest").sites[0].catalog
    'korea_southwest'
    """
    text_name = str(path_or_name)
    path = Path(path_or_name)
    if not path.is_file():
        names = preset_names()
        if text_name in names:
            return _load_text(_preset_text(text_name), f"preset '{text_name}'", None)
        if path.suffix in {".yaml", ".yml"} or "/" in text_name:
            msg = f"{text_name}: file not found"
            raise ScenarioError(msg)
        near = difflib.get_close_matches(text_name, names, n=1, cutoff=0.5)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        msg = f"'{text_name}' is neither a file nor a preset{hint}; presets: {', '.join(names)}"
        raise ScenarioError(msg)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        msg = f"{path}: cannot read: {err}"
        raise ScenarioError(msg) from None
    return _load_text(text, str(path), path.parent)


MAX_VALUES = 200_000
"""Most values a scenario may hold once YAML aliases are expanded [-] (the largest preset
holds a few hundred); more is an alias bomb or a mistake."""

MAX_DEPTH = 40
"""Deepest nesting of a scenario's mappings and lists [-] (the schema needs about 8)."""


def _check_size(data: Any, source: str) -> None:
    """Refuse data too large or too deep to be a scenario, before validating it."""
    stack = [(data, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            msg = (
                f"{source}: more than {MAX_VALUES:,} values once YAML aliases are expanded; "
                "a scenario needs a few hundred (remove the repeated aliases)"
            )
            raise ScenarioError(msg)
        if depth > MAX_DEPTH:
            msg = f"{source}: nested deeper than {MAX_DEPTH} levels; a scenario needs about 8"
            raise ScenarioError(msg)
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a key given twice in one mapping is an error.

    PyYAML keeps the last of two equal keys without a word, so a pasted second
    ``technologies:`` block would silently replace the first.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if isinstance(key, typing.Hashable) and key in seen:
                mark = key_node.start_mark
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' given twice in one mapping", mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(text: str, source: str = "<yaml>") -> Any:
    """Scenario YAML as plain data, read safely.

    A key given twice, an alias bomb, nesting beyond :data:`MAX_DEPTH` or malformed YAML is
    a one-line :class:`ScenarioError`.
    """
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        msg = f"{source}:{where}: malformed YAML: {problem}"
        raise ScenarioError(msg) from None
    except RecursionError:
        msg = f"{source}: nested too deeply to read; a scenario needs about 8 levels"
        raise ScenarioError(msg) from None
    _check_size(data, source)
    return data


def _load_text(text: str, source: str, base: Path | None, *, references: bool = True) -> Scenario:
    data = read_yaml(text, source)
    return scenario_from_dict(data, source, base, references=references)


def scenario_from_yaml(
    text: str, source: str = "<yaml>", base: Path | None = None, *, references: bool = True
) -> Scenario:
    """Validate a scenario given as YAML text; errors name ``source``, line and field.

    Relative file references resolve against ``base`` (for the web app: its uploads folder).
    With ``references=False`` the cross-checks against the catalog and the file system
    (:func:`check_references`) are left to the caller (the web app confines file names
    first, so that no answer tells whether a path outside its uploads exists).
    """
    return _load_text(text, source, base, references=references)


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """A scenario as plain data, what :func:`dump_scenario` writes.

    To edit and validate again with :func:`scenario_from_dict`.
    """
    data: dict[str, Any] = scenario.model_dump(mode="json", exclude_none=True)
    return data


def dump_scenario(scenario: Scenario) -> str:
    """Serialise a scenario to YAML (round-trips through :func:`load_scenario`)."""
    return yaml.safe_dump(scenario_data(scenario), sort_keys=False, allow_unicode=True)


def _preset_text(name: str) -> str:
    return (
        resources.files("gigafactory")
        .joinpath("scenario", "presets", f"{name}.yaml")
        .read_text("utf-8")
    )


def preset_names() -> list[str]:
    """Names of the bundled presets."""
    folder = resources.files("gigafactory").joinpath("scenario", "presets")
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def presets() -> dict[str, str]:
    """Bundled presets with their one-line descriptions."""
    out = {}
    for name in preset_names():
        data = yaml.safe_load(_preset_text(name))
        out[name] = str(data.get("title") or data.get("description", "")).strip().split("\n")[0]
    return out
