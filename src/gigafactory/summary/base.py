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

__all__ = ["TECHNOLOGY_LABELS", "Number", "Section", "label"]


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


TECHNOLOGY_LABELS = {
    "solar_fixed": "fixed PV",
    "solar_tracking": "tracking PV",
    "wind_onshore": "onshore wind",
    "wind_offshore": "offshore wind",
    "wind_offshore_floating": "floating offshore wind",
    "liion_4h": "Li-ion",
    "megapack_4h": "Megapack",
    "megapack_2h": "Megapack (2 h)",
    "ironair_100h": "iron-air",
    "gas_cc": "gas combined cycle",
    "gas_ct": "gas turbines",
    "gas_ct_mobile": "mobile gas turbines",
    "gas_recip": "gas engines",
    "diesel_genset": "diesel backup",
    "nuclear_ppa": "nuclear PPA",
}
"""Plain names of the catalog technologies for sentences, tables and charts."""


def label(name: str) -> str:
    """The plain name of a technology (``liion_4h`` -> ``Li-ion``), else the name itself."""
    return TECHNOLOGY_LABELS.get(name, name)
