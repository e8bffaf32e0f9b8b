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


def test_the_speed_table_states_the_benchmarks_figures_and_names_what_it_did_not_measure(tmp_path):
    # A benchmark report as ./render.sh bench writes it (at -ql only: no -qh, lecture or narrated run).
    report = {"machine": {"cpus": 2}, "quick": False, "bench_seconds": 600.0,
              "video_seconds": 929.3, "render_seconds_ql": 232.3, "rtf_ql": 232.3 / 929.3,
              "scaling_ql": {"simulated_wall_seconds": {"2": 230.0, "16": 46.0, "64": 46.0}},
              "manim_overhead": 0.93, "manim_overhead_chapter": "lookup_table",
              "manim_overhead_chapter_seconds": [20.0, 21.0, 22.0],
              "rerender_seconds": 30.0, "rerender_chapter_seconds": 27.0, "rerender_ratio": 30.0 / 27.0,
              "relu_kernels_seconds": 0.02, "relu_kernels_speedup": 2.3,
              "ntk_structured_seconds": 0.056, "ntk_jacobian_seconds": 10.1, "ntk_paths_max_abs_diff": 6e-15}
    text = readme.speed_table(report)
    rows = {r[0]: (r[1], r[2]) for r in readme.speed_rows(report)}
    assert rows["whole video at `-ql` (480p15)"] == ("232 s for 929 s of video, **0.25×**", "≤ 0.20×")
    assert rows["whole video at `-qh` (1080p60)"][0] == "not measured by this run (`./render.sh bench -qh`)"
    assert "not measured" in rows["narrated edition at `-ql`, voice cache empty"][0]
    assert any(m == "230 s / 46 s / 46 s (16 cores: **0.20** of 2)" for m, _ in rows.values())
    assert ("**0.93**", "≤ 1.0") in rows.values() and "1.11" in text and "20 ms, 2.3×" in text
    assert text.startswith(readme.SPEED_BEGIN) and text.endswith(readme.SPEED_END)
    # Written between the markers, the rest of the file as it was.
    page = tmp_path / "README.md"
    page.write_text(f"top\n{readme.SPEED_BEGIN}\nold\n{readme.SPEED_END}\nbottom\n", encoding="utf-8")
    readme.write_block(text, readme.SPEED_BEGIN, readme.SPEED_END, page)
    assert page.read_text(encoding="utf-8") == f"top\n{text}\nbottom\n"
