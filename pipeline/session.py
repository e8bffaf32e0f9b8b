"""One render's session: the settings snapshot (read and validated once, so an edit during the
render changes nothing), the wide-network data, the runtime contract every chapter process reads,
the chapters' keys and up-to-date stamps, and what a settings file changes against the defaults."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import threading
from pathlib import Path

from pipeline import datacache
from pipeline.chapters import CHAPTERS, Chapter

from pipeline.options import Options, video_path


class Session:
    """One render: the settings snapshot, the theme, the data files and the runtime contract."""

    def __init__(self, opts: Options, log=print):
        from ntkcore.settings import DEFAULTS, load_settings_text, read_settings_text
        from scenes.theme import Theme

        self.opts, self.log = opts, log
        if opts.config:
            text = read_settings_text(opts.config)
            self.settings = load_settings_text(text, str(opts.config))
        else:
            text, self.settings = "", DEFAULTS
        self.theme = Theme.from_settings(self.settings.theme, self.settings.source)
        self.settings_text = text
        self.run_dir = opts.root / "runs" / str(os.getpid())
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.settings_file = None
        if opts.config:
            self.settings_file = self.run_dir / "settings.toml"
            self.settings_file.write_text(text, encoding="utf-8")
        self.script_file = None
        self.script_text = ""
        if opts.script:
            check_script(Path(opts.script), opts.chapters, log)
            self.script_text = Path(opts.script).read_text(encoding="utf-8-sig")
            self.script_file = self.run_dir / "script.toml"
            self.script_file.write_text(self.script_text, encoding="utf-8")
        self.data: dict = {}   # experiment name -> cache file
        datacache.check_cost([n for ch in opts.chapters for n in ch.data], self.settings, opts.cache_dir,
                             opts.allow_slow, log)
        self.voice_keys: dict = {}   # chapter name -> hash of its narration clips (narrated edition)
        self._data_lock = threading.Lock()

    def need_data(self, chapters) -> None:
        """Compute (or find) the wide-network numbers the chapters load (thread-safe: a chapter that
        needs them waits while the other worker renders chapters that do not)."""
        with self._data_lock:
            for name in dict.fromkeys(n for ch in chapters for n in ch.data):
                if name not in self.data:
                    self.data[name] = str(datacache.ensure(name, self.settings, self.opts.cache_dir, log=self.log))

    def contract(self, name: str = "runtime", **fields) -> Path:
        """Write a runtime contract for the chapter processes; returns its path."""
        from scenes.runtime import Runtime
        rt = Runtime(settings_file=str(self.settings_file) if self.settings_file else None,
                     data=dict(self.data), script=str(self.script_file) if self.script_file else None,
                     skip=self.opts.skip, **fields)
        return rt.write(self.run_dir / f"{name}.json")

    def close(self) -> None:
        shutil.rmtree(self.run_dir, ignore_errors=True)

    # ------------------------------------------------------------------ the chapter key
    def chapter_key(self, ch: Chapter, extra: tuple = (), settings=None, theme=None) -> str:
        """What the chapter's clip is made from (pipeline.keys), under this render's settings (or the
        given ones): equal keys make equal clips, whatever the settings file or media folder."""
        import manim

        from pipeline import keys
        opts = self.opts
        settings = settings or self.settings
        theme = theme or self.theme
        blob = {
            "code": keys.code_hash(ch), "chapter": [ch.name, ch.scene, ch.title, list(ch.examples), list(ch.data)],
            "quality": opts.quality, "fmt": opts.fmt, "transparent": opts.transparent, "extra": list(extra),
            "manim": manim.__version__,
            "examples": {n: datacache.example_fields(settings.example(n)) for n in ch.examples},
            "theme": dataclasses.asdict(theme),
            "data": {n: datacache.path_for(n, settings, self.opts.cache_dir).name for n in ch.data},
            "voice": self.voice_keys.get(ch.name),
            "words": self.words_of(ch),
            "skip": [i for i in opts.skip if i.partition(".")[0] == ch.name],
        }
        return hashlib.sha256(json.dumps(blob, sort_keys=True, default=repr).encode()).hexdigest()

    def words_of(self, ch: Chapter):
        """The translation's words for this chapter (None: its own words, in the code hash)."""
        if not self.script_text:
            return None
        import tomllib
        data = tomllib.loads(self.script_text)
        return {"language": data.get("language"), "chapter": data.get(ch.name), "labels": data.get("labels")}

    def changes(self) -> list:
        """``[(chapter, renders again?)]``: which chapters this settings file changes against the
        defaults (their keys differ), for the console."""
        from ntkcore.settings import DEFAULTS
        from scenes.theme import Theme
        base_theme = Theme.from_settings(DEFAULTS.theme, DEFAULTS.source)
        return [(ch, self.chapter_key(ch) != self.chapter_key(ch, settings=DEFAULTS, theme=base_theme))
                for ch in self.opts.chapters]


def check_script(path: Path, chapters, log=print) -> None:
    """A translated or edited script must fit the chapters (known entries, only the placeholders the
    chapters fill): else :class:`scenes.script.ScriptError` (one line, exit 2) before anything
    renders.  Entries it lacks keep the English: one line says which."""
    from scenes.script import load_chapter_script, load_translation, overlay
    tr = load_translation(path)
    unknown = [n for n in tr.chapters if n not in {c.name for c in CHAPTERS}]
    if unknown:
        from scenes.script import ScriptError
        raise ScriptError(f"{path}: [{unknown[0]}] is not a chapter (./render.sh --list)")
    missing = []
    for ch in chapters:
        merged = overlay(load_chapter_script(ch.script_file), tr.chapters.get(ch.name), f"{path} [{ch.name}]")
        missing += [f"{ch.name}.{k}" for k in merged.fallbacks]
    if missing:
        shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
        log(f"[script] {len(missing)} entries are not in {Path(path).name}; English kept for: {shown}")


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def stamp_path(ch: Chapter, opts: Options) -> Path:
    t = "-t" if opts.transparent else ""
    return opts.root / "chapter_caches" / ch.name / f"stamp-{opts.folder}-{opts.fmt}{t}.json"


def is_up_to_date(ch: Chapter, opts: Options, key: str) -> bool:
    """The chapter's clip exists, is the very file that was verified after its render, and was
    made from ``key``."""
    stamp, video = stamp_path(ch, opts), video_path(ch, opts)
    if not (stamp.exists() and video.exists()):
        return False
    try:
        saved = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return False
    return (saved.get("key") == key and saved.get("size") == video.stat().st_size
            and saved.get("sha256") == file_hash(video))


def mark_up_to_date(ch: Chapter, opts: Options, key: str) -> None:
    video = video_path(ch, opts)
    stamp = stamp_path(ch, opts)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    tmp = stamp.with_name(stamp.name + ".partial")
    tmp.write_text(json.dumps({"key": key, "size": video.stat().st_size, "sha256": file_hash(video)}))
    os.replace(tmp, stamp)


def settings_changes(text: str) -> list:
    """``["examples.linear.lr = 0.01 (default 0.001)", …]``: what a settings file changes."""
    import tomllib

    from pipeline.settings_file import default_settings_toml

    def flat(d, prefix=""):
        out = {}
        for k, v in d.items():
            if isinstance(v, dict):
                out.update(flat(v, f"{prefix}{k}."))
            else:
                out[f"{prefix}{k}"] = v
        return out

    mine, defaults = flat(tomllib.loads(text)), flat(tomllib.loads(default_settings_toml()))
    return [f"{k} = {v!r}" + (f" (default {defaults[k]!r})" if k in defaults else "")
            for k, v in mine.items() if defaults.get(k, object()) != v]


def say_changes(session) -> None:
    """One line on what the settings file changes, one on which chapters that renders again."""
    changed = settings_changes(session.settings_text)
    session.log(f"   the settings file changes: {'; '.join(changed) if changed else 'nothing against the defaults'}")
    again = [ch.name for ch, differs in session.changes() if differs]
    same = len(session.opts.chapters) - len(again)
    session.log(f"   which renders again: {', '.join(again) or 'no chapter'}"
                + (f"; {same} other(s) as with the defaults (reused where rendered before)" if same else ""))
