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
