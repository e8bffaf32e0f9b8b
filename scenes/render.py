"""Render chapters with manim (one process per chapter, in parallel) and stitch them in story order.

Run through ``./render.sh [NAME...] [-ql|-qm|-qh|-qk]``; this module does the part after set-up.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from scenes.chapters import QUALITY_FLAGS, Chapter, UsageError, parse_args
from scenes.stitch import duration_seconds, stitch, stitch_srt

ROOT = Path(__file__).resolve().parent.parent
MEDIA = ROOT / "media"


def video_path(ch: Chapter, quality: str) -> Path:
    """Where manim writes a chapter's MP4 (media_dir is set in manim.cfg)."""
    return MEDIA / "videos" / Path(ch.file).stem / QUALITY_FLAGS[quality] / f"{ch.scene}.mp4"


def stitched_path(quality: str) -> Path:
    suffix = "" if quality == "-ql" else f"_{QUALITY_FLAGS[quality]}"
    return MEDIA / f"ntk_explainer{suffix}.mp4"


def render_chapter(ch: Chapter, quality: str, log_dir: Path, extra: tuple = ()) -> tuple[float, int]:
    """Run manim for one chapter; returns (seconds, exit status).  Output goes to a log file."""
    log_dir.mkdir(parents=True, exist_ok=True)
    # Chapters render in parallel: give each its own TeX/text cache folder so that two processes
    # never compile or read the same cache file at once (the rest of manim.cfg still applies).
    # Not inside media/Tex: manim deletes every non-.tex/.svg entry there after a compile.
    cfg = log_dir / f"{ch.name}.cfg"
    cfg.write_text("[CLI]\n"
                   f"tex_dir = {{media_dir}}/chapter_caches/{ch.name}/Tex\n"
                   f"text_dir = {{media_dir}}/chapter_caches/{ch.name}/texts\n")
    cmd = [sys.executable, "-m", "manim", "render", quality, "--progress_bar", "none",
           "--config_file", str(cfg), *extra, ch.file, ch.scene]
    t0 = time.perf_counter()
    with open(log_dir / f"{ch.name}.log", "w") as log:
        rc = subprocess.run(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT).returncode
    return time.perf_counter() - t0, rc


def last_frame_path(ch: Chapter) -> Path:
    """Where ``manim -s`` leaves a chapter's last frame."""
    found = sorted((MEDIA / "images" / Path(ch.file).stem).glob(f"{ch.scene}*.png"),
                   key=lambda p: p.stat().st_mtime)
    if not found:
        raise FileNotFoundError(f"no last frame for {ch.name} under {MEDIA / 'images'}")
    return found[-1]


def stills(chapters: list[Chapter], width: int = 640) -> int:
    """The README's pictures: each chapter's last frame at -ql, scaled to ``width`` px, in docs/."""
    from PIL import Image

    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    log_dir = MEDIA / "logs"
    with ThreadPoolExecutor(max_workers=max(1, min(len(chapters), os.cpu_count() or 1))) as pool:
        results = list(pool.map(lambda ch: (ch, render_chapter(ch, "-ql", log_dir, ("-s",))), chapters))
    for ch, (secs, rc) in results:
        if rc != 0:
            print(f"error: {ch.name} failed, see {log_dir / (ch.name + '.log')}", file=sys.stderr)
            return 1
        img = Image.open(last_frame_path(ch)).convert("RGB")
        img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
        out = docs / f"{ch.name}.png"
        img.save(out, optimize=True)
        print(f"{out.relative_to(ROOT)}  ({out.stat().st_size // 1024} KB, {secs:.1f} s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["stills"]:
        try:
            chapters, _ = parse_args(argv[1:])
        except UsageError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        return stills(chapters)
    try:
        chapters, quality = parse_args(argv)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    n = len(chapters)
    log_dir = MEDIA / "logs"
    workers = max(1, min(n, os.cpu_count() or 1))
    print(f"Rendering {n} chapter(s) at {quality} ({QUALITY_FLAGS[quality]}) with {workers} process(es)",
          flush=True)
    t_all = time.perf_counter()

    def job(item):
        k, ch = item
        print(f"[{k}/{n}] {ch.name} … started", flush=True)
        secs, rc = render_chapter(ch, quality, log_dir)
        status = f"done in {secs:.1f} s" if rc == 0 else f"FAILED (exit {rc}), see {log_dir / (ch.name + '.log')}"
        print(f"[{k}/{n}] {ch.name} … {status}", flush=True)
        return ch, rc

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(job, enumerate(chapters, 1)))
    failed = [ch.name for ch, rc in results if rc != 0]
    if failed:
        print(f"error: {len(failed)} chapter(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1

    print("\nChapter videos:")
    for ch in chapters:
        print(f"  {video_path(ch, quality).relative_to(ROOT)}")
    if len(chapters) == len(parse_args([])[0]):
        out = stitched_path(quality)
        videos = [video_path(ch, quality) for ch in chapters]
        seconds = stitch(videos, out)
        n_cues = stitch_srt([(v.with_suffix(".srt"), duration_seconds(v)) for v in videos],
                            out.with_suffix(".srt"))
        print(f"Full video ({seconds:.1f} s): {out.relative_to(ROOT)}")
        print(f"Subtitles ({n_cues} cues): {out.with_suffix('.srt').relative_to(ROOT)}")
    print(f"Total wall time: {time.perf_counter() - t_all:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
