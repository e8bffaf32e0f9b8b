"""Chapter 2 — Example 2: a linear model.  One gradient step at x = 10 moves the whole line,
and the dots with x < 0 go *down*.

Render:  manim -pql scenes/ch2_linear.py LinearModel
"""

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UR, Create, DashedLine, FadeIn, GrowArrow, LaggedStart, VGroup,
)

from ntkcore import core
from ntkcore.facts import sign_change

from scenes.base import ExampleScene
from scenes.formatting import fmt, fmt_g, line_formula, signed
from scenes.widgets import ZoomInset, arrows_at, dots_at


class LinearModel(ExampleScene):
    example_name = "linear"

    def construct(self):
        ex = self.example
        x_obs, y_obs = ex.observation
        i = ex.obs_index
        xs, f0, d = ex.grid, ex.values(), ex.displacement()
        self.arrows = self.build_arrows(f0, d)
        lr_example1 = self.example_for("lookup_table").lr
        d_big = ex.replace(lr=lr_example1).displacement()          # the arrows at Example 1's rate
        theta1 = np.asarray(core.gd_step(ex.f, ex.theta, x_obs, y_obs, ex.lr))
        x_zero = sign_change(xs, d)

        # Step: title card
        self.play_title_card(ex.title, ex.model_spec.latex)

        # Step: the same dots as Example 1, now drawn by two parameters
        head = self.heading(ex.title)
        self.play(FadeIn(head), FadeIn(self.axes), FadeIn(self.axis_labels()), run_time=1.0)
        self.play(LaggedStart(*[FadeIn(dot, scale=0.5) for dot in self.dots], lag_ratio=0.05),
                  run_time=1.6)
        theta_s = ", ".join(fmt_g(t) for t in ex.theta0)
        lookup = self.example_for("lookup_table")
        same = lookup.x_range == ex.x_range and np.allclose(lookup.values(), ex.values())
        self.say(f"θ = ({theta_s}) gives {'the same dots as Example 1' if same else 'a line'}: "
                 f"f(x) = {line_formula(ex.grid, ex.values())}.\nBut now two parameters draw the whole line.")
        self.wait(3.0)

        # Step: the observation
        self.show_observation()
        self.wait(2.5)

        # Step: the learning rate, and why it is smaller than in Example 1
        self.lr_text = self.ty.text(f"learning rate {fmt_g(ex.lr)}", size=self.ty.CAPTION_SIZE)
        self.lr_text.to_corner(UR, buff=0.3).align_to(head, DOWN)
        self.play(FadeIn(self.lr_text, shift=0.1 * DOWN), run_time=0.6)
        self.say(f"Learning rate {fmt_g(ex.lr)}: at Example 1's {fmt_g(lr_example1)} the arrow at "
                 f"x = {fmt_g(x_obs)}\nwould be {fmt(d_big[i], 1)} long, far off the chart.")
        self.wait(3.5)

        # Step: one gradient step moves every dot: a red arrow at every x
        self.say(f"One gradient step on (f({fmt_g(x_obs)}) − {fmt_g(y_obs)})²\n"
                 f"now moves every dot: a red arrow at every x.")
        self.play(LaggedStart(*[GrowArrow(a) for a in self.arrows.values()], lag_ratio=0.06),
                  run_time=2.0)
        i_max = int(np.argmax(np.abs(d)))
        max_label = self.ty.text(signed(d[i_max]), size=self.ty.LABEL_SIZE, color=self.theme.arrow)
        max_label.next_to(self.arrows[i_max], RIGHT, buff=0.1)
        self.play(FadeIn(max_label), run_time=0.5)
        self.wait(2.0)

        # Step: far from x' the dots move the other way: zoom on the left end of the line
        self.build_inset(f0, d)
        inset = self.inset
        self.play(Create(inset.marker), FadeIn(inset.links), FadeIn(inset.box), run_time=0.8)
        self.play(FadeIn(self.inset_dots), FadeIn(inset.label), run_time=0.6)
        self.play(*[GrowArrow(a) for a in self.inset_arrows.values()], run_time=1.0)
        k_left = 0
        left_label = self.ty.text(signed(d[k_left]), size=self.ty.LABEL_SIZE, color=self.theme.arrow)
        left_label.next_to(self.inset_arrows[k_left], RIGHT, buff=0.12)
        self.play(FadeIn(left_label), run_time=0.5)
        left_dir = "down" if d[k_left] < 0 else "up"
        right_dir = "up" if left_dir == "down" else "down"
        if x_zero is None:  # (possible with other settings) every dot moves the same way
            self.say(f"Every dot moves {left_dir}, even far from x = {fmt_g(x_obs)}:\n"
                     f"f({fmt_g(xs[k_left])}) goes {left_dir} by {fmt(abs(d[k_left]), 1)}.")
            self.wait(3.0)
        else:
            self.say(f"Far from x = {fmt_g(x_obs)} the dots move the other way:\n"
                     f"f({fmt_g(xs[k_left])}) goes {left_dir} by {fmt(abs(d[k_left]), 1)}.")
            self.wait(3.0)
            # Step: where the move changes sign
            self.show_sign_change(x_zero, left_dir, right_dir)

        # Step: the dots move along their arrows: the whole line tilts and shifts
        ghosts = VGroup(*[dot.copy().set_color(self.theme.moved_dot) for dot in self.dots],
                        *[dot.copy().set_color(self.theme.moved_dot) for dot in self.inset_dots])
        self.add(ghosts, self.dots, self.inset_dots)
        f1 = f0 + d
        inside = list(self.inset_index)
        self.play(*[dot.animate.move_to(self.c2p(x, y)) for x, y, dot in zip(xs, f1, self.dots)],
                  *[self.inset_dots[self.inset_index[k]].animate.move_to(inset.axes.c2p(xs[k], f1[k]))
                    for k in inside],
                  run_time=1.5)
        self.say(f"θ₁: {fmt_g(ex.theta0[0])} → {fmt_g(theta1[0])} and θ₂: {fmt_g(ex.theta0[1])} → "
                 f"{fmt_g(theta1[1])}" + (f": the line tilts about x = {fmt(x_zero, 1)}." if x_zero is not None
                                                 else ": the whole line moves one way."))
        self.wait(3.0)
        self.say(f"One observation at x = {fmt_g(x_obs)} moved f everywhere:\n"
                 f"the model generalises, though not always the way we might expect.")
        self.wait(3.5)

    def show_sign_change(self, x_zero, left_dir, right_dir):
        """A dashed line where the move changes sign, with the direction on either side."""
        xs = self.example.grid
        x_split = fmt_g(float(xs[xs > x_zero].min()))  # first grid point on the right-hand side
        y_lo, y_hi = self.axes.y_range[0], self.axes.y_range[1]
        divider = DashedLine(self.c2p(x_zero, y_lo), self.c2p(x_zero, y_hi), color=self.theme.axis,
                             stroke_width=2, dash_length=0.08)
        label_y = self.c2p(x_zero, y_lo)[1] + 0.3
        left_label = self.ty.text(f"x < {x_split}: {left_dir}", size=self.ty.LABEL_SIZE, color=self.theme.arrow)
        left_label.move_to([divider.get_x() - 0.15, label_y, 0], aligned_edge=RIGHT)
        right_label = self.ty.text(f"x ≥ {x_split}: {right_dir}", size=self.ty.LABEL_SIZE, color=self.theme.arrow)
        right_label.move_to([divider.get_x() + 0.15, label_y, 0], aligned_edge=LEFT)
        self.sign_labels = VGroup(left_label, right_label)
        self.play(Create(divider), run_time=0.8)
        self.play(FadeIn(left_label, shift=0.2 * LEFT), FadeIn(right_label, shift=0.2 * RIGHT), run_time=0.6)
        self.say(f"Every x < {x_split} goes {left_dir}, every x ≥ {x_split} goes {right_dir};\n"
                 f"the move changes sign at x = {fmt(x_zero, 1)}.")
        self.wait(3.0)

    def build_inset(self, f0, d):
        """A zoom on the three leftmost grid points, in the empty upper left of the chart."""
        ex = self.example
        xs = ex.grid
        near = slice(0, 3)
        ends = np.concatenate([f0[near], f0[near] + d[near]])
        y_win = (ends.min() - 2, ends.max() + 2)
        size = (3.0, 2.0)
        top_left = self.axes.frame_y.get_top() + 0.35 * RIGHT
        center = top_left + np.array([size[0] / 2, -size[1] / 2 - 0.15, 0])
        self.inset = inset = ZoomInset(self.axes, xs[1], y_win, self.theme, size=size, center=center)
        inside = [k for k, (x, y) in enumerate(zip(xs, f0)) if inset.contains(x, y)]
        self.inset_index = {k: n for n, k in enumerate(inside)}
        self.inset_dots = dots_at(inset.axes, xs[inside], f0[inside], 1.8 * self.dot_radius, self.theme.dot)
        arrows = arrows_at(inset.axes, xs[inside], f0[inside], d[inside], self.theme.arrow, stroke_width=7,
                           tip_length=0.22)
        self.inset_arrows = {inside[n]: a for n, a in arrows.items()}
        inset.label = self.ty.text(f"zoom ×{inset.magnification:.1f}", size=self.ty.LABEL_SIZE,
                              color=self.theme.axis).next_to(inset.box, DOWN, buff=0.08).align_to(inset.box, RIGHT)
