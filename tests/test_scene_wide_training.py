"""The "wide networks during training" scene draws the numbers it is given: the kernel column over
the training steps (narrow and wide net, purple → orange), the column's change it prints read off
the drawn curves, the relative change of the whole kernel matrix against width on log–log axes with
its least-squares line, and the trained networks next to the kernel regression of their initial
NTK, with the distances it prints read off the drawn curves.  Built with the SMALL wide settings
of conftest; the numbers themselves are checked in test_wide_experiments.py."""

import numpy as np
import pytest
from manim import ManimColor

import rbf_by_hand as hand
from scene_helpers import (assert_inside_frame, assert_least_squares_line, caption_of, caption_texts,
                           curve_anchors, numbers_in, points_data, step_of)
from scenes.base import text_parts

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
    assert int(D["drawn_seed"]) == SEED == scene.seed
    axes = (scene.panel_axes if key.startswith("k_") else scene.fit_axes)[k]
    xs, ys = curve_anchors(axes, getattr(scene, which)[k])
    np.testing.assert_allclose(xs, D["x"], atol=1e-6)
    np.testing.assert_allclose(ys, D[key][scene.shown[k], SEED], atol=1e-6)


@pytest.mark.parametrize("k", [0, 1])
def test_kernel_over_training_steps_maps_back_and_runs_purple_to_orange(scene, D, k):
    curves = scene.step_curves[k]
    assert len(curves) == len(D["snap_steps"])
    for j, curve in enumerate(curves):
        xs, ys = curve_anchors(scene.panel_axes[k], curve)
        np.testing.assert_allclose(xs, D["x"], atol=1e-6)
        np.testing.assert_allclose(ys, D["k_steps"][scene.shown[k], j], atol=1e-6)
    # before (t = 0) is purple, after (the last step) orange, every step in between a step further
    # along the training ramp, in proportion to its step number
    colors = [c.get_stroke_color().to_hex().upper() for c in curves]
    assert colors[0] == scene.theme.kernel_start.upper() and colors[-1] == scene.theme.kernel_end.upper()
    rgb = np.array([ManimColor(c).to_rgb() for c in colors])
    start, end = rgb[0], rgb[-1]
    along = (rgb - start) @ (end - start) / np.dot(end - start, end - start)
    np.testing.assert_allclose(along, D["snap_steps"] / D["snap_steps"][-1], atol=0.01)


def test_panel_titles_print_the_change_of_the_drawn_column(scene, D):
    # The number on screen describes the picture: ‖after − before‖/‖before‖ of the two drawn
    # curves, read back off the screen (anchors on the grid).
    for k, i in enumerate(scene.shown):
        _, before = curve_anchors(scene.panel_axes[k], scene.before_curves[k])
        _, after = curve_anchors(scene.panel_axes[k], scene.after_curves[k])
        change = np.linalg.norm(after - before) / np.linalg.norm(before)
        title = scene.change_titles[k].original_text
        width, pct = numbers_in(title)
        assert width == D["widths"][i]
        # printed as a whole percent from 10 % up, with one decimal below
        half_unit = 0.5 if pct >= 10 else 0.05
        assert 100 * change == pytest.approx(pct, abs=half_unit + 1e-6)
        said = [t for t in caption_texts(scene) if "changed by" in t]
        assert said == [caption_of(scene, "column_change")] and f"{title.split('by ')[1]} at width {int(D['widths'][i])}" in said[0]


def test_the_training_data_are_said_exactly(scene, wide_data):
    # One data point is the post's observation; the others are Example 4's f, at the x given.
    xt = [x for x in wide_data.wide.train_x if x != hand.X_OBS]
    said = [t for t in caption_texts(scene) if t.startswith("Training data")]
    assert said == [caption_of(scene, "data")]
    text = said[0].replace("\n", " ")
    assert f"the post's observation ({hand.X_OBS:g}, {hand.Y_OBS:g})" in text
    assert "Example 4's f at x = " + ", ".join(f"{x:g}" for x in xt[:-1]).replace("-", "−") + \
        f" and {xt[-1]:g}".replace("-", "−") in text


def test_every_axis_is_named_and_the_log_log_panel_says_it_is_the_whole_matrix(scene):
    def words(mob):
        return [getattr(m, "original_text", None) or getattr(m, "tex_string", "") for m in text_parts(mob)]
    for names in [*scene.kernel_axis_names, *scene.fit_axis_names]:
        x_name, y_name = names
        assert words(x_name) == ["x"] and words(y_name)[0] in ("k_t(x, 10)", "f(x)")
    kernel_y = words(scene.kernel_axis_names[0][1])
    assert kernel_y == ["k_t(x, 10)", "raw, not normalized"]
    loglog = words(scene.loglog_labels)
    assert "width" in loglog and any("whole kernel matrix" in w for w in loglog)
    assert any(r"\|k_T - k_0\|_F" in w for w in loglog)


def test_colours_keep_their_meaning(scene):
    # width: the teal ramp (panel titles, log-log dots); the kernel regression with k_0 is the
    # kernel before training (purple); the trained network is black like f.
    W = len(scene.widths)
    for k, i in enumerate(scene.shown):
        for title in (scene.kernel_panel_titles[k], scene.change_titles[k], scene.fit_panel_titles[k]):
            assert {c.get_fill_color().to_hex().upper() for c in title.submobjects} == {scene.theme.width_color(i, W).upper()}
        assert scene.kernel_pred_curves[k].get_stroke_color().to_hex().upper() == scene.theme.kernel_start.upper()
        assert scene.trained_curves[k].get_stroke_color().to_hex().upper() == scene.theme.dot.upper()
    for i, ring in enumerate(scene.change_dots):
        assert ring.get_stroke_color().to_hex().upper() == scene.theme.width_color(i, W).upper()
    # (no infinite-width NTK is drawn here: its green would say Θ)
    drawn = [*scene.mobjects, *[c for curves in scene.step_curves for c in curves], *scene.obs_markers,
             scene.loglog_axes, scene.loglog_labels, scene.change_dots, scene.seed_dots, scene.fit_line]
    assert scene.theme.ntk_exact.upper() not in {m.get_stroke_color().to_hex().upper()
                                                 for top in drawn for m in top.get_family() if m.has_points()}


def test_title_card_bridges_and_every_step_is_narrated(scene):
    assert "stops moving during training" in step_of(scene, "title").caption
    for step in scene.steps:
        assert step.narration and step.narration != step.caption, step.id


def test_change_and_seed_dots_map_back(scene, D):
    ax = scene.loglog_axes
    W, S = D["rel_change"].shape
    xs, ys = points_data(ax, [dot.get_center() for dot in scene.change_dots])
    np.testing.assert_allclose(xs, np.log10(D["widths"]), atol=1e-6)
    np.testing.assert_allclose(10 ** ys, D["rel_change"].mean(axis=1), rtol=1e-5)   # big dots: seed means
    xs, ys = points_data(ax, [dot.get_center() for dot in scene.seed_dots])
    np.testing.assert_allclose(ys, np.log10(D["rel_change"]).ravel(), atol=1e-6)
    # the seeds of one width side by side around it (never hidden under each other), within a
    # third of the distance to the next width
    xs = xs.reshape(W, S)
    np.testing.assert_allclose(xs.mean(axis=1), np.log10(D["widths"]), atol=1e-6)
    if S > 1:
        assert np.all(np.diff(xs, axis=1) > 0)
        # every seed dot visible: the mean is a hollow ring, and no two seed dots overlap
        assert all(ring.get_fill_opacity() == 0 for ring in scene.change_dots)
        centres = np.array([dot.get_center() for dot in scene.seed_dots]).reshape(W, S, 3)
        radius = scene.seed_dots[0].width / 2
        assert np.all(np.diff(centres[:, :, 0], axis=1) > 2 * radius)
        assert np.all(np.abs(xs - np.log10(D["widths"])[:, None]) < np.diff(np.log10(D["widths"])).min() / 3)


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
        _, this_seed, S, mean = numbers_in(scene.fit_panel_titles[k].original_text)
        assert rms == pytest.approx(this_seed, abs=0.005 + 1e-6)
        # … and the mean over the seeds, recomputed from every seed's curves
        i = scene.shown[k]
        gaps = np.sqrt(((D["f_trained"][i] - D["f_kernel"][i]) ** 2).mean(axis=1))
        assert S == len(gaps) and gaps.mean() == pytest.approx(mean, abs=0.005 + 1e-6)


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
    earlier = [*scene.panel_axes, *[c for curves in scene.step_curves for c in curves], *scene.kernel_panel_titles,
               *scene.change_titles, *scene.kernel_axis_names, *scene.obs_markers, scene.kernel_legend,
               scene.loglog_axes, scene.loglog_labels, scene.change_dots, scene.seed_dots, scene.fit_line,
               scene.slope_label, *scene.fit_axes, *scene.fit_axis_names, *scene.fit_panel_titles,
               scene.fit_legend, scene.kernel_formula, scene.data_axes, scene.data_left, scene.data_right,
               scene.data_dots, scene.data_cross, scene.col_formula]
    assert_inside_frame(earlier, whole=True)


def test_the_training_data_are_drawn_in_both_units(scene, wide_data, D):
    # The 5 points in the data panel: at (x, (y − shift)/scale), the observation also marked by the
    # blue cross; the left numbers are y, the right ones (y − shift)/scale at the same height.
    s = wide_data.wide
    xt = np.asarray(s.train_x)
    yt = np.where(xt == hand.X_OBS, hand.Y_OBS, hand.f(hand.THETA0, xt))
    xs, ys = points_data(scene.data_axes, [dot.get_center() for dot in scene.data_dots])
    np.testing.assert_allclose(xs, xt, atol=1e-6)
    np.testing.assert_allclose(ys, (yt - s.y_shift) / s.y_scale, atol=1e-6)
    (cx,), (cy,) = points_data(scene.data_axes, [scene.data_cross[0].get_center()])
    assert (cx, cy) == pytest.approx((hand.X_OBS, (hand.Y_OBS - s.y_shift) / s.y_scale), abs=1e-6)
    left, right = scene.data_left[0], scene.data_right[1]
    assert len(left) == len(right) >= 2
    for a, b in zip(left, right):
        (_, ya), (_, yb) = (points_data(scene.data_axes, [m.get_center()]) for m in (a, b))
        assert ya[0] == pytest.approx(yb[0], abs=0.02)
        assert numbers_in(a.original_text)[0] == pytest.approx(s.y_shift + s.y_scale * ya[0], abs=0.2)
        assert numbers_in(b.original_text)[0] == pytest.approx(ya[0], abs=0.02)
    said = [t for t in caption_texts(scene) if "fit (y − " in t]
    assert said == [caption_of(scene, "targets")] and f"(y − {s.y_shift:g})/{s.y_scale:g}" in said[0]
    lo, hi = numbers_in(said[0].split("from")[1])
    assert lo == pytest.approx(D["train_y"].min(), abs=0.005) and hi == pytest.approx(D["train_y"].max(), abs=0.005)


def test_time_is_eta_times_steps_and_T_is_defined(scene, wide_data):
    # t = η·step, as in the kernel GD chapters: the last step's time T printed where k_T is used
    s = wide_data.wide
    T = f"T = η·{s.steps} = {s.lr * s.steps:g}"
    said = [t for t in caption_texts(scene) if "Gradient descent" in t]
    assert said == [caption_of(scene, "training")] and f"step {s.steps} (t = η·{s.steps} = {s.lr * s.steps:g})" in said[0]
    assert f"η = {s.lr:g}" in said[0]

    def words(mob):
        return [getattr(m, "original_text", None) or getattr(m, "tex_string", "") for m in text_parts(mob)]
    assert any(T in w for w in words(scene.col_formula)) and any(T in w for w in words(scene.loglog_labels))
    assert any("Frobenius" in w for w in words(scene.loglog_labels))
    assert any(r"\|k_T(\cdot, 10) - k_0(\cdot, 10)\|" in w for w in words(scene.col_formula))


def test_the_slope_note_holds(scene, D):
    # "between −½ and −1: a finite-width result" appears only when the fitted slope is between them
    slope = float(D["rel_change_slope"])
    assert hasattr(scene, "slope_note") == (-1.0 < slope < -0.5)
    # … with the step that says why (theory's two rates)
    assert ("theory" in [s.key for s in scene.steps]) == (-1.0 < slope < -0.5)
