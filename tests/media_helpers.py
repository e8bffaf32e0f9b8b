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
