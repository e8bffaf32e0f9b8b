"""Chapter 8 — Wide networks during training: the wider the network, the less its NTK moves.

Beyond the post (Example 5 showed a tiny RBF network's kernel changing as it trains): the same
ReLU network at several widths, trained by full-batch gradient descent on a few points of the
post's data.  (1) The kernel column k(x, 10) before and after training, narrow vs wide; (2) the
relative change of the kernel against width on log–log axes, with its fitted slope; (3) the
trained network next to the kernel-regression prediction of its own initial NTK.

Every number comes from ``ntkcore.wide_experiments.training_change()`` (cached on disk).

Render:  manim -pql scenes/ch8_wide_training.py WideDuringTraining
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, UR, Create, Dot, FadeIn, FadeOut, LaggedStart, Line, ManimColor,
    VGroup, VMobject, interpolate_color,
)

from ntkcore import wide_experiments as we

from scenes.base import ExampleScene, fmt, fmt_g
from scenes.widgets import dots_at, framed_axes
from scenes import palette
from scenes import typography as ty


def width_color(i: int, n: int) -> str:
    """Colour of width number ``i`` of ``n``: purple (narrowest) to orange (widest)."""
    t = i / (n - 1) if n > 1 else 0.0
    return interpolate_color(ManimColor(palette.KERNEL_START), ManimColor(palette.KERNEL_END), t).to_hex()


def smooth_curve(axes, xs, ys, color, stroke_width: float = 4, opacity: float = 1.0) -> VMobject:
    """A smooth curve whose anchors are exactly the points (x, y) in ``axes``' data coordinates."""
    curve = VMobject(stroke_color=color, stroke_width=stroke_width, stroke_opacity=opacity)
    curve.set_points_smoothly([axes.c2p(x, y) for x, y in zip(xs, ys)])
    return curve


def legend_row(color, words: str, stroke_width: float = 5, opacity: float = 1.0) -> VGroup:
    """A short line sample in ``color`` followed by ``words``."""
    sample = Line(LEFT * 0.3, RIGHT * 0.3, color=color, stroke_width=stroke_width, stroke_opacity=opacity)
    return VGroup(sample, ty.text(words, size=ty.LABEL_SIZE, color=palette.INK)).arrange(RIGHT, buff=0.15)


def percent(v: float) -> str:
    """A relative change as a percentage: whole percents from 10 % up, one decimal below."""
    return f"{fmt(100 * v, 0 if v >= 0.1 else 1)}%"


class WideDuringTraining(ExampleScene):
    example_name = "rbf"   # unused: this chapter has no example; ExampleScene gives captions etc.

    seed = 0                              # the single network drawn in the panels
    panel_size = (5.6, 3.5)
    panel_centers = ((-3.45, -0.05, 0.0), (3.55, -0.05, 0.0))
    kernel_y_step = 0.25
    fit_y_step = 0.25
    loglog_size = (8.6, 4.0)
    loglog_center = (0.3, 0.25, 0.0)
    loglog_y_step = 0.5                   # half a decade per tick
    legend_center = (0.0, 2.85, 0.0)      # a row under the heading

    # ------------------------------------------------------------------ set-up
    def setup(self):
        super().setup()
        self.settings = s = we.WideSettings()
        d = self.data = we.training_change(s)
        self.grid = d["x"]
        self.widths = d["widths"]
        self.shown = (0, len(self.widths) - 1)          # narrowest and widest
        rc = d["rel_change"]
        self.rel_change_mean = rc.mean(axis=1)          # (W,) seed mean
        self.slope_shown = float(d["rel_change_slope"])
        # The fitted line in log10 coordinates (its slope is the same as in natural logs).
        self.fit_coeffs = np.polyfit(np.log10(self.widths.astype(float)), np.log10(self.rel_change_mean), 1)
        self.gap_mean = d["gap"].mean(axis=1)           # (W,) seed mean of the RMS gap
        self.build_kernel_panels()
        self.build_loglog()
        self.build_fit_panels()

    def width_label(self, i: int) -> str:
        return f"width {int(self.widths[i])}"

    def panel(self, k: int, y_range, decimals: int = 2):
        lo, hi = self.settings.x_range
        y_numbers = [v for v in np.arange(y_range[0], y_range[1] + 1e-9, y_range[2])
                     if abs(v / (2 * y_range[2]) - round(v / (2 * y_range[2]))) < 1e-9]
        axes = framed_axes((lo, hi, 5), y_range, self.panel_size, self.panel_centers[k],
                           y_numbers=y_numbers, decimals=decimals)
        x_lab = ty.math("x", size=ty.CAPTION_SIZE).next_to(axes.frame_x.get_right(), RIGHT, buff=0.12)
        return axes, x_lab

    def panel_title(self, axes, s: str, color):
        lo = self.settings.x_range[0]
        title = ty.text(s, size=ty.LABEL_SIZE + 2, color=color)
        title.next_to(axes.frame_y.get_top(), UP, buff=0.25)
        return title.shift((axes.c2p(lo, 0)[0] - title.get_left()[0]) * RIGHT)

    # ------------------------------------------------------------------ (1) kernel before / after
    def build_kernel_panels(self):
        d, s = self.data, self.settings
        W = len(self.widths)
        vals = np.concatenate([d["k_before"][list(self.shown), self.seed].ravel(),
                               d["k_after"][list(self.shown), self.seed].ravel(), [0.0]])
        step = self.kernel_y_step
        y_range = (step * np.floor(vals.min() / step), step * np.ceil(vals.max() / step), step)
        self.panel_axes, self.before_curves, self.after_curves = [], [], []
        self.kernel_panel_titles, self.kernel_x_labels = [], []
        for k, i in enumerate(self.shown):
            axes, x_lab = self.panel(k, y_range, decimals=1)
            self.panel_axes.append(axes)
            self.kernel_x_labels.append(x_lab)
            self.before_curves.append(smooth_curve(axes, self.grid, d["k_before"][i, self.seed],
                                                   palette.KERNEL_START))
            self.after_curves.append(smooth_curve(axes, self.grid, d["k_after"][i, self.seed],
                                                  palette.KERNEL_END))
            title = f"{self.width_label(i)}: changes by {percent(d['rel_change'][i, self.seed])}"
            self.kernel_panel_titles.append(self.panel_title(axes, title, width_color(i, W)))
        self.kernel_legend = VGroup(
            legend_row(palette.KERNEL_START, f"k(x, {fmt_g(s.x_obs)}) before training"),
            legend_row(palette.KERNEL_END, "after training"),
        ).arrange(RIGHT, buff=0.5).move_to(self.legend_center)

    # ------------------------------------------------------------------ (2) change against width
    def build_loglog(self):
        d = self.data
        W = len(self.widths)
        lw = np.log10(self.widths.astype(float))
        lrc = np.log10(d["rel_change"])
        two = np.log10(2.0)
        x_range = (lw[0] - two, lw[-1] + two, two)          # a tick at every doubling of the width
        ys = self.loglog_y_step
        y_range = (np.floor(lrc.min()), ys * np.ceil(lrc.max() / ys), ys)
        self.loglog_axes = ax = framed_axes(x_range, y_range, self.loglog_size, self.loglog_center,
                                            x_numbers=[], y_numbers=[])
        x_labels = VGroup(*[ty.text(str(int(w)), size=ty.LABEL_SIZE).next_to(
            ax.frame_x.n2p(v), DOWN, buff=0.18) for w, v in zip(self.widths, lw)])
        decades = np.arange(np.ceil(y_range[0]), np.floor(y_range[1]) + 1e-9)
        y_labels = VGroup(*[ty.text(f"{10.0 ** (v + 2):g}%", size=ty.LABEL_SIZE).next_to(
            ax.frame_y.n2p(v), LEFT, buff=0.18) for v in decades])
        x_name = ty.text("width", size=ty.LABEL_SIZE).next_to(ax.frame_x.get_right(), RIGHT, buff=0.2)
        y_name = VGroup(ty.text("relative change of the kernel", size=ty.LABEL_SIZE),
                        ty.math(r"\|\Theta_T - \Theta_0\|_F \,/\, \|\Theta_0\|_F", size=ty.LABEL_SIZE + 4)
                        ).arrange(RIGHT, buff=0.3)
        y_name.next_to(ax.frame_y.get_top(), UP, buff=0.15).align_to(ax.frame_y, LEFT)
        self.loglog_labels = VGroup(x_labels, y_labels, x_name, y_name)
        self.change_dots = VGroup(*[Dot(ax.c2p(lw[i], np.log10(self.rel_change_mean[i])), radius=0.11,
                                        color=width_color(i, W)) for i in range(W)])
        self.seed_dots = VGroup(*[Dot(ax.c2p(lw[i], lrc[i, j]), radius=0.05, color=width_color(i, W),
                                      fill_opacity=0.45)
                                  for i in range(W) for j in range(lrc.shape[1])])
        a, b = self.fit_coeffs
        self.fit_line = Line(ax.c2p(lw[0], a * lw[0] + b), ax.c2p(lw[-1], a * lw[-1] + b),
                             color=palette.HIGHLIGHT, stroke_width=4)
        self.slope_label = ty.text(f"fitted slope {fmt(self.slope_shown, 2)}", size=ty.CAPTION_SIZE,
                                   color=palette.HIGHLIGHT)
        mid = 0.5 * (lw[0] + lw[-1])
        self.slope_label.next_to(ax.c2p(mid, a * mid + b), UR, buff=0.35)

    # ------------------------------------------------------------------ (3) trained vs kernel regression
    def build_fit_panels(self):
        d = self.data
        W = len(self.widths)
        vals = np.concatenate([d["f_trained"][list(self.shown), self.seed].ravel(),
                               d["f_kernel"][list(self.shown), self.seed].ravel(), d["train_y"]])
        step = self.fit_y_step
        y_range = (step * np.floor(vals.min() / step), step * np.ceil(vals.max() / step), step)
        self.fit_axes, self.trained_curves, self.kernel_pred_curves, self.train_dots = [], [], [], []
        self.fit_panel_titles, self.fit_x_labels = [], []
        for k, i in enumerate(self.shown):
            axes, x_lab = self.panel(k, y_range, decimals=1)
            self.fit_axes.append(axes)
            self.fit_x_labels.append(x_lab)
            # Kernel prediction: a broad translucent green band; the trained net: thin black on top.
            self.kernel_pred_curves.append(smooth_curve(axes, self.grid, d["f_kernel"][i, self.seed],
                                                        palette.NTK_EXACT, stroke_width=10, opacity=0.55))
            self.trained_curves.append(smooth_curve(axes, self.grid, d["f_trained"][i, self.seed],
                                                    palette.DOT, stroke_width=3))
            self.train_dots.append(dots_at(axes, d["train_x"], d["train_y"], radius=0.085, color=palette.DOT))
            title = f"{self.width_label(i)}: RMS gap {fmt(d['gap'][i, self.seed], 2)}"
            self.fit_panel_titles.append(self.panel_title(axes, title, width_color(i, W)))
        self.fit_legend = VGroup(
            legend_row(palette.DOT, "trained network", stroke_width=3),
            legend_row(palette.NTK_EXACT, "kernel regression, initial NTK", stroke_width=10, opacity=0.55),
        ).arrange(RIGHT, buff=0.5).move_to(self.legend_center)

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        d, s = self.data, self.settings
        lo_i, hi_i = self.shown
        narrow, wide_ = self.width_label(lo_i), self.width_label(hi_i)
        rc0 = d["rel_change"][:, self.seed]
        m = len(d["train_x"])
        S = d["rel_change"].shape[1]

        # Step: title card
        self.play_title_card("Wide networks during training",
                             r"\text{width} \to \infty:\quad \Theta_T \approx \Theta_0")

        # Step: two networks, narrow and wide, with their kernels at initialization
        head = self.heading("Wide networks during training")
        self.play(FadeIn(head), *[FadeIn(ax) for ax in self.panel_axes],
                  *[FadeIn(lab) for lab in self.kernel_x_labels], run_time=1.0)
        self.play(FadeIn(self.kernel_legend[0]), *[Create(c) for c in self.before_curves], run_time=1.5)
        self.say(f"Two ReLU networks ({s.depth} hidden layers): {narrow} and {wide_}.\n"
                 f"Purple: their NTK column k(x, {fmt_g(s.x_obs)}) at initialization.")
        self.wait(3.0)

        # Step: train both; the narrow kernel moves, the wide one stays
        self.say(f"Train both by gradient descent on {m} points of the post's data\n"
                 f"({s.steps} steps, learning rate {fmt_g(s.lr)}). Orange: the kernel after training.")
        self.play(FadeIn(self.kernel_legend[1]), *[Create(c) for c in self.after_curves], run_time=2.0)
        self.play(*[FadeIn(t) for t in self.kernel_panel_titles], run_time=0.8)
        self.wait(1.5)
        self.say(f"The whole kernel matrix changes by {percent(rc0[lo_i])} at {narrow},\n"
                 f"by only {percent(rc0[hi_i])} at {wide_}.")
        self.wait(3.5)

        # Step: all widths, all seeds, on log–log axes
        panels = VGroup(*self.panel_axes, *self.kernel_x_labels, *self.before_curves, *self.after_curves,
                        *self.kernel_panel_titles, self.kernel_legend)
        self.play(FadeOut(panels), FadeOut(self.caption_mob), run_time=0.8)
        self.caption_mob = None
        self.play(FadeIn(self.loglog_axes), FadeIn(self.loglog_labels), run_time=1.0)
        self.play(LaggedStart(*[FadeIn(dot, scale=0.5) for dot in self.seed_dots], lag_ratio=0.05),
                  run_time=1.2)
        self.play(LaggedStart(*[FadeIn(dot, scale=0.5) for dot in self.change_dots], lag_ratio=0.15),
                  run_time=1.0)
        self.say(f"{len(self.widths)} widths, {S} random initializations each\n"
                 "(small dots: each network; big dots: their mean).")
        self.wait(3.0)

        # Step: the fitted line and its slope
        self.play(Create(self.fit_line), run_time=1.0)
        self.bring_to_front(self.seed_dots, self.change_dots)   # the line runs behind the dots
        self.play(FadeIn(self.slope_label), run_time=0.6)
        self.say(f"A straight line on log–log axes: the kernel's change shrinks\n"
                 f"roughly like 1/width^{fmt(-self.slope_shown, 2)}.")
        self.wait(3.5)
        self.say("Steeper than the 1/√width bound of Lee et al. (2019),\n"
                 "close to the 1/width rate of Dyer & Gur-Ari (2020).")
        self.wait(3.5)

        # Step: the trained networks against the kernel regression of their initial NTK
        loglog = VGroup(self.loglog_axes, self.loglog_labels, self.seed_dots, self.change_dots,
                        self.fit_line, self.slope_label)
        self.play(FadeOut(loglog), FadeOut(self.caption_mob), run_time=0.8)
        self.caption_mob = None
        self.play(*[FadeIn(ax) for ax in self.fit_axes], *[FadeIn(lab) for lab in self.fit_x_labels],
                  *[FadeIn(dots) for dots in self.train_dots], run_time=1.0)
        self.say("If the kernel never moved, training would be kernel regression with Θ₀:\n"
                 "f₀(x) + Θ₀(x, X) Θ₀(X, X)⁻¹ (Y − f₀(X)).")
        self.play(FadeIn(self.fit_legend[1]), *[Create(c) for c in self.kernel_pred_curves], run_time=1.5)
        self.bring_to_front(*self.train_dots)   # the dots stay on top of the curves
        self.wait(2.5)
        self.say(f"Black: the network actually trained. Distance between them (RMS over x):\n"
                 f"{fmt(d['gap'][lo_i, self.seed], 2)} at {narrow}, "
                 f"{fmt(d['gap'][hi_i, self.seed], 2)} at {wide_}.")
        self.play(FadeIn(self.fit_legend[0]), *[Create(c) for c in self.trained_curves],
                  *[FadeIn(t) for t in self.fit_panel_titles], run_time=1.8)
        self.bring_to_front(*self.train_dots)
        self.wait(3.0)
        self.say(f"Averaged over the {S} seeds: {fmt(self.gap_mean[lo_i], 2)} at {narrow}, "
                 f"{fmt(self.gap_mean[hi_i], 2)} at {wide_}.\n"
                 "The wide network trains like its initial kernel.")
        self.wait(4.0)
