"""Pieces the kernel-gradient-descent and Gaussian-process chapters share: the data axes (the post's
x, targets scaled as the networks were trained on them), the training points, a band between two
curves, and the network's input map (in the chapter's words).  They only draw what they are given.
"""

from __future__ import annotations

import numpy as np
from manim import LEFT, RIGHT, UP, Polygon, VGroup

from scenes.formatting import fmt_g, tex_num
from scenes.widgets import dots_at


def input_map(scene, x_range) -> tuple[str, str]:
    """The networks' input (ntkcore.wide.embed) as ``(text, spoken)``: the post's x becomes the
    angle ``φ = π(x − x_min)/(x_max − x_min) − π/2`` (−π/2 to π/2 over the grid) and the network sees
    the point ``(cos φ, sin φ)`` on the unit circle:
    ``("(cos φ, sin φ),  φ = π(x + 10)/30 − π/2", "the point cos φ, sin φ on the unit circle, at the
    angle φ equal to π times x plus 10, over 30, minus π over 2")``.  The text is math; the spoken
    words are the chapter's labels ``input_map`` (``{shifted}``, ``{span}``) and
    ``input_shift_plus`` / ``input_shift_minus`` (``{shift}``) / ``input_unshifted``, so that a
    translation can say them; the numbers are formatted here, once."""
    lo, hi = x_range
    shift, span = fmt_g(abs(lo)), fmt_g(hi - lo)
    sign = "+" if lo < 0 else "−"
    shifted_text = "x" if lo == 0 else f"(x {sign} {shift})"
    shifted = (scene.label("input_unshifted") if lo == 0 else
               scene.label("input_shift_plus" if lo < 0 else "input_shift_minus", shift=shift))
    return (f"(cos φ, sin φ),  φ = π{shifted_text}/{span} − π/2",
            scene.label("input_map", shifted=shifted, span=span))


def target_label_tex(y_shift: float, y_scale: float) -> str:
    """The y axis's name: the targets as trained on, ``(y − 45) / 10``."""
    return rf"(y - {tex_num(fmt_g(y_shift))})\,/\,{tex_num(fmt_g(y_scale))}"


def band(axes, xs, lower, upper, color: str, opacity: float = 0.22) -> Polygon:
    """A filled polygon between ``lower`` and ``upper`` over ``xs`` (data coordinates of ``axes``):
    its vertices are (x, upper) left to right, then (x, lower) right to left; no outline."""
    xs, lower, upper = (np.asarray(a, dtype=float) for a in (xs, lower, upper))
    corners = [axes.c2p(x, y) for x, y in zip(xs, upper)] + \
              [axes.c2p(x, y) for x, y in zip(xs[::-1], lower[::-1])]
    return Polygon(*corners, stroke_width=0, fill_color=color, fill_opacity=opacity)


def band_edges(axes, polygon) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(xs, lower, upper)`` of a :func:`band` read back through ``axes`` (for tests)."""
    pts = np.array([axes.p2c(p)[:2] for p in polygon.get_vertices()], dtype=float)
    n = len(pts) // 2
    upper, lower = pts[:n], pts[n:][::-1]
    return upper[:, 0], lower[:, 1], upper[:, 1]


def axis_names(scene, axes, y_shift: float, y_scale: float) -> VGroup:
    """``x`` at the right end of the x axis, the targets' name above the y axis (from its left end)."""
    return VGroup(
        scene.ty.math("x", size=scene.ty.CAPTION_SIZE + 4).next_to(axes.frame_x.get_right(), RIGHT, buff=0.15),
        scene.ty.math(target_label_tex(y_shift, y_scale), size=scene.ty.CAPTION_SIZE)
        .next_to(axes.frame_y.get_top(), UP, buff=0.12).align_to(axes.frame_y.numbers, LEFT),
    )


def training_dots(scene, axes, x_train, y_train, radius: float = 0.085) -> VGroup:
    """The training points (black), at the post's x and the scaled targets."""
    return dots_at(axes, x_train, y_train, radius, scene.theme.dot)
