"""Chapter 1 — Example 1: a lookup table.  One gradient step moves one dot, and nothing else.

Render:  manim -pql scenes/chapters/lookup_table.py LookupTable
"""

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UL, UP, UR, Create, FadeIn, FadeOut, GrowArrow, Indicate, LaggedStart,
    SurroundingRectangle, VGroup,
)

from ntkcore.step_facts import changed_parameters, is_delta_kernel, parameter_step

from scenes.base import ExampleScene
from scenes.components.equations import LOOKUP_KERNEL
from scenes.formatting import fmt, fmt_g, line_formula, signed
from scenes.layout import covered_points, first_free, plot_box, sample_points
from scenes.widgets import ZoomInset, arrows_at, dots_at, step_legend

_SUBSCRIPT = str.maketrans("0123456789-−", "₀₁₂₃₄₅₆₇₈₉₋₋")


def theta_at(x: float) -> str:
    """``θ₁₀``: the lookup table's parameter at grid point ``x`` (unicode subscript)."""
    return "θ" + fmt_g(x).translate(_SUBSCRIPT)


def box_grid(mob, nx: int = 9, ny: int = 3) -> np.ndarray:
    """Scene points on a grid over ``mob``'s bounding box (a label to keep clear of), ``(nx·ny, 3)``."""
    (x0, y0, _), (x1, y1, _) = mob.get_corner(DOWN + LEFT), mob.get_corner(UP + RIGHT)
    gx, gy = np.meshgrid(np.linspace(x0, x1, nx), np.linspace(y0, y1, ny))
    return np.stack([gx.ravel(), gy.ravel(), np.zeros(gx.size)], axis=1)


class LookupTable(ExampleScene):
    example_name = "lookup_table"
    y_range = (-40, 70, 10)           # room below f(−10) = −29, off the axis corner
    axes_size = (11.0, 4.55)          # x numbers end above y ≈ −2.6: room for a two-line caption
    axes_center = (0.2, 0.3, 0.0)

    def setup(self):
        super().setup()

    def construct(self):
        ex = self.example
        x_obs, y_obs = ex.observation
        i = ex.obs_index
        f0 = ex.values()
        d = ex.displacement()
        lo, hi = ex.x_range
        self.arrows = self.build_arrows(f0, d)
        x_s, y_s, f_s, lr_s = fmt_g(x_obs), fmt_g(y_obs), fmt(f0[i], 0), fmt_g(ex.lr)
        moved = changed_parameters(ex)           # which θ the step changes (only θ_x′ here)
        only_one = moved.tolist() == [i]
        theta_obs = theta_at(x_obs)
        w, h = self.safe_box()

        # Step: title card (no formula: θ is introduced by the next step)
        self.play_title_card()

        # Step: the function as a table of dots; on the chart, the line they happen to lie on
        head = self.heading(self.script.chapter["title"])
        line = line_formula(ex.grid, f0)
        self.line_note = VGroup()
        if line:
            # The post prints θᵢ = 3i + 2 but calls Example 2's 3x + 1 "the same function": we read 3x + 1.
            self.line_note = VGroup(
                self.ty.text(self.label("line", line=line), size=self.ty.CAPTION_SIZE),
                self.ty.text(self.label("reading_note"), size=self.ty.LABEL_SIZE, line_spacing=0.9),
            ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
            self.line_note.next_to(self.c2p(lo, self.axes.y_range[1]), DOWN + RIGHT, buff=0.3)
        self.reading_note = self.line_note[1] if line else None
        with self.step("table", None if line else "no_line", lo=fmt_g(lo), hi=fmt_g(hi), line=line or ""):
            self.play(FadeIn(head), FadeIn(self.axes), FadeIn(self.axis_labels()), run_time=0.6)
            self.play(LaggedStart(*[FadeIn(dot, scale=0.5) for dot in self.dots], lag_ratio=0.05),
                      FadeIn(self.line_note), run_time=0.9)

        # Step: the observation; the model's value at x′ on the chart, beside its dot
        self.f_label = self.ty.text(self.label("f_at", x=x_s, f=f_s), size=self.ty.LABEL_SIZE)
        self.f_label.next_to(self.dots[i], UP + LEFT, buff=0.08)
        side = UP if y_obs >= f0[i] else DOWN
        self.obs_label = self.ty.text(self.label("observation", x=x_s, y=y_s), size=self.ty.LABEL_SIZE,
                                      color=self.theme.observation).next_to(self.cross, side, buff=0.15)
        with self.step("observation", x=x_s, y=y_s, f=f_s):
            self.play(FadeIn(self.cross, scale=1.5), FadeIn(self.obs_label), FadeIn(self.f_label),
                      FadeOut(self.line_note), run_time=0.8)

        # Step: one gradient step, drawn as a red arrow (here: a single one)
        # (the move is small on the full chart: the zoom shows it in the same step)
        self.build_inset(f0, d)
        inset = self.inset
        self.lr_text = self.ty.text(self.label("learning_rate", lr=lr_s), size=self.ty.CAPTION_SIZE)
        self.lr_text.move_to([w - 0.05, h - 0.05, 0], aligned_edge=UR)
        with self.step("gradient_step", None if only_one else "many", lr=lr_s, theta=theta_obs,
                       n_moved=len(moved)):
            self.play(FadeIn(self.lr_text, shift=0.1 * DOWN), FadeOut(self.f_label),
                      *[GrowArrow(a) for a in self.arrows.values()], run_time=0.6)
            self.play(Create(inset.marker), FadeIn(inset.links), FadeIn(inset.box), FadeIn(self.inset_dots),
                      FadeIn(inset.label), run_time=0.6)
            self.play(*[GrowArrow(a) for a in self.inset_arrows.values()], run_time=0.4)

        # Step: the size of the move, Δf(x′): the dot moves along its arrow
        step_value = parameter_step(ex)[i]
        move_label = self.ty.text(signed(d[i], 1), size=self.ty.CAPTION_SIZE, color=self.theme.arrow)
        move_label.next_to(self.inset_arrows[i], RIGHT, buff=0.12)
        # where the number comes from, under the learning rate it uses: η·2·(y − f(x′))
        self.step_sum = self.ty.text(self.label("step_sum", theta=theta_obs, lr=lr_s, y=y_s, f=f_s,
                                                step=signed(step_value, 1)), size=self.ty.LABEL_SIZE)
        self.step_sum.next_to(self.lr_text, DOWN, buff=0.15).align_to(self.lr_text, RIGHT)
        target = f0[i] + d[i]
        j = self.inset_index[i]
        ghosts = [self.dots[i].copy().set_color(self.theme.moved_dot),
                  self.inset_dots[j].copy().set_color(self.theme.moved_dot)]
        with self.step("move_size", theta=theta_obs, move=signed(d[i], 1)):
            self.play(FadeIn(move_label), FadeIn(self.step_sum),
                      Indicate(self.inset_arrows[i], color=self.theme.highlight), run_time=0.8)
            self.add(*ghosts)
            self.play(self.dots[i].animate.move_to(self.c2p(x_obs, target)),
                      self.inset_dots[j].animate.move_to(inset.axes.c2p(x_obs, target)), run_time=0.8)

        # Step: every other dot stays where it was
        self.legend = step_legend(self.ty, self.theme, self.label("before_step"), self.label("after_step"),
                                  self.label("the_step"))
        # under the line of dots, left of the zoom
        spots_l = [(self.c2p(lo + frac * (hi - lo), self.axes.y_range[0]), UP + RIGHT, 0.25) for frac in (0.3, 0.15, 0.0)]
        first_free(self.legend, spots_l, np.vstack([sample_points([self.dots, self.cross, self.inset]),
                                                    box_grid(self.step_sum)]),
                   plot_box(self.axes), pad=0.15)
        others = [dot for k, dot in enumerate(self.dots) if k != i]
        with self.step("one_dot_moves"):
            self.play(FadeIn(self.legend),
                      LaggedStart(*[Indicate(dot, color=self.theme.dot, scale_factor=1.6) for dot in others],
                                  lag_ratio=0.03), run_time=1.0)

        # Step (the lesson): the kernel of a lookup table
        self.kernel_tex = self.ty.math(LOOKUP_KERNEL,
                                       size=self.ty.CAPTION_SIZE + 4)
        # in the upper part of the chart, at the first spot that covers no dot, cross or label
        words = np.vstack([box_grid(m) for m in (self.obs_label, self.inset.label, self.legend, self.lr_text,
                                                 self.step_sum)])
        avoid = np.vstack([sample_points([self.dots, self.cross, self.inset]), words])
        y_top = self.axes.y_range[1]
        spots = ([(self.c2p(lo, y_top), DOWN + RIGHT, 0.3)]
                 + [(self.c2p(lo + frac * (hi - lo), y_top), DOWN, 0.3) for frac in (0.4, 0.6)]
                 + [(np.array([w, self.lr_text.get_bottom()[1] - 0.2, 0.0]), DOWN + LEFT, 0.12)])  # last resort: top right
        room = (-w, plot_box(self.axes)[1], w, h)
        first_free(self.kernel_tex, spots, avoid, room, pad=0.2)
        if covered_points(self.kernel_tex, words, 0.2):    # no spot clear of everything: keep clear of words
            first_free(self.kernel_tex, spots, words, room, pad=0.2)
        # the exact NTK's colour: this is the whole kernel of the model (no finite-step version differs)
        ring = SurroundingRectangle(self.kernel_tex, color=self.theme.ntk_exact, buff=0.12, corner_radius=0.08)
        with self.step("kernel", None if is_delta_kernel(ex) else "not_delta"):
            self.play(FadeIn(self.kernel_tex, shift=0.1 * DOWN), Create(ring), run_time=0.6)
            self.play(Indicate(self.dots[i], color=self.theme.highlight, scale_factor=1.8),
                      Indicate(self.inset_dots[j], color=self.theme.highlight, scale_factor=1.5), run_time=0.7)

    def build_inset(self, f0, d):
        """A zoom on the grid points around x' and the one arrow, in the empty lower right."""
        ex = self.example
        x_obs = ex.observation[0]
        i = ex.obs_index
        y_win = (min(f0[i], f0[i] + d[i]) - 5, max(f0[i], f0[i] + d[i]) + 5)
        y_lo = self.axes.y_range[0]
        center = self.c2p(ex.x_range[1] - 3.5, y_lo + 0.34 * (self.axes.y_range[1] - y_lo))
        self.inset = inset = ZoomInset(self.axes, x_obs, y_win, self.theme, size=(3.4, 2.2), center=center)
        inside = [k for k, (x, y) in enumerate(zip(ex.grid, f0)) if inset.contains(x, y)]
        self.inset_index = {k: n for n, k in enumerate(inside)}
        self.inset_dots = dots_at(inset.axes, ex.grid[inside], f0[inside], 1.8 * self.dot_radius, self.theme.dot)
        arrows = arrows_at(inset.axes, ex.grid[inside], f0[inside], d[inside], self.theme.arrow, stroke_width=7,
                           tip_length=0.22)
        self.inset_arrows = {inside[n]: a for n, a in arrows.items()}
        inset.links.set_stroke(color=self.theme.axis, width=1)      # guides a viewer can see (≥ 3:1)
        # inside the box's top-left corner: the connector lines run to the box's other corners
        inset.label = self.ty.text(self.label("zoom", m=f"{inset.magnification:.1f}"), size=self.ty.LABEL_SIZE,
                                   color=self.theme.axis)
        inset.label.move_to(inset.box.get_corner(UL) + 0.1 * (RIGHT + DOWN), aligned_edge=UL)
