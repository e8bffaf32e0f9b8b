"""What one render is asked for (:class:`Options`) and where its files go: clips, staging, the
stitched video, chapter titles and the subtitle language."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.chapters import CHAPTERS, Chapter, cuts, quality_folder
from pipeline.paths import MEDIA, ROOT, media_root


@dataclass
class Options:
    """What a render was asked to do."""

    chapters: list = field(default_factory=lambda: list(CHAPTERS))   # in story order
    quality: str = "l"                # l m h k (manim's -ql … -qk)
    fmt: str = "mp4"                  # mp4 webm gif
    transparent: bool = False
    config: str | None = None         # TOML settings file
    force: bool = False               # render even chapters whose key did not change
    subdir: str = ""                  # a folder of the media root (slides: "slides")
    media: Path = MEDIA               # the media folder (--media-dir)
    cache: Path | None = None         # the wide-network data cache (default: <media>/cache)
    docs: Path | None = None          # where `stills` writes (default: docs/, or the settings' folder)
    cut: str | None = None            # a shorter edition (scenes/chapters/story.toml [cuts.NAME])
    script: str | None = None         # a translated or edited script file (scenes.script)
    language: str = "en"              # the script's language (ISO 639-1), for names and subtitle tags
    allow_slow: bool = False          # compute wide-network numbers even when they would take long

    @property
    def edition(self) -> list:
        """The chapters of this edition, in story order: every chapter, or the cut's."""
        if self.cut:
            names = cuts()[self.cut].chapters
            return [c for c in CHAPTERS if c.name in names]
        return list(CHAPTERS)

    @property
    def all_chapters(self) -> bool:
        return [c.name for c in self.chapters] == [c.name for c in self.edition]

    @property
    def skip(self) -> list:
        """The step ids this edition leaves out."""
        return sorted(cuts()[self.cut].skip) if self.cut else []

    @property
    def suffix(self) -> str:
        """What sets this edition's files apart: ``_lecture``, ``_de``, ``_lecture_de`` (or nothing)."""
        return (f"_{self.cut}" if self.cut else "") + (f"_{self.language}" if self.language != "en" else "")

    @property
    def folder(self) -> str:
        return quality_folder(self.quality)

    @property
    def root(self) -> Path:
        root = media_root(self.config, self.media)
        return root / self.subdir if self.subdir else root

    @property
    def cache_dir(self) -> Path:
        return Path(self.cache) if self.cache else Path(self.media) / "cache"


def extension(opts: Options) -> str:
    if opts.fmt == "gif":
        return ".gif"
    if opts.fmt == "webm":
        return ".webm"
    return ".mov" if opts.transparent else ".mp4"


def variant(opts: Options) -> str:
    """The quality folder, marked for a transparent render (a transparent webm is another file), a
    cut and a language."""
    return opts.folder + ("_transparent" if opts.transparent else "") + opts.suffix


def video_path(ch: Chapter, opts: Options) -> Path:
    """Where a chapter's finished clip lives."""
    return opts.root / "videos" / ch.stem / variant(opts) / f"{ch.scene}{extension(opts)}"


def staging_path(ch: Chapter, opts: Options) -> Path:
    """Where manim writes it (GIFs are named after manim's version)."""
    folder = opts.root / "staging" / ch.stem / variant(opts)
    if opts.fmt == "gif":
        found = sorted(folder.glob(f"{ch.scene}_ManimCE_*.gif"))
        return found[-1] if found else folder / f"{ch.scene}.gif"
    return folder / f"{ch.scene}{extension(opts)}"


def stitched_path(opts: Options, ext: str) -> Path:
    quality = "" if opts.quality == "l" else f"_{opts.folder}"
    return opts.root / f"ntk_explainer{opts.suffix}{quality}{ext}"


def chapter_titles(opts: Options) -> list:
    """The chapters' titles in the script's language (the stitched video's markers)."""
    if not opts.script:
        return [ch.title for ch in opts.chapters]
    from scenes.script import load_translation
    tr = load_translation(opts.script)
    return [tr.chapters.get(ch.name, {}).get("chapter", {}).get("title", ch.title) for ch in opts.chapters]


def subtitle_language(opts: Options) -> str:
    """The ISO 639-2 tag of the subtitle track: ``eng``, or the script's language."""
    from scenes.script import language_tag
    return language_tag(opts.language)


def rel(path: Path) -> str:
    """A path relative to the repository when it is inside it."""
    try:
        return str(Path(path).relative_to(ROOT))
    except ValueError:
        return str(path)
