"""Narration for the narrated edition: spoken text, the offline voice, a lecturer's recordings,
the script, and the helpers that put clips into a manim scene.

* :func:`speakable` (``pronounce``): on-screen text -> what a person says;
* :func:`synthesize` (``voice``): ``[(step_id, text)]`` -> ``{step_id: Clip}``, Piper, cached;
* :func:`load_voice_dir` (``recordings``): a folder of ``<step_id>.wav`` -> converted clips + missing ids;
* :func:`write_script` (``script``): the narration script as Markdown and CSV;
* ``mix``: WAV/MP4 measurements, :func:`~.mix.check_av_sync`, and :func:`~.mix.add_clip` /
  :class:`~.mix.FrameClockMixin` / :func:`~.mix.end_audio_with_video` for scenes.

Every clip is a 16-bit PCM mono 48 kHz WAV (see ``audio``). Errors a user can fix are
:class:`NarrationError`, whose message is one printable line.

Like :mod:`pipeline`, importing this package needs only the standard library (so do ``pronounce``
and ``script``): the names below load their modules on first use; numpy/scipy come with ``voice``,
``recordings``, ``audio`` and ``mix``; Piper loads on the first line synthesized, manim/PyAV when a
``mix`` function needs them.
"""

from importlib import import_module

from .errors import NarrationError

_LAZY = {
    "speakable": "pronounce", "PRONUNCIATION_VERSION": "pronounce",
    "Clip": "voice", "cache_key": "voice", "synthesize": "voice",
    "load_voice_dir": "recordings",
    "ScriptRow": "script", "script_rows": "script", "write_script": "script",
}

__all__ = ["NarrationError", *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
