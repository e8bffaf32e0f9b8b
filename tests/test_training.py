"""The one trainer (ntkcore.training): full-batch gradient descent against plain gradient descent
by hand, its compiled programs (once per shape), one network with its empirical NTK, and ensembles of
networks against the NTK-GP with a Monte Carlo tolerance."""

from statistics import NormalDist

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ntkcore
from gp_data import ARCH, GP_ARGS, X_TEST, X_TRAIN, Y_TRAIN, gd_by_hand
from ntkcore import gp, training, wide


# --------------------------------------------------------------------------- one network


def test_train_snapshots_is_one_uninterrupted_run():
    # The parameters after 0, 3, 3 and 7 steps: gradient descent by hand to each, and f there.
    p0 = wide.init_params(jax.random.PRNGKey(5), 32, ARCH, d_in=2)
    path = training.train_snapshots(p0, X_TRAIN, Y_TRAIN, 0.25, [0, 3, 3, 7], ARCH)
    for k, steps in enumerate([0, 3, 3, 7]):
        got, ref = training.snapshot(path, k), gd_by_hand(p0, steps, 0.25)
        for a, b in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(ref)):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    # The loss it descends, by hand.
    pT = training.snapshot(path, 3)
    loss = 0.5 * np.sum((np.asarray(wide.apply_batch(pT, X_TRAIN, ARCH)) - Y_TRAIN) ** 2)
    assert float(training.mse(pT, X_TRAIN, Y_TRAIN, ARCH)) == pytest.approx(loss, rel=1e-12)
    with pytest.raises(ValueError, match="at_steps"):
        training.train_snapshots(p0, X_TRAIN, Y_TRAIN, 0.25, [3, 1], ARCH)
    with pytest.raises(ValueError, match="lr"):
        training.train_snapshots(p0, X_TRAIN, Y_TRAIN, -0.25, [0, 1], ARCH)


def test_train_network_returns_its_init_its_empirical_ntk_and_the_trained_function():
    # Shapes as in test_gp_numbers_shapes_on_small_settings (one compiled program for both).
    run = training.train_network(3, 16, X_TRAIN, Y_TRAIN, X_TEST, [0.0, 0.5, 2.0], 0.25, ARCH)
    # Each reference computation jitted whole (op by op, JAX would compile every small op).
    p0 = jax.jit(wide.init_params, static_argnums=(1, 2, 3))(jax.random.PRNGKey(3), 16, ARCH, 2)
    apply = jax.jit(lambda p, x: wide.apply_batch(p, x, ARCH))
    np.testing.assert_allclose(run.f0_test, apply(p0, X_TEST), atol=1e-12)
    np.testing.assert_allclose(run.f0_train, apply(p0, X_TRAIN), atol=1e-12)
    jac_ntk = jax.jit(lambda p, a, b: ntkcore.ntk(lambda th, x: wide.apply(th, x, ARCH), p, a, b))
    np.testing.assert_allclose(run.theta0_td, jac_ntk(p0, X_TEST, X_TRAIN), atol=1e-10)
    np.testing.assert_allclose(run.theta0_dd, jac_ntk(p0, X_TRAIN, X_TRAIN), atol=1e-10)
    p8 = gd_by_hand(p0, 8, 0.25)  # t = 2 = 8 steps of 0.25
    np.testing.assert_allclose(run.f_test[2], apply(p8, X_TEST), atol=1e-10)
    np.testing.assert_allclose(run.f_train[0], run.f0_train, atol=1e-12)
    # The ensemble's vmapped path trains the same network of the same seed to the same f.
    ens = training.train_ensemble(X_TRAIN, Y_TRAIN, X_TEST, [0.0, 0.5, 2.0], width=16, seeds=[3, 4], lr=0.25,
                                  parallel=1)
    np.testing.assert_allclose(ens.curves[0], run.f_test, atol=1e-12)
    np.testing.assert_allclose(ens.train_curves[0], run.f_train, atol=1e-12)


def test_train_network_records_its_kernel_after_training():
    # Width 16, 8 steps of 0.25: the NTK of the parameters after training, by the Jacobian route.
    run = training.train_network(3, 16, X_TRAIN, Y_TRAIN, X_TEST, [0.0, 0.5, 2.0], 0.25, ARCH)
    p0 = jax.jit(wide.init_params, static_argnums=(1, 2, 3))(jax.random.PRNGKey(3), 16, ARCH, 2)
    p8 = gd_by_hand(p0, 8, 0.25)
    jac_ntk = jax.jit(lambda p, a, b: ntkcore.ntk(lambda th, x: wide.apply(th, x, ARCH), p, a, b))
    np.testing.assert_allclose(run.theta_end_td, jac_ntk(p8, X_TEST, X_TRAIN), atol=1e-10)
    np.testing.assert_allclose(run.theta_end_dd, jac_ntk(p8, X_TRAIN, X_TRAIN), atol=1e-10)
    assert np.abs(np.asarray(run.theta_end_dd) - np.asarray(run.theta0_dd)).max() > 1e-6   # it moved
    # How far it moved, at each time: ‖Θ_t − Θ_0‖_F / ‖Θ_0‖_F over [x; X] × X, by hand at the end.
    both0 = np.concatenate([run.theta0_td, run.theta0_dd])
    both_end = np.concatenate([run.theta_end_td, run.theta_end_dd])
    assert run.theta_change.shape == (3,) and run.theta_change[0] == pytest.approx(0.0, abs=1e-14)
    assert run.theta_change[-1] == pytest.approx(np.linalg.norm(both_end - both0) / np.linalg.norm(both0), rel=1e-10)


# --------------------------------------------------------------------------- ensembles


def test_ensemble_trainer_validates_times():
    args = (X_TRAIN, Y_TRAIN, X_TEST)
    with pytest.raises(ValueError, match="times"):
        training.train_ensemble(*args, [0.0, 0.3], width=8, seeds=2, lr=0.25)   # 0.3 not a multiple
    with pytest.raises(ValueError, match="times"):
        training.train_ensemble(*args, [0.5, 0.25], width=8, seeds=2, lr=0.25)  # decreasing
    with pytest.raises(ValueError, match="times"):
        training.train_ensemble(*args, [0.0, jnp.inf], width=8, seeds=2, lr=0.25)
    with pytest.raises(ValueError, match="lr"):
        training.train_ensemble(*args, [0.0], width=8, seeds=2, lr=0.0)
    with pytest.raises(ValueError, match="times"):  # the discrete-time closed forms check too
        gp.ntk_gp(*GP_ARGS, [0.0, 0.3], lr=0.25)


def test_ensemble_trainer_is_compiled_once_per_shape_and_matches_gradient_descent_by_hand():
    times_a, times_b = [0.0, 0.5, 1.0], [0.25, 1.25, 2.5]
    training.train_ensemble(X_TRAIN, Y_TRAIN, X_TEST, times_a, width=24, seeds=4, lr=0.25)
    before = training._train_seeds._cache_size()
    ens = training.train_ensemble(X_TRAIN, Y_TRAIN, X_TEST, times_b, width=24, seeds=4, lr=0.25)
    assert training._train_seeds._cache_size() == before  # new times and the same shapes: no re-trace
    assert ens.curves.shape == (4, 3, 31) and ens.train_curves.shape == (4, 3, 5)
    assert ens.mean.shape == ens.std.shape == (3, 31)
    # Seed 2 after 10 steps equals plain gradient descent by hand from init_params(PRNGKey(2)).
    p0 = wide.init_params(jax.random.PRNGKey(2), 24, ARCH, d_in=2)
    np.testing.assert_allclose(ens.curves[2, 2], wide.apply_batch(gd_by_hand(p0, 10, 0.25), X_TEST, ARCH), atol=1e-10)
    np.testing.assert_allclose(ens.train_curves[2, 2], wide.apply_batch(gd_by_hand(p0, 10, 0.25), X_TRAIN, ARCH),
                               atol=1e-10)
    np.testing.assert_allclose(ens.mean, ens.curves.mean(axis=0), atol=1e-14)


def test_finite_width_ensembles_approach_the_ntk_gp():
    """Ensembles of GD-trained networks (64 seeds) against the NTK-GP of gradient flow.

    Early times only (t ≤ 2, 16 steps of lr 0.125): there the lazy-training picture holds at
    moderate width.  (Later, the O(1/√w) change of the kernel during training bends the slowest
    NTK modes, λ ≈ 0.17; see gp_experiment.gp_numbers' ensemble.)

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
        ens = training.train_ensemble(X_TRAIN, Y_TRAIN, X_TEST, times, width=width, seeds=n_seeds, lr=lr)
        ratios[width] = (np.max(np.abs(ens.mean - np.asarray(flow.mean)) / tol_mean),
                         np.max(np.abs(ens.std - np.asarray(flow.std)) / tol_std))
    (narrow_mean, narrow_std), (wide_mean, wide_std) = ratios[16], ratios[1024]
    assert wide_mean <= 1.0 and wide_std <= 1.0, ratios
    assert narrow_mean > wide_mean and narrow_std > wide_std, ratios
