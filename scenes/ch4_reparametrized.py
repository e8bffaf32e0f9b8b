"""Chapter 4 — Example 3: the same line, reparametrized.  Same function, same data, same learning
rate as Example 2, but f = θ1·x + 10·θ2 takes a different step: its kernel is x·x' + 100.

Render:  manim -pql scenes/ch4_reparametrized.py Reparametrized
"""

import numpy as np
from manim import (
    DOWN, LEFT, UP, UR, Circle, Create, FadeIn, FadeOut, GrowArrow, Indicate, LaggedStart, VGroup,
)

from ntkcore.facts import kernel_at_origin, still_point

from scenes.base import ExampleScene
from scenes.formatting import fmt, fmt_g, line_formula, signed
from scenes.ranges import whole_ticks
from scenes.widgets import ObservationCross, arrows_at, dots_at


class Reparametrized(ExampleScene):
    example_name = "reparametrized"
    compare_name = "linear"               # the example drawn in the left panel
    axes_size = (5.5, 4.65)
    axes_center = (3.7, 0.175, 0.0)        # this example: the right panel
    left_center = (-3.45, 0.175, 0.0)      # Example 2: the left panel

    def display_y_range(self) -> tuple:
        """One y range for both panels, wide enough for both examples' dots and arrows."""
        compare = self.example_for(self.compare_name)
        vals = np.concatenate([e.values() + s * e.displacement() for e in (self.example, compare)
                               for s in (0, 1)] + [[self.example.observation[1]]])
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

        # Step: title card
        self.play_title_card(ex.title, ex.model_spec.latex)

        # Step: two panels, the same dots: Example 2 on the left, Example 3 on the right
        head = self.heading(ex.title)
        titles = VGroup(
            self.ty.math(lin.model_spec.latex, size=self.ty.CAPTION_SIZE + 2).next_to(self.linear_axes, UP, buff=0.12),
            self.ty.math(ex.model_spec.latex, size=self.ty.CAPTION_SIZE + 2).next_to(self.axes, UP, buff=0.12),
        )
        self.play(FadeIn(head), FadeIn(self.linear_axes), FadeIn(self.axes), FadeIn(titles), run_time=1.0)
        self.play(LaggedStart(*[FadeIn(dot, scale=0.5) for pair in zip(self.linear_dots, self.dots)
                                for dot in pair], lag_ratio=0.03), run_time=1.6)
        th_lin = ", ".join(fmt_g(t) for t in lin.theta0)
        th_re = ", ".join(fmt_g(t) for t in ex.theta0)
        same = lin.x_range == ex.x_range and np.allclose(lin.values(), ex.values())
        self.say(f"Example 2 on the left, θ = ({th_lin}); this model on the right, θ = ({th_re}).\n"
                 + (f"Both draw the same line: f(x) = {line_formula(ex.grid, ex.values())}." if same else
                    f"Left: f(x) = {line_formula(lin.grid, lin.values())}; right: f(x) = {line_formula(ex.grid, ex.values())}."))
        self.wait(3.5)

        # Step: the same data and the same learning rate
        self.lr_text = self.ty.text(f"learning rate {fmt_g(ex.lr)}", size=self.ty.LABEL_SIZE)
        self.lr_text.to_corner(UR, buff=0.3).align_to(head, DOWN)
        self.play(FadeIn(linear_cross, scale=1.5), FadeIn(self.cross, scale=1.5),
                  FadeIn(self.lr_text, shift=0.1 * DOWN), run_time=0.8)
        self.say(f"The same observation ({fmt_g(x_obs)}, {fmt_g(y_obs)}), the same learning rate "
                 f"{fmt_g(ex.lr)}.\nOne gradient step each:")
        self.wait(1.0)
        self.play(LaggedStart(*[GrowArrow(a) for a in self.linear_arrows.values()], lag_ratio=0.05),
                  LaggedStart(*[GrowArrow(a) for a in self.arrows.values()], lag_ratio=0.05),
                  run_time=2.0)
        self.wait(1.5)

        # Step: the steps differ: read off the two ends
        tables = VGroup(*[self.move_table(axes, xs, dd, k_left, i)
                          for axes, dd in ((self.linear_axes, d_lin), (self.axes, d))])
        rings = VGroup(*[Circle(radius=0.2, color=self.theme.highlight, stroke_width=4)
                       .move_to(axes.c2p(xs[k_left], f[k_left] + dd[k_left] / 2))
                         for axes, f, dd in ((self.linear_axes, f0_lin, d_lin), (self.axes, f0, d))])
        self.say(f"But the steps differ: on the right, the arrows at the left end go up,\n"
                 f"and f({fmt_g(xs[k_left])}) does not move at all.")
        self.play(FadeIn(tables), run_time=0.8)
        self.play(Create(rings), run_time=0.8)
        self.wait(2.5)

        # Step: the dots move: two different new lines
        ghosts = VGroup(*[dot.copy().set_color(self.theme.moved_dot) for dot in (*self.linear_dots, *self.dots)])
        self.add(ghosts, self.linear_dots, self.dots)
        self.play(*[dot.animate.move_to(self.linear_axes.c2p(x, y))
                    for x, y, dot in zip(xs, f0_lin + d_lin, self.linear_dots)],
                  *[dot.animate.move_to(self.c2p(x, y)) for x, y, dot in zip(xs, f0 + d, self.dots)],
                  FadeOut(rings), run_time=1.5)
        self.say(f"Left: the line tilts about x = {fmt(still_point(xs, d_lin), 1)}. "
                 f"Right: it tilts about x = {fmt_g(still_point(xs, d))}\nand rises everywhere else.")
        self.wait(3.5)

        # Step: the two kernels; their constants come from the models (k(0, 0))
        self.kernel_constants = (kernel_at_origin(lin), kernel_at_origin(ex))
        self.kernels = VGroup(*[self.ty.math(r"k(x, x') = x \cdot x' + ", fmt_g(c), size=self.ty.CAPTION_SIZE + 2)
                                .next_to(table, UP, buff=0.2, aligned_edge=LEFT)
                                for c, table in zip(self.kernel_constants, tables)])
        self.play(FadeIn(self.kernels, shift=0.1 * DOWN), run_time=0.8)
        self.play(*[Indicate(k[1], color=self.theme.highlight, scale_factor=1.4) for k in self.kernels],
                  run_time=1.2)
        self.say(f"The kernels: x·x′ + {fmt_g(self.kernel_constants[0])} on the left, "
                 f"x·x′ + {fmt_g(self.kernel_constants[1])} on the right.\n"
                 f"The constant part of f now carries far more of the step.")
        self.wait(3.5)
        self.say("It became easier to push the whole function up by a constant:\n"
                 "same function, same data, same learning rate, a different step.")
        self.wait(4.0)

    def build_panel_axes(self, center):
        """Axes like ``self.axes`` (same ranges, size and numbers) at another place."""
        return self.axes_for(self.display_y_range(), self.axes_size, center)

    def move_table(self, axes, xs, d, k_left, i) -> VGroup:
        """``Δf(−10) = …`` and ``Δf(10) = …`` in the empty upper left of ``axes``."""
        rows = VGroup(*[self.ty.text(f"Δf({fmt_g(xs[k])}) = {signed(d[k])}", size=self.ty.LABEL_SIZE, color=self.theme.arrow)
                        for k in (k_left, i)])
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        y_top = axes.y_range[1]
        anchor = axes.c2p(xs[0], y_top) + np.array([0.3, -0.75, 0])
        return rows.move_to(anchor, aligned_edge=UP + LEFT)
