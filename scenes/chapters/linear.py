"""Chapter 2 — Example 2: a linear model.  One gradient step at x′ = 10 moves the whole line,
and the dots with x < 0 go *down*: one observation moves f everywhere.

The numbers stand where the eye is (θ, the learning rate, the longest arrow, Δf's line and the x
where it changes sign are labels on the chart); the captions say what the picture shows.

Render:  manim -pql scenes/chapters/linear.py LinearModel
"""

import numpy as np
from manim import (
    DOWN, DR, LEFT, RIGHT, UP, UR, Circumscribe, Create, DashedLine, FadeIn, FadeOut, GrowArrow, Indicate,
    LaggedStart, Line, VGroup,
)

from ntkcore.facts import sign_change
from ntkcore.step_facts import parameter_step

from scenes.base import ExampleScene
from scenes.formatting import fmt, fmt_g, line_formula, signed
from scenes.layout import first_free, plot_box, sample_points
from scenes.widgets import ZoomInset, arrows_at, dots_at, step_legend


def fit_right(mob, right: float):
    """Scale ``mob`` down about its left edge (never up) so that it ends at ``right`` (longer words,
    e.g. a translation's, shrink into their room)."""
    room = right - mob.get_left()[0]
    if mob.width > room:
        mob.scale_to_fit_width(room, about_edge=LEFT)
    return mob


class LinearModel(ExampleScene):
    example_name = "linear"
    axes_size = (10.4, 4.55)          # x numbers end above y ≈ −2.5: room for a two-line caption
    axes_center = (-0.1, 0.35, 0.0)   # the "+7.6" at x = 20 and the y numbers inside the title-safe area

    def setup(self):
        super().setup()

    def construct(self):
        ex = self.example
        x_obs, y_obs = ex.observation
        i = ex.obs_index
        xs, f0, d = ex.grid, ex.values(), ex.displacement()
        self.arrows = self.build_arrows(f0, d)
        lookup = self.example_for("lookup_table")
        d_big = ex.replace(lr=lookup.lr).displacement()          # the arrows at Example 1's rate
        dtheta = parameter_step(ex)
        theta1 = np.asarray(ex.theta0) + dtheta
        x_zero = sign_change(xs, d)
        x_s, y_s, lr_s = fmt_g(x_obs), fmt_g(y_obs), fmt_g(ex.lr)
        lo, hi = ex.x_range
        w, h = self.safe_box()

        # Step: title card
        self.play_title_card(ex.model_spec.latex)

        # Step: the same dots as Example 1, now drawn by two parameters; the same observation
        head = self.heading(self.script.chapter["title"])
        theta_s = ", ".join(fmt_g(t) for t in ex.theta0)
        same = lookup.x_range == ex.x_range and np.allclose(lookup.values(), ex.values())
        line = line_formula(xs, f0)
        self.theta_label = self.ty.text(
            self.label("same_dots" if same else ("theta_line" if line else "theta"), theta=theta_s, line=line or ""),
            size=self.ty.LABEL_SIZE, line_spacing=0.9)
        self.theta_label.next_to(self.c2p(lo, self.axes.y_range[1]), DR, buff=0.3)
        self.obs_label = self.ty.text(self.label("observation", x=x_s, y=y_s), size=self.ty.LABEL_SIZE,
                                      color=self.theme.observation)
        self.obs_label.next_to(self.cross, UP if y_obs >= f0[i] else DOWN, buff=0.15)
        fit_right(self.theta_label, self.obs_label.get_left()[0] - 0.25)      # longer words: shrink, never overlap
        with self.step("two_parameters", None if same else "other_line", theta=theta_s, line=line or "",
                       n_dots=len(xs)):
            self.play(FadeIn(head), FadeIn(self.axes), FadeIn(self.axis_labels()), run_time=0.5)
            self.play(LaggedStart(*[FadeIn(dot, scale=0.5) for dot in self.dots], lag_ratio=0.05),
                      FadeIn(self.theta_label), FadeIn(self.cross, scale=1.5), FadeIn(self.obs_label), run_time=1.0)

        # Step: the learning rate, and why it is smaller than in Example 1 (the number on the chart)
        self.lr_text = self.ty.text(self.label("learning_rate", lr=lr_s), size=self.ty.CAPTION_SIZE)
        self.lr_text.move_to([w - 0.05, h - 0.05, 0], aligned_edge=UR)
        ratio = d_big[i] / lookup.displacement()[lookup.obs_index]
        self.big_label = self.ty.text(self.label("would_be", lr=fmt_g(lookup.lr), x=x_s, big=signed(d_big[i], 1)),
                                      size=self.ty.LABEL_SIZE)
        self.big_label.next_to(self.lr_text, DOWN, buff=0.15).align_to(self.lr_text, RIGHT)
        with self.step("learning_rate", None if x_obs else "at_origin", lr=lr_s, lr_lookup=fmt_g(lookup.lr),
                       x=x_s, big=fmt(d_big[i], 1), ratio=fmt(ratio, 0)):
            self.play(FadeIn(self.lr_text, shift=0.1 * DOWN), FadeIn(self.big_label), run_time=0.5)

        # Step: one gradient step moves every dot: a red arrow at every x (the shortest hide in their dots)
        i_max = int(np.argmax(np.abs(d)))
        self.max_label = self.ty.text(signed(d[i_max]), size=self.ty.LABEL_SIZE, color=self.theme.arrow)
        self.max_label.next_to(self.arrows[i_max], RIGHT, buff=0.1)
        hidden = self.hidden_arrows(d)     # arrows whose tip does not clear the dot: drawn, but unseen
        self.hidden_note = self.hidden_range(hidden)
        with self.step("every_dot_moves", None if hidden.size else "all_visible",
                       longest=signed(d[i_max]), x_longest=fmt_g(xs[i_max])):
            self.play(FadeOut(self.big_label),
                      LaggedStart(*[GrowArrow(a) for a in self.arrows.values()], lag_ratio=0.06), run_time=1.1)
            self.play(FadeIn(self.max_label), FadeIn(self.hidden_note), run_time=0.3)

        # Step: far from x' the dots move the other way: zoom on the left end of the line
        self.build_inset(f0, d)
        inset = self.inset
        k_left = 0
        left_label = self.ty.text(signed(d[k_left]), size=self.ty.LABEL_SIZE, color=self.theme.arrow)
        left_dir, right_dir = (self.label("down"), self.label("up")) if d[k_left] < 0 else \
            (self.label("up"), self.label("down"))
        with self.step("far_end", None if x_zero is not None else "one_way", x_left=fmt_g(xs[k_left]),
                       dir=left_dir, move=fmt(abs(d[k_left]), 1)):
            self.play(FadeOut(self.theta_label), FadeOut(self.hidden_note), Create(inset.marker),
                      FadeIn(inset.links), FadeIn(inset.box), FadeIn(self.inset_dots), FadeIn(inset.label),
                      run_time=0.8)
            anims = [GrowArrow(a) for a in self.inset_arrows.values()]
            if k_left in self.inset_arrows:   # (a move too small for the zoom's window has no arrow there)
                left_label.next_to(self.inset_arrows[k_left], RIGHT, buff=0.12)
                anims.append(FadeIn(left_label))
            self.play(*anims, run_time=0.7)

        # The lower right holds the step's numbers: Δf's line (from the sign-change step on), then θ's
        # change and the legend (when the dots move)
        f1 = f0 + d
        sign = self.build_sign_change(x_zero, left_dir, right_dir) if x_zero is not None else None
        step_line = line_formula(xs, d)   # "0.38x + 0.038"
        self.step_line_label = (self.ty.text(self.label("step_line", line=step_line), size=self.ty.LABEL_SIZE,
                                             color=self.theme.arrow) if step_line else VGroup())
        t0, t1 = [fmt_g(t) for t in ex.theta0], [fmt_g(t) for t in theta1]
        self.legend = step_legend(self.ty, self.theme, self.label("before_step"), self.label("after_step"),
                                  self.label("the_step"))
        self.theta_change = self.ty.text(self.label("theta_change", theta1_before=t0[0], theta1_after=t1[0],
                                                    theta2_before=t0[1], theta2_after=t1[1]),
                                         size=self.ty.LABEL_SIZE)
        key = VGroup(self.step_line_label, self.theta_change, self.legend).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        y_lo = self.axes.y_range[0]
        after = dots_at(self.axes, xs, f1, self.dot_radius, self.theme.dot)
        avoid = np.vstack([sample_points([self.dots, after, self.cross, self.inset, *self.arrows.values()]),
                           sample_points([sign[0] if sign else VGroup(), self.max_label, self.obs_label], per_mob=40)])
        first_free(key, [(self.c2p(hi, y_lo), UP + LEFT, 0.25), (self.c2p(lo + 0.6 * (hi - lo), y_lo), UP + RIGHT, 0.5)],
                   avoid, plot_box(self.axes), pad=0.15)

        # Step: where the move changes sign, and why (Δf is a line: the dashed line is its zero)
        if sign is not None:
            divider, labels = sign
            with self.step("sign_change", None if step_line else "no_formula", pivot=fmt(x_zero, 1),
                           dtheta1=fmt_g(dtheta[0]), dtheta2=fmt_g(dtheta[1]), step_line=step_line or ""):
                self.play(Create(divider), FadeIn(self.divider_label), FadeIn(self.step_line_label), run_time=0.7)
                self.play(FadeIn(labels[0], shift=0.2 * LEFT), FadeIn(labels[1], shift=0.2 * RIGHT), run_time=0.5)

        # Step: the dots move along their arrows: the whole line tilts and shifts
        ghosts = VGroup(*[dot.copy().set_color(self.theme.moved_dot) for dot in self.dots],
                        *[dot.copy().set_color(self.theme.moved_dot) for dot in self.inset_dots])
        self.add(ghosts, self.dots, self.inset_dots)
        inside = list(self.inset_index)
        with self.step("line_tilts", None if x_zero is not None else "one_way",
                       **({"pivot": fmt(x_zero, 1)} if x_zero is not None else {})):
            self.play(*[dot.animate.move_to(self.c2p(x, y)) for x, y, dot in zip(xs, f1, self.dots)],
                      *[self.inset_dots[self.inset_index[k]].animate.move_to(inset.axes.c2p(xs[k], f1[k]))
                        for k in inside],
                      run_time=1.2)
            self.play(FadeIn(self.theta_change), FadeIn(self.legend), run_time=0.4)

        # Step (the lesson): one observation moved f everywhere: the cross, then a wave out from x′
        order = sorted(self.arrows, key=lambda k: abs(xs[k] - x_obs))
        with self.step("generalises"):
            self.play(Circumscribe(self.cross, color=self.theme.observation, buff=0.1), run_time=0.6)
            self.play(LaggedStart(*[Indicate(self.arrows[k], color=self.theme.highlight, scale_factor=1.8)
                                    for k in order], lag_ratio=0.04), run_time=1.4)

    def hidden_range(self, hidden) -> VGroup:
        """A bracket over the x where the arrows are too short to see, just above the x axis, with
        the range as its label (an empty group when every arrow shows)."""
        if not hidden.size:
            return VGroup()
        xs = self.example.grid
        x0, x1 = float(xs[hidden].min()), float(xs[hidden].max())
        y = self.axes.y_range[0]
        a, b = self.c2p(x0, y) + 0.25 * UP, self.c2p(x1, y) + 0.25 * UP
        bracket = VGroup(Line(a, b), Line(a, a + 0.12 * UP), Line(b, b + 0.12 * UP)).set_stroke(self.theme.axis, 2)
        words = self.ty.text(self.label("too_short", lo=fmt_g(x0), hi=fmt_g(x1)), size=self.ty.LABEL_SIZE)
        words.next_to(bracket, RIGHT, buff=0.15).align_to(bracket, DOWN)   # under the line of dots
        fit_right(words, self.safe_box()[0] - 0.1)
        return VGroup(bracket, words)

    def build_sign_change(self, x_zero, left_dir, right_dir):
        """``(divider, labels)``: a dashed line where the move changes sign (named with its x, in
        ``self.divider_label``) and the direction on either side (``self.sign_labels``)."""
        xs = self.example.grid
        x_split = fmt_g(float(xs[xs > x_zero].min()))  # first grid point on the right-hand side
        y_lo, y_hi = self.axes.y_range[0], self.axes.y_range[1]
        divider = DashedLine(self.c2p(x_zero, y_lo), self.c2p(x_zero, y_hi), color=self.theme.axis,
                             stroke_width=2, dash_length=0.08)
        label_y = self.c2p(x_zero, y_lo)[1] + 0.3
        left_label = self.ty.text(self.label("below", x=x_split, dir=left_dir), size=self.ty.LABEL_SIZE,
                                  color=self.theme.arrow)
        left_label.move_to([divider.get_x() - 0.15, label_y, 0], aligned_edge=RIGHT)
        right_label = self.ty.text(self.label("from", x=x_split, dir=right_dir), size=self.ty.LABEL_SIZE,
                                   color=self.theme.arrow)
        right_label.move_to([divider.get_x() + 0.15, label_y, 0], aligned_edge=LEFT)
        self.sign_labels = VGroup(left_label, right_label)
        # the line sits at x = −0.1, not on the grid's x = 0: say so on it, above the side it opens
        self.divider_label = self.ty.text(f"x = {fmt(x_zero, 1)}", size=self.ty.LABEL_SIZE, color=self.theme.axis)
        self.divider_label.next_to(right_label, UP, buff=0.15).align_to(right_label, LEFT)
        return divider, self.sign_labels

    def build_inset(self, f0, d):
        """A zoom on the three leftmost grid points, in the empty upper left of the chart."""
        ex = self.example
        xs = ex.grid
        near = slice(0, 3)
        ends = np.concatenate([f0[near], f0[near] + d[near]])
        y_win = (ends.min() - 2, ends.max() + 2)
        size = (3.0, 2.0)
        top_left = self.axes.frame_y.get_top() + 0.6 * RIGHT
        center = top_left + np.array([size[0] / 2, -size[1] / 2 - 0.15, 0])
        self.inset = inset = ZoomInset(self.axes, xs[1], y_win, self.theme, size=size, center=center)
        inset.links.set_stroke(color=self.theme.axis, width=1)      # guides a viewer can see (≥ 3:1)
        inside = [k for k, (x, y) in enumerate(zip(xs, f0)) if inset.contains(x, y)]
        self.inset_index = {k: n for n, k in enumerate(inside)}
        self.inset_dots = dots_at(inset.axes, xs[inside], f0[inside], 1.8 * self.dot_radius, self.theme.dot)
        arrows = arrows_at(inset.axes, xs[inside], f0[inside], d[inside], self.theme.arrow, stroke_width=7,
                           tip_length=0.22)
        self.inset_arrows = {inside[n]: a for n, a in arrows.items()}
        # inside the box's bottom-right corner (the dots run from its left to its top right): clear of
        # the connector lines, which end at the box's other corners
        inset.label = self.ty.text(self.label("zoom", m=f"{inset.magnification:.1f}"), size=self.ty.LABEL_SIZE,
                                   color=self.theme.axis)
        inset.label.move_to(inset.box.get_corner(DR) + 0.1 * (LEFT + UP), aligned_edge=DR)

    def hidden_arrows(self, d) -> np.ndarray:
        """Grid indices whose arrow cannot be seen: its drawn length is less than a dot's radius plus
        its own tip's length, so the tip does not clear the dot it starts in."""
        scale = abs(self.c2p(0, 1)[1] - self.c2p(0, 0)[1])      # scene units per unit of f
        length = np.abs(np.asarray(d)) * scale                  # (n,) drawn lengths (buff 0)
        tip = np.array([self.arrows[i].tip.length if i in self.arrows else 0.0 for i in range(len(length))])
        return np.flatnonzero(length < self.dot_radius + tip)
