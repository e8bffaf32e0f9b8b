"""Putting clips into a manim scene, and checking the result.

Measuring (no manim needed):

* :func:`wav_seconds`, :func:`wav_rms_dbfs` -- a clip's length and voiced loudness;
* :func:`probe_av`, :func:`check_av_sync` -- an MP4's video and audio streams (PyAV), and whether
  the audio lasts as long as the video;
* :func:`first_sound_seconds` -- when the sound in a WAV or MP4 starts (for sync tests).

Placing clips in a scene (manim 0.21.0, Cairo renderer):

* :class:`FrameClockMixin` -- put it before ``Scene``/``Slide`` in a scene's bases. It keeps
  ``self.frame_time``, the time of the next frame **in the video**, counted in frames. manim's own
  clock (``renderer.time``) is that only when every animation is rendered: for an animation taken
  from manim's partial-movie cache it advances by the nominal ``run_time`` instead of the frames
  the cached file holds (a ``wait(0.5)`` at 15 fps is 7 frames = 0.467 s), so sounds placed with
  ``Scene.add_sound`` drift on a cached re-render (measured: 0.33 s after ten 0.5 s waits at -ql);
* :func:`add_clip` -- ``Scene.add_sound`` at the frame clock; and unlike ``Scene.add_sound`` it is
  not silently dropped when the animation before it came from the cache (manim leaves
  ``renderer.skip_animations`` set after a cached animation until the next ``play``);
* :func:`end_audio_with_video` -- call last in ``construct``: pads the sound track with silence to
  the end of the video (manim stops the audio track where the last sound ends, and its ``-shortest``
  option is not applied by PyAV).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import audio
from .errors import NarrationError

AAC_FRAME = 1024  # samples per AAC frame; the encoder also primes with one frame of silence


# ------------------------------------------------------------------ WAV measurements
def wav_seconds(path: Path) -> float:
    """Length of a WAV file in seconds (from its header)."""
    try:
        return audio.wav_info(Path(path)).seconds
    except audio.AudioFormatError as e:
        raise NarrationError(f"{path}: {e}") from None


def wav_rms_dbfs(path: Path) -> float:
    """Voiced RMS level of a WAV in dBFS (channels averaged; see :func:`audio.voiced_rms_dbfs`)."""
    try:
        x, rate = audio.read_wav(Path(path))
    except audio.AudioFormatError as e:
        raise NarrationError(f"{path}: {e}") from None
    return audio.voiced_rms_dbfs(audio.to_mono(x), rate)


# ------------------------------------------------------------------ MP4 measurements
@dataclass(frozen=True)
class AVInfo:
    video_seconds: float
    video_frames: int
    fps: float
    audio_seconds: float | None  # None: no audio stream
    audio_codec: str | None
    audio_rate: int | None
    audio_channels: int | None

    @property
    def frame_seconds(self) -> float:
        return 1.0 / self.fps


def _stream_seconds(container, stream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    total = 0
    for packet in container.demux(stream):
        if packet.duration:
            total += packet.duration
    return float(total * stream.time_base)


def probe_av(path: Path) -> AVInfo:
    """Video frames/fps/length and audio codec/rate/length of a movie file (PyAV, no decoding)."""
    import av

    path = Path(path)
    try:
        with av.open(str(path)) as c:
            if not c.streams.video:
                raise NarrationError(f"{path}: no video stream")
            v = c.streams.video[0]
            fps = float(v.base_rate or v.guessed_rate or v.average_rate)  # average_rate is inexact
            frames = v.frames or sum(1 for p in c.demux(v) if p.size)
            a = c.streams.audio[0] if c.streams.audio else None
            if a is None:
                return AVInfo(frames / fps, frames, fps, None, None, None, None)
            with av.open(str(path)) as c2:  # a fresh demuxer for the audio packets
                a_seconds = _stream_seconds(c2, c2.streams.audio[0])
            return AVInfo(frames / fps, frames, fps, a_seconds, a.codec_context.name, a.rate, a.channels)
    except (av.error.FFmpegError, OSError) as e:
        raise NarrationError(f"{path}: cannot read the movie ({e})") from None


def check_av_sync(path: Path, tolerance: float | None = None, codec: str | None = "aac") -> AVInfo:
    """Check that ``path`` has an audio stream (of ``codec``) lasting as long as its video.

    Allowed: the audio ends at most ``tolerance`` (default: one video frame) before the video, or
    ``tolerance`` plus two AAC frames after it -- the AAC encoder adds one frame of priming
    silence at the start and fills its last frame (manim writes no edit list that would hide them;
    at 48 kHz that is up to 43 ms). Returns the :class:`AVInfo`; raises :class:`NarrationError`.
    """
    info = probe_av(path)
    if info.audio_seconds is None:
        raise NarrationError(f"{path}: no audio stream")
    if codec is not None and info.audio_codec != codec:
        raise NarrationError(f"{path}: audio codec is {info.audio_codec}, expected {codec}")
    tol = info.frame_seconds if tolerance is None else tolerance
    slack = 2 * AAC_FRAME / info.audio_rate if info.audio_codec == "aac" else 0.0
    gap = info.audio_seconds - info.video_seconds
    if not -tol - 1e-9 <= gap <= tol + slack + 1e-9:
        raise NarrationError(
            f"{path}: audio lasts {info.audio_seconds:.3f} s, video {info.video_seconds:.3f} s "
            f"(difference {gap:+.3f} s, allowed {-tol:+.3f} to {tol + slack:+.3f} s)")
    return info


def first_sound_seconds(path: Path, threshold_dbfs: float = -40.0) -> float | None:
    """Time of the first audio sample louder than ``threshold_dbfs`` in a WAV or movie (PyAV
    decode; the stream's start offset is honoured, AAC priming is not removed). None if silent."""
    import av

    threshold = 10 ** (threshold_dbfs / 20)
    with av.open(str(path)) as c:
        if not c.streams.audio:
            raise NarrationError(f"{path}: no audio stream")
        stream = c.streams.audio[0]
        seen = 0
        start = None
        for frame in c.decode(stream):
            if start is None:
                start = float(frame.pts * frame.time_base) if frame.pts is not None else 0.0
            x = frame.to_ndarray()
            if x.dtype.kind in "iu":
                x = x.astype(np.float64) / float(np.iinfo(x.dtype).max)
            channels = len(frame.layout.channels)
            if frame.format.is_planar:
                mono = np.abs(x).max(axis=0)
            else:
                mono = np.abs(x.reshape(-1, channels)).max(axis=1)
            hits = np.flatnonzero(mono > threshold)
            if hits.size:
                return start + (seen + int(hits[0])) / frame.sample_rate
            seen += frame.samples
    return None


# ------------------------------------------------------------------ clips in a scene
# The scene side (placing clips on the video's frame clock) lives in scenes/sound.py: scenes never
# import the pipeline.  Re-exported here for the pipeline's callers and tests.
from scenes.sound import FrameClockMixin, add_clip, end_audio_with_video, scene_clock  # noqa: E402

__all__ = ["AVInfo", "FrameClockMixin", "add_clip", "check_av_sync", "end_audio_with_video", "first_sound_seconds",
           "probe_av", "scene_clock", "wav_rms_dbfs", "wav_seconds"]
