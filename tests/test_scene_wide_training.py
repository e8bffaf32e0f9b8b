"""The "wide networks during training" scene draws the numbers it is given: the red arrows of one
gradient step at x′ per unit of error, η·k(x, x′), on a narrow and a wide network before and after
training (recomputed here for the narrow one by the Jacobian route and a gradient descent by hand),
the change it prints read off the drawn arrows, the typical random start it picks, the change of the
whole kernel matrix against width on log–log axes with its least-squares line, and the trained
networks next to the kernel regression of their initial NTK, with the distances it prints read off
the drawn curves.  Built with the SMALL wide settings of conftest; the numbers themselves are checked
in test_wide_experiments.py."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from manim import ManimColor

import rbf_by_hand as hand
from scene_helpers import (arrow_data, assert_inside_frame, assert_least_squares_line, caption_of,
                           curve_anchors, numbers_in, points_data, step_of)
from scenes.base import text_parts


@pytest.fixture(scope="module")
def D(wide_data):
    return wide_data["training_change"]


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("wide_training")


def drawn_arrows(axes, arrows):
    """``(x, y_start, y_end)`` of each arrow of a dict, read back through ``axes``."""
    out = np.array([arrow_data(None, axes, a) for _, a in sorted(arrows.items())])
    np.testing.assert_allclose(out[:, 0], out[:, 1], atol=1e-9)      # vertical
    return out[:, 0], out[:, 2], out[:, 3]


def words(mob):
    return [getattr(m, "original_text", None) or getattr(m, "tex_string", "") for m in text_parts(mob)]


# --------------------------------------------------------------------------- which networks


def test_the_panels_show_the_narrowest_and_the_widest_net(scene, wide_data, D):
    assert scene.wide == wide_data.wide
    assert len(scene.panel_axes) == len(scene.arrows_before) == len(scene.arrows_after) == 2
    assert [int(D["widths"][i]) for i in scene.shown] == [min(wide_data.wide.train_widths),
                                                         max(wide_data.wide.train_widths)]


def test_each_panel_draws_the_typical_random_start(scene, D):
    # honest picks: at each width the random start whose change (the statistic the panel prints) is
    # the median of that width's starts (the lower middle one for an even count)
    for k, i in enumerate(scene.shown):
        changes = D["col_change"][i]
        median = np.sort(changes)[(len(changes) - 1) // 2]
        assert changes[scene.seeds[k]] == median
    assert numbers_in(scene.measure.original_text) == [D["col_change"].shape[1]]   # "… median of S …"


# --------------------------------------------------------------------------- the red arrows


@pytest.mark.parametrize("k", [0, 1])
@pytest.mark.parametrize("when, key", [("before", "k_before"), ("after", "k_after")])
def test_the_arrows_are_eta_times_the_kernel_column(scene, wide_data, D, k, when, key):
    # every grid point has an arrow from (x, 0) to (x, η·k(x, x′)) of the drawn network, before and
    # after training; the lines through their tips are purple (before) and orange (after)
    axes = scene.panel_axes[k]
    xs, y0, y1 = drawn_arrows(axes, getattr(scene, f"arrows_{when}")[k])
    np.testing.assert_allclose(xs, D["x"], atol=1e-6)
    np.testing.assert_allclose(y0, 0.0, atol=1e-6)
    expected = wide_data.wide.lr * D[key][scene.shown[k], scene.seeds[k]]
    np.testing.assert_allclose(y1, expected, atol=1e-6)
    tips = getattr(scene, f"tips_{when}")[k]
    txs, tys = points_data(axes, tips.get_anchors())
    np.testing.assert_allclose(np.unique(np.round(txs, 6)), D["x"], atol=1e-6)
    for x, y in zip(txs, tys):
        assert y == pytest.approx(expected[np.argmin(np.abs(D["x"] - x))], abs=1e-6)
    colour = scene.theme.kernel_start if when == "before" else scene.theme.kernel_end
    assert tips.get_stroke_color().to_hex().upper() == colour.upper()
    assert {a.get_stroke_color().to_hex().upper() for a in getattr(scene, f"arrows_{when}")[k].values()} == \
        {scene.theme.arrow.upper()}


@pytest.mark.parametrize("k", [0, 1])
def test_the_arrows_by_an_independent_route(scene, wide_data, D, k):
    # Each drawn network (narrow and wide), recomputed here: its initial parameters, η·k₀(x, x′) by
    # the Jacobian contraction (ntkcore.ntk, not the structured route the experiment uses), and its
    # parameters after gradient descent written out by hand (p ← p − η ∇ ½ Σ (f − y)²): η·k after
    # training.
    import ntkcore
    from ntkcore import wide
    from ntkcore.wide_experiments import training_init
    s = wide_data.wide
    i, seed = scene.shown[k], scene.seeds[k]
    arch = s.arch
    p = training_init(int(D["widths"][i]), seed, arch)
    x, xp = jnp.asarray(s.inputs(s.grid)), jnp.asarray(s.inputs([s.x_obs]))
    f = lambda params, v: wide.apply(params, v, arch)    # noqa: E731
    _, _, before = drawn_arrows(scene.panel_axes[k], scene.arrows_before[k])
    np.testing.assert_allclose(before, s.lr * np.asarray(ntkcore.ntk(f, p, x, xp))[:, 0], atol=1e-6)
    xt = jnp.asarray(s.inputs(D["train_x"]))
    yt = jnp.asarray(D["train_y"])
    grad = jax.jit(jax.grad(lambda q: 0.5 * jnp.sum((wide.apply_batch(q, xt, arch) - yt) ** 2)))
    for _ in range(s.steps):
        p = jax.tree_util.tree_map(lambda a, b: a - s.lr * b, p, grad(p))
    _, _, after = drawn_arrows(scene.panel_axes[k], scene.arrows_after[k])
    np.testing.assert_allclose(after, s.lr * np.asarray(ntkcore.ntk(f, p, x, xp))[:, 0], atol=1e-6)


def test_the_change_printed_is_the_change_of_the_drawn_arrows(scene, D):
    # ‖after − before‖/‖before‖ over all arrows, read back off the screen
    for k, i in enumerate(scene.shown):
        _, _, before = drawn_arrows(scene.panel_axes[k], scene.arrows_before[k])
        _, _, after = drawn_arrows(scene.panel_axes[k], scene.arrows_after[k])
        change = np.linalg.norm(after - before) / np.linalg.norm(before)
        width, pct = numbers_in(scene.change_titles[k][0].original_text)
        assert width == D["widths"][i]
        half_unit = 0.5 if pct >= 10 else 0.05      # whole percents from 10 % up, one decimal below
        assert 100 * change == pytest.approx(pct, abs=half_unit + 1e-6)


def test_the_kernel_does_not_move_as_said(scene):
    # "the narrow network's arrows changed shape; the wide one's stayed put" (the default wording)
    # only when the drawn wide arrows changed by under 10 %, and by under a third of the narrow ones'
    changes = []
    for k in range(2):
        _, _, before = drawn_arrows(scene.panel_axes[k], scene.arrows_before[k])
        _, _, after = drawn_arrows(scene.panel_axes[k], scene.arrows_after[k])
        changes.append(np.linalg.norm(after - before) / np.linalg.norm(before))
    stays = changes[1] < 0.1 and changes[1] < changes[0] / 3
    assert (step_of(scene, "column_change").variant is None) == stays


def test_time_is_eta_times_steps(scene, wide_data):
    # t = η·n: the training caption states the steps and the time they reach; the legend the same time
    s = wide_data.wide
    assert numbers_in(caption_of(scene, "training")) == [s.steps, pytest.approx(s.lr * s.steps)]
    assert numbers_in(scene.tip_legend[1][1].original_text) == [pytest.approx(s.lr * s.steps)]


def test_the_y_axis_names_eta_times_the_kernel_column(scene, wide_data):
    for names in scene.panel_names:
        x_name, y_name = names
        assert words(x_name) == ["x"]
        assert words(y_name) == [rf"\eta\, k(x, {wide_data.wide.x_obs:g})"]


# --------------------------------------------------------------------------- the confirmation


def test_change_and_seed_dots_map_back(scene, D):
    ax = scene.loglog_axes
    W, S = D["rel_change"].shape
    xs, ys = points_data(ax, [dot.get_center() for dot in scene.change_dots])
    np.testing.assert_allclose(xs, np.log10(D["widths"]), atol=1e-6)
    np.testing.assert_allclose(10 ** ys, D["rel_change"].mean(axis=1), rtol=1e-5)   # rings: seed means
    xs, ys = points_data(ax, [dot.get_center() for dot in scene.seed_dots])
    np.testing.assert_allclose(ys, np.log10(D["rel_change"]).ravel(), atol=1e-6)
    # the seeds of one width side by side around it (never hidden under each other), within a
    # third of the distance to the next width
    xs = xs.reshape(W, S)
    np.testing.assert_allclose(xs.mean(axis=1), np.log10(D["widths"]), atol=1e-6)
    if S > 1:
        assert np.all(np.diff(xs, axis=1) > 0)
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
    assert numbers_in(caption_of(scene, "whole_matrix"))[0] == pytest.approx(slope, abs=0.005 + 1e-9)


# --------------------------------------------------------------------------- the lesson


@pytest.mark.parametrize("k", [0, 1])
@pytest.mark.parametrize("which, key", [("trained_curves", "f_trained"), ("kernel_pred_curves", "f_kernel")])
def test_fit_curves_map_back_to_the_drawn_networks(scene, D, k, which, key):
    xs, ys = curve_anchors(scene.fit_axes[k], getattr(scene, which)[k])
    np.testing.assert_allclose(xs, D["x"], atol=1e-6)
    np.testing.assert_allclose(ys, D[key][scene.shown[k], scene.seeds[k]], atol=1e-6)


def test_printed_distances_are_the_rms_distance_of_the_drawn_curves(scene):
    for k in range(2):
        _, trained = curve_anchors(scene.fit_axes[k], scene.trained_curves[k])
        _, kernel = curve_anchors(scene.fit_axes[k], scene.kernel_pred_curves[k])
        rms = np.sqrt(np.mean((trained - kernel) ** 2))
        assert numbers_in(scene.gap_titles[k][1].original_text)[0] == pytest.approx(rms, abs=0.005 + 1e-6)


def test_the_lesson_holds_on_the_drawn_networks(scene):
    # "the wide one trains like kernel regression with its initial kernel" (the default wording)
    # only when the wide network's drawn curve is the closer one to its kernel regression
    gaps = []
    for k in range(2):
        _, trained = curve_anchors(scene.fit_axes[k], scene.trained_curves[k])
        _, kernel = curve_anchors(scene.fit_axes[k], scene.kernel_pred_curves[k])
        gaps.append(np.sqrt(np.mean((trained - kernel) ** 2)))
    trained = step_of(scene, "trained")
    assert scene.steps[-1].key == "trained"
    assert (trained.variant is None) == (gaps[1] < gaps[0])


def test_the_lesson_is_the_arrows_staying_put(scene):
    # the chapter's lesson is the red arrows of the wide network keeping their shape ("the kernel
    # does not move"); what follows from it (kernel regression) is not the lesson
    assert [s.key for s in scene.steps if s.lesson] == ["column_change"]
    keys = [s.key for s in scene.steps]
    assert keys.index("column_change") < keys.index("whole_matrix")     # mechanism first, statistic after


def test_the_kernel_regression_line_is_seen(scene):
    # translucent, but at least 3:1 against the background after its opacity
    from scenes.colour import contrast_ratio, hex_to_rgb, rgb_to_hex
    bg = scene.theme.background
    for curve in scene.kernel_pred_curves:
        a = curve.get_stroke_opacity()
        mixed = rgb_to_hex(a * hex_to_rgb(curve.get_stroke_color().to_hex()) + (1 - a) * hex_to_rgb(bg))
        assert a < 1 and contrast_ratio(mixed, bg) >= 3.0


@pytest.mark.parametrize("k", [0, 1])
def test_training_points_sit_on_the_post_s_data(scene, wide_data, k):
    # Example 4's starting function at train_x (by hand), the observation (10, 50) itself at x = 10
    # (the blue cross), scaled as (y − y_shift) / y_scale.
    s = wide_data.wide
    xt = np.asarray(s.train_x)
    yt = np.where(xt == hand.X_OBS, hand.Y_OBS, hand.f(hand.THETA0, xt))
    obs = xt == hand.X_OBS
    xs, ys = points_data(scene.fit_axes[k], [dot.get_center() for dot in scene.train_dots[k]])
    np.testing.assert_allclose(xs, xt[~obs], atol=1e-6)
    np.testing.assert_allclose(ys, (yt[~obs] - s.y_shift) / s.y_scale, atol=1e-6)
    (cx,), (cy,) = points_data(scene.fit_axes[k], [scene.train_cross[k][0].get_center()])
    assert (cx, cy) == pytest.approx((hand.X_OBS, (hand.Y_OBS - s.y_shift) / s.y_scale), abs=1e-6)


# --------------------------------------------------------------------------- the data, the colours, the frame


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
    assert numbers_in(scene.data_right[2].original_text) == [pytest.approx(s.y_shift), pytest.approx(s.y_scale)]
    assert numbers_in(step_of(scene, "data").narration)[:2] == [hand.X_OBS, hand.Y_OBS]


def test_colours_keep_their_meaning(scene):
    # width: the teal ramp (panel titles, log-log dots and labels); the kernel regression with k₀ is
    # the kernel before training (purple); the trained network is black like f; the arrows red.
    W = len(scene.widths)
    for k, i in enumerate(scene.shown):
        for title in (scene.change_titles[k][0], scene.gap_titles[k][0]):
            assert {c.get_fill_color().to_hex().upper() for c in title.submobjects} == \
                {scene.theme.width_color(i, W).upper()}
        assert scene.kernel_pred_curves[k].get_stroke_color().to_hex().upper() == scene.theme.kernel_start.upper()
        assert scene.trained_curves[k].get_stroke_color().to_hex().upper() == scene.theme.dot.upper()
    for i, ring in enumerate(scene.change_dots):
        assert ring.get_stroke_color().to_hex().upper() == scene.theme.width_color(i, W).upper()
    # (no infinite-width NTK is drawn here: its green would say Θ)
    drawn = [*scene.mobjects, *scene.panel_axes, *scene.tips_before, *scene.tips_after, scene.loglog_axes,
             scene.loglog_labels, scene.change_dots, scene.seed_dots, scene.fit_line]
    assert scene.theme.ntk_exact.upper() not in {m.get_stroke_color().to_hex().upper()
                                                 for top in drawn for m in top.get_family() if m.has_points()}


def test_title_card_bridges_and_every_step_is_narrated(scene):
    assert step_of(scene, "title").caption.startswith("Wide networks during training")
    for step in scene.steps:
        assert step.narration and step.narration != step.caption, step.id


def test_everything_inside_the_frame(scene):
    assert_inside_frame(scene.mobjects, whole=True)
    # Also the pictures of the earlier steps, which are no longer on screen at the end.
    earlier = [*scene.panel_axes, *scene.panel_names, *scene.obs_markers, *scene.tips_before, *scene.tips_after,
               *[a for arrows in scene.arrows_after for a in arrows.values()], *scene.change_titles,
               scene.tip_legend, scene.measure, scene.loglog_axes, scene.loglog_labels, scene.change_dots,
               scene.seed_dots, scene.fit_line, scene.slope_label, *scene.fit_axes, *scene.fit_names,
               *scene.gap_titles, scene.fit_legend, scene.data_axes, scene.data_left, scene.data_right,
               scene.data_dots, scene.data_cross]
    assert_inside_frame(earlier, whole=True)


def test_the_frames_read_what_is_drawn(scene):
    # each panel's frame (the x and y axis lines with their numbers) lies where its data land: a
    # panel moved into the title-safe area moves its coordinates with it (framed axes must be rebuilt,
    # never shifted, or every curve would sit off its tick numbers)
    for axes in [*scene.panel_axes, *scene.fit_axes, scene.data_axes, scene.loglog_axes]:
        (x_lo, x_hi), (y_lo, y_hi) = axes.x_range[:2], axes.y_range[:2]
        np.testing.assert_allclose(axes.c2p(x_lo, y_lo), axes.frame_x.n2p(x_lo), atol=1e-6)
        np.testing.assert_allclose(axes.c2p(x_hi, y_lo), axes.frame_x.n2p(x_hi), atol=1e-6)
        np.testing.assert_allclose(axes.c2p(x_lo, y_hi), axes.frame_y.n2p(y_hi), atol=1e-6)
