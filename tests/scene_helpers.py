"""Shared helpers of the scene tests: build a scene without writing a video (setup() and construct()
run, animations are skipped), read drawn mobjects back in data coordinates, and check the layout."""

import contextlib
import dataclasses

import numpy as np
import pytest
from manim import tempconfig


class _RecordingExamples(dict):
    """The settings' examples, noting every one that is looked up (or iterated over)."""

    def __init__(self, examples, log):
        super().__init__(examples)
        self.log = log

    def __getitem__(self, name):
        self.log.add(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        self.log.add(name)
        return super().get(name, default)

    def __iter__(self):
        self.log.update(self.keys())
        return super().__iter__()

    def items(self):
        self.log.update(self.keys())
        return super().items()

    def values(self):
        self.log.update(self.keys())
        return super().values()


@contextlib.contextmanager
def recording_reads():
    """While active, every example a chapter reads from this render's settings and every
    wide-network experiment it loads is recorded, whatever route the chapter takes to them
    (``scenes.runtime.settings()`` and ``scenes.runtime.experiment()`` are the only doors)."""
    from scenes import runtime

    reads = dataclasses.make_dataclass("Reads", ["examples", "data"])(set(), [])
    real_settings, real_experiment = runtime.settings, runtime.experiment
    recorded = dataclasses.replace(real_settings(), examples=_RecordingExamples(real_settings().examples,
                                                                                reads.examples))

    def experiment(name):
        reads.data.append(name)
        return real_experiment(name)

    runtime.settings, runtime.experiment = (lambda: recorded), experiment
    try:
        yield reads
    finally:
        runtime.settings, runtime.experiment = real_settings, real_experiment


#: manim settings of a dry run: setup() and construct() run, animations are skipped, nothing is
#: written.  427x240 at 15 fps is the frame tests' size (tests/test_frames.py), so one build of a
#: chapter serves its frame test and its scene tests (data coordinates do not depend on pixels).
DRY_RUN = {"dry_run": True, "save_last_frame": True, "write_to_movie": False, "disable_caching": True,
           "pixel_width": 427, "pixel_height": 240, "frame_rate": 15, "progress_bar": "none"}


def construct(scene_cls):
    """Run ``scene_cls`` in manim's dry-run mode and return the scene (its attributes intact).

    ``scene.reads`` says which examples and wide-network experiments it read (recording_reads)."""
    with recording_reads() as reads, tempconfig(DRY_RUN):
        scene = scene_cls()
        scene.render()
    scene.reads = reads
    return scene


#: Chapters whose test build plays every animation as manim does (their last frame is compared with a
#: stored one in tests/test_frames.py); the others jump each animation to its end state.
FULL_PATH = ("lookup_table", "training")


def build_chapter(name, runtime_file=None, full_path=None):
    """Chapter ``name`` of pipeline.chapters built in dry-run mode (with the runtime contract at
    ``runtime_file`` when given), keeping every caption it shows in ``scene.captions``.  Animations
    play as manim plays them for the chapters in FULL_PATH (or as ``full_path`` says), else jump to
    their end states (tests/test_end_states.py: the same end either way)."""
    import importlib

    from conftest import runtime_contract
    from pipeline.chapters import by_name

    ch = by_name()[name]
    cls = recording(getattr(importlib.import_module(ch.module), ch.scene), end_states=not (name in FULL_PATH if full_path is None else full_path))
    with (runtime_contract(runtime_file) if runtime_file else contextlib.nullcontext()):
        return construct(cls)


def assert_reads_declared(name, scene):
    """What the chapter cache relies on: the chapter's declared ``examples`` are exactly the
    settings sections it read (both as the chapter records them, ``examples_read``, and as the
    settings saw them), and its declared ``data`` exactly the experiments it loaded."""
    from pipeline.chapters import by_name

    ch = by_name()[name]
    assert set(ch.examples) == set(getattr(scene, "examples_read", set())) == scene.reads.examples, name
    assert set(ch.data) == set(scene.reads.data), name


def recording(scene_cls, end_states: bool = True):
    """A subclass of ``scene_cls`` (same name) that keeps every caption it shows in ``self.captions``
    and (``end_states``) jumps every animation to its end state instead of playing it: the tests
    read end states, and manim's copies for frames a dry run never draws cost most of a build."""

    class Recording(scene_cls):
        record_layout = True   # snapshot every text's box at the end of each step (tests/test_layout.py)
        end_state_plays = end_states

        def setup(self):
            super().setup()
            self.captions = []

        def caption(self, s):
            mob = super().caption(s)
            self.captions.append(mob)
            return mob

    Recording.__name__, Recording.__qualname__ = scene_cls.__name__, scene_cls.__qualname__
    return Recording


def caption_texts(scene) -> list:
    """The words of every caption a recording scene showed, in order."""
    return [m.original_text for m in scene.captions]


def step_of(scene, key: str):
    """The step of the chapter's script entry ``key`` (its first showing)."""
    found = [s for s in scene.steps if s.key == key]
    assert found, f"no step {key!r}; the chapter showed: {[s.key for s in scene.steps]}"
    return found[0]


def caption_of(scene, key: str) -> str:
    """The caption step ``key`` showed."""
    return step_of(scene, key).caption


def texts_at(scene, key: str) -> list:
    """The words of every text on screen at the end of step ``key`` (its layout snapshot)."""
    sid = step_of(scene, key).id
    texts = dict(scene.layout)[sid]
    return [getattr(t, "original_text", getattr(t, "tex_string", "")) for t in texts]


# ----------------------------------------------------------------- data coordinates


def arrow_data(scene, axes, arrow):
    """(x_start, x_end, y_start, y_end) of an arrow in ``axes``' data coordinates."""
    x0, y0 = axes.p2c(arrow.get_start())[:2]
    x1, y1 = axes.p2c(arrow.get_end())[:2]
    return float(x0), float(x1), float(y0), float(y1)


def points_data(axes, points):
    """(xs, ys) in ``axes``' data coordinates of a sequence of scene points."""
    data = np.array([axes.p2c(p)[:2] for p in points], dtype=float).reshape(-1, 2)
    return data[:, 0], data[:, 1]


def curve_anchors(axes, curve):
    """(xs, ys) of a curve's anchors (start of every segment, then the last end) in data coordinates."""
    return points_data(axes, np.vstack([curve.get_start_anchors(), curve.get_end_anchors()[-1:]]))


def assert_arrows_match(axes, arrows, grid, f0, d, tol=1e-6):
    """Every arrow ``k`` of the dict ``arrows``, read back through ``axes``, is vertical at x = grid[k]
    and runs from f0[k] to f0[k] + d[k] (each within ``tol``)."""
    for k, arrow in arrows.items():
        x0, x1, y0, y1 = arrow_data(None, axes, arrow)
        where = f"arrow {k} (x = {grid[k]})"
        assert x0 == pytest.approx(grid[k], abs=tol), f"{where} starts at x = {x0}"
        assert x1 == pytest.approx(grid[k], abs=tol), f"{where} ends at x = {x1}"
        assert y0 == pytest.approx(f0[k], abs=tol), f"{where} starts at y = {y0}, not f = {f0[k]}"
        assert y1 - y0 == pytest.approx(d[k], abs=tol), f"{where} has length {y1 - y0}, not {d[k]}"


# ----------------------------------------------------------------- layout


def visible_parts(mob):
    """Every member of ``mob``'s family that has points and is drawn (stroke or fill opacity > 0);
    e.g. the axes' own invisible lines are left out."""
    return [m for m in mob.get_family() if m.has_points()
            and (m.get_stroke_opacity() > 0 or m.get_fill_opacity() > 0)]


def _describe(mob):
    text = getattr(mob, "original_text", None) or getattr(mob, "tex_string", None)
    return f"{mob!r} {text!r}" if text and str(text) not in repr(mob) else repr(mob)


def assert_inside_frame(mobjects, whole=False):
    """Assert that each of ``mobjects`` lies inside the frame (±frame_width/2, ±frame_height/2).

    By default every visible part (see ``visible_parts``) must have its bounding box inside; with
    ``whole=True`` the bounding box of each whole mobject, invisible parts included, must (stricter).
    Returns the list of the mobjects whose bounding boxes were checked."""
    from manim import config
    w, h = config.frame_width / 2, config.frame_height / 2
    checked = [m for m in mobjects] if whole else [p for mob in mobjects for p in visible_parts(mob)]
    for mob in checked:
        for corner in (mob.get_corner([-1, -1, 0]), mob.get_corner([1, 1, 0])):
            assert -w <= corner[0] <= w and -h <= corner[1] <= h, (
                f"{_describe(mob)} leaves the frame: corner ({corner[0]:.3f}, {corner[1]:.3f}) "
                f"outside ±{w:.3f} × ±{h:.3f}")
    return checked


def assert_captions_fit(captions, at_least=5, max_lines=2):
    """At least ``at_least`` captions were shown, each (whole) inside the frame and at most
    ``max_lines`` lines long."""
    assert len(captions) >= at_least
    assert_inside_frame(captions, whole=True)
    for cap in captions:
        assert cap.original_text.count("\n") <= max_lines - 1, cap.original_text


# ----------------------------------------------------------------- fitted lines and printed numbers


def assert_least_squares_line(xs, ys, start, end, tol=1e-6):
    """The drawn line from ``start`` to ``end`` (data coordinates) is the least-squares line of the
    drawn points (xs, ys), by its defining property rather than by fitting again: the residuals
    sum to zero and are orthogonal to x (the normal equations).  Returns the line's slope."""
    (x0, y0), (x1, y1) = start, end
    slope = (y1 - y0) / (x1 - x0)
    resid = np.asarray(ys) - (y0 + slope * (np.asarray(xs) - x0))
    scale = max(1.0, float(np.abs(xs).max()))
    assert abs(resid.sum()) < tol * len(xs), f"residuals sum to {resid.sum()}"
    assert abs((resid * (np.asarray(xs) - np.mean(xs))).sum()) < tol * len(xs) * scale, "residuals not ⊥ x"
    return slope


def numbers_in(text: str) -> list:
    """Every number printed in ``text`` (true minus signs read as minus)."""
    import re
    return [float(m) for m in re.findall(r"-?\d+(?:\.\d+)?", text.replace("−", "-"))]
