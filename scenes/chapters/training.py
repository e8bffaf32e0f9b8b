"""Chapter 6 — Example 5: the kernel changes as we train.

Fifteen gradient-ascent steps on f(10) for the RBF model of Example 4.  Left: the dots of f move
step by step, and the valley centre θ₁ moves left.  Right: the kernel at every step — the exact
NTK k(x, 10) / k(10, 10) at θ_t (Example 4's η → 0 limit, so t = 0 is the curve Example 4 ends on,
and the kernel is exactly the sum of the terms whose shares the bars show) — from purple (t = 0)
to orange (the last step).  It gets flatter.

Why: k(10, 10) = Σᵢ (∂f(10)/∂θᵢ)².  The offset's term is 1 at every x and every θ; the valley
centre θ₁ moves away from x′ = 10, so ∂f(10)/∂θ₁ and ∂f(10)/∂θ₂ collapse and the offset's
constant term takes over the normalized kernel (ntkcore.kernel_shares).

Render:  manim -pql scenes/chapters/training.py KernelDuringTraining
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UL, UP, Create, DashedLine, FadeIn, FadeOut, Line, Polygon, Rectangle, ReplacementTransform,
    SurroundingRectangle, VGroup,
)

from ntkcore.kernel_shares import example_ntk_kernels, post_parameter_moves

from scenes.base import ExampleScene
from scenes.components.training import TrainingStory, param_symbol
from scenes.formatting import fmt, fmt_g, percent, signed
from scenes.ranges import whole_ticks

CENTRE, DEPTH, BUMP_CENTRE, HEIGHT, OFFSET = 0, 1, 2, 3, 4   # θ₁ … θ₅ (centre-first)
POST_THETA4 = 3   # the post's "θ₄ changes the fastest"


class ExactKernelStory(TrainingStory):
    """Example 5 with the exact NTK k(x, x′) / k(x′, x′) at every step (Example 4's η → 0 limit):
    the same kernel whose k(x′, x′) the share bars decompose, with no push η to choose."""

    kernel_tex = r"k(x, {x}) \,/\, k({x}, {x})"
    share_label_scale = 1.35   # the bars' y name, larger than the generic one
    pushed = False             # no push η: the captions never name one

    def kernels(self) -> np.ndarray:
        return example_ntk_kernels(self.ex)

    def build_share_plot(self):
        plot = super().build_share_plot()
        y_label = plot["labels"][0]
        y_label.scale(self.share_label_scale, about_edge=DOWN + LEFT)
        return plot


class KernelDuringTraining(ExampleScene):
    example_name = "training"
    # Two panels side by side: the function (later the shares) on the left, the kernel on the right.
    y_range = (35, 75, 5)              # widened automatically to every f of the trajectory
    axes_size = (5.4, 4.5)
    axes_center = (-3.45, 0.12, 0.0)
    kernel_y_range = (-0.5, 1.25, 0.25)  # kernel units; widened to whole ticks if needed
    kernel_size = (5.4, 4.5)
    kernel_center = (3.7, 0.12, 0.0)

    def display_y_range(self) -> tuple:
        """Room for f at every step of the trajectory, not only at θ0."""
        return whole_ticks(self.example.trajectory().f, self.y_range[2], within=self.y_range[:2])

    def kernel_display_range(self, k: np.ndarray) -> tuple:
        return whole_ticks(k, self.kernel_y_range[2], within=self.kernel_y_range[:2])

    def centre_marker(self, centre: float) -> DashedLine:
        """The valley centre θ₁ as a dashed line across the function plot."""
        y_lo, y_hi = self.axes.y_range[:2]
        return DashedLine(self.c2p(centre, y_lo), self.c2p(centre, y_hi), color=self.theme.highlight,
                          stroke_width=2.5, dash_length=0.08)

    def construct(self):
        ex = self.example
        story = self.story = ExactKernelStory(self, self.label("heading"), self.kernel_display_range,
                                              self.place_step_labels, self.kernel_size, self.kernel_center)
        sh, T = story.shares, ex.steps
        x_s = fmt_g(ex.observation[0])
        s0, s1, g0, g1 = sh.shares[0], sh.shares[-1], sh.grad_obs[0], sh.grad_obs[-1]
        th0, th1 = sh.thetas[0], sh.thetas[-1]
        spec = ex.model_spec
        sym = lambda i: param_symbol(spec, i)   # noqa: E731  θ₁ …
        symbols = dict(centre=sym(CENTRE), offset=sym(OFFSET))
        self.k_drawn = story.k                  # (T+1, n) the kernels on screen
        f_obs = story.traj.f[:, ex.obs_index]   # (T+1,) f(x′) at every step
        y_s = fmt_g(ex.observation[1])

        story.play_title()
        story.play_panels(y=y_s, f_start=fmt(f_obs[0], 2), f_end=fmt(f_obs[-1], 2))
        story.play_first_kernel()

        # The valley centre θ₁ follows training as a dashed line in the function plot.
        centres = sh.thetas[:, CENTRE]
        self.centre_line = self.centre_marker(centres[0])
        centre_label = self.ty.text(f"{sym(CENTRE)}", size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        centre_label.next_to(self.centre_line.get_top(), LEFT, buff=0.1).shift(0.15 * DOWN)

        def follow_centre(t):
            new = self.centre_marker(centres[t])
            old, self.centre_line = self.centre_line, new
            return [ReplacementTransform(old, new), centre_label.animate.next_to(new.get_top(), LEFT, buff=0.1)
                    .shift(0.15 * DOWN)]

        with self.step("valley_centre", x=x_s, centre=sym(CENTRE), centre_start=fmt_g(th0[CENTRE])):
            self.play(Create(self.centre_line), FadeIn(centre_label), run_time=0.8)
        self.time_key = self.step_colour_key()
        first_step = [True]

        def follow_centre_and_key(t):
            anims = follow_centre(t)
            if first_step[0]:
                first_step[0] = False
                anims.append(FadeIn(self.time_key))
            return anims

        story.play_training(extra=follow_centre_and_key)
        story.f_panel += [self.centre_line, centre_label]
        story.play_compare()

        # Why it flattened: the shares of k(10, 10)
        story.play_shares_start(centre_share=percent(s0[CENTRE]), offset_share=percent(s0[OFFSET]),
                                label_params=[CENTRE, OFFSET], **symbols)
        story.play_shares_end(x=x_s, centre_share=percent(s1[CENTRE]), offset_share=percent(s1[OFFSET]),
                              offset_term=fmt(s1[OFFSET], 2), **symbols)

        # The cause: θ₅'s own motion changes nothing; θ₁ moved away from x'
        offset_box = self.share_box([OFFSET])
        centre_box = self.share_box([CENTRE])
        x_obs = ex.observation[0]
        with self.step("not_the_offset", x=x_s, offset_start=fmt_g(th0[OFFSET]), offset_end=fmt(th1[OFFSET], 0),
                       centre_start=fmt_g(th0[CENTRE]), centre_end=fmt(th1[CENTRE], 2),
                       distance_start=fmt(abs(x_obs - th0[CENTRE]), 0),
                       distance_end=fmt(abs(x_obs - th1[CENTRE]), 2), **symbols):
            self.play(Create(offset_box), run_time=0.6)
            self.play(ReplacementTransform(offset_box, centre_box), run_time=0.8)
        valley_box = self.share_box([CENTRE, DEPTH])
        with self.step("valley_terms", x=x_s, depth=sym(DEPTH), g_centre_start=fmt(g0[CENTRE], 2),
                       g_centre_end=fmt(g1[CENTRE], 2), g_depth_start=fmt(g0[DEPTH], 2),
                       g_depth_end=fmt(g1[DEPTH], 3), **symbols):
            self.play(ReplacementTransform(centre_box, valley_box), run_time=0.8)

        alone = sh.alone
        pct1 = lambda v: f"{fmt(100 * v, 1)}%"   # noqa: E731  one decimal: 98.7% vs 99.0%
        ghost_centre = self.ghost_bars(alone[CENTRE], "end")     # only θ₁ moved: over the trained bars
        ghost_offset = self.ghost_bars(alone[OFFSET], "start")   # only θ₅ moved: over the t = 0 bars
        ghost_key = VGroup(Rectangle(width=0.22, height=0.3, stroke_color=self.theme.highlight, stroke_width=3),
                           self.ty.text(self.label("moved_alone"), size=self.ty.LABEL_SIZE)).arrange(RIGHT, buff=0.15)
        # in the empty middle of the bar chart (θ₂ … θ₄ hold under 5 %), below the t = 0 / t = T legend
        ghost_key.move_to(self.share_axes.c2p(2.9, 75))
        self.ghosts = (ghost_centre, ghost_offset, ghost_key)
        with self.step("one_at_a_time", centre_end=fmt(th1[CENTRE], 2), offset_end=fmt(th1[OFFSET], 0),
                       offset_share_alone=pct1(alone[CENTRE, OFFSET]), offset_share_end=pct1(s1[OFFSET]),
                       offset_share_start=pct1(alone[OFFSET, OFFSET]), **symbols):
            self.play(FadeOut(valley_box), FadeIn(ghost_key), Create(ghost_centre), run_time=1.0)
            self.play(Create(ghost_offset), run_time=0.8)

        moved = sh.moved
        cf, af = self.post_theta4 = post_parameter_moves(moved, POST_THETA4, CENTRE)
        spec_names = [spec.param_names[i].split(" ", 1)[1].strip("()") if spec.param_names else ""
                      for i in range(len(moved))]
        reading_box = self.share_box([cf.ours, af.ours])
        with self.step("posts_theta4", steps=T,
                       centre_first=sym(cf.ours), centre_first_number=cf.ours + 1,
                       centre_first_name=spec_names[cf.ours], centre_first_move=signed(cf.moved, 3),
                       centre_first_moved=fmt(cf.moved, 3),
                       amplitude_first=sym(af.ours), amplitude_first_number=af.ours + 1,
                       amplitude_first_name=spec_names[af.ours], amplitude_first_move=signed(af.moved, 3),
                       amplitude_first_moved=fmt(af.moved, 3)):
            self.play(FadeOut(VGroup(*self.ghosts)), Create(reading_box), run_time=0.8)
        centre_again = self.share_box([CENTRE])
        with self.step("claim", centre=sym(CENTRE), centre_move=signed(moved[CENTRE], 2),
                       centre_moved=fmt(moved[CENTRE], 2), centre_first_ratio=fmt(1 / cf.ratio, 0),
                       amplitude_first_ratio=fmt(1 / af.ratio, 0)):
            self.play(ReplacementTransform(reading_box, centre_again), run_time=0.8)

    def ghost_bars(self, shares, row: str) -> VGroup:
        """Outlines of bars at ``shares`` (one per share category) in the ``row`` ("start"/"end")
        slots of the share plot: a counterfactual drawn over the real bars."""
        ax, cats, w = self.share_axes, self.share_cats, self.story.bar_width
        out = VGroup()
        for j, cat in enumerate(cats):
            x0 = j + 1 - w if row == "start" else j + 1
            h = 100 * float(shares[cat[3]])
            out.add(Polygon(ax.c2p(x0, 0), ax.c2p(x0 + w, 0), ax.c2p(x0 + w, h), ax.c2p(x0, h),
                            stroke_color=self.theme.highlight, stroke_width=3, fill_opacity=0))
        return out

    def step_colour_key(self) -> VGroup:
        """A small key for the kernels' colours: "t = 0", a strip from purple to orange, "t = T"."""
        T, theme = self.example.steps, self.theme
        seg = 0.06
        strip = VGroup(*[Line(LEFT * seg / 2, RIGHT * seg / 2, stroke_width=10, color=theme.training_color(t, T))
                         for t in range(T + 1)]).arrange(RIGHT, buff=0)
        key = VGroup(self.ty.text("t = 0", size=self.ty.LABEL_SIZE, color=theme.training_color(0, T)), strip,
                     self.ty.text(f"t = {T}", size=self.ty.LABEL_SIZE, color=theme.training_color(T, T)))
        key.arrange(RIGHT, buff=0.1)
        label = self.story.k_labels[1]
        key.next_to(label, RIGHT, buff=0.4).align_to(self.kernel_axes.frame_x, RIGHT)
        return key

    def share_box(self, params) -> SurroundingRectangle:
        """A highlight box around the names of ``params`` under the share bars."""
        cats = [c[3] for c in self.share_cats]
        names = VGroup(*[self.story.share_plot["names"][cats.index(p)] for p in params])
        return SurroundingRectangle(names, color=self.theme.highlight, buff=0.08, stroke_width=3)

    def place_step_labels(self, first_label, last_label, k):
        """Put "t = 0" by the first kernel's peak and "t = T" above the last kernel's right end."""
        ex = self.example
        first_label.next_to(self.kernel_axes.c2p(ex.grid[int(np.argmax(k[0]))], k[0].max()), UL, buff=0.08)
        last_label.next_to(self.kernel_axes.c2p(ex.grid[-1], k[-1, -1]), UP, buff=0.12).shift(0.3 * LEFT)
