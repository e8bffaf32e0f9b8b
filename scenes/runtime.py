"""The runtime contract between the pipeline and the chapter processes it starts.

The pipeline writes one small JSON file (:class:`Runtime`) and names it in the single environment
variable :data:`ENV`; a chapter reads it through :func:`current`.  Without it (``manim -pql
scenes/...`` run by hand) every field has its default: the default settings, no precomputed data
(the wide-network numbers are computed in the process), slides saved where manim-slides saves them.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

ENV = "NTK_RUNTIME"  # the only environment variable between the pipeline and a chapter process


@dataclass(frozen=True)
class Runtime:
    settings_file: str | None = None   # a snapshot of the settings file, taken before rendering
    data: dict = field(default_factory=dict)   # experiment name -> .npz of its precomputed numbers
    save_slides: bool | None = None    # False: a plain video; None: slides only under `manim-slides render`
    slides_dir: str | None = None      # where manim-slides files go (None: manim-slides' ./slides)
    voice: str | None = None           # narration manifest: JSON {step id: {"path", "seconds"}}
    script: str | None = None          # a translated or edited script (scenes.script), laid over the chapters'
    skip: list = field(default_factory=list)   # step ids left out of this cut (scenes.story.Cut)
    stop_after: str | None = None      # end the chapter after this step (a still of any step: stills --at)

    def write(self, path) -> Path:
        """Write this contract to ``path`` (JSON); returns the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".partial")
        tmp.write_text(json.dumps(dataclasses.asdict(self), indent=1), encoding="utf-8")
        os.replace(tmp, path)
        return path

    @classmethod
    def read(cls, path) -> "Runtime":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(**{f.name: data[f.name] for f in dataclasses.fields(cls) if f.name in data})

    @staticmethod
    def environ(path) -> dict:
        """The environment entries that hand the contract at ``path`` to a chapter process."""
        return {ENV: str(Path(path).resolve())}


@functools.lru_cache(maxsize=None)
def current() -> Runtime:
    """This process's contract (the defaults when no pipeline started it)."""
    path = os.environ.get(ENV)
    return Runtime.read(path) if path else Runtime()


def save_slides() -> bool:
    """Whether this render makes manim-slides files: as the pipeline says, else only when
    ``manim-slides render`` started this process (a plain ``manim`` render stays a plain video)."""
    wanted = current().save_slides
    return started_by_manim_slides() if wanted is None else wanted


@functools.lru_cache(maxsize=None)
def started_by_manim_slides() -> bool:
    """``manim-slides render`` runs manim in a child process: look at the parent's command line."""
    try:
        cmdline = Path(f"/proc/{os.getppid()}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
    return "manim-slides" in cmdline or "manim_slides" in cmdline


@functools.lru_cache(maxsize=None)
def settings():
    """The validated settings of this render (:class:`ntkcore.settings.Settings`)."""
    from ntkcore.settings import DEFAULTS, load_settings
    path = current().settings_file
    return load_settings(path) if path else DEFAULTS


@functools.lru_cache(maxsize=None)
def theme():
    """The theme of this render: the defaults plus the settings file's ``[theme]``."""
    from scenes.theme import Theme
    s = settings()
    return Theme.from_settings(s.theme, s.source)


@functools.lru_cache(maxsize=None)
def translation():
    """The script file laid over the chapters' own words (None: the chapters' English)."""
    from scenes.script import load_translation
    path = current().script
    return load_translation(path) if path else None


def skipped_steps() -> frozenset:
    """The step ids this render leaves out (a cut)."""
    return frozenset(current().skip)


@functools.lru_cache(maxsize=None)
def _own_script(cls):
    from scenes.script import ScriptError, load_chapter_script, read_toml
    import sys
    for c in cls.__mro__:
        file = getattr(sys.modules.get(c.__module__), "__file__", None)
        if not file:
            continue
        path = Path(file).with_suffix(".toml")
        if not path.is_file():
            continue
        data = read_toml(path)
        if "steps" in data or "chapter" in data:
            return load_chapter_script(path)
        if c.__name__ in data:
            return load_chapter_script(path, c.__name__)
    raise ScriptError(f"{cls.__name__}: no script file beside its module (or a base's) with its words")


def chapter_script(cls, chapter_id: str):
    """The words of scene class ``cls`` (chapter ``chapter_id``): the script file beside the module
    of the class, or of the first base that has one (a file of several scenes holds a table per
    class), with this render's translation laid over it."""
    from scenes.script import overlay
    own = _own_script(cls)
    tr = translation()
    if tr is None:
        return own
    return overlay(own, tr.chapters.get(chapter_id), f"{tr.source} [{chapter_id}]")


def roadmap() -> list:
    """``[(number, line)]``: the story's roadmap (scenes.story.roadmap) in this render's words."""
    from scenes.story import chapters
    tr = translation()
    words = {}
    if tr is not None:
        words = {name: t.get("chapter", {}).get("roadmap") for name, t in tr.chapters.items()}
    return [(c.number, words.get(c.name) or c.roadmap) for c in chapters() if c.roadmap]


@functools.lru_cache(maxsize=None)
def _shared_labels() -> dict:
    from scenes.script import shared_labels
    labels = shared_labels()
    tr = translation()
    if tr is not None:
        labels.update({k: v for k, v in tr.labels.items() if k in labels})
    return labels


def label(script, key: str, values: dict) -> str:
    """Label ``key`` of a chapter's script, else of the shared labels (scenes/labels.toml)."""
    from scenes.script import fill
    if key in script.labels:
        return script.label(key, **values)
    shared = _shared_labels()
    if key not in shared:
        from scenes.script import ScriptError
        raise ScriptError(f"{script.source}: no label {key!r} in its [labels] or in scenes/labels.toml")
    return fill(shared[key], values, f"scenes/labels.toml: label {key!r}")


@functools.lru_cache(maxsize=None)
def voice_clips() -> dict:
    """The narration of this render: ``{step id: {"path": wav, "seconds": float}}`` ({} when silent)."""
    path = current().voice
    return json.loads(Path(path).read_text(encoding="utf-8")) if path else {}


def experiment(name: str) -> dict:
    """The numbers of a wide-network experiment (:data:`ntkcore.experiments.EXPERIMENTS`):
    loaded from the file the pipeline precomputed, or computed here when run by hand."""
    path = current().data.get(name)
    if path:
        import numpy as np
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    return _compute(name)


@functools.lru_cache(maxsize=None)
def _compute(name: str) -> dict:
    from ntkcore.experiments import run
    return run(name, settings())
