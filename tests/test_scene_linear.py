"""Example 2's scene draws ntkcore's numbers: an arrow at every x, down for x < 0, the moved dots,
the inset, and the learning rate on screen."""

import numpy as np
import pytest

from ntkcore import EXAMPLES
from scene_helpers import arrow_data, construct


def linear_closed_form(x):
    """Δf(x) of one GD step for f = θ1·x + θ2 at θ = (3, 1), (x', y) = (10, 50), lr 0.001:
    -2·lr·(f(x') - y)·(x·x' + 1) = 0.038·(10x + 1)."""
    return 0.038 * (10.0 * x + 1.0)


@pytest.fixture(scope="module")
def scene(request):
    from scenes.ch2_linear import LinearModel

    class Recording(LinearModel):
        """Keeps every caption it shows, so their layout can be checked."""

        def setup(self):
            super().setup()
            self.captions = []

        def caption(self, s):
            mob = super().caption(s)
            self.captions.append(mob)
            return mob

    return construct(Recording)


def test_arrow_at_every_grid_point_maps_back_to_displacement(scene):
    ex = EXAMPLES["linear"]
    f0, d = ex.values(), ex.displacement()
    assert sorted(scene.arrows) == [k for k in range(len(d)) if abs(d[k]) > 1e-9]
    assert len(scene.arrows) == len(ex.grid)
    for k, arrow in scene.arrows.items():
        x0, x1, y0, y1 = arrow_data(scene, scene.axes, arrow)
        assert x0 == pytest.approx(ex.grid[k], abs=1e-6) and x1 == pytest.approx(ex.grid[k], abs=1e-6)
        assert y0 == pytest.approx(f0[k], abs=1e-6)
        assert y1 - y0 == pytest.approx(d[k], abs=1e-6)


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
    for k, arrow in scene.inset_arrows.items():
        x0, x1, y0, y1 = arrow_data(scene, scene.inset.axes, arrow)
        assert x0 == pytest.approx(ex.grid[k], abs=1e-6)
        assert y0 == pytest.approx(f0[k], abs=1e-6)
        assert y1 - y0 == pytest.approx(d[k], abs=1e-6)
        assert y1 < y0


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


def _inside_frame(mob):
    from manim import config
    w, h = config.frame_width / 2, config.frame_height / 2
    for corner in (mob.get_corner([-1, -1, 0]), mob.get_corner([1, 1, 0])):
        if not (-w <= corner[0] <= w and -h <= corner[1] <= h):
            return False
    return True


def test_everything_inside_the_frame(scene):
    for mob in scene.mobjects:
        assert _inside_frame(mob), mob


def test_every_caption_inside_the_frame_and_at_most_two_lines(scene):
    assert len(scene.captions) >= 5
    for cap in scene.captions:
        assert _inside_frame(cap), cap.original_text
        assert cap.original_text.count("\n") <= 1, cap.original_text
