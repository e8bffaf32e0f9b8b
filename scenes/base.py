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

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from manim import (
    DOWN, LEFT, ORIGIN, RIGHT, UL, UP, Axes, DecimalNumber, FadeIn, FadeOut, ManimColor, MarkupText, MathTex, Scene,
    SingleStringMathTex, Tex, Text, VGroup, VMobject, Write, config,
)
from manim_slides import Slide

import ntkcore

from scenes import lean_mobjects, runtime
from scenes.script import fill
from scenes.sound import FrameClockMixin, add_clip, end_audio_with_video
from scenes.formatting import fmt, fmt_g
from scenes.ranges import every_other_tick, label_decimals, whole_ticks
from scenes.typography import Typography
from scenes.widgets import ObservationCross, arrows_at, dots_at, framed_axes


READ_RATE = 2.5     # words per second a viewer reads a caption at (broadcast guidance: 2.7–3)
SAFE = 0.9          # title-safe area: all ink within 90 % of the frame's width and height
MIN_READ = 2.0      # no caption shorter than this
FADE_OUT = 0.35     # the old caption fades out …
FADE_IN = 0.45      # … before the new one fades in: never two legible at once
BREATH = 0.35       # after a narrated line, before the next
LESSON_HOLD = 1.5   # a chapter's lesson stays this much longer than its reading time (and its voice)


def reading_seconds(text: str) -> float:
    """How long a caption must stay readable: ``max(2 s, words / 2.5 s)`` (words: whitespace-
    separated tokens, so a formula counts by its tokens)."""
    return max(MIN_READ, len(text.split()) / READ_RATE)


def snake(name: str) -> str:
    """``LookupTable`` → ``lookup_table`` (a chapter's id when no pipeline names it)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


@dataclass
class Step:
    """One caption step of a chapter: what it says on screen and aloud, and when."""

    id: str          # "<chapter>.<key>": names the step's voice recording, its slide, its cue
    key: str         # the entry of the chapter's script ([steps.<key>])
    variant: str | None   # which wording of the entry the chapter's numbers made true
    values: dict     # the placeholders' values, formatted once by the chapter
    caption: str     # on screen (and the subtitle)
    narration: str   # spoken (the caption when the entry has no spoken line)
    start: float     # seconds into the chapter (its caption fades in)
    end: float = -1.0
    begin: float = 0.0     # when the step began (before the previous caption faded out): its span starts
    lesson: bool = False   # the chapter's lesson (held LESSON_HOLD longer)
    spoken: bool = False   # the entry has a spoken line of its own (not just the caption read out)
    skipped: bool = False  # left out of this cut: its animations ran instantly, nothing was said


TEXT_TYPES = (Text, MarkupText, MathTex, SingleStringMathTex, Tex, DecimalNumber)


# The one setting made on import: manim checks for a newer release *after* a scene has rendered
# (outside the scene's own config), and we pin 0.21.0 on purpose (manim-slides 5.7 breaks on 0.22).
config.notify_outdated_version = False


class ChapterScene(FrameClockMixin, Slide):
    """Theme, typography, paced captions, subtitles, narration and slides for any chapter.

    After ``setup()``: ``self.settings`` (ntkcore settings of this render), ``self.theme``,
    ``self.ty`` (typography in the theme's ink), ``self.steps`` (every caption step, with its
    times: the subtitles, the narration script, the slides' notes).

    Captions are shown by :meth:`step`::

        with self.step("Push θ a small step along the gradient of f at x′."):
            self.play(...)          # the animations the caption introduces

    The caption stays at least its reading time after those animations (longer if its narration
    takes longer), and fades out before the next one fades in.
    """

    skip_reversing = True  # slides: no reversed clips (the HTML player never plays backwards)
    record_layout = False  # tests: snapshot every text's bounding box at the end of each step

    def __init__(self, *args, **kwargs):
        rt = runtime.current()
        if rt.slides_dir:
            kwargs.setdefault("output_folder", Path(rt.slides_dir))
        write_to_movie = config.write_to_movie
        super().__init__(*args, **kwargs)
        # manim-slides' Slide turns movie writing on; a dry run or a last frame (-s) writes none,
        # and makes no slides.
        self._no_movie = not write_to_movie
        if self._no_movie:
            config.write_to_movie = False

    def setup(self):
        lean_mobjects.install()                  # copies of text and formulas without their SVG parse
        keep_compiled_programs(Path(config.media_dir) / "cache" / "jax")
        self.settings = runtime.settings()
        self.theme = runtime.theme()
        self.ty = Typography(self.theme)
        config.tex_template = self.ty.template   # axis numbers too: no manim.cfg needed
        self.camera.background_color = ManimColor(self.theme.background)
        self.caption_mob = None
        self.steps: list[Step] = []
        self.layout: list = []   # (step id, [text mobjects on screen]) when record_layout
        self.ink: list = []      # (step id, [Ink of every drawn part, in drawing order]) when record_layout
        self.voice = runtime.voice_clips()
        self.skip = runtime.skipped_steps()
        self.script = runtime.chapter_script(type(self), self.chapter_id)
        self.examples_read = set()
        self._fast = 0
        self._on_screen = None   # the step whose caption is on screen

    def example_for(self, name: str) -> ntkcore.Example:
        """A named example as this render's settings have it (recorded in ``examples_read``, which
        must equal the examples the chapter declares in its script's ``[chapter]`` table)."""
        self.examples_read.add(name)
        return self.settings.example(name)

    @property
    def chapter_id(self) -> str:
        """The chapter's name (its step ids start with it): from the story, else the class name."""
        from scenes.story import by_scene
        return by_scene().get(type(self).__name__) or snake(type(self).__name__)

    def label(self, key: str, **values) -> str:
        """The words of label ``key`` (the chapter's ``[labels]``, else the shared ones), filled."""
        return runtime.label(self.script, key, values)

    def clock(self) -> float:
        """Seconds into the chapter's video (frames really written; manim's clock in a dry run)."""
        return self.frame_time if self._frames_written else self.renderer.time

    def render(self, preview: bool = False):
        """A Slide when slides are wanted (``manim-slides render``, ``./render.sh slides``); a plain
        Scene render otherwise (no slide files written).  A refused setting, model or script ends
        a real render with its one line and exit status 2 (not manim's traceback box); a dry run
        (the tests) lets the error through."""
        from ntkcore.validation import SettingsError
        from scenes.script import ScriptError
        try:
            if config.dry_run or self._no_movie or not runtime.save_slides():
                return Scene.render(self, preview)
            return super().render(preview)
        except (SettingsError, ScriptError) as e:
            if config.dry_run:
                raise
            import sys
            print(f"error: {e}", file=sys.stderr)
            raise SystemExit(2) from None

    def pause(self, notes: str = ""):
        """A natural pause of the story: a new slide (``notes`` become its speaker notes)."""
        self.next_slide(notes=notes)

    # ------------------------------------------------------------------ animations at their end state
    end_state_plays = False   # tests: in a dry run, jump every animation to its end state (scenes read ends)

    def play(self, *args, **kwargs):
        if self._fast:                                  # a step left out of this cut: no time passes
            return self._play_end_state(args, kwargs, advance=False)
        if self.end_state_plays and config.dry_run:     # a test build: the clock still runs
            return self._play_end_state(args, kwargs, advance=True)
        return super().play(*args, **kwargs)

    def _play_end_state(self, args, kwargs, advance: bool):
        """What ``play`` leaves on screen, with no frames and no slide: introducers add their
        mobject, removers remove it, transforms leave their mobject as the target (or replace it),
        ``.animate`` applies its methods, indications leave nothing; anything else is begun and
        finished as manim would.  ``advance``: manim's clock moves by the run time (a dry run's
        timing stays exact)."""
        for k in ("subcaption", "subcaption_duration", "subcaption_offset"):
            kwargs.pop(k, None)
        animations = self.compile_animations(*args, **kwargs)
        if advance:
            self.renderer.time += self.get_run_time(animations)
        # as Scene.play: what is animated but absent is added, introducers add themselves …
        self.add_mobjects_from_animations(animations)
        for anim in animations:
            anim._setup_scene(self)
        # … and each animation leaves its end
        for anim in animations:
            end_state(self, anim)
    @contextlib.contextmanager
    def fast(self):
        """Inside: animations jump to their end state (a step left out of a cut)."""
        self._fast += 1
        try:
            yield
        finally:
            self._fast -= 1

    # ------------------------------------------------------------------ paced steps
    def _new_step(self, key: str, variant: str | None, values: dict, field: str = "caption") -> Step:
        """The step ``key`` of the chapter's script, its texts filled with ``values``; its id is
        ``<chapter>.<key>`` (``.2``, ``.3`` … when the chapter shows the entry again)."""
        entry = self.script.entry(key)
        where = f"{self.script.source}: [steps.{key}" + (f".{variant}]" if variant else "]")
        shown = fill(entry.text(field, variant) or "", values, where)
        spoken = entry.text("spoken", variant)
        narration = fill(spoken, values, where) if spoken is not None else shown
        base = f"{self.chapter_id}.{key}"
        n = sum(1 for s in self.steps if s.key == key)
        now = self.clock()
        step = Step(base if n == 0 else f"{base}.{n + 1}", key, variant, dict(values), shown, narration,
                    now, spoken=spoken is not None, skipped=base in self.skip, begin=now, lesson=entry.lesson)
        self.steps.append(step)
        return step

    def _start_voice(self, step: Step):
        clip = self.voice.get(step.id)
        if clip:
            add_clip(self, clip["path"])

    def _hold(self, step: Step, anim_end: float):
        """Wait until the step has had its reading time after its animations, and its voice."""
        extra = LESSON_HOLD if step.lesson else 0.0
        end = anim_end + reading_seconds(step.caption) + extra
        clip = self.voice.get(step.id)
        if clip:
            end = max(end, step.start + clip["seconds"] + BREATH + extra)
        if end - self.clock() > 1e-3:
            self.wait(end - self.clock())

    def _end_caption(self):
        """Fade the current caption out (its subtitle ends as the fade starts)."""
        if self.caption_mob is not None:
            if self._on_screen is not None and self._on_screen.end < 0:
                self._on_screen.end = self.clock()
            self.play(FadeOut(self.caption_mob), run_time=FADE_OUT)
            self.caption_mob = None

    @contextlib.contextmanager
    def step(self, key: str, variant: str | None = None, **values):
        """Show the caption of the script's entry ``key`` (its slide, its subtitle, its voice) for
        the animations in the block, then hold it for its reading time (and until its narration
        ends).  ``values`` fill the entry's placeholders; ``variant`` picks other words the
        chapter's numbers make true.  A step left out of this cut runs its block instantly."""
        step = self._new_step(key, variant, values)
        if step.skipped:
            with self.fast():
                yield step
            return
        self._end_caption()
        self.pause(notes=step.narration)
        step.start = self.clock()
        self._start_voice(step)
        self._on_screen = step
        self.caption_mob = self.caption(step.caption)
        self.play(FadeIn(self.caption_mob, shift=0.1 * UP), run_time=FADE_IN)
        yield step
        self._hold(step, self.clock())
        self._snapshot(step)
        self._maybe_stop(step)

    def _maybe_stop(self, step: Step):
        """End the chapter here when the runtime asks for a still of this step (``stills --at``)."""
        if runtime.current().stop_after in (step.id, step.key):
            from manim.utils.exceptions import EndSceneEarlyException
            raise EndSceneEarlyException()

    def say(self, key: str, variant: str | None = None, **values):
        """A step with no animations of its own: show the caption of ``key`` and hold it."""
        with self.step(key, variant, **values):
            pass

    def play_title_card(self, formula: str | None = None, *, title: str | None = None, variant: str | None = None,
                        **values):
        """The chapter's title card: its title (the script's ``[chapter]`` title unless given),
        optionally a formula, and the bridge of the script's ``[steps.title]``: the one sentence
        that says why this chapter follows the last.  Held as long as its words need."""
        title = title or self.script.chapter.get("title") or type(self).__name__
        step = self._new_step("title", variant, values, field="bridge")
        bridge = step.caption
        step.caption = title + (" — " + bridge.replace("\n", " ") if bridge else "")
        if not step.spoken:
            step.narration = step.caption
        if step.skipped:
            return
        self._end_caption()
        card = VGroup(self.ty.text(title, size=self.ty.TITLE_SIZE, weight="BOLD"))
        if formula:
            card.add(self.ty.math(formula, size=self.ty.CAPTION_SIZE + 8))
        if bridge:
            card.add(self.ty.text(bridge, size=self.ty.CAPTION_SIZE, line_spacing=0.9))
        room = 2 * self.safe_box()[0] - 0.2
        for part in card:              # the formula and the bridge shrink to fit; so does a title only
            fit_width(part, room)      # when it must (a translation): English titles keep one size
        card.arrange(DOWN, buff=0.5)
        card.move_to(ORIGIN)
        self.title_card = card
        self.pause(notes=step.narration)
        step.start = self.clock()
        self._start_voice(step)
        self.play(Write(card[0]), *[FadeIn(m) for m in card[1:]], run_time=1.0)
        self._hold(step, step.start)   # the card is its own caption: its words from the first frame
        self._snapshot(step, card)
        self._maybe_stop(step)
        step.end = self.clock()
        self.play(FadeOut(card), run_time=0.5)

    def tear_down(self):
        """Close the last step and write the subtitles (one cue per step, never overlapping)."""
        end = self.chapter_seconds = self.clock()
        shown = [s for s in self.steps if not s.skipped]
        if shown and shown[-1].end < 0:
            shown[-1].end = end
        self.subtitle_cues = [(s.start, s.end, s.caption.replace("\n", " ")) for s in shown if s.end > s.start]
        if config.dry_run:  # no movie file, so no .srt beside it (manim would fail to name one)
            return
        end_audio_with_video(self)
        now = self.renderer.time
        for start, stop, text in self.subtitle_cues:
            self.add_subcaption(text, duration=stop - start, offset=start - now)
        self.write_steps(shown, end)

    def write_steps(self, shown, end: float):
        """``<clip>.steps.json`` beside the movie: every shown step's id, words and times (seconds
        into the clip), so slides are cut from the rendered clip at the step boundaries instead of
        rendered again."""
        import json
        path = getattr(self.renderer.file_writer, "movie_file_path", None)
        if not path or not config.write_to_movie:
            return
        path = Path(path)
        record = {"chapter": self.chapter_id, "seconds": end,
                  "steps": [{"id": s.id, "caption": s.caption, "notes": s.narration, "begin": s.begin, "start": s.start,
                             "end": s.end}
                            for s in shown]}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.stem + ".steps.partial.json")
        tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path.with_name(path.stem + ".steps.json"))

    # ------------------------------------------------------------------ layout snapshots (tests)
    def _snapshot(self, step: Step, *extra):
        if not self.record_layout:
            return
        tops = [*self.mobjects, *[m for m in extra if m not in self.mobjects]]
        texts = []
        for top in tops:
            texts.extend(t for t in text_parts(top) if not any(t is u for u in texts))
        self.layout.append((step.id, [TextSnap.of(t) for t in texts]))
        self.ink.append((step.id, ink_records(tops)))

    # ------------------------------------------------------------------ words on screen
    @staticmethod
    def safe_box() -> tuple:
        """``(half width, half height)`` of the title-safe area, in scene units."""
        return SAFE * config.frame_width / 2, SAFE * config.frame_height / 2

    def heading(self, s: str):
        """Small chapter name in the top-left corner of the title-safe area."""
        w, h = self.safe_box()
        mob = self.ty.text(s, size=self.ty.HEADING_SIZE, weight="BOLD")
        fit_width(mob, w - 0.3)
        return mob.move_to([-w + 0.05, h - 0.05, 0], aligned_edge=UL)

    def caption(self, s: str):
        """A caption at the bottom of the title-safe area (plain text; may contain newlines)."""
        w, h = self.safe_box()
        mob = self.ty.text(s, size=self.ty.CAPTION_SIZE, line_spacing=0.9)
        fit_width(mob, 2 * w - 0.1)   # never let a long line leave the safe area
        mob.move_to([0, -h + 0.05, 0], aligned_edge=DOWN)
        mob.is_caption = True
        return mob

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
        if type(self).example is None:
            self.example = self.example_for(self.example_name)
        self.example.check_drawable()  # a setting that cannot be drawn stops here, naming its field
        self.axes = self.build_axes()
        self.dots = self.build_dots(self.example.values())
        x_obs, y_obs = self.example.observation
        self.cross = ObservationCross(self.c2p(x_obs, y_obs), self.theme.observation)

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

    def show_observation(self, key: str = "observation", **values):
        """The blue cross with its label (on the side away from f), in the step ``key`` whose
        caption compares the observation with the model's value there: its placeholders ``{x}``,
        ``{y}`` (the observation) and ``{f}`` (the model at x) are filled here, others from
        ``values``."""
        ex = self.example
        x_obs, y_obs = ex.observation
        f_obs = float(ex.values()[ex.obs_index])
        side = UP if y_obs >= f_obs else DOWN
        x_s, y_s = fmt_g(x_obs), fmt_g(y_obs)
        label = self.ty.text(self.label("observation", x=x_s, y=y_s), size=self.ty.LABEL_SIZE,
                             color=self.theme.observation).next_to(self.cross, side, buff=0.15)
        with self.step(key, x=x_s, y=y_s, f=fmt(f_obs, 0), **values):
            self.play(FadeIn(self.cross, scale=1.5), FadeIn(label), run_time=0.8)
        return label

    def axis_labels(self, y_label: str = "f(x)") -> VGroup:
        return VGroup(self.x_label(self.axes), self.y_label(self.axes, y_label))


def keep_compiled_programs(folder: Path) -> None:
    """JAX's compiled programs kept in ``folder`` between chapter processes and renders, unless a
    folder is set already (``JAX_COMPILATION_CACHE_DIR``): a chapter's steps compile some 200 small
    programs, about 6 s of a chapter's render, and loading them takes milliseconds.  They change no
    number.  (Before the chapter computes anything: JAX reads this at its first compile.)"""
    import jax

    if jax.config.jax_compilation_cache_dir:
        return
    jax.config.update("jax_compilation_cache_dir", str(folder))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)


def end_state(scene, anim) -> None:
    """Leave ``anim``'s end in ``scene`` without playing it (after ``Scene.add_mobjects_from_animations``
    and ``anim._setup_scene``, as ChapterScene._play_end_state calls it): removers remove, transforms
    leave their mobject as their target (or replace it), ``.animate`` applies its methods, the
    matching transforms swap source for target, indications and waits leave nothing; anything else
    is begun and finished as manim would."""
    from manim import (AnimationGroup, Circumscribe, FadeTransform, Indicate, ReplacementTransform,
                       Transform, TransformFromCopy, Wait)
    from manim.animation.transform import MoveToTarget
    from manim.animation.transform_matching_parts import TransformMatchingAbstractBase

    if isinstance(anim, (Wait, Indicate, Circumscribe)):
        return
    if isinstance(anim, TransformMatchingAbstractBase):      # (an AnimationGroup: before the groups)
        scene.remove(*anim.to_remove)
        scene.add(anim.to_add)
        return
    if isinstance(anim, FadeTransform):                      # its mobject is Group(source, target copy)
        scene.remove(anim.mobject)
        scene.add(anim.to_add_on_completion)
        return
    if isinstance(anim, AnimationGroup):
        for sub in anim.animations:
            end_state(scene, sub)
        return
    if anim.is_introducer():
        return
    if anim.is_remover():
        scene.remove(anim.mobject)
    elif isinstance(anim, TransformFromCopy):
        pass                           # (its mobject is the target; it ends as it is)
    elif isinstance(anim, (MoveToTarget, ReplacementTransform)) or type(anim) is Transform \
            or type(anim).__name__ == "_MethodAnimation":
        transformed(anim.mobject, anim.target_mobject, anim.path_func)
        if isinstance(anim, ReplacementTransform) or anim.replace_mobject_with_target_in_scene:
            scene.replace(anim.mobject, anim.target_mobject)
    else:                              # anything else: as manim would, at its end
        anim.begin()
        anim.finish()
        anim.clean_up_from_scene(scene)


def transformed(mob, target, path_func) -> None:
    """``mob`` as a Transform into ``target`` leaves it: aligned with a copy of the target, every
    part interpolated to it at alpha = 1 (no copy of the start, unlike Transform.begin)."""
    target_copy = target.copy()
    mob.align_data(target_copy)
    for part, goal in zip(mob.family_members_with_points(), target_copy.family_members_with_points()):
        part.interpolate(part, goal, 1, path_func)


def fit_width(mob, width: float):
    """Scale ``mob`` down (never up) so that it is at most ``width`` wide."""
    if mob.width > width:
        mob.scale_to_fit_width(width)
    return mob


class TextSnap:
    """A text on screen at the end of a step, as it was then (tests: layout checks): its words,
    its kind and its box; ``get_corner`` answers as the mobject did."""

    def __init__(self, mob):
        self.cls = type(mob)
        self.original_text = getattr(mob, "original_text", None)
        self.tex_string = getattr(mob, "tex_string", None)
        self.number = getattr(mob, "number", None) if isinstance(mob, DecimalNumber) else None
        self.is_caption = getattr(mob, "is_caption", False)
        self.lo, self.hi = mob.get_corner(DOWN + LEFT), mob.get_corner(UP + RIGHT)

    @classmethod
    def of(cls, mob) -> "TextSnap":
        return cls(mob)

    def get_corner(self, direction):
        d = np.asarray(direction, dtype=float)
        return np.where(d < 0, self.lo, np.where(d > 0, self.hi, (self.lo + self.hi) / 2))

    def __repr__(self):
        return f"{self.cls.__name__}({self.original_text or self.tex_string or self.number!r})"


@dataclass(frozen=True)
class Ink:
    """One drawn part of the frame at the end of a step (tests: title-safe area, contrast)."""

    kind: str            # "text" (Text, a number), "tex" (MathTex, Tex) or "shape"
    words: str           # a text's words (or the shape's class)
    box: tuple           # (x0, y0, x1, y1) in scene units
    stroke: tuple        # (hex, opacity, width)
    fill: tuple          # (hex, opacity)
    outline: tuple = ()  # a filled shape's anchor points (x, y), for what lies under a text


def ink_records(tops) -> list:
    """Every drawn part of ``tops``' families in drawing order: texts as one record each (their
    glyphs' box and colour), other leaves with points as shapes."""
    out, seen = [], set()

    def colour(m, kind):
        try:
            c = m.get_stroke_color() if kind == "stroke" else m.get_fill_color()
            return c.to_hex()
        except Exception:    # a mobject without that colour
            return "#000000"

    def visit(m):
        if id(m) in seen:
            return
        seen.add(id(m))
        if isinstance(m, TEXT_TYPES):
            parts = [p for p in m.get_family() if p.has_points()]
            drawn = [p for p in parts if p.get_fill_opacity() > 0 or p.get_stroke_opacity() > 0]
            if drawn:
                (x0, y0, _), (x1, y1, _) = m.get_corner(DOWN + LEFT), m.get_corner(UP + RIGHT)
                p = max(drawn, key=lambda q: q.get_fill_opacity())
                words = getattr(m, "original_text", None) or getattr(m, "tex_string", None) or type(m).__name__
                kind = "tex" if isinstance(m, (MathTex, SingleStringMathTex, Tex)) else "text"
                out.append(Ink(kind, str(words), (x0, y0, x1, y1), (colour(p, "stroke"), p.get_stroke_opacity(),
                                                                       p.get_stroke_width()),
                               (colour(p, "fill"), p.get_fill_opacity())))
            seen.update(id(q) for q in m.get_family())
            return
        if isinstance(m, VMobject) and m.has_points() and (
                m.get_fill_opacity() > 0 or (m.get_stroke_opacity() > 0 and m.get_stroke_width() > 0)):
            (x0, y0, _), (x1, y1, _) = m.get_corner(DOWN + LEFT), m.get_corner(UP + RIGHT)
            outline = (tuple(map(tuple, np.asarray(m.get_anchors())[:, :2])) if m.get_fill_opacity() > 0 else ())
            out.append(Ink("shape", type(m).__name__, (x0, y0, x1, y1),
                           (colour(m, "stroke"), m.get_stroke_opacity(), m.get_stroke_width()),
                           (colour(m, "fill"), m.get_fill_opacity()), outline))
        for sub in m.submobjects:
            visit(sub)

    for top in tops:
        visit(top)
    return out


def text_parts(mob) -> list:
    """The text mobjects (Text, MathTex, axis numbers, …) in ``mob``'s family that are drawn:
    outermost ones only, with opacity > 0."""
    if isinstance(mob, TEXT_TYPES):
        visible = any(m.get_fill_opacity() > 0 or m.get_stroke_opacity() > 0
                      for m in mob.get_family() if m.has_points())
        return [mob] if visible else []
    out = []
    for sub in mob.submobjects:
        out.extend(text_parts(sub))
    return out
