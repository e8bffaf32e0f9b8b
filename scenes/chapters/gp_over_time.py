"""Chapter 10 — Many networks, one Gaussian process.  Train many wide networks from independent
random initializations: at every moment their spread is described by a Gaussian process over
initializations, the NTK-GP (Lee et al. 2019), which starts as the prior GP(0, K) and, as t → ∞,
pinches to zero at the training points.

The prior band (t = 0, the NNGP GP(0, K)) is drawn in K's colour, the NTK-GP after it in Θ's.  The
ensemble (faint black curves; finite width) is drawn at every finite time: zoomed in once the times
at which it agrees with the NTK-GP (``ntkcore.gp.ensemble_agreement``) are over, with its mean and
where it is farthest from the GP's (``ntkcore.gp.worst_mean_offset``); then the Gaussian process
alone, to t = ∞.  Every curve and
number comes from ``ntkcore.gp.gp_numbers`` (experiment "gp", precomputed by the pipeline).

The words are in ``scenes/chapters/gp_over_time.toml`` (scenes/script.py explains the format).

Render:  manim -pql scenes/chapters/gp_over_time.py GaussianProcessOverTime
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Circle, Create, FadeIn, FadeOut, LaggedStart, Line, Transform, VGroup,
)

from ntkcore.facts import agreeing_prefix, ensemble_agreement, grid_indices, worst_mean_offset

from scenes import runtime
from scenes.base import ChapterScene
from scenes.components.gp_plots import axis_names, band, input_map, training_dots
from scenes.formatting import fmt, fmt_g
from scenes.ranges import every_other_tick, label_decimals, whole_ticks
from scenes.widgets import legend_row, polyline


def below(v: float, floor: float = 1e-3) -> float:
    """A round bound above ``v`` to print: the next power of ten, and at least ``floor``
    (``3e-6`` → 0.001, ``0.004`` → 0.01)."""
    return max(floor, 10.0 ** np.ceil(np.log10(max(v, 1e-300)) + 1e-12))


class GaussianProcessOverTime(ChapterScene):

    axes_size = (11.2, 4.2)
    axes_center = (0.3, 0.0, 0.0)
    y_step = 0.5
    zoom_y_step = 0.25
    band_stds = 2.0              # the band is mean ± band_stds · std
    band_opacity = 0.3
    curve_width = 1.6            # one network of the ensemble
    curve_opacity = 0.3
    ens_mean_width = 3.5         # the mean of the networks (when it parts from the GP's)
    legend_y = 2.95
    legend_right = 6.8

    # ------------------------------------------------------------------ the numbers
    def setup(self):
        super().setup()
        self.wide = self.settings.wide
        d = self.data = runtime.experiment("gp")
        self.x = d["x_grid"]
        self.times = d["times"]
        self.lr = float(d["lr"])
        # The NTK-GP of gradient descent at the networks' learning rate (what they do exactly at
        # infinite width), then t = ∞.
        self.gp_mean = np.vstack([d["ntk_gp_gd_mean"], d["ntk_gp_inf_mean"][None]])   # (T + 1, n)
        self.gp_std = np.vstack([d["ntk_gp_gd_std"], d["ntk_gp_inf_std"][None]])      # (T + 1, n)
        self.agreement = ensemble_agreement(d["ens_mean"], d["ens_std"], d["ntk_gp_gd_mean"], d["ntk_gp_gd_std"])
        self.n_agree = max(1, agreeing_prefix(self.agreement.agree))   # t = 0 is always drawn
        self.on_data = grid_indices(self.x, d["x_train_post"])
        vals = np.concatenate([d["ens_curves"].ravel(), (self.gp_mean + self.band_stds * self.gp_std).ravel(),
                               (self.gp_mean - self.band_stds * self.gp_std).ravel(), d["y_train"]])
        self.y_range = whole_ticks(vals, self.y_step)
        # From the last time the networks agree with the GP on: the y axis zoomed in on the networks
        # then, the Gaussian process from then on, and where each start lands at t = ∞.
        late = slice(self.n_agree - 1, None)
        zoom_vals = np.concatenate([(self.gp_mean[late] + self.band_stds * self.gp_std[late]).ravel(),
                                    (self.gp_mean[late] - self.band_stds * self.gp_std[late]).ravel(),
                                    d["ens_curves"][:, late].ravel(), d["ens_kgd_inf"].ravel(),
                                    d["y_train"]])
        self.zoom_y_range = whole_ticks(zoom_vals, self.zoom_y_step)
        self.build_plot()

    def steps_at(self, k: int) -> int:
        return int(round(float(self.times[k]) / self.lr))

    def time_text(self, k: int) -> str:
        if k >= len(self.times):
            return "t = ∞"
        return self.label("clock", t=fmt_g(float(self.times[k])), steps=self.steps_at(k), lr=fmt_g(self.lr))

    # ------------------------------------------------------------------ the plot
    def axes_for(self, y_range):
        lo, hi = self.wide.x_range
        numbers = every_other_tick(y_range)
        return self.framed((lo, hi, 5), y_range, self.axes_size, self.axes_center,
                           y_numbers=numbers, decimals=label_decimals(*numbers))

    def gp_layer(self, ax):
        """The GP's band (mean ± 2 std) and mean at every time (t = ∞ last), and the training points,
        in ``ax``."""
        # t = 0 is the prior GP(0, K): K's colour; from then on the NTK-GP: Θ's colour.
        colours = [self.theme.nngp] + [self.theme.ntk_exact] * (len(self.gp_mean) - 1)
        bands = [band(ax, self.x, self.gp_mean[k] - self.band_stds * self.gp_std[k],
                      self.gp_mean[k] + self.band_stds * self.gp_std[k], colours[k], self.band_opacity)
                 for k in range(len(self.gp_mean))]
        means = [polyline(ax, self.x, mean, c, stroke_width=4) for mean, c in zip(self.gp_mean, colours)]
        return bands, means, training_dots(self, ax, self.data["x_train_post"], self.data["y_train"])

    def build_plot(self):
        d, s = self.data, self.wide
        self.axes = ax = self.axes_for(self.y_range)
        self.zoom_axes = zx = self.axes_for(self.zoom_y_range)
        self.names = axis_names(self, ax, s.y_shift, s.y_scale)
        self.bands, self.means, self.dots = self.gp_layer(ax)
        self.zoom_bands, self.zoom_means, self.zoom_dots = self.gp_layer(zx)
        k_all = len(self.gp_mean)
        C, T = d["ens_curves"].shape[:2]
        self.ens_curves = [[polyline(ax, self.x, d["ens_curves"][c, k], self.theme.dot,
                                         stroke_width=self.curve_width, opacity=self.curve_opacity)
                            for k in range(T)] for c in range(C)]                       # [curve][time]
        k0 = self.n_agree - 1
        # On the zoomed axes: the networks from the last agreeing time on ([curve][time - k0]), and their mean.
        self.zoom_ens_curves = [[polyline(zx, self.x, d["ens_curves"][c, k], self.theme.dot,
                                          stroke_width=self.curve_width, opacity=self.curve_opacity)
                                 for k in range(k0, T)] for c in range(C)]
        self.zoom_ens_means = [polyline(zx, self.x, d["ens_mean"][k], self.theme.dot, stroke_width=self.ens_mean_width)
                               for k in range(k0, T)]
        self.landing = [polyline(zx, self.x, f, self.theme.dot, stroke_width=self.curve_width,
                                 opacity=self.curve_opacity) for f in d["ens_kgd_inf"]]
        self.time_labels = [self.ty.text(self.time_text(k), size=self.ty.LABEL_SIZE + 2)
                            .to_corner(UP + RIGHT, buff=0.35) for k in range(k_all)]
        self.legend = VGroup(
            legend_row(self.ty, self.theme.dot, self.label("legend_networks", w=int(d["ens_width"])),
                       stroke_width=self.curve_width + 1, opacity=0.7),
            legend_row(self.ty, self.theme.nngp, self.label("legend_prior"),
                       stroke_width=10, opacity=0.6),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        self.gp_legend = legend_row(self.ty, self.theme.ntk_exact,
                                    self.label("legend_ntk_gp"),
                                    stroke_width=10, opacity=0.6)
        # Left-aligned rows whose longest (the NTK-GP's row replaces the prior's) ends at legend_right.
        widest = max(self.legend.width, self.gp_legend.width)
        self.legend.move_to([0, self.legend_y - 0.2, 0]).align_to([self.legend_right - widest, 0, 0], LEFT)
        self.gp_legend.move_to(self.legend[1], aligned_edge=LEFT)
        self.mean_legend = legend_row(self.ty, self.theme.dot, self.label("legend_mean", n=int(d["ens_seeds"])),
                                      stroke_width=self.ens_mean_width).next_to(self.legend, DOWN, buff=0.12,
                                                                                aligned_edge=LEFT)
        self.pinch_marks = VGroup(*[Circle(radius=0.16, color=self.theme.highlight, stroke_width=3)
                                    .move_to(zx.c2p(x, y)) for x, y in zip(d["x_train_post"], d["y_train"])])

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        d, s = self.data, self.wide
        ax = self.axes.copy()                       # on screen (until the zoomed axes replace it)
        C = len(self.ens_curves)
        S, W = int(d["ens_seeds"]), int(d["ens_width"])
        m = len(d["y_train"])
        T = len(self.times)
        n_agree = self.n_agree
        ag = self.agreement
        map_text, map_spoken = input_map(self, s.x_range)
        prior_top = float(d["prior_std"].max())

        self.play_title_card()

        # Step: the ensemble at initialization
        head = self.heading(self.label("heading"))
        # What is on screen are copies, morphed from time to time (the built curves stay as they are).
        curves = VGroup(*[row[0].copy() for row in self.ens_curves])
        dots = self.dots.copy()
        with self.step("ensemble", C=C, S=S, W=W, map=map_text, depth=s.depth, m=m, map_spoken=map_spoken):
            self.play(FadeIn(head), FadeIn(ax), FadeIn(self.names), FadeIn(self.legend[0]), run_time=1.0)
            self.play(LaggedStart(*[Create(c) for c in curves], lag_ratio=0.06),
                      LaggedStart(*[FadeIn(dot, scale=0.5) for dot in dots], lag_ratio=0.15), run_time=1.8)

        # Step: the prior as a Gaussian process, the NNGP; K defined
        gp_band, gp_mean, clock = self.bands[0].copy(), self.means[0].copy(), self.time_labels[0].copy()
        with self.step("nngp"):
            self.play(FadeIn(gp_band), Create(gp_mean), FadeIn(self.legend[1]), FadeIn(clock), run_time=1.2)
            self.bring_to_front(curves, dots)
        self.say("nngp_kernel", prior_top=fmt(prior_top, 2))

        # Step: train them all; the band follows
        with self.step("train", S=S, lr=fmt_g(self.lr), W=W):
            self.play(Transform(self.legend[1], self.gp_legend), run_time=0.6)
            for k in range(1, n_agree):
                self.play(*[Transform(c, row[k]) for c, row in zip(curves, self.ens_curves)],
                          Transform(gp_band, self.bands[k]), Transform(gp_mean, self.means[k]),
                          Transform(clock, self.time_labels[k]), run_time=1.4)
                self.bring_to_front(curves, dots)
                self.wait(0.5)
        t_ok = fmt_g(float(self.times[n_agree - 1]))
        worst = max(float(ag.mean_off[:n_agree].max()), float(ag.std_off[:n_agree].max()))
        zx, k0 = self.zoom_axes, n_agree - 1
        with self.step("zoom", t=t_ok, S=S, worst=fmt(worst, 2)):
            self.play(FadeOut(ax), FadeIn(zx), Transform(gp_band, self.zoom_bands[k0]),
                      Transform(gp_mean, self.zoom_means[k0]), Transform(dots, self.zoom_dots),
                      *[Transform(c, z[0]) for c, z in zip(curves, self.zoom_ens_curves)], run_time=1.2)
            self.bring_to_front(curves, dots)

        # Steps: later times, shown with the networks and the GP together; then the GP alone
        ens_mean = gap_mark = None
        self.lag_facts = []          # (time index, MeanOffset, GP's distance from the target or None, fitted)
        for k in range(n_agree, T):
            off = worst_mean_offset(d["ens_mean"][k], d["ens_std"][k], d["ntk_gp_gd_mean"][k], d["ntk_gp_gd_std"][k], S)
            t_k, x_k = fmt_g(float(self.times[k])), fmt_g(float(self.x[off.index]))
            first = ens_mean is None
            # the GP's own distance from the target there, when x_k is a training point
            on = np.flatnonzero(self.on_data == off.index)
            gp_res = (abs(float(d["ntk_gp_gd_mean"][k][off.index]) - float(d["y_train"][on[0]]))
                      if on.size else None)
            fitted = gp_res is not None and fmt(gp_res, 2) != fmt(off.gap, 2) and gp_res < 0.2 * off.gap
            self.lag_facts.append((k, off, gp_res, fitted))
            values = {"t": t_k, "W": W, "x": x_k, "gap": fmt(off.gap, 2), "errs": fmt(off.in_std_err, 0), "S": S}
            if first:
                ens_mean = self.zoom_ens_means[k - k0].copy()
            # one entry, shown at every later time: its first showing, then "fitted" or "later"
            with self.step("lag", None if first else "fitted" if fitted else "later",
                           **values):
                x_g = float(self.x[off.index])
                mark = Circle(radius=0.22, color=self.theme.highlight, stroke_width=3.5).move_to(
                    zx.c2p(x_g, 0.5 * float(d["ens_mean"][k][off.index] + d["ntk_gp_gd_mean"][k][off.index])))
                anims = [*[Transform(c, z[k - k0]) for c, z in zip(curves, self.zoom_ens_curves)],
                         Transform(gp_band, self.zoom_bands[k]), Transform(gp_mean, self.zoom_means[k]),
                         Transform(clock, self.time_labels[k])]
                if first:
                    self.play(*anims, run_time=1.3)
                    self.play(Create(ens_mean), FadeIn(self.mean_legend), run_time=0.8)
                    gap_mark = mark
                    self.play(Create(gap_mark), run_time=0.6)
                else:
                    self.play(*anims, Transform(ens_mean, self.zoom_ens_means[k - k0]), Transform(gap_mark, mark),
                              run_time=1.3)
                self.bring_to_front(ens_mean, dots)
        gone = [curves, self.legend[0]] + ([ens_mean, self.mean_legend, gap_mark] if ens_mean is not None else [])
        self.say("gp_alone")
        self.play(*[FadeOut(g) for g in gone], run_time=0.8)

        # Step: to t = ∞; the band pinches at the data
        top_inf = float(d["ntk_gp_inf_std"].max())
        at_data = below(float(d["ntk_gp_inf_std"][self.on_data].max()))
        i_top = int(np.argmax(d["ntk_gp_inf_std"]))
        x_top, m_top = float(self.x[i_top]), float(d["ntk_gp_inf_mean"][i_top])
        bar = Line(zx.c2p(x_top, m_top - self.band_stds * top_inf), zx.c2p(x_top, m_top + self.band_stds * top_inf),
                   color=self.theme.highlight, stroke_width=4)
        bar_label = self.ty.text(f"± 2 × {fmt(top_inf, 3)}", size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        bar_label.next_to(bar, RIGHT, buff=0.15)
        with self.step("pinch", m=m, bound=fmt_g(at_data), top=fmt(top_inf, 3), x_top=fmt_g(x_top),
                       prior_top=fmt(prior_top, 2)):
            for k in range(T, T + 1):
                self.play(Transform(gp_band, self.zoom_bands[k]), Transform(gp_mean, self.zoom_means[k]),
                          Transform(clock, self.time_labels[k]), run_time=1.3)
                self.bring_to_front(dots)
            self.play(LaggedStart(*[Create(c) for c in self.pinch_marks], lag_ratio=0.15), run_time=1.0)
            self.play(Create(bar), FadeIn(bar_label), run_time=0.6)

        # Step: the mean, and where each network lands
        mean_word, one_start = self.label("formula_mean"), self.label("formula_one_start")
        mean_tex = self.ty.math(rf"\text{{{mean_word}}}\;\; " r"\Theta(x, X)\,\Theta(X, X)^{-1}\,Y",
                                size=self.ty.CAPTION_SIZE + 4, color=self.theme.ntk_exact)
        one_tex = self.ty.math(rf"\text{{{one_start} }} f_0\text{{:}}\;\; "
                               r"f_0(x) + \Theta(x, X)\,\Theta(X, X)^{-1}\big(Y - f_0(X)\big)",
                               size=self.ty.CAPTION_SIZE + 4)
        formulas = VGroup(mean_tex, one_tex).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        formulas.to_corner(UP + LEFT, buff=0.22)
        landing = VGroup(*self.landing)
        land_legend = legend_row(self.ty, self.theme.dot, self.label("legend_landing"),
                                 stroke_width=self.curve_width + 1, opacity=0.7)
        land_legend.next_to(zx.c2p(self.wide.x_range[0], zx.y_range[0]), UP + RIGHT, buff=0.2)
        with self.step("landing", C=C):
            self.play(FadeOut(self.legend[1]), FadeOut(self.pinch_marks), FadeOut(bar), FadeOut(bar_label),
                      FadeOut(head), run_time=0.5)
            self.play(FadeIn(formulas), run_time=0.8)
            self.play(LaggedStart(*[Create(c) for c in landing], lag_ratio=0.05), FadeIn(land_legend), run_time=1.5)
            self.bring_to_front(gp_mean, dots)     # the mean over initializations on top
