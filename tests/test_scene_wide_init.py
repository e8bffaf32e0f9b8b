"""Chapter 7's scene draws the numbers it is given: the seed bands, the analytic NTK, the log-log
spread and its least-squares line; it announces the input map, the notation and the raw kernel
axis, and what it says about the bend at u = 0 holds on the drawn curve and on randomly drawn
units.  Built with the SMALL wide settings of conftest (through the runtime contract, as the
pipeline does); the numbers themselves are checked in test_wide_experiments.py."""

import re

import numpy as np
import pytest
from manim import ManimColor

from scene_helpers import (assert_inside_frame, assert_least_squares_line, caption_of, caption_texts,
                           curve_anchors, numbers_in, points_data, step_of)
from scenes.base import text_parts



@pytest.fixture(scope="module")
def D(wide_data):
    return wide_data["init_band"]


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("wide_init")


def all_points_data(axes, mob):
    """Data coordinates of every point (anchors and handles) of a mobject and its family."""
    pts = np.vstack([m.points for m in mob.get_family() if len(m.points)])
    return np.array([axes.p2c(p)[:2] for p in pts], dtype=float)



def test_the_chapter_draws_the_settings_it_was_given(scene, wide_data, D):
    s = wide_data.wide
    assert scene.wide == s
    np.testing.assert_array_equal(D["widths"], s.widths)
    assert D["curves"].shape == (len(s.widths), s.seeds, len(s.grid))


def test_analytic_curve_passes_through_the_infinite_width_ntk(scene, D):
    xs, ys = curve_anchors(scene.kernel_axes, scene.analytic_curve)
    np.testing.assert_allclose(xs, D["x"], atol=1e-6)
    np.testing.assert_allclose(ys, D["analytic_ntk"], atol=1e-6)
    assert scene.analytic_curve.get_stroke_color().to_hex().upper() == scene.theme.ntk_exact.upper()


def test_one_band_per_width_one_curve_per_seed(scene, D):
    W, S, _ = D["curves"].shape
    assert len(scene.bands) == len(scene.band_curves) == W
    for band, curves in zip(scene.bands, scene.band_curves):
        assert len(curves) == S and list(band.submobjects) == list(curves)


def test_band_curves_pass_through_the_empirical_ntk(scene, D):
    for i, curves in enumerate(scene.band_curves):
        for seed, curve in enumerate(curves):
            xs, ys = curve_anchors(scene.kernel_axes, curve)
            np.testing.assert_allclose(xs, D["x"], atol=1e-6)
            np.testing.assert_allclose(ys, D["curves"][i, seed], atol=1e-6)


def test_band_colours_run_along_the_width_ramp(scene):
    colors = [curves[0].get_stroke_color().to_hex().upper() for curves in scene.band_curves]
    assert colors[0] == scene.theme.width_narrow.upper() and colors[-1] == scene.theme.width_wide.upper()
    # from the narrowest to the widest, every colour a step further along the ramp
    rgb = np.array([ManimColor(c).to_rgb() for c in colors])
    start, end = rgb[0], rgb[-1]
    along = (rgb - start) @ (end - start) / np.dot(end - start, end - start)
    assert np.all(np.diff(along) > 0)


def test_spread_dots_are_coloured_like_their_band(scene):
    for dot, curves in zip(scene.spread_dots, scene.band_curves):
        assert dot.get_fill_color().to_hex().upper() == curves[0].get_stroke_color().to_hex().upper()


def test_drawn_band_narrows_from_the_narrowest_to_the_widest(scene):
    # max − min over seeds of the curves as drawn, averaged over x
    drawn = np.array([[curve_anchors(scene.kernel_axes, c)[1] for c in curves] for curves in scene.band_curves])
    band_width = (drawn.max(axis=1) - drawn.min(axis=1)).mean(axis=1)
    assert band_width[-1] < band_width[0]


def test_no_curve_leaves_the_kernel_plot(scene):
    (x_lo, x_hi), (y_lo, y_hi) = scene.kernel_axes.x_range[:2], scene.kernel_axes.y_range[:2]
    for mob in [scene.analytic_curve, *scene.bands]:
        xy = all_points_data(scene.kernel_axes, mob)   # handles too: a Bézier stays in their hull
        assert np.all(xy[:, 0] >= x_lo - 1e-9) and np.all(xy[:, 0] <= x_hi + 1e-9)
        assert np.all(xy[:, 1] >= y_lo - 1e-9) and np.all(xy[:, 1] <= y_hi + 1e-9)


def test_the_band_on_screen_at_the_end_is_the_widest(scene):
    np.testing.assert_allclose(scene.band_display.get_all_points(), scene.bands[-1].get_all_points(), atol=1e-9)
    assert scene.band_display in scene.mobjects
    # Θ is drawn dashed, in its colour, on top of the band, on a solid background-coloured line
    # slightly wider than the dashes
    order = scene.mobjects.index
    assert order(scene.analytic_dashed) > order(scene.analytic_base) > order(scene.band_display)
    assert scene.analytic_base.get_stroke_color().to_hex().upper() == scene.theme.background.upper()
    assert scene.analytic_base.get_stroke_width() > max(d.get_stroke_width() for d in scene.analytic_dashed)
    np.testing.assert_allclose(scene.analytic_base.points, scene.analytic_curve.points, atol=1e-12)
    assert {d.get_stroke_color().to_hex().upper() for d in scene.analytic_dashed} == {scene.theme.ntk_exact.upper()}


def test_the_dashes_lie_on_the_analytic_curve(scene):
    # every dash's anchors lie on the smooth curve through (x, Θ(x, 10)) (sampled finely), and the
    # dashes leave gaps (the band shows through)
    pts = scene.analytic_curve.points.reshape(-1, 4, 3)               # cubic Bézier segments
    t = np.linspace(0, 1, 200)[:, None]
    basis = np.stack([(1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3])   # (4, 200, 1)
    ref = np.einsum("kti,skj->stj", basis, pts).reshape(-1, 3)          # every segment at 200 t's
    dashes = list(scene.analytic_dashed)
    assert len(dashes) >= 20
    for dash in dashes:
        for p in dash.points[::3]:
            assert np.min(np.linalg.norm(ref - p, axis=1)) < 2e-3
    drawn = sum(d.get_arc_length() for d in dashes)
    assert 0.3 < drawn / scene.analytic_curve.get_arc_length() < 0.8


def test_spread_dots_map_back_to_log_width_and_log_spread(scene, D):
    xs, ys = points_data(scene.loglog_axes, [dot.get_center() for dot in scene.spread_dots])
    np.testing.assert_allclose(xs, np.log10(D["widths"]), atol=1e-6)
    np.testing.assert_allclose(ys, np.log10(D["spread"]), atol=1e-6)


def test_width_labels_sit_under_their_dots(scene, D):
    x_labels = scene.loglog_axes.tick_labels[0]
    assert [m.text for m in x_labels] == [str(int(w)) for w in D["widths"]]
    for w, lab in zip(D["widths"], x_labels):
        assert scene.loglog_axes.p2c(lab.get_center())[0] == pytest.approx(np.log10(w), abs=1e-6)


def test_line_is_the_least_squares_line_of_the_dots_and_its_slope_is_printed(scene):
    ax = scene.loglog_axes
    xs, ys = points_data(ax, [dot.get_center() for dot in scene.spread_dots])
    (x0, x1), (y0, y1) = points_data(ax, [scene.fit_line.get_start(), scene.fit_line.get_end()])
    assert (x0, x1) == pytest.approx((xs[0], xs[-1]), abs=1e-6)   # from the narrowest to the widest
    slope = assert_least_squares_line(xs, ys, (x0, y0), (x1, y1))
    # the caption prints the slope of the data (natural logs); the line was fitted in log10
    # coordinates: the same slope, computed twice, must agree to the printed 2 decimals
    said = [t for t in caption_texts(scene) if "line of slope" in t]
    assert said == [caption_of(scene, "slope")] and numbers_in(said[0])[0] == pytest.approx(slope, abs=0.005 + 1e-9)


def test_everything_inside_the_frame(scene):
    # Also every seed band, though only the widest is on screen at the end.
    assert_inside_frame(list(scene.mobjects) + list(scene.bands), whole=True)


# --------------------------------------------------------------------------- what the chapter says


def captions_with(scene, *words):
    return [t for t in caption_texts(scene) if all(w in t for w in words)]


def test_title_card_bridges_from_example_5_and_every_step_is_narrated(scene):
    first = step_of(scene, "title")
    assert "Example 5's kernel moved" in first.caption and "neither depends on the random start nor moves" in \
        first.caption.replace("\n", " ")
    for step in scene.steps:
        assert step.narration and step.narration != step.caption, step.id


def test_the_input_map_is_announced_and_drawn(scene, wide_data):
    # u = 2(x − lo)/(hi − lo) − 1, derived here from the grid's range: the caption states it with
    # the numbers of the settings, and the u row under the x axis puts u = −1, 0, 1 under the x
    # that the map sends there.
    lo, hi = wide_data.wide.x_range
    said = captions_with(scene, "u = 2(x + ")
    assert said == [caption_of(scene, "input")] and f"u = 2(x + {-lo})/{hi - lo} − 1" in said[0]
    centre = (lo + hi) / 2
    assert f"u = 0 at x = {centre:g}" in said[0]
    *values, name = scene.u_row
    assert [v.original_text for v in values] == ["−1", "0", "1"] and name.tex_string == "u"
    for v, x in zip(values, (lo, centre, hi)):
        assert scene.kernel_axes.p2c(v.get_center())[0] == pytest.approx(x, abs=1e-6)
        assert v.get_top()[1] < scene.kernel_axes.frame_x.numbers.get_bottom()[1]   # under the x numbers


def test_notation_and_the_raw_kernel_axis_are_announced(scene):
    said = captions_with(scene, "k: one network's NTK", "Θ: the infinite-width NTK")
    assert said == [caption_of(scene, "notation")] and "not normalized" in said[0]
    words = [getattr(m, "original_text", None) or getattr(m, "tex_string", "")
             for top in scene.mobjects for m in text_parts(top)]
    assert "raw, not normalized" in words and "k(x, 10)" in words   # the kernel axis's name
    assert "width" in words                                            # the log-log axes' names
    assert "spread: std over seeds of k(x, 10)," in words and "mean over x, ÷ mean of Θ(x, 10)" in words


def test_the_bend_at_u0_as_said_holds_on_the_drawn_curve(scene, D):
    # "Θ(x, 10) stays below A left of 5, reaches B right of it", read off the drawn green curve.
    said = captions_with(scene, "stays below")
    assert said == [caption_of(scene, "opposite_sides")]
    below, centre, reaches = numbers_in(said[0].split("stays below")[1])[:3]
    xs, ys = curve_anchors(scene.kernel_axes, scene.analytic_curve)
    assert centre == pytest.approx(5.0)
    left, right = xs < centre - 1e-6, xs > centre + 1e-6
    assert ys[left].max() < below <= ys[left].max() + 0.01
    assert ys[right].max() == pytest.approx(reaches, abs=0.005 + 1e-9)
    assert below < reaches / 5          # "small" on the far side


def test_the_shared_units_as_said_match_random_units(scene, wide_data):
    # "of the first-layer ReLUs firing at 10, on average P % also fire left of 5, Q % right of it":
    # count them in 400 000 random first-layer units (w·W·u + b·B, W, B ~ N(0, 1)), averaging the
    # share over the grid points on each side.  Bound: the printed rounding (whole percents) plus 4
    # binomial standard errors.
    s = wide_data.wide
    said = captions_with(scene, "first-layer ReLUs")
    assert said == [caption_of(scene, "shared_units")]
    far, near = [float(v) / 100 for v in re.findall(r"(\d+(?:\.\d+)?)%", said[0])]
    rng = np.random.default_rng(1)
    W, B = rng.standard_normal(400_000), rng.standard_normal(400_000)
    u = 2 * (s.grid - s.x_range[0]) / (s.x_range[1] - s.x_range[0]) - 1
    u_ref = 2 * (s.x_obs - s.x_range[0]) / (s.x_range[1] - s.x_range[0]) - 1
    on = s.w_std * W * u_ref + s.b_std * B > 0
    share = np.array([np.mean(s.w_std * W[on] * v + s.b_std * B[on] > 0) for v in u])
    err = 4 * np.sqrt(0.25 / on.sum())
    assert share[u < 0].mean() == pytest.approx(far, abs=0.005 + err)
    assert share[u > 0].mean() == pytest.approx(near, abs=0.005 + err)


def test_purple_and_orange_are_not_used_before_any_training(scene):
    # One meaning per colour: purple → orange is "over training steps" only, and nothing trains here.
    banned = {scene.theme.kernel_start.upper(), scene.theme.kernel_end.upper()}
    for mob in [*scene.mobjects, *scene.bands]:
        for part in mob.get_family():
            if part.has_points():
                assert part.get_stroke_color().to_hex().upper() not in banned, part
                assert part.get_fill_color().to_hex().upper() not in banned, part


def test_the_spread_axis_names_the_statistic_drawn(scene, D):
    # "std over seeds of k(x, 10), mean over x, ÷ mean of Θ(x, 10)", computed here from the drawn
    # band curves (read back off the screen) and the drawn Θ: the dots' heights
    drawn = np.array([[curve_anchors(scene.kernel_axes, c)[1] for c in curves] for curves in scene.band_curves])
    _, theta = curve_anchors(scene.kernel_axes, scene.analytic_curve)
    spread = drawn.std(axis=1, ddof=1).mean(axis=1) / np.abs(theta).mean()
    _, ys = points_data(scene.loglog_axes, [dot.get_center() for dot in scene.spread_dots])
    np.testing.assert_allclose(10 ** ys, spread, rtol=1e-5)


def test_the_widest_band_is_within_the_said_distance_of_theta(scene):
    # "even the worst of the S kernels stays within A of Θ (P% of its largest value, M); the typical
    # spread (right) is T%", read off the drawn curves and the right panel's last dot
    said = captions_with(scene, "stays within")
    assert said == [caption_of(scene, "worst_kernel")]
    width, S, A, P, M, T = numbers_in(said[0])
    _, log_spread = points_data(scene.loglog_axes, [scene.spread_dots[-1].get_center()])
    assert 100 * 10 ** log_spread[0] == pytest.approx(T, abs=0.05 + 1e-9)
    drawn = np.array([curve_anchors(scene.kernel_axes, c)[1] for c in scene.band_curves[-1]])
    _, theta = curve_anchors(scene.kernel_axes, scene.analytic_curve)
    dev = np.abs(drawn - theta).max()
    assert S == len(drawn) and dev == pytest.approx(A, abs=0.005 + 1e-9)
    assert np.abs(theta).max() == pytest.approx(M, abs=0.005 + 1e-9)
    assert 100 * dev / np.abs(theta).max() == pytest.approx(P, abs=0.5 + 0.05 + 1e-9)


def test_the_bend_counts_as_said(scene, D):
    # "Θ bends at x = 5 … At width W, N of S kernels k bend hardest at x = 4 … 6": the largest
    # second difference of each drawn curve, by hand
    said = captions_with(scene, "bend hardest")
    assert said == [caption_of(scene, "bend")]
    nums = numbers_in(said[0])
    xc, N, S = nums[0], nums[3], nums[4]
    assert "Θ bends at x = 5" in said[0] and xc == 5
    _, theta = curve_anchors(scene.kernel_axes, scene.analytic_curve)
    x = D["x"]
    assert x[1:-1][np.argmax(np.abs(theta[2:] - 2 * theta[1:-1] + theta[:-2]))] == xc
    count = 0
    for c in scene.band_curves[0]:
        _, k = curve_anchors(scene.kernel_axes, c)
        count += abs(x[1:-1][np.argmax(np.abs(k[2:] - 2 * k[1:-1] + k[:-2]))] - xc) <= 1
    assert (N, S) == (count, len(scene.band_curves[0]))


def test_the_bound_marks_sit_where_the_caption_says(scene, D):
    # the dashed segment at the far side's bound, the dot on Θ's largest value on the near side
    said = captions_with(scene, "stays below")[0]
    below, _, reaches = numbers_in(said.split("stays below")[1])[:3]
    (x0, x1), (y0, y1) = points_data(scene.kernel_axes, [scene.bound_segment.get_start(),
                                                         scene.bound_segment.get_end()])
    assert y0 == pytest.approx(below, abs=1e-6) and y1 == pytest.approx(below, abs=1e-6)
    (xd,), (yd,) = points_data(scene.kernel_axes, [scene.bound_dot.get_center()])
    assert yd == pytest.approx(reaches, abs=0.005 + 1e-9) and yd == pytest.approx(D["analytic_ntk"].max(), abs=1e-6)
