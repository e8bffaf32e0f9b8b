"""Reading and joining rendered files (pipeline.media, pipeline.stitch): a video counts as whole
only if it decodes and its frames fill its duration; chapters are joined without re-encoding and
their subtitles shifted by the chapters before."""

import datetime

import pytest
import srt

from media_helpers import make_video
from pipeline.media import BrokenVideo, duration_seconds, verify_video
from pipeline.stitch import stitch, stitch_srt


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
    # a: clipped to its 5 s; the missing chapter still takes its 3 s; b shifted by 5 + 3 = 8 s and
    # clipped to its 4 s (ends at 12).
    assert [c.start.total_seconds() for c in cues] == [0, 2, 8, 9]
    assert [c.end.total_seconds() for c in cues] == [2, 5, 9, 12]
    assert [c.content for c in cues] == ["one", "two", "three", "four"]


def test_verify_video_accepts_a_whole_video(tmp_path):
    video = make_video(tmp_path / "v.mp4", frames=30, fps=15)
    assert verify_video(video) == (30, pytest.approx(2.0))
    assert duration_seconds(video) == pytest.approx(2.0)


@pytest.mark.parametrize("damage", ["missing", "empty", "truncated", "not a video"])
def test_verify_video_refuses_a_broken_one(tmp_path, damage):
    video = make_video(tmp_path / "v.mp4", frames=30, fps=15)
    data = video.read_bytes()
    if damage == "missing":
        video.unlink()
    elif damage == "empty":
        video.write_bytes(b"")
    elif damage == "truncated":
        video.write_bytes(data[: len(data) * 2 // 3])
    else:
        video.write_text("this is a settings file, not a video\n")
    with pytest.raises(BrokenVideo):
        verify_video(video)


def test_stitch_joins_without_gaps_and_leaves_no_partial_file(tmp_path):
    parts = [make_video(tmp_path / f"{k}.mp4", frames=n, fps=15, shade=50 * k) for k, n in enumerate((15, 30, 6))]
    out = tmp_path / "all.mp4"
    seconds = stitch(parts, out)
    assert seconds == pytest.approx((15 + 30 + 6) / 15)
    assert verify_video(out) == (51, pytest.approx(seconds))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.mp4", "1.mp4", "2.mp4", "all.mp4"]
    with pytest.raises(ValueError):
        stitch([], tmp_path / "none.mp4")
