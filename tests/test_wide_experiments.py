"""The wide-network chapters' numbers (ntkcore.wide_experiments, and for the chapter "nngp_vs_ntk"
ntkcore.gp_experiment), on the SMALL settings of conftest (the very files the chapters load in the
scene tests), against theory and against independent routes to the same numbers.  Each slope has
exactly one bound, here, derived in its comment."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ntkcore
import rbf_by_hand as hand
from gp_data import gd_by_hand
from ntkcore import facts, wide
from ntkcore import wide_experiments as we
from ntkcore.settings import WideSettings


# --------------------------------------------------------------------------- chapter "wide_init"


def test_init_spread_shrinks_like_one_over_sqrt_width(wide_data):
    d, s = wide_data["init_band"], wide_data.wide
    lw, slope = np.log(d["widths"].astype(float)), float(d["spread_slope"])
    # (That the chapter draws and prints the least-squares slope of its dots is checked on the
    # drawn dots and line, in test_scene_wide_init.py.)
    # Theory: each entry of the empirical NTK fluctuates around its infinite-width limit with a
    # standard deviation ∝ 1/√width (Jacot et al. 2018), so the slope is −1/2.  Bound: the sample
    # standard deviation of S seeds has relative error 1/√(2(S−1)) (= 0.127 for S = 32), i.e. that
    # much noise on each log spread; least squares turns it into a slope error
    # σ = 0.127/√Σ(log w − mean)² (= 0.065 for widths 64, 256, 1024).  Allow 3σ.
    sigma = 1 / np.sqrt(2 * (s.seeds - 1)) / np.sqrt(np.sum((lw - lw.mean()) ** 2))
    assert abs(slope - (-0.5)) <= 3 * sigma, (slope, sigma)


def test_widest_band_is_centred_on_the_analytic_ntk(wide_data):
    # The mean of S random networks' kernels estimates the infinite-width NTK; its error is the
    # seed noise std/√S (bound: 4 of those) plus a finite-width bias O(1/width) (bound: 2/width
    # of the kernel's scale).
    d = wide_data["init_band"]
    curves, analytic = d["curves"][-1], d["analytic_ntk"]
    S, width = curves.shape[0], float(d["widths"][-1])
    err = np.abs(curves.mean(axis=0) - analytic)
    bound = 4 * curves.std(axis=0, ddof=1) / np.sqrt(S) + 2 / width * np.abs(analytic).max()
    assert np.all(err <= bound), (err / bound).max()


def test_relative_change_closed_forms():
    # ‖(3, 4) − (0, 0)‖ = 5 over ‖(0, 0) + …‖: a vector (3, 4) moved by (0, 5) changes by 5/5 = 1;
    # a 2×2 matrix of ones moved by one unit in one entry changes by 1/2 (Frobenius: 1/√4).
    assert float(we.relative_change([3.0, 4.0], [3.0, 9.0])) == pytest.approx(1.0, abs=1e-15)
    assert float(we.relative_change(np.ones((2, 2)), np.array([[2.0, 1.0], [1.0, 1.0]]), axis=(0, 1))) \
        == pytest.approx(0.5, abs=1e-15)
    np.testing.assert_allclose(we.relative_change(np.ones((3, 4)), 2 * np.ones((3, 4))), np.ones(3))


def test_seed_spread_closed_form():
    # Two seeds at one width: columns (0, 0, 0) and (2, 4, 6) have per-point sample std (ddof 1)
    # |a − b|/√2 = √2·(1, 2, 3), mean 2√2; Θ = (1, −2, 3) has mean |Θ| = 2: spread √2.  Identical
    # seeds: spread 0.
    curves = np.array([[[0.0, 0.0, 0.0], [2.0, 4.0, 6.0]], [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]])
    np.testing.assert_allclose(we.seed_spread(curves, [1.0, -2.0, 3.0]), [np.sqrt(2.0), 0.0], atol=1e-15)


def test_init_band_spread_is_the_seed_spread(wide_data):
    # The chapter's y axis names this statistic: recomputed here from the stored curves by hand.
    d = wide_data["init_band"]
    c, a = d["curves"], d["analytic_ntk"]
    by_hand = [np.mean([np.std(c[i, :, j], ddof=1) for j in range(c.shape[2])]) / np.mean(np.abs(a))
               for i in range(c.shape[0])]
    np.testing.assert_allclose(d["spread"], by_hand, rtol=1e-12)


def test_largest_deviation_closed_form():
    # Θ = (1, 2, 4); seeds off by at most 0.5 (at the last point): 0.5, and 0.5/4 of Θ's largest value.
    dev, rel = we.largest_deviation([[1.1, 2.0, 4.5], [0.9, 2.2, 3.8]], [1.0, 2.0, 4.0])
    assert dev == pytest.approx(0.5, abs=1e-12) and rel == pytest.approx(0.125, abs=1e-12)


def test_sharpest_bend_of_broken_lines():
    # |x − 3| on integers bends only at 3; a second curve with slopes 0, 1, 4 (kinks at −1 and 2):
    # the larger kink (slope change 3) at 2.
    x = np.arange(-5, 6.0)
    v = np.stack([np.abs(x - 3), np.maximum(x + 1, 0) + 3 * np.maximum(x - 2, 0)])
    np.testing.assert_allclose(we.sharpest_bend(x, v), [3.0, 2.0])


def test_input_map_and_its_inverse():
    # u = 2(x + 10)/30 − 1: x = −10, 5, 20 go to u = −1, 0, 1; unscaled_input undoes it.  The
    # networks see (cos(πu/2), sin(πu/2)) of it (WideSettings.inputs, the one map of ntkcore.wide).
    np.testing.assert_allclose(we.unscaled_input([-1.0, 0.0, 1.0], (-10, 20)), [-10.0, 5.0, 20.0])
    xs = np.arange(-10, 21.0)
    np.testing.assert_allclose(we.unscaled_input(wide.scale_inputs(xs, (-10, 20)), (-10, 20)), xs, atol=1e-12)
    s = WideSettings()
    u = s.scaled(xs)
    np.testing.assert_array_equal(s.inputs(xs), wide.embed(xs, s.x_range))
    np.testing.assert_allclose(s.inputs(xs), np.stack([np.cos(np.pi * u / 2), np.sin(np.pi * u / 2)], 1), atol=1e-15)


def test_shared_fraction_closed_forms():
    # One feature, no biases: a first-layer unit fires iff its weight has the sign of u, so units
    # firing at u_ref > 0 fire at every u > 0 (fraction 1) and at no u < 0 (fraction 0).
    f = we.first_layer_shared_fraction(np.array([-0.8, -0.1, 0.2, 1.0]), 0.5, w_std=2 ** 0.5, b_std=0.0)
    np.testing.assert_allclose(f, [0.0, 0.0, 1.0, 1.0], atol=1e-7)
    # The same input: every unit that fires, fires (fraction 1), biases or not.
    assert float(we.first_layer_shared_fraction(np.array([0.3]), 0.3)[0]) == pytest.approx(1.0, abs=1e-7)
    # On the circle, no biases: a unit fires on the half plane its weight vector points to, so the
    # share falls linearly with the angle, 1 − |φ − φ'|/π (x = −10, 5, 20 against x' = 10).
    s = WideSettings()
    f = we.first_layer_shared_fraction(s.inputs([-10.0, 5.0, 20.0]), s.inputs([10.0])[0], b_std=0.0)
    np.testing.assert_allclose(f, [1 - 2 / 3, 1 - 1 / 6, 1 - 1 / 3], atol=1e-7)


def test_shared_fraction_counts_random_units():
    # Count it: N random first-layer units z = (w/√2)·W·v + b·B (W ∈ R², B ~ N(0, 1)) on the
    # chapters' inputs v; of those with z(v_ref) > 0, the share with z(v) > 0.  Bound: binomial
    # standard error √(p(1−p)/(N/2)) (4 of those).
    s = WideSettings()
    rng = np.random.default_rng(0)
    N = 400_000
    W, B = rng.standard_normal((N, 2)), rng.standard_normal(N)
    v, v_ref = s.inputs(s.grid), s.inputs([s.x_obs])[0]
    z = lambda p: s.w_std / np.sqrt(2) * W @ p + s.b_std * B      # noqa: E731
    fires_ref = z(v_ref) > 0
    counted = np.array([np.mean(z(p)[fires_ref] > 0) for p in v])
    expected = we.first_layer_shared_fraction(v, v_ref, s.w_std, s.b_std)
    bound = 4 * np.sqrt(expected * (1 - expected) / fires_ref.sum()) + 1e-9
    assert np.all(np.abs(counted - expected) <= bound), np.max(np.abs(counted - expected) / bound)


def test_the_analytic_columns_peak_at_x_prime(wide_data):
    # What chapter 7 can say about the shape of the kernels, from the stored columns: Θ(x, 10) and
    # K(x, 10) rise strictly to x' = 10 and fall strictly after it, to the stated fractions of their
    # peak at the grid's ends (Θ: 0.13 at x = −10, 0.46 at x = 20; K: 0.39, 0.70), and Θ(x, x) is
    # the same at every x (every input has norm 1).
    d, s = wide_data["init_band"], wide_data.wide
    for key, peak_key, ends_key in (("analytic_ntk", "ntk_peak_x", "ntk_ends"),
                                    ("analytic_nngp", "nngp_peak_x", "nngp_ends")):
        shape = we.column_shape(d["x"], d[key])
        assert shape.unimodal and shape.peak_x == s.x_obs == float(d[peak_key]), (key, shape)
        np.testing.assert_allclose(d[ends_key], [shape.left, shape.right], rtol=1e-14)
    np.testing.assert_allclose(d["ntk_ends"], [0.126, 0.460], atol=1e-3)
    np.testing.assert_allclose(d["nngp_ends"], [0.394, 0.695], atol=1e-3)
    np.testing.assert_array_equal(d["x_input"], s.inputs(s.grid))
    _, th = wide.relu_kernels(d["x_input"], None, *s.arch)
    np.testing.assert_allclose(np.diag(np.asarray(th)), float(d["analytic_ntk"][d["x"] == s.x_obs][0]), rtol=1e-14)
    # The sharpest bend of Θ is its peak (the ReLU NTK's corner at x = x'), not u = 0 any more.
    assert float(we.sharpest_bend(d["x"], d["analytic_ntk"])) == s.x_obs


def test_opposite_side_facts_on_the_new_input(wide_data):
    # Still computed for chapter 7 (until it is rewritten), on the half-circle input: each side's
    # largest Θ and mean share, read off the stored arrays.  Nothing bends at u = 0 now: the far
    # side (x < 5) shares more than half of x''s firing units on average and keeps Θ up to 0.69 of
    # the near side's, where the old scalar input gave < 0.2 and < 1/5.
    d, s = wide_data["init_band"], wide_data.wide
    x, col = d["x"], d["analytic_ntk"]
    assert float(d["x_center"]) == pytest.approx((s.x_range[0] + s.x_range[1]) / 2, abs=1e-12)
    assert float(d["obs_side"]) == 1.0
    left, right = x < d["x_center"], x > d["x_center"]
    assert float(d["theta_far_max"]) == pytest.approx(col[left].max(), abs=1e-12)
    assert float(d["theta_near_max"]) == pytest.approx(col[right].max(), abs=1e-12)
    assert float(d["shared_far"]) == pytest.approx(d["shared"][left].mean(), abs=1e-12)
    assert float(d["shared_near"]) == pytest.approx(d["shared"][right].mean(), abs=1e-12)
    assert d["shared_far"] > 0.5 and d["theta_far_max"] > 0.6 * d["theta_near_max"]


def test_no_sides_when_x_prime_is_the_middle():
    # x' = 5 is u' = 0: no grid point is on "its side" or the other; the facts say so, with finite
    # numbers (the pipeline refuses NaN).
    s = WideSettings(x_obs=5.0)
    facts = we.opposite_side_facts(s, np.ones(len(s.grid)))
    assert facts["obs_side"] == 0.0
    assert all(np.isfinite(facts[k]) for k in ("shared_far", "shared_near", "theta_far_max", "theta_near_max"))


def test_why_the_input_is_a_point_on_the_half_circle():
    # The reason for the input, checked against the alternatives: a ReLU network's kernels grow
    # with the norm of its input, so with the scalar u, or with (u, 1), Θ(·, 10) is largest at the
    # grid's end x = 20 (the largest norm); a bias std of 1 does not cure it for u, and for (u, 1)
    # it only makes the column nearly flat (≥ 0.77 of Θ(10, 10) everywhere, 0.99 at x = 20).  On
    # the half circle, where every input has norm 1, it peaks at x' = 10 and falls to less than
    # half of its peak at both ends.
    def column(name, b_std):
        s = WideSettings(b_std=b_std, readout_b_std=b_std)
        u = s.scaled(s.grid)
        v = {"u": u[:, None], "(u, 1)": np.stack([u, np.ones_like(u)], 1), "half circle": s.inputs(s.grid)}[name]
        i_obs = int(np.flatnonzero(s.grid == s.x_obs)[0])
        _, th = wide.relu_kernels(v, v[i_obs:i_obs + 1], *s.arch)
        return we.column_shape(s.grid, np.asarray(th)[:, 0])

    for name, b_std in (("u", 0.1), ("u", 1.0), ("(u, 1)", 0.1)):
        assert column(name, b_std).peak_x == 20.0, (name, b_std)
    flat = column("(u, 1)", 1.0)
    assert flat.peak_x == 10.0 and min(flat.left, flat.right) > 0.75 and flat.right > 0.95, flat
    bump = column("half circle", 0.1)
    assert bump.peak_x == 10.0 and bump.unimodal and max(bump.left, bump.right) < 0.5, bump


# --------------------------------------------------------------------------- chapter "wide_training"


def test_training_changes_wide_kernels_less(wide_data):
    d = wide_data["training_change"]
    change, slope = d["rel_change"].mean(axis=1), float(d["rel_change_slope"])
    # Theory brackets the rate: the kernel's change during training is at most O(1/√width)
    # (Lee et al. 2019) and O(1/width) in the large-width expansion (Dyer & Gur-Ari 2020), so the
    # slope lies in [−1, −1/2].  Bound: the seed-to-seed scatter of log change is about 0.7 at
    # width 16 and 0.25 at width 1024 (3 seeds of the default settings: 0.95/0.29/1.04 and
    # 0.012/0.020/0.017), so the log of a mean of 2 seeds has σ ≈ 0.50 and 0.18; least squares over
    # log widths 16, 128, 1024 (±2.08 around the middle) gives σ_slope ≈ √(0.50² + 0.18²)/(2·2.08)
    # ≈ 0.13.  Allow 2.5σ on either side: [−1.3, −0.2].
    assert -1.3 <= slope <= -0.2, slope
    assert change[-1] < change[0]
    # Training converged, and the wide net ends closer to kernel regression with its initial NTK.
    # (½·Σ residual² < 0.1 over 5 points: RMS residual < 0.2 on targets (y − 45)/10 from −0.5 to 0.56)
    assert d["final_loss"].max() < 0.1
    assert d["gap"][-1].mean() < d["gap"][0].mean()


def test_snapshot_steps_are_evenly_spaced():
    np.testing.assert_array_equal(we.snapshot_steps(400), np.arange(0, 401, 50))
    steps = we.snapshot_steps(100)
    assert len(steps) == we.SNAPSHOTS and steps[0] == 0 and steps[-1] == 100
    assert set(np.diff(steps)) <= {12, 13}                      # 100/8 = 12.5, rounded
    np.testing.assert_array_equal(we.snapshot_steps(3), [0, 1, 2, 3])   # fewer steps than snapshots


def test_kernel_columns_during_training(wide_data):
    d, s = wide_data["training_change"], wide_data.wide
    seed = int(d["drawn_seed"])
    np.testing.assert_array_equal(d["snap_steps"], we.snapshot_steps(s.steps))
    assert d["k_steps"].shape == (len(s.train_widths), len(d["snap_steps"]), len(s.grid))
    # The first column is the kernel before training, the last the one after.
    np.testing.assert_allclose(d["k_steps"][:, 0], d["k_before"][:, seed], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(d["k_steps"][:, -1], d["k_after"][:, seed], rtol=1e-12, atol=1e-14)


@pytest.fixture(scope="module")
def narrow_run(wide_data):
    """The drawn network of the narrowest width trained again, independently of the experiment's
    trainer: plain gradient descent by hand (tests/gp_data.py) for each length, and its kernels by
    the generic Jacobian route (ntkcore.ntk) instead of the structured one."""
    d, s = wide_data["training_change"], wide_data.wide
    arch, width, seed = s.arch, int(d["widths"][0]), int(d["drawn_seed"])
    xs = jnp.asarray(s.inputs(s.grid))                 # (n, 2) the network inputs
    xt_raw, yt_raw = s.train_data()
    xt, yt = jnp.asarray(s.inputs(xt_raw)), jnp.asarray((yt_raw - s.y_shift) / s.y_scale)
    p0 = we.training_init(width, seed, arch)
    model = lambda th, x: wide.apply(th, x, arch)   # noqa: E731
    kernel = jax.jit(lambda th, a, b: ntkcore.ntk(model, th, a, b))
    return dict(d=d, s=s, arch=arch, xs=xs, xt=xt, yt=yt, p0=p0, kernel=kernel, seed=seed)


@pytest.mark.parametrize("j", [3, 5])
def test_intermediate_columns_equal_a_direct_run(narrow_run, j):
    r = narrow_run
    d, steps = r["d"], int(r["d"]["snap_steps"][j])
    p = gd_by_hand(r["p0"], steps, r["s"].lr, r["xt"], r["yt"], r["arch"])
    i = int(np.flatnonzero(d["x"] == r["s"].x_obs)[0])
    col = np.asarray(r["kernel"](p, r["xs"], r["xs"][i:i + 1]))[:, 0]
    np.testing.assert_allclose(d["k_steps"][0, j], col, rtol=1e-8, atol=1e-10)


def test_changes_of_one_network_recomputed(narrow_run):
    # The whole matrix (grid + training points) and the column k(·, x') of the narrowest drawn
    # network, before and after one uninterrupted run, by the Jacobian route.
    r = narrow_run
    d, s = r["d"], r["s"]
    pT = gd_by_hand(r["p0"], s.steps, s.lr, r["xt"], r["yt"], r["arch"])
    pts = jnp.concatenate([r["xs"], r["xt"]])
    K0, KT = (np.asarray(r["kernel"](p, pts, pts)) for p in (r["p0"], pT))
    assert d["rel_change"][0, r["seed"]] == pytest.approx(np.linalg.norm(KT - K0) / np.linalg.norm(K0), rel=1e-8)
    i = int(np.flatnonzero(d["x"] == s.x_obs)[0])
    c0, cT = K0[: len(d["x"]), i], KT[: len(d["x"]), i]
    assert d["col_change"][0, r["seed"]] == pytest.approx(np.linalg.norm(cT - c0) / np.linalg.norm(c0), rel=1e-8)
    np.testing.assert_allclose(d["f_trained"][0, r["seed"]], wide.apply_batch(pT, r["xs"], r["arch"]),
                               rtol=1e-9, atol=1e-10)
    # ... and the loss it ends at, by hand.
    loss = 0.5 * np.sum((np.asarray(wide.apply_batch(pT, r["xt"], r["arch"])) - np.asarray(r["yt"])) ** 2)
    assert d["final_loss"][0, r["seed"]] == pytest.approx(loss, rel=1e-8)


def test_the_column_change_is_not_the_matrix_change(wide_data):
    # The chapter prints both, each named: they are different numbers (the column is one of the
    # matrix's columns, restricted to the grid).
    d = wide_data["training_change"]
    assert np.all(d["col_change"] > 0) and np.abs(d["col_change"] - d["rel_change"]).max() > 1e-2


@pytest.mark.parametrize("name, x_key, y_key", [("training_change", "train_x", "train_y"),
                                                ("gp", "x_train_post", "y_train")])
def test_training_data_are_the_post_s_data(wide_data, name, x_key, y_key):
    # Example 4's starting function at train_x (by hand), with the observation (10, 50) at x = 10,
    # scaled as (y − y_shift) / y_scale.
    d, s = wide_data[name], wide_data.wide
    xt = np.asarray(s.train_x)
    yt = np.where(xt == 10.0, 50.0, hand.f(hand.THETA0, xt))
    np.testing.assert_array_equal(d[x_key], xt)
    np.testing.assert_allclose(d[y_key], (yt - s.y_shift) / s.y_scale, atol=1e-12)
    if name == "training_change":   # which point is the post's observation, and the unscaled targets
        np.testing.assert_array_equal(d["is_observation"], xt == 10.0)
        np.testing.assert_array_equal(d["observation"], [10.0, 50.0])
        np.testing.assert_allclose(d["train_y_raw"], yt, atol=1e-12)


# --------------------------------------------------------------------------- chapter "nngp_vs_ntk"
# (its numbers are the GP experiment's: ntkcore.gp_experiment.gp_numbers)


def test_nngp_and_ntk_predictors_differ_but_both_interpolate(wide_data):
    d = wide_data["gp"]
    idx = facts.grid_indices(d["x_grid"], d["x_train_post"])
    np.testing.assert_allclose(d["nngp_mean"][idx], d["y_train"], atol=1e-6)   # noise-free regression
    np.testing.assert_allclose(d["ntk_gp_inf_mean"][idx], d["y_train"], atol=1e-6)
    assert np.all(d["nngp_std"][idx] < 1e-6)                                   # no doubt at the data
    assert np.abs(d["nngp_mean"] - d["ntk_gp_inf_mean"]).max() > 1e-2
    i = int(facts.grid_indices(d["x_grid"], [wide_data.wide.x_obs])[0])
    assert np.abs(d["nngp_col"] / d["nngp_col"][i] - d["ntk_col"] / d["ntk_col"][i]).max() > 1e-2


def test_kernel_columns_at_x_obs_by_hand(wide_data):
    # On the diagonal the angle is 0 at every layer, so the recursion needs no arc-cosine:
    # q ← w²·q/2 + b² (E[φ(u)²] = q/2) and Θ ← q_new + w²/2·Θ (E[φ'(u)²] = 1/2), starting from
    # q = Θ = w²·|v|²/2 + b² at the first layer, |v| = 1 for the input (cos φ, sin φ).
    d, s = wide_data["gp"], wide_data.wide
    q = s.w_std ** 2 * 1.0 / 2 + s.b_std ** 2
    theta = q
    for w, b in [(s.w_std, s.b_std)] * (s.depth - 1) + [(s.readout_w_std, s.readout_b_std)]:
        q = w ** 2 * q / 2 + b ** 2
        theta = q + w ** 2 / 2 * theta
    i = int(facts.grid_indices(d["x_grid"], [s.x_obs])[0])
    assert d["nngp_col"][i] == pytest.approx(q, rel=1e-12)
    assert d["ntk_col"][i] == pytest.approx(theta, rel=1e-12)


def test_nngp_column_is_the_output_covariance_of_random_networks(wide_data):
    # The NNGP is E[f(x) f(x')] over random initializations (Neal 1994): estimate it from N random
    # networks of width 64.  Bound: the Monte Carlo error of a mean of N products is
    # √(K(x,x)K(x',x') + K(x,x')²)/√N (Gaussian outputs; 4 of those), plus the finite-width bias
    # O(1/width) (bound: 2/width of the kernel's scale).
    d, s = wide_data["gp"], wide_data.wide
    arch, N, width, batch = s.arch, 4000, 64, 500
    xs = wide.embed_scaled(d["x_test"])                                 # the network inputs of u
    i = int(facts.grid_indices(d["x_grid"], [s.x_obs])[0])
    keys = jax.random.split(jax.random.PRNGKey(7), N).reshape(N // batch, batch, -1)
    nets = jax.jit(jax.vmap(lambda k: wide.apply_batch(wide.init_params(k, width, arch, d_in=2), xs, arch)))
    outs = np.concatenate([np.asarray(nets(k)) for k in keys])          # (N, n) outputs on the grid
    cov = (outs * outs[:, [i]]).mean(axis=0)
    diag = (outs ** 2).mean(axis=0)
    bound = 4 * np.sqrt(diag * diag[i] + cov ** 2) / np.sqrt(N) + 2 / width * np.abs(d["nngp_col"]).max()
    err = np.abs(cov - d["nngp_col"])
    assert np.all(err <= bound), (err / bound).max()
