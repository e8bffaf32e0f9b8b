"""Chapter 5 — Example 4: a tiny RBF network.  The kernel is no longer a line: it peaks off x',
dips below zero and levels off at a positive constant; as the step shrinks it becomes the NTK.

Render:  manim -pql scenes/ch5_rbf.py RBFNetwork
"""

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Arrow, Circle, Create, DashedLine, FadeIn, GrowArrow, LaggedStart, Polygon,
    ReplacementTransform,
)

import ntkcore

from scenes.base import ExampleScene
from scenes.components.kernel_morph import KernelMorph
from scenes.formatting import fmt, fmt_g


class RBFNetwork(ExampleScene):
    example_name = "rbf"
    y_range = (38, 56, 2)                 # f lies in 40–55 here; the base widens it if needed
    kernel_y_range = (-0.5, 1.5, 0.25)   # normalized kernel units

    # Layout: one big plot (the base's axes_size/axes_center), or two stacked plots.
    stacked_size = (10.6, 2.1)
    top_center = (0.55, 1.9, 0.0)
    bottom_center = (0.55, -0.9, 0.0)

    # ------------------------------------------------------------------ the numbers
    def compute(self):
        """The facts this chapter states, read from the numbers before any animation."""
        ex, km = self.example, self.morph
        x_obs, y_obs = ex.observation
        theta_new = np.asarray(ntkcore.gd_step(ex.f, ex.theta, x_obs, y_obs, ex.lr))
        theta_old = np.asarray(ex.theta)
        self.valley_before, self.valley_after = float(theta_old[0]), float(theta_new[0])
        self.offset_before, self.offset_after = float(theta_old[4]), float(theta_new[4])
        # The GD step's kernel on the grid, and its shape facts.
        self.k_grid = km.k_grid
        self.max_marker_x = float(ex.grid[np.argmax(self.k_grid)])
        self.neg_x = float(ex.grid[np.argmin(self.k_grid)])
        self.tails = (float(self.k_grid[0]), float(self.k_grid[-1]))
        self.ntk_max_x = float(ex.grid[np.argmax(km.sweep.ntk_grid)])

    def kernel_axes_at(self, size, center):
        """The normalized kernel's axes (``kernel_y_range``) at ``size``/``center``."""
        lo, hi = self.example.x_range
        return self.framed((lo, hi, self.x_tick), self.kernel_y_range, size, center, decimals=1)

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        ex = self.example
        x_obs, y_obs = ex.observation
        i = ex.obs_index
        km = self.morph = KernelMorph(self, self.kernel_axes_at)
        self.compute()
        big_size, big_center = self.axes_size, self.axes_center

        # Step: title card
        self.play_title_card(ex.title, ex.model_spec.latex)

        # Step: the function, a valley and a bump on an offset
        th = ex.theta0
        head = self.heading(ex.title)
        fp = km.function_plot(big_size, big_center)
        self.play(FadeIn(head), FadeIn(fp["axes"]), FadeIn(fp["labels"]), run_time=1.0)
        self.play(Create(fp["curve"]),
                  LaggedStart(*[FadeIn(dot, scale=0.5) for dot in fp["dots"]], lag_ratio=0.05),
                  run_time=1.8)
        self.say(f"Two Gaussians on an offset: a valley centred at θ₁ = {fmt_g(th[0])},\n"
                 f"a bump centred at θ₃ = {fmt_g(th[2])}, offset θ₅ = {fmt_g(th[4])}.")
        self.wait(3.0)

        # Step: the observation and one gradient step
        self.play(FadeIn(fp["cross"], scale=1.5), run_time=0.6)
        self.say(f"We observe y = {fmt_g(y_obs)} at x = {fmt_g(x_obs)}, but f({fmt_g(x_obs)}) = {fmt(km.f0[i], 2)}.\n"
                 f"One gradient step, learning rate {fmt_g(ex.lr)}:")
        self.play(LaggedStart(*[GrowArrow(a) for a in fp["arrows"].values()], lag_ratio=0.03),
                  run_time=1.6)
        self.wait(1.0)
        self.say("Every point moves, and the arrows no longer follow a line:\n"
                 "up most just left of the observation, a little down left of the valley.")
        self.wait(3.0)

        # Step: make room — the function on top, its kernel beneath
        top = km.function_plot(self.stacked_size, self.top_center)
        self.play(*[ReplacementTransform(fp[k], top[k]) for k in ("axes", "labels", "curve", "dots", "cross")],
                  *[ReplacementTransform(fp["arrows"][k], top["arrows"][k]) for k in fp["arrows"]],
                  run_time=1.5)
        self.dots, self.cross, self.arrows = top["dots"], top["cross"], top["arrows"]
        kp = km.kernel_plot(self.stacked_size, self.bottom_center, self.dot_radius)
        self.kernel_axes = kp["axes"]
        self.play(FadeIn(kp["axes"]), FadeIn(kp["label"]), run_time=0.8)
        # Each kernel dot is its arrow divided by the arrow at x'.
        self.play(*[ReplacementTransform(a.copy(), kp["dots"][k]) for k, a in self.arrows.items()],
                  run_time=1.4)
        self.play(Create(kp["curve"]), FadeIn(kp["obs_line"]), run_time=1.0)
        self.say(f"Divide every arrow by the one at x′ = {fmt_g(x_obs)}:\n"
                 "the finite-step kernel of this step, 1 at x′.")
        self.wait(3.0)

        # Step: (a) the maximum is not at x'
        ka = self.kernel_axes
        k_max = float(np.max(self.k_grid))
        max_ring = Circle(radius=0.13, color=self.theme.highlight, stroke_width=4).move_to(
            ka.c2p(self.max_marker_x, k_max))
        max_label = self.ty.text(f"max at x = {fmt_g(self.max_marker_x)}", size=self.ty.LABEL_SIZE,
                            color=self.theme.highlight).next_to(max_ring, LEFT, buff=0.15)
        obs_label = self.ty.text(f"x′ = {fmt_g(x_obs)}", size=self.ty.LABEL_SIZE, color=self.theme.observation)
        obs_label.next_to(kp["obs_line"].get_top(), RIGHT, buff=0.1).shift(0.1 * DOWN)
        self.play(Create(max_ring), FadeIn(max_label), FadeIn(obs_label), run_time=0.8)
        self.say(f"The largest move is at x = {fmt_g(self.max_marker_x)}, not at x′ = {fmt_g(x_obs)},\n"
                 "the point we pushed on.")
        self.wait(3.0)

        # Step: (b) negative values: the valley's centre moves left
        fa = self.axes
        y_lo, y_hi = fa.y_range[:2]
        old_line = DashedLine(fa.c2p(self.valley_before, y_lo), fa.c2p(self.valley_before, y_hi),
                              color=self.theme.moved_dot, stroke_width=2, dash_length=0.06)
        new_line = DashedLine(fa.c2p(self.valley_after, y_lo), fa.c2p(self.valley_after, y_hi),
                              color=self.theme.highlight, stroke_width=3, dash_length=0.06)
        y_arrow = y_lo + 0.85 * (y_hi - y_lo)
        valley_arrow = Arrow(fa.c2p(self.valley_before, y_arrow), fa.c2p(self.valley_after, y_arrow), buff=0,
                             color=self.theme.highlight, stroke_width=4, tip_length=0.1,
                             max_tip_length_to_length_ratio=0.6)
        valley_label = self.ty.text(f"θ₁: {fmt_g(self.valley_before)} → {fmt(self.valley_after, 2)}",
                               size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        valley_label.next_to(valley_arrow, LEFT, buff=0.15)
        self.neg_fill = self.negative_lobe(ka)
        neg_label = self.ty.text("negative", size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        neg_label.next_to(self.neg_fill, LEFT, buff=0.15).align_to(ka.zero_line, UP).shift(0.05 * DOWN)
        self.play(FadeIn(old_line), run_time=0.5)
        self.play(ReplacementTransform(old_line.copy(), new_line), GrowArrow(valley_arrow),
                  FadeIn(valley_label), FadeIn(self.neg_fill), FadeIn(neg_label), run_time=1.2)
        self.say(f"Negative near x = {fmt_g(self.neg_x)}: the step moves the valley's centre left,\n"
                 f"from {fmt_g(self.valley_before)} to {fmt(self.valley_after, 2)}, so f drops on its left side.")
        self.wait(4.0)

        # Step: (c) the tails level off at a positive constant: the offset moved too
        left_tail = self.ty.text(fmt(self.tails[0], 2), size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        left_tail.next_to(ka.c2p(ex.x_range[0], self.tails[0]), UP, buff=0.12).align_to(ka.c2p(ex.x_range[0], 0), LEFT).shift(0.3 * RIGHT)
        right_tail = self.ty.text(fmt(self.tails[1], 2), size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        right_tail.next_to(ka.c2p(ex.x_range[1], self.tails[1]), UP, buff=0.12).align_to(ka.frame_x, RIGHT)
        self.play(FadeIn(left_tail), FadeIn(right_tail), run_time=0.6)
        self.say(f"Far away both tails stay positive ({fmt(self.tails[0], 2)} and {fmt(self.tails[1], 2)}): the step "
                 f"also\nraises the offset θ₅ from {fmt_g(self.offset_before)} to {fmt(self.offset_after, 2)}, "
                 "which lifts f everywhere.")
        self.wait(4.0)

        # Step: beyond the post — only the kernel, full size
        function_mobs = [top[k] for k in ("axes", "labels", "curve", "dots", "cross")] + list(self.arrows.values())
        notes = [old_line, new_line, valley_arrow, valley_label, max_ring, max_label, obs_label,
                 self.neg_fill, neg_label, left_tail, right_tail]
        # Step: the kernel plot fills the frame; shrink η — the finite-step kernel morphs into the exact NTK
        moving, big = km.enlarge(kp, function_mobs + notes, big_size, big_center)
        ka = self.kernel_axes = big["axes"]
        self.kernel_dots, self.kernel_curve = big["dots"], big["curve"]
        exact = km.play_sweep(moving, big, f"Beyond the post: this step pushed θ along ∇θ f(x′) by "
                                           f"η = {fmt(km.etas[0], 3)}.\nNow shrink η towards 0.")
        self.ntk_dots, self.ntk_curve = exact["dots"], exact["curve"]
        ntk_max = float(np.max(km.sweep.ntk_grid))
        ntk_ring = Circle(radius=0.13, color=self.theme.ntk_exact, stroke_width=4).move_to(
            ka.c2p(self.ntk_max_x, ntk_max))
        ntk_max_label = self.ty.text(f"max at x = {fmt_g(self.ntk_max_x)}", size=self.ty.LABEL_SIZE,
                                color=self.theme.ntk_exact).next_to(ntk_ring, UP, buff=0.2)
        ntk_max_label.align_to(ntk_ring, RIGHT)   # stay left of the dashed line at x'
        self.play(Create(ntk_ring), FadeIn(ntk_max_label), run_time=0.6)
        self.say(f"As η → 0 the curve becomes the exact NTK k(x, {fmt_g(x_obs)}) / k({fmt_g(x_obs)}, {fmt_g(x_obs)}),\n"
                 f"with its maximum at x = {fmt_g(self.ntk_max_x)}; the post's step (faint) is a finite η.")
        self.wait(4.0)

    def negative_lobe(self, axes):
        """The area between y = 0 and the step's kernel curve where the kernel is negative."""
        km = self.morph
        k = km.sweep.finite_fine[0]
        neg = np.flatnonzero(k < 0)
        xs, ys = km.fine_x[neg], k[neg]
        corners = [axes.c2p(xs[0], 0)] + [axes.c2p(x, y) for x, y in zip(xs, ys)] + [axes.c2p(xs[-1], 0)]
        return Polygon(*corners, stroke_width=0, fill_color=self.theme.highlight, fill_opacity=0.35)
