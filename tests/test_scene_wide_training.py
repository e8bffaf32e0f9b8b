"""The "wide networks during training" scene draws the numbers it is given: the kernel column
before and after training (narrow and wide net), the relative change of the kernel against width
on log–log axes with its least-squares line, and the trained networks next to the kernel
regression of their initial NTK, with the distances it prints read off the drawn curves.  Built
with the SMALL wide settings of conftest; the numbers themselves are checked in
test_wide_experiments.py."""

import numpy as np
import pytest

import rbf_by_hand as hand
from scene_helpers import (assert_inside_frame, assert_least_squares_line, curve_anchors,
                           numbers_in, points_data)

SEED = 0


@pytest.fixture(scope="module")
def D(wide_data):
    return wide_data["training_change"]


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("wide_training")



def test_the_panels_show_the_narrowest_and_the_widest_net(scene, wide_data, D):
    assert scene.wide == wide_data.wide
    assert len(scene.panel_axes) == len(scene.before_curves) == len(scene.after_curves) == 2
    assert [int(D["widths"][i]) for i in scene.shown] == [min(wide_data.wide.train_widths),
                                                         max(wide_data.wide.train_widths)]


@pytest.mark.parametrize("k", [0, 1])
@pytest.mark.parametrize("which, key", [("before_curves", "k_before"), ("after_curves", "k_after"),
                                        ("trained_curves", "f_trained"), ("kernel_pred_curves", "f_kernel")])
def test_curves_map_back_to_the_arrays(scene, D, k, which, key):
    axes = (scene.panel_axes if key.startswith("k_") else scene.fit_axes)[k]
    xs, ys = curve_anchors(axes, getattr(scene, which)[k])
    np.testing.assert_allclose(xs, D["x"], atol=1e-6)
    np.testing.assert_allclose(ys, D[key][scene.shown[k], SEED], atol=1e-6)


def test_panel_titles_print_the_relative_change(scene, D):
    for k, i in enumerate(scene.shown):
        title = scene.kernel_panel_titles[k].original_text
        width, pct = numbers_in(title)
        assert width == D["widths"][i]
        # printed as a whole percent from 10 % up, with one decimal below
        half_unit = 0.5 if pct >= 10 else 0.05
        assert 100 * D["rel_change"][i, SEED] == pytest.approx(pct, abs=half_unit + 1e-9)


def test_change_and_seed_dots_map_back(scene, D):
    ax = scene.loglog_axes
    W, S = D["rel_change"].shape
    xs, ys = points_data(ax, [dot.get_center() for dot in scene.change_dots])
    np.testing.assert_allclose(xs, np.log10(D["widths"]), atol=1e-6)
    np.testing.assert_allclose(10 ** ys, D["rel_change"].mean(axis=1), rtol=1e-5)   # big dots: seed means
    xs, ys = points_data(ax, [dot.get_center() for dot in scene.seed_dots])
    np.testing.assert_allclose(xs, np.repeat(np.log10(D["widths"]), S), atol=1e-6)
    np.testing.assert_allclose(ys, np.log10(D["rel_change"]).ravel(), atol=1e-6)


def test_line_is_the_least_squares_line_of_the_mean_dots_and_its_slope_is_printed(scene):
    ax = scene.loglog_axes
    xs, ys = points_data(ax, [dot.get_center() for dot in scene.change_dots])
    (x0, x1), (y0, y1) = points_data(ax, [scene.fit_line.get_start(), scene.fit_line.get_end()])
    assert (x0, x1) == pytest.approx((xs[0], xs[-1]), abs=1e-6)
    slope = assert_least_squares_line(xs, ys, (x0, y0), (x1, y1))
    assert numbers_in(scene.slope_label.original_text)[0] == pytest.approx(slope, abs=0.005 + 1e-9)


def test_printed_gaps_are_the_rms_distance_of_the_drawn_curves(scene, D):
    # Read both curves of each fit panel back off the screen; their RMS distance over the grid is
    # what the panel title prints (to its 2 decimals).
    for k in range(2):
        _, trained = curve_anchors(scene.fit_axes[k], scene.trained_curves[k])
        _, kernel = curve_anchors(scene.fit_axes[k], scene.kernel_pred_curves[k])
        rms = np.sqrt(np.mean((trained - kernel) ** 2))
        printed = numbers_in(scene.fit_panel_titles[k].original_text)[-1]
        assert rms == pytest.approx(printed, abs=0.005 + 1e-6)


@pytest.mark.parametrize("k", [0, 1])
def test_training_dots_sit_on_the_post_s_data(scene, wide_data, k):
    # Example 4's starting function at train_x (by hand), the observation (10, 50) itself at x = 10,
    # scaled as (y − y_shift) / y_scale.
    s = wide_data.wide
    xt = np.asarray(s.train_x)
    yt = np.where(xt == 10.0, 50.0, hand.f(hand.THETA0, xt))
    xs, ys = points_data(scene.fit_axes[k], [dot.get_center() for dot in scene.train_dots[k]])
    np.testing.assert_allclose(xs, xt, atol=1e-6)
    np.testing.assert_allclose(ys, (yt - s.y_shift) / s.y_scale, atol=1e-6)


def test_everything_inside_the_frame(scene):
    assert_inside_frame(scene.mobjects, whole=True)
    # Also the pictures of the earlier steps, which are no longer on screen at the end.
    earlier = [*scene.panel_axes, *scene.before_curves, *scene.after_curves, *scene.kernel_panel_titles,
               scene.kernel_legend, scene.loglog_axes, scene.loglog_labels, scene.change_dots,
               scene.seed_dots, scene.fit_line, scene.slope_label, *scene.fit_axes, *scene.fit_panel_titles,
               scene.fit_legend]
    assert_inside_frame(earlier, whole=True)
