"""Build a scene without writing a video: setup() and construct() run, animations are skipped."""

from manim import tempconfig


def construct(scene_cls):
    """Run ``scene_cls`` in manim's dry-run mode and return the scene (its attributes intact)."""
    with tempconfig({"dry_run": True, "save_last_frame": True, "write_to_movie": False,
                     "disable_caching": True, "quality": "low_quality", "progress_bar": "none"}):
        scene = scene_cls()
        scene.render()
    return scene


def arrow_data(scene, axes, arrow):
    """(x, y_start, y_end) of an arrow in ``axes``' data coordinates."""
    x0, y0 = axes.p2c(arrow.get_start())[:2]
    x1, y1 = axes.p2c(arrow.get_end())[:2]
    return float(x0), float(x1), float(y0), float(y1)
