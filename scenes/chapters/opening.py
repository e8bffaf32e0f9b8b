"""Opening — the question, what the viewer will see, and whose ideas these are.

One gradient step on one data point moves a model's prediction everywhere: by how much is a
kernel, the neural tangent kernel.  The preview is Example 4's step (numbers from ntkcore).  The
plan lists every chapter that declares a roadmap line (scenes.story.roadmap), by its number.

Render:  manim -pql scenes/chapters/opening.py Opening
"""

from __future__ import annotations

import math

from manim import (
    DOWN, LEFT, ORIGIN, RIGHT, UL, UP, UR, FadeIn, FadeOut, GrowArrow, LaggedStart, VGroup, Write, config,
)

from ntkcore.step_facts import first_order_gap

from scenes import runtime
from scenes.base import ExampleScene, fit_width
from scenes.formatting import fmt, fmt_g, percent
from scenes.widgets import red_arrow

NUMBER_GAP = 0.3     # between a row's chapter number and its line
COLUMN_GAP = 0.6     # between two columns of the plan
ROW_GAP = (0.1, 0.26)   # the least and the most room between two rows
MARGIN = 0.15           # between a text and the frame's right edge


def fit_right(mob):
    """Scale ``mob`` down about its left edge (never up) so that it ends ``MARGIN`` inside the
    frame's right edge: the notes right of the preview, whatever the length of their words."""
    room = config.frame_width / 2 - MARGIN - mob.get_left()[0]
    if mob.width > room:
        mob.scale_to_fit_width(room, about_edge=LEFT)
    return mob


class Opening(ExampleScene):
    example_name = "rbf"              # the preview: Example 4's step
    y_range = (38, 56, 2)
    axes_size = (6.6, 3.7)
    axes_center = (-3.1, 0.55, 0.0)
    dot_radius = 0.05

    def construct(self):
        ex = self.example
        x_obs, y_obs = ex.observation
        f0, d = ex.values(), ex.displacement()
        eta = ex.step_eta()               # the push along ∇θ f(x′) that this GD step is: Δf ≈ η·k
        arrows = self.build_arrows(f0, d)
        self.arrows = arrows
        x_s, y_s, eta_s = fmt_g(x_obs), fmt_g(y_obs), fmt(eta, 3)
        gap = first_order_gap(ex)         # max |Δf − η·k| over the largest arrow
        rough = gap >= 0.01               # a visibly finite step (Example 4 at lr 0.1: 9 %)

        # Step: title card
        self.play_title_card(title=self.label("video_title"))

        # Step: the question, on Example 4's step; the cross and the arrows named
        obs_label = self.ty.text(self.label("observation", x=x_s, y=y_s), size=self.ty.LABEL_SIZE,
                                 color=self.theme.observation).next_to(self.cross, UP, buff=0.2)
        key_arrow = red_arrow(LEFT * 0.3, RIGHT * 0.3, self.theme.arrow, stroke_width=4, tip_length=0.14)
        self.arrow_key = VGroup(key_arrow, self.ty.text(self.label("arrow_key", x=x_s), size=self.ty.LABEL_SIZE,
                                                        line_spacing=0.9)).arrange(RIGHT, buff=0.15)
        plot_right = self.axes.c2p(ex.x_range[1], y_obs)[0]
        self.arrow_key.move_to([plot_right + 0.7, self.axes.c2p(x_obs, self.axes.y_range[1])[1], 0],
                               aligned_edge=LEFT + UP)
        fit_right(self.arrow_key)
        preview = VGroup(self.axes, self.axis_labels(), self.dots, self.cross, obs_label)
        with self.step("question", x=x_s):
            self.play(FadeIn(preview), run_time=1.0)
            self.play(LaggedStart(*[GrowArrow(a) for a in arrows.values()], lag_ratio=0.03),
                      FadeIn(self.arrow_key), run_time=1.5)

        # Step: the answer is a kernel
        self.kernel_tex = self.ty.math(r"k(x, x') = \big\langle \nabla_\theta f(x),\ "
                                       r"\nabla_\theta f(x') \big\rangle", size=self.ty.CAPTION_SIZE + 4)
        self.kernel_tex.next_to(self.arrow_key, DOWN, buff=0.6).align_to(self.arrow_key, LEFT)
        gap_s = percent(max(gap, 0.001))
        self.step_note = VGroup(
            self.ty.text(self.label("small_step"), size=self.ty.LABEL_SIZE),
            self.ty.math(r"\Delta f(x) \approx \eta\, k(x, x')", size=self.ty.CAPTION_SIZE + 4),
            self.ty.text(self.label("this_step_rough" if rough else "this_step_close", x=x_s, eta=eta_s, gap=gap_s),
                         size=self.ty.LABEL_SIZE, color=self.theme.axis, line_spacing=0.9),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        self.step_note.next_to(self.kernel_tex, DOWN, buff=0.45).align_to(self.kernel_tex, LEFT)
        fit_right(self.step_note)
        with self.step("kernel", None if rough else "small_step", x=x_s, eta=eta_s, gap=gap_s):
            self.play(Write(self.kernel_tex), run_time=1.4)
            self.play(FadeIn(self.step_note), run_time=0.6)

        # Step: what the viewer will see, in the order of the chapters
        head = self.heading(self.label("plan_heading"))
        self.roadmap = rows = self.plan_rows(head)
        shown = (preview, self.kernel_tex, self.step_note, self.arrow_key, *arrows.values())
        with self.step("plan"):
            self.play(*[FadeOut(m) for m in shown], run_time=0.5)
            self.play(FadeIn(head), LaggedStart(*[FadeIn(r, shift=0.1 * RIGHT) for r in rows], lag_ratio=0.25),
                      run_time=2.5)

        # Step: credits, and the two readings of the post (in the plan's place: both do not fit at once)
        self.readings = self.ty.text(self.label("readings"), size=self.ty.LABEL_SIZE, color=self.theme.highlight,
                                     line_spacing=0.9)
        credit = VGroup(
            self.ty.text(self.label("credit"), size=self.ty.LABEL_SIZE, line_spacing=0.9),
            self.readings,
            self.ty.text(self.label("computed"), size=self.ty.LABEL_SIZE, color=self.theme.axis),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        fit_width(credit, config.frame_width - 0.8).move_to(ORIGIN).shift(0.4 * UP)
        self.credit = credit
        with self.step("credits"):
            self.play(FadeOut(head), FadeOut(rows), run_time=0.5)
            self.play(FadeIn(credit), run_time=0.8)

    # ------------------------------------------------------------------ the plan
    def plan_rows(self, head) -> VGroup:
        """One row per chapter with a roadmap line: its number (bold) and its line, in story order,
        under ``head`` and above a two-line caption.  In one column if it fits, else two, at caption
        size if it fits, else at label size (never smaller: only a plan no layout fits is scaled)."""
        w, h = config.frame_width / 2, config.frame_height / 2
        two_lines = self.ty.text("Ag\nAg", size=self.ty.CAPTION_SIZE, line_spacing=0.9).height
        top, bottom = head.get_bottom()[1] - 0.3, -h + 0.18 + two_lines + 0.4   # clear of the caption
        left, right = head.get_left()[0] + 0.5, w - 0.3
        for size in (self.ty.CAPTION_SIZE, self.ty.LABEL_SIZE):
            for columns in (1, 2):
                rows = self.plan_texts(size)
                if self.arrange_plan(rows, columns, left, top, top - bottom, right - left):
                    return rows
        rows = self.plan_texts(self.ty.LABEL_SIZE)    # no layout fits: one column, scaled into the room
        self.arrange_plan(rows, 1, left, top, top - bottom, right - left, force=True)
        fit_width(rows, right - left)
        rows.scale_to_fit_height(min(rows.height, top - bottom))
        return rows.move_to([left, top, 0], aligned_edge=UL)

    def plan_texts(self, size: float) -> VGroup:
        """The plan's rows (chapter number, roadmap line) at font ``size``, not yet placed."""
        return VGroup(*[VGroup(self.ty.text(str(n), size=size, weight="BOLD"), self.ty.text(line, size=size))
                        for n, line in runtime.roadmap()])

    @staticmethod
    def arrange_plan(rows, columns: int, left: float, top: float, height: float, width: float,
                     force: bool = False) -> bool:
        """Place ``rows`` (number, line) in ``columns`` columns from (``left``, ``top``): numbers
        right-aligned, lines left-aligned, rows evenly spaced.  False (nothing placed) if they do
        not fit ``width`` × ``height``, unless ``force``."""
        if len(rows) == 0:
            return True
        per = math.ceil(len(rows) / columns)
        number_w = max(r[0].width for r in rows)
        line_w = max(r[1].width for r in rows)
        row_h = max(r.height for r in rows)
        gap = max(ROW_GAP[0], min(ROW_GAP[1], (height - per * row_h) / max(per - 1, 1)))
        column_w = number_w + NUMBER_GAP + line_w
        fits = per * row_h + (per - 1) * gap <= height and columns * column_w + (columns - 1) * COLUMN_GAP <= width
        if not (fits or force):
            return False
        for k, (number, line) in enumerate(rows):
            c, j = divmod(k, per)
            x, y = left + c * (column_w + COLUMN_GAP), top - j * (row_h + gap)
            number.move_to([x + number_w, y, 0], aligned_edge=UR)
            line.move_to([x + number_w + NUMBER_GAP, y, 0], aligned_edge=UL)
        return True
