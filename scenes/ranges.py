"""Axis ranges: round a range out to whole ticks, choose a round tick step, pick the ticks to print.

Every plot of the explainer takes its ``(lo, hi, step)`` from here, so nothing the scene draws
can leave its axes.
"""

from __future__ import annotations

import math

import numpy as np


def _clean(v: float) -> float:
    return float(round(v, 10)) + 0.0   # + 0.0 turns -0.0 into 0.0


MAX_TICKS = 16   # an axis never needs more (every other one is printed: at most 8 numbers)


def whole_ticks(values, step: float, within: tuple | None = None, max_ticks: int = MAX_TICKS) -> tuple:
    """``(lo, hi, step)``: whole ticks of ``step`` around every one of ``values``, and around
    ``within = (lo, hi)`` too when given (a range the plot keeps at least).  When that would take
    more than ``max_ticks`` ticks (settings that stretch the axis), the step grows to a round
    multiple (2, 5, 10, 20, 50, … times ``step``) that fits."""
    v = np.asarray(values, dtype=float).ravel()
    lo_v, hi_v = float(v.min()), float(v.max())
    if within is not None:
        lo_v, hi_v = min(within[0], lo_v), max(within[1], hi_v)
    for m in _multiples():
        s = step * m
        lo, hi = s * np.floor(lo_v / s + 1e-9), s * np.ceil(hi_v / s - 1e-9)
        if (hi - lo) / s <= max_ticks:
            return (_clean(lo), _clean(hi), _clean(s))


def _multiples():
    """1, 2, 5, 10, 20, 50, 100, …"""
    k = 1
    while True:
        for m in (1, 2, 5):
            yield m * k
        k *= 10


def nice_range(values, ticks: int = 8, margin: float = 0.06) -> tuple:
    """``(lo, hi, step)`` that holds every value with a small margin, ends on ticks, and has a
    round tick step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` ticks."""
    v = np.asarray(values, dtype=float)
    lo, hi = float(v.min()), float(v.max())
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    lo, hi = lo - margin * span, hi + margin * span
    raw = (hi - lo) / ticks
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw * (1 - 1e-9))
    return (_clean(step * math.floor(lo / step)), _clean(step * math.ceil(hi / step)), _clean(step))


def every_other_tick(y_range) -> list:
    """The ticks to print: the multiples of ``2·step`` inside ``(lo, hi, step)``."""
    lo, hi, step = y_range
    first, last = math.ceil(lo / (2 * step) - 1e-9), math.floor(hi / (2 * step) + 1e-9)
    return [_clean(2 * step * n) for n in range(first, last + 1)]


def whole_numbers(y_range) -> list:
    """The whole numbers (0, 1, 2, …) among the ticks of ``(lo, hi, step)``."""
    lo, hi, step = y_range
    return [float(v) for v in np.arange(lo, hi + step / 2, step) if abs(v - round(v)) < 1e-9]


def label_decimals(*numbers: float) -> int:
    """Fewest decimals that print every one of ``numbers`` exactly (0.5 -> 1, 10 -> 0)."""
    return next((d for d in range(5) if all(abs(round(n, d) - n) < 1e-9 for n in numbers)), 4)
