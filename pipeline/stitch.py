"""Join chapter videos into one file with PyAV (bundled with manim): no system ffmpeg needed.

The chapters come from the same manim settings (codec, size, frame rate), so their packets are
remuxed one after another with shifted timestamps; nothing is re-encoded.  An MP4 also gets
chapter markers (one per chapter, titled) and the subtitles as a ``mov_text`` stream, so players
show chapters and captions without the side ``.srt``.
"""

from __future__ import annotations

import datetime
import os
from fractions import Fraction
from pathlib import Path

import av

from pipeline.media import duration_seconds

__all__ = ["duration_seconds", "stitch", "stitch_srt", "read_cues"]

MS = Fraction(1, 1000)

# mov_text needs a subtitle header (ASS) to open its encoder; players use only the style's basics.
_ASS_HEADER = b"""[Script Info]
ScriptType: v4.00+
PlayResX: 384
PlayResY: 288

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,DejaVu Sans,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,0

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""


def stitch(inputs: list[Path], output: Path, titles: list[str] | None = None,
           cues: list[tuple[float, float, str]] | None = None, audio: bool = False, language: str = "eng") -> float:
    """Concatenate ``inputs`` (same codec/size/fps) into ``output``; returns its duration in seconds.

    For an MP4, ``titles`` (one per input) become chapter markers at each input's start, and
    ``cues`` ``[(start s, end s, text)]`` (in the joined timeline) a ``mov_text`` subtitle stream
    tagged with ``language`` (ISO 639-2, e.g. ``eng``, ``deu``).
    With ``audio``, each input's sound is decoded, cut or padded with silence to exactly its video's
    length, joined, and encoded once as AAC (so the joined sound stays in sync with the pictures
    and has no seams at the joins).  Written to a temporary file first and moved into place, so a failure leaves any earlier
    ``output`` intact.
    """
    if not inputs:
        raise ValueError("stitch: inputs must name at least one video")
    if titles is not None and len(titles) != len(inputs):
        raise ValueError(f"stitch: titles must name each of the {len(inputs)} inputs; got {len(titles)}")
    mp4 = output.suffix == ".mp4"
    output.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(output)
    tmp = output.with_name(f"{output.stem}.partial-{os.getpid()}{output.suffix}")
    offset = Fraction(0)  # seconds
    starts = []
    try:
        with av.open(str(tmp), "w") as out:
            out_stream = sub_stream = audio_stream = None
            for path in inputs:
                starts.append(offset)
                with av.open(str(path)) as c:
                    s = c.streams.video[0]
                    if out_stream is None:
                        out_stream = out.add_stream_from_template(s)
                        if audio:
                            audio_stream = out.add_stream("aac", rate=AUDIO_RATE, layout="stereo")
                        if mp4 and cues:
                            sub_stream = out.add_stream("mov_text")
                            sub_stream.codec_context.subtitle_header = _ASS_HEADER
                            sub_stream.time_base = MS
                            sub_stream.metadata["language"] = language
                    tb = s.time_base
                    shift = int(round(offset / tb))
                    end = 0
                    for pkt in c.demux(s):
                        if pkt.dts is None:  # flush packet
                            continue
                        end = max(end, pkt.pts + (pkt.duration or 0))
                        pkt.pts += shift
                        pkt.dts += shift
                        pkt.stream = out_stream
                        out.mux(pkt)
                    offset += Fraction(end) * tb
            if audio_stream is not None:
                _mux_audio(out, audio_stream, inputs, starts + [offset])
            if mp4 and titles:
                bounds = starts + [offset]
                out.set_chapters([{"id": k + 1, "start": int(round(bounds[k] / MS)),
                                   "end": int(round(bounds[k + 1] / MS)), "time_base": MS,
                                   "metadata": {"title": title}} for k, title in enumerate(titles)])
            if sub_stream is not None:
                for a, b, text in cues:
                    data = text.encode("utf-8")
                    pkt = av.Packet(len(data).to_bytes(2, "big") + data)
                    pkt.stream = sub_stream
                    pkt.time_base = MS
                    pkt.pts = pkt.dts = int(round(a * 1000))
                    pkt.duration = max(1, int(round((b - a) * 1000)))
                    out.mux(pkt)
        os.replace(tmp, output)
    finally:
        if tmp.exists():
            tmp.unlink()
    return float(offset)


def remove_stale_partials(output: Path) -> list:
    """Delete half-written joins of ``output`` left by a process that is gone (killed while
    stitching): ``NAME.partial-PID.EXT`` whose PID no longer runs, and the older ``NAME.partial.EXT``."""
    removed = []
    for p in output.parent.glob(f"{output.stem}.partial*{output.suffix}"):
        tag = p.name[len(output.stem) + len(".partial"):-len(output.suffix) or None]
        if tag.startswith("-") and tag[1:].isdigit():
            try:
                os.kill(int(tag[1:]), 0)
                continue                 # its process still runs
            except ProcessLookupError:
                pass
            except PermissionError:
                continue
        elif tag:
            continue
        p.unlink(missing_ok=True)
        removed.append(p)
    return removed


AUDIO_RATE = 48000


def _decoded_audio(path: Path, seconds: float):
    """The sound of ``path`` as float32 stereo at 48 kHz, exactly ``seconds`` long (silence where
    it has none)."""
    import numpy as np

    n = int(round(seconds * AUDIO_RATE))
    out = np.zeros((2, n), dtype=np.float32)
    with av.open(str(path)) as c:
        if not c.streams.audio:
            return out
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=AUDIO_RATE)
        pos = 0
        for frame in c.decode(audio=0):
            for f in resampler.resample(frame):
                a = f.to_ndarray()
                take = min(a.shape[1], n - pos)
                if take <= 0:
                    break
                out[:, pos:pos + take] = a[:, :take]
                pos += take
        for f in resampler.resample(None):
            a = f.to_ndarray()
            take = min(a.shape[1], n - pos)
            if take > 0:
                out[:, pos:pos + take] = a[:, :take]
                pos += take
    return out


def _mux_audio(out, stream, inputs, bounds) -> None:
    """Encode the joined sound of ``inputs`` (chapter k from ``bounds[k]`` to ``bounds[k+1]`` s)."""
    import numpy as np

    pcm = np.concatenate([_decoded_audio(p, float(bounds[k + 1] - bounds[k])) for k, p in enumerate(inputs)], axis=1)
    step = 1024
    for start in range(0, pcm.shape[1], step):
        chunk = np.ascontiguousarray(pcm[:, start:start + step])
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
        frame.sample_rate = AUDIO_RATE
        frame.pts = start
        frame.time_base = Fraction(1, AUDIO_RATE)
        for pkt in stream.encode(frame):
            out.mux(pkt)
    for pkt in stream.encode(None):
        out.mux(pkt)


def read_cues(parts: list[tuple[Path, float]]) -> list[tuple[float, float, str]]:
    """The cues of chapter subtitles joined into one timeline: ``parts`` is ``[(srt path, chapter
    duration s)]`` in story order; each chapter's cues are shifted by the durations before it and
    clipped to its own length.  Missing files are skipped (no cues)."""
    import srt

    cues, offset = [], 0.0
    for path, duration in parts:
        if path.exists():
            for cue in srt.parse(path.read_text(encoding="utf-8")):
                start = min(cue.start.total_seconds(), duration)
                end = min(cue.end.total_seconds(), duration)
                if end > start:
                    cues.append((offset + start, offset + end, cue.content))
        offset += duration
    return cues


def stitch_srt(parts: list[tuple[Path, float]], output: Path) -> int:
    """Join chapter subtitles into one ``.srt`` (see :func:`read_cues`); returns the number of cues."""
    import srt

    subs = [srt.Subtitle(index=k + 1, content=text, start=datetime.timedelta(seconds=a),
                         end=datetime.timedelta(seconds=b))
            for k, (a, b, text) in enumerate(read_cues(parts))]
    tmp = output.with_name(output.stem + ".partial.srt")
    tmp.write_text(srt.compose(subs, reindex=False), encoding="utf-8")
    os.replace(tmp, output)
    return len(subs)
