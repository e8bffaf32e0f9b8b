"""Chapter 6 — Example 5: the kernel changes as we train.

Fifteen gradient-ascent steps on f(10) for the RBF model of Example 4.  Left: the dots of f move
step by step, and the valley centre θ₁ moves left.  Right: the kernel at every step — the
finite-step kernel of Example 4's push η along ∇θ f(10), over its value at x = 10, so t = 0 is
Example 4's purple curve — from purple (t = 0) to orange (the last step).  It gets flatter.

Why: k(10, 10) = Σᵢ (∂f(10)/∂θᵢ)².  The offset's term is 1 at every x and every θ; the valley
centre θ₁ moves away from x′ = 10, so ∂f(10)/∂θ₁ and ∂f(10)/∂θ₂ collapse and the offset's
constant term takes over the normalized kernel (ntkcore.kernel_shares).

Render:  manim -pql scenes/ch6_training.py KernelDuringTraining
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, UL, UP, Create, DashedLine, FadeIn, ReplacementTransform, SurroundingRectangle, VGroup

from scenes.base import ExampleScene
from scenes.components.training import TrainingStory, param_symbol
from scenes.formatting import fmt, fmt_g, percent, signed
from scenes.ranges import whole_ticks

CENTRE, DEPTH, HEIGHT, OFFSET = 0, 1, 3, 4   # θ₁ valley centre, θ₂ valley depth, θ₄ bump height, θ₅ offset


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
        story = self.story = TrainingStory(self, self.heading_text, self.model_phrase, self.kernel_display_range,
                                           self.place_step_labels, self.kernel_size, self.kernel_center)
        sh, T = story.shares, ex.steps
        x_s = fmt_g(ex.observation[0])
        s0, s1, g0, g1 = sh.shares[0], sh.shares[-1], sh.grad_obs[0], sh.grad_obs[-1]
        th0, th1 = sh.thetas[0], sh.thetas[-1]
        spec = ex.model_spec
        sym = lambda i: param_symbol(spec, i)   # noqa: E731  θ₁ …
        self.k_drawn = story.k                  # (T+1, n) the kernels on screen
        eta_s = fmt(story.eta, 3)

        story.play_title(
            bridge="For a nonlinear model the gradients depend on θ,\nso the kernel changes as we train.",
            narration="In Example 4 the gradients of f depend on theta. So when theta moves, the kernel moves "
                      "too: the kernel changes as we train.")
        story.play_panels(
            narration=f"Example 4's model, from the same start, trained by gradient ascent on f({x_s}) alone: "
                      f"{T} times, theta moves by {fmt_g(ex.ascent_lr)} times the gradient of f({x_s}). There is "
                      f"no target; each step just pushes f({x_s}) up.")
        k_max0 = float(story.k[0].max())
        story.play_first_kernel(
            f"Right: the kernel at t = 0, Example 4's purple curve: the\n"
            f"push η = {eta_s} along ∇θ f({x_s}), over its value at x′.",
            narration=f"On the right, the kernel at t = 0. It is exactly Example 4's purple curve: push theta by "
                      f"Example 4's eta = {eta_s} along the gradient of f({x_s}), and divide each move by the move "
                      f"at {x_s}. Its maximum is still {fmt(k_max0, 2)}, at x = "
                      f"{fmt_g(ex.grid[int(np.argmax(story.k[0]))])}.")

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

        with self.step(f"The dashed line is the valley centre {sym(CENTRE)} = {fmt_g(th0[CENTRE])};\n"
                       f"x′ = {x_s} sits on the valley's right wall.",
                       narration=f"Keep an eye on the valley centre, theta one, drawn dashed at "
                                 f"{fmt_g(th0[CENTRE])}. The observation point x prime = {x_s} sits on the right "
                                 "wall of the valley."):
            self.play(Create(self.centre_line), FadeIn(centre_label), run_time=0.8)
        story.play_training(
            narration=f"Each step moves theta and the dots, and we draw the kernel again at the new theta with "
                      f"the same push, eta = {eta_s}: purple at t = 0, turning orange by t = {T}. Watch the "
                      "valley centre move left.",
            extra=follow_centre)
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
        self.say(f"Check: move only {sym(CENTRE)}, to {fmt(th1[CENTRE], 2)}: {sym(OFFSET)}'s share is already "
                 f"{pct1(alone[CENTRE, OFFSET])}\n"
                 f"(trained: {pct1(s1[OFFSET])}). Move only {sym(OFFSET)}: every share stays as at t = 0.",
                 narration=f"A check. Start again from t = 0 and move only theta one, to {fmt(th1[CENTRE], 2)}: the "
                           f"offset's share is already {pct1(alone[CENTRE, OFFSET])}, against "
                           f"{pct1(s1[OFFSET])} after training. Move only theta five, to {fmt(th1[OFFSET], 0)}: "
                           f"every share stays exactly as it was, {pct1(alone[OFFSET, OFFSET])} for the offset.")

        moved = sh.moved
        height_box = self.share_box([HEIGHT])
        with self.step(f"The post says {sym(HEIGHT)} changes fastest; here {sym(HEIGHT)} moves {signed(moved[HEIGHT], 3)},\n"
                 f"{sym(CENTRE)} {signed(moved[CENTRE], 2)} and {sym(OFFSET)} {signed(moved[OFFSET], 0)} "
                 "(centre-first reading).",
                 narration=f"The post says theta four changes the fastest. In our centre-first reading of the model "
                           f"that is not what the numbers show: theta four, the bump's height, moves by only "
                           f"{fmt(moved[HEIGHT], 3)}, theta one by {fmt(moved[CENTRE], 2)} and theta five by "
                           f"{fmt(moved[OFFSET], 0)}."):
            self.play(ReplacementTransform(valley_box, height_box), run_time=0.8)

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
