"""Example 4's model computed again in plain NumPy with its gradient derived by hand, so that the
tests can check ntkcore's numbers (and the facts the chapters state) against an independent
computation rather than against ntkcore itself.

    f(x; θ) = θ2·e^{−(x−θ1)²/30} + θ4·e^{−(x−θ3)²/30} + θ5          (centre-then-amplitude)
    ∂f/∂θ1 = θ2·e1·2(x−θ1)/30,  ∂f/∂θ2 = e1,  ∂f/∂θ3 = θ4·e2·2(x−θ3)/30,  ∂f/∂θ4 = e2,  ∂f/∂θ5 = 1
"""

import numpy as np

WIDTH = 30.0
THETA0 = np.array([4.0, -10.0, 25.0, 10.0, 50.0])
GRID = np.arange(-10, 21, dtype=float)
X_OBS, Y_OBS = 10.0, 50.0


def f(theta, x):
    t1, t2, t3, t4, t5 = theta
    x = np.asarray(x, dtype=float)
    return t2 * np.exp(-(x - t1) ** 2 / WIDTH) + t4 * np.exp(-(x - t3) ** 2 / WIDTH) + t5


def grad(theta, x):
    """∇θ f(x; θ), shape (n, 5) for n inputs (or (5,) for a scalar x)."""
    t1, t2, t3, t4, _ = theta
    x = np.asarray(x, dtype=float)
    e1, e2 = np.exp(-(x - t1) ** 2 / WIDTH), np.exp(-(x - t3) ** 2 / WIDTH)
    return np.stack([t2 * e1 * 2 * (x - t1) / WIDTH, e1, t4 * e2 * 2 * (x - t3) / WIDTH, e2, np.ones_like(x)],
                    axis=-1)


def gd_step(theta, lr, x_obs=X_OBS, y_obs=Y_OBS):
    """θ − lr·∇θ (f(x') − y)² = θ − lr·2(f(x') − y)·∇θ f(x')."""
    return theta - lr * 2 * (f(theta, x_obs) - y_obs) * grad(theta, x_obs)


def step_eta(theta, lr, x_obs=X_OBS, y_obs=Y_OBS):
    """That step as a push along ∇θ f(x'): η = −2·lr·(f(x') − y)."""
    return -2 * lr * (f(theta, x_obs) - y_obs)


def finite_kernel(theta, xs, eta, x_obs=X_OBS):
    """k̃_η(x, x') = (f(x; θ + η∇θ f(x')) − f(x; θ)) / η."""
    return (f(theta + eta * grad(theta, x_obs), xs) - f(theta, xs)) / eta


def ntk_column(theta, xs, x_obs=X_OBS):
    """k(x, x') = ∇θ f(x) · ∇θ f(x')."""
    return grad(theta, xs) @ grad(theta, x_obs)


def ascent(theta, eta, steps, x_obs=X_OBS):
    """θ_{t+1} = θ_t + η·∇θ f(x'; θ_t): the list of θ_0 … θ_steps."""
    thetas = [np.asarray(theta, dtype=float)]
    for _ in range(steps):
        thetas.append(thetas[-1] + eta * grad(thetas[-1], x_obs))
    return thetas
