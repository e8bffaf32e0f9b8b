"""The explainer's colours as one immutable :class:`Theme`, named by the post's colour words.

A theme is made once per render from the defaults plus a settings file's ``[theme]`` table
(:meth:`Theme.from_settings`) and handed to every chapter (``scene.theme``); nothing here is
rewritten at run time.  One meaning per colour across the video: purple → orange is "over
training steps" only; width has its own ramp (teal → dark teal); the NNGP is not the
observation's blue.  Every default passes :func:`scenes.colour.check_theme` (text ≥ 4.5:1 against
the background, ramps ≥ 3:1, the pairs a viewer must tell apart distinguishable under
protanopia and deuteranopia), and so must a settings file's theme.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from ntkcore.validation import SettingsError

from scenes.colour import DEFAULT_PALETTE, check_theme, ramp

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Theme:
    """Colour roles ("#RRGGBB")."""

    background: str = DEFAULT_PALETTE["background"]
    ink: str = DEFAULT_PALETTE["ink"]                    # text, axis numbers
    axis: str = DEFAULT_PALETTE["axis"]                  # axis lines and ticks, secondary labels
    grid: str = DEFAULT_PALETTE["grid"]                  # faint guide lines (decorative)
    dot: str = DEFAULT_PALETTE["dot"]                    # black dots: f(x; θ) on the grid
    observation: str = DEFAULT_PALETTE["observation"]    # blue cross: the observed data point (x', y)
    arrow: str = DEFAULT_PALETTE["arrow"]                # red arrows: Δf(x) of one gradient step
    moved_dot: str = DEFAULT_PALETTE["moved_dot"]        # where a dot was before it moved
    kernel_start: str = DEFAULT_PALETTE["kernel_start"]  # purple: the kernel at t = 0 (before training)
    kernel_end: str = DEFAULT_PALETTE["kernel_end"]      # orange: the kernel at the last step (after)
    ntk_exact: str = DEFAULT_PALETTE["ntk_exact"]        # green: the exact (η → 0, infinite-width) NTK
    highlight: str = DEFAULT_PALETTE["highlight"]        # annotations on a curve
    width_narrow: str = DEFAULT_PALETTE["width_narrow"]  # the narrowest network …
    width_wide: str = DEFAULT_PALETTE["width_wide"]      # … to the widest
    nngp: str = DEFAULT_PALETTE["nngp"]                  # the NNGP kernel and its posterior

    @classmethod
    def keys(cls) -> tuple:
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def from_settings(cls, overrides: dict | None, source: str = "") -> "Theme":
        """The defaults with ``overrides`` (a settings file's ``[theme]`` table) applied.  A bad
        key or colour, or a theme that breaks the readability rules (its contrast, or a pair a
        colour-blind viewer could not tell apart), is a :class:`SettingsError` at ``theme.<key>``."""
        changes = {}
        for key, value in (overrides or {}).items():
            if key not in cls.keys():
                raise SettingsError(("theme", key), f"unknown colour; allowed: {', '.join(cls.keys())}", source)
            if not (isinstance(value, str) and _HEX.match(value)):
                raise SettingsError(("theme", key), f'must be a colour "#RRGGBB"; got {value!r}', source)
            changes[key] = value.upper()
        theme = cls(**changes)
        problems = check_theme(dataclasses.asdict(theme))
        if problems:
            # Name a key the file set (the fix is there), else the first role with a problem.
            mine = [p for p in problems if p[0] in changes] or problems
            role, message = mine[0]
            raise SettingsError(("theme", role), message, source)
        return theme

    # ------------------------------------------------------------------ ramps
    def training_color(self, t: float, steps: float) -> str:
        """Purple (t = 0) to orange (t = steps): the kernel over training steps."""
        return ramp(self.kernel_start, self.kernel_end, t / steps if steps else 0.0)

    def width_color(self, i: int, n: int) -> str:
        """Colour of width number ``i`` of ``n``: teal (narrowest) to dark teal (widest)."""
        return ramp(self.width_narrow, self.width_wide, i / (n - 1) if n > 1 else 0.0)


DEFAULT = Theme()
