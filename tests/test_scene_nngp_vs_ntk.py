"""The "don't mix your kernels" chapter draws the numbers it is given: the NNGP and NTK columns of
the same network (over their value at x′), the two Gaussian processes — the NTK-GP at t = ∞ and the
NNGP posterior — as mean curves and bands (mean ± 2 std at their true size: the NNGP band filled,
the NTK-GP band as dashed edges), "don't mix your kernels" as one symbol swapped in the mean the
viewer has seen (Θ → K, a TransformMatchingTex), the minimum-variance argument as an equation, the
largest gap between the means and the largest ratio of the standard deviations away from the data
(computed here independently), and the nuance that training only the last layer (Θ = K) gives the
NNGP posterior.  The maths (minimum variance, scaling, the last-layer case) is checked on
independent problems with ntkcore's closed forms and plain NumPy, without building the chapter.
Built with the SMALL settings of conftest; the numbers themselves are checked in test_gp.py."""

import numpy as np
import pytest

from scene_helpers import (assert_captions_fit, assert_inside_frame, caption_of, caption_texts, curve_anchors,
                           numbers_in, points_data)
from scenes.components import equations as eq
from scenes.components.gp_plots import band_edges


@pytest.fixture(scope="module")
def D(wide_data):
    return wide_data["gp"]


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("nngp_vs_ntk")


def small_problem():
    from ntkcore.gp import analytic_kernels
    xt, xd = np.linspace(-1, 1, 41), np.array([-0.7, -0.2, 0.1, 0.6, 0.8])
    yd = np.array([0.3, -0.5, 0.2, 0.1, 0.4])
    return xt, xd, yd, analytic_kernels(xt, xd)


# --------------------------------------------------------------------------- the maths (no chapter built)
def test_scaling_a_kernel_leaves_the_predicted_means():
    """Why the kernels are drawn over their value at x′: c·K gives the same posterior mean, c·Θ the
    same NTK-GP mean (K(x,X)K(X,X)⁻¹ is unchanged by c)."""
    from ntkcore.gp import nngp_posterior, ntk_gp
    _, _, yd, kb = small_problem()
    for c in (0.1, 7.0):
        np.testing.assert_allclose(nngp_posterior(c * kb.k_tt, c * kb.k_td, c * kb.k_dd, yd).mean,
                                   nngp_posterior(kb.k_tt, kb.k_td, kb.k_dd, yd).mean, atol=1e-9)
        np.testing.assert_allclose(ntk_gp(kb.k_tt, kb.k_td, kb.k_dd, c * kb.theta_td, c * kb.theta_dd, yd,
                                          [np.inf]).mean,
                                   ntk_gp(kb.k_tt, kb.k_td, kb.k_dd, kb.theta_td, kb.theta_dd, yd, [np.inf]).mean,
                                   atol=1e-9)


def test_the_variance_of_a_corrected_start_is_least_at_bayes_weights():
    """For f₀ ~ GP(0, K), Var[f₀(x) − a·(f₀(X) − Y)] = K(x,x) − 2a·K(X,x) + a·K(X,X)a is least at
    a = K(x,X)K(X,X)⁻¹, where it is the NNGP posterior variance; the t = ∞ NTK-GP is the corrected
    start with a = Θ(x,X)Θ(X,X)⁻¹ (plain NumPy against ntkcore's closed forms)."""
    from ntkcore.gp import nngp_posterior, ntk_gp
    _, _, yd, kb = small_problem()
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
    assert np.all(v_ntk >= v_min - 1e-9 * scale) and v_ntk.max() > v_min.max()
    rng = np.random.default_rng(0)
    for _ in range(20):                      # any other weights: never below the minimum
        assert np.all(var(a_nngp + 0.3 * rng.standard_normal(a_nngp.shape)) >= v_min - 1e-9 * scale)


def test_training_only_the_last_layer_samples_the_nngp_posterior():
    """Lee et al. 2019: the tangent kernel of the last layer alone is K, and the NTK-GP with Θ = K is
    the NNGP posterior (same mean, same std)."""
    from ntkcore.gp import nngp_posterior, ntk_gp
    _, _, yd, kb = small_problem()
    post = nngp_posterior(kb.k_tt, kb.k_td, kb.k_dd, yd)
    last = ntk_gp(kb.k_tt, kb.k_td, kb.k_dd, kb.k_td, kb.k_dd, yd, [np.inf])
    np.testing.assert_allclose(last.mean[0], post.mean, atol=1e-9)
    np.testing.assert_allclose(last.std[0], post.std, atol=1e-6)


def test_the_chapters_numbers_obey_the_minimum_variance(D):
    assert np.all(D["ntk_gp_inf_std"] ** 2 >= D["nngp_std"] ** 2 - 1e-9 * D["prior_std"].max() ** 2)


# --------------------------------------------------------------------------- what the chapter draws
@pytest.mark.parametrize("which, key", [("nngp", "nngp_col"), ("ntk", "ntk_col")])
def test_kernel_curves_are_the_columns_over_their_value_at_x_obs(scene, D, which, key):
    xs, ys = curve_anchors(scene.kernel_axes, getattr(scene, f"{which}_curve"))
    np.testing.assert_allclose(xs, D["x_grid"], atol=1e-6)
    i_obs = int(np.flatnonzero(D["x_grid"] == float(D["x_obs"]))[0])
    np.testing.assert_allclose(ys * D[key][i_obs], D[key], atol=1e-6 * np.abs(D[key]).max())
    assert ys[i_obs] == pytest.approx(1.0, abs=1e-6)


def test_shape_values_marked_where_they_differ_most(scene, D):
    i_obs = int(np.flatnonzero(D["x_grid"] == float(D["x_obs"]))[0])
    k_n, k_t = D["nngp_col"] / D["nngp_col"][i_obs], D["ntk_col"] / D["ntk_col"][i_obs]
    j = int(np.argmax(np.abs(k_n - k_t)))
    xs, ys = points_data(scene.kernel_axes, [dot.get_center() for dot in scene.shape_dots])
    np.testing.assert_allclose(xs, D["x_grid"][j], atol=1e-6)
    np.testing.assert_allclose(ys, [k_n[j], k_t[j]], atol=1e-6)
    printed = [numbers_in(lab.get_tex_string())[0] for lab in scene.shape_labels]
    assert printed == pytest.approx([k_n[j], k_t[j]], abs=0.005 + 1e-9)
    # the shapes come before any number in a caption
    assert numbers_in(caption_of(scene, "two_kernels")) == []


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
    on = [int(np.argmin(np.abs(xs - x))) for x in D["x_train_post"]]      # both pinch at the data
    np.testing.assert_allclose(upper[on] - lower[on], 0.0, atol=1e-3)
    lo, hi = scene.fit_axes.y_range[:2]                                    # zoomed to them, not clipped
    assert lo <= lower.min() and upper.max() <= hi


def test_the_ntk_gp_on_screen_ends_as_computed(scene, D):
    """The nuance moves the NTK-GP drawn on screen onto the posterior and back: at the end it is the
    NTK-GP's mean again."""
    xs, ys = curve_anchors(scene.fit_axes, scene.ntk_mean)
    np.testing.assert_allclose(ys, D["ntk_gp_inf_mean"], atol=1e-6)


def test_the_last_layer_band_is_the_posteriors(scene, D):
    (xs, lower), (_, upper) = (curve_anchors(scene.fit_axes, e) for e in scene.readout_edges)
    np.testing.assert_allclose(lower, D["nngp_mean"] - 2 * D["nngp_std"], atol=1e-6)
    np.testing.assert_allclose(upper, D["nngp_mean"] + 2 * D["nngp_std"], atol=1e-6)
    assert numbers_in(caption_of(scene, "readout")) == [2019]


def test_one_band_filled_the_other_dashed_edges(scene):
    nngp, ntk = scene.bands["nngp"], scene.bands["ntk"]
    assert nngp.get_fill_opacity() > 0 and nngp.get_stroke_width() == 0
    assert len(ntk) == 2 and all(len(edge.submobjects) > 10 for edge in ntk)       # cut into dashes
    for edge in ntk:
        assert all(d.get_fill_opacity() == 0 for d in edge.submobjects)
        assert edge.submobjects[0].get_stroke_color().to_hex().upper() == scene.theme.ntk_exact.upper()


def test_dont_mix_is_one_symbol_swapped_in_the_mean(scene):
    """The NTK-GP mean Θ(x,X)Θ(X,X)⁻¹Y morphs (TransformMatchingTex) into the NNGP posterior mean
    K(x,X)K(X,X)⁻¹Y: the right-hand sides differ only in the kernel; then both lines morph into the
    variance of a corrected start, least at K's weights, larger at Θ's."""
    moves = scene.derivation.moves
    assert moves[0] == (None, eq.tex(eq.mean(eq.THETA)), "FadeIn")
    assert moves[1] == (eq.tex(eq.mean(eq.THETA)), eq.tex(eq.posterior_mean()), "TransformMatchingTex")
    assert [p.replace(eq.K, eq.THETA) if p == eq.K else p for p in eq.mean_rhs(eq.K)] == list(eq.mean_rhs(eq.THETA))
    assert moves[2] == (eq.tex(eq.posterior_mean()), eq.tex(eq.spread(eq.K, True)), "TransformMatchingTex")
    other = scene.ntk_line.moves
    assert other[0] == (eq.tex(eq.mean(eq.THETA)), eq.tex(eq.spread(eq.THETA, False)), "TransformMatchingTex")
    assert all(m[2] == "TransformMatchingTex" for m in other)
    # Θ and K each in their one colour, in every line on screen at the end
    for line in (scene.derivation.current, scene.ntk_line.current):
        for part in line.submobjects:
            if part.tex_string in (eq.THETA, eq.K):
                want = scene.theme.ntk_exact if part.tex_string == eq.THETA else scene.theme.nngp
                assert part.get_color().to_hex().upper() == want.upper()


def test_the_wider_spread_is_computed(scene, D):
    """The caption's ratio is the largest NTK-GP std / NNGP std at least 1 away from the data, the
    marker stands where it is, and it exceeds 1 (wider somewhere)."""
    x = D["x_grid"]
    far = np.abs(x[:, None] - D["x_train_post"][None, :]).min(axis=1) >= scene.away
    ratio = D["ntk_gp_inf_std"][far] / D["nngp_std"][far]
    said = caption_of(scene, "wider")
    assert numbers_in(said) == pytest.approx([ratio.max()], abs=0.05 + 1e-9)
    assert ratio.max() > 1.05 and ratio.min() >= 1.0 - 1e-9
    (mx,), _ = points_data(scene.fit_axes, [scene.ratio_marker.get_center()])
    assert mx == pytest.approx(scene.ratio_max_x, abs=1e-6)
    assert scene.ratio_max_x == pytest.approx(x[far][np.argmax(ratio)], abs=1e-9)
    r, at = numbers_in(scene.ratio_label.original_text)
    assert r == pytest.approx(ratio.max(), abs=0.05 + 1e-9) and at == pytest.approx(scene.ratio_max_x, abs=1e-9)


def test_gap_arrow_marks_the_largest_distance_between_the_drawn_means(scene):
    xs, a = curve_anchors(scene.fit_axes, scene.mean_curves["nngp"])
    _, b = curve_anchors(scene.fit_axes, scene.mean_curves["ntk"])
    k = int(np.argmax(np.abs(a - b)))
    (x0, x1), (y0, y1) = points_data(scene.fit_axes, [scene.gap_arrow.get_start(), scene.gap_arrow.get_end()])
    assert (x0, x1) == pytest.approx((xs[k], xs[k]), abs=1e-6)
    assert sorted([y0, y1]) == pytest.approx(sorted([a[k], b[k]]), abs=1e-6)
    gap, = numbers_in(scene.gap_label.original_text)
    assert gap == pytest.approx(abs(a[k] - b[k]), abs=0.005 + 1e-6)


def test_train_dots_map_back(scene, D):
    xs, ys = points_data(scene.fit_axes, [dot.get_center() for dot in scene.train_dots])
    np.testing.assert_allclose(xs, D["x_train_post"], atol=1e-6)
    np.testing.assert_allclose(ys, D["y_train"], atol=1e-6)


def test_colours_nngp_and_ntk(scene):
    assert scene.mean_curves["nngp"].get_stroke_color().to_hex().upper() == scene.theme.nngp.upper()
    assert scene.mean_curves["ntk"].get_stroke_color().to_hex().upper() == scene.theme.ntk_exact.upper()
    assert scene.theme.nngp.upper() != scene.theme.observation.upper()


def test_everything_inside_the_frame(scene):
    assert_captions_fit(scene.captions)
    mobs = list(scene.mobjects) + [scene.kernel_axes, scene.kernel_names, scene.nngp_curve, scene.ntk_curve,
                                   scene.obs_marker, scene.obs_label, scene.shape_dots, scene.shape_labels,
                                   scene.k_def, scene.theta_def]
    assert_inside_frame(mobs, whole=True)
    said = " ".join(caption_texts(scene))
    assert "NNGP posterior" in said and "NTK-GP" in said


def test_every_step_has_its_own_narration(scene):
    assert scene.steps and all(st.narration and st.narration != st.caption for st in scene.steps)
