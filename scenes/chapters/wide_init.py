"""Chapter 7 — Wide networks at initialization: the NTK becomes deterministic.

The post says it in words; here we show it.  The setting changes, so it is announced first: a ReLU
network (2 hidden layers, NTK parametrization) whose input is the post's grid mapped linearly to
u ∈ [−1, 1]; notation k (one network's NTK) and Θ (the infinite-width NTK).  Left: the raw kernel
column k(x, 10) of many randomly initialized networks (one thin curve per seed), a band per width
on the width ramp; the band collapses onto the analytic Θ(x, 10) (green).  Why every curve bends
at u = 0 (x = 5) is shown in numbers.  Right: the seed-to-seed spread against width on log–log
axes, with its fitted slope (≈ −½).

Every number comes from ``ntkcore.wide_experiments.init_band`` (precomputed and cached by the
pipeline; computed here when the chapter is rendered by hand).

Render:  manim -pql scenes/chapters/wide_init.py WideAtInit
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, ORIGIN, RIGHT, UP, Create, DashedLine, DashedVMobject, Dot, FadeIn, FadeOut, LaggedStart, Line,
    Transform, VGroup, VMobject, config,
)

from scenes import runtime
from scenes.base import ChapterScene, fit_width
from scenes.components.gp_plots import input_map
from scenes.formatting import fmt, fmt_g, percent, tex_num
from scenes.ranges import whole_numbers, whole_ticks
from scenes.widgets import smooth_curve, vertical_marker
from ntkcore.wide_experiments import largest_deviation, sharpest_bend


def input_map_tex(x_range) -> str:
    """The linear map of the grid onto [−1, 1] in TeX, ``u = 2(x + 10)/30 − 1`` as a fraction (its text
    and its spoken words: :func:`scenes.components.gp_plots.input_map`)."""
    lo, hi = x_range
    shifted = "x" if lo == 0 else f"(x {'+' if lo < 0 else '−'} {fmt_g(abs(lo))})"
    num = "2x" if lo == 0 else f"2{tex_num(shifted)}"
    return rf"u = \frac{{{num}}}{{{fmt_g(hi - lo)}}} - 1"


def text_lines(ty, words: str, size: float, **kwargs) -> VGroup:
    """One text mobject per line of ``words`` (a label of several lines), for the caller to arrange."""
    return VGroup(*[ty.text(line, size=size, **kwargs) for line in words.split("\n")])


class WideAtInit(ChapterScene):
    x_tick = 5

    kernel_y_step = 0.5
    kernel_size = (6.2, 3.9)
    kernel_center = (-3.3, 0.45, 0.0)
    loglog_y_step = 0.5     # half a decade per tick
    loglog_size = (5.0, 3.3)
    loglog_center = (4.1, 0.45, 0.0)
    card_center = (3.75, 0.55, 0.0)
    card_left = 0.7         # the card stays right of this (the kernel plot's x name) …
    right_margin = 0.3      # … and this far from the frame's right side, as does the share inset's title
    inset_size = (4.4, 2.0)
    inset_center = (3.9, 0.2, 0.0)
    band_stroke = (2.0, 0.45)     # width, opacity of each seed's curve
    analytic_stroke = 6.0
    analytic_underlay = 9.0       # a solid background-coloured line under the dashes
    analytic_dashes = 48

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
        # Θ: the smooth curve through the grid values (its geometry), drawn dashed on top of every band,
        # on a solid line of the background colour (slightly wider than the dashes): the dashes sit on a
        # light line, so they stay visible inside the widest band's dark teal
        self.analytic_curve = self.kernel_curve(d["analytic_ntk"], self.theme.ntk_exact, self.analytic_stroke, 1.0)
        self.analytic_base = self.kernel_curve(d["analytic_ntk"], self.theme.background,
                                               self.analytic_underlay, 1.0)
        self.analytic_dashed = DashedVMobject(self.analytic_curve, num_dashes=self.analytic_dashes,
                                              dashed_ratio=0.55)
        self.u_row = self.build_u_row()

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

    def build_u_row(self) -> VGroup:
        """A second row of numbers under the x axis: the network's input u at both ends of the grid
        and at its middle (u = 0), with the name "u" under the axis name "x"."""
        lo, hi = self.wide.x_range
        ax = self.kernel_axes
        below = ax.frame_x.numbers.get_bottom()[1] - 0.12
        row = VGroup()
        for x, u in ((lo, -1), (float(self.data["x_center"]), 0), (hi, 1)):
            lab = self.ty.text(fmt_g(u), size=self.ty.LABEL_SIZE, color=self.theme.axis)
            row.add(lab.move_to([ax.c2p(x, 0)[0], below, 0], aligned_edge=UP))
        name = self.ty.math("u", size=self.ty.CAPTION_SIZE + 4, color=self.theme.axis)
        name.next_to(ax.frame_x.get_right(), RIGHT, buff=0.15).set_y(row[0].get_center()[1])
        row.add(name)
        return row

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

    def width_key(self) -> VGroup:
        """The width colour key, top right: "width" and a line sample and the number of every width,
        in its colour of the teal ramp."""
        entries = VGroup(*[
            VGroup(Line(ORIGIN, 0.25 * RIGHT, color=c, stroke_width=6),
                   self.ty.text(str(int(w)), size=self.ty.LABEL_SIZE, color=c)).arrange(RIGHT, buff=0.07)
            for w, c in zip(self.widths, self.width_colors)]).arrange(RIGHT, buff=0.18)
        key = VGroup(self.ty.text(self.label("width_key"), size=self.ty.LABEL_SIZE), entries).arrange(RIGHT, buff=0.15)
        return key.to_corner(UP + RIGHT, buff=0.3)

    def network_card(self, map_tex: str) -> VGroup:
        """The setting, on the right until the log–log panel needs the room: the network, its input
        map, and the notation."""
        s = self.wide
        ty = self.ty
        net = text_lines(ty, self.label("network", depth=s.depth), ty.LABEL_SIZE).arrange(DOWN, aligned_edge=LEFT,
                                                                                         buff=0.12)
        formula = ty.math(map_tex, size=ty.CAPTION_SIZE + 2)
        notation = VGroup(
            VGroup(ty.math(r"k(x, x')", size=ty.CAPTION_SIZE, color=self.width_colors[len(self.widths) // 2]),
                   ty.text(self.label("one_ntk"), size=ty.LABEL_SIZE)),
            VGroup(ty.math(r"\Theta(x, x')", size=ty.CAPTION_SIZE, color=self.theme.ntk_exact),
                   ty.text(self.label("infinite_ntk"), size=ty.LABEL_SIZE)),
        )
        for row in notation:
            row.arrange(RIGHT, buff=0.25)
        notation.arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        card = VGroup(net, formula, notation).arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        # Longer words (another language) shrink the card to the room beside the kernel plot, where it
        # keeps to the right of the plot's x name and clear of the frame (English fits as it is).
        right = config.frame_width / 2 - self.right_margin
        fit_width(card, right - self.card_left).move_to(self.card_center)
        return card.shift(min(0.0, right - card.get_right()[0]) * RIGHT)

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        s, d = self.wide, self.data
        xp = fmt_g(s.x_obs)
        W = len(self.widths)
        n_seeds = d["curves"].shape[1]
        kx, lx = self.kernel_axes, self.loglog_axes
        lo, hi = s.x_range
        map_text, map_spoken = input_map(self, s.x_range)
        xc = fmt_g(float(d["x_center"]))

        # Step: title card
        self.play_title_card(r"\text{width} \to \infty:\quad k(x, x') \;\to\; \Theta(x, x')")

        # Step: the network
        head = self.heading(self.script.chapter["title"])
        card = self.network_card(input_map_tex(s.x_range))
        net, formula, notation = card
        x_name = self.ty.math("x", size=self.ty.CAPTION_SIZE + 4).next_to(kx.frame_x.get_right(), RIGHT, buff=0.15)
        x_name.set_y(kx.frame_x.numbers.get_center()[1])
        y_name = VGroup(self.ty.math(f"k(x, {xp})", size=self.ty.CAPTION_SIZE),
                        self.ty.text(self.label("raw_kernel"), size=self.ty.LABEL_SIZE, color=self.theme.axis))
        y_name.arrange(RIGHT, buff=0.25, aligned_edge=DOWN)
        y_name.next_to(kx.frame_y.get_top(), UP, buff=0.15).align_to(kx.frame_y, LEFT)
        with self.step("network", depth=s.depth):
            self.play(FadeIn(head), FadeIn(kx), FadeIn(x_name), FadeIn(y_name), FadeIn(net), run_time=1.0)

        # Step: its input
        centre_line = DashedLine(kx.c2p(float(d["x_center"]), kx.y_range[0]), kx.c2p(float(d["x_center"]), kx.y_range[1]),
                                 color=self.theme.grid, stroke_width=2.5, dash_length=0.1)
        with self.step("input", map=map_text, map_spoken=map_spoken, lo=fmt_g(lo), hi=fmt_g(hi), xc=xc):
            self.play(FadeIn(formula), FadeIn(self.u_row), Create(centre_line), run_time=1.2)

        # Step: the notation and what is plotted
        marker = vertical_marker(kx, s.x_obs, self.theme.observation)
        marker_label = self.ty.text(self.label("x_prime", x=xp), size=self.ty.LABEL_SIZE, color=self.theme.observation)
        marker_label.next_to(marker, RIGHT, buff=0.1).align_to(marker, UP)
        with self.step("notation", xp=xp):
            self.play(FadeIn(notation), FadeIn(marker), FadeIn(marker_label), run_time=1.0)

        # Step: the narrowest width, one thin curve per seed
        legend_anchor = kx.c2p(lo, kx.y_range[1]) + 0.3 * RIGHT + 0.2 * DOWN
        width_labels = [self.ty.text(self.label("width", w=w), size=self.ty.CAPTION_SIZE, color=c, weight="BOLD")
                        .move_to(legend_anchor, aligned_edge=LEFT + UP)
                        for w, c in zip(self.widths, self.width_colors)]
        self.band_display = band = self.bands[0].copy()     # morphs width to width; self.bands stay as drawn
        width_label = width_labels[0].copy()
        key = self.width_key()
        with self.step("narrowest", width=self.widths[0], seeds=n_seeds, xp=xp):
            self.add(band)   # the group itself (not only its curves) so later Transforms keep its depth
            self.play(LaggedStart(*[Create(c) for c in band], lag_ratio=0.04), FadeIn(width_label), FadeIn(key),
                      run_time=1.6)

        # Step: the infinite-width NTK, drawn on top
        analytic_label = self.ty.text(self.label("analytic"), size=self.ty.LABEL_SIZE, color=self.theme.ntk_exact)
        analytic_label.next_to(width_labels[0], DOWN, buff=0.25, aligned_edge=LEFT).shift(0.65 * RIGHT)
        swatch = DashedVMobject(Line(ORIGIN, 0.5 * RIGHT, color=self.theme.ntk_exact,
                                     stroke_width=self.analytic_stroke), num_dashes=3)
        swatch.next_to(analytic_label, LEFT, buff=0.15)
        with self.step("infinite_width", xp=xp):
            self.play(Create(self.analytic_base), Create(self.analytic_dashed), FadeIn(swatch),
                      FadeIn(analytic_label), run_time=1.2)

        # Steps: why every curve bends at u = 0
        self.card = card
        self.explain_the_bend(centre_line)

        # Step: the log–log panel and the spread of the narrowest width
        spread_name = text_lines(self.ty, self.label("spread_axis", xp=xp), self.ty.LABEL_SIZE
                                 ).arrange(DOWN, buff=0.1, aligned_edge=LEFT)
        # at the frame's right edge; longer words (another language) shrink it rather than let it
        # reach over the kernel plot
        fit_width(spread_name, config.frame_width / 2 - 0.2 - (kx.frame_x.get_right()[0] + 0.3))
        ll_labels = VGroup(
            self.ty.text(self.label("width_axis"), size=self.ty.LABEL_SIZE).next_to(lx.tick_labels[0], DOWN, buff=0.15),
            spread_name.next_to(lx.frame_y.get_top(), UP, buff=0.2).to_edge(RIGHT, buff=0.2),
        )
        self.spread_name = spread_name
        with self.step("spread", xp=xp):
            self.play(FadeOut(self.card), *[FadeOut(m) for m in self.bend_marks], run_time=0.5)
            self.play(FadeIn(lx), FadeIn(lx.tick_labels), FadeIn(ll_labels), run_time=0.8)
            self.play(FadeIn(self.spread_dots[0], scale=2.0), run_time=0.6)

        # Step: wider and wider: the band collapses onto the green curve
        with self.step("wider", seeds=n_seeds):
            for i in range(1, W):
                self.play(Transform(band, self.bands[i]), Transform(width_label, width_labels[i]),
                          FadeIn(self.spread_dots[i], scale=2.0), run_time=1.5)
                self.bring_to_front(self.analytic_base, self.analytic_dashed)   # Θ stays on top of the band
                self.wait(0.6)
        dev, rel = largest_deviation(d["curves"][-1], d["analytic_ntk"])
        theta_max = fmt(float(np.max(np.abs(d["analytic_ntk"]))), 2)
        typical = percent(float(d["spread"][-1]))       # the right panel's last dot
        self.deviation_said = (dev, rel)
        self.say("worst_kernel", width=self.widths[-1], seeds=n_seeds, dev=fmt(dev, 2), rel=percent(rel),
                 theta_max=theta_max, typical=typical, narrowest=self.widths[0],
                 dev_narrowest=fmt(largest_deviation(d["curves"][0], d["analytic_ntk"])[0], 2))

        # Step: the fitted slope
        slope = fmt(self.slope_shown, 2)
        half = abs(self.slope_shown + 0.5) < 0.1
        slope_label = self.ty.text(self.label("slope_half" if half else "slope", slope=slope),
                                   size=self.ty.LABEL_SIZE + 2)
        slope_label.next_to(lx.c2p(lx.x_range[1], lx.y_range[1]), DOWN + LEFT, buff=0.15)
        with self.step("slope", None if half else "not_half", slope=slope):
            self.play(Create(self.fit_line), FadeIn(slope_label), run_time=1.2)
            self.bring_to_front(*self.spread_dots)

        # Step: the conclusion
        self.say("deterministic")

    def share_inset(self, far: str, near: str, side: float) -> VGroup:
        """A small plot on the right: of the first-layer ReLUs firing at x', the share that also fires
        at x (``shared``, infinite width), with each side's mean as a dashed segment and its value."""
        d, s = self.data, self.wide
        lo, hi = s.x_range
        ax = self.framed((lo, hi, 10), (0, 1, 0.5), self.inset_size, self.inset_center,
                         y_numbers=[0, 0.5, 1], decimals=1)
        self.inset_axes = ax
        curve = smooth_curve(ax, self.grid, d["shared"], self.theme.ink, 3.0)
        x_c = float(d["x_center"])
        group = VGroup(ax, curve)
        left, right = (lo, x_c), (x_c, hi)
        far_range, near_range = (left, right) if side > 0 else (right, left)
        for value, words, (x0, x1) in ((float(d["shared_far"]), far, far_range),
                                       (float(d["shared_near"]), near, near_range)):
            seg = DashedLine(ax.c2p(x0, value), ax.c2p(x1, value), color=self.theme.highlight, stroke_width=3,
                             dash_length=0.08)
            lab = self.ty.text(self.label("mean", share=words), size=self.ty.LABEL_SIZE, color=self.theme.highlight)
            if value > 0.5:
                lab.next_to(seg, DOWN, buff=0.22).shift(0.35 * RIGHT)
            else:
                lab.next_to(seg, UP, buff=0.12)
            group.add(seg, lab)
        title = text_lines(self.ty, self.label("share_title", xp=fmt_g(s.x_obs)), self.ty.LABEL_SIZE
                           ).arrange(DOWN, buff=0.08, aligned_edge=LEFT)
        title.next_to(ax.frame_y.get_top(), UP, buff=0.15).align_to(ax.frame_y, LEFT)
        # longer words (another language): shrunk to the room before the frame's right side
        fit_width(title, config.frame_width / 2 - self.right_margin - title.get_left()[0])
        title.next_to(ax.frame_y.get_top(), UP, buff=0.15).align_to(ax.frame_y, LEFT)
        x_name = self.ty.math("x", size=self.ty.CAPTION_SIZE).next_to(ax.frame_x.get_right(), RIGHT, buff=0.12)
        group.add(title, x_name)
        return group

    def bound_marks(self, lo_max: float, hi_max: str, side: float) -> list:
        """On the kernel plot: the far side's bound (a dashed highlight segment at ``lo_max`` across
        that side, labelled) and the near side's largest Θ (a highlight dot, labelled)."""
        d, s, ax = self.data, self.wide, self.kernel_axes
        lo, hi = s.x_range
        x_c = float(d["x_center"])
        u = d["x_scaled"] * side
        x0, x1 = (lo, x_c) if side > 0 else (x_c, hi)
        seg = DashedLine(ax.c2p(x0, lo_max), ax.c2p(x1, lo_max), color=self.theme.highlight, stroke_width=3.5,
                         dash_length=0.1)
        seg_label = self.ty.text(f"< {fmt(lo_max, 2)}", size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        seg_label.next_to(seg, UP, buff=0.1)
        near = u > 0
        j = int(np.flatnonzero(near)[np.argmax(d["analytic_ntk"][near])])
        dot = Dot(ax.c2p(float(d["x"][j]), float(d["analytic_ntk"][j])), radius=0.08, color=self.theme.highlight)
        dot_label = self.ty.text(hi_max, size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        dot_label.next_to(dot, UP + (LEFT if side > 0 else RIGHT), buff=0.1)
        self.bound_dot = dot
        self.bound_segment = seg
        return [seg, seg_label, dot, dot_label]

    def explain_the_bend(self, centre_line):
        """Two or three steps: every curve bends at u = 0, and (when the numbers say so) why the kernel
        is small on the far side of it."""
        d, s = self.data, self.wide
        xp, xc = fmt_g(s.x_obs), fmt_g(float(d["x_center"]))
        side = float(d["obs_side"])
        sides = None if side > 0 else "obs_left"       # the wording of the side of x' (right of u = 0 or left)
        explains = (side != 0 and d["shared_far"] < 0.5 < d["shared_near"]
                    and d["theta_far_max"] < d["theta_near_max"])
        zero = self.u_row[1]          # the "0" of the u row, under x_center
        self.bend_marks = []
        # where each curve bends hardest (largest second difference on the grid): Θ at x_center,
        # the narrowest width's kernels near it (counted within one grid step)
        x_c = float(d["x_center"])
        theta_bend = float(sharpest_bend(d["x"], d["analytic_ntk"]))
        narrow_bends = sharpest_bend(d["x"], d["curves"][0])          # (S,)
        near = int(np.sum(np.abs(narrow_bends - x_c) <= 1.0 + 1e-9))
        S = len(narrow_bends)
        self.bend_counts = (theta_bend, near, S)
        lo1, hi1 = fmt_g(x_c - 1), fmt_g(x_c + 1)
        with self.step("bend", None if theta_bend == x_c else "off_centre", xc=xc, bend=fmt_g(theta_bend),
                       width=self.widths[0], near=near, seeds=S, lo=lo1, hi=hi1):
            self.play(centre_line.animate.set_color(self.theme.highlight), zero.animate.set_color(self.theme.highlight),
                      run_time=0.8)

        def unmark():
            self.play(centre_line.animate.set_color(self.theme.grid), zero.animate.set_color(self.theme.axis),
                      run_time=0.4)

        if not explains:
            unmark()
            return
        far, near = percent(float(d["shared_far"])), percent(float(d["shared_near"]))
        inset = self.share_inset(far, near, side)
        with self.step("shared_units", sides, xp=xp, far=far, near=near, xc=xc, b_std=fmt_g(s.b_std)):
            self.play(FadeOut(self.card), run_time=0.4)
            self.play(FadeIn(inset), run_time=1.0)
        self.card = inset          # what the log–log panel replaces
        # an upper bound that is true as printed: the far side's maximum rounded up
        lo_max = fmt(np.ceil(float(d["theta_far_max"]) * 100) / 100, 2)
        hi_max = fmt(float(d["theta_near_max"]), 2)
        marks = self.bound_marks(float(lo_max), hi_max, side)
        with self.step("opposite_sides", sides, xp=xp, lo_max=lo_max, hi_max=hi_max, xc=xc):
            self.play(*[FadeIn(m) for m in marks], run_time=0.8)
        self.bend_marks = marks
        unmark()
