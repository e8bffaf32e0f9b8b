"""Chapter 9 — Kernel gradient descent.  A wide network's kernel barely moves while it trains, so the
network stays linear in its parameters; gradient descent on it then moves f by its initial kernel
times the errors, df/dt = −k₀(x, X)(f(X) − Y): kernel gradient descent with a fixed kernel.  At
infinite width k₀ is Θ, which depends only on the architecture; the ODE's solution ends at
f∞ = f₀ + Θ(x, X)Θ(X, X)⁻¹(Y − f₀(X)).

The derivation is one line on screen, rewritten move by move (scenes/components/equations.py:
linearised network → its time derivative → gradient flow → kernel GD with k₀ → its solution →
t = ∞ → k₀ becomes Θ), every move a ``TransformMatchingTex`` of the line before.  Beside it, one panel: the widest network (default 1024) trained by gradient
descent (black) over kernel GD from the same f₀ with its own initial NTK k₀ (broad purple: the
kernel before training), and kernel GD with Θ (dashed green); for a moment, the narrowest network
(default 8) in the same panel, whose kernel moves and which leaves kernel GD.  A column on the
right holds the panel's width, the clock, the legend and the one statistic of the moment (read off
the drawn curves).  It ends on the post's point, the derivation's last line boxed and Θ lit up.  Every
curve and number comes from ``ntkcore.gp_experiment.gp_numbers`` (experiment "gp", precomputed by
the pipeline).

The words are in ``scenes/chapters/kernel_gd.toml`` (scenes/script.py explains the format).

Render:  manim -pql scenes/chapters/kernel_gd.py KernelGradientDescent
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Arrow, Create, DashedVMobject, FadeIn, FadeOut, Indicate, LaggedStart, SurroundingRectangle,
    Transform, VGroup,
)

from ntkcore.facts import grid_indices, rms_gaps_over_time

from scenes import runtime
from scenes.base import ChapterScene, fit_width
from scenes.components import equations as eq
from scenes.components.gp_plots import axis_names, training_dots
from scenes.formatting import fmt, fmt_g, percent
from scenes.ranges import every_other_tick, whole_ticks
from scenes.widgets import legend_row, polyline

STILL = 0.01        # a moment whose kernel-GD curve is this close to the last one's (everywhere) is not shown
REACHED = 0.005     # errors at the data below this: training has reached its end point f∞


class KernelGradientDescent(ChapterScene):

    axes_size = (7.6, 3.2)
    axes_center = (-1.65, -0.3, 0.0)
    column_left = 2.95            # the column (width, clock, legend, statistic) starts here …
    column_top = 1.45             # … under this
    column_right = 6.3            # … and keeps left of this
    formula_y = 2.42
    formula_size = 32
    y_step = 0.25
    network_width = 3             # stroke of a network's curve
    kgd_width = 11                # stroke of the broad kernel-GD curve under it
    kgd_opacity = 0.5
    theta_width = 6.5             # stroke of the dashed kernel-GD-with-Θ curve (on top)

    # ------------------------------------------------------------------ the numbers
    def setup(self):
        super().setup()
        self.wide = self.settings.wide
        d = self.data = runtime.experiment("gp")
        self.x = d["x_grid"]
        self.times = d["times"]
        self.lr = float(d["lr"])
        self.widths = d["net_widths"]
        self.wide_i, self.narrow_i = len(self.widths) - 1, 0
        self.on_data = grid_indices(self.x, d["x_train_post"])
        self.last = len(self.times) - 1
        # The moments drawn while training: those at which kernel GD (with the wide network's own k₀)
        # is still visibly on its way to the last one (later ones look the same).
        kgd = d["net_kgd_empirical"][self.wide_i]
        self.sweep = [k for k in range(1, self.last) if np.abs(kgd[k] - kgd[self.last]).max() > STILL]
        self.mid = self.sweep[-1] if self.sweep else self.last
        # RMS distance (over the plotted x) between each network and kernel GD with its own k₀.
        self.gaps = np.stack([rms_gaps_over_time(d["net_f"][i], d["net_kgd_empirical"][i])
                              for i in range(len(self.widths))])                       # (W, T)
        # How far the two wide curves drawn at the last time (the network, kernel GD with k₀) still
        # are from the targets at X (0 at t = ∞).
        self.residual = float(max(np.abs(d[key][self.wide_i][self.last][self.on_data] - d["y_train"]).max()
                                  for key in ("net_f", "net_kgd_empirical")))
        shown = [self.wide_i, self.narrow_i]
        vals = np.concatenate([d["net_f"][shown].ravel(), d["net_kgd_empirical"][shown].ravel(),
                               d["net_kgd_analytic"][self.wide_i].ravel(), d["y_train"]])
        self.y_range = whole_ticks(vals, self.y_step)
        self.build_panel()
        self.build_column()

    def steps_at(self, k: int) -> int:
        return int(round(float(self.times[k]) / self.lr))

    # ------------------------------------------------------------------ the panel
    def build_panel(self):
        d, s = self.data, self.wide
        lo, hi = s.x_range
        self.axes = ax = self.framed((lo, hi, 5), self.y_range, self.axes_size, self.axes_center,
                                     y_numbers=every_other_tick(self.y_range), decimals=1)
        self.names = axis_names(self, ax, s.y_shift, s.y_scale)
        self.dots = training_dots(self, ax, d["x_train_post"], d["y_train"])
        # [width index][time]: each network, kernel GD with its own k₀ (and, for the wide one, with Θ)
        self.net_curves = {i: [polyline(ax, self.x, f, self.theme.dot, stroke_width=self.network_width)
                               for f in d["net_f"][i]] for i in (self.wide_i, self.narrow_i)}
        self.kgd_curves = {i: [polyline(ax, self.x, f, self.theme.kernel_start, stroke_width=self.kgd_width,
                                        opacity=self.kgd_opacity) for f in d["net_kgd_empirical"][i]]
                           for i in (self.wide_i, self.narrow_i)}
        # Kernel GD with the infinite-width Θ from the wide network's f₀: dashed, on top.
        self.theta_solid = [polyline(ax, self.x, f, self.theme.ntk_exact, stroke_width=self.theta_width)
                            for f in d["net_kgd_analytic"][self.wide_i]]     # undashed (the tests read these)
        self.theta_curves = [DashedVMobject(c, num_dashes=40) for c in self.theta_solid]

    # ------------------------------------------------------------------ the column beside it
    def build_column(self):
        W = len(self.widths)
        room = self.column_right - self.column_left
        self.titles = {i: fit_width(self.ty.text(self.label("width", w=int(self.widths[i])),
                                                 size=self.ty.LABEL_SIZE + 4, weight="BOLD",
                                                 color=self.theme.width_color(i, W)), room)
                       for i in (self.wide_i, self.narrow_i)}
        self.clocks = [fit_width(self.ty.text(self.label("clock", t=fmt_g(float(t)), steps=self.steps_at(k),
                                                         lr=fmt_g(self.lr)),
                                              size=self.ty.LABEL_SIZE, line_spacing=0.9), room)
                       for k, t in enumerate(self.times)]
        rows = VGroup(
            legend_row(self.ty, self.theme.dot, self.label("legend_network"), stroke_width=self.network_width),
            legend_row(self.ty, self.theme.kernel_start, self.label("legend_kernel_gd"),
                       stroke_width=self.kgd_width, opacity=self.kgd_opacity),
            legend_row(self.ty, self.theme.ntk_exact, self.label("legend_theta"), stroke_width=self.theta_width,
                       dashed=True),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        self.legend = fit_width(rows, room)
        # the statistic of the moment: the wide network's gap while it trains, the narrow one's and how
        # far its kernel moved
        wide, narrow = self.wide_i, self.narrow_i
        self.gap_wide = max((float(self.gaps[wide][k]) for k in self.sweep), default=0.0)   # the moments shown
        self.stat_wide = fit_width(self.ty.text(self.label("stat_wide", gap=fmt(self.gap_wide, 3)),
                                                size=self.ty.LABEL_SIZE, line_spacing=0.9), room)
        self.narrow_change = float(self.data["net_theta_change_t"][narrow][self.mid])
        self.stat_narrow = fit_width(self.ty.text(self.label("stat_narrow", change=percent(self.narrow_change),
                                                             gap=fmt(float(self.gaps[narrow][self.mid]), 2)),
                                                  size=self.ty.LABEL_SIZE, line_spacing=0.9,
                                                  color=self.theme.kernel_end), room)
        # Where the narrow network's kernel-GD curve, as drawn at the last time of its step, steps
        # most (a hidden unit switching on: a finite network's NTK has ReLU′ steps), named on the
        # figure: a note above the step and an arrow down to its top.
        ys = self.data["net_kgd_empirical"][narrow][self.mid]
        j = int(np.argmax(np.abs(np.diff(ys))))
        self.jump_at = (float(self.x[j]), float(self.x[j + 1]))
        tip = self.axes.c2p(0.5 * sum(self.jump_at), float(max(ys[j], ys[j + 1])))
        self.jump_note = self.ty.text(self.label("jump"), size=self.ty.LABEL_SIZE, color=self.theme.kernel_end)
        self.jump_note.next_to(tip + 0.55 * UP, UP, buff=0.05)
        self.jump_note.shift(RIGHT * (tip[0] + 0.25 - self.jump_note.get_right()[0]))
        room = self.axes.c2p(self.wide.x_range[0], 0)[0] - self.jump_note.get_left()[0]
        self.jump_note.shift(RIGHT * max(0.0, room))        # kept over the axes
        self.jump_arrow = Arrow(tip + 0.55 * UP, tip + 0.05 * UP, buff=0, stroke_width=3,
                                max_tip_length_to_length_ratio=0.35, color=self.theme.kernel_end)
        self.jump_mark = VGroup(self.jump_note, self.jump_arrow)
        top, left = self.column_top, self.column_left
        for mob in self.titles.values():
            mob.move_to([left, top, 0], aligned_edge=UP + LEFT)
        for mob in self.clocks:
            mob.next_to(self.titles[wide], DOWN, buff=0.2, aligned_edge=LEFT)
        tallest = max(self.clocks, key=lambda m: m.height)
        self.legend.next_to(tallest, DOWN, buff=0.35, aligned_edge=LEFT)
        for mob in (self.stat_wide, self.stat_narrow):
            mob.next_to(self.legend, DOWN, buff=0.35, aligned_edge=LEFT)

    # ------------------------------------------------------------------ the chapter
    def moment(self, i: int, k: int, *others):
        """Morph what is on screen (the network's curve, kernel GD's, the clock) to width index ``i``
        at time index ``k``; recorded as ``(step key, i, k)`` in ``self.moments`` (the tests read
        every moment shown back against ntkcore's numbers)."""
        self.moments.append((self.steps[-1].key, i, k))
        return [Transform(self.net_now, self.net_curves[i][k]), Transform(self.kgd_now, self.kgd_curves[i][k]),
                Transform(self.clock_now, self.clocks[k]), *others]

    def construct(self):
        d, s = self.data, self.wide
        wide, narrow = self.wide_i, self.narrow_i
        last, mid = self.last, self.mid
        m = len(d["y_train"])
        colours = {eq.THETA: self.theme.ntk_exact, eq.K0: self.theme.kernel_start, eq.K: self.theme.nngp}
        self.derivation = der = eq.Derivation(self, self.formula_size, colours, [0, self.formula_y, 0])

        self.play_title_card()

        # What is on screen are copies, morphed from moment to moment (the built curves stay as they are).
        ax = self.axes
        self.net_now, self.kgd_now = net, kgd = self.net_curves[wide][0].copy(), self.kgd_curves[wide][0].copy()
        self.title_now, self.clock_now = title, clock = self.titles[wide].copy(), self.clocks[0].copy()
        self.moments = []
        head = self.heading(self.script.chapter["title"])

        # Step: one wide network at its start, and the training data X, Y
        with self.step("initial", width=int(self.widths[wide]), m=m, depth=s.depth):
            self.moments.append(("initial", wide, 0))
            self.play(FadeIn(head), FadeIn(ax), FadeIn(self.names), FadeIn(title), FadeIn(clock), run_time=1.0)
            self.play(LaggedStart(*[FadeIn(dot, scale=0.5) for dot in self.dots], lag_ratio=0.15),
                      Create(net), FadeIn(self.legend[0]), run_time=1.2)

        # Step: its kernel barely moves, so it stays linear in θ
        with self.step("linearise"):
            self.play(der.show(eq.LINEARISED), run_time=1.0)

        # Step: gradient descent in small steps: kernel gradient descent with k₀
        with self.step("ode"):
            der.morph(eq.DIFFERENTIATED, {"f_t(x)": eq.DFDT, r"\approx": "=",
                                          r"(\theta_t - \theta_0)": r"\frac{d\theta_t}{dt}"})
            self.wait(0.3)
            der.morph(eq.GRADIENT_FLOW, {r"\frac{d\theta_t}{dt}": eq.GRAD_XX})
            self.wait(0.3)
            der.morph(eq.kernel_gd(eq.K0), {eq.GRAD_X: eq.K0, eq.GRAD_XX: "(x, X)"}, FadeIn(self.legend[1]))
            self.add(kgd)
            self.bring_to_front(net, self.dots)

        # Step: train it, and run kernel GD from the same start: they move together
        with self.step("train", lr=fmt_g(self.lr)):
            for k in self.sweep:
                self.play(*self.moment(wide, k), run_time=1.0)
                self.wait(0.2)
            self.play(FadeIn(self.stat_wide), run_time=0.4)

        # Step: the same at the narrowest width: its kernel moves, it leaves kernel GD
        with self.step("narrow", narrow=int(self.widths[narrow]), change=percent(self.narrow_change),
                       t=fmt_g(float(self.times[mid])), gap=fmt(float(self.gaps[narrow][mid]), 2)):
            self.play(*self.moment(narrow, 0, Transform(title, self.titles[narrow]), FadeOut(self.stat_wide)),
                      run_time=0.8)
            for k in self.sweep:
                self.play(*self.moment(narrow, k), run_time=1.0)
                self.wait(0.2)
            self.play(FadeIn(self.stat_narrow), FadeIn(self.jump_mark), run_time=0.4)

        # Step: the solution, and where it ends (back to the wide network)
        reached = self.residual <= REACHED
        with self.step("solution", None if reached else "on_its_way", t=fmt_g(float(self.times[last])),
                       steps=self.steps_at(last), residual=fmt(self.residual, 2)):
            self.play(*self.moment(wide, mid, Transform(title, self.titles[wide]), FadeOut(self.stat_narrow), FadeOut(self.jump_mark),
                                   FadeOut(self.stat_wide)), run_time=0.6)
            der.morph(eq.solution(eq.K0), {eq.DFDT: "f_t(x)", eq.ERROR: eq.RESIDUAL}, run_time=1.2)
            self.play(*self.moment(wide, last), run_time=1.2)
            der.morph(eq.limit(eq.K0), {"f_t(x)": eq.F_INF})

        # Step (the lesson): width → ∞, k₀ becomes Θ: a fixed kernel that depends only on the architecture
        self.theta = theta = self.theta_curves[last].copy()
        with self.step("fixed_kernel"):
            der.morph(eq.LIMIT, {eq.K0: eq.THETA}, Create(theta), FadeIn(self.legend[2]), run_time=1.2)
            self.lesson_box = box = SurroundingRectangle(der.current, color=self.theme.highlight, buff=0.12,
                                                         stroke_width=3)
            kernels = VGroup(*[p for p in der.current.submobjects if p.tex_string == eq.THETA])
            self.play(Create(box), Indicate(kernels, color=self.theme.ntk_exact, scale_factor=1.3), run_time=1.0)
