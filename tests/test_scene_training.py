"""Example 5's scene draws ntkcore's numbers: 16 kernel curves, their colours, the dots, θ5.  The
expected numbers come from rbf_by_hand (15 steps of gradient ascent in NumPy with the hand-derived
gradient), not from ntkcore."""

import numpy as np
import pytest
from manim import ManimColor

import rbf_by_hand as hand
from ntkcore import EXAMPLES
from scene_helpers import assert_inside_frame, caption_texts, curve_anchors

EX = EXAMPLES["training"]
STEPS, ASCENT_LR, I_OBS = 15, 1.0, 20
THETAS = hand.ascent(hand.THETA0, ASCENT_LR, STEPS)
# The kernel of the step taken from θ_t (η = 1), over its value at x' = 10: (16, 31)
K = np.array([hand.finite_kernel(th, hand.GRID, ASCENT_LR) / hand.finite_kernel(th, hand.X_OBS, ASCENT_LR)
              for th in THETAS])
SPREAD = K.max(axis=1) - K.min(axis=1)


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("training")



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
    # spread (max − min) 1.61 at t = 0 and 0.28 at t = 15, as the last caption but one says
    assert (round(SPREAD[0], 2), round(SPREAD[-1], 2)) == (1.61, 0.28)
    assert any("from 1.61 at t = 0 to 0.28 at t = 15" in t for t in caption_texts(scene))


def test_final_dots_sit_on_f_after_the_last_step(scene):
    f_last = hand.f(THETAS[-1], hand.GRID)
    assert len(scene.dots) == len(hand.GRID)
    for x, y, dot in zip(hand.GRID, f_last, scene.dots):
        px, py = scene.axes.p2c(dot.get_center())[:2]
        assert px == pytest.approx(x, abs=1e-6) and py == pytest.approx(y, abs=1e-6)


def test_f_at_observation_rises_from_46_99_to_64_87():
    f_obs = np.array([hand.f(th, hand.X_OBS) for th in THETAS])
    assert np.all(np.diff(f_obs) > 0)
    assert (round(f_obs[0], 2), round(f_obs[-1], 2)) == (46.99, 64.87)
    np.testing.assert_allclose(EX.trajectory().f[:, I_OBS], f_obs, rtol=0, atol=1e-9)


def test_the_offset_moved_most(scene):
    moved = np.abs(THETAS[-1] - THETAS[0])
    assert scene.most_moved == int(np.argmax(moved)) == 4
    assert EX.model_spec.param_names[4].startswith("θ5")
    # ∂f/∂θ5 = 1 everywhere, so each of the 15 steps adds exactly 1·1 to θ5: 50 → 65.
    assert THETAS[-1][4] - THETAS[0][4] == pytest.approx(STEPS * ASCENT_LR, abs=1e-12)
    assert any("θ5 (offset): 50.0 → 65.0" in t for t in caption_texts(scene))


def test_kernel_axes_fit_the_curves(scene):
    y_lo, y_hi = scene.kernel_axes.y_range[:2]
    assert y_lo <= K.min() and K.max() <= y_hi


def test_everything_inside_the_frame(scene):
    assert scene.kernel_axes in scene.mobjects
    assert scene.caption_mob in scene.mobjects
    parts = assert_inside_frame(scene.mobjects)   # every visible part (the axes' own lines are invisible)
    assert len(parts) > 100
