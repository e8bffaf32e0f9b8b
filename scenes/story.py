"""The story: which chapters, in which order, and what each declares about itself.

``scenes/chapters/story.toml`` lists the chapters in story order and the cuts (shorter editions
made of the same chapters).  Each chapter declares its own facts in the ``[chapter]`` table of its
script file ``scenes/chapters/NAME.toml`` — scene class, title, roadmap line, the examples and
precomputed data it reads, its cost — and everything else is derived from them: the chapter list
and its numbers (the opening is 0), the opening's roadmap, the render schedule, the stitched
video's markers.  Inserting a chapter is one new pair of files and one line in story.toml.

Standard library only: the command line lists and checks chapters before anything is installed.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import NamedTuple

from scenes.script import ScriptError, read_toml

ROOT = Path(__file__).resolve().parent.parent
CHAPTER_DIR = Path(__file__).resolve().parent / "chapters"
STORY_FILE = CHAPTER_DIR / "story.toml"
DEFAULT_COST = 30.0     # seconds of one core at -ql, for a chapter that declares none


class Chapter(NamedTuple):
    name: str                        # what users type: ./render.sh NAME; its step ids start with it
    number: int                      # its place in the story (the opening is 0)
    scene: str                       # the scene class in scenes/chapters/NAME.py
    title: str                       # progress lines, chapter markers, slides, the title card
    roadmap: str = ""                # its line in the opening's plan ("" = not listed)
    examples: tuple = ()             # settings sections [examples.NAME] it draws
    data: tuple = ()                 # precomputed wide-network numbers it loads (pipeline cache)
    cost: float = DEFAULT_COST       # seconds of one core to render it at -ql (the schedule)
    seconds: float = 0.0             # its length budget in the full edition (0: none declared)
    cut_seconds: dict = {}           # its length budget in each cut that has it: {cut: seconds}

    @property
    def file(self) -> str:
        """The scene file, relative to the repository root."""
        return f"scenes/chapters/{self.name}.py"

    @property
    def script_file(self) -> Path:
        return CHAPTER_DIR / f"{self.name}.toml"

    @property
    def module(self) -> str:
        """The scene file as a module name: ``scenes.chapters.lookup_table``."""
        return f"scenes.chapters.{self.name}"

    @property
    def stem(self) -> str:
        """The scene file's name without ``.py`` (manim's video folder)."""
        return self.name

    @property
    def label(self) -> str:
        """``5. Example 4 — a tiny RBF network``: the number and title, as every list shows them."""
        return f"{self.number}. {self.title}"


class Cut(NamedTuple):
    """A shorter edition made of the same chapters: ``chapters`` in story order, minus the
    ``skip``ped step ids (their animations still run, instantly, so what follows is drawn the same)."""

    name: str
    title: str
    chapters: tuple
    skip: frozenset
    seconds: float = 0.0      # its length budget


def _strings(value, where: str) -> tuple:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScriptError(f"{where} must be a list of names")
    return tuple(value)


def read_chapter(name: str, number: int) -> Chapter:
    """Chapter ``name``'s declaration, from the ``[chapter]`` table of its script file."""
    path = CHAPTER_DIR / f"{name}.toml"
    if not path.is_file():
        raise ScriptError(f"{STORY_FILE}: chapter {name!r} has no script file {path.relative_to(ROOT)}")
    table = read_toml(path).get("chapter", {})
    where = f"{path.relative_to(ROOT)} [chapter]"
    for key in ("scene", "title"):
        if not isinstance(table.get(key), str) or not table[key]:
            raise ScriptError(f"{where}: {key} is missing")
    cost = table.get("cost", DEFAULT_COST)
    if not isinstance(cost, (int, float)) or cost <= 0:
        raise ScriptError(f"{where}: cost must be a positive number of seconds")
    budgets = {"seconds": table.get("seconds", 0.0), **{f"cut {k}": v for k, v in table.get("cut_seconds", {}).items()}}
    for k, v in budgets.items():
        if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0:
            raise ScriptError(f"{where}: {k} must be a number of seconds")
    return Chapter(name, number, table["scene"], table["title"], str(table.get("roadmap", "")),
                   _strings(table.get("examples", []), f"{where}: examples"),
                   _strings(table.get("data", []), f"{where}: data"), float(cost), float(table.get("seconds", 0.0)),
                   {k: float(v) for k, v in table.get("cut_seconds", {}).items()})


@functools.cache
def story() -> tuple:
    """``(chapters, cuts)``: every chapter in story order, and the cuts by name."""
    data = read_toml(STORY_FILE)
    names = _strings(data.get("chapters"), f"{STORY_FILE}: chapters")
    if len(set(names)) != len(names):
        raise ScriptError(f"{STORY_FILE}: a chapter is listed twice")
    chapters = tuple(read_chapter(n, i) for i, n in enumerate(names))
    cuts = {}
    for cut_name, t in data.get("cuts", {}).items():
        where = f"{STORY_FILE} [cuts.{cut_name}]"
        own = _strings(t.get("chapters", []), f"{where}: chapters")
        unknown = [n for n in own if n not in names]
        if unknown:
            raise ScriptError(f"{where}: {unknown[0]!r} is not a chapter of the story")
        table = t.get("skip", {})
        if not isinstance(table, dict):
            raise ScriptError(f"{where}: skip must be a table {{chapter = [step keys]}}")
        bad = [c for c in table if c not in own]
        if bad:
            raise ScriptError(f"{where}: skip names {bad[0]!r}, which is not a chapter of this cut")
        skip = [f"{c}.{key}" for c, keys in table.items() for key in _strings(keys, f"{where}: skip.{c}")]
        cuts[cut_name] = Cut(cut_name, str(t.get("title", cut_name)), tuple(n for n in names if n in own),
                             frozenset(skip), float(t.get("seconds", 0.0)))
    return chapters, cuts


EDITION_SECONDS = "seconds"     # story.toml: the full edition's length budget


def full_seconds() -> float:
    """The full edition's length budget (story.toml's ``seconds``; 0: none)."""
    return float(read_toml(STORY_FILE).get(EDITION_SECONDS, 0.0))


def chapters() -> tuple:
    return story()[0]


def cuts() -> dict:
    return story()[1]


def by_name() -> dict:
    return {c.name: c for c in chapters()}


def by_scene() -> dict:
    """Scene class name -> chapter name (a chapter's step ids start with its name)."""
    return {c.scene: c.name for c in chapters()}


def roadmap() -> list:
    """``[(number, line)]``: the chapters that declare a roadmap line, in story order."""
    return [(c.number, c.roadmap) for c in chapters() if c.roadmap]
