"""The five examples: the numbers the post states (or our fixed readings of it)."""

import math

import numpy as np
import pytest

import ntkcore
from ntkcore import EXAMPLES

X = np.arange(-10, 21, dtype=np.float64)


def test_grid_and_shared_function():
    for ex in EXAMPLES.values():
        np.testing.assert_array_equal(ex.grid, X)
    # Examples 1-3 are "exactly the same function" 3x + 1.
    for name in ("lookup_table", "linear", "reparametrized"):
        np.testing.assert_allclose(EXAMPLES[name].values(), 3 * X + 1, atol=1e-12)


def test_example1_only_f10_moves_by_3_8():
    d = EXAMPLES["lookup_table"].displacement()
    # θ_10 = 31: Δθ_10 = -0.1 · 2 (31 - 50) = 3.8.
    expected = np.where(X == 10, 3.8, 0.0)
    np.testing.assert_allclose(d, expected, atol=1e-12)


def test_example2_linear_displacement():
    ex = EXAMPLES["linear"]
    assert ex.lr == 0.001
    np.testing.assert_allclose(ex.displacement(), 0.038 * (10 * X + 1), atol=1e-12)
    assert np.all(ex.displacement()[X < 0] < 0) and np.all(ex.displacement()[X >= 0] > 0)
    # Why not 0.1: the arrow at x = 10 would be 383.8 long.
    big = ex.replace(lr=0.1).displacement()
    assert big[X == 10][0] == pytest.approx(383.8, abs=1e-9)


def test_example3_reparametrized_displacement():
    d = EXAMPLES["reparametrized"].displacement()
    np.testing.assert_allclose(d, 0.038 * (10 * X + 100), atol=1e-12)
    assert d[X == -10][0] == pytest.approx(0.0, abs=1e-12)
    assert d[X == 10][0] == pytest.approx(7.6, abs=1e-12)


def test_example4_rbf_facts():
    ex = EXAMPLES["rbf"]
    assert round(float(ex.values()[X == 10][0]), 2) == 46.99
    k = ex.kernel_finite_normalized()
    assert X[np.argmax(k)] == 7
    assert k.min() < 0 and abs(X[np.argmin(k)]) <= 2          # negative around x = 0
    assert k.min() == pytest.approx(-0.28, abs=0.01)
    assert k[0] == pytest.approx(0.41, abs=0.01) and k[-1] == pytest.approx(0.42, abs=0.01)
    kn = ex.ntk_normalized()
    assert X[np.argmax(kn)] == 8
    assert kn[X == 10][0] == pytest.approx(1.0)


def test_example4_kernel_is_the_step_seen_as_a_push():
    # Δf = η k̃_η(x, 10) with η = -2 lr (f(10) - 50): two routes to the same numbers.
    ex = EXAMPLES["rbf"]
    eta = ex.step_eta()
    assert eta == pytest.approx(-2 * 0.1 * (ex.values()[20] - 50.0))
    np.testing.assert_allclose(eta * ex.kernel_finite(), ex.displacement(), rtol=1e-10, atol=1e-12)


def test_example5_training_facts():
    ex = EXAMPLES["training"]
    traj = ex.trajectory()
    K = ex.kernels_normalized()
    assert K.shape == (16, 31) and traj.f.shape == (16, 31)
    spread = K.max(axis=1) - K.min(axis=1)
    assert np.all(np.diff(spread) < 0)
    assert spread[0] == pytest.approx(1.61, abs=0.01)
    assert spread[-1] == pytest.approx(0.28, abs=0.01)
    assert traj.f[0, 20] == pytest.approx(46.99, abs=0.005)
    assert traj.f[-1, 20] == pytest.approx(64.87, abs=0.01)
    # t = 0 of training is Example 4's function, and η = 1 makes k̃ the raw move of f.
    np.testing.assert_allclose(traj.f[0], EXAMPLES["rbf"].values())
    np.testing.assert_allclose(traj.kernel_finite[1], traj.f[2] - traj.f[1], atol=1e-9)


@pytest.mark.parametrize("field,value,needle", [
    ("theta0", (float("nan"), 1.0), "theta0 must be finite"),
    ("theta0", (3.0, float("inf")), "theta0 must be finite"),
    ("theta0", (3.0, 1.0, 2.0), "theta0 must have exactly 2 entries"),
    ("theta0", ("a", 1.0), "theta0 must be a flat list of numbers"),
    ("lr", 0.0, "lr must be a finite number > 0"),
    ("observation", (10.0, math.nan), "observation must be two finite numbers"),
    ("observation", (30.0, 50.0), "observation x' must lie in the grid range [-10, 20]"),
])
def test_bad_input_names_the_field(field, value, needle):
    with pytest.raises(ValueError) as err:
        EXAMPLES["linear"].replace(**{field: value})
    assert needle in str(err.value) and "linear" in str(err.value)


def test_lookup_table_observation_must_be_on_the_grid():
    with pytest.raises(ValueError, match=r"observation x' must be one of the grid points"):
        EXAMPLES["lookup_table"].replace(observation=(10.5, 50.0))


def test_lookup_table_theta_shape():
    with pytest.raises(ValueError, match="theta0 must have exactly 31 entries"):
        EXAMPLES["lookup_table"].replace(theta0=(1.0, 2.0))


def test_unknown_example_lists_valid_names():
    with pytest.raises(KeyError, match="valid examples: lookup_table, linear"):
        ntkcore.get_example("nope")
