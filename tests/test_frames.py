"""Rendered-frame regression checks that really run here (manim's frames_comparison skips itself
on cairo < 1.18, e.g. Debian 12).

The last frame of a few chapters is rendered at 427x240 and compared with a stored array under
``tests/frames/``.  Refresh the stored arrays after an intended visual change with:

    NTK_UPDATE_FRAMES=1 ./render.sh test tests/test_frames.py
"""

import importlib
import os
from pathlib import Path

import numpy as np
import pytest
from manim import tempconfig

from scenes.chapters import by_name

FRAMES = Path(__file__).parent / "frames"
SIZE = (427, 240)  # half of -ql's 854x480
# A pixel "differs" when any channel moves by more than 48/255; antialiasing may vary a little
# between library builds, so allow up to 0.05 % of such pixels (about 50).  Removing Example 1's
# single red arrow and its label changes more (see test_tolerance_catches_a_real_change).
CHANNEL_TOL = 48
MAX_DIFF_FRACTION = 0.0005

CHECKED = ["lookup_table", "training"]


def last_frame(chapter_name: str) -> np.ndarray:
    """The last frame of a chapter, RGB uint8, shape (240, 427, 3); nothing written to disk."""
    ch = by_name()[chapter_name]
    module = importlib.import_module(ch.file[:-3].replace("/", "."))
    with tempconfig({"dry_run": True, "save_last_frame": True, "write_to_movie": False,
                     "disable_caching": True, "pixel_width": SIZE[0], "pixel_height": SIZE[1],
                     "frame_rate": 15, "progress_bar": "none"}):
        scene = getattr(module, ch.scene)()
        scene.render()
        return np.array(scene.renderer.get_frame())[..., :3]


def differing_fraction(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(np.abs(a.astype(int) - b.astype(int)).max(axis=-1) > CHANNEL_TOL))


@pytest.fixture(scope="module")
def frames():
    return {name: last_frame(name) for name in CHECKED}


@pytest.mark.render
@pytest.mark.parametrize("name", CHECKED)
def test_last_frame_matches_stored(frames, name):
    path = FRAMES / f"{name}.npz"
    frame = frames[name]
    if os.environ.get("NTK_UPDATE_FRAMES") == "1":
        FRAMES.mkdir(exist_ok=True)
        np.savez_compressed(path, frame=frame)
    assert path.exists(), f"no stored frame {path}; create it with NTK_UPDATE_FRAMES=1"
    stored = np.load(path)["frame"]
    assert stored.shape == frame.shape
    frac = differing_fraction(frame, stored)
    assert frac <= MAX_DIFF_FRACTION, f"{name}: {frac:.2%} of pixels differ from {path}"


@pytest.mark.render
def test_tolerance_catches_a_real_change(frames):
    # The check must be able to fail: hide the red arrow of Example 1 and the frame must differ.
    frame = frames["lookup_table"].copy()
    r, g, b = (frame[..., k].astype(int) for k in range(3))
    is_red = (r - g > 60) & (r - b > 60)  # the arrow, its label, and their antialiased edges
    frame[is_red] = 255
    assert differing_fraction(frame, frames["lookup_table"]) > MAX_DIFF_FRACTION
    # ... and a blank frame is far outside the tolerance.
    assert differing_fraction(np.full_like(frame, 255), frames["lookup_table"]) > 20 * MAX_DIFF_FRACTION
