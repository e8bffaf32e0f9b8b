"""Chapter 8 — Wide networks during training: the kernel of a wide network does not move.

The post's second wide-network fact (Jacot, Gabriel & Hongler 2018), shown with the post's own
picture: the red arrows of one gradient step.  The ReLU network of chapter 7 (same input on the unit
circle) at a narrow and a wide width, trained by full-batch gradient descent on ½ Σ of squared errors,
on the post's observation and four points of Example 4's f (drawn first, with the scaled targets
(y − 45)/10 the networks fit).

(1) The lesson: the red arrows of one gradient step at x′, per unit of error: ``Δf(x) = η·k(x, x′)``
(to first order), stood on y = 0 as in Example 4 — before training (a purple line through their
tips) and after (orange): the narrow network's arrows change shape, the wide one's stay put; that is
"the kernel does not move".  Each panel draws the random start whose change is the median of its
width's starts.  (2) The short confirmation: the change of the whole kernel matrix against width on
log–log axes, every random start, with the fitted slope.  (3) What follows from it (chapter 9
derives it; the lecture cut leaves it there): the trained networks next to kernel regression with
their own initial kernel k₀ — the wide network lands on it.  Time is t = η·n (n gradient steps),
introduced here.

Every number comes from ``ntkcore.wide_experiments.training_change`` (precomputed and cached by
the pipeline; computed here when the chapter is rendered by hand).

Render:  manim -pql scenes/chapters/wide_training.py WideDuringTraining
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Circle, Circumscribe, Create, Dot, FadeIn, FadeOut, GrowArrow, LaggedStart, Line,
    Transform, VGroup, config,
)

from scenes import runtime
from scenes.base import ChapterScene, fit_width
from scenes.components.wide import visible_opacity
from scenes.formatting import fmt, fmt_g, percent, tex_num
from scenes.ranges import every_other_tick, label_decimals, whole_ticks
from scenes.widgets import ObservationCross, arrows_at, dots_at, legend_row, polyline, smooth_curve, vertical_marker


def median_start(values) -> int:
    """The index of the median of ``values`` (the lower of the two middle ones for an even count):
    the typical random start by that statistic."""
    order = np.argsort(np.asarray(values, dtype=float), kind="stable")
    return int(order[(len(order) - 1) // 2])


def fit_between(mob, left: float, right: float):
    """``mob`` scaled down (never up) to at most ``right − left`` wide, then moved sideways (only if
    it must) to lie between x = ``left`` and x = ``right``."""
    fit_width(mob, right - left)
    return mob.shift((max(0.0, left - mob.get_left()[0]) + min(0.0, right - mob.get_right()[0])) * RIGHT)


class WideDuringTraining(ChapterScene):

    panel_size = (4.8, 2.8)
    panel_centers = ((-3.3, -0.05, 0.0), (3.3, -0.05, 0.0))
    arrow_stroke = (3.0, 0.09)            # stroke width, tip length of the red arrows
    tip_stroke = 4.0                      # the purple / orange lines through the arrows' tips
    fit_y_step = 0.25
    loglog_size = (9.6, 3.0)              # wide enough that neighbouring width labels (1024, 2048) stay apart
    loglog_center = (0.1, 0.0, 0.0)
    loglog_y_step = 0.5                   # half a decade per tick
    data_size = (6.6, 3.2)
    data_center = (0.0, 0.05, 0.0)
    seed_offset = 0.2                     # sideways offset between the seed dots of one width (scene units)
    mean_ring = (0.11, 4.0)               # radius, stroke width of the hollow ring at each width's seed mean
    regression_stroke = (10.0, 0.55)      # the kernel regression: broad and translucent (≥ 3:1 all the same)
    # Room for words that grow longer in another language (English fits without using it):
    side_margin = 0.1                     # texts keep this far inside the title-safe area
    title_gap = 0.2                       # between the two panels' titles
    legend_y = (3.4, 2.97)                # the header: the legend (right of the heading), then the measure
                                          # of change (a line of its own, below the heading's baseline)

    # ------------------------------------------------------------------ set-up
    def setup(self):
        super().setup()
        self.wide = self.settings.wide
        d = self.data = runtime.experiment("training_change")
        self.grid = d["x"]
        self.widths = d["widths"]
        self.shown = (0, len(self.widths) - 1)          # narrowest and widest
        # each panel draws the random start whose column change is the median of its width's
        self.seeds = [median_start(d["col_change"][i]) for i in self.shown]
        self.lr = float(self.wide.lr)
        self.last_step = int(d["snap_steps"][-1])
        self.T = self.lr * self.last_step                # the time at the end of training, t = η·n
        rc = d["rel_change"]
        self.rel_change_mean = rc.mean(axis=1)          # (W,) seed mean
        self.slope_shown = float(d["rel_change_slope"])
        # The fitted line in log10 coordinates (its slope is the same as in natural logs).
        self.fit_coeffs = np.polyfit(np.log10(self.widths.astype(float)), np.log10(self.rel_change_mean), 1)
        self.edge = self.safe_box()[0] - self.side_margin
        self.build_data_panel()
        self.build_arrow_panels()
        self.build_loglog()
        self.build_fit_panels()

    def width_color(self, i: int) -> str:
        return self.theme.width_color(i, len(self.widths))

    def panel(self, k: int, y_range, y_name, decimals: int, center=None):
        """Axes of panel ``k`` (left, right) with both axes named: ``x`` and ``y_name`` (a mobject),
        built further in (only if they must be) so that their tick numbers and names keep
        ``side_margin`` inside the title-safe area."""
        lo, hi = self.wide.x_range
        numbers = every_other_tick(y_range)
        center = np.asarray(self.panel_centers[k] if center is None else center, dtype=float)
        axes = self.framed((lo, hi, 5), y_range, self.panel_size, center, y_numbers=numbers, decimals=decimals)
        if axes.zero_line is not None:       # the arrows stand on y = 0: a line a viewer reads (≥ 3:1)
            axes.zero_line.set_stroke(color=self.theme.axis, width=1.5)
        x_lab = self.ty.math("x", size=self.ty.CAPTION_SIZE).next_to(axes.frame_x.get_right(), RIGHT, buff=0.1)
        y_lab = y_name.copy().next_to(axes.frame_y.get_top(), UP, buff=0.12).align_to(axes.frame_y.numbers, LEFT)
        names = VGroup(x_lab, y_lab)
        both = VGroup(axes, names)
        move = max(0.0, -self.edge - both.get_left()[0]) + min(0.0, self.edge - both.get_right()[0])
        if abs(move) > 1e-9:     # framed axes move only by building them anew (their c2p stays behind)
            return self.panel(k, y_range, y_name, decimals, center + move * RIGHT)
        return axes, names

    def panel_title(self, k: int, axes, lines, colors, sizes):
        """A title of one or more lines above panel ``k``'s y-axis name, centred over the panel;
        longer words are shrunk and moved to stay on the panel's half of the frame."""
        title = VGroup(*[self.ty.text(s, size=z, color=c) for s, c, z in zip(lines, colors, sizes)])
        title.arrange(DOWN, buff=0.1)
        title.next_to(axes.frame_y.get_top(), UP, buff=0.55)
        title.set_x(axes.frame_x.get_center()[0])
        mid = 0.5 * (self.panel_centers[0][0] + self.panel_centers[1][0])
        left, right = ((-self.edge, mid - self.title_gap / 2), (mid + self.title_gap / 2, self.edge))[k]
        return fit_between(title, left, right)

    def fit_y_range(self):
        d = self.data
        vals = np.concatenate([*[d["f_trained"][i, s] for i, s in zip(self.shown, self.seeds)],
                               *[d["f_kernel"][i, s] for i, s in zip(self.shown, self.seeds)], d["train_y"]])
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
        y_lab = self.ty.math("y", size=self.ty.CAPTION_SIZE).next_to(ax.frame_y.get_top(), UP, buff=0.3)
        scaled_lab = self.ty.text(f"(y − {fmt_g(s.y_shift)})/{fmt_g(s.y_scale)}", size=self.ty.LABEL_SIZE,
                                  color=self.theme.highlight)
        scaled_lab.next_to([right_edge, ax.frame_y.get_top()[1], 0], UP, buff=0.3)   # clear of the top number
        x_lab = self.ty.math("x", size=self.ty.CAPTION_SIZE).next_to(ax.frame_x.get_right(), RIGHT, buff=0.12)
        x_lab.shift(0.55 * RIGHT + 0.3 * DOWN)
        self.data_left = VGroup(left, y_lab, x_lab)
        self.data_right = VGroup(right_ticks, right, scaled_lab)
        self.data_dots = dots_at(ax, d["train_x"], d["train_y"], 0.09, self.theme.dot)
        obs = d["is_observation"].astype(bool)
        self.data_cross = VGroup(*[ObservationCross(ax.c2p(x, y), self.theme.observation)
                                   for x, y in zip(d["train_x"][obs], d["train_y"][obs])])

    # ------------------------------------------------------------------ (1) the red arrows, before and after
    def build_arrow_panels(self):
        """Per shown width: axes of η·k(x, x′), the red arrows from (x, 0) to (x, η·k) before training
        (k₀) and after (k at the last step), and a line through their tips in purple (before) and
        orange (after)."""
        d, s = self.data, self.wide
        xp = fmt_g(s.x_obs)
        self.moves_before = [self.lr * d["k_before"][i, j] for i, j in zip(self.shown, self.seeds)]   # η·k₀(x, x′)
        self.moves_after = [self.lr * d["k_after"][i, j] for i, j in zip(self.shown, self.seeds)]     # η·k_T(x, x′)
        vals = np.concatenate([*self.moves_before, *self.moves_after, [0.0]])
        span = float(np.ptp(vals))
        step = next(m for m in (0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0) if span / m <= 8)
        y_range = whole_ticks(vals, step)
        decimals = label_decimals(*every_other_tick(y_range))
        y_name = self.ty.math(rf"\eta\, k(x, {tex_num(xp)})", size=self.ty.CAPTION_SIZE)
        sw, tip = self.arrow_stroke
        self.panel_axes, self.panel_names, self.obs_markers = [], [], []
        self.arrows_before, self.arrows_after, self.tips_before, self.tips_after = [], [], [], []
        self.width_titles, self.change_titles = [], []
        for k, i in enumerate(self.shown):
            axes, names = self.panel(k, y_range, y_name, decimals)
            self.panel_axes.append(axes)
            self.panel_names.append(names)
            self.obs_markers.append(vertical_marker(axes, s.x_obs, self.theme.observation, stroke_width=2,
                                                    dash_length=0.08))
            zero = np.zeros_like(self.grid)
            self.arrows_before.append(arrows_at(axes, self.grid, zero, self.moves_before[k], self.theme.arrow,
                                                stroke_width=sw, tip_length=tip))
            self.arrows_after.append(arrows_at(axes, self.grid, zero, self.moves_after[k], self.theme.arrow,
                                               stroke_width=sw, tip_length=tip))
            self.tips_before.append(polyline(axes, self.grid, self.moves_before[k], self.theme.kernel_start,
                                             stroke_width=self.tip_stroke + 2))
            self.tips_after.append(polyline(axes, self.grid, self.moves_after[k], self.theme.kernel_end,
                                            stroke_width=self.tip_stroke))
            color = self.width_color(i)
            size = self.ty.LABEL_SIZE + 2
            self.width_titles.append(self.panel_title(k, axes, [self.label("width", w=int(self.widths[i]))],
                                                      [color], [size]))
            change = percent(d["col_change"][i, self.seeds[k]])
            self.change_titles.append(self.panel_title(
                k, axes, [self.label("column_change", w=int(self.widths[i]), change=change)], [color], [size]))
        # the header's right half: what the lines through the tips are, then how the change is measured
        self.tip_legend = VGroup(
            legend_row(self.ty, self.theme.kernel_start, self.label("before_training"), stroke_width=self.tip_stroke + 2),
            legend_row(self.ty, self.theme.kernel_end, self.label("after_training", t=fmt_g(self.T)),
                       stroke_width=self.tip_stroke),
        ).arrange(RIGHT, buff=0.4)
        # how the change is measured, and which random start each panel draws (one line for both)
        self.measure = self.ty.text(self.label("change_is", S=d["col_change"].shape[1]), size=self.ty.LABEL_SIZE)
        fit_width(self.tip_legend, self.edge - self.heading_end() - 0.3)
        fit_width(self.measure, 2 * self.edge)
        for mob, y in zip((self.tip_legend, self.measure), self.legend_y):
            mob.move_to([self.edge, y, 0], aligned_edge=RIGHT)

    def heading_end(self) -> float:
        """Where the chapter's heading ends (its right edge)."""
        return self.heading(self.script.chapter["title"]).get_right()[0]

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
        x_labels = VGroup(*[self.ty.text(str(int(w)), size=self.ty.LABEL_SIZE, color=self.width_color(i)).next_to(
            ax.frame_x.n2p(v), DOWN, buff=0.18) for i, (w, v) in enumerate(zip(self.widths, lw))])
        decades = np.arange(np.ceil(y_range[0]), np.floor(y_range[1]) + 1e-9)
        y_labels = VGroup(*[self.ty.text(f"{10.0 ** (v + 2):g}%", size=self.ty.LABEL_SIZE).next_to(
            ax.frame_y.n2p(v), LEFT, buff=0.18) for v in decades])
        x_name = self.ty.text(self.label("width_axis"), size=self.ty.LABEL_SIZE).next_to(ax.frame_x.get_right(), RIGHT,
                                                                                       buff=0.2)
        y_name = self.ty.text(self.label("matrix_change", S=d["rel_change"].shape[1]), size=self.ty.LABEL_SIZE)
        y_name.next_to(ax.frame_y.get_top(), UP, buff=0.2).align_to(y_labels, LEFT)
        # longer words (another language): shrunk to the room before the safe area's right side
        fit_width(y_name, self.edge - y_name.get_left()[0]).align_to(y_labels, LEFT)
        self.loglog_labels = VGroup(x_labels, y_labels, x_name, y_name)
        # the seed mean: a hollow ring, so the seed dot at its centre stays visible
        r, sw = self.mean_ring
        self.change_dots = VGroup(*[Circle(radius=r, color=self.width_color(i), stroke_width=sw)
                                    .move_to(ax.c2p(lw[i], np.log10(self.rel_change_mean[i]))) for i in range(W)])
        # one small dot per seed, side by side (offset sideways: the outer ones clear of the ring)
        S = lrc.shape[1]
        self.seed_dots = VGroup(*[Dot(ax.c2p(lw[i], lrc[i, j]) + (j - (S - 1) / 2) * self.seed_offset * RIGHT,
                                      radius=0.05, color=self.width_color(i))
                                  for i in range(W) for j in range(S)])
        a, b = self.fit_coeffs
        self.fit_line = Line(ax.c2p(lw[0], a * lw[0] + b), ax.c2p(lw[-1], a * lw[-1] + b),
                             color=self.theme.ink, stroke_width=3)
        self.slope_label = self.ty.text(self.label("fitted_slope", slope=fmt(self.slope_shown, 2)),
                                        size=self.ty.CAPTION_SIZE)
        mid = 0.5 * (lw[0] + lw[-1])
        self.slope_label.next_to(ax.c2p(mid, a * mid + b), UP + RIGHT, buff=0.35)

    # ------------------------------------------------------------------ (3) trained vs kernel regression
    def build_fit_panels(self):
        d, s = self.data, self.wide
        y_range = self.fit_y_range()
        y_name = self.ty.math("f(x)", size=self.ty.CAPTION_SIZE)
        self.fit_axes, self.fit_names, self.trained_curves, self.kernel_pred_curves = [], [], [], []
        self.train_dots, self.train_cross, self.fit_titles, self.gap_titles = [], [], [], []
        width, opacity = self.regression_stroke
        opacity = visible_opacity(self.theme.kernel_start, self.theme.background, opacity)
        obs = d["is_observation"].astype(bool)
        for k, (i, j) in enumerate(zip(self.shown, self.seeds)):
            axes, names = self.panel(k, y_range, y_name, decimals=label_decimals(*every_other_tick(y_range)))
            self.fit_axes.append(axes)
            self.fit_names.append(names)
            # Kernel regression with k₀ (the kernel before training, purple): a broad translucent band;
            # the trained net: thin black on top.
            self.kernel_pred_curves.append(smooth_curve(axes, self.grid, d["f_kernel"][i, j],
                                                        self.theme.kernel_start, stroke_width=width, opacity=opacity))
            self.trained_curves.append(smooth_curve(axes, self.grid, d["f_trained"][i, j], self.theme.dot,
                                                    stroke_width=3))
            self.train_dots.append(dots_at(axes, d["train_x"][~obs], d["train_y"][~obs], 0.085, self.theme.dot))
            self.train_cross.append(VGroup(*[ObservationCross(axes.c2p(x, y), self.theme.observation, size=0.11)
                                             for x, y in zip(d["train_x"][obs], d["train_y"][obs])]))
            color, size = self.width_color(i), self.ty.LABEL_SIZE + 2
            name = self.label("width", w=int(self.widths[i]))
            self.fit_titles.append(self.panel_title(k, axes, [name], [color], [size]))
            self.gap_titles.append(self.panel_title(
                k, axes, [name, self.label("gap", gap=fmt(d["gap"][i, j], 2))], [color, self.theme.ink],
                [size, self.ty.LABEL_SIZE]))
        self.fit_legend = VGroup(
            legend_row(self.ty, self.theme.kernel_start, self.label("kernel_regression"),
                       stroke_width=width, opacity=opacity),
            legend_row(self.ty, self.theme.dot, self.label("trained_network"), stroke_width=3),
        ).arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        fit_width(self.fit_legend, self.edge - self.heading_end() - 0.3)
        self.fit_legend.move_to([self.edge, 0.5 * sum(self.legend_y), 0], aligned_edge=RIGHT)

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        d, s = self.data, self.wide
        lo_i, hi_i = self.shown
        narrow, wide_ = int(self.widths[lo_i]), int(self.widths[hi_i])
        xp = fmt_g(s.x_obs)
        S = d["rel_change"].shape[1]

        # Step: title card
        self.play_title_card()

        # Step: the training data, in the post's units and as the networks fit them
        head = self.heading(self.script.chapter["title"])
        obs = d["is_observation"].astype(bool)
        x_o, y_o = (fmt_g(v) for v in d["observation"])
        which = None if obs.any() and (~obs).any() else "observation_only" if obs.any() else "no_observation"
        shift, scale = fmt_g(s.y_shift), fmt_g(s.y_scale)
        with self.step("data", which, m=len(d["train_x"]), others=int((~obs).sum()), x=x_o, y=y_o,
                       shift=shift, scale=scale):
            self.play(FadeIn(head), FadeIn(self.data_axes), FadeIn(self.data_left), FadeIn(self.data_right),
                      FadeIn(self.data_dots), FadeIn(self.data_cross), run_time=0.8)

        # Step: a narrow and a wide network; the red arrows of one step at x′, before training
        data_panel = VGroup(self.data_axes, self.data_left, self.data_right, self.data_dots, self.data_cross)
        # copies morph from before to after (arrows_before / arrows_after stay as drawn)
        self.arrows_on = [VGroup(*[a.copy() for _, a in sorted(arrows.items())]) for arrows in self.arrows_before]
        with self.step("two_widths", narrow=narrow, wide=wide_, lr=fmt_g(self.lr)):
            self.play(FadeOut(data_panel),
                      *[FadeIn(m) for k in range(2) for m in (self.panel_axes[k], self.panel_names[k],
                                                               self.obs_markers[k], self.width_titles[k])],
                      run_time=0.7)
            self.play(*[LaggedStart(*[GrowArrow(a) for a in arrows], lag_ratio=0.03) for arrows in self.arrows_on],
                      run_time=1.2)

        # Step: train both; the arrows again: the narrow one's change shape, the wide one's do not
        col = [d["col_change"][i, j] for i, j in zip(self.shown, self.seeds)]
        # "changes / stays put" only when the numbers say so: the wide column changes by under 10 %,
        # and by less than a third of the narrow one's change
        contrast = col[1] < 0.1 and col[1] < col[0] / 3
        with self.step("training", steps=self.last_step, T=fmt_g(self.T)):
            self.play(*[Create(t) for t in self.tips_before], FadeIn(self.tip_legend[0]), run_time=0.6)
            self.play(*[Transform(self.arrows_on[k], VGroup(*self.arrows_after[k].values())) for k in range(2)],
                      run_time=1.6)
            self.play(*[Create(t) for t in self.tips_after], FadeIn(self.tip_legend[1]), run_time=0.6)

        # (the lesson: its own beat, the wide panel's arrows, still in their shape, circled)
        with self.step("column_change", None if contrast else "no_contrast", narrow=narrow, wide=wide_,
                       change_narrow=percent(col[0]), change_wide=percent(col[1]), S=S):
            self.play(*[Transform(a, b) for a, b in zip(self.width_titles, self.change_titles)],
                      FadeIn(self.measure), run_time=0.8)
            if contrast:
                self.play(Circumscribe(VGroup(self.panel_axes[1], self.width_titles[1]), color=self.theme.highlight,
                                       buff=0.15), run_time=2.0)

        # Step: the confirmation, every width and random start: the whole kernel matrix (the lecture
        # cut leaves it out: then the panels stay until the trained networks replace them)
        panels = VGroup(*self.panel_axes, *self.panel_names, *self.obs_markers, *self.arrows_on,
                        *self.tips_before, *self.tips_after, *self.width_titles, self.tip_legend, self.measure)
        loglog = VGroup(self.loglog_axes, self.loglog_labels, self.seed_dots, self.change_dots, self.fit_line,
                        self.slope_label)
        with self.step("whole_matrix", n_widths=len(self.widths), seeds=S, slope=fmt(self.slope_shown, 2)) as st:
            if not st.skipped:       # (left out: nothing to show for no time, the panels stay)
                self.play(FadeOut(panels), FadeIn(self.loglog_axes), FadeIn(self.loglog_labels),
                          LaggedStart(*[FadeIn(dot, scale=0.5) for dot in self.seed_dots], lag_ratio=0.04),
                          run_time=1.0)
                self.play(FadeIn(self.change_dots), Create(self.fit_line), FadeIn(self.slope_label), run_time=0.8)
                self.bring_to_front(self.seed_dots, self.change_dots)   # the line runs behind the dots
        gone = panels if st.skipped else loglog

        # Step: where training would end if the kernel never moved: kernel regression with k₀
        with self.step("kernel_regression"):
            self.play(FadeOut(gone),
                      *[FadeIn(m) for k in range(2) for m in (self.fit_axes[k], self.fit_names[k], self.train_dots[k],
                                                               self.train_cross[k], self.fit_titles[k])],
                      FadeIn(self.fit_legend[0]), run_time=0.8)
            self.play(*[Create(c) for c in self.kernel_pred_curves], run_time=1.0)
            self.bring_to_front(*self.train_dots, *self.train_cross)   # the data stay on top of the curves

        # Step: the networks as trained; the wide one lands on its kernel regression (what chapter 9
        # derives; the lecture cut leaves this and the step before to it)
        closer = d["gap"][hi_i, self.seeds[1]] < d["gap"][lo_i, self.seeds[0]]
        with self.step("trained", None if closer else "not_closer", narrow=narrow, wide=wide_):
            self.play(FadeIn(self.fit_legend[1]), *[Create(c) for c in self.trained_curves],
                      *[Transform(a, b) for a, b in zip(self.fit_titles, self.gap_titles)], run_time=1.4)
            self.bring_to_front(*self.train_dots, *self.train_cross)
