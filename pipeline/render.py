"""Render chapters with manim, one process per chapter, in parallel, and keep what is unchanged.

A render is a :class:`Session`: it reads and validates the settings file once (the chapters read
that snapshot, so an edit during the render changes nothing), computes the wide-network numbers the
chapters need (:mod:`pipeline.datacache`), and writes the runtime contract
(:mod:`scenes.runtime`) every chapter process reads.

A chapter is skipped when its video is verified whole and was made from the same *key*: the source
of ``scenes/`` and ``ntkcore/``, manim's configuration, the chapter, every render option, the
settings it reads, the theme, the data it loads and manim's version — all taken before rendering
starts.  Chapters render into ``staging/``; only a video that decodes and whose frames fill its
duration is renamed into ``videos/`` and counts as done.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from pipeline import clipstore, datacache
from pipeline.chapters import CHAPTERS, Chapter, cuts, manim_quality_args, quality_folder
from pipeline.locks import FileLock
from pipeline.media import BrokenVideo, verify_video
from pipeline.paths import MEDIA, ROOT, media_root


@dataclass
class Options:
    """What a render was asked to do."""

    chapters: list = field(default_factory=lambda: list(CHAPTERS))   # in story order
    quality: str = "l"                # l m h k (manim's -ql … -qk)
    fmt: str = "mp4"                  # mp4 webm gif
    transparent: bool = False
    config: str | None = None         # TOML settings file
    force: bool = False               # render even chapters whose key did not change
    subdir: str = ""                  # a folder of the media root (slides: "slides")
    media: Path = MEDIA               # the media folder (--media-dir)
    cache: Path | None = None         # the wide-network data cache (default: <media>/cache)
    docs: Path | None = None          # where `stills` writes (default: docs/, or the settings' folder)
    cut: str | None = None            # a shorter edition (scenes/chapters/story.toml [cuts.NAME])
    script: str | None = None         # a translated or edited script file (scenes.script)
    language: str = "en"              # the script's language (ISO 639-1), for names and subtitle tags
    allow_slow: bool = False          # compute wide-network numbers even when they would take long

    @property
    def edition(self) -> list:
        """The chapters of this edition, in story order: every chapter, or the cut's."""
        if self.cut:
            names = cuts()[self.cut].chapters
            return [c for c in CHAPTERS if c.name in names]
        return list(CHAPTERS)

    @property
    def all_chapters(self) -> bool:
        return [c.name for c in self.chapters] == [c.name for c in self.edition]

    @property
    def skip(self) -> list:
        """The step ids this edition leaves out."""
        return sorted(cuts()[self.cut].skip) if self.cut else []

    @property
    def suffix(self) -> str:
        """What sets this edition's files apart: ``_lecture``, ``_de``, ``_lecture_de`` (or nothing)."""
        return (f"_{self.cut}" if self.cut else "") + (f"_{self.language}" if self.language != "en" else "")

    @property
    def folder(self) -> str:
        return quality_folder(self.quality)

    @property
    def root(self) -> Path:
        root = media_root(self.config, self.media)
        return root / self.subdir if self.subdir else root

    @property
    def cache_dir(self) -> Path:
        return Path(self.cache) if self.cache else Path(self.media) / "cache"


def extension(opts: Options) -> str:
    if opts.fmt == "gif":
        return ".gif"
    if opts.fmt == "webm":
        return ".webm"
    return ".mov" if opts.transparent else ".mp4"


def variant(opts: Options) -> str:
    """The quality folder, marked for a transparent render (a transparent webm is another file), a
    cut and a language."""
    return opts.folder + ("_transparent" if opts.transparent else "") + opts.suffix


def video_path(ch: Chapter, opts: Options) -> Path:
    """Where a chapter's finished clip lives."""
    return opts.root / "videos" / ch.stem / variant(opts) / f"{ch.scene}{extension(opts)}"


def staging_path(ch: Chapter, opts: Options) -> Path:
    """Where manim writes it (GIFs are named after manim's version)."""
    folder = opts.root / "staging" / ch.stem / variant(opts)
    if opts.fmt == "gif":
        found = sorted(folder.glob(f"{ch.scene}_ManimCE_*.gif"))
        return found[-1] if found else folder / f"{ch.scene}.gif"
    return folder / f"{ch.scene}{extension(opts)}"


def stitched_path(opts: Options, ext: str) -> Path:
    quality = "" if opts.quality == "l" else f"_{opts.folder}"
    return opts.root / f"ntk_explainer{opts.suffix}{quality}{ext}"


def chapter_titles(opts: Options) -> list:
    """The chapters' titles in the script's language (the stitched video's markers)."""
    if not opts.script:
        return [ch.title for ch in opts.chapters]
    from scenes.script import load_translation
    tr = load_translation(opts.script)
    return [tr.chapters.get(ch.name, {}).get("chapter", {}).get("title", ch.title) for ch in opts.chapters]


def subtitle_language(opts: Options) -> str:
    """The ISO 639-2 tag of the subtitle track: ``eng``, or the script's language."""
    from scenes.script import language_tag
    return language_tag(opts.language)


def rel(path: Path) -> str:
    """A path relative to the repository when it is inside it."""
    try:
        return str(Path(path).relative_to(ROOT))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- the session


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


# --------------------------------------------------------------------------- processes and signals


class _Children:
    """Every manim process we started (each in its own process group), to stop them all on a
    signal."""

    def __init__(self):
        self.lock = threading.Lock()
        self.procs: set = set()
        self.stopping = False

    def start(self, cmd, **kwargs) -> subprocess.Popen:
        with self.lock:
            if self.stopping:
                raise KeyboardInterrupt
            proc = subprocess.Popen(cmd, start_new_session=True, **kwargs)
            self.procs.add(proc)
            return proc

    def done(self, proc) -> None:
        with self.lock:
            self.procs.discard(proc)

    def stop_all(self, grace: float = 3.0) -> None:
        with self.lock:
            self.stopping = True
            procs = list(self.procs)
        for p in procs:
            _signal_group(p, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for p in procs:
            try:
                p.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(p, signal.SIGKILL)


def _signal_group(proc, sig) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


CHILDREN = _Children()
FINISHED: list = []   # chapters rendered (or kept) by this process, for the message on interruption


class Interrupted(Exception):
    """SIGINT/SIGTERM during a render: ``signum`` says which."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def install_signal_handlers():
    """SIGINT/SIGTERM stop every chapter process (and their children) and raise
    :class:`Interrupted` in the main thread."""
    def handler(signum, frame):
        CHILDREN.stop_all()
        raise Interrupted(signum)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handler)


# --------------------------------------------------------------------------- one chapter


class ChapterRun(NamedTuple):
    chapter: Chapter
    seconds: float      # wall time of its manim process (0 when kept)
    status: int         # exit status (0: done)
    log: Path | None
    peak_mb: float      # peak resident memory of its manim process
    cached: bool        # kept: its key did not change
    reused: str = ""    # taken from the clip store (an earlier render under another name or folder)


def manim_config(ch: Chapter, opts: Options) -> Path:
    """A manim config file for one chapter process: its own TeX/text caches (chapters render in
    parallel), and videos written into ``staging/``."""
    root = opts.root
    cfg = root / "logs" / f"{ch.name}-{variant(opts)}-{opts.fmt}.cfg"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text("[CLI]\n"
                   f"media_dir = {root}\n"
                   "video_dir = {media_dir}/staging/{module_name}/" + variant(opts) + "\n"
                   "images_dir = {media_dir}/staging/images/{module_name}\n"
                   f"tex_dir = {{media_dir}}/chapter_caches/{ch.name}/Tex\n"
                   f"text_dir = {{media_dir}}/chapter_caches/{ch.name}/texts\n"
                   "notify_outdated_version = False\n", encoding="utf-8")
    return cfg


def run_manim(ch: Chapter, opts: Options, runtime_file: Path, extra: tuple = ()) -> ChapterRun:
    """Run manim for one chapter (in its own process group), timing it and reading its peak memory."""
    from scenes.runtime import Runtime

    cfg = manim_config(ch, opts)
    cmd = [sys.executable, "-m", "manim", "render", *manim_quality_args(opts.quality), "--progress_bar", "none",
           "--config_file", str(cfg), "--format", opts.fmt, *(["-t"] if opts.transparent else []),
           *extra, ch.file, ch.scene]
    env = {k: v for k, v in os.environ.items()}
    env.update(Runtime.environ(runtime_file))
    env.setdefault("JAX_PLATFORMS", "cpu")
    log = cfg.with_suffix(".log")
    t0 = time.perf_counter()
    with open(log, "w") as fh:
        proc = CHILDREN.start(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, env=env)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = rc = os.waitstatus_to_exitcode(status)
        finally:
            CHILDREN.done(proc)
    return ChapterRun(ch, time.perf_counter() - t0, rc, log, usage.ru_maxrss / 1024, False)


def render_chapter(ch: Chapter, session: Session, runtime_file: Path, extra: tuple = (),
                   keep: bool = True) -> ChapterRun:
    """Render one chapter's clip unless its key is unchanged (``keep``); verify it; move it into
    place; stamp it.  ``extra`` manim options (e.g. ``-s``) make a still, not a clip."""
    opts = session.opts
    key = session.chapter_key(ch, extra)
    with FileLock(opts.root / "locks" / f"{ch.name}-{variant(opts)}-{opts.fmt}.lock",
                  on_wait=lambda owner: session.log(f"   {ch.name}: waiting for another render ({owner})")):
        if keep and not extra and not opts.force and is_up_to_date(ch, opts, key):
            FINISHED.append(ch.name)
            return ChapterRun(ch, 0.0, 0, None, 0.0, True)
        stamp_path(ch, opts).unlink(missing_ok=True)
        if keep and not extra and not opts.force:
            stored = clipstore.find(key, [opts.media, MEDIA], file_hash)
            if stored is not None:
                clipstore.take(stored, video_path(ch, opts))
                mark_up_to_date(ch, opts, key)
                FINISHED.append(ch.name)
                return ChapterRun(ch, 0.0, 0, None, 0.0, True, rel(stored.parent))
        run = run_manim(ch, opts, runtime_file, extra)
        if run.status != 0 or extra:
            return run
        if key != session.chapter_key(ch, extra):   # the code changed while it rendered
            session.log(f"   {ch.name}: its code changed during the render; it will render again next time")
            keep_stamp = False
        else:
            keep_stamp = True
        staged = staging_path(ch, opts)
        try:
            verify_video(staged)
        except BrokenVideo as e:
            run.log.write_text(run.log.read_text(errors="replace") + f"\nerror: {e}\n")
            return run._replace(status=1)
        final = video_path(ch, opts)
        final.parent.mkdir(parents=True, exist_ok=True)
        for side in (".srt", ".steps.json"):      # the subtitles, the steps' times (slides cut from the clip)
            extra_file = staged.with_name(staged.stem + side)
            if extra_file.exists():
                os.replace(extra_file, final.with_name(final.stem + side))
        os.replace(staged, final)
        if keep_stamp:
            mark_up_to_date(ch, opts, key)
            clipstore.put(key, final, file_hash(final), opts.media)
        FINISHED.append(ch.name)
        return run


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


def render_all(session: Session, contract: dict, extra: tuple = (), verb: str = "Rendering",
               keep: bool = True) -> list | None:
    """Render ``opts.chapters`` in parallel (longest first) with progress lines; None if any failed.

    ``contract``: the runtime-contract fields of every chapter process (scenes.runtime.Runtime); the
    wide-network numbers a chapter loads are computed (once) when its turn comes, while the other
    worker renders chapters that need none."""
    opts, log = session.opts, session.log
    n = len(opts.chapters)
    workers = max(1, min(n, os.cpu_count() or 1))
    log(f"{verb} {n} chapter(s) at {opts.folder} with {workers} process(es)"
        + (f", settings from {opts.config}" if opts.config else ""))
    if opts.config:
        say_changes(session)
    weight = {ch.name: ch.cost for ch in opts.chapters}
    progress = {"done": 0.0, "t0": time.perf_counter(), "lock": threading.Lock()}

    def eta(ch) -> str:
        """``(3 of 14 left, about 2 min)``: from the chapters' expected shares of the work."""
        with progress["lock"]:
            progress["done"] += weight[ch.name]
            done, total = progress["done"], sum(weight.values())
            spent = time.perf_counter() - progress["t0"]
        if done >= total:
            return ""
        left = spent * (total - done) / done
        return f"  ({100 * done / total:.0f}% of the work, about {left / 60:.1f} min left)"

    def job(ch):
        k = f"{ch.number:>2}"
        if keep and not extra and not opts.force and is_up_to_date(ch, opts, session.chapter_key(ch)):
            log(f"{k} {ch.name} … unchanged, kept {rel(video_path(ch, opts))}")
            FINISHED.append(ch.name)
            return ChapterRun(ch, 0.0, 0, None, 0.0, True)
        if ch.data:
            session.need_data([ch])
        runtime_file = session.contract(f"runtime-{ch.name}", **contract)
        log(f"{k} {ch.name} … started")
        run = render_chapter(ch, session, runtime_file, extra, keep)
        if run.reused:
            log(f"{k} {ch.name} … unchanged since an earlier render, reused from {run.reused}")
        elif run.cached:
            log(f"{k} {ch.name} … rendered by the other process meanwhile, kept")
        elif run.status == 0:
            log(f"{k} {ch.name} … done in {run.seconds:.1f} s{eta(ch)}")
        else:
            log(f"{k} {ch.name} … FAILED (exit {run.status}), see {rel(run.log)}")
        return run

    order = sorted(opts.chapters, key=lambda c: -c.cost)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = {r.chapter.name: r for r in pool.map(job, order)}
    runs = [results[ch.name] for ch in opts.chapters]
    failed = [r for r in runs if r.status != 0]
    for r in failed:
        if CHILDREN.stopping:
            break
        tail = [ln for ln in r.log.read_text(errors="replace").splitlines() if ln.strip()][-3:]
        print(f"error: {r.chapter.name} failed:\n  " + "\n  ".join(tail), file=sys.stderr)
    return None if failed else runs

