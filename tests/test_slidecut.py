"""Slides cut from a rendered clip (pipeline.slidecut) and written as a deck (pipeline.slides), on
small clips made here with PyAV: no manim render.

A clip is cut at its steps' start frames, exactly: where every slide starts on a key frame (as in
manim's clips) the packets are copied and the frames come back bit for bit; elsewhere the slides
are re-encoded with the same frames.  Cuts are kept by the clip's sha256; the deck's formats are
kept while the slides are the same and removed when they are not.
"""

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest

from pipeline import slidecut
from pipeline.chapters import CHAPTERS
from pipeline.render import Options, file_hash

FPS = 10


def make_clip(path: Path, n: int = 30, keys=(0, 10, 20), size=(64, 48)) -> Path:
    """``n`` frames at 10 fps, frame i a flat grey of level 8·i; IDR key frames at ``keys``."""
    import av
    with av.open(str(path), "w", format="mp4") as oc:
        st = oc.add_stream("libx264", rate=FPS, options={"crf": "18", "forced-idr": "1", "g": "1000",
                                                         "keyint_min": "1000", "sc_threshold": "0"})
        st.width, st.height, st.pix_fmt = size[0], size[1], "yuv420p"
        for i in range(n):
            frame = av.VideoFrame.from_ndarray(np.full((size[1], size[0], 3), 8 * i, np.uint8), format="rgb24")
            frame.pts = i
            if i in keys:
                frame.pict_type = av.video.frame.PictureType.I
            oc.mux(st.encode(frame))
        oc.mux(st.encode())
    return path


def write_steps(clip: Path, starts, seconds=None, chapter="demo") -> None:
    steps = [{"id": f"{chapter}.s{k}", "caption": f"caption {k}", "notes": f"notes of step {k}",
              "start": s, "end": s + 0.5} for k, s in enumerate(starts)]
    slidecut.steps_path(clip).write_text(json.dumps({"chapter": chapter, "seconds": seconds or 3.0, "steps": steps}))


def frames_of(path: Path) -> list:
    import av
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="yuv420p") for f in c.decode(video=0)]


def test_slides_start_at_each_step_and_the_last_runs_to_the_end(tmp_path):
    clip = make_clip(tmp_path / "Demo.mp4")
    write_steps(clip, [0.3, 1.0, 2.0])               # the first slide starts at frame 0 all the same
    info = slidecut.clip_info(clip)
    assert (info.fps, info.frames, sorted(info.keyframes)) == (FPS, 30, [0, 10, 20])
    bounds = slidecut.slide_frames(slidecut.read_steps(clip), info)
    assert [(a, b) for a, b, _ in bounds] == [(0, 10), (10, 20), (20, 30)]
    assert [s["id"] for _, _, s in bounds] == ["demo.s0", "demo.s1", "demo.s2"]


def test_a_step_on_the_same_frame_as_the_next_makes_no_slide(tmp_path):
    clip = make_clip(tmp_path / "Demo.mp4")
    write_steps(clip, [0.0, 1.0, 1.01, 2.0])
    bounds = slidecut.slide_frames(slidecut.read_steps(clip), slidecut.clip_info(clip))
    assert [(a, b, s["id"]) for a, b, s in bounds] == [(0, 10, "demo.s0"), (10, 20, "demo.s2"), (20, 30, "demo.s3")]


def test_cut_on_key_frames_copies_the_frames_bit_for_bit(tmp_path):
    clip = make_clip(tmp_path / "Demo.mp4")
    write_steps(clip, [0.0, 1.0, 2.0])
    info = slidecut.clip_info(clip)
    bounds = slidecut.slide_frames(slidecut.read_steps(clip), info)
    outs = [tmp_path / f"s{k}.mp4" for k in range(3)]
    assert slidecut.cut_clip(clip, bounds, outs, info) == "copied"
    whole = frames_of(clip)
    cut = [f for out in outs for f in frames_of(out)]
    assert len(cut) == len(whole) == 30
    assert all(np.array_equal(a, b) for a, b in zip(whole, cut))
    for out in outs:                                  # each slide's clip starts at 0 s and lasts 1 s
        info = slidecut.clip_info(out)
        assert info.pts[0] == 0 and info.frames == 10 and 0 in info.keyframes


def test_cut_between_key_frames_re_encodes_the_same_frames(tmp_path):
    clip = make_clip(tmp_path / "Demo.mp4")
    write_steps(clip, [0.0, 0.7, 2.3])                # frames 7 and 23 are not key frames
    info = slidecut.clip_info(clip)
    bounds = slidecut.slide_frames(slidecut.read_steps(clip), info)
    assert [(a, b) for a, b, _ in bounds] == [(0, 7), (7, 23), (23, 30)]
    outs = [tmp_path / f"s{k}.mp4" for k in range(3)]
    assert slidecut.cut_clip(clip, bounds, outs, info) == "encoded"
    levels = [float(f[0].mean()) for out in outs for f in frames_of(out)]   # the Y plane's level
    whole = [float(f[0].mean()) for f in frames_of(clip)]
    assert len(levels) == 30
    assert max(abs(a - b) for a, b in zip(levels, whole)) < 2.0


def test_cuts_are_kept_by_the_clips_content(tmp_path):
    clip = make_clip(tmp_path / "Demo.mp4")
    write_steps(clip, [0.0, 1.0, 2.0])
    said = []
    first = slidecut.cut_chapter(clip, file_hash(clip), tmp_path / "cache", said.append)
    assert len(said) == 1 and "3 slides cut" in said[0] and "(copied)" in said[0]
    stamp = [s.file.stat().st_mtime_ns for s in first]
    again = slidecut.cut_chapter(clip, file_hash(clip), tmp_path / "cache", said.append)
    assert len(said) == 1                                    # nothing cut the second time
    assert [s.file for s in again] == [s.file for s in first]
    assert [s.file.stat().st_mtime_ns for s in again] == stamp
    assert [s.notes for s in again] == ["notes of step 0", "notes of step 1", "notes of step 2"]
    write_steps(clip, [0.0, 2.0])                            # other steps: another cut
    other = slidecut.cut_chapter(clip, file_hash(clip), tmp_path / "cache", said.append)
    assert len(said) == 2 and len(other) == 2 and other[0].file.parent != first[0].file.parent


def test_a_clip_without_its_steps_or_with_another_clips_steps_is_refused(tmp_path):
    clip = make_clip(tmp_path / "Demo.mp4")
    with pytest.raises(slidecut.CutError, match="Demo.steps.json is missing"):
        slidecut.cut_chapter(clip, file_hash(clip), tmp_path / "cache")
    write_steps(clip, [0.0, 1.0], seconds=12.0)
    with pytest.raises(slidecut.CutError, match="does not belong"):
        slidecut.cut_chapter(clip, file_hash(clip), tmp_path / "cache")


def test_deck_names_carry_the_edition_and_the_quality():
    from pipeline.slides import deck_name
    part = CHAPTERS[:2]
    assert deck_name(Options(), None) == "ntk_explainer"
    assert deck_name(Options(chapters=part), None) == f"ntk_explainer-{part[0].name}-{part[1].name}"
    assert deck_name(Options(chapters=part[:1]), "lecture3") == "lecture3"
    assert deck_name(Options(quality="h"), None) == "ntk_explainer_1080p60"
    assert deck_name(Options(chapters=part[:1], quality="h", language="de"), "lecture3") == "lecture3_de_1080p60"
    names = {deck_name(Options(quality=q, language=lang), n) for q in "lh" for lang in ("en", "de") for n in (None, "x")}
    assert len(names) == 8                                   # never the same deck


def deck_from(tmp_path, starts_by_chapter, targets, log=None):
    """A deck of small clips, through the same functions as ``./render.sh slides``."""
    from pipeline import slides as sl
    all_slides = []
    for chapter, starts in starts_by_chapter.items():
        clip = make_clip(tmp_path / f"{chapter}.mp4")
        write_steps(clip, starts, chapter=chapter)
        all_slides += slidecut.cut_chapter(clip, file_hash(clip), tmp_path / "cache", lambda *a: None)
    folder = tmp_path / "decks" / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    presentation = sl.write_presentation(folder, "demo", all_slides, "#fafafa")
    sl.convert(folder, "demo", presentation, targets, log or (lambda *a: None))
    return folder, presentation


@pytest.mark.e2e   # a real process
def test_the_presentation_is_manim_slides_own_and_relative_to_the_deck(tmp_path):
    from manim_slides.config import PresentationConfig
    folder, presentation = deck_from(tmp_path, {"one": [0.0, 1.0, 2.0], "two": [0.0, 2.0]}, ("pdf",))
    data = json.loads(presentation.read_text())
    assert [s["file"] for s in data["slides"]] == [f"demo_assets/{n}" for n in sorted(os.listdir(folder / "demo_assets"))]
    assert all(s["notes"].startswith("notes of step") for s in data["slides"])
    moved = tmp_path / "elsewhere"
    folder.rename(moved)                                     # the deck folder copied elsewhere still reads
    config = PresentationConfig.from_file(moved / "slides" / "demo.json")
    assert len(config.slides) == 5 and all(s.file.is_relative_to(moved) for s in config.slides)
    pdf = (moved / "demo.pdf").read_bytes()
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 5


@pytest.mark.e2e   # a real process
def test_formats_are_kept_for_the_same_slides_and_removed_for_other_slides(tmp_path):
    said = []
    folder, _ = deck_from(tmp_path, {"one": [0.0, 1.0, 2.0]}, ("pdf", "pptx"), said.append)
    pptx = folder / "demo.pptx"
    made = pptx.stat().st_mtime_ns
    said.clear()
    deck_from(tmp_path, {"one": [0.0, 1.0, 2.0]}, ("pdf",), said.append)      # the same slides: kept
    assert pptx.stat().st_mtime_ns == made
    assert any("demo.pdf (unchanged, kept)" in s for s in said)
    said.clear()
    deck_from(tmp_path, {"one": [0.0, 2.0]}, ("pdf",), said.append)           # other slides
    assert not pptx.exists() and any("removed" in s and "demo.pptx" in s for s in said)
    assert len(os.listdir(folder / "demo_assets")) == 2                       # the old clips are gone
    digest = hashlib.sha256((folder / "demo.pdf").read_bytes()).hexdigest()
    assert json.loads((folder.parent / ".demo.made.json").read_text())["pdf"]["sha256"] == digest
