"""Published training and serving figures, expressed in a scenario and reproduced.

Sized without the supply LP (``gigafactory.size``): the compute side and the grid's
location-based intensity are all these figures need.
"""

from __future__ import annotations

import pytest

import gigafactory
from gigafactory import compute
from gigafactory.catalog import get_accelerator
from gigafactory.errors import ScenarioError
from gigafactory.scenario import scenario_from_dict

LLAMA_405B = {
    "name": "llama-3.1-405b",
    "accelerator": "h100_sxm",
    "parameters": 405e9,
    "tokens": 15.6e12,
    # Llama 3 paper (arXiv:2407.21783) Table 4: 38-43 % MFU on 16,384 H100
    "mfu": 0.40,
    "accelerators": 16_384,
}
# Llama 3.1 model card: 8,930 tCO2e location-based for 30.84M GPU-hours at 700 W,
# i.e. 8,930 / (30.84e6 x 0.700 MWh/1e3) = 413.7 kg/MWh
MODEL_CARD_KG_PER_MWH = 8_930 / (30.84e6 * 0.700 / 1e3) * 1e3


def scenario(boundary: str = "facility", **extra: object) -> gigafactory.Scenario:
    site = {
        "id": "dc",
        "catalog": "memphis",
        "grid": {
            "import_cap_mw": 100,
            "price_usd_per_mwh": 60,
            "carbon_kg_per_mwh": MODEL_CARD_KG_PER_MWH,
        },
        "compute": {"boundary": boundary, "training": [LLAMA_405B]},
    }
    return scenario_from_dict({"name": "published", "sites": [site], **extra})


def sized(s: gigafactory.Scenario) -> gigafactory.SizedSite:
    return gigafactory.size(s)["dc"]


def test_llama_model_card_at_the_accelerator_boundary():
    run = sized(scenario("accelerator")).compute.training_runs[0]
    assert run.boundary == "accelerator"
    # the card's convention: GPU-hours x 700 W TDP
    assert run.energy_mwh == pytest.approx(run.accelerator_hours * 700 / 1e6, rel=1e-12)
    # the model's hours (6ND at 40 % MFU, goodput) within 10 % of the card's 30.84M
    assert run.accelerator_hours == pytest.approx(30.84e6, rel=0.10)
    assert run.emissions_tco2e == pytest.approx(8_930, rel=0.10)


def test_boundaries_nest_server_and_facility():
    runs = {b: sized(scenario(b)) for b in ("accelerator", "server", "facility")}
    server = runs["server"].compute.training_runs[0]
    facility = runs["facility"].compute.training_runs[0]
    pue = runs["facility"].pue_annual
    # facility = server x (1 + 10 % network and storage) x annual PUE
    assert facility.energy_mwh == pytest.approx(server.energy_mwh * 1.10 * pue, rel=1e-12)
    # server: 1,275 W per H100 at 75 % of maximum while computing and 30 % (idle) while
    # writing checkpoints of 16 B x 405e9 / 2 TB/s = 3.24 s once per interval
    writing = 3.24 / (server.checkpoint_interval_min * 60 + 3.24)
    draw = 0.75 * (1 - writing) + 0.30 * writing
    assert server.energy_mwh == pytest.approx(
        server.accelerator_hours * 1_275 * draw / 1e6, rel=1e-9
    )
    # the hours do not depend on the boundary
    assert server.accelerator_hours == facility.accelerator_hours


def test_inference_from_mfu_and_from_measured_throughput():
    service = {
        "name": "chat",
        "accelerator": "h100_sxm",
        "active_parameters": 70e9,
        "tokens_per_day": 1e9,
        "prompt_tokens": 300,
        "output_tokens": 300,
    }
    data = scenario().model_dump(mode="json", exclude_none=True)
    data["sites"][0]["compute"]["inference"] = [
        {**service, "mfu": 0.10},
        {**service, "name": "measured", "tokens_per_s_per_accelerator": 1_500.0},
    ]
    by_mfu, measured = sized(scenario_from_dict(data)).compute.inference_services
    # 0.10 x 1,979 TFLOP/s (FP8) x 300 output / (2 x 70e9 x 600 tokens per query)
    assert by_mfu.tokens_per_s_per_accelerator == pytest.approx(
        0.10 * 1_979e12 * 300 / (2 * 70e9 * 600), rel=1e-12
    )
    assert measured.tokens_per_s_per_accelerator == 1_500.0
    # peak 1.5 x mean 11,574 tokens/s over 1,500 per H100 -> 12 H100 (one per replica)
    assert measured.accelerators == 12


def test_inference_throughput_given_twice_is_an_error():
    data = scenario().model_dump(mode="json", exclude_none=True)
    data["sites"][0]["compute"]["inference"] = [
        {
            "name": "chat",
            "accelerator": "h100_sxm",
            "active_parameters": 70e9,
            "tokens_per_day": 1e9,
            "mfu": 0.1,
            "tokens_per_s_per_accelerator": 10.0,
        }
    ]
    with pytest.raises(ScenarioError, match="give mfu or tokens_per_s_per_accelerator, not both"):
        scenario_from_dict(data)


H100_AS_OWN = {
    "label": "H100 as a user would type it",
    "vendor": "NVIDIA",
    "tdp_w": 700,
    "system_w": 1_275,
    "bf16_tflops": 989,
    "fp8_tflops": 1_979,
    "hbm_gb": 80,
    "hbm_tb_s": 3.35,
    "price_usd": 27_500,
    "source": "NVIDIA H100 datasheet",
    "year": 2023,
}


def test_user_defined_accelerator_runs_like_the_catalog_row():
    data = scenario().model_dump(mode="json", exclude_none=True)
    data["accelerators"] = {"my_h100": H100_AS_OWN}
    data["sites"][0]["compute"]["training"][0]["accelerator"] = "my_h100"
    own = sized(scenario_from_dict(data)).compute.training_runs[0]
    cat = sized(scenario()).compute.training_runs[0]
    assert own.accelerator == "my_h100"
    assert own.accelerator_hours == pytest.approx(cat.accelerator_hours, rel=1e-12)
    assert own.energy_mwh == pytest.approx(cat.energy_mwh, rel=1e-12)
    made = scenario_from_dict(data).accelerator_table()["my_h100"]
    assert made.peak_flops("fp4") == get_accelerator("h100_sxm").peak_flops("fp4") == 1_979e12
    assert made.provenance["tdp_w"].source == "scenario: NVIDIA H100 datasheet"


@pytest.mark.parametrize(
    ("accelerators", "message"),
    [
        (
            {"h100_sxm": H100_AS_OWN},
            "accelerators.h100_sxm: already in the catalog; give the scenario's own "
            "accelerator another name",
        ),
        (
            {"chip": {**H100_AS_OWN, "system_w": 500}},
            "accelerators.chip: system_w 500 W is below tdp_w 700 W: system_w is the whole "
            "server's power per accelerator, at least the chip's TDP",
        ),
    ],
)
def test_user_defined_accelerator_errors(accelerators, message):
    data = scenario().model_dump(mode="json", exclude_none=True)
    data["accelerators"] = accelerators
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data, source="run.yaml")
    assert message in str(err.value)


def test_unknown_accelerator_points_at_the_scenarios_own():
    data = scenario().model_dump(mode="json", exclude_none=True)
    data["accelerators"] = {"my_chip": H100_AS_OWN}
    data["sites"][0]["compute"]["training"][0]["accelerator"] = "my_chp"
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data, source="run.yaml")
    text = str(err.value)
    assert text.startswith(
        "run.yaml: sites[0].compute.training[0].accelerator: unknown accelerator 'my_chp'; "
        "did you mean 'my_chip'?"
    )
    assert text.endswith("or define it under the scenario's accelerators:")


def test_scenario_boundaries_are_the_models():
    # the scenario's enum and the compute room's names are kept in two rooms; one list
    from gigafactory.scenario import AccountingBoundary

    assert tuple(b.value for b in AccountingBoundary) == compute.BOUNDARIES


def test_boundary_energy_by_hand():
    # 1,000 accelerator-hours at 700 W TDP; 2 MWh of IT at PUE 1.2
    assert compute.boundary_energy_mwh("accelerator", 1_000, 700, 2.0, 1.2) == 0.7
    assert compute.boundary_energy_mwh("server", 1_000, 700, 2.2, 1.2) == pytest.approx(2.0)
    assert compute.boundary_energy_mwh("facility", 1_000, 700, 2.0, 1.2) == pytest.approx(2.4)
    with pytest.raises(ValueError, match="unknown accounting boundary 'rack'"):
        compute.boundary_energy_mwh("rack", 1_000, 700, 2.0, 1.2)
