"""Rendered-frame regression checks that really run here (manim's frames_comparison skips itself
on cairo < 1.18, e.g. Debian 12).

The last frame of a few chapters, rendered at 427x240 (the dry-run build of ``chapter_scene``,
shared with the chapter's scene tests), is compared with a stored array under ``tests/frames/``.
Refresh the stored arrays after an intended visual change with:

    NTK_UPDATE_FRAMES=1 ./render.sh test tests/test_frames.py
"""

import os
from pathlib import Path

import numpy as np
import pytest

FRAMES = Path(__file__).parent / "frames"
SIZE = (427, 240)  # half of -ql's 854x480 (scene_helpers.DRY_RUN)
# A pixel "differs" when any channel moves by more than 48/255; antialiasing may vary a little
# between library builds, so allow up to 0.05 % of such pixels (about 50).  Removing Example 1's
# single red arrow and its label changes more (see test_tolerance_catches_a_real_change).
CHANNEL_TOL = 48
MAX_DIFF_FRACTION = 0.0005

CHECKED = ["lookup_table", "training"]


def last_frame(chapter_scene, name: str) -> np.ndarray:
    """The last frame of a chapter, RGB uint8, shape (240, 427, 3); nothing written to disk."""
    frame = np.array(chapter_scene(name).renderer.get_frame())[..., :3]
    assert frame.shape == (SIZE[1], SIZE[0], 3)
    return frame


def differing_fraction(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(np.abs(a.astype(int) - b.astype(int)).max(axis=-1) > CHANNEL_TOL))


@pytest.mark.render
@pytest.mark.parametrize("name", CHECKED)   # ids are chapter names: each runs with its chapter (conftest)
def test_last_frame_matches_stored(chapter_scene, name):
    path = FRAMES / f"{name}.npz"
    frame = last_frame(chapter_scene, name)
    if os.environ.get("NTK_UPDATE_FRAMES") == "1":
        FRAMES.mkdir(exist_ok=True)
        np.savez_compressed(path, frame=frame)
    assert path.exists(), f"no stored frame {path}; create it with NTK_UPDATE_FRAMES=1"
    stored = np.load(path)["frame"]
    assert stored.shape == frame.shape
    frac = differing_fraction(frame, stored)
    assert frac <= MAX_DIFF_FRACTION, f"{name}: {frac:.2%} of pixels differ from {path}"


@pytest.mark.render
@pytest.mark.parametrize("name", ["lookup_table"])
def test_tolerance_catches_a_real_change(chapter_scene, name):
    # The check must be able to fail: hide the red arrow of Example 1 and the frame must differ.
    original = last_frame(chapter_scene, name)
    frame = original.copy()
    r, g, b = (frame[..., k].astype(int) for k in range(3))
    is_red = (r - g > 60) & (r - b > 60)  # the arrow, its label, and their antialiased edges
    frame[is_red] = 255
    assert differing_fraction(frame, original) > MAX_DIFF_FRACTION
    # ... and a blank frame is far outside the tolerance.
    assert differing_fraction(np.full_like(frame, 255), original) > 20 * MAX_DIFF_FRACTION
