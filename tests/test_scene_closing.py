"""The closing's five lessons carry the numbers the chapters showed, each recomputed here
independently: the first-order step of the squared loss (its sign, the residual and the factor 2 of
``(f(x′) − y)²``), the two kernels of the line (x·x′ + 1 and x·x′ + 100 in closed form), Example 5's
range of k(x, 10)/k(10, 10) before and after training (rbf_by_hand: NumPy with the hand-derived
gradient), and the two log–log slopes against width (np.polyfit on the wide-network numbers).
The lessons are set at caption size (not shrunk to fit): the frame is otherwise empty."""

import numpy as np
import pytest

import rbf_by_hand as hand
from scene_helpers import assert_captions_fit, assert_inside_frame, caption_of, caption_texts, numbers_in, step_of

LESSONS = ["lesson_step", "lesson_parametrization", "lesson_training", "lesson_width", "lesson_bayes"]


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("closing")


def lesson(scene, i):
    """(words, formula TeX) of lesson ``i`` (1-based) as drawn."""
    body = scene.rows[i - 1][1]
    return body[0].original_text, body[1].tex_string


def loglog_slope(widths, values):
    return float(np.polyfit(np.log(widths), np.log(values), 1)[0])


def test_five_numbered_lessons(scene):
    assert len(scene.rows) == 5
    assert [row[0].original_text for row in scene.rows] == ["1", "2", "3", "4", "5"]
    # each lesson's caption carries its number, in the order the rows are drawn
    assert [caption_of(scene, key)[:2] for key in LESSONS] == ["1.", "2.", "3.", "4.", "5."]


def test_lesson_1_is_the_first_order_step_of_the_squared_loss(scene):
    words, tex = lesson(scene, 1)
    assert "(f(x′) − y)²" in words
    # Δf(x) ≈ −η ∂L/∂f(x′) · k(x, x′) with L = (f(x′) − y)²: the minus sign, the factor 2, the residual.
    flat = tex.replace(" ", "").replace(r"\,", "").replace(r"\;", "").replace(r"\big", "")
    assert flat.startswith(r"\Deltaf(x)\approx-2\mathrm{lr}(f(x')-y)k(x,x')")


def test_lesson_2_the_two_kernels_of_the_line(scene):
    _, tex = lesson(scene, 2)
    # f = θ₁x + θ₂: k = x·x′ + 1;  f = θ₁x + 10·θ₂: k = x·x′ + 10² (closed forms).
    assert numbers_in(tex) == [1, 100]


def test_lesson_3_the_range_of_example_5s_kernel_before_and_after(scene):
    thetas = hand.ascent(hand.THETA0, 1.0, 15)
    k = np.array([hand.ntk_column(th, hand.GRID) / hand.ntk_column(th, hand.X_OBS) for th in thetas])
    rng = k.max(axis=1) - k.min(axis=1)
    words, tex = lesson(scene, 3)
    assert "(15 steps)" in words and "spread" not in words + tex
    assert r"\max_x - \min_x" in tex
    nums = numbers_in(tex.split(":")[-1])
    assert nums == pytest.approx([rng[0], rng[-1]], abs=0.005 + 1e-9)
    assert numbers_in(tex.split(":")[0])[-3:] == [10, 10, 10]           # k(x, 10) / k(10, 10)


def test_lesson_4_the_two_rates_against_width(scene, wide_data):
    ib, tc = wide_data["init_band"], wide_data["training_change"]
    spread = loglog_slope(ib["widths"], ib["spread"])
    change = loglog_slope(tc["widths"], tc["rel_change"].mean(axis=1))
    _, tex = lesson(scene, 4)
    assert r"\mathrm{width}^{" in tex
    nums = numbers_in(tex)
    assert nums[0] == pytest.approx(spread, abs=0.005 + 1e-9)
    assert nums[1] == pytest.approx(change, abs=0.005 + 1e-9)
    # The 1/√width bound is named only when the measured rate lies within it.
    assert ("-1/2" in tex) == (change <= -0.5)


def test_lesson_4_the_bound_is_said_as_drawn(scene):
    # the narration names the 1/√width bound exactly when the formula on screen shows it
    _, tex = lesson(scene, 4)
    assert ("within the bound" in step_of(scene, "lesson_width").narration) == ("-1/2" in tex)


def test_lesson_5_the_two_means(scene):
    _, tex = lesson(scene, 5)
    assert r"\Theta(x, X)" in tex and r"K(x, X)" in tex and r"\neq" in tex


def test_lessons_are_large_and_inside_the_frame(scene):
    assert_captions_fit(scene.captions)
    assert_inside_frame(list(scene.rows), whole=True)
    for row in scene.rows:
        words = row[1][0]
        assert words.font_size >= scene.ty.CAPTION_SIZE - 0.5          # caption size, not shrunk
    # The lessons fill the frame between the heading and the captions.
    assert scene.rows.height >= 5.0


def test_captions_short_and_every_step_narrated(scene):
    for cap in caption_texts(scene):
        assert all(len(line) <= 56 for line in cap.split("\n")), cap
    assert scene.steps and all(st.narration and st.narration != st.caption for st in scene.steps)
