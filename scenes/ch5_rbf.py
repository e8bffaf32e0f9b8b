"""Chapter 5 — Example 4: a tiny RBF network.  The kernel is no longer a line: it peaks off x',
dips below zero and levels off at a positive constant; as the step shrinks it becomes the NTK.

Render:  manim -pql scenes/ch5_rbf.py RBFNetwork
"""

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Arrow, Circle, Create, DashedLine, Polygon, FadeIn, FadeOut, GrowArrow,
    LaggedStart, ReplacementTransform, VGroup, VMobject,
)

import ntkcore

from scenes.base import ExampleScene, fmt, fmt_g
from scenes.widgets import ObservationCross, dots_at, framed_axes
from scenes import palette
from scenes import typography as ty


def corner_label(axes, mob):
    """Put a y-axis label inside the plot's top-left corner (clear of the heading above)."""
    corner = axes.c2p(axes.x_range[0], axes.y_range[1])
    return mob.next_to(corner, RIGHT, buff=0.3).shift((mob.height / 2 + 0.06) * DOWN)


def polyline(axes, xs, ys, color, stroke_width: float = 3, opacity: float = 1.0) -> VMobject:
    """A curve through (x, y) in ``axes``' data coordinates (the samples are its corners)."""
    curve = VMobject(stroke_color=color, stroke_width=stroke_width, stroke_opacity=opacity)
    curve.set_points_as_corners([axes.c2p(x, y) for x, y in zip(xs, ys)])
    return curve


class RBFNetwork(ExampleScene):
    example_name = "rbf"
    y_range = (38, 56, 2)                 # f lies in 40–55 here; the base widens it if needed
    kernel_y_range = (-0.5, 1.5, 0.25)   # normalized kernel units
    eta_fractions = (1.0, 0.5, 0.25, 0.1, 0.01)   # η = step_eta × these, then η → 0
    fine_samples = 181                    # x samples of the smooth curves

    # Layout: one big plot (the base's axes_size/axes_center), or two stacked plots.
    stacked_size = (10.6, 2.1)
    top_center = (0.55, 1.9, 0.0)
    bottom_center = (0.55, -0.9, 0.0)

    # ------------------------------------------------------------------ the numbers
    def compute(self):
        """Everything drawn, fetched from ntkcore once, before any animation."""
        ex = self.example
        f, theta = ex.f, ex.theta
        x_obs, y_obs = ex.observation
        lo, hi = ex.x_range
        self.fine_x = np.linspace(lo, hi, self.fine_samples)
        self.fine_f = np.asarray(ntkcore.values(f, theta, self.fine_x))
        self.f0, self.d = ex.values(), ex.displacement()
        theta_new = np.asarray(ntkcore.gd_step(f, theta, x_obs, y_obs, ex.lr))
        theta_old = np.asarray(theta)
        self.valley_before, self.valley_after = float(theta_old[0]), float(theta_new[0])
        self.offset_before, self.offset_after = float(theta_old[4]), float(theta_new[4])

        # The GD step's kernel on the grid, and its shape facts read from the numbers.
        self.k_grid = ex.kernel_finite_normalized()
        self.max_marker_x = float(ex.grid[np.argmax(self.k_grid)])
        self.neg_x = float(ex.grid[np.argmin(self.k_grid)])
        self.tails = (float(self.k_grid[0]), float(self.k_grid[-1]))

        self.compute_kernels()
        self.ntk_max_x = float(ex.grid[np.argmax(self.ntk_grid)])

    # ------------------------------------------------------------------ plots
    def compute_kernels(self):
        """Finite-step kernels for shrinking η and the exact NTK, each over its value at x', on
        the grid and on ``self.fine_x`` (one ntkcore call per η on [grid, fine x, x'] together)."""
        ex = self.example
        f, theta, x_obs = ex.f, ex.theta, ex.observation[0]
        n, m = len(ex.grid), len(self.fine_x)
        xs = np.concatenate([ex.grid, self.fine_x, [x_obs]])
        self.etas = [ex.step_eta() * s for s in self.eta_fractions]
        self.finite_grid, self.finite_fine = [], []
        for eta in self.etas:
            k = np.asarray(ntkcore.finite_step_kernel(f, theta, xs, x_obs, eta))
            self.finite_grid.append(k[:n] / k[-1])
            self.finite_fine.append(k[n:n + m] / k[-1])
        k = np.asarray(ntkcore.ntk(f, theta, xs, np.array([x_obs]))[:, 0])
        self.ntk_grid = ex.ntk_normalized()
        self.ntk_fine = k[n:n + m] / k[-1]

    def function_plot(self, size, center):
        """Axes, labels, dots, smooth curve, cross and arrows of f in the given layout."""
        self.axes_size, self.axes_center = size, center
        axes = self.build_axes()
        self.axes = axes
        ex = self.example
        x_obs, y_obs = ex.observation
        labels = self.axis_labels()
        corner_label(axes, labels[1])
        return dict(
            axes=axes, labels=labels,
            curve=polyline(axes, self.fine_x, self.fine_f, palette.AXIS, stroke_width=2, opacity=0.6),
            dots=self.build_dots(self.f0),
            cross=ObservationCross(axes.c2p(x_obs, y_obs)),
            arrows=self.build_arrows(self.f0, self.d),
        )

    def kernel_plot(self, size, center, dot_radius):
        """Kernel axes, label, the GD step's kernel (dots + curve) and the line x = x'."""
        ex = self.example
        lo, hi = ex.x_range
        axes = framed_axes((lo, hi, self.x_tick), self.kernel_y_range, size, center, decimals=1)
        x_obs = ex.observation[0]
        label = ty.math(rf"\tilde k(x, {fmt_g(x_obs)})\,/\,\tilde k({fmt_g(x_obs)}, {fmt_g(x_obs)})",
                        size=ty.CAPTION_SIZE, color=palette.KERNEL_START)
        corner_label(axes, label)
        y_lo, y_hi = self.kernel_y_range[:2]
        obs_line = DashedLine(axes.c2p(x_obs, y_lo), axes.c2p(x_obs, y_hi), color=palette.OBSERVATION,
                              stroke_width=2, dash_length=0.08)
        return dict(
            axes=axes, label=label, obs_line=obs_line,
            dots=dots_at(axes, ex.grid, self.k_grid, dot_radius, palette.KERNEL_START),
            curve=polyline(axes, self.fine_x, self.finite_fine[0], palette.KERNEL_START),
        )

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        ex = self.example
        x_obs, y_obs = ex.observation
        i = ex.obs_index
        self.compute()
        big_size, big_center = self.axes_size, self.axes_center

        # Step: title card
        self.play_title_card(ex.title, ex.model_spec.latex)

        # Step: the function, a valley and a bump on an offset
        th = ex.theta0
        head = self.heading(ex.title)
        fp = self.function_plot(big_size, big_center)
        self.play(FadeIn(head), FadeIn(fp["axes"]), FadeIn(fp["labels"]), run_time=1.0)
        self.play(Create(fp["curve"]),
                  LaggedStart(*[FadeIn(dot, scale=0.5) for dot in fp["dots"]], lag_ratio=0.05),
                  run_time=1.8)
        self.say(f"Two Gaussians on an offset: a valley centred at θ₁ = {fmt_g(th[0])},\n"
                 f"a bump centred at θ₃ = {fmt_g(th[2])}, offset θ₅ = {fmt_g(th[4])}.")
        self.wait(3.0)

        # Step: the observation and one gradient step
        self.play(FadeIn(fp["cross"], scale=1.5), run_time=0.6)
        self.say(f"We observe y = {fmt_g(y_obs)} at x = {fmt_g(x_obs)}, but f({fmt_g(x_obs)}) = {fmt(self.f0[i], 2)}.\n"
                 f"One gradient step, learning rate {fmt_g(ex.lr)}:")
        self.play(LaggedStart(*[GrowArrow(a) for a in fp["arrows"].values()], lag_ratio=0.03),
                  run_time=1.6)
        self.wait(1.0)
        self.say("Every point moves, and the arrows no longer follow a line:\n"
                 "up most just left of the observation, a little down left of the valley.")
        self.wait(3.0)

        # Step: make room — the function on top, its kernel beneath
        top = self.function_plot(self.stacked_size, self.top_center)
        self.play(*[ReplacementTransform(fp[k], top[k]) for k in ("axes", "labels", "curve", "dots", "cross")],
                  *[ReplacementTransform(fp["arrows"][k], top["arrows"][k]) for k in fp["arrows"]],
                  run_time=1.5)
        self.dots, self.cross, self.arrows = top["dots"], top["cross"], top["arrows"]
        kp = self.kernel_plot(self.stacked_size, self.bottom_center, self.dot_radius)
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
        max_ring = Circle(radius=0.13, color=palette.HIGHLIGHT, stroke_width=4).move_to(
            ka.c2p(self.max_marker_x, k_max))
        max_label = ty.text(f"max at x = {fmt_g(self.max_marker_x)}", size=ty.LABEL_SIZE,
                            color=palette.HIGHLIGHT).next_to(max_ring, LEFT, buff=0.15)
        obs_label = ty.text(f"x′ = {fmt_g(x_obs)}", size=ty.LABEL_SIZE, color=palette.OBSERVATION)
        obs_label.next_to(kp["obs_line"].get_top(), RIGHT, buff=0.1).shift(0.1 * DOWN)
        self.play(Create(max_ring), FadeIn(max_label), FadeIn(obs_label), run_time=0.8)
        self.say(f"The largest move is at x = {fmt_g(self.max_marker_x)}, not at x′ = {fmt_g(x_obs)},\n"
                 "the point we pushed on.")
        self.wait(3.0)

        # Step: (b) negative values: the valley's centre moves left
        fa = self.axes
        y_lo, y_hi = fa.y_range[:2]
        old_line = DashedLine(fa.c2p(self.valley_before, y_lo), fa.c2p(self.valley_before, y_hi),
                              color=palette.MOVED_DOT, stroke_width=2, dash_length=0.06)
        new_line = DashedLine(fa.c2p(self.valley_after, y_lo), fa.c2p(self.valley_after, y_hi),
                              color=palette.HIGHLIGHT, stroke_width=3, dash_length=0.06)
        y_arrow = y_lo + 0.85 * (y_hi - y_lo)
        valley_arrow = Arrow(fa.c2p(self.valley_before, y_arrow), fa.c2p(self.valley_after, y_arrow), buff=0,
                             color=palette.HIGHLIGHT, stroke_width=4, tip_length=0.1,
                             max_tip_length_to_length_ratio=0.6)
        valley_label = ty.text(f"θ₁: {fmt_g(self.valley_before)} → {fmt(self.valley_after, 2)}",
                               size=ty.LABEL_SIZE, color=palette.HIGHLIGHT)
        valley_label.next_to(valley_arrow, LEFT, buff=0.15)
        self.neg_fill = self.negative_lobe(ka)
        neg_label = ty.text("negative", size=ty.LABEL_SIZE, color=palette.HIGHLIGHT)
        neg_label.next_to(self.neg_fill, LEFT, buff=0.15).align_to(ka.zero_line, UP).shift(0.05 * DOWN)
        self.play(FadeIn(old_line), run_time=0.5)
        self.play(ReplacementTransform(old_line.copy(), new_line), GrowArrow(valley_arrow),
                  FadeIn(valley_label), FadeIn(self.neg_fill), FadeIn(neg_label), run_time=1.2)
        self.say(f"Negative near x = {fmt_g(self.neg_x)}: the step moves the valley's centre left,\n"
                 f"from {fmt_g(self.valley_before)} to {fmt(self.valley_after, 2)}, so f drops on its left side.")
        self.wait(4.0)

        # Step: (c) the tails level off at a positive constant: the offset moved too
        left_tail = ty.text(fmt(self.tails[0], 2), size=ty.LABEL_SIZE, color=palette.HIGHLIGHT)
        left_tail.next_to(ka.c2p(ex.x_range[0], self.tails[0]), UP, buff=0.12).align_to(ka.c2p(ex.x_range[0], 0), LEFT).shift(0.3 * RIGHT)
        right_tail = ty.text(fmt(self.tails[1], 2), size=ty.LABEL_SIZE, color=palette.HIGHLIGHT)
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
        moving, big = self.enlarge_kernel_plot(kp, function_mobs + notes, big_size, big_center)
        ka = self.kernel_axes
        eta_label = self.eta_text(self.etas[0], ka)
        self.play(FadeIn(eta_label), run_time=0.5)
        self.say(f"Beyond the post: this step pushed θ along ∇θ f(x′) by η = {fmt(self.etas[0], 3)}.\n"
                 "Now shrink η towards 0.")
        self.wait(2.5)
        for n in range(1, len(self.etas)):
            target = VGroup(dots_at(ka, ex.grid, self.finite_grid[n], self.dot_radius, palette.KERNEL_START),
                            polyline(ka, self.fine_x, self.finite_fine[n], palette.KERNEL_START))
            new_label = self.eta_text(self.etas[n], ka)
            self.play(ReplacementTransform(moving, target), ReplacementTransform(eta_label, new_label),
                      run_time=1.0)
            moving, eta_label = target, new_label
            self.wait(0.4)
        self.ntk_dots = dots_at(ka, ex.grid, self.ntk_grid, self.dot_radius, palette.NTK_EXACT)
        self.ntk_curve = polyline(ka, self.fine_x, self.ntk_fine, palette.NTK_EXACT)
        exact = VGroup(self.ntk_dots, self.ntk_curve)
        exact_label = self.eta_text(None, ka)
        ntk_label = ty.math(rf"k(x, {fmt_g(x_obs)})\,/\,k({fmt_g(x_obs)}, {fmt_g(x_obs)})",
                            size=ty.CAPTION_SIZE, color=palette.NTK_EXACT)
        ntk_label.next_to(big["label"], DOWN, buff=0.15, aligned_edge=LEFT)
        self.play(ReplacementTransform(moving, exact), ReplacementTransform(eta_label, exact_label),
                  FadeIn(ntk_label), run_time=1.2)
        ntk_max = float(np.max(self.ntk_grid))
        ntk_ring = Circle(radius=0.13, color=palette.NTK_EXACT, stroke_width=4).move_to(
            ka.c2p(self.ntk_max_x, ntk_max))
        ntk_max_label = ty.text(f"max at x = {fmt_g(self.ntk_max_x)}", size=ty.LABEL_SIZE,
                                color=palette.NTK_EXACT).next_to(ntk_ring, UP, buff=0.2)
        ntk_max_label.align_to(ntk_ring, RIGHT)   # stay left of the dashed line at x'
        self.play(Create(ntk_ring), FadeIn(ntk_max_label), run_time=0.6)
        self.say(f"As η → 0 the curve becomes the exact NTK k(x, {fmt_g(x_obs)}) / k({fmt_g(x_obs)}, {fmt_g(x_obs)}),\n"
                 f"with its maximum at x = {fmt_g(self.ntk_max_x)}; the post's step (faint) is a finite η.")
        self.wait(4.0)

    def enlarge_kernel_plot(self, kp, fade, size, center):
        """Fade ``fade`` out, grow the kernel plot ``kp`` to ``size`` at ``center``, and leave the
        step's kernel as a faint reference.  Returns (a copy of its dots and curve, to morph; the
        new plot's parts)."""
        self.play(*[FadeOut(m) for m in fade], run_time=0.8)
        big = self.kernel_plot(size, center, self.dot_radius)
        self.play(*[ReplacementTransform(kp[k], big[k]) for k in ("axes", "label", "obs_line", "dots", "curve")],
                  run_time=1.2)
        self.kernel_axes, self.kernel_dots, self.kernel_curve = big["axes"], big["dots"], big["curve"]
        moving = VGroup(self.kernel_dots.copy(), self.kernel_curve.copy())
        self.add(moving)
        self.play(self.kernel_dots.animate.set_opacity(0.3), self.kernel_curve.animate.set_stroke(opacity=0.3),
                  run_time=0.5)
        return moving, big

    def eta_text(self, eta, axes):
        """The η label in the kernel plot's upper right; ``None`` means the exact NTK."""
        lo, hi = self.example.x_range
        if eta is None:
            mob = ty.text("η → 0: exact NTK", size=ty.CAPTION_SIZE, color=palette.NTK_EXACT)
        else:
            mob = ty.text(f"η = {fmt(eta, 3)}", size=ty.CAPTION_SIZE, color=palette.KERNEL_START)
        return mob.next_to(axes.c2p(hi, self.kernel_y_range[0]), UP + LEFT, buff=0.25)

    def negative_lobe(self, axes):
        """The area between y = 0 and the step's kernel curve where the kernel is negative."""
        k = self.finite_fine[0]
        neg = np.flatnonzero(k < 0)
        xs, ys = self.fine_x[neg], k[neg]
        corners = [axes.c2p(xs[0], 0)] + [axes.c2p(x, y) for x, y in zip(xs, ys)] + [axes.c2p(xs[-1], 0)]
        return Polygon(*corners, stroke_width=0, fill_color=palette.HIGHLIGHT, fill_opacity=0.35)
