"""Chapter 6 — Example 5: the kernel changes as we train.

Fifteen gradient-ascent steps on f(10) for the RBF model of Example 4.  Left: the dots of f move
step by step, and the valley centre θ₁ moves left.  Right: the kernel at every step — the exact
NTK k(x, 10) / k(10, 10) at θ_t (Example 4's η → 0 limit, so t = 0 is the curve Example 4 ends on,
and the kernel is exactly the sum of the terms whose shares the bars show) — from purple (t = 0)
to orange (the last step).  It gets flatter.

Why: k(10, 10) = Σᵢ (∂f(10)/∂θᵢ)².  The offset's term is 1 at every x and every θ; the valley
centre θ₁ moves away from x′ = 10, so ∂f(10)/∂θ₁ and ∂f(10)/∂θ₂ collapse and the offset's
constant term takes over the normalized kernel (ntkcore.kernel_shares).

Render:  manim -pql scenes/ch6_training.py KernelDuringTraining
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
    heading_text = "Example 5: training"       # top-left corner
    model_phrase = "Example 4's RBF model"     # "<model_phrase>, trained by gradient ascent on …"

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
        story = self.story = ExactKernelStory(self, self.heading_text, self.model_phrase, self.kernel_display_range,
                                           self.place_step_labels, self.kernel_size, self.kernel_center)
        sh, T = story.shares, ex.steps
        x_s = fmt_g(ex.observation[0])
        s0, s1, g0, g1 = sh.shares[0], sh.shares[-1], sh.grad_obs[0], sh.grad_obs[-1]
        th0, th1 = sh.thetas[0], sh.thetas[-1]
        spec = ex.model_spec
        sym = lambda i: param_symbol(spec, i)   # noqa: E731  θ₁ …
        self.k_drawn = story.k                  # (T+1, n) the kernels on screen
        f_obs = story.traj.f[:, ex.obs_index]   # (T+1,) f(x′) at every step
        y_s = fmt_g(ex.observation[1])

        story.play_title(
            bridge="For a nonlinear model the gradients depend on θ,\nso the kernel changes as we train.",
            narration="In Example 4 the gradients of f depend on theta. So when theta moves, the kernel moves "
                      "too: the kernel changes as we train.")
        story.play_panels(
            f"Gradient ascent on f({x_s}), {T} steps of θ ← θ + {fmt_g(ex.ascent_lr)}·∂f({x_s})/∂θ.\n"
            f"No target: descent on (f({x_s}) − {y_s})² would stop at {y_s}; this ends at {fmt(f_obs[-1], 2)}.",
            narration=f"Example 4's model, from the same start, now trained by gradient ascent on f({x_s}) itself: "
                      f"{T} times, theta moves by {fmt_g(ex.ascent_lr)} times the gradient of f({x_s}). A step on "
                      f"the squared error to {y_s} points the same way, scaled by f({x_s}) minus {y_s}, so it "
                      f"vanishes once f({x_s}) reaches {y_s}. With no target every step is a full push, and "
                      f"f({x_s}) climbs from {fmt(f_obs[0], 2)} past {y_s} to {fmt(f_obs[-1], 2)}: far enough for "
                      "the kernel to change.")
        story.play_first_kernel(
            f"Right, t = 0: the exact NTK k(x, {x_s}) / k({x_s}, {x_s}), where Example 4 ended.\n"
            f"Every kernel curve from here on is the exact NTK at the current θ.",
            narration=f"On the right, the kernel at t = 0: the exact neural tangent kernel, k of x and {x_s} over "
                      f"k of {x_s} and {x_s}, the curve Example 4 ended on as eta went to zero. Every kernel "
                      f"curve from here on is the exact kernel at the current theta, the same one whose value at "
                      f"{x_s} we will split into parts.")

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

        with self.step(f"The dashed line marked {sym(CENTRE)} is the valley centre, {sym(CENTRE)} = "
                       f"{fmt_g(th0[CENTRE])};\n"
                       f"x′ = {x_s} sits on the valley's right wall.",
                       narration=f"Keep an eye on the valley centre, theta one, drawn dashed at "
                                 f"{fmt_g(th0[CENTRE])}. The observation point x prime = {x_s} sits on the right "
                                 "wall of the valley."):
            self.play(Create(self.centre_line), FadeIn(centre_label), run_time=0.8)
        self.time_key = self.step_colour_key()
        first_step = [True]

        def follow_centre_and_key(t):
            anims = follow_centre(t)
            if first_step[0]:
                first_step[0] = False
                anims.append(FadeIn(self.time_key))
            return anims

        story.play_training(
            f"Each step moves θ, and the exact kernel is drawn again at the\n"
            f"new θ: purple at t = 0, turning orange by t = {T} (key, top right).",
            narration=f"Each step moves theta and the dots, and we draw the exact kernel again at the new theta: "
                      f"purple at t = 0, turning orange by t = {T}, as the key shows. Watch the valley centre move "
                      "left.",
            extra=follow_centre_and_key)
        story.f_panel += [self.centre_line, centre_label]
        story.play_compare()

        # Why it flattened: the shares of k(10, 10)
        label = [CENTRE, OFFSET]
        story.play_shares_start(
            f"Why? k({x_s}, {x_s}) = Σᵢ (∂f({x_s})/∂θᵢ)²: one share per parameter.\n"
            f"At t = 0: {sym(CENTRE)} (valley centre) {percent(s0[CENTRE])}, "
            f"{sym(OFFSET)} (offset) {percent(s0[OFFSET])}.",
            narration=f"Why did it flatten? Split the kernel into one term per parameter: k({x_s}, {x_s}) is the "
                      f"sum over the parameters of the gradient of f({x_s}) squared. At t = 0 the valley centre "
                      f"theta one has {percent(s0[CENTRE])} of it and the offset theta five "
                      f"{percent(s0[OFFSET])}.",
            label_params=label)
        story.play_shares_end(
            f"At t = {T}: {sym(OFFSET)} has {percent(s1[OFFSET])}, {sym(CENTRE)} only {percent(s1[CENTRE])}.\n"
            f"{sym(OFFSET)}'s term is ∂f(x)/∂{sym(OFFSET)} · ∂f({x_s})/∂{sym(OFFSET)} = 1 at every x.",
            narration=f"After {T} steps the offset has {percent(s1[OFFSET])} of k({x_s}, {x_s}) and the valley "
                      f"centre only {percent(s1[CENTRE])}. The offset's term is 1 times 1 at every x, so divided by "
                      f"k({x_s}, {x_s}) it adds the same {fmt(s1[OFFSET], 2)} everywhere: a flat kernel.")

        # The cause: θ₅'s own motion changes nothing; θ₁ moved away from x'
        offset_box = self.share_box([OFFSET])
        centre_box = self.share_box([CENTRE])
        with self.step(f"Not because {sym(OFFSET)} moved ({fmt_g(th0[OFFSET])} → {fmt(th1[OFFSET], 0)}): "
                       f"its term is 1 at every θ.\n"
                       f"The valley centre {sym(CENTRE)} moved, {fmt_g(th0[CENTRE])} → {fmt(th1[CENTRE], 2)}, "
                       f"away from x′ = {x_s}.",
                       narration=f"Not because the offset itself moved, from {fmt_g(th0[OFFSET])} to "
                                 f"{fmt(th1[OFFSET], 0)}: its gradient is 1 whatever theta is, so its term never "
                                 f"changes. What changed is the valley: its centre theta one moved from "
                                 f"{fmt_g(th0[CENTRE])} to {fmt(th1[CENTRE], 2)}, away from x prime = {x_s}, "
                                 f"from {fmt(abs(ex.observation[0] - th0[CENTRE]), 0)} to "
                                 f"{fmt(abs(ex.observation[0] - th1[CENTRE]), 2)} units away."):
            self.play(Create(offset_box), run_time=0.6)
            self.play(ReplacementTransform(offset_box, centre_box), run_time=0.8)
        valley_box = self.share_box([CENTRE, DEPTH])
        with self.step(f"So ∂f({x_s})/∂{sym(CENTRE)}: {fmt(g0[CENTRE], 2)} → {fmt(g1[CENTRE], 2)} and "
                       f"∂f({x_s})/∂{sym(DEPTH)}: {fmt(g0[DEPTH], 2)} → {fmt(g1[DEPTH], 3)}.\n"
                       f"The valley's terms shrank; {sym(OFFSET)}'s constant 1 took over.",
                       narration=f"With the valley far from x prime, f({x_s}) hardly depends on the valley any "
                                 f"more: its gradient with respect to theta one went from {fmt(g0[CENTRE], 2)} to "
                                 f"{fmt(g1[CENTRE], 2)}, and with respect to theta two from {fmt(g0[DEPTH], 2)} to "
                                 f"{fmt(g1[DEPTH], 3)}. The valley's terms shrank, and the offset's constant term "
                                 "took over the kernel."):
            self.play(ReplacementTransform(centre_box, valley_box), run_time=0.8)

        alone = sh.alone
        pct1 = lambda v: f"{fmt(100 * v, 1)}%"   # noqa: E731  one decimal: 98.7% vs 99.0%
        ghost_centre = self.ghost_bars(alone[CENTRE], "end")     # only θ₁ moved: over the trained bars
        ghost_offset = self.ghost_bars(alone[OFFSET], "start")   # only θ₅ moved: over the t = 0 bars
        ghost_key = VGroup(Rectangle(width=0.22, height=0.3, stroke_color=self.theme.highlight, stroke_width=3),
                           self.ty.text("one θᵢ moved alone", size=self.ty.LABEL_SIZE)).arrange(RIGHT, buff=0.15)
        # in the empty middle of the bar chart (θ₂ … θ₄ hold under 5 %), below the t = 0 / t = T legend
        ghost_key.move_to(self.share_axes.c2p(2.9, 75))
        self.ghosts = (ghost_centre, ghost_offset, ghost_key)
        with self.step(f"Check (outlines): move only {sym(CENTRE)}, to {fmt(th1[CENTRE], 2)}: {sym(OFFSET)} has "
                       f"{pct1(alone[CENTRE, OFFSET])}\n"
                       f"(trained: {pct1(s1[OFFSET])}). Move only {sym(OFFSET)}: every share stays as at t = 0.",
                       narration=f"A check, drawn as outlines. Start again from t = 0 and move only theta one, to "
                                 f"{fmt(th1[CENTRE], 2)}: the offset's share is already {pct1(alone[CENTRE, OFFSET])}, "
                                 f"against {pct1(s1[OFFSET])} after training; the outlines sit on the trained bars. "
                                 f"Move only theta five, to {fmt(th1[OFFSET], 0)}: every share stays exactly as it "
                                 f"was, {pct1(alone[OFFSET, OFFSET])} for the offset; the outlines sit on the t = 0 "
                                 "bars."):
            self.play(FadeOut(valley_box), FadeIn(ghost_key), Create(ghost_centre), run_time=1.0)
            self.play(Create(ghost_offset), run_time=0.8)

        moved = sh.moved
        cf, af = self.post_theta4 = post_parameter_moves(moved, POST_THETA4, CENTRE)
        spec_names = [spec.param_names[i].split(" ", 1)[1].strip("()") if spec.param_names else ""
                      for i in range(len(moved))]
        reading_box = self.share_box([cf.ours, af.ours])
        with self.step(f"The post says its θ₄ changes fastest. Read centre-first it is our {sym(cf.ours)}\n"
                       f"({spec_names[cf.ours]}): {signed(cf.moved, 3)}; amplitude-first, our {sym(af.ours)} "
                       f"({spec_names[af.ours]}): {signed(af.moved, 3)}.",
                       narration=f"The post says its theta four changes the fastest. Which parameter is that? Read "
                                 f"centre-first, as we do, the post's theta four is our theta {cf.ours + 1}, the "
                                 f"{spec_names[cf.ours]}: over the {T} steps it moves by {fmt(cf.moved, 3)}. Read "
                                 f"amplitude-first, as the post prints the formula, it is the second Gaussian's "
                                 f"centre, our theta {af.ours + 1}: it moves by {fmt(af.moved, 3)}."):
            self.play(FadeOut(VGroup(*self.ghosts)), Create(reading_box), run_time=0.8)
        centre_again = self.share_box([CENTRE])
        with self.step(f"So the post's claim does not hold: the valley centre {sym(CENTRE)} moves "
                       f"{signed(moved[CENTRE], 2)},\n"
                       f"{fmt(1 / cf.ratio, 0)}× as far as the centre-first θ₄ and {fmt(1 / af.ratio, 0)}× as far "
                       f"as the amplitude-first one.",
                       narration=f"So the post's claim does not hold. The valley centre theta one moves by "
                                 f"{fmt(moved[CENTRE], 2)}: {fmt(1 / cf.ratio, 0)} times as far as the post's theta "
                                 f"four read centre-first, and {fmt(1 / af.ratio, 0)} times as far as read "
                                 f"amplitude-first. It is the valley moving away from x prime that changes the "
                                 f"kernel."):
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
