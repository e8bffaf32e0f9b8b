"""ntkcore's infinite-width kernels and Gaussian processes against a 50-digit evaluation of the same
formulas (tests/gp_by_mpmath.py): K, Θ, and the NNGP and NTK-GP means and variances, to 1e-12, on
the chapters' own inputs (their two features (cos(πu/2), sin(πu/2)); the range edges and the
training points among them) and on inputs with three features.  Also: the NTK-GP interpolates its
training points at t = ∞ to 1e-12."""

import numpy as np
import pytest

import gp_by_mpmath as mpref
from ntkcore import gp, wide
from ntkcore.gp_experiment import gp_data, network_inputs
from ntkcore.settings import GPSettings, WideSettings

TOL = 1e-12   # absolute; K and Θ are of order 1–10 here, the targets of order 1


def _chapter_problem():
    s, g = WideSettings(), GPSettings()
    u_test, u_train, y_train = gp_data(s, g)       # 121 u in [−1, 1] (edges included), 5 on the data
    x_test, x_train = network_inputs(u_test), network_inputs(u_train)      # (121, 2), (5, 2)
    return x_test, x_train, y_train, g.times + (np.inf,), s.arch


def _three_features():
    rng = np.random.default_rng(3)
    x_train = rng.normal(size=(6, 3))
    x_test = np.concatenate([rng.normal(size=(9, 3)), x_train, np.zeros((1, 3)), 3 * x_train[:1]])
    return x_test, x_train, rng.normal(size=6), (0.0, 0.5, 4.0, 64.0, np.inf), wide.MLP(depth=3)


PROBLEMS = {"chapters (half circle)": _chapter_problem, "three features": _three_features}


@pytest.fixture(scope="module", params=list(PROBLEMS))
def problem(request):
    x_test, x_train, y_train, times, arch = PROBLEMS[request.param]()
    ref = mpref.gp_means_and_variances(x_test, x_train, y_train, times, arch)
    return dict(x_test=x_test, x_train=x_train, y_train=y_train, times=times, arch=arch, ref=ref)


def _predict(p, full_cov):
    """The public GP path: means and variances ((T,) n) of both processes."""
    pred = gp.gp_predict(p["x_test"], p["x_train"], p["y_train"], p["times"], p["arch"], full_cov=full_cov)
    if full_cov:
        return (pred.nngp.mean, np.diagonal(np.asarray(pred.nngp.cov)),
                pred.ntk.mean, np.diagonal(np.asarray(pred.ntk.cov), axis1=1, axis2=2))
    return pred.nngp.mean, np.asarray(pred.nngp.std) ** 2, pred.ntk.mean, np.asarray(pred.ntk.std) ** 2


def _on_train(p):
    """Indices of the training inputs among the test inputs."""
    xt = p["x_test"].reshape(len(p["x_test"]), -1)
    xd = p["x_train"].reshape(len(p["x_train"]), -1)
    idx = [int(np.flatnonzero(np.all(xt == row, axis=1))[0]) for row in xd]
    assert len(idx) == len(xd)
    return idx


def test_kernel_blocks_to_1e12(problem):
    arch = problem["arch"]
    kb = gp.analytic_kernels(problem["x_test"], problem["x_train"], arch)
    k_td, th_td = mpref.kernels(problem["x_test"], problem["x_train"], arch)
    k_dd, th_dd = mpref.kernels(problem["x_train"], problem["x_train"], arch)
    for got, ref in ((kb.k_td, k_td), (kb.theta_td, th_td), (kb.k_dd, k_dd), (kb.theta_dd, th_dd)):
        np.testing.assert_allclose(np.asarray(got), ref, rtol=0, atol=TOL)
    # The diagonal of the test block (the prior variances), and a corner of it off the diagonal.
    x = problem["x_test"]
    diag = [mpref.kernels(x[i:i + 1], x[i:i + 1], arch) for i in range(len(x))]
    np.testing.assert_allclose(np.diag(np.asarray(kb.k_tt)), [k[0, 0] for k, _ in diag], rtol=0, atol=TOL)
    np.testing.assert_allclose(np.diag(np.asarray(kb.theta_tt)), [t[0, 0] for _, t in diag], rtol=0, atol=TOL)
    k_c, th_c = mpref.kernels(x[:6], x[-6:], arch)
    np.testing.assert_allclose(np.asarray(kb.k_tt)[:6, -6:], k_c, rtol=0, atol=TOL)
    np.testing.assert_allclose(np.asarray(kb.theta_tt)[:6, -6:], th_c, rtol=0, atol=TOL)


@pytest.mark.parametrize("full_cov", [False, True])
def test_nngp_posterior_and_ntk_gp_at_every_time_to_1e12(problem, full_cov):
    nngp_mean, nngp_var, ntk_mean, ntk_var = _predict(problem, full_cov)
    ref = problem["ref"]
    np.testing.assert_allclose(nngp_mean, ref["nngp_mean"], rtol=0, atol=TOL)
    np.testing.assert_allclose(nngp_var, ref["nngp_var"], rtol=0, atol=TOL)
    np.testing.assert_allclose(ntk_mean, ref["ntk_mean"], rtol=0, atol=TOL)
    np.testing.assert_allclose(ntk_var, ref["ntk_var"], rtol=0, atol=TOL)


@pytest.mark.parametrize("full_cov", [False, True])
def test_both_processes_interpolate_their_training_points_at_infinite_time(problem, full_cov):
    idx = _on_train(problem)
    nngp_mean, nngp_var, ntk_mean, ntk_var = (np.asarray(a) for a in _predict(problem, full_cov))
    np.testing.assert_allclose(ntk_mean[-1][idx], problem["y_train"], rtol=0, atol=TOL)
    np.testing.assert_allclose(ntk_var[-1][idx], 0.0, rtol=0, atol=TOL)
    np.testing.assert_allclose(nngp_mean[idx], problem["y_train"], rtol=0, atol=TOL)
    np.testing.assert_allclose(nngp_var[idx], 0.0, rtol=0, atol=TOL)


@pytest.mark.parametrize("depth", [1, 2, 4])
def test_relu_kernels_are_exact_on_the_diagonal_with_several_features(depth):
    x = np.random.default_rng(depth).normal(size=(8, 5))
    arch = wide.MLP(depth=depth)
    k, th = (np.asarray(a) for a in wide.relu_kernels(x, x, depth))
    k_ref, th_ref = mpref.kernels(x, x, arch)
    np.testing.assert_allclose(np.diag(k), np.diag(k_ref), rtol=1e-15, atol=0)
    np.testing.assert_allclose(np.diag(th), np.diag(th_ref), rtol=1e-15, atol=0)
    np.testing.assert_allclose(k, k_ref, rtol=0, atol=TOL)
    np.testing.assert_allclose(th, th_ref, rtol=0, atol=TOL)
