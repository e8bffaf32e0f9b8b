"""The opening's preview draws Example 4's step (checked against the hand-derived RBF gradient);
it asks the question and names the answer without any symbol Example 1 has not yet introduced (no
x′, η, k, θ, no percentages); the answer is the lesson; the plan's rows are the chapters' own roadmap
lines, numbered, in story order, readable; the credits name the post and the paper; the readings of
the post are not here (they are noted where they matter: Example 1 and Example 4)."""

import re

import numpy as np
import pytest
import rbf_by_hand as hand
from ntkcore import EXAMPLES
from ntkcore.step_facts import first_order_gap
from pipeline.chapters import CHAPTERS
from scene_helpers import assert_arrows_match, assert_captions_fit, step_of, texts_at
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


def hand_gap(lr):
    f0, k = hand.f(hand.THETA0, hand.GRID), hand.ntk_column(hand.THETA0, hand.GRID)
    d = hand.f(hand.gd_step(hand.THETA0, lr), hand.GRID) - f0
    return np.abs(d - hand.step_eta(hand.THETA0, lr) * k).max() / np.abs(d).max()


def test_first_order_gap_against_the_hand_computation():
    # ntkcore's first-order gap max|Δf − ε·k| / max|Δf| (no longer on the opening's screen: it would
    # need ε and k before Example 1 introduces them), against the hand computation
    assert first_order_gap(EX) == pytest.approx(hand_gap(0.1), rel=1e-9)
    assert first_order_gap(EX.replace(lr=1e-5)) == pytest.approx(hand_gap(1e-5), rel=1e-4)
    assert first_order_gap(EX.replace(lr=1e-5)) < 1e-4            # → 0 with the step
    # f linear in θ (Examples 1, 2): the step is exactly ε·k, however large
    assert first_order_gap(EXAMPLES["linear"]) < 1e-12
    assert first_order_gap(EXAMPLES["lookup_table"]) < 1e-12


def words_at(scene, key) -> str:
    return " ".join(t for t in texts_at(scene, key) if t)


def every_text(scene):
    return [(sid, getattr(t, "original_text", None) or getattr(t, "tex_string", "") or "")
            for sid, texts in scene.layout for t in texts]


def test_no_symbol_before_example_1_introduces_it(scene):
    # x′, η, k, θ, ε, ∇ and any percentage belong to later chapters: not in a caption, a label or a formula
    symbols = re.compile(r"x′|x'|η|θ|ε|∇|\bk\s*\(|%|\\eta|\\theta|\\nabla")
    shown = [(sid, t) for sid, t in every_text(scene)] + [(s.id, s.caption) for s in scene.steps]
    assert not [(sid, t) for sid, t in shown if symbols.search(t)]


def test_the_cross_and_the_arrows_are_named(scene):
    words = [t for t in texts_at(scene, "question") if t]
    px, py = scene.axes.p2c(scene.cross.get_center())[:2]
    assert (px, py) == pytest.approx(EX.observation, abs=1e-6)          # the observation (10, 50)
    assert any("(10, 50)" in w for w in words)
    assert scene.arrow_key[1].original_text in words
    assert scene.arrow_key[1].font_size == pytest.approx(LABEL_SIZE)    # readable, not scaled down
    # the key's red arrow is the arrows' colour
    assert scene.arrow_key[0].get_color().to_hex().lower() == scene.theme.arrow.lower()


def test_the_answer_is_named_with_its_source_and_is_the_lesson(scene):
    step = step_of(scene, "kernel")
    assert step.lesson
    shown = words_at(scene, "kernel").replace("\n", " ")
    for said in (step.caption.replace("\n", " "), shown):
        assert "neural tangent kernel" in said.lower()
        assert all(name in said for name in ("Jacot", "Gabriel", "Hongler")) and "2018" in said
    # the answer stands beside the arrows it names, at a readable size
    assert all(t.font_size >= LABEL_SIZE - 1e-6 for t in scene.answer)
    assert scene.answer.get_left()[0] > scene.axes.frame_x.get_right()[0]


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
    boxes.append((scene.credit.get_corner([-1, -1, 0]), scene.credit.get_corner([1, 1, 0])))
    for i, (a0, a1) in enumerate(boxes):
        for b0, b1 in boxes[i + 1:]:
            assert a1[0] <= b0[0] or b1[0] <= a0[0] or a1[1] <= b0[1] or b1[1] <= a0[1]


def test_the_credits_name_the_post_and_the_paper(scene):
    words = words_at(scene, "plan")
    assert "Huszár" in words and "2020" in words                       # the post (inFERENCe, 2020)
    assert all(n in words for n in ("Jacot", "Gabriel", "Hongler")) and "2018" in words
    assert "Huszár" in step_of(scene, "title").caption                   # and on the title card


def test_the_readings_of_the_post_are_not_the_openings(scene):
    # they are noted where they matter: Example 1's 3x + 1 (lookup_table) and Example 4's centre-first θ
    shown = " ".join(t for _, t in every_text(scene)) + " ".join(s.caption + s.narration for s in scene.steps)
    assert "3i + 2" not in shown and "amplitude" not in shown


def test_every_caption_fits(scene):
    assert_captions_fit(scene.captions, at_least=3, max_lines=2)
