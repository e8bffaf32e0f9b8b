"""What every chapter draws, at the end of every step (its ink snapshot, scenes/base.ink_records):

* all ink inside the title-safe area, 90 % of the frame's width and height (players draw their
  controls over the bottom; projectors crop the edges);
* text at least 4.5:1 against what lies under it (the background, or the filled shapes drawn
  before it, each at its opacity), lines at least 3:1 against the background after their opacity
  (WCAG 2.1, 1.4.3 and 1.4.11).
"""

import numpy as np
import pytest
from manim import config

from pipeline.chapters import CHAPTERS
from scenes.colour import contrast_ratio, hex_to_rgb, rgb_to_hex

SAFE = 0.9
TEXT_CONTRAST, LINE_CONTRAST = 4.5, 3.0
NAMES = [c.name for c in CHAPTERS]


def composite(fg: str, alpha: float, bg: str) -> str:
    """``fg`` at opacity ``alpha`` over ``bg`` (how cairo blends, in sRGB)."""
    a = min(max(float(alpha), 0.0), 1.0)
    return rgb_to_hex(a * hex_to_rgb(fg) + (1 - a) * hex_to_rgb(bg))


def inside(point, outline) -> bool:
    """Ray casting: is ``point`` inside the polygon through ``outline``'s points?"""
    x, y = point
    pts = np.asarray(outline)
    if len(pts) < 3:
        return False
    xs, ys = pts[:, 0], pts[:, 1]
    x2, y2 = np.roll(xs, -1), np.roll(ys, -1)
    cross = (ys > y) != (y2 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        xi = xs + (y - ys) * (x2 - xs) / (y2 - ys)
    return bool(np.count_nonzero(cross & (x < xi)) % 2)


def under(ink, k, background) -> str:
    """The colour under record ``k``'s centre: the background with every filled shape drawn before
    it that covers that point."""
    x0, y0, x1, y1 = ink[k].box
    c = ((x0 + x1) / 2, (y0 + y1) / 2)
    colour = background
    for rec in ink[:k]:
        if rec.kind == "shape" and rec.fill[1] > 0 and rec.outline:
            bx0, by0, bx1, by1 = rec.box
            if bx0 <= c[0] <= bx1 and by0 <= c[1] <= by1 and inside(c, rec.outline):
                colour = composite(rec.fill[0], rec.fill[1], colour)
    return colour


def safe_problems(scene) -> list:
    w, h = SAFE * config.frame_width / 2, SAFE * config.frame_height / 2
    out = []
    for step_id, ink in scene.ink:
        for rec in ink:
            x0, y0, x1, y1 = rec.box
            if x0 < -w - 1e-6 or x1 > w + 1e-6 or y0 < -h - 1e-6 or y1 > h + 1e-6:
                out.append(f"{step_id}: {rec.kind} {rec.words[:50]!r} outside the title-safe area: "
                           f"({x0:.2f}, {y0:.2f})–({x1:.2f}, {y1:.2f}) vs ±{w:.2f} × ±{h:.2f}")
    return out


def contrast_problems(scene) -> list:
    bg = scene.theme.background
    out, seen = [], set()
    for step_id, ink in scene.ink:
        for k, rec in enumerate(ink):
            if rec.kind in ("text", "tex"):
                if rec.fill[1] <= 0:
                    continue
                back = under(ink, k, bg)
                ratio = contrast_ratio(composite(rec.fill[0], rec.fill[1], back), back)
                need = TEXT_CONTRAST
            elif rec.fill[1] == 0 and rec.stroke[1] > 0 and rec.stroke[2] > 0:
                if rec.stroke[0].lower() == bg.lower():     # an underlay in the background's colour
                    continue
                ratio = contrast_ratio(composite(rec.stroke[0], rec.stroke[1], bg), bg)
                need = LINE_CONTRAST
            else:
                continue
            key = (rec.kind, rec.words, rec.stroke[:2], rec.fill)
            if ratio < need and key not in seen:
                seen.add(key)
                out.append(f"{step_id}: {rec.kind} {rec.words[:50]!r} {ratio:.2f}:1 (needs {need}:1)")
    return out


@pytest.mark.parametrize("name", NAMES)
def test_all_ink_inside_the_title_safe_area(chapter_scene, name):
    problems = safe_problems(chapter_scene(name))
    assert not problems, f"{name}: {len(problems)} problems, e.g.\n  " + "\n  ".join(problems[:12])


@pytest.mark.parametrize("name", NAMES)
def test_what_is_drawn_has_contrast(chapter_scene, name):
    problems = contrast_problems(chapter_scene(name))
    assert not problems, f"{name}: {len(problems)} problems, e.g.\n  " + "\n  ".join(problems[:12])


def test_the_checks_see_a_pale_text_a_faint_line_and_what_lies_under():
    from scenes.base import Ink

    class Fake:
        theme = type("T", (), {"background": "#FFFFFF"})()
        ink = [("s.1", [
            Ink("shape", "Polygon", (-1, -1, 1, 1), ("#000000", 0, 0), ("#000000", 0.8), ((-1, -1), (1, -1), (1, 1), (-1, 1))),
            Ink("text", "dark on dark", (-0.2, -0.1, 0.2, 0.1), ("#000000", 0, 0), ("#222222", 1.0)),
            Ink("text", "grey on white", (3, 0, 4, 0.2), ("#000000", 0, 0), ("#999999", 1.0)),
            Ink("shape", "Line", (0, 2, 5, 2.1), ("#0000FF", 0.3, 3), ("#000000", 0)),
            Ink("shape", "Line", (0, 9, 5, 9.1), ("#000000", 1, 3), ("#000000", 0)),
        ])]
    contrast = contrast_problems(Fake())
    assert any("dark on dark" in p for p in contrast) and any("grey on white" in p for p in contrast)
    assert any("Line" in p for p in contrast) and len(contrast) == 3
    assert composite("#000000", 0.5, "#FFFFFF") == "#808080"
    safe = safe_problems(Fake())
    assert len(safe) == 1 and "(0.00, 9.00)" in safe[0]
