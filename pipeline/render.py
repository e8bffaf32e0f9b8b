"""Render chapters with manim, one process per chapter, in parallel, and keep what is unchanged.

A render is a :class:`Session`: it reads and validates the settings file once (the chapters read
that snapshot, so an edit during the render changes nothing), computes the wide-network numbers the
chapters need (:mod:`pipeline.datacache`), and writes the runtime contract
(:mod:`scenes.runtime`) every chapter process reads.

A chapter is skipped when its video is verified whole and was made from the same *key*: the source
of ``scenes/`` and ``ntkcore/``, manim's configuration, the chapter, every render option, the
settings it reads, the theme, the data it loads and manim's version — all taken before rendering
starts.  Chapters render into ``staging/``; only a video that decodes and whose frames fill its
duration is renamed into ``videos/`` and counts as done.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from pipeline import clipstore
from pipeline.chapters import Chapter, manim_quality_args
from pipeline.locks import FileLock
from pipeline.media import BrokenVideo, verify_video
from pipeline.paths import MEDIA, ROOT
from pipeline.options import (Options, chapter_titles, extension, rel, staging_path, stitched_path,  # noqa: F401
                              subtitle_language, variant, video_path)
from pipeline.processes import CHILDREN, FINISHED, Interrupted, _signal_group, install_signal_handlers  # noqa: F401
from pipeline.session import (Session, check_script, file_hash, is_up_to_date, mark_up_to_date,  # noqa: F401
                              say_changes, settings_changes, stamp_path)


# --------------------------------------------------------------------------- one chapter


class ChapterRun(NamedTuple):
    chapter: Chapter
    seconds: float      # wall time of its manim process (0 when kept)
    status: int         # exit status (0: done)
    log: Path | None
    peak_mb: float      # peak resident memory of its manim process
    cached: bool        # kept: its key did not change
    reused: str = ""    # taken from the clip store (an earlier render under another name or folder)


def manim_config(ch: Chapter, opts: Options) -> Path:
    """A manim config file for one chapter process: its own TeX/text caches (chapters render in
    parallel), and videos written into ``staging/``."""
    root = opts.root
    cfg = root / "logs" / f"{ch.name}-{variant(opts)}-{opts.fmt}.cfg"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text("[CLI]\n"
                   f"media_dir = {root}\n"
                   "video_dir = {media_dir}/staging/{module_name}/" + variant(opts) + "\n"
                   "images_dir = {media_dir}/staging/images/{module_name}\n"
                   f"tex_dir = {{media_dir}}/chapter_caches/{ch.name}/Tex\n"
                   f"text_dir = {{media_dir}}/chapter_caches/{ch.name}/texts\n"
                   "notify_outdated_version = False\n"
                   # the next animation draws while the last one's frames are encoded (manim
                   # waits for each one's encoder otherwise); the frames are the same
                   "max_inflight_encoders = 2\n", encoding="utf-8")
    return cfg


def run_manim(ch: Chapter, opts: Options, runtime_file: Path, extra: tuple = ()) -> ChapterRun:
    """Run manim for one chapter (in its own process group), timing it and reading its peak memory."""
    from scenes.runtime import Runtime

    cfg = manim_config(ch, opts)
    cmd = [sys.executable, "-m", "manim", "render", *manim_quality_args(opts.quality), "--progress_bar", "none",
           "--config_file", str(cfg), "--format", opts.fmt, *(["-t"] if opts.transparent else []),
           *extra, ch.file, ch.scene]
    env = {k: v for k, v in os.environ.items()}
    env.update(Runtime.environ(runtime_file))
    env.setdefault("JAX_PLATFORMS", "cpu")
    log = cfg.with_suffix(".log")
    t0 = time.perf_counter()
    with open(log, "w") as fh:
        proc = CHILDREN.start(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, env=env)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = rc = os.waitstatus_to_exitcode(status)
        finally:
            CHILDREN.done(proc)
    return ChapterRun(ch, time.perf_counter() - t0, rc, log, usage.ru_maxrss / 1024, False)


def render_chapter(ch: Chapter, session: Session, runtime_file: Path, extra: tuple = (),
                   keep: bool = True) -> ChapterRun:
    """Render one chapter's clip unless its key is unchanged (``keep``); verify it; move it into
    place; stamp it.  ``extra`` manim options (e.g. ``-s``) make a still, not a clip."""
    opts = session.opts
    key = session.chapter_key(ch, extra)
    with FileLock(opts.root / "locks" / f"{ch.name}-{variant(opts)}-{opts.fmt}.lock",
                  on_wait=lambda owner: session.log(f"   {ch.name}: waiting for another render ({owner})")):
        if keep and not extra and not opts.force and is_up_to_date(ch, opts, key):
            FINISHED.append(ch.name)
            return ChapterRun(ch, 0.0, 0, None, 0.0, True)
        stamp_path(ch, opts).unlink(missing_ok=True)
        if keep and not extra and not opts.force:
            stored = clipstore.find(key, clipstore.stores(opts.media, MEDIA), file_hash)
            if stored is not None:
                clipstore.take(stored, video_path(ch, opts))
                mark_up_to_date(ch, opts, key)
                FINISHED.append(ch.name)
                return ChapterRun(ch, 0.0, 0, None, 0.0, True, rel(stored.parent))
        run = run_manim(ch, opts, runtime_file, extra)
        if run.status != 0 or extra:
            return run
        if key != session.chapter_key(ch, extra):   # the code changed while it rendered
            session.log(f"   {ch.name}: its code changed during the render; it will render again next time")
            keep_stamp = False
        else:
            keep_stamp = True
        staged = staging_path(ch, opts)
        try:
            verify_video(staged)
        except BrokenVideo as e:
            run.log.write_text(run.log.read_text(errors="replace") + f"\nerror: {e}\n")
            return run._replace(status=1)
        final = video_path(ch, opts)
        final.parent.mkdir(parents=True, exist_ok=True)
        for side in (".srt", ".steps.json"):      # the subtitles, the steps' times (slides cut from the clip)
            extra_file = staged.with_name(staged.stem + side)
            if extra_file.exists():
                os.replace(extra_file, final.with_name(final.stem + side))
        os.replace(staged, final)
        if keep_stamp:
            mark_up_to_date(ch, opts, key)
            clipstore.put(key, final, file_hash(final), opts.media)
        FINISHED.append(ch.name)
        return run


def render_all(session: Session, contract: dict, extra: tuple = (), verb: str = "Rendering",
               keep: bool = True) -> list | None:
    """Render ``opts.chapters`` in parallel (longest first) with progress lines; None if any failed.

    ``contract``: the runtime-contract fields of every chapter process (scenes.runtime.Runtime); the
    wide-network numbers a chapter loads are computed (once) when its turn comes, while the other
    worker renders chapters that need none."""
    opts, log = session.opts, session.log
    n = len(opts.chapters)
    workers = max(1, min(n, os.cpu_count() or 1))
    log(f"{verb} {n} chapter(s) at {opts.folder} with {workers} process(es)"
        + (f", settings from {opts.config}" if opts.config else ""))
    if opts.config:
        say_changes(session)
    weight = {ch.name: ch.cost for ch in opts.chapters}
    progress = {"done": 0.0, "t0": time.perf_counter(), "lock": threading.Lock()}

    def eta(ch) -> str:
        """``(3 of 14 left, about 2 min)``: from the chapters' expected shares of the work."""
        with progress["lock"]:
            progress["done"] += weight[ch.name]
            done, total = progress["done"], sum(weight.values())
            spent = time.perf_counter() - progress["t0"]
        if done >= total:
            return ""
        left = spent * (total - done) / done
        return f"  ({100 * done / total:.0f}% of the work, about {left / 60:.1f} min left)"

    def job(ch):
        k = f"{ch.number:>2}"
        if keep and not extra and not opts.force and is_up_to_date(ch, opts, session.chapter_key(ch)):
            log(f"{k} {ch.name} … unchanged, kept {rel(video_path(ch, opts))}")
            FINISHED.append(ch.name)
            return ChapterRun(ch, 0.0, 0, None, 0.0, True)
        if ch.data:
            session.need_data([ch])
        runtime_file = session.contract(f"runtime-{ch.name}", **contract)
        log(f"{k} {ch.name} … started")
        run = render_chapter(ch, session, runtime_file, extra, keep)
        if run.reused:
            log(f"{k} {ch.name} … unchanged since an earlier render, reused from {run.reused}")
        elif run.cached:
            log(f"{k} {ch.name} … rendered by the other process meanwhile, kept")
        elif run.status == 0:
            log(f"{k} {ch.name} … done in {run.seconds:.1f} s{eta(ch)}")
        else:
            log(f"{k} {ch.name} … FAILED (exit {run.status}), see {rel(run.log)}")
        return run

    order = sorted(opts.chapters, key=lambda c: -c.cost)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = {r.chapter.name: r for r in pool.map(job, order)}
    runs = [results[ch.name] for ch in opts.chapters]
    failed = [r for r in runs if r.status != 0]
    for r in failed:
        if CHILDREN.stopping:
            break
        tail = [ln for ln in r.log.read_text(errors="replace").splitlines() if ln.strip()][-3:]
        print(f"error: {r.chapter.name} failed:\n  " + "\n  ".join(tail), file=sys.stderr)
    return None if failed else runs

