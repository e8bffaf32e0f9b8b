"""The Gaussian-process chapter draws the numbers it is given: the ensemble's curves at every time,
the NTK-GP band (mean ± 2 std) of gradient descent at every time and at t = ∞, where each drawn
network's f₀ lands at t = ∞; and its captions print the agreement and the pinch as computed here,
independently of ntkcore.gp's helpers.  Built with the SMALL [gp] settings of conftest."""

import numpy as np
import pytest

from scene_helpers import (assert_captions_fit, assert_inside_frame, caption_of, caption_texts, curve_anchors,
                           numbers_in, points_data)
from scenes.components.gp_plots import band_edges


@pytest.fixture(scope="module")
def D(wide_data):
    return wide_data["gp"]


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("gp_over_time")


def gp_at(D, k):
    """(mean, std) of the NTK-GP of gradient descent at time index k; t = ∞ after the last."""
    if k == len(D["times"]):
        return D["ntk_gp_inf_mean"], D["ntk_gp_inf_std"]
    return D["ntk_gp_gd_mean"][k], D["ntk_gp_gd_std"][k]


@pytest.mark.parametrize("zoom", [False, True])
def test_bands_and_means_map_back_at_every_time(scene, D, zoom):
    ax = scene.zoom_axes if zoom else scene.axes
    bands, means = (scene.zoom_bands, scene.zoom_means) if zoom else (scene.bands, scene.means)
    assert len(bands) == len(means) == len(D["times"]) + 1
    for k, (poly, mean_curve) in enumerate(zip(bands, means)):
        mean, std = gp_at(D, k)
        xs, lower, upper = band_edges(ax, poly)
        np.testing.assert_allclose(xs, D["x_grid"], atol=1e-6)
        np.testing.assert_allclose(upper, mean + 2 * std, atol=1e-6)
        np.testing.assert_allclose(lower, mean - 2 * std, atol=1e-6)
        xs, ys = curve_anchors(ax, mean_curve)
        np.testing.assert_allclose(ys, mean, atol=1e-6)
    # t = 0: the prior, mean 0 and std √K(x, x).
    xs, lower, upper = band_edges(scene.axes, scene.bands[0])
    np.testing.assert_allclose(upper, 2 * D["prior_std"], atol=1e-6)


def test_the_band_pinches_at_the_training_points_at_infinite_time(scene, D):
    xs, lower, upper = band_edges(scene.zoom_axes, scene.zoom_bands[-1])
    on = [int(np.argmin(np.abs(xs - x))) for x in D["x_train_post"]]
    np.testing.assert_allclose(xs[on], D["x_train_post"], atol=1e-6)
    np.testing.assert_allclose(upper[on] - lower[on], 0.0, atol=1e-4)
    np.testing.assert_allclose(0.5 * (upper + lower)[on], D["y_train"], atol=1e-6)


def test_ensemble_curves_map_back(scene, D):
    C, T = D["ens_curves"].shape[:2]
    assert len(scene.ens_curves) == C
    for c in range(C):
        for k in range(T):
            xs, ys = curve_anchors(scene.axes, scene.ens_curves[c][k])
            np.testing.assert_allclose(ys, D["ens_curves"][c, k], atol=1e-6)


def test_zoomed_ensemble_curves_are_the_networks_from_the_last_agreeing_time_on(scene, D):
    k0, T = scene.n_agree - 1, len(D["times"])
    for c, row in enumerate(scene.zoom_ens_curves):
        assert len(row) == T - k0
        for k, curve in enumerate(row, start=k0):
            xs, ys = curve_anchors(scene.zoom_axes, curve)
            np.testing.assert_allclose(ys, D["ens_curves"][c, k], atol=1e-6)
    for k, curve in enumerate(scene.zoom_ens_means, start=k0):
        xs, ys = curve_anchors(scene.zoom_axes, curve)
        np.testing.assert_allclose(ys, D["ens_mean"][k], atol=1e-6)


def test_landing_curves_are_kernel_gd_to_infinity_from_each_f0(scene, D):
    for c, curve in enumerate(scene.landing):
        xs, ys = curve_anchors(scene.zoom_axes, curve)
        np.testing.assert_allclose(ys, D["ens_kgd_inf"][c], atol=1e-6)
        on = [int(np.argmin(np.abs(xs - x))) for x in D["x_train_post"]]
        np.testing.assert_allclose(ys[on], D["y_train"], atol=1e-6)   # through every data point


def test_training_points_map_back(scene, D):
    for ax, dots in ((scene.axes, scene.dots), (scene.zoom_axes, scene.zoom_dots)):
        xs, ys = points_data(ax, [dot.get_center() for dot in dots])
        np.testing.assert_allclose(xs, D["x_train_post"], atol=1e-6)
        np.testing.assert_allclose(ys, D["y_train"], atol=1e-6)


def test_the_zoomed_axes_hold_everything_drawn_on_them(scene, D):
    lo, hi = scene.zoom_y_range[:2]
    assert lo < hi and (hi - lo) < (scene.y_range[1] - scene.y_range[0])
    late = np.concatenate([D["ntk_gp_gd_mean"][scene.n_agree - 1:] + 2 * D["ntk_gp_gd_std"][scene.n_agree - 1:],
                           D["ntk_gp_gd_mean"][scene.n_agree - 1:] - 2 * D["ntk_gp_gd_std"][scene.n_agree - 1:],
                           D["ens_kgd_inf"], D["ens_curves"][:, scene.n_agree - 1:]], axis=None)
    assert lo <= late.min() and late.max() <= hi


def test_agreement_caption_is_the_worst_offset_in_gp_standard_deviations(scene, D):
    # Offsets of the ensemble from the GP of GD, in units of the GP's std, computed here.
    sd = D["ntk_gp_gd_std"]
    mean_off = (np.abs(D["ens_mean"] - D["ntk_gp_gd_mean"]) / sd).max(axis=1)
    std_off = (np.abs(D["ens_std"] - sd) / sd).max(axis=1)
    ok = (mean_off <= 1) & (std_off <= 1)
    n_agree = max(1, int(np.argmin(ok)) if not ok.all() else len(ok))
    said = caption_of(scene, "zoom")
    assert "up to t = " in said
    t, S, worst = numbers_in(said)[:3]
    assert "at every x" in said and "mean and std" in said and "GP std of the GP's" in said
    assert t == D["times"][n_agree - 1] and S == int(D["ens_seeds"])
    assert worst == pytest.approx(max(mean_off[:n_agree].max(), std_off[:n_agree].max()), abs=0.005 + 1e-9)
    assert worst <= 1.0 + 0.005


def test_lag_captions_give_the_offset_in_standard_errors(scene, D):
    # From the first time the networks disagree on: where their mean is farthest from the GP's, by how
    # much, and that in standard errors s/√S of the S-network mean, computed here.  No "GP std": there
    # (a training point) the GP's std shrinks towards 0.
    S = int(D["ens_seeds"])
    steps = [st for st in scene.steps if st.key == "lag"]      # one entry, shown at every later time
    assert len(steps) == len(D["times"]) - scene.n_agree
    assert [st.id for st in steps] == ["gp_over_time.lag", *(f"gp_over_time.lag.{n}" for n in range(2, len(steps) + 1))]
    assert all(st.caption.startswith("At t = ") for st in steps)
    assert [st.variant for st in steps][:1] == [None] and all(st.variant in ("fitted", "later") for st in steps[1:])
    for k, st in zip(range(scene.n_agree, len(D["times"])), steps):
        c = st.caption
        d = np.abs(D["ens_mean"][k] - D["ntk_gp_gd_mean"][k])
        i = int(np.argmax(d))
        nums = numbers_in(c)
        assert nums[0] == D["times"][k]
        assert any(v == pytest.approx(D["x_grid"][i]) for v in nums[1:]), c          # where
        assert any(v == pytest.approx(d[i], abs=0.005 + 1e-9) for v in nums[1:]), c  # how far
        errs = numbers_in(c.split("standard errors")[0])[-1]
        assert errs == pytest.approx(d[i] / (D["ens_std"][k][i] / np.sqrt(S)), abs=0.5 + 1e-9)
        assert "GP std" not in c and "GP std" not in st.narration
        assert ("has fitted" in c) == (st.variant == "fitted")
        if st.variant == "fitted":
            # a training point, where the GP's mean is much closer to the target than the networks' to it
            j = int(np.argmin(np.abs(D["x_train_post"] - D["x_grid"][i])))
            assert D["x_train_post"][j] == pytest.approx(D["x_grid"][i])
            res = abs(D["ntk_gp_gd_mean"][k][i] - D["y_train"][j])
            assert res < 0.2 * d[i]
            assert f"only {res:.2f} from the target" in st.narration


def test_the_prior_is_drawn_in_the_nngp_colour_and_k_is_defined(scene, D):
    theme = scene.theme
    assert scene.bands[0].get_fill_color().to_hex().upper() == theme.nngp.upper()
    assert all(b.get_fill_color().to_hex().upper() == theme.ntk_exact.upper() for b in scene.bands[1:])
    caps = caption_texts(scene)
    first_k = next(c for c in caps if " K" in c or "K," in c)
    assert first_k == caption_of(scene, "nngp")
    assert "neural\nnetwork Gaussian process (NNGP)" in first_k or "neural network Gaussian process (NNGP)" in first_k
    defined = caption_of(scene, "nngp_kernel")
    assert defined.startswith("K, the NNGP kernel: the covariance of f₀ over initializations")


def test_pinch_caption_prints_the_largest_std_at_infinite_time(scene, D):
    said = caption_of(scene, "pinch")
    assert said.startswith("As t → ∞")
    nums = numbers_in(said)
    assert nums[-1] == pytest.approx(D["ntk_gp_inf_std"].max(), abs=0.0005 + 1e-9)
    assert nums[0] == len(D["y_train"])
    # "std < bound" at the training points: a true bound, below the largest std between them.
    on = [int(np.argmin(np.abs(D["x_grid"] - x))) for x in D["x_train_post"]]
    assert D["ntk_gp_inf_std"][on].max() < nums[1] < D["ntk_gp_inf_std"].max()


def test_captions_and_everything_inside_the_frame(scene):
    assert_captions_fit(scene.captions)
    assert any("Gaussian process" in c for c in caption_texts(scene))
    mobs = list(scene.mobjects) + [scene.axes, scene.names, scene.legend, *scene.time_labels, *scene.bands]
    assert_inside_frame(mobs, whole=True)


def test_every_step_has_its_own_narration(scene):
    assert scene.steps and all(st.narration and st.narration != st.caption for st in scene.steps)
