"""Example 5's scene draws ntkcore's numbers: 16 kernel curves (the exact NTK k(x, 10) / k(10, 10)
at every step, so t = 0 is the η → 0 curve Example 4 ends on, and each curve is exactly the sum of
the terms whose shares the bars show), their colours, the dots, the valley centre, and the reason
for the flattening: each parameter's share of k(10, 10) at t = 0 and 15.
The expected numbers come from rbf_by_hand (15 steps of gradient ascent in NumPy with the
hand-derived gradient), not from ntkcore."""

import numpy as np
import pytest
from manim import ManimColor

import rbf_by_hand as hand
from ntkcore import EXAMPLES
from scene_helpers import assert_inside_frame, caption_of, caption_texts, curve_anchors, points_data

EX = EXAMPLES["training"]
STEPS, ASCENT_LR, I_OBS = 15, 1.0, 20
THETAS = hand.ascent(hand.THETA0, ASCENT_LR, STEPS)
# The exact NTK at θ_t, over its value at x' = 10: (16, 31)
K = np.array([hand.ntk_column(th, hand.GRID) / hand.ntk_column(th, hand.X_OBS) for th in THETAS])
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


def test_the_first_curve_is_example_4s_exact_ntk(scene):
    # the post: the kernel at t = 0 is "the one I had at initialization (above)".  Example 4's chapter
    # ends on the exact NTK (its η → 0 limit); here the t = 0 curve is that kernel, in the colour of t = 0.
    _, ys = curve_anchors(scene.kernel_axes, scene.kernel_curves[0])
    np.testing.assert_allclose(ys, EXAMPLES["rbf"].ntk_normalized(), atol=1e-6)
    assert round(ys.max(), 2) == 1.20 and hand.GRID[np.argmax(ys)] == 8.0
    assert scene.kernel_colors[0].upper() == scene.theme.kernel_start.upper()
    assert "the exact NTK k(x, 10) / k(10, 10), where Example 4 ended." in captions(scene)
    assert "η =" not in captions(scene)                  # no finite push in this chapter


@pytest.mark.parametrize("t", [0, 7, STEPS])
def test_each_curve_is_the_sum_of_the_terms_the_bars_decompose(scene, t):
    # k(x, 10) / k(10, 10) = Σᵢ ∂f(x)/∂θᵢ · ∂f(10)/∂θᵢ / k(10, 10): the offset's term is its share
    # of k(10, 10) at every x, the same share the bars show
    _, ys = curve_anchors(scene.kernel_axes, scene.kernel_curves[t])
    terms = hand.grad(THETAS[t], hand.GRID) * G[t] / (G[t] @ G[t])       # (31, 5)
    np.testing.assert_allclose(ys, terms.sum(axis=1), atol=1e-6)
    np.testing.assert_allclose(terms[:, 4], SHARES[t, 4], atol=1e-12)


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
    # spread (max − min) 1.48 at t = 0 and 0.28 at t = 15, as the caption says
    assert (round(SPREAD[0], 2), round(SPREAD[-1], 2)) == (1.48, 0.28)
    assert "from 1.48 at t = 0 to 0.28 at t = 15" in captions(scene)


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


def test_f_at_observation_rises_from_46_99_to_64_87(scene):
    f_obs = np.array([hand.f(th, hand.X_OBS) for th in THETAS])
    assert np.all(np.diff(f_obs) > 0)
    assert (round(f_obs[0], 2), round(f_obs[-1], 2)) == (46.99, 64.87)
    np.testing.assert_allclose(EX.trajectory().f[:, I_OBS], f_obs, rtol=0, atol=1e-9)
    # why no target: a step on (f(10) − 50)² is the same direction scaled by −2·lr·(f(10) − 50), which
    # vanishes at f(10) = 50; the ascent keeps its full size and carries f(10) past 50
    th = THETAS[3]
    scale = -2 * 0.1 * (hand.f(th, hand.X_OBS) - hand.Y_OBS)
    np.testing.assert_allclose(hand.gd_step(th, 0.1) - th, scale * hand.grad(th, hand.X_OBS), atol=1e-12)
    at_target = THETAS[0].copy()
    at_target[4] += hand.Y_OBS - hand.f(THETAS[0], hand.X_OBS)            # shift the offset: f(10) = 50
    np.testing.assert_allclose(hand.gd_step(at_target, 0.1), at_target, atol=1e-12)
    assert np.any(f_obs > hand.Y_OBS)
    text = captions(scene)
    assert "Gradient ascent on f(10), 15 steps of θ ← θ + 1·∂f(10)/∂θ." in text
    assert "No target: descent on (f(10) − 50)² would stop at 50; this ends at 64.87." in text


def test_the_dashed_line_is_named_and_the_colour_key_spans_the_steps(scene):
    assert "The dashed line marked θ₁ is the valley centre, θ₁ = 4;" in captions(scene)
    key = scene.time_key
    strip = key[1]
    assert len(strip) == STEPS + 1
    for t, seg in enumerate(strip):
        assert seg.get_stroke_color().to_hex().upper() == scene.theme.training_color(t, STEPS).upper()
    assert [key[0].original_text, key[2].original_text] == ["t = 0", f"t = {STEPS}"]
    assert key in scene.mobjects


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


def test_the_one_at_a_time_check_is_drawn_as_outlines(scene):
    ghost_centre, ghost_offset, _ = scene.ghosts
    ax = scene.share_axes
    for ghost, th_moved, slot in ((ghost_centre, 0, 0.0), (ghost_offset, 4, -0.36)):
        th = hand.THETA0.copy()
        th[th_moved] = THETAS[-1][th_moved]
        g = hand.grad(th, hand.X_OBS)
        expected = 100 * g ** 2 / (g @ g)
        tops = [ax.p2c(bar.get_top())[1] for bar in ghost]
        lefts = [ax.p2c(bar.get_left())[0] for bar in ghost]
        np.testing.assert_allclose(tops, expected, atol=1e-6)
        np.testing.assert_allclose(lefts, np.arange(1, 6) + slot, atol=1e-6)
    # its key sits left of the θ₅ bars and above the θ₁ … θ₄ bars (and the 57 % label), inside the chart
    key = scene.ghosts[2]
    (x0, y0), (x1, y1) = ax.p2c(key.get_corner([-1, -1, 0]))[:2], ax.p2c(key.get_corner([1, 1, 0]))[:2]
    assert 0.5 < x0 and x1 < 5 - 0.36
    assert y0 > 100 * SHARES[:, :4].max() + 10 and y1 < 100
    # moving only θ₅ leaves every share as at t = 0
    np.testing.assert_allclose([ax.p2c(b.get_top())[1] for b in ghost_offset], 100 * SHARES[0], atol=1e-6)


def test_the_one_at_a_time_check(scene):
    # only θ₁ moved to its final value: θ₅'s share already 98.7 % (99.0 % after training)
    th = hand.THETA0.copy()
    th[0] = THETAS[-1][0]
    g = hand.grad(th, hand.X_OBS)
    share5 = g[4] ** 2 / (g @ g)
    assert (round(100 * share5, 1), round(100 * SHARES[-1, 4], 1)) == (98.7, 99.0)
    assert "θ₅ has 98.7%" in captions(scene) and "(trained: 99.0%)" in captions(scene)


def test_the_posts_theta4_barely_moves_under_either_reading(scene):
    # the post prints θ₁e^{−(x−θ₂)²/30} + θ₃e^{−(x−θ₄)²/30} + θ₅.  Centre-first (ours, values kept at
    # their indices) its θ₄ = 10 is our θ₄, the bump height; amplitude-first (the printed roles) its θ₄
    # is the second Gaussian's centre, our θ₃.  Both barely move next to the valley centre θ₁.
    moved = THETAS[-1] - THETAS[0]
    assert (round(moved[3], 3), round(moved[2], 3), round(moved[0], 2)) == (0.009, -0.086, -5.22)
    assert (round(moved[0] / moved[3]), round(moved[0] / moved[2])) == (-605, 61)
    text = captions(scene)
    assert "Read centre-first it is our θ₄" in text and "(bump height): +0.009" in text
    assert "amplitude-first, our θ₃ (bump centre): −0.086." in text
    assert "So the post's claim does not hold: the valley centre θ₁ moves −5.22," in text
    assert "605× as far as the centre-first θ₄ and 61× as far as the amplitude-first one." in text


def test_title_card_bridge_and_narration(scene):
    assert "the gradients depend on θ" in caption_of(scene, "title")
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
