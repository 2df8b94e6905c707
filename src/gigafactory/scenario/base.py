"""What every scenario model shares: forbidden extra fields, non-negative numbers."""

from __future__ import annotations

from typing import Annotated, Any, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

__all__ = ["FIRST_YEAR", "LAST_YEAR", "MAX_WACC", "NonNeg", "ScenarioModel"]

FIRST_YEAR = 1990
"""Earliest calendar year a scenario, a stage or a source may name [yr]."""

LAST_YEAR = 2100
"""Latest calendar year a scenario, a stage or a source may name [yr]."""

MAX_WACC = 0.5
"""Highest cost of capital a scenario or a study may assume [-]: a bound on typos (7 for
0.07), far above any asset's."""


def _is_number(annotation: Any) -> bool:
    """True for ``float``, ``int`` and optional or annotated forms of them."""
    if annotation in (float, int):
        return True
    return any(_is_number(a) for a in get_args(annotation))


class ScenarioModel(BaseModel):
    """A scenario section: unknown fields are errors, values are frozen, numbers finite.

    ``.inf`` and ``.nan`` are rejected, and so is ``true``/``false`` where a number is
    expected (pydantic would read ``true`` as 1).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_boolean_for_number(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name
        if isinstance(value, bool) and name and _is_number(cls.model_fields[name].annotation):
            msg = f"{str(value).lower()} is not a number; give a number"
            raise ValueError(msg)
        return value


NonNeg = Annotated[float, Field(ge=0)]
"""A number that may not be negative."""
