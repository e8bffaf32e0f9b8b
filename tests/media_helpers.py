"""Tiny real video files (PyAV, bundled with manim) for tests of the pipeline's file handling."""

from pathlib import Path

import numpy as np


def make_video(path, frames: int = 15, fps: int = 15, size=(64, 48), shade: int = 0) -> Path:
    """A valid H.264 MP4 of ``frames`` grey frames at ``fps``: it decodes, and its frames fill its
    duration (``frames / fps`` seconds)."""
    import av

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = size[0], size[1], "yuv420p"
        for i in range(frames):
            img = np.full((size[1], size[0], 3), (shade + 8 * i) % 256, dtype=np.uint8)
            for packet in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                c.mux(packet)
        for packet in s.encode():
            c.mux(packet)
    return path


def make_wav(path, seconds: float = 0.5, rate: int = 22050) -> Path:
    """A mono 16-bit WAV of a quiet 220 Hz tone (a stand-in for a lecturer's recording)."""
    import wave

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * rate)) / rate
    samples = (0.2 * 32767 * np.sin(2 * np.pi * 220 * t)).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return path
