"""Shared set-up of the test suite.

* Tests run from the repository root (manim reads ``manim.cfg`` from the working directory) and
  start from the defaults: no runtime contract (``NTK_RUNTIME``) is inherited from the shell.
* Each pytest-xdist worker builds scenes with its own TeX/text cache and media folder OUTSIDE the
  repository (two processes must never compile or read the same cache file at once, and no test
  writes into the repository's ``media/``).  (A shared TeX folder is not safe even under a lock
  around compiling: manim reads every formula through a temporary copy ``<name>_.svg`` beside it,
  which it deletes afterwards, so two workers reading one formula at once collide.)  The cache lives under the system's temporary folder,
  one per checkout, so a second run reuses the compiled formulas (they are keyed by their TeX
  source, so reuse cannot go stale); set ``NTK_TEST_CACHE`` to put it elsewhere, or delete it for
  a cold run.
* JAX's persistent compilation cache lives there too (``JAX_COMPILATION_CACHE_DIR``, inherited by
  the subprocesses the tests start): compiled programs do not change a single number, and a
  second worker or run loads them instead of compiling again.
* pytest-xdist hands out work by chapter (``work_unit``): every test of one chapter (its
  tests/test_scene_<chapter>.py, and the tests parametrized by chapter name in test_frames.py and
  test_structure.py) runs on one worker, which builds the chapter once (``chapter_scene``); other
  tests go file by file.  The slowest units go first.  (xdist's own ``--dist loadgroup`` does
  nothing under pytest 9: it renames ``item._nodeid``, which pytest 9 no longer reads.)
* ``wide_data``: the wide-network chapters' numbers for a SMALL ``[wide]`` section (a settings
  file), computed once per test session by the pipeline's data cache and handed to the chapters
  through the runtime contract, exactly as ``./render.sh`` does.
"""

import contextlib
import hashlib
import os
import re
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.chdir(ROOT)
sys.path.insert(0, str(ROOT))
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.pop("NTK_RUNTIME", None)
os.environ["NTK_OWN_CLIPS_ONLY"] = "1"   # renders in tests never reuse the repository's media/cache (pipeline.clipstore)

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
TEST_CACHE = Path(os.environ.get("NTK_TEST_CACHE") or
                  Path(tempfile.gettempdir()) / f"ntk-explainer-tests-{os.getuid()}"
                  / hashlib.sha256(str(ROOT).encode()).hexdigest()[:12])
os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", str(TEST_CACHE / "jax"))
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "-1")

#: The ``[wide]`` section the wide-network chapters are built with in the tests: 3 widths instead
#: of 5, fewer training steps.  Chosen so that the numbers tests (tests/test_wide_experiments.py)
#: can state their theory bounds on the same data: 32 seeds per width make the init spread's slope
#: precise to ±0.2 (see there); widths from 64 up, because at width 16 the kernel's seed-to-seed
#: distribution is heavy-tailed and its sample standard deviation is unreliable.  ``[gp]``: the
#: kernel-GD and Gaussian-process chapters with 4 times (64 steps of the default lr 0.125: larger
#: rates are unstable for the half-circle input's NTK, λ_max ≈ 4.4), 16 networks of width 64, a
#: narrow and a wide network of widths 8 and 256, and the integer grid (seconds instead of a minute).
SMALL_WIDE_TOML = """\
[wide]
widths = [64, 256, 1024]
seeds = 32
train_widths = [16, 128, 1024]
train_seeds = 2
steps = 100

[gp]
times = [0.0, 0.5, 2.0, 8.0]
lr = 0.125
ensemble_width = 64
ensemble_seeds = 16
ensemble_curves = 6
net_widths = [8, 256]
samples_per_unit = 1
"""


# --------------------------------------------------------------------------- scheduling


def chapter_names() -> set:
    from pipeline.chapters import CHAPTERS   # standard library only
    return {c.name for c in CHAPTERS}


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to: its chapter, else its file."""
    path, _, rest = nodeid.partition("::")
    stem, names = Path(path).stem, chapter_names()
    if stem.startswith("test_scene_") and stem[len("test_scene_"):] in names:
        return stem[len("test_scene_"):]
    m = re.fullmatch(r"[^\[]*\[([^\]]+)\]", rest)
    if m and m.group(1) in names:
        return m.group(1)
    return path


#: Rough seconds of one core (cold) of the slow units, to hand them out longest first so that both
#: workers finish together.  Only the order of the run depends on these numbers.
SLOW = {"tests/test_slides.py": 30, "tests/test_your_model.py": 28, "tests/test_training.py": 25, "tests/test_gp_experiment.py": 20, "tests/test_gp.py": 8,
        "tests/test_robustness.py": 26, "wide_training": 23, "wide_init": 14, "rbf": 13,
        "tests/test_notebook.py": 12, "ntk_definition": 11, "nngp_vs_ntk": 11, "training": 10, "closing": 9,
        "kernel_gd": 11, "gp_over_time": 11,
        "reparametrized": 8, "linear": 7, "opening": 7, "tests/test_wide.py": 7, "tests/test_narration.py": 7,
        "tests/test_wide_experiments.py": 6, "tests/test_cli.py": 6}
# (tests/test_layout.py is parametrized by chapter: its tests join their chapter's unit.)


@pytest.hookimpl(optionalhook=True)     # a hook of pytest-xdist (absent with -p no:xdist)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ByChapter(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return work_unit(nodeid)

    config.option.loadscopereorder = False     # keep the order below
    return ByChapter(config, log)


#: The quick tier (``./render.sh test --quick``, ``-m quick``): the numbers, the settings, the command
#: line, the script files — every test that builds no chapter, computes no wide-network numbers,
#: renders nothing and runs no end-to-end process — plus the chapter-level checks of these chapters.
QUICK_CHAPTERS = ("lookup_table", "linear")
#: Fixtures that build chapters or compute wide-network numbers (seconds each): not quick.
HEAVY_FIXTURES = {"chapter_scene", "wide_data", "scripts"}
#: Fixtures that run the command line as a real process (tests/test_report.py's ``raw``): their
#: tests are end to end (``e2e``), part of the full run and not of the quick tier.
PROCESS_FIXTURES = {"raw"}
#: Files whose tests take seconds each even without those fixtures: not quick.
SLOW_FILES = {"tests/test_your_model.py", "tests/test_training.py", "tests/test_gp_experiment.py",
              "tests/test_end_states.py", "tests/test_switches.py", "tests/test_wide_experiments.py",
              "tests/test_fast_paths.py", "tests/test_gp_exact.py", "tests/test_datacache.py"}


def mark_tiers(items) -> None:
    """``chapter`` on every test that builds a chapter; ``quick`` on the quick tier."""
    for item in items:
        unit = work_unit(item.nodeid)
        marked = item.get_closest_marker("chapter") is not None        # a test that builds one itself
        heavy = marked or bool(HEAVY_FIXTURES & set(getattr(item, "fixturenames", ())))
        if heavy and not marked:
            item.add_marker(pytest.mark.chapter)
        if PROCESS_FIXTURES & set(getattr(item, "fixturenames", ())) and not item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.e2e)
        long_running = item.get_closest_marker("render") or item.get_closest_marker("e2e")
        slow_file = item.nodeid.partition("::")[0] in SLOW_FILES
        if not long_running and ((not heavy and not slow_file) or
                                 (unit in QUICK_CHAPTERS and "wide_data" not in item.fixturenames
                                  and "scripts" not in item.fixturenames)):
            item.add_marker(pytest.mark.quick)


def pytest_collection_modifyitems(config, items):
    mark_tiers(items)
    units = [work_unit(item.nodeid) for item in items]
    first = {u: i for i, u in reversed(list(enumerate(units)))}        # where each unit first appears
    order = sorted(range(len(items)), key=lambda i: (-SLOW.get(units[i], 0), first[units[i]], i))
    items[:] = [items[i] for i in order]


@pytest.fixture(scope="session", autouse=True)
def manim_caches_outside_the_repository():
    """manim's TeX and text caches and its media folder: per worker, outside the repository."""
    from manim import config

    base = TEST_CACHE / WORKER
    config.media_dir = str(base / "media")
    config.tex_dir = str(base / "Tex")
    config.text_dir = str(base / "texts")
    yield base


@contextlib.contextmanager
def runtime_contract(path):
    """Chapters built inside this block read the runtime contract at ``path`` (scenes.runtime),
    as a chapter process started by the pipeline does; the defaults again afterwards."""
    from scenes import runtime

    def clear():   # every per-process cache of the contract (current, settings, theme, _compute, ...)
        for fn in vars(runtime).values():
            if callable(getattr(fn, "cache_clear", None)):
                fn.cache_clear()

    old = os.environ.get(runtime.ENV)
    os.environ.update(runtime.Runtime.environ(path))
    clear()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(runtime.ENV, None)
        else:
            os.environ[runtime.ENV] = old
        clear()


class WideData:
    """The SMALL wide settings and their experiments' numbers, each computed at most once per test
    session by ``pipeline.datacache`` (the xdist workers share the files through its lock) and only
    when a test asks for it."""

    def __init__(self, folder: Path, mine: Path):
        from ntkcore.settings import load_settings

        cfg = folder / "small_wide.toml"
        if not cfg.exists():
            tmp = cfg.with_name(f"small_wide.{WORKER}.partial")
            tmp.write_text(SMALL_WIDE_TOML, encoding="utf-8")
            os.replace(tmp, cfg)
        self.settings_file, self.cache, self.mine = cfg, folder / "wide_cache", mine
        self.settings = load_settings(cfg)
        self.wide = self.settings.wide
        self._data = {}

    def file(self, name: str) -> Path:
        from pipeline import datacache
        return datacache.ensure(name, self.settings, self.cache)

    def __getitem__(self, name: str) -> dict:
        """Experiment ``name``'s arrays, as the chapters load them."""
        if name not in self._data:
            from pipeline import datacache
            self._data[name] = datacache.load(self.file(name))
        return self._data[name]

    def contract(self, names) -> Path:
        """A runtime contract naming these settings and the files of the experiments ``names``."""
        from scenes.runtime import Runtime
        rt = Runtime(settings_file=str(self.settings_file), data={n: str(self.file(n)) for n in names},
                     save_slides=False)
        return rt.write(self.mine / f"runtime-{'-'.join(names) or 'none'}.json")


@pytest.fixture(scope="session")
def wide_data(tmp_path_factory):
    mine = tmp_path_factory.getbasetemp()
    return WideData(mine.parent if WORKER != "main" else mine, mine)


@pytest.fixture(scope="session")
def chapter_scene(wide_data):
    """``chapter_scene(name)``: chapter ``name`` built once per worker in dry-run mode at the frame
    tests' size (tests/test_frames.py), keeping its captions, with the SMALL wide settings for the
    chapters that load wide-network numbers.  The tests of one chapter form one work unit (see
    ``work_unit``), so each chapter is built once per run."""
    from pipeline.chapters import by_name
    from scene_helpers import build_chapter

    built = {}

    def get(name):
        if name not in built:
            ch = by_name()[name]
            built[name] = build_chapter(name, wide_data.contract(ch.data) if ch.data else None)
        return built[name]

    return get
