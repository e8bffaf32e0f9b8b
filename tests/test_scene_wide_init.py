"""Chapter 7's scene draws ntkcore's numbers: the seed bands, the analytic NTK, the log-log spread."""

import numpy as np
import pytest
from manim import ManimColor

from ntkcore import wide_experiments as we
from scenes import palette
from scene_helpers import assert_inside_frame, construct, curve_anchors

D = we.init_band()
W, S, N = D["curves"].shape


@pytest.fixture(scope="module")
def scene():
    from scenes.ch7_wide_init import WideAtInit
    return construct(WideAtInit)


def all_points_data(axes, mob):
    """Data coordinates of every point (anchors and handles) of a mobject and its family."""
    pts = np.vstack([m.points for m in mob.get_family() if len(m.points)])
    return np.array([axes.p2c(p)[:2] for p in pts], dtype=float)


def test_data_shapes():
    assert D["x"].shape == (N,) == D["analytic_ntk"].shape
    assert D["widths"].shape == (W,) == D["spread"].shape
    assert np.all(np.diff(D["widths"]) > 0), "widths must run narrow -> wide"


def test_analytic_curve_passes_through_the_infinite_width_ntk(scene):
    xs, ys = curve_anchors(scene.kernel_axes, scene.analytic_curve)
    assert xs.shape == ys.shape == (N,)
    np.testing.assert_allclose(xs, D["x"], atol=1e-6)
    np.testing.assert_allclose(ys, D["analytic_ntk"], atol=1e-6)
    assert scene.analytic_curve.get_stroke_color().to_hex().upper() == palette.NTK_EXACT.upper()


def test_one_band_per_width_one_curve_per_seed(scene):
    assert len(scene.bands) == W and len(scene.band_curves) == W
    for band, curves in zip(scene.bands, scene.band_curves):
        assert len(curves) == S
        assert list(band.submobjects) == list(curves)


@pytest.mark.parametrize("i", range(W))
def test_band_curves_pass_through_the_empirical_ntk(scene, i):
    for seed, curve in enumerate(scene.band_curves[i]):
        xs, ys = curve_anchors(scene.kernel_axes, curve)
        assert xs.shape == ys.shape == (N,)
        np.testing.assert_allclose(xs, D["x"], atol=1e-6)
        np.testing.assert_allclose(ys, D["curves"][i, seed], atol=1e-6)


def test_band_colours_go_from_purple_to_orange(scene):
    colors = [scene.band_curves[i][0].get_stroke_color().to_hex().upper() for i in range(W)]
    assert colors[0] == palette.KERNEL_START.upper()
    assert colors[-1] == palette.KERNEL_END.upper()
    rgb = np.array([ManimColor(c).to_rgb() for c in colors])
    assert np.all(np.diff(rgb[:, 0]) > 0) and np.all(np.diff(rgb[:, 2]) < 0)


def test_band_narrows_from_the_narrowest_to_the_widest(scene):
    # Width of the drawn band (max - min over seeds), averaged over x, read back from the curves.
    drawn = np.array([[curve_anchors(scene.kernel_axes, c)[1] for c in curves]
                      for curves in scene.band_curves])                   # (W, S, N)
    band_width = (drawn.max(axis=1) - drawn.min(axis=1)).mean(axis=1)
    expected = (D["curves"].max(axis=1) - D["curves"].min(axis=1)).mean(axis=1)
    np.testing.assert_allclose(band_width, expected, atol=1e-6)
    assert band_width[-1] < band_width[0]


def test_no_curve_leaves_the_kernel_plot(scene):
    y_lo, y_hi = scene.kernel_axes.y_range[:2]
    x_lo, x_hi = scene.kernel_axes.x_range[:2]
    assert y_lo <= D["curves"].min() and D["curves"].max() <= y_hi
    for mob in [scene.analytic_curve, *scene.bands]:
        xy = all_points_data(scene.kernel_axes, mob)   # handles too: a Bézier stays in their hull
        assert np.all(xy[:, 0] >= x_lo - 1e-9) and np.all(xy[:, 0] <= x_hi + 1e-9)
        assert np.all(xy[:, 1] >= y_lo - 1e-9) and np.all(xy[:, 1] <= y_hi + 1e-9)


def test_the_band_on_screen_at_the_end_is_the_widest(scene):
    np.testing.assert_allclose(scene.band_display.get_all_points(), scene.bands[-1].get_all_points(), atol=1e-9)
    assert scene.band_display in scene.mobjects
    # the green curve is drawn on top of the band
    assert scene.mobjects.index(scene.analytic_curve) > scene.mobjects.index(scene.band_display)


def test_spread_dots_map_back_to_log_width_and_log_spread(scene):
    assert len(scene.spread_dots) == W
    for w, s, dot in zip(D["widths"], D["spread"], scene.spread_dots):
        px, py = scene.loglog_axes.p2c(dot.get_center())[:2]
        assert px == pytest.approx(np.log10(w), abs=1e-6)
        assert py == pytest.approx(np.log10(s), abs=1e-6)


def test_width_labels_sit_under_their_dots(scene):
    x_labels = scene.loglog_axes.tick_labels[0]
    assert [m.text for m in x_labels] == [str(int(w)) for w in D["widths"]]
    for w, lab in zip(D["widths"], x_labels):
        assert scene.loglog_axes.p2c(lab.get_center())[0] == pytest.approx(np.log10(w), abs=1e-6)


def least_squares_slope_and_intercept():
    lw, ls = np.log10(D["widths"].astype(float)), np.log10(D["spread"])
    A = np.vstack([lw, np.ones_like(lw)]).T
    (slope, intercept), *_ = np.linalg.lstsq(A, ls, rcond=None)
    return float(slope), float(intercept)


def test_slope_shown_is_the_least_squares_slope(scene):
    slope, _ = least_squares_slope_and_intercept()
    assert scene.slope_shown == pytest.approx(slope, abs=1e-9)
    assert -0.7 <= scene.slope_shown <= -0.3   # about -1/2: spread ~ 1/sqrt(width)


def test_fit_line_runs_through_the_least_squares_fit(scene):
    slope, intercept = least_squares_slope_and_intercept()
    lw = np.log10(D["widths"].astype(float))
    for point, x in ((scene.fit_line.get_start(), lw[0]), (scene.fit_line.get_end(), lw[-1])):
        px, py = scene.loglog_axes.p2c(point)[:2]
        assert px == pytest.approx(x, abs=1e-6)
        assert py == pytest.approx(intercept + slope * x, abs=1e-6)


def test_everything_inside_the_frame(scene):
    # Also every seed band, though only the widest is on screen at the end.
    assert_inside_frame(list(scene.mobjects) + list(scene.bands), whole=True)
