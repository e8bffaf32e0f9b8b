"""The narrated edition and the narration script.

* ``script``: every chapter is built without writing video (:mod:`pipeline.collect`) and its caption
  steps are written as ``media/narration/script.md`` and ``.csv`` (chapter, step id, caption, spoken
  text): to read aloud, record or translate.
* ``narrated``: the same steps are spoken — by the lecturer's recordings (``--voice-dir DIR``, files
  ``<step id>.wav``) where there are any, by the offline Piper voice elsewhere — and the chapters are
  rendered with every step lasting as long as its voice (:meth:`scenes.base.ChapterScene.step`),
  into ``media/narrated/``; the chapters are joined with their sound into
  ``media/narrated/ntk_explainer.mp4`` and its ``.srt``.  The silent edition is untouched.

Synthesized lines are cached by (spoken text, voice, pronunciation table): a re-render after a
change synthesizes only the changed lines.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.render import CHILDREN, Options, Session, file_hash, rel, render_all, video_path
from pipeline.paths import ROOT


def narration_dir(opts: Options) -> Path:
    """Caches and outputs of the narration (next to the media root's videos)."""
    from pipeline.paths import media_root
    return media_root(opts.config, opts.media) / "narration"


# --------------------------------------------------------------------------- the steps
def collect_steps(session: Session, log=print) -> dict:
    """``{chapter: [{"id", "caption", "narration", ...}]}`` for the session's chapters, from dry runs
    (two child processes), cached by each chapter's key."""
    opts = session.opts
    cache = narration_dir(opts) / "steps"
    cache.mkdir(parents=True, exist_ok=True)
    out, todo = {}, []
    for ch in opts.chapters:
        path = cache / f"{ch.name}-{session.chapter_key(ch, ('collect',))[:24]}.json"
        if path.exists():
            out[ch.name] = json.loads(path.read_text(encoding="utf-8"))
        else:
            todo.append((ch, path))
    if todo:
        log(f"[script] reading the steps of {len(todo)} chapter(s) (built without video) …")
        runtime = session.contract("collect", save_slides=False)
        groups = [todo[k::2] for k in range(min(2, len(todo)))]

        def run(group):
            result = session.run_dir / f"steps-{group[0][0].name}.json"
            env = dict(os.environ)
            from scenes.runtime import Runtime
            env.update(Runtime.environ(runtime))
            env.setdefault("JAX_PLATFORMS", "cpu")
            cmd = [sys.executable, "-m", "pipeline.collect", "--out", str(result),
                   "--tex-root", str(narration_dir(opts) / "tex"), *[ch.name for ch, _ in group]]
            proc = CHILDREN.start(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                _, err = proc.communicate()
            finally:
                CHILDREN.done(proc)
            if proc.returncode != 0:
                tail = "\n  ".join(err.decode(errors="replace").strip().splitlines()[-4:])
                raise RuntimeError(f"reading the steps of {', '.join(c.name for c, _ in group)} failed:\n  {tail}")
            return json.loads(result.read_text(encoding="utf-8"))

        with ThreadPoolExecutor(max_workers=len(groups)) as pool:
            for found in pool.map(run, groups):
                out.update(found)
        for ch, path in todo:
            tmp = path.with_name(path.name + ".partial")
            tmp.write_text(json.dumps(out[ch.name]), encoding="utf-8")
            os.replace(tmp, path)
    return {ch.name: out[ch.name] for ch in opts.chapters}


def script_rows(steps: dict) -> list:
    from pipeline.narration.script import script_rows as rows
    return rows((chapter, s["id"], s["caption"], s["narration"]) for chapter, ss in steps.items() for s in ss)


def write_script(opts: Options, log=print) -> int:
    """``./render.sh script``: the narration script as Markdown and CSV."""
    from pipeline.narration.script import write_script as write
    session = Session(opts, log)
    try:
        session.need_data(opts.chapters)
        steps = collect_steps(session, log)
    finally:
        session.close()
    from pipeline.narration._files import atomic_write_text
    from pipeline.narration.script import export_script
    rows = script_rows(steps)
    md, csv = write(rows, narration_dir(opts), stem=f"narration_script{opts.suffix}")
    toml = atomic_write_text(narration_dir(opts) / f"script{opts.suffix}.toml",
                             export_script(opts.chapters, Path(opts.script) if opts.script else None))
    log(f"Script of {len(steps)} chapter(s), every step's words to edit or translate "
        f"(render with --script {rel(toml)}):\n  {rel(toml)}")
    log(f"Narration script, {len(rows)} steps, filled in:")
    log(f"  {rel(md)}\n  {rel(csv)}")
    return 0


# --------------------------------------------------------------------------- the voice
def voice_manifest(session: Session, steps: dict, voice_dir: Path | None, log=print) -> dict:
    """``{step id: {"path", "seconds", "source"}}``: recordings where there are, Piper elsewhere."""
    from pipeline.narration import recordings, voice
    from pipeline.narration.mix import wav_seconds

    opts = session.opts
    lines = [(s["id"], s["narration"]) for ss in steps.values() for s in ss]
    own = {}
    if voice_dir is not None:
        own, missing = recordings.load_voice_dir(Path(voice_dir), {i for i, _ in lines},
                                                 cache_dir=narration_dir(opts) / "recordings")
        if missing:
            shown = ", ".join(missing[:6]) + (", …" if len(missing) > 6 else "")
            log(f"[voice] {len(missing)} of {len(lines)} steps have no recording in {voice_dir}; "
                f"the synthetic voice reads them: {shown}")
        else:
            log(f"[voice] all {len(lines)} steps read from {voice_dir}")
    todo = [(i, text) for i, text in lines if i not in own]
    manifest = {i: {"path": str(p), "seconds": wav_seconds(p), "source": "recording"} for i, p in own.items()}
    check_recording_lengths(manifest, {s["id"]: s["caption"] for ss in steps.values() for s in ss}, log)
    if todo and opts.language != "en":
        # The offline voice speaks English only: a translation is spoken by its recordings.
        shown = ", ".join(i for i, _ in todo[:6]) + (", …" if len(todo) > 6 else "")
        log(f"[voice] the voice speaks English and the script is '{opts.language}': {len(todo)} of {len(lines)} "
            f"steps have no recording and stay silent (their captions are held): {shown}")
        return manifest
    if todo:
        t0 = time.perf_counter()
        new = []
        clips = voice.synthesize(todo, narration_dir(opts) / "clips",
                                 progress=lambda i, c: (not c.cached) and new.append(i))
        audio = sum(c.seconds for c in clips.values())
        took = time.perf_counter() - t0
        log(f"[voice] {len(todo)} lines, {audio:.0f} s of speech: {len(new)} synthesized, "
            f"{len(todo) - len(new)} from the cache ({took:.1f} s)")
        session.synthesis = {"lines": len(todo), "synthesized": len(new), "audio_seconds": audio, "seconds": took}
        for i, c in clips.items():
            manifest[i] = {"path": str(c.path), "seconds": c.seconds, "source": "piper"}
    return manifest


MAX_RECORDING = 60.0      # seconds: a longer recording for one step is refused
LONG_RECORDING = 4.0      # a recording this many times its caption's reading time gets a warning


def check_recording_lengths(manifest: dict, captions: dict, log=print) -> None:
    """One step's recording may not run over a minute (refused, one line, exit 2); one that runs
    over four times its caption's reading time is said in one line (the chapter waits for it)."""
    from pipeline.narration.errors import NarrationError
    from scenes.base import reading_seconds
    too_long = [(i, c["seconds"]) for i, c in manifest.items() if c["source"] == "recording" and c["seconds"] > MAX_RECORDING]
    if too_long:
        i, sec = too_long[0]
        raise NarrationError(f"--voice-dir: {i}.wav lasts {sec:.0f} s (without its silence); at most "
                             f"{MAX_RECORDING:.0f} s per step (split it, or trim it)")
    slow = [i for i, c in manifest.items() if c["source"] == "recording"
            and c["seconds"] > LONG_RECORDING * reading_seconds(captions.get(i, ""))]
    if slow:
        log(f"[voice] {len(slow)} recording(s) run over {LONG_RECORDING:.0f}× their caption's reading time; those "
            f"steps wait for them: {', '.join(slow[:6])}{', …' if len(slow) > 6 else ''}")


def narrated(opts: Options, voice_dir: str | None = None, log=print) -> dict | None:
    """``./render.sh narrated``: the narrated chapters and the joined narrated video."""
    t_all = time.perf_counter()
    opts.subdir = "narrated"
    session = Session(opts, log)
    try:
        session.need_data(opts.chapters)
        steps = collect_steps(session, log)
        manifest = voice_manifest(session, steps, Path(voice_dir) if voice_dir else None, log)
        path = session.run_dir / "voice.json"
        path.write_text(json.dumps(manifest), encoding="utf-8")
        # A chapter's clip depends on its voice: the recordings' and clips' contents join its key.
        session.voice_keys = {
            ch: hashlib.sha256(json.dumps([(s["id"], file_hash(Path(manifest[s["id"]]["path"]))
                                            if s["id"] in manifest else None)
                                           for s in ss]).encode()).hexdigest()
            for ch, ss in steps.items()}
        runs = render_all(session, {"save_slides": False, "voice": str(path)}, verb="Narrated")
    finally:
        session.close()
    if runs is None:
        return None
    videos = [video_path(ch, opts) for ch in opts.chapters]
    log("\nNarrated chapters:\n" + "\n".join(f"  {rel(v)}" for v in videos))
    if not opts.all_chapters:
        return {"runs": runs, "seconds": time.perf_counter() - t_all, "video": None, "video_seconds": None,
                "synthesis": getattr(session, "synthesis", None)}
    from pipeline.video import stitch_edition
    out, seconds = stitch_edition(opts, videos, log, audio=True)
    wall = time.perf_counter() - t_all
    log(f"Total wall time: {wall:.1f} s")
    return {"runs": runs, "seconds": wall, "video": out, "video_seconds": seconds,
            "synthesis": getattr(session, "synthesis", None)}
