"""How much a chapter costs beyond Manim itself: the chapter's render time divided by that of a bare
Manim scene with the same timeline and similar mobjects, built here from the chapter.

The chapter is built once without writing video while every ``play`` is recorded: its run time, a
copy of every mobject on screen after it, and of every animated mobject before and after it (pickled).
The bare scene is a plain ``manim.Scene`` that replays that timeline with those very mobjects — each
play a ``Transform`` of the animated ones from their state before to their state after, for the same
run time, over the same static picture — with no JAX, no ntkcore, no caption logic, no slides.  Both
are rendered with ``--disable_caching`` at the same quality, alternating, and the medians compared.

    python -m pipeline.bench.overhead record CHAPTER OUT.pkl      # (child process) the timeline
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from pipeline.paths import ROOT


def _drawn(mob) -> int:
    return sum(1 for m in mob.get_family() if m.has_points())


def record(chapter_name: str, out: Path) -> None:
    """Build the chapter in dry run and pickle its timeline: per play ``(run_time, static mobjects,
    [(animated before, animated after)])``."""
    import importlib
    import pickle

    from manim import Scene, tempconfig

    from pipeline.chapters import by_name

    ch = by_name()[chapter_name]
    timeline = []
    original = Scene.play

    def play(self, *args, **kwargs):
        t0 = self.renderer.time
        mobs = [getattr(a, "mobject", None) for a in args]
        mobs = [m for m in mobs if m is not None]
        before = [m.copy() for m in mobs]
        result = original(self, *args, **kwargs)
        moving_ids = {id(m) for m in mobs}
        static = [m.copy() for m in self.mobjects if id(m) not in moving_ids and _drawn(m)]
        timeline.append((self.renderer.time - t0, static, list(zip(before, [m.copy() for m in mobs]))))
        return result

    Scene.play = play
    try:
        cls = getattr(importlib.import_module(ch.module), ch.scene)
        with tempconfig({"dry_run": True, "write_to_movie": False, "disable_caching": True,
                         "verbosity": "WARNING", "progress_bar": "none"}):
            cls().render()
    finally:
        Scene.play = original
    with open(out, "wb") as fh:
        pickle.dump(timeline, fh)


BARE = '''"""A bare Manim scene replaying a chapter's timeline (written by pipeline/bench/overhead.py)."""
import pickle
from pathlib import Path

from manim import Scene, Transform

with open(Path(__file__).with_suffix(".pkl"), "rb") as fh:
    TIMELINE = pickle.load(fh)


class Bare(Scene):
    def construct(self):
        self.camera.background_color = "#FFFFFF"   # the chapter's background
        for run_time, static, moving in TIMELINE:
            self.clear()
            self.add(*static, *[b for b, _ in moving])
            self.play(*[Transform(b, a) for b, a in moving] or [], run_time=max(run_time, 1 / 15)) if moving \\
                else self.wait(max(run_time, 1 / 15))
'''


def _render(cmd, env) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def measure(chapter_name: str, work: Path, repeats: int = 3, quality: str = "l") -> dict:
    """``{"manim_overhead": median chapter / median bare, ...}`` for one chapter (alternating runs)."""
    from pipeline.chapters import by_name, manim_quality_args

    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "JAX_PLATFORMS": "cpu"}
    timeline = work / "bare_scene.pkl"
    subprocess.run([sys.executable, "-m", "pipeline.bench.overhead", "record", chapter_name, str(timeline)],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    bare = work / "bare_scene.py"
    bare.write_text(BARE)
    ch = by_name()[chapter_name]
    common = [sys.executable, "-m", "manim", "render", *manim_quality_args(quality), "--disable_caching", "--progress_bar", "none"]
    chapter_cmd = [*common, "--media_dir", str(work / "chapter"), ch.file, ch.scene]
    bare_cmd = [*common, "--media_dir", str(work / "bare"), str(bare), "Bare"]
    chapter_s, bare_s = [], []
    for _ in range(repeats):
        chapter_s.append(_render(chapter_cmd, env))
        bare_s.append(_render(bare_cmd, env))
    import pickle
    with open(timeline, "rb") as fh:
        steps = pickle.load(fh)
    return {"manim_overhead": statistics.median(chapter_s) / statistics.median(bare_s),
            "manim_overhead_chapter": chapter_name,
            "manim_overhead_chapter_seconds": chapter_s, "manim_overhead_bare_seconds": bare_s,
            "manim_overhead_plays": len(steps), "manim_overhead_timeline_seconds": sum(s[0] for s in steps)}


if __name__ == "__main__":
    if sys.argv[1:2] == ["record"] and len(sys.argv) == 4:
        record(sys.argv[2], Path(sys.argv[3]))
        sys.exit(0)
    sys.exit("usage: python -m pipeline.bench.overhead record CHAPTER OUT.pkl")
