"""Chapter 9 — Don't mix your kernels.  An infinitely wide network has two kernels: the NNGP
(Neal 1994: the covariance of f over random initializations, the prior) and the NTK (how gradient
descent moves f).  On the same training points they give two different predictors.

Render:  manim -pql scenes/ch9_nngp_vs_ntk.py DontMixKernels
"""

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Create, DashedLine, DashedVMobject, DoubleArrow, FadeIn, FadeOut,
    LaggedStart, Polygon, VGroup,
)

from scenes import runtime
from scenes.base import ChapterScene
from scenes.formatting import fmt, fmt_g
from scenes.widgets import dots_at, legend_row, smooth_curve


class DontMixKernels(ChapterScene):

    kernel_y_range = (0.0, 3.0, 0.5)        # k(x, x') / k(x', x')
    kernel_size = (5.3, 3.6)
    nngp_center = (-3.45, 0.25, 0.0)
    ntk_center = (3.65, 0.25, 0.0)
    fit_y_range = (-0.75, 1.25, 0.25)       # scaled targets (y - y_shift) / y_scale
    fit_size = (11.0, 4.6)
    fit_center = (0.4, 0.3, 0.0)
    band_stds = 2.0                          # the NNGP band is mean ± band_stds · std

    # ------------------------------------------------------------------ the numbers
    def setup(self):
        super().setup()
        self.wide = s = self.settings.wide
        self.data = d = runtime.experiment("nngp_vs_ntk")
        self.x_obs = float(s.x_obs)
        i_obs = int(np.argmin(np.abs(d["x"] - self.x_obs)))
        self.nngp_norm = d["nngp"] / d["nngp"][i_obs]
        self.ntk_norm = d["ntk"] / d["ntk"][i_obs]
        # Where the two kernels' shapes differ most, relative to their value at x'.
        j = int(np.argmax(np.abs(self.nngp_norm - self.ntk_norm)))
        self.shape_gap_x = float(d["x"][j])
        self.shape_gap_values = (float(self.nngp_norm[j]), float(self.ntk_norm[j]))
        # Where the two predictors differ most.
        gap = d["nngp_mean"] - d["ntk_mean"]
        k = int(np.argmax(np.abs(gap)))
        self.max_gap_index = k
        self.max_gap_x = float(d["x"][k])
        self.max_gap = float(np.abs(gap[k]))
        self.build_kernel_plots()
        self.build_fit_plot()

    # ------------------------------------------------------------------ plots
    def build_kernel_plots(self):
        d, s = self.data, self.wide
        lo, hi = s.x_range
        xp = fmt_g(self.x_obs)
        y_lo, y_hi = self.kernel_y_range[:2]
        panels = {}
        for name, center, values, color, title in (
                ("nngp", self.nngp_center, self.nngp_norm, self.theme.observation,
                 f"NNGP   K(x, {xp}) / K({xp}, {xp})"),
                ("ntk", self.ntk_center, self.ntk_norm, self.theme.ntk_exact,
                 f"NTK   Θ(x, {xp}) / Θ({xp}, {xp})")):
            axes = self.framed((lo, hi, 5), self.kernel_y_range, self.kernel_size, center)
            label = self.ty.text(title, size=self.ty.LABEL_SIZE, color=color)
            label.next_to(axes.frame_y.get_top(), UP, buff=0.2).align_to(axes.frame_y, LEFT)
            x_lab = self.ty.math("x", size=self.ty.CAPTION_SIZE).next_to(axes.frame_x.get_right(), RIGHT, buff=0.12)
            obs_line = DashedLine(axes.c2p(self.x_obs, y_lo), axes.c2p(self.x_obs, y_hi),
                                  color=self.theme.axis, stroke_width=2, dash_length=0.08)
            obs_label = self.ty.text(f"x′ = {xp}", size=self.ty.LABEL_SIZE, color=self.theme.axis)
            obs_label.next_to(axes.c2p(self.x_obs, y_hi), LEFT, buff=0.1).shift(0.18 * DOWN)
            curve = smooth_curve(axes, d["x"], values, color)
            panels[name] = dict(axes=axes, label=label, x_lab=x_lab, obs=VGroup(obs_line, obs_label),
                                curve=curve)
        self.panels = panels
        self.nngp_axes, self.ntk_axes = panels["nngp"]["axes"], panels["ntk"]["axes"]
        self.nngp_curve, self.ntk_curve = panels["nngp"]["curve"], panels["ntk"]["curve"]
        # The NNGP's shape, drawn again (dashed) on the NTK's axes for comparison.
        self.nngp_ghost = DashedVMobject(
            smooth_curve(self.ntk_axes, d["x"], self.nngp_norm, self.theme.observation, stroke_width=3),
            num_dashes=40)
        self.ghost_label = self.ty.text("dashed: NNGP", size=self.ty.LABEL_SIZE, color=self.theme.observation)
        lo = self.wide.x_range[0]
        self.ghost_label.next_to(self.ntk_axes.c2p(lo, 1.6), RIGHT, buff=0.25)

    def build_fit_plot(self):
        d, s = self.data, self.wide
        lo, hi = s.x_range
        y_numbers = np.arange(self.fit_y_range[0] + 0.25, self.fit_y_range[1], 0.5)
        self.fit_axes = ax = self.framed((lo, hi, 5), self.fit_y_range, self.fit_size, self.fit_center,
                                         y_numbers=y_numbers, decimals=1)
        self.fit_labels = VGroup(
            self.ty.math("x", size=self.ty.CAPTION_SIZE + 4).next_to(ax.frame_x.get_right(), RIGHT, buff=0.15),
            self.ty.math(rf"(y - {fmt_g(s.y_shift)})\,/\,{fmt_g(s.y_scale)}", size=self.ty.CAPTION_SIZE)
            .next_to(ax.frame_y.get_top(), UP, buff=0.12),
        )
        self.train_dots = dots_at(ax, d["train_x"], d["train_y"], 0.09, self.theme.dot)
        self.nngp_mean_curve = smooth_curve(ax, d["x"], d["nngp_mean"], self.theme.observation)
        self.ntk_mean_curve = smooth_curve(ax, d["x"], d["ntk_mean"], self.theme.ntk_exact)
        upper = d["nngp_mean"] + self.band_stds * d["nngp_std"]
        lower = d["nngp_mean"] - self.band_stds * d["nngp_std"]
        corners = [ax.c2p(x, y) for x, y in zip(d["x"], upper)] + \
                  [ax.c2p(x, y) for x, y in zip(d["x"][::-1], lower[::-1])]
        self.nngp_band = Polygon(*corners, stroke_width=0, fill_color=self.theme.observation, fill_opacity=0.25)
        self.legend = VGroup(
            legend_row(self.ty, self.theme.observation, "NNGP posterior mean (Bayes)  K(x,X) K(X,X)⁻¹ Y", text_color=self.theme.observation),
            legend_row(self.ty, self.theme.ntk_exact, "NTK: gradient descent, converged  Θ(x,X) Θ(X,X)⁻¹ Y", text_color=self.theme.ntk_exact),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        self.legend.next_to(ax.c2p(lo, self.fit_y_range[1]), RIGHT, buff=0.3).align_to(
            ax.c2p(lo, self.fit_y_range[1]), UP).shift(0.08 * DOWN)
        # The largest gap between the two predictors, as an amber double arrow.
        k = self.max_gap_index
        x_gap = self.max_gap_x
        a, b = d["nngp_mean"][k], d["ntk_mean"][k]
        self.gap_arrow = DoubleArrow(ax.c2p(x_gap, b), ax.c2p(x_gap, a), buff=0, color=self.theme.highlight,
                                     stroke_width=4, tip_length=0.14, max_tip_length_to_length_ratio=0.3)
        self.gap_label = self.ty.text(f"largest gap {fmt(self.max_gap, 2)}\nat x = {fmt_g(x_gap)}",
                                 size=self.ty.LABEL_SIZE, color=self.theme.highlight, line_spacing=0.9)
        self.gap_label.next_to(ax.c2p(x_gap, min(a, b)), DOWN + RIGHT, buff=0.15)

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        s, d = self.wide, self.data
        xp = fmt_g(self.x_obs)
        nn, nt = self.panels["nngp"], self.panels["ntk"]

        # Step: title card
        self.play_title_card("Don't mix your kernels", r"K_{\mathrm{NNGP}} \;\neq\; \Theta_{\mathrm{NTK}}")

        # Step: one wide network, two kernels: the NNGP first
        head = self.heading("Don't mix your kernels")
        self.play(FadeIn(head), FadeIn(nn["axes"]), FadeIn(nn["label"]), FadeIn(nn["x_lab"]),
                  FadeIn(nn["obs"]), run_time=1.0)
        self.say(f"One ReLU network, {s.depth} hidden layers, infinitely wide. It has two kernels.\n"
                 f"Both drawn as k(x, {xp}), divided by their value at x′ = {xp}.")
        self.wait(2.5)
        self.play(Create(self.nngp_curve), run_time=1.5)
        self.say("NNGP (Neal 1994): covariance of f(x) and f(x′) over random\n"
                 "initializations — the prior over functions.")
        self.wait(3.5)

        # Step: the NTK of the same network
        self.play(FadeIn(nt["axes"]), FadeIn(nt["label"]), FadeIn(nt["x_lab"]), FadeIn(nt["obs"]),
                  run_time=0.8)
        self.play(Create(self.ntk_curve), run_time=1.5)
        self.say("NTK: how a gradient step at x′ moves f(x) —\n"
                 "the training dynamics.")
        self.wait(3.5)

        # Step: compare the shapes on the same axes
        self.play(FadeIn(self.nngp_ghost), FadeIn(self.ghost_label), run_time=1.0)
        a, b = self.shape_gap_values
        self.say(f"Same network, different shapes: at x = {fmt_g(self.shape_gap_x)} the NNGP is "
                 f"{fmt(a, 2)}, the NTK {fmt(b, 2)}\n(relative to x′). Two kernels, two predictors:")
        self.wait(3.5)

        # Step: the training points
        kernels = VGroup(*[VGroup(p["axes"], p["label"], p["x_lab"], p["obs"], p["curve"])
                           for p in (nn, nt)], self.nngp_ghost, self.ghost_label)
        self.play(FadeOut(kernels), FadeOut(self.caption_mob), run_time=0.8)
        self.caption_mob = None
        self.play(FadeIn(self.fit_axes), FadeIn(self.fit_labels), run_time=0.8)
        self.play(LaggedStart(*[FadeIn(dot, scale=0.5) for dot in self.train_dots], lag_ratio=0.15),
                  run_time=1.0)
        self.say(f"{len(d['train_x'])} training points from the post's data "
                 f"(targets scaled to (y − {fmt_g(s.y_shift)}) / {fmt_g(s.y_scale)}).")
        self.wait(2.5)

        # Step: Bayesian inference with the NNGP prior
        self.play(FadeIn(self.legend[0]), FadeIn(self.nngp_band), Create(self.nngp_mean_curve), run_time=1.6)
        self.say(f"Bayes with the NNGP prior: the posterior mean (band: ±{fmt_g(self.band_stds)} std).\n"
                 "No noise, so it passes through every point.")
        self.wait(3.5)

        # Step: gradient descent at infinite width
        self.play(FadeIn(self.legend[1]), Create(self.ntk_mean_curve), run_time=1.6)
        self.say("Gradient descent to convergence (infinite width): Θ(x,X) Θ(X,X)⁻¹ Y.\n"
                 "Also through every point — but a different function.")
        self.wait(3.5)

        # Step: where they differ most
        self.play(FadeIn(self.gap_arrow), FadeIn(self.gap_label), run_time=0.8)
        self.say(f"They differ most at x = {fmt_g(self.max_gap_x)}, by {fmt(self.max_gap, 2)} "
                 f"(about {fmt(self.max_gap * s.y_scale, 1)} in the post's units of y).")
        self.wait(3.5)

        # Step: the post's point
        self.say("Gradient descent on a wide network is not Bayesian inference\n"
                 "with the NNGP prior: don't mix your kernels.")
        self.wait(4.0)
