"""The "don't mix your kernels" scene draws ntkcore's numbers: the NNGP and NTK columns of the same
network, the NNGP posterior mean and the NTK gradient-descent limit through the same training
points, and the largest gap between them."""

import numpy as np
import pytest

from ntkcore import wide, wide_experiments as we
from scene_helpers import assert_inside_frame, construct, curve_anchors, points_data

S = we.WideSettings()
D = we.nngp_vs_ntk(S)


@pytest.fixture(scope="module")
def scene():
    from scenes.ch9_nngp_vs_ntk import DontMixKernels
    return construct(DontMixKernels)


def normalized(col):
    i = int(np.argmin(np.abs(D["x"] - S.x_obs)))
    assert D["x"][i] == S.x_obs
    return col / col[i]


@pytest.mark.parametrize("which", ["nngp", "ntk"])
def test_kernel_curves_map_back_to_normalized_columns(scene, which):
    axes = getattr(scene, f"{which}_axes")
    xs, ys = curve_anchors(axes, getattr(scene, f"{which}_curve"))
    np.testing.assert_allclose(xs, D["x"], atol=1e-6)
    np.testing.assert_allclose(ys, normalized(D[which]), atol=1e-6)


def test_kernel_columns_are_the_analytic_kernels_of_the_settings_network():
    xs = wide.scale_inputs(D["x"], S.x_range)[:, None]
    x2 = wide.scale_inputs([S.x_obs], S.x_range)[:, None]
    nngp, ntk = wide.relu_kernels(xs, x2, S.depth, S.w_std, S.b_std, S.readout_w_std, S.readout_b_std)
    np.testing.assert_allclose(D["nngp"], np.asarray(nngp)[:, 0], atol=1e-12)
    np.testing.assert_allclose(D["ntk"], np.asarray(ntk)[:, 0], atol=1e-12)


def test_nngp_and_ntk_are_not_proportional():
    assert np.max(np.abs(normalized(D["nngp"]) - normalized(D["ntk"]))) > 1e-3


@pytest.mark.parametrize("which", ["nngp_mean", "ntk_mean"])
def test_mean_curves_map_back_to_the_arrays(scene, which):
    xs, ys = curve_anchors(scene.fit_axes, getattr(scene, f"{which}_curve"))
    np.testing.assert_allclose(xs, D["x"], atol=1e-6)
    np.testing.assert_allclose(ys, D[which], atol=1e-6)


def test_train_dots_map_back(scene):
    assert len(scene.train_dots) == len(D["train_x"])
    xs, ys = points_data(scene.fit_axes, [dot.get_center() for dot in scene.train_dots])
    np.testing.assert_allclose(xs, D["train_x"], atol=1e-6)
    np.testing.assert_allclose(ys, D["train_y"], atol=1e-6)


def test_train_data_are_the_settings_data():
    xt, yt = S.train_data()
    np.testing.assert_allclose(D["train_x"], xt, atol=0)
    np.testing.assert_allclose(D["train_y"], (yt - S.y_shift) / S.y_scale, atol=1e-12)


@pytest.mark.parametrize("which", ["nngp_mean", "ntk_mean"])
def test_noise_free_kernel_regression_interpolates_the_training_points(which):
    for x, y in zip(D["train_x"], D["train_y"]):
        i = int(np.argmin(np.abs(D["x"] - x)))
        assert D["x"][i] == x
        assert D[which][i] == pytest.approx(y, abs=1e-6)


def test_nngp_std_vanishes_at_the_training_points():
    idx = [int(np.argmin(np.abs(D["x"] - x))) for x in D["train_x"]]
    assert np.all(D["nngp_std"][idx] < 1e-6)


def test_the_two_means_differ():
    assert np.max(np.abs(D["nngp_mean"] - D["ntk_mean"])) > 1e-3


def test_max_gap_is_computed_from_the_arrays(scene):
    gap = np.abs(D["nngp_mean"] - D["ntk_mean"])
    k = int(np.argmax(gap))
    assert scene.max_gap_x == pytest.approx(D["x"][k], abs=1e-12)
    assert scene.max_gap == pytest.approx(gap[k], abs=1e-12)
    # The amber arrow spans exactly that gap.
    xs, ys = points_data(scene.fit_axes, [scene.gap_arrow.get_start(), scene.gap_arrow.get_end()])
    np.testing.assert_allclose(xs, [D["x"][k]] * 2, atol=1e-6)
    assert abs(ys[1] - ys[0]) == pytest.approx(gap[k], abs=1e-6)


def test_everything_inside_the_frame(scene):
    # Also the kernel panels, which are faded out before the end.
    mobs = list(scene.mobjects) + [scene.nngp_axes, scene.ntk_axes, scene.nngp_curve, scene.ntk_curve,
                                   scene.nngp_ghost, scene.ghost_label]
    for p in scene.panels.values():
        mobs += [p["label"], p["x_lab"], p["obs"]]
    assert_inside_frame(mobs, whole=True)
