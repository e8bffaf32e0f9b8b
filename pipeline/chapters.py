"""The chapters of the explainer in story order, as the chapters declare them (``scenes.story``:
``scenes/chapters/story.toml`` and each chapter's ``[chapter]`` table).  Standard library only, so
that the command line can list and check them before anything is installed."""

from __future__ import annotations

from scenes.story import Chapter, Cut, by_name, chapters, cuts  # noqa: F401  (re-exported)

CHAPTERS: list = list(chapters())

QUALITIES = {"l": "480p15", "m": "720p30", "h": "1080p60", "k": "2160p60"}  # -ql … -qk
FORMATS = ("mp4", "webm", "gif")


def quality_folder(quality: str) -> str:
    """manim's folder name for a quality letter: ``"l"`` → ``"480p15"``."""
    return QUALITIES[quality]
