"""Command line interface (Typer + Rich). Calls the public API only.

Every user error prints one line on stderr and exits with code 1, without a traceback.
Commands live in :mod:`~gigafactory.cli.core` (run, validate, presets),
:mod:`~gigafactory.cli.catalogs` (catalog, sites), :mod:`~gigafactory.cli.studies` (size,
compare, orbit, place), :mod:`~gigafactory.cli.deals` (deal, cashflow, scale, delay, chips),
:mod:`~gigafactory.cli.buildout` (roadmap, memory) and
:mod:`~gigafactory.cli.operate` (serve, sweep, faults, version);
importing them registers them on :data:`app`, in that order.
"""

from gigafactory.cli.app import app

# isort: off
# registration order is the order of `gigafactory --help`
from gigafactory.cli import core
from gigafactory.cli import catalogs
from gigafactory.cli import studies
from gigafactory.cli import deals
from gigafactory.cli import buildout
from gigafactory.cli import operate

# isort: on

__all__ = ["app", "buildout", "catalogs", "core", "deals", "operate", "studies"]
