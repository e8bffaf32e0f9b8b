"""Chapter 10 — Many networks, one Gaussian process.  Train many wide networks from independent
random starts: f₀ is random, and kernel gradient descent is linear in f₀, so at every moment the
trained functions form a Gaussian process over random starts, the NTK-GP (Lee et al. 2019).  It
starts as the prior GP(0, K) (K the NNGP kernel), and as t → ∞ each start lands at its own
f∞ = f₀ + Θ(x, X)Θ(X, X)⁻¹(Y − f₀(X)) (the line the kernel-GD chapter ended on); averaged over
starts, f₀ drops out: the mean Θ(x, X)Θ(X, X)⁻¹Y (scenes/components/equations.py).

The prior band (t = 0, the NNGP GP(0, K)) is drawn in K's colour, the NTK-GP after it in Θ's.  The
ensemble (faint black curves; finite width) is drawn at the times at which the NTK-GP still moves
visibly, with its mean ± 2 std once (black lines over the band: how closely the networks follow
it, measured in absolute terms, ``ntkcore.facts.ensemble_agreement``), then where kernel GD with Θ
carries each drawn start at t = ∞.  Every curve and number comes from
``ntkcore.gp_experiment.gp_numbers`` (experiment "gp", precomputed by the pipeline).

The words are in ``scenes/chapters/gp_over_time.toml`` (scenes/script.py explains the format).

Render:  manim -pql scenes/chapters/gp_over_time.py GaussianProcessOverTime
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Circle, Create, DashedVMobject, FadeIn, FadeOut, Indicate, LaggedStart, Transform,
    VGroup,
)

from ntkcore.facts import ensemble_agreement, grid_indices

from scenes import runtime
from scenes.base import ChapterScene, fit_width
from scenes.components import equations as eq
from scenes.components.gp_plots import axis_names, band, training_dots
from scenes.formatting import fmt, fmt_g
from scenes.ranges import every_other_tick, label_decimals, whole_ticks
from scenes.widgets import legend_row, polyline

STILL = 0.01       # a moment whose NTK-GP is this close to t = ∞ (mean and std, everywhere) is not shown


class GaussianProcessOverTime(ChapterScene):

    axes_size = (10.5, 3.2)
    axes_center = (0.25, -0.3, 0.0)
    y_step = 0.5
    band_stds = 2.0              # the band is mean ± band_stds · std
    band_opacity = 0.3
    curve_width = 1.6            # one network of the ensemble
    curve_opacity = 0.45         # (black at 0.45 over white: 3:1, the least a line may have)
    ens_width = 3.0              # the networks' mean and ± 2 std (black lines over the band)
    formula_y = 2.45
    formula_size = 32
    legend_right = 6.3
    legend_top = 1.78            # the legend's top row (right of the y axis's name)

    # ------------------------------------------------------------------ the numbers
    def setup(self):
        super().setup()
        self.wide = self.settings.wide
        d = self.data = runtime.experiment("gp")
        self.x = d["x_grid"]
        self.times = d["times"]
        self.lr = float(d["lr"])
        T = len(self.times)
        # The NTK-GP of gradient descent at the networks' learning rate (what they do exactly at
        # infinite width), then t = ∞.
        self.gp_mean = np.vstack([d["ntk_gp_gd_mean"], d["ntk_gp_inf_mean"][None]])   # (T + 1, n)
        self.gp_std = np.vstack([d["ntk_gp_gd_std"], d["ntk_gp_inf_std"][None]])      # (T + 1, n)
        # The moments drawn while training: those at which the NTK-GP is still visibly on its way to
        # t = ∞ (later ones look like t = ∞).
        far = [max(np.abs(self.gp_mean[k] - self.gp_mean[T]).max(), np.abs(self.gp_std[k] - self.gp_std[T]).max())
               for k in range(T)]
        self.sweep = [k for k in range(1, T) if far[k] > STILL]
        self.mid = self.sweep[-1] if self.sweep else 0
        # How closely the networks follow the NTK-GP, in absolute terms (y units), at every time and x:
        # at the training inputs both standard deviations shrink to 0, so no ratio there.
        self.agreement = ensemble_agreement(d["ens_mean"], d["ens_std"], d["ntk_gp_gd_mean"], d["ntk_gp_gd_std"])
        self.on_data = grid_indices(self.x, d["x_train_post"])
        vals = np.concatenate([d["ens_curves"].ravel(), (self.gp_mean + self.band_stds * self.gp_std).ravel(),
                               (self.gp_mean - self.band_stds * self.gp_std).ravel(), d["y_train"],
                               d["ens_kgd_inf"].ravel()])
        self.y_range = whole_ticks(vals, self.y_step)
        self.build_plot()

    def steps_at(self, k: int) -> int:
        return int(round(float(self.times[k]) / self.lr))

    def time_text(self, k: int) -> str:
        if k >= len(self.times):
            return self.label("clock_inf")
        return self.label("clock", t=fmt_g(float(self.times[k])), steps=self.steps_at(k), lr=fmt_g(self.lr))

    # ------------------------------------------------------------------ the plot
    def build_plot(self):
        d, s = self.data, self.wide
        lo, hi = s.x_range
        numbers = every_other_tick(self.y_range)
        self.axes = ax = self.framed((lo, hi, 5), self.y_range, self.axes_size, self.axes_center,
                                     y_numbers=numbers, decimals=label_decimals(*numbers))
        self.names = axis_names(self, ax, s.y_shift, s.y_scale)
        # t = 0 is the prior GP(0, K): K's colour; from then on the NTK-GP: Θ's colour.
        colours = [self.theme.nngp] + [self.theme.ntk_exact] * (len(self.gp_mean) - 1)
        self.bands = [band(ax, self.x, self.gp_mean[k] - self.band_stds * self.gp_std[k],
                           self.gp_mean[k] + self.band_stds * self.gp_std[k], colours[k], self.band_opacity)
                      for k in range(len(self.gp_mean))]
        self.means = [polyline(ax, self.x, mean, c, stroke_width=4) for mean, c in zip(self.gp_mean, colours)]
        self.dots = training_dots(self, ax, d["x_train_post"], d["y_train"])
        C, T = d["ens_curves"].shape[:2]
        self.ens_curves = [[polyline(ax, self.x, d["ens_curves"][c, k], self.theme.dot,
                                     stroke_width=self.curve_width, opacity=self.curve_opacity)
                            for k in range(T)] for c in range(C)]                       # [curve][time]
        self.landing = [polyline(ax, self.x, f, self.theme.dot, stroke_width=self.curve_width,
                                 opacity=self.curve_opacity) for f in d["ens_kgd_inf"]]
        # the networks' own mean and mean ± 2 std, at the last moment of the sweep (undashed: tests read these)
        k = self.mid
        self.ens_lines = [polyline(ax, self.x, d["ens_mean"][k] + c * self.band_stds * d["ens_std"][k], self.theme.dot,
                                   stroke_width=self.ens_width) for c in (-1, 0, 1)]
        self.ens_drawn = VGroup(DashedVMobject(self.ens_lines[0], num_dashes=60), self.ens_lines[1],
                                DashedVMobject(self.ens_lines[2], num_dashes=60))
        self.time_labels = [fit_width(self.ty.text(self.time_text(k), size=self.ty.LABEL_SIZE),
                                      self.legend_right - 1.0)
                            .move_to([self.legend_right, self.formula_y + 0.75, 0], aligned_edge=RIGHT)
                            for k in range(len(self.gp_mean))]
        W = int(d["ens_width"])
        rows = [legend_row(self.ty, self.theme.dot, self.label("legend_networks", w=W),
                           stroke_width=self.curve_width + 1, opacity=self.curve_opacity),
                legend_row(self.ty, self.theme.nngp, self.label("legend_prior"), stroke_width=10),
                legend_row(self.ty, self.theme.ntk_exact, self.label("legend_ntk_gp"), stroke_width=10),
                legend_row(self.ty, self.theme.dot, self.label("legend_mean", n=int(d["ens_seeds"])),
                           stroke_width=self.ens_width),
                legend_row(self.ty, self.theme.dot, self.label("legend_landing"),
                           stroke_width=self.curve_width + 1, opacity=self.curve_opacity)]
        room = self.legend_right - (self.names[1].get_right()[0] + 0.4)
        for row in rows:
            fit_width(row, room)
        # rows 1 and 2 (prior, NTK-GP) share a place, as do rows 0 and 4 (networks, where they land)
        rows[0].move_to([0, self.legend_top, 0]).align_to([self.legend_right, 0, 0], RIGHT)
        rows[4].move_to(rows[0]).align_to([self.legend_right, 0, 0], RIGHT)
        for r in (rows[1], rows[2]):
            r.next_to(rows[0], DOWN, buff=0.12).align_to([self.legend_right, 0, 0], RIGHT)
        rows[3].next_to(rows[2], DOWN, buff=0.12).align_to([self.legend_right, 0, 0], RIGHT)
        self.legend = rows
        self.pinch_marks = VGroup(*[Circle(radius=0.16, color=self.theme.highlight, stroke_width=3)
                                    .move_to(ax.c2p(x, y)) for x, y in zip(d["x_train_post"], d["y_train"])])

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        d, s = self.data, self.wide
        ax = self.axes
        C = len(self.ens_curves)
        S, W = int(d["ens_seeds"]), int(d["ens_width"])
        T = len(self.times)
        colours = {eq.THETA: self.theme.ntk_exact, eq.K0: self.theme.kernel_start, eq.K: self.theme.nngp}
        self.derivation = der = eq.Derivation(self, self.formula_size, colours, [0, self.formula_y, 0])
        legend = self.legend

        self.play_title_card(title=self.label("card_title"))

        # Step: the networks at their random starts
        head = self.heading(self.label("heading"))
        # What is on screen are copies, morphed from time to time (the built curves stay as they are).
        curves = VGroup(*[row[0].copy() for row in self.ens_curves])
        clock = self.time_labels[0].copy()
        with self.step("ensemble", C=C, S=S, W=W, depth=s.depth):
            self.play(FadeIn(head), FadeIn(ax), FadeIn(self.names), FadeIn(legend[0]), FadeIn(clock), run_time=1.0)
            self.play(LaggedStart(*[Create(c) for c in curves], lag_ratio=0.06), run_time=1.6)

        # Step: at infinite width f₀ is a Gaussian process, the NNGP: mean 0, covariance K
        gp_band, gp_mean = self.bands[0].copy(), self.means[0].copy()
        self.on_screen = {"band": gp_band, "mean": gp_mean, "curves": curves, "clock": clock}   # (tests)
        # the prior band's edge, 2√K(x, x): the same at every x (K(x, x) depends only on |input|, and every
        # input lies on the unit circle)
        self.prior_edge = float(self.band_stds * d["prior_std"].max())
        self.k_definition = k_def = self.ty.math(r"K", r"(x, x') = \mathbb{E}\big[f_0(x)\, f_0(x')\big]",
                                                 size=self.formula_size).move_to([0, self.formula_y, 0])
        k_def[0].set_color(self.theme.nngp)
        with self.step("nngp", edge=fmt(self.prior_edge, 2)):
            self.play(FadeIn(gp_band), Create(gp_mean), FadeIn(legend[1]), FadeIn(k_def), run_time=1.2)
            self.bring_to_front(curves)

        # Step: train them all; the band follows
        dots = self.dots.copy()
        self.shown_times = [0]       # the time indices drawn, in order (len(times): t = ∞)
        with self.step("train", S=S, lr=fmt_g(self.lr)):
            self.play(Transform(legend[1], legend[2]), FadeOut(k_def),
                      LaggedStart(*[FadeIn(dot, scale=0.5) for dot in dots], lag_ratio=0.15), run_time=0.8)
            for k in self.sweep:
                self.play(*[Transform(c, row[k]) for c, row in zip(curves, self.ens_curves)],
                          Transform(gp_band, self.bands[k]), Transform(gp_mean, self.means[k]),
                          Transform(clock, self.time_labels[k]), run_time=1.2)
                self.shown_times.append(k)
                self.bring_to_front(curves, dots)
                self.wait(0.2)

        # Step: the networks' own mean and ± 2 std lie on the band's
        # (at the time on the clock: the gaps of what is drawn)
        ag = self.agreement
        self.mean_gap, self.std_gap = float(ag.mean_gap[self.mid]), float(ag.std_gap[self.mid])
        lines = self.ens_drawn.copy()
        with self.step("agree", S=S, gap=fmt(self.mean_gap, 2), std_gap=fmt(self.std_gap, 2),
                       t=fmt_g(float(self.times[self.mid]))):
            self.play(FadeOut(curves), Create(lines), FadeIn(legend[3]), run_time=1.0)
            self.bring_to_front(dots)

        # Step: to t = ∞: each start lands at its own f∞ (the line kernel GD ended on)
        with self.step("landing", C=C):
            self.play(FadeOut(lines), FadeOut(legend[3]), run_time=0.4)
            landing = VGroup(*[c.copy() for c in self.landing])
            self.play(der.show(eq.LIMIT), LaggedStart(*[Create(c) for c in landing], lag_ratio=0.04),
                      Transform(legend[0], legend[4]), Transform(gp_band, self.bands[T]),
                      Transform(gp_mean, self.means[T]), Transform(clock, self.time_labels[T]), run_time=1.4)
            self.shown_times.append(T)
            self.bring_to_front(gp_mean, dots)
            self.play(LaggedStart(*[Create(c) for c in self.pinch_marks], lag_ratio=0.15), run_time=0.8)

        # Step (the lesson): averaged over random starts, f₀ drops out: the band's centre
        with self.step("mean"):
            der.morph(eq.mean(eq.THETA), {eq.F_INF: eq.MEAN_LEFT, eq.RESIDUAL: "Y"}, FadeOut(self.pinch_marks),
                      FadeOut(landing), FadeOut(legend[0]), run_time=1.3)
            self.bring_to_front(gp_mean, dots)
            self.play(Indicate(gp_mean, color=self.theme.ntk_exact, scale_factor=1.0),
                      Indicate(der.current, color=self.theme.ntk_exact, scale_factor=1.1), run_time=1.2)
