"""Mobjects that copy cheaply: one change to how manim keeps what it read from an SVG.

A glyph of a ``Text`` or a part of a ``MathTex`` is a ``VMobjectFromSVGPath`` that keeps the parsed
svgelements path it was built from (``path_obj``: a few dozen ``Point`` and segment objects per
glyph) after its points are made, and never reads it again.  Every copy of the mobject deep-copies
that parse too, and manim copies what it animates (``FadeIn``, ``FadeOut``, ``Transform`` …) and
every new SVG (its cache): measured on a 60-glyph caption, a copy took 71 ms with it and 5 ms
without.  :func:`install` lets each glyph drop it once its points are made; the points, and so
every pixel, are the same (tests/test_lean_mobjects.py).
"""

from __future__ import annotations

import functools


def install() -> None:
    """Let every ``VMobjectFromSVGPath`` made from now on drop its parsed path once its points are
    made (idempotent; a chapter calls it first thing in ``setup``)."""
    from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

    if getattr(VMobjectFromSVGPath, "drops_its_parse", False):
        return
    make_points = VMobjectFromSVGPath.generate_points

    @functools.wraps(make_points)          # (``__wrapped__``: manim's own, for the tests)
    def generate_points(self):
        if getattr(self, "path_obj", None) is None:     # made already (its parse dropped)
            return self
        make_points(self)
        self.path_obj = None
        return self

    VMobjectFromSVGPath.generate_points = generate_points
    VMobjectFromSVGPath.drops_its_parse = True
