"""Render chapters with manim (one process per chapter, in parallel) and stitch them in story order.

Run through ``./render.sh [stills|posters] [NAME...] [-ql|-qm|-qh|-qk] [--format F] [-t]
[--config FILE]``; this module does the part after set-up.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from scenes.chapters import QUALITY_FLAGS, Chapter, Options, UsageError, parse_options
from scenes.stitch import duration_seconds, stitch, stitch_srt

ROOT = Path(__file__).resolve().parent.parent
MEDIA = ROOT / "media"
CONFIG_ENV = "NTK_CONFIG"  # read by scenes.base.active_config in every manim process


def media_root(opts: Options) -> Path:
    """``media/`` — or ``media/configs/<name>/`` for a settings file, so the default renders stay."""
    root = MEDIA if not opts.config else MEDIA / "configs" / Path(opts.config).stem
    return root / opts.subdir if opts.subdir else root


def video_path(ch: Chapter, opts: Options) -> Path:
    """The clip manim wrote for a chapter (its extension depends on format and transparency)."""
    folder = media_root(opts) / "videos" / Path(ch.file).stem / QUALITY_FLAGS[opts.quality]
    if opts.fmt == "gif":  # manim names GIFs after its version: Scene_ManimCE_v0.21.0.gif
        found = sorted(folder.glob(f"{ch.scene}_ManimCE_*.gif"))
        return found[-1] if found else folder / f"{ch.scene}.gif"
    ext = ".webm" if opts.fmt == "webm" else (".mov" if opts.transparent else ".mp4")
    return folder / f"{ch.scene}{ext}"


def stitched_path(opts: Options, ext: str) -> Path:
    suffix = "" if opts.quality == "-ql" else f"_{QUALITY_FLAGS[opts.quality]}"
    return media_root(opts) / f"ntk_explainer{suffix}{ext}"


# --------------------------------------------------------------------------- chapter cache
# manim caches each play call, but a chapter still costs its start-up and construction (JAX,
# text) on every render.  A chapter whose code, render options and settings are unchanged is
# skipped outright.  Which settings count is recorded by the chapter itself: the names of the
# examples it read (scenes.base.example_for_scene writes them to $NTK_DEPS_FILE).

CODE_FILES = ("scenes/*.py", "ntkcore/*.py", "manim.cfg", "scenes/tex_template.tex", "pyproject.toml")
TOOLING = {"render.py", "slides.py", "stitch.py"}  # drive manim; do not change what a chapter draws


def code_hash() -> str:
    h = hashlib.sha256()
    for pattern in CODE_FILES:
        for path in sorted(ROOT.glob(pattern)):
            if path.name in TOOLING:
                continue
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _load_config(path: str):
    """The settings file as it is *now* (memoised by content: an edited file is read afresh)."""
    return _load_config_text(Path(path).read_text(encoding="utf-8"), str(path))


@functools.lru_cache(maxsize=None)
def _load_config_text(text: str, source: str):
    from ntkcore.config import load_config_text
    return load_config_text(text, source)


def chapter_key(ch: Chapter, opts: Options, example_names: list[str]) -> str:
    """Everything a chapter's video depends on: code, options, the settings it read, theme."""
    from ntkcore.examples import EXAMPLES

    cfg = _load_config(opts.config) if opts.config else None
    settings = {}
    for name in example_names:
        ex = cfg.example(name) if cfg else EXAMPLES[name]
        settings[name] = {f.name: repr(getattr(ex, f.name)) for f in dataclasses.fields(ex)}
    blob = json.dumps({"code": code_hash(), "chapter": ch._asdict(), "quality": opts.quality,
                       "fmt": opts.fmt, "transparent": opts.transparent, "settings": settings,
                       "theme": cfg.theme if cfg else {}}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def cache_dir(ch: Chapter, opts: Options) -> Path:
    return media_root(opts) / "chapter_caches" / ch.name


def is_up_to_date(ch: Chapter, opts: Options) -> bool:
    """The chapter's video exists and was made from the same code, options and settings."""
    stamp = cache_dir(ch, opts) / f"render{opts.quality}-{opts.fmt}{'-t' if opts.transparent else ''}.json"
    if not (stamp.exists() and video_path(ch, opts).exists()):
        return False
    saved = json.loads(stamp.read_text())
    return saved.get("key") == chapter_key(ch, opts, saved.get("examples", []))


def mark_up_to_date(ch: Chapter, opts: Options, deps_file: Path) -> None:
    names = json.loads(deps_file.read_text()) if deps_file.exists() else []
    stamp = cache_dir(ch, opts) / f"render{opts.quality}-{opts.fmt}{'-t' if opts.transparent else ''}.json"
    stamp.write_text(json.dumps({"examples": names, "key": chapter_key(ch, opts, names)}))


class ChapterRun(NamedTuple):
    chapter: Chapter
    seconds: float      # wall time of its manim process (0 when kept from the chapter cache)
    status: int         # exit status
    log: Path | None
    peak_mb: float      # peak resident memory of its manim process
    cached: bool        # kept: code, options and settings unchanged


def render_chapter(ch: Chapter, opts: Options, extra: tuple = (), env_extra: dict | None = None
                   ) -> ChapterRun:
    """Run manim for one chapter, timing it and reading its peak memory (``os.wait4``)."""
    root = media_root(opts)
    log_dir = root / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    # Chapters render in parallel: give each its own TeX/text cache folder so that two processes
    # never compile or read the same cache file at once (the rest of manim.cfg still applies).
    # Not inside media/Tex: manim deletes every non-.tex/.svg entry there after a compile.
    cfg = log_dir / f"{ch.name}.cfg"
    cfg.write_text("[CLI]\n"
                   f"media_dir = {root}\n"
                   f"tex_dir = {{media_dir}}/chapter_caches/{ch.name}/Tex\n"
                   f"text_dir = {{media_dir}}/chapter_caches/{ch.name}/texts\n")
    cmd = [sys.executable, "-m", "manim", "render", opts.quality, "--progress_bar", "none",
           "--config_file", str(cfg), "--format", opts.fmt, *(["-t"] if opts.transparent else []),
           *extra, ch.file, ch.scene]
    env = dict(os.environ)
    if opts.config:
        env[CONFIG_ENV] = str(Path(opts.config).resolve())
    else:
        env.pop(CONFIG_ENV, None)
    env.update(env_extra or {})
    deps_file = cache_dir(ch, opts) / "examples_read.json"
    deps_file.parent.mkdir(parents=True, exist_ok=True)
    deps_file.unlink(missing_ok=True)
    env["NTK_DEPS_FILE"] = str(deps_file)
    log = log_dir / f"{ch.name}.log"
    t0 = time.perf_counter()
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = rc = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t0
    if rc == 0 and not extra and not env_extra:  # a plain video render: remember what made it
        mark_up_to_date(ch, opts, deps_file)
    return ChapterRun(ch, seconds, rc, log, usage.ru_maxrss / 1024, False)


def render_all(opts: Options, extra: tuple = (), verb: str = "Rendering", env_extra: dict | None = None
               ) -> list[ChapterRun] | None:
    """Render ``opts.chapters`` in parallel with progress lines; None if any failed."""
    n = len(opts.chapters)
    workers = max(1, min(n, os.cpu_count() or 1))
    print(f"{verb} {n} chapter(s) at {opts.quality} ({QUALITY_FLAGS[opts.quality]}) with "
          f"{workers} process(es)" + (f", settings from {opts.config}" if opts.config else ""), flush=True)

    def job(item):
        k, ch = item
        if not extra and not env_extra and not opts.force and is_up_to_date(ch, opts):
            print(f"[{k}/{n}] {ch.name} … unchanged, kept {video_path(ch, opts).relative_to(ROOT)}",
                  flush=True)
            return ChapterRun(ch, 0.0, 0, None, 0.0, True)
        print(f"[{k}/{n}] {ch.name} … started", flush=True)
        run = render_chapter(ch, opts, extra, env_extra)
        status = (f"done in {run.seconds:.1f} s" if run.status == 0
                  else f"FAILED (exit {run.status}), see {run.log.relative_to(ROOT)}")
        print(f"[{k}/{n}] {ch.name} … {status}", flush=True)
        return run

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(job, enumerate(opts.chapters, 1)))
    failed = [(r.chapter, r.log) for r in results if r.status != 0]
    for ch, log in failed:
        # The last lines of the log usually say why (e.g. a diverging setting).
        tail = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()][-3:]
        print(f"error: {ch.name} failed:\n  " + "\n  ".join(tail), file=sys.stderr)
    return None if failed else results


def check_config(opts: Options) -> int:
    """Validate the settings file before anything renders: 0, or 2 with the message."""
    if not opts.config:
        return 0
    from ntkcore.config import ConfigError, load_config
    try:
        load_config(opts.config)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


def last_frame_path(ch: Chapter, opts: Options) -> Path:
    """Where ``manim -s`` leaves a chapter's last frame."""
    found = sorted((media_root(opts) / "images" / Path(ch.file).stem).glob(f"{ch.scene}*.png"),
                   key=lambda p: p.stat().st_mtime)
    if not found:
        raise FileNotFoundError(f"no last frame for {ch.name} under {media_root(opts) / 'images'}")
    return found[-1]


def stills(opts: Options, width: int = 640) -> int:
    """The README's pictures: each chapter's last frame at -ql, scaled to ``width`` px, in docs/."""
    from PIL import Image

    opts.quality = "-ql"
    if render_all(opts, ("-s",), verb="Last frames of") is None:
        return 1
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    for ch in opts.chapters:
        img = Image.open(last_frame_path(ch, opts)).convert("RGB")
        img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
        out = docs / f"{ch.name}.png"
        img.save(out, optimize=True)
        print(f"{out.relative_to(ROOT)}  ({out.stat().st_size // 1024} KB)")
    return 0


def posters(opts: Options) -> int:
    """A poster frame (the last frame, full resolution of the quality) per chapter."""
    if render_all(opts, ("-s",), verb="Poster frames of") is None:
        return 1
    out_dir = media_root(opts) / "posters"
    out_dir.mkdir(parents=True, exist_ok=True)
    for ch in opts.chapters:
        out = out_dir / f"{ch.name}_{QUALITY_FLAGS[opts.quality]}.png"
        shutil.copyfile(last_frame_path(ch, opts), out)
        print(f"  {out.relative_to(ROOT)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    mode = argv[0] if argv[:1] and argv[0] in ("stills", "posters") else "render"
    try:
        opts = parse_options(argv[1:] if mode != "render" else argv)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if check_config(opts):
        return 2
    if mode == "stills":
        return stills(opts)
    if mode == "posters":
        return posters(opts)

    return 0 if render_video(opts) is not None else 1


def render_video(opts: Options) -> dict | None:
    """Render the chapters, then stitch the full video and its subtitles when all are asked for.

    Returns ``{"runs": [ChapterRun], "seconds": wall time, "video": path or None,
    "video_seconds": float or None}``, or None if a chapter failed.
    """
    t_all = time.perf_counter()
    runs = render_all(opts)
    if runs is None:
        return None
    videos = [video_path(ch, opts) for ch in opts.chapters]
    print("\nChapter videos:")
    for v in videos:
        print(f"  {v.relative_to(ROOT)}")
    out, seconds = None, None
    if opts.all_chapters and opts.fmt != "gif":
        out = stitched_path(opts, videos[0].suffix)
        seconds = stitch(videos, out)
        n_cues = stitch_srt([(v.with_suffix(".srt"), duration_seconds(v)) for v in videos],
                            out.with_suffix(".srt"))
        print(f"Full video ({seconds:.1f} s): {out.relative_to(ROOT)}")
        print(f"Subtitles ({n_cues} cues): {out.with_suffix('.srt').relative_to(ROOT)}")
    elif opts.all_chapters:
        print("(GIF clips are not stitched; use mp4 or webm for the full video)")
    wall = time.perf_counter() - t_all
    print(f"Total wall time: {wall:.1f} s")
    return {"runs": runs, "seconds": wall, "video": out, "video_seconds": seconds}


if __name__ == "__main__":
    sys.exit(main())
