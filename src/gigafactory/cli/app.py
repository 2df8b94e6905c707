"""The Typer app, its consoles, and the error handling every command shares."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Protocol, TypeVar

import typer
from rich.console import Console

import gigafactory

__all__ = [
    "EXIT_CODES",
    "Reporter",
    "ScenarioArg",
    "SettingsOpt",
    "app",
    "as_json_text",
    "chosen_deal",
    "console",
    "errors",
    "language",
    "load_with_settings",
    "named_numbers",
    "progress",
    "user_errors",
]

EXIT_CODES = {
    0: "done",
    1: "bad input, an infeasible scenario or a solve that is not optimal (one line on stderr)",
    2: "a command line that does not parse (unknown command or option)",
    130: "interrupted (Ctrl-C)",
}
"""What each exit status of a command means."""

PIPED_WIDTH = 200
"""Columns of tables written to a pipe or file, where no terminal sets the width."""

app = typer.Typer(
    name="gigafactory",
    help="Plan and simulate AI compute infrastructure: load, facility, hourly supply, cost.\n\n"
    "Exit status: " + "; ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES.items()) + ".",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # help texts carry units in brackets ([kg/MWh]): plain text, never Rich markup
    rich_markup_mode=None,
)


def _width() -> int | None:
    """Rich measures a terminal itself; a pipe gets ``COLUMNS`` or a wide page, not 80."""
    if sys.stdout.isatty() or "COLUMNS" in os.environ:
        return None
    return PIPED_WIDTH


console = Console()
errors = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"gigafactory {gigafactory.__version__}\n")
        raise typer.Exit


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="Print no progress and no tables: only errors, and what --json or --csv asks.",
        ),
    ] = False,
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            envvar="GIGAFACTORY_LANG",
            help="Language of reports and of run's summary: en or ko (Korean).",
        ),
    ] = "en",
) -> None:
    """Plan and simulate AI compute infrastructure: load, facility, hourly supply, cost."""
    if lang not in gigafactory.LANGUAGES:
        errors.print(
            f"error: --lang: {lang!r} is not offered; choose one of: "
            f"{', '.join(gigafactory.LANGUAGES)}",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(1)
    _state["lang"] = lang
    console.quiet = quiet
    piped = _width()  # read for each command: a test may change COLUMNS between them
    if piped is not None:
        console.width = piped


_state = {"lang": "en"}
"""Options of the whole command line, set by :func:`main` for the command it runs."""


def language() -> str:
    """The language chosen with ``--lang`` (or ``GIGAFACTORY_LANG``) for this command."""
    return _state["lang"]


class Reporter(Protocol):
    """Progress of a long command: a message, and where known, how far out of how many."""

    def __call__(self, message: str, done: int | None = None, total: int | None = None) -> None:
        """Report a stage (``message``) and, where known, ``done`` out of ``total``."""


@contextlib.contextmanager
def progress(label: str, total: int | None = None) -> Iterator[Reporter]:
    """Progress of a long command on stderr, so stdout stays clean for --json and --csv.

    On a terminal: a live bar (or a spinner where the total is unknown) with the stage,
    elapsed time and, with a total, the time left. In a pipe or a log: one plain line per
    stage, ``label: message [done/total] (elapsed)``. Nothing with ``--quiet``.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    started = time.perf_counter()
    if console.quiet:
        yield lambda message, done=None, total=None: None
        return
    if not errors.is_terminal:
        last = [""]

        def line(message: str, done: int | None = None, total: int | None = None) -> None:
            count = f" [{done}/{total}]" if done is not None and total else ""
            text = f"{label}: {message}{count}"
            if text != last[0]:
                last[0] = text
                elapsed = time.perf_counter() - started
                errors.print(f"{text} ({elapsed:,.0f} s)", markup=False, highlight=False)

        yield line
        return
    columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    columns.append(TimeElapsedColumn())
    if total is not None:
        columns.append(TimeRemainingColumn())
    with Progress(*columns, console=errors, transient=total is None) as bar:
        task = bar.add_task(label, total=total)

        def update(message: str, done: int | None = None, total: int | None = None) -> None:
            bar.update(task, description=f"{label}: {message}", completed=done, total=total)

        yield update


F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """Turn a :class:`GigafactoryError` into one line on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except gigafactory.GigafactoryError as err:
            prefix = gigafactory.translator(language())("error")
            errors.print(
                f"{prefix}: {gigafactory.one_line(str(err))}",
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

SettingsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Change one field for this run, e.g. time.aggregation.count=24 (24 typical "
        "days: a screening run) or policy.carbon_price_usd_per_t=50; repeat for more.",
    ),
]


def load_with_settings(scenario: str, settings: list[str] | None) -> gigafactory.Scenario:
    """The scenario ``scenario`` names, with each ``--set path=value`` applied and checked."""
    loaded = gigafactory.load_scenario(scenario)
    changes = dict(gigafactory.parse_setting(s) for s in settings or [])
    return gigafactory.with_settings(loaded, changes, f"{scenario} --set")


def named_numbers(
    items: list[str] | None, option: str, what: str, example: str
) -> dict[str, float]:
    """``name=number`` options (repeated) as a mapping; a malformed one is a user error."""
    out: dict[str, float] = {}
    for item in items or []:
        name, _, value = item.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            msg = f"{option} '{item}': give name={what}, e.g. {example}"
            raise gigafactory.ScenarioError(msg) from None
    return out


def chosen_deal(name: str) -> gigafactory.ComputeDeal:
    """A bundled deal by name, or a user error naming the closest."""
    presets = gigafactory.deal_presets()
    if name not in presets:
        msg = (
            f"deal '{name}' not found{gigafactory.did_you_mean(name, list(presets))}; "
            f"allowed: {', '.join(presets)}"
        )
        raise gigafactory.ScenarioError(msg)
    return presets[name]
