"""The NTK-definition chapter draws ntkcore's numbers: Example 2's arrows, η, three pushes of
different sizes on the left (each its own pushed line) whose arrows divided by η all stand on the
one line k(x, 10) = 10x + 1 on the right; the derivation ends in the inner product of gradients."""

import numpy as np
import pytest

from ntkcore import EXAMPLES
from scene_helpers import (arrow_data, assert_arrows_match, assert_captions_fit, assert_inside_frame,
                           caption_of, caption_texts, numbers_in, points_data)

EX = EXAMPLES["linear"]
ETA0 = 0.038   # η = −2·lr·(f(10) − 50) = −2·0.001·(31 − 50)


def closed_form_kernel(xs):
    """The linear model's NTK against x' = 10: ∇θ f = (x, 1), so k(x, 10) = x·10 + 1."""
    return np.asarray(xs) * EX.observation[0] + 1.0


def f0(xs):
    return 3.0 * np.asarray(xs) + 1.0   # θ = (3, 1)


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("ntk_definition")


def test_the_claim_step_eta_times_kernel_is_the_displacement():
    assert EX.step_eta() == pytest.approx(ETA0, abs=1e-12)
    assert np.allclose(ETA0 * closed_form_kernel(EX.grid), EX.displacement(), atol=1e-9)


def test_arrows_map_back_to_displacement(scene):
    assert sorted(scene.arrows) == list(range(len(EX.grid)))
    assert_arrows_match(scene.axes, scene.arrows, EX.grid, f0(EX.grid), ETA0 * closed_form_kernel(EX.grid), tol=1e-6)


def test_eta_shown_is_the_step_eta(scene):
    assert scene.eta == pytest.approx(ETA0, abs=1e-12)
    assert float(scene.eta_shown.replace("−", "-")) == pytest.approx(ETA0, abs=1e-9)
    assert scene.eta_shown in scene.eta_tex.tex_string


def test_three_pushes_of_different_sizes_the_first_one_the_gradient_step(scene):
    etas = list(scene.pushes)
    assert len(etas) == 3 and len(set(etas)) == 3
    assert etas[0] == pytest.approx(ETA0, abs=1e-12)
    assert etas == pytest.approx(sorted(etas))
    assert scene.pushes[etas[0]]["arrows"] is scene.arrows


@pytest.mark.parametrize("n", [0, 1, 2])
def test_each_push_has_its_own_arrows_and_pushed_line_on_the_left(scene, n):
    eta = list(scene.pushes)[n]
    push = scene.pushes[eta]
    move = eta * closed_form_kernel(EX.grid)        # f is linear in θ: Δf = η·(10x + 1) exactly
    assert sorted(push["arrows"]) == list(range(len(EX.grid)))
    assert_arrows_match(scene.axes, push["arrows"], EX.grid, f0(EX.grid), move, tol=1e-6)
    xs, ys = points_data(scene.axes, push["line"].get_anchors())
    assert np.allclose(ys, f0(xs) + eta * closed_form_kernel(xs), atol=1e-6)
    assert xs.min() == pytest.approx(EX.grid[0], abs=1e-6) and xs.max() == pytest.approx(EX.grid[-1], abs=1e-6)
    shown = push["label"].original_text.split("=")[-1].strip()
    assert float(shown) == pytest.approx(eta, rel=1e-9)


def test_the_three_pushed_functions_are_visibly_different(scene):
    ends = [scene.pushes[eta]["line"].get_end()[1] for eta in scene.pushes]   # scene y at x = 20
    assert min(np.diff(sorted(ends))) > 0.15                                 # units on screen
    labels = [scene.pushes[eta]["label"] for eta in scene.pushes]
    for a, b in zip(labels, labels[1:]):   # labels stacked in the lines' order, never overlapping
        assert b.get_bottom()[1] > a.get_top()[1] or a.get_bottom()[1] > b.get_top()[1]


def test_every_push_divided_by_eta_stands_on_the_same_kernel(scene):
    assert list(scene.kernel_arrows) == list(scene.pushes)
    for eta, arrows in scene.kernel_arrows.items():
        assert sorted(arrows) == list(range(len(EX.grid)))
        for i, arrow in arrows.items():
            x0, x1, y0, y1 = arrow_data(scene, scene.kernel_axes, arrow)
            assert x0 == pytest.approx(EX.grid[i], abs=1e-6) and y0 == pytest.approx(0.0, abs=1e-6)
            assert y1 == pytest.approx(closed_form_kernel(EX.grid[i]), abs=1e-6)


def test_ntk_line_is_10x_plus_1(scene):
    xs, ys = points_data(scene.kernel_axes, scene.ntk_line.get_anchors())
    assert np.allclose(ys, closed_form_kernel(xs), atol=1e-6)
    assert xs.min() == pytest.approx(EX.grid[0], abs=1e-6)
    assert xs.max() == pytest.approx(EX.grid[-1], abs=1e-6)
    assert "10x + 1" in scene.ntk_label.tex_string


def test_strip_checks_delta_f_over_eta_at_the_end_of_the_grid(scene):
    # the last push: Δf(20)/η = (η·201)/η = 201 = k(20, 10)
    eta = list(scene.pushes)[-1]
    shown_eta, x_end, move, eta_again, ratio = numbers_in(scene.push_tex.tex_string)
    assert shown_eta == eta_again == pytest.approx(eta, abs=1e-12)
    assert x_end == 20 and move == pytest.approx(eta * 201, abs=5e-4) and ratio == 201


def test_derivation_ends_in_the_inner_product_of_gradients(scene):
    inner = r"\langle \nabla_\theta f(x),\, \nabla_\theta f(x') \rangle"
    assert [t.tex_string for t in scene.limit] == [
        "k(x, x')", "=", r"\lim_{\eta \to 0}\, \tilde k_\eta(x, x')", "=", inner]
    assert scene.definition[2].tex_string == r"f(x;\,\theta + \eta\,\nabla_\theta f(x'))"


def test_captions_state_the_homework_and_the_reason(scene):
    assert "k(x, x′) = x·x′ + 1" in caption_of(scene, "homework")            # ⟨(x, 1), (x′, 1)⟩
    reason = caption_of(scene, "linear_in_theta")
    assert "f is linear in θ" in reason and "no η² term" in reason
    assert "η = 0.038" in caption_of(scene, "gradient_step_is_a_push")
    assert "0.038, 0.076, 0.152" in scene.same_label.original_text


def test_everything_inside_the_frame(scene):
    assert_inside_frame(scene.mobjects, whole=True)


def test_every_caption_inside_the_frame_and_at_most_two_lines(scene):
    assert_captions_fit(scene.captions, at_least=10, max_lines=2)


def test_an_explicit_remainder_goes_with_an_equals_sign(scene):
    # "≈ … + O(η)" mixes two notations: with the O-term written out the relation is "="
    inner = r"\langle \nabla_\theta f(x),\, \nabla_\theta f(x') \rangle"
    assert [t.tex_string for t in scene.divided] == [r"\tilde k_\eta(x, x')", "=", inner, "+", r"O(\eta)"]
    assert all(r"\approx" not in t.tex_string for t in scene.divided)


def test_the_vanishing_term_stays_on_screen_struck_through(scene):
    from manim import DL, UR
    rest = scene.divided[3:5]                 # "+ O(η)"
    strike = scene.strike
    assert strike.get_color().to_hex().upper() == scene.theme.highlight.upper()
    # the line runs corner to corner over the whole term
    assert strike.get_start()[0] < rest.get_corner(DL)[0] and strike.get_start()[1] < rest.get_corner(DL)[1]
    assert strike.get_end()[0] > rest.get_corner(UR)[0] and strike.get_end()[1] > rest.get_corner(UR)[1]


def test_the_line_is_k_tilde_before_the_homework_and_k_after(scene):
    # before the homework the arrows/η stand on k̃_η(x, 10) (Δf/η); the homework shows it is k(x, 10)
    assert scene.kt_label.tex_string.startswith(r"\tilde k_\eta(x, 10)") and "10x + 1" in scene.kt_label.tex_string
    assert scene.ntk_label.tex_string.startswith("k(x, 10)")
    xs, ys = points_data(scene.kernel_axes, scene.kt_line.get_anchors())
    assert np.allclose(ys, closed_form_kernel(xs), atol=1e-6)
    # at the end the green k line is drawn and the k̃ line has been replaced by it
    assert scene.ntk_line in scene.mobjects and scene.kt_line not in scene.mobjects
    assert scene.ntk_line.get_stroke_color().to_hex().upper() == scene.theme.ntk_exact.upper()


def test_the_red_line_and_the_cross_are_named(scene):
    line, words = scene.after_key
    assert words.original_text == "f after the push"
    first = scene.pushes[list(scene.pushes)[0]]["line"]
    assert line.get_stroke_color().to_hex().upper() == first.get_stroke_color().to_hex().upper()
    assert scene.obs_label.original_text.split() == ["observation", "(10,", "50)"]


def test_the_pushed_lines_have_three_shades(scene):
    shades = [scene.pushes[eta]["line"].get_stroke_opacity() for eta in scene.pushes]
    assert shades[0] == 1.0 and len(set(np.round(shades, 3))) == 3


def test_the_eta_of_k_tilde_is_dropped_once_and_said_so(scene):
    texts = caption_texts(scene)
    assert not any("_" in t for t in texts)          # plain Text shows no subscript: no literal underscores
    said = [t for t in texts if "subscript η" in t]
    assert said == [caption_of(scene, "finite_step_kernel")]
    assert "f(x) moves by η·k̃(x, x′) (the formulas keep k̃'s subscript η; captions drop it)." \
        in said[0].replace("\n", " ")
