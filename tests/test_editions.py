"""A length a lecture can hold, numbers where the eye is, and lessons that land, per chapter and in
every edition (scenes/chapters/story.toml: the full edition and its cuts):

* the chapters' length budgets add up to at most the edition's (full ≤ 1020 s, lecture ≤ 780 s), and
  each chapter, built, stays within its budget in each edition (a cut leaves steps out: their spans
  are taken off);
* no caption carries more than three numbers, and at most one in four carries more than one
  (a number: a maximal run of digits with its sign and decimal point, as the stop hook counts);
* every chapter has a lesson step, which stays up longer than its set-up steps (median) and at
  least 1.5 s beyond its reading time.
"""

import math
import re
import statistics

import pytest

from pipeline.chapters import CHAPTERS, cuts
from scenes.base import LESSON_HOLD, reading_seconds
from scenes.story import full_seconds

NAMES = [c.name for c in CHAPTERS]
NUMBER = re.compile(r"[-−+]?\d+(?:[.,]\d+)?")
FULL_LIMIT, CUT_LIMITS = 1020.0, {"lecture": 780.0}


def numbers(text: str) -> int:
    return len(NUMBER.findall(text))


def test_the_budgets_fit_the_editions():
    full = full_seconds()
    assert 0 < full <= FULL_LIMIT
    assert sum(c.seconds for c in CHAPTERS) <= full, [(c.name, c.seconds) for c in CHAPTERS]
    assert all(c.seconds > 0 for c in CHAPTERS)
    for name, limit in CUT_LIMITS.items():
        cut = cuts()[name]
        assert 0 < cut.seconds <= limit
        own = [c for c in CHAPTERS if c.name in cut.chapters]
        missing = [c.name for c in own if name not in c.cut_seconds]
        assert not missing, f"chapters of the {name} cut without a budget for it: {missing}"
        assert sum(c.cut_seconds[name] for c in own) <= cut.seconds


def spans(scene) -> dict:
    """Each step's span: from its beginning to the next step's (or the chapter's end)."""
    steps = scene.steps
    ends = [s.begin for s in steps[1:]] + [scene.chapter_seconds]
    return {s.id: e - s.begin for s, e in zip(steps, ends)}


@pytest.mark.parametrize("name", NAMES)
def test_the_chapter_keeps_to_its_budgets(chapter_scene, name):
    scene = chapter_scene(name)
    ch = next(c for c in CHAPTERS if c.name == name)
    assert scene.chapter_seconds <= ch.seconds, f"{name}: {scene.chapter_seconds:.1f} s, budget {ch.seconds:.0f} s"
    span = spans(scene)
    for cut in cuts().values():
        if name not in cut.chapters:
            continue
        kept = scene.chapter_seconds - sum(v for sid, v in span.items() if sid in cut.skip)
        assert kept <= ch.cut_seconds[cut.name], f"{name} in {cut.name}: {kept:.1f} s, budget {ch.cut_seconds[cut.name]}"


@pytest.mark.parametrize("name", NAMES)
def test_numbers_where_the_eye_is(chapter_scene, name):
    cues = [text for _, _, text in chapter_scene(name).subtitle_cues]
    counts = [numbers(t) for t in cues]
    crowded = [t for t, n in zip(cues, counts) if n > 3]
    assert not crowded, f"captions with more than three numbers: {crowded}"
    many = [t for t, n in zip(cues, counts) if n > 1]
    assert len(many) <= math.floor(len(cues) / 4), (
        f"{len(many)} of {len(cues)} captions carry more than one number (at most a quarter): {many}")


@pytest.mark.parametrize("name", NAMES)
def test_the_lesson_holds_longer_than_its_set_up(chapter_scene, name):
    scene = chapter_scene(name)
    shown = [s for s in scene.steps if not s.skipped]
    lessons = [s for s in shown if s.lesson]
    assert lessons, f"{name}: no step is marked lesson = true in its script"
    others = [s.end - s.start for s in shown if not s.lesson and s.key != "title"]
    for s in lessons:
        held = s.end - s.start
        assert held >= reading_seconds(s.caption) + LESSON_HOLD - 1e-6, s.id
        if others:
            assert held > statistics.median(others), f"{s.id}: {held:.1f} s vs set-up median {statistics.median(others):.1f} s"


def test_a_number_is_counted_as_the_stop_hook_counts():
    assert numbers("f(10) = 31, Δf = 0.38x + 0.038, θ₁ moves −5.22 (width 2048)") == 6
    assert numbers("(f(x′) − y)², θ₅ and x′") == 0


#: The offline voice's speaking rate, measured: 5975 words in 2121 s of synthesized speech (Piper,
#: joe-us voice, the narrated edition of 2026-12; README "Speed").
VOICE_WORDS_PER_SECOND = 5975 / 2121


@pytest.mark.parametrize("name", NAMES)
def test_the_narrated_chapter_breathes(chapter_scene, name):
    """Estimated from the words: each step lasts at least its spoken line (at the voice's rate)
    plus a breath; the narrated chapter is at most 1.3× the silent one, and speaks at most 155
    words a minute on average."""
    from scenes.base import BREATH, FADE_IN, FADE_OUT
    scene = chapter_scene(name)
    span = spans(scene)
    shown = [s for s in scene.steps if not s.skipped]
    narrated, words = 0.0, 0
    for s in shown:
        n = len(s.narration.split())
        words += n
        speech = FADE_IN + n / VOICE_WORDS_PER_SECOND + BREATH + FADE_OUT + (LESSON_HOLD if s.lesson else 0.0)
        narrated += max(span[s.id], speech)
    silent = scene.chapter_seconds
    assert narrated <= 1.3 * silent, f"{name}: narrated ≈ {narrated:.0f} s vs silent {silent:.0f} s (at most 1.3×)"
    assert words / (narrated / 60) <= 155, f"{name}: {words / (narrated / 60):.0f} words a minute"


@pytest.mark.parametrize("name", NAMES)
def test_every_title_card_has_one_title_size(chapter_scene, name):
    """One title-card text size throughout (English titles never shrink; only a bridge or formula
    that is too wide does)."""
    from scenes.typography import TITLE_SIZE
    card = chapter_scene(name).title_card
    assert card[0].font_size == pytest.approx(TITLE_SIZE, rel=1e-6), f"{name}: title at {card[0].font_size:.1f}"
