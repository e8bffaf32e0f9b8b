"""Wide ReLU networks: the chapters' input (points on the half circle), analytic infinite-width
kernels against closed forms and Monte Carlo, and the shape they were chosen for (peaked at x');
the structured empirical NTK against the generic Jacobian one.  (The kernels against many random
networks of the chapters' architecture -- the NNGP as their output covariance, the NTK as their
mean kernel, the seed spread against width -- are in test_wide_experiments.py.)"""


import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ntkcore
from ntkcore import wide
from ntkcore.wide_experiments import column_shape

ARCH = wide.MLP(depth=2)
GRID = np.arange(-10, 21.0)                                   # the post's grid
X = jnp.asarray(wide.embed(np.arange(-10, 21, 3.0)))          # (11, 2) on the half circle
U = jnp.asarray(wide.scale_inputs(np.arange(-10, 21, 3.0)))   # (11,) in [-1, 1]: one feature


def test_scale_inputs_maps_grid_to_unit_interval():
    np.testing.assert_allclose(wide.scale_inputs([-10, 5, 20]), [-1.0, 0.0, 1.0])


def test_embed_puts_the_grid_on_the_right_half_of_the_unit_circle():
    # φ = (π/2)·u = π(x + 10)/30 − π/2: x = −10, 5, 20 go to φ = −π/2, 0, π/2, the points (0, −1),
    # (1, 0), (0, 1); x = 10 to φ = π/6, (√3/2, 1/2).  Every input has norm 1, and the angle grows
    # evenly along the grid (π/30 per unit of x).
    np.testing.assert_allclose(wide.embed([-10, 5, 20, 10]), [[0, -1], [1, 0], [0, 1], [3 ** 0.5 / 2, 0.5]],
                               atol=1e-15)
    v = wide.embed(GRID)
    assert v.shape == (31, 2) and wide.EMBED_DIM == 2
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-15)
    np.testing.assert_allclose(np.diff(np.arctan2(v[:, 1], v[:, 0])), np.pi / 30, atol=1e-14)
    # One map: embed = embed_scaled ∘ scale_inputs, and embed_scaled is the angle πu/2.
    np.testing.assert_array_equal(v, wide.embed_scaled(wide.scale_inputs(GRID)))
    np.testing.assert_array_equal(wide.input_angle([-1.0, 0.5]), [-np.pi / 2, np.pi / 4])
    np.testing.assert_allclose(wide.embed([0, 10], (0, 10)), [[0, -1], [0, 1]], atol=1e-15)   # another range


@pytest.mark.parametrize("inputs", ["half circle", "one feature"])
def test_structured_ntk_equals_jacobian_ntk(inputs):
    xs = X if inputs == "half circle" else U
    d_in = 2 if inputs == "half circle" else 1
    for depth, width in ((3, 16),):   # every kind of layer: input, hidden-to-hidden, readout
        arch = wide.MLP(depth=depth)
        p = wide.init_params(jax.random.PRNGKey(depth), width, arch, d_in=d_in)
        k_struct = wide.mlp_ntk_structured(p, xs, xs[:5], arch)
        k_jac = jax.jit(lambda th: ntkcore.ntk(lambda t, x: wide.apply(t, x, arch), th, xs, xs[:5]))(p)
        np.testing.assert_allclose(k_struct, k_jac, rtol=1e-10, atol=1e-10)


def test_apply_batch_equals_apply():
    p = wide.init_params(jax.random.PRNGKey(0), 16, ARCH, d_in=2)
    np.testing.assert_allclose(wide.apply_batch(p, X, ARCH), ntkcore.values(lambda th, x: wide.apply(th, x, ARCH), p, X),
                               atol=1e-12)


def test_relu_kernels_is_public_with_the_documented_signature():
    import inspect
    assert ntkcore.relu_kernels is wide.relu_kernels
    params = inspect.signature(ntkcore.relu_kernels).parameters
    assert list(params) == ["x1", "x2", "depth", "w_std", "b_std", "readout_w_std", "readout_b_std"]
    assert params["w_std"].default == 2 ** 0.5 and params["b_std"].default == 0.1
    assert params["readout_w_std"].default == 1.0 and params["readout_b_std"].default == 0.1


def test_depth1_closed_values():
    # x = x' = 1, depth 1: q = 2·1 + 0.01 = 2.01, θ = 0, E[φ²] = q/2, E[φ'²] = 1/2:
    # nngp = 1·q/2 + 0.01 = 1.015;  ntk = nngp + 1·(1/2)·q = 2.02.
    nngp, ntk = wide.relu_kernels(np.array([[1.0]]), np.array([[1.0]]), depth=1)
    assert float(nngp[0, 0]) == pytest.approx(1.015, abs=1e-12)
    assert float(ntk[0, 0]) == pytest.approx(2.02, abs=1e-12)
    # x = 1, x' = -1 with no biases: the pre-activations are perfectly anti-correlated (θ = π),
    # ReLU never fires on both: both kernels vanish.
    nngp, ntk = wide.relu_kernels(np.array([[1.0]]), np.array([[-1.0]]), depth=1, b_std=0.0,
                                  readout_b_std=0.0)
    assert float(nngp[0, 0]) == pytest.approx(0.0, abs=1e-12)
    assert float(ntk[0, 0]) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("inputs", ["one feature", "half circle"])
def test_depth1_against_monte_carlo_of_the_arccos_expectations(inputs):
    # Independent of the arc-cosine formulas: sample the first layer's Gaussian pre-activations,
    # q = w²|v|²/d + b², c = w²·v·v'/d + b² (w² = 2, b² = 0.01).
    if inputs == "one feature":
        v, vp = np.array([0.6]), np.array([-0.3])
    else:
        v, vp = wide.embed([2.0])[0], wide.embed([10.0])[0]
    d = len(v)
    q, qp, c = 2 * v @ v / d + 0.01, 2 * vp @ vp / d + 0.01, 2 * v @ vp / d + 0.01
    rng = np.random.default_rng(0)
    uv = rng.multivariate_normal([0, 0], [[q, c], [c, qp]], size=2_000_000)
    e_phi = np.mean(np.maximum(uv[:, 0], 0) * np.maximum(uv[:, 1], 0))
    e_dphi = np.mean((uv[:, 0] > 0) & (uv[:, 1] > 0))
    nngp_mc = 1.0 * e_phi + 0.01
    ntk_mc = nngp_mc + 1.0 * e_dphi * c
    nngp, ntk = wide.relu_kernels(v[None], vp[None], depth=1)
    assert float(nngp[0, 0]) == pytest.approx(nngp_mc, abs=3e-3)
    assert float(ntk[0, 0]) == pytest.approx(ntk_mc, abs=3e-3)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_kernels_are_symmetric_psd_and_ntk_dominates_nngp(depth):
    nngp, ntk = (np.asarray(k) for k in wide.relu_kernels(X, X, depth))
    for k in (nngp, ntk):
        np.testing.assert_allclose(k, k.T, atol=1e-12)
        assert np.linalg.eigvalsh(k).min() > -1e-10
    # Θ = Σ + (positive terms): the NTK is at least the NNGP entrywise on the diagonal.
    assert np.all(np.diag(ntk) >= np.diag(nngp))
    assert not np.allclose(nngp, ntk)  # "don't mix your kernels": they are different


def test_diagonal_closed_form_depth2():
    # On the diagonal θ = 0 at every layer: q ← w² q/2 + b², Θ ← q_new + w²/2 Θ.
    x = 0.7
    q = 2 * x * x + 0.01
    theta = q
    for w2, b2 in ((2.0, 0.01), (1.0, 0.01)):
        q_new = w2 * q / 2 + b2
        theta = q_new + w2 / 2 * theta
        q = q_new
    nngp, ntk = wide.relu_kernels(np.array([[x]]), np.array([[x]]), depth=2)
    assert float(nngp[0, 0]) == pytest.approx(q, abs=1e-12)
    assert float(ntk[0, 0]) == pytest.approx(theta, abs=1e-12)


def test_on_the_half_circle_the_diagonal_is_the_same_everywhere():
    # |v| = 1 for every input: the first layer's q = w²·1/2 + b² = 1.01, then q ← w²q/2 + b²,
    # Θ ← q_new + w²/2·Θ: (1.02, 2.03) after the hidden layer, (0.52, 1.535) after the readout.
    k, th = (np.diag(np.asarray(a)) for a in wide.relu_kernels(wide.embed(GRID), None, 2))
    np.testing.assert_allclose(k, 0.52, rtol=1e-14)
    np.testing.assert_allclose(th, 1.535, rtol=1e-14)


@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("b_std", [0.0, 0.1, 1.0])
def test_kernels_on_the_circle_fall_with_the_angle(depth, b_std):
    # On the unit circle K and Θ depend on the angle α between the two inputs alone.  K falls
    # strictly over the whole half turn (E[ReLU(u)ReLU(v)] grows with the covariance at every
    # layer).  Θ falls strictly to at least 3π/4 (for these depths and biases; the default's turns
    # at 0.835π): beyond, the first layer's Θ = w²cos α/2 + b², negative past π/2, times the
    # shrinking share of ReLUs on at both inputs brings it slightly back up towards α = π.
    a = np.linspace(0.0, np.pi, 2001)
    v = np.stack([np.cos(a), np.sin(a)], axis=1)
    k, th = (np.asarray(m)[:, 0] for m in wide.relu_kernels(v, v[:1], depth, b_std=b_std, readout_b_std=b_std))
    assert np.all(np.diff(k) < 0)
    assert np.all(np.diff(th[a <= 0.75 * np.pi]) < 0)


@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("b_std", [0.0, 0.1, 1.0])
def test_kernels_on_the_half_circle_peak_at_x_prime(depth, b_std):
    # What the input was chosen for: Θ(·, x') and K(·, x') on the post's grid rise strictly to
    # x = x' and fall strictly after it (a bump around x', not a hinge), whatever the depth and
    # bias: K for every x' of the grid, Θ for every x' at most 2π/3 (20 units of x) from both ends
    # of the grid (0 ≤ x' ≤ 10, the chapters' x' = 10 among them; see the test above).
    v = wide.embed(GRID)
    k, th = (np.asarray(a) for a in wide.relu_kernels(v, v, depth, b_std=b_std, readout_b_std=b_std))
    for j, xp in enumerate(GRID):
        cols = (k[:, j], th[:, j]) if 0 <= xp <= 10 else (k[:, j],)
        for col in cols:
            shape = column_shape(GRID, col)
            assert shape.unimodal and shape.peak_x == xp, (xp, shape)


def test_the_default_columns_at_x_prime_10_and_their_ends():
    # The chapters' columns (x' = 10, depth 2, default stds): peak 1.535 (Θ) and 0.52 (K) at x = 10;
    # at the grid's ends x = −10 (2π/3 away) and x = 20 (π/3 away) Θ has fallen to 0.126 and 0.460
    # of its peak, K (smoother) to 0.394 and 0.695.
    k, th = (np.asarray(a)[:, 0] for a in wide.relu_kernels(wide.embed(GRID), wide.embed([10.0]), 2))
    t, n = column_shape(GRID, th), column_shape(GRID, k)
    assert (t.peak_x, n.peak_x) == (10.0, 10.0) and t.unimodal and n.unimodal
    assert t.peak == pytest.approx(1.535, rel=1e-14) and n.peak == pytest.approx(0.52, rel=1e-14)
    assert (t.left, t.right) == pytest.approx((0.126, 0.460), abs=1e-3)
    assert (n.left, n.right) == pytest.approx((0.394, 0.695), abs=1e-3)


def test_column_shape_closed_forms():
    x = np.arange(5.0)
    s = column_shape(x, [1.0, 2.0, 4.0, 3.0, 2.0])
    assert s == (2.0, 4.0, 0.25, 0.5, True)
    assert not column_shape(x, [1.0, 2.0, 4.0, 3.0, 3.0]).unimodal      # flat after the peak
    assert not column_shape(x, [1.0, 0.5, 4.0, 3.0, 2.0]).unimodal      # a second bump
    assert column_shape(x, [0.0, 1.0, 2.0, 3.0, 4.0]) == (4.0, 4.0, 0.0, 1.0, True)   # a hinge's end


def test_relu_kernels_rejects_bad_depth():
    with pytest.raises(ValueError, match="depth must be an integer >= 1"):
        wide.relu_kernels(X, X, depth=0)

