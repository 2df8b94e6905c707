"""Memory a fleet needs: HBM stacks and dies, host DRAM, and the DRAM wafers behind them.

Memory-supply deals are sized in wafers a month (OpenAI's letters of intent with Samsung and
SK hynix: up to 900,000 DRAM wafer starts a month, Hindustan Times, Oct 2025). A fleet's HBM
is its accelerators' capacity, in stacks of dies of a given density; the wafers follow
from the good dies a 300 mm wafer yields:

* gross dies per wafer, ``pi r^2 / A - pi 2r / sqrt(2 A)`` (the usual edge-loss formula,
  de Vries, "Investigation of gross die per wafer formulas", IEEE Trans. Semicond. Manuf.
  18(1), 2005);
* HBM dies are 35-45 % larger than DDR5 dies of the same density and yield 20-30 % less
  including TSVs (TrendForce, Avril Wu, 2024): with a 24 Gb DDR5 die of ~60 mm^2 and a
  90 % mature DDR5 yield (both estimates), a 24 Gb HBM3E die is ~84 mm^2 at ~68 % yield.

That gives about 1,560 GB of HBM per wafer at 24 Gb (1,580 at 16 Gb: area and bits
scale together), against about 2,950 GB of DDR5: HBM takes about twice the wafers per bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from gigafactory import catalog
from gigafactory.errors import CatalogError, ensure

__all__ = [
    "DDR5_24GB_DIE_MM2",
    "DDR5_YIELD",
    "HBM_AREA_FACTOR",
    "HBM_YIELD_FACTOR",
    "HOST_DRAM_GB_PER_ACCELERATOR",
    "MemoryDemand",
    "gross_dies_per_wafer",
    "memory_demand",
    "wafer_gb",
]

WAFER_MM = 300.0
"""DRAM wafer diameter [mm]."""
DDR5_24GB_DIE_MM2 = 60.0
"""Area of a 24 Gb DDR5 die on a 1b-class node; an estimate [mm2]."""
DDR5_YIELD = 0.90
"""Good-die yield of mature DDR5; an estimate [-]."""
HBM_AREA_FACTOR = 1.40
"""HBM die area against DDR5 of the same density: TrendForce's 35-45 %, the middle [-]."""
HBM_YIELD_FACTOR = 0.75
"""HBM yield (TSVs and stacking included) against DDR5: TrendForce's 20-30 % lower [-]."""
HOST_DRAM_GB_PER_ACCELERATOR = 256.0
"""Host memory per accelerator: NVIDIA DGX H100's 2 TB for 8 GPUs (DGX H100 datasheet);
GB200 NVL72 has 480 GB of LPDDR5X per Grace for two GPUs, 240 GB each [GB]."""


def gross_dies_per_wafer(die_mm2: float, wafer_mm: float = WAFER_MM) -> float:
    """Whole dies on a round wafer: area over die area less the edge loss [-].

    Examples
    --------
    >>> round(gross_dies_per_wafer(100.0))
    640
    """
    radius = wafer_mm / 2.0
    return math.pi * radius**2 / die_mm2 - math.pi * wafer_mm / math.sqrt(2.0 * die_mm2)


def wafer_gb(die_gbit: float, *, hbm: bool) -> float:
    """Good memory per wafer for dies of ``die_gbit`` [GB/wafer].

    Examples
    --------
    >>> round(wafer_gb(24, hbm=True)), round(wafer_gb(24, hbm=False))
    (1557, 2949)
    """
    area = DDR5_24GB_DIE_MM2 * die_gbit / 24.0 * (HBM_AREA_FACTOR if hbm else 1.0)
    good = gross_dies_per_wafer(area) * DDR5_YIELD * (HBM_YIELD_FACTOR if hbm else 1.0)
    return good * die_gbit / 8.0


@dataclass(frozen=True)
class MemoryDemand:
    """The memory a fleet needs and the wafers behind it.

    Attributes
    ----------
    accelerators : dict
        The fleet: count per accelerator.
    hbm_gb, host_dram_gb : float
        HBM on the accelerators and host DRAM beside them [GB].
    hbm_stacks, hbm_dies : float
        Stacks and DRAM dies in them [-].
    hbm_wafers, dram_wafers : float
        300 mm DRAM wafer starts for the HBM and the host memory [-].
    months : float
        Months the fleet is delivered over [month].
    by_accelerator : dict
        Per accelerator: GB, stacks, dies and wafers of its HBM.
    """

    accelerators: dict[str, float]
    hbm_gb: float
    host_dram_gb: float
    hbm_stacks: float
    hbm_dies: float
    hbm_wafers: float
    dram_wafers: float
    months: float
    by_accelerator: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def wafers_per_month(self) -> float:
        """HBM and host DRAM wafer starts a month over the delivery [1/month]."""
        return (self.hbm_wafers + self.dram_wafers) / self.months


def memory_demand(
    fleet: dict[str, float],
    *,
    months: float = 12.0,
    host_dram_gb: float = HOST_DRAM_GB_PER_ACCELERATOR,
) -> MemoryDemand:
    """HBM stacks, dies and DRAM wafers of a fleet delivered over ``months``.

    Parameters
    ----------
    fleet : dict
        Count per catalog accelerator.
    months : float
        Delivery period for the wafer starts a month [month].
    host_dram_gb : float
        Host memory per accelerator [GB].

    Raises
    ------
    CatalogError
        For an accelerator the catalog lacks, or one without stack and die data.
    ScenarioError
        For a delivery over no months, or negative host memory.
    """
    ensure(months > 0, "months", months, "> 0 (the delivery period)")
    ensure(host_dram_gb >= 0, "host_dram_gb", host_dram_gb, ">= 0")
    rows: dict[str, dict[str, float]] = {}
    for name, count in fleet.items():
        ensure(count > 0, f"fleet {name}", count, "> 0 accelerators")
        params = catalog.get_accelerator(name).params
        if "hbm_stacks" not in params or "hbm_die_bytes" not in params:
            known = [k for k, a in catalog.accelerators().items() if "hbm_stacks" in a.params]
            msg = (
                f"accelerator '{name}': the catalog has no HBM stack and die data for it; "
                f"those with them: {', '.join(known)}"
            )
            raise CatalogError(msg)
        gbit = params["hbm_die_bytes"] * 8 / 1e9
        gb = count * params["hbm_bytes"] / 1e9
        stacks = count * params["hbm_stacks"]
        # a stack holds whole dies: usable capacity can be below the raw (H200: 141 of 144)
        dies = stacks * math.ceil(
            params["hbm_bytes"] / params["hbm_stacks"] / params["hbm_die_bytes"]
        )
        rows[name] = {
            "hbm_gb": gb,
            "stacks": stacks,
            "dies": dies,
            "wafers": dies * gbit / 8 / wafer_gb(gbit, hbm=True),
        }
    total = sum(fleet.values())
    host = total * host_dram_gb
    return MemoryDemand(
        accelerators=dict(fleet),
        hbm_gb=sum(r["hbm_gb"] for r in rows.values()),
        host_dram_gb=host,
        hbm_stacks=sum(r["stacks"] for r in rows.values()),
        hbm_dies=sum(r["dies"] for r in rows.values()),
        hbm_wafers=sum(r["wafers"] for r in rows.values()),
        dram_wafers=host / wafer_gb(24, hbm=False),
        months=months,
        by_accelerator=rows,
    )
