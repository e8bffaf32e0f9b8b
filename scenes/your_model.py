"""Your own model: three chapters that explain *any* model ``f(theta, x)``.

Write the model as a JAX function, wrap it in an :class:`ntkcore.Example` (θ0, grid, observation,
learning rates) and subclass these chapters with ``example = YOUR_EXAMPLE``; nothing else to
write (see ``examples/tanh_net.py``):

* :class:`ModelArrows`   — the dots of f, the observation, one gradient step as red arrows.
* :class:`ModelKernel`   — that step's finite-step kernel Δf(x)/Δf(x'), then ε → 0: the exact NTK.
* :class:`ModelTraining` — the kernel at every step of gradient ascent on f(x') (needs steps > 0).

Every caption is read off the numbers (largest move, where the kernel peaks, whether it goes
negative...), and the y ranges adapt to the model's values.  The words are in
``scenes/your_model.toml``, one table per class (``[ModelArrows.steps.KEY]``, ``[ModelKernel.labels]``
…); a subclass's step ids are its own name in snake case and the key (``tanh_arrows.observation``),
and its title is its example's.

Render:  manim -pql examples/tanh_net.py TanhArrows
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UL, UP, UR, Circle, Create, FadeIn, GrowArrow, LaggedStart, Polygon, VGroup,
)

import ntkcore
from ntkcore.facts import negative_runs

from scenes.base import ExampleScene
from scenes.components.kernel_morph import KernelMorph
from scenes.components.training import TrainingStory
from scenes.formatting import fmt, fmt_g, signed
from scenes.layout import covered_points, first_free, free_spot, leader, plot_box, sample_points
from scenes.ranges import nice_range
from scenes.widgets import polyline, vertical_marker


def negative_fill(axes, xs, ks, color: str) -> VGroup:
    """The areas between y = 0 and the curve (xs, ks) wherever it is negative (may be empty)."""
    fills = VGroup()
    for a, b in negative_runs(ks):
        corners = ([axes.c2p(xs[a], 0)] + [axes.c2p(x, y) for x, y in zip(xs[a:b + 1], ks[a:b + 1])]
                   + [axes.c2p(xs[b], 0)])
        fills.add(Polygon(*corners, stroke_width=0, fill_color=color, fill_opacity=0.35))
    return fills


def theta_text(theta0, shown: int = 8) -> str:
    """``(3, −4, 0.6, …)``: the first entries of θ0."""
    head = ", ".join(fmt_g(t) for t in theta0[:shown])
    return f"({head}{', …' if len(theta0) > shown else ''})"


# --------------------------------------------------------------------------- the shared base


class UserModelScene(ExampleScene):
    """An ExampleScene for a model of your own: set ``example = ntkcore.Example(...)``.

    The y range of the function plot is chosen from the numbers (f, f + Δf and y), with round
    ticks, so any model fits.
    """

    example_name = None
    y_ticks = 8   # about this many ticks on the function's y axis

    def setup(self):
        if type(self).example is None:
            raise TypeError(f"{type(self).__name__} draws your own model: subclass it and set "
                            "example = ntkcore.Example(...) (see examples/tanh_net.py)")
        super().setup()

    def function_values(self) -> np.ndarray:
        """Every f value the scene draws (the y range is chosen to hold them)."""
        ex = self.example
        return np.concatenate([ex.values(), ex.values() + ex.displacement(), [ex.observation[1]]])

    def display_y_range(self) -> tuple:
        return nice_range(self.function_values(), ticks=self.y_ticks)



# --------------------------------------------------------------------------- chapter: the arrows


class ModelArrows(UserModelScene):
    """One gradient step on (f(x') − y)² for your model: a red arrow at every x."""

    fine_samples = 181
    axes_size = (10.2, 4.4)          # inside the title-safe area, clear of two caption lines
    axes_center = (0.35, 0.35, 0.0)

    def construct(self):
        ex = self.example
        x_obs, y_obs = ex.observation
        i = ex.obs_index
        xs, f0, d = ex.grid, ex.values(), ex.displacement()
        lo, hi = ex.x_range
        fine_x = np.linspace(lo, hi, self.fine_samples)
        self.curve = polyline(self.axes, fine_x, np.asarray(ntkcore.values(ex.f, ex.theta, fine_x)),
                              self.theme.axis, stroke_width=1.5)
        self.arrows = self.build_arrows(f0, d)
        tol = 1e-9
        self.i_up = int(np.argmax(d)) if d.max() > tol else None
        self.i_down = int(np.argmin(d)) if d.min() < -tol else None
        i_big = int(np.argmax(np.abs(d)))
        x_s, y_s = fmt_g(x_obs), fmt_g(y_obs)

        # Step: title card
        self.play_title_card(ex.model_spec.latex or None, title=ex.title)

        # Step: the model at θ0, as dots on the grid
        head = self.heading(ex.title)
        with self.step("model", theta0=theta_text(ex.theta0), n=len(ex.theta0), lo=fmt_g(lo), lo_next=fmt_g(lo + 1),
                       hi=fmt_g(hi)):
            self.play(FadeIn(head), FadeIn(self.axes), FadeIn(self.axis_labels()), run_time=1.0)
            self.play(Create(self.curve),
                      LaggedStart(*[FadeIn(dot, scale=0.5) for dot in self.dots], lag_ratio=0.05), run_time=1.8)

        # Step: the observation
        obs_label = self.ty.text(self.label("observation", x=x_s, y=y_s), size=self.ty.LABEL_SIZE,
                                 color=self.theme.observation)
        free_spot(obs_label, self.cross, [UP, DOWN, LEFT, RIGHT],
                  sample_points([*self.dots, self.curve]), plot_box(self.axes))
        with self.step("observation", x=x_s, y=y_s, f=fmt(f0[i], 1)):
            self.play(FadeIn(self.cross, scale=1.5), FadeIn(obs_label), run_time=0.8)

        # Step: one gradient step: a red arrow at every x that moves
        lr_s = fmt_g(ex.lr)
        lr_text = self.ty.text(self.label("learning_rate", lr=lr_s), size=self.ty.CAPTION_SIZE)
        lr_text.to_corner(UR, buff=0.3).align_to(head, DOWN)
        with self.step("gradient_step", x=x_s, y=y_s, lr=lr_s):
            self.play(FadeIn(lr_text, shift=0.1 * DOWN), run_time=0.6)
            self.play(LaggedStart(*[GrowArrow(a) for a in self.arrows.values()], lag_ratio=0.06), run_time=2.0)

        # Step: the largest moves up and down, labelled
        moved = np.array([self.c2p(x, y) for x, y in zip(xs, f0 + d)])   # where the dots will go
        avoid = np.vstack([sample_points([*self.dots, self.curve, *self.arrows.values(), self.cross, obs_label]),
                           moved])
        self.move_labels = VGroup()
        for k, side in ((self.i_up, UP), (self.i_down, DOWN)):
            if k is None:
                continue
            tip = self.arrows[k].get_end()
            lab = self.ty.text(signed(d[k]), size=self.ty.LABEL_SIZE, color=self.theme.arrow)
            free_spot(lab, tip, [side, side + RIGHT, side + LEFT, RIGHT, LEFT], avoid, plot_box(self.axes),
                      buffs=(0.12, 0.35, 0.6))
            self.move_labels.add(lab, leader(lab, tip, self.theme.arrow, min_gap=0.12))
        largest = dict(move=signed(d[i_big]), move_x=fmt_g(xs[i_big]))
        if self.i_down is not None:
            largest.update(down=self.x_list(np.flatnonzero(d < -tol)), down_most=signed(d[self.i_down]),
                           down_most_x=fmt_g(xs[self.i_down]))
        # the variant says what is true: at_observation, none_down, at_observation_none_down (else None)
        variant = "_".join(w for w, on in (("at_observation", i_big == i), ("none_down", self.i_down is None)) if on)
        with self.step("largest_move", variant or None, **largest):
            self.play(FadeIn(self.move_labels), run_time=0.5)

        # Step: the dots move along their arrows
        ghosts = VGroup(*[dot.copy().set_color(self.theme.moved_dot) for dot in self.dots])
        f1 = f0 + d
        gap = d[i] / (y_obs - f0[i]) if y_obs != f0[i] else float("inf")
        closing = dict(gap=fmt(100 * gap, 0)) if 0 < gap <= 1 else {}   # the share of the gap closed
        with self.step("dots_move", None if closing else "overshooting" if gap > 1 else "moving_away",
                       x=x_s, y=y_s, f_before=fmt(f0[i], 1), f_after=fmt(f1[i], 1), **closing):
            self.add(ghosts, self.dots)
            self.play(*[dot.animate.move_to(self.c2p(x, y)) for x, y, dot in zip(xs, f1, self.dots)], run_time=1.5)
        self.say("step_kernel", x=x_s)

    def x_list(self, idx) -> str:
        """``x = −10 … −3`` for a contiguous run of grid indices, else ``x = −10, −4, 5`` (more than
        four: the label ``many_points``, "12 grid points")."""
        xs = self.example.grid[idx]
        if len(xs) > 3 and np.all(np.diff(idx) == 1):
            return f"x = {fmt_g(xs[0])} … {fmt_g(xs[-1])}"
        if len(xs) > 4:
            return self.label("many_points", n=len(xs))
        return "x = " + ", ".join(fmt_g(x) for x in xs)


# --------------------------------------------------------------------------- chapter: the kernel


class ModelKernel(UserModelScene):
    """The step's finite-step kernel, and its ε → 0 limit (ε the push), the exact NTK: Example 4's picture
    (:class:`scenes.components.kernel_morph.KernelMorph`) with the numbers of your model and none of
    its RBF-specific notes."""

    y_ticks = 6          # the function plot is the short top panel here
    kernel_ticks = 6
    axes_size = (10.2, 4.4)          # the full-size kernel plot, inside the title-safe area and clear
    axes_center = (0.35, 0.35, 0.0)  # of two caption lines
    top_size = (10.2, 2.1)           # the function on top (room for its arrows) …
    top_center = (0.35, 1.8, 0.0)
    bottom_size = (10.2, 2.0)        # … its moves, then its kernel, beneath
    bottom_center = (0.35, -0.85, 0.0)

    def compute(self):
        """Everything drawn, from ntkcore, before any animation."""
        km = self.morph = KernelMorph(self, self.kernel_axes_at, finite_color=self.theme.arrow)
        sw = km.sweep
        self.fine_x, self.f0, self.d, self.k_grid = km.fine_x, km.f0, km.d, km.k_grid
        self.etas, self.finite_grid, self.finite_fine = sw.etas, sw.finite_grid, sw.finite_fine
        self.ntk_grid, self.ntk_fine = sw.ntk_grid, sw.ntk_fine
        self.kernel_y_range = nice_range(np.concatenate([*self.finite_fine, *self.finite_grid, self.ntk_fine,
                                                         self.ntk_grid, [0.0]]), ticks=self.kernel_ticks)

    def kernel_axes_at(self, size, center):
        """Axes whose y range and printed ticks come from this model's kernels."""
        return self.labelled_axes((*self.example.x_range, self.x_tick), self.kernel_y_range, size, center)

    def construct(self):
        ex = self.example
        x_obs = ex.observation[0]
        i = ex.obs_index
        xs = ex.grid
        x_s = fmt_g(x_obs)
        self.compute()
        big_size, big_center = self.axes_size, self.axes_center

        km = self.morph

        # Step: title card
        self.play_title_card(ex.model_spec.latex or None, title=ex.title)

        # Step: the gradient step's arrows on top, room for the kernel beneath
        head = self.heading(ex.title)
        top = km.function_plot(self.top_size, self.top_center)
        self.dots, self.cross, self.arrows = top["dots"], top["cross"], top["arrows"]
        move_s = signed(self.d[i])
        with self.step("gradient_step", x=x_s, lr=fmt_g(ex.lr), move=move_s):
            self.play(FadeIn(head), FadeIn(top["axes"]), FadeIn(top["labels"]), run_time=1.0)
            self.play(Create(top["curve"]), FadeIn(top["dots"]), FadeIn(top["cross"]), run_time=1.2)
            km.grow_arrows(self.arrows)

        # Step: the arrows stood on y = 0 (magnified)
        with self.step("moves", largest=signed(self.d.max()), largest_x=fmt_g(xs[np.argmax(self.d)])):
            mp = km.play_line_up(self.arrows, self.bottom_size, self.bottom_center)

        # Step: divide every move by the one at x': the finite-step kernel
        with self.step("divide", x=x_s, move=move_s):
            kp = km.play_divide(mp, self.bottom_size, self.bottom_center, self.dot_radius)
        self.kernel_axes = ka = kp["axes"]
        self.kernel_dots, self.kernel_curve = kp["dots"], kp["curve"]

        # Step: where the kernel is largest
        self.k_max_x = float(xs[np.argmax(self.k_grid)])
        k_max = float(np.max(self.k_grid))
        avoid = sample_points([kp["curve"], *kp["dots"], kp["label"], kp["obs_line"]])
        max_ring = Circle(radius=0.13, color=self.theme.highlight, stroke_width=4).move_to(ka.c2p(self.k_max_x, k_max))
        max_label = self.ty.text(self.label("max_at", k=fmt(k_max, 2), x=fmt_g(self.k_max_x)),
                                 size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        free_spot(max_label, max_ring, [UP, UR, UL, RIGHT, LEFT, DOWN + RIGHT, DOWN + LEFT], avoid, plot_box(ka),
                  buffs=(0.2, 0.5, 1.0))
        max_label.add(leader(max_label, max_ring.get_center(), self.theme.highlight, min_gap=0.3))
        at_obs = self.k_max_x == x_obs   # no x moves more than x′ itself
        peak = {} if at_obs else dict(peak_x=fmt_g(self.k_max_x), peak_k=fmt(k_max, 2))
        with self.step("peak", "at_observation" if at_obs else None, x=x_s, **peak):
            self.play(Create(max_ring), FadeIn(max_label), run_time=0.8)

        # Step: negative regions, if any (f moves the opposite way there)
        self.neg_runs = negative_runs(self.k_grid)
        self.neg_fill = negative_fill(ka, self.fine_x, self.finite_fine[0], self.theme.highlight)
        lowest = dict(x=x_s, lowest=fmt(float(np.min(self.k_grid)), 2), lowest_x=fmt_g(xs[np.argmin(self.k_grid)]))
        if self.neg_runs:
            spans = ", ".join(f"{fmt_g(xs[a])} … {fmt_g(xs[b])}" if b > a else fmt_g(xs[a]) for a, b in self.neg_runs)
            with self.step("negative", spans=spans, **lowest):
                self.play(FadeIn(self.neg_fill), run_time=0.8)
        else:
            self.say("negative", "never", **lowest)

        # Step: only the kernel, full size, with the step's push ε
        notes = [max_ring, max_label, self.neg_fill]
        function_mobs = [top[k] for k in ("axes", "labels", "curve", "dots", "cross")] + list(self.arrows.values())
        eta_s = fmt(self.etas[0], 3)
        with self.step("push", x=x_s, eps=eta_s):
            moving, big = km.enlarge(kp, function_mobs + notes, big_size, big_center)
            ka = self.kernel_axes = big["axes"]
            self.kernel_dots, self.kernel_curve = big["dots"], big["curve"]
            every_curve = [polyline(ka, self.fine_x, k, self.theme.kernel_start)
                           for k in (*self.finite_fine, self.ntk_fine)]
            avoid = sample_points([*every_curve, big["label"], big["obs_line"]])
            corners = [UR, DOWN + RIGHT, UL, DOWN + LEFT]
            place = lambda mob: self.in_free_corner(mob, ka, corners, avoid)   # noqa: E731
            eta_label = km.show_eta(big, place)

        # Step: shrink the push ε
        smaller = ", ".join(fmt(e, 3) for e in self.etas[1:])
        with self.step("shrink", pushes=smaller):
            moving, eta_label = km.play_shrink(moving, big, eta_label, place)

        # Step: the exact NTK's maximum, and how far the step's kernel was from it
        self.ntk_max_x = float(xs[np.argmax(self.ntk_grid)])
        ntk_max = float(np.max(self.ntk_grid))
        gap = np.abs(self.k_grid - self.ntk_grid)
        ntk_ring = Circle(radius=0.13, color=self.theme.ntk_exact, stroke_width=4).move_to(ka.c2p(self.ntk_max_x, ntk_max))
        ntk_max_label = self.ty.text(self.label("max_at", k=fmt(ntk_max, 2), x=fmt_g(self.ntk_max_x)),
                                     size=self.ty.LABEL_SIZE, color=self.theme.ntk_exact)
        # a model linear in θ: every push gives the exact kernel (equal to round-off), said as such
        identical = gap.max() <= 1e-9 * max(1.0, float(np.abs(self.ntk_grid).max()))
        gap_values = {} if identical else dict(gap=fmt(gap.max(), 2), gap_x=fmt_g(xs[np.argmax(gap)]))
        with self.step("exact", "identical" if identical else None, ntk_peak_x=fmt_g(self.ntk_max_x), **gap_values):
            exact = km.play_exact(moving, big, eta_label, place)
            self.ntk_dots, self.ntk_curve = exact["dots"], exact["curve"]
            ntk_label, exact_label = exact["label"], exact["eta_label"]
            avoid = sample_points([*every_curve, *self.kernel_dots, *self.ntk_dots, big["label"], ntk_label,
                                   exact_label, big["obs_line"]])
            free_spot(ntk_max_label, ntk_ring, [UP, UR, UL, RIGHT, LEFT, DOWN + RIGHT, DOWN + LEFT], avoid,
                      plot_box(ka), buffs=(0.2, 0.5, 1.0))
            ntk_max_label.add(leader(ntk_max_label, ntk_ring.get_center(), self.theme.ntk_exact, min_gap=0.3))
            self.play(Create(ntk_ring), FadeIn(ntk_max_label), run_time=0.6)

    def in_free_corner(self, mob, axes, corners, avoid):
        """``mob`` inside the corner of the plot that covers the fewest of the points ``avoid``;
        ``corners`` in order of preference."""
        x0, y0, x1, y1 = plot_box(axes)
        scores = []
        for c in corners:
            spot = np.array([x1 if c[0] > 0 else x0, y1 if c[1] > 0 else y0, 0.0]) - 0.25 * c
            scores.append((covered_points(mob.move_to(spot, aligned_edge=c), avoid, pad=0.2), spot, c))
        _, spot, c = min(scores, key=lambda s: s[0])   # first of the least covered
        return mob.move_to(spot, aligned_edge=c)


# --------------------------------------------------------------------------- chapter: training


class ModelTraining(UserModelScene):
    """Example 5's chapter (:class:`scenes.components.training.TrainingStory`) for your model:
    gradient ascent on f(x'), the kernel of every step from purple to orange.  Needs
    ``example.steps > 0``."""

    y_ticks = 8
    kernel_ticks = 8
    axes_size = (4.9, 4.2)             # two panels side by side: f (later the shares) on the left,
    axes_center = (-3.3, 0.25, 0.0)    # the kernel on the right, inside the title-safe area
    kernel_size = (4.7, 4.2)
    kernel_center = (3.35, 0.25, 0.0)

    def setup(self):
        ex = type(self).example
        if ex is not None and ex.steps < 1:
            raise ValueError(f"example {ex.name!r}: {type(self).__name__} needs steps > 0 "
                             f"(gradient-ascent steps to train); got steps = {ex.steps}")
        super().setup()

    def function_values(self) -> np.ndarray:
        return self.example.trajectory().f.ravel()   # f at every step of the trajectory

    def kernel_display_range(self, k: np.ndarray) -> tuple:
        return nice_range(np.append(k.ravel(), 0.0), ticks=self.kernel_ticks)

    def construct(self):
        self.story = TrainingStory(self, self.example.title, self.kernel_display_range, self.place_step_labels,
                                   self.kernel_size, self.kernel_center, kernel_decimals=None)
        self.story.play()

    def place_step_labels(self, first_label, last_label, k):
        """Each label above a peak of its own curve, where it covers no curve, line or other label."""
        ka, xs = self.kernel_axes, self.example.grid
        avoid = sample_points([self.kernel_curves[0], self.kernel_curves[-1],
                               vertical_marker(ka, self.example.observation[0], self.theme.observation)])
        for label, ks in ((first_label, k[0]), (last_label, k[-1])):
            spots = [(ka.c2p(xs[i], ks[i]), d, b) for i in np.argsort(-ks) for b in (0.1, 0.25) for d in (UP, UL, UR)]
            first_free(label, spots, avoid, plot_box(ka))   # by the highest point of its curve that has room
            avoid = np.vstack([avoid, [label.get_corner(c) for c in (UL, UR, DOWN + LEFT, DOWN + RIGHT)],
                               label.get_center()[None]])
