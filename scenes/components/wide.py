"""What the two wide-network chapters share in drawing: how translucent a line may be and still be
seen (3:1 against the background after its opacity, as tests/test_ink.py measures what is drawn)."""

from __future__ import annotations

from scenes.colour import contrast_ratio, hex_to_rgb, rgb_to_hex

LINE_CONTRAST = 3.0     # WCAG 2.1, 1.4.11: a line a viewer must see


def visible_opacity(color: str, background: str, wanted: float, need: float = LINE_CONTRAST) -> float:
    """``wanted``, raised (in steps of 0.05, at most to 1) until ``color`` at that opacity over
    ``background`` has at least ``need``:1 contrast against it (cairo blends in sRGB)."""
    fg, bg = hex_to_rgb(color), hex_to_rgb(background)
    a = float(wanted)
    while a < 1.0 and contrast_ratio(rgb_to_hex(a * fg + (1 - a) * bg), background) < need + 0.02:
        a = min(1.0, round(a + 0.05, 2))
    return a
