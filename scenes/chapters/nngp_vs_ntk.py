"""Chapter 11 — Don't mix your kernels.  An infinitely wide network has two kernels: the NNGP K
(Neal 1994: the covariance of f₀ over random initializations, the prior) and the NTK Θ (how gradient
descent moves f).  On the same data they give two Gaussian processes: gradient descent from random
starts run to t = ∞ (the NTK-GP, centred on Θ(x, X)Θ(X, X)⁻¹Y, the line the last chapters ended on)
and Bayesian inference with the prior GP(0, K) (the NNGP posterior, centred on K(x, X)K(X, X)⁻¹Y):
one symbol swapped in the same equation (scenes/components/equations.py).

Why the NTK-GP is never narrower: both are corrected starts f₀(x) − a(f₀(X) − Y); over random
starts f₀ ~ GP(0, K) the variance is least at Bayes's weights a = K(x, X)K(X, X)⁻¹, and gradient
descent uses Θ's.  Training only the last layer makes Θ = K (Lee et al. 2019): then gradient descent
does sample the NNGP posterior, so "gradient descent is not Bayes" is about training all layers.

Every curve and number comes from ``ntkcore.gp_experiment.gp_numbers`` (experiment "gp", precomputed
by the pipeline) and the facts of ``ntkcore.facts`` (largest gap, ratio of standard deviations).  The
bands are mean ± 2 std at their true size: the NNGP posterior's filled, the NTK-GP's as dashed edges.

The words are in ``scenes/chapters/nngp_vs_ntk.toml`` (scenes/script.py explains the format).

Render:  manim -pql scenes/chapters/nngp_vs_ntk.py DontMixKernels
"""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, DashedVMobject, Dot, DoubleArrow, FadeIn, FadeOut, Indicate,
                   LaggedStart, Transform, VGroup)

from ntkcore.facts import away_from, grid_indices, largest_gap, std_ratio_range

from scenes import runtime
from scenes.base import ChapterScene, fit_width
from scenes.components import equations as eq
from scenes.components.gp_plots import axis_names, band, training_dots
from scenes.formatting import fmt, fmt_g
from scenes.ranges import every_other_tick, label_decimals, whole_ticks
from scenes.widgets import polyline, vertical_marker

#: The two kernels' definitions (K as in gp_over_time; Θ the limit of the gradients' inner product).
K_DEF = (eq.K, r"(x, x') = \mathbb{E}\big[f_0(x)\, f_0(x')\big]")
THETA_DEF = (eq.THETA, r"(x, x') = \big\langle \nabla_\theta f_0(x),\, \nabla_\theta f_0(x')\big\rangle",
             r"\ \ (\text{width} \to \infty)")


class DontMixKernels(ChapterScene):

    axes_size = (10.4, 2.9)
    axes_center = (0.1, -0.45, 0.0)
    kernel_y_step = 0.25
    fit_y_step = 0.1             # y zoomed to the curves (ticks every 0.1, numbers every 0.2)
    band_stds = 2.0              # each band is mean ± band_stds · std, drawn at its true size
    band_opacity = 0.35          # the NNGP band (filled); the NTK-GP band is two dashed edges
    band_dashes = 70
    away = 1.0                   # "away from the data": at least this far (in x) from every training input
    rows = (2.74, 2.1)            # the two formula lines (Θ's above, K's below)
    formula_size = 30
    formula_x = -0.8

    # ------------------------------------------------------------------ the numbers
    def setup(self):
        super().setup()
        self.wide = self.settings.wide
        d = self.data = runtime.experiment("gp")
        self.x = d["x_grid"]
        self.x_obs = float(d["x_obs"])
        i_obs = int(grid_indices(self.x, [self.x_obs])[0])
        self.nngp_norm = d["nngp_col"] / d["nngp_col"][i_obs]
        self.ntk_norm = d["ntk_col"] / d["ntk_col"][i_obs]
        j, _ = largest_gap(self.nngp_norm, self.ntk_norm)
        self.shape_gap_x = float(self.x[j])
        self.shape_gap_values = (float(self.nngp_norm[j]), float(self.ntk_norm[j]))
        # The two Gaussian processes.
        self.means = {"nngp": d["nngp_mean"], "ntk": d["ntk_gp_inf_mean"]}
        self.stds = {"nngp": d["nngp_std"], "ntk": d["ntk_gp_inf_std"]}
        k, self.max_gap = largest_gap(self.means["nngp"], self.means["ntk"])
        self.max_gap_index, self.max_gap_x = k, float(self.x[k])
        self.off_data = away_from(self.x, d["x_train_post"], self.away)
        self.ratio_range = std_ratio_range(self.stds["ntk"], self.stds["nngp"], self.off_data)
        ratio = np.where(self.off_data, self.stds["ntk"] / np.where(self.off_data, self.stds["nngp"], 1.0), 0.0)
        self.ratio_max_x = float(self.x[int(np.argmax(ratio))])
        self.colours = {"nngp": self.theme.nngp, "ntk": self.theme.ntk_exact}
        self.build_kernel_plot()
        self.build_fit_plot()

    def formula(self, parts, row: int):
        """A line of TeX parts at formula row ``row``, the kernels in their colours."""
        der = eq.Derivation(self, self.formula_size, {eq.THETA: self.theme.ntk_exact, eq.K: self.theme.nngp},
                            [self.formula_x, self.rows[row], 0])
        return der.line(parts)

    # ------------------------------------------------------------------ plots
    def build_kernel_plot(self):
        s = self.wide
        lo, hi = s.x_range
        xp, word = fmt_g(self.x_obs), self.label("kernel")
        y_range = whole_ticks(np.concatenate([self.nngp_norm, self.ntk_norm, [0.0]]), self.kernel_y_step)
        numbers = every_other_tick(y_range)
        self.kernel_axes = ax = self.framed((lo, hi, 5), y_range, self.axes_size, self.axes_center,
                                           y_numbers=numbers, decimals=label_decimals(*numbers))
        self.kernel_names = VGroup(
            self.ty.math("x", size=self.ty.CAPTION_SIZE + 4).next_to(ax.frame_x.get_right(), RIGHT, buff=0.15),
            self.ty.math(rf"\text{{{word}}}(x, {xp})\,/\,\text{{{word}}}({xp}, {xp})", size=self.ty.CAPTION_SIZE)
            .next_to(ax.frame_y.get_top(), UP, buff=0.12).align_to(ax.frame_y.numbers, LEFT),
        )
        self.nngp_curve = polyline(ax, self.x, self.nngp_norm, self.theme.nngp, stroke_width=4)
        self.ntk_curve = polyline(ax, self.x, self.ntk_norm, self.theme.ntk_exact, stroke_width=4)
        self.obs_marker = vertical_marker(ax, self.x_obs, self.theme.axis)
        self.obs_label = self.ty.text(f"x′ = {xp}", size=self.ty.LABEL_SIZE, color=self.theme.axis)
        # At the foot of the marker, clear of the curves (both fall off away from x′).
        self.obs_label.next_to(ax.c2p(self.x_obs, ax.y_range[0]), RIGHT, buff=0.1).shift(0.25 * UP)
        # The definitions, as the formula lines (Θ above, K below), the kernels in their colours.
        self.k_def = self.formula(K_DEF, 1)
        self.theta_def = self.formula(THETA_DEF, 0)
        # The two values where the shapes differ most, marked on the curves, each with its kernel's name.
        xg = self.shape_gap_x
        self.shape_dots = VGroup(*[Dot(ax.c2p(xg, v), radius=0.08, color=c) for v, c in
                                   zip(self.shape_gap_values, (self.theme.nngp, self.theme.ntk_exact))])
        # K above its (upper) curve, Θ below its (lower) one: clear of both curves.
        self.shape_labels = VGroup(*[self.ty.math(rf"{sym} : {fmt(v, 2)}", size=self.ty.LABEL_SIZE + 4, color=c)
                                     .next_to(dot, where, buff=0.18)
                                     for sym, v, c, dot, where in zip((eq.K, eq.THETA), self.shape_gap_values,
                                                                      (self.theme.nngp, self.theme.ntk_exact),
                                                                      self.shape_dots, (UP, DOWN))])

    def build_fit_plot(self):
        d, s = self.data, self.wide
        lo, hi = s.x_range
        half = {k: self.band_stds * v for k, v in self.stds.items()}
        self.band_lower = {k: self.means[k] - half[k] for k in half}
        self.band_upper = {k: self.means[k] + half[k] for k in half}
        vals = np.concatenate([*self.band_lower.values(), *self.band_upper.values(), d["y_train"]])
        self.fit_y_range = y_range = whole_ticks(vals, self.fit_y_step)
        numbers = every_other_tick(y_range)
        self.fit_axes = ax = self.framed((lo, hi, 5), y_range, self.axes_size, self.axes_center,
                                         y_numbers=numbers, decimals=label_decimals(*numbers))
        self.fit_names = axis_names(self, ax, s.y_shift, s.y_scale)
        self.train_dots = training_dots(self, ax, d["x_train_post"], d["y_train"])
        colours = self.colours
        # The NNGP posterior's band filled; the NTK-GP's as its two edges, dashed (no blending where
        # they overlap).  ``ntk_edges`` are the solid edges the dashes are cut from (read back in tests).
        self.bands = {"nngp": band(ax, self.x, self.band_lower["nngp"], self.band_upper["nngp"], colours["nngp"],
                                   self.band_opacity)}
        self.ntk_edges = (polyline(ax, self.x, self.band_lower["ntk"], colours["ntk"], stroke_width=2.5),
                          polyline(ax, self.x, self.band_upper["ntk"], colours["ntk"], stroke_width=2.5))
        self.bands["ntk"] = VGroup(*[DashedVMobject(e, num_dashes=self.band_dashes) for e in self.ntk_edges])
        self.mean_curves = {k: polyline(ax, self.x, self.means[k], colours[k], stroke_width=4) for k in half}
        # Training only the last layer (Θ = K): the NTK-GP lands on the NNGP posterior, drawn as the
        # NTK-GP is drawn (dashed edges, a line for the mean) over the posterior's band.
        self.readout_edges = (polyline(ax, self.x, self.band_lower["nngp"], colours["ntk"], stroke_width=2.5),
                              polyline(ax, self.x, self.band_upper["nngp"], colours["ntk"], stroke_width=2.5))
        self.readout_band = VGroup(*[DashedVMobject(e, num_dashes=self.band_dashes) for e in self.readout_edges])
        self.readout_mean = polyline(ax, self.x, self.means["nngp"], colours["ntk"], stroke_width=4)
        # Which line is which: a name beside each formula line.
        self.tags = {k: self.ty.text(self.label(f"tag_{k}"), size=self.ty.LABEL_SIZE, color=colours[k])
                     for k in ("ntk", "nngp")}
        # The largest gap between the means, as a double arrow with its size beside it.
        k = self.max_gap_index
        a, b = self.means["nngp"][k], self.means["ntk"][k]
        self.gap_arrow = DoubleArrow(ax.c2p(self.max_gap_x, b), ax.c2p(self.max_gap_x, a), buff=0,
                                     color=self.theme.highlight, stroke_width=4, tip_length=0.14,
                                     max_tip_length_to_length_ratio=0.3)
        self.gap_label = self.ty.text(self.label("largest_gap", gap=fmt(self.max_gap, 2)),
                                      size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        top = max(self.band_upper["ntk"][k], self.band_upper["nngp"][k])
        # Under both bands at the arrow (clear of them), towards the middle of the plot.
        bottom = min(self.band_lower["ntk"][k], self.band_lower["nngp"][k])
        self.gap_label.next_to(ax.c2p(self.max_gap_x, bottom), DOWN, buff=0.12)
        self.gap_label.align_to(ax.c2p(self.max_gap_x, 0), RIGHT if self.max_gap_x > 0.5 * (lo + hi) else LEFT)
        # Where the NTK-GP's std is the largest multiple of the posterior's (away from the data).
        self.ratio_marker = vertical_marker(ax, self.ratio_max_x, self.theme.highlight)
        self.ratio_label = self.ty.text(self.label("std_ratio", r=fmt(self.ratio_range[1], 1),
                                                   x=fmt_g(self.ratio_max_x)),
                                        size=self.ty.LABEL_SIZE, color=self.theme.highlight, line_spacing=0.9)
        i = int(np.argmin(np.abs(self.x - self.ratio_max_x)))
        band_top = max(self.band_upper["ntk"][i], self.band_upper["nngp"][i])
        side = LEFT if self.ratio_max_x > 0.5 * (lo + hi) else RIGHT
        self.ratio_label.next_to(ax.c2p(self.ratio_max_x, band_top), side + UP, buff=0.15)
        self.readout_label = self.ty.math(r"\text{" + self.label("last_layer") + r"}\ ", eq.THETA, "=", eq.K,
                                          size=self.ty.LABEL_SIZE + 4)
        self.readout_label[1].set_color(self.theme.ntk_exact)
        self.readout_label[3].set_color(self.theme.nngp)
        fit_width(self.readout_label, 6.0)
        # Above the bands, over the left half of the plot (where they stay low).
        x_mid = lo + 0.3 * (hi - lo)
        half_w = (hi - lo) * self.readout_label.width / ax.x_length / 2
        span = np.abs(self.x - x_mid) <= half_w
        above = max(float(self.band_upper["ntk"][span].max()), float(self.band_upper["nngp"][span].max()))
        self.readout_label.move_to(ax.c2p(x_mid, above), aligned_edge=DOWN).shift(0.15 * UP)

    def tag(self, key: str, line):
        """The line's name, right of it (shrunk to the title-safe area if a translation is longer)."""
        tag = self.tags[key]
        fit_width(tag, self.safe_box()[0] - 0.1 - line.get_right()[0] - 0.3)
        return tag.next_to(line, RIGHT, buff=0.3)

    # ------------------------------------------------------------------ the chapter
    def spread(self, kernel: str, least: bool) -> tuple:
        """The minimum-variance line (scenes.components.equations.spread) in the script's words."""
        return eq.spread(kernel, least, words=(self.label("least"), self.label("larger")))

    def construct(self):
        d, s = self.data, self.wide
        xp = fmt_g(self.x_obs)
        m = len(d["y_train"])
        sd = fmt_g(self.band_stds)
        colours = {eq.THETA: self.theme.ntk_exact, eq.K: self.theme.nngp}
        ntk_line = eq.Derivation(self, self.formula_size, colours, [self.formula_x, self.rows[0], 0])
        self.derivation = der = eq.Derivation(self, self.formula_size, colours, [self.formula_x, self.rows[0], 0])

        self.play_title_card()

        # Step: one architecture, two kernels (K introduced here for an edition without the last chapter)
        head = self.heading(self.script.chapter["title"])
        ax = self.kernel_axes
        kernel_view = VGroup(ax, self.kernel_names, self.obs_marker, self.obs_label, self.nngp_curve,
                             self.ntk_curve, self.shape_dots, self.shape_labels, self.k_def, self.theta_def)
        with self.step("two_kernels", xp=xp, depth=s.depth):
            self.play(FadeIn(head), FadeIn(ax), FadeIn(self.kernel_names), FadeIn(self.obs_marker),
                      FadeIn(self.obs_label), FadeIn(self.k_def), FadeIn(self.theta_def), run_time=0.8)
            self.play(Create(self.nngp_curve), Create(self.ntk_curve), run_time=1.0)
            self.play(FadeIn(self.shape_dots), FadeIn(self.shape_labels), run_time=0.4)

        # Step: gradient descent from random starts, t = ∞: the NTK-GP and its mean (the line the
        # last chapters ended on)
        fx = self.fit_axes
        with self.step("ntk_gp", m=m, sd=sd):
            self.play(FadeOut(kernel_view), run_time=0.4)
            self.play(FadeIn(fx), FadeIn(self.fit_names),
                      LaggedStart(*[FadeIn(dot, scale=0.5) for dot in self.train_dots], lag_ratio=0.15),
                      der.show(eq.mean(eq.THETA)), run_time=0.9)
            # On screen: copies (the built band and mean stay as computed; the nuance moves the copies).
            self.ntk_band, self.ntk_mean = ntk_band, ntk_mean = self.bands["ntk"].copy(), self.mean_curves["ntk"].copy()
            self.play(Create(ntk_band), Create(ntk_mean),
                      FadeIn(self.tag("ntk", der.current)), run_time=1.0)
            self.bring_to_front(self.train_dots)

        # Step: one symbol swapped, Θ → K: the NNGP posterior mean, and its band
        with self.step("swap", sd=sd):
            swap = der.to(eq.posterior_mean(), {eq.THETA: eq.K, eq.MEAN_LEFT: eq.POSTERIOR_LEFT},
                          position=[self.formula_x, self.rows[1], 0], keep=True)
            self.play(swap, run_time=1.2)
            self.remove(swap.mobject)
            ntk_line.current, ntk_line.parts = der.previous, tuple(eq.mean(eq.THETA))
            self.play(FadeIn(self.bands["nngp"]), Create(self.mean_curves["nngp"]),
                      FadeIn(self.tag("nngp", der.current)), run_time=1.0)
            self.bring_to_front(ntk_mean, self.train_dots)
            self.play(FadeIn(self.gap_arrow), FadeIn(self.gap_label), run_time=0.5)

        # Step: why the NTK-GP is wider: the variance of a corrected start is least at Bayes's weights
        with self.step("least_variance"):
            self.play(FadeOut(self.tags["ntk"]), FadeOut(self.tags["nngp"]), FadeOut(self.gap_arrow),
                      FadeOut(self.gap_label), run_time=0.3)
            moves = (ntk_line.to(self.spread(eq.THETA, least=False), {eq.MEAN_LEFT: r"\mathrm{Var}\big["}),
                     der.to(self.spread(eq.K, least=True), {eq.POSTERIOR_LEFT: r"\mathrm{Var}\big["}))
            self.play(*moves, run_time=1.2)
            self.remove(*[a.mobject for a in moves])

        # Step: computed, not asserted: where the NTK-GP's spread is the largest multiple of Bayes's
        r_lo, r_hi = self.ratio_range
        with self.step("wider", r=fmt(r_hi, 1), r_lo=fmt(r_lo, 1), x=fmt_g(self.ratio_max_x), away=fmt_g(self.away)) as st:
            if not st.skipped:       # a cut without this step never shows the marker
                self.play(FadeIn(self.ratio_marker), FadeIn(self.ratio_label), run_time=0.8)

        # Step: the nuance: train only the last layer and Θ becomes K (Lee et al. 2019)
        least, larger = self.spread(eq.K, least=True)[5], self.spread(eq.THETA, least=False)[5]
        # (A cut that leaves this step out leaves the picture as it is: the lesson then needs no way back.)
        with self.step("readout") as st:
            readout = not st.skipped
            if readout:
                self.play(FadeOut(self.ratio_marker), FadeOut(self.ratio_label), run_time=0.3)
                ntk_line.morph(self.spread(eq.K, least=True), {eq.THETA: eq.K, larger: least},
                               FadeIn(self.readout_label), Transform(ntk_band, self.readout_band),
                               Transform(ntk_mean, self.readout_mean), run_time=1.2)
                self.bring_to_front(self.train_dots)

        # Step (the lesson): all layers trained: Θ, not K; the two means apart.  Don't mix your kernels.
        with self.step("dont_mix"):
            if readout:
                ntk_line.morph(self.spread(eq.THETA, least=False), {eq.K: eq.THETA, least: larger},
                               FadeOut(self.readout_label), Transform(ntk_band, self.bands["ntk"].copy()),
                               Transform(ntk_mean, self.mean_curves["ntk"].copy()), FadeIn(self.gap_arrow),
                               FadeIn(self.gap_label), run_time=1.2)
            else:
                gone = [FadeOut(m) for m in (self.ratio_marker, self.ratio_label) if m in self.mobjects]
                self.play(*gone, FadeIn(self.gap_arrow), FadeIn(self.gap_label), run_time=1.2)
            self.bring_to_front(self.train_dots)
            kernels = VGroup(*[p for line in (ntk_line.current, der.current) for p in line.submobjects
                               if p.tex_string in (eq.THETA, eq.K)])
            self.play(Indicate(kernels, scale_factor=1.3, color=self.theme.highlight), run_time=1.2)
        self.ntk_line = ntk_line
