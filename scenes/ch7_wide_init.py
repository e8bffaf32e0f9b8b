"""Chapter 7 — Wide networks at initialization: the NTK becomes deterministic.

The post says it in words; here we show it.  Left: the empirical NTK column k(x, 10) of many
randomly initialized ReLU networks (one thin curve per seed), drawn as a band, width by width from
narrow (purple) to wide (orange); the band collapses onto the analytic infinite-width NTK (green).
Right: the seed-to-seed spread against width on log–log axes, with its fitted slope (≈ −½).

Every number comes from ``ntkcore.wide_experiments.init_band()`` (cached on disk).

Render:  manim -pql scenes/ch7_wide_init.py WideAtInit
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, ORIGIN, RIGHT, UP, Create, DashedLine, Dot, FadeIn, LaggedStart, Line, ManimColor,
    Transform, VGroup, VMobject, interpolate_color,
)

from ntkcore import wide_experiments as we

from scenes.base import ExampleScene, fmt, fmt_g
from scenes.widgets import framed_axes
from scenes import palette
from scenes import typography as ty


def width_color(i: int, n: int) -> str:
    """Colour of width number ``i`` of ``n``: purple (narrowest) to orange (widest)."""
    t = i / (n - 1) if n > 1 else 0.0
    return interpolate_color(ManimColor(palette.KERNEL_START), ManimColor(palette.KERNEL_END), t).to_hex()


def rounded_range(values, step: float) -> tuple:
    """``(lo, hi, step)``: whole ticks of ``step`` around every value (nothing leaves the plot)."""
    values = np.asarray(values, dtype=float)
    return (step * np.floor(values.min() / step), step * np.ceil(values.max() / step), step)


class WideAtInit(ExampleScene):
    example_name = "rbf"   # unused: this chapter has no example; ExampleScene gives captions etc.

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
        self.settings = we.WideSettings()
        d = self.data = we.init_band()
        self.grid = d["x"]
        self.widths = d["widths"]
        W = len(self.widths)
        self.width_colors = [width_color(i, W) for i in range(W)]

        # Left: the kernel plot, its y range from every curve of every width (rounded to ticks)
        all_k = np.concatenate([d["curves"].ravel(), d["analytic_ntk"]])
        self.kernel_axes = self.build_kernel_axes(rounded_range(all_k, self.kernel_y_step))
        self.band_curves = [[self.kernel_curve(c, self.width_colors[i], *self.band_stroke)
                             for c in d["curves"][i]] for i in range(W)]
        self.bands = [VGroup(*curves) for curves in self.band_curves]
        self.analytic_curve = self.kernel_curve(d["analytic_ntk"], palette.NTK_EXACT, self.analytic_stroke, 1.0)

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
                             color=palette.INK, stroke_width=3)

    def build_kernel_axes(self, y_range):
        s = self.settings
        y_lo, y_hi, y_step = y_range
        # print the whole numbers only (0, 1, 2, ...): fewer, shorter labels
        y_numbers = [v for v in np.arange(y_lo, y_hi + y_step / 2, y_step) if abs(v - round(v)) < 1e-9]
        return framed_axes((s.x_range[0], s.x_range[1], self.x_tick), y_range, self.kernel_size,
                           self.kernel_center, y_numbers=y_numbers)

    def kernel_curve(self, values, color: str, width: float, opacity: float) -> VMobject:
        """A smooth curve whose anchors are exactly the grid points (x, k(x, x'))."""
        pts = [self.kernel_axes.c2p(x, v) for x, v in zip(self.grid, values)]
        curve = VMobject(stroke_color=color, stroke_width=width, stroke_opacity=opacity)
        curve.set_points_smoothly(pts)
        return curve

    def build_loglog_axes(self):
        """Linear axes over log10 values; ticks on x at every width (and half-way between)."""
        lw = self.log_w
        ratio = float(np.mean(np.diff(lw)))      # log10 of the factor between widths
        x_range = (lw[0] - ratio / 2, lw[-1] + ratio / 2, ratio / 2)
        y_range = rounded_range(np.concatenate([self.log_s, self.fit_ends]), self.loglog_y_step)
        axes = framed_axes(x_range, y_range, self.loglog_size, self.loglog_center,
                           x_numbers=[], y_numbers=[])
        x_labels = VGroup(*[
            ty.text(f"{w}", size=ty.LABEL_SIZE).next_to(axes.frame_x.n2p(v), DOWN, buff=0.2)
            for w, v in zip(self.widths, lw)])
        powers = [int(p) for p in np.arange(np.ceil(y_range[0]), np.floor(y_range[1]) + 0.5)]
        y_labels = VGroup(*[
            ty.math(f"10^{{{p}}}", size=ty.AXIS_NUMBER_SIZE).next_to(axes.frame_y.n2p(p), LEFT, buff=0.2)
            for p in powers])
        axes.tick_labels = VGroup(x_labels, y_labels)
        return axes

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        s, d = self.settings, self.data
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
            ty.math("x", size=ty.CAPTION_SIZE + 4).next_to(kx.frame_x.get_right(), RIGHT, buff=0.15),
            ty.math(f"k(x, {fmt_g(x_obs)})", size=ty.CAPTION_SIZE).next_to(kx.frame_y.get_top(), UP, buff=0.12),
        )
        y_lo, y_hi = kx.y_range[0], kx.y_range[1]
        marker = DashedLine(kx.c2p(x_obs, y_lo), kx.c2p(x_obs, y_hi), color=palette.OBSERVATION,
                            stroke_width=2.5, dash_length=0.1)
        marker_label = ty.text(f"x′ = {fmt_g(x_obs)}", size=ty.LABEL_SIZE, color=palette.OBSERVATION)
        marker_label.next_to(marker, RIGHT, buff=0.1).align_to(marker, UP)
        self.play(FadeIn(head), FadeIn(kx), FadeIn(k_labels), FadeIn(marker), FadeIn(marker_label),
                  run_time=1.0)
        self.say(f"A ReLU network, {s.depth} hidden layers, NTK parametrization.\n"
                 f"Each random initialization has its own NTK, k(x, {fmt_g(x_obs)}).")
        self.wait(3.5)

        # Step: the narrowest width, one thin curve per seed
        legend_anchor = kx.c2p(s.x_range[0], y_hi) + 0.3 * RIGHT + 0.25 * DOWN
        width_labels = [ty.text(f"width {w}", size=ty.CAPTION_SIZE, color=c, weight="BOLD")
                        .move_to(legend_anchor, aligned_edge=LEFT + UP)
                        for w, c in zip(self.widths, self.width_colors)]
        self.band_display = band = self.bands[0].copy()     # morphs width to width; self.bands stay as drawn
        width_label = width_labels[0].copy()
        self.add(band)   # the group itself (not only its curves) so later Transforms keep its depth
        self.play(LaggedStart(*[Create(c) for c in band], lag_ratio=0.04), FadeIn(width_label), run_time=1.6)
        self.say(f"Width {self.widths[0]}: {n_seeds} random networks, {n_seeds} different kernels.")
        self.wait(3.0)

        # Step: the infinite-width NTK, drawn on top
        analytic_label = ty.text("infinite width\n(analytic)", size=ty.LABEL_SIZE, color=palette.NTK_EXACT,
                                 line_spacing=0.8)
        analytic_label.next_to(width_labels[0], DOWN, buff=0.25, aligned_edge=LEFT).shift(0.65 * RIGHT)
        swatch = Line(ORIGIN, 0.5 * RIGHT, color=palette.NTK_EXACT, stroke_width=self.analytic_stroke)
        swatch.next_to(analytic_label, LEFT, buff=0.15)
        self.play(Create(self.analytic_curve), FadeIn(swatch), FadeIn(analytic_label), run_time=1.2)
        self.say("Green: the NTK of the same architecture at infinite width,\n"
                 "computed in closed form (no random weights).")
        self.wait(3.5)

        # Step: the log-log panel and the spread of the narrowest width
        ll_labels = VGroup(
            ty.text("width", size=ty.LABEL_SIZE).next_to(lx.tick_labels[0], DOWN, buff=0.15),
            ty.text("spread across seeds", size=ty.LABEL_SIZE).next_to(lx.frame_y.get_top(), UP, buff=0.2)
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
        slope_label = ty.text(f"slope {fmt(self.slope_shown, 2)} ≈ −½", size=ty.LABEL_SIZE + 2)
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
