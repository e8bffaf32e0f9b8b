"""Example 2's scene draws ntkcore's numbers: an arrow at every x, down for x < 0, the moved dots,
the inset, and the learning rate on screen."""

import numpy as np
import pytest

from ntkcore import EXAMPLES
from ntkcore.facts import sign_change
from scene_helpers import (arrow_data, assert_arrows_match, assert_captions_fit, assert_inside_frame,
                           caption_of, caption_texts, step_of, texts_at)

EX = EXAMPLES["linear"]


def linear_closed_form(x):
    """Δf(x) of one GD step for f = θ1·x + θ2 at θ = (3, 1), (x', y) = (10, 50), lr 0.001:
    -2·lr·(f(x') - y)·(x·x' + 1) = -0.002·(31 - 50)·(10x + 1) = 0.038·(10x + 1)."""
    return 0.038 * (10.0 * np.asarray(x, dtype=float) + 1.0)


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("linear")



def test_arrow_at_every_grid_point_maps_back_to_the_closed_form(scene):
    # 10x + 1 is never 0 on the integer grid, so every dot gets an arrow.
    assert sorted(scene.arrows) == list(range(len(EX.grid)))
    assert_arrows_match(scene.axes, scene.arrows, EX.grid, 3 * EX.grid + 1, linear_closed_form(EX.grid), tol=1e-6)


def test_arrows_left_of_zero_point_down_right_ones_up(scene):
    for k, arrow in scene.arrows.items():
        _, _, y0, y1 = arrow_data(scene, scene.axes, arrow)
        assert (y1 < y0) == (EX.grid[k] < 0), EX.grid[k]


def test_sign_change_marked_where_the_closed_form_is_zero(scene):
    # 10x + 1 = 0 at x = −0.1; the interpolation between x = −1 (−0.342) and 0 (+0.038) finds it exactly.
    assert sign_change(EX.grid, EX.displacement()) == pytest.approx(-0.1, abs=1e-9)
    assert [m.original_text for m in scene.sign_labels] == ["x < 0: down", "x ≥ 0: up"]
    assert any("changes sign at x = −0.1" in t for t in caption_texts(scene))


def test_inset_arrows_map_back_to_the_closed_form(scene):
    assert 0 in scene.inset_arrows  # the x = -10 arrow, the longest one going down
    assert_arrows_match(scene.inset.axes, scene.inset_arrows, EX.grid, 3 * EX.grid + 1,
                        linear_closed_form(EX.grid), tol=1e-6)
    for k, arrow in scene.inset_arrows.items():
        _, _, y0, y1 = arrow_data(scene, scene.inset.axes, arrow)
        assert y1 < y0, EX.grid[k]


def test_dots_end_on_f_plus_delta(scene):
    f_after = 3 * EX.grid + 1 + linear_closed_form(EX.grid)
    xs, ys = np.array([scene.axes.p2c(dot.get_center())[:2] for dot in scene.dots]).T
    np.testing.assert_allclose(xs, EX.grid, atol=1e-6)
    np.testing.assert_allclose(ys, f_after, atol=1e-6)
    for k, n in scene.inset_index.items():
        px, py = scene.inset.axes.p2c(scene.inset_dots[n].get_center())[:2]
        assert (px, py) == pytest.approx((EX.grid[k], f_after[k]), abs=1e-6)


def test_captions_give_the_reason_for_the_sign_change(scene):
    # Δθ = 0.038·∇θ f(10) = 0.038·(10, 1) = (0.38, 0.038), so Δf(x) = 0.38x + 0.038: zero at x = −0.1
    texts = caption_texts(scene)
    assert any("Δf(x) = 0.38x + 0.038 changes sign at x = −0.1" in t for t in texts)
    assert any("θ₁: 3 → 3.38 and θ₂: 1 → 1.038" in t for t in texts)
    assert any("the line tilts about x = −0.1" in t for t in texts)


def test_every_step_is_narrated_with_the_caption_numbers(scene):
    assert caption_of(scene, "learning_rate").startswith("Learning rate")
    lr_step = step_of(scene, "learning_rate").narration
    # 383.8 / 3.8 = 101 = k(10, 10) = 10·10 + 1: both parameters push f(10)
    assert "383.8" in lr_step and "101 times" in lr_step
    assert all(s.spoken for s in scene.steps)


def test_learning_rate_on_screen(scene):
    assert scene.lr_text in scene.mobjects
    words = scene.lr_text.original_text.split()
    assert words[:2] == ["learning", "rate"] and float(words[-1]) == 0.001


def test_big_learning_rate_arrow_is_off_the_chart(scene):
    # At Example 1's rate 0.1 the arrow at x = 10 would be 0.1·2·(50 − 31)·(10·10 + 1) = 383.8 long.
    assert any("would be 383.8 long" in t for t in caption_texts(scene))
    assert 31 + 383.8 > scene.axes.y_range[1]


def test_everything_inside_the_frame(scene):
    assert_inside_frame(scene.mobjects, whole=True)


def test_every_caption_inside_the_frame_and_at_most_two_lines(scene):
    assert_captions_fit(scene.captions, at_least=8, max_lines=2)


def test_tiny_arrows_are_admitted_with_the_range_they_hide_in(scene):
    # An arrow cannot be seen when its tip does not clear the dot it starts in: drawn length
    # |0.38x + 0.038|·(scene units per unit of f) < dot radius + the arrow's tip length.  With the
    # chart's scale that is −6 ≤ x ≤ 6 on the integer grid (short arrows get tips of 0.45 × their length,
    # so an arrow must be longer than radius / 0.55 to show its whole tip).
    y_lo, y_hi = scene.axes.y_range[:2]
    scale = scene.axes.y_length / (y_hi - y_lo)
    length = np.abs(linear_closed_form(EX.grid)) * scale
    tip = np.array([scene.arrows[i].tip.length for i in range(len(EX.grid))])
    np.testing.assert_allclose(tip, np.minimum(0.16, 0.45 * length), atol=1e-9)   # manim shrinks short tips
    xs = EX.grid[length < scene.dot_radius + tip]
    assert xs.min() == -6 and xs.max() == 6 and len(xs) == 13
    assert any(f"for {xs.min():.0f} ≤ x ≤ {xs.max():.0f} too short to see".replace("-", "−") in t
               for t in caption_texts(scene))


def test_before_after_legend_and_the_line_named_at_its_x(scene):
    words = texts_at(scene, "line_tilts")
    assert "before the step" in words and "after the step" in words
    # the dashed line sits at the zero of 10x + 1, x = −0.1, and says so
    assert scene.divider_label.original_text == "x = −0.1"
    x_line = scene.axes.p2c(scene.divider_label.get_left() + np.array([-0.1, 0, 0]))[0]
    assert x_line == pytest.approx(-0.1, abs=0.3)


def test_first_caption_after_the_card_adds_something(scene):
    card, first = caption_of(scene, "title"), caption_of(scene, "two_parameters")
    assert [s.key for s in scene.steps[:2]] == ["title", "two_parameters"]
    assert "two parameters draw the whole line" in card.replace("\n", " ")
    assert "two parameters draw the whole line" not in first.replace("\n", " ")
