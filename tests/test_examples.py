"""The five examples: the numbers the post states (or our fixed readings of it), each derived by
hand in its comment or computed independently of ntkcore (rbf_by_hand), and bad input refused with
the failing field's path as data."""

import math

import numpy as np
import pytest

import ntkcore
import rbf_by_hand as hand
from ntkcore import EXAMPLES
from ntkcore.validation import SettingsError

X = np.arange(-10, 21, dtype=np.float64)


def test_grid_and_shared_function():
    for ex in EXAMPLES.values():
        np.testing.assert_array_equal(ex.grid, X)
    # Examples 1-3 are "exactly the same function" 3x + 1.
    for name in ("lookup_table", "linear", "reparametrized"):
        np.testing.assert_allclose(EXAMPLES[name].values(), 3 * X + 1, atol=1e-12)


def test_example1_only_f10_moves_by_3_8():
    # θ_10 = 3·10 + 1 = 31: Δθ_10 = −0.1 · 2 (31 − 50) = 3.8, and no other θ enters the loss.
    expected = np.where(X == 10, 3.8, 0.0)
    np.testing.assert_allclose(EXAMPLES["lookup_table"].displacement(), expected, atol=1e-12)


def test_example2_linear_displacement():
    ex = EXAMPLES["linear"]
    assert ex.lr == 0.001
    # −2·lr·(f(10) − 50)·(10x + 1) = −0.002·(31 − 50)·(10x + 1) = 0.038·(10x + 1)
    np.testing.assert_allclose(ex.displacement(), 0.038 * (10 * X + 1), atol=1e-12)
    # Why not 0.1: the arrow at x = 10 would be 0.1·2·(50 − 31)·(10·10 + 1) = 383.8 long.
    big = ex.replace(lr=0.1).displacement()
    assert big[X == 10][0] == pytest.approx(0.1 * 2 * 19 * 101, abs=1e-9)


def test_example3_reparametrized_displacement():
    # ∇θ f = (x, 10): 0.038·(10x + 10²); zero at x = −10, 0.038·200 = 7.6 at x = 10.
    d = EXAMPLES["reparametrized"].displacement()
    np.testing.assert_allclose(d, 0.038 * (10 * X + 100), atol=1e-12)
    assert d[X == -10][0] == pytest.approx(0.0, abs=1e-12)
    assert d[X == 10][0] == pytest.approx(7.6, abs=1e-12)


def test_example4_rbf_facts():
    ex = EXAMPLES["rbf"]
    # f(10) = −10·e^{−36/30} + 10·e^{−225/30} + 50 = 46.99
    assert ex.values()[X == 10][0] == pytest.approx(50 - 10 * math.exp(-1.2) + 10 * math.exp(-7.5), abs=1e-12)
    np.testing.assert_allclose(ex.values(), hand.f(hand.THETA0, X), atol=1e-12)
    np.testing.assert_allclose(ex.displacement(), hand.f(hand.gd_step(hand.THETA0, 0.1), X) - hand.f(hand.THETA0, X),
                               atol=1e-12)
    eta = hand.step_eta(hand.THETA0, 0.1)
    k = hand.finite_kernel(hand.THETA0, X, eta)
    np.testing.assert_allclose(ex.kernel_finite_normalized(), k / k[20], atol=1e-10)
    kn = hand.ntk_column(hand.THETA0, X)
    np.testing.assert_allclose(ex.ntk_normalized(), kn / kn[20], atol=1e-12)
    # The post's facts, read off the independent numbers: the step's kernel peaks at 7, is
    # negative around 0 (lowest −0.28 at x = 0) and has positive tails 0.41 and 0.42; the exact
    # NTK peaks at 8.
    k = k / k[20]
    assert X[np.argmax(k)] == 7 and X[np.argmax(kn)] == 8
    assert X[np.argmin(k)] == 0 and round(k.min(), 2) == -0.28
    assert (round(k[0], 2), round(k[-1], 2)) == (0.41, 0.42)


def test_example4_kernel_is_the_step_seen_as_a_push():
    # Δf = η k̃_η(x, 10) with η = −2 lr (f(10) − 50): two routes to the same numbers.
    ex = EXAMPLES["rbf"]
    eta = ex.step_eta()
    assert eta == pytest.approx(hand.step_eta(hand.THETA0, 0.1), abs=1e-12)
    np.testing.assert_allclose(eta * ex.kernel_finite(), ex.displacement(), rtol=1e-10, atol=1e-12)


def test_example5_training_facts():
    ex = EXAMPLES["training"]
    traj = ex.trajectory()
    assert traj.f.shape == (16, 31) and ex.kernels_normalized().shape == (16, 31)
    thetas = hand.ascent(hand.THETA0, 1.0, 15)
    np.testing.assert_allclose(np.asarray(traj.thetas), np.asarray(thetas), atol=1e-10)
    np.testing.assert_allclose(traj.f, [hand.f(th, X) for th in thetas], atol=1e-9)
    K = np.array([hand.finite_kernel(th, X, 1.0) for th in thetas])
    np.testing.assert_allclose(ex.kernels_normalized(), K / K[:, [20]], atol=1e-9)
    # the kernel gets flatter at every step: spread (max − min) 1.61 → 0.28; f(10) 46.99 → 64.87
    K = K / K[:, [20]]
    spread = K.max(axis=1) - K.min(axis=1)
    assert np.all(np.diff(spread) < 0) and (round(spread[0], 2), round(spread[-1], 2)) == (1.61, 0.28)
    assert (round(traj.f[0, 20], 2), round(traj.f[-1, 20], 2)) == (46.99, 64.87)
    # η = 1 makes k̃ the raw move of f from one step to the next.
    np.testing.assert_allclose(traj.kernel_finite[1], traj.f[2] - traj.f[1], atol=1e-9)


@pytest.mark.parametrize("field,value,path", [
    ("theta0", (float("nan"), 1.0), ("theta0", 0)),
    ("theta0", (3.0, float("inf")), ("theta0", 1)),
    ("theta0", (3.0, 1.0, 2.0), ("theta0",)),
    ("theta0", ("a", 1.0), ("theta0", 0)),
    ("lr", 0.0, ("lr",)),
    ("ascent_lr", -1.0, ("ascent_lr",)),
    ("steps", 2.5, ("steps",)),
    ("steps", 201, ("steps",)),
    ("observation", (10.0, math.nan), ("observation", 1)),
    ("observation", (30.0, 50.0), ("observation", 0)),
    ("x_range", (0.5, 9), ("x_range",)),
    ("model", "cubic", ("model",)),
])
def test_bad_input_names_the_field(field, value, path):
    with pytest.raises(SettingsError) as err:
        EXAMPLES["linear"].replace(**{field: value})
    assert err.value.path == path
    assert err.value.source == "example 'linear'"
    assert isinstance(err.value, ValueError)


def test_lookup_table_observation_must_be_on_the_grid():
    with pytest.raises(SettingsError) as err:
        EXAMPLES["lookup_table"].replace(observation=(10.5, 50.0))
    assert err.value.key == "observation[0]"


def test_lookup_table_theta_shape():
    with pytest.raises(SettingsError) as err:
        EXAMPLES["lookup_table"].replace(theta0=(1.0, 2.0))
    assert err.value.key == "theta0" and "31" in err.value.message


def test_divergence_is_a_settings_error_at_the_rate():
    with pytest.raises(SettingsError) as err:
        EXAMPLES["linear"].replace(lr=1e308).check_finite()
    assert err.value.path == ("lr",)
    with pytest.raises(SettingsError) as err:
        EXAMPLES["training"].replace(ascent_lr=1e308).check_finite()
    assert err.value.path == ("ascent_lr",)


def test_unknown_example_lists_valid_names():
    with pytest.raises(KeyError, match="valid examples: lookup_table, linear"):
        ntkcore.get_example("nope")
