"""The script, exported: ``script.toml`` holds every step's words with their placeholders (edit or
translate it, and ``--script`` reads it back: :func:`export_script`); the narration script holds
them filled in with the numbers, for every step its chapter, id, on-screen caption and spoken text,
as Markdown (to read or print) and CSV (UTF-8), all written atomically.

A lecturer reads it to record their own ``<step_id>.wav`` files (see :mod:`.recordings`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ._files import atomic_write_text
from .pronounce import speakable

CSV_HEADER = ("chapter", "step_id", "caption", "spoken")


@dataclass(frozen=True)
class ScriptRow:
    chapter: str
    step_id: str
    caption: str
    spoken: str


def script_rows(steps: Iterable[tuple[str, str, str] | tuple[str, str, str, str | None]]) -> list[ScriptRow]:
    """``(chapter, step_id, caption[, spoken])`` -> rows; a missing/None spoken text is ``speakable(caption)``."""
    rows = []
    for step in steps:
        chapter, step_id, caption, *rest = step
        spoken = rest[0] if rest and rest[0] is not None else speakable(caption)
        rows.append(ScriptRow(chapter, step_id, caption, spoken))
    return rows


def _md_cell(s: str) -> str:
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def script_markdown(rows: Iterable[ScriptRow], title: str = "Narration script") -> str:
    """One section per chapter (in first-appearance order), a table of its steps."""
    out = [f"# {title}", ""]
    chapter = None
    for r in rows:
        if r.chapter != chapter:
            chapter = r.chapter
            out += ["", f"## {_md_cell(chapter)}", "", "| step id | on screen | spoken |", "| --- | --- | --- |"]
        out.append(f"| `{r.step_id}` | {_md_cell(r.caption)} | {_md_cell(r.spoken)} |")
    return "\n".join(out).replace("\n\n\n", "\n\n") + "\n"


def script_csv(rows: Iterable[ScriptRow]) -> str:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    for r in rows:
        w.writerow((r.chapter, r.step_id, r.caption, r.spoken))
    return buf.getvalue()


def write_script(rows: Iterable[ScriptRow], out_dir: Path, stem: str = "narration_script") -> tuple[Path, Path]:
    """Write ``<stem>.md`` and ``<stem>.csv`` into ``out_dir`` atomically; returns both paths."""
    rows = list(rows)
    out_dir = Path(out_dir)
    md_path = atomic_write_text(out_dir / f"{stem}.md", script_markdown(rows))
    csv_path = atomic_write_text(out_dir / f"{stem}.csv", script_csv(rows))
    return md_path, csv_path


EXPORT_HEADER = """\
# The words of ntk-explainer, one entry per step: edit or translate them, then render with
#   ./render.sh --script THIS_FILE          (or: narrated / slides / stills ... --script THIS_FILE)
# [CHAPTER.steps.KEY]: caption (on screen, subtitles) and spoken (narration, slides' notes); the
# step's id is CHAPTER.KEY (recordings: CHAPTER.KEY.wav).  [CHAPTER.steps.title]: the title card's
# bridge.  Keep every {placeholder}: the chapter fills it with its numbers.  A sub-table
# [CHAPTER.steps.KEY.VARIANT] holds other words that other settings make true.  Entries you delete
# stay English.  language: a two-letter code (de, fr, ...): it names the outputs and tags the
# subtitle track.  Format: scenes/script.py.
"""


def export_script(chapters, translation: Path | None = None) -> str:
    """Every word of ``chapters`` (scenes.story.Chapter) as one script file: the chapters' own
    words, with ``translation`` laid over them when given; ``--script`` reads it back."""
    from scenes.script import (dump_toml, export_tables, load_chapter_script, load_translation, overlay,
                               shared_labels)
    tr = load_translation(translation) if translation else None
    data = {"language": tr.language if tr else "en"}
    for ch in chapters:
        own = load_chapter_script(ch.script_file)
        if tr is not None:
            own = overlay(own, tr.chapters.get(ch.name), f"{tr.source} [{ch.name}]")
        data[ch.name] = export_tables(own)
    labels = shared_labels()
    if tr is not None:
        labels.update({k: v for k, v in tr.labels.items() if k in labels})
    data["labels"] = labels
    return dump_toml(data, EXPORT_HEADER)
