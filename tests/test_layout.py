"""Every chapter, at every caption step (built without writing video): readable and paced.

* every text and formula inside the frame with a 0.1-unit margin, no two texts overlapping, the
  caption at least 0.15 units from any axis number (tests/layout_checks.py);
* each caption on screen at least max(2 s, words / 2.5 s) — the subtitles never ask for more than
  2.6 words a second — and never two captions at once;
* every step has a spoken narration line of its own.
"""

import pytest

from layout_checks import layout_problems
from pipeline.chapters import CHAPTERS
from scenes.base import reading_seconds

NAMES = [c.name for c in CHAPTERS]


@pytest.mark.parametrize("name", NAMES)
def test_nothing_clipped_nothing_colliding(chapter_scene, name):
    scene = chapter_scene(name)
    assert len(scene.layout) == len(scene.steps) > 0
    problems = layout_problems(scene)
    assert not problems, f"{name}: {len(problems)} layout problems, e.g.\n  " + "\n  ".join(problems[:10])


@pytest.mark.parametrize("name", NAMES)
def test_captions_stay_long_enough_and_never_overlap(chapter_scene, name):
    cues = chapter_scene(name).subtitle_cues
    assert cues
    for start, end, text in cues:
        # max(2 s, words / 2.5 s): so also never more than 2.5 words a second (the subtitles' 2.6)
        assert end - start >= reading_seconds(text) - 1e-6, f"{text!r}: {end - start:.2f} s on screen"
    for (_, end, _), (start, _, _) in zip(cues, cues[1:]):
        assert end <= start + 1e-9


@pytest.mark.parametrize("name", NAMES)
def test_every_step_has_a_spoken_line(chapter_scene, name):
    steps = chapter_scene(name).steps
    missing = [s.id for s in steps if not s.spoken]
    assert not missing, f"steps without a narration line: {missing}"
    assert len({s.id for s in steps}) == len(steps)
