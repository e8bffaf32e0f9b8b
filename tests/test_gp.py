"""Kernel gradient descent, the NTK-GP and the NNGP posterior (ntkcore.gp): closed forms against
an ODE integrator, matrix exponentials, explicit recursions, textbook identities, and finite-width
ensembles trained by gradient descent."""

import dataclasses
import json
from statistics import NormalDist

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import numpy as np
import pytest

import ntkcore  # noqa: F401  (float64)
from ntkcore import gp, wide
from ntkcore.wide_experiments import WideSettings

S = WideSettings()
ARCH = S.arch
XT_RAW, YT_RAW = S.train_data()
X_TRAIN = S.scaled(XT_RAW)                       # (5,) network units
Y_TRAIN = (YT_RAW - S.y_shift) / S.y_scale       # (5,) the targets trained on
X_TEST = S.scaled(S.grid)                        # (31,)
KB = gp.analytic_kernels(X_TEST, X_TRAIN, ARCH)
GP_ARGS = (KB.k_tt, KB.k_td, KB.k_dd, KB.theta_td, KB.theta_dd, Y_TRAIN)
ON_TRAIN = [int(np.argmin(np.abs(X_TEST - x))) for x in X_TRAIN]   # test-grid indices of the data
np.testing.assert_allclose(X_TEST[ON_TRAIN], X_TRAIN, atol=1e-12)  # the data lie on the grid


def _f0():
    """One draw of f_0 ~ GP(0, K) on [X; x] (any vector would do for the linear ODE)."""
    xs = np.concatenate([X_TRAIN, X_TEST])
    k, _ = wide.relu_kernels(xs[:, None], xs[:, None], ARCH.depth)
    L = np.linalg.cholesky(np.asarray(k) + 1e-10 * np.eye(len(xs)))
    z = L @ np.random.default_rng(0).standard_normal(len(xs))
    return z[len(X_TRAIN):], z[:len(X_TRAIN)]   # f0_test (31,), f0_train (5,)


# --------------------------------------------------------------------------- kernel GD


def test_closed_form_kernel_gd_matches_rk4_integration_of_the_ode():
    f0_test, f0_train = _f0()
    times = [0.0, 0.3, 1.0, 5.0, 20.0, 80.0]
    closed_test = gp.kernel_gd(KB.theta_td, KB.theta_dd, f0_test, f0_train, Y_TRAIN, times)
    closed_train = gp.kernel_gd_train(KB.theta_dd, f0_train, Y_TRAIN, times)
    ode_test, ode_train = gp.kernel_gd_ode(KB.theta_td, KB.theta_dd, f0_test, f0_train, Y_TRAIN, times)
    assert closed_test.shape == ode_test.shape == (6, 31)
    assert closed_train.shape == ode_train.shape == (6, 5)
    np.testing.assert_allclose(closed_test, ode_test, rtol=0, atol=1e-8)
    np.testing.assert_allclose(closed_train, ode_train, rtol=0, atol=1e-8)
    # It really moves: from f_0 towards the data.
    assert np.abs(closed_train[-1] - Y_TRAIN).max() < 0.3 * np.abs(f0_train - Y_TRAIN).max()


def test_kernel_gd_train_is_the_test_formula_at_the_training_inputs():
    # Θ(X,X) Θ(X,X)⁻¹ (I − e^{−Θt}) = I − e^{−Θt}: the two functions must agree.
    _, f0_train = _f0()
    times = [0.0, 0.7, 4.0, jnp.inf]
    a = gp.kernel_gd(KB.theta_dd, KB.theta_dd, f0_train, f0_train, Y_TRAIN, times)
    b = gp.kernel_gd_train(KB.theta_dd, f0_train, Y_TRAIN, times)
    np.testing.assert_allclose(a, b, atol=1e-9)
    np.testing.assert_allclose(b[-1], Y_TRAIN, atol=1e-9)  # t = ∞ interpolates


@pytest.mark.parametrize("lr", [0.125, 0.6])  # ηλ_max ≈ 0.34 and ≈ 1.6 (oscillating, still stable)
def test_discrete_kernel_gd_equals_the_explicit_gd_recursion(lr):
    f0_test, f0_train = _f0()
    th_dd, th_td = np.asarray(KB.theta_dd), np.asarray(KB.theta_td)
    steps = [0, 1, 3, 16, 40]
    ft, fd, rec_t, rec_d = f0_test.copy(), f0_train.copy(), [], []
    for k in range(max(steps) + 1):
        if k in steps:
            rec_t.append(ft.copy())
            rec_d.append(fd.copy())
        r = fd - Y_TRAIN
        ft, fd = ft - lr * th_td @ r, fd - lr * th_dd @ r
    times = [k * lr for k in steps]
    np.testing.assert_allclose(gp.kernel_gd(th_td, th_dd, f0_test, f0_train, Y_TRAIN, times, lr=lr),
                               rec_t, atol=1e-10)
    np.testing.assert_allclose(gp.kernel_gd_train(th_dd, f0_train, Y_TRAIN, times, lr=lr), rec_d,
                               atol=1e-10)


# --------------------------------------------------------------------------- NTK-GP and NNGP


def _ntk_gp_by_expm(t):
    """NTK-GP mean and covariance with e^{−Θt} from a Padé matrix exponential and Θ⁻¹ by solve."""
    th_dd = np.asarray(KB.theta_dd)
    E = np.asarray(jsl.expm(-th_dd * t))
    A = np.linalg.solve(th_dd, (np.eye(5) - E).T).T  # Θ⁻¹ and (I − E) commute
    A = np.asarray(KB.theta_td) @ A
    k_td, k_dd, k_tt = (np.asarray(a) for a in (KB.k_td, KB.k_dd, KB.k_tt))
    return A @ Y_TRAIN, k_tt + A @ k_dd @ A.T - A @ k_td.T - k_td @ A.T


def test_ntk_gp_matches_an_independent_matrix_exponential_computation():
    times = [0.5, 3.0, 30.0]
    pred = gp.ntk_gp(*GP_ARGS, times, full_cov=True)
    assert pred.mean.shape == pred.std.shape == (3, 31) and pred.cov.shape == (3, 31, 31)
    for i, t in enumerate(times):
        mean, cov = _ntk_gp_by_expm(t)
        np.testing.assert_allclose(pred.mean[i], mean, atol=1e-9)
        np.testing.assert_allclose(pred.cov[i], cov, atol=1e-9)
        np.testing.assert_allclose(pred.std[i], np.sqrt(np.clip(np.diag(cov), 0, None)), atol=1e-6)


def test_at_time_zero_the_ntk_gp_is_the_prior():
    pred = gp.ntk_gp(*GP_ARGS, [0.0], full_cov=True)
    np.testing.assert_allclose(pred.mean[0], 0.0, atol=1e-14)
    np.testing.assert_allclose(pred.std[0], np.sqrt(np.diag(np.asarray(KB.k_tt))), atol=1e-12)
    np.testing.assert_allclose(pred.cov[0], KB.k_tt, atol=1e-12)


def test_large_finite_time_meets_the_infinite_time_formula():
    # Slowest mode: e^{−λ_min t} with λ_min ≈ 0.017, t = 3000: e^{−50} ≈ 2e−22.
    pred = gp.ntk_gp(*GP_ARGS, [3000.0, jnp.inf], full_cov=True)
    np.testing.assert_allclose(pred.mean[0], pred.mean[1], atol=1e-10)
    np.testing.assert_allclose(pred.cov[0], pred.cov[1], atol=1e-10)
    # t = ∞ against A = Θ(x,X) Θ(X,X)⁻¹ by a linear solve (no eigendecomposition).
    A = np.linalg.solve(np.asarray(KB.theta_dd), np.asarray(KB.theta_td).T).T
    k_td, k_dd, k_tt = (np.asarray(a) for a in (KB.k_td, KB.k_dd, KB.k_tt))
    np.testing.assert_allclose(pred.mean[1], A @ Y_TRAIN, atol=1e-10)
    np.testing.assert_allclose(pred.cov[1], k_tt + A @ k_dd @ A.T - A @ k_td.T - k_td @ A.T, atol=1e-9)
    # ... and it is kernel regression with the NTK (ntkcore.wide's own formula).
    np.testing.assert_allclose(pred.mean[1], wide.kernel_regression(KB.theta_td, KB.theta_dd, Y_TRAIN),
                               atol=1e-10)


def test_at_infinite_time_and_in_the_nngp_posterior_the_data_are_interpolated():
    ntk_inf = gp.ntk_gp(*GP_ARGS, [jnp.inf], full_cov=True)
    nngp = gp.nngp_posterior(KB.k_tt, KB.k_td, KB.k_dd, Y_TRAIN, full_cov=True)
    for mean, cov in ((ntk_inf.mean[0], ntk_inf.cov[0]), (nngp.mean, nngp.cov)):
        mean, cov = np.asarray(mean), np.asarray(cov)
        np.testing.assert_allclose(mean[ON_TRAIN], Y_TRAIN, atol=1e-9)
        # Variances cancel to round-off (K ~ 1, cond K(X,X) ~ 1500): ≤ 1e-9, so std ≤ ~3e-5.
        assert np.abs(np.diag(cov)[ON_TRAIN]).max() < 1e-9
    assert np.asarray(nngp.std)[ON_TRAIN].max() < 1e-4
    assert np.asarray(ntk_inf.std[0])[ON_TRAIN].max() < 1e-4
    # Away from the data both are genuinely uncertain.
    off = np.setdiff1d(np.arange(31), ON_TRAIN)
    assert np.asarray(nngp.std)[off].min() > 1e-3 and np.asarray(ntk_inf.std[0])[off].min() > 1e-3


def test_nngp_posterior_is_gaussian_conditioning():
    # Textbook conditioning of the joint Gaussian [f(X); f(x)] with an explicit inverse.
    k_dd_inv = np.linalg.inv(np.asarray(KB.k_dd))
    k_td = np.asarray(KB.k_td)
    post = gp.nngp_posterior(KB.k_tt, KB.k_td, KB.k_dd, Y_TRAIN, full_cov=True)
    np.testing.assert_allclose(post.mean, k_td @ k_dd_inv @ Y_TRAIN, atol=1e-9)
    np.testing.assert_allclose(post.cov, np.asarray(KB.k_tt) - k_td @ k_dd_inv @ k_td.T, atol=1e-9)


def test_ntk_gp_with_theta_equal_to_k_at_infinite_time_is_the_nngp_posterior():
    # A = K(x,X)K(X,X)⁻¹ gives cov = K(x,x) + K_xX K⁻¹ K_Xx − 2 K_xX K⁻¹ K_Xx: the posterior.
    pred = gp.ntk_gp(KB.k_tt, KB.k_td, KB.k_dd, KB.k_td, KB.k_dd, Y_TRAIN, [jnp.inf], full_cov=True)
    post = gp.nngp_posterior(KB.k_tt, KB.k_td, KB.k_dd, Y_TRAIN, full_cov=True)
    np.testing.assert_allclose(pred.mean[0], post.mean, atol=1e-9)
    np.testing.assert_allclose(pred.cov[0], post.cov, atol=1e-9)
    np.testing.assert_allclose(pred.std[0], post.std, atol=1e-5)
    # With the real NTK the two differ (the point of the chapter).
    real = gp.ntk_gp(*GP_ARGS, [jnp.inf])
    assert np.abs(np.asarray(real.mean[0]) - np.asarray(post.mean)).max() > 0.05


def test_ntk_gp_covariance_is_the_posterior_plus_a_psd_excess():
    # For any linear map A, Cov[f(x) − A f(X)] = Σ_post + (A − A*) K(X,X) (A − A*)ᵀ with
    # A* = K(x,X) K(X,X)⁻¹: so the NTK-GP is never more certain than the NNGP posterior.
    a_star = np.linalg.solve(np.asarray(KB.k_dd), np.asarray(KB.k_td).T).T
    post = gp.nngp_posterior(KB.k_tt, KB.k_td, KB.k_dd, Y_TRAIN, full_cov=True)
    times = [0.5, 8.0, jnp.inf]
    pred = gp.ntk_gp(*GP_ARGS, times, full_cov=True)
    A = np.asarray(gp.gd_operator(KB.theta_td, KB.theta_dd, times))
    for i in range(len(times)):
        D = A[i] - a_star
        np.testing.assert_allclose(pred.cov[i], np.asarray(post.cov) + D @ np.asarray(KB.k_dd) @ D.T,
                                   atol=1e-9)
        assert np.all(np.asarray(pred.std[i]) >= np.asarray(post.std) - 1e-6)


# --------------------------------------------------------------------------- finite networks


def test_ensemble_trainer_validates_times():
    args = (X_TRAIN, Y_TRAIN, X_TEST)
    with pytest.raises(ValueError, match="times"):
        gp.train_ensemble(*args, [0.0, 0.3], width=8, seeds=2, lr=0.25)   # 0.3 not a multiple
    with pytest.raises(ValueError, match="times"):
        gp.train_ensemble(*args, [0.5, 0.25], width=8, seeds=2, lr=0.25)  # decreasing
    with pytest.raises(ValueError, match="times"):
        gp.train_ensemble(*args, [0.0, jnp.inf], width=8, seeds=2, lr=0.25)
    with pytest.raises(ValueError, match="lr"):
        gp.train_ensemble(*args, [0.0], width=8, seeds=2, lr=0.0)
    with pytest.raises(ValueError, match="times"):  # the discrete-time closed forms check too
        gp.ntk_gp(*GP_ARGS, [0.0, 0.3], lr=0.25)


def test_ensemble_trainer_is_compiled_once_per_shape_and_matches_train_mse():
    times_a, times_b = [0.0, 0.5, 1.0], [0.25, 1.25, 2.5]
    gp.train_ensemble(X_TRAIN, Y_TRAIN, X_TEST, times_a, width=24, seeds=4, lr=0.25)
    before = gp.TRACE_COUNTS["train_seeds"]
    ens = gp.train_ensemble(X_TRAIN, Y_TRAIN, X_TEST, times_b, width=24, seeds=4, lr=0.25)
    assert gp.TRACE_COUNTS["train_seeds"] == before  # new times and the same shapes: no re-trace
    assert ens.curves.shape == (4, 3, 31) and ens.train_curves.shape == (4, 3, 5)
    assert ens.mean.shape == ens.std.shape == (3, 31)
    # Seed 2 after 10 steps equals ntkcore.wide.train_mse from init_params(PRNGKey(2)).
    p0 = wide.init_params(jax.random.PRNGKey(2), 24, ARCH)
    res = wide.train_mse(p0, X_TRAIN, Y_TRAIN, 0.25, 10, ARCH)
    np.testing.assert_allclose(ens.curves[2, 2], wide.apply_batch(res.params, X_TEST, ARCH), atol=1e-10)
    np.testing.assert_allclose(ens.mean, ens.curves.mean(axis=0), atol=1e-14)


def test_train_network_returns_its_init_its_empirical_ntk_and_the_trained_function():
    # Shapes as in test_gp_numbers_shapes_on_small_settings (one compiled program for both).
    run = gp.train_network(3, 16, X_TRAIN, Y_TRAIN, X_TEST, [0.0, 0.5, 2.0], 0.25, ARCH)
    # Each reference computation jitted whole (op by op, JAX would compile every small op).
    p0 = jax.jit(wide.init_params, static_argnums=(1, 2))(jax.random.PRNGKey(3), 16, ARCH)
    apply = jax.jit(lambda p, x: wide.apply_batch(p, x, ARCH))
    np.testing.assert_allclose(run.f0_test, apply(p0, X_TEST), atol=1e-12)
    np.testing.assert_allclose(run.f0_train, apply(p0, X_TRAIN), atol=1e-12)
    jac_ntk = jax.jit(lambda p, a, b: ntkcore.ntk(lambda th, x: wide.apply(th, x, ARCH), p, a, b))
    np.testing.assert_allclose(run.theta0_td, jac_ntk(p0, X_TEST, X_TRAIN), atol=1e-10)
    np.testing.assert_allclose(run.theta0_dd, jac_ntk(p0, X_TRAIN, X_TRAIN), atol=1e-10)
    res = wide.train_mse(p0, X_TRAIN, Y_TRAIN, 0.25, 8, ARCH)  # t = 2 = 8 steps of 0.25
    np.testing.assert_allclose(run.f_test[2], apply(res.params, X_TEST), atol=1e-10)
    np.testing.assert_allclose(run.f_train[0], run.f0_train, atol=1e-12)
    batched = gp.train_networks(jax.tree_util.tree_map(lambda a: a[None], p0), X_TRAIN, Y_TRAIN,
                                X_TEST, [0.0, 0.5, 2.0], 0.25, ARCH)
    np.testing.assert_allclose(batched[0][0], run.f_test, atol=1e-12)


def test_finite_width_ensembles_approach_the_ntk_gp():
    """Ensembles of GD-trained networks (64 seeds) against the NTK-GP of gradient flow.

    Early times only (t ≤ 2, 16 steps of lr 0.125): there the lazy-training picture holds at
    moderate width.  (At late times the slowest NTK modes, λ ≈ 0.017, are bent by the O(1/√w)
    change of the kernel during training; see gp.gp_numbers' ensemble.)

    Tolerance at the widest width, per time t and test input x, with σ = NTK-GP std of GD at lr:
    * mean: the seed average of S independent draws has standard error σ/√S;
    * std: the sample std of S Gaussian draws has standard error σ/√(2(S−1));
    both allowed k standard errors, k the two-sided Bonferroni quantile for all T·n comparisons
    at a 1 % family-wise level (k ≈ 3.9 here); plus a discretisation allowance: the exact
    difference, at infinite width, between GD at this lr and gradient flow (closed forms, ≤ 0.03
    for the mean at t = 0.5, 0 at t = 0).
    """
    lr, times, n_seeds = 0.125, [0.0, 0.5, 2.0], 64
    flow = gp.ntk_gp(*GP_ARGS, times)
    disc = gp.ntk_gp(*GP_ARGS, times, lr=lr)
    sigma = np.asarray(disc.std)                                          # (T, n)
    k = NormalDist().inv_cdf(1 - 0.01 / (2 * sigma.size))
    tol_mean = k * sigma / np.sqrt(n_seeds) + np.abs(np.asarray(flow.mean - disc.mean))
    tol_std = k * sigma / np.sqrt(2 * (n_seeds - 1)) + np.abs(np.asarray(flow.std - disc.std))

    ratios = {}
    for width in (16, 1024):
        ens = gp.train_ensemble(X_TRAIN, Y_TRAIN, X_TEST, times, width=width, seeds=n_seeds, lr=lr)
        ratios[width] = (np.max(np.abs(ens.mean - np.asarray(flow.mean)) / tol_mean),
                         np.max(np.abs(ens.std - np.asarray(flow.std)) / tol_std))
    (narrow_mean, narrow_std), (wide_mean, wide_std) = ratios[16], ratios[1024]
    assert wide_mean <= 1.0 and wide_std <= 1.0, ratios
    assert narrow_mean > wide_mean and narrow_std > wide_std, ratios


# --------------------------------------------------------------------------- the chapters


def test_gp_report_structure(monkeypatch):
    def no_training(*a, **k):
        raise AssertionError("gp_report must not train networks")

    for name in ("train_ensemble", "_dispatch_ensemble", "train_networks", "train_network"):
        monkeypatch.setattr(gp, name, no_training)
    rep = gp.gp_report()
    assert list(rep) == ["architecture", "x_train", "y_train", "x_test", "times", "nngp_posterior",
                         "ntk_gp", "ntk_gp_infinite_time"]
    assert rep["architecture"] == {"depth": 2, "w_std": 2 ** 0.5, "b_std": 0.1, "readout_w_std": 1.0,
                                   "readout_b_std": 0.1}
    n_train, n_test, n_t = len(rep["x_train"]), len(rep["x_test"]), len(rep["times"])
    assert n_train >= 5 and len(rep["y_train"]) == n_train and n_test >= 30 and n_t >= 4
    assert rep["times"][0] == 0.0 and all(np.isfinite(rep["times"]))
    assert all(b > a for a, b in zip(rep["times"], rep["times"][1:]))
    for block in (rep["nngp_posterior"], rep["ntk_gp_infinite_time"]):
        assert set(block) == {"mean", "std"} and all(len(v) == n_test for v in block.values())
    assert set(rep["ntk_gp"]) == {"mean", "std"}
    for rows in rep["ntk_gp"].values():
        assert len(rows) == n_t and all(len(r) == n_test for r in rows)
    flat = [v for v in json.loads(json.dumps(rep, allow_nan=False))["ntk_gp"]["std"][0]]
    assert all(isinstance(v, float) for v in flat)
    # The numbers are the ones trained on, and the prior at t = 0.
    np.testing.assert_allclose(rep["x_train"], X_TRAIN)
    np.testing.assert_allclose(rep["y_train"], Y_TRAIN)
    np.testing.assert_allclose(rep["x_test"], S.scaled(gp.gp_inputs(S)), atol=1e-14)
    k_tt, _ = wide.relu_kernels(np.asarray(rep["x_test"])[:, None], np.asarray(rep["x_test"])[:, None], ARCH.depth)
    np.testing.assert_allclose(rep["ntk_gp"]["std"][0], np.sqrt(np.diag(np.asarray(k_tt))), atol=1e-12)
    np.testing.assert_allclose(rep["ntk_gp"]["mean"][0], 0.0, atol=1e-14)


def test_gp_numbers_shapes_on_small_settings(wide_data):
    # The chapters' SMALL [gp] section (conftest), computed once per session by the data cache.
    s, g = wide_data.settings.wide, wide_data.settings.gp
    d = wide_data["gp"]
    T, m, W, C = len(g.times), len(s.train_x), len(g.net_widths), min(g.ensemble_curves, g.ensemble_seeds)
    n = len(gp.gp_inputs(s, g))
    shapes = {"x_grid": (n,), "x_test": (n,), "x_train": (m,), "y_train": (m,), "times": (T,),
              "x_train_post": (m,), "x_obs": (), "nngp_col": (n,), "ntk_col": (n,),
              "prior_std": (n,), "nngp_mean": (n,), "nngp_std": (n,), "ntk_gp_mean": (T, n),
              "ntk_gp_std": (T, n), "ntk_gp_inf_mean": (n,), "ntk_gp_inf_std": (n,),
              "ntk_gp_gd_mean": (T, n), "ntk_gp_gd_std": (T, n), "net_widths": (W,),
              "net_f": (W, T, n), "net_f_train": (W, T, m), "net_kgd_analytic": (W, T, n),
              "net_kgd_empirical": (W, T, n), "net_theta0_vs_analytic": (W,), "net_theta_change": (W,),
              "net_theta_change_t": (W, T), "net_jump_x": (W,), "net_jump": (W, T),
              "ens_mean": (T, n), "ens_std": (T, n), "ens_curves": (C, T, n), "ens_kgd_inf": (C, n)}
    for key, shape in shapes.items():
        assert d[key].shape == shape, key
        assert np.all(np.isfinite(d[key])), key
    # At t = 0 every network is its own f_0, and so is kernel GD from that f_0.
    np.testing.assert_allclose(d["net_kgd_empirical"][:, 0], d["net_f"][:, 0], atol=1e-12)
    np.testing.assert_allclose(d["net_kgd_analytic"][:, 0], d["net_f"][:, 0], atol=1e-12)
    np.testing.assert_allclose(d["ntk_gp_mean"][0], 0.0, atol=1e-14)
    # The kernel's change at every time ends at the change by the last time, from 0.
    np.testing.assert_allclose(d["net_theta_change_t"][:, -1], d["net_theta_change"], rtol=1e-10)
    np.testing.assert_allclose(d["net_theta_change_t"][:, 0], 0.0, atol=1e-14)
    lo, hi = s.x_range
    assert np.all((lo <= d["net_jump_x"]) & (d["net_jump_x"] <= hi))
    # The inputs: the post's units and the networks' are related by the input map.
    np.testing.assert_allclose(d["x_test"], s.scaled(d["x_grid"]), atol=1e-14)
    np.testing.assert_allclose(d["x_train_post"], s.train_x)
    np.testing.assert_allclose(d["x_train"], s.scaled(s.train_x), atol=1e-14)


def test_gp_numbers_kernel_columns_and_landing_curves_by_hand(wide_data):
    s, d = wide_data.settings.wide, wide_data["gp"]
    a = s.arch
    args = (a.depth, a.w_std, a.b_std, a.readout_w_std, a.readout_b_std)
    xs, xd = d["x_test"][:, None], d["x_train"][:, None]
    k_col, t_col = wide.relu_kernels(xs, s.scaled([s.x_obs])[:, None], *args)
    np.testing.assert_allclose(d["nngp_col"], np.asarray(k_col)[:, 0], atol=1e-12)
    np.testing.assert_allclose(d["ntk_col"], np.asarray(t_col)[:, 0], atol=1e-12)
    # Each drawn network's f_0, carried to t = ∞ by kernel GD with the analytic Θ:
    # f_0(x) + Θ(x,X) Θ(X,X)⁻¹ (Y − f_0(X)), by a linear solve (ensemble and its f_0 on X afresh).
    _, th_td = wide.relu_kernels(xs, xd, *args)
    _, th_dd = wide.relu_kernels(xd, xd, *args)
    g = wide_data.settings.gp
    C = d["ens_curves"].shape[0]
    ens = gp.train_ensemble(d["x_train"], d["y_train"], d["x_test"], [0.0, g.lr], width=g.ensemble_width,
                            seeds=list(range(C)), lr=g.lr, parallel=1)
    np.testing.assert_allclose(ens.curves[:, 0], d["ens_curves"][:, 0], atol=1e-12)
    f0_train = ens.train_curves[:, 0]                                              # (C, m)
    expected = ens.curves[:, 0] + np.linalg.solve(np.asarray(th_dd), (d["y_train"] - f0_train).T).T \
        @ np.asarray(th_td).T
    np.testing.assert_allclose(d["ens_kgd_inf"], expected, atol=1e-8)
    np.testing.assert_allclose(d["ens_kgd_inf"][:, gp.grid_indices(d["x_grid"], d["x_train_post"])],
                               np.broadcast_to(d["y_train"], (C, len(d["y_train"]))), atol=1e-8)


def test_train_network_records_its_kernel_after_training():
    # Width 16, 8 steps of 0.25: the NTK of the parameters after training, by the Jacobian route.
    run = gp.train_network(3, 16, X_TRAIN, Y_TRAIN, X_TEST, [0.0, 0.5, 2.0], 0.25, ARCH)
    p0 = jax.jit(wide.init_params, static_argnums=(1, 2))(jax.random.PRNGKey(3), 16, ARCH)
    res = wide.train_mse(p0, X_TRAIN, Y_TRAIN, 0.25, 8, ARCH)
    jac_ntk = jax.jit(lambda p, a, b: ntkcore.ntk(lambda th, x: wide.apply(th, x, ARCH), p, a, b))
    np.testing.assert_allclose(run.theta_end_td, jac_ntk(res.params, X_TEST, X_TRAIN), atol=1e-10)
    np.testing.assert_allclose(run.theta_end_dd, jac_ntk(res.params, X_TRAIN, X_TRAIN), atol=1e-10)
    assert np.abs(np.asarray(run.theta_end_dd) - np.asarray(run.theta0_dd)).max() > 1e-6   # it moved
    # How far it moved, at each time: ‖Θ_t − Θ_0‖_F / ‖Θ_0‖_F over [x; X] × X, by hand at the end.
    both0 = np.concatenate([run.theta0_td, run.theta0_dd])
    both_end = np.concatenate([run.theta_end_td, run.theta_end_dd])
    assert run.theta_change.shape == (3,) and run.theta_change[0] == pytest.approx(0.0, abs=1e-14)
    assert run.theta_change[-1] == pytest.approx(np.linalg.norm(both_end - both0) / np.linalg.norm(both0), rel=1e-10)


# --------------------------------------------------------------------------- [gp] settings


@pytest.mark.parametrize("text, path", [
    ("[gp]\ntimes = [0, 0.3, 1]\n", ("gp", "times", 1)),           # not a multiple of lr = 0.125
    ("[gp]\ntimes = [1, 2, 4]\n", ("gp", "times", 0)),             # must start at 0
    ("[gp]\ntimes = [0, 1, 1]\n", ("gp", "times", 2)),             # increasing
    ("[gp]\ntimes = [0, 1]\n", ("gp", "times")),                   # at least 3
    ("[gp]\ntimes = [0, 1, 'a']\n", ("gp", "times", 2)),
    ("[gp]\nlr = 0.001\n", ("gp", "times", 5)),                    # 128 000 steps
    ("[gp]\nlr = 0\n", ("gp", "lr")),
    ("[gp]\nlr = 0.5\n", ("gp", "lr")),                            # 0.5 × λ_max(Θ) ≈ 1.36 > 1
    ("[gp]\nensemble_seeds = 1\n", ("gp", "ensemble_seeds")),
    ("[gp]\nensemble_width = 0\n", ("gp", "ensemble_width")),
    ("[gp]\nensemble_curves = 65\n", ("gp", "ensemble_curves")),
    ("[gp]\nnet_widths = [8]\n", ("gp", "net_widths")),
    ("[gp]\nnet_widths = [64, 8]\n", ("gp", "net_widths")),
    ("[gp]\nnet_widths = [8, 1.5]\n", ("gp", "net_widths", 1)),
    ("[gp]\nnet_seed = -1\n", ("gp", "net_seed")),
    ("[gp]\nsamples_per_unit = 0\n", ("gp", "samples_per_unit")),
    ("[gp]\nseeds = 3\n", ("gp", "seeds")),                        # a [wide] key in the wrong section
    ("gp = 3\n", ("gp",)),
    ("[wide]\nw_std = 4.0\n", ("gp", "lr")),                       # the architecture makes lr too large
])
def test_bad_gp_settings_name_their_key(text, path):
    from ntkcore.settings import load_settings_text
    from ntkcore.validation import SettingsError

    with pytest.raises(SettingsError) as err:
        load_settings_text(text, "bad.toml")
    assert err.value.path == path, str(err.value)
    assert str(err.value).startswith("bad.toml: " + err.value.key)


def test_gp_settings_from_a_file_and_the_defaults_file():
    from ntkcore.settings import DEFAULTS, load_settings_text
    from pipeline.settings_file import default_settings_toml

    s = load_settings_text("[gp]\ntimes = [0, 1, 4.5]\nlr = 0.25\nnet_widths = [4, 16, 64]\n", "ok.toml")
    assert s.gp == gp.GPSettings(times=(0.0, 1.0, 4.5), lr=0.25, net_widths=(4, 16, 64))
    assert s.gp.times == (0.0, 1.0, 4.5) and all(isinstance(t, float) for t in s.gp.times)
    assert DEFAULTS.gp == gp.GPSettings()
    text = default_settings_toml()
    assert "\n[gp]" in text and load_settings_text(text, "defaults.toml").gp == gp.GPSettings()
    # The default learning rate is stable for the default architecture (η λ_max ≈ 0.34).
    assert 0.3 < gp.GPSettings().lr * gp.lambda_max(S) < 0.4


def test_lambda_max_is_the_top_eigenvalue_of_the_ntk_on_the_training_inputs():
    _, th = wide.relu_kernels(X_TRAIN[:, None], X_TRAIN[:, None], ARCH.depth)
    assert gp.lambda_max(S) == pytest.approx(float(np.linalg.eigvalsh(np.asarray(th))[-1]), rel=1e-8)


def test_the_data_cache_key_follows_the_gp_settings_only_for_the_gp_experiment():
    from ntkcore import experiments
    from ntkcore.settings import DEFAULTS
    from pipeline import datacache

    for field in ("times", "lr", "ensemble_width", "ensemble_seeds", "ensemble_curves", "net_widths", "net_seed",
                  "samples_per_unit"):
        value = {"times": (0.0, 0.25, 1.0), "lr": 0.0625, "ensemble_width": 256, "ensemble_seeds": 32,
                 "ensemble_curves": 10, "net_widths": (16, 1024), "net_seed": 1, "samples_per_unit": 2}[field]
        other = dataclasses.replace(DEFAULTS, gp=dataclasses.replace(DEFAULTS.gp, **{field: value}))
        for name in experiments.EXPERIMENTS:
            assert (datacache.key(name, other) != datacache.key(name, DEFAULTS)) == (name == "gp"), (name, field)


def test_run_hands_the_gp_settings_to_the_gp_experiment(monkeypatch):
    from ntkcore import experiments
    from ntkcore.settings import load_settings_text

    seen = {}
    monkeypatch.setattr(gp, "gp_numbers", lambda s, g, rbf=None, progress=None: seen.update(s=s, g=g) or {})
    settings = load_settings_text("[gp]\nensemble_seeds = 8\n", "x.toml")
    experiments.run("gp", settings)
    assert seen["g"].ensemble_seeds == 8 and seen["s"] == settings.wide


def test_report_gp_reads_the_gp_section(tmp_path, capsys):
    from ntkcore.report import main

    cfg = tmp_path / "g.toml"
    cfg.write_text("[gp]\ntimes = [0, 1, 3]\nsamples_per_unit = 2\n")
    assert main(["report", "--gp", "--config", str(cfg)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["times"] == [0.0, 1.0, 3.0]
    assert len(out["x_test"]) == 2 * (S.x_range[1] - S.x_range[0]) + 1


def test_gp_inputs_are_the_grid_and_the_training_inputs():
    g = gp.GPSettings(samples_per_unit=2)
    x = gp.gp_inputs(S, g)
    assert len(x) == 61 and x[0] == -10 and x[-1] == 20 and np.all(np.diff(x) > 0)
    s = dataclasses.replace(S, train_x=(-7.3, 0.0, 12.1))
    x = gp.gp_inputs(s, gp.GPSettings(samples_per_unit=1))
    assert {-7.3, 12.1} <= set(x.tolist()) and len(x) == 33 and np.all(np.diff(x) > 0)


# --------------------------------------------------------------------------- facts the captions state


def test_largest_gap_and_gaps_over_time():
    a, b = np.array([0.0, 1.0, -2.0, 0.5]), np.array([0.1, 1.0, 1.0, 0.5])
    assert gp.largest_gap(a, b) == (2, 3.0)
    f = np.array([[0.0, 0.0], [1.0, -1.0]])
    np.testing.assert_array_equal(gp.gaps_over_time(f, np.zeros((2, 2))), [0.0, 1.0])


def test_grid_indices_and_away_from():
    x = np.arange(-2.0, 3.0, 0.5)          # -2, -1.5, ..., 2.5
    np.testing.assert_array_equal(gp.grid_indices(x, [0.0, 2.5, -2.0]), [4, 9, 0])
    with pytest.raises(ValueError, match="not on the grid"):
        gp.grid_indices(x, [0.25])
    np.testing.assert_array_equal(gp.away_from(x, [0.0], 1.0), np.abs(x) >= 1.0)


def test_std_ratio_range_over_a_mask():
    num, den = np.array([1.0, 3.0, 10.0, 2.0]), np.array([1.0, 1.0, 1.0, 4.0])
    assert gp.std_ratio_range(num, den, np.array([True, True, False, True])) == (0.5, 3.0)


def test_relative_frobenius():
    b = np.array([[3.0, 0.0], [0.0, 4.0]])       # ‖b‖_F = 5
    assert gp.relative_frobenius(b + np.array([[0.0, 1.0], [0.0, 0.0]]), b) == pytest.approx(0.2)


def test_ensemble_agreement_in_units_of_the_gp_std():
    gp_mean, gp_std = np.zeros((3, 2)), np.array([[1.0, 0.5], [0.2, 0.2], [0.1, 0.1]])
    ens_mean = np.array([[0.5, 0.0], [0.0, -0.3], [0.0, 0.0]])
    ens_std = np.array([[1.0, 0.6], [0.2, 0.2], [0.5, 0.1]])
    ag = gp.ensemble_agreement(ens_mean, ens_std, gp_mean, gp_std)
    np.testing.assert_allclose(ag.mean_off, [0.5, 1.5, 0.0])
    np.testing.assert_allclose(ag.std_off, [0.2, 0.0, 4.0])
    np.testing.assert_allclose(ag.mean_gap, [0.5, 0.3, 0.0])
    np.testing.assert_allclose(ag.std_gap, [0.1, 0.0, 0.4])
    np.testing.assert_array_equal(ag.agree, [True, False, False])
    assert gp.agreeing_prefix(ag.agree) == 1
    assert gp.agreeing_prefix([True, True]) == 2 and gp.agreeing_prefix([False, True]) == 0


def test_rms_gaps_over_time():
    f = np.array([[0.0, 0.0, 0.0, 0.0], [1.0, -1.0, 1.0, -1.0], [3.0, 0.0, 0.0, 4.0]])
    np.testing.assert_allclose(gp.rms_gaps_over_time(f, np.zeros((3, 4))), [0.0, 1.0, 2.5])


def test_worst_mean_offset_in_gp_std_and_standard_errors():
    off = gp.worst_mean_offset(ens_mean=[0.0, 0.3, 0.1], ens_std=[1.0, 0.8, 1.0], gp_mean=[0.0, 0.0, 0.0],
                               gp_std=[1.0, 0.6, 1.0], seeds=64)
    assert off.index == 1 and off.gap == pytest.approx(0.3)
    assert off.in_gp_std == pytest.approx(0.5) and off.in_std_err == pytest.approx(0.3 / (0.8 / 8))


def _pre_activations(params, us, arch):
    """Hidden pre-activations by hand (NTK parametrization), (len(us), width) per hidden layer."""
    h, out = np.asarray(us, dtype=np.float64)[:, None], []
    for (W, b), (ws, bs) in list(zip(params, arch.stds()))[:-1]:
        z = (ws / np.sqrt(W.shape[1])) * h @ np.asarray(W).T + bs * np.asarray(b)
        out.append(z)
        h = np.maximum(z, 0.0)
    return out


def test_activation_switches_are_the_zero_crossings_of_hidden_units():
    params = wide.init_params(jax.random.PRNGKey(0), 8, ARCH)
    sw = gp.activation_switches(params, -1.0, 1.0, ARCH)
    assert sw.size > 0 and np.all(np.diff(sw) > 0) and np.all((-1 <= sw) & (sw <= 1))
    # First layer in closed form: z = (w_std·W) u + b_std·b vanishes at u = −b_std·b / (w_std·W).
    (W1, b1), (ws, bs) = params[0], ARCH.stds()[0]
    u1 = -(bs * np.asarray(b1)) / (ws * np.asarray(W1)[:, 0])
    u1 = np.sort(u1[(-1 <= u1) & (u1 <= 1)])
    assert all(np.abs(sw - u).min() < 1e-12 for u in u1)
    # Every switch zeroes some hidden unit; and a fine grid finds as many sign changes.
    zs = _pre_activations(params, sw, ARCH)
    assert np.all(np.min([np.abs(z).min(axis=1) for z in zs], axis=0) < 1e-9)
    fine = _pre_activations(params, np.linspace(-1.0, 1.0, 200001), ARCH)
    assert sum(int((np.sign(z[:-1]) * np.sign(z[1:]) < 0).sum()) for z in fine) == sw.size


def test_kernel_gd_with_a_finite_networks_ntk_jumps_where_a_unit_switches():
    # Width 8: kernel GD with its own Θ_0, by the explicit recursion f ← f − η Θ_0(x, X)(f(X) − Y)
    # with Θ_0 from the Jacobian, on both sides of each switch: a jump that does not shrink with ε;
    # between switches the two sides meet as ε → 0.
    params = wide.init_params(jax.random.PRNGKey(0), 8, ARCH)
    sw = gp.activation_switches(params, -1.0, 1.0, ARCH)
    mid = 0.5 * (sw[:-1] + sw[1:])
    lr, steps = 0.125, 16
    jac_ntk = jax.jit(lambda p, a, b: ntkcore.ntk(lambda th, x: wide.apply(th, x, ARCH), p, a, b))

    def recursion(points):
        th_td, th_dd = np.asarray(jac_ntk(params, points, X_TRAIN)), np.asarray(jac_ntk(params, X_TRAIN, X_TRAIN))
        f = np.asarray(wide.apply_batch(params, jnp.asarray(points)[:, None], ARCH))
        fd = np.asarray(wide.apply_batch(params, jnp.asarray(X_TRAIN)[:, None], ARCH))
        for _ in range(steps):
            r = fd - Y_TRAIN
            f, fd = f - lr * th_td @ r, fd - lr * th_dd @ r
        return f

    for eps in (1e-5, 1e-8):
        got = gp.kernel_gd_across(params, sw, X_TRAIN, Y_TRAIN, [0.0, lr * steps], lr, ARCH, eps=eps)
        expected = recursion(sw + eps) - recursion(sw - eps)
        np.testing.assert_allclose(got[-1], expected, atol=1e-9)
        np.testing.assert_allclose(got[0], 0.0, atol=1e-4)            # f_0 itself is continuous
    far = gp.kernel_gd_across(params, sw, X_TRAIN, Y_TRAIN, [lr * steps], lr, ARCH, eps=1e-8)[0]
    near = gp.kernel_gd_across(params, sw, X_TRAIN, Y_TRAIN, [lr * steps], lr, ARCH, eps=1e-5)[0]
    assert np.abs(far).max() > 1e-2 and np.allclose(far, near, atol=1e-4)     # a jump
    between = gp.kernel_gd_across(params, mid, X_TRAIN, Y_TRAIN, [lr * steps], lr, ARCH, eps=1e-8)[0]
    assert np.abs(between).max() < 1e-6                                      # continuous there
    u, jump = gp.largest_kernel_gd_jump(0, 8, X_TRAIN, Y_TRAIN, [0.0, lr * steps], lr, -1.0, 1.0, ARCH)
    assert u in sw and jump[-1] == pytest.approx(far[np.argmax(np.abs(far))], abs=1e-6)
