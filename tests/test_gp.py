"""Kernel gradient descent, the NTK-GP and the NNGP posterior (ntkcore.gp): closed forms against
an ODE integrator, matrix exponentials, explicit recursions and textbook identities; the whole path
(gp_predict) against the pieces.  (Against a 50-digit evaluation: test_gp_exact.py; the networks
themselves: test_training.py.)"""

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import numpy as np
import pytest

from gp_data import ARCH, GP_ARGS, KB, ON_TRAIN, U_TEST, X_TEST, X_TRAIN, Y_TRAIN, f0_draw
from ntkcore import gp, wide


# --------------------------------------------------------------------------- kernel GD


@jax.jit
def _rk4_segments(z0, M, c, n_steps, h):
    """Integrate ``dz/dt = M z + c`` with ``n_steps[k]`` RK4 steps of size ``h[k]`` per segment."""
    def rhs(z):
        return M @ z + c

    def rk4(_, zh):
        z, hk = zh
        k1 = rhs(z)
        k2 = rhs(z + 0.5 * hk * k1)
        k3 = rhs(z + 0.5 * hk * k2)
        k4 = rhs(z + hk * k3)
        return z + hk / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4), hk

    def segment(z, nh):
        n, hk = nh
        z, _ = jax.lax.fori_loop(0, n, rk4, (z, hk))
        return z, z

    _, zs = jax.lax.scan(segment, z0, (n_steps, h))
    return zs  # (T, n_train + n_test)


def _kernel_gd_ode(theta_td, theta_dd, f0_test, f0_train, y_train, times, dt: float = 1e-2):
    """Kernel GD by integrating the ODE (independent of the eigendecomposition of ntkcore.gp).

    The joint vector ``z = [f(X); f(x)]`` obeys ``dz/dt = −[Θ(X, X); Θ(x, X)] (z[:n_train] − Y)``,
    a linear ODE integrated by classical RK4 with steps of at most ``dt`` (each interval between
    consecutive ``times`` is split evenly).  ``times`` must be finite and non-decreasing.
    Returns ``(f_test (T, n_test), f_train (T, n_train))``.
    """
    t = np.asarray(times, dtype=np.float64)
    if not np.all(np.isfinite(t)) or np.any(np.diff(t) < 0):
        raise ValueError(f"times must be finite and non-decreasing for the ODE; got {t}")
    theta_dd = jnp.asarray(theta_dd, dtype=jnp.float64)
    theta_td = jnp.asarray(theta_td, dtype=jnp.float64)
    y = jnp.asarray(y_train, dtype=jnp.float64)
    m, n = theta_dd.shape[0], theta_td.shape[0]
    B = jnp.concatenate([theta_dd, theta_td], axis=0)                 # (m + n, m)
    M = -jnp.concatenate([B, jnp.zeros((m + n, n))], axis=1)          # (m + n, m + n)
    c = B @ y                                                          # (m + n,)
    z0 = jnp.concatenate([jnp.asarray(f0_train, dtype=jnp.float64),
                          jnp.asarray(f0_test, dtype=jnp.float64)])
    gaps = np.diff(np.concatenate([[0.0], t]))                         # (T,)
    n_steps = np.maximum(np.ceil(gaps / dt), 1).astype(np.int64)
    zs = _rk4_segments(z0, M, c, jnp.asarray(n_steps), jnp.asarray(gaps / n_steps))
    return zs[:, m:], zs[:, :m]


def test_closed_form_kernel_gd_matches_rk4_integration_of_the_ode():
    f0_test, f0_train = f0_draw()
    times = [0.0, 0.3, 1.0, 5.0, 20.0, 80.0]
    closed_test = gp.kernel_gd(KB.theta_td, KB.theta_dd, f0_test, f0_train, Y_TRAIN, times)
    closed_train = gp.kernel_gd(KB.theta_dd, KB.theta_dd, f0_train, f0_train, Y_TRAIN, times)
    ode_test, ode_train = _kernel_gd_ode(KB.theta_td, KB.theta_dd, f0_test, f0_train, Y_TRAIN, times)
    assert closed_test.shape == ode_test.shape == (6, 31)
    assert closed_train.shape == ode_train.shape == (6, 5)
    np.testing.assert_allclose(closed_test, ode_test, rtol=0, atol=1e-8)
    np.testing.assert_allclose(closed_train, ode_train, rtol=0, atol=1e-8)
    # It really moves: from f_0 towards the data.
    assert np.abs(closed_train[-1] - Y_TRAIN).max() < 0.3 * np.abs(f0_train - Y_TRAIN).max()


def test_kernel_gd_at_the_training_inputs_is_the_matrix_exponential():
    # Θ(X,X) Θ(X,X)⁻¹ (I − e^{−Θt}) = I − e^{−Θt}: at the training inputs kernel GD is
    # f_t(X) = Y + e^{−Θ(X,X) t} (f_0(X) − Y), here with a Padé matrix exponential.
    _, f0_train = f0_draw()
    times = [0.0, 0.7, 4.0, jnp.inf]
    a = gp.kernel_gd(KB.theta_dd, KB.theta_dd, f0_train, f0_train, Y_TRAIN, times)
    th_dd = np.asarray(KB.theta_dd)
    b = [Y_TRAIN + np.asarray(jsl.expm(-th_dd * t)) @ (f0_train - Y_TRAIN) for t in times[:-1]]
    np.testing.assert_allclose(a[:-1], b, atol=1e-9)
    np.testing.assert_allclose(a[-1], Y_TRAIN, atol=1e-9)  # t = ∞ interpolates


@pytest.mark.parametrize("lr", [0.125, 0.4])  # ηλ_max ≈ 0.55 and ≈ 1.75 (oscillating, still stable)
def test_discrete_kernel_gd_equals_the_explicit_gd_recursion(lr):
    f0_test, f0_train = f0_draw()
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
    np.testing.assert_allclose(gp.kernel_gd(th_dd, th_dd, f0_train, f0_train, Y_TRAIN, times, lr=lr), rec_d,
                               atol=1e-10)


def test_kernel_regression_is_kernel_gd_to_convergence_and_interpolates():
    # ntkcore.gp.kernel_regression against a linear solve, and it interpolates the training points.
    f0_test, f0_train = f0_draw()
    th_td, th_dd = np.asarray(KB.theta_td), np.asarray(KB.theta_dd)
    expected = f0_test + th_td @ np.linalg.solve(th_dd, Y_TRAIN - f0_train)
    np.testing.assert_allclose(gp.kernel_regression(th_td, th_dd, Y_TRAIN, f0_test, f0_train), expected,
                               atol=1e-10)
    np.testing.assert_allclose(gp.kernel_regression(th_td, th_dd, Y_TRAIN),
                               th_td @ np.linalg.solve(th_dd, Y_TRAIN), atol=1e-10)
    xt = X_TEST[::3]
    yt = np.sin(3 * U_TEST[::3])
    _, k = wide.relu_kernels(xt, xt, depth=2)
    np.testing.assert_allclose(gp.kernel_regression(k, k, yt), yt, atol=1e-8)


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
    # Slowest mode: e^{−λ_min t} with λ_min ≈ 0.17, t = 3000: e^{−510}.
    pred = gp.ntk_gp(*GP_ARGS, [3000.0, jnp.inf], full_cov=True)
    np.testing.assert_allclose(pred.mean[0], pred.mean[1], atol=1e-10)
    np.testing.assert_allclose(pred.cov[0], pred.cov[1], atol=1e-10)
    # t = ∞ against A = Θ(x,X) Θ(X,X)⁻¹ by a linear solve (no eigendecomposition).
    A = np.linalg.solve(np.asarray(KB.theta_dd), np.asarray(KB.theta_td).T).T
    k_td, k_dd, k_tt = (np.asarray(a) for a in (KB.k_td, KB.k_dd, KB.k_tt))
    np.testing.assert_allclose(pred.mean[1], A @ Y_TRAIN, atol=1e-10)
    np.testing.assert_allclose(pred.cov[1], k_tt + A @ k_dd @ A.T - A @ k_td.T - k_td @ A.T, atol=1e-9)
    # ... and it is kernel regression with the NTK.
    np.testing.assert_allclose(pred.mean[1], gp.kernel_regression(KB.theta_td, KB.theta_dd, Y_TRAIN),
                               atol=1e-10)


def test_at_infinite_time_and_in_the_nngp_posterior_the_data_are_interpolated():
    ntk_inf = gp.ntk_gp(*GP_ARGS, [jnp.inf], full_cov=True)
    nngp = gp.nngp_posterior(KB.k_tt, KB.k_td, KB.k_dd, Y_TRAIN, full_cov=True)
    for mean, cov in ((ntk_inf.mean[0], ntk_inf.cov[0]), (nngp.mean, nngp.cov)):
        mean, cov = np.asarray(mean), np.asarray(cov)
        np.testing.assert_allclose(mean[ON_TRAIN], Y_TRAIN, atol=1e-9)
        # Variances cancel to round-off (K ~ 1, cond K(X,X) ~ 250): ≤ 1e-9, so std ≤ ~3e-5.
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


# --------------------------------------------------------------------------- one route, one program


def test_kernel_blocks_are_one_gram_matrix_of_test_and_training_inputs():
    # Every block is a slice of relu_kernels on [x; X] (here evaluated op by op, not compiled: near
    # the diagonal, r = √(qq′ − c²) turns last-bit differences of other roundings into ~1e-14), and
    # an entry at a training input is the very number of Θ(X, X), bit for bit.
    z = np.concatenate([X_TEST, X_TRAIN])                              # (36, 2)
    k, th = (np.asarray(a) for a in wide.relu_kernels(z, z, ARCH.depth))
    n = len(X_TEST)
    for block, ref in ((KB.k_tt, k[:n, :n]), (KB.k_td, k[:n, n:]), (KB.k_dd, k[n:, n:]),
                       (KB.theta_tt, th[:n, :n]), (KB.theta_td, th[:n, n:]), (KB.theta_dd, th[n:, n:])):
        np.testing.assert_allclose(block, ref, rtol=0, atol=1e-13)
    np.testing.assert_array_equal(np.asarray(KB.theta_td)[ON_TRAIN], np.asarray(KB.theta_dd))
    np.testing.assert_array_equal(np.asarray(KB.k_td)[ON_TRAIN], np.asarray(KB.k_dd))


def test_gp_predict_is_the_pieces_in_one_compiled_function():
    times = [0.0, 0.5, 8.0, jnp.inf]
    pred = gp.gp_predict(X_TEST, X_TRAIN, Y_TRAIN, times, ARCH, full_cov=True)
    ntk = gp.ntk_gp(*GP_ARGS, times, full_cov=True)
    nngp = gp.nngp_posterior(KB.k_tt, KB.k_td, KB.k_dd, Y_TRAIN, full_cov=True)
    for got, ref in ((pred.ntk, ntk), (pred.nngp, nngp)):
        for a, b in zip(got, ref):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    assert pred.ntk.mean.shape == (4, 31) and pred.nngp.cov.shape == (31, 31)
    # Without full_cov only the variances are computed (and K(x, x) only on its diagonal): the same
    # means and standard deviations.
    lean = gp.gp_predict(X_TEST, X_TRAIN, Y_TRAIN, times, ARCH)
    assert lean.ntk.cov is None and lean.nngp.cov is None
    for got, ref in ((lean.ntk, pred.ntk), (lean.nngp, pred.nngp)):
        np.testing.assert_allclose(got.mean, ref.mean, rtol=0, atol=1e-12)
        np.testing.assert_allclose(np.asarray(got.std) ** 2, np.asarray(ref.std) ** 2, rtol=0, atol=1e-12)
    gd = gp.gp_predict(X_TEST, X_TRAIN, Y_TRAIN, [0.0, 0.5, 2.0], ARCH, lr=0.25).ntk
    ref = gp.ntk_gp(*GP_ARGS, [0.0, 0.5, 2.0], lr=0.25)
    np.testing.assert_allclose(gd.mean, ref.mean, atol=1e-12)
    np.testing.assert_allclose(gd.std, ref.std, atol=1e-9)
    # One program per shape: other times, targets and inputs of the same shapes compile nothing.
    size = gp._gp_predict._cache_size()
    gp.gp_predict(X_TEST[::-1], X_TRAIN + 0.01, -Y_TRAIN, [1.0, 2.0, 3.0, 4.0], ARCH)
    assert gp._gp_predict._cache_size() == size
