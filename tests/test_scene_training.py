"""Example 5's scene draws ntkcore's numbers: 16 kernel curves, their colours, the dots, θ5."""

import numpy as np
import pytest
from manim import ManimColor

from ntkcore import EXAMPLES
from scenes import palette
from scene_helpers import assert_inside_frame, construct, curve_anchors

EX = EXAMPLES["training"]


@pytest.fixture(scope="module")
def scene(request):
    from scenes.ch6_training import KernelDuringTraining
    return construct(KernelDuringTraining)


def test_one_kernel_curve_per_step(scene):
    assert EX.steps == 15
    assert len(scene.kernel_curves) == EX.steps + 1 == len(EX.trajectory().thetas)
    assert len(scene.kernel_colors) == EX.steps + 1


@pytest.mark.parametrize("t", range(16))
def test_curve_passes_through_the_normalized_kernel(scene, t):
    k = EX.kernels_normalized()
    xs, ys = curve_anchors(scene.kernel_axes, scene.kernel_curves[t])
    assert xs.shape == ys.shape == (len(EX.grid),)
    np.testing.assert_allclose(xs, EX.grid, atol=1e-6)
    np.testing.assert_allclose(ys, k[t], atol=1e-6)


def test_normalized_kernel_is_one_at_the_observation():
    # The normalisation itself: every curve passes through (x', 1).
    np.testing.assert_allclose(EX.kernels_normalized()[:, EX.obs_index], 1.0, atol=1e-12)


def test_colours_go_from_purple_to_orange(scene):
    colors = [c.upper() for c in scene.kernel_colors]
    assert colors[0] == palette.KERNEL_START.upper()
    assert colors[-1] == palette.KERNEL_END.upper()
    for curve, c in zip(scene.kernel_curves, colors):
        assert curve.get_stroke_color().to_hex().upper() == c
    rgb = np.array([ManimColor(c).to_rgb() for c in colors])
    assert np.all(np.diff(rgb[:, 0]) > 0), "red should rise from purple to orange"
    assert np.all(np.diff(rgb[:, 2]) < 0), "blue should fall from purple to orange"


def test_kernel_gets_flatter_at_every_step():
    k = EX.kernels_normalized()
    spread = k.max(axis=1) - k.min(axis=1)
    assert np.all(np.diff(spread) < 0)
    assert spread[0] > 5 * spread[-1]


def test_final_dots_sit_on_f_after_the_last_step(scene):
    f_last = EX.trajectory().f[-1]
    assert len(scene.dots) == len(EX.grid)
    for x, y, dot in zip(EX.grid, f_last, scene.dots):
        px, py = scene.axes.p2c(dot.get_center())[:2]
        assert px == pytest.approx(x, abs=1e-6) and py == pytest.approx(y, abs=1e-6)


def test_f_at_observation_rises():
    f_obs = EX.trajectory().f[:, EX.obs_index]
    assert np.all(np.diff(f_obs) > 0)


def test_the_offset_moved_most(scene):
    thetas = np.asarray([np.asarray(th) for th in EX.trajectory().thetas])
    assert scene.most_moved == 4
    assert EX.model_spec.param_names[4].startswith("θ5")
    # ∂f/∂θ5 = 1 everywhere, so each of the steps adds exactly ascent_lr · 1 to θ5.
    assert thetas[-1, 4] - thetas[0, 4] == pytest.approx(EX.steps * EX.ascent_lr, abs=1e-9)
    assert thetas[-1, 4] - thetas[0, 4] == pytest.approx(15.0, abs=1e-9)
    assert np.argmax(np.abs(thetas[-1] - thetas[0])) == 4


def test_kernel_axes_fit_the_curves(scene):
    k = EX.kernels_normalized()
    y_lo, y_hi = scene.kernel_axes.y_range[:2]
    assert y_lo <= k.min() and k.max() <= y_hi


def test_everything_inside_the_frame(scene):
    assert scene.kernel_axes in scene.mobjects
    assert scene.caption_mob in scene.mobjects
    parts = assert_inside_frame(scene.mobjects)   # every visible part (the axes' own lines are invisible)
    assert len(parts) > 100
