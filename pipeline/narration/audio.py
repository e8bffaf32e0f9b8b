"""One audio format for every narration clip, and the reading, conversion and writing around it.

Every clip that reaches a scene, synthesized or recorded, is a **16-bit PCM mono WAV at 48 kHz**
(:data:`SAMPLE_RATE`), processed the same way by :func:`condition`:

1. downmix to mono (mean of the channels);
2. resample to 48 kHz with ``scipy.signal.resample_poly`` (a polyphase FIR; scipy is a manim
   dependency, so nothing is added for it);
3. trim leading and trailing silence, keeping :data:`EDGE_MARGIN_SECONDS` of it on each side
   (a lecturer's recording often starts with a second of room noise);
4. loudness: the **RMS over voiced frames** is set to :data:`TARGET_DBFS` (-20 dBFS); the few peaks
   that then go above :data:`PEAK_CEILING_DBFS` (-1 dBFS) are brought under it by a smooth look-ahead
   limiter (speech peaks sit ~20 dB above its RMS; at most 6 dB of limiting, beyond that the whole
   clip is turned down instead). "Voiced frames" are
   the 20 ms frames whose level is at least -60 dBFS and within :data:`RELATIVE_GATE_DB` (25 dB) of
   the clip's loud level (the 95th percentile of frame levels): pauses and breaths do not count,
   so a line with long pauses is not pushed louder than a line without them. This is a simple
   gated-RMS stand-in for LUFS (no K-weighting);
5. a 10 ms raised-cosine fade-in and fade-out (:data:`FADE_SECONDS`), so that a clip starts and
   ends on zero and joins never click.

Why 16-bit PCM mono: manim reads sounds with pydub, which decodes PCM WAV in pure Python but hands
every other file (float WAV, MP3, ...) to ``ffprobe``/``ffmpeg`` -- not installed here. Why 48 kHz:
manim's AAC track is encoded at 48 kHz anyway, and lecturers' recordings (44.1/48 kHz) keep their
high frequencies; Piper's 22.05 kHz voice is upsampled once, at synthesis time, and cached.

:data:`FORMAT_ID` names all of the above; the synthesis cache keys on it.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._files import atomic_write_bytes

SAMPLE_RATE = 48_000
SAMPLE_WIDTH = 2  # bytes: 16-bit PCM
TARGET_DBFS = -20.0
PEAK_CEILING_DBFS = -1.0
FADE_SECONDS = 0.010
EDGE_MARGIN_SECONDS = 0.080
GATE_FRAME_SECONDS = 0.020
ABSOLUTE_GATE_DBFS = -60.0
RELATIVE_GATE_DB = 25.0  # voiced: within this many dB of the loud level
TRIM_GATE_DB = 40.0  # trimming keeps everything within this many dB of the loud level
MAX_LIMITING_DB = 6.0  # peak limiting allowed before the whole clip is turned down instead
LIMITER_WINDOW_SECONDS = 0.005
SILENCE_PEAK = 10 ** (-90 / 20)  # a clip whose peak is below -90 dBFS is silent

FORMAT_ID = (
    f"pcm16-mono-{SAMPLE_RATE};rms{TARGET_DBFS:g}@voiced(gate{ABSOLUTE_GATE_DBFS:g},rel{RELATIVE_GATE_DB:g})"
    f";peak{PEAK_CEILING_DBFS:g}(limit{MAX_LIMITING_DB:g}dB/{LIMITER_WINDOW_SECONDS * 1000:g}ms);fade{FADE_SECONDS * 1000:g}ms;trim{TRIM_GATE_DB:g}dB+{EDGE_MARGIN_SECONDS * 1000:g}ms;v1"
)

MIN_RATE, MAX_RATE = 8_000, 192_000
_WAVE_FORMAT_PCM = 0x0001
_WAVE_FORMAT_IEEE_FLOAT = 0x0003
_WAVE_FORMAT_EXTENSIBLE = 0xFFFE
_FORMAT_NAMES = {
    0x0002: "MS ADPCM", 0x0006: "A-law", 0x0007: "mu-law", 0x0011: "IMA ADPCM",
    0x0031: "GSM 6.10", 0x0050: "MPEG", 0x0055: "MP3", 0x0161: "WMA",
}


class AudioFormatError(ValueError):
    """A file is not audio this package can read; the message is the reason (without the file name)."""


@dataclass(frozen=True)
class WavInfo:
    """What a WAV header says."""

    sample_rate: int
    channels: int
    bits: int
    is_float: bool
    frames: int  # samples per channel

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate


# ------------------------------------------------------------------ reading
def _parse(data: bytes) -> tuple[WavInfo, int, int]:
    """Parse a RIFF/WAVE header: (info, offset of the sample data, length of the sample data)."""
    if len(data) == 0:
        raise AudioFormatError("the file is empty (0 bytes)")
    if len(data) < 12 or data[:4] not in (b"RIFF", b"RF64") or data[8:12] != b"WAVE":
        raise AudioFormatError("not a WAV file (no RIFF/WAVE header)")
    fmt = None
    data_at = data_len = None
    pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        body = pos + 8
        if cid == b"fmt ":
            fmt = data[body:body + size]
        elif cid == b"data":
            data_at = body
            # Streaming writers leave 0 or 0xFFFFFFFF here; take what the file holds.
            data_len = min(size, len(data) - body) if size not in (0, 0xFFFFFFFF) else len(data) - body
            break
        pos = body + size + (size & 1)
    if fmt is None or len(fmt) < 16:
        raise AudioFormatError("no 'fmt ' chunk: the WAV header is damaged")
    if data_at is None:
        raise AudioFormatError("no 'data' chunk: the WAV file holds no audio")
    tag, channels, rate, _byte_rate, block_align, bits = struct.unpack_from("<HHIIHH", fmt, 0)
    if tag == _WAVE_FORMAT_EXTENSIBLE:
        if len(fmt) < 40:
            raise AudioFormatError("WAVE_FORMAT_EXTENSIBLE header is too short")
        tag = struct.unpack_from("<H", fmt, 24)[0]  # first two bytes of the sub-format GUID
    if tag == _WAVE_FORMAT_PCM:
        if bits not in (8, 16, 24, 32):
            raise AudioFormatError(f"{bits}-bit integer PCM is not supported (8, 16, 24 or 32 bits)")
        is_float = False
    elif tag == _WAVE_FORMAT_IEEE_FLOAT:
        if bits not in (32, 64):
            raise AudioFormatError(f"{bits}-bit float is not supported (32 or 64 bits)")
        is_float = True
    else:
        name = _FORMAT_NAMES.get(tag, f"format tag 0x{tag:04x}")
        raise AudioFormatError(f"compressed WAV ({name}) is not supported: save it as PCM (16/24/32-bit) or float")
    if channels not in (1, 2):
        raise AudioFormatError(f"{channels} channels: only mono or stereo recordings are supported")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise AudioFormatError(f"sample rate {rate} Hz is outside {MIN_RATE}-{MAX_RATE} Hz")
    if block_align != channels * bits // 8:
        raise AudioFormatError(f"inconsistent header (block align {block_align} for {channels} x {bits} bits)")
    frames = data_len // block_align
    return WavInfo(rate, channels, bits, is_float, frames), data_at, frames * block_align


def wav_info(path: Path) -> WavInfo:
    """The header of a WAV file (reads the file; raises :class:`AudioFormatError`)."""
    info, _, _ = _parse(Path(path).read_bytes())
    return info


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Read a PCM (8/16/24/32-bit) or float (32/64-bit) WAV: ``(samples, sample_rate)``.

    ``samples`` is float32 of shape ``(frames, channels)``, integer formats scaled to [-1, 1).
    Raises :class:`AudioFormatError` with the reason when the file cannot be used.
    """
    raw = Path(path).read_bytes()
    info, at, length = _parse(raw)
    if info.frames == 0:
        raise AudioFormatError("the WAV file has no audio samples")
    buf = raw[at:at + length]
    if info.is_float:
        x = np.frombuffer(buf, dtype="<f4" if info.bits == 32 else "<f8").astype(np.float64)
        if not np.all(np.isfinite(x)):
            raise AudioFormatError("float samples contain NaN or infinity")
    elif info.bits == 8:
        x = (np.frombuffer(buf, dtype=np.uint8).astype(np.float64) - 128.0) / 128.0
    elif info.bits == 16:
        x = np.frombuffer(buf, dtype="<i2") / 32768.0
    elif info.bits == 24:
        b = np.frombuffer(buf, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        v = np.where(v >= 1 << 23, v - (1 << 24), v)
        x = v / float(1 << 23)
    else:
        x = np.frombuffer(buf, dtype="<i4") / float(1 << 31)
    return x.reshape(-1, info.channels).astype(np.float32), info.sample_rate


# ------------------------------------------------------------------ levels
def _frame_power(x: np.ndarray, rate: int) -> np.ndarray:
    n = max(1, int(round(GATE_FRAME_SECONDS * rate)))
    frames = math.ceil(len(x) / n) or 1
    padded = np.zeros(frames * n, dtype=np.float64)
    padded[:len(x)] = x
    return (padded.reshape(frames, n) ** 2).mean(axis=1), n


def _db(power):
    return 10 * np.log10(np.maximum(power, 1e-20))


def _loud_level_db(level_db: np.ndarray) -> float | None:
    above = level_db[level_db >= ABSOLUTE_GATE_DBFS]
    return float(np.percentile(above, 95)) if above.size else None


def voiced_rms_dbfs(x: np.ndarray, rate: int) -> float:
    """RMS level (dBFS, full scale = 1.0) over the voiced 20 ms frames of a mono signal.

    Voiced frames: level >= -60 dBFS and within 25 dB of the loud level (95th percentile of the
    frame levels). A signal with no frame above -60 dBFS returns its plain RMS.
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    power, _ = _frame_power(x, rate)
    level = _db(power)
    loud = _loud_level_db(level)
    if loud is None:
        return float(_db(np.mean(x ** 2) if x.size else 0.0))
    voiced = level >= max(ABSOLUTE_GATE_DBFS, loud - RELATIVE_GATE_DB)
    return float(_db(power[voiced].mean()))


def peak_dbfs(x: np.ndarray) -> float:
    return float(20 * np.log10(max(float(np.max(np.abs(x))) if np.size(x) else 0.0, 1e-10)))


# ------------------------------------------------------------------ conditioning
def to_mono(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return x.mean(axis=1) if x.ndim == 2 else x.reshape(-1)


def resample(x: np.ndarray, rate_from: int, rate_to: int = SAMPLE_RATE) -> np.ndarray:
    """Polyphase resampling of a mono signal (scipy.signal.resample_poly)."""
    if rate_from == rate_to:
        return np.asarray(x, dtype=np.float64)
    from scipy.signal import resample_poly

    g = math.gcd(rate_from, rate_to)
    return resample_poly(np.asarray(x, dtype=np.float64), rate_to // g, rate_from // g)


def trim_silence(x: np.ndarray, rate: int, margin: float = EDGE_MARGIN_SECONDS) -> np.ndarray:
    """Cut leading/trailing silence (below the loud level - 40 dB, or -60 dBFS), keeping ``margin`` s."""
    power, n = _frame_power(x, rate)
    level = _db(power)
    loud = _loud_level_db(level)
    if loud is None:
        return x
    keep = np.flatnonzero(level >= max(ABSOLUTE_GATE_DBFS, loud - TRIM_GATE_DB))
    pad = int(round(margin * rate))
    start = max(0, keep[0] * n - pad)
    stop = min(len(x), (keep[-1] + 1) * n + pad)
    return x[start:stop]


def limit_peaks(x: np.ndarray, rate: int, ceiling_dbfs: float = PEAK_CEILING_DBFS) -> np.ndarray:
    """A look-ahead peak limiter: a smooth gain (5 ms windows) that keeps every sample under the ceiling.

    The gain at each sample is the moving average of a moving minimum of the gain each sample needs,
    so it never exceeds what any nearby sample needs and moves without steps (no clicks).
    """
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    ceiling = 10 ** (ceiling_dbfs / 20)
    need = np.minimum(1.0, ceiling / np.maximum(np.abs(x), 1e-12))
    if need.min() >= 1.0:
        return x
    w = max(1, int(round(LIMITER_WINDOW_SECONDS * rate)))
    gain = uniform_filter1d(minimum_filter1d(need, size=2 * w + 1, mode="nearest"), size=w + 1, mode="nearest")
    return np.clip(x * np.minimum(gain, need.max()), -ceiling, ceiling)


def normalize_loudness(x: np.ndarray, rate: int) -> np.ndarray:
    """Scale to :data:`TARGET_DBFS` voiced RMS; peaks above :data:`PEAK_CEILING_DBFS` are limited
    (at most :data:`MAX_LIMITING_DB` of gain reduction; a clip that would need more is turned down
    as a whole instead, ending below the target)."""
    y = x * 10 ** ((TARGET_DBFS - voiced_rms_dbfs(x, rate)) / 20)
    over = peak_dbfs(y) - PEAK_CEILING_DBFS
    if over > MAX_LIMITING_DB:
        y = y * 10 ** (-(over - MAX_LIMITING_DB) / 20)
    return limit_peaks(y, rate)


def fade(x: np.ndarray, rate: int, seconds: float = FADE_SECONDS) -> np.ndarray:
    """Raised-cosine fade-in and fade-out; the first and last samples become exactly 0."""
    x = np.array(x, dtype=np.float64)
    n = min(int(round(seconds * rate)), len(x) // 2)
    if n > 0:
        ramp = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n))
        x[:n] *= ramp
        x[-n:] *= ramp[::-1]
    return x


def condition(samples: np.ndarray, rate: int) -> np.ndarray:
    """Bring any audio to the clip format: mono, 48 kHz, trimmed, loudness-normalized, faded.

    Raises :class:`AudioFormatError` if the audio is silent (nothing to normalize).
    """
    x = to_mono(samples)
    if x.size == 0:
        raise AudioFormatError("no audio samples")
    if float(np.max(np.abs(x))) < SILENCE_PEAK:
        raise AudioFormatError("the audio is silent")
    x = resample(x, rate, SAMPLE_RATE)
    x = trim_silence(x, SAMPLE_RATE)
    x = normalize_loudness(x, SAMPLE_RATE)
    return fade(x, SAMPLE_RATE).astype(np.float32)


# ------------------------------------------------------------------ writing
def wav_bytes(x: np.ndarray, rate: int = SAMPLE_RATE) -> bytes:
    """16-bit PCM mono WAV bytes of a float signal in [-1, 1]."""
    pcm = np.clip(np.round(np.asarray(x, dtype=np.float64) * 32767.0), -32768, 32767).astype("<i2")
    bio = io.BytesIO()
    with wave.open(bio, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(SAMPLE_WIDTH)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return bio.getvalue()


def write_clip(path: Path, x: np.ndarray) -> float:
    """Write a conditioned signal as the clip WAV, atomically; returns its length in seconds."""
    atomic_write_bytes(Path(path), wav_bytes(x, SAMPLE_RATE))
    return len(x) / SAMPLE_RATE
