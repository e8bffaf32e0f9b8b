"""Example 2's scene draws ntkcore's numbers: an arrow at every x, down for x < 0, the moved dots,
the inset, and the learning rate on screen."""

import numpy as np
import pytest

from ntkcore import EXAMPLES
from scene_helpers import (arrow_data, assert_arrows_match, assert_captions_fit, assert_inside_frame,
                           construct, recording)


def linear_closed_form(x):
    """Δf(x) of one GD step for f = θ1·x + θ2 at θ = (3, 1), (x', y) = (10, 50), lr 0.001:
    -2·lr·(f(x') - y)·(x·x' + 1) = 0.038·(10x + 1)."""
    return 0.038 * (10.0 * x + 1.0)


@pytest.fixture(scope="module")
def scene(request):
    from scenes.ch2_linear import LinearModel
    return construct(recording(LinearModel))   # keeps every caption, so their layout can be checked


def test_arrow_at_every_grid_point_maps_back_to_displacement(scene):
    ex = EXAMPLES["linear"]
    f0, d = ex.values(), ex.displacement()
    assert sorted(scene.arrows) == [k for k in range(len(d)) if abs(d[k]) > 1e-9]
    assert len(scene.arrows) == len(ex.grid)
    assert_arrows_match(scene.axes, scene.arrows, ex.grid, f0, d, tol=1e-6)


def test_displacement_matches_closed_form():
    ex = EXAMPLES["linear"]
    np.testing.assert_allclose(ex.displacement(), linear_closed_form(ex.grid), atol=1e-9)


def test_arrows_left_of_zero_point_down_right_ones_up(scene):
    ex = EXAMPLES["linear"]
    for k, arrow in scene.arrows.items():
        x = ex.grid[k]
        _, _, y0, y1 = arrow_data(scene, scene.axes, arrow)
        if x < 0:
            assert linear_closed_form(x) < 0 and y1 < y0, x
        else:
            assert linear_closed_form(x) > 0 and y1 > y0, x


def test_sign_change_marked_where_the_closed_form_is_zero(scene):
    from scenes.ch2_linear import sign_change_x
    ex = EXAMPLES["linear"]
    assert sign_change_x(ex.grid, ex.displacement()) == pytest.approx(-0.1, abs=1e-9)  # 10x + 1 = 0
    texts = [m.original_text for m in scene.sign_labels]
    assert texts == ["x < 0: down", "x ≥ 0: up"]


def test_inset_arrows_map_back_to_displacement(scene):
    ex = EXAMPLES["linear"]
    f0, d = ex.values(), ex.displacement()
    assert 0 in scene.inset_arrows  # the x = -10 arrow, the longest one going down
    assert_arrows_match(scene.inset.axes, scene.inset_arrows, ex.grid, f0, d, tol=1e-6)
    for k, arrow in scene.inset_arrows.items():
        _, _, y0, y1 = arrow_data(scene, scene.inset.axes, arrow)
        assert y1 < y0, ex.grid[k]


def test_dots_end_on_f_plus_delta(scene):
    ex = EXAMPLES["linear"]
    f_after = ex.values() + ex.displacement()
    for x, y, dot in zip(ex.grid, f_after, scene.dots):
        px, py = scene.axes.p2c(dot.get_center())[:2]
        assert px == pytest.approx(x, abs=1e-6) and py == pytest.approx(y, abs=1e-6)
    inside = list(scene.inset_index)
    for k in inside:
        px, py = scene.inset.axes.p2c(scene.inset_dots[scene.inset_index[k]].get_center())[:2]
        assert (px, py) == pytest.approx((ex.grid[k], f_after[k]), abs=1e-6)


def test_learning_rate_on_screen(scene):
    from manim import Text
    lr = EXAMPLES["linear"].lr
    assert scene.lr_text in scene.mobjects
    assert isinstance(scene.lr_text, Text)
    words = scene.lr_text.original_text.split()
    assert words[:2] == ["learning", "rate"]
    assert float(words[-1]) == lr == 0.001


def test_big_learning_rate_arrow_is_off_the_chart(scene):
    ex = EXAMPLES["linear"]
    big = ex.replace(lr=EXAMPLES["lookup_table"].lr).displacement()[ex.obs_index]
    # closed form: 0.1 * 2 * (50 - 31) * (10·10 + 1)
    assert big == pytest.approx(0.1 * 2 * 19 * 101, abs=1e-9)
    assert ex.values()[ex.obs_index] + big > scene.axes.y_range[1]


def test_everything_inside_the_frame(scene):
    assert_inside_frame(scene.mobjects, whole=True)


def test_every_caption_inside_the_frame_and_at_most_two_lines(scene):
    assert_captions_fit(scene.captions, at_least=5, max_lines=2)
