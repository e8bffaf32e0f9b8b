"""The chapters of the explainer in story order, as the chapters declare them (``scenes.story``:
``scenes/chapters/story.toml`` and each chapter's ``[chapter]`` table).  Standard library only, so
that the command line can list and check them before anything is installed."""

from __future__ import annotations

from scenes.story import Chapter, Cut, by_name, chapters, cuts  # noqa: F401  (re-exported)

CHAPTERS: list = list(chapters())

QUALITIES = {"l": "480p15", "m": "720p30", "h": "1080p60", "k": "2160p60"}  # -ql … -qk
#: Named presets (--quality NAME): manim's four, and "lecture": 1080p at 30 frames a second — a lecture
#: hall's projector resolution, half the frames of -qh (the animations are slow; 30 fps looks the same).
PRESETS = {"low": "l", "medium": "m", "high": "h", "4k": "k", "lecture": "lecture"}
FOLDERS = {**QUALITIES, "lecture": "1080p30"}


def manim_quality_args(quality: str) -> list:
    """manim's command-line flags for a quality letter or preset."""
    if quality == "lecture":
        return ["-r", "1920,1080", "--frame_rate", "30"]
    return [f"-q{quality}"]
FORMATS = ("mp4", "webm", "gif")


def quality_folder(quality: str) -> str:
    """manim's folder name for a quality letter or preset: ``"l"`` → ``"480p15"``, ``"lecture"`` →
    ``"1080p30"``."""
    return FOLDERS[quality]
