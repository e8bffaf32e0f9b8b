"""Example 3's scene draws ntkcore's numbers next to Example 2's: both arrow sets, no move at
x = -10, 7.6 at x = 10, the two kernels' constants, the learning rate on screen."""

import numpy as np
import pytest

from ntkcore import EXAMPLES
from scene_helpers import (arrow_data, assert_arrows_match, assert_captions_fit, assert_inside_frame,
                           caption_of, numbers_in)

SCALE = 10.0  # f = θ1·x + SCALE·θ2


def reparam_closed_form(x):
    """Δf(x) for f = θ1·x + 10·θ2 at θ = (3, 0.1), (x', y) = (10, 50), lr 0.001:
    -2·lr·(f(x') - y)·(x·x' + 10²) = -0.002·(31 - 50)·(10x + 100) = 0.038·(10x + 100)."""
    return 0.038 * (10.0 * x + SCALE ** 2)


def linear_closed_form(x):
    return 0.038 * (10.0 * x + 1.0)


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


def test_no_move_at_minus_ten(scene):
    ex = EXAMPLES["reparametrized"]
    k = int(np.flatnonzero(ex.grid == -10)[0])
    assert reparam_closed_form(-10.0) == pytest.approx(0.0, abs=1e-12)
    # a zero move gets no arrow, and the dot stays at f(−10) = 3·(−10) + 1 = −29
    assert k not in scene.arrows
    assert scene.axes.p2c(scene.dots[k].get_center())[:2] == pytest.approx((-10.0, -29.0), abs=1e-6)
    # while Example 2 moved it down
    _, _, y0, y1 = arrow_data(scene, scene.linear_axes, scene.linear_arrows[k])
    assert y1 - y0 == pytest.approx(linear_closed_form(-10.0), abs=1e-6) and y1 < y0


def test_arrow_at_ten_is_seven_point_six(scene):
    ex = EXAMPLES["reparametrized"]
    k = int(np.flatnonzero(ex.grid == 10)[0])
    _, _, y0, y1 = arrow_data(scene, scene.axes, scene.arrows[k])
    assert y1 - y0 == pytest.approx(reparam_closed_form(10.0), abs=1e-6)
    assert reparam_closed_form(10.0) == pytest.approx(7.6, abs=1e-12)


def test_left_arrows_go_up_now(scene):
    ex = EXAMPLES["reparametrized"]
    for k, arrow in scene.arrows.items():
        _, _, y0, y1 = arrow_data(scene, scene.axes, arrow)
        assert y1 > y0, ex.grid[k]


def test_dots_end_on_f_plus_delta_in_both_panels(scene):
    for delta, axes, dots in ((reparam_closed_form, scene.axes, scene.dots),
                              (linear_closed_form, scene.linear_axes, scene.linear_dots)):
        grid = EXAMPLES["linear"].grid
        for x, y, dot in zip(grid, 3 * grid + 1 + delta(grid), dots):
            px, py = axes.p2c(dot.get_center())[:2]
            assert px == pytest.approx(x, abs=1e-6) and py == pytest.approx(y, abs=1e-6)


def test_kernel_constants_are_scale_squared(scene):
    # ∇θ(θ1·x + θ2) = (x, 1) gives x·x' + 1; ∇θ(θ1·x + 10·θ2) = (x, 10) gives x·x' + 10².
    assert scene.kernel_constants == pytest.approx((1.0, SCALE ** 2), abs=1e-9)
    for k, c in zip(scene.kernels, (1.0, SCALE ** 2)):
        assert k.tex_strings[0] == r"k(x, x') = x \cdot x' + "
        assert float(k.tex_strings[1]) == c


def test_the_factor_ten_is_highlighted(scene):
    # the post marks the changed 10 in θ1·x + 10·θ2; here in the highlight colour (blue is the observation's)
    assert scene.scale == SCALE
    assert scene.factor.tex_string == "10"
    assert scene.factor.get_color().to_hex().upper() == scene.theme.highlight.upper()
    assert scene.factor in scene.titles[1].submobjects


def test_the_steps_as_lines_same_slope_different_offset(scene):
    # Δf = 0.038·(10x + 1) = 0.38x + 0.038 and 0.038·(10x + 100) = 0.38x + 3.8
    assert scene.step_lines[0] == pytest.approx((0.38, 0.038), abs=1e-9)
    assert scene.step_lines[1] == pytest.approx((0.38, 3.8), abs=1e-9)
    for tex, (slope, lift) in zip(scene.step_texs, ((0.38, 0.038), (0.38, 3.8))):
        assert numbers_in(tex.tex_string)[-2:] == pytest.approx([slope, lift], abs=1e-12)
    assert "by 0.038 on the left, by 3.8 on the right" in caption_of(scene, "steps_as_lines")
    assert "the gradients are (x, 1) and (x, 10)" in caption_of(scene, "kernels")


def test_labels_cover_neither_the_cross_nor_a_dot(scene):
    from manim import DOWN, LEFT, RIGHT, UP
    for axes, dots, group in ((scene.linear_axes, scene.linear_dots, 0), (scene.axes, scene.dots, 1)):
        points = [axes.c2p(10.0, 50.0)] + [dot.get_center() for dot in dots]
        for text in (scene.kernels[group], scene.step_texs[group]):
            (x0, y0, _), (x1, y1, _) = text.get_corner(DOWN + LEFT), text.get_corner(UP + RIGHT)
            for p in points:
                assert not (x0 - 0.1 < p[0] < x1 + 0.1 and y0 - 0.1 < p[1] < y1 + 0.1), (text.tex_string, p)


def test_learning_rate_on_screen(scene):
    words = scene.lr_text.original_text.split()
    assert words[:2] == ["learning", "rate"]
    assert float(words[-1]) == EXAMPLES["linear"].lr == EXAMPLES["reparametrized"].lr == 0.001


def test_everything_inside_the_frame(scene):
    assert_inside_frame(scene.mobjects, whole=True)


def test_every_caption_inside_the_frame_and_at_most_two_lines(scene):
    assert_captions_fit(scene.captions, at_least=8, max_lines=2)


def test_heading_and_learning_rate_do_not_overlap(scene):
    heading = [m for m in scene.mobjects if getattr(m, "original_text", "") == scene.heading_text]
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
    for tex in (*scene.kernels, *scene.step_texs):
        assert tex.font_size >= CAPTION_SIZE > LABEL_SIZE
    # and as tall on screen as a label-size line of text with the same kind of symbols
    row = scene.ty.text("Δf(x)", size=LABEL_SIZE)
    assert min(t.height for t in (*scene.kernels, *scene.step_texs)) >= row.height


def test_a_legend_names_the_grey_and_black_dots_and_covers_nothing(scene):
    from manim import DOWN, LEFT, RIGHT, UP
    words = [entry[1].original_text for entry in scene.legend]
    assert words == ["before the step", "after the step", "the step: Δf(x)"]
    assert scene.legend in scene.mobjects
    (x0, y0, _), (x1, y1, _) = scene.legend.get_corner(DOWN + LEFT), scene.legend.get_corner(UP + RIGHT)
    ax = scene.linear_axes
    grid = EXAMPLES["linear"].grid
    before, after = 3 * grid + 1, 3 * grid + 1 + linear_closed_form(grid)
    for x, yb, ya in zip(grid, before, after):   # no dot and no arrow under the legend
        for y in np.linspace(yb, ya, 5):
            p = ax.c2p(x, y)
            assert not (x0 - 0.1 < p[0] < x1 + 0.1 and y0 - 0.1 < p[1] < y1 + 0.1), (x, y)
    # inside the left panel's frame
    assert ax.c2p(-10, 0)[0] < x0 and x1 < ax.c2p(20, 0)[0] and ax.c2p(0, ax.y_range[0])[1] < y0
