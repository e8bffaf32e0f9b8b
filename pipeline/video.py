"""What the commands make: the chapter clips and the stitched video, poster frames, the README's
stills.  Each runs one :class:`pipeline.render.Session`."""

from __future__ import annotations

import os
import shutil
import time

from pipeline.paths import ROOT
from pipeline.render import chapter_titles, subtitle_language, Options, Session, rel, render_all, stitched_path, video_path
from pipeline.stitch import duration_seconds, read_cues, stitch, stitch_srt


def render_video(opts: Options, log=print) -> dict | None:
    """Render the chapters, then stitch the full video and its subtitles when all are asked for.

    Returns ``{"runs": [ChapterRun], "seconds": wall time, "video": path or None,
    "video_seconds": float or None}``, or None if a chapter failed.
    """
    t_all = time.perf_counter()
    session = Session(opts, log)
    try:
        runs = render_all(session, {"save_slides": False})
    finally:
        session.close()
    if runs is None:
        return None
    videos = [video_path(ch, opts) for ch in opts.chapters]
    log("\nChapter videos:")
    for v in videos:
        log(f"  {rel(v)}")
    out, seconds = None, None
    if opts.all_chapters and opts.fmt != "gif":
        out, seconds = stitch_edition(opts, videos, log)
    elif opts.all_chapters:
        log("(GIF clips are not stitched; use mp4 or webm for the full video)")
    wall = time.perf_counter() - t_all
    log(f"Total wall time: {wall:.1f} s")
    return {"runs": runs, "seconds": wall, "video": out, "video_seconds": seconds}


def stitch_edition(opts: Options, videos: list, log=print, audio: bool = False) -> tuple:
    """Join the edition's chapter clips (in story order) into one video with a chapter marker per
    chapter (titled in the script's language), the subtitles as a track tagged with that language,
    and the ``.srt`` beside it; returns ``(path, seconds)``."""
    out = stitched_path(opts, videos[0].suffix)
    parts = [(v.with_suffix(".srt"), duration_seconds(v)) for v in videos]
    seconds = stitch(videos, out, titles=chapter_titles(opts), cues=read_cues(parts), audio=audio,
                     language=subtitle_language(opts))
    n_cues = stitch_srt(parts, out.with_suffix(".srt"))
    log(f"{'Narrated' if audio else 'Full'} video ({seconds:.1f} s, {len(videos)} chapter markers"
        + (", with sound" if audio else "") + f"): {rel(out)}")
    log(f"Subtitles ({n_cues} cues): {rel(out.with_suffix('.srt'))}")
    return out, seconds


def last_frames(opts: Options, verb: str, log=print, at: str | None = None) -> dict | None:
    """Each chapter's last frame (``manim -s``) — or the frame at the end of step ``at`` —:
    ``{chapter name: png path}``, or None on failure."""
    session = Session(opts, log)
    try:
        runs = render_all(session, {"save_slides": False, "stop_after": at}, ("-s",), verb=verb)
    finally:
        session.close()
    if runs is None:
        return None
    out = {}
    for ch in opts.chapters:
        found = sorted((opts.root / "staging" / "images" / ch.stem).glob(f"{ch.scene}*.png"),
                       key=lambda p: p.stat().st_mtime)
        if not found:
            raise FileNotFoundError(f"no last frame for {ch.name} under {opts.root / 'staging' / 'images'}")
        out[ch.name] = found[-1]
    return out


def stills(opts: Options, width: int = 640, log=print) -> int:
    """The README's pictures: each chapter's last frame at -ql, scaled to ``width`` px, into
    ``docs/`` — or, with a settings file, into ``media/configs/<name>/stills/`` (the tracked
    pictures in ``docs/`` show the defaults only)."""
    from PIL import Image

    opts.quality = "l"
    frames = last_frames(opts, "Last frames of", log)
    if frames is None:
        return 1
    out_dir = opts.docs if opts.docs else (ROOT / "docs" if not opts.config else opts.root / "stills")
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, png in frames.items():
        img = Image.open(png).convert("RGB")
        img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
        out = out_dir / f"{name}.png"
        tmp = out.with_name(out.stem + ".partial.png")
        img.save(tmp, optimize=True)
        os.replace(tmp, out)
        log(f"{rel(out)}  ({out.stat().st_size // 1024} KB)")
    return 0


def posters(opts: Options, steps=(None,), log=print) -> int:
    """A poster frame (full resolution of the quality) per chapter: its last frame, or the frame at
    the end of each step in ``steps`` (``posters --at STEP``)."""
    out_dir = opts.root / "posters"
    for at in steps:
        frames = last_frames(opts, "Poster frames of", log, at)
        if frames is None:
            return 1
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, png in frames.items():
            tag = f".{at.rpartition('.')[2]}" if at else ""
            out = out_dir / f"{name}{tag}_{opts.folder}{opts.suffix}.png"
            shutil.copyfile(png, out)
            log(f"  {rel(out)}")
    return 0
