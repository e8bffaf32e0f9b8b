"""``./render.sh readme``: the README's chapter table, written from the last render.

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
    text = readme.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise ValueError(f"{readme}: the chapter table's markers are missing ({BEGIN!r} … {END!r})")
    new = text[:text.index(BEGIN)] + table(lengths) + text[text.index(END) + len(END):]
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
