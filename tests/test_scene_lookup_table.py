"""Example 1's scene draws ntkcore's numbers: dots, the arrow, the moved dot, the inset, the
kernel; its captions state the numbers and the reason only one dot moves."""

import numpy as np
import pytest

from ntkcore import EXAMPLES
from scene_helpers import (
    assert_arrows_match, assert_captions_fit, assert_inside_frame, caption_of, caption_texts, texts_at,
)

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
    for k, n in scene.inset_index.items():
        px, py = scene.inset.axes.p2c(scene.inset_dots[n].get_center())[:2]
        assert (px, py) == pytest.approx((EX.grid[k], f_after[k]), abs=1e-6)


def test_cross_at_observation(scene):
    px, py = scene.axes.p2c(scene.cross.get_center())[:2]
    assert (px, py) == pytest.approx((10.0, 50.0), abs=1e-6)


def test_captions_say_the_numbers_and_the_reason(scene):
    texts = caption_texts(scene)
    assert any("θₓ = 3x + 1" in t for t in texts)           # the dots lie on the line
    assert any("only θ₁₀ moves" in t for t in texts)         # the loss holds θ₁₀ alone
    assert any("0.1·2·(50 − 31) = +3.8" in t for t in texts)
    assert any("f(10) moves up by 3.8" in t for t in texts)
    assert any("k(x, x′) = 1 if x = x′, else 0" in t for t in texts)


def test_the_kernel_is_shown(scene):
    assert scene.kernel_tex in scene.mobjects
    assert "begin{cases}" in scene.kernel_tex.tex_string


def test_everything_inside_the_frame(scene):
    assert_inside_frame(scene.mobjects, whole=True)


def test_every_caption_inside_the_frame_and_at_most_two_lines(scene):
    assert_captions_fit(scene.captions, at_least=6, max_lines=2)


def test_the_reading_of_the_post_is_noted_where_3x_plus_1_appears(scene):
    assert any("θₓ = 3x + 1" in t for t in texts_at(scene, "table"))
    assert any("3i + 2" in t and "3x + 1" in t for t in texts_at(scene, "table"))
    # 3x + 1 is Example 2's f at θ = (3, 1): "the same function"
    lin = EXAMPLES["linear"]
    np.testing.assert_allclose(EX.values(), lin.theta0[0] * lin.grid + lin.theta0[1])


def test_the_zoom_comes_with_the_step(scene):
    # the arrow is 3.8 of a 110-unit y range: the zoom is on screen in the step that draws it
    assert "only θ₁₀ moves" in caption_of(scene, "gradient_step")
    assert any(t.startswith("zoom ×") for t in texts_at(scene, "move_size"))
    assert any("learning rate 0.1" == t for t in texts_at(scene, "move_size"))


def test_before_after_legend_when_the_dot_moves(scene):
    words = texts_at(scene, "one_dot_moves")
    assert "before the step" in words and "after the step" in words
    assert scene.legend in scene.mobjects


def test_the_kernel_box_has_the_kernel_colour(scene):
    ring = next(m for m in scene.mobjects if type(m).__name__ == "SurroundingRectangle")
    assert ring.get_stroke_color().to_hex().lower() == scene.theme.ntk_exact.lower()


def test_no_dot_on_the_axis_corner(scene):
    # f(−10) = 3·(−10) + 1 = −29: the y range starts below it by more than a tick's half
    assert scene.axes.y_range[0] <= -29 - 5
