"""The shared base of every chapter: axes over the post's grid, dots, cross, arrows, captions.

Scenes only draw: every number comes from an :class:`ntkcore.Example` fetched in ``setup()``.
Subclasses change class attributes (``example_name``, ``y_range``...) and write ``construct``.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import numpy as np
from manim import (
    DOWN, ORIGIN, RIGHT, UL, UP, Axes, FadeIn, FadeOut, ManimColor, Scene, VGroup, config,
    Write,
)

import ntkcore
from ntkcore.config import load_config_text

from scenes import palette
from scenes import typography as ty
from scenes.widgets import ObservationCross, arrows_at, dots_at, framed_axes


def fmt(v: float, digits: int = 1) -> str:
    """A number as a lecturer would write it: fixed digits, no ``-0.0``, a true minus sign."""
    s = f"{v:.{digits}f}"
    if float(s) == 0:
        s = s.lstrip("-")
    return s.replace("-", "−")


def fmt_g(v: float) -> str:
    """Shortest exact-looking form (learning rates, θ entries): ``0.001``, ``3``, ``0.1``."""
    return f"{v:g}".replace("-", "−")


CONFIG_ENV = "NTK_CONFIG"  # path of a TOML settings file (./render.sh --config sets it)
SLIDES_ENV = "NTK_SLIDES_DIR"  # set by ./render.sh slides: chapters become manim-slides slides


def _scene_base():
    """manim's Scene, or manim-slides' Slide when rendering slides (see scenes/slides.py)."""
    if os.environ.get(SLIDES_ENV):
        from manim_slides import Slide
        return Slide
    return Scene


@functools.lru_cache(maxsize=None)
def _load(text: str, source: str):
    return load_config_text(text, source)


def active_config():
    """The validated settings file named by $NTK_CONFIG (as it is now), or None."""
    path = os.environ.get(CONFIG_ENV)
    if not path:
        return None
    return _load(Path(path).read_text(encoding="utf-8"), os.path.abspath(path))


DEPS_ENV = "NTK_DEPS_FILE"  # set by scenes/render.py: where to list the examples a chapter read
_examples_read: set = set()


def example_for_scene(name: str) -> ntkcore.Example:
    """The example a scene draws: the single place where scenes fetch their settings.

    The names are recorded, so that ``./render.sh`` can skip a chapter whose code and settings
    did not change (see ``scenes/render.py``)."""
    _examples_read.add(name)
    cfg = active_config()
    return cfg.example(name) if cfg else ntkcore.get_example(name)


def write_dependencies():
    """List the examples this process read in $NTK_DEPS_FILE (if set)."""
    path = os.environ.get(DEPS_ENV)
    if path:
        Path(path).write_text(json.dumps(sorted(_examples_read)))


class ExampleScene(_scene_base()):
    """Axes over an example's grid with y in ``y_range``; the black dots of f; the blue cross.

    After ``setup()``: ``self.example`` (ntkcore), ``self.axes``, ``self.dots`` (one per grid
    point, not yet added), ``self.cross`` (not yet added).
    """

    example_name: str = "lookup_table"
    example: ntkcore.Example | None = None  # set to draw your own model instead of a named example
    skip_reversing = True  # slides: no reversed clips (the HTML player never plays backwards)
    y_range: tuple = (-30, 70, 10)   # widened automatically if the numbers need more room
    x_tick: int = 5
    axes_size: tuple = (11.0, 4.9)   # width, height in scene units
    axes_center: tuple = (0.4, 0.1, 0.0)
    dot_radius: float = 0.055

    # ------------------------------------------------------------------ set-up
    def __init__(self, *args, **kwargs):
        if os.environ.get(SLIDES_ENV):
            kwargs.setdefault("output_folder", Path(os.environ[SLIDES_ENV]))
        super().__init__(*args, **kwargs)

    def pause(self, notes: str = ""):
        """A natural pause of the story: a new slide in a presentation (``notes`` become its
        speaker notes), nothing in a video."""
        if os.environ.get(SLIDES_ENV):
            self.next_slide(notes=notes)

    def setup(self):
        cfg = active_config()
        palette.apply_theme(cfg.theme if cfg else {})
        self.camera.background_color = ManimColor(palette.BACKGROUND)
        if type(self).example is None:
            self.example = example_for_scene(self.example_name)
        self.example.check_finite()  # a diverging setting stops here, naming example, step and rate
        self.axes = self.build_axes()
        self.dots = self.build_dots(self.example.values())
        x_obs, y_obs = self.example.observation
        self.cross = ObservationCross(self.c2p(x_obs, y_obs))
        self.caption_mob = None
        self.narration = []  # (start time in s, text): every caption, for the .srt subtitles

    def tear_down(self):
        """Turn the narration into subcaptions: each caption lasts until the next one (or the end)."""
        write_dependencies()
        end = self.renderer.time
        self.subtitle_cues = []  # (start s, end s, text)
        for k, (start, text) in enumerate(self.narration):
            stop = self.narration[k + 1][0] if k + 1 < len(self.narration) else end
            if stop > start:
                self.subtitle_cues.append((start, stop, text.replace("\n", " ")))
        if config.dry_run:  # no movie file, so no .srt beside it (manim would fail to name one)
            return
        for start, stop, text in self.subtitle_cues:
            self.add_subcaption(text, duration=stop - start, offset=start - end)

    def display_y_range(self) -> tuple:
        """``y_range``, widened to whole ticks so every value the scene draws fits."""
        lo, hi, step = self.y_range
        vals = np.concatenate([self.example.values(), self.example.values() + self.example.displacement(),
                               [self.example.observation[1]]])
        lo = min(lo, step * np.floor(vals.min() / step))
        hi = max(hi, step * np.ceil(vals.max() / step))
        return (lo, hi, step)

    def build_axes(self) -> Axes:
        lo, hi = self.example.x_range
        y_lo, y_hi, y_step = self.display_y_range()
        y_numbers = [v for v in np.arange(y_lo, y_hi + 1, y_step) if v % (2 * y_step) == 0]
        return framed_axes((lo, hi, self.x_tick), (y_lo, y_hi, y_step), self.axes_size,
                           self.axes_center, y_numbers=y_numbers)

    def c2p(self, x, y) -> np.ndarray:
        """Scene point of data coordinates (x, y)."""
        return self.axes.c2p(x, y)

    def p2c(self, point) -> tuple:
        """Data coordinates (x, y) of a scene point."""
        x, y = self.axes.p2c(point)
        return float(x), float(y)

    def build_dots(self, f_values, color: str | None = None) -> VGroup:
        """One dot per grid point at (x, f(x))."""
        return dots_at(self.axes, self.example.grid, f_values, self.dot_radius, color)

    def build_arrows(self, f_values, displacement) -> dict:
        """Red arrows from (x, f) to (x, f + Δf), keyed by grid index; zero moves get no arrow."""
        return arrows_at(self.axes, self.example.grid, f_values, displacement)

    def show_observation(self):
        """The blue cross with its label (on the side away from f), and a caption comparing
        the observation with the model's value there."""
        ex = self.example
        x_obs, y_obs = ex.observation
        f_obs = float(ex.values()[ex.obs_index])
        side = UP if y_obs >= f_obs else DOWN
        label = ty.text(f"observation ({fmt_g(x_obs)}, {fmt_g(y_obs)})", size=ty.LABEL_SIZE,
                        color=palette.OBSERVATION).next_to(self.cross, side, buff=0.15)
        self.play(FadeIn(self.cross, scale=1.5), FadeIn(label), run_time=0.8)
        self.say(f"We observe y = {fmt_g(y_obs)} at x = {fmt_g(x_obs)}, "
                 f"but f({fmt_g(x_obs)}) = {fmt(f_obs, 0)}.")
        return label

    def axis_labels(self, y_label: str = "f(x)") -> VGroup:
        x_lab = ty.math("x", size=ty.CAPTION_SIZE + 4).next_to(self.axes.frame_x.get_right(), RIGHT,
                                                              buff=0.15)
        y_lab = ty.math(y_label, size=ty.CAPTION_SIZE).next_to(self.axes.frame_y.get_top(), UP, buff=0.12)
        return VGroup(x_lab, y_lab)

    # ------------------------------------------------------------------ words on screen
    def heading(self, s: str):
        """Small chapter name in the top-left corner."""
        return ty.text(s, size=ty.HEADING_SIZE, weight="BOLD").to_corner(UL, buff=0.3)

    def caption(self, s: str):
        """A caption under the axes (plain text; may contain newlines)."""
        mob = ty.text(s, size=ty.CAPTION_SIZE, line_spacing=0.9)
        max_width = config.frame_width - 0.6
        if mob.width > max_width:  # never let a long line leave the frame
            mob.scale_to_fit_width(max_width)
        mob.move_to(ORIGIN).to_edge(DOWN, buff=0.18)
        return mob

    def say(self, s: str, run_time: float = 0.6):
        """Replace the current caption with ``s``."""
        self.pause(notes=s)
        self.narration.append((self.renderer.time, s))
        new = self.caption(s)
        anims = [FadeIn(new, shift=0.1 * UP)]
        if self.caption_mob is not None:
            anims.append(FadeOut(self.caption_mob))
        self.play(*anims, run_time=run_time)
        self.caption_mob = new

    def play_title_card(self, title: str, formula: str | None = None, hold: float = 1.6):
        """A short title card: chapter title and, optionally, the model's formula."""
        card = VGroup(ty.text(title, size=ty.TITLE_SIZE, weight="BOLD"))
        if formula:
            card.add(ty.math(formula, size=ty.CAPTION_SIZE + 8))
        card.arrange(DOWN, buff=0.5).move_to(ORIGIN)
        self.narration.append((self.renderer.time, title))
        self.play(Write(card[0]), *[FadeIn(m) for m in card[1:]], run_time=1.2)
        self.wait(hold)
        self.play(FadeOut(card), run_time=0.6)
