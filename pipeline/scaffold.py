"""``./render.sh new-chapter NAME``: a working chapter in three new files and one line of the story.

Writes ``scenes/chapters/NAME.py`` (a chapter that draws Example 2's dots, its observation and one
gradient step's red arrows), ``scenes/chapters/NAME.toml`` (its facts and words) and
``tests/test_scene_NAME.py`` (its arrows checked against ntkcore), and inserts NAME into
``scenes/chapters/story.toml`` after ``--after`` (default: before the closing).  The new chapter
then builds, is listed (``--list``), has its line in the opening's roadmap and its marker in the
stitched video, with no other file touched.  Standard library only.
"""

from __future__ import annotations

import keyword
import os
import re
import sys
from pathlib import Path

from scenes.story import CHAPTER_DIR, ROOT, STORY_FILE, chapters

NAME = re.compile(r"[a-z][a-z0-9_]{1,39}")

CHAPTER_PY = '''"""{title}.

Written by ./render.sh new-chapter: a working start.  It draws Example 2's dots, its observation and
one gradient step's red arrows; replace the drawing in construct() and the words in {name}.toml.
Every number comes from ntkcore (the example's values and displacement); none is typed here.

Render:  manim -pql scenes/chapters/{name}.py {cls}
"""

from manim import FadeIn, GrowArrow, LaggedStart

from scenes.base import ExampleScene
from scenes.formatting import fmt, fmt_g


class {cls}(ExampleScene):
    example_name = "linear"     # the example it draws: declared in {name}.toml ([chapter] examples)

    def construct(self):
        ex = self.example
        x_s = fmt_g(ex.observation[0])
        f0, d = ex.values(), ex.displacement()
        self.arrows = self.build_arrows(f0, d)

        # Step: title card (its bridge says why this chapter follows the last)
        self.play_title_card()

        # Step: the model's values, the black dots
        with self.step("dots", n=len(ex.grid)):
            self.play(FadeIn(self.heading(self.script.chapter["title"])), FadeIn(self.axes),
                      FadeIn(self.axis_labels()), run_time=1.0)
            self.play(LaggedStart(*[FadeIn(dot, scale=0.5) for dot in self.dots], lag_ratio=0.05), run_time=1.5)

        # Step: the observation, the blue cross
        self.show_observation()

        # Step: one gradient step, the red arrows
        i_max = int(abs(d).argmax())
        with self.step("gradient_step", x=x_s, largest=fmt(abs(d[i_max]), 2), at=fmt_g(ex.grid[i_max])):
            self.play(LaggedStart(*[GrowArrow(a) for a in self.arrows.values()], lag_ratio=0.05), run_time=1.5)
'''

CHAPTER_TOML = '''# {title}: its facts and its words (scenes/script.py explains the format).
# Written by ./render.sh new-chapter; edit freely.

[chapter]
scene = "{cls}"
title = "{title}"
roadmap = "{title}."     # its line in the opening's plan (delete the line to leave it out)
examples = ["linear"]     # the settings sections it reads ([examples.NAME]); a test checks this
data = []                 # precomputed wide-network numbers it loads (ntkcore.experiments)
cost = 15                 # seconds of one core to render it at -ql (schedules renders and tests)

[steps.title]
bridge = "Why this chapter follows the last, in one line."
spoken = "Why this chapter follows the last, said as a lecturer would."

[steps.dots]
caption = "The model's values at {{n}} inputs: the black dots."
spoken = "Here is the model, its value at each of the {{n}} inputs drawn as a black dot."

[steps.observation]
caption = "We observe y = {{y}} at x = {{x}}, but f({{x}}) = {{f}}."
spoken = "One data point: at x = {{x}} we observe y = {{y}}, the blue cross, where the model says {{f}}."

[steps.gradient_step]
caption = "One gradient step at x = {{x}} moves every dot: the red arrows."
spoken = "One gradient step on the squared error at x = {{x}} moves every dot. The longest arrow, {{largest}}, is at x = {{at}}."
'''

TEST_PY = '''"""{title}: what it draws is ntkcore's numbers (written by ./render.sh new-chapter)."""

import pytest

from scene_helpers import assert_arrows_match, caption_of


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("{name}")


def test_the_arrows_are_one_gradient_step(scene):
    ex = scene.example
    assert len(scene.arrows) > 0
    assert_arrows_match(scene.axes, scene.arrows, ex.grid, ex.values(), ex.displacement())


def test_the_caption_names_the_observation(scene):
    x = scene.example.observation[0]
    assert f"x = {{x:g}}" in caption_of(scene, "gradient_step")
'''


class ScaffoldError(ValueError):
    pass


def class_name(name: str) -> str:
    """``my_idea`` → ``MyIdea``."""
    return "".join(part.capitalize() for part in name.split("_") if part)


def insert_in_story(text: str, name: str, after: str) -> str:
    """``story.toml``'s text with ``"name",`` on a line of its own after ``"after",``."""
    m = re.search(rf'^(\s*)"{re.escape(after)}",?[^\n]*\n', text, flags=re.MULTILINE)
    if not m:
        raise ScaffoldError(f"{STORY_FILE.relative_to(ROOT)}: no line for {after!r}")
    line = m.group(0)
    if not line.rstrip().endswith(","):
        line = line.rstrip("\n") + ",\n"
    return text[:m.start()] + line + f'{m.group(1)}"{name}",\n' + text[m.end():]


def write_new(path: Path, text: str) -> None:
    """Create ``path`` (never overwrite), written whole or not at all."""
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(text, encoding="utf-8")
    try:
        os.link(tmp, path)          # fails if it exists
    finally:
        tmp.unlink()


def new_chapter(name: str, after: str | None = None, title: str | None = None, log=print) -> int:
    try:
        made = scaffold(name, after, title)
    except ScaffoldError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    log(f"New chapter {name!r}:")
    for p in made:
        log(f"  {p.relative_to(ROOT)}")
    log(f"Next: ./render.sh test tests/test_scene_{name}.py, then ./render.sh {name} "
        "(README: \"Add a chapter\").")
    return 0


def scaffold(name: str, after: str | None = None, title: str | None = None) -> list:
    """Write the chapter's three files and put it in the story; returns the paths written."""
    known = [c.name for c in chapters()]
    if not NAME.fullmatch(name) or keyword.iskeyword(name) or name.endswith("_"):
        raise ScaffoldError(f"chapter name {name!r}: 2–40 lower-case letters, digits and _, starting with a letter")
    if name in known:
        raise ScaffoldError(f"chapter {name!r} exists already (./render.sh --list)")
    if after is None:
        after = known[-2] if len(known) > 1 else known[-1]
    if after not in known:
        raise ScaffoldError(f"--after: unknown chapter {after!r}; chapters: {', '.join(known)}")
    title = (title or name.replace("_", " ").capitalize()).strip()
    if not title or any(c in title for c in '"\\\n'):
        raise ScaffoldError("--title: one line of text without quotes or backslashes")
    cls = class_name(name)
    files = {CHAPTER_DIR / f"{name}.py": CHAPTER_PY, CHAPTER_DIR / f"{name}.toml": CHAPTER_TOML,
             ROOT / "tests" / f"test_scene_{name}.py": TEST_PY}
    for path in files:
        if path.exists():
            raise ScaffoldError(f"{path.relative_to(ROOT)} exists already")
    story = insert_in_story(STORY_FILE.read_text(encoding="utf-8"), name, after)
    written = []
    try:
        for path, template in files.items():
            write_new(path, template.format(name=name, cls=cls, title=title))
            written.append(path)
        tmp = STORY_FILE.with_name(STORY_FILE.name + ".partial")
        tmp.write_text(story, encoding="utf-8")
        os.replace(tmp, STORY_FILE)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return [*written, STORY_FILE]
