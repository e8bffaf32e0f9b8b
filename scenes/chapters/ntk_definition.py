"""Chapter 3 — the neural tangent kernel, defined on Example 2's arrows.

The finite-step kernel (push θ by ε along ∇θ f(x′) and watch f(x) move), built up term by term by
a first-order Taylor expansion to its ε → 0 limit (the NTK, an inner product of gradients); then
Example 2's gradient step is such a push, with ε = −2η(f(x′) − y) (η the learning rate): the
error at x′ (drawn) times k moves f(x), the post's first reading of the kernel.  The arrows divided
by ε stand on k̃_ε(x, 10); the backprop reading Σᵢ ∂f(x)/∂θᵢ · ∂f(x′)/∂θᵢ computes it, x·x′ + 1
(the post's homework), and because f is linear in θ the finite step already gives k exactly.

Colours: the push is a displacement, so the pushed line is the arrows' red; the line the arrows
divided by ε stand on is ink while it is only k̃_ε, and turns the exact NTK's green once the
homework shows it is k; pointers at a term, the stroke through the vanishing O(ε) and the error
at x′ are the highlight colour.

Render:  manim -pql scenes/chapters/ntk_definition.py NTKDefinition
"""

import numpy as np
from manim import (
    DL, DOWN, DR, LEFT, RIGHT, UP, UR, Brace, Create, Dot, FadeIn, FadeOut, FadeTransform, GrowArrow, GrowFromCenter,
    Indicate, Line, ReplacementTransform, SurroundingRectangle, TransformFromCopy, VGroup, Write,
)

import ntkcore
from ntkcore.facts import kernel_at_origin
from ntkcore.step_facts import push_is_exact

from scenes.base import ExampleScene, fit_width
from scenes.formatting import fmt_g, line_formula, tex_num
from scenes.ranges import every_other_tick, whole_ticks
from scenes.typography import CAPTION_SIZE
from scenes.widgets import arrows_at, legend_row, polyline

FORMULA_SIZE = CAPTION_SIZE + 8   # the derivation
STRIP_SIZE = CAPTION_SIZE + 4     # formulas above the two plots
STRIP_Y = 2.62                    # centre line of the formula strip (under the heading)

# The pieces of the derivation (MathTex substrings, so the morphs can move them).
EPS = r"\varepsilon\,"
PUSHED = r"f(x;\,\theta + \varepsilon\,\nabla_\theta f(x'))"
BASE = r"f(x;\,\theta)"
INNER = r"\langle \nabla_\theta f(x),\, \nabla_\theta f(x') \rangle"
KT = r"\tilde k_\varepsilon(x, x')"
EPS_KT = r"\varepsilon\,\tilde k_\varepsilon(x, x')"
# the inner product written out, term by term: the backprop reading
SUM = r"\textstyle\sum_i\, \partial f(x)/\partial \theta_i \,\cdot\, \partial f(x')/\partial \theta_i"


def morph(src, dst, pairs: dict) -> list:
    """The animations that rewrite formula ``src`` into ``dst`` part by part: ``pairs`` maps a part
    of ``src`` to the part of ``dst`` it becomes (moved if it reads the same, morphed otherwise);
    the other parts of ``src`` fade out and those of ``dst`` fade in."""
    anims = []
    for a, b in pairs.items():
        same = src[a].tex_string == dst[b].tex_string
        anims.append(ReplacementTransform(src[a], dst[b]) if same else FadeTransform(src[a], dst[b]))
    anims += [FadeOut(src[a]) for a in range(len(src)) if a not in pairs]
    anims += [FadeIn(dst[b]) for b in range(len(dst)) if b not in pairs.values()]
    return anims


class NTKDefinition(ExampleScene):
    example_name = "linear"
    # Two panels side by side, inside the title-safe area: f(x) on the left (Example 2's picture),
    # the kernel on the right; the formulas in a strip above them.
    axes_size = (4.8, 3.6)
    axes_center = (-3.15, -0.15, 0.0)
    kernel_axes_size = (4.5, 3.6)
    kernel_axes_center = (3.5, -0.15, 0.0)
    y_step = 10
    kernel_y_step = 50

    # ------------------------------------------------------------------ the numbers
    def push_numbers(self):
        """ε of the gradient step (a push along ∇θf(x′)) and its k̃_ε(x, x′) on the grid, (n,)."""
        ex = self.example
        eps = ex.step_eta()          # ntkcore's name for the push size of the step
        kt = np.asarray(ntkcore.finite_step_kernel(ex.f, ex.theta, ex.grid, ex.observation[0], eps))
        return eps, kt

    def display_y_range(self) -> tuple:
        """Room for f and for f after the push."""
        ex = self.example
        eps, kt = self.push_numbers()
        vals = np.concatenate([ex.values(), [ex.observation[1]], ex.values() + eps * kt])
        return whole_ticks(vals, self.y_step)

    def quiet_zero_line(self, axes):
        """The line at y = 0 in the axis grey, thin (the theme's faint grid line is too pale to see)."""
        if axes.zero_line is not None:
            axes.zero_line.set_stroke(color=self.theme.axis, width=1.2)

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        ex = self.example
        x_obs, y_obs = ex.observation
        i_obs = ex.obs_index
        f0 = ex.values()
        self.eps, self.kt_values = self.push_numbers()
        self.move = ex.displacement()        # (n,) the gradient step's Δf = ε·k̃_ε(x, x′)
        self.arrows = self.build_arrows(f0, self.move)
        self.quiet_zero_line(self.axes)
        self.build_kernel_panel()
        self.build_push(f0)

        # Step: title card
        self.play_title_card()
        head = self.heading(self.script.chapter["title"])

        # Step: the finite-step kernel: push θ by ε along ∇θf(x′)
        self.definition = self.ty.math(EPS_KT, "=", PUSHED, "-", BASE, size=FORMULA_SIZE).move_to(2.0 * UP)
        brace = Brace(self.definition[2], DOWN, buff=0.08, color=self.theme.highlight)
        brace_label = self.ty.text(self.label("pushed"), size=self.ty.LABEL_SIZE)
        brace_label.next_to(brace, DOWN, buff=0.08)
        with self.step("finite_step_kernel"):
            self.play(FadeIn(head), Write(self.definition), run_time=1.2)
            self.play(GrowFromCenter(brace), FadeIn(brace_label, shift=0.1 * DOWN), run_time=0.6)

        # Step: first-order Taylor expansion, term by term
        taylor = self.ty.math(PUSHED, "=", BASE, "+", EPS, INNER, "+", r"O(\varepsilon^2)",
                              size=FORMULA_SIZE).move_to(0.35 * UP)
        # a brace under the first-order term (a box would touch the "+" and the "⟩" beside it)
        pointer = Brace(taylor[4:6], DOWN, buff=0.08, color=self.theme.highlight)
        with self.step("taylor"):
            self.play(FadeOut(brace), FadeOut(brace_label), TransformFromCopy(self.definition[2], taylor[0]),
                      run_time=0.9)
            self.play(Write(taylor[1:3]), run_time=0.6)
            self.play(Write(taylor[3:6]), run_time=0.9)
            self.play(GrowFromCenter(pointer), run_time=0.5)
            self.play(Write(taylor[6:8]), run_time=0.6)
            self.settle(taylor)

        # Step: move f(x; θ) across, use the definition, divide by ε
        moved = self.ty.math(PUSHED, "-", BASE, "=", EPS, INNER, "+", r"O(\varepsilon^2)",
                             size=FORMULA_SIZE).move_to(taylor)
        times_k = self.ty.math(EPS_KT, "=", EPS, INNER, "+", r"O(\varepsilon^2)", size=FORMULA_SIZE).move_to(taylor)
        divided = self.ty.math(KT, "=", INNER, "+", r"O(\varepsilon)", size=FORMULA_SIZE).move_to(taylor)
        with self.step("divide_by_eta"):
            self.play(FadeOut(pointer), *morph(taylor, moved, {0: 0, 1: 3, 2: 2, 4: 4, 5: 5, 6: 6, 7: 7}),
                      run_time=1.0)
            self.wait(0.2)   # time to read each line of the derivation
            self.play(Indicate(self.definition[0], color=self.theme.highlight),
                      *morph(moved, times_k, {0: 0, 3: 1, 4: 2, 5: 3, 6: 4, 7: 5}), run_time=1.0)
            self.wait(0.2)
            self.play(*morph(times_k, divided, {0: 0, 1: 1, 3: 2, 4: 3, 5: 4}), run_time=0.9)
            self.settle(divided)

        # Step (the lesson): the limit ε → 0 is the neural tangent kernel
        self.limit = self.ty.math(r"k(x, x')", "=", r"\lim_{\varepsilon \to 0}\, \tilde k_\varepsilon(x, x')", "=",
                                  INNER, size=FORMULA_SIZE).next_to(divided, DOWN, buff=0.75)
        self.limit[0].set_color(self.theme.ntk_exact)
        # the O(ε) term stays on screen, struck through (the caption says it vanishes)
        rest = divided[3:5]
        self.strike = Line(rest.get_corner(DL) + 0.06 * (DOWN + LEFT), rest.get_corner(UR) + 0.06 * (UP + RIGHT),
                           color=self.theme.highlight, stroke_width=5)
        self.divided = divided
        self.result_box = SurroundingRectangle(self.limit, color=self.theme.highlight, buff=0.15, stroke_width=3)
        self.result_corners = (self.limit.get_corner(DL), self.limit.get_corner(UR))   # (tests: what the box holds)
        with self.step("limit"):
            self.play(Create(self.strike), run_time=0.5)
            self.play(TransformFromCopy(divided[0], self.limit[2]), run_time=0.8)
            self.play(TransformFromCopy(divided[2], self.limit[4]), Write(self.limit[3]), run_time=0.8)
            self.play(Write(self.limit[0:2]), run_time=0.5)
            self.settle(self.limit)
            self.play(Create(self.result_box), run_time=0.9)   # the result, boxed while the lesson holds

        # Step: Example 2's arrows again; the kernel's formula stays on top, small
        x_s, lr_s = fmt_g(x_obs), fmt_g(ex.lr)
        self.ntk_tex = self.ty.math(r"k(x, x')", "=", INNER, size=STRIP_SIZE).move_to(STRIP_Y * UP)
        self.ntk_tex[0].set_color(self.theme.ntk_exact)
        with self.step("example_2_again", x=x_s, lr=lr_s):
            self.play(FadeOut(VGroup(self.definition, divided, self.strike, self.limit[1:4], self.result_box)),
                      ReplacementTransform(self.limit[0], self.ntk_tex[0]),
                      ReplacementTransform(self.limit[4], self.ntk_tex[2]), FadeIn(self.ntk_tex[1]), run_time=0.9)
            self.play(FadeIn(self.axes), FadeIn(self.axis_labels()), FadeIn(self.dots), FadeIn(self.cross),
                      FadeIn(self.obs_label), FadeIn(self.lr_label), run_time=0.8)
            self.play(*[GrowArrow(a) for a in self.arrows.values()], run_time=1.0)
            self.settle(self.ntk_tex)

        # Step: the gradient step is such a push, with ε = −2η(f(x′) − y): the error at x′ drawn
        self.eps_shown = fmt_g(self.eps)
        f_obs = f0[i_obs]
        self.error = f_obs - y_obs
        self.step_tex = self.ty.math(
            r"\theta - \eta\,\nabla_\theta \big(f(x') - y\big)^2", "=", r"\theta + \varepsilon\,\nabla_\theta f(x')",
            r",\qquad \varepsilon = -2\eta\,\big(f(x') - y\big) = " + tex_num(self.eps_shown), size=STRIP_SIZE)
        fit_width(self.step_tex, 2 * self.safe_box()[0] - 0.3).move_to(STRIP_Y * UP)
        self.error_brace = self.build_error_brace(f_obs, y_obs)
        with self.step("gradient_step_is_a_push"):
            self.play(FadeOut(self.ntk_tex), FadeIn(self.step_tex), run_time=0.7)
            self.play(GrowFromCenter(self.error_brace[0]), FadeIn(self.error_brace[1]), run_time=0.6)
            # the error at x′ scales every arrow; the arrows end on f after the push
            self.play(Indicate(VGroup(*self.arrows.values()), color=self.theme.highlight, scale_factor=1.0),
                      Create(self.push_line), FadeIn(self.after_key), run_time=0.9)

        # Step: divide each arrow by ε: they stand on k̃_ε(x, 10)
        kernel_line = line_formula(ex.grid, self.kt_values)
        with self.step("divide_arrows", eps=self.eps_shown, x=x_s):
            self.play(FadeIn(self.kernel_axes), FadeIn(self.kernel_labels), run_time=0.6)
            self.play(*[TransformFromCopy(self.arrows[i], self.kernel_arrows[i]) for i in self.kernel_arrows],
                      run_time=1.4)
            self.play(Create(self.kt_line), FadeIn(self.kt_label), run_time=0.7)
        self.kernel_line = kernel_line

        # Step: the backprop reading computes k: Σᵢ ∂f(x)/∂θᵢ·∂f(x′)/∂θᵢ = x·x′ + 1, the post's homework
        c = kernel_at_origin(ex)           # k(0, 0): the constant of x·x′ + c (1 for θ₁x + θ₂)
        self.c_shown = fmt_g(c)
        self.sum_tex = self.ty.math(r"k(x, x')", "=", SUM, "=", r"x\cdot x' + 1\cdot " + tex_num(self.c_shown),
                                    size=STRIP_SIZE)
        self.sum_tex[0].set_color(self.theme.ntk_exact)
        fit_width(self.sum_tex, 2 * self.safe_box()[0] - 0.3).move_to(STRIP_Y * UP)
        # one value computed on the figure: the kernel at the right end of the grid
        self.build_end_value(c)
        with self.step("homework", c=self.c_shown):
            self.play(FadeOut(self.step_tex), FadeIn(self.sum_tex[0:3]), run_time=0.8)
            self.play(Write(self.sum_tex[3:]), run_time=0.7)
            self.settle(self.sum_tex)
            self.play(ReplacementTransform(self.kt_line, self.ntk_line), FadeTransform(self.kt_label, self.ntk_label),
                      FadeIn(self.end_dot, scale=1.5), FadeIn(self.end_label, shift=0.1 * LEFT), run_time=0.9)

        # Step: why exactly k, not up to O(ε): f is linear in θ
        exact = push_is_exact(ex.f, ex.theta, ex.grid, x_obs)
        exact_formula = self.ty.math(PUSHED, "=", BASE, "+", EPS + r"k(x, x')", size=STRIP_SIZE)
        self.exact_tex = VGroup(exact_formula, self.ty.text(self.label("for_every_eps"), size=self.ty.LABEL_SIZE,
                                                            color=self.theme.highlight)).arrange(RIGHT, buff=0.4)
        fit_width(self.exact_tex, 2 * self.safe_box()[0] - 0.3).move_to(STRIP_Y * UP)
        with self.step("linear_in_theta", None if exact else "not_exact"):
            if exact:
                self.play(FadeOut(self.sum_tex), FadeIn(self.exact_tex), run_time=0.8)
                self.play(Indicate(self.ntk_line, color=self.theme.highlight, scale_factor=1.0), run_time=1.0)

    # ------------------------------------------------------------------ building blocks
    def settle(self, formula):
        """A formula built part by part becomes one mobject on screen again (no visible change): its
        parts leave the groups the animations added them in, and the whole formula is added."""
        self.remove(*formula.submobjects)
        self.add(formula)

    def build_push(self, f0):
        """The pushed function f + Δf as a thin red line, its key (with ε) in the empty lower right,
        the cross's label, and the learning rate in the top right corner."""
        ex = self.example
        grid = ex.grid
        ax = self.axes
        self.push_line = polyline(ax, grid, f0 + self.move, self.theme.arrow, stroke_width=2.5)
        # the key of the red line, with its ε, in the empty lower right of the plot
        self.after_key = legend_row(self.ty, self.theme.arrow, self.label("after_push", eps=fmt_g(self.eps)),
                                    stroke_width=2.5, text_color=self.theme.arrow)
        fit_width(self.after_key, ax.x_length - 0.3)
        self.after_key.move_to(ax.c2p(ax.x_range[1], ax.y_range[0]) + np.array([-0.12, 0.12, 0]), aligned_edge=DR)
        # the cross named above it (the dots left of x′ are far below)
        x_obs, y_obs = ex.observation
        self.obs_label = self.ty.text(self.label("observation_two_lines", x=fmt_g(x_obs), y=fmt_g(y_obs)),
                                      size=self.ty.LABEL_SIZE, color=self.theme.observation, line_spacing=0.85)
        self.obs_label.next_to(self.cross, UP + LEFT, buff=0.02)
        # the learning rate in the top right corner, on the heading's line
        self.lr_label = self.ty.text(self.label("learning_rate", lr=fmt_g(ex.lr)), size=self.ty.LABEL_SIZE)
        w, h = self.safe_box()
        self.lr_label.move_to([w - 0.05, h - 0.1, 0], aligned_edge=UR)

    def build_error_brace(self, f_obs, y_obs) -> VGroup:
        """A brace left of x′ from f(x′) up to y, labelled with the error f(x′) − y."""
        x_obs = self.example.observation[0]
        gap = Line(self.c2p(x_obs, f_obs), self.c2p(x_obs, y_obs))
        brace = Brace(gap, LEFT, buff=0.12, color=self.theme.highlight)
        label = self.ty.text(self.label("error", error=fmt_g(round(self.error, 6))), size=self.ty.LABEL_SIZE,
                             color=self.theme.highlight)
        label.next_to(brace, LEFT, buff=0.1)
        return VGroup(brace, label)

    def build_end_value(self, c):
        """k at the grid's right end, as a dot on the kernel line and its value worked out:
        k(20, 10) = 20·10 + 1 = 201 (x·x′ + c, checked against ntkcore's k)."""
        ax = self.kernel_axes
        ex = self.example
        x_end, x_obs = ex.grid[-1], ex.observation[0]
        k_end = self.ntk_values[-1]
        self.end_value = (x_end, k_end)
        self.end_dot = Dot(ax.c2p(x_end, k_end), radius=0.07, color=self.theme.ntk_exact)
        xe, xo = tex_num(fmt_g(x_end)), tex_num(fmt_g(x_obs))
        self.end_label = self.ty.math(r"k(" + xe + ", " + xo + ") = " + xe + r"\cdot " + xo + " + "
                                      + tex_num(fmt_g(c)) + " = " + tex_num(fmt_g(round(k_end, 6))),
                                      size=self.ty.LABEL_SIZE + 2, color=self.theme.ntk_exact)
        self.end_label.next_to(self.end_dot, LEFT, buff=0.15)

    def build_kernel_panel(self):
        """Kernel axes (y in kernel units), the arrows divided by ε, the k̃ line and the NTK line."""
        ex = self.example
        x_obs = ex.observation[0]
        lo, hi = ex.x_range
        grid = ex.grid
        self.ntk_values = np.asarray(ntkcore.ntk(ex.f, ex.theta, grid, [x_obs])[:, 0])   # k(x, x′), (n,)
        every = np.concatenate([self.ntk_values, self.kt_values])
        y_range = whole_ticks(every, self.kernel_y_step)
        y_lo, y_hi = y_range[:2]
        self.kernel_axes = ax = self.framed((lo, hi, self.x_tick), y_range, self.kernel_axes_size,
                                            self.kernel_axes_center, y_numbers=every_other_tick(y_range))
        self.quiet_zero_line(ax)
        x_s = tex_num(fmt_g(x_obs))
        # the y axis's name: k̃_ε(x, 10) = arrow / ε (the words in plain text: a translation may accent them)
        name = VGroup(self.ty.math(r"\tilde k_\varepsilon(x, " + x_s + r") =", size=self.ty.CAPTION_SIZE),
                      self.ty.text(self.label("arrow_over_eps"), size=self.ty.LABEL_SIZE)).arrange(RIGHT, buff=0.12)
        name.next_to(ax.frame_y.get_top(), UP, buff=0.12).align_to(ax.frame_y, LEFT).shift(0.4 * LEFT)
        self.kernel_labels = VGroup(name, self.x_label(ax))
        # the arrows divided by ε, standing on y = 0
        self.kernel_arrows = arrows_at(ax, grid, np.zeros_like(grid), self.kt_values, self.theme.arrow)
        # the exact NTK column as a line through all grid points
        self.ntk_line = polyline(ax, grid, self.ntk_values, self.theme.ntk_exact, stroke_width=4)
        line = line_formula(grid, self.ntk_values)
        self.ntk_label = self.ty.math(r"k(x, " + x_s + r")" + (" = " + tex_num(line) if line else ""),
                                      size=self.ty.CAPTION_SIZE, color=self.theme.ntk_exact)
        # in the empty lower right, under the line
        self.ntk_label.move_to(ax.c2p(hi, y_lo + 0.13 * (y_hi - y_lo))).align_to(ax.frame_x, RIGHT).shift(0.1 * LEFT)
        # before the homework the line is only what the arrows stand on: k̃_ε of the step, in ink
        self.kt_line = polyline(ax, grid, self.kt_values, self.theme.ink, stroke_width=4)
        kt_line = line_formula(grid, self.kt_values)
        self.kt_label = self.ty.math(r"\tilde k_\varepsilon(x, " + x_s + r")" + (" = " + tex_num(kt_line) if kt_line else ""),
                                     size=self.ty.CAPTION_SIZE)
        self.kt_label.move_to(self.ntk_label).align_to(self.ntk_label, RIGHT)
