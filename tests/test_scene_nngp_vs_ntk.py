"""The "don't mix your kernels" chapter draws the numbers it is given: the NNGP and NTK columns of
the same network (over their value at x′), the two Gaussian processes — the NNGP posterior and the
NTK-GP at t = ∞ — as mean curves and bands (mean ± 2 std at their true size, as the legend says:
the NNGP band filled, the NTK-GP band as dashed edges), the largest gap between the means found on
the drawn curves, and the ratio of the standard deviations away from the data, computed here; and
the theorem the chapter states for "never narrower", checked by an independent computation.
Built with the SMALL settings of conftest; the numbers themselves are checked in test_gp.py."""

import numpy as np
import pytest

from scene_helpers import (assert_captions_fit, assert_inside_frame, caption_of, caption_texts, curve_anchors,
                           numbers_in, points_data, step_of)
from scenes.components.gp_plots import band_edges


@pytest.fixture(scope="module")
def D(wide_data):
    return wide_data["gp"]


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("nngp_vs_ntk")


@pytest.mark.parametrize("which, key", [("nngp", "nngp_col"), ("ntk", "ntk_col")])
def test_kernel_curves_are_the_columns_over_their_value_at_x_obs(scene, D, which, key):
    xs, ys = curve_anchors(scene.kernel_axes, getattr(scene, f"{which}_curve"))
    np.testing.assert_allclose(xs, D["x_grid"], atol=1e-6)
    i_obs = int(np.flatnonzero(D["x_grid"] == float(D["x_obs"]))[0])
    np.testing.assert_allclose(ys * D[key][i_obs], D[key], atol=1e-6 * np.abs(D[key]).max())
    assert ys[i_obs] == pytest.approx(1.0, abs=1e-6)


def test_the_legend_says_2_std_and_no_caption_magnifies(scene):
    rows = [row[1].original_text for row in scene.legend[:2]]
    assert all("± 2 std" in r for r in rows)
    assert "shaded" in rows[0] and "dashed" in rows[1]
    said = " ".join(caption_texts(scene))
    assert "wider" not in said and "magnif" not in said


@pytest.mark.parametrize("which, mean_key, std_key", [("nngp", "nngp_mean", "nngp_std"),
                                                      ("ntk", "ntk_gp_inf_mean", "ntk_gp_inf_std")])
def test_means_and_bands_map_back_at_2_std(scene, D, which, mean_key, std_key):
    xs, ys = curve_anchors(scene.fit_axes, scene.mean_curves[which])
    np.testing.assert_allclose(xs, D["x_grid"], atol=1e-6)
    np.testing.assert_allclose(ys, D[mean_key], atol=1e-6)
    if which == "nngp":
        xs, lower, upper = band_edges(scene.fit_axes, scene.bands[which])
    else:
        (xs, lower), (_, upper) = (curve_anchors(scene.fit_axes, e) for e in scene.ntk_edges)
    np.testing.assert_allclose(xs, D["x_grid"], atol=1e-6)
    np.testing.assert_allclose(upper, D[mean_key] + 2 * D[std_key], atol=1e-6)
    np.testing.assert_allclose(lower, D[mean_key] - 2 * D[std_key], atol=1e-6)
    # Both pinch at the data.
    on = [int(np.argmin(np.abs(xs - x))) for x in D["x_train_post"]]
    np.testing.assert_allclose(upper[on] - lower[on], 0.0, atol=1e-3)
    # The y axis holds every band edge (zoomed to them, not clipped).
    lo, hi = scene.fit_axes.y_range[:2]
    assert lo <= lower.min() and upper.max() <= hi


def test_one_band_filled_the_other_dashed_edges(scene):
    nngp, ntk = scene.bands["nngp"], scene.bands["ntk"]
    assert nngp.get_fill_opacity() > 0 and nngp.get_stroke_width() == 0
    assert len(ntk) == 2 and all(len(edge.submobjects) > 10 for edge in ntk)       # cut into dashes
    for edge in ntk:
        assert all(d.get_fill_opacity() == 0 for d in edge.submobjects)
        assert edge.submobjects[0].get_stroke_color().to_hex().upper() == scene.theme.ntk_exact.upper()


def test_the_printed_largest_std(scene, D):
    said = caption_of(scene, "pinch")
    assert "pinch" in said
    nums = numbers_in(said)
    assert nums[0] == len(D["y_train"])
    top = max(D["nngp_std"].max(), D["ntk_gp_inf_std"].max())
    assert nums[1] == pytest.approx(top, abs=0.0005 + 1e-9)
    assert nums[2] == pytest.approx(D["prior_std"].max(), abs=0.005 + 1e-9)


def test_shape_values_marked_where_the_caption_reads_them(scene, D):
    i_obs = int(np.flatnonzero(D["x_grid"] == float(D["x_obs"]))[0])
    k_n, k_t = D["nngp_col"] / D["nngp_col"][i_obs], D["ntk_col"] / D["ntk_col"][i_obs]
    j = int(np.argmax(np.abs(k_n - k_t)))
    xs, ys = points_data(scene.kernel_axes, [dot.get_center() for dot in scene.shape_dots])
    np.testing.assert_allclose(xs, D["x_grid"][j], atol=1e-6)
    np.testing.assert_allclose(ys, [k_n[j], k_t[j]], atol=1e-6)
    printed = [numbers_in(lab.original_text)[0] for lab in scene.shape_labels]
    assert printed == pytest.approx([k_n[j], k_t[j]], abs=0.005 + 1e-9)
    said = caption_of(scene, "shapes")
    assert said.startswith("Different shapes")
    assert numbers_in(said)[:3] == pytest.approx([D["x_grid"][j], *printed], abs=1e-9)
    assert "÷" in said


def test_ratio_label_sits_next_to_the_bands_it_describes(scene, D):
    x = D["x_grid"]
    i = int(np.argmin(np.abs(x - scene.ratio_max_x)))
    top = max(D["nngp_mean"][i] + 2 * D["nngp_std"][i], D["ntk_gp_inf_mean"][i] + 2 * D["ntk_gp_inf_std"][i])
    p = scene.fit_axes.c2p(x[i], top)
    lab = scene.ratio_label
    assert 0 <= lab.get_bottom()[1] - p[1] <= 0.5
    assert min(abs(lab.get_left()[0] - p[0]), abs(lab.get_right()[0] - p[0])) <= 0.5
    assert numbers_in(lab.original_text)[-1] == pytest.approx(x[i], abs=1e-9)


def test_scaling_a_kernel_leaves_the_predicted_means(scene):
    """The caption's reason for dividing by kernel(x′, x′): c·K gives the same posterior mean, c·Θ the
    same NTK-GP mean (K(x,X)K(X,X)⁻¹ is unchanged by c)."""
    from ntkcore.gp import analytic_kernels, nngp_posterior, ntk_gp
    xt, xd = np.linspace(-1, 1, 9), np.array([-0.8, -0.1, 0.3, 0.9])
    yd = np.array([0.4, -0.2, 0.1, 0.5])
    kb = analytic_kernels(xt, xd)
    for c in (0.1, 7.0):
        np.testing.assert_allclose(nngp_posterior(c * kb.k_tt, c * kb.k_td, c * kb.k_dd, yd).mean,
                                   nngp_posterior(kb.k_tt, kb.k_td, kb.k_dd, yd).mean, atol=1e-9)
        np.testing.assert_allclose(ntk_gp(kb.k_tt, kb.k_td, kb.k_dd, c * kb.theta_td, c * kb.theta_dd, yd,
                                          [np.inf]).mean,
                                   ntk_gp(kb.k_tt, kb.k_td, kb.k_dd, kb.theta_td, kb.theta_dd, yd, [np.inf]).mean,
                                   atol=1e-9)


def test_never_narrower_is_the_theorem_the_caption_states(scene, D):
    """For f₀ ~ GP(0, K), Var[f₀(x) − a·(f₀(X) − Y)] = K(x,x) − 2a·K(X,x) + a·K(X,X)a is smallest at
    a = K(X,X)⁻¹K(X,x), where it is the NNGP posterior variance; the t = ∞ NTK-GP is the predictor
    with a = Θ(X,X)⁻¹Θ(X,x).  Checked here with plain NumPy on an independent small problem, and on
    the chapter's own numbers."""
    from ntkcore.gp import analytic_kernels, nngp_posterior, ntk_gp
    xt, xd = np.linspace(-1, 1, 41), np.array([-0.7, -0.2, 0.1, 0.6, 0.8])
    yd = np.array([0.3, -0.5, 0.2, 0.1, 0.4])
    kb = analytic_kernels(xt, xd)
    K_tt, K_td, K_dd = (np.asarray(m) for m in (kb.k_tt, kb.k_td, kb.k_dd))
    T_td, T_dd = np.asarray(kb.theta_td), np.asarray(kb.theta_dd)

    def var(a):                              # a (n_test, n_train): one weight vector per test x
        return np.diag(K_tt) - 2 * np.einsum("ij,ij->i", a, K_td) + np.einsum("ij,jk,ik->i", a, K_dd, a)

    a_nngp = np.linalg.solve(K_dd, K_td.T).T
    a_ntk = np.linalg.solve(T_dd, T_td.T).T
    v_min, v_ntk = var(a_nngp), var(a_ntk)
    scale = np.diag(K_tt).max()
    np.testing.assert_allclose(v_min, nngp_posterior(K_tt, K_td, K_dd, yd).std ** 2, atol=1e-9 * scale)
    np.testing.assert_allclose(v_ntk, ntk_gp(K_tt, K_td, K_dd, T_td, T_dd, yd, [np.inf]).std[0] ** 2,
                               atol=1e-9 * scale)
    assert np.all(v_ntk >= v_min - 1e-9 * scale)
    rng = np.random.default_rng(0)
    for _ in range(20):                      # any other weights: never below the minimum
        assert np.all(var(a_nngp + 0.3 * rng.standard_normal(a_nngp.shape)) >= v_min - 1e-9 * scale)
    # ... and the chapter's numbers obey it at every test x.
    assert np.all(D["ntk_gp_inf_std"] ** 2 >= D["nngp_std"] ** 2 - 1e-9 * D["prior_std"].max() ** 2)
    said = caption_of(scene, "why")
    assert said.startswith("Why:")
    assert "NNGP posterior (a = K(x,X)K(X,X)⁻¹)" in said and "varies least" in said
    assert "NTK-GP: a = Θ(x,X)Θ(X,X)⁻¹" in said


def test_train_dots_map_back(scene, D):
    xs, ys = points_data(scene.fit_axes, [dot.get_center() for dot in scene.train_dots])
    np.testing.assert_allclose(xs, D["x_train_post"], atol=1e-6)
    np.testing.assert_allclose(ys, D["y_train"], atol=1e-6)


def test_gap_arrow_marks_the_largest_distance_between_the_drawn_means(scene):
    # Found on the curves as drawn, not on the arrays: the input where they lie farthest apart.
    xs, a = curve_anchors(scene.fit_axes, scene.mean_curves["nngp"])
    _, b = curve_anchors(scene.fit_axes, scene.mean_curves["ntk"])
    k = int(np.argmax(np.abs(a - b)))
    (x0, x1), (y0, y1) = points_data(scene.fit_axes, [scene.gap_arrow.get_start(), scene.gap_arrow.get_end()])
    assert (x0, x1) == pytest.approx((xs[k], xs[k]), abs=1e-6)
    assert sorted([y0, y1]) == pytest.approx(sorted([a[k], b[k]]), abs=1e-6)
    # ... and the label and the caption print that distance (2 decimals) and that x
    gap, x_at = numbers_in(scene.gap_label.original_text)
    assert gap == pytest.approx(abs(a[k] - b[k]), abs=0.005 + 1e-6) and x_at == pytest.approx(xs[k], abs=1e-6)
    said = [t for t in caption_texts(scene) if t.startswith("The means differ most")]
    assert said == [caption_of(scene, "mean_gap")] and numbers_in(said[0])[:2] == [x_at, gap]


def test_std_ratio_away_from_the_data_as_printed(scene, D):
    x = D["x_grid"]
    far = np.abs(x[:, None] - D["x_train_post"][None, :]).min(axis=1) >= scene.away
    ratio = D["ntk_gp_inf_std"][far] / D["nngp_std"][far]
    said = caption_of(scene, "spread")
    assert said.startswith("Away from the data")
    lo, hi = numbers_in(said.replace("–", " "))[:2]
    assert lo == pytest.approx(ratio.min(), abs=0.05 + 1e-9) and hi == pytest.approx(ratio.max(), abs=0.05 + 1e-9)
    assert numbers_in(said)[-1] == pytest.approx(x[far][np.argmax(ratio)], abs=1e-9)
    # "never narrower" is said only when it is true.
    assert ("never narrower" in said) == bool(ratio.min() >= 1.0 - 1e-9)
    assert (step_of(scene, "spread").variant is None) == bool(ratio.min() >= 1.0 - 1e-9)


def test_colours_nngp_and_ntk(scene):
    assert scene.mean_curves["nngp"].get_stroke_color().to_hex().upper() == scene.theme.nngp.upper()
    assert scene.mean_curves["ntk"].get_stroke_color().to_hex().upper() == scene.theme.ntk_exact.upper()
    assert scene.theme.nngp.upper() != scene.theme.observation.upper()


def test_everything_inside_the_frame(scene):
    assert_captions_fit(scene.captions)
    mobs = list(scene.mobjects) + [scene.kernel_axes, scene.kernel_names, scene.nngp_curve, scene.ntk_curve,
                                   scene.obs_marker, scene.obs_label, scene.kernel_legend, scene.shape_dots,
                                   scene.shape_labels]
    assert_inside_frame(mobs, whole=True)
    said = " ".join(caption_texts(scene))
    assert "neural\nnetwork Gaussian process (NNGP)" in said or "neural network Gaussian process (NNGP)" in said


def test_every_step_has_its_own_narration(scene):
    assert scene.steps and all(st.narration and st.narration != st.caption for st in scene.steps)
