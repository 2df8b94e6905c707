"""Commands: the sourced catalogs and the site library."""

from __future__ import annotations

import math
import sys
from enum import StrEnum
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

import gigafactory
from gigafactory.cli.app import app, console, user_errors


class CatalogName(StrEnum):
    """Catalog tables."""

    technologies = "technologies"
    sites = "sites"
    accelerators = "accelerators"


CATALOG_COLUMNS = {
    "technologies": {
        "kind": "kind",
        "capex": "capex",
        "capex_energy": "capex E",
        "fom": "FOM",
        "fom_pct": "FOM",
        "vom": "VOM",
        "efficiency": "eff.",
        "round_trip_efficiency": "RTE",
        "duration": "hours",
        "lifetime": "life",
        "ppa_price": "PPA",
    },
    "accelerators": {
        "vendor": "vendor",
        "tdp": "TDP",
        "bf16": "BF16",
        "fp8": "FP8",
        "fp4": "FP4",
        "hbm": "HBM",
        "hbm_bandwidth": "HBM BW",
        "system_power": "system",
        "price": "price",
    },
    "sites": {
        "latitude": "lat",
        "longitude": "lon",
        "grid_price": "tariff",
        "grid_carbon": "grid CO2",
        "gas_price": "gas",
        "wind_speed_onshore": "wind on",
        "wind_speed_offshore": "wind off",
    },
}
"""Overview columns (catalog parameter -> short header) of ``gigafactory catalog``."""


@app.command()
def catalog(
    which: Annotated[CatalogName, typer.Argument(help="Which catalog to print.")],
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Print every row with its unit, source and year (CSV).")
    ] = False,
) -> None:
    """Print a sourced catalog: an overview table, or every row with its source (--csv)."""
    frame = gigafactory.catalog_table(which.value)
    if as_csv:
        sys.stdout.write(frame.to_csv(index=False))
        return
    frame = gigafactory.catalog_table(which.value, default_variant=True)
    key = frame.columns[0]
    wide = frame.pivot(index=key, columns="parameter", values="value")
    units = frame.drop_duplicates("parameter").set_index("parameter")["unit"]
    estimated = frame[frame["estimate"] == "true"].set_index([key, "parameter"]).index
    variants = "; prices as the default scenario takes them (US, 2025, installed)"
    caption = "* estimate. Sources and every variant: --csv"
    table = Table(
        show_header=True, caption=caption + (variants if which.value == "technologies" else "")
    )
    table.add_column(key, no_wrap=True)
    labels = CATALOG_COLUMNS[which.value]
    columns = [c for c in labels if c in wide.columns]
    for column in columns:
        unit = units[column]
        table.add_column(
            f"{labels[column]}\n{unit}" if unit != "-" else labels[column], justify="right"
        )
    for name, row in wide.iterrows():
        cells = []
        for column in columns:
            value = row[column]
            text = "" if not isinstance(value, str) else value
            if column == "price" and text:
                text = f"{float(text):,.0f}"
            if text and (name, column) in estimated:
                text += "*"
            cells.append(text)
        table.add_row(str(name), *cells)
    console.print(table)


SITE_SORT = {
    "tariff": "grid_price_usd_per_mwh",
    "carbon": "grid_carbon_kg_per_mwh",
    "cfe": "grid_cfe_share",
    "temp": "temp_mean_c",
    "ghi": "ghi_kwh_per_m2_year",
    "water": "water_stress",
    "wait": "grid_wait_years",
    "name": "site",
}
SITE_SORT_DESCENDING = {"cfe", "ghi"}
"""Sort keys whose best site is the largest value: cleanest grid, sunniest site first."""


@app.command(name="sites")
@user_errors
def sites_command(
    country: Annotated[
        str, typer.Option("--country", help="ISO country codes, comma-separated (e.g. KR,US).")
    ] = "",
    max_carbon: Annotated[
        float | None, typer.Option("--max-carbon", help="Grid carbon at most [kg/MWh].")
    ] = None,
    max_tariff: Annotated[
        float | None, typer.Option("--max-tariff", help="Grid tariff at most [USD/MWh].")
    ] = None,
    max_water_stress: Annotated[
        float | None, typer.Option("--max-water-stress", help="Water stress at most (0-4).")
    ] = None,
    sort: Annotated[
        str,
        typer.Option("--sort", help=f"One of: {', '.join(SITE_SORT)} (best first)."),
    ] = "name",
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
) -> None:
    """List and filter the site library (sources: catalog sites --csv)."""
    if sort not in SITE_SORT:
        msg = (
            f"--sort: '{sort}' is not a column{gigafactory.did_you_mean(sort, SITE_SORT)}; "
            f"allowed: {', '.join(SITE_SORT)}"
        )
        raise gigafactory.ScenarioError(msg)
    for option, limit in (
        ("--max-carbon", max_carbon),
        ("--max-tariff", max_tariff),
        ("--max-water-stress", max_water_stress),
    ):
        if limit is not None and math.isnan(limit):  # every comparison false: no site, silently
            msg = f"{option} nan: give a number"
            raise gigafactory.ScenarioError(msg)
    table = gigafactory.site_overview()
    if country:
        codes = [c.strip().upper() for c in country.split(",") if c.strip()]
        known = sorted(set(table["country"]))
        for code in codes:
            if code not in known:  # a typo, not a country without sites, in a library of 43
                hint = "; the United Kingdom's ISO code is GB" if code == "UK" else ""
                msg = (
                    f"--country: '{code}' has no site in the library{hint}; "
                    f"countries: {', '.join(known)}"
                )
                raise gigafactory.ScenarioError(msg)
        table = table[table["country"].isin(codes)]
    if max_carbon is not None:
        table = table[table["grid_carbon_kg_per_mwh"] <= max_carbon]
    if max_tariff is not None:
        table = table[table["grid_price_usd_per_mwh"] <= max_tariff]
    if max_water_stress is not None:
        table = table[table["water_stress"] <= max_water_stress]
    table = table.sort_values(
        SITE_SORT[sort], ascending=sort not in SITE_SORT_DESCENDING, kind="stable"
    )
    if as_csv:
        sys.stdout.write(table.to_csv(index=False))
        return
    view = Table(
        title=f"{len(table)} sites", caption="estimates flagged in: gigafactory catalog sites --csv"
    )
    columns = [
        ("site", "site", "{}"),
        ("country", "", "{}"),
        ("grid_price_usd_per_mwh", "tariff\nUSD/MWh", "{:,.0f}"),
        ("grid_carbon_kg_per_mwh", "grid CO2\nkg/MWh", "{:,.0f}"),
        ("grid_cfe_share", "grid\nCFE", "{:.0%}"),
        ("temp_mean_c", "mean T\ndegC", "{:.1f}"),
        ("ghi_kwh_per_m2_year", "GHI\nkWh/m2", "{:,.0f}"),
        ("water_stress", "water\n0-4", "{:.0f}"),
        ("grid_wait_years", "grid wait\nyr", "{:.0f}"),
    ]
    for key, label, _ in columns:
        view.add_column(
            label, justify="left" if key in {"site", "country"} else "right", no_wrap=True
        )
    for record in table.to_dict("records"):
        view.add_row(*(fmt.format(record[key]) for key, _, fmt in columns))
    console.print(view)


@app.command()
@user_errors
def tariffs(
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Print every tariff with its sources (CSV).")
    ] = False,
) -> None:
    """List the grid tariffs as signed, and what a flat load pays under each."""
    frame = gigafactory.tariff_overview()
    if as_csv:
        sys.stdout.write(frame.to_csv(index=False))
        return
    table = Table(show_header=True, caption="* has estimates. Sources: --csv")
    for header in (
        "tariff",
        "sites",
        "energy\n[USD/MWh]",
        "demand\n[USD/kW-yr]",
        "4CP\n[USD/kW-yr]",
        "flat load\n[USD/MWh]",
    ):
        table.add_column(
            header,
            justify="left" if header in {"tariff", "sites"} else "right",
            no_wrap=header == "tariff",
        )
    for row in frame.to_dict("records"):
        table.add_row(
            f"{row['tariff']}{' *' if row['estimate'] else ''}",
            str(row["sites"]),
            f"{row['energy_usd_per_mwh']:,.1f}",
            f"{row['demand_usd_per_mw_year'] / 1000:,.1f}",
            f"{row['coincident_usd_per_mw_year'] / 1000:,.1f}",
            f"{row['flat_load_usd_per_mwh']:,.1f}",
        )
    console.print(table)


@app.command()
@user_errors
def contracts(
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Print every contract with its sources (CSV).")
    ] = False,
) -> None:
    """List the library's power purchase agreements (sites[].contracts[].preset)."""
    frame = gigafactory.contract_overview()
    if as_csv:
        sys.stdout.write(frame.to_csv(index=False))
        return
    table = Table(show_header=True, caption="Sources: --csv")
    for header in ("contract", "technology", "shape", "location", "max MW", "USD/MWh"):
        table.add_column(header)
    for row in frame.to_dict("records"):
        cap = row["max_mw"]
        table.add_row(
            str(row["contract"]),
            str(row["technology"]),
            str(row["shape"]),
            str(row["location"]),
            "-" if pd.isna(cap) else f"{cap:,.0f}",
            str(row["price_usd_per_mwh"]),
        )
    console.print(table)
