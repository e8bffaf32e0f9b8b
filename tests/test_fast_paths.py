"""The fast paths compute the same numbers as the plain ones (to 1e-12), and compile once."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ntkcore
from ntkcore import core, training, wide


@pytest.mark.parametrize("name", ["training", "rbf", "linear"])
def test_compiled_trajectory_equals_the_step_by_step_one(name):
    ex = ntkcore.get_example(name)
    steps = 15 if ex.steps == 0 else ex.steps
    fast = core.ascent_trajectory(ex.f, ex.theta, ex.grid, ex.observation[0], ex.ascent_lr, steps)
    ref = core.ascent_trajectory_reference(ex.f, ex.theta, ex.grid, ex.observation[0], ex.ascent_lr, steps)
    for key in ("f", "kernel_finite", "ntk"):
        scale = max(1.0, np.abs(getattr(ref, key)).max())
        assert np.abs(getattr(fast, key) - getattr(ref, key)).max() <= 1e-12 * scale, key
    assert len(fast.thetas) == steps + 1
    for a, b in zip(fast.thetas, ref.thetas):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=0, atol=1e-12)


@pytest.mark.parametrize("depth", [1, 2, 4])
def test_atan2_kernels_equal_the_arccos_form(depth):
    rng = np.random.default_rng(depth)
    x1, x2 = jnp.asarray(rng.normal(size=(40, 3))), jnp.asarray(rng.normal(size=(25, 3)))
    for new, old in zip(wide.relu_kernels(x1, x2, depth), wide.relu_kernels_arccos(x1, x2, depth)):
        # Off the diagonal both forms are accurate; the difference is rounding.
        np.testing.assert_allclose(np.asarray(new), np.asarray(old), rtol=1e-12, atol=1e-12)


def test_atan2_kernels_on_the_diagonal_meet_the_closed_form():
    # x = x': the angle is 0 at every layer, E[φ(u)²] = q/2 and E[φ'(u)²] = 1/2, so
    # Σ_l = w²·Σ_{l-1}/2 + b² and Θ_l = Σ_l + w²·Θ_{l-1}/2, starting from Σ_0 = Θ_0 = w²x² + b².
    x = jnp.linspace(-1, 1, 21)[:, None]
    nngp, ntk = wide.relu_kernels(x, x, 3)
    w2, b2 = 2.0, 0.01
    s = t = w2 * np.asarray(x[:, 0]) ** 2 + b2
    for ws2, bs2 in [(w2, b2), (w2, b2), (1.0, 0.01)]:
        s = ws2 * s / 2 + bs2
        t = s + ws2 * t / 2
    np.testing.assert_allclose(np.diag(nngp), s, rtol=1e-14)
    np.testing.assert_allclose(np.diag(ntk), t, rtol=1e-14)


def test_the_trainer_compiles_once_per_shape():
    p = wide.init_params(jax.random.PRNGKey(0), 32)
    x, y = jnp.linspace(-1, 1, 5), jnp.linspace(0, 1, 5)
    training.train_snapshots(p, x, y, 0.5, [0, 25, 50])
    size = training._snapshots._cache_size()
    for lr in (0.4, 0.3, 0.2):       # another learning rate, other targets, other step counts: no new compilation
        training.train_snapshots(p, x, y * lr, lr, [0, int(100 * lr), 60])
    assert training._snapshots._cache_size() == size


def test_framed_axes_draw_no_invisible_parts():
    # The axes used for c2p/p2c are not in the drawn group (an invisible mobject still costs a
    # draw every frame), and c2p still maps data to the frame the user sees.
    from scenes.theme import Theme
    from scenes.widgets import framed_axes
    axes = framed_axes((-10, 20, 5), (-30, 70, 10), (11.0, 4.9), (0.4, 0.1, 0.0), Theme())
    parts = [m for m in axes.get_family() if m.has_points()]
    assert parts and all(m.get_stroke_opacity() > 0 or m.get_fill_opacity() > 0 for m in parts)
    assert axes.x_axis not in axes.get_family() and axes.y_axis not in axes.get_family()
    np.testing.assert_allclose(axes.c2p(-10, -30)[:2], axes.frame_x.get_start()[:2], atol=1e-9)
    np.testing.assert_allclose(axes.c2p(20, -30)[:2], axes.frame_x.get_end()[:2], atol=1e-9)
    np.testing.assert_allclose(axes.c2p(-10, 70)[:2], axes.frame_y.get_end()[:2], atol=1e-9)
