"""Finished chapter clips by key (:mod:`pipeline.keys`), shared by every settings file and media
folder: a render whose chapter key was rendered before — under another settings file's name, or
into the default media folder when rendering into another — takes that clip (a hard link, or a copy
across file systems) instead of rendering it again.

The store is ``<media>/cache/clips/<key>/``: the clip, its ``.srt`` and ``.steps.json``, and a stamp
with the clip's sha256 (a store entry whose clip does not match its stamp is never used).  A render
writes only into its own media folder's store; it may read the default media folder's.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

SIDES = (".srt", ".steps.json")
KEY_LENGTH = 40


def store_dir(media: Path) -> Path:
    return Path(media) / "cache" / "clips"


def _files(clip: Path) -> list:
    """The clip and those of its side files that exist."""
    return [clip] + [p for p in (clip.with_name(clip.stem + s) for s in SIDES) if p.exists()]


def link_or_copy(src: Path, dst: Path) -> None:
    """``dst`` becomes ``src``'s content, whole or not at all (a hard link where possible)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + f".partial-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def put(key: str, clip: Path, sha256: str, media: Path) -> Path:
    """Keep ``clip`` (and its side files) under ``key`` in ``media``'s store; returns the entry."""
    entry = store_dir(media) / key[:KEY_LENGTH]
    for f in _files(clip):
        link_or_copy(f, entry / f.name)
    stamp = entry / "stamp.json"
    tmp = stamp.with_name(f"stamp.partial-{os.getpid()}.json")
    tmp.write_text(json.dumps({"key": key, "clip": clip.name, "sha256": sha256}), encoding="utf-8")
    os.replace(tmp, stamp)
    return entry


#: Set to 1 (the test suite does) to read clips from the render's own media folder only, never from
#: the repository's default ``media/`` (a contributor's earlier renders must not change a test).
OWN_ONLY = "NTK_OWN_CLIPS_ONLY"


def stores(media: Path, default: Path) -> list:
    """Where a render looks for a stored clip: its own media folder, then the default one."""
    return [media] if os.environ.get(OWN_ONLY) == "1" else [media, default]


def find(key: str, medias, file_hash) -> Path | None:
    """The clip stored under ``key`` in the first of ``medias`` that has it whole (its sha256 as
    stamped; ``file_hash(path)`` computes one), else None."""
    for media in dict.fromkeys(Path(m).resolve() for m in medias):
        entry = store_dir(media) / key[:KEY_LENGTH]
        try:
            stamp = json.loads((entry / "stamp.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        clip = entry / str(stamp.get("clip", ""))
        if stamp.get("key") == key and clip.is_file() and file_hash(clip) == stamp.get("sha256"):
            return clip
    return None


def take(stored: Path, final: Path) -> None:
    """Put a stored clip and its side files where a render of its own would have put them."""
    for f in _files(stored):
        link_or_copy(f, final.with_name(final.stem + f.name[len(stored.stem):]))
