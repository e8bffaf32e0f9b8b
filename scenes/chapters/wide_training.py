"""Chapter 8 — Wide networks during training: the wider the network, the less its NTK moves.

Beyond the post (Example 5 showed a tiny RBF network's kernel changing as it trains): the ReLU
network of chapter 7 (same input map u, same notation: k one network's NTK, k_t at time
t = η·step, as in the kernel-GD chapters; k_T at the end, T = η·steps) at several widths, trained by
full-batch gradient descent on ½ Σ of squared errors, on the post's observation and four points of
Example 4's f (drawn first, with the scaled targets (y − 45)/10 the networks fit).  (1) The kernel column k_t(x, 10) of a narrow and a wide network over the
training steps, purple → orange, and how much each column changed; (2) the relative change of the
whole kernel matrix against width on log–log axes, with its fitted slope; (3) the trained network
next to the kernel-regression prediction of its own initial NTK k_0.

Every number comes from ``ntkcore.wide_experiments.training_change`` (precomputed and cached by
the pipeline; computed here when the chapter is rendered by hand).

Render:  manim -pql scenes/chapters/wide_training.py WideDuringTraining
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, UR, Circle, Create, Dot, FadeIn, FadeOut, LaggedStart, Line, Transform,
    TransformFromCopy, VGroup, config,
)

from scenes import runtime
from scenes.base import ChapterScene, fit_width
from scenes.formatting import fmt, fmt_g, percent
from scenes.ranges import every_other_tick, whole_ticks
from scenes.widgets import ObservationCross, dots_at, legend_row, smooth_curve, vertical_marker


def listing(scene, words) -> str:
    """``a, b and c`` (the last two joined by the chapter's label ``listing``)."""
    words = list(words)
    return words[0] if len(words) == 1 else scene.label("listing", items=", ".join(words[:-1]), last=words[-1])


def fit_between(mob, left: float, right: float):
    """``mob`` scaled down (never up) to at most ``right − left`` wide, then moved sideways (only if
    it must) to lie between x = ``left`` and x = ``right``."""
    fit_width(mob, right - left)
    return mob.shift((max(0.0, left - mob.get_left()[0]) + min(0.0, right - mob.get_right()[0])) * RIGHT)


class WideDuringTraining(ChapterScene):

    panel_size = (5.6, 3.3)
    panel_centers = ((-3.45, -0.2, 0.0), (3.55, -0.2, 0.0))
    kernel_y_step = 0.25
    fit_y_step = 0.25
    loglog_size = (8.6, 3.8)
    loglog_center = (0.3, 0.05, 0.0)
    loglog_y_step = 0.5                   # half a decade per tick
    legend_center = (0.0, 3.0, 0.0)       # a row under the heading
    step_stroke = (2.0, 0.45)             # width, opacity of the intermediate kernels (faint)
    fit_size = (5.6, 2.9)                 # the last two panels: lower, for two-line titles
    fit_centers = ((-3.45, -0.45, 0.0), (3.55, -0.45, 0.0))
    fit_legend_y = 2.75
    data_size = (7.0, 3.4)
    data_center = (0.0, -0.05, 0.0)
    seed_offset = 0.2                     # sideways offset between the seed dots of one width (scene units)
    mean_ring = (0.11, 4.0)               # radius, stroke width of the hollow ring at each width's seed mean
    end_stroke = 4.0                      # the kernel before and after training
    # Room for words that grow longer in another language (English fits without using it):
    side_margin = 0.15                    # texts keep this far from the frame's sides
    heading_right = -0.3                  # the heading ends left of this (ChapterScene.heading)
    heading_gap = 0.15                    # a text level with the heading starts this far right of it
    title_gap = 0.2                       # between the two panels' titles

    # ------------------------------------------------------------------ set-up
    def setup(self):
        super().setup()
        self.wide = self.settings.wide
        d = self.data = runtime.experiment("training_change")
        self.grid = d["x"]
        self.widths = d["widths"]
        self.seed = int(d["drawn_seed"])                # the network drawn in the panels
        self.shown = (0, len(self.widths) - 1)          # narrowest and widest
        self.snap_steps = d["snap_steps"]
        rc = d["rel_change"]
        self.rel_change_mean = rc.mean(axis=1)          # (W,) seed mean
        self.slope_shown = float(d["rel_change_slope"])
        # The fitted line in log10 coordinates (its slope is the same as in natural logs).
        self.fit_coeffs = np.polyfit(np.log10(self.widths.astype(float)), np.log10(self.rel_change_mean), 1)
        self.gap_mean = d["gap"].mean(axis=1)           # (W,) seed mean of the RMS gap
        self.lr = float(self.wide.lr)
        self.last_step = int(self.snap_steps[-1])
        self.T = self.lr * self.last_step                # the time at the end of training, t = η·step
        self.build_data_panel()
        self.build_kernel_panels()
        self.build_loglog()
        self.build_fit_panels()

    def width_label(self, i: int) -> str:
        return self.label("width", w=int(self.widths[i]))

    def panel(self, k: int, y_range, y_name, decimals: int = 2, size=None, centers=None):
        """Axes of panel ``k`` (left, right) with both axes named: ``x`` and ``y_name`` (a mobject)."""
        lo, hi = self.wide.x_range
        axes = self.framed((lo, hi, 5), y_range, size or self.panel_size, (centers or self.panel_centers)[k],
                           y_numbers=every_other_tick(y_range), decimals=decimals)
        x_lab = self.ty.math("x", size=self.ty.CAPTION_SIZE).next_to(axes.frame_x.get_right(), RIGHT, buff=0.12)
        y_lab = y_name.copy().next_to(axes.frame_y.get_top(), UP, buff=0.12).align_to(axes.frame_y, LEFT)
        return axes, VGroup(x_lab, y_lab)

    def panel_title(self, k: int, axes, s: str, color):
        """A title above the panel's y-axis name, centred over panel ``k`` (0: left, 1: right); longer
        words are shrunk and moved to stay on the panel's half of the frame."""
        title = self.ty.text(s, size=self.ty.LABEL_SIZE + 2, color=color)
        title.next_to(axes.frame_y.get_top(), UP, buff=0.55)
        title.set_x(axes.frame_x.get_center()[0])
        mid = 0.5 * (self.panel_centers[0][0] + self.panel_centers[1][0])
        edge = config.frame_width / 2 - self.side_margin
        left, right = ((-edge, mid - self.title_gap / 2), (mid + self.title_gap / 2, edge))[k]
        return fit_between(title, left, right)

    def fit_y_range(self):
        d = self.data
        vals = np.concatenate([d["f_trained"][list(self.shown), self.seed].ravel(),
                               d["f_kernel"][list(self.shown), self.seed].ravel(), d["train_y"]])
        # half a tick of room below and above, so no dot sits on the frame
        return whole_ticks([vals.min() - self.fit_y_step / 2, vals.max() + self.fit_y_step / 2], self.fit_y_step)

    # ------------------------------------------------------------------ (0) the training data
    def build_data_panel(self):
        """The training data in the post's units (y on the left) and as the network sees them,
        (y − y_shift)/y_scale (on the right); the axes run in the scaled units."""
        d, s = self.data, self.wide
        lo, hi = s.x_range
        y_range = self.fit_y_range()
        ticks = every_other_tick(y_range)
        self.data_axes = ax = self.framed((lo, hi, 5), y_range, self.data_size, self.data_center, y_numbers=[])
        left = VGroup(*[self.ty.text(fmt_g(s.y_shift + s.y_scale * v), size=self.ty.LABEL_SIZE)
                        .next_to(ax.frame_y.n2p(v), LEFT, buff=0.18) for v in ticks])
        right_edge = ax.c2p(hi, 0)[0]
        right_ticks = VGroup(*[Line(ax.c2p(hi, v), ax.c2p(hi, v) + 0.12 * RIGHT, color=self.theme.axis,
                                    stroke_width=2) for v in ticks])
        right = VGroup(*[self.ty.text(fmt(v, 1), size=self.ty.LABEL_SIZE, color=self.theme.highlight)
                         .next_to(ax.c2p(hi, v) + 0.12 * RIGHT, RIGHT, buff=0.1) for v in ticks])
        y_lab = self.ty.math("y", size=self.ty.CAPTION_SIZE).next_to(ax.frame_y.get_top(), UP, buff=0.15)
        scaled_lab = self.ty.text(f"(y − {fmt_g(s.y_shift)})/{fmt_g(s.y_scale)}", size=self.ty.LABEL_SIZE,
                                  color=self.theme.highlight)
        scaled_lab.next_to([right_edge, ax.frame_y.get_top()[1], 0], UP, buff=0.15)
        x_lab = self.ty.math("x", size=self.ty.CAPTION_SIZE).next_to(ax.frame_x.get_right(), RIGHT, buff=0.12)
        x_lab.shift(0.55 * RIGHT + 0.3 * DOWN)
        self.data_left = VGroup(left, y_lab, x_lab)
        self.data_right = VGroup(right_ticks, right, scaled_lab)
        self.data_dots = dots_at(ax, d["train_x"], d["train_y"], 0.09, self.theme.dot)
        obs = d["is_observation"].astype(bool)
        self.data_cross = VGroup(*[ObservationCross(ax.c2p(x, y), self.theme.observation)
                                   for x, y in zip(d["train_x"][obs], d["train_y"][obs])])

    # ------------------------------------------------------------------ (1) the kernel over training
    def build_kernel_panels(self):
        d, s = self.data, self.wide
        W = len(self.widths)
        xp = fmt_g(s.x_obs)
        vals = np.concatenate([d["k_steps"][list(self.shown)].ravel(),
                               d["k_before"][list(self.shown), self.seed].ravel(),
                               d["k_after"][list(self.shown), self.seed].ravel(), [0.0]])
        y_range = whole_ticks(vals, self.kernel_y_step)
        y_name = VGroup(self.ty.math(f"k_t(x, {xp})", size=self.ty.CAPTION_SIZE),
                        self.ty.text(self.label("raw_kernel"), size=self.ty.LABEL_SIZE, color=self.theme.axis)
                        ).arrange(RIGHT, buff=0.25, aligned_edge=DOWN)
        steps = int(self.snap_steps[-1])
        self.step_colors = [self.theme.training_color(t, steps) for t in self.snap_steps]
        self.panel_axes, self.kernel_axis_names, self.step_curves, self.obs_markers = [], [], [], []
        self.kernel_panel_titles, self.change_titles = [], []
        last = len(self.snap_steps) - 1
        for k, i in enumerate(self.shown):
            axes, names = self.panel(k, y_range, y_name, decimals=1)
            self.panel_axes.append(axes)
            self.kernel_axis_names.append(names)
            marker = vertical_marker(axes, s.x_obs, self.theme.observation)
            label = self.ty.text(self.label("x_prime", x=xp), size=self.ty.LABEL_SIZE, color=self.theme.observation)
            self.obs_markers.append(VGroup(marker, label.next_to(marker, RIGHT, buff=0.1).align_to(marker, UP)))
            self.step_curves.append([
                smooth_curve(axes, self.grid, d["k_steps"][i, j], color,
                             *((self.end_stroke, 1.0) if j in (0, last) else self.step_stroke))
                for j, color in enumerate(self.step_colors)])
            color = self.theme.width_color(i, W)
            self.kernel_panel_titles.append(self.panel_title(k, axes, self.width_label(i), color))
            change = self.label("column_change", w=int(self.widths[i]), change=percent(d["col_change"][i, self.seed]))
            self.change_titles.append(self.panel_title(k, axes, change, color))
        self.before_curves = [c[0] for c in self.step_curves]
        self.after_curves = [c[-1] for c in self.step_curves]
        # The legend: the training ramp from step 0 to the last step.
        swatches = VGroup(*[Line(LEFT * 0.17, RIGHT * 0.17, color=c, stroke_width=8) for c in self.step_colors])
        swatches.arrange(RIGHT, buff=0.04)
        self.kernel_legend = VGroup(
            self.ty.text(self.label("training_step"), size=self.ty.LABEL_SIZE),
            self.ty.text("0", size=self.ty.LABEL_SIZE, color=self.theme.kernel_start), swatches,
            self.ty.text(str(steps), size=self.ty.LABEL_SIZE, color=self.theme.kernel_end),
        ).arrange(RIGHT, buff=0.15).move_to(self.legend_center).shift(2.2 * LEFT)
        # The step counter follows it on the same row: longer words (another language) move the row
        # left, then shrink it (legend and counter alike), to keep it in the frame.
        self.counter_scale = 1.0
        edge = config.frame_width / 2 - self.side_margin
        row = self.kernel_legend.width + self.counter_buff + max(self.step_counter(j).width
                                                                 for j in range(len(self.snap_steps)))
        if row > 2 * edge:
            self.counter_scale = 2 * edge / row
            self.kernel_legend.scale(self.counter_scale)
            row = 2 * edge
        over = self.kernel_legend.get_left()[0] + row - edge
        if over > 0:
            self.kernel_legend.shift(over * LEFT)
        # After training, the legend gives way to the measure of the column's change.
        xp = fmt_g(s.x_obs)
        self.col_formula = VGroup(
            VGroup(self.ty.text(self.label("change_is"), size=self.ty.LABEL_SIZE + 2),
                   self.ty.math(rf"\|k_T(\cdot, {xp}) - k_0(\cdot, {xp})\| \,/\, \|k_0(\cdot, {xp})\|",
                                size=self.ty.LABEL_SIZE + 4)).arrange(RIGHT, buff=0.2),
            self.ty.text(self.label("column_norms", steps=self.last_step, T=fmt_g(self.T)), size=self.ty.LABEL_SIZE),
        ).arrange(DOWN, buff=0.12, aligned_edge=RIGHT)
        # Longer words (another language): shrunk so that its first row stays right of the heading and
        # its second inside the frame, and lifted (if need be) off the panel titles under it.
        first, second = self.col_formula
        edge = config.frame_width / 2 - 0.3
        fit_width(self.col_formula, min(1.0, (edge - self.heading_right - self.heading_gap) / first.width,
                                        2 * edge / second.width) * self.col_formula.width)
        self.col_formula.to_edge(RIGHT, buff=0.3).set_y(self.legend_center[1] + 0.05)
        below = max(t.get_top()[1] for t in self.change_titles)
        if below - self.col_formula.get_bottom()[1] > 0.005:
            self.col_formula.shift((below - self.col_formula.get_bottom()[1]) * UP)

    counter_buff = 0.4

    def step_counter(self, j: int):
        """``step 150 (t = η·150 = 75)`` at the right of the legend, in the colour of that step."""
        n = int(self.snap_steps[j])
        counter = self.ty.text(self.label("step_counter", n=n, t=fmt_g(self.lr * n)), size=self.ty.LABEL_SIZE + 2,
                               color=self.step_colors[j])
        return counter.scale(getattr(self, "counter_scale", 1.0)).next_to(self.kernel_legend, RIGHT,
                                                                          buff=self.counter_buff)

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
        x_name = self.ty.text(self.label("width_axis"), size=self.ty.LABEL_SIZE).next_to(ax.frame_x.get_right(), RIGHT,
                                                                                       buff=0.2)
        y_name = VGroup(self.ty.text(self.label("matrix_change"), size=self.ty.LABEL_SIZE),
                        VGroup(self.ty.math(r"\|k_T - k_0\|_F \,/\, \|k_0\|_F", size=self.ty.LABEL_SIZE + 4),
                               self.ty.text(self.label("frobenius", steps=self.last_step, T=fmt_g(self.T)),
                                            size=self.ty.LABEL_SIZE)).arrange(RIGHT, buff=0.3)
                        ).arrange(DOWN, buff=0.15, aligned_edge=LEFT)
        y_name.next_to(ax.frame_y.get_top(), UP, buff=0.15).align_to(ax.frame_y, LEFT)
        # longer words (another language): each row shrunk to the room before the frame's right side
        for row in y_name:
            fit_width(row, config.frame_width / 2 - self.side_margin - row.get_left()[0]).align_to(ax.frame_y, LEFT)
        self.loglog_labels = VGroup(x_labels, y_labels, x_name, y_name)
        # the seed mean: a hollow ring, so the seed dot at its centre stays visible
        r, sw = self.mean_ring
        self.change_dots = VGroup(*[Circle(radius=r, color=self.theme.width_color(i, W), stroke_width=sw)
                                    .move_to(ax.c2p(lw[i], np.log10(self.rel_change_mean[i]))) for i in range(W)])
        # one small dot per seed, side by side (offset sideways: the outer ones clear of the ring)
        S = lrc.shape[1]
        self.seed_dots = VGroup(*[Dot(ax.c2p(lw[i], lrc[i, j]) + (j - (S - 1) / 2) * self.seed_offset * RIGHT,
                                      radius=0.05, color=self.theme.width_color(i, W), fill_opacity=0.6)
                                  for i in range(W) for j in range(S)])
        a, b = self.fit_coeffs
        self.fit_line = Line(ax.c2p(lw[0], a * lw[0] + b), ax.c2p(lw[-1], a * lw[-1] + b),
                             color=self.theme.ink, stroke_width=3)
        self.slope_label = self.ty.text(self.label("fitted_slope", slope=fmt(self.slope_shown, 2)),
                                        size=self.ty.CAPTION_SIZE)
        mid = 0.5 * (lw[0] + lw[-1])
        self.slope_label.next_to(ax.c2p(mid, a * mid + b), UR, buff=0.35)

    # ------------------------------------------------------------------ (3) trained vs kernel regression
    def build_fit_panels(self):
        d, s = self.data, self.wide
        W = len(self.widths)
        y_range = self.fit_y_range()
        y_name = VGroup(self.ty.math("f(x)", size=self.ty.CAPTION_SIZE),
                        self.ty.text(self.label("fit_units", shift=fmt_g(s.y_shift), scale=fmt_g(s.y_scale)),
                                     size=self.ty.LABEL_SIZE, color=self.theme.axis)
                        ).arrange(RIGHT, buff=0.25, aligned_edge=DOWN)
        self.fit_axes, self.fit_axis_names, self.trained_curves, self.kernel_pred_curves = [], [], [], []
        self.train_dots, self.fit_panel_titles = [], []
        for k, i in enumerate(self.shown):
            axes, names = self.panel(k, y_range, y_name, decimals=1, size=self.fit_size, centers=self.fit_centers)
            self.fit_axes.append(axes)
            self.fit_axis_names.append(names)
            # Kernel regression with k_0 (the kernel before training, purple): a broad translucent
            # band; the trained net: thin black on top.
            self.kernel_pred_curves.append(smooth_curve(axes, self.grid, d["f_kernel"][i, self.seed],
                                                        self.theme.kernel_start, stroke_width=10, opacity=0.45))
            self.trained_curves.append(smooth_curve(axes, self.grid, d["f_trained"][i, self.seed],
                                                    self.theme.dot, stroke_width=3))
            self.train_dots.append(dots_at(axes, d["train_x"], d["train_y"], 0.085, self.theme.dot))
            title = self.label("gap_title", w=int(self.widths[i]), gap=fmt(d["gap"][i, self.seed], 2),
                               seeds=d["gap"].shape[1], mean=fmt(self.gap_mean[i], 2))
            self.fit_panel_titles.append(self.panel_title(k, axes, title, self.theme.width_color(i, W)))
        self.fit_legend = VGroup(
            legend_row(self.ty, self.theme.dot, self.label("trained_network"), stroke_width=3),
            legend_row(self.ty, self.theme.kernel_start, self.label("kernel_regression"),
                       stroke_width=10, opacity=0.45),
        ).arrange(RIGHT, buff=0.5)
        # longer words (another language): shrunk to the frame
        fit_width(self.fit_legend, config.frame_width - 2 * self.side_margin)
        self.fit_legend.move_to(self.legend_center).set_y(self.fit_legend_y)
        self.kernel_formula = self.ty.math(r"f_0(x) + k_0(x, X)\, k_0(X, X)^{-1} \big(Y - f_0(X)\big)",
                                           size=self.ty.CAPTION_SIZE + 2)
        self.kernel_formula.to_corner(UR, buff=0.35)

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        d, s = self.data, self.wide
        lo_i, hi_i = self.shown
        narrow, wide_ = int(self.widths[lo_i]), int(self.widths[hi_i])
        xp = fmt_g(s.x_obs)
        S = d["rel_change"].shape[1]
        T = int(self.snap_steps[-1])

        # Step: title card
        self.play_title_card(r"\text{width} \to \infty:\quad k_t(x, x') \approx k_0(x, x')")

        # Step: the training data, in the post's units
        head = self.heading(self.script.chapter["title"])
        obs = d["is_observation"].astype(bool)
        others = [fmt_g(x) for x in d["train_x"][~obs]]
        x_o, y_o = (fmt_g(v) for v in d["observation"])
        which = None if obs.any() and others else "observation_only" if obs.any() else "no_observation"
        with self.step("data", which, m=len(d["train_x"]), x=x_o, y=y_o, xs=listing(self, others) if others else ""):
            self.play(FadeIn(head), FadeIn(self.data_axes), FadeIn(self.data_left), run_time=1.0)
            self.play(FadeIn(self.data_dots), FadeIn(self.data_cross), run_time=0.8)

        # Step: the targets the network fits
        shift, scale = fmt_g(s.y_shift), fmt_g(s.y_scale)
        y_lo, y_hi = fmt(float(d["train_y"].min()), 2), fmt(float(d["train_y"].max()), 2)
        with self.step("targets", shift=shift, scale=scale, y_lo=y_lo, y_hi=y_hi):
            self.play(FadeIn(self.data_right), run_time=1.0)

        # Step: two networks, narrow and wide, with their kernels at initialization
        data_panel = VGroup(self.data_axes, self.data_left, self.data_right, self.data_dots, self.data_cross)
        with self.step("two_widths", narrow=narrow, wide=wide_, xp=xp):
            self.play(FadeOut(data_panel), run_time=0.6)
            self.play(*[FadeIn(ax) for ax in self.panel_axes],
                      *[FadeIn(n) for n in self.kernel_axis_names], *[FadeIn(m) for m in self.obs_markers],
                      *[FadeIn(t) for t in self.kernel_panel_titles], run_time=1.0)
            self.play(*[Create(c) for c in self.before_curves], run_time=1.5)

        # Step: the kernel during training, purple → orange
        counter = self.step_counter(0)
        col = d["col_change"][:, self.seed]
        # "moves / stays" only when the numbers say so: the wide column changes by under 10 %, and by
        # less than a third of the narrow one's change.
        contrast = col[hi_i] < 0.1 and col[hi_i] < col[lo_i] / 3
        every = int(self.snap_steps[1])
        lr, Tt = fmt_g(self.lr), fmt_g(self.T)
        with self.step("training", None if contrast else "no_contrast", lr=lr, steps=T, T=Tt, narrow=narrow,
                       wide=wide_, xp=xp, every=every):
            self.play(FadeIn(self.kernel_legend), FadeIn(counter), run_time=0.6)
            for j in range(1, len(self.snap_steps)):
                self.play(*[TransformFromCopy(curves[j - 1], curves[j]) for curves in self.step_curves],
                          Transform(counter, self.step_counter(j)), run_time=0.9)
            self.bring_to_front(*self.after_curves)

        # Step: how much each column changed
        c_lo = percent(d["col_change"][lo_i, self.seed])
        c_hi = percent(d["col_change"][hi_i, self.seed])
        with self.step("column_change", change_narrow=c_lo, change_wide=c_hi, narrow=narrow, wide=wide_, T=Tt):
            self.play(FadeOut(self.kernel_legend), FadeOut(counter), run_time=0.4)
            self.play(FadeIn(self.col_formula),
                      *[Transform(a, b) for a, b in zip(self.kernel_panel_titles, self.change_titles)], run_time=0.8)

        # Step: all widths, all seeds, on log–log axes
        panels = VGroup(*self.panel_axes, *self.kernel_axis_names, *self.obs_markers,
                        *[c for curves in self.step_curves for c in curves], *self.kernel_panel_titles,
                        self.col_formula)
        m_lo, m_hi = percent(d["rel_change"][lo_i, self.seed]), percent(d["rel_change"][hi_i, self.seed])
        with self.step("whole_matrix", n_widths=len(self.widths), seeds=S, T=Tt, change_narrow=m_lo,
                       change_wide=m_hi):
            self.play(FadeOut(panels), run_time=0.8)
            self.play(FadeIn(self.loglog_axes), FadeIn(self.loglog_labels), run_time=1.0)
            self.play(LaggedStart(*[FadeIn(dot, scale=0.5) for dot in self.seed_dots], lag_ratio=0.05),
                      run_time=1.2)
            self.play(LaggedStart(*[FadeIn(dot, scale=0.5) for dot in self.change_dots], lag_ratio=0.15),
                      run_time=1.0)

        # Step: the fitted line and its slope
        rate, slope = fmt(-self.slope_shown, 2), fmt(self.slope_shown, 2)
        with self.step("fitted_line", rate=rate, slope=slope):
            self.play(Create(self.fit_line), run_time=1.0)
            self.bring_to_front(self.seed_dots, self.change_dots)   # the line runs behind the dots
            self.play(FadeIn(self.slope_label), run_time=0.6)
        if -1.0 < self.slope_shown < -0.5:
            self.slope_note = self.ty.text(self.label("slope_note"), size=self.ty.LABEL_SIZE)
            self.slope_note.next_to(self.slope_label, UP, buff=0.15).align_to(self.slope_label, LEFT)
            with self.step("theory", slope=slope):
                self.play(FadeIn(self.slope_note), run_time=0.6)

        # Step: the trained networks against the kernel regression of their initial NTK
        loglog = VGroup(self.loglog_axes, self.loglog_labels, self.seed_dots, self.change_dots,
                        self.fit_line, self.slope_label, *([self.slope_note] if hasattr(self, "slope_note") else []))
        with self.step("kernel_regression"):
            self.play(FadeOut(loglog), run_time=0.8)
            self.play(*[FadeIn(ax) for ax in self.fit_axes], *[FadeIn(n) for n in self.fit_axis_names],
                      *[FadeIn(dots) for dots in self.train_dots], FadeIn(self.kernel_formula), run_time=1.0)
            self.play(FadeIn(self.fit_legend[1]), *[Create(c) for c in self.kernel_pred_curves], run_time=1.5)
            self.bring_to_front(*self.train_dots)   # the dots stay on top of the curves

        g_lo, g_hi = fmt(d["gap"][lo_i, self.seed], 2), fmt(d["gap"][hi_i, self.seed], 2)
        with self.step("trained", gap_narrow=g_lo, gap_wide=g_hi, narrow=narrow, wide=wide_):
            self.play(FadeIn(self.fit_legend[0]), *[Create(c) for c in self.trained_curves],
                      *[FadeIn(t) for t in self.fit_panel_titles], run_time=1.8)
            self.bring_to_front(*self.train_dots)

        m_lo, m_hi = fmt(self.gap_mean[lo_i], 2), fmt(self.gap_mean[hi_i], 2)
        closer = self.gap_mean[hi_i] < self.gap_mean[lo_i]
        self.say("mean_gap", None if closer else "not_closer", seeds=S, gap_narrow=m_lo, gap_wide=m_hi,
                 narrow=narrow, wide=wide_)
