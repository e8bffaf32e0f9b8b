"""Example 4's scene draws ntkcore's numbers: arrows, the finite-step kernel k̃_ε, the exact NTK
(ε → 0), the post's three observations (maximum at 7, negative values from the valley moving left,
positive tails) and the lesson (a nonlinear model's kernel is bumpy, non-local, partly negative).
The expected numbers come from rbf_by_hand (NumPy, gradient derived by hand), not from ntkcore;
the captions and labels are checked for the numbers and facts they state, not for their wording."""

import numpy as np
from manim import VMobject
import pytest

import rbf_by_hand as hand
from ntkcore import EXAMPLES
from scene_helpers import (assert_arrows_match, assert_inside_frame, caption_of, caption_texts, points_data,
                           step_of)

EX = EXAMPLES["rbf"]
GRID, I_OBS = hand.GRID, 20                      # x' = 10 is grid point 20
ETA = hand.step_eta(hand.THETA0, 0.1)            # −2·0.1·(46.99 − 50) = 0.601
F0 = hand.f(hand.THETA0, GRID)
D = hand.f(hand.gd_step(hand.THETA0, 0.1), GRID) - F0


def k_step(xs):
    """The GD step's kernel over its value at x'."""
    return hand.finite_kernel(hand.THETA0, xs, ETA) / hand.finite_kernel(hand.THETA0, hand.X_OBS, ETA)


def k_exact(xs):
    return hand.ntk_column(hand.THETA0, xs) / hand.ntk_column(hand.THETA0, hand.X_OBS)


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("rbf")



def test_f_at_the_observation(scene):
    # f(10) = −10·e^{−(10−4)²/30} + 10·e^{−(10−25)²/30} + 50 = −10e^{−1.2} + 10e^{−7.5} + 50 = 46.99,
    # labelled by its dot; the observation (10, 50) by the blue cross; η = 0.1 is the learning rate
    assert hand.f(hand.THETA0, 10.0) == pytest.approx(50 - 10 * np.exp(-1.2) + 10 * np.exp(-7.5), abs=1e-12)
    obs_label, f_label = scene.obs_labels
    assert "46.99" in f_label.original_text and round(hand.f(hand.THETA0, 10.0), 2) == 46.99
    assert "(10, 50)" in obs_label.original_text
    assert "η = 0.1" in caption_of(scene, "observation") and EX.lr == 0.1


def test_arrows_map_back_to_displacement(scene):
    assert sorted(scene.arrows) == list(range(len(GRID)))
    assert_arrows_match(scene.axes, scene.arrows, GRID, F0, D, tol=1e-6)


def test_moves_stood_on_zero_are_the_displacement_magnified(scene):
    # the arrows again, from (x, 0) to (x, Δf(x)), on axes of their own: the downward ones visible
    assert sorted(scene.move_arrows) == list(range(len(GRID)))
    assert_arrows_match(scene.move_axes, scene.move_arrows, GRID, np.zeros_like(GRID), D, tol=1e-6)
    y_lo, y_hi = scene.move_axes.y_range[:2]
    assert y_lo <= D.min() and D.max() <= y_hi and (y_hi - y_lo) < 3      # Δf spans −0.40 … 1.83
    # magnified: the smallest downward arrow drawn is at least 0.2 scene units long (≈ 12 px at 480p)
    lengths = [np.linalg.norm(scene.move_arrows[k].get_end() - scene.move_arrows[k].get_start())
               for k in np.flatnonzero(D < -0.25)]
    assert min(lengths) > 0.2
    # down for x = −3 … 1 (exactly where Δf < 0), lowest −0.40 at x = 0; the move at x' is +1.44, labelled
    # by its arrow (it divides every move next)
    assert list(GRID[D < 0]) == [-3, -2, -1, 0, 1] and GRID[np.argmin(D)] == 0 and round(D.min(), 2) == -0.40
    assert scene.move_label.original_text == "+1.44" and round(D[I_OBS], 2) == 1.44
    tip = scene.move_arrows[I_OBS].get_end()
    assert np.linalg.norm(scene.move_label.get_left() - tip) < 0.3


def test_title_card_bridges_from_the_linear_models(scene):
    # the bridge contrasts this model with the linear ones (its default words), which is true:
    # Examples 2–3, f linear in θ, so every push gives exactly k (k̃ = k); Example 4's push does not
    assert step_of(scene, "title").variant is None
    assert scene.linear_before and not scene.linear_now
    eta = ETA
    lin = lambda th, x: th[0] * x + th[1]                                    # noqa: E731  Example 2
    th = np.array([3.0, 1.0]); g = np.array([10.0, 1.0])                     # ∇θ f(10) = (10, 1)
    np.testing.assert_allclose((lin(th + eta * g, GRID) - lin(th, GRID)) / eta, 10 * GRID + 1, atol=1e-9)
    assert np.max(np.abs(k_step(GRID) - k_exact(GRID))) > 0.02              # Example 4: k̃ ≠ k
    assert all(s.spoken for s in scene.steps)


def test_the_reading_of_the_formula_is_said_once_where_the_parameters_appear(scene):
    # the post prints θ₁e^{−(x−θ₂)²/30} + θ₃e^{−(x−θ₄)²/30} + θ₅; we read it centre-first.  The note
    # is made once, on the function step (where θ₁ … θ₅ are labelled), and not on the title card.
    noting = [s.key for s in scene.steps if "amplitude" in s.caption.lower()]
    assert noting == ["function"]


def test_the_parameters_are_labelled_where_they_act(scene):
    # centre-first: θ₁ = 4 is the valley's centre, θ₂ = −10 its depth; θ₃ = 25 the bump's centre (off
    # the chart, beyond x = 20), θ₄ = 10 its height; θ₅ = 50 the level f keeps far from both
    labels = scene.function_labels
    ax = scene.notes["step_axes"]   # (any axes: only words and relative places are checked here)
    assert "θ₁ = 4" in labels["valley"].original_text and "θ₂ = −10" in labels["valley"].original_text
    assert "θ₃ = 25" in labels["bump"].original_text and "θ₄ = 10" in labels["bump"].original_text
    assert "θ₅ = 50" in labels["offset"].original_text
    assert hand.THETA0[2] > GRID.max() and labels["bump"].original_text.endswith("→")   # off the right edge
    assert hand.f(hand.THETA0, -10.0) == pytest.approx(50, abs=0.02)                   # the offset's level
    # the valley label sits under the valley's bottom (x = θ₁), the bump label at the right edge
    valley_x = labels["valley"].get_center()[0]
    assert abs(valley_x - labels["offset"].get_center()[0]) > 1 and labels["bump"].get_right()[0] > valley_x
    del ax


def test_arrows_are_not_proportional_to_a_line():
    # a straight line through them misses some arrow by more than 0.1 (the arrows are up to 1.83 long)
    slope, icpt = np.polyfit(GRID, D, 1)
    assert np.max(np.abs(D - (slope * GRID + icpt))) > 0.1 and np.abs(D).max() < 1.83


def test_function_dots_sit_on_f(scene):
    xs, ys = points_data(scene.axes, [dot.get_center() for dot in scene.dots])
    np.testing.assert_allclose(xs, GRID, atol=1e-6)
    np.testing.assert_allclose(ys, F0, atol=1e-6)


def test_kernel_dots_are_the_arrows_over_the_arrow_at_x_obs(scene):
    assert len(scene.kernel_dots) == len(GRID)
    xs, ys = points_data(scene.kernel_axes, [dot.get_center() for dot in scene.kernel_dots])
    np.testing.assert_allclose(xs, GRID, atol=1e-6)
    np.testing.assert_allclose(ys, D / D[I_OBS], atol=1e-6)
    np.testing.assert_allclose(ys, k_step(GRID), atol=1e-6)   # Δf = η·k̃_η: the same numbers


def test_kernel_curve_samples_are_the_finite_step_kernel(scene):
    xs, ys = points_data(scene.kernel_axes, scene.kernel_curve.get_anchors())
    np.testing.assert_allclose(ys, k_step(xs), atol=1e-6)
    assert (xs.min(), xs.max()) == pytest.approx(EX.x_range, abs=1e-6)


def test_ntk_dots_and_curve_map_back_to_the_exact_ntk(scene):
    assert len(scene.ntk_dots) == len(GRID)
    xs, ys = points_data(scene.kernel_axes, [dot.get_center() for dot in scene.ntk_dots])
    np.testing.assert_allclose(xs, GRID, atol=1e-6)
    np.testing.assert_allclose(ys, k_exact(GRID), atol=1e-6)
    cx, cy = points_data(scene.kernel_axes, scene.ntk_curve.get_anchors())
    np.testing.assert_allclose(cy, k_exact(cx), atol=1e-6)


def test_eta_shrinks_from_the_step_towards_zero(scene):
    sweep = scene.morph.sweep
    etas = np.asarray(sweep.etas)
    assert etas[0] == pytest.approx(ETA, rel=1e-12)
    assert np.all(np.diff(etas) < 0) and etas[-1] / etas[0] == pytest.approx(0.01)   # down to 1 % of the step
    for eta, k in zip(etas, sweep.finite_grid):
        np.testing.assert_allclose(k, hand.finite_kernel(hand.THETA0, GRID, eta)
                                   / hand.finite_kernel(hand.THETA0, hand.X_OBS, eta), atol=1e-9)
    # k̃_η − k = O(η) (first order in the push): the distance to the NTK shrinks with η, to within
    # a factor 2 of proportionally; the step's own kernel is visibly off it (more than 2 % of
    # k(x', x') = 1, a few pixels on the chart).
    err = [np.max(np.abs(k - k_exact(GRID))) for k in sweep.finite_grid]
    assert err[0] > 0.02
    assert err[-1] <= 2 * err[0] * etas[-1] / etas[0]


def test_annotated_maxima_are_the_smooth_curves_peaks_not_the_observation(scene):
    # The post's fact (the step's kernel peaks at x = 7 among the dots) and its η → 0 limit (x = 8
    # among the dots); the drawn smooth curves peak between them, at ≈ 7.3 and ≈ 7.7.  Found on the
    # hand-computed kernels (every 1e-4), then read off the chapter and its rings.
    assert GRID[np.argmax(k_step(GRID))] == 7.0 and GRID[np.argmax(k_exact(GRID))] == 8.0
    assert scene.max_marker_x == 7.0 and scene.ntk_max_x == 8.0
    fine = np.linspace(-10, 20, 300001)
    step_x, ntk_x = fine[np.argmax(k_step(fine))], fine[np.argmax(k_exact(fine))]
    assert (round(step_x, 1), round(ntk_x, 1)) == (7.3, 7.7)
    assert scene.step_peak[0] == pytest.approx(step_x, abs=2e-3)
    assert scene.ntk_peak[0] == pytest.approx(ntk_x, abs=2e-3)
    ring_x, ring_y = points_data(scene.notes["step_axes"], [scene.notes["max_ring"].get_center()])
    assert ring_x[0] == pytest.approx(step_x, abs=2e-3) and ring_y[0] == pytest.approx(k_step(step_x), abs=1e-5)
    ring_x, ring_y = points_data(scene.kernel_axes, [scene.notes["ntk_ring"].get_center()])
    assert ring_x[0] == pytest.approx(ntk_x, abs=2e-3) and ring_y[0] == pytest.approx(k_exact(ntk_x), abs=1e-5)
    # the captions and labels state them: 7.3 for the step's kernel, 7.7 for the exact NTK
    assert "7.3" in caption_of(scene, "peak") and "7.7" in caption_of(scene, "exact")
    assert "7.3" in scene.notes["max_text"].original_text


def test_valley_moves_left(scene):
    theta_new = hand.gd_step(hand.THETA0, 0.1)
    assert (scene.valley_before, scene.valley_after) == pytest.approx((4.0, theta_new[0]), abs=1e-12)
    assert scene.valley_after < scene.valley_before
    # and the step's kernel is negative around x = 0, left of the valley: lowest −0.28 at x = 0
    k = k_step(GRID)
    assert scene.neg_x == GRID[np.argmin(k)] == 0.0 and round(k.min(), 2) == -0.28


def test_tails_level_off_at_positive_constants(scene):
    k = k_step(GRID)
    assert scene.tails == pytest.approx((k[0], k[-1]), abs=1e-9)
    assert (round(k[0], 2), round(k[-1], 2)) == (0.41, 0.42)      # the post's values
    # levelled off: at the ends both Gaussians are ≥ 14 from x (e^{−14²/30} ≈ 0.0015), so a grid
    # step changes the kernel by less than 2 % of its value at x'
    assert abs(k[1] - k[0]) < 0.02 and abs(k[-1] - k[-2]) < 0.02
    left, right, level = scene.tail_labels
    assert (left.original_text, right.original_text) == ("0.41", "0.42")
    # why: the push ε = 0.60 moves the offset by Δθ₅ = ε·∂f/∂θ₅ = 0.60, lifting f everywhere; divided by
    # the move at x', 0.60 / 1.44 = 0.42, the level of the tails (the label under the right tail)
    assert (round(ETA, 2), round(D[I_OBS], 2), round(ETA / D[I_OBS], 2)) == (0.60, 1.44, 0.42)
    assert "0.60" in level.original_text and "1.44" in level.original_text
    assert level.get_top()[1] < right.get_bottom()[1]


def test_the_lesson_bumpy_non_local_partly_negative(scene):
    # the chapter ends on its lesson, drawn on the exact NTK: not a line (a minimum and a maximum
    # between its flat tails: bumpy), largest away from x' (non-local: x ≈ 7.7, not 10), and negative
    # around x = 0 (partly negative) — the filled region is exactly where k(x, 10) < 0
    last = scene.steps[-1]
    assert last.key == "nonlinear" and last.lesson
    k = k_exact(GRID)
    turns = np.flatnonzero(np.diff(np.sign(np.diff(k))) != 0)
    assert len(turns) >= 2                                                     # bumpy
    assert GRID[np.argmax(k)] != hand.X_OBS and k.max() > 1                    # non-local
    assert k.min() < 0 and list(GRID[k < 0]) == [-3, -2, -1, 0, 1, 2]        # partly negative
    xs, ys = points_data(scene.kernel_axes, scene.ntk_neg_fill.get_anchors())
    inner = np.abs(ys) > 1e-6
    np.testing.assert_allclose(ys[inner], k_exact(xs[inner]), atol=1e-6)
    assert np.all(k_exact(xs[inner]) < 0)
    assert xs.min() < -3 and xs.max() > 1


def test_the_push_is_epsilon_and_the_learning_rate_eta(scene):
    # one symbol per meaning: the push of the sweep is ε (its values on the plot: the step's own push,
    # 0.601, down to 1 % of it); η is only the learning rate; no caption says "η →"
    assert not any("η →" in c or "η = 0.6" in c for c in caption_texts(scene))
    assert scene.morph.etas[0] == pytest.approx(ETA, rel=1e-12) and round(ETA, 3) == 0.601


def test_everything_inside_the_frame(scene):
    assert_inside_frame(scene.mobjects, whole=True)


def _box(mob):
    return mob.get_corner([-1, -1, 0])[:2], mob.get_corner([1, 1, 0])[:2]


def _gap(a, b):
    """Distance between two mobjects' bounding boxes (0 if they touch or overlap)."""
    (a0, a1), (b0, b1) = _box(a), _box(b)
    d = np.maximum(0, np.maximum(b0 - a1, a0 - b1))
    return float(np.hypot(*d))


def test_annotations_keep_clear_of_what_they_point_at(scene):
    notes = scene.notes
    # "max at x = 7" sits clear of its ring (a leader line joins them)
    assert _gap(notes["max_text"], notes["max_ring"]) >= 0.2
    # "θ₁: 4 → 3.28" clear of both dashed lines and of the arrow between them
    for mob in (*notes["valley_lines"], notes["valley_arrow"]):
        assert _gap(notes["valley_label"], mob) >= 0.2


def test_colours_mean_one_thing(scene):
    th = scene.theme
    assert scene.kernel_curve.get_stroke_color().to_hex().upper() == th.arrow.upper()   # k̃ = Δf/η: the arrows' red
    assert all(d.get_fill_color().to_hex().upper() == th.arrow.upper() for d in scene.kernel_dots)
    purple = {th.kernel_start.upper(), th.kernel_end.upper()}                            # training only: unused here
    drawn = [m for top in scene.mobjects for m in top.get_family() if isinstance(m, VMobject)]
    assert not any(c.to_hex().upper() in purple for m in drawn for c in (*m.get_stroke_colors(), *m.get_fill_colors()))
    assert scene.ntk_curve.get_stroke_color().to_hex().upper() == th.ntk_exact.upper()          # η → 0: exact NTK
    assert scene.notes["max_ring"].get_stroke_color().to_hex().upper() == th.highlight.upper()   # annotations
