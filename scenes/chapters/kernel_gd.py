"""Chapter 9 — Kernel gradient descent.  A wide network trained by small-step gradient descent moves
like kernel gradient descent with its initial kernel, df/dt = −k₀(x, X)(f(X) − Y); a narrow one
does not (its kernel moves as it trains).  At infinite width that kernel is Θ, which depends only on
the architecture.

Left: one network of the widest width (default 1024), drawn at several moments of training (black)
over kernel GD from the same f₀ with its own initial NTK k₀ (broad purple: the kernel before
training); right: the same for the narrowest width (default 8), whose kernel-GD curve jumps where
one of its hidden units switches on (a finite network's NTK has ReLU′ steps).  Gaps are RMS over the
plotted x (as in the wide-training chapter); kernel changes are relative Frobenius norms quoted at
the time on the clock.  Every curve and every number comes from ``ntkcore.gp.gp_numbers``
(experiment "gp", precomputed by the pipeline).

The words are in ``scenes/chapters/kernel_gd.toml`` (scenes/script.py explains the format).

Render:  manim -pql scenes/chapters/kernel_gd.py KernelGradientDescent
"""

from __future__ import annotations

import numpy as np
from manim import (
    LEFT, RIGHT, UP, Circle, Create, DashedVMobject, FadeIn, FadeOut, LaggedStart, Transform, VGroup, config,
)

from ntkcore.facts import rms_gaps_over_time

from scenes import runtime
from scenes.base import ChapterScene, fit_width
from scenes.components.gp_plots import axis_names, input_map, training_dots
from scenes.formatting import fmt, fmt_g, percent, tex_num
from scenes.ranges import every_other_tick, whole_ticks
from scenes.widgets import legend_row, polyline


class KernelGradientDescent(ChapterScene):

    panel_size = (5.3, 2.8)
    panel_centers = ((-3.6, -0.6, 0.0), (3.6, -0.6, 0.0))   # room between the panels: x name vs y numbers
    y_step = 0.25
    formula_y = 2.8
    legend_y = 2.15
    arch_legend_y = 1.65
    legend_margin = 0.3         # legends keep this far from the frame's sides
    network_width = 3           # stroke of a network's curve
    kgd_width = 11              # stroke of the broad kernel-GD curve under it
    kgd_opacity = 0.5
    arch_width = 6.5            # stroke of the dashed kernel-GD-with-Θ curve (on top)

    # ------------------------------------------------------------------ the numbers
    def setup(self):
        super().setup()
        self.wide = self.settings.wide
        d = self.data = runtime.experiment("gp")
        self.x = d["x_grid"]
        self.times = d["times"]
        self.lr = float(d["lr"])
        self.widths = d["net_widths"]
        self.shown = (len(self.widths) - 1, 0)          # panels: the widest (left), the narrowest (right)
        # RMS distance (over the plotted x) between the network and kernel GD with its initial NTK,
        # at each time: the gap measure of the wide-training chapter.
        self.gaps = np.stack([rms_gaps_over_time(d["net_f"][i], d["net_kgd_empirical"][i])
                              for i in range(len(self.widths))])                   # (W, T)
        self.gaps_inf_width = np.stack([rms_gaps_over_time(d["net_f"][i], d["net_kgd_analytic"][i])
                                        for i in range(len(self.widths))])         # (W, T)
        vals = np.concatenate([d["net_f"][list(self.shown)].ravel(),
                               d["net_kgd_empirical"][list(self.shown)].ravel(),
                               d["net_kgd_analytic"][self.shown[0]].ravel(), d["y_train"]])
        self.y_range = whole_ticks(vals, self.y_step)
        self.build_panels()

    def steps_at(self, k: int) -> int:
        return int(round(float(self.times[k]) / self.lr))

    def time_text(self, k: int) -> str:
        return self.label("clock", t=fmt_g(float(self.times[k])), steps=self.steps_at(k), lr=fmt_g(self.lr))

    # ------------------------------------------------------------------ the plots
    def build_panels(self):
        d, s = self.data, self.wide
        lo, hi = s.x_range
        W = len(self.widths)
        self.axes, self.names, self.titles, self.dots = [], [], [], []
        self.net_curves, self.kgd_curves = [], []          # [panel][time]
        for k, i in enumerate(self.shown):
            ax = self.framed((lo, hi, 5), self.y_range, self.panel_size, self.panel_centers[k],
                             y_numbers=every_other_tick(self.y_range), decimals=1)
            self.axes.append(ax)
            self.names.append(axis_names(self, ax, s.y_shift, s.y_scale))
            title = self.ty.text(self.label("width", w=int(self.widths[i])), size=self.ty.LABEL_SIZE + 2,
                                 color=self.theme.width_color(i, W), weight="BOLD")
            self.titles.append(title.next_to(self.names[-1][1], RIGHT, buff=0.5))
            self.dots.append(training_dots(self, ax, d["x_train_post"], d["y_train"]))
            self.kgd_curves.append([polyline(ax, self.x, f, self.theme.kernel_start, stroke_width=self.kgd_width,
                                                 opacity=self.kgd_opacity) for f in d["net_kgd_empirical"][i]])
            self.net_curves.append([polyline(ax, self.x, f, self.theme.dot, stroke_width=self.network_width)
                                    for f in d["net_f"][i]])
        # Kernel GD with the infinite-width Θ (architecture only), from the wide network's f₀: dashed,
        # thicker than the network's line and drawn on top of everything.
        i = self.shown[0]
        self.arch_curve_solid = [polyline(self.axes[0], self.x, f, self.theme.ntk_exact, stroke_width=self.arch_width)
                                 for f in d["net_kgd_analytic"][i]]   # undashed (the tests read these)
        self.arch_curves = [DashedVMobject(c, num_dashes=40) for c in self.arch_curve_solid]
        self.legend = VGroup(
            legend_row(self.ty, self.theme.dot, self.label("legend_network"),
                       stroke_width=self.network_width),
            legend_row(self.ty, self.theme.kernel_start, self.label("legend_kernel_gd"),
                       stroke_width=self.kgd_width, opacity=self.kgd_opacity),
        ).arrange(RIGHT, buff=0.45)
        # Longer words (another language) shrink the legends to the frame (English fits as it is).
        fit_width(self.legend, config.frame_width - 2 * self.legend_margin).move_to([0, self.legend_y, 0])
        self.arch_legend = legend_row(self.ty, self.theme.ntk_exact,
                                      self.label("legend_theta"),
                                      stroke_width=self.arch_width, dashed=True)
        self.arch_legend.move_to([0, self.arch_legend_y, 0]).align_to(self.legend, LEFT)
        fit_width(self.arch_legend, config.frame_width / 2 - self.legend_margin - self.arch_legend.get_left()[0])
        self.arch_legend.move_to([0, self.arch_legend_y, 0]).align_to(self.legend, LEFT)
        self.time_labels = [self.ty.text(self.time_text(k), size=self.ty.LABEL_SIZE + 2)
                            .to_corner(UP + RIGHT, buff=0.35) for k in range(len(self.times))]

    def ode(self, kernel: str, color: str):
        """Kernel gradient descent, ``df_t(x)/dt = −kernel(x, X)(f_t(X) − Y)``, with the kernel's symbol
        in ``color``."""
        mob = self.ty.math(r"\frac{d f_t(x)}{dt} \;=\; -\,", kernel, r"(x, X)\,\big(f_t(X) - Y\big)",
                           size=self.ty.CAPTION_SIZE + 4)
        mob[1].set_color(color)
        return mob.move_to([0, self.formula_y, 0])

    def change_label(self, k: int):
        """How far the narrow network's NTK has moved by time index ``k``, with its norm, in the
        narrow panel's lower right corner."""
        t = tex_num(fmt_g(float(self.times[k])))
        v = tex_num(percent(float(self.data["net_theta_change_t"][self.shown[1]][k]))).replace("%", r"\%")
        mob = self.ty.math(rf"\| k_{{{t}}} - k_0 \|_F \,/\, \| k_0 \|_F = {v}", size=self.ty.LABEL_SIZE,
                           color=self.theme.kernel_end)
        ax = self.axes[1]
        return mob.next_to(ax.c2p(self.wide.x_range[1], self.y_range[0]), UP + LEFT, buff=0.15)

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        d, s = self.data, self.wide
        wide_i, narrow_i = self.shown
        wide_w, narrow_w = int(self.widths[wide_i]), int(self.widths[narrow_i])
        m = len(d["y_train"])
        T = len(self.times)
        last = T - 1
        # The moments drawn one by one: every time but the last (that one gets its own step).
        sweep = list(range(1, last))
        map_text, map_spoken = input_map(self, s.x_range)
        lo, hi = s.x_range
        ga, gn = self.gaps[wide_i], self.gaps[narrow_i]
        k_mid = sweep[-1] if sweep else last          # the last moment of the sweep
        t_mid, t_last = fmt_g(float(self.times[k_mid])), fmt_g(float(self.times[last]))
        change_t = d["net_theta_change_t"]
        lr = fmt_g(self.lr)

        self.play_title_card()

        # What is on screen are copies, morphed from time to time (the built curves stay as they are).
        # Until the narrow network comes in, the wide panel sits in the middle of the frame.
        centre = RIGHT * (-self.panel_centers[0][0])

        def solo(mob):
            return mob.copy().shift(centre)

        ax = self.axes[0]
        panel = VGroup(solo(ax), solo(self.names[0]), solo(self.titles[0]))
        dots = solo(self.dots[0])
        net, kgd, clock = solo(self.net_curves[0][0]), solo(self.kgd_curves[0][0]), self.time_labels[0].copy()
        # Step: one wide network at initialization, and the data
        head = self.heading(self.script.chapter["title"])
        with self.step("initial", width=wide_w, m=m, map=map_text, depth=s.depth, map_spoken=map_spoken,
                       lo=fmt_g(lo), hi=fmt_g(hi), y_shift=fmt_g(s.y_shift), y_scale=fmt_g(s.y_scale)):
            self.play(FadeIn(head), FadeIn(panel), run_time=1.0)
            self.play(LaggedStart(*[FadeIn(dot, scale=0.5) for dot in dots], lag_ratio=0.15),
                      Create(net), run_time=1.2)

        # Step: the ODE, named
        ode = self.ode(r"k_0", self.theme.kernel_start)
        with self.step("ode"):
            self.play(FadeIn(ode), FadeIn(self.legend), run_time=1.0)
            self.add(kgd)
            self.bring_to_front(net, dots)
            self.play(FadeIn(clock), run_time=0.5)

        # Step: train it; both move together
        with self.step("train", lr=lr):
            for k in sweep:
                self.play(Transform(net, solo(self.net_curves[0][k])), Transform(kgd, solo(self.kgd_curves[0][k])),
                          Transform(clock, self.time_labels[k]), run_time=1.3)
                self.wait(0.5)
        self.say("wide_gap", width=wide_w, gap=fmt(max(ga[1:k_mid + 1]), 2), t=t_mid)

        # Step: the narrow network, from the same seed; the wide panel moves to its place on the left
        ax_n = self.axes[1]
        net_n, kgd_n = self.net_curves[1][0].copy(), self.kgd_curves[1][0].copy()
        change = self.change_label(k_mid)
        t_sym = t_mid.translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
        with self.step("narrow", narrow=narrow_w, t=t_mid, change=percent(change_t[narrow_i][k_mid]), t_sub=t_sym,
                       wide=wide_w, change_wide=percent(change_t[wide_i][k_mid])):
            self.play(Transform(panel, VGroup(self.axes[0], self.names[0], self.titles[0])),
                      Transform(dots, self.dots[0]), Transform(net, self.net_curves[0][0]),
                      Transform(kgd, self.kgd_curves[0][0]), Transform(clock, self.time_labels[0]), run_time=1.0)
            self.play(FadeIn(ax_n), FadeIn(self.names[1]), FadeIn(self.titles[1]), FadeIn(self.dots[1]),
                      Create(net_n), run_time=1.0)
            self.add(kgd_n)
            self.bring_to_front(net_n, self.dots[1])
            for k in sweep:
                self.play(Transform(net, self.net_curves[0][k]), Transform(kgd, self.kgd_curves[0][k]),
                          Transform(net_n, self.net_curves[1][k]), Transform(kgd_n, self.kgd_curves[1][k]),
                          Transform(clock, self.time_labels[k]), run_time=1.3)
                self.wait(0.5)
            self.play(FadeIn(change), run_time=0.6)

        # Step: the vertical jump of the narrow kernel-GD curve (a finite network's NTK is discontinuous)
        x_jump = float(d["net_jump_x"][narrow_i])
        jump = float(d["net_jump"][narrow_i][k_mid])
        j = int(np.searchsorted(self.x, x_jump))                  # the grid cell [x_{j−1}, x_j] holding it
        y_mid = 0.5 * float(d["net_kgd_empirical"][narrow_i][k_mid][j - 1] + d["net_kgd_empirical"][narrow_i][k_mid][j])
        ring = Circle(radius=max(0.28, 0.6 * abs(jump) * ax_n.y_length / (self.y_range[1] - self.y_range[0])),
                      color=self.theme.highlight, stroke_width=3.5).move_to(ax_n.c2p(x_jump, y_mid))
        with self.step("jump", jump=fmt(abs(jump), 2), x=fmt(x_jump, 1)):
            self.play(Create(ring), run_time=0.8)
        self.say("gaps", t=t_mid, gap_narrow=fmt(gn[k_mid], 2), narrow=narrow_w, gap_wide=fmt(ga[k_mid], 2),
                 wide=wide_w)

        # Step: the last moment, honestly
        change_late = self.change_label(last)
        with self.step("much_later", t=t_last, steps=self.steps_at(last), gap_wide=fmt(ga[last], 2), wide=wide_w,
                       gap_narrow=fmt(gn[last], 2), narrow=narrow_w, change_narrow=percent(change_t[narrow_i][last]),
                       change_wide=percent(change_t[wide_i][last])):
            self.play(FadeOut(ring), run_time=0.4)
            self.play(Transform(net, self.net_curves[0][last]), Transform(kgd, self.kgd_curves[0][last]),
                      Transform(net_n, self.net_curves[1][last]), Transform(kgd_n, self.kgd_curves[1][last]),
                      Transform(clock, self.time_labels[last]), Transform(change, change_late), run_time=1.3)

        # Step: what "depends only on the architecture" means; the ODE with Θ next to the one with k₀
        rel0 = d["net_theta0_vs_analytic"]
        ode_k0 = self.ode(r"k_0", self.theme.kernel_start)
        ode_inf = self.ode(r"\Theta", self.theme.ntk_exact)
        VGroup(ode_k0, ode_inf).arrange(RIGHT, buff=1.2).move_to([0, self.formula_y, 0])
        with self.step("infinite_width", depth=s.depth):
            self.play(Transform(ode, ode_k0), FadeIn(ode_inf), run_time=1.0)

        arch = self.arch_curves[last]
        gi = self.gaps_inf_width[wide_i]
        with self.step("with_theta", wide=wide_w, rel_wide=percent(rel0[wide_i]), t_last=t_last,
                       gap_theta=fmt(gi[last], 2), gap_k0=fmt(ga[last], 2), narrow=narrow_w,
                       rel_narrow=percent(rel0[narrow_i]), gap_theta_max=fmt(max(gi[1:k_mid + 1]), 2), t_mid=t_mid):
            self.play(FadeIn(self.arch_legend), Create(arch), run_time=1.2)
            self.bring_to_front(arch)
