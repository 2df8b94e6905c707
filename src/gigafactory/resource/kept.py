"""Results of deterministic resource models, kept per process under their inputs' digest.

A sweep's cases, a compare's sites and the weather years ask for the same site's sun,
weather, PV output and wind again and again: in a warm cost sweep of korea-pohang these
were a fifth of a case (the sun's position ~50 ms, the synthesised weather 8 ms, the PV
model 7 ms, the wind's sunny-day driver 3 ms, its speed 2 ms; 2-core Intel, 2026-12-06).
:func:`kept_call` keeps the last few results of each model under a digest of everything
it reads: arrays by their bytes, frames by their index and values, a random generator by
its state. A model that draws from a generator is kept with the generator's state after
the draw, which a kept call restores, so the draws that follow are the same as without
keeping. Deterministic, so keeping changes no number; each call gets its own copy of a
kept array or frame.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd

__all__ = ["Kept", "digest", "kept_call"]

T = TypeVar("T")


def digest(*parts: Any) -> str:
    """A digest of ``parts``: numbers, strings, arrays, frames, indexes, generators, tuples.

    Examples
    --------
    >>> digest(np.arange(3.0), 1.5) == digest(np.arange(3.0), 1.5)
    True
    >>> digest(np.arange(3.0)) == digest(np.arange(3))  # another dtype
    False
    """
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        _feed(h, part)
    return h.hexdigest()


def _feed(h: Any, part: Any) -> None:
    if isinstance(part, np.random.Generator):
        h.update(repr(part.bit_generator.state).encode())
    elif isinstance(part, pd.DataFrame):
        _feed(h, ("frame", tuple(map(str, part.columns)), part.index))
        for column in part.columns:
            _feed(h, part[column].to_numpy())
    elif isinstance(part, pd.Index):
        values = part.asi8 if isinstance(part, pd.DatetimeIndex) else part.to_numpy()
        _feed(h, ("index", str(part.dtype), np.asarray(values)))
    elif isinstance(part, np.ndarray):
        array = np.ascontiguousarray(part)
        h.update(f"array {array.dtype} {array.shape}".encode())
        h.update(array.tobytes() if array.dtype != object else repr(array.tolist()).encode())
    elif isinstance(part, tuple | list):
        h.update(f"seq {len(part)}".encode())
        for item in part:
            _feed(h, item)
    else:
        h.update(f"{type(part).__name__} {part!r};".encode())


class Kept:
    """The last ``size`` results of one model, by digest; safe across a worker's threads."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._results: OrderedDict[str, tuple[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[Any, Any] | None:
        """The result kept under ``key`` and the generator state after it, or None."""
        with self._lock:
            return self._results.get(key)

    def put(self, key: str, value: tuple[Any, Any]) -> None:
        """Keep ``value`` under ``key``, forgetting the oldest beyond ``size``."""
        with self._lock:
            self._results[key] = value
            while len(self._results) > self.size:
                self._results.popitem(last=False)


def kept_call(
    kept: Kept,
    inputs: tuple[Any, ...],
    compute: Callable[[], T],
    rng: np.random.Generator | None = None,
) -> T:
    """``compute()``, or its kept result for the same ``inputs`` (and ``rng`` state).

    ``compute`` must read nothing but ``inputs`` and ``rng``. With ``rng``, the generator is
    left in the state ``compute`` leaves it in, kept result or not. An array or frame is
    returned as a copy; anything else (read-only arrays in a tuple) as kept.

    Examples
    --------
    >>> rng, kept = np.random.default_rng(1), Kept()
    >>> first = kept_call(kept, ("noise",), lambda: rng.normal(size=2), rng)
    >>> after = rng.normal()
    >>> rng = np.random.default_rng(1)
    >>> again = kept_call(kept, ("noise",), lambda: rng.normal(size=2) * 0, rng)
    >>> bool((again == first).all()), rng.normal() == after
    (True, True)
    """
    key = digest(*inputs, rng) if rng is not None else digest(*inputs)
    hit = kept.get(key)
    if hit is not None:
        value, state = hit
        if rng is not None:
            rng.bit_generator.state = state
    else:
        value = compute()
        kept.put(key, (value, None if rng is None else rng.bit_generator.state))
    if isinstance(value, np.ndarray | pd.DataFrame):
        return cast(T, value.copy())
    return cast(T, value)
