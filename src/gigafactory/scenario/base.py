"""What every scenario model shares: forbidden extra fields, non-negative numbers."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["NonNeg", "ScenarioModel"]


class ScenarioModel(BaseModel):
    """A scenario section: unknown fields are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


NonNeg = Annotated[float, Field(ge=0)]
"""A number that may not be negative."""
