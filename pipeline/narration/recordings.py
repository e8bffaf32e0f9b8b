"""A lecturer's own recordings: a folder of ``<step_id>.wav`` files read instead of the voice.

``load_voice_dir(voice_dir, step_ids)`` checks every WAV in the folder, converts each into the clip
format of :mod:`pipeline.narration.audio` (mono, 48 kHz, 16-bit; silence trimmed, loudness
normalized and faded exactly like a synthesized line) and returns the converted files by step id,
plus the step ids that have no recording (the caller synthesizes those and says so in one line).

Accepted: RIFF/WAVE, integer PCM 8/16/24/32-bit or float 32/64-bit (also WAVE_FORMAT_EXTENSIBLE),
mono or stereo, 8-192 kHz. Converted files are content-addressed
(``<step_id>-<sha256 of the source and format>.wav`` in ``cache_dir``), so a re-render converts only
the recordings that changed.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from . import audio
from .errors import NarrationError

LIST_IDS_HINT = "./render.sh script lists the valid step ids"
_OTHER_AUDIO = {".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac", ".aif", ".aiff", ".wma", ".webm", ".mp4"}


def default_cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / "ntk-narration-recordings"


def convert_recording(src: Path, dest_dir: Path, step_id: str) -> Path:
    """Validate and convert one recording into ``dest_dir``; reuse an earlier conversion of the same bytes."""
    src = Path(src)
    try:
        raw = src.read_bytes()
    except OSError as e:
        raise NarrationError(f"{src}: cannot read the recording ({e.strerror or e})") from None
    digest = hashlib.sha256(raw + b"\0" + audio.FORMAT_ID.encode()).hexdigest()[:16]
    dest = Path(dest_dir) / f"{step_id}-{digest}.wav"
    if dest.is_file():
        return dest
    try:
        samples, rate = audio.read_wav(src)
        conditioned = audio.condition(samples, rate)
    except audio.AudioFormatError as e:
        raise NarrationError(f"{src}: {e}") from None
    audio.write_clip(dest, conditioned)
    return dest


def load_voice_dir(
    voice_dir: Path, step_ids: set[str], *, cache_dir: Path | None = None
) -> tuple[dict[str, Path], list[str]]:
    """The lecturer's recordings in ``voice_dir``, converted: ``({step_id: wav}, missing step ids)``.

    Every ``*.wav`` (any case) must be named after a known step id, and be readable; anything else
    raises :class:`NarrationError` naming the file. Hidden files, sub-folders and non-audio files
    (notes, scripts) are ignored; other audio formats (.mp3, .flac, ...) are an error that says to
    export WAV. ``missing`` is sorted. ``cache_dir`` holds the converted files (default: a folder in
    the system temporary directory; pass the pipeline's cache folder to keep them).
    """
    voice_dir = Path(voice_dir)
    if not voice_dir.is_dir():
        raise NarrationError(f"{voice_dir}: the recordings folder does not exist")
    known = set(step_ids)
    found: dict[str, Path] = {}
    for f in sorted(voice_dir.iterdir()):
        if f.name.startswith(".") or not f.is_file():
            continue
        suffix = f.suffix.lower()
        if suffix in _OTHER_AUDIO:
            raise NarrationError(f"{f}: only WAV recordings are read; export it as {f.stem}.wav")
        if suffix != ".wav":
            continue
        if f.stem not in known:
            raise NarrationError(f"{f}: '{f.stem}' is not a step id of this narration ({LIST_IDS_HINT})")
        if f.stem in found:
            raise NarrationError(f"{f}: step {f.stem} has two recordings ({found[f.stem].name} and {f.name})")
        found[f.stem] = f
    out_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    converted = {step_id: convert_recording(src, out_dir, step_id) for step_id, src in found.items()}
    missing = sorted(known - converted.keys())
    return converted, missing
