"""Example 1's scene draws ntkcore's numbers: dots, the arrow, the moved dot, the inset, the
kernel; the numbers on screen (in captions and on the chart) are the closed form's; the reading of
the post (3x + 1 where the post prints 3i + 2) is noted where 3x + 1 appears, legibly."""

import numpy as np
import pytest

from ntkcore import EXAMPLES
from ntkcore.step_facts import changed_parameters, is_delta_kernel
from pipeline.chapters import cuts
from scene_helpers import (
    assert_arrows_match, assert_captions_fit, assert_inside_frame, caption_of, numbers_in, step_of, texts_at,
)
from scenes.colour import contrast_ratio

EX = EXAMPLES["lookup_table"]
# The closed form: θₓ = 3x + 1 on the integers −10…20, (x′, y) = (10, 50), learning rate 0.1;
# the loss (θ₁₀ − 50)² holds θ₁₀ alone, so Δθ₁₀ = −0.1·2·(31 − 50) = +3.8 and nothing else moves.
X_OBS, Y_OBS, LR = 10.0, 50.0, 0.1
F_OBS = 3 * X_OBS + 1
STEP = LR * 2 * (Y_OBS - F_OBS)


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("lookup_table")


def words(texts) -> str:
    return " ".join(t for t in texts if t)


def test_the_example_is_the_closed_form():
    np.testing.assert_allclose(EX.values(), 3 * EX.grid + 1)
    assert tuple(EX.observation) == (X_OBS, Y_OBS) and EX.lr == LR
    assert STEP == pytest.approx(3.8)


def test_one_arrow_only_at_the_observation(scene):
    d = EX.displacement()
    assert list(scene.arrows) == [EX.obs_index]
    assert changed_parameters(EX).tolist() == [EX.obs_index]
    assert np.all(np.delete(d, EX.obs_index) == 0)


@pytest.mark.parametrize("which", ["main", "inset"])
def test_arrow_length_maps_back_to_displacement(scene, which):
    i = EX.obs_index
    axes, arrows = (scene.axes, scene.arrows) if which == "main" else (scene.inset.axes, scene.inset_arrows)
    assert_arrows_match(axes, {0: arrows[i]}, [X_OBS], [F_OBS], [STEP], tol=1e-6)


def test_dots_sit_on_f_and_the_moved_dot_on_f_plus_delta(scene):
    f_after = 3 * EX.grid + 1 + np.where(EX.grid == X_OBS, STEP, 0.0)   # the closed form, not ntkcore
    for x, y, dot in zip(EX.grid, f_after, scene.dots):
        px, py = scene.axes.p2c(dot.get_center())[:2]
        assert px == pytest.approx(x, abs=1e-6) and py == pytest.approx(y, abs=1e-6)
    for k, n in scene.inset_index.items():
        px, py = scene.inset.axes.p2c(scene.inset_dots[n].get_center())[:2]
        assert (px, py) == pytest.approx((EX.grid[k], f_after[k]), abs=1e-6)


def test_cross_at_observation(scene):
    px, py = scene.axes.p2c(scene.cross.get_center())[:2]
    assert (px, py) == pytest.approx((X_OBS, Y_OBS), abs=1e-6)


def test_the_numbers_on_screen_are_the_closed_forms(scene):
    # the observation's caption: y and x′; the model's value beside its dot
    assert sorted(numbers_in(caption_of(scene, "observation"))) == sorted([Y_OBS, X_OBS])
    assert numbers_in(scene.f_label.original_text) == [X_OBS, F_OBS]
    # the step: the learning rate in its caption and on the chart, the sum η·2·(y − f(x′)) on the chart
    assert numbers_in(caption_of(scene, "gradient_step")) == [LR]
    assert numbers_in(scene.lr_text.original_text) == [LR]
    lr, two, y, f, total = numbers_in(scene.step_sum.original_text)
    assert (lr, two, y, f) == (LR, 2, Y_OBS, F_OBS) and total == pytest.approx(lr * two * (y - f)) == pytest.approx(STEP)
    # Δf(x′) in the caption, and beside the zoomed arrow
    assert numbers_in(caption_of(scene, "move_size")) == [pytest.approx(STEP)]
    assert f"+{STEP:.1f}" in texts_at(scene, "move_size")


def test_the_parameter_named_is_the_one_that_moves(scene):
    theta = "θ" + "₁₀"                                   # θ₁₀: the only parameter in (θ₁₀ − 50)²
    assert EX.grid[changed_parameters(EX)[0]] == X_OBS
    assert theta in caption_of(scene, "gradient_step") and theta in caption_of(scene, "move_size")
    assert scene.step_sum.original_text.startswith(theta)


def test_the_kernel_is_shown_and_is_the_delta(scene):
    assert scene.kernel_tex in scene.mobjects
    assert "begin{cases}" in scene.kernel_tex.tex_string
    # k(x, x′) = ∂f(x)/∂θ · ∂f(x′)/∂θ = 1 if x = x′ else 0 (each θₓ touches its own x)
    np.testing.assert_array_equal(EX.ntk_column(), (EX.grid == X_OBS).astype(float))
    assert is_delta_kernel(EX)


def test_the_kernel_is_the_lesson_and_the_unmoved_dots_step_leaves_the_lecture(scene):
    assert [s.key for s in scene.steps if s.lesson] == ["kernel"]
    skip = cuts()["lecture"].skip
    assert "lookup_table.one_dot_moves" in skip
    # the lecture keeps every step that introduces a symbol: θ, x′ and y, η, Δf, k
    for key in ("table", "observation", "gradient_step", "move_size", "kernel"):
        assert f"lookup_table.{key}" not in skip


def test_everything_inside_the_frame(scene):
    assert_inside_frame(scene.mobjects, whole=True)


def test_every_caption_inside_the_frame_and_at_most_two_lines(scene):
    assert_captions_fit(scene.captions, at_least=6, max_lines=2)


def test_the_reading_of_the_post_is_noted_where_3x_plus_1_appears_legibly(scene):
    shown = words(texts_at(scene, "table"))
    assert scene.line_note[0].original_text in shown and scene.reading_note.original_text in shown
    assert numbers_in(scene.line_note[0].original_text) == [3, 1]                 # θₓ = 3x + 1
    assert "3i + 2" in scene.reading_note.original_text                        # what the post prints
    # 3x + 1 is Example 2's f at θ = (3, 1): "the same function"
    lin = EXAMPLES["linear"]
    np.testing.assert_allclose(EX.values(), lin.theta0[0] * lin.grid + lin.theta0[1])
    # legible: at least 4.5:1 against the background (issue 19: the old grey note was 2.4–2.9:1 as drawn)
    drawn = [r for sid, ink in scene.ink if sid == step_of(scene, "table").id for r in ink
             if r.kind == "text" and r.words == scene.reading_note.original_text]
    assert drawn and all(contrast_ratio(r.fill[0], scene.theme.background) >= 4.5 and r.fill[1] == 1 for r in drawn)
    # and gone before the observation (it belongs with the line)
    assert scene.reading_note.original_text not in words(texts_at(scene, "observation"))


def test_the_zoom_comes_with_the_step(scene):
    # the arrow is 3.8 of a 110-unit y range: the zoom is on screen in the step that draws it
    assert scene.inset.label.original_text in texts_at(scene, "gradient_step")
    assert scene.inset.magnification > 2


def test_before_after_legend_when_the_dot_moves(scene):
    assert scene.legend in scene.mobjects
    legend_words = [m.original_text for m in scene.legend.get_family() if hasattr(m, "original_text")]
    assert len(legend_words) == 3 and all(w in texts_at(scene, "one_dot_moves") for w in legend_words)
    grey, black = scene.legend[0][0], scene.legend[1][0]
    assert grey.get_color().to_hex().lower() == scene.theme.moved_dot.lower()
    assert black.get_color().to_hex().lower() == scene.theme.dot.lower()


def test_the_kernel_box_has_the_kernel_colour(scene):
    ring = next(m for m in scene.mobjects if type(m).__name__ == "SurroundingRectangle")
    assert ring.get_stroke_color().to_hex().lower() == scene.theme.ntk_exact.lower()


def test_no_dot_on_the_axis_corner(scene):
    # every dot (f = 3x + 1 on the grid: −29 … 61) inside the y range, the lowest more than half a
    # tick above the corner where the axes meet
    lo, hi, tick = scene.axes.y_range[:3]
    f = 3 * EX.grid + 1
    assert lo + tick / 2 < f.min() and f.max() <= hi


def test_the_title_card_shows_no_symbol_before_its_step(scene):
    # θ is introduced by the table step: the card has the title and the bridge only
    assert len(scene.title_card) == 2
    assert "θ" not in caption_of(scene, "title")
    assert "θ" in caption_of(scene, "table") and "parameter" in step_of(scene, "table").caption
