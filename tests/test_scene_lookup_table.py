"""Example 1's scene draws ntkcore's numbers: dots, the arrow, the moved dot, the inset, and its
captions become the chapter's subtitle cues."""

import numpy as np
import pytest

from ntkcore import EXAMPLES
from scene_helpers import assert_arrows_match, assert_inside_frame, caption_texts

EX = EXAMPLES["lookup_table"]


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("lookup_table")



def test_one_arrow_only_at_the_observation(scene):
    d = EX.displacement()
    assert list(scene.arrows) == [EX.obs_index]
    # θ_x = 3x + 1 and only θ_10 enters (f(10) − 50)², so only f(10) can move.
    assert np.all(np.delete(d, EX.obs_index) == 0)


@pytest.mark.parametrize("which", ["main", "inset"])
def test_arrow_length_maps_back_to_displacement(scene, which):
    i = EX.obs_index
    axes, arrows = (scene.axes, scene.arrows) if which == "main" else (scene.inset.axes, scene.inset_arrows)
    # the one arrow: at x = 10, from f(10) = 31, 3.8 long (Δθ_10 = −0.1·2·(31 − 50) = 3.8)
    assert_arrows_match(axes, {0: arrows[i]}, [10.0], [31.0], [3.8], tol=1e-6)


def test_dots_sit_on_f_and_the_moved_dot_on_f_plus_delta(scene):
    f_after = 3 * EX.grid + 1 + np.where(EX.grid == 10, 3.8, 0.0)   # the closed form, not ntkcore
    for x, y, dot in zip(EX.grid, f_after, scene.dots):
        px, py = scene.axes.p2c(dot.get_center())[:2]
        assert px == pytest.approx(x, abs=1e-6) and py == pytest.approx(y, abs=1e-6)


def test_cross_at_observation(scene):
    px, py = scene.axes.p2c(scene.cross.get_center())[:2]
    assert (px, py) == pytest.approx((10.0, 50.0), abs=1e-6)


def test_captions_say_the_numbers(scene):
    texts = caption_texts(scene)
    assert any("θₓ = 3x + 1" in t for t in texts)           # the dots lie on the line
    assert any("f(10) moves up by 3.8" in t for t in texts)


def test_everything_inside_the_frame(scene):
    assert_inside_frame(scene.mobjects, whole=True)
