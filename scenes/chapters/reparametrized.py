"""Chapter 4 — Example 3: the same line, reparametrized.  Same function, same data, same learning
rate as Example 2, but f = θ₁·x + 10·θ₂ takes a different step: its kernel is x·x′ + 100.  The
lesson gets its own beat: the same dots, the same cross, the same learning rate are pointed at in
turn, then the two different steps and the two kernels, which stay boxed.

Colours: the changed factor 10 is marked in the highlight colour (the post uses blue, which here
is the observation's colour), and so are the parts of the step it changes (the ring at x = −10,
the constants of the kernels and of the steps).

Render:  manim -pql scenes/chapters/reparametrized.py Reparametrized
"""

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, UR, Circle, Create, FadeIn, GrowArrow, Indicate, LaggedStart, ReplacementTransform,
    SurroundingRectangle, VGroup, Write,
)

from ntkcore import param_grad
from ntkcore.facts import kernel_at_origin, straight_line

from scenes.base import ExampleScene, fit_width
from scenes.formatting import fmt_g, line_formula, signed, tex_num
from scenes.ranges import whole_ticks
from scenes.widgets import ObservationCross, arrows_at, dots_at


def split_formula(latex: str, part: str) -> tuple:
    """``latex`` cut around the first ``part``: (before, part, after); (latex, "", "") if absent."""
    before, found, after = latex.partition(part)
    return (before, found, after) if found else (latex, "", "")


class Reparametrized(ExampleScene):
    example_name = "reparametrized"
    compare_name = "linear"               # the example drawn in the left panel
    # two panels inside the title-safe area (y numbers left of each frame, the x name right of it)
    axes_size = (4.6, 3.7)
    axes_center = (3.45, 0.0, 0.0)        # this example: the right panel
    left_center = (-3.15, 0.0, 0.0)       # Example 2: the left panel
    left_size = (4.8, 3.7)
    #: y room kept above the observation for the gradient and the kernel (upper left of each panel)
    headroom = 50.0
    note_size = 28                        # the gradients and kernels as formulas (MathTex)

    def display_y_range(self) -> tuple:
        """One y range for both panels, wide enough for both examples' dots and arrows."""
        compare = self.example_for(self.compare_name)
        y_obs = self.example.observation[1]
        vals = np.concatenate([e.values() + s * e.displacement() for e in (self.example, compare)
                               for s in (0, 1)] + [[y_obs, y_obs + self.headroom]])
        return whole_ticks(vals, self.y_range[2], within=self.y_range[:2])

    def construct(self):
        ex, lin = self.example, self.example_for(self.compare_name)
        x_obs, y_obs = ex.observation
        xs = ex.grid
        f0, d = ex.values(), ex.displacement()
        f0_lin, d_lin = lin.values(), lin.displacement()
        self.arrows = self.build_arrows(f0, d)
        self.linear_axes = self.axes_for(self.display_y_range(), self.left_size, self.left_center)
        for axes in (self.axes, self.linear_axes):     # the line at y = 0 in the axis grey, thin
            if axes.zero_line is not None:
                axes.zero_line.set_stroke(color=self.theme.axis, width=1.2)
        self.linear_arrows = arrows_at(self.linear_axes, xs, f0_lin, d_lin, self.theme.arrow)
        self.linear_dots = dots_at(self.linear_axes, xs, f0_lin, self.dot_radius, self.theme.dot)
        self.linear_cross = ObservationCross(self.linear_axes.c2p(x_obs, y_obs), self.theme.observation)
        k_left = int(np.argmin(xs))                      # x = -10, the left end of the chart
        i = ex.obs_index
        x_s, y_s, lr_s = fmt_g(x_obs), fmt_g(y_obs), fmt_g(ex.lr)
        # the factor in front of θ₂: ∂f/∂θ₂ (10 here), the part of the formula the chapter is about
        self.scale = float(np.asarray(param_grad(ex.f, ex.theta, 0.0))[1])
        scale_s = fmt_g(self.scale)

        # Step: title card
        self.play_title_card()
        head = self.heading(self.script.chapter["title"])

        # Step: Example 2's formula becomes Example 3's (a factor 10 in front of θ₂), then the two
        # panels side by side, with the same dots
        big = self.ty.CAPTION_SIZE + 12   # the formulas before they become panel titles
        lin_parts = split_formula(lin.model_spec.latex, r"\theta_2")
        re_parts = split_formula(ex.model_spec.latex, scale_s)
        lin_big = self.ty.math(*[p for p in lin_parts if p], size=big).move_to(0.6 * UP)
        self.formula = self.ty.math(*[p for p in re_parts if p], size=big).move_to(0.6 * UP)
        self.factor = self.formula[1] if re_parts[1] else None   # the "10"
        if self.factor is not None:
            self.factor.set_color(self.theme.highlight)
        # under each panel's title, the panel's θ (ntkcore's starting parameters)
        self.theta_texs = VGroup(*[self.ty.math(r"\theta = (" + r",\,".join(tex_num(fmt_g(t)) for t in e.theta0) + ")",
                                                size=self.ty.CAPTION_SIZE).next_to(axes, UP, buff=0.1)
                                   for e, axes in ((lin, self.linear_axes), (ex, self.axes))])
        titles = VGroup(
            self.ty.math(*[p for p in lin_parts if p], size=self.ty.CAPTION_SIZE + 2)
            .next_to(self.theta_texs[0], UP, buff=0.08),
            self.formula.copy().scale((self.ty.CAPTION_SIZE + 2) / big).next_to(self.theta_texs[1], UP, buff=0.08),
        )
        self.titles = titles
        labels = VGroup(self.axis_labels(), self.x_label(self.linear_axes), self.y_label(self.linear_axes, "f(x)"))
        same = lin.x_range == ex.x_range and np.allclose(lin.values(), ex.values())
        with self.step("factor", None if same else "different", scale=scale_s):
            self.play(FadeIn(head), Write(lin_big), run_time=0.8)
            if self.factor is not None:
                self.play(ReplacementTransform(lin_big[0], self.formula[0]),
                          ReplacementTransform(lin_big[1], self.formula[2]), run_time=0.7)
                self.play(FadeIn(self.factor, scale=1.6), run_time=0.5)
            else:
                self.play(ReplacementTransform(lin_big, self.formula), run_time=0.8)
            self.play(ReplacementTransform(self.formula, titles[1]), FadeIn(titles[0]), FadeIn(self.theta_texs),
                      FadeIn(self.linear_axes), FadeIn(self.axes), FadeIn(labels), run_time=1.0)
            self.play(LaggedStart(*[FadeIn(dot, scale=0.5) for pair in zip(self.linear_dots, self.dots)
                                    for dot in pair], lag_ratio=0.03), run_time=1.0)
        if self.factor is not None:
            self.factor = titles[1][1]

        # Step: the same data and the same learning rate, one gradient step each
        self.lr_text = self.ty.text(self.label("learning_rate", lr=lr_s), size=self.ty.LABEL_SIZE)
        w, h = self.safe_box()
        self.lr_text.move_to([w - 0.05, h - 0.1, 0], aligned_edge=UR)
        with self.step("same_data", x=x_s, y=y_s, lr=lr_s):
            self.play(FadeIn(self.linear_cross, scale=1.5), FadeIn(self.cross, scale=1.5),
                      FadeIn(self.lr_text, shift=0.1 * DOWN), run_time=0.7)
            self.play(LaggedStart(*[GrowArrow(a) for a in self.linear_arrows.values()], lag_ratio=0.05),
                      LaggedStart(*[GrowArrow(a) for a in self.arrows.values()], lag_ratio=0.05),
                      run_time=1.6)

        # Step: the steps differ: read off as lines (same tilt, a much bigger lift), the ring at x = −10
        self.step_lines = (straight_line(xs, d_lin), straight_line(xs, d))
        self.tables = VGroup(*[self.step_text(axes, xs, dd, line, k_left, i)
                               for axes, dd, line in ((self.linear_axes, d_lin, self.step_lines[0]),
                                                      (self.axes, d, self.step_lines[1]))])
        rings = VGroup(*[Circle(radius=0.2, color=self.theme.highlight, stroke_width=4)
                       .move_to(axes.c2p(xs[k_left], f[k_left] + dd[k_left] / 2))
                         for axes, f, dd in ((self.linear_axes, f0_lin, d_lin), (self.axes, f0, d))])
        self.rings = rings
        still = abs(d[k_left]) <= 1e-9
        none_down = bool(np.all(d >= -1e-9))
        variant = {(True, True): None, (True, False): "moves", (False, True): "arrows_change",
                   (False, False): "arrows_change_moves"}[none_down, still]
        with self.step("steps_differ", variant, x_left=fmt_g(xs[k_left]), move=signed(d[k_left]),
                       move_linear=fmt_g(abs(round(d_lin[k_left], 6))),
                       ratio=fmt_g(round(d[i] / d_lin[i], 1)), x=x_s):
            self.play(FadeIn(self.tables), run_time=0.7)
            self.play(Create(rings), run_time=0.7)

        # Step: why: the factor is in the gradient, so the kernels differ (their constants: k(0, 0))
        self.kernel_constants = (kernel_at_origin(lin), kernel_at_origin(ex))
        c_lin, c_re = (fmt_g(c) for c in self.kernel_constants)
        grads = [np.asarray(param_grad(e.f, e.theta, 0.0)) for e in (lin, ex)]   # ∇θf at x = 0: (0, scale)
        self.gradients = VGroup(*[self.ty.math(r"\nabla_\theta f = (x,\ ", tex_num(fmt_g(g[1])), ")",
                                               size=self.note_size) for g in grads])
        self.kernels = VGroup(*[self.ty.math(r"k(x, x') = x \cdot x' + ", tex_num(fmt_g(c)), size=self.note_size)
                                for c in self.kernel_constants])
        for grad, k, table, axes in zip(self.gradients, self.kernels, self.tables, (self.linear_axes, self.axes)):
            grad[1].set_color(self.theme.highlight)
            k[1].set_color(self.theme.highlight)
            VGroup(grad, k).arrange(DOWN, aligned_edge=LEFT, buff=0.1).move_to(
                axes.c2p(xs[0], axes.y_range[1]) + np.array([0.2, -0.06, 0]), aligned_edge=UP + LEFT)
        with self.step("kernels", c_linear=c_lin, c=c_re, scale=scale_s):
            self.play(FadeIn(self.gradients, shift=0.1 * DOWN), run_time=0.6)
            self.play(*[ReplacementTransform(g[1].copy(), k[1]) for g, k in zip(self.gradients, self.kernels)],
                      *[FadeIn(k[0]) for k in self.kernels], run_time=0.9)

        # Step (the lesson): same function, same data, same learning rate, a different step; the
        # kernels belong to the parametrization: each "same" is pointed at in turn, then the kernels boxed
        self.boxes = VGroup(*[SurroundingRectangle(k, color=self.theme.highlight, buff=0.06, stroke_width=3)
                              for k in self.kernels])
        with self.step("parametrization_matters"):
            self.play(*[Indicate(d_, color=self.theme.highlight, scale_factor=1.0)
                        for d_ in (self.linear_dots, self.dots)], run_time=0.6)
            self.play(*[Indicate(c, color=self.theme.highlight) for c in (self.linear_cross, self.cross)],
                      Indicate(self.lr_text, color=self.theme.highlight), run_time=0.6)
            self.play(*[Indicate(VGroup(*a.values()), color=self.theme.highlight, scale_factor=1.0)
                        for a in (self.linear_arrows, self.arrows)], run_time=0.6)
            self.play(Create(self.boxes), run_time=0.7)

    def step_text(self, axes, xs, d, line, k_left, i) -> VGroup:
        """The step as a line, ``Δf(x) = 0.38x + 3.8``, in the empty lower right of ``axes`` (under the
        dots); a step that is no line as ``Δf(−10) = …`` and ``Δf(10) = …``."""
        if line is not None:
            rows = VGroup(self.ty.text(self.label("step_line", line=line_formula(xs, d)), size=self.ty.LABEL_SIZE,
                                       color=self.theme.arrow))
        else:
            rows = VGroup(*[self.ty.text(f"Δf({fmt_g(xs[k])}) = {signed(d[k])}", size=self.ty.LABEL_SIZE,
                                         color=self.theme.arrow) for k in (k_left, i)])
            rows.arrange(DOWN, aligned_edge=RIGHT, buff=0.12)
        anchor = axes.c2p(xs[-1], axes.y_range[0]) + np.array([-0.1, 0.08, 0])
        fit_width(rows, 0.8 * axes.x_length)
        return rows.move_to(anchor, aligned_edge=DOWN + RIGHT)
