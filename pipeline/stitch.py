"""Join chapter videos into one file with PyAV (bundled with manim): no system ffmpeg needed.

The chapters come from the same manim settings (codec, size, frame rate), so their packets are
remuxed one after another with shifted timestamps; nothing is re-encoded.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import av

from pipeline.media import duration_seconds

__all__ = ["duration_seconds", "stitch", "stitch_srt"]


def stitch(inputs: list[Path], output: Path) -> float:
    """Concatenate ``inputs`` (same codec/size/fps) into ``output``; returns its duration in seconds.

    Written to a temporary file first and moved into place, so a failure leaves any earlier
    ``output`` intact.
    """
    if not inputs:
        raise ValueError("stitch: inputs must name at least one video")
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.stem + ".partial" + output.suffix)
    offset = Fraction(0)  # seconds
    try:
        with av.open(str(tmp), "w") as out:
            out_stream = None
            for path in inputs:
                with av.open(str(path)) as c:
                    s = c.streams.video[0]
                    if out_stream is None:
                        out_stream = out.add_stream_from_template(s)
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
        os.replace(tmp, output)
    finally:
        if tmp.exists():
            tmp.unlink()
    return float(offset)


def stitch_srt(parts: list[tuple[Path, float]], output: Path) -> int:
    """Join chapter subtitles into one ``.srt``: ``parts`` is ``[(srt path, chapter duration s)]``
    in story order; each chapter's cues are shifted by the durations before it and clipped to
    its own length.  Returns the number of cues.  Missing files are skipped (no cues)."""
    import datetime

    import srt

    cues, offset = [], 0.0
    for path, duration in parts:
        if path.exists():
            for cue in srt.parse(path.read_text(encoding="utf-8")):
                start = min(cue.start.total_seconds(), duration)
                end = min(cue.end.total_seconds(), duration)
                if end <= start:
                    continue
                cues.append(srt.Subtitle(index=len(cues) + 1, content=cue.content,
                                         start=datetime.timedelta(seconds=offset + start),
                                         end=datetime.timedelta(seconds=offset + end)))
        offset += duration
    tmp = output.with_name(output.stem + ".partial.srt")
    tmp.write_text(srt.compose(cues, reindex=False), encoding="utf-8")
    os.replace(tmp, output)
    return len(cues)
