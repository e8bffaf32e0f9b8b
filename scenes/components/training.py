"""Example 5's story for any example with a training trajectory: gradient ascent on f(x'); left,
the dots of f move step by step; right, the kernel at every step (the finite-step kernel of a push
ε along ∇θ f(x') as large as the example's own gradient step, over its value at x'), from purple
(step n = 0) to orange (the last step); then, in place of f, each parameter's share of k(x', x')
at n = 0 and at the last step.  Steps are counted by n (t is training time, chapters 8–11).

Used by the training chapter and by the your-own-model training chapter (composition: each makes a
:class:`TrainingStory` for its scene and calls its ``play_*`` methods, each one caption step, or
:meth:`TrainingStory.play` for the generic chapter).  The words are the scene's: each method shows
an entry of the scene's script (``scenes/chapters/training.toml``, ``scenes/your_model.toml``),
see :class:`TrainingStory`.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, UR, Create, FadeIn, FadeOut, GrowFromEdge, LaggedStart, Polygon, VGroup, VMobject,
)

from ntkcore.kernel_shares import example_step_kernels, example_training_shares, largest_shares

from scenes.formatting import fmt, fmt_g, percent, tex_num
from scenes.layout import first_free, leader, plot_box
from scenes.widgets import legend_row, smooth_curve, vertical_marker

_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def theta_symbol(i: int) -> str:
    """``θ₁`` for parameter index 0 (unicode subscripts)."""
    return "θ" + str(i + 1).translate(_SUBSCRIPT)


def param_name(spec, i: int) -> str:
    """The model's name for parameter ``i`` (``θ₁ (valley centre)``), else ``θ₁``, ``θ₂``, …"""
    return spec.param_names[i] if spec.param_names else theta_symbol(i)


def param_symbol(spec, i: int) -> str:
    """The symbol part of :func:`param_name` (``θ₁``)."""
    return param_name(spec, i).split()[0]


def visible_zero_line(axes, theme):
    """``axes`` (framed) with its line at y = 0 in the axis colour: the theme's faint grid colour falls
    under the 3:1 a line needs, and a kernel's sign matters here."""
    if getattr(axes, "zero_line", None) is not None:
        axes.zero_line.set_stroke(color=theme.axis, width=1.5)
    return axes


def box_points(mob, step: float = 0.08) -> np.ndarray:
    """Scene points filling ``mob``'s bounding box every ``step`` units (for label placement)."""
    (x0, y0, _), (x1, y1, _) = mob.get_corner(DOWN + LEFT), mob.get_corner(UP + RIGHT)
    xs = np.linspace(x0, x1, max(2, int((x1 - x0) / step) + 1))
    ys = np.linspace(y0, y1, max(2, int((y1 - y0) / step) + 1))
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel(), np.zeros(gx.size)])


class TrainingStory:
    """The training chapter's animation, drawn into ``scene`` (an ExampleScene whose axes hold f at
    every step).

    ``heading_text`` is the words in the top-left corner; ``kernel_range(k)`` gives the kernel
    plot's ``(lo, hi, step)`` for the normalized kernels ``k`` (T+1, n);
    ``place_step_labels(first, last, k)`` places the "n = 0" / "n = T" labels.

    Words: each ``play_*`` method is one step of the scene's script, ``[steps.KEY]`` (``key``, a
    default name per method, and ``variant`` as in ``scene.step``); it fills the placeholders
    listed here with the numbers it computes, and the scene passes the others as ``values``:

    ==========================  ===============  ======================================================
    method                      key              placeholders it fills
    ==========================  ===============  ======================================================
    :meth:`play_title`          ``title``        (none: the title is the example's)
    :meth:`play_panels`         ``panels``       ``{x}`` (x'), ``{lr}`` (ascent rate), ``{steps}``
    :meth:`play_first_kernel`   ``first_kernel`` ``{x}``; ``{eps}`` if the kernel is a finite push
    :meth:`play_training`       ``training``     ``{steps}``; ``{eps}`` if the kernel is a finite push
    :meth:`play_compare`        ``compare``      ``{spread_start}``, ``{spread_end}``, ``{steps}``;
                                                 variant ``steeper`` when the spread grew
    :meth:`play_shares_start`   ``shares_start`` ``{x}``
    :meth:`play_shares_end`     ``shares_end``   ``{steps}``
    :meth:`play_shares_both`    ``shares``       ``{x}``, ``{steps}``
    :meth:`play_generic_reason` ``reason``       ``{x}``, ``{grew}``, ``{grew_start}``, ``{grew_end}``,
                                                 ``{moved}``, ``{moved_start}``, ``{moved_end}``
    ==========================  ===============  ======================================================

    Labels it draws, from the scene's ``[labels]`` (else scenes/labels.toml): ``step_counter``
    (``{n}`` — also given as ``{t}`` —, ``{steps}``), ``f_at_start``, ``share_of``, ``rest``.

    The numbers (all from ntkcore): ``k`` (T+1, n) the kernel drawn at each step — the finite-step
    kernel of a push ``eps = ex.step_eta()`` (as large as the example's own gradient step, so
    ``k[0]`` is that step's kernel) over its value at x'; ``spread`` (T+1,); ``shares`` (ntkcore
    TrainingShares: each parameter's share of k(x', x') at every step, the motion of θ).
    """

    #: the earlier kernels stay drawn, thinner (at full opacity: a faded line would fall under 3:1)
    old_curve_width = 1.5
    #: the kernel plot's y name (``{x}`` is x'); a subclass drawing other kernels changes it
    kernel_tex = r"\tilde k_\varepsilon(x, {x}) \,/\, \tilde k_\varepsilon({x}, {x})"
    bar_width = 0.36          # data units: each of a parameter's two bars (n = 0, n = T)
    share_y_range = (0, 110, 10)   # percent, with room above a full bar for its label
    #: the kernel drawn is a finite push of ``eps`` (its steps' words get ``{eps}``); a subclass
    #: drawing the exact NTK sets False
    pushed = True

    def __init__(self, scene, heading_text: str, kernel_range: Callable, place_step_labels: Callable,
                 kernel_size=(5.4, 4.6), kernel_center=(3.7, 0.05, 0.0), kernel_decimals: int | None = 1):
        self.scene = sc = scene
        self.heading_text = heading_text
        self.kernel_range, self.place_step_labels = kernel_range, place_step_labels
        self.kernel_size, self.kernel_center, self.kernel_decimals = kernel_size, kernel_center, kernel_decimals
        ex = self.ex = sc.example
        self.spec, self.steps, self.x_obs = ex.model_spec, ex.steps, ex.observation[0]
        self.x_s = fmt_g(self.x_obs)
        self.traj = ex.trajectory()
        self.eps = ex.step_eta()     # the push ε of the kernels drawn (as large as the example's gradient step)
        self.k = self.kernels()                                    # (T+1, n)
        self.spread = self.k.max(axis=1) - self.k.min(axis=1)      # (T+1,)
        self.shares = sh = example_training_shares(ex)
        sc.most_moved, sc.share_grew = sh.most_moved, sh.share_grew
        sc.kernel_axes = self.build_kernel_axes(self.k)
        sc.kernel_colors = [sc.theme.training_color(t, self.steps) for t in range(self.steps + 1)]
        sc.kernel_curves = [self.kernel_curve(self.k[t], sc.kernel_colors[t]) for t in range(self.steps + 1)]
        self.f_panel = []   # what leaves with the function plot when the shares come in

    # ------------------------------------------------------------------ pieces
    def kernels(self) -> np.ndarray:
        """The kernel drawn at each step, ``(T+1, n)``: here the finite-step kernel of the example's
        own step η over its value at x' (a subclass may draw another, e.g. the exact NTK)."""
        return example_step_kernels(self.ex)

    def kernel_values(self) -> dict:
        """``{eps}``, the push of the kernels drawn, when they are finite-step kernels."""
        return {"eps": fmt(self.eps, 3)} if self.pushed else {}

    def build_kernel_axes(self, k: np.ndarray):
        sc = self.scene
        lo, hi = sc.example.x_range
        y_range = self.kernel_range(k)
        if self.kernel_decimals is None:
            axes = sc.labelled_axes((lo, hi, sc.x_tick), y_range, self.kernel_size, self.kernel_center)
        else:
            axes = sc.framed((lo, hi, sc.x_tick), y_range, self.kernel_size, self.kernel_center,
                             decimals=self.kernel_decimals)
        return visible_zero_line(axes, sc.theme)

    def kernel_curve(self, values, color: str) -> VMobject:
        """A smooth curve whose anchors are exactly the grid points (x, k(x))."""
        sc = self.scene
        return smooth_curve(sc.kernel_axes, sc.example.grid, values, color)

    def x_obs_marker(self, axes, x_obs):
        return vertical_marker(axes, x_obs, self.scene.theme.observation)

    def step_counter(self, n: int) -> VGroup:
        """"step n / T   f(x') = …" in the top-right corner of the title-safe area (a fresh Text
        each step)."""
        sc = self.scene
        f_obs = float(self.traj.f[n, sc.example.obs_index])
        group = VGroup(
            sc.ty.text(sc.label("step_counter", n=n, t=n, steps=self.steps), size=sc.ty.CAPTION_SIZE),
            sc.ty.text(f"f({self.x_s}) = {fmt(f_obs, 2)}", size=sc.ty.CAPTION_SIZE),
        ).arrange(RIGHT, buff=0.5)
        w, h = sc.safe_box()
        return group.move_to([w - 0.05, h - 0.05, 0], aligned_edge=UR)

    # ------------------------------------------------------------------ the generic chapter
    def play(self):
        """Every step, with the scene's words for the generic chapter (the your-own-model training
        chapter): the two largest shares at n = 0 and at the last step (``{largest}``), then
        :meth:`play_generic_reason`."""
        sh, spec = self.shares, self.spec
        s0, s1 = sh.shares[0], sh.shares[-1]
        self.play_title()
        self.play_panels()
        self.play_first_kernel()
        self.play_training()
        self.play_compare()
        top0, top1 = np.argsort(-s0)[:2], np.argsort(-s1)[:2]
        largest = lambda s, top: ", ".join(f"{param_symbol(spec, i)} {percent(s[i])}" for i in top)  # noqa: E731
        self.play_shares_start(largest=largest(s0, top0), label_params=[sh.share_grew])
        self.play_shares_end(largest=largest(s1, top1))
        self.play_generic_reason()

    def play_generic_reason(self, key: str = "reason", variant: str | None = None, **values):
        """Name the parameter whose share of k(x', x') grew most and the one that moved most (facts
        of this run, no cause claimed)."""
        sh, spec = self.shares, self.spec
        g, m = sh.share_grew, sh.most_moved
        s0, s1 = sh.shares[0], sh.shares[-1]
        th0, th1 = sh.thetas[0], sh.thetas[-1]
        self.scene.say(key, variant, x=self.x_s, grew=param_name(spec, g), grew_start=percent(s0[g]),
                       grew_end=percent(s1[g]), moved=param_name(spec, m), moved_start=fmt(th0[m], 2),
                       moved_end=fmt(th1[m], 2), **values)

    # ------------------------------------------------------------------ steps
    def play_title(self, variant: str | None = None, title: str | None = None, **values):
        """The title card: ``title`` (else the example's) and the formula, the script's ``[steps.title]``."""
        self.scene.play_title_card(self.spec.latex or None, title=title or self.ex.title, variant=variant, **values)

    def play_panels(self, key: str = "panels", variant: str | None = None, **values):
        """The function at n = 0 on the left, x' marked, the step counter."""
        sc, ex, x_s, T = self.scene, self.ex, self.x_s, self.steps
        head = sc.heading(self.heading_text)
        self.f_labels = sc.axis_labels("f(x)")
        self.f_marker = self.x_obs_marker(sc.axes, self.x_obs)
        self.obs_label = sc.ty.text(f"x′ = {x_s}", size=sc.ty.LABEL_SIZE, color=sc.theme.observation)
        self.obs_label.next_to(self.f_marker, RIGHT, buff=0.1).align_to(self.f_marker, UP)
        self.counter = self.step_counter(0)
        with sc.step(key, variant, x=x_s, lr=fmt_g(ex.ascent_lr), steps=T, **values):
            sc.play(FadeIn(head), FadeIn(sc.axes), FadeIn(self.f_labels), run_time=1.0)
            sc.play(LaggedStart(*[FadeIn(dot, scale=0.5) for dot in sc.dots], lag_ratio=0.04),
                    FadeIn(self.f_marker), FadeIn(self.obs_label), run_time=1.4)
            sc.play(FadeIn(self.counter), run_time=0.5)
        self.f_panel += [sc.axes, self.f_labels, sc.dots, self.f_marker, self.obs_label]

    def play_first_kernel(self, key: str = "first_kernel", variant: str | None = None, **values):
        """The kernel plot and the kernel at n = 0."""
        sc, x_s = self.scene, self.x_s
        ka = sc.kernel_axes
        self.k_labels = VGroup(
            sc.ty.math("x", size=sc.ty.CAPTION_SIZE + 4).next_to(ka.frame_x.get_right(), RIGHT, buff=0.15),
            sc.ty.math(self.kernel_tex.format(x=tex_num(x_s)), size=sc.ty.CAPTION_SIZE)
            .next_to(ka.frame_y.get_top(), UP, buff=0.12).align_to(ka.frame_y, LEFT),
        )
        self.k_marker = self.x_obs_marker(ka, self.x_obs)
        with sc.step(key, variant, x=x_s, **self.kernel_values(), **values):
            sc.play(FadeIn(ka), FadeIn(self.k_labels), FadeIn(self.k_marker), run_time=0.8)
            sc.play(Create(sc.kernel_curves[0]), run_time=1.2)

    def place_ghost_label(self, label, ghosts):
        """Where "f at n = 0" goes: above the plot's bottom right corner (a scene may move it)."""
        sc = self.scene
        label.next_to(sc.c2p(self.ex.grid[-1], sc.axes.y_range[0]), UP, buff=0.4).align_to(ghosts, RIGHT)

    def step_run_time(self, n: int) -> float:
        """Seconds of training step ``n`` (the first ones slower, so the eye finds what moves)."""
        return 0.9 if n <= 2 else 0.5

    def play_training(self, key: str = "training", variant: str | None = None, extra: Callable | None = None,
                      **values):
        """Train step by step; the dots move, and every step's kernel is drawn (older ones thinner).
        ``extra(n)`` may add animations to step ``n`` (e.g. a marker that follows a parameter)."""
        sc, ex, T = self.scene, self.ex, self.steps
        ghosts = sc.dots.copy().set_color(sc.theme.moved_dot)
        ghost_label = sc.ty.text(sc.label("f_at_start"), size=sc.ty.LABEL_SIZE, color=sc.theme.moved_dot)
        self.place_ghost_label(ghost_label, ghosts)
        self.f_panel += [ghosts, ghost_label]
        self.ghosts = ghosts
        with sc.step(key, variant, steps=T, **self.kernel_values(), **values):
            sc.add(ghosts)
            sc.bring_to_front(sc.dots)
            sc.play(FadeIn(ghost_label), run_time=0.4)
            for n in range(1, T + 1):
                target = [sc.c2p(x, y) for x, y in zip(ex.grid, self.traj.f[n])]
                new_counter = self.step_counter(n)
                # the counter is swapped at once (a counter ticks; it does not fade)
                sc.remove(self.counter)
                sc.add(new_counter)
                self.counter = new_counter
                sc.play(
                    *[dot.animate.move_to(pt) for dot, pt in zip(sc.dots, target)],
                    sc.kernel_curves[n - 1].animate.set_stroke(width=self.old_curve_width),
                    Create(sc.kernel_curves[n]),
                    *(extra(n) if extra else []),
                    run_time=self.step_run_time(n),
                )
                sc.wait(0.1)   # a beat between steps

    def play_compare(self, key: str = "compare", **values):
        """Only the first and the last kernel, labelled; the spread (max − min) of both (the
        variant ``steeper`` when it grew)."""
        sc, T = self.scene, self.steps
        middle = sc.kernel_curves[1:T]
        first, last = sc.kernel_curves[0], sc.kernel_curves[T]
        self.first_label = sc.ty.text("n = 0", size=sc.ty.LABEL_SIZE, color=sc.kernel_colors[0], weight="BOLD")
        self.last_label = sc.ty.text(f"n = {T}", size=sc.ty.LABEL_SIZE, color=sc.kernel_colors[T], weight="BOLD")
        self.place_step_labels(self.first_label, self.last_label, self.k)
        sp = self.spread
        with sc.step(key, None if sp[T] < sp[0] else "steeper", spread_start=fmt(sp[0], 2),
                     spread_end=fmt(sp[T], 2), steps=T, **values):
            sc.play(*[FadeOut(c) for c in middle],
                    first.animate.set_stroke(width=5), last.animate.set_stroke(width=5),
                    FadeIn(self.first_label), FadeIn(self.last_label), run_time=1.2)

    # ------------------------------------------------------------------ the shares of k(x', x')
    def share_categories(self) -> list:
        """``[(label, share at n = 0, share at T, parameter index or None), …]``, one per bar pair."""
        sh, spec = self.shares, self.spec
        keep, r0, r1 = largest_shares(sh.shares[0], sh.shares[-1])
        cats = [(param_symbol(spec, i), float(sh.shares[0, i]), float(sh.shares[-1, i]), i) for i in keep]
        if r0 is not None:
            cats.append((self.scene.label("rest"), r0, r1, None))
        return cats

    def build_share_plot(self):
        """Axes (share of k(x', x') in %, one slot per parameter), labels, and the two rows of bars."""
        sc, x_s = self.scene, self.x_s
        cats = self.share_categories()
        m = len(cats)
        y_lo, y_hi, y_step = self.share_y_range
        ax = sc.framed((0.5, m + 0.5, 1), self.share_y_range, sc.axes_size, sc.axes_center, x_numbers=[],
                       y_numbers=list(range(y_lo, 101, 2 * y_step)))
        share_of = sc.label("share_of")
        y_label = sc.ty.math(rf"\text{{{share_of} }} k({tex_num(x_s)}, {tex_num(x_s)}),\ \%", size=sc.ty.CAPTION_SIZE)
        y_label.next_to(ax.frame_y.get_top(), UP, buff=0.12).align_to(ax.frame_y, LEFT)
        x_label = sc.ty.math(r"\theta_i", size=sc.ty.CAPTION_SIZE + 4).next_to(ax.frame_x.get_right(), RIGHT,
                                                                               buff=0.15)
        names = VGroup(*[sc.ty.text(label, size=sc.ty.LABEL_SIZE).next_to(ax.c2p(j + 1, y_lo), DOWN, buff=0.15)
                         for j, (label, *_) in enumerate(cats)])
        w = self.bar_width
        start, end = VGroup(), VGroup()
        for j, (_, s0, s1, _) in enumerate(cats):
            start.add(self.bar(ax, j + 1 - w, j + 1, 100 * s0, sc.kernel_colors[0]))
            end.add(self.bar(ax, j + 1, j + 1 + w, 100 * s1, sc.kernel_colors[-1]))
        sc.share_axes, sc.share_bars, sc.share_cats = ax, {"start": start, "end": end}, cats
        return dict(axes=ax, labels=VGroup(y_label, x_label, names), names=names, start=start, end=end)

    @staticmethod
    def bar(axes, x0, x1, height, color) -> Polygon:
        """A bar over [x0, x1] from 0 to ``height`` (data units)."""
        return Polygon(axes.c2p(x0, 0), axes.c2p(x1, 0), axes.c2p(x1, height), axes.c2p(x0, height),
                       stroke_width=0, fill_color=color, fill_opacity=1)

    def value_labels(self, row: str, params) -> VGroup:
        """Percent labels above the ``row`` ("start"/"end") bars of the parameters ``params``,
        clear of the bars and of the labels already placed."""
        sc = self.scene
        cats, bars, ax = sc.share_cats, sc.share_bars[row], sc.share_axes
        col = 1 if row == "start" else 2
        color = sc.kernel_colors[0] if row == "start" else sc.kernel_colors[-1]
        avoid = np.vstack([box_points(b) for b in [*sc.share_bars["start"], *sc.share_bars["end"]]]
                          + [box_points(m) for m in self.placed_labels])
        out = VGroup()
        for j, cat in enumerate(cats):
            if cat[3] not in params:
                continue
            lab = sc.ty.text(percent(cat[col]), size=sc.ty.LABEL_SIZE, color=color)
            lab.param = cat[3]
            top = bars[j].get_top()
            pair = VGroup(sc.share_bars["start"][j], sc.share_bars["end"][j])   # above the taller bar
            # the start bar is the left one of a pair: its label may lean over its partner, or out
            inner, outer = (RIGHT, LEFT) if row == "start" else (LEFT, RIGHT)
            b = bars[j]
            spots = ([(top, UP, 0.08), (b.get_corner(UP + inner), UP, 0.08)]
                     + [(b.get_corner(UP + outer), UP + outer, buff) for buff in (0.04, 0.2)]
                     + [(pair.get_top(), UP, buff) for buff in (0.08, 0.4, 0.7, 1.0)])
            x0, y0, x1, y1 = plot_box(ax)
            first_free(lab, spots, avoid, (x0 + 0.02, y0, x1, y1), pad=0.03)   # clear of the y axis line
            avoid = np.vstack([avoid, box_points(lab)])
            self.placed_labels.append(lab)
            out.add(VGroup(lab, leader(lab, top, color, min_gap=0.15)))   # a line when it sits off its bar
        return out

    def legend(self, rows) -> VGroup:
        """The legend rows placed in a free spot along the top of the share plot."""
        sc, ax = self.scene, self.scene.share_axes
        group = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        avoid = np.vstack([box_points(b) for b in [*sc.share_bars["start"], *sc.share_bars["end"]]]
                          + [box_points(m) for m in self.placed_labels])
        x_lo, x_hi = ax.x_range[:2]
        spots = [(ax.c2p(x, ax.y_range[1]), DOWN, 0.1) for x in np.linspace(x_hi, x_lo, 9)]
        first_free(group, spots, avoid, plot_box(ax))
        return group

    def play_shares_start(self, key: str = "shares_start", variant: str | None = None, label_params=(), **values):
        """The function plot leaves; each parameter's share of k(x', x') at n = 0 (purple bars).
        ``label_params`` (parameter indices) get their percentages printed, at n = 0 here and at
        the last step in :meth:`play_shares_end`."""
        sc = self.scene
        sp, labels0 = self.prepare_shares(label_params)
        with sc.step(key, variant, x=self.x_s, **values):
            sc.play(*[FadeOut(m) for m in self.f_panel], run_time=0.7)
            sc.play(FadeIn(sp["axes"]), FadeIn(sp["labels"]), run_time=0.8)
            sc.play(LaggedStart(*[GrowFromEdge(b, DOWN) for b in sp["start"]], lag_ratio=0.1),
                    FadeIn(self.legend_start), run_time=1.2)
            sc.play(FadeIn(labels0), run_time=0.5)

    def prepare_shares(self, label_params=()):
        """The share plot, its percent labels (of the parameters ``label_params``) and legend, not yet
        shown.  Returns (the plot's parts, the labels of the n = 0 row)."""
        sc = self.scene
        self.placed_labels = []
        self.share_plot = sp = self.build_share_plot()
        labels0 = self.value_labels("start", label_params)
        self.labels_end = self.value_labels("end", label_params)
        self.legend_start = legend_row(sc.ty, sc.kernel_colors[0], "n = 0", stroke_width=10)
        self.legend_end = legend_row(sc.ty, sc.kernel_colors[-1], f"n = {self.steps}", stroke_width=10)
        self.legend_group = self.legend([self.legend_start, self.legend_end])
        self.share_value_labels = [labels0, self.labels_end]
        return sp, labels0

    def play_shares_both(self, key: str = "shares", variant: str | None = None, label_params=(), **values):
        """The function plot leaves; each parameter's share of k(x', x') at n = 0 (purple bars) and at
        the last step (orange bars) beside them, in one step."""
        sc = self.scene
        sp, labels0 = self.prepare_shares(label_params)
        with sc.step(key, variant, x=self.x_s, steps=self.steps, **values):
            sc.play(*[FadeOut(m) for m in self.f_panel], run_time=0.6)
            sc.play(FadeIn(sp["axes"]), FadeIn(sp["labels"]), run_time=0.6)
            sc.play(LaggedStart(*[GrowFromEdge(b, DOWN) for b in sp["start"]], lag_ratio=0.1),
                    FadeIn(self.legend_start), FadeIn(labels0), run_time=1.0)
            sc.play(LaggedStart(*[GrowFromEdge(b, DOWN) for b in sp["end"]], lag_ratio=0.1),
                    FadeIn(self.legend_end), FadeIn(self.labels_end), run_time=1.0)

    def play_shares_end(self, key: str = "shares_end", variant: str | None = None, **values):
        """The shares at the last step (orange bars) beside those at n = 0."""
        sc = self.scene
        labels1 = self.labels_end
        with sc.step(key, variant, steps=self.steps, **values):
            sc.play(LaggedStart(*[GrowFromEdge(b, DOWN) for b in self.share_plot["end"]], lag_ratio=0.1),
                    FadeIn(self.legend_end), run_time=1.2)
            sc.play(FadeIn(labels1), run_time=0.5)
