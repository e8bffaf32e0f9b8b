"""Subtitles: each chapter's captions become timed subcaptions (.srt); the stitched .srt shifts
them by the chapters before."""

import datetime
import subprocess
import sys

import pytest
import srt

from scene_helpers import construct
from scenes.stitch import duration_seconds, stitch_srt


def _cue(i, a, b, text):
    return srt.Subtitle(i, datetime.timedelta(seconds=a), datetime.timedelta(seconds=b), text)


def test_stitched_srt_is_shifted_and_monotone(tmp_path):
    a, b = tmp_path / "a.srt", tmp_path / "b.srt"
    a.write_text(srt.compose([_cue(1, 0, 2, "one"), _cue(2, 2, 5.5, "two")]))
    b.write_text(srt.compose([_cue(1, 0, 1, "three"), _cue(2, 1, 9, "four")]))
    out = tmp_path / "all.srt"
    n = stitch_srt([(a, 5.0), (tmp_path / "missing.srt", 3.0), (b, 4.0)], out)
    cues = list(srt.parse(out.read_text()))
    assert n == 4 == len(cues)
    starts = [c.start.total_seconds() for c in cues]
    ends = [c.end.total_seconds() for c in cues]
    # a: clipped to its 5 s; the missing chapter still takes its 3 s; b shifted by 5 + 3 = 8 s.
    assert starts == [0, 2, 8, 9] and ends == [2, 5, 9, 12]
    assert all(s1 <= s2 for s1, s2 in zip(starts, starts[1:]))
    assert [c.content for c in cues] == ["one", "two", "three", "four"]


def test_scene_narration_becomes_subcaptions_inside_the_clip():
    from scenes.ch1_lookup_table import LookupTable
    scene = construct(LookupTable)
    cues = scene.subtitle_cues
    assert len(cues) == len(scene.narration) >= 5
    end = scene.renderer.time
    times = [(a, b) for a, b, _ in cues]
    assert all(0 <= a < b <= end + 1e-9 for a, b in times)
    assert all(b1 <= a2 + 1e-9 for (_, b1), (a2, _) in zip(times, times[1:]))  # no overlaps
    assert times[-1][1] == pytest.approx(end)  # the last caption lasts to the end of the clip
    assert cues[0][2] == scene.example.title


@pytest.mark.render
def test_rendered_clip_has_its_srt(tmp_path):
    cmd = [sys.executable, "-m", "manim", "render", "-ql", "--progress_bar", "none",
           "--media_dir", str(tmp_path), "-r", "320,180", "scenes/ch1_lookup_table.py", "LookupTable"]
    subprocess.run(cmd, check=True, capture_output=True)
    video = next(tmp_path.glob("videos/ch1_lookup_table/*/LookupTable.mp4"))
    cues = list(srt.parse(video.with_suffix(".srt").read_text()))
    length = duration_seconds(video)
    assert len(cues) >= 5
    assert all(0 <= c.start.total_seconds() < c.end.total_seconds() <= length + 0.05 for c in cues)
