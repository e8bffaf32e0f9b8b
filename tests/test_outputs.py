"""What a user gets out: the defaults as a settings file that --config accepts unchanged, and a
stitched MP4 with chapter markers, a subtitle track and (narrated) one continuous sound track."""

from __future__ import annotations

import datetime
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import srt

from ntkcore.settings import DEFAULTS, load_settings
from pipeline.stitch import read_cues, stitch

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.e2e   # a real process
def test_settings_command_prints_the_defaults_as_a_valid_file(tmp_path):
    from scenes.theme import Theme
    out = subprocess.run([sys.executable, "-m", "pipeline", "settings"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and out.stderr == ""
    path = tmp_path / "defaults.toml"
    path.write_text(out.stdout)
    s = load_settings(path)
    assert s.examples == DEFAULTS.examples and s.wide == DEFAULTS.wide
    assert Theme.from_settings(s.theme, str(path)) == Theme()
    assert out.stdout.count("[examples.") == len(DEFAULTS.examples) and "[wide]" in out.stdout


def clip(path: Path, seconds: float, fps: int = 15, tone: float | None = None) -> Path:
    """A small H.264 clip (and an AAC tone if ``tone`` Hz), as manim writes chapters."""
    import av
    with av.open(str(path), "w") as c:
        v = c.add_stream("libx264", rate=fps)
        v.width, v.height, v.pix_fmt = 64, 48, "yuv420p"
        a = c.add_stream("aac", rate=48000, layout="stereo") if tone else None
        for k in range(int(round(seconds * fps))):
            for pkt in v.encode(av.VideoFrame.from_ndarray(np.full((48, 64, 3), 9 * k % 255, np.uint8), "rgb24")):
                c.mux(pkt)
        for pkt in v.encode(None):
            c.mux(pkt)
        if a is not None:
            n = int(seconds * 48000)
            wave = (0.3 * np.sin(2 * np.pi * tone * np.arange(n) / 48000)).astype(np.float32)
            for s0 in range(0, n, 1024):
                chunk = np.ascontiguousarray(np.stack([wave[s0:s0 + 1024]] * 2))
                f = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
                f.sample_rate, f.pts, f.time_base = 48000, s0, Fraction(1, 48000)
                for pkt in a.encode(f):
                    c.mux(pkt)
            for pkt in a.encode(None):
                c.mux(pkt)
    return path


def test_stitched_mp4_has_chapter_markers_and_a_subtitle_track(tmp_path):
    import av
    a, b = clip(tmp_path / "a.mp4", 2.0), clip(tmp_path / "b.mp4", 3.0)
    for path, cues in ((a, [(0.2, 1.5, "one")]), (b, [(0.0, 1.0, "two θ"), (1.5, 2.9, "three")])):
        path.with_suffix(".srt").write_text(srt.compose([
            srt.Subtitle(k + 1, datetime.timedelta(seconds=s), datetime.timedelta(seconds=e), t)
            for k, (s, e, t) in enumerate(cues)]))
    parts = [(a.with_suffix(".srt"), 2.0), (b.with_suffix(".srt"), 3.0)]
    out = tmp_path / "all.mp4"
    seconds = stitch([a, b], out, titles=["First", "Second"], cues=read_cues(parts))
    assert abs(seconds - 5.0) < 1e-9
    with av.open(str(out)) as c:
        chapters = c.chapters()
        assert [ch["metadata"]["title"] for ch in chapters] == ["First", "Second"]
        starts = [float(ch["start"] * ch["time_base"]) for ch in chapters]
        assert starts == [0.0, 2.0]
        sub = c.streams.subtitles[0]
        assert sub.codec_context.name == "mov_text"
        texts = [(float(p.pts * p.time_base), bytes(p)[2:].decode()) for p in c.demux(sub) if p.size > 2]
    assert texts == [(0.2, "one"), (2.0, "two θ"), (3.5, "three")]


def test_narrated_join_keeps_sound_in_sync_and_seamless(tmp_path):
    import av
    # Chapter sound shorter or longer than its pictures: the join cuts or pads each to its video.
    a, b = clip(tmp_path / "a.mp4", 2.0, tone=440.0), clip(tmp_path / "b.mp4", 1.0)
    out = tmp_path / "n.mp4"
    stitch([a, b], out, audio=True)
    with av.open(str(out)) as c:
        frames = sum(1 for p in c.demux(c.streams.video[0]) if p.size)
    with av.open(str(out)) as c:
        assert c.streams.audio[0].codec_context.name == "aac"
        pcm = np.concatenate([f.to_ndarray() for f in c.decode(audio=0)], axis=1)
    video_seconds = frames / 15
    assert abs(pcm.shape[1] / 48000 - video_seconds) <= 1 / 15 + 2048 / 48000   # within a frame (+ AAC priming)
    rms = lambda x: float(np.sqrt(np.mean(x ** 2)))  # noqa: E731
    first, second = pcm[0, 4800:90000], pcm[0, 100000:140000]
    assert rms(first) > 0.15 and rms(second) < 0.01        # the tone, then the silent chapter
    assert np.abs(np.diff(pcm[0, 90000:100000])).max() < 0.2  # no click at the join
