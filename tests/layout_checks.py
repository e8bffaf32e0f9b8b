"""Layout checks at every caption step of a chapter (built in dry-run with ``record_layout``):
every text and formula inside the frame with a margin, no two texts overlapping, captions clear
of the axis numbers."""

from __future__ import annotations

import numpy as np
from manim import DecimalNumber, config

FRAME_MARGIN = 0.1      # units between any text and the frame's edge
CAPTION_GAP = 0.15      # units between a caption and any axis number
OVERLAP_TOL = 0.01      # boxes may touch, not overlap


def box(mob):
    (x0, y0, _), (x1, y1, _) = mob.get_corner([-1, -1, 0]), mob.get_corner([1, 1, 0])
    return x0, y0, x1, y1


def describe(mob) -> str:
    text = getattr(mob, "original_text", None) or getattr(mob, "tex_string", None)
    if text is None and getattr(mob, "number", None) is not None:
        text = f"number {mob.number:g}"
    return f"{getattr(mob, 'cls', type(mob)).__name__} {str(text)[:60]!r}"


def is_number(mob) -> bool:
    """An axis number (a DecimalNumber, or its snapshot)."""
    return issubclass(getattr(mob, "cls", type(mob)), DecimalNumber)


def gap(a, b) -> float:
    """Distance between two boxes (negative: they overlap by that much in both directions)."""
    ax0, ay0, ax1, ay1 = a
    bx0, by0, bx1, by1 = b
    dx = max(bx0 - ax1, ax0 - bx1)
    dy = max(by0 - ay1, ay0 - by1)
    if dx < 0 and dy < 0:
        return max(dx, dy)
    return float(np.hypot(max(dx, 0), max(dy, 0)))


def layout_problems(scene) -> list[str]:
    """Every layout problem of every recorded step, as sentences (empty: all good)."""
    w, h = config.frame_width / 2 - FRAME_MARGIN, config.frame_height / 2 - FRAME_MARGIN
    problems = []
    for step_id, texts in scene.layout:
        boxes = [(m, box(m)) for m in texts]
        for m, (x0, y0, x1, y1) in boxes:
            if x0 < -w or x1 > w or y0 < -h or y1 > h:
                problems.append(f"{step_id}: {describe(m)} leaves the frame (margin {FRAME_MARGIN}): "
                                f"box ({x0:.2f}, {y0:.2f})–({x1:.2f}, {y1:.2f})")
        caption = getattr(scene, "caption_mob", None)
        for i, (a, ba) in enumerate(boxes):
            for b, bb in boxes[i + 1:]:
                g = gap(ba, bb)
                if g < -OVERLAP_TOL:
                    problems.append(f"{step_id}: {describe(a)} and {describe(b)} overlap ({-g:.2f} units)")
        captions = [m for m in texts if getattr(m, "is_caption", False)]
        numbers = [m for m in texts if is_number(m)]
        for c in captions:
            for n in numbers:
                g = gap(box(c), box(n))
                if g < CAPTION_GAP:
                    problems.append(f"{step_id}: the caption is {g:.2f} units from axis number {n.number:g} "
                                    f"(needs {CAPTION_GAP})")
        del caption
    return problems
