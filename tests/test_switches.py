"""Where a finite network's kernel GD jumps (ntkcore.switches): the inputs where a hidden unit
switches, found against closed forms and a fine grid, and the jump against the explicit kernel-GD
recursion with the Jacobian NTK.  Inputs along the chapters' path: u ∈ [−1, 1] and the network
input (cos(πu/2), sin(πu/2))."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ntkcore
from gp_data import ARCH, X_TRAIN, Y_TRAIN
from ntkcore import switches, wide


def _circle(us):
    """The network input of u, by hand: the point at angle πu/2 on the unit circle, (len(us), 2)."""
    phi = np.pi / 2 * np.asarray(us, dtype=np.float64)
    return np.stack([np.cos(phi), np.sin(phi)], axis=1)


def _pre_activations(params, us, arch):
    """Hidden pre-activations by hand (NTK parametrization), (len(us), width) per hidden layer."""
    h, out = _circle(us), []
    for (W, b), (ws, bs) in list(zip(params, arch.stds()))[:-1]:
        z = (ws / np.sqrt(W.shape[1])) * h @ np.asarray(W).T + bs * np.asarray(b)
        out.append(z)
        h = np.maximum(z, 0.0)
    return out


def test_activation_switches_are_the_zero_crossings_of_hidden_units():
    params = wide.init_params(jax.random.PRNGKey(0), 8, ARCH, d_in=2)
    sw = switches.activation_switches(params, -1.0, 1.0, ARCH)
    assert sw.size > 0 and np.all(np.diff(sw) > 0) and np.all((-1 <= sw) & (sw <= 1))
    # First layer in closed form: z = (w_std/√2)(W₁ cos φ + W₂ sin φ) + b_std·b = R cos(φ − α) + c
    # with R = (w_std/√2)|W|, α = atan2(W₂, W₁), c = b_std·b vanishes at φ = α ± arccos(−c/R)
    # (when |c| ≤ R), taken modulo 2π into [−π/2, π/2], i.e. u = 2φ/π ∈ [−1, 1].
    (W1, b1), (ws, bs) = params[0], ARCH.stds()[0]
    W1, c = np.asarray(W1), bs * np.asarray(b1)
    R, alpha = ws / np.sqrt(2) * np.hypot(W1[:, 0], W1[:, 1]), np.arctan2(W1[:, 1], W1[:, 0])
    ok = np.abs(c) <= R
    roots = np.concatenate([alpha[ok] + np.arccos(-c[ok] / R[ok]), alpha[ok] - np.arccos(-c[ok] / R[ok])])
    phi = (roots + np.pi) % (2 * np.pi) - np.pi                      # in [−π, π)
    u1 = np.sort(2 * phi[np.abs(phi) <= np.pi / 2] / np.pi)
    assert u1.size > 0 and all(np.abs(sw - u).min() < 1e-12 for u in u1)
    # Every switch zeroes some hidden unit; and a fine grid finds as many sign changes.
    zs = _pre_activations(params, sw, ARCH)
    assert np.all(np.min([np.abs(z).min(axis=1) for z in zs], axis=0) < 1e-9)
    fine = _pre_activations(params, np.linspace(-1.0, 1.0, 200001), ARCH)
    assert sum(int((np.sign(z[:-1]) * np.sign(z[1:]) < 0).sum()) for z in fine) == sw.size


def test_kernel_gd_with_a_finite_networks_ntk_jumps_where_a_unit_switches():
    # Width 8: kernel GD with its own Θ_0, by the explicit recursion f ← f − η Θ_0(x, X)(f(X) − Y)
    # with Θ_0 from the Jacobian, on both sides of each switch: a jump that does not shrink with ε;
    # between switches the two sides meet as ε → 0.
    params = wide.init_params(jax.random.PRNGKey(0), 8, ARCH, d_in=2)
    sw = switches.activation_switches(params, -1.0, 1.0, ARCH)
    mid = 0.5 * (sw[:-1] + sw[1:])
    lr, steps = 0.125, 16
    jac_ntk = jax.jit(lambda p, a, b: ntkcore.ntk(lambda th, x: wide.apply(th, x, ARCH), p, a, b))

    def recursion(us):
        points = _circle(us)
        th_td, th_dd = np.asarray(jac_ntk(params, points, X_TRAIN)), np.asarray(jac_ntk(params, X_TRAIN, X_TRAIN))
        f = np.asarray(wide.apply_batch(params, jnp.asarray(points), ARCH))
        fd = np.asarray(wide.apply_batch(params, jnp.asarray(X_TRAIN), ARCH))
        for _ in range(steps):
            r = fd - Y_TRAIN
            f, fd = f - lr * th_td @ r, fd - lr * th_dd @ r
        return f

    for eps in (1e-5, 1e-8):
        got = switches.kernel_gd_across(params, sw, X_TRAIN, Y_TRAIN, [0.0, lr * steps], lr, ARCH, eps=eps)
        expected = recursion(sw + eps) - recursion(sw - eps)
        np.testing.assert_allclose(got[-1], expected, atol=1e-9)
        np.testing.assert_allclose(got[0], 0.0, atol=1e-4)            # f_0 itself is continuous
    far = switches.kernel_gd_across(params, sw, X_TRAIN, Y_TRAIN, [lr * steps], lr, ARCH, eps=1e-8)[0]
    near = switches.kernel_gd_across(params, sw, X_TRAIN, Y_TRAIN, [lr * steps], lr, ARCH, eps=1e-5)[0]
    assert np.abs(far).max() > 1e-2 and np.allclose(far, near, atol=1e-4)     # a jump
    between = switches.kernel_gd_across(params, mid, X_TRAIN, Y_TRAIN, [lr * steps], lr, ARCH, eps=1e-8)[0]
    assert np.abs(between).max() < 1e-6                                      # continuous there
    u, jump = switches.largest_kernel_gd_jump(0, 8, X_TRAIN, Y_TRAIN, [0.0, lr * steps], lr, -1.0, 1.0, ARCH)
    assert u in sw and jump[-1] == pytest.approx(far[np.argmax(np.abs(far))], abs=1e-6)
