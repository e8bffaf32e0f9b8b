"""Chapter 11 — Don't mix your kernels.  An infinitely wide network has two kernels: the NNGP K
(Neal 1994: the covariance of f over random initializations, the prior) and the NTK Θ (how gradient
descent moves f).  On the same data they give two Gaussian processes: Bayesian inference with the
prior GP(0, K) (the NNGP posterior) and gradient descent to convergence (the NTK-GP at t = ∞).
Both pass through the data; they differ between and beyond it, in mean and in spread.

Every curve and number comes from ``ntkcore.gp.gp_numbers`` (experiment "gp", precomputed by the
pipeline) and the facts of ``ntkcore.gp`` (largest gap, ratio of standard deviations).  The bands are
mean ± 2 std at their true size (the y axis is zoomed to the curves instead): the NNGP posterior's
filled, the NTK-GP's as dashed edges, so that the two never blend where they overlap.

The words are in ``scenes/chapters/nngp_vs_ntk.toml`` (scenes/script.py explains the format).

Render:  manim -pql scenes/chapters/nngp_vs_ntk.py DontMixKernels
"""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, UR, Circle, Create, DashedVMobject, Dot, DoubleArrow, FadeIn, FadeOut,
                   LaggedStart, VGroup, config)

from ntkcore.facts import away_from, grid_indices, largest_gap, std_ratio_range

from scenes import runtime
from scenes.base import ChapterScene, fit_width
from scenes.components.gp_plots import axis_names, band, input_map, training_dots
from scenes.formatting import fmt, fmt_g
from scenes.ranges import every_other_tick, label_decimals, whole_ticks
from scenes.widgets import legend_row, polyline, vertical_marker

class DontMixKernels(ChapterScene):

    axes_size = (11.2, 4.0)
    axes_center = (0.3, -0.1, 0.0)
    kernel_size = (11.2, 3.7)
    kernel_center = (0.3, -0.2, 0.0)
    kernel_y_step = 0.25
    fit_y_step = 0.1             # y zoomed to the curves (ticks every 0.1, numbers every 0.2)
    band_stds = 2.0              # each band is mean ± band_stds · std, drawn at its true size
    band_opacity = 0.35          # the NNGP band (filled); the NTK-GP band is two dashed edges
    band_dashes = 70
    away = 1.0                   # "away from the data": at least this far (in x) from every training input
    legend_y = 2.88
    fit_legend_y = 2.7          # three rows: just under the heading's bottom
    legend_right = 6.8
    legend_margin = 0.3          # a legend keeps this far from the frame's left side …
    legend_gap = 0.3             # … and from the y axis's name

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
        self.top_std = max(float(v.max()) for v in self.stds.values())
        self.build_kernel_plot()
        self.build_fit_plot()

    # ------------------------------------------------------------------ plots
    def build_kernel_plot(self):
        s = self.wide
        lo, hi = s.x_range
        xp, word = fmt_g(self.x_obs), self.label("kernel")
        y_range = whole_ticks(np.concatenate([self.nngp_norm, self.ntk_norm, [0.0]]), self.kernel_y_step)
        numbers = every_other_tick(y_range)
        self.kernel_axes = ax = self.framed((lo, hi, 5), y_range, self.kernel_size, self.kernel_center,
                                           y_numbers=numbers, decimals=label_decimals(*numbers))
        self.kernel_names = VGroup(
            self.ty.math("x", size=self.ty.CAPTION_SIZE + 4).next_to(ax.frame_x.get_right(), RIGHT, buff=0.15),
            self.ty.math(rf"\text{{{word}}}(x, {xp})\,/\,\text{{{word}}}({xp}, {xp})", size=self.ty.CAPTION_SIZE)
            .next_to(ax.frame_y.get_top(), UP, buff=0.12).align_to(ax.frame_y.numbers, LEFT),
        )
        self.nngp_curve = polyline(ax, self.x, self.nngp_norm, self.theme.nngp)
        self.ntk_curve = polyline(ax, self.x, self.ntk_norm, self.theme.ntk_exact)
        self.obs_marker = vertical_marker(ax, self.x_obs, self.theme.axis)
        self.obs_label = self.ty.text(f"x′ = {xp}", size=self.ty.LABEL_SIZE, color=self.theme.axis)
        self.obs_label.next_to(ax.c2p(self.x_obs, ax.y_range[1]), RIGHT, buff=0.1).shift(0.2 * DOWN)
        self.kernel_legend = VGroup(
            legend_row(self.ty, self.theme.nngp, self.label("legend_nngp_kernel"),
                       text_color=self.theme.nngp),
            legend_row(self.ty, self.theme.ntk_exact, self.label("legend_ntk"),
                       text_color=self.theme.ntk_exact),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        # Longer words (another language) shrink the legend to the frame (English fits as it is).
        fit_width(self.kernel_legend, self.legend_right + config.frame_width / 2 - self.legend_margin)
        self.kernel_legend.move_to([0, self.legend_y, 0]).align_to([self.legend_right, 0, 0], RIGHT)
        # The two values the caption reads, marked where the shapes differ most.
        xg = self.shape_gap_x
        self.shape_dots = VGroup(*[Dot(ax.c2p(xg, v), radius=0.08, color=c) for v, c in
                                   zip(self.shape_gap_values, (self.theme.nngp, self.theme.ntk_exact))])
        self.shape_labels = VGroup(*[self.ty.text(fmt(v, 2), size=self.ty.LABEL_SIZE, color=c)
                                     .next_to(dot, UR if xg < 0.5 * (lo + hi) else UP + LEFT, buff=0.08)
                                     for v, c, dot in zip(self.shape_gap_values,
                                                          (self.theme.nngp, self.theme.ntk_exact), self.shape_dots)])

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
        self.marks = VGroup(*[Circle(radius=0.16, color=self.theme.highlight, stroke_width=3).move_to(dot.get_center())
                              for dot in self.train_dots])      # rings: where both bands pinch
        colors = {"nngp": self.theme.nngp, "ntk": self.theme.ntk_exact}
        # The NNGP posterior's band filled; the NTK-GP's as its two edges, dashed (no blending where
        # they overlap).  ``ntk_edges`` are the solid edges the dashes are cut from (read back in tests).
        self.bands = {"nngp": band(ax, self.x, self.band_lower["nngp"], self.band_upper["nngp"], colors["nngp"],
                                   self.band_opacity)}
        self.ntk_edges = (polyline(ax, self.x, self.band_lower["ntk"], colors["ntk"], stroke_width=2.5),
                          polyline(ax, self.x, self.band_upper["ntk"], colors["ntk"], stroke_width=2.5))
        self.bands["ntk"] = VGroup(*[DashedVMobject(e, num_dashes=self.band_dashes) for e in self.ntk_edges])
        self.mean_curves = {k: polyline(ax, self.x, self.means[k], colors[k]) for k in half}
        sd = fmt_g(self.band_stds)
        dot_key = VGroup(Dot(radius=0.085, color=self.theme.dot),
                         self.ty.text(self.label("legend_training_points", m=len(d["y_train"])),
                                      size=self.ty.LABEL_SIZE)).arrange(RIGHT, buff=0.3)
        self.legend = VGroup(
            legend_row(self.ty, self.theme.nngp, self.label("legend_nngp_posterior", sd=sd),
                       text_color=self.theme.nngp),
            legend_row(self.ty, self.theme.ntk_exact,
                       self.label("legend_ntk_gp", sd=sd),
                       text_color=self.theme.ntk_exact),
            dot_key,
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        # Its lowest row is level with the y axis's name: longer words (another language) shrink the
        # legend to the room right of that name (English fits as it is).
        fit_width(self.legend, self.legend_right - self.fit_names[1].get_right()[0] - self.legend_gap)
        self.legend.move_to([0, self.fit_legend_y, 0]).align_to([self.legend_right, 0, 0], RIGHT)
        # The largest gap between the means, as a double arrow.
        k = self.max_gap_index
        a, b = self.means["nngp"][k], self.means["ntk"][k]
        self.gap_arrow = DoubleArrow(ax.c2p(self.max_gap_x, b), ax.c2p(self.max_gap_x, a), buff=0,
                                     color=self.theme.highlight, stroke_width=4, tip_length=0.14,
                                     max_tip_length_to_length_ratio=0.3)
        self.gap_label = self.ty.text(self.label("largest_gap", gap=fmt(self.max_gap, 2), x=fmt_g(self.max_gap_x)),
                                      size=self.ty.LABEL_SIZE, color=self.theme.highlight, line_spacing=0.9)
        # Up and to the left of the arrow's top, over the empty region the curves rise through (clear of
        # both bands' upper edges at the arrow).
        top = max(self.band_upper["ntk"][k], self.band_upper["nngp"][k])
        self.gap_label.next_to(ax.c2p(self.max_gap_x, top), UP + LEFT, buff=0.12)
        self.ratio_marker = vertical_marker(ax, self.ratio_max_x, self.theme.highlight)
        r_hi = self.ratio_range[1]
        self.ratio_label = self.ty.text(self.label("std_ratio", r=fmt(r_hi, 1), x=fmt_g(self.ratio_max_x)),
                                        size=self.ty.LABEL_SIZE, color=self.theme.highlight, line_spacing=0.9)
        # Beside the marker, just above the bands it describes.
        i = int(np.argmin(np.abs(self.x - self.ratio_max_x)))
        band_top = max(self.band_upper["ntk"][i], self.band_upper["nngp"][i])
        side = LEFT if self.ratio_max_x > 0.5 * (lo + hi) else RIGHT
        self.ratio_label.next_to(ax.c2p(self.ratio_max_x, band_top), side + UP, buff=0.15)

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        d, s = self.data, self.wide
        xp = fmt_g(self.x_obs)
        m = len(d["y_train"])
        _, map_spoken = input_map(self, s.x_range)
        sd = fmt_g(self.band_stds)

        self.play_title_card(r"K_{\mathrm{NNGP}} \;\neq\; \Theta_{\mathrm{NTK}}")

        # Step: one architecture, two kernels
        head = self.heading(self.script.chapter["title"])
        ax = self.kernel_axes
        with self.step("two_kernels", xp=xp, depth=s.depth, map_spoken=map_spoken):
            self.play(FadeIn(head), FadeIn(ax), FadeIn(self.kernel_names), FadeIn(self.obs_marker),
                      FadeIn(self.obs_label), run_time=1.0)
            self.play(FadeIn(self.kernel_legend), Create(self.nngp_curve), Create(self.ntk_curve), run_time=1.6)
        a, b = self.shape_gap_values
        xg = fmt_g(self.shape_gap_x)
        with self.step("shapes", x=xg, k=fmt(a, 2), theta=fmt(b, 2), xp=xp):
            self.play(FadeIn(self.shape_dots), FadeIn(self.shape_labels), run_time=0.8)

        # Step: the data, and Bayes with the NNGP prior
        kernels = VGroup(ax, self.kernel_names, self.obs_marker, self.obs_label, self.nngp_curve, self.ntk_curve,
                         self.kernel_legend, self.shape_dots, self.shape_labels)
        fx = self.fit_axes
        with self.step("nngp_posterior", m=m, sd=sd):
            self.play(FadeOut(kernels), run_time=0.6)
            self.play(FadeIn(fx), FadeIn(self.fit_names), FadeIn(self.legend[2]),
                      LaggedStart(*[FadeIn(dot, scale=0.5) for dot in self.train_dots], lag_ratio=0.15), run_time=1.0)
            self.play(FadeIn(self.legend[0]), FadeIn(self.bands["nngp"]), Create(self.mean_curves["nngp"]),
                      run_time=1.4)
            self.bring_to_front(self.train_dots)

        # Step: gradient descent at infinite width, t = ∞
        with self.step("ntk_gp", sd=sd):
            self.play(FadeIn(self.legend[1]), Create(self.bands["ntk"]), Create(self.mean_curves["ntk"]),
                      run_time=1.4)
            self.bring_to_front(self.train_dots)

        # Step: both pinch at the data; how wide the bands are
        prior_top = float(d["prior_std"].max())
        with self.step("pinch", m=m, top=fmt(self.top_std, 3), prior_top=fmt(prior_top, 2)):
            self.play(LaggedStart(*[Create(c) for c in self.marks], lag_ratio=0.15), run_time=1.0)

        # Step: where the means differ
        with self.step("mean_gap", x=fmt_g(self.max_gap_x), gap=fmt(self.max_gap, 2),
                       gap_y=fmt(self.max_gap * s.y_scale, 1)):
            self.play(FadeOut(self.marks), run_time=0.4)
            self.play(FadeIn(self.gap_arrow), FadeIn(self.gap_label), run_time=0.8)

        # Step: where the spreads differ
        r_lo, r_hi = self.ratio_range
        never = r_lo >= 1.0 - 1e-9
        with self.step("spread", None if never else "narrower_somewhere", r_lo=fmt(r_lo, 1), r_hi=fmt(r_hi, 1),
                       x=fmt_g(self.ratio_max_x), away=fmt_g(self.away)):
            self.play(FadeIn(self.ratio_marker), FadeIn(self.ratio_label), run_time=0.8)

        # Step: why never narrower (a theorem, true for any Θ; noise-free data)
        self.say("why")

        # Step: the post's point
        self.say("dont_mix")
