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
from scenes.stitch import stitch

ROOT = Path(__file__).resolve().parent.parent
MEDIA = ROOT / "media"


def video_path(ch: Chapter, quality: str) -> Path:
    """Where manim writes a chapter's MP4 (media_dir is set in manim.cfg)."""
    return MEDIA / "videos" / Path(ch.file).stem / QUALITY_FLAGS[quality] / f"{ch.scene}.mp4"


def stitched_path(quality: str) -> Path:
    suffix = "" if quality == "-ql" else f"_{QUALITY_FLAGS[quality]}"
    return MEDIA / f"ntk_explainer{suffix}.mp4"


def render_chapter(ch: Chapter, quality: str, log_dir: Path) -> tuple[float, int]:
    """Run manim for one chapter; returns (seconds, exit status).  Output goes to a log file."""
    log_dir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "manim", "render", quality, "--progress_bar", "none", ch.file, ch.scene]
    t0 = time.perf_counter()
    with open(log_dir / f"{ch.name}.log", "w") as log:
        rc = subprocess.run(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT).returncode
    return time.perf_counter() - t0, rc


def main(argv: list[str] | None = None) -> int:
    try:
        chapters, quality = parse_args(sys.argv[1:] if argv is None else argv)
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
        seconds = stitch([video_path(ch, quality) for ch in chapters], out)
        print(f"Full video ({seconds:.1f} s): {out.relative_to(ROOT)}")
    print(f"Total wall time: {time.perf_counter() - t_all:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
