"""Opening — the question, its answer named, what the viewer will see, and whose ideas these are.

One gradient step on one data point moves a model's prediction everywhere (the red arrows of
Example 4's step, numbers from ntkcore): by how much is a kernel, the neural tangent kernel.  No
symbol is shown here that Example 1 has not yet introduced (x′, η, k, θ come there).  The plan lists
every chapter that declares a roadmap line (scenes.runtime.roadmap), by its number.

Render:  manim -pql scenes/chapters/opening.py Opening
"""

from __future__ import annotations

import math

from manim import (
    DOWN, LEFT, RIGHT, UL, UP, UR, FadeIn, FadeOut, GrowArrow, Indicate, LaggedStart, VGroup, Write,
)

from scenes import runtime
from scenes.base import ExampleScene, fit_width
from scenes.formatting import fmt_g
from scenes.widgets import red_arrow

NUMBER_GAP = 0.3     # between a row's chapter number and its line
COLUMN_GAP = 0.6     # between two columns of the plan
ROW_GAP = (0.07, 0.26)  # the least and the most room between two rows
MARGIN = 0.05           # between a text and the title-safe area's right edge


def fit_right(mob, right: float):
    """Scale ``mob`` down about its left edge (never up) so that it ends ``MARGIN`` inside ``right``
    (the title-safe area's right edge): the notes right of the preview, whatever their words."""
    room = right - MARGIN - mob.get_left()[0]
    if mob.width > room:
        mob.scale_to_fit_width(room, about_edge=LEFT)
    return mob


class Opening(ExampleScene):
    example_name = "rbf"              # the preview: Example 4's step
    y_range = (38, 56, 2)
    axes_size = (5.6, 4.3)
    axes_center = (-2.75, 0.45, 0.0)  # the y numbers end inside the title-safe area, the x numbers above the caption
    dot_radius = 0.05

    def construct(self):
        ex = self.example
        x_obs, y_obs = ex.observation
        f0, d = ex.values(), ex.displacement()
        arrows = self.build_arrows(f0, d)
        self.arrows = arrows
        x_s, y_s = fmt_g(x_obs), fmt_g(y_obs)
        right = self.safe_box()[0]

        # Step: title card
        self.play_title_card(title=self.label("video_title"))

        # Step: the question, on Example 4's step; the cross and the arrows named (no symbols yet)
        obs_label = self.ty.text(self.label("observation", x=x_s, y=y_s), size=self.ty.LABEL_SIZE,
                                 color=self.theme.observation)
        obs_label.next_to(self.cross, UP, buff=0.15).align_to(self.cross, RIGHT)   # above the valley: clear of the dots
        room = obs_label.get_right()[0] - (self.axes.frame_y.get_right()[0] + 0.2)   # longer words: clear of the y axis
        if obs_label.width > room:
            obs_label.scale_to_fit_width(room, about_edge=RIGHT)
        key_arrow = red_arrow(LEFT * 0.3, RIGHT * 0.3, self.theme.arrow, stroke_width=4, tip_length=0.14)
        self.arrow_key = VGroup(key_arrow, self.ty.text(self.label("arrow_key"), size=self.ty.LABEL_SIZE,
                                                        line_spacing=0.9)).arrange(RIGHT, buff=0.15)
        column = self.axes.frame_x.get_right()[0] + 0.6           # the notes' column, right of the preview
        self.arrow_key.move_to([column, self.axes.c2p(x_obs, self.axes.y_range[1])[1], 0], aligned_edge=UL)
        fit_right(self.arrow_key, right)
        preview = VGroup(self.axes, self.axis_labels(), self.dots, self.cross, obs_label)
        with self.step("question"):
            self.play(FadeIn(preview), run_time=0.6)
            self.play(LaggedStart(*[GrowArrow(a) for a in arrows.values()], lag_ratio=0.03),
                      FadeIn(self.arrow_key), run_time=0.8)

        # Step (the lesson): the answer has a name, the neural tangent kernel
        self.answer = VGroup(
            self.ty.text(self.label("answer_lead"), size=self.ty.LABEL_SIZE),
            self.ty.text(self.label("ntk_name"), size=self.ty.CAPTION_SIZE - 2, weight="BOLD"),
            self.ty.text(self.label("ntk_source"), size=self.ty.LABEL_SIZE),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        self.answer.next_to(self.arrow_key, DOWN, buff=0.7).align_to(self.arrow_key, LEFT)
        fit_right(self.answer, right)
        with self.step("kernel"):
            # every arrow at once: one observation, a move everywhere, and its size has a name
            self.play(LaggedStart(*[Indicate(a, color=self.theme.highlight, scale_factor=1.4) for a in arrows.values()],
                                  lag_ratio=0.02), FadeIn(self.answer[0]), run_time=0.5)
            self.play(Write(self.answer[1]), FadeIn(self.answer[2]), run_time=0.5)

        # Step: what the viewer will see, in the order of the chapters, and whose ideas these are
        head = self.heading(self.label("plan_heading"))
        self.credit = self.ty.text(self.label("credit"), size=self.ty.LABEL_SIZE, line_spacing=0.9)
        fit_width(self.credit, 2 * right - 0.2)
        self.credit.move_to([-right + 0.05, self.plan_bottom(), 0], aligned_edge=DOWN + LEFT)
        self.roadmap = rows = self.plan_rows(head, self.credit.get_top()[1] + 0.15)
        shown = (preview, self.answer, self.arrow_key, *arrows.values())
        with self.step("plan"):
            self.play(*[FadeOut(m) for m in shown], run_time=0.4)
            self.play(FadeIn(head), LaggedStart(*[FadeIn(r, shift=0.1 * RIGHT) for r in rows], lag_ratio=0.2),
                      FadeIn(self.credit), run_time=1.6)

    # ------------------------------------------------------------------ the plan
    def plan_bottom(self) -> float:
        """The lowest y the plan's words may reach: clear of a two-line caption."""
        two_lines = self.ty.text("Ag\nAg", size=self.ty.CAPTION_SIZE, line_spacing=0.9).height
        return -self.safe_box()[1] + 0.05 + two_lines + 0.25

    def plan_rows(self, head, bottom: float) -> VGroup:
        """One row per chapter with a roadmap line: its number (bold) and its line, in story order,
        under ``head`` and above ``bottom``.  In one column if it fits, else two, at caption size if
        it fits, else at label size (never smaller: only a plan no layout fits is scaled)."""
        w, h = self.safe_box()
        top = head.get_bottom()[1] - 0.2
        left, right = head.get_left()[0] + 0.5, w - 0.1
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
