"""Accelerator hardware: IT power of a fleet and its capital cost.

Power in W (the datasheet's unit); :func:`it_power_mw` hands MW to the rest of the model.
"""

from __future__ import annotations

import numpy as np

from gigafactory.catalog import Accelerator
from gigafactory.units import W_PER_MW

__all__ = [
    "BOUNDARIES",
    "IDLE_POWER_FRACTION",
    "NETWORKING_FRACTION",
    "NETWORK_STORAGE_OVERHEAD",
    "boundary_energy_mwh",
    "hardware_capex",
    "it_power_mw",
    "it_power_w",
]

IDLE_POWER_FRACTION = 0.30
"""Draw of an idle accelerator server as a share of its maximum [-]; an estimate."""

NETWORK_STORAGE_OVERHEAD = 0.10
"""Scale-out network and storage power on top of server power [-]: "x ~1.1 network/storage"
an estimate (SemiAnalysis puts a 100k H100 cluster at 150 MW of critical IT, against
127.5 MW of servers at 1,275 W each: x 1.18 with everything else)."""


def it_power_w(accelerators: float, system_w: float, utilisation: np.ndarray | float) -> np.ndarray:
    """IT power of a group of accelerators [W].

    Servers at ``idle + (1 - idle) * utilisation`` of their maximum, plus 10 % for scale-out
    network and storage (see :data:`NETWORK_STORAGE_OVERHEAD`).

    Examples
    --------
    >>> float(it_power_w(100_000, 1275.0, 1.0)) / 1e6  # 100k H100 at full load [MW]
    140.25
    """
    u = np.clip(np.asarray(utilisation, dtype=float), 0.0, 1.0)
    server = IDLE_POWER_FRACTION + (1 - IDLE_POWER_FRACTION) * u
    return np.asarray(accelerators * system_w * server * (1 + NETWORK_STORAGE_OVERHEAD))


def it_power_mw(
    accelerators: float, system_w: float, utilisation: np.ndarray | float
) -> np.ndarray:
    """IT power of a group of accelerators [MW]: :func:`it_power_w` in MW.

    Examples
    --------
    >>> float(it_power_mw(100_000, 1275.0, 1.0))  # 100k H100 at full load
    140.25
    """
    return it_power_w(accelerators, system_w, utilisation) / W_PER_MW


NETWORKING_FRACTION = 0.15
"""Scale-out networking capex as a share of server capex [-]; an estimate."""


def hardware_capex(
    accelerator: Accelerator,
    accelerators: float,
    *,
    networking_fraction: float = NETWORKING_FRACTION,
) -> float:
    """Capital cost of accelerators, their servers and networking [USD].

    ``n x price x (1 + server overhead) x (1 + networking)``; networking at 15 % of server
    capex is an estimate.
    """
    p = accelerator.params
    return accelerators * p["price_usd"] * (1 + p["server_overhead"]) * (1 + networking_fraction)


BOUNDARIES = ("accelerator", "server", "facility")
"""Accounting boundaries of a workload's energy, from the chips outward."""


def boundary_energy_mwh(
    boundary: str, accelerator_hours: float, tdp_w: float, it_energy_mwh: float, pue: float
) -> float:
    """Energy of a workload counted at an accounting boundary [MWh].

    Parameters
    ----------
    boundary : {'accelerator', 'server', 'facility'}
        ``accelerator``: the chips at their TDP for every accelerator-hour, the model-card
        convention (an upper bound of the chips' draw); ``server``: the servers at their
        modelled draw, without scale-out network and storage; ``facility``: IT with
        network and storage times the PUE.
    accelerator_hours : float
        Accelerator-hours of the workload [h].
    tdp_w : float
        Thermal design power of one accelerator [W].
    it_energy_mwh : float
        IT energy of the workload, network and storage included [MWh].
    pue : float
        Power usage effectiveness over the workload's hours [-].

    Examples
    --------
    >>> # Llama 3.1 405B model card: 30.84M H100-80GB GPU-hours at a 700 W TDP
    >>> boundary_energy_mwh("accelerator", 30.84e6, 700.0, 0.0, 1.0)
    21588.0
    """
    if boundary == "accelerator":
        return accelerator_hours * tdp_w / W_PER_MW
    if boundary == "server":
        return it_energy_mwh / (1 + NETWORK_STORAGE_OVERHEAD)
    if boundary == "facility":
        return it_energy_mwh * pue
    msg = f"unknown accounting boundary '{boundary}'; allowed: {', '.join(BOUNDARIES)}"
    raise ValueError(msg)
