"""Example 1's scene draws ntkcore's numbers: dots, the arrow, the moved dot, the inset."""

import numpy as np
import pytest

from ntkcore import EXAMPLES
from scene_helpers import assert_arrows_match, assert_inside_frame, construct


@pytest.fixture(scope="module")
def scene():
    from scenes.ch1_lookup_table import LookupTable
    return construct(LookupTable)


def test_one_arrow_only_at_the_observation(scene):
    ex = EXAMPLES["lookup_table"]
    d = ex.displacement()
    assert list(scene.arrows) == [ex.obs_index]
    assert np.all(np.abs(np.delete(d, ex.obs_index)) < 1e-12)


@pytest.mark.parametrize("which", ["main", "inset"])
def test_arrow_length_maps_back_to_displacement(scene, which):
    ex = EXAMPLES["lookup_table"]
    i = ex.obs_index
    axes, arrows = (scene.axes, scene.arrows) if which == "main" else (scene.inset.axes, scene.inset_arrows)
    # the one arrow: at x = 10, from f(10), 3.8 long
    assert_arrows_match(axes, {0: arrows[i]}, [10.0], [ex.values()[i]], [3.8], tol=1e-6)


def test_dots_sit_on_f_and_the_moved_dot_on_f_plus_delta(scene):
    ex = EXAMPLES["lookup_table"]
    f_after = ex.values() + ex.displacement()
    for x, y, dot in zip(ex.grid, f_after, scene.dots):
        px, py = scene.axes.p2c(dot.get_center())[:2]
        assert px == pytest.approx(x, abs=1e-6) and py == pytest.approx(y, abs=1e-6)


def test_cross_at_observation(scene):
    px, py = scene.axes.p2c(scene.cross.get_center())[:2]
    assert (px, py) == pytest.approx((10.0, 50.0), abs=1e-6)


def test_everything_inside_the_frame(scene):
    assert_inside_frame(scene.mobjects, whole=True)
