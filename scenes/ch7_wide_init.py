"""Chapter 7 — Wide networks at initialization: the NTK becomes deterministic.

The post says it in words; here we show it.  Left: the empirical NTK column k(x, 10) of many
randomly initialized ReLU networks (one thin curve per seed), drawn as a band, width by width from
narrow (purple) to wide (orange); the band collapses onto the analytic infinite-width NTK (green).
Right: the seed-to-seed spread against width on log–log axes, with its fitted slope (≈ −½).

Every number comes from ``ntkcore.wide_experiments.init_band`` (precomputed and cached by the
pipeline; computed here when the chapter is rendered by hand).

Render:  manim -pql scenes/ch7_wide_init.py WideAtInit
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, ORIGIN, RIGHT, UP, Create, Dot, FadeIn, LaggedStart, Line, Transform, VGroup,
    VMobject,
)

from scenes import runtime
from scenes.base import ChapterScene
from scenes.formatting import fmt, fmt_g
from scenes.ranges import whole_numbers, whole_ticks
from scenes.widgets import smooth_curve, vertical_marker


class WideAtInit(ChapterScene):
    x_tick = 5

    kernel_y_step = 0.5
    kernel_size = (6.2, 4.4)
    kernel_center = (-3.3, 0.2, 0.0)
    loglog_y_step = 0.5     # half a decade per tick
    loglog_size = (5.0, 3.4)
    loglog_center = (4.1, 0.5, 0.0)
    band_stroke = (2.0, 0.45)     # width, opacity of each seed's curve
    analytic_stroke = 6.0

    # ------------------------------------------------------------------ set-up
    def setup(self):
        super().setup()
        self.wide = self.settings.wide
        d = self.data = runtime.experiment("init_band")
        self.grid = d["x"]
        self.widths = d["widths"]
        W = len(self.widths)
        self.width_colors = [self.theme.width_color(i, W) for i in range(W)]

        # Left: the kernel plot, its y range from every curve of every width (rounded to ticks)
        all_k = np.concatenate([d["curves"].ravel(), d["analytic_ntk"]])
        self.kernel_axes = self.build_kernel_axes(whole_ticks(all_k, self.kernel_y_step))
        self.band_curves = [[self.kernel_curve(c, self.width_colors[i], *self.band_stroke)
                             for c in d["curves"][i]] for i in range(W)]
        self.bands = [VGroup(*curves) for curves in self.band_curves]
        self.analytic_curve = self.kernel_curve(d["analytic_ntk"], self.theme.ntk_exact, self.analytic_stroke, 1.0)

        # Right: log10 spread against log10 width, the least-squares line through the dots
        self.log_w = np.log10(self.widths.astype(float))
        self.log_s = np.log10(d["spread"])
        self.fit_slope, self.fit_intercept = np.polyfit(self.log_w, self.log_s, 1)
        self.fit_ends = self.fit_intercept + self.fit_slope * self.log_w[[0, -1]]
        self.slope_shown = float(d["spread_slope"])
        self.loglog_axes = self.build_loglog_axes()
        self.spread_dots = [Dot(self.loglog_axes.c2p(lw, ls), radius=0.085, color=c)
                            for lw, ls, c in zip(self.log_w, self.log_s, self.width_colors)]
        self.fit_line = Line(self.loglog_axes.c2p(self.log_w[0], self.fit_ends[0]),
                             self.loglog_axes.c2p(self.log_w[-1], self.fit_ends[1]),
                             color=self.theme.ink, stroke_width=3)

    def build_kernel_axes(self, y_range):
        s = self.wide
        # print the whole numbers only (0, 1, 2, ...): fewer, shorter labels
        return self.framed((s.x_range[0], s.x_range[1], self.x_tick), y_range, self.kernel_size,
                           self.kernel_center, y_numbers=whole_numbers(y_range))

    def kernel_curve(self, values, color: str, width: float, opacity: float) -> VMobject:
        """A smooth curve whose anchors are exactly the grid points (x, k(x, x'))."""
        return smooth_curve(self.kernel_axes, self.grid, values, color, width, opacity)

    def build_loglog_axes(self):
        """Linear axes over log10 values; ticks on x at every width (and half-way between)."""
        lw = self.log_w
        ratio = float(np.mean(np.diff(lw)))      # log10 of the factor between widths
        x_range = (lw[0] - ratio / 2, lw[-1] + ratio / 2, ratio / 2)
        y_range = whole_ticks(np.concatenate([self.log_s, self.fit_ends]), self.loglog_y_step)
        axes = self.framed(x_range, y_range, self.loglog_size, self.loglog_center, x_numbers=[], y_numbers=[])
        x_labels = VGroup(*[
            self.ty.text(f"{w}", size=self.ty.LABEL_SIZE).next_to(axes.frame_x.n2p(v), DOWN, buff=0.2)
            for w, v in zip(self.widths, lw)])
        powers = [int(p) for p in np.arange(np.ceil(y_range[0]), np.floor(y_range[1]) + 0.5)]
        y_labels = VGroup(*[
            self.ty.math(f"10^{{{p}}}", size=self.ty.AXIS_NUMBER_SIZE).next_to(axes.frame_y.n2p(p), LEFT, buff=0.2)
            for p in powers])
        axes.tick_labels = VGroup(x_labels, y_labels)
        return axes

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        s, d = self.wide, self.data
        x_obs = s.x_obs
        W = len(self.widths)
        n_seeds = d["curves"].shape[1]
        kx, lx = self.kernel_axes, self.loglog_axes

        # Step: title card
        self.play_title_card("Wide networks at initialization",
                             r"\text{width} \to \infty:\quad k(x, x') \;\to\; \Theta_\infty(x, x')")

        # Step: the kernel panel and x' = 10
        head = self.heading("Wide networks at initialization")
        k_labels = VGroup(
            self.ty.math("x", size=self.ty.CAPTION_SIZE + 4).next_to(kx.frame_x.get_right(), RIGHT, buff=0.15),
            self.ty.math(f"k(x, {fmt_g(x_obs)})", size=self.ty.CAPTION_SIZE).next_to(kx.frame_y.get_top(), UP, buff=0.12),
        )
        y_hi = kx.y_range[1]
        marker = vertical_marker(kx, x_obs, self.theme.observation)
        marker_label = self.ty.text(f"x′ = {fmt_g(x_obs)}", size=self.ty.LABEL_SIZE, color=self.theme.observation)
        marker_label.next_to(marker, RIGHT, buff=0.1).align_to(marker, UP)
        self.play(FadeIn(head), FadeIn(kx), FadeIn(k_labels), FadeIn(marker), FadeIn(marker_label),
                  run_time=1.0)
        self.say(f"A ReLU network, {s.depth} hidden layers, NTK parametrization.\n"
                 f"Each random initialization has its own NTK, k(x, {fmt_g(x_obs)}).")
        self.wait(3.5)

        # Step: the narrowest width, one thin curve per seed
        legend_anchor = kx.c2p(s.x_range[0], y_hi) + 0.3 * RIGHT + 0.25 * DOWN
        width_labels = [self.ty.text(f"width {w}", size=self.ty.CAPTION_SIZE, color=c, weight="BOLD")
                        .move_to(legend_anchor, aligned_edge=LEFT + UP)
                        for w, c in zip(self.widths, self.width_colors)]
        self.band_display = band = self.bands[0].copy()     # morphs width to width; self.bands stay as drawn
        width_label = width_labels[0].copy()
        self.add(band)   # the group itself (not only its curves) so later Transforms keep its depth
        self.play(LaggedStart(*[Create(c) for c in band], lag_ratio=0.04), FadeIn(width_label), run_time=1.6)
        self.say(f"Width {self.widths[0]}: {n_seeds} random networks, {n_seeds} different kernels.")
        self.wait(3.0)

        # Step: the infinite-width NTK, drawn on top
        analytic_label = self.ty.text("infinite width\n(analytic)", size=self.ty.LABEL_SIZE, color=self.theme.ntk_exact,
                                 line_spacing=0.8)
        analytic_label.next_to(width_labels[0], DOWN, buff=0.25, aligned_edge=LEFT).shift(0.65 * RIGHT)
        swatch = Line(ORIGIN, 0.5 * RIGHT, color=self.theme.ntk_exact, stroke_width=self.analytic_stroke)
        swatch.next_to(analytic_label, LEFT, buff=0.15)
        self.play(Create(self.analytic_curve), FadeIn(swatch), FadeIn(analytic_label), run_time=1.2)
        self.say("Green: the NTK of the same architecture at infinite width,\n"
                 "computed in closed form (no random weights).")
        self.wait(3.5)

        # Step: the log-log panel and the spread of the narrowest width
        ll_labels = VGroup(
            self.ty.text("width", size=self.ty.LABEL_SIZE).next_to(lx.tick_labels[0], DOWN, buff=0.15),
            self.ty.text("spread across seeds", size=self.ty.LABEL_SIZE).next_to(lx.frame_y.get_top(), UP, buff=0.2)
            .align_to(lx.frame_y, LEFT),
        )
        self.play(FadeIn(lx), FadeIn(lx.tick_labels), FadeIn(ll_labels), run_time=0.8)
        self.play(FadeIn(self.spread_dots[0], scale=2.0), run_time=0.6)
        self.say("Right: the spread across seeds (std over seeds, averaged over x,\n"
                 "relative to the kernel's size), against width on log–log axes.")
        self.wait(4.0)

        # Step: wider and wider: the band collapses onto the green curve
        self.say(f"Now wider networks, {n_seeds} random seeds each:")
        for i in range(1, W):
            self.play(Transform(band, self.bands[i]), Transform(width_label, width_labels[i]),
                      FadeIn(self.spread_dots[i], scale=2.0), run_time=1.5)
            self.wait(1.0)
        self.say(f"At width {self.widths[-1]} the {n_seeds} kernels hug the green curve.")
        self.wait(3.0)

        # Step: the fitted slope
        slope_label = self.ty.text(f"slope {fmt(self.slope_shown, 2)} ≈ −½", size=self.ty.LABEL_SIZE + 2)
        slope_label.next_to(lx.c2p(lx.x_range[1], lx.y_range[1]), DOWN + LEFT, buff=0.15)
        self.play(Create(self.fit_line), FadeIn(slope_label), run_time=1.2)
        self.bring_to_front(*self.spread_dots)
        self.say(f"The dots lie on a line of slope {fmt(self.slope_shown, 2)} ≈ −½:\n"
                 "the seed-to-seed spread shrinks like 1/√width.")
        self.wait(4.0)

        # Step: the conclusion
        self.say("At infinite width the NTK at initialization is deterministic:\n"
                 "every random seed gives the same kernel, the green one.")
        self.wait(4.0)
