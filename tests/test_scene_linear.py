"""Example 2's scene draws ntkcore's numbers: an arrow at every x, down for x < −0.1, the moved
dots, the inset; the numbers on the chart (θ, the learning rate, the longest arrow, Δf's line, the
x where it changes sign) are the closed form's; the lesson (one observation moves f everywhere)
is the chapter's last step."""

import numpy as np
import pytest

from ntkcore import EXAMPLES
from ntkcore.facts import sign_change
from pipeline.chapters import cuts
from scene_helpers import (arrow_data, assert_arrows_match, assert_captions_fit, assert_inside_frame,
                           caption_of, numbers_in, step_of, texts_at)

EX = EXAMPLES["linear"]
# The closed form: f = θ₁x + θ₂ at θ = (3, 1), (x′, y) = (10, 50), learning rate 0.001:
# Δθ = −0.001·2·(31 − 50)·∇θ f(10) = 0.038·(10, 1), so Δf(x) = 0.38x + 0.038, zero at x = −0.1.
LR, X_OBS, Y_OBS = 0.001, 10.0, 50.0
PUSH = -2 * LR * (3 * X_OBS + 1 - Y_OBS)            # 0.038
DTHETA = PUSH * np.array([X_OBS, 1.0])             # (0.38, 0.038)


def linear_closed_form(x):
    """Δf(x) = 0.038·(10x + 1)."""
    return PUSH * (X_OBS * np.asarray(x, dtype=float) + 1.0)


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
    # the dashed line sits there and says so; the caption states the same x
    assert numbers_in(scene.divider_label.original_text) == [-0.1]
    x_line = scene.axes.p2c(scene.divider_label.get_left() + np.array([-0.1, 0, 0]))[0]
    assert x_line == pytest.approx(-0.1, abs=0.3)
    assert numbers_in(caption_of(scene, "sign_change")) == [-0.1]
    assert numbers_in(caption_of(scene, "line_tilts")) == [-0.1]
    # either side: the first grid point right of it is 0; left goes down, right goes up
    left, right = scene.sign_labels
    assert numbers_in(left.original_text) == [0] == numbers_in(right.original_text)
    assert left.original_text.endswith(scene.label("down")) and right.original_text.endswith(scene.label("up"))


def test_the_steps_line_and_thetas_change_are_on_the_chart(scene):
    # Δθ = 0.038·∇θ f(10) = (0.38, 0.038): Δf(x) = 0.38x + 0.038; θ: (3, 1) → (3.38, 1.038)
    assert numbers_in(scene.step_line_label.original_text) == pytest.approx(list(DTHETA))
    assert scene.step_line_label in scene.mobjects and scene.step_line_label.original_text in texts_at(scene, "sign_change")
    t0, t1 = np.array([3.0, 1.0]), np.array([3.0, 1.0]) + DTHETA
    assert numbers_in(scene.theta_change.original_text) == pytest.approx([t0[0], t1[0], t0[1], t1[1]])
    assert scene.theta_change.original_text in texts_at(scene, "line_tilts")


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


def test_the_longest_arrow_is_labelled_with_its_length(scene):
    # Δf(20) = 0.038·201 = 7.638: "+7.6" beside the arrow at x = 20
    assert numbers_in(scene.max_label.original_text) == [pytest.approx(linear_closed_form(20.0), abs=0.05)]
    i_max = int(np.argmax(np.abs(linear_closed_form(EX.grid))))
    assert EX.grid[i_max] == 20 and scene.max_label.get_left()[0] > scene.arrows[i_max].get_right()[0]


def test_the_same_dots_as_example_1(scene):
    # θ = (3, 1) draws Example 1's dots, 3x + 1: said on the chart
    np.testing.assert_allclose(EX.values(), EXAMPLES["lookup_table"].values())
    assert numbers_in(scene.theta_label.original_text)[:4] == [3, 1, 3, 1]
    assert scene.theta_label.original_text in texts_at(scene, "two_parameters")


def test_learning_rate_on_screen_and_why_it_is_small(scene):
    assert scene.lr_text in scene.mobjects
    assert numbers_in(scene.lr_text.original_text) == [LR] == [EX.lr]
    assert numbers_in(caption_of(scene, "learning_rate")) == [LR]
    # At Example 1's rate 0.1 the arrow at x = 10 would be 0.1·2·(50 − 31)·(10·10 + 1) = 383.8 long,
    # 101 = k(10, 10) times the lookup table's 3.8: both parameters push f(10)
    big = 0.1 * 2 * (Y_OBS - 31) * (X_OBS * X_OBS + 1)
    assert numbers_in(scene.big_label.original_text) == [0.1, X_OBS, pytest.approx(big)]
    assert 31 + big > scene.axes.y_range[1]
    said = step_of(scene, "learning_rate").narration
    assert "383.8" in said and "101" in said


def test_everything_inside_the_frame(scene):
    assert_inside_frame(scene.mobjects, whole=True)


def test_every_caption_inside_the_frame_and_at_most_two_lines(scene):
    assert_captions_fit(scene.captions, at_least=7, max_lines=2)


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
    bracket, note = scene.hidden_note
    assert numbers_in(note.original_text) == [xs.min(), xs.max()]
    assert note.original_text in texts_at(scene, "every_dot_moves")
    # the bracket spans exactly that range of x
    x0 = scene.axes.p2c(bracket[0].get_start())[0]
    x1 = scene.axes.p2c(bracket[0].get_end())[0]
    assert (x0, x1) == pytest.approx((xs.min(), xs.max()), abs=1e-6)


def test_before_after_legend_when_the_dots_move(scene):
    assert scene.legend in scene.mobjects
    legend_words = [m.original_text for m in scene.legend.get_family() if hasattr(m, "original_text")]
    assert len(legend_words) == 3 and all(w in texts_at(scene, "line_tilts") for w in legend_words)


def test_the_lesson_is_the_last_step_and_the_lecture_keeps_the_story(scene):
    assert [s.key for s in scene.steps if s.lesson] == ["generalises"] == [scene.steps[-1].key]
    assert not numbers_in(caption_of(scene, "generalises"))
    skip = cuts()["lecture"].skip
    assert {s for s in skip if s.startswith("linear.")} == {"linear.learning_rate"}


def test_first_caption_after_the_card_adds_something(scene):
    card, first = caption_of(scene, "title"), caption_of(scene, "two_parameters")
    assert [s.key for s in scene.steps[:2]] == ["title", "two_parameters"]
    assert first.replace("\n", " ") not in card.replace("\n", " ")
    assert "θ" in scene.title_card[1].tex_string or r"\theta" in scene.title_card[1].tex_string
