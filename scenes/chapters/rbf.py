"""Chapter 5 — Example 4: a tiny RBF network.  The kernel is no longer a line: it peaks off x',
dips below zero and levels off at a positive constant; as the step shrinks it becomes the NTK.

Render:  manim -pql scenes/ch5_rbf.py RBFNetwork
"""

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UL, UP, UR, Arrow, Circle, Create, DashedLine, FadeIn, LaggedStart, Polygon,
    ReplacementTransform, VGroup,
)

import ntkcore
from ntkcore.facts import kernel_peak
from ntkcore.step_facts import offset_move, push_is_exact

from scenes.base import ExampleScene
from scenes.components.kernel_morph import KernelMorph, morph_into
from scenes.formatting import fmt, fmt_g, signed
from scenes.layout import free_spot, leader, plot_box, sample_points


class RBFNetwork(ExampleScene):
    example_name = "rbf"
    y_range = (38, 56, 2)                 # f lies in 40–55 here; the base widens it if needed
    kernel_y_range = (-0.5, 1.5, 0.25)   # normalized kernel units
    axes_size = (11.0, 4.6)              # the one big plot: f first, the kernel at the end; low
    axes_center = (0.4, 0.3, 0.0)        # enough that two caption lines clear its x numbers

    # Layout: two stacked plots, f on top (tall enough for its arrows), the moves / kernel beneath.
    top_size = (10.6, 2.4)
    top_center = (0.55, 1.75, 0.0)
    bottom_size = (10.6, 2.1)
    bottom_center = (0.55, -1.15, 0.0)

    # ------------------------------------------------------------------ the numbers
    def compute(self):
        """The facts this chapter states, read from the numbers before any animation."""
        ex, km = self.example, self.morph
        x_obs, y_obs = ex.observation
        theta_new = np.asarray(ntkcore.gd_step(ex.f, ex.theta, x_obs, y_obs, ex.lr))
        theta_old = np.asarray(ex.theta)
        self.valley_before, self.valley_after = float(theta_old[0]), float(theta_new[0])
        self.offset_before, self.offset_after = float(theta_old[4]), float(theta_new[4])
        d = km.d
        self.d_obs = float(d[ex.obs_index])
        self.d_max_x, self.d_min_x = float(ex.grid[np.argmax(d)]), float(ex.grid[np.argmin(d)])
        self.d_min = float(d.min())
        self.down_xs = ex.grid[d < 0]                 # the arrows that point down
        # The GD step's kernel on the grid, and its shape facts.
        self.k_grid = km.k_grid
        self.max_marker_x = float(ex.grid[np.argmax(self.k_grid)])
        self.neg_x = float(ex.grid[np.argmin(self.k_grid)])
        self.tails = (float(self.k_grid[0]), float(self.k_grid[-1]))
        self.ntk_max_x = float(ex.grid[np.argmax(km.sweep.ntk_grid)])
        # Where the drawn smooth curves peak (between whole numbers: ≈ 7.3 and ≈ 7.7, while the
        # dots peak at 7 and 8)
        self.step_peak = kernel_peak(ex.f, ex.theta, x_obs, ex.x_range, eta=km.etas[0])   # (x*, k*)
        self.ntk_peak = kernel_peak(ex.f, ex.theta, x_obs, ex.x_range)
        # The offset θ₅'s share of the step: Δθ₅, and the level Δθ₅ / Δf(x′) the tails approach
        self.offset_step, self.offset_level = offset_move(ex, 4)
        # Examples 2–3 were linear in θ (every push moves f by exactly η·k: k̃ = k); this one is not
        self.linear_before = all(
            push_is_exact(e.f, e.theta, e.grid, e.observation[0])
            for e in (self.example_for("linear"), self.example_for("reparametrized")))
        self.linear_now = push_is_exact(ex.f, ex.theta, ex.grid, x_obs)

    def kernel_axes_at(self, size, center):
        """The normalized kernel's axes (``kernel_y_range``) at ``size``/``center``."""
        lo, hi = self.example.x_range
        return self.framed((lo, hi, self.x_tick), self.kernel_y_range, size, center, decimals=1)

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        ex = self.example
        x_obs, y_obs = ex.observation
        x_s, y_s = fmt_g(x_obs), fmt_g(y_obs)
        i = ex.obs_index
        km = self.morph = KernelMorph(self, self.kernel_axes_at, finite_color=self.theme.arrow)   # k̃ = Δf/η: red
        self.compute()
        th = ex.theta0
        big_size, big_center = self.axes_size, self.axes_center

        # Step: title card
        if self.linear_before and not self.linear_now:
            opener = "Examples 2–3 were linear in θ, so k̃ = k. Not this one:"
            opener_words = ("Examples 2 and 3 were linear in their parameters, so every push, however "
                            "large, gave exactly the kernel: k tilde equalled k. This tiny radial-basis-"
                            "function network is nonlinear in its parameters, so the two now differ, ")
        else:   # a settings file may change the examples
            opener = "A tiny radial-basis-function network:"
            opener_words = "A tiny radial-basis-function network, "
        self.play_title_card(
            ex.title, ex.model_spec.latex,
            bridge=f"{opener}\nit is nonlinear, and the kernel is no longer a line.\n"
                   "Read centre-first (θ₁, θ₃ centres); the post prints it amplitude-first.",
            narration=opener_words + "and its kernel is no longer a line. A note on the formula: we read it "
                      "centre-first, theta one and theta three are the centres of the two Gaussians and "
                      "theta two and theta four their heights. The post prints it amplitude-first, but "
                      "only this reading gives the post's own pictures.")

        # Step: the function, a valley and a bump on an offset
        head = self.heading(ex.title)
        fp = km.function_plot(big_size, big_center)
        x_hi = ex.x_range[1]
        off_chart = th[2] > x_hi or th[2] < ex.x_range[0]   # the bump's centre beyond the drawn x range
        right = th[2] > x_hi
        where = ((f" (off the chart, x ≤ {fmt_g(x_hi)})" if right else f" (off the chart, x ≥ {fmt_g(ex.x_range[0])})")
                 if off_chart else "")
        where_words = f", off the {'right' if right else 'left'} edge of the chart" if off_chart else ""
        with self.step(f"A valley θ₂ = {fmt_g(th[1])} centred at θ₁ = {fmt_g(th[0])}, a bump θ₄ = "
                       f"{fmt_g(th[3])}\ncentred at θ₃ = {fmt_g(th[2])}{where}, on an offset θ₅ = {fmt_g(th[4])}.",
                       narration=f"f is a Gaussian valley of depth {fmt_g(-th[1])} centred at theta one "
                                 f"= {fmt_g(th[0])}, plus a Gaussian bump of height {fmt_g(th[3])} centred at "
                                 f"theta three = {fmt_g(th[2])}{where_words}, "
                                 f"all on an offset theta "
                                 f"five = {fmt_g(th[4])}. The dots are f at the whole numbers."):
            self.play(FadeIn(head), FadeIn(fp["axes"]), FadeIn(fp["labels"]), run_time=1.0)
            self.play(Create(fp["curve"]),
                      LaggedStart(*[FadeIn(dot, scale=0.5) for dot in fp["dots"]], lag_ratio=0.05),
                      run_time=1.8)

        # Step: the observation and one gradient step
        with self.step(f"We observe y = {y_s} at x = {x_s}, but f({x_s}) = {fmt(km.f0[i], 2)}.\n"
                       f"One gradient step (learning rate {fmt_g(ex.lr)}) moves every f(x):",
                       narration=f"We observe y = {y_s} at x = {x_s}, where the model says "
                                 f"{fmt(km.f0[i], 2)}. One gradient step on the squared error, learning "
                                 f"rate {fmt_g(ex.lr)}, moves f at x = {x_s}, and every other f(x) with it: "
                                 "the red arrows."):
            self.play(FadeIn(fp["cross"], scale=1.5), run_time=0.6)
            km.grow_arrows(fp["arrows"])

        # Step: make room — f on top, its arrows stood on y = 0 beneath (magnified)
        top = km.function_plot(self.top_size, self.top_center)
        down = self.down_xs
        if len(down):
            down_caption = (f"down for x = {fmt_g(down[0])} … {fmt_g(down[-1])}, "
                            f"lowest {signed(self.d_min, 2)} at x = {fmt_g(self.d_min_x)}.")
            down_words = (f"and from x = {fmt_g(down[0])} to {fmt_g(down[-1])} f moves down, by up to "
                          f"{fmt(-self.d_min, 2)} at x = {fmt_g(self.d_min_x)}.")
        else:   # a settings file may move every dot up
            down_caption = f"none down; smallest {signed(self.d_min, 2)} at x = {fmt_g(self.d_min_x)}."
            down_words = f"and no f(x) moves down; the smallest move is {fmt(self.d_min, 2)}."
        with self.step(f"Stand every arrow on y = 0, on its own scale: up most at x = {fmt_g(self.d_max_x)},\n"
                       + down_caption,
                       narration=f"The arrows are short next to f, so stand each one on y = 0, on a scale of "
                                 f"its own: "
                                 f"this is delta f of x. The largest move is up, at x = {fmt_g(self.d_max_x)}, "
                                 f"not at the observation; {down_words} These moves no longer follow a line."):
            self.play(*[morph_into(self, fp[k], top[k]) for k in ("axes", "labels", "curve", "dots", "cross")],
                      *[morph_into(self, fp["arrows"][k], top["arrows"][k]) for k in fp["arrows"]],
                      run_time=1.5)
            self.dots, self.cross, self.arrows = top["dots"], top["cross"], top["arrows"]
            mp = km.play_line_up(self.arrows, self.bottom_size, self.bottom_center)
        # as drawn (the divide step morphs these arrows into the kernel's)
        self.move_axes, self.move_arrows = mp["axes"], {k: a.copy() for k, a in mp["arrows"].items()}

        # Step: divide by the move at x': the step's kernel
        with self.step(f"Divide every move by the one at x′ = {x_s} ({signed(self.d_obs, 2)}):\n"
                       "the finite-step kernel of this step, 1 at x′.",
                       narration=f"Divide every move by the move at x prime = {x_s}, which is "
                                 f"{fmt(self.d_obs, 2)}. What is left is the kernel of this step: how much "
                                 f"f(x) moves when f({x_s}) moves by 1. It is 1 at x prime by construction."):
            kp = km.play_divide(mp, self.bottom_size, self.bottom_center, self.dot_radius)
            self.kernel_axes, self.kernel_dots, self.kernel_curve = kp["axes"], kp["dots"], kp["curve"]
        ka = self.kernel_axes
        kernel_avoid = sample_points([kp["curve"], *kp["dots"], kp["obs_line"], kp["label"]])

        # Step: (a) the maximum is not at x'
        peak_x, peak_k = self.step_peak
        peak_s = fmt(peak_x, 1)
        max_ring = Circle(radius=0.13, color=self.theme.highlight, stroke_width=4).move_to(ka.c2p(peak_x, peak_k))
        max_label = self.ty.text(f"max ≈ {peak_s}", size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        free_spot(max_label, max_ring, [LEFT, UL, UP, UR], kernel_avoid, plot_box(ka), buffs=(0.3, 0.5, 0.8))
        max_text = max_label
        max_label = VGroup(max_text, leader(max_text, max_ring.get_center(), self.theme.highlight, min_gap=0.35))
        obs_label = self.ty.text(f"x′ = {x_s}", size=self.ty.LABEL_SIZE, color=self.theme.observation)
        obs_label.next_to(kp["obs_line"].get_top(), RIGHT, buff=0.12).shift(0.15 * DOWN)
        with self.step(f"The curve peaks at x ≈ {peak_s} (of the dots, x = {fmt_g(self.max_marker_x)}),\n"
                       f"not at x′ = {x_s}, the point we pushed on.",
                       narration=f"The curve peaks at x of about {peak_s}, at {fmt(peak_k, 2)}; of the dots, the "
                                 f"highest is at x = {fmt_g(self.max_marker_x)}. A step that pushes on f({x_s}) "
                                 f"moves f near {peak_s} more than f({x_s}) itself."):
            self.play(Create(max_ring), FadeIn(max_label), FadeIn(obs_label), run_time=0.8)

        # Step: (b) negative values: the valley's centre moves left
        fa = self.axes
        y_lo, y_hi = fa.y_range[:2]
        old_line = DashedLine(fa.c2p(self.valley_before, y_lo), fa.c2p(self.valley_before, y_hi),
                              color=self.theme.moved_dot, stroke_width=2, dash_length=0.06)
        new_line = DashedLine(fa.c2p(self.valley_after, y_lo), fa.c2p(self.valley_after, y_hi),
                              color=self.theme.highlight, stroke_width=3, dash_length=0.06)
        y_arrow = y_lo + 0.8 * (y_hi - y_lo)
        valley_arrow = Arrow(fa.c2p(self.valley_before, y_arrow), fa.c2p(self.valley_after, y_arrow), buff=0,
                             color=self.theme.highlight, stroke_width=7, tip_length=0.14,
                             max_tip_length_to_length_ratio=0.6)
        valley_label = self.ty.text(f"θ₁: {fmt_g(self.valley_before)} → {fmt(self.valley_after, 2)}",
                                    size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        top_avoid = sample_points([top["curve"], *self.dots, old_line, new_line, valley_arrow, top["labels"],
                                   *self.arrows.values()])
        free_spot(valley_label, valley_arrow, [LEFT, UL, UR, RIGHT], top_avoid, plot_box(fa), buffs=(0.3, 0.5))
        self.neg_fill = self.negative_lobe(ka)
        neg_label = self.ty.text("negative", size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        neg_label.next_to(self.neg_fill, LEFT, buff=0.25).align_to(ka.zero_line, UP).shift(0.08 * DOWN)
        with self.step(f"Negative near x = {fmt_g(self.neg_x)}: the step moves the valley's centre θ₁\n"
                       f"left, from {fmt_g(self.valley_before)} to {fmt(self.valley_after, 2)}, "
                       "so f drops on its left side.",
                       narration=f"Below zero near x = {fmt_g(self.neg_x)}: pushing f({x_s}) up pulls f down "
                                 f"there. The step moves the valley's centre, theta one, left from "
                                 f"{fmt_g(self.valley_before)} to {fmt(self.valley_after, 2)}, so the valley's "
                                 "left wall moves left and f drops just left of the valley."):
            self.play(FadeIn(old_line), run_time=0.5)
            self.play(ReplacementTransform(old_line.copy(), new_line), Create(valley_arrow),
                      FadeIn(valley_label), FadeIn(self.neg_fill), FadeIn(neg_label), run_time=1.2)

        self.notes = dict(max_ring=max_ring, max_text=max_text, step_axes=ka, valley_lines=(old_line, new_line),
                          valley_arrow=valley_arrow, valley_label=valley_label)

        # Step: (c) the tails level off at a positive constant: the offset moved too
        left_tail = self.ty.text(fmt(self.tails[0], 2), size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        left_tail.next_to(ka.c2p(ex.x_range[0], self.tails[0]), UP, buff=0.15).align_to(
            ka.c2p(ex.x_range[0], 0), LEFT).shift(0.3 * RIGHT)
        right_tail = self.ty.text(fmt(self.tails[1], 2), size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        right_tail.next_to(ka.c2p(ex.x_range[1], self.tails[1]), UP, buff=0.15).align_to(ka.frame_x, RIGHT)
        d5_s, level_s, obs_s = fmt(self.offset_step, 2), fmt(self.offset_level, 2), fmt(self.d_obs, 2)
        with self.step(f"Both tails stay positive ({fmt(self.tails[0], 2)} and {fmt(self.tails[1], 2)}): θ₅ rose "
                       f"{fmt_g(self.offset_before)} → {fmt(self.offset_after, 2)},\n"
                       f"lifting f by {d5_s} everywhere, and {d5_s} / {obs_s} = {level_s}.",
                       narration=f"Far from both Gaussians the kernel levels off at {fmt(self.tails[0], 2)} and "
                                 f"{fmt(self.tails[1], 2)}, not at zero: the step also raises the offset theta "
                                 f"five, from {fmt_g(self.offset_before)} to {fmt(self.offset_after, 2)}, which "
                                 f"lifts f by {d5_s} at every x. Divided by the move at x prime, {obs_s}, that "
                                 f"is {level_s}: the level of the tails."):
            self.play(FadeIn(left_tail), FadeIn(right_tail), run_time=0.6)

        # Step: beyond the post — only the kernel, full size, with the step's η
        function_mobs = [top[k] for k in ("axes", "labels", "curve", "dots", "cross")] + list(self.arrows.values())
        notes = [old_line, new_line, valley_arrow, valley_label, max_ring, max_label, obs_label,
                 self.neg_fill, neg_label, left_tail, right_tail]
        eta_s = fmt(km.etas[0], 3)
        with self.step(f"Beyond the post: this step pushed θ along the gradient\n"
                       f"of f(x′) by η = {eta_s}. Now shrink η towards 0.",
                       narration=f"Beyond the post. This gradient step moved theta along the gradient of "
                                 f"f({x_s}), by eta = {eta_s}. The kernel of a step depends on how far we push. "
                                 "Let us shrink the push towards zero."):
            moving, big = km.enlarge(kp, function_mobs + notes, big_size, big_center)
            self.kernel_axes, self.kernel_dots, self.kernel_curve = big["axes"], big["dots"], big["curve"]
            big_obs_label = self.ty.text(f"x′ = {x_s}", size=self.ty.LABEL_SIZE, color=self.theme.observation)
            big_obs_label.next_to(big["obs_line"].get_bottom(), RIGHT + UP, buff=0.12)
            self.play(FadeIn(big_obs_label), run_time=0.4)
            eta_label = km.show_eta(big)
        ka = self.kernel_axes

        # Step: shrink η
        smaller = ", ".join(fmt(e, 3) for e in km.etas[1:])
        with self.step(f"η = {smaller}:\neach smaller push changes the curve less.",
                       narration=f"Eta = {smaller}. Each time the curve moves less: it settles on a limit."):
            moving, eta_label = km.play_shrink(moving, big, eta_label)

        # Step: η → 0, the exact NTK
        ntk_x, ntk_k = self.ntk_peak
        ntk_s = fmt(ntk_x, 1)
        ntk_ring = Circle(radius=0.13, color=self.theme.ntk_exact, stroke_width=4).move_to(ka.c2p(ntk_x, ntk_k))
        ntk_max_label = self.ty.text(f"max ≈ {ntk_s}", size=self.ty.LABEL_SIZE, color=self.theme.ntk_exact)
        with self.step(f"As η → 0: the exact NTK k(x, {x_s}) / k({x_s}, {x_s}), max at x ≈ {ntk_s};\n"
                       f"the faint red curve is the post's finite step (max ≈ {peak_s}).",
                       narration=f"In the limit eta to zero the curve is the exact neural tangent kernel, k of x "
                                 f"and {x_s}, over k of {x_s} and {x_s}, with its maximum at x of about {ntk_s}. "
                                 f"The faint red curve is the post's step, a finite push, which peaks at about "
                                 f"{peak_s}."):
            exact = km.play_exact(moving, big, eta_label)
            self.ntk_dots, self.ntk_curve = exact["dots"], exact["curve"]
            avoid = sample_points([self.ntk_curve, self.kernel_curve, *self.kernel_dots, *self.ntk_dots,
                                   big["obs_line"], big["label"], exact["label"], exact["eta_label"],
                                   big_obs_label])
            free_spot(ntk_max_label, ntk_ring, [UL, UP, LEFT, UR], avoid, plot_box(ka), buffs=(0.25, 0.45, 0.7))
            ntk_max_label.add(leader(ntk_max_label, ntk_ring.get_center(), self.theme.ntk_exact, min_gap=0.35))
            self.play(Create(ntk_ring), FadeIn(ntk_max_label), run_time=0.6)
        self.notes.update(ntk_ring=ntk_ring)

    def negative_lobe(self, axes):
        """The area between y = 0 and the step's kernel curve where the kernel is negative."""
        km = self.morph
        k = km.sweep.finite_fine[0]
        neg = np.flatnonzero(k < 0)
        xs, ys = km.fine_x[neg], k[neg]
        corners = [axes.c2p(xs[0], 0)] + [axes.c2p(x, y) for x, y in zip(xs, ys)] + [axes.c2p(xs[-1], 0)]
        return Polygon(*corners, stroke_width=0, fill_color=self.theme.highlight, fill_opacity=0.35)
