"""The README's chapter table states each chapter's length in the full edition and the lecture cut
(``./render.sh readme`` writes it from a render's steps files): every stated length is within its
budget and agrees with the chapter's dry-run build (up to frame rounding, and the smaller wide
settings the tests build on), so the README cannot drift from the video unnoticed."""

import pytest

from pipeline import readme
from pipeline.chapters import CHAPTERS, cuts

NAMES = [c.name for c in CHAPTERS]


def test_a_cut_takes_off_the_skipped_spans():
    starts = {"a.title": 0.0, "a.one": 4.0, "a.two": 10.0, "a.three": 12.5}
    assert readme.cut_seconds(20.0, starts, {"a.one"}) == pytest.approx(14.0)
    assert readme.cut_seconds(20.0, starts, {"a.three", "a.title"}) == pytest.approx(8.5)
    assert readme.cut_seconds(20.0, starts, set()) == 20.0


def test_the_table_reads_back_what_it_writes():
    lengths = {c.name: (10.0 + c.number, None if c.number % 3 else 5.0 + c.number) for c in CHAPTERS}
    text = "before\n" + readme.table(lengths) + "\nafter"
    got = readme.stated(text)
    assert got == {c.number: (10 + c.number, None if c.number % 3 else 5 + c.number) for c in CHAPTERS}
    full = sum(v[0] for v in lengths.values())
    assert f"({full:.0f} s) in {len(CHAPTERS)} chapters" in text


def tolerance(ch, seconds: float) -> float:
    """How far a rendered length may be from the dry-run build's: a real render rounds every
    animation and wait to whole frames (15 fps: about 1 s over a chapter), and the tests build the
    chapters that load wide-network numbers on the SMALL settings (fewer widths to walk through)."""
    return 0.05 * seconds if ch.data else 1.5


@pytest.mark.parametrize("name", NAMES)     # ids are chapter names: each runs with its chapter (conftest)
def test_the_readme_states_the_chapters_length(chapter_scene, name):
    scene = chapter_scene(name)
    ch = next(c for c in CHAPTERS if c.name == name)
    full, lecture = readme.stated(readme.README.read_text(encoding="utf-8"))[ch.number]
    assert full <= ch.seconds, f"{name}: README {full} s, budget {ch.seconds} s"
    assert abs(full - scene.chapter_seconds) <= tolerance(ch, full), \
        f"{name}: README {full} s, built {scene.chapter_seconds:.1f} s"
    cut = cuts()["lecture"]
    if name in cut.chapters:
        starts = {s.id: s.begin for s in scene.steps}
        short = readme.cut_seconds(scene.chapter_seconds, starts, cut.skip)
        assert lecture is not None and lecture <= ch.cut_seconds["lecture"]
        assert abs(lecture - short) <= tolerance(ch, lecture), f"{name}: lecture {lecture} s, built {short:.1f} s"
    else:
        assert lecture is None
