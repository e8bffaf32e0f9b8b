"""The opening's preview draws Example 4's step; its claim "each red arrow ≈ η·k(x, x′) for a small
step" holds (checked against the hand-derived RBF gradient), and so does "only roughly" for the step
shown; the plan's rows are the chapters' own roadmap lines, numbered, in story order, readable; the
two readings of the post are on screen."""

import numpy as np
import pytest

import rbf_by_hand as hand
from ntkcore import EXAMPLES
from ntkcore.step_facts import first_order_gap
from pipeline.chapters import CHAPTERS
from scene_helpers import assert_arrows_match, assert_captions_fit, caption_of, texts_at
from scenes.story import roadmap
from scenes.typography import LABEL_SIZE

EX = EXAMPLES["rbf"]


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("opening")


def test_preview_arrows_are_the_hand_computed_gd_step(scene):
    f0 = hand.f(hand.THETA0, hand.GRID)
    d = hand.f(hand.gd_step(hand.THETA0, 0.1), hand.GRID) - f0        # lr 0.1: Example 4's step
    assert_arrows_match(scene.axes, scene.arrows, hand.GRID, f0, d, tol=1e-6)


def test_arrow_is_eta_times_kernel_for_a_small_step_only_roughly_for_this_one():
    k = hand.ntk_column(hand.THETA0, hand.GRID)
    f0 = hand.f(hand.THETA0, hand.GRID)
    for lr in (1e-5, 1e-6):                        # small steps: Δf(x) = η·k(x, x′) + O(η²)
        d = hand.f(hand.gd_step(hand.THETA0, lr), hand.GRID) - f0
        eta = hand.step_eta(hand.THETA0, lr)
        np.testing.assert_allclose(d, eta * k, rtol=0, atol=1e-4 * np.abs(eta * k).max())
    d = hand.f(hand.gd_step(hand.THETA0, 0.1), hand.GRID) - f0          # the step shown
    eta = hand.step_eta(hand.THETA0, 0.1)
    gap = np.abs(d - eta * k).max() / np.abs(d).max()
    assert 0.05 < gap < 0.15                       # "only roughly": about 9 % of the largest arrow
    assert hand.GRID[np.argmax(d)] != hand.GRID[np.argmax(eta * k)]     # peaks at 7 vs 8


def hand_gap(lr):
    f0, k = hand.f(hand.THETA0, hand.GRID), hand.ntk_column(hand.THETA0, hand.GRID)
    d = hand.f(hand.gd_step(hand.THETA0, lr), hand.GRID) - f0
    return np.abs(d - hand.step_eta(hand.THETA0, lr) * k).max() / np.abs(d).max()


def test_first_order_gap_against_the_hand_computation():
    assert first_order_gap(EX) == pytest.approx(hand_gap(0.1), rel=1e-9)
    assert first_order_gap(EX.replace(lr=1e-5)) == pytest.approx(hand_gap(1e-5), rel=1e-4)
    assert first_order_gap(EX.replace(lr=1e-5)) < 1e-4            # → 0 with the step
    # f linear in θ (Examples 1, 2): the step is exactly η·k, however large
    assert first_order_gap(EXAMPLES["linear"]) < 1e-12
    assert first_order_gap(EXAMPLES["lookup_table"]) < 1e-12


def test_the_note_states_x_prime_eta_and_the_gap(scene):
    eta = hand.step_eta(hand.THETA0, 0.1)           # 2·0.1·(50 − f(10)) = 0.601
    words = " ".join(m.original_text for m in scene.step_note if hasattr(m, "original_text"))
    assert f"x′ = 10, η = {eta:.3f}" in words and "not small" in words
    assert f"up to\n{100 * hand_gap(0.1):.1f}% of the largest" in words        # 9.3 %
    assert "∝" not in words
    assert r"\approx \eta" in scene.step_note[1].tex_string
    assert r"\nabla_\theta f(x)" in scene.kernel_tex.tex_string       # ntk_definition's notation


def test_cross_and_arrows_are_named(scene):
    assert "one gradient step at x′ = 10" in scene.arrow_key[1].original_text
    # the notes right of the preview fit at label size (only longer words would be scaled to fit)
    for text in (scene.arrow_key[1], scene.step_note[0], scene.step_note[2]):
        assert text.font_size == pytest.approx(LABEL_SIZE)
    px, py = scene.axes.p2c(scene.cross.get_center())[:2]
    assert (px, py) == pytest.approx((10.0, 50.0), abs=1e-6)


def test_the_plan_shows_the_chapters_roadmap_lines_in_story_order(scene):
    rows = [(int(number.original_text), line.original_text) for number, line in scene.roadmap]
    assert rows == roadmap()
    # every chapter between the opening and the closing has its row, numbered with its place in the story
    story = [c.name for c in CHAPTERS if c.name not in ("opening", "closing")]
    assert [CHAPTERS[n].name for n, _ in rows] == story
    assert [n for n, _ in rows] == [c.number for c in CHAPTERS if c.name in story]
    shown = texts_at(scene, "plan")
    assert all(line in shown and str(n) in shown for n, line in rows)


def test_the_plan_is_readable_and_its_rows_do_not_touch(scene):
    for number, line in scene.roadmap:
        assert line.font_size >= LABEL_SIZE - 1e-6 and number.font_size >= LABEL_SIZE - 1e-6
        assert number.get_right()[0] < line.get_left()[0]            # the number left of its line
        assert number.get_top()[1] == pytest.approx(line.get_top()[1], abs=1e-6)
    boxes = [(m.get_corner([-1, -1, 0]), m.get_corner([1, 1, 0])) for row in scene.roadmap for m in row]
    for i, (a0, a1) in enumerate(boxes):
        for b0, b1 in boxes[i + 1:]:
            assert a1[0] <= b0[0] or b1[0] <= a0[0] or a1[1] <= b0[1] or b1[1] <= a0[1]


def test_the_two_readings_of_the_post_are_said(scene):
    words = scene.readings.original_text
    assert "θₓ = 3x + 1" in words and "3i + 2" in words
    assert "centre-first" in words and "amplitude-first" in words
    assert "two readings" in caption_of(scene, "credits")
    assert words in texts_at(scene, "credits")
    # the readings are ntkcore's: θₓ = 3x + 1 on the grid, and Example 4's θ centre first
    lt = EXAMPLES["lookup_table"]
    np.testing.assert_allclose(lt.values(), 3 * lt.grid + 1)
    np.testing.assert_allclose(EX.theta0, hand.THETA0)      # (centre 4, amplitude −10, centre 25, …)


def test_every_caption_fits(scene):
    assert_captions_fit(scene.captions, at_least=4, max_lines=2)
