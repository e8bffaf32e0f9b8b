"""scenes.lean_mobjects: text and formulas drop their SVG parse once made, and are the same
mobjects otherwise (the same points, styles and boxes), and their copies are cheaper."""

import copy

import numpy as np
import pytest
from manim import MathTex, Text
from manim.mobject.svg.svg_mobject import SVG_HASH_TO_MOB_MAP, VMobjectFromSVGPath

from scenes import lean_mobjects

WORDS = "The step's kernel peaks where the valley's tangent is steepest, at x = 7."


def parts(mob):
    return mob.family_members_with_points()


def made(maker, install: bool):
    """``maker()`` with manim's own VMobjectFromSVGPath (``install=False``, whether or not a chapter
    built in this process installed the lean one) or with the lean one; from the SVG each time."""
    was = VMobjectFromSVGPath.generate_points
    flag = vars(VMobjectFromSVGPath).get("drops_its_parse")
    try:
        VMobjectFromSVGPath.generate_points = getattr(was, "__wrapped__", was)
        VMobjectFromSVGPath.drops_its_parse = False
        if install:
            lean_mobjects.install()
        SVG_HASH_TO_MOB_MAP.clear()                 # made from the SVG, not from manim's cache
        return maker()
    finally:
        VMobjectFromSVGPath.generate_points = was
        if flag is None:
            del VMobjectFromSVGPath.drops_its_parse
        else:
            VMobjectFromSVGPath.drops_its_parse = flag
        SVG_HASH_TO_MOB_MAP.clear()


@pytest.mark.parametrize("maker", [lambda: Text(WORDS, font_size=24),
                                   lambda: MathTex(r"\tilde k_\varepsilon(x, 10) = 10x + 1", font_size=30)],
                         ids=["text", "formula"])
def test_the_same_mobject_without_its_parse(maker):
    plain, lean = made(maker, install=False), made(maker, install=True)
    a, b = parts(plain), parts(lean)
    assert len(a) == len(b) > 10
    for p, q in zip(a, b):
        np.testing.assert_array_equal(p.points, q.points)
        np.testing.assert_array_equal(p.fill_rgbas, q.fill_rgbas)
        np.testing.assert_array_equal(p.stroke_rgbas, q.stroke_rgbas)
        assert p.stroke_width == q.stroke_width
        assert p.path_obj is not None and q.path_obj is None
    np.testing.assert_array_equal(plain.get_critical_point([1, 1, 0]), lean.get_critical_point([1, 1, 0]))
    # A copy is a copy of the points, whatever it was made from; and it deep-copies far fewer objects.
    again = lean.copy()
    for p, q in zip(b, parts(again)):
        np.testing.assert_array_equal(p.points, q.points)
        assert q.points is not p.points
    assert _objects_copied(lean) * 3 < _objects_copied(plain)


def _objects_copied(mob) -> int:
    """How many objects a deep copy of ``mob`` creates (the size of its memo)."""
    memo = {}
    copy.deepcopy(mob, memo)
    return len(memo)
