"""The wide-network chapters' numbers (ntkcore.wide_experiments), on the SMALL settings of conftest
(the very files the chapters load in the scene tests), against theory and against independent
routes to the same numbers.  Each slope has exactly one bound, here, derived in its comment."""

import jax
import numpy as np
import pytest

import rbf_by_hand as hand
from ntkcore import wide


# --------------------------------------------------------------------------- chapter "wide_init"


def test_init_spread_shrinks_like_one_over_sqrt_width(wide_data):
    d, s = wide_data["init_band"], wide_data.wide
    lw, slope = np.log(d["widths"].astype(float)), float(d["spread_slope"])
    # (That the chapter draws and prints the least-squares slope of its dots is checked on the
    # drawn dots and line, in test_scene_wide_init.py.)
    # Theory: each entry of the empirical NTK fluctuates around its infinite-width limit with a
    # standard deviation ∝ 1/√width (Jacot et al. 2018), so the slope is −1/2.  Bound: the sample
    # standard deviation of S seeds has relative error 1/√(2(S−1)) (= 0.127 for S = 32), i.e. that
    # much noise on each log spread; least squares turns it into a slope error
    # σ = 0.127/√Σ(log w − mean)² (= 0.065 for widths 64, 256, 1024).  Allow 3σ.
    sigma = 1 / np.sqrt(2 * (s.seeds - 1)) / np.sqrt(np.sum((lw - lw.mean()) ** 2))
    assert abs(slope - (-0.5)) <= 3 * sigma, (slope, sigma)


def test_widest_band_is_centred_on_the_analytic_ntk(wide_data):
    # The mean of S random networks' kernels estimates the infinite-width NTK; its error is the
    # seed noise std/√S (bound: 4 of those) plus a finite-width bias O(1/width) (bound: 2/width
    # of the kernel's scale).
    d = wide_data["init_band"]
    curves, analytic = d["curves"][-1], d["analytic_ntk"]
    S, width = curves.shape[0], float(d["widths"][-1])
    err = np.abs(curves.mean(axis=0) - analytic)
    bound = 4 * curves.std(axis=0, ddof=1) / np.sqrt(S) + 2 / width * np.abs(analytic).max()
    assert np.all(err <= bound), (err / bound).max()


# --------------------------------------------------------------------------- chapter "wide_training"


def test_training_changes_wide_kernels_less(wide_data):
    d = wide_data["training_change"]
    change, slope = d["rel_change"].mean(axis=1), float(d["rel_change_slope"])
    # Theory brackets the rate: the kernel's change during training is at most O(1/√width)
    # (Lee et al. 2019) and O(1/width) in the large-width expansion (Dyer & Gur-Ari 2020), so the
    # slope lies in [−1, −1/2].  Bound: the seed-to-seed scatter of log change is about 0.6 at
    # width 16 and 0.4 at width 1024 (3 seeds of the default settings: 1.25/0.55/0.38 and
    # 0.018/0.038/0.026), so the log of a mean of 2 seeds has σ ≈ 0.43 and 0.26; least squares over
    # log widths 16, 128, 1024 (±2.08 around the middle) gives σ_slope ≈ √(0.43² + 0.26²)/(2·2.08)
    # ≈ 0.12.  Allow 2.5σ on either side: [−1.3, −0.2].
    assert -1.3 <= slope <= -0.2, slope
    assert change[-1] < change[0]
    # Training converged, and the wide net ends closer to kernel regression with its initial NTK.
    # (½·Σ residual² < 0.1 over 5 points: RMS residual < 0.2 on targets (y − 45)/10 from −0.5 to 0.56)
    assert d["final_loss"].max() < 0.1
    assert d["gap"][-1].mean() < d["gap"][0].mean()


@pytest.mark.parametrize("name", ["training_change", "nngp_vs_ntk"])
def test_training_data_are_the_post_s_data(wide_data, name):
    # Example 4's starting function at train_x (by hand), with the observation (10, 50) at x = 10,
    # scaled as (y − y_shift) / y_scale.
    d, s = wide_data[name], wide_data.wide
    xt = np.asarray(s.train_x)
    yt = np.where(xt == 10.0, 50.0, hand.f(hand.THETA0, xt))
    np.testing.assert_array_equal(d["train_x"], xt)
    np.testing.assert_allclose(d["train_y"], (yt - s.y_shift) / s.y_scale, atol=1e-12)


# --------------------------------------------------------------------------- chapter "nngp_vs_ntk"


def test_nngp_and_ntk_predictors_differ_but_both_interpolate(wide_data):
    d = wide_data["nngp_vs_ntk"]
    idx = [int(np.flatnonzero(d["x"] == x)[0]) for x in d["train_x"]]
    np.testing.assert_allclose(d["nngp_mean"][idx], d["train_y"], atol=1e-6)   # noise-free regression
    np.testing.assert_allclose(d["ntk_mean"][idx], d["train_y"], atol=1e-6)
    assert np.all(d["nngp_std"][idx] < 1e-6)                                   # no doubt at the data
    assert np.abs(d["nngp_mean"] - d["ntk_mean"]).max() > 1e-2
    i = int(np.flatnonzero(d["x"] == wide_data.wide.x_obs)[0])
    assert np.abs(d["nngp"] / d["nngp"][i] - d["ntk"] / d["ntk"][i]).max() > 1e-2


def test_kernel_columns_at_x_obs_by_hand(wide_data):
    # On the diagonal the angle is 0 at every layer, so the recursion needs no arc-cosine:
    # q ← w²·q/2 + b² (E[φ(u)²] = q/2) and Θ ← q_new + w²/2·Θ (E[φ'(u)²] = 1/2), starting from
    # q = Θ = w²·x² + b² at the first layer.
    d, s = wide_data["nngp_vs_ntk"], wide_data.wide
    x = float(wide.scale_inputs([s.x_obs], s.x_range)[0])
    q = s.w_std ** 2 * x * x + s.b_std ** 2
    theta = q
    for w, b in [(s.w_std, s.b_std)] * (s.depth - 1) + [(s.readout_w_std, s.readout_b_std)]:
        q = w ** 2 * q / 2 + b ** 2
        theta = q + w ** 2 / 2 * theta
    i = int(np.flatnonzero(d["x"] == s.x_obs)[0])
    assert d["nngp"][i] == pytest.approx(q, rel=1e-12)
    assert d["ntk"][i] == pytest.approx(theta, rel=1e-12)


def test_nngp_column_is_the_output_covariance_of_random_networks(wide_data):
    # The NNGP is E[f(x) f(x')] over random initializations (Neal 1994): estimate it from N random
    # networks of width 64.  Bound: the Monte Carlo error of a mean of N products is
    # √(K(x,x)K(x',x') + K(x,x')²)/√N (Gaussian outputs; 4 of those), plus the finite-width bias
    # O(1/width) (bound: 2/width of the kernel's scale).
    d, s = wide_data["nngp_vs_ntk"], wide_data.wide
    arch, N, width, batch = s.arch, 4000, 64, 500
    xs = s.scaled(s.grid)
    i = int(np.flatnonzero(d["x"] == s.x_obs)[0])
    keys = jax.random.split(jax.random.PRNGKey(7), N).reshape(N // batch, batch, -1)
    nets = jax.jit(jax.vmap(lambda k: wide.apply_batch(wide.init_params(k, width, arch), xs, arch)))
    outs = np.concatenate([np.asarray(nets(k)) for k in keys])          # (N, n) outputs on the grid
    cov = (outs * outs[:, [i]]).mean(axis=0)
    diag = (outs ** 2).mean(axis=0)
    bound = 4 * np.sqrt(diag * diag[i] + cov ** 2) / np.sqrt(N) + 2 / width * np.abs(d["nngp"]).max()
    err = np.abs(cov - d["nngp"])
    assert np.all(err <= bound), (err / bound).max()
