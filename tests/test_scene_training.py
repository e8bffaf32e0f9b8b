"""Example 5's scene draws ntkcore's numbers: 16 kernel curves (the finite-step kernel of Example 4's
push η at every step, so t = 0 is Example 4's purple curve), their colours, the dots, the valley
centre, and the reason for the flattening: each parameter's share of k(10, 10) at t = 0 and 15.
The expected numbers come from rbf_by_hand (15 steps of gradient ascent in NumPy with the
hand-derived gradient), not from ntkcore."""

import numpy as np
import pytest
from manim import ManimColor

import rbf_by_hand as hand
from ntkcore import EXAMPLES
from scene_helpers import assert_inside_frame, caption_texts, curve_anchors, points_data

EX = EXAMPLES["training"]
STEPS, ASCENT_LR, I_OBS = 15, 1.0, 20
THETAS = hand.ascent(hand.THETA0, ASCENT_LR, STEPS)
ETA = hand.step_eta(hand.THETA0, 0.1)            # Example 4's push: −2·0.1·(46.99 − 50) = 0.601
# The kernel of a push η = 0.601 from θ_t, over its value at x' = 10: (16, 31)
K = np.array([hand.finite_kernel(th, hand.GRID, ETA) / hand.finite_kernel(th, hand.X_OBS, ETA) for th in THETAS])
SPREAD = K.max(axis=1) - K.min(axis=1)
G = np.array([hand.grad(th, hand.X_OBS) for th in THETAS])       # (16, 5) ∂f(10)/∂θᵢ at θ_t
SHARES = G ** 2 / (G ** 2).sum(axis=1, keepdims=True)           # (16, 5) shares of k(10, 10)


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("training")


def captions(scene) -> str:
    return " | ".join(caption_texts(scene))


def test_one_kernel_curve_per_step(scene):
    assert (EX.steps, EX.ascent_lr) == (STEPS, ASCENT_LR)
    assert len(scene.kernel_curves) == len(scene.kernel_colors) == STEPS + 1


@pytest.mark.parametrize("t", range(STEPS + 1))
def test_curve_passes_through_the_normalized_kernel(scene, t):
    xs, ys = curve_anchors(scene.kernel_axes, scene.kernel_curves[t])
    assert xs.shape == ys.shape == (len(hand.GRID),)
    np.testing.assert_allclose(xs, hand.GRID, atol=1e-6)
    np.testing.assert_allclose(ys, K[t], atol=1e-6)
    assert ys[I_OBS] == pytest.approx(1.0, abs=1e-6)     # every curve passes through (x', 1)


def test_the_first_curve_is_example_4s_purple_kernel(scene):
    # the post: the kernel at t = 0 is "the one I had at initialization (above)".  Example 4's chapter
    # draws its step's Δf(x)/Δf(x') in purple (tests/test_scene_rbf.py maps its dots back to the same
    # hand-computed numbers); here the t = 0 curve is that curve, in that colour.
    _, ys = curve_anchors(scene.kernel_axes, scene.kernel_curves[0])
    d = hand.f(hand.gd_step(hand.THETA0, 0.1), hand.GRID) - hand.f(hand.THETA0, hand.GRID)
    np.testing.assert_allclose(ys, d / d[I_OBS], atol=1e-6)               # Example 4's arrows over the one at x'
    np.testing.assert_allclose(ys, EXAMPLES["rbf"].kernel_finite_normalized(), atol=1e-6)
    assert round(ys.max(), 2) == 1.27 and hand.GRID[np.argmax(ys)] == 7.0
    assert scene.kernel_colors[0].upper() == scene.theme.kernel_start.upper()
    assert "η = 0.601" in captions(scene)


def test_colours_go_from_purple_to_orange(scene):
    colors = [c.upper() for c in scene.kernel_colors]
    assert colors[0] == scene.theme.kernel_start.upper()
    assert colors[-1] == scene.theme.kernel_end.upper()
    for curve, c in zip(scene.kernel_curves, colors):
        assert curve.get_stroke_color().to_hex().upper() == c
    rgb = np.array([ManimColor(c).to_rgb() for c in colors])
    assert np.all(np.diff(rgb[:, 0]) > 0), "red should rise from purple to orange"
    assert np.all(np.diff(rgb[:, 2]) < 0), "blue should fall from purple to orange"


def test_kernel_gets_flatter_at_every_step(scene):
    assert np.all(np.diff(SPREAD) < 0)
    # spread (max − min) 1.55 at t = 0 and 0.28 at t = 15, as the caption says
    assert (round(SPREAD[0], 2), round(SPREAD[-1], 2)) == (1.55, 0.28)
    assert "from 1.55 at t = 0 to 0.28 at t = 15" in captions(scene)


def test_final_dots_sit_on_f_after_the_last_step(scene):
    f_last = hand.f(THETAS[-1], hand.GRID)
    assert len(scene.dots) == len(hand.GRID)
    for x, y, dot in zip(hand.GRID, f_last, scene.dots):
        px, py = scene.axes.p2c(dot.get_center())[:2]
        assert px == pytest.approx(x, abs=1e-6) and py == pytest.approx(y, abs=1e-6)


def test_the_valley_centre_line_ends_at_theta1_after_training(scene):
    xs, _ = points_data(scene.axes, [scene.centre_line.get_start(), scene.centre_line.get_end()])
    np.testing.assert_allclose(xs, THETAS[-1][0], atol=1e-6)
    assert round(THETAS[-1][0], 2) == -1.22


def test_f_at_observation_rises_from_46_99_to_64_87():
    f_obs = np.array([hand.f(th, hand.X_OBS) for th in THETAS])
    assert np.all(np.diff(f_obs) > 0)
    assert (round(f_obs[0], 2), round(f_obs[-1], 2)) == (46.99, 64.87)
    np.testing.assert_allclose(EX.trajectory().f[:, I_OBS], f_obs, rtol=0, atol=1e-9)


# ----------------------------------------------------------------- the reason on screen


@pytest.mark.parametrize("row, t", [("start", 0), ("end", STEPS)])
def test_share_bars_are_the_shares_of_k_at_x_obs(scene, row, t):
    cats = [c[3] for c in scene.share_cats]
    assert cats == [0, 1, 2, 3, 4]                    # five parameters: a bar pair each
    tops = [scene.share_axes.p2c(bar.get_top())[1] for bar in scene.share_bars[row]]
    bottoms = [scene.share_axes.p2c(bar.get_bottom())[1] for bar in scene.share_bars[row]]
    np.testing.assert_allclose(tops, 100 * SHARES[t], atol=1e-6)
    np.testing.assert_allclose(bottoms, 0, atol=1e-6)
    colour = scene.kernel_colors[0 if row == "start" else -1].upper()
    assert all(bar.get_fill_color().to_hex().upper() == colour for bar in scene.share_bars[row])


def test_captions_name_the_share_that_grows_and_the_motion_that_causes_it(scene):
    text = captions(scene)
    s0, s15 = SHARES[0], SHARES[-1]
    # the percentages, computed here from the hand-derived gradient
    assert (round(100 * s0[0]), round(100 * s0[4]), round(100 * s15[4]), round(100 * s15[0], 1)) == (57, 39, 99, 1.0)
    assert "θ₁ (valley centre) 57%, θ₅ (offset) 39%" in text
    assert "θ₅ has 99%, θ₁ only 1.0%" in text
    # θ₅'s term is 1 at every x and θ: its own motion is not the reason; θ₁ moving away from x' is
    assert np.all(hand.grad(THETAS[-1], hand.GRID)[:, 4] == 1) and np.all(hand.grad(THETAS[0], hand.GRID)[:, 4] == 1)
    assert "Not because θ₅ moved (50 → 65)" in text
    assert "The valley centre θ₁ moved, 4 → −1.22, away from x′ = 10." in text
    assert (round(G[0, 0], 2), round(G[-1, 0], 2), round(G[0, 1], 2), round(G[-1, 1], 3)) == (-1.20, -0.10, 0.30, 0.015)
    assert "∂f(10)/∂θ₁: −1.20 → −0.10 and ∂f(10)/∂θ₂: 0.30 → 0.015" in text
    assert scene.share_grew == 4 and scene.most_moved == 4


def test_the_one_at_a_time_check(scene):
    # only θ₁ moved to its final value: θ₅'s share already 98.7 % (99.0 % after training)
    th = hand.THETA0.copy()
    th[0] = THETAS[-1][0]
    g = hand.grad(th, hand.X_OBS)
    share5 = g[4] ** 2 / (g @ g)
    assert (round(100 * share5, 1), round(100 * SHARES[-1, 4], 1)) == (98.7, 99.0)
    assert "θ₅'s share is already 98.7%" in captions(scene) and "(trained: 99.0%)" in captions(scene)


def test_the_posts_theta4_remark_has_the_numbers(scene):
    moved = THETAS[-1] - THETAS[0]
    assert (round(moved[3], 3), round(moved[0], 2), round(moved[4])) == (0.009, -5.22, 15)
    assert "The post says θ₄ changes fastest; here θ₄ moves +0.009" in captions(scene)
    assert "θ₁ −5.22 and θ₅ +15" in captions(scene)


def test_title_card_bridge_and_narration(scene):
    assert "the gradients depend on θ" in scene.steps[0].caption
    assert all(s.spoken for s in scene.steps)
    assert not any("θ5" in s.caption or "θ1" in s.caption for s in scene.steps)   # subscripts only


def test_kernel_axes_fit_the_curves(scene):
    y_lo, y_hi = scene.kernel_axes.y_range[:2]
    assert y_lo <= K.min() and K.max() <= y_hi


def test_everything_inside_the_frame(scene):
    assert scene.kernel_axes in scene.mobjects
    assert scene.caption_mob in scene.mobjects
    parts = assert_inside_frame(scene.mobjects)   # every visible part (the axes' own lines are invisible)
    assert len(parts) > 50
