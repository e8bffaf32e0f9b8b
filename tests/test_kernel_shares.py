"""ntkcore.kernel_shares: the NTK split into one term per parameter, and Example 5's reason for the
flattening.  Expected numbers come from rbf_by_hand (NumPy, gradient derived by hand) and from the
generic Jacobian contraction ntkcore.ntk, never from the function under test."""

import jax.numpy as jnp
import numpy as np
import pytest

import ntkcore
import rbf_by_hand as hand
from ntkcore import EXAMPLES
from ntkcore.kernel_shares import (READINGS, RBF_AMPLITUDE_FIRST_ROLES, example_ntk_kernels,
                                   example_peak_split, example_step_kernels, example_training_shares,
                                   kernel_contributions, kernel_shares, normalized_ntk_columns,
                                   normalized_step_kernels, peak_phases, peak_split, post_theta_readings,
                                   training_shares)

EX = EXAMPLES["training"]
STEPS = 15
THETAS = hand.ascent(hand.THETA0, 1.0, STEPS)          # 15 steps θ ← θ + 1·∇θ f(10), by hand


def hand_shares(theta):
    g = hand.grad(theta, hand.X_OBS)                     # (5,)  ∂f(10)/∂θᵢ
    return g ** 2 / (g @ g)


@pytest.fixture(scope="module")
def shares():
    return example_training_shares(EX)


# ----------------------------------------------------------------- the decomposition


@pytest.mark.parametrize("t", [0, 7, 15])
def test_contributions_sum_to_the_exact_ntk_column(t):
    theta = jnp.asarray(THETAS[t])
    c = kernel_contributions(EX.f, theta, hand.GRID, hand.X_OBS)
    assert c.shape == (5, len(hand.GRID))
    np.testing.assert_allclose(c.sum(axis=0), np.asarray(ntkcore.ntk(EX.f, theta, hand.GRID, [hand.X_OBS]))[:, 0],
                               rtol=0, atol=1e-12)
    # term by term against the hand-derived gradient
    np.testing.assert_allclose(c, (hand.grad(THETAS[t], hand.GRID) * hand.grad(THETAS[t], hand.X_OBS)).T,
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize("t", range(STEPS + 1))
def test_the_offset_term_is_exactly_one_everywhere(t):
    # ∂f/∂θ₅ = 1 for every x and every θ, so θ₅'s term of k(x, 10) is 1·1 = 1 at every x
    c = kernel_contributions(EX.f, jnp.asarray(THETAS[t]), hand.GRID, hand.X_OBS)
    assert np.all(c[4] == 1.0)


def test_shares_are_nonnegative_and_sum_to_one():
    s = kernel_shares(EX.f, EX.theta, hand.X_OBS)
    assert s.shape == (5,) and np.all(s >= 0) and s.sum() == pytest.approx(1.0, abs=1e-15)
    c = kernel_contributions(EX.f, EX.theta, [hand.X_OBS], hand.X_OBS)[:, 0]
    np.testing.assert_allclose(s, c / c.sum(), atol=1e-15)


def test_a_pytree_theta_gives_the_same_terms():
    # θ as a dict of two leaves: (centres, the rest); ravel_pytree order is sorted keys
    def f_tree(th, x):
        return EX.f(jnp.concatenate([th["a"], th["b"]]), x)[()]
    # {"a": (θ₁, θ₂), "b": (θ₃, θ₄, θ₅)} → flattened a then b: the original order
    tree = {"a": EX.theta[:2], "b": EX.theta[2:]}
    np.testing.assert_allclose(kernel_contributions(f_tree, tree, hand.GRID, 10.0),
                               kernel_contributions(EX.f, EX.theta, hand.GRID, 10.0), atol=1e-14)


# ----------------------------------------------------------------- Example 5: the shares at t = 0 and t = 15


def test_trajectory_is_the_hand_computed_ascent(shares):
    np.testing.assert_allclose(shares.thetas, np.stack(THETAS), rtol=0, atol=1e-10)
    np.testing.assert_allclose(shares.grad_obs, np.stack([hand.grad(th, hand.X_OBS) for th in THETAS]), atol=1e-12)


@pytest.mark.parametrize("t", [0, STEPS])
def test_shares_match_the_hand_derived_gradient(shares, t):
    np.testing.assert_allclose(shares.shares[t], hand_shares(THETAS[t]), rtol=0, atol=1e-12)
    np.testing.assert_allclose(shares.k_obs[t], hand.ntk_column(THETAS[t], hand.X_OBS), rtol=1e-12)


def test_the_offsets_share_grows_from_39_to_99_percent(shares):
    s0, s15 = hand_shares(THETAS[0]), hand_shares(THETAS[-1])
    assert (round(100 * s0[4]), round(100 * s15[4])) == (39, 99)          # θ₅ (offset)
    assert (round(100 * s0[0]), round(100 * s15[0], 1)) == (57, 1.0)       # θ₁ (valley centre)
    assert shares.share_grew == 4 == int(np.argmax(s15 - s0))
    # the offset's share is 1 / k(10, 10): its term is 1 at every θ
    np.testing.assert_allclose(shares.shares[:, 4], 1 / shares.k_obs, rtol=1e-12)


def test_the_valley_centre_moves_away_from_x_obs_and_its_gradients_collapse(shares):
    # θ₁: 4 → −1.22, so |10 − θ₁| grows from 6 to 11.22; ∂f(10)/∂θ₁ = θ₂·e1·2(10−θ₁)/30 with
    # e1 = exp(−(10−θ₁)²/30) falls from −1.20 to −0.10, ∂f(10)/∂θ₂ = e1 from 0.30 to 0.015
    t1 = np.array([th[0] for th in THETAS])
    assert np.all(np.diff(np.abs(hand.X_OBS - t1)) > 0)                  # away from x' at every step
    assert (round(t1[0], 2), round(t1[-1], 2)) == (4.0, -1.22)
    g0, g15 = hand.grad(THETAS[0], hand.X_OBS), hand.grad(THETAS[-1], hand.X_OBS)
    assert g0[1] == pytest.approx(np.exp(-36 / 30), abs=1e-15)
    assert g0[0] == pytest.approx(-10 * np.exp(-36 / 30) * 2 * 6 / 30, abs=1e-15)
    assert (round(g0[0], 2), round(g15[0], 2), round(g0[1], 2), round(g15[1], 3)) == (-1.20, -0.10, 0.30, 0.015)
    np.testing.assert_allclose(shares.grad_obs[[0, -1]][:, :2], [g0[:2], g15[:2]], atol=1e-12)


def test_moving_the_offset_alone_changes_nothing_moving_the_centre_alone_almost_everything(shares):
    # θ₅ does not enter any gradient: the shares with only θ₅ moved are those at θ_0 exactly
    np.testing.assert_allclose(shares.alone[4], hand_shares(THETAS[0]), atol=1e-15)
    # only θ₁ moved to −1.22: θ₅'s share is already 98.7 %, within 0.3 points of the real 99.0 %
    only_centre = THETAS[0].copy()
    only_centre[0] = THETAS[-1][0]
    np.testing.assert_allclose(shares.alone[0], hand_shares(only_centre), atol=1e-12)
    assert round(100 * shares.alone[0, 4], 1) == 98.7
    assert abs(shares.alone[0, 4] - shares.shares[-1, 4]) < 0.003


def test_the_offset_moved_most_and_the_bump_height_barely(shares):
    # the post says θ4 changes fastest; in the centre-first reading θ₄ moves 0.009 and θ₅ 15
    moved = THETAS[-1] - THETAS[0]
    np.testing.assert_allclose(shares.moved, moved, atol=1e-10)
    assert shares.most_moved == 4 and moved[4] == pytest.approx(15.0, abs=1e-12)
    assert round(moved[3], 3) == 0.009 and round(moved[0], 2) == -5.22


# ----------------------------------------------------------------- the kernels drawn in Example 5


def test_step_kernels_use_example_4s_step_eta():
    k = example_step_kernels(EX)
    eta = hand.step_eta(hand.THETA0, 0.1)                                   # 0.601
    assert k.shape == (STEPS + 1, len(hand.GRID))
    expected = np.array([hand.finite_kernel(th, hand.GRID, eta) / hand.finite_kernel(th, hand.X_OBS, eta)
                         for th in THETAS])
    np.testing.assert_allclose(k, expected, rtol=0, atol=1e-9)
    # t = 0 is Example 4's step kernel: its arrows over the arrow at x'
    d = hand.f(hand.gd_step(hand.THETA0, 0.1), hand.GRID) - hand.f(hand.THETA0, hand.GRID)
    np.testing.assert_allclose(k[0], d / d[20], atol=1e-9)
    assert round(k[0].max(), 2) == 1.27


def test_normalized_step_kernels_off_the_grid():
    # x' = 10.5 is not a grid point: the value at x' itself is 1 by construction, not at a neighbour
    k = normalized_step_kernels(EX.f, [EX.theta], [10.0, 10.5, 11.0], 10.5, 0.3)
    assert k[0, 1] == pytest.approx(1.0, abs=1e-12)
    direct = hand.finite_kernel(hand.THETA0, np.array([10.0, 11.0]), 0.3, x_obs=10.5)
    np.testing.assert_allclose(k[0, [0, 2]], direct / hand.finite_kernel(hand.THETA0, 10.5, 0.3, x_obs=10.5),
                               atol=1e-10)


def test_training_shares_of_a_model_of_your_own():
    # a linear model f = θ₁x + θ₂: gradients (x, 1) do not depend on θ, so nothing changes
    f = lambda th, x: th[0] * x + th[1]                                     # noqa: E731
    thetas = [jnp.array([3.0, 1.0]), jnp.array([13.0, 2.0])]
    s = training_shares(f, thetas, 10.0)
    np.testing.assert_allclose(s.shares, [[100 / 101, 1 / 101]] * 2, atol=1e-15)
    assert s.most_moved == 0 and list(s.moved) == [10.0, 1.0]


def test_largest_shares_keeps_every_parameter_of_a_small_model_and_sums_the_rest_of_a_big_one():
    from ntkcore.kernel_shares import largest_shares
    assert largest_shares([0.5, 0.5], [0.2, 0.8]) == ([0, 1], None, None)
    s0 = np.array([0.30, 0.01, 0.02, 0.25, 0.02, 0.05, 0.05, 0.10, 0.20])
    s1 = np.array([0.05, 0.40, 0.01, 0.20, 0.04, 0.05, 0.05, 0.10, 0.10])
    keep, r0, r1 = largest_shares(s0, s1, most=4)
    # largest at either end: θ₁ 0.30, θ₂ 0.40, θ₄ 0.25, then θ₉ 0.20; the rest summed
    assert keep == [0, 1, 3] and r0 == pytest.approx(1 - 0.30 - 0.01 - 0.25) and r1 == pytest.approx(1 - 0.65)


def test_ntk_kernels_are_the_exact_columns_over_their_value_at_x_obs():
    k = example_ntk_kernels(EX)
    expected = np.array([hand.ntk_column(th, hand.GRID) / hand.ntk_column(th, hand.X_OBS) for th in THETAS])
    assert k.shape == (STEPS + 1, len(hand.GRID))
    np.testing.assert_allclose(k, expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(k[0], EXAMPLES["rbf"].ntk_normalized(), atol=1e-12)   # Example 4's exact NTK
    # it flattens at every step: spread (max − min) 1.48 → 0.28
    spread = expected.max(axis=1) - expected.min(axis=1)
    assert np.all(np.diff(spread) < 0) and (round(spread[0], 2), round(spread[-1], 2)) == (1.48, 0.28)


def test_normalized_ntk_columns_off_the_grid():
    xs = np.array([-3.5, 0.25, 12.0])
    k = normalized_ntk_columns(EX.f, [EX.theta], xs, 10.5)
    expected = hand.ntk_column(hand.THETA0, xs, 10.5) / hand.ntk_column(hand.THETA0, 10.5, 10.5)
    np.testing.assert_allclose(k[0], expected, atol=1e-12)


def amplitude_first(theta, x):
    """Example 4 as the post prints it: θ₁e^{−(x−θ₂)²/30} + θ₃e^{−(x−θ₄)²/30} + θ₅."""
    t1, t2, t3, t4, t5 = theta
    return t1 * np.exp(-(x - t2) ** 2 / 30) + t3 * np.exp(-(x - t4) ** 2 / 30) + t5


def test_the_amplitude_first_roles_map_the_printed_formula_onto_ours():
    # our θ_{roles[i]} plays the role of the printed θ_{i+1}: the two formulas agree for any θ
    rng = np.random.default_rng(0)
    xs = np.linspace(-10, 20, 31)
    for _ in range(5):
        post = rng.normal(size=5) * 10
        ours = np.empty(5)
        ours[list(RBF_AMPLITUDE_FIRST_ROLES)] = post
        np.testing.assert_allclose(hand.f(ours, xs), amplitude_first(post, xs), atol=1e-12)


def test_the_posts_theta4_under_its_three_readings(shares):
    """The post: "θ₄ changes the fastest".  Read 1-based, in our centre-first order its θ₄ is our θ₄
    (the bump height); 1-based in the printed amplitude-first order it is the second Gaussian's
    centre, our θ₃; read 0-based, as a Python vector is indexed, theta[4] is the fifth entry: the
    offset θ₅ (in either order).  Only the 0-based reading names the parameter that moves farthest."""
    moved = THETAS[-1] - THETAS[0]
    centre, amplitude, zero = post_theta_readings(shares.moved, post=4, reference=0)
    assert tuple(r.reading for r in (centre, amplitude, zero)) == READINGS
    # centre-first: our θ₄ (bump height); ∂f(10)/∂θ₄ = e^{−(10−25)²/30} = e^{−7.5} ≈ 5.5e-4 a step
    assert centre.ours == 3 and round(centre.moved, 3) == 0.009
    assert hand.grad(hand.THETA0, 10.0)[3] == pytest.approx(np.exp(-7.5), abs=1e-15)
    # amplitude-first: our θ₃ (bump centre); ∂f(10)/∂θ₃ = 10·e^{−7.5}·2(10 − 25)/30 ≈ −5.5e-3 a step
    assert amplitude.ours == 2 and round(amplitude.moved, 3) == -0.086
    assert hand.grad(hand.THETA0, 10.0)[2] == pytest.approx(-10 * np.exp(-7.5), abs=1e-12)
    # 0-based: the offset, ∂f/∂θ₅ = 1 at every θ, so 15 ascent steps of rate 1 move it by exactly 15
    assert zero.ours == 4 == RBF_AMPLITUDE_FIRST_ROLES[4] and zero.moved == pytest.approx(15.0, abs=1e-12)
    for r in (centre, amplitude, zero):
        assert r.moved == pytest.approx(moved[r.ours], abs=1e-10)
        assert r.ratio == pytest.approx(abs(moved[r.ours] / moved[0]), abs=1e-12)
    # farther than any other parameter: θ₁ (the valley centre, the next farthest) moves −5.22
    assert int(np.argmax(np.abs(moved))) == zero.ours == shares.most_moved
    assert round(moved[0], 2) == -5.22 and np.sort(np.abs(moved))[-2] == pytest.approx(abs(moved[0]))
    assert centre.ratio < 0.002 and amplitude.ratio < 0.02 and zero.ratio > 2.8
    # and it is the offset whose share of k(10, 10) grows 39 % → 99 %
    assert (round(100 * shares.shares[0, zero.ours]), round(100 * shares.shares[-1, zero.ours])) == (39, 99)


# ----------------------------------------------------------------- the kernel sharpens, then flattens


def hand_peaks():
    """The normalized exact NTK on the grid at every step, from the hand-derived gradient: (where, peak,
    the offset's term there, the other terms there)."""
    out = []
    for th in THETAS:
        g = hand.grad(th, hand.X_OBS)
        terms = hand.grad(th, hand.GRID) * g / (g @ g)          # (31, 5)
        col = terms.sum(axis=1)
        j = int(np.argmax(col))
        out.append((hand.GRID[j], col[j], terms[j, 4], col[j] - terms[j, 4]))
    return np.array(out)


def test_the_peak_rises_to_step_2_then_falls():
    hp = hand_peaks()
    split = example_peak_split(EX)
    np.testing.assert_allclose(split.x, hp[:, 0], atol=0)
    np.testing.assert_allclose(split.peak, hp[:, 1], atol=1e-12)
    np.testing.assert_allclose(split.terms.sum(axis=1), split.peak, atol=1e-12)
    # 1.20 at x = 8 (Example 4's exact NTK), highest 1.43 at step 2 (x = 6), then lower at every step
    assert (round(hp[0, 1], 2), hp[0, 0]) == (1.20, 8.0)
    assert split.highest == 2 and (round(hp[2, 1], 2), hp[2, 0]) == (1.43, 6.0)
    assert np.all(np.diff(hp[:3, 1]) > 0) and np.all(np.diff(hp[2:, 1]) < 0)
    # meanwhile the spread (max − min) falls at every step: the minimum rises faster than the peak
    k = np.array([hand.ntk_column(th, hand.GRID) / hand.ntk_column(th, hand.X_OBS) for th in THETAS])
    assert np.all(np.diff(k.max(axis=1) - k.min(axis=1)) < 0)
    np.testing.assert_allclose(peak_split(EX.f, EX.trajectory().thetas, hand.GRID, hand.X_OBS).peak, split.peak,
                               atol=0)


def test_the_peak_is_the_offsets_flat_share_plus_the_valleys_terms(shares):
    hp = hand_peaks()
    split = example_peak_split(EX)
    # the offset's term at the peak is its share of k(10, 10): its gradient is 1 at every x
    np.testing.assert_allclose(split.terms[:, 4], shares.shares[:, 4], atol=1e-12)
    np.testing.assert_allclose(split.terms[:, 4], hp[:, 2], atol=1e-12)
    # the valley's terms (θ₁, θ₂) are all the rest: the bump's are below 1e-4
    np.testing.assert_allclose(split.terms[:, :2].sum(axis=1), hp[:, 3], atol=1e-4)
    rising, falling = peak_phases(split, floor=4)
    assert (rising.start, rising.end, falling.start, falling.end) == (0, 2, 2, 15)
    # rising: the offset's share 39 % → 73 % (+0.34) outgrows the valley's fall (0.81 → 0.70, −0.11)
    assert (round(hp[0, 2], 2), round(hp[2, 2], 2), round(hp[0, 3], 2), round(hp[2, 3], 2)) == (0.39, 0.73, 0.81, 0.70)
    assert rising.floor_change == pytest.approx(hp[2, 2] - hp[0, 2], abs=1e-12)
    assert rising.rest_change == pytest.approx(hp[2, 3] - hp[0, 3], abs=1e-12)
    assert rising.floor_change > -rising.rest_change > 0
    # falling: the share can only reach 1 (+0.26 more, to 0.99) while the valley's part falls 0.70 → 0.15
    assert (round(hp[-1, 2], 2), round(hp[-1, 3], 2)) == (0.99, 0.15)
    assert -falling.rest_change > falling.floor_change > 0
    assert falling.peak_change == pytest.approx(hp[-1, 1] - hp[2, 1], abs=1e-12)
    # why the share rises fast at first: it is 1 / k(10, 10), and k(10, 10) = 1 + (∂f/∂θ₁)² + … falls
    # from 2.54 to 1.37 in two steps as ∂f(10)/∂θ₁ goes −1.20 → −0.59, then only to 1.01
    assert (round(shares.k_obs[0], 2), round(shares.k_obs[2], 2), round(shares.k_obs[-1], 2)) == (2.54, 1.37, 1.01)
