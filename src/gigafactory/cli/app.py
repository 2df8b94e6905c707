"""The Typer app, its consoles, and the error handling every command shares."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

import gigafactory

__all__ = ["ScenarioArg", "app", "as_json_text", "console", "errors", "user_errors"]

app = typer.Typer(
    name="gigafactory",
    help="Plan and simulate AI compute infrastructure: load, facility, hourly supply, cost.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """Turn a :class:`GigafactoryError` into one line on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except gigafactory.GigafactoryError as err:
            errors.print(
                f"error: {gigafactory.one_line(str(err))}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def as_json_text(result: Any) -> str:
    """A study's result as indented JSON (NaN written as NaN, as Python's json does)."""
    return json.dumps(gigafactory.to_plain(result), indent=2, default=float) + "\n"


ScenarioArg = Annotated[str, typer.Argument(help="Preset name or path to a scenario YAML file.")]
