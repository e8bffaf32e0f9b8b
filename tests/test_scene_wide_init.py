"""Chapter 7's scene draws the numbers it is given: the seed bands, the analytic NTK, the log-log
spread and its least-squares line, the network's input on the unit circle; what its captions state
(Θ peaks at x′ and falls off on both sides because it depends on the angle alone, the widths, the
slope) holds on what is drawn.  Built with the SMALL wide settings of conftest (through the runtime
contract, as the pipeline does); the numbers themselves are checked in test_wide_experiments.py."""

import numpy as np
import pytest
from manim import ManimColor

from scene_helpers import (assert_inside_frame, assert_least_squares_line, caption_of,
                           curve_anchors, numbers_in, points_data, step_of)



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


def test_width_labels_sit_under_their_dots_in_their_colour(scene, D):
    x_labels = scene.loglog_axes.tick_labels[0]
    assert [m.text for m in x_labels] == [str(int(w)) for w in D["widths"]]
    for w, lab, dot in zip(D["widths"], x_labels, scene.spread_dots):
        assert scene.loglog_axes.p2c(lab.get_center())[0] == pytest.approx(np.log10(w), abs=1e-6)
        assert {c.get_fill_color().to_hex().upper() for c in lab.submobjects} == {dot.get_fill_color().to_hex().upper()}


def test_line_is_the_least_squares_line_of_the_dots_and_its_slope_is_printed(scene):
    ax = scene.loglog_axes
    xs, ys = points_data(ax, [dot.get_center() for dot in scene.spread_dots])
    (x0, x1), (y0, y1) = points_data(ax, [scene.fit_line.get_start(), scene.fit_line.get_end()])
    assert (x0, x1) == pytest.approx((xs[0], xs[-1]), abs=1e-6)   # from the narrowest to the widest
    slope = assert_least_squares_line(xs, ys, (x0, y0), (x1, y1))
    # the caption and the label print the slope of the data (natural logs); the line was fitted in
    # log10 coordinates: the same slope, computed twice, must agree to the printed 2 decimals
    assert numbers_in(caption_of(scene, "slope"))[0] == pytest.approx(slope, abs=0.005 + 1e-9)
    assert numbers_in(scene.slope_label.original_text)[0] == pytest.approx(slope, abs=0.005 + 1e-9)


def test_everything_inside_the_frame(scene):
    # Also every seed band, though only the widest is on screen at the end, and the network's card
    # and input circle of the first steps.
    assert_inside_frame(list(scene.mobjects) + list(scene.bands) + list(scene.circle.values()), whole=True)


# --------------------------------------------------------------------------- what the chapter says


def test_the_title_card_credits_the_theorems_and_every_step_is_narrated(scene):
    # the two facts are Jacot, Gabriel & Hongler's theorems (2018), which the post summarises: the
    # card says who proved them, never that the post merely claims them
    bridge = step_of(scene, "title").caption
    assert "Jacot" in bridge and 2018 in numbers_in(bridge) and "claim" not in bridge
    for step in scene.steps:
        assert step.narration and step.narration != step.caption, step.id


def test_the_input_is_the_point_on_the_unit_circle_ntkcore_feeds(scene, wide_data):
    # The dots on the circle: centre + radius·(cos a, sin a), a = π(x − lo)/(hi − lo) − π/2, computed
    # here from the grid's range (ntkcore's x_input is not read): from the bottom (x = lo) to the
    # top (x = hi); x′ marked at its own angle.
    lo, hi = wide_data.wide.x_range
    x = np.arange(lo, hi + 1.0)
    a = np.pi * (x - lo) / (hi - lo) - np.pi / 2
    c, R = np.array(scene.circle_center), scene.circle_radius
    drawn = np.array([dot.get_center() for dot in scene.circle["dots"]])
    np.testing.assert_allclose(drawn[:, 0], c[0] + R * np.cos(a), atol=1e-9)
    np.testing.assert_allclose(drawn[:, 1], c[1] + R * np.sin(a), atol=1e-9)
    xp = wide_data.wide.x_obs
    ap = np.pi * (xp - lo) / (hi - lo) - np.pi / 2
    np.testing.assert_allclose(scene.circle["cross"].get_center()[:2], c[:2] + R * np.array([np.cos(ap), np.sin(ap)]),
                               atol=1e-9)
    # the labels say which x sits at the bottom, the middle and the top
    ends = [numbers_in(lab.original_text)[0] for lab in scene.circle["labels"]]
    assert ends == [lo, (lo + hi) / 2, hi]
    bottom, middle, top = (lab.get_center() for lab in scene.circle["labels"])
    assert bottom[1] < c[1] - R < c[1] + R < top[1] and middle[0] > c[0] + R
    # the map in TeX: cos and sin of (180/(hi − lo))°·(x − (lo + hi)/2)
    tex = scene.circle["words"][1].tex_string
    per_unit, mid = numbers_in(tex.replace("^\\circ", " "))[:2]
    assert per_unit == pytest.approx(180 / (hi - lo)) and mid == pytest.approx((lo + hi) / 2)


def test_theta_peaks_at_x_prime_and_falls_off_because_it_depends_on_the_angle_alone(scene, wide_data):
    # "it peaks at x′ and falls off on both sides": read off the drawn green curve; the reason the
    # narration gives (all inputs have length one: Θ depends on the angle between them alone) holds
    # on it too: equal values at equal distances on either side of x′
    xp = wide_data.wide.x_obs
    assert step_of(scene, "notation").variant is None
    xs, ys = curve_anchors(scene.kernel_axes, scene.analytic_curve)
    i = int(np.argmax(ys))
    assert xs[i] == pytest.approx(xp, abs=1e-6)
    assert np.all(np.diff(ys[:i + 1]) > 0) and np.all(np.diff(ys[i:]) < 0)
    reach = min(i, len(xs) - 1 - i)
    np.testing.assert_allclose(ys[i - reach:i][::-1], ys[i + 1:i + 1 + reach], rtol=1e-9, atol=1e-6)


def test_the_narrowest_width_and_its_random_starts_as_said(scene, D):
    assert numbers_in(caption_of(scene, "narrowest")) == [D["widths"][0]]
    # the width label names each band as it is drawn, and ends as the widest's
    assert [numbers_in(lab.original_text)[0] for lab in scene.width_labels] == list(D["widths"])
    for corner in ([-1, -1, 0], [1, 1, 0]):     # (a Transform adds points: compare where it ends)
        np.testing.assert_allclose(scene.width_label.get_corner(corner), scene.width_labels[-1].get_corner(corner),
                                   atol=1e-9)
    starts = [m for m in scene.mobjects if getattr(m, "original_text", "").endswith("random starts")]
    assert [numbers_in(m.original_text)[0] for m in starts] == [len(scene.band_curves[0])]


def test_the_kernel_axis_is_named_with_x_prime(scene, wide_data):
    name = scene.y_name[0].tex_string
    assert name == f"k(x, {wide_data.wide.x_obs:g})"


def test_the_lesson_is_held_on_the_narrowed_band(scene):
    lesson = [s for s in scene.steps if s.lesson]
    assert [s.key for s in lesson] == ["deterministic"] and scene.steps[-1].key == "deterministic"


def test_purple_and_orange_are_not_used_before_any_training(scene):
    # One meaning per colour: purple → orange is "over training steps" only, and nothing trains here.
    banned = {scene.theme.kernel_start.upper(), scene.theme.kernel_end.upper()}
    for mob in [*scene.mobjects, *scene.bands, *scene.circle.values()]:
        for part in mob.get_family():
            if part.has_points():
                assert part.get_stroke_color().to_hex().upper() not in banned, part
                assert part.get_fill_color().to_hex().upper() not in banned, part


def test_the_spread_axis_names_the_statistic_drawn(scene, D):
    # "std between starts of k(x, 10), mean over x, ÷ mean of Θ(x, 10)", computed here from the drawn
    # band curves (read back off the screen) and the drawn Θ: the dots' heights
    drawn = np.array([[curve_anchors(scene.kernel_axes, c)[1] for c in curves] for curves in scene.band_curves])
    _, theta = curve_anchors(scene.kernel_axes, scene.analytic_curve)
    spread = drawn.std(axis=1, ddof=1).mean(axis=1) / np.abs(theta).mean()
    _, ys = points_data(scene.loglog_axes, [dot.get_center() for dot in scene.spread_dots])
    np.testing.assert_allclose(10 ** ys, spread, rtol=1e-5)
