"""The two bases of every chapter.

* :class:`ChapterScene` — any chapter: the theme and typography of this render, captions (which
  are also subtitles and slide notes), title cards, headings.  Every chapter is a manim-slides
  ``Slide``: each caption starts a slide; a plain video render saves no slides.
* :class:`ExampleScene` — a chapter about one of the post's examples: axes over its grid, the
  black dots of f, the blue cross of the observation.

Scenes only draw: every number comes from ntkcore through the render's settings
(:mod:`scenes.runtime`).  Subclasses change class attributes and write ``construct``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from manim import DOWN, ORIGIN, RIGHT, UL, UP, Axes, FadeIn, FadeOut, ManimColor, Scene, VGroup, Write, config
from manim_slides import Slide

import ntkcore

from scenes import runtime
from scenes.formatting import fmt, fmt_g
from scenes.ranges import every_other_tick, label_decimals, whole_ticks
from scenes.typography import Typography
from scenes.widgets import ObservationCross, arrows_at, dots_at, framed_axes


class ChapterScene(Slide):
    """Theme, typography, captions, subtitles and slides for any chapter.

    After ``setup()``: ``self.settings`` (ntkcore settings of this render), ``self.theme``,
    ``self.ty`` (typography in the theme's ink), ``self.narration`` (every caption with its start
    time, for the .srt subtitles).
    """

    skip_reversing = True  # slides: no reversed clips (the HTML player never plays backwards)

    def __init__(self, *args, **kwargs):
        rt = runtime.current()
        if rt.slides_dir:
            kwargs.setdefault("output_folder", Path(rt.slides_dir))
        write_to_movie = config.write_to_movie
        super().__init__(*args, **kwargs)
        if config.dry_run:  # manim-slides' Slide turns movie writing on; a dry run writes nothing
            config.write_to_movie = write_to_movie

    def setup(self):
        self.settings = runtime.settings()
        self.theme = runtime.theme()
        self.ty = Typography(self.theme)
        self.camera.background_color = ManimColor(self.theme.background)
        self.caption_mob = None
        self.narration = []  # (start time in s, text): every caption, for the .srt subtitles

    def render(self, preview: bool = False):
        """A Slide when slides are wanted (manim-slides, ./render.sh slides); a plain Scene render
        otherwise (no slide files written)."""
        if config.dry_run or not runtime.current().save_slides:
            return Scene.render(self, preview)
        return super().render(preview)

    def pause(self, notes: str = ""):
        """A natural pause of the story: a new slide (``notes`` become its speaker notes)."""
        self.next_slide(notes=notes)

    def tear_down(self):
        """Turn the narration into subcaptions: each caption lasts until the next one (or the end)."""
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

    # ------------------------------------------------------------------ words on screen
    def heading(self, s: str):
        """Small chapter name in the top-left corner."""
        return self.ty.text(s, size=self.ty.HEADING_SIZE, weight="BOLD").to_corner(UL, buff=0.3)

    def caption(self, s: str):
        """A caption under the axes (plain text; may contain newlines)."""
        mob = self.ty.text(s, size=self.ty.CAPTION_SIZE, line_spacing=0.9)
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
        """A short title card: chapter title and, optionally, a formula."""
        card = VGroup(self.ty.text(title, size=self.ty.TITLE_SIZE, weight="BOLD"))
        if formula:
            card.add(self.ty.math(formula, size=self.ty.CAPTION_SIZE + 8))
        card.arrange(DOWN, buff=0.5).move_to(ORIGIN)
        self.narration.append((self.renderer.time, title))
        self.play(Write(card[0]), *[FadeIn(m) for m in card[1:]], run_time=1.2)
        self.wait(hold)
        self.play(FadeOut(card), run_time=0.6)

    def x_label(self, axes, tex: str = "x", size: float | None = None, buff: float = 0.15):
        """The x axis's name at the right end of its frame line."""
        size = self.ty.CAPTION_SIZE + 4 if size is None else size
        return self.ty.math(tex, size=size).next_to(axes.frame_x.get_right(), RIGHT, buff=buff)

    def y_label(self, axes, tex: str, color: str | None = None, buff: float = 0.12):
        """The y axis's name above the top of its frame line."""
        return self.ty.math(tex, size=self.ty.CAPTION_SIZE, color=color).next_to(axes.frame_y.get_top(), UP,
                                                                                 buff=buff)

    def framed(self, x_range, y_range, size, center, **kwargs) -> Axes:
        """``framed_axes`` in this scene's theme."""
        return framed_axes(x_range, y_range, size, center, self.theme, **kwargs)

    def labelled_axes(self, x_range, y_range, size, center) -> Axes:
        """``framed`` axes printing every other y tick, to as many decimals as they need."""
        numbers = every_other_tick(y_range)
        return self.framed(x_range, y_range, size, center, y_numbers=numbers, decimals=label_decimals(*numbers))


class ExampleScene(ChapterScene):
    """Axes over an example's grid with y in ``y_range``; the black dots of f; the blue cross.

    After ``setup()``: ``self.example`` (ntkcore), ``self.axes``, ``self.dots`` (one per grid
    point, not yet added), ``self.cross`` (not yet added).
    """

    example_name: str = "lookup_table"
    example: ntkcore.Example | None = None  # set to draw your own model instead of a named example
    y_range: tuple = (-30, 70, 10)   # widened automatically if the numbers need more room
    x_tick: int = 5
    axes_size: tuple = (11.0, 4.9)   # width, height in scene units
    axes_center: tuple = (0.4, 0.1, 0.0)
    dot_radius: float = 0.055

    def setup(self):
        super().setup()
        self.examples_read = set()
        if type(self).example is None:
            self.example = self.example_for(self.example_name)
        self.example.check_finite()  # a diverging setting stops here, naming example, step and rate
        self.axes = self.build_axes()
        self.dots = self.build_dots(self.example.values())
        x_obs, y_obs = self.example.observation
        self.cross = ObservationCross(self.c2p(x_obs, y_obs), self.theme.observation)

    def example_for(self, name: str) -> ntkcore.Example:
        """A named example as this render's settings have it (recorded in ``examples_read``)."""
        self.examples_read.add(name)
        return self.settings.example(name)

    def display_y_range(self) -> tuple:
        """``y_range``, widened to whole ticks so every value the scene draws fits."""
        ex = self.example
        vals = np.concatenate([ex.values(), ex.values() + ex.displacement(), [ex.observation[1]]])
        return whole_ticks(vals, self.y_range[2], within=self.y_range[:2])

    def build_axes(self) -> Axes:
        return self.axes_for(self.display_y_range(), self.axes_size, self.axes_center)

    def axes_for(self, y_range, size, center) -> Axes:
        """Axes over the example's grid with ``y_range`` (every other y tick printed)."""
        lo, hi = self.example.x_range
        return self.labelled_axes((lo, hi, self.x_tick), y_range, size, center)

    def c2p(self, x, y) -> np.ndarray:
        """Scene point of data coordinates (x, y)."""
        return self.axes.c2p(x, y)

    def p2c(self, point) -> tuple:
        """Data coordinates (x, y) of a scene point."""
        x, y = self.axes.p2c(point)
        return float(x), float(y)

    def build_dots(self, f_values, color: str | None = None) -> VGroup:
        """One dot per grid point at (x, f(x))."""
        return dots_at(self.axes, self.example.grid, f_values, self.dot_radius, color or self.theme.dot)

    def build_arrows(self, f_values, displacement) -> dict:
        """Red arrows from (x, f) to (x, f + Δf), keyed by grid index; zero moves get no arrow."""
        return arrows_at(self.axes, self.example.grid, f_values, displacement, self.theme.arrow)

    def show_observation(self):
        """The blue cross with its label (on the side away from f), and a caption comparing
        the observation with the model's value there."""
        ex = self.example
        x_obs, y_obs = ex.observation
        f_obs = float(ex.values()[ex.obs_index])
        side = UP if y_obs >= f_obs else DOWN
        label = self.ty.text(f"observation ({fmt_g(x_obs)}, {fmt_g(y_obs)})", size=self.ty.LABEL_SIZE,
                             color=self.theme.observation).next_to(self.cross, side, buff=0.15)
        self.play(FadeIn(self.cross, scale=1.5), FadeIn(label), run_time=0.8)
        self.say(f"We observe y = {fmt_g(y_obs)} at x = {fmt_g(x_obs)}, "
                 f"but f({fmt_g(x_obs)}) = {fmt(f_obs, 0)}.")
        return label

    def axis_labels(self, y_label: str = "f(x)") -> VGroup:
        return VGroup(self.x_label(self.axes), self.y_label(self.axes, y_label))
