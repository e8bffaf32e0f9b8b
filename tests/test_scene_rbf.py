"""Example 4's scene draws ntkcore's numbers: arrows, the finite-step kernel, the exact NTK, and
the post's three observations (maximum at 7, negative values from the valley moving left, positive
tails)."""

import numpy as np
import pytest

import ntkcore
from ntkcore import EXAMPLES
from scene_helpers import assert_arrows_match, assert_inside_frame, construct, points_data

EX = EXAMPLES["rbf"]


@pytest.fixture(scope="module")
def scene(request):
    from scenes.ch5_rbf import RBFNetwork
    return construct(RBFNetwork)


def test_arrows_map_back_to_displacement(scene):
    f0, d = EX.values(), EX.displacement()
    assert sorted(scene.arrows) == list(range(len(EX.grid)))
    assert_arrows_match(scene.axes, scene.arrows, EX.grid, f0, d, tol=1e-6)


def test_arrows_are_not_proportional_to_a_line():
    d = EX.displacement()
    slope, icpt = np.polyfit(EX.grid, d, 1)
    assert np.max(np.abs(d - (slope * EX.grid + icpt))) > 0.1


def test_function_dots_sit_on_f(scene):
    xs, ys = points_data(scene.axes, [dot.get_center() for dot in scene.dots])
    np.testing.assert_allclose(xs, EX.grid, atol=1e-6)
    np.testing.assert_allclose(ys, EX.values(), atol=1e-6)


def test_kernel_dots_map_back_to_normalized_finite_kernel(scene):
    assert len(scene.kernel_dots) == len(EX.grid)
    xs, ys = points_data(scene.kernel_axes, [dot.get_center() for dot in scene.kernel_dots])
    np.testing.assert_allclose(xs, EX.grid, atol=1e-6)
    np.testing.assert_allclose(ys, EX.kernel_finite_normalized(), atol=1e-6)
    # ... which is the finite-step kernel of the step's η, over its value at x'
    k = EX.kernel_finite(EX.step_eta())
    np.testing.assert_allclose(ys, k / k[EX.obs_index], atol=1e-6)


def test_kernel_curve_samples_are_the_finite_step_kernel(scene):
    xs, ys = points_data(scene.kernel_axes, scene.kernel_curve.get_anchors())
    x_obs, eta = EX.observation[0], EX.step_eta()
    k = np.asarray(ntkcore.finite_step_kernel(EX.f, EX.theta, xs, x_obs, eta))
    k_obs = float(ntkcore.finite_step_kernel(EX.f, EX.theta, np.array([x_obs]), x_obs, eta)[0])
    np.testing.assert_allclose(ys, k / k_obs, atol=1e-6)
    assert xs.min() == pytest.approx(EX.x_range[0], abs=1e-6)
    assert xs.max() == pytest.approx(EX.x_range[1], abs=1e-6)


def test_ntk_dots_and_curve_map_back_to_exact_ntk(scene):
    assert len(scene.ntk_dots) == len(EX.grid)
    xs, ys = points_data(scene.kernel_axes, [dot.get_center() for dot in scene.ntk_dots])
    np.testing.assert_allclose(xs, EX.grid, atol=1e-6)
    np.testing.assert_allclose(ys, EX.ntk_normalized(), atol=1e-6)
    cx, cy = points_data(scene.kernel_axes, scene.ntk_curve.get_anchors())
    x_obs = np.array([EX.observation[0]])
    k = np.asarray(ntkcore.ntk_jvp(EX.f, EX.theta, cx, x_obs)[:, 0])   # the other route
    k_obs = float(ntkcore.ntk_jvp(EX.f, EX.theta, x_obs, x_obs)[0, 0])
    np.testing.assert_allclose(cy, k / k_obs, atol=1e-6)


def test_eta_shrinks_from_the_step_towards_zero(scene):
    etas = np.asarray(scene.etas)
    assert etas[0] == pytest.approx(EX.step_eta(), rel=1e-12)
    assert np.all(np.diff(etas) < 0) and 0 < etas[-1] < 0.02 * etas[0]
    # the first curve of the morph is the step's own kernel
    np.testing.assert_allclose(scene.finite_grid[0], EX.kernel_finite_normalized(), atol=1e-9)
    # the last finite curve is already close to the NTK, the first is not
    assert np.max(np.abs(scene.finite_grid[-1] - EX.ntk_normalized())) < 0.01
    assert np.max(np.abs(scene.finite_grid[0] - EX.ntk_normalized())) > 0.05


def test_annotated_maximum_is_at_7_not_at_the_observation(scene):
    assert scene.max_marker_x == 7.0                       # the post's fact
    assert scene.max_marker_x == EX.grid[np.argmax(EX.kernel_finite_normalized())]
    assert scene.max_marker_x != EX.observation[0]
    assert scene.ntk_max_x == 8.0 == EX.grid[np.argmax(EX.ntk_normalized())]


def test_valley_moves_left(scene):
    theta_new = np.asarray(ntkcore.gd_step(EX.f, EX.theta, *EX.observation, EX.lr))
    assert scene.valley_before == pytest.approx(EX.theta0[0], abs=1e-12)
    assert scene.valley_after == pytest.approx(theta_new[0], abs=1e-12)
    assert scene.valley_after < scene.valley_before
    # and the kernel is negative around x = 0, left of the valley
    assert scene.neg_x < EX.theta0[0] and np.min(EX.kernel_finite_normalized()) < 0


def test_tails_level_off_at_positive_constants(scene):
    k = EX.kernel_finite_normalized()
    assert scene.tails == pytest.approx((k[0], k[-1]), abs=1e-12)
    assert round(k[0], 2) == 0.41 and round(k[-1], 2) == 0.42   # the post's values
    assert abs(k[1] - k[0]) < 0.02 and abs(k[-1] - k[-2]) < 0.01  # levelled off


def test_everything_inside_the_frame(scene):
    assert_inside_frame(scene.mobjects, whole=True)
