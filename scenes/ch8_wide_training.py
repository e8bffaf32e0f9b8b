"""Chapter 8 — Wide networks during training: the wider the network, the less its NTK moves.

Beyond the post (Example 5 showed a tiny RBF network's kernel changing as it trains): the same
ReLU network at several widths, trained by full-batch gradient descent on a few points of the
post's data.  (1) The kernel column k(x, 10) before and after training, narrow vs wide; (2) the
relative change of the kernel against width on log–log axes, with its fitted slope; (3) the
trained network next to the kernel-regression prediction of its own initial NTK.

Every number comes from ``ntkcore.wide_experiments.training_change`` (precomputed and cached by
the pipeline; computed here when the chapter is rendered by hand).

Render:  manim -pql scenes/ch8_wide_training.py WideDuringTraining
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, UR, Create, Dot, FadeIn, FadeOut, LaggedStart, Line, VGroup,
)

from scenes import runtime
from scenes.base import ChapterScene
from scenes.formatting import fmt, fmt_g, percent
from scenes.ranges import every_other_tick, whole_ticks
from scenes.widgets import dots_at, legend_row, smooth_curve


class WideDuringTraining(ChapterScene):

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
        self.wide = self.settings.wide
        d = self.data = runtime.experiment("training_change")
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
        lo, hi = self.wide.x_range
        axes = self.framed((lo, hi, 5), y_range, self.panel_size, self.panel_centers[k],
                           y_numbers=every_other_tick(y_range), decimals=decimals)
        x_lab = self.ty.math("x", size=self.ty.CAPTION_SIZE).next_to(axes.frame_x.get_right(), RIGHT, buff=0.12)
        return axes, x_lab

    def panel_title(self, axes, s: str, color):
        lo = self.wide.x_range[0]
        title = self.ty.text(s, size=self.ty.LABEL_SIZE + 2, color=color)
        title.next_to(axes.frame_y.get_top(), UP, buff=0.25)
        return title.shift((axes.c2p(lo, 0)[0] - title.get_left()[0]) * RIGHT)

    # ------------------------------------------------------------------ (1) kernel before / after
    def build_kernel_panels(self):
        d, s = self.data, self.wide
        W = len(self.widths)
        vals = np.concatenate([d["k_before"][list(self.shown), self.seed].ravel(),
                               d["k_after"][list(self.shown), self.seed].ravel(), [0.0]])
        y_range = whole_ticks(vals, self.kernel_y_step)
        self.panel_axes, self.before_curves, self.after_curves = [], [], []
        self.kernel_panel_titles, self.kernel_x_labels = [], []
        for k, i in enumerate(self.shown):
            axes, x_lab = self.panel(k, y_range, decimals=1)
            self.panel_axes.append(axes)
            self.kernel_x_labels.append(x_lab)
            self.before_curves.append(smooth_curve(axes, self.grid, d["k_before"][i, self.seed],
                                                   self.theme.kernel_start))
            self.after_curves.append(smooth_curve(axes, self.grid, d["k_after"][i, self.seed],
                                                  self.theme.kernel_end))
            title = f"{self.width_label(i)}: changes by {percent(d['rel_change'][i, self.seed])}"
            self.kernel_panel_titles.append(self.panel_title(axes, title, self.theme.width_color(i, W)))
        self.kernel_legend = VGroup(
            legend_row(self.ty, self.theme.kernel_start, f"k(x, {fmt_g(s.x_obs)}) before training"),
            legend_row(self.ty, self.theme.kernel_end, "after training"),
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
        self.loglog_axes = ax = self.framed(x_range, y_range, self.loglog_size, self.loglog_center,
                                            x_numbers=[], y_numbers=[])
        x_labels = VGroup(*[self.ty.text(str(int(w)), size=self.ty.LABEL_SIZE).next_to(
            ax.frame_x.n2p(v), DOWN, buff=0.18) for w, v in zip(self.widths, lw)])
        decades = np.arange(np.ceil(y_range[0]), np.floor(y_range[1]) + 1e-9)
        y_labels = VGroup(*[self.ty.text(f"{10.0 ** (v + 2):g}%", size=self.ty.LABEL_SIZE).next_to(
            ax.frame_y.n2p(v), LEFT, buff=0.18) for v in decades])
        x_name = self.ty.text("width", size=self.ty.LABEL_SIZE).next_to(ax.frame_x.get_right(), RIGHT, buff=0.2)
        y_name = VGroup(self.ty.text("relative change of the kernel", size=self.ty.LABEL_SIZE),
                        self.ty.math(r"\|\Theta_T - \Theta_0\|_F \,/\, \|\Theta_0\|_F", size=self.ty.LABEL_SIZE + 4)
                        ).arrange(RIGHT, buff=0.3)
        y_name.next_to(ax.frame_y.get_top(), UP, buff=0.15).align_to(ax.frame_y, LEFT)
        self.loglog_labels = VGroup(x_labels, y_labels, x_name, y_name)
        self.change_dots = VGroup(*[Dot(ax.c2p(lw[i], np.log10(self.rel_change_mean[i])), radius=0.11,
                                        color=self.theme.width_color(i, W)) for i in range(W)])
        self.seed_dots = VGroup(*[Dot(ax.c2p(lw[i], lrc[i, j]), radius=0.05, color=self.theme.width_color(i, W),
                                      fill_opacity=0.45)
                                  for i in range(W) for j in range(lrc.shape[1])])
        a, b = self.fit_coeffs
        self.fit_line = Line(ax.c2p(lw[0], a * lw[0] + b), ax.c2p(lw[-1], a * lw[-1] + b),
                             color=self.theme.highlight, stroke_width=4)
        self.slope_label = self.ty.text(f"fitted slope {fmt(self.slope_shown, 2)}", size=self.ty.CAPTION_SIZE,
                                   color=self.theme.highlight)
        mid = 0.5 * (lw[0] + lw[-1])
        self.slope_label.next_to(ax.c2p(mid, a * mid + b), UR, buff=0.35)

    # ------------------------------------------------------------------ (3) trained vs kernel regression
    def build_fit_panels(self):
        d = self.data
        W = len(self.widths)
        vals = np.concatenate([d["f_trained"][list(self.shown), self.seed].ravel(),
                               d["f_kernel"][list(self.shown), self.seed].ravel(), d["train_y"]])
        y_range = whole_ticks(vals, self.fit_y_step)
        self.fit_axes, self.trained_curves, self.kernel_pred_curves, self.train_dots = [], [], [], []
        self.fit_panel_titles, self.fit_x_labels = [], []
        for k, i in enumerate(self.shown):
            axes, x_lab = self.panel(k, y_range, decimals=1)
            self.fit_axes.append(axes)
            self.fit_x_labels.append(x_lab)
            # Kernel prediction: a broad translucent green band; the trained net: thin black on top.
            self.kernel_pred_curves.append(smooth_curve(axes, self.grid, d["f_kernel"][i, self.seed],
                                                        self.theme.ntk_exact, stroke_width=10, opacity=0.55))
            self.trained_curves.append(smooth_curve(axes, self.grid, d["f_trained"][i, self.seed],
                                                    self.theme.dot, stroke_width=3))
            self.train_dots.append(dots_at(axes, d["train_x"], d["train_y"], 0.085, self.theme.dot))
            title = f"{self.width_label(i)}: RMS gap {fmt(d['gap'][i, self.seed], 2)}"
            self.fit_panel_titles.append(self.panel_title(axes, title, self.theme.width_color(i, W)))
        self.fit_legend = VGroup(
            legend_row(self.ty, self.theme.dot, "trained network", stroke_width=3),
            legend_row(self.ty, self.theme.ntk_exact, "kernel regression, initial NTK", stroke_width=10, opacity=0.55),
        ).arrange(RIGHT, buff=0.5).move_to(self.legend_center)

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        d, s = self.data, self.wide
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
