"""The "wide networks during training" scene draws ntkcore's numbers: the kernel column before and
after training (narrow and wide net), the relative change of the kernel against width on log–log
axes with its fitted slope, and the trained networks next to the kernel regression of their
initial NTK."""

import numpy as np
import pytest

from ntkcore import wide_experiments as we
from scene_helpers import assert_inside_frame, construct, curve_anchors, points_data

S = we.WideSettings()
D = we.training_change(S)
SEED = 0
SHOWN = (0, len(D["widths"]) - 1)   # narrowest, widest


@pytest.fixture(scope="module")
def scene():
    from scenes.ch8_wide_training import WideDuringTraining
    return construct(WideDuringTraining)


def assert_curve_is_the_shown_column(axes, curve, key, k):
    """``curve``, read back through ``axes``, passes through D[key] of panel k's network (seed SEED)."""
    xs, ys = curve_anchors(axes, curve)
    np.testing.assert_allclose(xs, D["x"], atol=1e-6)
    np.testing.assert_allclose(ys, D[key][SHOWN[k], SEED], atol=1e-6)


def test_the_data_has_the_settings_shapes():
    W, n = len(S.train_widths), len(S.grid)
    np.testing.assert_array_equal(D["widths"], S.train_widths)
    np.testing.assert_array_equal(D["x"], S.grid)
    for key in ("k_before", "k_after", "f_trained", "f_kernel"):
        assert D[key].shape == (W, S.train_seeds, n)
    assert D["rel_change"].shape == D["gap"].shape == (W, S.train_seeds)


def test_the_panels_show_the_narrowest_and_the_widest_net(scene):
    assert len(scene.panel_axes) == len(scene.before_curves) == len(scene.after_curves) == 2
    assert [int(D["widths"][i]) for i in scene.shown] == [int(D["widths"][0]), int(D["widths"][-1])]


@pytest.mark.parametrize("k", [0, 1])
@pytest.mark.parametrize("which, key", [("before_curves", "k_before"), ("after_curves", "k_after")])
def test_kernel_curves_map_back_to_the_columns(scene, k, which, key):
    assert_curve_is_the_shown_column(scene.panel_axes[k], getattr(scene, which)[k], key, k)


def test_panel_titles_print_the_relative_change(scene):
    for k, i in enumerate(SHOWN):
        txt = scene.kernel_panel_titles[k].text
        assert f"width{int(D['widths'][i])}" in txt
        v = 100 * D["rel_change"][i, SEED]
        assert f"{v:.{0 if v >= 10 else 1}f}%" in txt


def test_change_dots_map_back_to_log_width_and_log_mean_change(scene):
    ax = scene.loglog_axes
    assert len(scene.change_dots) == len(D["widths"])
    xs, ys = points_data(ax, [dot.get_center() for dot in scene.change_dots])
    np.testing.assert_allclose(xs, np.log10(D["widths"]), atol=1e-6)
    np.testing.assert_allclose(ys, np.log10(D["rel_change"].mean(axis=1)), atol=1e-6)


def test_seed_dots_map_back_to_every_network(scene):
    ax = scene.loglog_axes
    xs, ys = points_data(ax, [dot.get_center() for dot in scene.seed_dots])
    W, Sd = D["rel_change"].shape
    np.testing.assert_allclose(xs, np.repeat(np.log10(D["widths"]), Sd), atol=1e-6)
    np.testing.assert_allclose(ys, np.log10(D["rel_change"]).ravel(), atol=1e-6)


def test_slope_shown_is_the_least_squares_slope(scene):
    slope = np.polyfit(np.log(D["widths"].astype(float)), np.log(D["rel_change"].mean(axis=1)), 1)[0]
    assert scene.slope_shown == pytest.approx(slope, abs=1e-9)
    assert f"{slope:.2f}".replace("-", "−") in scene.slope_label.text


def test_fit_line_has_the_slope_and_passes_through_the_mean_cloud(scene):
    ax = scene.loglog_axes
    (x0, x1), (y0, y1) = points_data(ax, [scene.fit_line.get_start(), scene.fit_line.get_end()])
    assert (y1 - y0) / (x1 - x0) == pytest.approx(scene.slope_shown, abs=1e-6)
    # Least squares: the line passes through the centroid of the points it was fitted to.
    lw, lrc = np.log10(D["widths"].astype(float)), np.log10(D["rel_change"].mean(axis=1))
    y_at_mean = y0 + (y1 - y0) * (lw.mean() - x0) / (x1 - x0)
    assert y_at_mean == pytest.approx(lrc.mean(), abs=1e-6)


def test_the_kernel_changes_less_the_wider_the_network():
    mean = D["rel_change"].mean(axis=1)
    assert mean[-1] * 10 <= mean[0]
    assert mean[0] > mean[-1]
    assert int(np.sum(np.diff(mean) > 0)) <= 1
    # The measured slope is negative: between the 1/√width bound and roughly 1/width.
    assert -1.2 < float(D["rel_change_slope"]) < -0.5


def test_the_widest_net_is_closest_to_its_kernel_regression():
    gap = D["gap"]
    assert gap[-1].mean() < gap[0].mean()
    assert gap[-1, SEED] < gap[0, SEED]


def test_gap_is_the_rms_distance_of_the_drawn_arrays():
    rms = np.sqrt(((D["f_trained"] - D["f_kernel"]) ** 2).mean(axis=2))
    np.testing.assert_allclose(D["gap"], rms, atol=1e-12)


def test_fit_panel_titles_print_the_gap(scene):
    for k, i in enumerate(SHOWN):
        assert f"{D['gap'][i, SEED]:.2f}" in scene.fit_panel_titles[k].text


@pytest.mark.parametrize("k", [0, 1])
@pytest.mark.parametrize("which, key", [("trained_curves", "f_trained"), ("kernel_pred_curves", "f_kernel")])
def test_fit_curves_map_back_to_the_arrays(scene, k, which, key):
    assert_curve_is_the_shown_column(scene.fit_axes[k], getattr(scene, which)[k], key, k)


@pytest.mark.parametrize("k", [0, 1])
def test_training_dots_sit_on_the_training_points(scene, k):
    xs, ys = points_data(scene.fit_axes[k], [dot.get_center() for dot in scene.train_dots[k]])
    xt, yt = S.train_data()
    np.testing.assert_allclose(xs, xt, atol=1e-6)
    np.testing.assert_allclose(ys, (yt - S.y_shift) / S.y_scale, atol=1e-6)
    np.testing.assert_allclose(ys, D["train_y"], atol=1e-6)


def test_everything_inside_the_frame(scene):
    assert_inside_frame(scene.mobjects, whole=True)
    # Also the pictures of the earlier steps, which are no longer on screen at the end.
    earlier = [*scene.panel_axes, *scene.before_curves, *scene.after_curves, *scene.kernel_panel_titles,
               scene.kernel_legend, scene.loglog_axes, scene.loglog_labels, scene.change_dots,
               scene.seed_dots, scene.fit_line, scene.slope_label, *scene.fit_axes, *scene.fit_panel_titles,
               scene.fit_legend]
    assert_inside_frame(earlier, whole=True)
