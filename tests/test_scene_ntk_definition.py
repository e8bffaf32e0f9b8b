"""The NTK-definition chapter draws ntkcore's numbers: Example 2's arrows, η, and k̃_η = k = 10x + 1."""


import numpy as np
import pytest

from ntkcore import EXAMPLES
from scene_helpers import arrow_data, assert_arrows_match, assert_inside_frame, points_data

EX = EXAMPLES["linear"]


def closed_form_kernel(xs):
    """The linear model's NTK against x' = 10: k(x, 10) = x·10 + 1."""
    return np.asarray(xs) * EX.observation[0] + 1.0


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("ntk_definition")



def test_the_claim_step_eta_times_kernel_is_the_displacement():
    # η = −2·lr·(f(10) − 50) = −2·0.001·(31 − 50) = 0.038, and Δf(x) = η·(10x + 1)
    assert EX.step_eta() == pytest.approx(0.038, abs=1e-12)
    assert np.allclose(EX.step_eta() * closed_form_kernel(EX.grid), EX.displacement(), atol=1e-9)


def test_arrows_map_back_to_displacement(scene):
    # Δf(x) = η·(10x + 1) with η = 0.038 (above): the closed form, not ntkcore
    assert sorted(scene.arrows) == list(range(len(EX.grid)))
    assert_arrows_match(scene.axes, scene.arrows, EX.grid, 3 * EX.grid + 1, 0.038 * closed_form_kernel(EX.grid),
                        tol=1e-6)


def test_arrows_divided_by_eta_stand_on_the_kernel(scene):
    for i, arrow in scene.kernel_arrows.items():
        x0, x1, y0, y1 = arrow_data(scene, scene.kernel_axes, arrow)
        assert x0 == pytest.approx(EX.grid[i], abs=1e-6)
        assert y0 == pytest.approx(0.0, abs=1e-6)
        assert y1 == pytest.approx(closed_form_kernel(EX.grid[i]), abs=1e-6)


def test_eta_shown_is_the_step_eta(scene):
    assert scene.eta == pytest.approx(EX.step_eta(), abs=1e-12)
    assert float(scene.eta_shown.replace("−", "-")) == pytest.approx(EX.step_eta(), abs=1e-9)
    assert scene.eta_shown in scene.eta_tex.tex_string


def test_ntk_line_is_10x_plus_1(scene):
    xs, ys = points_data(scene.kernel_axes, scene.ntk_line.get_anchors())
    assert np.allclose(ys, closed_form_kernel(xs), atol=1e-6)
    assert xs.min() == pytest.approx(EX.grid[0], abs=1e-6)
    assert xs.max() == pytest.approx(EX.grid[-1], abs=1e-6)


def test_finite_step_kernel_is_the_same_for_every_eta(scene):
    etas = list(scene.kernel_curves)
    assert len(etas) >= 3
    assert any(eta == pytest.approx(EX.step_eta(), abs=1e-12) for eta in etas)
    assert max(etas) / min(etas) >= 10
    for eta, dots in scene.kernel_curves.items():
        assert len(dots) == len(EX.grid)
        for x, dot in zip(EX.grid, dots):
            px, py = scene.kernel_axes.p2c(dot.get_center())[:2]
            assert px == pytest.approx(x, abs=1e-6)
            assert py == pytest.approx(closed_form_kernel(x), abs=1e-6)


def test_legend_names_each_eta(scene):
    texts = [row[1].text for row in scene.eta_legend]
    for eta, t in zip(scene.kernel_curves, texts):
        shown = t.split("=")[-1].strip().replace("−", "-")
        assert float(shown) == pytest.approx(eta, rel=1e-6)


def test_math_is_typeset(scene):
    from manim import MathTex
    assert any(isinstance(m, MathTex) for m in scene.mobjects)
    assert isinstance(scene.eta_tex, MathTex)


def test_everything_inside_the_frame(scene):
    assert_inside_frame(scene.mobjects, whole=True)
