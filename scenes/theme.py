"""The explainer's colours as one immutable :class:`Theme`, named by the post's colour words.

A theme is made once per render from the defaults plus a settings file's ``[theme]`` table
(:meth:`Theme.from_settings`) and handed to every chapter (``scene.theme``); nothing here is
rewritten at run time.  The defaults are drawn for white paper, as the post's figures are.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from ntkcore.validation import SettingsError

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Theme:
    """Colour roles ("#RRGGBB").  One meaning per colour across the video."""

    background: str = "#FFFFFF"
    ink: str = "#1A1A1A"           # text, axis numbers
    axis: str = "#555555"          # axis lines and ticks
    grid: str = "#DDDDDD"          # faint guide lines (decorative)
    dot: str = "#000000"           # black dots: f(x; θ) on the grid
    observation: str = "#1F5FD6"   # blue cross: the observed data point (x', y)
    arrow: str = "#D62728"         # red arrows: Δf(x), the displacement of one gradient step
    moved_dot: str = "#7F7F7F"     # where a dot was before it moved
    kernel_start: str = "#6A3D9A"  # purple: the kernel at t = 0
    kernel_end: str = "#FF7F0E"    # orange: the kernel at the last step
    ntk_exact: str = "#2CA02C"     # green: the exact (η → 0) NTK
    highlight: str = "#E6A700"     # annotations on a curve

    @classmethod
    def keys(cls) -> tuple:
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def from_settings(cls, overrides: dict | None, source: str = "") -> "Theme":
        """The defaults with ``overrides`` (a settings file's ``[theme]`` table) applied; every
        problem is a :class:`SettingsError` at ``theme.<key>``."""
        changes = {}
        for key, value in (overrides or {}).items():
            if key not in cls.keys():
                raise SettingsError(("theme", key), f"unknown colour; allowed: {', '.join(cls.keys())}", source)
            if not (isinstance(value, str) and _HEX.match(value)):
                raise SettingsError(("theme", key), f'must be a colour "#RRGGBB"; got {value!r}', source)
            changes[key] = value.upper()
        return cls(**changes)

    # ------------------------------------------------------------------ ramps
    def training_color(self, t: float, steps: float) -> str:
        """Purple (t = 0) to orange (t = steps): the kernel over training steps."""
        return mix(self.kernel_start, self.kernel_end, t / steps if steps else 0.0)

    def width_color(self, i: int, n: int) -> str:
        """Colour of width number ``i`` of ``n`` (narrowest to widest)."""
        return mix(self.kernel_start, self.kernel_end, i / (n - 1) if n > 1 else 0.0)


def mix(a: str, b: str, t: float) -> str:
    """``(1 − t)·a + t·b`` in sRGB, as manim's ``interpolate_color`` does (truncated to bytes)."""
    ca = [int(a[k:k + 2], 16) / 255 for k in (1, 3, 5)]
    cb = [int(b[k:k + 2], 16) / 255 for k in (1, 3, 5)]
    return "#" + "".join(f"{int((x * (1 - t) + y * t) * 255):02X}" for x, y in zip(ca, cb))


DEFAULT = Theme()
