"""Chapter 5 — Example 4: a tiny RBF network.  The kernel is no longer a line: it peaks off x',
dips below zero and levels off at a positive constant; as the push ε shrinks it becomes the NTK.
The lesson: a nonlinear model gives a bumpy, non-local, partly negative kernel.

We read the post's formula centre-first (θ₁, θ₃ the Gaussians' centres; the post prints each
amplitude first): said once, on the function step.

Render:  manim -pql scenes/chapters/rbf.py RBFNetwork
"""

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UL, UP, UR, Arrow, Circle, Create, DashedLine, FadeIn, FadeOut, Indicate, LaggedStart,
    Polygon, ReplacementTransform, VGroup,
)

import ntkcore
from ntkcore.facts import kernel_peak
from ntkcore.step_facts import offset_move, push_is_exact

from scenes.base import ExampleScene
from scenes.components.kernel_morph import KernelMorph, morph_into
from scenes.formatting import fmt, fmt_g, signed
from scenes.layout import covered_points, first_free, free_spot, leader, plot_box, sample_points


class RBFNetwork(ExampleScene):
    example_name = "rbf"
    y_range = (38, 56, 2)                 # f lies in 40–55 here; the base widens it if needed
    kernel_y_range = (-0.5, 1.5, 0.25)   # normalized kernel units
    axes_size = (10.2, 4.4)              # the one big plot: f first, the kernel at the end, inside
    axes_center = (0.35, 0.35, 0.0)      # the title-safe area, clear of two caption lines

    # Layout: two stacked plots, f on top (tall enough for its arrows), the moves / kernel beneath.
    top_size = (10.2, 2.1)
    top_center = (0.35, 1.8, 0.0)
    bottom_size = (10.2, 2.0)
    bottom_center = (0.35, -0.85, 0.0)

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
        km = self.morph = KernelMorph(self, self.kernel_axes_at, finite_color=self.theme.arrow)   # k̃ = Δf/ε: red
        km.pace = 0.5
        self.compute()
        th = ex.theta0
        big_size, big_center = self.axes_size, self.axes_center

        # Step: title card
        # (Examples 2–3 were linear in θ: the contrast, unless a settings file changed the examples)
        contrast = self.linear_before and not self.linear_now
        self.play_title_card(ex.model_spec.latex, variant=None if contrast else "no_contrast")

        # Step: the function, a valley and a bump on an offset; its parameters where they act
        head = self.heading(self.script.chapter["title"])
        fp = km.function_plot(big_size, big_center)
        lo, hi = ex.x_range
        # where the bump's centre is: beyond the chart's right edge (here), its left edge, or on it
        where = None if th[2] > hi else "off_left" if th[2] < lo else "on_chart"
        self.function_labels = self.parameter_labels(fp, where)
        with self.step("function", where, theta1=fmt_g(th[0]), theta3=fmt_g(th[2]), theta4=fmt_g(th[3]),
                       theta5=fmt_g(th[4]), depth=fmt_g(-th[1])):
            self.play(FadeIn(head), FadeIn(fp["axes"]), FadeIn(fp["labels"]), run_time=0.6)
            self.play(Create(fp["curve"]),
                      LaggedStart(*[FadeIn(dot, scale=0.5) for dot in fp["dots"]], lag_ratio=0.05),
                      run_time=1.2)
            self.play(FadeIn(VGroup(*self.function_labels.values())), run_time=0.5)

        # Step: the observation and one gradient step
        obs_label = self.ty.text(self.label("observation", x=x_s, y=y_s), size=self.ty.LABEL_SIZE,
                                 color=self.theme.observation)
        f_label = self.ty.text(self.label("f_at", x=x_s, f=fmt(km.f0[i], 2)), size=self.ty.LABEL_SIZE)
        avoid = sample_points([fp["curve"], *fp["dots"], fp["cross"], *fp["arrows"].values(), fp["labels"]])
        free_spot(obs_label, fp["cross"], [UR, UP, UL], avoid, plot_box(self.axes), buffs=(0.15, 0.4))
        free_spot(f_label, fp["dots"][i], [DOWN + RIGHT, RIGHT, DOWN], np.vstack([avoid, sample_points([obs_label])]),
                  plot_box(self.axes), buffs=(0.2, 0.4))
        self.obs_labels = (obs_label, f_label)
        with self.step("observation", x=x_s, y=y_s, f=fmt(km.f0[i], 2), lr=fmt_g(ex.lr)):
            self.play(FadeOut(VGroup(*self.function_labels.values())), FadeIn(fp["cross"], scale=1.5),
                      FadeIn(obs_label), FadeIn(f_label), run_time=0.5)
            km.grow_arrows(fp["arrows"], run_time=1.0)

        # Step: the arrows stood on y = 0 beneath f (magnified), then divided by the one at x′
        top = km.function_plot(self.top_size, self.top_center)
        with self.step("divide", move_size=fmt(self.d_obs, 2)):
            self.play(FadeOut(obs_label), FadeOut(f_label),
                      *[morph_into(self, fp[k], top[k]) for k in ("axes", "labels", "curve", "dots", "cross")],
                      *[morph_into(self, fp["arrows"][k], top["arrows"][k]) for k in fp["arrows"]],
                      run_time=0.8)
            self.dots, self.cross, self.arrows = top["dots"], top["cross"], top["arrows"]
            mp = km.play_line_up(self.arrows, self.bottom_size, self.bottom_center)
            # as drawn (the division morphs these arrows into the kernel's)
            self.move_axes, self.move_arrows = mp["axes"], {k: a.copy() for k, a in mp["arrows"].items()}
            move_label = self.ty.text(signed(self.d_obs, 2), size=self.ty.LABEL_SIZE, color=self.theme.arrow)
            move_label.next_to(mp["arrows"][i].get_end(), RIGHT, buff=0.12)
            self.move_label = move_label
            self.play(FadeIn(move_label), run_time=0.3)
            self.remove(move_label)
            mp["axes"].add(move_label)   # leaves with the Δf plot when the moves are divided
            kp = km.play_divide(mp, self.bottom_size, self.bottom_center, self.dot_radius)
            self.kernel_axes, self.kernel_dots, self.kernel_curve = kp["axes"], kp["dots"], kp["curve"]
        ka = self.kernel_axes
        kernel_avoid = sample_points([kp["curve"], *kp["dots"], kp["obs_line"], kp["label"]])

        # Step: (a) the maximum is not at x'
        peak_x, peak_k = self.step_peak
        peak_s = fmt(peak_x, 1)
        max_ring = Circle(radius=0.13, color=self.theme.highlight, stroke_width=4).move_to(ka.c2p(peak_x, peak_k))
        max_label = self.ty.text(self.label("max_near", x=peak_s), size=self.ty.LABEL_SIZE,
                                 color=self.theme.highlight)
        free_spot(max_label, max_ring, [LEFT, UL, UP, UR], kernel_avoid, plot_box(ka), buffs=(0.3, 0.5, 0.8))
        max_text = max_label
        max_label = VGroup(max_text, leader(max_text, max_ring.get_center(), self.theme.highlight, min_gap=0.35))
        obs_label = self.ty.text(f"x′ = {x_s}", size=self.ty.LABEL_SIZE, color=self.theme.observation)
        obs_label.next_to(kp["obs_line"].get_top(), RIGHT, buff=0.12).shift(0.15 * DOWN)
        with self.step("peak", peak=peak_s):
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
        self.neg_fill = self.negative_lobe(ka, km.sweep.finite_fine[0])
        neg_label = self.ty.text(self.label("negative"), size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        neg_label.next_to(self.neg_fill, LEFT, buff=0.25).align_to(ka.zero_line, UP).shift(0.08 * DOWN)
        with self.step("negative", neg_x=fmt_g(self.neg_x), centre_before=fmt_g(self.valley_before),
                       centre_after=fmt(self.valley_after, 2)):
            self.play(FadeIn(old_line), run_time=0.4)
            self.play(ReplacementTransform(old_line.copy(), new_line), Create(valley_arrow),
                      FadeIn(valley_label), FadeIn(self.neg_fill), FadeIn(neg_label), run_time=1.0)

        self.notes = dict(max_ring=max_ring, max_text=max_text, step_axes=ka, valley_lines=(old_line, new_line),
                          valley_arrow=valley_arrow, valley_label=valley_label)

        # Step: (c) the tails level off at a positive constant: the offset moved too
        left_tail = self.ty.text(fmt(self.tails[0], 2), size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        left_tail.next_to(ka.c2p(ex.x_range[0], self.tails[0]), UP, buff=0.15).align_to(
            ka.c2p(ex.x_range[0], 0), LEFT).shift(0.3 * RIGHT)
        right_tail = self.ty.text(fmt(self.tails[1], 2), size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        right_tail.next_to(ka.c2p(ex.x_range[1], self.tails[1]), UP, buff=0.15).align_to(ka.frame_x, RIGHT)
        d5_s, level_s, obs_s = fmt(self.offset_step, 2), fmt(self.offset_level, 2), fmt(self.d_obs, 2)
        level_label = self.ty.text(self.label("level", lift=d5_s, move=obs_s), size=self.ty.LABEL_SIZE,
                                   color=self.theme.highlight)
        level_label.next_to(ka.c2p(ex.x_range[1], self.tails[1]), DOWN, buff=0.15).align_to(ka.frame_x, RIGHT)
        self.tail_labels = (left_tail, right_tail, level_label)
        with self.step("tails", left=fmt(self.tails[0], 2), right=fmt(self.tails[1], 2),
                       lift=d5_s, move=obs_s, level=level_s):
            self.play(FadeIn(left_tail), FadeIn(right_tail), FadeIn(level_label), run_time=0.6)

        # Step: beyond the post — only the kernel, full size; shrink the push ε
        function_mobs = [top[k] for k in ("axes", "labels", "curve", "dots", "cross")] + list(self.arrows.values())
        notes = [old_line, new_line, valley_arrow, valley_label, max_ring, max_label, obs_label,
                 self.neg_fill, neg_label, left_tail, right_tail, level_label]
        with self.step("beyond", x=x_s, eps=fmt(km.etas[0], 3)):
            moving, big = km.enlarge(kp, function_mobs + notes, big_size, big_center)
            self.kernel_axes, self.kernel_dots, self.kernel_curve = big["axes"], big["dots"], big["curve"]
            big_obs_label = self.ty.text(f"x′ = {x_s}", size=self.ty.LABEL_SIZE, color=self.theme.observation)
            big_obs_label.next_to(big["obs_line"].get_bottom(), RIGHT + UP, buff=0.12)
            self.play(FadeIn(big_obs_label), run_time=0.3)
            eta_label = km.show_eta(big)
            moving, eta_label = km.play_shrink(moving, big, eta_label)
        ka = self.kernel_axes

        # Step: ε → 0, the exact NTK
        ntk_x, ntk_k = self.ntk_peak
        ntk_s = fmt(ntk_x, 1)
        ntk_ring = Circle(radius=0.13, color=self.theme.ntk_exact, stroke_width=4).move_to(ka.c2p(ntk_x, ntk_k))
        ntk_max_label = self.ty.text(self.label("max_near", x=ntk_s), size=self.ty.LABEL_SIZE,
                                     color=self.theme.ntk_exact)
        with self.step("exact", ntk_peak=ntk_s, peak=peak_s):
            exact = km.play_exact(moving, big, eta_label)
            self.ntk_dots, self.ntk_curve = exact["dots"], exact["curve"]
            avoid = sample_points([self.ntk_curve, self.kernel_curve, *self.ntk_dots,
                                   big["obs_line"], big["label"], exact["label"], exact["eta_label"],
                                   big_obs_label])
            free_spot(ntk_max_label, ntk_ring, [UL, UP, LEFT, UR], avoid, plot_box(ka), buffs=(0.25, 0.45, 0.7))
            ntk_max_label.add(leader(ntk_max_label, ntk_ring.get_center(), self.theme.ntk_exact, min_gap=0.35))
            self.play(Create(ntk_ring), FadeIn(ntk_max_label), run_time=0.6)
        self.notes.update(ntk_ring=ntk_ring)

        # Step (lesson): bumpy, non-local, partly negative — on the exact NTK
        self.ntk_neg_fill = self.negative_lobe(ka, km.sweep.ntk_fine)
        ntk_neg_label = self.ty.text(self.label("negative"), size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        ntk_neg_label.next_to(self.ntk_neg_fill, DOWN, buff=0.15)
        self.lesson_marks = VGroup(self.ntk_neg_fill, ntk_neg_label)
        with self.step("nonlinear"):
            self.play(FadeIn(self.ntk_neg_fill), FadeIn(ntk_neg_label),
                      self.ntk_curve.animate.set_stroke(width=6), run_time=0.6)
            self.play(Indicate(ntk_ring, color=self.theme.ntk_exact, scale_factor=1.6),
                      Indicate(ntk_neg_label, color=self.theme.highlight), run_time=0.8)

    def parameter_labels(self, fp: dict, where: str | None) -> dict:
        """The function step's labels, each where its parameters act: the valley's centre and depth
        by its bottom, the offset by the level f keeps far from both Gaussians, the bump by the edge
        it lies beyond (or by its top)."""
        ex, th, ax = self.example, self.example.theta0, fp["axes"]
        lo, hi = ex.x_range
        ty, colour = self.ty, self.theme.ink
        valley = ty.text(self.label("valley", centre=fmt_g(th[0]), depth=fmt_g(th[1])), size=ty.LABEL_SIZE,
                         color=colour)
        offset = ty.text(self.label("offset", offset=fmt_g(th[4])), size=ty.LABEL_SIZE, color=colour)
        bump_key = {None: "bump", "off_left": "bump_left", "on_chart": "bump_on"}[where]
        bump = ty.text(self.label(bump_key, centre=fmt_g(th[2]), height=fmt_g(th[3])), size=ty.LABEL_SIZE,
                       color=colour)
        avoid = sample_points([fp["curve"], *fp["dots"], fp["labels"]])
        box = plot_box(ax)
        f = self.morph.fine_f
        bottom = ax.c2p(th[0], float(np.interp(th[0], self.morph.fine_x, f)))
        # inside the valley's cup (60 % of the way down from the offset), else by its bottom
        valley.move_to(ax.c2p(th[0], th[4] + 0.6 * th[1]))
        if covered_points(valley, avoid, pad=0.08) or not inside(valley, box):
            free_spot(valley, bottom, [DOWN, DOWN + LEFT, DOWN + RIGHT, LEFT, RIGHT], avoid, box,
                      buffs=(0.15, 0.3, 0.6))
        avoid = np.vstack([avoid, sample_points([valley])])
        far = lo if where != "off_left" else hi
        free_spot(offset, ax.c2p(far, float(th[4])), [UP + RIGHT, UP + LEFT, DOWN + RIGHT, DOWN + LEFT], avoid,
                  box, buffs=(0.2, 0.4))
        avoid = np.vstack([avoid, sample_points([offset])])
        edge = hi if where is None else lo
        y_lo, y_hi = ax.y_range[:2]
        spots = [(ax.c2p(edge, y_lo + q * (y_hi - y_lo)), LEFT if where is None else RIGHT, 0.15)
                 for q in (0.3, 0.2, 0.4, 0.5, 0.6)]
        first_free(bump, spots, avoid, box)
        return dict(valley=valley, offset=offset, bump=bump)

    def negative_lobe(self, axes, k) -> Polygon:
        """The area between y = 0 and the kernel ``k`` (on the morph's fine x) where it is negative."""
        km = self.morph
        neg = np.flatnonzero(np.asarray(k) < 0)
        xs, ys = km.fine_x[neg], np.asarray(k)[neg]
        corners = [axes.c2p(xs[0], 0)] + [axes.c2p(x, y) for x, y in zip(xs, ys)] + [axes.c2p(xs[-1], 0)]
        return Polygon(*corners, stroke_width=0, fill_color=self.theme.highlight, fill_opacity=0.35)


def inside(mob, box) -> bool:
    """Whether ``mob``'s bounding box lies within ``box`` = (x_min, y_min, x_max, y_max)."""
    (x0, y0, _), (x1, y1, _) = mob.get_corner(DOWN + LEFT), mob.get_corner(UP + RIGHT)
    return box[0] <= x0 and box[1] <= y0 and x1 <= box[2] and y1 <= box[3]
