"""Chapter 3 — the neural tangent kernel, defined on Example 2's arrows.

The finite-step kernel (push θ a step η along ∇θ f(x') and watch f(x) move), its η → 0 limit
(the NTK), the GD arrows of Example 2 as η·k(x, 10), and the post's homework answered: for the
linear model k(x, x') = x·x' + 1, and the finite-step kernel is the same for every η.

Render:  manim -pql scenes/ch3_ntk_definition.py NTKDefinition
"""

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Create, Dot, FadeIn, FadeOut, FadeTransform, GrowArrow,
    LaggedStart, ReplacementTransform, TransformFromCopy, VGroup, VMobject, Write,
)

import ntkcore

from scenes.base import ExampleScene
from scenes.formatting import fmt, fmt_g, tex_num
from scenes.ranges import every_other_tick, whole_ticks
from scenes.typography import CAPTION_SIZE
from scenes.widgets import arrows_at

FORMULA_SIZE = CAPTION_SIZE + 8   # the big definitions
STRIP_SIZE = CAPTION_SIZE + 4     # formulas above the two plots
STRIP_Y = 2.55                    # centre line of the formula strip


class NTKDefinition(ExampleScene):
    example_name = "linear"
    # Two panels side by side: f(x) on the left (Example 2's picture), the kernel on the right.
    axes_size = (5.6, 3.7)
    axes_center = (-3.5, -0.45, 0.0)
    kernel_axes_size = (5.2, 3.7)
    kernel_axes_center = (3.55, -0.45, 0.0)
    kernel_y_step = 50
    #: the pushes compared in the homework, as multiples of the GD step's η
    eta_factors = (0.1, 1.0, 10.0)
    eta_roles = ("highlight", "kernel_start", "kernel_end")   # theme colours of the three pushes
    eta_radii = (0.12, 0.08, 0.045)   # concentric dots: all three visible where they coincide

    def construct(self):
        ex = self.example
        x_obs, y_obs = ex.observation
        i_obs = ex.obs_index
        f0 = ex.values()
        d = ex.displacement()
        self.eta = ex.step_eta()
        self.arrows = self.build_arrows(f0, d)
        self.build_kernel_panel()

        # Step: title card
        self.play_title_card("The neural tangent kernel")
        head = self.heading("The neural tangent kernel")
        self.play(FadeIn(head), run_time=0.6)

        # Step: the finite-step kernel: push θ along ∇θ f(x'), watch f(x) move
        finite = self.ty.math(r"\eta\,\tilde k_\theta(x, x')", r"=",
                         r"f\Big(x;\ \theta + \eta\,\frac{\partial f_\theta(x')}{\partial \theta}\Big)"
                         r" - f(x;\theta)", size=FORMULA_SIZE).move_to(1.3 * UP)
        self.play(Write(finite), run_time=1.6)
        self.say("Push θ a small step η along the gradient of f at x′,\n"
                 "and see how much f(x) moves: that is η times the kernel.")
        self.wait(3.5)

        # Step: its limit η → 0 is the neural tangent kernel
        limit = self.ty.math(r"k_\theta(x, x')", r"=", r"\lim_{\eta \to 0}\ \tilde k_\theta(x, x')", r"=",
                        r"\Big\langle \frac{\partial f_\theta(x)}{\partial \theta},\ "
                        r"\frac{\partial f_\theta(x')}{\partial \theta} \Big\rangle",
                        size=FORMULA_SIZE).next_to(finite, DOWN, buff=0.7)
        self.play(FadeTransform(finite[0].copy(), limit[2]), run_time=1.0)
        self.play(Write(VGroup(limit[0], limit[1], limit[3], limit[4])), run_time=1.4)
        self.say("As η → 0 it becomes an inner product of gradients:\n"
                 "the neural tangent kernel k(x, x′).")
        self.wait(3.5)
        self.play(FadeOut(finite), FadeOut(limit), run_time=0.6)

        # Step: Example 2's arrows again
        self.play(FadeIn(self.axes), FadeIn(self.axis_labels()), FadeIn(self.dots), FadeIn(self.cross),
                  run_time=1.0)
        self.play(*[GrowArrow(a) for a in self.arrows.values()], run_time=1.2)
        self.say(f"Example 2 again: f = θ₁x + θ₂, one gradient step on "
                 f"(f({fmt_g(x_obs)}) − {fmt_g(y_obs)})², learning rate {fmt_g(ex.lr)}.")
        self.wait(2.5)

        # Step: the GD step is such a push, with η = −2·lr·(f(x') − y)
        self.eta_shown = fmt_g(self.eta)
        step_tex = self.ty.math(r"\Delta f(x) = \eta\, k(x, " + tex_num(fmt_g(x_obs)) + ")", size=STRIP_SIZE)
        self.eta_tex = self.ty.math(
            r"\eta = -2\,\mathrm{lr}\,\big(f(" + tex_num(fmt_g(x_obs)) + ") - " + tex_num(fmt_g(y_obs))
            + r"\big) = " + tex_num(self.eta_shown), size=STRIP_SIZE)
        strip = VGroup(step_tex, self.eta_tex).arrange(RIGHT, buff=1.2).move_to(STRIP_Y * UP)
        self.play(Write(step_tex), run_time=1.0)
        self.play(Write(self.eta_tex), run_time=1.0)
        self.say(f"One gradient step IS such a push, with η = −2·lr·(f(x′) − y).\n"
                 f"Here f({fmt_g(x_obs)}) = {fmt(f0[i_obs], 0)}, so η = {self.eta_shown}.")
        self.wait(3.5)

        # Step: divide each arrow by η: they stand on the kernel k(x, 10)
        self.play(FadeIn(self.kernel_axes), FadeIn(self.kernel_y_label), run_time=0.8)
        self.play(LaggedStart(*[TransformFromCopy(self.arrows[i], self.kernel_arrows[i])
                                for i in self.kernel_arrows], lag_ratio=0.03), run_time=1.8)
        self.play(Create(self.ntk_line), FadeIn(self.ntk_label), run_time=1.2)
        self.say(f"Each arrow divided by η: the arrow at x is proportional to k(x, {fmt_g(x_obs)}),\n"
                 f"which here is the line {fmt_g(x_obs)}x + 1.")
        self.wait(3.5)

        # Step: homework answered: for the linear model k(x, x') = x·x' + 1
        grad_tex = self.ty.math(r"\frac{\partial f_\theta(x)}{\partial \theta} = (x,\ 1)", r"\quad\Rightarrow\quad",
                           r"k(x, x') = x\,x' + 1", size=STRIP_SIZE).move_to(STRIP_Y * UP)
        self.play(FadeOut(strip), FadeIn(grad_tex), FadeOut(VGroup(*self.kernel_arrows.values())),
                  run_time=1.0)
        self.say("The post's homework: the gradient of θ₁x + θ₂ is (x, 1),\n"
                 "so k(x, x′) = x·x′ + 1.")
        self.wait(3.0)

        # Step: the finite-step kernel for several η: always the same points
        finite_tex = self.ty.math(r"\tilde k_\eta(x, " + tex_num(fmt_g(x_obs)) + r") = k(x, "
                             + tex_num(fmt_g(x_obs)) + r")\quad\text{for every } \eta",
                             size=STRIP_SIZE).move_to(STRIP_Y * UP)
        self.play(FadeOut(grad_tex), FadeIn(finite_tex),
                  ReplacementTransform(self.kernel_y_label[0], self.kernel_y_label_tilde), run_time=0.8)
        self.say("f is linear in θ, so a push of any size moves f by exactly η·k.\n"
                 "Try three pushes:")
        self.wait(2.0)
        for n, eta in enumerate(self.kernel_curves):
            self.play(FadeIn(self.kernel_curves[eta], scale=1.6), FadeIn(self.eta_legend[n], shift=0.1 * LEFT),
                      run_time=1.0)
            self.wait(1.5)
        self.say("The finite-step kernel lands on the same points for every η:\n"
                 "for a linear model the finite-step kernel is the NTK.")
        self.wait(4.0)

    # ------------------------------------------------------------------ the kernel panel
    def build_kernel_panel(self):
        """Kernel axes (y in kernel units), the GD arrows divided by η, the NTK line, the k̃_η dots."""
        ex = self.example
        x_obs = ex.observation[0]
        lo, hi = ex.x_range
        grid = ex.grid
        # k(x, x') exactly, and the finite-step kernel for each η (all computed here, up front)
        self.ntk_values = np.asarray(ntkcore.ntk(ex.f, ex.theta, grid, [x_obs])[:, 0])
        self.etas = [factor * self.eta for factor in self.eta_factors]
        self.kernel_values = {eta: np.asarray(ntkcore.finite_step_kernel(ex.f, ex.theta, grid, x_obs, eta))
                              for eta in self.etas}
        step_kernel = ex.kernel_finite()   # = Δf(x) / η for the GD step's η

        every = np.concatenate([self.ntk_values, step_kernel, *self.kernel_values.values()])
        y_range = whole_ticks(every, self.kernel_y_step)
        y_lo, y_hi = y_range[:2]
        self.kernel_axes = self.framed((lo, hi, self.x_tick), y_range, self.kernel_axes_size,
                                       self.kernel_axes_center, y_numbers=every_other_tick(y_range))
        ax = self.kernel_axes
        self.kernel_y_label = self.ty.math(r"\Delta f(x)\,/\,\eta", size=self.ty.CAPTION_SIZE).next_to(
            ax.frame_y.get_top(), UP, buff=0.12)
        self.kernel_x_label = self.ty.math("x", size=self.ty.CAPTION_SIZE + 4).next_to(ax.frame_x.get_right(), RIGHT,
                                                                            buff=0.15)
        self.kernel_y_label.add(self.kernel_x_label)
        self.kernel_y_label_tilde = self.ty.math(r"\tilde k_\eta(x, " + tex_num(fmt_g(x_obs)) + ")",
                                            size=self.ty.CAPTION_SIZE).next_to(ax.frame_y.get_top(), UP, buff=0.12)

        # the arrows of the GD step, each divided by η, standing on y = 0
        self.kernel_arrows = arrows_at(ax, grid, np.zeros_like(grid), step_kernel, self.theme.arrow)

        # the exact NTK column as a line through all grid points
        self.ntk_line = VMobject(stroke_color=self.theme.ntk_exact, stroke_width=4)
        self.ntk_line.set_points_as_corners([ax.c2p(x, k) for x, k in zip(grid, self.ntk_values)])
        self.ntk_label = self.ty.math(r"k(x, " + tex_num(fmt_g(x_obs)) + r") = " + tex_num(fmt_g(x_obs)) + r"x + 1",
                                 size=self.ty.CAPTION_SIZE, color=self.theme.ntk_exact)
        # in the empty lower right, under the line
        self.ntk_label.move_to(ax.c2p(hi, y_lo + 0.13 * (y_hi - y_lo))).align_to(ax.frame_x, RIGHT)

        # k̃_η(x, 10) for each η: concentric dots, biggest first, so coinciding points stay visible
        self.kernel_curves = {}
        self.eta_colors = [getattr(self.theme, role) for role in self.eta_roles]
        for eta, color, radius in zip(self.etas, self.eta_colors, self.eta_radii):
            self.kernel_curves[eta] = VGroup(*[Dot(ax.c2p(x, k), radius=radius, color=color)
                                               for x, k in zip(grid, self.kernel_values[eta])])
        rows = []
        for eta, color in zip(self.etas, self.eta_colors):
            swatch = Dot(radius=0.08, color=color)
            label = self.ty.text(f"η = {fmt_g(eta)}", size=self.ty.LABEL_SIZE, color=self.theme.ink)
            rows.append(VGroup(swatch, label).arrange(RIGHT, buff=0.15))
        self.eta_legend = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        self.eta_legend.next_to(ax.c2p(lo, y_hi), DOWN + RIGHT, buff=0.2)
