"""``./render.sh readme``: the README's chapter table, written from the last render, and its speed
table, written from the last benchmark (``media/bench.json``, ``./render.sh bench``).

Each chapter's clip is followed by ``<Scene>.steps.json`` (``scenes.base``: the chapter's length and
each step's start), so its length in the full edition is measured, not typed, and its length in a
cut is that minus the spans of the steps the cut leaves out (their animations run instantly).  The
table sits between the two markers below in README.md; the titles and the one-line descriptions are
the story's (``scenes/chapters/*.toml``: ``title`` and ``roadmap``), the pictures ``docs/NAME.png``
(``./render.sh stills``).  ``tests/test_readme.py`` keeps every stated length equal to the chapter's
dry-run build, so the README cannot drift from the video.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from pipeline.chapters import CHAPTERS, cuts
from pipeline.paths import ROOT

BEGIN, END = "<!-- chapter table: ./render.sh readme writes it -->", "<!-- end of chapter table -->"
README = ROOT / "README.md"
ROW = re.compile(r"\*\*(\d+)\. .*? \((\d+) s(?:, (?:lecture )?(\d+) s)?\)\*\*")


def cut_seconds(seconds: float, starts: dict, skip) -> float:
    """A chapter's length in a cut: ``seconds`` minus the span of every skipped step (from its start
    to the next step's start, or the chapter's end).  ``starts``: step id → start, in order."""
    ids = list(starts)
    ends = [starts[i] for i in ids[1:]] + [seconds]
    return seconds - sum(e - starts[i] for i, e in zip(ids, ends) if i in skip)


def measured(media: Path | None = None, quality: str = "480p15") -> dict:
    """``{chapter: (full seconds, lecture seconds or None)}`` from the steps files of the last render
    in ``media`` (default ``media/``).  Raises FileNotFoundError naming the first chapter not
    rendered."""
    media = media or ROOT / "media"
    lecture = cuts().get("lecture")
    out = {}
    for ch in CHAPTERS:
        f = media / "videos" / ch.stem / quality / f"{ch.scene}.steps.json"
        if not f.is_file():
            raise FileNotFoundError(f"{ch.name} has no rendered clip at {quality} ({f}); run ./render.sh first")
        data = json.loads(f.read_text(encoding="utf-8"))
        starts = {s["id"]: s.get("begin", s["start"]) for s in data["steps"]}   # a step's span starts at its begin
        full = float(data["seconds"])
        short = cut_seconds(full, starts, lecture.skip) if lecture and ch.name in lecture.chapters else None
        out[ch.name] = (full, short)
    return out


def description(roadmap: str) -> str:
    """The roadmap line without the name it repeats: "Example 1: a lookup table; one data point
    moves one dot." → "One data point moves one dot."."""
    text = roadmap.split("; ", 1)[1] if "; " in roadmap else roadmap.rsplit(": ", 1)[-1]
    return text[:1].upper() + text[1:]


def cell(ch, full: float, short: float | None) -> str:
    lengths = f"{full:.0f} s" + (f", lecture {short:.0f} s" if short is not None else "")
    text = f": {description(ch.roadmap)}" if ch.roadmap and ch.roadmap.rstrip(".") != ch.title else ""
    return f"**{ch.number}. {ch.title} ({lengths})**{text} ![](docs/{ch.name}.png)"


def minutes(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m} min {s:02d} s"


def table(lengths: dict) -> str:
    """The README block: the editions' lengths, then two chapters a row."""
    full = sum(v[0] for v in lengths.values())
    short = sum(v[1] for v in lengths.values() if v[1] is not None)
    lines = [BEGIN,
             f"The full edition runs **{minutes(full)}** ({full:.0f} s) in {len(lengths)} chapters; the lecture cut "
             f"(`--cut lecture`) **{minutes(short)}** ({short:.0f} s). Measured from the render by "
             f"`./render.sh readme`.", "", "| | |", "|---|---|"]
    cells = [cell(ch, *lengths[ch.name]) for ch in CHAPTERS if ch.name in lengths]
    for i in range(0, len(cells), 2):
        pair = cells[i:i + 2] + [""] * (2 - len(cells[i:i + 2]))
        lines.append(f"| {pair[0]} | {pair[1]} |")
    lines.append(END)
    return "\n".join(lines)


def stated(text: str) -> dict:
    """``{number: (full, lecture or None)}`` as the README states them."""
    block = text[text.index(BEGIN):text.index(END)]
    return {int(n): (int(f), int(c) if c else None) for n, f, c in ROW.findall(block)}


def write(lengths: dict, readme: Path = README) -> None:
    write_block(table(lengths), BEGIN, END, readme)


# --------------------------------------------------------------------------- the speed table

SPEED_BEGIN = "<!-- speed table: ./render.sh readme writes it from media/bench.json -->"
SPEED_END = "<!-- end of speed table -->"

#: Rows of the whole video's renders: (real-time factor key, its render seconds key, what, target,
#: how to measure it when the benchmark did not).
RENDER_ROWS = [
    ("rtf_ql", "render_seconds_ql", "whole video at `-ql` (480p15)", "≤ 0.20×", "`./render.sh bench`"),
    ("rtf_qh", "render_seconds_qh", "whole video at `-qh` (1080p60)", "≤ 0.8×", "`./render.sh bench -qh`"),
    ("rtf_lecture", "render_seconds_lecture", "whole video at the lecture preset (1080p30)", "≤ 0.45×",
     "`bench` has no lecture-preset run yet; `./render.sh --quality lecture` prints its wall time"),
    ("rtf_narrated_ql", "render_seconds_narrated_ql", "narrated edition at `-ql`, voice cache empty", "≤ 0.3×",
     "`./render.sh bench --narrated`"),
]


def speed_rows(report: dict) -> list:
    """``[(what, measured, target)]`` from a benchmark's report (``media/bench.json``); a figure the
    benchmark did not measure says which command measures it."""
    rows = []
    for rtf, secs, what, target, how in RENDER_ROWS:
        video = report.get("video_seconds_narrated" if "narrated" in rtf else "video_seconds")
        if report.get(rtf) is None or video is None:
            rows.append((what, f"not measured by this run ({how})", target))
        else:
            rows.append((what, f"{report[secs]:.0f} s for {video:.0f} s of video, **{report[rtf]:.2f}×**", target))
    sim = (report.get("scaling_ql") or {}).get("simulated_wall_seconds")
    if sim:
        ratio = sim["16"] / sim["2"]
        rows.append(("`-ql` wall time expected on 2 / 16 / 64 cores (simulated from the chapter times; a "
                     "chapter is the unit of work)",
                     f"{sim['2']:.0f} s / {sim['16']:.0f} s / {sim['64']:.0f} s (16 cores: **{ratio:.2f}** of 2)",
                     "16 cores ≤ 1/6 of 2"))
    if report.get("manim_overhead") is not None:
        rows.append((f"one chapter vs a bare Manim scene replaying its timeline "
                     f"({report.get('manim_overhead_chapter', '?')}, median of "
                     f"{len(report.get('manim_overhead_chapter_seconds') or [0])})",
                     f"**{report['manim_overhead']:.2f}**", "≤ 1.0"))
    if report.get("rerender_ratio") is not None:
        rows.append(("one setting changed: the whole re-render vs the chapters that read it",
                     f"{report['rerender_seconds']:.0f} s vs {report['rerender_chapter_seconds']:.0f} s, "
                     f"**{report['rerender_ratio']:.2f}**", "≤ 1.2"))
    if report.get("relu_kernels_seconds") is not None:
        rows.append(("`relu_kernels` 1000×1000 (atan2 form, jitted, median)",
                     f"{1000 * report['relu_kernels_seconds']:.0f} ms, {report['relu_kernels_speedup']:.1f}× "
                     f"faster than the arccos form", "—"))
    if report.get("ntk_structured_seconds") is not None:
        rows.append(("empirical NTK, width 4096, 41 inputs, structured path",
                     f"{report['ntk_structured_seconds']:.3f} s (Jacobian path {report['ntk_jacobian_seconds']:.1f} s; "
                     f"max difference {report['ntk_paths_max_abs_diff']:.0e})", "≤ 0.1 s"))
    return rows


def speed_table(report: dict) -> str:
    machine = report.get("machine") or {}
    lines = [SPEED_BEGIN,
             f"From `media/bench.json` ({'`bench --quick`, ' if report.get('quick') else ''}"
             f"{machine.get('cpus', '?')} cores, {report.get('bench_seconds', 0) / 60:.0f} min of benchmark), "
             f"written by `./render.sh readme`.", "", "| what | measured | target |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in speed_rows(report)]
    lines.append(SPEED_END)
    return "\n".join(lines)


def write_block(block: str, begin: str, end: str, readme: Path = README) -> None:
    """Replace README's text from ``begin`` to ``end`` (both kept) by ``block``; atomic."""
    text = readme.read_text(encoding="utf-8")
    if begin not in text or end not in text:
        raise ValueError(f"{readme}: the markers are missing ({begin!r} … {end!r})")
    new = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    tmp = readme.with_name(readme.name + ".partial")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, readme)


def main(media: Path | None = None, log=print) -> int:
    try:
        lengths = measured(media)
    except FileNotFoundError as e:
        log(f"error: {e}")
        return 1
    write(lengths)
    full = sum(v[0] for v in lengths.values())
    log(f"README.md: the chapter table from the last render ({full:.0f} s in {len(lengths)} chapters)")
    bench = (media or ROOT / "media") / "bench.json"
    if bench.is_file():
        write_block(speed_table(json.loads(bench.read_text(encoding="utf-8"))), SPEED_BEGIN, SPEED_END)
        log(f"README.md: the speed table from {bench}")
    else:
        log(f"README.md: the speed table is kept as it is ({bench} is not there: ./render.sh bench writes it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
