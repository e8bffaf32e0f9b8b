"""``slides``: decks cut from the chapters' rendered clips — an offline HTML presentation, a
PowerPoint file with the clips and the speaker notes, a PDF of slide stills — with no render of
their own.

The chapters are rendered exactly as the video renders them (the same clips, kept when unchanged:
a deck after ``./render.sh`` renders nothing).  Each clip is cut at its caption steps into one clip
per slide (:mod:`pipeline.slidecut`, kept by the clip's sha256), the slides are written as a
manim-slides presentation, and manim-slides converts that into each format asked for.

A deck is a folder of its own, complete and self-contained — the thing to copy to the lecture
hall's PC: ``<media>/decks/<deck>/`` holds ``<deck>.html`` with ``<deck>_assets/`` (one clip per
slide) and ``revealjs/`` (from the npm registry: no CDN, no network at show time), ``<deck>.pptx``,
``<deck>.pdf``, the presentation ``slides/<deck>.json`` (``manim-slides present --folder
<deck>/slides <deck>``) and a ``README.txt``.  Nothing in it refers to anything outside it.

The deck's name is ``--name`` (default ``ntk_explainer``, or ``ntk_explainer-<chapters>`` for a
part), followed by the cut, the language and the quality when they are not the defaults
(``lecture3_de_1080p60``), so one deck never overwrites another.  A format already made from the
same slides is kept; one made from other slides (the chapters changed since) is removed rather than
left pointing at clips that are gone.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from pipeline import slidecut
from pipeline.clipstore import link_or_copy
from pipeline.locks import FileLock
from pipeline.paths import ROOT
from pipeline.render import Options, Session, file_hash, rel, render_all, video_path

REVEALJS = ROOT / ".cache" / "npm" / "node_modules" / "reveal.js"
REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//""", re.IGNORECASE)
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
TARGETS = ("html", "pdf", "pptx")
TITLE = "Some intuition on the neural tangent kernel"
HTML_OPTIONS = ("-creveal_theme=white", f"-ctitle={TITLE}", "-cslide_number=true", "-cprogress=true")


class DeckError(Exception):
    """A deck that cannot be made (one line: why)."""


def remote_references(html: str) -> list[str]:
    """``src=``/``href=`` attributes outside HTML comments that point off this machine."""
    return REMOTE.findall(COMMENT.sub("", html))


def deck_name(opts: Options, name: str | None) -> str:
    """``--name`` (or ``ntk_explainer``, ``ntk_explainer-<chapters>`` for a part) with the edition's
    suffix (cut, language) and the quality when not -ql: decks of different editions never meet."""
    tag = opts.suffix + ("" if opts.quality == "l" else f"_{opts.folder}")
    if name:
        return name + tag
    if opts.all_chapters:
        return "ntk_explainer" + tag
    return "ntk_explainer" + tag + "-" + "-".join(ch.name for ch in opts.chapters)


def deck_folder(opts: Options, deck: str) -> Path:
    return opts.root / "decks" / deck


# --------------------------------------------------------------------------- the clips


def render_clips(opts: Options, log=print) -> tuple[list, str] | None:
    """The chapters' clips as the video renders them (unchanged ones kept); returns ``(runs, theme
    background)`` or None if a chapter failed.  A clip without its step times (made before clips
    recorded them) renders again."""
    session = Session(opts, log)
    try:
        runs = render_all(session, {"save_slides": False}, verb="Slides: clips of")
        if runs is None:
            return None
        stale = [ch for ch in opts.chapters if not steps_fit(video_path(ch, opts))]
        if stale:
            log(f"   {', '.join(ch.name for ch in stale)}: no step times that fit the clip (made before clips had them); rendering again")
            session.opts = replace(opts, chapters=stale, force=True)
            again = render_all(session, {"save_slides": False}, verb="Slides: clips of")
            session.opts = opts
            if again is None:
                return None
        return runs, session.theme.background
    finally:
        session.close()


def steps_fit(clip: Path) -> bool:
    """The clip has its steps file, and that file belongs to it."""
    try:
        slidecut.clip_steps(clip)
        return True
    except slidecut.CutError:
        return False


def cut_slides(opts: Options, log=print) -> list:
    """Every slide of the chapters, in story order (:class:`pipeline.slidecut.SlideClip`)."""
    slides = []
    for ch in opts.chapters:
        clip = video_path(ch, opts)
        slides += slidecut.cut_chapter(clip, file_hash(clip), opts.cache_dir, log)
    return slides


# --------------------------------------------------------------------------- the deck folder


def clip_name(s) -> str:
    """A slide's file name in the deck: its chapter, its place and its content."""
    return f"{s.chapter}-{s.index:02d}-{s.file.parent.name[:12]}.mp4"


def _keep(src: Path, dst: Path) -> None:
    if not dst.exists():                         # its name is its content
        link_or_copy(src, dst)


def write_presentation(folder: Path, deck: str, slides: list, background: str) -> Path:
    """The slides' clips into ``<deck>_assets/`` and the manim-slides presentation that lists them
    (``slides/<deck>.json``, paths relative to the deck folder); returns its path."""
    import av
    from manim_slides.config import PresentationConfig, SlideConfig

    assets = folder / f"{deck}_assets"
    assets.mkdir(parents=True, exist_ok=True)
    names = [clip_name(s) for s in slides]
    for s, n in zip(slides, names):
        _keep(s.file, assets / n)
    for old in assets.iterdir():                 # clips of an earlier version of this deck
        if old.name not in names:
            old.unlink() if old.is_file() else shutil.rmtree(old)
    with av.open(str(assets / names[0])) as c:
        size = (c.streams.video[0].width, c.streams.video[0].height)
    config = PresentationConfig(
        slides=[SlideConfig(file=assets / n, rev_file=assets / n, notes=s.notes) for s, n in zip(slides, names)],
        resolution=size, background_color=background)
    data = json.loads(config.model_dump_json())
    for entry, n in zip(data["slides"], names):          # relative: the folder can be copied anywhere
        entry["file"] = entry["rev_file"] = f"{deck}_assets/{n}"
    path = folder / "slides" / f"{deck}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1, ensure_ascii=False)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        tmp = path.with_name(path.name + ".partial")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    PresentationConfig.from_file(path)                  # manim-slides reads it back
    return path


def copy_revealjs(folder: Path) -> None:
    """reveal.js (from the npm registry, ``./render.sh slides`` installs it) into the deck folder."""
    if not (REVEALJS / "dist" / "reveal.js").exists():
        raise DeckError(f"reveal.js not found at {REVEALJS}; ./render.sh slides installs it")
    version = json.loads((REVEALJS / "package.json").read_text(encoding="utf-8"))["version"]
    local = folder / "revealjs"
    if (local / "VERSION").is_file() and (local / "VERSION").read_text().strip() == version:
        return
    shutil.rmtree(local, ignore_errors=True)
    tmp = folder / f"revealjs.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(REVEALJS / "dist", tmp / "dist")
    for f in ("LICENSE",):
        if (REVEALJS / f).exists():
            shutil.copyfile(REVEALJS / f, tmp / f)
    (tmp / "VERSION").write_text(version + "\n")
    os.replace(tmp, local)


README = """{deck}
{rule}

{n} slides cut from the chapters' clips.  Everything the deck needs is in this folder: copy the
folder, nothing else; nothing needs the network.

{formats}
slides/{deck}.json
    The manim-slides presentation of the same slides; from this folder:
    manim-slides present --folder slides {deck}
"""

FORMATS = {
    "html": "{deck}.html\n    Open it in a web browser (reveal.js and the clips are beside it, in revealjs/ and\n"
            "    {deck}_assets/).  Right arrow or space: next slide; S: speaker notes; F: full screen.\n",
    "pptx": "{deck}.pptx\n    PowerPoint: one clip per slide, the narration as speaker notes.\n",
    "pdf": "{deck}.pdf\n    A still per slide (its last frame).\n",
}


def write_readme(folder: Path, deck: str, n: int) -> None:
    made = [t for t in TARGETS if (folder / f"{deck}.{t}").exists()]
    formats = "\n".join(FORMATS[t].format(deck=deck) for t in made)
    text = README.format(deck=deck, rule="=" * len(deck), n=n, formats=formats)
    (folder / "README.txt").write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- the formats


def stamps_path(folder: Path) -> Path:
    """What each format of a deck was made from (beside the deck folder, not in it)."""
    return folder.parent / f".{folder.name}.made.json"


def format_key(presentation: Path, target: str) -> str:
    import manim_slides
    blob = {"slides": presentation.read_text(encoding="utf-8"), "target": target,
            "manim_slides": manim_slides.__version__,
            "options": list(HTML_OPTIONS) if target == "html" else [],
            "revealjs": (presentation.parent.parent / "revealjs" / "VERSION").read_text().strip()
            if target == "html" else None}
    return hashlib.sha256(json.dumps(blob, sort_keys=True).encode()).hexdigest()


def convert(folder: Path, deck: str, presentation: Path, targets, log=print) -> list[Path]:
    """Each target from the presentation with ``manim-slides convert`` (kept when made from the same
    slides); formats not asked for that were made from other slides are removed."""
    stamps_file = stamps_path(folder)
    try:
        stamps = json.loads(stamps_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamps = {}
    if "html" in targets:
        copy_revealjs(folder)
    out = []
    for target in TARGETS:
        path = folder / f"{deck}.{target}"
        key = format_key(presentation, target) if (target != "html" or (folder / "revealjs").exists()) else None
        made = stamps.get(target, {})
        fresh = path.exists() and made.get("key") == key and made.get("sha256") == file_hash(path)
        if target not in targets:
            if path.exists() and not fresh:
                path.unlink()
                stamps.pop(target, None)
                log(f"{target:>5}: removed {rel(path)} (made from other slides; --to {target} makes it again)")
            continue
        if fresh:
            log(f"{target:>5}: {rel(path)} (unchanged, kept)")
            out.append(path)
            continue
        t0 = time.perf_counter()
        tmp = folder / f"{deck}.partial.{target}"
        cmd = [sys.executable, "-m", "manim_slides", "convert", "--folder", str(presentation.parent), deck,
               str(tmp), "--to", target]
        if target == "html":
            cmd += [f"-cassets_dir={deck}_assets", "-ccdn_url=revealjs", *HTML_OPTIONS]
        done = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tmp.unlink(missing_ok=True)
            tail = "\n  ".join((done.stdout + done.stderr).strip().splitlines()[-8:])
            raise DeckError(f"manim-slides convert --to {target} failed:\n  {tail}")
        if target == "html":
            remote = remote_references(tmp.read_text(encoding="utf-8"))
            if remote:
                tmp.unlink()
                raise DeckError(f"{path} would reference remote content: {remote[:3]}")
        os.replace(tmp, path)
        stamps[target] = {"key": key, "sha256": file_hash(path)}
        log(f"{target:>5}: {rel(path)} ({time.perf_counter() - t0:.1f} s)")
        out.append(path)
    tmp = stamps_file.with_name(stamps_file.name + ".partial")
    tmp.write_text(json.dumps(stamps, indent=1), encoding="utf-8")
    os.replace(tmp, stamps_file)
    return out


# --------------------------------------------------------------------------- the command


def make_slides(opts: Options, targets=("html", "pdf"), name: str | None = None, log=print) -> int:
    t0 = time.perf_counter()
    deck = deck_name(opts, name)
    folder = deck_folder(opts, deck)
    made = render_clips(opts, log)
    if made is None:
        return 1
    _, background = made
    try:
        with FileLock(opts.root / "locks" / f"deck-{deck}.lock",
                      on_wait=lambda owner: log(f"   deck {deck}: waiting for another slides command ({owner})")):
            slides = cut_slides(opts, log)
            folder.mkdir(parents=True, exist_ok=True)
            presentation = write_presentation(folder, deck, slides, background)
            convert(folder, deck, presentation, targets, log)
            write_readme(folder, deck, len(slides))
    except (slidecut.CutError, DeckError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    log(f"Deck ({len(slides)} slides from {len(opts.chapters)} chapter(s)): {rel(folder)}/  "
        f"[{time.perf_counter() - t0:.1f} s]")
    return 0
