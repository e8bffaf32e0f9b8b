"""Where things live: the repository, the media folder, the output folder of a settings file."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEDIA = ROOT / "media"
CACHE = MEDIA / "cache"          # the wide-network numbers (pipeline.datacache)

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def slug(name: str) -> str:
    """A safe folder name from a settings file's name: letters, digits, ``_`` and ``-`` only
    (anything else becomes ``_``), never empty, never dots only."""
    s = _UNSAFE.sub("_", name).strip("_")
    return s or "settings"


def media_root(config: str | None, media: Path = MEDIA) -> Path:
    """``media/`` — or ``media/configs/<slug of the settings file's name>/`` for a settings file, so
    the default renders stay as they were."""
    media = Path(media)
    if not config:
        return media
    return media / "configs" / slug(Path(config).stem)


#: Characters a path the user names may not contain: control characters (a newline would inject lines
#: into manim's config file) and those LaTeX reads as commands or comments (formulas are compiled in
#: the media folder: a % there ends LaTeX's line).
_BAD_PATH = re.compile(r"[\x00-\x1f\x7f%#$&~^\\{}]")
#: The repository's own folders (tracked files live there): never an output folder.
TRACKED = (".ci", ".git", "docs", "examples", "ntkcore", "pipeline", "scenes", "tests")


def path_problem(value: str, what: str) -> str | None:
    """Why ``value`` cannot be used as the path ``what`` names (None: it can)."""
    if value == "" or value.strip() == "":
        return f"{what}: an empty path; name a folder"
    bad = _BAD_PATH.search(value)
    if bad:
        ch = bad.group(0)
        shown = repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"
        return f"{what}: the path contains {shown}; use letters, digits, spaces and . _ - / only"
    return None


def folder_problem(value: str, what: str = "--media-dir", default: str = "media/") -> str | None:
    """Why a folder the user names for our output (``what``) is refused (None: fine): a bad path, the
    root of a file system, the repository itself or one of its tracked folders."""
    problem = path_problem(value, what)
    if problem:
        return problem
    p = Path(value).expanduser().resolve()
    if p == Path(p.anchor):
        return f"{what}: {value!r} is the root of the file system; name a folder of its own"
    if p == ROOT:
        return f"{what}: the repository itself; name a folder of its own (default: {default})"
    try:
        first = p.relative_to(ROOT).parts[0]
    except ValueError:
        return None
    if first in TRACKED:
        return f"{what}: {value!r} is inside the repository's {first}/; name a folder of its own (default: {default})"
    return None


def media_problem(value: str) -> str | None:
    """Why ``--media-dir value`` is refused (None: fine)."""
    return folder_problem(value, "--media-dir", "media/")


#: A deck's name is a file name (no folders), at most this long.
MAX_NAME = 80
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def name_problem(value: str, what: str = "--name") -> str | None:
    """Why a deck name is refused (None: fine): it is a file name, not a path."""
    if not _NAME.fullmatch(value) or ".." in value:
        return (f"{what}: {value[:40]!r}{'…' if len(value) > 40 else ''} is not a file name; use letters, "
                "digits and _ . - (no folders)")
    if len(value) > MAX_NAME:
        return f"{what}: {len(value)} characters; at most {MAX_NAME}"
    return None
