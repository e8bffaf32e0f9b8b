"""Shared helpers of the scene tests: build a scene without writing a video (setup() and construct()
run, animations are skipped), read drawn mobjects back in data coordinates, and check the layout."""

import numpy as np
import pytest
from manim import tempconfig


def construct(scene_cls):
    """Run ``scene_cls`` in manim's dry-run mode and return the scene (its attributes intact)."""
    with tempconfig({"dry_run": True, "save_last_frame": True, "write_to_movie": False,
                     "disable_caching": True, "quality": "low_quality", "progress_bar": "none"}):
        scene = scene_cls()
        scene.render()
    return scene


def recording(scene_cls):
    """A subclass of ``scene_cls`` that keeps every caption it shows in ``self.captions``."""

    class Recording(scene_cls):
        def setup(self):
            super().setup()
            self.captions = []

        def caption(self, s):
            mob = super().caption(s)
            self.captions.append(mob)
            return mob

    Recording.__name__ = Recording.__qualname__ = f"Recording{scene_cls.__name__}"
    return Recording


# ----------------------------------------------------------------- data coordinates


def arrow_data(scene, axes, arrow):
    """(x_start, x_end, y_start, y_end) of an arrow in ``axes``' data coordinates."""
    x0, y0 = axes.p2c(arrow.get_start())[:2]
    x1, y1 = axes.p2c(arrow.get_end())[:2]
    return float(x0), float(x1), float(y0), float(y1)


def points_data(axes, points):
    """(xs, ys) in ``axes``' data coordinates of a sequence of scene points."""
    data = np.array([axes.p2c(p)[:2] for p in points], dtype=float).reshape(-1, 2)
    return data[:, 0], data[:, 1]


def curve_anchors(axes, curve):
    """(xs, ys) of a curve's anchors (start of every segment, then the last end) in data coordinates."""
    return points_data(axes, np.vstack([curve.get_start_anchors(), curve.get_end_anchors()[-1:]]))


def assert_arrows_match(axes, arrows, grid, f0, d, tol=1e-6):
    """Every arrow ``k`` of the dict ``arrows``, read back through ``axes``, is vertical at x = grid[k]
    and runs from f0[k] to f0[k] + d[k] (each within ``tol``)."""
    for k, arrow in arrows.items():
        x0, x1, y0, y1 = arrow_data(None, axes, arrow)
        where = f"arrow {k} (x = {grid[k]})"
        assert x0 == pytest.approx(grid[k], abs=tol), f"{where} starts at x = {x0}"
        assert x1 == pytest.approx(grid[k], abs=tol), f"{where} ends at x = {x1}"
        assert y0 == pytest.approx(f0[k], abs=tol), f"{where} starts at y = {y0}, not f = {f0[k]}"
        assert y1 - y0 == pytest.approx(d[k], abs=tol), f"{where} has length {y1 - y0}, not {d[k]}"


# ----------------------------------------------------------------- layout


def visible_parts(mob):
    """Every member of ``mob``'s family that has points and is drawn (stroke or fill opacity > 0);
    e.g. the axes' own invisible lines are left out."""
    return [m for m in mob.get_family() if m.has_points()
            and (m.get_stroke_opacity() > 0 or m.get_fill_opacity() > 0)]


def _describe(mob):
    text = getattr(mob, "original_text", None) or getattr(mob, "tex_string", None)
    return f"{mob!r} {text!r}" if text and str(text) not in repr(mob) else repr(mob)


def assert_inside_frame(mobjects, whole=False):
    """Assert that each of ``mobjects`` lies inside the frame (±frame_width/2, ±frame_height/2).

    By default every visible part (see ``visible_parts``) must have its bounding box inside; with
    ``whole=True`` the bounding box of each whole mobject, invisible parts included, must (stricter).
    Returns the list of the mobjects whose bounding boxes were checked."""
    from manim import config
    w, h = config.frame_width / 2, config.frame_height / 2
    checked = [m for m in mobjects] if whole else [p for mob in mobjects for p in visible_parts(mob)]
    for mob in checked:
        for corner in (mob.get_corner([-1, -1, 0]), mob.get_corner([1, 1, 0])):
            assert -w <= corner[0] <= w and -h <= corner[1] <= h, (
                f"{_describe(mob)} leaves the frame: corner ({corner[0]:.3f}, {corner[1]:.3f}) "
                f"outside ±{w:.3f} × ±{h:.3f}")
    return checked


def assert_captions_fit(captions, at_least=5, max_lines=2):
    """At least ``at_least`` captions were shown, each (whole) inside the frame and at most
    ``max_lines`` lines long."""
    assert len(captions) >= at_least
    assert_inside_frame(captions, whole=True)
    for cap in captions:
        assert cap.original_text.count("\n") <= max_lines - 1, cap.original_text
