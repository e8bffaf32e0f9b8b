"""``slides``: the chapters as manim-slides slides, converted into decks: an offline HTML
presentation (reveal.js from the npm registry, served next to it: no CDN at show time), a PDF of
slide stills, a PowerPoint file with the clips.

Every chapter is a manim-slides ``Slide`` (``scenes.base.ChapterScene``): each caption starts a
new slide and becomes its speaker notes.  Output: ``media/slides/<deck>.html`` (+ its assets and
``revealjs/``), ``<deck>.pdf``, ``<deck>.pptx``; the deck's name is ``--name``, by default
``ntk_explainer`` for the whole explainer and ``ntk_explainer-<chapters>`` for a part of it, so
one deck never overwrites another.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from pipeline.paths import ROOT
from pipeline.render import Options, Session, rel, render_all

REVEALJS = ROOT / ".cache" / "npm" / "node_modules" / "reveal.js"
REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//""", re.IGNORECASE)
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
TARGETS = ("html", "pdf", "pptx")
TITLE = "Some intuition on the neural tangent kernel"


def remote_references(html: str) -> list[str]:
    """``src=``/``href=`` attributes outside HTML comments that point off this machine."""
    return REMOTE.findall(COMMENT.sub("", html))


def deck_name(opts: Options, name: str | None) -> str:
    if name:
        return name
    if opts.all_chapters:
        return "ntk_explainer" + opts.suffix
    return "ntk_explainer" + opts.suffix + "-" + "-".join(ch.name for ch in opts.chapters)


def convert(scenes: list[str], folder: Path, deck: str, targets=("html", "pdf"), log=print) -> list[Path]:
    """manim-slides' converters into ``folder/deck.<target>``; reveal.js served from next to the HTML."""
    base = [sys.executable, "-m", "manim_slides", "convert", "--folder", str(folder), *scenes]
    out = []
    for target in targets:
        path = folder / f"{deck}.{target}"
        tmp = folder / f"{deck}.partial.{target}"
        if target == "html":
            if not (REVEALJS / "dist" / "reveal.js").exists():
                raise FileNotFoundError(f"reveal.js not found at {REVEALJS}; ./render.sh slides installs it")
            local = folder / "revealjs"
            if not local.exists():
                shutil.copytree(REVEALJS / "dist", local / "dist")
            cmd = [*base, str(path), "--to", "html", "-ccdn_url=revealjs", "-creveal_theme=white",
                   f"-ctitle={TITLE}", "-cslide_number=true", "-cprogress=true"]
            subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
            remote = remote_references(path.read_text(encoding="utf-8"))
            if remote:
                raise RuntimeError(f"{path} references remote content: {remote[:3]}")
        else:
            subprocess.run([*base, str(tmp), "--to", target], check=True, cwd=ROOT, capture_output=True)
            tmp.replace(path)
        out.append(path)
        log(f"{target:>5}: {rel(path)}")
    return out


def make_slides(opts: Options, targets=("html", "pdf"), name: str | None = None, log=print) -> int:
    opts.subdir = "slides" + opts.suffix  # slide renders never overwrite the chapter videos, nor another edition's
    folder = opts.root
    session = Session(opts, log)
    try:
        runs = render_all(session, {"save_slides": True, "slides_dir": str(folder)}, verb="Slides of", keep=False)
    finally:
        session.close()
    if runs is None:
        return 1
    convert([ch.scene for ch in opts.chapters], folder, deck_name(opts, name), targets, log)
    return 0
