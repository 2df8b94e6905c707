"""The base of every summary section, and the number type that reads JSON ``null`` as NaN."""

from __future__ import annotations

import math
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    SerializerFunctionWrapHandler,
    model_serializer,
)

__all__ = ["Number", "Section"]


def _null_is_nan(value: Any) -> Any:
    return math.nan if value is None else value


Number = Annotated[float, BeforeValidator(_null_is_nan)]
"""A float that reads JSON ``null`` (how NaN is written) back as NaN."""


class Section(BaseModel):
    """Base of every summary section: fixed fields, absent optional sections left out."""

    model_config = ConfigDict(extra="forbid")

    @model_serializer(mode="wrap")
    def _drop_absent(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if v is not None}

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dicts and lists, keys in ``summary.json`` order (NaN kept)."""
        return self.model_dump(mode="python")

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Read a section back from :meth:`to_dict` output or its JSON."""
        return cls.model_validate(data)


def _empty_is_none(value: Any) -> Any:
    return None if value == {} else value
