"""Example 5's scene draws ntkcore's numbers: 16 kernel curves (the exact NTK k(x, 10) / k(10, 10)
after every step n = 0 … 15, so n = 0 is the ε → 0 curve Example 4 ends on, and each curve is exactly
the sum of the terms whose shares the bars show), their colours, the dots, the valley centre; the
mechanism — the valley's wall at x′ = 10, whose slope is −∂f(10)/∂θ₁, flattening as the valley slides
away, beside the offset's constant ∂f(10)/∂θ₅ = 1 —; the two phases (the peak rises to n = 2, then the
kernel flattens) with their reason (the offset's share is a flat floor under the valley's bump); each
parameter's share of k(10, 10) at n = 0 and 15; and the post's "θ₄ changes the fastest" read 0-based
(the offset, +15).  The expected numbers come from rbf_by_hand (15 steps of gradient ascent in NumPy
with the hand-derived gradient), not from ntkcore; captions are checked for the numbers and facts they
state (the values the chapter filled them with), not for their wording."""

import numpy as np
import pytest
from manim import ManimColor

import rbf_by_hand as hand
from ntkcore import EXAMPLES
from ntkcore.kernel_shares import example_training_shares
from scene_helpers import assert_inside_frame, caption_of, curve_anchors, points_data, step_of

EX = EXAMPLES["training"]
STEPS, ASCENT_LR, I_OBS = 15, 1.0, 20
THETAS = hand.ascent(hand.THETA0, ASCENT_LR, STEPS)
# The exact NTK at θ_n, over its value at x' = 10: (16, 31)
K = np.array([hand.ntk_column(th, hand.GRID) / hand.ntk_column(th, hand.X_OBS) for th in THETAS])
SPREAD = K.max(axis=1) - K.min(axis=1)
G = np.array([hand.grad(th, hand.X_OBS) for th in THETAS])       # (16, 5) ∂f(10)/∂θᵢ at θ_n
SHARES = G ** 2 / (G ** 2).sum(axis=1, keepdims=True)           # (16, 5) shares of k(10, 10)
F_OBS = np.array([hand.f(th, hand.X_OBS) for th in THETAS])      # (16,) f(10) at θ_n


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("training")


def values(scene, key) -> dict:
    return step_of(scene, key).values


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
    # the post: the kernel at the start is "the one I had at initialization (above)".  Example 4's
    # chapter ends on the exact NTK (its ε → 0 limit); here the n = 0 curve is that kernel, in purple.
    _, ys = curve_anchors(scene.kernel_axes, scene.kernel_curves[0])
    np.testing.assert_allclose(ys, EXAMPLES["rbf"].ntk_normalized(), atol=1e-6)
    assert round(ys.max(), 2) == 1.20 and hand.GRID[np.argmax(ys)] == 8.0
    assert scene.kernel_colors[0].upper() == scene.theme.kernel_start.upper()
    assert not any(v in values(scene, "first_kernel") for v in ("eps", "eta"))   # no finite push here


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


def test_the_spread_falls_at_every_step(scene):
    assert np.all(np.diff(SPREAD) < 0)
    # spread (max − min) 1.48 at n = 0 and 0.28 at n = 15, as the narration says
    assert (round(SPREAD[0], 2), round(SPREAD[-1], 2)) == (1.48, 0.28)
    v = values(scene, "two_phases")
    assert (v["spread_start"], v["spread_end"]) == ("1.48", "0.28")


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
    v = values(scene, "panels")
    assert (v["lr"], v["steps"], v["f_start"], v["f_end"]) == ("1", 15, "46.99", "64.87")


def test_the_colour_key_spans_the_steps(scene):
    key = scene.time_key
    strip = key[1]
    assert len(strip) == STEPS + 1
    for t, seg in enumerate(strip):
        assert seg.get_stroke_color().to_hex().upper() == scene.theme.training_color(t, STEPS).upper()
    assert [key[0].original_text, key[2].original_text] == ["n = 0", f"n = {STEPS}"]   # steps n; t is time
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


def test_the_shares_grow_for_the_offset_and_shrink_for_the_valley(scene):
    s0, s15 = SHARES[0], SHARES[-1]
    # the percentages, computed here from the hand-derived gradient, are those the chapter states
    assert (round(100 * s0[0]), round(100 * s0[4]), round(100 * s15[4]), round(100 * s15[0], 1)) == (57, 39, 99, 1.0)
    v = values(scene, "shares")
    assert (v["centre_share_start"], v["offset_share_start"], v["offset_share_end"]) == ("57%", "39%", "99%")
    labelled = sorted((lab[0].param, lab[0].original_text) for row in scene.story.share_value_labels for lab in row)
    assert labelled == [(0, "1.0%"), (0, "57%"), (4, "39%"), (4, "99%")]
    assert scene.share_grew == 4 and scene.most_moved == 4


# ----------------------------------------------------------------- the mechanism, drawn


@pytest.mark.parametrize("n", range(STEPS + 1))
def test_the_wall_tangent_has_the_slope_minus_df_dtheta1(scene, n):
    """The tangent drawn on the valley's wall at x' = 10 after step n: through (10, f(10)), with slope
    −∂f(10)/∂θ₁ in data units.  The valley is θ₂·e^{−(x−θ₁)²/30}: a function of x − θ₁, so
    ∂f(10)/∂θ₁ = −(its slope at x = 10); sliding the valley by δ moves f(10) by ∂f(10)/∂θ₁·δ."""
    t1, t2 = THETAS[n][0], THETAS[n][1]
    wall_slope = t2 * np.exp(-(10 - t1) ** 2 / 30) * (-2 * (10 - t1) / 30)     # d/dx of the valley at 10
    assert wall_slope == pytest.approx(-G[n, 0], abs=1e-12)
    (x0, x1), (y0, y1) = points_data(scene.axes, [scene.tangents[n].get_start(), scene.tangents[n].get_end()])
    assert (y1 - y0) / (x1 - x0) == pytest.approx(-G[n, 0], abs=1e-6)
    assert (x0 + x1) / 2 == pytest.approx(10, abs=1e-6) and (y0 + y1) / 2 == pytest.approx(F_OBS[n], abs=1e-6)
    # ... and that is ntkcore's ∂f(10)/∂θ₁
    assert scene.g_centre[n] == pytest.approx(example_training_shares(EX).grad_obs[n, 0], abs=1e-12)
    assert scene.g_centre[n] == pytest.approx(G[n, 0], abs=1e-10)


@pytest.mark.parametrize("n", [0, 1, 2, STEPS])
def test_the_bars_beside_it_are_the_two_gradients(scene, n):
    # bar heights: |∂f(10)/∂θ₁| (1.20 → 0.10, shrinking at every step) and ∂f(10)/∂θ₅ = 1 at every step
    centre, centre_value, offset, offset_value = scene.gauges[n]
    assert centre.height / scene.gauge_scale == pytest.approx(abs(G[n, 0]), abs=1e-9)
    assert offset.height / scene.gauge_scale == pytest.approx(1.0, abs=1e-9) and G[n, 4] == 1.0
    assert centre_value.original_text == f"{abs(G[n, 0]):.2f}" and offset_value.original_text == "1"
    assert centre.get_bottom()[1] == pytest.approx(offset.get_bottom()[1], abs=1e-9)
    assert np.all(np.diff(np.abs(G[:, 0])) < 0)
    assert (round(abs(G[0, 0]), 2), round(abs(G[-1, 0]), 2)) == (1.20, 0.10)
    # the valley slides away from x' at every step (so x' ends up on its flat tail)
    assert np.all(np.diff(np.abs(10 - np.array([th[0] for th in THETAS]))) > 0)


def test_why_it_flattened_states_the_gradients_at_the_start_and_end(scene):
    v = values(scene, "why_flat")
    assert (v["g_centre_start"], v["g_centre_end"]) == ("−1.20", "−0.10")
    # the ghosts of n = 0: the wall's tangent on the grey dots and the θ₁ bar's outline
    (x0, x1), (y0, y1) = points_data(scene.axes, [scene.ghost_tangent.get_start(), scene.ghost_tangent.get_end()])
    assert (y1 - y0) / (x1 - x0) == pytest.approx(-G[0, 0], abs=1e-6)
    assert scene.ghost_bar.height / scene.gauge_scale == pytest.approx(abs(G[0, 0]), abs=1e-9)


# ----------------------------------------------------------------- two phases and their reason


def test_the_peak_rises_to_step_2_then_falls(scene):
    peaks = K.max(axis=1)
    at = hand.GRID[np.argmax(K, axis=1)]
    assert int(np.argmax(peaks)) == 2 and np.all(np.diff(peaks[:3]) > 0) and np.all(np.diff(peaks[2:]) < 0)
    assert [round(p, 2) for p in peaks[[0, 2, 15]]] == [1.20, 1.43, 1.14]
    assert list(at[[0, 2, 15]]) == [8.0, 6.0, 3.0]
    assert values(scene, "two_phases")["highest"] == 2 and "n = 2" in caption_of(scene, "two_phases")
    # the marks sit on the three peaks, each labelled with its height
    for mark, label, n in zip(scene.peak_marks, scene.peak_labels, [0, 2, 15]):
        x, y = points_data(scene.kernel_axes, [mark.get_center()])
        assert (x[0], y[0]) == pytest.approx((at[n], peaks[n]), abs=1e-6)
        assert label[0].original_text == f"n = {n}" and label[1].original_text == f"{peaks[n]:.2f}"
    # only those three curves stay drawn
    drawn = [n for n, c in enumerate(scene.kernel_curves) if c in scene.mobjects]
    assert drawn == [0, 2, 15]


def test_the_floor_is_the_offsets_share(scene):
    # the offset's term in k(x, 10) / k(10, 10) is its share at every x: a flat line at 39 %, 73 %, 99 %
    for line, n in zip(scene.floors, [0, 2, 15]):
        _, ys = points_data(scene.kernel_axes, [line.get_start(), line.get_end()])
        np.testing.assert_allclose(ys, SHARES[n, 4], atol=1e-6)
        terms = hand.grad(THETAS[n], hand.GRID) * G[n] / (G[n] @ G[n])
        np.testing.assert_allclose(terms[:, 4], SHARES[n, 4], atol=1e-12)
    v = values(scene, "floor")
    assert (v["floor_start"], v["floor_high"]) == ("39%", "73%")
    # the peak = floor + the valley's bump: 0.81 → 0.70 while the floor gains 0.34 (the peak rises),
    # then → 0.15 while the floor gains 0.26 (it falls)
    bump = K.max(axis=1) - SHARES[:, 4]
    assert (v["bump_start"], v["bump_high"], v["bump_end"]) == tuple(f"{b:.2f}" for b in bump[[0, 2, 15]])
    assert SHARES[2, 4] - SHARES[0, 4] > bump[0] - bump[2] and bump[2] - bump[15] > SHARES[15, 4] - SHARES[2, 4]


# ----------------------------------------------------------------- the post's θ₄, read 0-based


def test_the_post_is_right_read_0_based(scene):
    """The post: "θ₄ changes the fastest".  Read 0-based as Python indexes a vector, theta[4] is the
    fifth entry: the offset θ₅, which moves +15 (1 per step: ∂f/∂θ₅ = 1), farther than any other
    parameter (θ₁: −5.22); its share of k(10, 10) grows 39 % → 99 %.  Said once, on the lesson."""
    moved = THETAS[-1] - THETAS[0]
    assert int(np.argmax(np.abs(moved))) == 4 and moved[4] == pytest.approx(15.0, abs=1e-12)
    assert round(moved[0], 2) == -5.22
    assert scene.zero_based.ours == 4 and scene.zero_based.reading == "0-based"
    last = scene.steps[-1]
    assert last.key == "fastest" and last.lesson
    assert (last.values["offset_move"], last.values["centre_move"], last.values["offset_share_end"]) == \
        ("+15", "−5.22", "99%")
    assert [s.key for s in scene.steps if "0-based" in s.caption] == ["fastest"]
    # the table of moves on the share plot: every parameter's θ_15 − θ_0
    rows = scene.moves[1]
    assert [r[0].original_text for r in rows] == ["θ₁", "θ₂", "θ₃", "θ₄", "θ₅"]
    assert [r[1].original_text for r in rows] == [
        ("+" if d > 0 else "−") + (f"{abs(d):.0f}" if d == round(d) else f"{abs(d):.2f}") for d in moved]
    # the box holds θ₅'s two bars and its name
    box = scene.offset_box
    for bar in (scene.share_bars["start"][4], scene.share_bars["end"][4]):
        assert box.get_left()[0] < bar.get_left()[0] and bar.get_right()[0] < box.get_right()[0]
        assert bar.get_top()[1] < box.get_top()[1]


def test_no_counterfactual_bars_and_no_dispute(scene):
    # the one-at-a-time outlines and the reading dispute are gone (issue 19 §3)
    keys = [s.key for s in scene.steps]
    assert not {"one_at_a_time", "posts_theta4", "claim", "not_the_offset", "valley_terms"} & set(keys)
    assert keys == ["title", "panels", "first_kernel", "wall", "training", "two_phases", "why_flat", "shares",
                    "floor", "fastest"]


def test_title_card_bridge_and_narration(scene):
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
