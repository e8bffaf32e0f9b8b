"""Chapter 4 — Example 3: the same line, reparametrized.  Same function, same data, same learning
rate as Example 2, but f = θ₁·x + 10·θ₂ takes a different step: its kernel is x·x′ + 100.

Colours: the changed factor 10 is marked in the highlight colour (the post uses blue, which here
is the observation's colour), and so are the parts of the step it changes (the ring at x = −10,
the constants of the kernels and of the steps).

Render:  manim -pql scenes/chapters/reparametrized.py Reparametrized
"""

import numpy as np
from manim import (
    DOWN, DR, LEFT, UP, UR, Circle, Circumscribe, Create, FadeIn, FadeOut, GrowArrow, Indicate, LaggedStart,
    ReplacementTransform, VGroup, Write,
)

from ntkcore import param_grad
from ntkcore.facts import kernel_at_origin, still_point, straight_line

from scenes.base import ExampleScene
from scenes.formatting import fmt, fmt_g, line_formula, signed, tex_num
from scenes.ranges import whole_ticks
from scenes.widgets import ObservationCross, arrows_at, dots_at, step_legend


def split_formula(latex: str, part: str) -> tuple:
    """``latex`` cut around the first ``part``: (before, part, after); (latex, "", "") if absent."""
    before, found, after = latex.partition(part)
    return (before, found, after) if found else (latex, "", "")


class Reparametrized(ExampleScene):
    example_name = "reparametrized"
    compare_name = "linear"               # the example drawn in the left panel
    heading_text = "Example 3: reparametrized"   # the full title is too long for a heading
    axes_size = (5.3, 4.0)
    axes_center = (3.65, -0.1, 0.0)       # this example: the right panel
    left_center = (-3.45, -0.1, 0.0)      # Example 2: the left panel (room above for title and θ)
    #: y room kept above the observation for the kernels and the steps (upper left of each panel)
    headroom = 40.0
    note_size = 30                        # the kernels and the steps as lines (MathTex)

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
        self.linear_axes = self.build_panel_axes(self.left_center)
        self.linear_arrows = arrows_at(self.linear_axes, xs, f0_lin, d_lin, self.theme.arrow)
        self.linear_dots = dots_at(self.linear_axes, xs, f0_lin, self.dot_radius, self.theme.dot)
        linear_cross = ObservationCross(self.linear_axes.c2p(x_obs, y_obs), self.theme.observation)
        k_left = int(np.argmin(xs))                      # x = -10, the left end of the chart
        i = ex.obs_index
        x_s, y_s, lr_s = fmt_g(x_obs), fmt_g(y_obs), fmt_g(ex.lr)
        # the factor in front of θ₂: ∂f/∂θ₂ (10 here), the part of the formula the chapter is about
        self.scale = float(np.asarray(param_grad(ex.f, ex.theta, 0.0))[1])
        scale_s = fmt_g(self.scale)

        # Step: title card
        self.play_title_card(title=ex.title)

        # Step: Example 2's formula becomes Example 3's: a factor 10 in front of θ₂
        head = self.heading(self.heading_text)
        big = self.ty.CAPTION_SIZE + 12   # the formulas before they become panel titles
        lin_parts = split_formula(lin.model_spec.latex, r"\theta_2")
        re_parts = split_formula(ex.model_spec.latex, scale_s)
        lin_big = self.ty.math(*[p for p in lin_parts if p], size=big).move_to(0.6 * UP)
        self.formula = self.ty.math(*[p for p in re_parts if p], size=big).move_to(0.6 * UP)
        self.factor = self.formula[1] if re_parts[1] else None   # the "10"
        if self.factor is not None:
            self.factor.set_color(self.theme.highlight)
        th_lin = ", ".join(fmt_g(t) for t in lin.theta0)
        th_re = ", ".join(fmt_g(t) for t in ex.theta0)
        offset_s = fmt_g(self.scale * ex.theta0[1])
        same_offset = np.isclose(self.scale * ex.theta0[1], lin.theta0[1])
        with self.step("factor", None if same_offset else "other_offset", scale=scale_s, theta=th_re,
                       theta_linear=th_lin, theta2=fmt_g(ex.theta0[1]), offset=offset_s,
                       offset_linear=fmt_g(lin.theta0[1])):
            self.play(FadeIn(head), Write(lin_big), run_time=1.2)
            self.wait(0.6)   # read Example 2's formula before it changes
            if self.factor is not None:
                self.play(ReplacementTransform(lin_big[0], self.formula[0]),
                          ReplacementTransform(lin_big[1], self.formula[2]), run_time=1.0)
                self.play(FadeIn(self.factor, scale=1.6), run_time=0.6)
                self.play(Indicate(self.factor, color=self.theme.highlight, scale_factor=1.5), run_time=0.8)
            else:
                self.play(ReplacementTransform(lin_big, self.formula), run_time=1.0)

        # Step: two panels, the same dots: Example 2 on the left, Example 3 on the right
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
        line = line_formula(xs, f0)
        with self.step("side_by_side", None if same else "different", theta_linear=th_lin, theta=th_re,
                       **({"line": line} if same else {})):
            self.play(ReplacementTransform(self.formula, titles[1]), FadeIn(titles[0]), FadeIn(self.theta_texs),
                      FadeIn(self.linear_axes), FadeIn(self.axes), FadeIn(labels), run_time=1.2)
            self.play(LaggedStart(*[FadeIn(dot, scale=0.5) for pair in zip(self.linear_dots, self.dots)
                                    for dot in pair], lag_ratio=0.03), run_time=1.6)
        if self.factor is not None:
            self.factor = titles[1][1]

        # Step: the same data and the same learning rate, one gradient step each
        self.lr_text = self.ty.text(self.label("learning_rate", lr=lr_s), size=self.ty.LABEL_SIZE)
        self.lr_text.to_corner(UR, buff=0.3).align_to(head, DOWN)
        with self.step("same_data", x=x_s, y=y_s, lr=lr_s):
            self.play(FadeIn(linear_cross, scale=1.5), FadeIn(self.cross, scale=1.5),
                      FadeIn(self.lr_text, shift=0.1 * DOWN), run_time=0.8)
            self.play(LaggedStart(*[GrowArrow(a) for a in self.linear_arrows.values()], lag_ratio=0.05),
                      LaggedStart(*[GrowArrow(a) for a in self.arrows.values()], lag_ratio=0.05),
                      run_time=2.0)

        # Step: the steps differ: read off the two ends
        self.tables = VGroup(*[self.move_table(axes, xs, dd, k_left, i)
                               for axes, dd in ((self.linear_axes, d_lin), (self.axes, d))])
        rings = VGroup(*[Circle(radius=0.2, color=self.theme.highlight, stroke_width=4)
                       .move_to(axes.c2p(xs[k_left], f[k_left] + dd[k_left] / 2))
                         for axes, f, dd in ((self.linear_axes, f0_lin, d_lin), (self.axes, f0, d))])
        x_left = fmt_g(xs[k_left])
        still = abs(d[k_left]) <= 1e-9
        none_down = bool(np.all(d >= -1e-9))
        variant = {(True, True): None, (True, False): "moves", (False, True): "arrows_change",
                   (False, False): "arrows_change_moves"}[none_down, still]
        with self.step("steps_differ", variant, x_left=x_left, x=x_s,
                       move_linear=fmt(abs(d_lin[k_left]), 1), ratio=fmt_g(round(d[i] / d_lin[i], 1)),
                       move=signed(d[k_left]), move_linear_signed=signed(d_lin[k_left])):
            self.play(FadeIn(self.tables), run_time=0.8)
            self.play(Create(rings), run_time=0.8)

        # Step: the dots move: two different new lines
        ghosts = VGroup(*[dot.copy().set_color(self.theme.moved_dot) for dot in (*self.linear_dots, *self.dots)])
        self.add(ghosts, self.linear_dots, self.dots)
        p_lin, p_re = still_point(xs, d_lin), still_point(xs, d)
        left, right = self.pivot(p_lin, d_lin), self.pivot(p_re, d)
        rises = p_re is not None and none_down
        # grey = before, black = after, red = the step: in the empty lower right of the left panel
        ax = self.linear_axes
        self.legend = step_legend(self.ty, self.theme, self.label("before_step"), self.label("after_step"),
                                  self.label("the_step"))
        self.legend.move_to(ax.c2p(ax.x_range[1], ax.y_range[0]), aligned_edge=DR).shift(0.12 * UP + 0.1 * LEFT)
        with self.step("dots_move", None if rises else "no_rise", left=left, right=right):
            self.play(*[dot.animate.move_to(self.linear_axes.c2p(x, y))
                        for x, y, dot in zip(xs, f0_lin + d_lin, self.linear_dots)],
                      *[dot.animate.move_to(self.c2p(x, y)) for x, y, dot in zip(xs, f0 + d, self.dots)],
                      FadeOut(rings), FadeIn(self.legend), run_time=1.5)

        # Step: the two kernels; their constants come from the models (k(0, 0))
        self.kernel_constants = (kernel_at_origin(lin), kernel_at_origin(ex))
        c_lin, c_re = (fmt_g(c) for c in self.kernel_constants)
        self.kernels = VGroup(*[self.ty.math(r"k(x, x') = x \cdot x' + ", tex_num(fmt_g(c)), size=self.note_size)
                                .next_to(table, UP, buff=0.12, aligned_edge=LEFT)
                                for c, table in zip(self.kernel_constants, self.tables)])
        for k in self.kernels:
            k[1].set_color(self.theme.highlight)
        with self.step("kernels", c_linear=c_lin, c=c_re, scale=scale_s):
            self.play(FadeIn(self.kernels, shift=0.1 * DOWN), run_time=0.8)
            animations = [Indicate(k[1], color=self.theme.highlight, scale_factor=1.4) for k in self.kernels]
            if self.factor is not None:
                animations.append(Indicate(self.factor, color=self.theme.highlight, scale_factor=1.5))
            self.play(*animations, run_time=1.2)

        # Step: the same tilt, a much bigger lift: the steps as lines
        self.step_lines = (straight_line(xs, d_lin), straight_line(xs, d))
        if all(self.step_lines):
            (slope_l, lift_l), (slope_r, lift_r) = self.step_lines
            self.step_texs = VGroup(*[self.ty.math(r"\Delta f(x) = " + tex_num(fmt_g(slope)) + r"\,x + ",
                                                   tex_num(fmt_g(lift)), size=self.note_size)
                                      .move_to(table, aligned_edge=UP + LEFT)
                                      for (slope, lift), table in zip(self.step_lines, self.tables)])
            for t in self.step_texs:
                t[1].set_color(self.theme.highlight)
            same_slope = abs(slope_l - slope_r) <= 1e-9
            with self.step("steps_as_lines", None if same_slope else "different_slopes", slope=fmt_g(slope_r),
                           slope_linear=fmt_g(slope_l), lift=fmt_g(lift_r), lift_linear=fmt_g(lift_l),
                           ratio=fmt(lift_r / lift_l, 0)):
                self.play(*[ReplacementTransform(table, t) for table, t in zip(self.tables, self.step_texs)],
                          run_time=1.0)
                self.play(*[Indicate(t[1], color=self.theme.highlight, scale_factor=1.4) for t in self.step_texs],
                          run_time=1.0)
        with self.step("parametrization_matters"):
            # the constant parts, once more: the factor, the kernel's constant, the step's offset
            marks = [self.kernels[1][1]] + ([self.factor] if self.factor is not None else [])
            if getattr(self, "step_texs", None) is not None:
                marks.append(self.step_texs[1][1])
            self.play(*[Circumscribe(m, color=self.theme.highlight, buff=0.06) for m in marks], run_time=1.4)

    def pivot(self, p, d) -> str:
        """How a step moves a line: ``"tilts about x = −0.1"`` (``p``: the x it leaves in place, or
        None), else ``"moves up everywhere"`` (the chapter's labels)."""
        if p is None:
            return self.label("moves_everywhere", dir=self.label("up" if np.mean(d) > 0 else "down"))
        return self.label("tilts_about", x=fmt_g(round(p, 2)))

    def build_panel_axes(self, center):
        """Axes like ``self.axes`` (same ranges, size and numbers) at another place."""
        return self.axes_for(self.display_y_range(), self.axes_size, center)

    def move_table(self, axes, xs, d, k_left, i) -> VGroup:
        """``Δf(−10) = …`` and ``Δf(10) = …`` in the empty upper left of ``axes``, under the room
        kept at the top for the kernel (a formula of ``note_size`` and a gap)."""
        rows = VGroup(*[self.ty.text(f"Δf({fmt_g(xs[k])}) = {signed(d[k])}", size=self.ty.LABEL_SIZE,
                                     color=self.theme.arrow)
                        for k in (k_left, i)])
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        y_top = axes.y_range[1]
        room = self.ty.math("k(x, x')", size=self.note_size).height + 0.12 + 0.08
        anchor = axes.c2p(xs[0], y_top) + np.array([0.25, -room, 0])
        return rows.move_to(anchor, aligned_edge=UP + LEFT)
