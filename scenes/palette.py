"""Colours of the explainer, named by the post's colour words (it was drawn for white paper).

Only constants here.  Change BACKGROUND/INK together for a dark theme.
"""

BACKGROUND = "#FFFFFF"
INK = "#1A1A1A"          # text, axis numbers
AXIS = "#555555"         # axis lines and ticks
GRID = "#DDDDDD"         # faint guide lines

DOT = "#000000"          # black dots: f(x; θ) on the grid
OBSERVATION = "#1F5FD6"  # blue cross: the observed data point (x', y)
ARROW = "#D62728"        # red arrows: Δf(x), the displacement of one gradient step
MOVED_DOT = "#7F7F7F"    # where a dot was before it moved

KERNEL_START = "#6A3D9A"  # purple: the kernel at t = 0
KERNEL_END = "#FF7F0E"    # orange: the kernel at the last step
NTK_EXACT = "#2CA02C"     # green: the exact (η → 0) NTK
HIGHLIGHT = "#E6A700"     # amber: annotations on a curve

# The defaults above, so that a theme from a settings file ([theme] in TOML) can be applied and
# undone: apply_theme({"BACKGROUND": "#FFFFF0"}) sets those names and resets all others.
DEFAULTS = {k: v for k, v in dict(globals()).items() if k.isupper()}


def apply_theme(overrides: dict) -> None:
    """Set the palette to the defaults updated with ``overrides`` (upper-case names)."""
    globals().update(DEFAULTS)
    globals().update(overrides)
