"""The Gaussian-process chapter draws the numbers it is given, and says only what it draws.

* the band (mean ± 2 std) and centre line of the NTK-GP at every time index and at t = ∞ map back to
  the "gp" experiment's numbers; t = 0 is the prior GP(0, K) (the NNGP's colour), later ones Θ's;
* the times drawn while training are in order, each on the clock as t, steps and η, and every
  time left out looks like t = ∞ (nothing visible is skipped); the band on screen ends at t = ∞;
* the ensemble's curves, their own mean ± 2 std, the training points and where each start lands
  at t = ∞ map back; the landing curves pass through every training point;
* the lesson's curve is Θ(x, X)Θ(X, X)⁻¹Y, computed here from ntkcore's closed-form kernels, and the
  formula that says so is a TransformMatchingTex morph of kernel GD's f∞ line;
* the numbers printed or said are those of what is drawn (the agreement at the clock's time, the
  prior band's edge, the legend's width and count), computed here;
* everything stays inside the title-safe frame.

Built with the SMALL [gp] settings of conftest."""

import re

import numpy as np
import pytest

from scene_helpers import (assert_captions_fit, assert_inside_frame, caption_of, caption_texts, curve_anchors,
                           numbers_in, points_data, step_of)
from scenes.components import equations as eq
from scenes.components.gp_plots import band_edges


@pytest.fixture(scope="module")
def D(wide_data):
    return wide_data["gp"]


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("gp_over_time")


def gp_at(D, k):
    """(mean, std) of the NTK-GP of gradient descent at time index k; t = ∞ after the last."""
    if k == len(D["times"]):
        return D["ntk_gp_inf_mean"], D["ntk_gp_inf_std"]
    return D["ntk_gp_gd_mean"][k], D["ntk_gp_gd_std"][k]


def assert_band(ax, poly, mean, std):
    xs, lower, upper = band_edges(ax, poly)
    np.testing.assert_allclose(upper, mean + 2 * std, atol=1e-6)
    np.testing.assert_allclose(lower, mean - 2 * std, atol=1e-6)
    return xs


def test_the_steps_and_the_lesson(scene):
    assert [st.key for st in scene.steps] == ["title", "ensemble", "nngp", "train", "agree", "landing", "mean"]
    assert [st.key for st in scene.steps if st.lesson] == ["mean"]


def test_bands_and_means_map_back_at_every_time(scene, D):
    assert len(scene.bands) == len(scene.means) == len(D["times"]) + 1
    for k, (poly, mean_curve) in enumerate(zip(scene.bands, scene.means)):
        mean, std = gp_at(D, k)
        xs = assert_band(scene.axes, poly, mean, std)
        np.testing.assert_allclose(xs, D["x_grid"], atol=1e-6)
        xs, ys = curve_anchors(scene.axes, mean_curve)
        np.testing.assert_allclose(xs, D["x_grid"], atol=1e-6)
        np.testing.assert_allclose(ys, mean, atol=1e-6)


def test_the_first_band_is_the_prior_in_the_nngp_colour(scene, D):
    # t = 0: mean 0 and std √K(x, x) (the NNGP prior), in K's colour; from then on Θ's.
    xs, lower, upper = band_edges(scene.axes, scene.bands[0])
    np.testing.assert_allclose(upper, 2 * D["prior_std"], atol=1e-6)
    np.testing.assert_allclose(lower, -2 * D["prior_std"], atol=1e-6)
    theme = scene.theme
    assert scene.bands[0].get_fill_color().to_hex().upper() == theme.nngp.upper()
    assert scene.means[0].get_stroke_color().to_hex().upper() == theme.nngp.upper()
    for b, m in zip(scene.bands[1:], scene.means[1:]):
        assert b.get_fill_color().to_hex().upper() == theme.ntk_exact.upper()
        assert m.get_stroke_color().to_hex().upper() == theme.ntk_exact.upper()


def test_k_is_named_where_it_first_appears_in_its_colour(scene):
    first_k = next(st for st in scene.steps if re.search(r"\bK\b", st.caption))
    assert first_k.key == "nngp"
    k_def = scene.k_definition
    assert k_def[0].tex_string == "K"
    assert k_def[0].get_color().to_hex().upper() == scene.theme.nngp.upper()
    assert r"\mathbb{E}" in k_def[1].tex_string and "f_0(x)" in k_def[1].tex_string


def test_the_times_drawn_are_in_order_and_none_visible_is_left_out(scene, D):
    T = len(D["times"])
    shown = scene.shown_times
    assert shown[0] == 0 and shown[-1] == T and shown == sorted(set(shown))
    inf_mean, inf_std = gp_at(D, T)
    for k in range(1, T):
        if k not in shown:       # left out: it looks like t = ∞ (within 0.01 of a y unit, mean and std)
            assert np.abs(D["ntk_gp_gd_mean"][k] - inf_mean).max() <= 0.01
            assert np.abs(D["ntk_gp_gd_std"][k] - inf_std).max() <= 0.01
    assert len(shown) >= 3       # at least one moment between the prior and t = ∞
    # Each finite time's clock: t, the steps it took and η.
    lr = float(D["lr"])
    for k in shown[:-1]:
        t, steps, eta = numbers_in(scene.time_labels[k].original_text)
        assert t == pytest.approx(D["times"][k]) and eta == pytest.approx(lr)
        assert steps == pytest.approx(D["times"][k] / lr)
    assert "∞" in scene.time_labels[T].original_text


def test_the_band_mean_and_clock_on_screen_end_at_infinite_time(scene, D):
    T = len(D["times"])
    on = scene.on_screen
    assert on["band"] in scene.mobjects and on["mean"] in scene.mobjects
    assert_band(scene.axes, on["band"], *gp_at(D, T))
    xs, ys = curve_anchors(scene.axes, on["mean"])
    np.testing.assert_allclose(ys, D["ntk_gp_inf_mean"], atol=1e-6)


def test_ensemble_curves_map_back(scene, D):
    C, T = D["ens_curves"].shape[:2]
    assert len(scene.ens_curves) == C
    for c in range(C):
        for k in range(T):
            xs, ys = curve_anchors(scene.axes, scene.ens_curves[c][k])
            np.testing.assert_allclose(xs, D["x_grid"], atol=1e-6)
            np.testing.assert_allclose(ys, D["ens_curves"][c, k], atol=1e-6)


def test_the_networks_mean_and_spread_are_drawn_at_the_clocks_time(scene, D):
    k = scene.shown_times[-2]            # the last finite time drawn: the clock in the agree step
    lower, centre, upper = scene.ens_lines
    for line, c in ((lower, -1), (centre, 0), (upper, 1)):
        xs, ys = curve_anchors(scene.axes, line)
        np.testing.assert_allclose(ys, D["ens_mean"][k] + 2 * c * D["ens_std"][k], atol=1e-6)
    # the ensemble's numbers are its curves' statistics where all are drawn (C = S in the small settings)
    if len(D["ens_curves"]) == int(D["ens_seeds"]):
        np.testing.assert_allclose(D["ens_curves"][:, k].mean(axis=0), D["ens_mean"][k], atol=1e-9)


def test_the_agreement_said_is_of_what_is_drawn(scene, D):
    k = scene.shown_times[-2]
    gap = np.abs(D["ens_mean"][k] - D["ntk_gp_gd_mean"][k]).max()
    std_gap = np.abs(D["ens_std"][k] - D["ntk_gp_gd_std"][k]).max()
    said = caption_of(scene, "agree")
    assert numbers_in(said) == [pytest.approx(gap, abs=0.005 + 1e-9)]
    spoken = numbers_in(step_of(scene, "agree").narration)
    assert spoken[0] == int(D["ens_seeds"])
    assert spoken[1] == pytest.approx(D["times"][k])
    assert spoken[-2:] == [pytest.approx(gap, abs=0.005 + 1e-9), pytest.approx(std_gap, abs=0.005 + 1e-9)]


def test_the_prior_band_edge_said_is_the_one_drawn(scene, D):
    # "at every x": every input lies on the unit circle, where the NNGP's K(x, x) is one number
    from ntkcore.gp import analytic_kernels
    from ntkcore.gp_experiment import network_inputs
    kb = analytic_kernels(network_inputs(D["x_test"]), network_inputs(D["x_train"]), scene.settings.wide.arch)
    edge = 2 * np.sqrt(np.diag(np.asarray(kb.k_tt)))
    np.testing.assert_allclose(edge, 2 * D["prior_std"], atol=1e-9)
    assert np.ptp(edge) < 1e-9
    said = numbers_in(step_of(scene, "nngp").narration)
    assert said == [pytest.approx(edge[0], abs=0.005 + 1e-9)]


def test_the_legend_and_the_spoken_ensemble_are_the_experiments(scene, D):
    W, S = int(D["ens_width"]), int(D["ens_seeds"])
    assert numbers_in(scene.legend[0].submobjects[-1].original_text) == [W]
    assert numbers_in(scene.legend[3].submobjects[-1].original_text)[0] == S
    C = len(D["ens_curves"])
    said = numbers_in(step_of(scene, "ensemble").narration)
    assert said == [C, S, W, scene.settings.wide.arch.depth]


def test_training_points_map_back(scene, D):
    xs, ys = points_data(scene.axes, [dot.get_center() for dot in scene.dots])
    np.testing.assert_allclose(xs, D["x_train_post"], atol=1e-6)
    np.testing.assert_allclose(ys, D["y_train"], atol=1e-6)
    # the circles of the landing step sit on them
    xs, ys = points_data(scene.axes, [m.get_center() for m in scene.pinch_marks])
    np.testing.assert_allclose(xs, D["x_train_post"], atol=1e-6)
    np.testing.assert_allclose(ys, D["y_train"], atol=1e-6)


def test_landing_curves_are_kernel_gd_to_infinity_from_each_start(scene, D):
    on = [int(np.argmin(np.abs(D["x_grid"] - x))) for x in D["x_train_post"]]
    for c, curve in enumerate(scene.landing):
        xs, ys = curve_anchors(scene.axes, curve)
        np.testing.assert_allclose(ys, D["ens_kgd_inf"][c], atol=1e-6)
        np.testing.assert_allclose(ys[on], D["y_train"], atol=1e-6)      # through every data point
    # and the band pinches there at t = ∞
    xs, lower, upper = band_edges(scene.axes, scene.bands[-1])
    np.testing.assert_allclose(upper[on] - lower[on], 0.0, atol=1e-4)


def test_the_lesson_curve_is_the_ntk_regression_of_the_targets(scene, D):
    """E f∞(x) = Θ(x, X)Θ(X, X)⁻¹Y with the closed-form Θ of ntkcore, computed here."""
    from ntkcore.gp import analytic_kernels
    from ntkcore.gp_experiment import network_inputs
    kb = analytic_kernels(network_inputs(D["x_test"]), network_inputs(D["x_train"]), scene.settings.wide.arch)
    expected = np.asarray(kb.theta_td) @ np.linalg.solve(np.asarray(kb.theta_dd), D["y_train"])
    xs, ys = curve_anchors(scene.axes, scene.means[-1])
    np.testing.assert_allclose(ys, expected, atol=1e-6)
    # and the ensemble's landing curves average towards it (f₀ drops out): the landing is linear in f₀
    f0 = D["ens_curves"][:, 0]
    np.testing.assert_allclose(D["ens_kgd_inf"] - expected, f0 - (f0[:, np.searchsorted(D["x_grid"], D["x_train_post"])]
                               @ np.linalg.solve(np.asarray(kb.theta_dd), np.asarray(kb.theta_td).T)), atol=1e-6)


def test_the_derivation_continues_from_kernel_gd_by_a_morph(scene):
    der = scene.derivation
    assert der.moves[0] == (None, eq.tex(eq.LIMIT), "FadeIn")      # kernel_gd's last line, recalled
    assert der.moves[1:] == [(eq.tex(eq.LIMIT), eq.tex(eq.mean(eq.THETA)), "TransformMatchingTex")]
    thetas = [p for p in der.current.submobjects if p.tex_string == eq.THETA]
    assert len(thetas) == 2
    assert all(p.get_color().to_hex().upper() == scene.theme.ntk_exact.upper() for p in thetas)


def test_no_standard_error_statistics(scene):
    words = " ".join(caption_texts(scene) + [st.narration for st in scene.steps]).lower()
    assert "standard error" not in words and "√s" not in words


def test_captions_and_everything_inside_the_frame(scene):
    assert_captions_fit(scene.captions)
    mobs = [*scene.mobjects, scene.axes, scene.names, *scene.legend, *scene.time_labels, *scene.bands,
            *scene.means, *scene.landing, scene.k_definition, scene.pinch_marks, *scene.ens_lines,
            *[c for row in scene.ens_curves for c in row]]
    assert_inside_frame(mobs)


def test_every_step_has_its_own_narration(scene):
    assert scene.steps and all(st.narration and st.narration != st.caption for st in scene.steps)
