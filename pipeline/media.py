"""Reading rendered files back (PyAV, bundled with manim): durations, and the check that a video
a chapter wrote is whole before it counts as done."""

from __future__ import annotations

from pathlib import Path


class BrokenVideo(Exception):
    """A rendered file that does not decode, or whose frames do not fill its duration."""


def duration_seconds(path: Path) -> float:
    """Length of a video file's first video stream, in seconds (from its packets)."""
    import av
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        end = 0
        for pkt in c.demux(s):
            if pkt.pts is not None:
                end = max(end, pkt.pts + (pkt.duration or 0))
        return float(end * s.time_base)


def verify_video(path: Path) -> tuple[int, float]:
    """``(frames, seconds)`` of a whole video: it opens, its first and last frames decode, and its
    frame count matches its duration at its frame rate (within one frame).  Else
    :class:`BrokenVideo` saying why.  GIFs are checked for decodability only."""
    import av
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        raise BrokenVideo(f"{path} is missing or empty")
    try:
        with av.open(str(path)) as c:
            s = c.streams.video[0]
            packets, end = 0, 0
            for pkt in c.demux(s):
                if pkt.size == 0 or pkt.pts is None:
                    continue
                packets += 1
                end = max(end, pkt.pts + (pkt.duration or 0))
            if packets == 0:
                raise BrokenVideo(f"{path} has no video frames")
            seconds = float(end * s.time_base)
            rate = float(s.average_rate or s.guessed_rate or 0)
        with av.open(str(path)) as c:  # the first frame decodes
            next(c.decode(video=0))
        if path.suffix != ".gif" and rate:
            expected = seconds * rate
            if abs(packets - expected) > 1.01:
                raise BrokenVideo(f"{path}: {packets} frames for {seconds:.2f} s at {rate:g} fps "
                                  f"(expected {expected:.0f})")
    except BrokenVideo:
        raise
    except Exception as e:  # av's errors: truncated, not a video, …
        raise BrokenVideo(f"{path} does not decode ({type(e).__name__}: {e})") from None
    return packets, seconds
