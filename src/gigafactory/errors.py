"""Error hierarchy.

Every error a user can cause derives from :class:`GigafactoryError`, so the CLI can turn
it into one line and exit code 1. Each class also derives from the matching built-in
exception, so callers who know nothing of gigafactory can still catch it.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Iterable
from types import ModuleType

__all__ = [
    "CatalogError",
    "DataFileError",
    "GigafactoryError",
    "InfeasibleError",
    "MissingExtraError",
    "ScenarioError",
    "SolverError",
    "closest",
    "ensure",
    "import_extra",
    "one_line",
]


class GigafactoryError(Exception):
    """Base class of all errors that a user can cause or fix."""


class ScenarioError(GigafactoryError, ValueError):
    """A scenario file or object is invalid."""


class DataFileError(GigafactoryError, ValueError):
    """A data file (hourly CSV series) is missing or malformed."""


class CatalogError(GigafactoryError, LookupError):
    """A name is not in a catalog."""

    def __str__(self) -> str:
        # LookupError would repr() a single argument; we want the plain sentence.
        return str(self.args[0]) if self.args else ""


class InfeasibleError(GigafactoryError, RuntimeError):
    """The supply problem has no feasible solution."""


class SolverError(GigafactoryError, RuntimeError):
    """The solver stopped without an optimal solution for another reason."""


class MissingExtraError(GigafactoryError, ImportError):
    """An optional part (the web app, Dask) is not installed."""


def import_extra(module: str, extra: str, what: str) -> ModuleType:
    """Import an optional dependency, or say in one line which extra installs it.

    Examples
    --------
    >>> import_extra("json", "web", "the web app").__name__
    'json'
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        top = module.split(".", maxsplit=1)[0]
        msg = (
            f"{what} needs {top}, which is not installed: pip install 'gigafactory[{extra}]' "
            "(make demo installs it)"
        )
        raise MissingExtraError(msg) from None


def one_line(text: str) -> str:
    """``text`` with its line breaks written as ``\\n``: a name a user wrote may hold them.

    Examples
    --------
    >>> one_line("unknown site 'mem\\nphis'")
    "unknown site 'mem\\\\nphis'"
    """
    return text.replace("\r", "\\r").replace("\n", "\\n")


def closest(name: str, choices: Iterable[str], n: int = 1) -> list[str]:
    """Return the closest valid names to ``name`` (empty if nothing is close).

    Examples
    --------
    >>> closest("irnoair", ["ironair", "liion", "solar"])
    ['ironair']
    """
    # case-insensitive: 'H10O' is close to 'h100_sxm'
    by_lower = {c.lower(): c for c in choices}
    return [
        by_lower[m]
        for m in difflib.get_close_matches(name.lower(), list(by_lower), n=n, cutoff=0.5)
    ]


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` or an empty string."""
    match = closest(name, choices)
    return f"; did you mean '{match[0]}'?" if match else ""


def ensure(ok: bool, name: str, value: object, allowed: str) -> None:
    """Raise :class:`ScenarioError` ``"{name} {value}: allowed {allowed}"`` unless ``ok``.

    For a study's own arguments (a price, a share, a count), checked before any work so
    that a wrong one is one line, not a traceback or a confident wrong number.

    Examples
    --------
    >>> ensure(0 < 0.8 <= 1, "sold_share", 0.8, "0 < share <= 1")
    >>> ensure(0 < 1.5 <= 1, "sold_share", 1.5, "0 < share <= 1")
    Traceback (most recent call last):
    ...
    gigafactory.errors.ScenarioError: sold_share 1.5: allowed 0 < share <= 1
    """
    if not ok:
        shown = f"{value:g}" if isinstance(value, float) else value
        msg = f"{name} {shown}: allowed {allowed}"
        raise ScenarioError(msg)
