"""AI compute: workloads -> accelerators -> IT load, goodput and hardware cost.

* :mod:`~gigafactory.compute.training`: ``6 N D``, wall time, accelerator-hours;
* :mod:`~gigafactory.compute.inference`: calibrated roofline throughput, demand shapes;
* :mod:`~gigafactory.compute.reliability`: failures, Young/Daly checkpoints, goodput, and
  the outage processes of fault replays;
* :mod:`~gigafactory.compute.hardware`: IT power and capital cost of a fleet;
* :mod:`~gigafactory.compute.plan`: a site's workloads -> fleet and hourly IT load;
* :mod:`~gigafactory.compute.memory`: HBM stacks, dies and DRAM wafers of a fleet.
"""

from gigafactory.compute.hardware import (
    BOUNDARIES,
    boundary_energy_mwh,
    hardware_capex,
    it_power_mw,
    it_power_w,
)
from gigafactory.compute.inference import (
    MLPERF_LLAMA2_70B,
    InferenceModel,
    InferencePerformance,
    diurnal_profile,
    inference_performance,
    mfu_tokens_per_s,
)
from gigafactory.compute.memory import MemoryDemand, memory_demand
from gigafactory.compute.plan import (
    ComputePlan,
    FlexibleWindow,
    InferenceJob,
    ServedInference,
    TrainingJob,
    plan_compute,
)
from gigafactory.compute.reliability import (
    ACCELERATOR_MTBI_HOURS,
    RESTART_SECONDS,
    checkpoint_interval,
    goodput,
)
from gigafactory.compute.training import (
    TrainingResult,
    size_training,
    training_flops,
    training_it_power_w,
)

__all__ = [
    "ACCELERATOR_MTBI_HOURS",
    "BOUNDARIES",
    "MLPERF_LLAMA2_70B",
    "RESTART_SECONDS",
    "ComputePlan",
    "FlexibleWindow",
    "InferenceJob",
    "InferenceModel",
    "InferencePerformance",
    "MemoryDemand",
    "ServedInference",
    "TrainingJob",
    "TrainingResult",
    "boundary_energy_mwh",
    "checkpoint_interval",
    "diurnal_profile",
    "goodput",
    "hardware_capex",
    "inference_performance",
    "it_power_mw",
    "it_power_w",
    "memory_demand",
    "mfu_tokens_per_s",
    "plan_compute",
    "size_training",
    "training_flops",
    "training_it_power_w",
]
