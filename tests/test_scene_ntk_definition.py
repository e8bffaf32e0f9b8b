"""The NTK-definition chapter draws ntkcore's numbers: Example 2's arrows, the gradient step as a push
of size ε = −2η(f(x′) − y) (η the learning rate), the error at x′, the arrows divided by ε standing on
k̃_ε(x, 10), and the backprop sum Σᵢ ∂f(x)/∂θᵢ·∂f(x′)/∂θᵢ = x·x′ + 1 that makes it the NTK; the
derivation ends in the inner product of gradients.  Expected values are closed forms of the line
f = θ₁x + θ₂ at θ = (3, 1), (x′, y) = (10, 50), learning rate 0.001."""

import re

import numpy as np
import pytest

from ntkcore import EXAMPLES
from scene_helpers import (arrow_data, assert_arrows_match, assert_captions_fit, assert_inside_frame,
                           caption_of, numbers_in, points_data, step_of, texts_at)

EX = EXAMPLES["linear"]
THETA, X_OBS, Y_OBS, LR = (3.0, 1.0), 10.0, 50.0, 0.001
F_OBS = THETA[0] * X_OBS + THETA[1]          # 31
ERROR = F_OBS - Y_OBS                        # −19
EPS0 = -2 * LR * ERROR                       # 0.038: the push of one gradient step on (f(x′) − y)²


def grad(x):
    """∇θ(θ₁x + θ₂) = (x, 1), whatever θ."""
    return np.stack([np.asarray(x, dtype=float), np.ones_like(np.asarray(x, dtype=float))], axis=-1)


def closed_form_kernel(xs):
    """k(x, 10) = Σᵢ ∂f(x)/∂θᵢ·∂f(10)/∂θᵢ = 10x + 1."""
    return grad(xs) @ grad(X_OBS)


def f0(xs):
    return THETA[0] * np.asarray(xs) + THETA[1]


def f_at(theta, xs):
    return theta[0] * np.asarray(xs) + theta[1]


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("ntk_definition")


def test_a_gradient_step_is_a_push_of_size_eps():
    # θ − η∇θ(f(x′) − y)² = θ + ε∇θf(x′) with ε = −2η(f(x′) − y), checked on the parameters
    theta = np.array(THETA)
    after_step = theta - LR * 2 * ERROR * grad(X_OBS)
    assert np.allclose(after_step, theta + EPS0 * grad(X_OBS), atol=1e-15)
    assert EPS0 == pytest.approx(0.038, abs=1e-15)
    assert EX.step_eta() == pytest.approx(EPS0, abs=1e-12)          # ntkcore's push of the step
    assert np.allclose(EPS0 * closed_form_kernel(EX.grid), EX.displacement(), atol=1e-9)


def test_arrows_map_back_to_displacement(scene):
    assert sorted(scene.arrows) == list(range(len(EX.grid)))
    assert_arrows_match(scene.axes, scene.arrows, EX.grid, f0(EX.grid), EPS0 * closed_form_kernel(EX.grid), tol=1e-6)


def test_eps_shown_is_the_push_of_the_step(scene):
    assert scene.eps == pytest.approx(EPS0, abs=1e-12)
    assert float(scene.eps_shown) == pytest.approx(EPS0, abs=1e-9)
    assert numbers_in(scene.step_tex.tex_string)[-1] == pytest.approx(EPS0, abs=1e-12)
    assert numbers_in(caption_of(scene, "divide_arrows")) == pytest.approx([EPS0], abs=1e-12)


def test_the_pushed_line_is_f_plus_the_arrows_and_its_key_gives_eps(scene):
    xs, ys = points_data(scene.axes, scene.push_line.get_anchors())
    assert np.allclose(ys, f0(xs) + EPS0 * closed_form_kernel(xs), atol=1e-6)
    assert xs.min() == pytest.approx(EX.grid[0], abs=1e-6) and xs.max() == pytest.approx(EX.grid[-1], abs=1e-6)
    _, words = scene.after_key
    assert numbers_in(words.original_text) == pytest.approx([EPS0], abs=1e-12)
    assert scene.push_line.get_stroke_color().to_hex().upper() == scene.theme.arrow.upper()


def test_the_error_at_x_prime_is_drawn_from_f_to_y(scene):
    # first reading: the step scales every arrow by the error at x′, f(10) − 50 = −19
    brace, label = scene.error_brace
    assert scene.error == pytest.approx(ERROR, abs=1e-12)
    assert numbers_in(label.original_text) == pytest.approx([ERROR], abs=1e-12)
    (_, y_lo), (_, y_hi) = [scene.axes.p2c(p)[:2] for p in (brace.get_bottom(), brace.get_top())]
    assert y_lo == pytest.approx(F_OBS, abs=1.0) and y_hi == pytest.approx(Y_OBS, abs=1.0)
    assert brace.get_right()[0] < scene.c2p(X_OBS, 0)[0]        # left of x′, where no dot is


def test_the_arrows_divided_by_eps_stand_on_the_kernel(scene):
    assert sorted(scene.kernel_arrows) == list(range(len(EX.grid)))
    for i, arrow in scene.kernel_arrows.items():
        x0, _, y0, y1 = arrow_data(scene, scene.kernel_axes, arrow)
        assert x0 == pytest.approx(EX.grid[i], abs=1e-6) and y0 == pytest.approx(0.0, abs=1e-6)
        assert y1 == pytest.approx(closed_form_kernel(EX.grid[i]), abs=1e-6)


def test_the_finite_step_kernel_is_the_ntk_for_any_push():
    # f is linear in θ: (f(θ + ε∇f(x′)) − f(θ))/ε = k for every ε (the step linear_in_theta)
    xs = EX.grid
    for eps in (1e-6, EPS0, 1.0, 37.0):
        pushed = f_at(np.array(THETA) + eps * grad(X_OBS), xs)
        assert np.allclose((pushed - f0(xs)) / eps, closed_form_kernel(xs), rtol=1e-9, atol=1e-6)


def test_ntk_line_is_10x_plus_1(scene):
    xs, ys = points_data(scene.kernel_axes, scene.ntk_line.get_anchors())
    assert np.allclose(ys, closed_form_kernel(xs), atol=1e-6)
    assert xs.min() == pytest.approx(EX.grid[0], abs=1e-6)
    assert xs.max() == pytest.approx(EX.grid[-1], abs=1e-6)
    assert numbers_in(scene.ntk_label.tex_string) == [X_OBS, 10.0, 1.0]          # k(x, 10) = 10x + 1


def test_the_line_is_k_tilde_before_the_homework_and_k_after(scene):
    assert scene.kt_label.tex_string.startswith(r"\tilde k_\varepsilon(x, 10)")
    assert numbers_in(scene.kt_label.tex_string) == [X_OBS, 10.0, 1.0]
    xs, ys = points_data(scene.kernel_axes, scene.kt_line.get_anchors())
    assert np.allclose(ys, closed_form_kernel(xs), atol=1e-6)
    # at the end the green k line is drawn and the k̃ line has been replaced by it
    assert scene.ntk_line in scene.mobjects and scene.kt_line not in scene.mobjects
    assert scene.ntk_line.get_stroke_color().to_hex().upper() == scene.theme.ntk_exact.upper()


def test_the_backprop_sum_gives_the_homework_constant(scene):
    # second reading: k = Σᵢ ∂f(x)/∂θᵢ·∂f(x′)/∂θᵢ = x·x′ + 1·1 (the post's homework)
    tex = scene.sum_tex.tex_string
    assert r"\sum_i" in tex and tex.count(r"\partial") == 4
    const = numbers_in(tex)[-2:]
    assert const == [1.0, 1.0] and grad(0.0) @ grad(0.0) == const[0] * const[1]
    assert float(scene.c_shown) == grad(0.0) @ grad(0.0)
    assert numbers_in(caption_of(scene, "homework"))[-1] == grad(0.0) @ grad(0.0)


def test_one_value_of_the_kernel_is_worked_out_on_the_figure(scene):
    x_end = EX.grid[-1]                                      # 20
    k_end = float(closed_form_kernel(x_end))                 # 20·10 + 1 = 201
    assert scene.end_value == pytest.approx((x_end, k_end), abs=1e-9)
    assert scene.kernel_axes.p2c(scene.end_dot.get_center())[:2] == pytest.approx((x_end, k_end), abs=1e-6)
    shown = numbers_in(scene.end_label.tex_string)
    assert shown == [x_end, X_OBS, x_end, X_OBS, 1.0, k_end]
    assert shown[2] * shown[3] + shown[4] == shown[5]


def formulas_at(scene, key: str) -> list:
    """The TeX of every formula on screen at the end of step ``key`` (its layout snapshot)."""
    return [getattr(t, "tex_string", None) or "" for t in dict(scene.layout)[step_of(scene, key).id]]


def test_the_two_readings_are_both_on_screen(scene):
    assert scene.error_brace[1].original_text in texts_at(scene, "gradient_step_is_a_push")   # the error at x′
    assert any(r"-2\eta" in t for t in formulas_at(scene, "gradient_step_is_a_push"))       # ε = −2η(f(x′) − y)
    assert any(r"\sum_i" in t for t in formulas_at(scene, "homework"))       # Σᵢ ∂f(x)/∂θᵢ·∂f(x′)/∂θᵢ


def test_derivation_ends_in_the_inner_product_of_gradients(scene):
    inner = r"\langle \nabla_\theta f(x),\, \nabla_\theta f(x') \rangle"
    assert [t.tex_string for t in scene.limit] == [
        "k(x, x')", "=", r"\lim_{\varepsilon \to 0}\, \tilde k_\varepsilon(x, x')", "=", inner]
    assert scene.definition[2].tex_string == r"f(x;\,\theta + \varepsilon\,\nabla_\theta f(x'))"


def test_the_result_is_boxed_while_the_lesson_holds(scene):
    step = step_of(scene, "limit")
    assert step.lesson
    box, (dl, ur) = scene.result_box, scene.result_corners       # the k(x, x′) = lim … = ⟨…⟩ line
    assert box.get_left()[0] < dl[0] and box.get_right()[0] > ur[0]
    assert box.get_bottom()[1] < dl[1] and box.get_top()[1] > ur[1]
    assert box.get_color().to_hex().upper() == scene.theme.highlight.upper()


def test_eta_is_only_ever_the_learning_rate(scene):
    # the push is ε; η appears only where the learning rate does (the gradient step and its label)
    formulas = {r.words for _, ink in scene.ink for r in ink if r.kind == "tex"}
    with_eta = [f for f in formulas if re.search(r"\\eta(?![a-z])", f)]
    assert with_eta and all(r"\eta\,\nabla_\theta \big(f(x') - y\big)^2" in f and r"-2\eta" in f for f in with_eta)
    assert numbers_in(scene.lr_label.original_text) == [LR]


def test_an_explicit_remainder_goes_with_an_equals_sign(scene):
    # "≈ … + O(ε)" mixes two notations: with the O-term written out the relation is "="
    inner = r"\langle \nabla_\theta f(x),\, \nabla_\theta f(x') \rangle"
    assert [t.tex_string for t in scene.divided] == [r"\tilde k_\varepsilon(x, x')", "=", inner, "+", r"O(\varepsilon)"]
    assert all(r"\approx" not in t.tex_string for t in scene.divided)


def test_the_vanishing_term_stays_on_screen_struck_through(scene):
    from manim import DL, UR
    rest = scene.divided[3:5]                 # "+ O(ε)"
    strike = scene.strike
    assert strike.get_color().to_hex().upper() == scene.theme.highlight.upper()
    # the line runs corner to corner over the whole term
    assert strike.get_start()[0] < rest.get_corner(DL)[0] and strike.get_start()[1] < rest.get_corner(DL)[1]
    assert strike.get_end()[0] > rest.get_corner(UR)[0] and strike.get_end()[1] > rest.get_corner(UR)[1]


def test_the_cross_is_named_with_the_observation(scene):
    assert numbers_in(scene.obs_label.original_text) == [X_OBS, Y_OBS]
    assert scene.obs_label.get_bottom()[1] > scene.cross.get_center()[1]


def test_everything_inside_the_frame(scene):
    assert_inside_frame(scene.mobjects, whole=True)


def test_every_caption_inside_the_frame_and_at_most_two_lines(scene):
    assert_captions_fit(scene.captions, at_least=9, max_lines=2)
