"""ntkcore.step_facts: the reasons chapters 1–3 give on screen, checked against closed forms and
an independent finite difference."""

import jax.numpy as jnp
import numpy as np
import pytest

from ntkcore import EXAMPLES, param_grad
from ntkcore.step_facts import (changed_parameters, is_delta_kernel, parameter_step, push_is_exact,
                                second_order_term)


def test_lookup_table_step_changes_only_theta_at_the_observation():
    ex = EXAMPLES["lookup_table"]
    # (f(10) − 50)² holds θ₁₀ only; Δθ₁₀ = −0.1·2·(31 − 50) = 3.8
    k = int(np.flatnonzero(ex.grid == 10.0)[0])
    assert changed_parameters(ex).tolist() == [k]
    assert parameter_step(ex)[k] == pytest.approx(3.8, abs=1e-12)


@pytest.mark.parametrize("name, grad_at_obs", [("linear", (10.0, 1.0)), ("reparametrized", (10.0, 10.0))])
def test_straight_line_steps_move_both_parameters(name, grad_at_obs):
    # Δθ = −lr·2·(f(10) − 50)·∇θ f(10) = 0.038·∇θ f(10), ∇θ f(10) = (10, 1) or (10, 10)
    ex = EXAMPLES[name]
    np.testing.assert_allclose(parameter_step(ex), 0.038 * np.array(grad_at_obs), atol=1e-12)
    assert changed_parameters(ex).tolist() == [0, 1]


def quadratic(theta, x):
    """f = θ1²·x: the push's second-order term is 2·g²·x with g = ∂f(x′)/∂θ1 = 2·θ1·x′."""
    return theta[0] ** 2 * x


def test_second_order_term_of_a_quadratic_model_closed_form():
    theta, x2, xs = jnp.array([1.5]), 2.0, np.array([-1.0, 0.0, 3.0])
    expected = 8 * 1.5 ** 2 * x2 ** 2 * xs
    np.testing.assert_allclose(second_order_term(quadratic, theta, xs, x2), expected, rtol=1e-12)
    assert not push_is_exact(quadratic, theta, xs, x2)


def test_second_order_term_against_a_finite_difference():
    ex = EXAMPLES["rbf"]
    x2, h = ex.observation[0], 1e-3
    g = np.array([float(v) for v in param_grad(ex.f, ex.theta, x2)])
    f = lambda th: np.array([float(ex.f(jnp.asarray(th), jnp.float64(x))) for x in ex.grid])   # noqa: E731
    th = np.asarray(ex.theta)
    fd = (f(th + h * g) - 2 * f(th) + f(th - h * g)) / h ** 2
    s = second_order_term(ex.f, ex.theta, ex.grid, x2)
    np.testing.assert_allclose(s, fd, rtol=1e-4, atol=1e-4 * np.abs(fd).max())
    assert np.abs(s).max() > 0.1 and not push_is_exact(ex.f, ex.theta, ex.grid, x2)


@pytest.mark.parametrize("name", ["linear", "reparametrized"])
def test_pushes_of_straight_line_models_are_exact(name):
    ex = EXAMPLES[name]
    assert np.all(second_order_term(ex.f, ex.theta, ex.grid, 10.0) == 0)
    assert push_is_exact(ex.f, ex.theta, ex.grid, 10.0)


def test_delta_kernel_only_for_the_lookup_table():
    assert is_delta_kernel(EXAMPLES["lookup_table"])
    assert not is_delta_kernel(EXAMPLES["linear"]) and not is_delta_kernel(EXAMPLES["rbf"])


@pytest.mark.parametrize("eta, expected", [(None, 7.7), ("step", 7.3)])
def test_kernel_peak_of_example_4_on_the_smooth_curve(eta, expected):
    # Example 4's kernels peak between whole numbers: the step's at x ≈ 7.3, the exact NTK's at ≈ 7.7
    # (the dots: 7 and 8).  Independent: the hand-derived kernels, and the sign change of their slope.
    import rbf_by_hand as hand
    from ntkcore.facts import kernel_peak
    ex = EXAMPLES["rbf"]
    step_eta = hand.step_eta(hand.THETA0, 0.1)
    e = step_eta if eta == "step" else None
    x_star, k_star = kernel_peak(ex.f, ex.theta, 10.0, (-10, 20), eta=e)

    def k(xs):
        if e is None:
            return hand.ntk_column(hand.THETA0, xs) / hand.ntk_column(hand.THETA0, 10.0)
        return hand.finite_kernel(hand.THETA0, xs, e) / hand.finite_kernel(hand.THETA0, 10.0, e)

    xs = np.linspace(6, 9, 300001)                      # spacing 1e-5
    ks = k(xs)
    assert x_star == pytest.approx(xs[np.argmax(ks)], abs=1.1e-3)
    assert k_star == pytest.approx(ks.max(), abs=1e-6)
    assert round(x_star, 1) == expected
    assert k(x_star - 0.01) < k_star > k(x_star + 0.01)
    grid_peak = hand.GRID[np.argmax(k(hand.GRID))]
    assert grid_peak == (8.0 if e is None else 7.0)      # the whole-number dots disagree with the curve


def test_example_4s_offset_lifts_f_by_its_step_and_sets_the_tails():
    # Δθ₅ = η·∂f(10)/∂θ₅ = η = −2·0.1·(f(10) − 50) = 0.601; Δf(10) = 1.44; 0.601 / 1.44 = 0.42, the
    # level of the step kernel's tails (0.41 and 0.42)
    import rbf_by_hand as hand
    from ntkcore.step_facts import offset_move
    d5, level = offset_move(EXAMPLES["rbf"], 4)
    eta = hand.step_eta(hand.THETA0, 0.1)
    d = hand.f(hand.gd_step(hand.THETA0, 0.1), hand.GRID) - hand.f(hand.THETA0, hand.GRID)
    assert d5 == pytest.approx(eta, abs=1e-12) and round(d5, 2) == 0.60
    assert level == pytest.approx(eta / d[20], abs=1e-12) and round(level, 2) == 0.42
    k = d / d[20]
    assert abs(k[0] - level) < 0.01 and abs(k[-1] - level) < 0.01
