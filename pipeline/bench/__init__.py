"""``./render.sh bench [-qh] [--profile CHAPTER]``: how fast the explainer renders and the NTK computes.

Measures, in one run, with plain tools (``time.perf_counter``; peak memory of each manim process
from ``os.wait4``):

1. The empirical NTK of the two-hidden-layer ReLU net of width 4096 (16.8 M parameters) on 41
   inputs, float64, after warm-up: the structured path (``ntkcore.wide.mlp_ntk_structured``) and
   the generic Jacobian path (``ntkcore.ntk``), and how far apart they are.
2. The full pipeline at -ql from an empty manim cache (all chapters in parallel + stitching), per
   chapter: video duration, render wall time, real-time factor, peak memory.
3. One setting changed (Example 5's number of training steps), everything re-rendered: unchanged
   chapters come from the chapter cache, so this costs about that one chapter.
4. With ``-qh``: the full pipeline at -qh as well.  With ``--profile CHAPTER``: a cProfile of that
   chapter's render, top functions by cumulative time.

Prints a table and writes ``media/bench.json``.  Renders go to ``media/configs/bench/`` (a settings
file of that name), so the normal renders are untouched.  Nothing here asserts a timing.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time

from pipeline.chapters import CHAPTERS, by_name, manim_quality_args
from pipeline.media import duration_seconds
from pipeline.paths import MEDIA, ROOT
from pipeline.render import Options, video_path
from pipeline.video import render_video

BENCH_CONFIG = MEDIA / "bench" / "bench.toml"
CHANGED = "[examples.training]\nsteps = 12\n"  # read by one chapter only: training


def ntk_timings(width: int = 4096, n: int = 41, repeats: int = 5) -> dict:
    import jax
    import jax.numpy as jnp
    import numpy as np

    import ntkcore
    from ntkcore import wide

    arch = wide.MLP(depth=2)
    x = jnp.asarray(wide.scale_inputs(np.linspace(-10, 20, n)))
    params = wide.init_params(jax.random.PRNGKey(0), width, arch)
    n_params = sum(W.size + b.size for W, b in params)

    structured = jax.jit(lambda p: wide.mlp_ntk_structured(p, x, x, arch))
    jacobian = jax.jit(lambda p: ntkcore.ntk(lambda th, xx: wide.apply(th, xx, arch), p, x))

    def best_of(fn, k):
        fn(params).block_until_ready()  # warm-up: compile
        times = []
        for _ in range(k):
            t0 = time.perf_counter()
            out = fn(params).block_until_ready()
            times.append(time.perf_counter() - t0)
        return min(times), float(np.median(times)), out

    s_min, s_med, k_s = best_of(structured, repeats)
    j_min, j_med, k_j = best_of(jacobian, 2)
    relu = relu_timings()
    return {"width": width, "inputs": n, "parameters": int(n_params),
            "ntk_structured_seconds": s_min, "ntk_structured_median_seconds": s_med,
            "ntk_jacobian_seconds": j_min, "ntk_jacobian_median_seconds": j_med,
            "ntk_paths_max_abs_diff": float(jnp.abs(k_s - k_j).max()),
            "ntk_max_abs": float(jnp.abs(k_s).max()), **relu}


def relu_timings(n: int = 1000, repeats: int = 7) -> dict:
    """The analytic kernels on 1000 × 1000 inputs (jitted, median): today's atan2 form, and the
    arccos/sin form it replaced (kept here only to report the ratio)."""
    import jax
    import jax.numpy as jnp
    import numpy as np

    from ntkcore import wide

    x = jnp.asarray(np.random.default_rng(0).normal(size=(n, 3)))

    def median(fn):
        fn(x)[1].block_until_ready()
        ts = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn(x)[1].block_until_ready()
            ts.append(time.perf_counter() - t0)
        return float(np.median(ts))

    new = median(jax.jit(lambda a: wide.relu_kernels(a, a, 2)))
    old = median(jax.jit(lambda a: wide.relu_kernels_arccos(a, a, 2)))
    return {"relu_kernels_seconds": new, "relu_kernels_arccos_form_seconds": old,
            "relu_kernels_speedup": old / new}


#: ``bench --quick``: three short chapters, for contributors (same keys as the full benchmark)
QUICK = ("opening", "lookup_table", "linear")
CHOSEN: list = []     # the chapters this run benchmarks (all, or QUICK)


def bench_options(quality: str) -> Options:
    return Options(chapters=list(CHOSEN or CHAPTERS), quality=quality, config=str(BENCH_CONFIG))


def pipeline(quality: str, fresh: bool) -> dict:
    """Render everything with the bench settings file; ``fresh`` empties its media folder first and
    renders every chapter (``force``: no clip is taken from the clip store, where an earlier render
    of the same code and settings would otherwise be found, and nothing rendered)."""
    import dataclasses

    opts = dataclasses.replace(bench_options(quality), force=fresh)
    if fresh and opts.root.exists():
        shutil.rmtree(opts.root)
    result = render_video(opts)
    if result is None:
        raise SystemExit("bench: a chapter failed to render (see the log named above)")
    return result


def chapter_records(result: dict, quality: str) -> list[dict]:
    opts = bench_options(quality)
    out = []
    for run in result["runs"]:
        dur = duration_seconds(video_path(run.chapter, opts))
        out.append({"chapter": run.chapter.name, "quality": quality, "video_seconds": dur,
                    "render_seconds": run.seconds, "rtf": run.seconds / dur if dur else None,
                    "peak_memory_mb": run.peak_mb, "cached": run.cached})
    return out


def profile(chapter: str, quality: str = "l", top: int = 20) -> str:
    ch = by_name()[chapter]
    out = MEDIA / "bench" / f"{chapter}.prof"
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "manim", "render", *manim_quality_args(quality),
           "--disable_caching", "--progress_bar", "none", "--media_dir", str(MEDIA / "bench" / "profile"),
           ch.file, ch.scene]
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    import io
    import pstats
    buf = io.StringIO()
    pstats.Stats(str(out), stream=buf).sort_stats("cumulative").print_stats(top)
    return buf.getvalue(), profile_split(out)


#: Where a frame's time goes: the first rule whose text is in a profiled function's file name wins.
PROFILE_PARTS = (
    ("encoding and joining", ("scene_file_writer", "/av/", "pipeline/stitch", "pipeline/media")),
    ("cairo: paths and rasterisation", ("camera/", "cairo")),
    ("TeX and text", ("tex_file_writing", "text_mobject", "tex_mobject", "svg_mobject", "manimpango")),
    ("updates and interpolation", ("manim/animation/", "manim/mobject/", "manim/utils/")),
    ("scene construction (ours and ntkcore)", ("/scenes/", "/ntkcore/", "/jax/", "/jaxlib/")),
)


def profile_split(prof_file) -> dict:
    """``{part: seconds}``: the profile's own time (tottime) of every function, summed by
    :data:`PROFILE_PARTS` (the rest is "other": manim's scene loop, Python itself)."""
    import pstats
    stats = pstats.Stats(str(prof_file)).stats
    out = {name: 0.0 for name, _ in PROFILE_PARTS}
    out["other"] = 0.0
    for (filename, _, _), (_, _, tottime, _, _) in stats.items():
        part = next((name for name, keys in PROFILE_PARTS if any(k in filename for k in keys)), "other")
        out[part] += tottime
    return out


def simulated_wall(costs, cores: int) -> float:
    """The wall time of rendering jobs of ``costs`` (seconds of one core each) on ``cores`` cores,
    longest first, each to the core that frees first (the render's own schedule)."""
    import heapq
    free = [0.0] * max(1, cores)
    for c in sorted(costs, reverse=True):
        t = heapq.heappop(free)
        heapq.heappush(free, t + c)
    return max(free)


def scaling(chapters: list[dict], quality: str = "l") -> dict:
    """Expected wall time on 2, 16 and 64 cores from the measured per-chapter render times (a
    chapter is the unit of work, so from 13 cores on the longest chapter bounds the wall time)."""
    costs = [c["render_seconds"] for c in chapters if c["quality"] == quality and not c.get("cached")]
    if not costs:
        return {}
    return {"simulated_wall_seconds": {str(n): simulated_wall(costs, n) for n in (2, 16, 64)},
            "total_core_seconds": sum(costs), "longest_chapter_seconds": max(costs)}


def bench(args) -> int:
    """The benchmark of a parsed command line (``args.quality``: "h" also times -qh)."""
    quick = bool(getattr(args, "quick", False))
    CHOSEN[:] = [by_name()[n] for n in QUICK] if quick else list(CHAPTERS)
    report = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                          "python": platform.python_version(), "processor": platform.processor()},
              "quick": quick, "chapters_benchmarked": [c.name for c in CHOSEN]}
    t_bench = time.perf_counter()

    if not args.skip_ntk and not quick:
        print("== NTK of a width-4096 ReLU net on 41 inputs", flush=True)
        # In a child process: its gigabytes of Jacobian are gone before the renders start (forked
        # render processes would otherwise report the parent's memory as their peak).
        out = subprocess.run([sys.executable, "-m", "pipeline.bench", "--ntk-only"], check=True,
                             capture_output=True, text=True, cwd=ROOT)
        report.update(json.loads(out.stdout.strip().splitlines()[-1]))

    BENCH_CONFIG.parent.mkdir(parents=True, exist_ok=True)
    BENCH_CONFIG.write_text("# written by benchmarks/bench.py: the default settings\n")
    print("\n== Full pipeline at -ql, empty manim cache", flush=True)
    full = pipeline("l", fresh=True)
    chapters = chapter_records(full, "l")
    video_seconds = sum(c["video_seconds"] for c in chapters)
    report.update({"video_seconds": video_seconds, "render_seconds_ql": full["seconds"],
                   "rtf_ql": full["seconds"] / video_seconds})

    print("\n== One setting changed (examples.training.steps): only the chapters that read it render again", flush=True)
    BENCH_CONFIG.write_text("# written by benchmarks/bench.py: one setting changed\n" + CHANGED)
    again = pipeline("l", fresh=False)
    rerendered = [r for r in again["runs"] if not r.cached]
    report.update({"rerender_seconds": again["seconds"],
                   "rerender_chapters": [r.chapter.name for r in rerendered],
                   "rerender_chapter_seconds": sum(r.seconds for r in rerendered)})
    # (None when no benchmarked chapter reads the changed setting: nothing was rendered again)
    report["rerender_ratio"] = (report["rerender_seconds"] / report["rerender_chapter_seconds"]
                                if rerendered and report["rerender_chapter_seconds"] > 0 else None)

    qh = args.quality == "h"
    if qh:
        BENCH_CONFIG.write_text("# written by benchmarks/bench.py: the default settings\n")
        print("\n== Full pipeline at -qh, empty manim cache", flush=True)
        full_qh = pipeline("h", fresh=False)  # -qh has its own video folders: nothing cached there
        chapters += chapter_records(full_qh, "h")
        report.update({"render_seconds_qh": full_qh["seconds"],
                       "rtf_qh": full_qh["seconds"] / video_seconds})
    report["chapters"] = chapters
    report["scaling_ql"] = scaling(chapters, "l")

    print("\n== Manim overhead: one chapter against a bare Manim scene of the same timeline", flush=True)
    from pipeline.bench.overhead import measure
    report.update(measure("lookup_table", MEDIA / "bench" / "overhead", repeats=1 if quick else 3))

    if getattr(args, "narrated", False):
        print("\n== Narrated edition at -ql, empty voice cache and manim cache", flush=True)
        from pipeline.narrated import narrated
        opts = Options(chapters=list(CHAPTERS), quality="l", config=str(BENCH_CONFIG))
        shutil.rmtree(opts.root / "narrated", ignore_errors=True)
        shutil.rmtree(opts.root / "narration", ignore_errors=True)
        result = narrated(opts)
        if result is None:
            raise SystemExit("bench: a narrated chapter failed to render")
        syn = result["synthesis"] or {}
        report.update({"render_seconds_narrated_ql": result["seconds"], "video_seconds_narrated": result["video_seconds"],
                       "rtf_narrated_ql": result["seconds"] / result["video_seconds"],
                       "synthesis_seconds": syn.get("seconds"), "speech_seconds": syn.get("audio_seconds"),
                       "synthesis_per_speech_second": (syn.get("seconds") or 0) / max(syn.get("audio_seconds") or 1, 1e-9)})

    if args.profile:
        print(f"\n== cProfile of {args.profile}", flush=True)
        report["profile_top"], split = profile(args.profile, "h" if qh else "l")
        report["profile_split_seconds"] = split
        print(report["profile_top"])
        whole = sum(split.values()) or 1.0
        for part, sec in sorted(split.items(), key=lambda kv: -kv[1]):
            print(f"  {part:<40} {sec:7.1f} s  {100 * sec / whole:5.1f} %")

    report["bench_seconds"] = time.perf_counter() - t_bench
    out = MEDIA / ("bench_quick.json" if quick else "bench.json")
    out.write_text(json.dumps(report, indent=2))

    print("\nchapter            q    video s  render s   RTF  peak MB")
    for c in chapters:
        print(f"{c['chapter']:<17} {c['quality']:<4} {c['video_seconds']:8.1f} {c['render_seconds']:9.1f} "
              f"{c['rtf']:5.2f} {c['peak_memory_mb']:8.0f}")
    print(f"\nvideo {video_seconds:.1f} s; full -ql render {report['render_seconds_ql']:.1f} s "
          f"(RTF {report['rtf_ql']:.2f}, target <= 0.20)")
    if qh:
        print(f"full -qh render {report['render_seconds_qh']:.1f} s (RTF {report['rtf_qh']:.2f}, target <= 0.8)")
    if report["rerender_ratio"] is None:
        print(f"re-render after one setting change: {report['rerender_seconds']:.1f} s; no benchmarked chapter "
              "reads it, so nothing was rendered again")
    else:
        print(f"re-render after one setting change: {report['rerender_seconds']:.1f} s; the changed chapter(s) "
              f"{', '.join(report['rerender_chapters'])} took {report['rerender_chapter_seconds']:.1f} s "
              f"(ratio {report['rerender_ratio']:.2f}, target <= 1.2)")
    print(f"manim overhead (lookup_table vs a bare scene of its timeline, median of 3): "
          f"{report['manim_overhead']:.2f} (target <= 1.0)")
    if "rtf_narrated_ql" in report:
        print(f"narrated edition at -ql: {report['render_seconds_narrated_ql']:.1f} s for "
              f"{report['video_seconds_narrated']:.1f} s (RTF {report['rtf_narrated_ql']:.2f}, target <= 0.3); "
              f"synthesis {report['synthesis_per_speech_second']:.2f} s per second of speech (target <= 0.25)")
    sim = report["scaling_ql"].get("simulated_wall_seconds")
    if sim:
        print("expected -ql wall time by cores (chapters as units, longest first): "
              + ", ".join(f"{n} cores {t:.0f} s" for n, t in sim.items())
              + f"; the longest chapter alone {report['scaling_ql']['longest_chapter_seconds']:.0f} s")
    if "ntk_structured_seconds" in report:
        print(f"relu_kernels 1000x1000: {report['relu_kernels_seconds'] * 1e3:.1f} ms "
              f"({report['relu_kernels_speedup']:.1f}x the arccos form)")
        print(f"NTK {report['parameters'] / 1e6:.1f} M parameters, {report['inputs']} inputs: structured "
              f"{report['ntk_structured_seconds']:.3f} s (target <= 0.1), Jacobian "
              f"{report['ntk_jacobian_seconds']:.1f} s, max |difference| {report['ntk_paths_max_abs_diff']:.1e}")
    print(f"written: {out.relative_to(ROOT)}")
    return 0


def main(argv) -> int:
    """``python -m pipeline.bench --ntk-only``: the NTK timings as one JSON line (a child process)."""
    if argv == ["--ntk-only"]:
        print(json.dumps(ntk_timings()))
        return 0
    sys.exit("usage: ./render.sh bench [-qh] [--profile CHAPTER] [--skip-ntk]")
