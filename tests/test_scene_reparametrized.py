"""Example 3's scene draws ntkcore's numbers next to Example 2's: both arrow sets, no move at
x = -10, 7.6 at x = 10, the steps as lines, the gradients and the two kernels' constants, the
learning rate on screen, and the lesson's boxes around the two kernels."""

import numpy as np
import pytest

from ntkcore import EXAMPLES
from scene_helpers import (arrow_data, assert_arrows_match, assert_captions_fit, assert_inside_frame,
                           caption_of, numbers_in, step_of)

SCALE = 10.0  # f = θ1·x + SCALE·θ2
EPS = 0.038   # the push of one gradient step: −2·lr·(f(10) − 50) = −0.002·(31 − 50)


def reparam_closed_form(x):
    """Δf(x) for f = θ1·x + 10·θ2 at θ = (3, 0.1), (x', y) = (10, 50), lr 0.001:
    -2·lr·(f(x') - y)·(x·x' + 10²) = -0.002·(31 - 50)·(10x + 100) = 0.038·(10x + 100)."""
    return EPS * (10.0 * x + SCALE ** 2)


def linear_closed_form(x):
    return EPS * (10.0 * x + 1.0)


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("reparametrized")   # keeps every caption, so their layout can be checked


@pytest.mark.parametrize("which", ["reparametrized", "linear"])
def test_arrows_map_back_to_displacement(scene, which):
    ex = EXAMPLES[which]
    axes, arrows, d = ((scene.axes, scene.arrows, reparam_closed_form(ex.grid)) if which == "reparametrized"
                       else (scene.linear_axes, scene.linear_arrows, linear_closed_form(ex.grid)))
    # every x but x = −10 on the right (10x + 100 = 0 there) gets an arrow
    assert sorted(arrows) == [k for k in range(len(d)) if ex.grid[k] != -10 or which == "linear"]
    assert_arrows_match(axes, arrows, ex.grid, 3 * ex.grid + 1, d, tol=1e-6)


def test_displacements_match_closed_forms():
    grid = EXAMPLES["reparametrized"].grid
    np.testing.assert_allclose(EXAMPLES["reparametrized"].displacement(), reparam_closed_form(grid), atol=1e-9)
    np.testing.assert_allclose(EXAMPLES["linear"].displacement(), linear_closed_form(grid), atol=1e-9)


def test_same_function_same_data_same_learning_rate():
    a, b = EXAMPLES["linear"], EXAMPLES["reparametrized"]
    np.testing.assert_allclose(a.values(), b.values(), atol=1e-12)
    assert a.observation == b.observation and a.lr == b.lr


def test_both_panels_draw_the_same_dots(scene):
    grid = EXAMPLES["linear"].grid
    for axes, dots in ((scene.axes, scene.dots), (scene.linear_axes, scene.linear_dots)):
        for x, y, dot in zip(grid, 3 * grid + 1, dots):
            assert axes.p2c(dot.get_center())[:2] == pytest.approx((x, y), abs=1e-6)


def test_no_move_at_minus_ten(scene):
    ex = EXAMPLES["reparametrized"]
    k = int(np.flatnonzero(ex.grid == -10)[0])
    assert reparam_closed_form(-10.0) == pytest.approx(0.0, abs=1e-12)
    assert k not in scene.arrows                          # a zero move gets no arrow
    # while Example 2 moved it down
    _, _, y0, y1 = arrow_data(scene, scene.linear_axes, scene.linear_arrows[k])
    assert y1 - y0 == pytest.approx(linear_closed_form(-10.0), abs=1e-6) and y1 < y0
    # and the rings mark x = −10 in both panels
    for ring, axes in zip(scene.rings, (scene.linear_axes, scene.axes)):
        assert axes.p2c(ring.get_center())[0] == pytest.approx(-10.0, abs=1e-6)
    assert numbers_in(caption_of(scene, "steps_differ")) == [-10.0]


def test_arrow_at_ten_is_seven_point_six(scene):
    ex = EXAMPLES["reparametrized"]
    k = int(np.flatnonzero(ex.grid == 10)[0])
    _, _, y0, y1 = arrow_data(scene, scene.axes, scene.arrows[k])
    assert y1 - y0 == pytest.approx(reparam_closed_form(10.0), abs=1e-6)
    assert reparam_closed_form(10.0) == pytest.approx(7.6, abs=1e-12)


def test_right_arrows_all_go_up(scene):
    ex = EXAMPLES["reparametrized"]
    for k, arrow in scene.arrows.items():
        _, _, y0, y1 = arrow_data(scene, scene.axes, arrow)
        assert y1 > y0, ex.grid[k]


def test_kernel_constants_are_scale_squared(scene):
    # ∇θ(θ1·x + θ2) = (x, 1) gives x·x' + 1; ∇θ(θ1·x + 10·θ2) = (x, 10) gives x·x' + 10².
    assert scene.kernel_constants == pytest.approx((1.0, SCALE ** 2), abs=1e-9)
    for k, c in zip(scene.kernels, (1.0, SCALE ** 2)):
        assert k.tex_strings[0] == r"k(x, x') = x \cdot x' + "
        assert float(k.tex_strings[1]) == c
    for g, k, scale in zip(scene.gradients, scene.kernels, (1.0, SCALE)):   # ∇θf = (x, scale): k = x·x′ + scale²
        assert numbers_in(g.tex_string) == [scale]
        assert float(k.tex_strings[1]) == scale ** 2
    # the caption: the gradient's factor, the new constant, the old one
    assert numbers_in(caption_of(scene, "kernels")) == [SCALE, SCALE ** 2, 1.0]


def test_the_factor_ten_is_highlighted(scene):
    # the post marks the changed 10 in θ1·x + 10·θ2; here in the highlight colour (blue is the observation's)
    assert scene.scale == SCALE
    assert scene.factor.tex_string == "10"
    assert scene.factor.get_color().to_hex().upper() == scene.theme.highlight.upper()
    assert scene.factor in scene.titles[1].submobjects
    assert numbers_in(caption_of(scene, "factor")) == [SCALE]


def test_the_steps_as_lines_same_tilt_a_hundred_times_the_lift(scene):
    # Δf = 0.038·(10x + 1) = 0.38x + 0.038 and 0.038·(10x + 100) = 0.38x + 3.8
    assert scene.step_lines[0] == pytest.approx((0.38, 0.038), abs=1e-9)
    assert scene.step_lines[1] == pytest.approx((0.38, 3.8), abs=1e-9)
    for table, (slope, lift) in zip(scene.tables, ((0.38, 0.038), (0.38, 3.8))):
        assert numbers_in(table[0].original_text)[-2:] == pytest.approx([slope, lift], abs=1e-12)
    # the lift is ε times the kernel's constant: 100 times as much on the right
    (_, lift_l), (_, lift_r) = scene.step_lines
    assert lift_r / lift_l == pytest.approx(scene.kernel_constants[1] / scene.kernel_constants[0], rel=1e-9)


def test_labels_cover_neither_the_cross_nor_a_dot(scene):
    from manim import DOWN, LEFT, RIGHT, UP
    for axes, dots, group in ((scene.linear_axes, scene.linear_dots, 0), (scene.axes, scene.dots, 1)):
        points = [axes.c2p(10.0, 50.0)] + [dot.get_center() for dot in dots]
        for mob in (scene.kernels[group], scene.gradients[group], scene.tables[group], scene.boxes[group]):
            (x0, y0, _), (x1, y1, _) = mob.get_corner(DOWN + LEFT), mob.get_corner(UP + RIGHT)
            for p in points:
                assert not (x0 - 0.1 < p[0] < x1 + 0.1 and y0 - 0.1 < p[1] < y1 + 0.1), (type(mob).__name__, p)


def test_the_lesson_boxes_the_two_kernels(scene):
    step = step_of(scene, "parametrization_matters")
    assert step.lesson
    for box, k in zip(scene.boxes, scene.kernels):
        assert box.get_left()[0] < k.get_left()[0] and box.get_right()[0] > k.get_right()[0]
        assert box.get_bottom()[1] < k.get_bottom()[1] and box.get_top()[1] > k.get_top()[1]
        assert box.get_color().to_hex().upper() == scene.theme.highlight.upper()
        assert box in scene.mobjects or any(box in m.get_family() for m in scene.mobjects)
    assert numbers_in(step.caption) == []


def test_learning_rate_on_screen(scene):
    assert numbers_in(scene.lr_text.original_text) == [EXAMPLES["linear"].lr] == [EXAMPLES["reparametrized"].lr]


def test_everything_inside_the_frame(scene):
    assert_inside_frame(scene.mobjects, whole=True)


def test_every_caption_inside_the_frame_and_at_most_two_lines(scene):
    assert_captions_fit(scene.captions, at_least=5, max_lines=2)


def test_heading_and_learning_rate_do_not_overlap(scene):
    heading = [m for m in scene.mobjects if getattr(m, "original_text", "") == scene.script.chapter["title"]]
    assert heading and heading[0].get_right()[0] < scene.lr_text.get_left()[0]


def test_each_panel_shows_its_theta_under_its_title(scene):
    # θ = (3, 1) for θ1·x + θ2 and θ = (3, 0.1) for θ1·x + 10·θ2 (both give 3x + 1)
    for tex, title, axes, theta in zip(scene.theta_texs, scene.titles, (scene.linear_axes, scene.axes),
                                       ((3.0, 1.0), (3.0, 0.1))):
        assert numbers_in(tex.tex_string) == pytest.approx(list(theta), abs=1e-12)
        assert title.get_bottom()[1] > tex.get_top()[1] and tex.get_bottom()[1] > axes.get_top()[1]
        assert tex.get_x() == pytest.approx(title.get_x(), abs=0.05)


def test_annotations_are_at_least_as_big_as_the_smallest_text(scene):
    from scenes.typography import CAPTION_SIZE, LABEL_SIZE
    for tex in (*scene.kernels, *scene.gradients):
        assert tex.font_size >= CAPTION_SIZE - 1e-6 and CAPTION_SIZE > LABEL_SIZE
    # and as tall on screen as a label-size line of text with the same kind of symbols
    row = scene.ty.text("Δf(x)", size=LABEL_SIZE)
    assert min(t.height for t in scene.kernels) >= row.height
