"""ntkcore against closed forms: every expected value here is derived by hand, not by ntkcore."""

import jax.numpy as jnp
import numpy as np
import pytest

import ntkcore
from ntkcore import core, models

X = np.arange(-10, 21, dtype=np.float64)


def test_float64_is_on():
    assert ntkcore.values(models.linear().f, jnp.array([3.0, 1.0]), X).dtype == jnp.float64


def test_linear_ntk_closed_form():
    # f = θ1 x + θ2  =>  ∇θ f = (x, 1)  =>  k(x, x') = x x' + 1, whatever θ is.
    for theta in ([3.0, 1.0], [-2.5, 7.0]):
        K = np.asarray(ntkcore.ntk(models.linear().f, jnp.array(theta), X, X[::3]))
        np.testing.assert_allclose(K, np.outer(X, X[::3]) + 1.0, rtol=0, atol=1e-12)


def test_reparametrized_ntk_closed_form():
    # f = θ1 x + 10 θ2  =>  ∇θ f = (x, 10)  =>  k = x x' + 100.
    K = np.asarray(ntkcore.ntk(models.reparametrized(10.0).f, jnp.array([3.0, 0.1]), X))
    np.testing.assert_allclose(K, np.outer(X, X) + 100.0, atol=1e-12)


def test_lookup_table_ntk_is_identity():
    theta = jnp.asarray(3 * X + 1)
    K = np.asarray(ntkcore.ntk(models.lookup_table(X).f, theta, X))
    np.testing.assert_array_equal(K, np.eye(len(X)))


@pytest.mark.parametrize("eta", [1e-3, 0.5, 1.0, 37.0])
def test_finite_step_kernel_equals_ntk_for_linear_models(eta):
    # f linear in θ: f(θ + η g) - f(θ) = η <∇f(x), g> exactly, so k̃_η = k for every η.
    for spec, theta, c in ((models.linear(), [3.0, 1.0], 1.0), (models.reparametrized(10.0), [3.0, 0.1], 100.0)):
        kt = np.asarray(ntkcore.finite_step_kernel(spec.f, jnp.array(theta), X, 10.0, eta))
        np.testing.assert_allclose(kt, 10.0 * X + c, rtol=1e-12, atol=1e-9)


def _rbf_grad_by_hand(theta, x, w=30.0):
    """∇θ of θ2 e^{-(x-θ1)²/w} + θ4 e^{-(x-θ3)²/w} + θ5, derived by hand."""
    t1, t2, t3, t4, _ = theta
    e1 = np.exp(-(x - t1) ** 2 / w)
    e2 = np.exp(-(x - t3) ** 2 / w)
    return np.stack([t2 * e1 * 2 * (x - t1) / w, e1, t4 * e2 * 2 * (x - t3) / w, e2, np.ones_like(x)], axis=-1)


def test_rbf_ntk_matches_hand_derived_gradient():
    theta = np.array([4.0, -10.0, 25.0, 10.0, 50.0])
    J = _rbf_grad_by_hand(theta, X)  # (31, 5)
    K = np.asarray(ntkcore.ntk(models.rbf().f, jnp.asarray(theta), X))
    np.testing.assert_allclose(K, J @ J.T, rtol=1e-12, atol=1e-12)


def test_ntk_two_ways_agree():
    # Jacobian contraction vs forward-mode JVP of the η → 0 push.
    theta = jnp.array([4.0, -10.0, 25.0, 10.0, 50.0])
    f = models.rbf().f
    np.testing.assert_allclose(np.asarray(core.ntk(f, theta, X, X[:7])),
                               np.asarray(core.ntk_jvp(f, theta, X, X[:7])), rtol=1e-12, atol=1e-12)


def test_finite_step_kernel_tends_to_ntk():
    # For a nonlinear model k̃_η - k = O(η): the error shrinks ~10x per decade of η.
    theta = jnp.array([4.0, -10.0, 25.0, 10.0, 50.0])
    f = models.rbf().f
    k = np.asarray(core.ntk(f, theta, X, jnp.array([10.0])))[:, 0]
    errs = [np.abs(np.asarray(core.finite_step_kernel(f, theta, X, 10.0, eta)) - k).max()
            for eta in (1e-1, 1e-2, 1e-3)]
    assert errs[0] > 1e-4
    assert 5 < errs[0] / errs[1] < 20 and 5 < errs[1] / errs[2] < 20


def test_displacement_is_one_gd_step_by_hand():
    # Linear model: ∇θ (f(x')-y)² = 2 (f(x')-y) (x', 1); Δf(x) = -lr·2(f(x')-y)(x' x + 1).
    theta, lr = np.array([3.0, 1.0]), 0.001
    fx = 3.0 * 10 + 1.0
    expected = -lr * 2 * (fx - 50.0) * (10.0 * X + 1.0)
    got = np.asarray(ntkcore.displacement(models.linear().f, jnp.asarray(theta), X, 10.0, 50.0, lr))
    np.testing.assert_allclose(got, expected, atol=1e-12)


def test_pytree_parameters_are_supported():
    # A model whose θ is a dict: the NTK sums over leaves.
    def f(p, x):
        return p["a"][0] * x + p["b"]
    theta = {"a": jnp.array([3.0]), "b": jnp.array(1.0)}
    K = np.asarray(ntkcore.ntk(f, theta, X[:4]))
    np.testing.assert_allclose(K, np.outer(X[:4], X[:4]) + 1.0, atol=1e-12)


def test_ascent_trajectory_linear_model_closed_form():
    # θ_{t+1} = θ_t + η (x', 1) for the linear model: f_t(x) = f_0(x) + t η (x' x + 1).
    traj = ntkcore.ascent_trajectory(models.linear().f, jnp.array([3.0, 1.0]), X, 10.0, 0.01, 3)
    for t in range(4):
        np.testing.assert_allclose(traj.f[t], 3 * X + 1 + t * 0.01 * (10 * X + 1), atol=1e-12)
        np.testing.assert_allclose(traj.ntk[t], 10 * X + 1, atol=1e-12)
    assert traj.f.shape == (4, 31) and len(traj.thetas) == 4
