"""Chapter 7 — Wide networks at initialization: one kernel for every random start.

Jacot, Gabriel & Hongler (2018) proved it (the post summarises it); here we show it.  The setting
changes, so it is announced first: a ReLU network (2 hidden layers) in the NTK parametrization, whose
input is the post's x as a point on the unit circle (ntkcore.wide.embed: the angle runs evenly from
−90° at the grid's left end to 90° at its right end).  Left: the raw kernel column k(x, x′) of many
randomly initialized networks (one thin curve per random start), a band per width on the width ramp;
the band closes in on the infinite-width NTK Θ(x, x′) (green, in closed form), which peaks at x′ and
falls off on both sides.  Right: first the network and its input on the circle, then the
seed-to-seed spread against width on log–log axes, with its fitted slope (≈ −½).

Every number comes from ``ntkcore.wide_experiments.init_band`` (precomputed and cached by the
pipeline; computed here when the chapter is rendered by hand).

Render:  manim -pql scenes/chapters/wide_init.py WideAtInit
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, ORIGIN, RIGHT, UP, Arc, Create, DashedVMobject, Dot, FadeIn, FadeOut, Indicate, LaggedStart,
    Line, Transform, VGroup, VMobject, config,
)

from scenes import runtime
from scenes.base import ChapterScene, fit_width
from scenes.components.wide import visible_opacity
from scenes.formatting import fmt, fmt_g, tex_num
from scenes.ranges import whole_numbers, whole_ticks
from scenes.widgets import smooth_curve, vertical_marker
from ntkcore.wide_experiments import column_shape


def text_lines(ty, words: str, size: float, **kwargs) -> VGroup:
    """One text mobject per line of ``words`` (a label of several lines), for the caller to arrange."""
    return VGroup(*[ty.text(line, size=size, **kwargs) for line in words.split("\n")])


def angle_tex(x_range) -> str:
    """The input's angle in degrees as TeX: ``6^\\circ (x - 5)`` on the grid [−10, 20] (180° over the
    grid, 0° at its middle: the angle of ntkcore.wide.embed, ``π(x − x_min)/(x_max − x_min) − π/2``)."""
    lo, hi = x_range
    per_unit, mid = 180.0 / (hi - lo), (lo + hi) / 2
    shifted = "x" if mid == 0 else f"(x {'-' if mid > 0 else '+'} {tex_num(fmt_g(abs(mid)))})"
    return rf"{tex_num(fmt_g(per_unit))}^\circ {shifted}"


class WideAtInit(ChapterScene):
    x_tick = 5

    kernel_y_step = 0.5
    kernel_size = (5.3, 3.7)
    kernel_center = (-3.15, 0.1, 0.0)
    loglog_y_step = 0.5     # half a decade per tick
    loglog_size = (4.4, 3.0)
    loglog_center = (3.75, 0.1, 0.0)
    right_left = 0.45       # the right half's texts start right of this …
    right_margin = 0.1      # … and end this far inside the title-safe area
    card_top = 3.2          # the network card's top edge
    circle_center = (1.45, -0.4, 0.0)    # the input's half circle, under the card and its map
    circle_radius = 1.3
    key_room = 0.25
    band_stroke = (2.0, 0.45)     # width, opacity of each random start's curve
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
        self.theta_shape = column_shape(d["x"], d["analytic_ntk"])

        # Left: the kernel plot, its y range from every curve of every width (rounded to ticks)
        all_k = np.concatenate([d["curves"].ravel(), d["analytic_ntk"]])
        # a quarter more room on top: the plot's key (width, random starts, Θ) sits there, over no curve
        all_k = np.append(all_k, all_k.max() + self.key_room * (all_k.max() - min(0.0, all_k.min())))
        self.kernel_axes = self.build_kernel_axes(whole_ticks(all_k, self.kernel_y_step))
        # each random start's curve thin and translucent, but at least 3:1 against the background
        width, opacity = self.band_stroke
        self.band_opacity = [visible_opacity(c, self.theme.background, opacity) for c in self.width_colors]
        self.band_curves = [[self.kernel_curve(c, self.width_colors[i], width, self.band_opacity[i])
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

    def right_room(self) -> tuple:
        """``(left, right)`` x of the right half's texts: right of the kernel plot, inside the safe area."""
        return self.right_left, self.safe_box()[0] - self.right_margin

    def build_kernel_axes(self, y_range):
        s = self.wide
        # print the whole numbers only (0, 1, 2, ...): fewer, shorter labels
        return self.framed((s.x_range[0], s.x_range[1], self.x_tick), y_range, self.kernel_size,
                           self.kernel_center, y_numbers=whole_numbers(y_range))

    def kernel_curve(self, values, color: str, width: float, opacity: float) -> VMobject:
        """A smooth curve whose anchors are exactly the grid points (x, k(x, x'))."""
        return smooth_curve(self.kernel_axes, self.grid, values, color, width, opacity)

    def build_loglog_axes(self):
        """Linear axes over log10 values; ticks on x at every width (and half-way between), the widths
        printed under them in their colour of the width ramp (the figure's colour key)."""
        lw = self.log_w
        ratio = float(np.mean(np.diff(lw)))      # log10 of the factor between widths
        x_range = (lw[0] - ratio / 2, lw[-1] + ratio / 2, ratio / 2)
        y_range = whole_ticks(np.concatenate([self.log_s, self.fit_ends]), self.loglog_y_step)
        axes = self.framed(x_range, y_range, self.loglog_size, self.loglog_center, x_numbers=[], y_numbers=[])
        x_labels = VGroup(*[
            self.ty.text(f"{w}", size=self.ty.LABEL_SIZE, color=c).next_to(axes.frame_x.n2p(v), DOWN, buff=0.2)
            for w, v, c in zip(self.widths, lw, self.width_colors)])
        powers = [int(p) for p in np.arange(np.ceil(y_range[0]), np.floor(y_range[1]) + 0.5)]
        y_labels = VGroup(*[
            self.ty.math(f"10^{{{p}}}", size=self.ty.AXIS_NUMBER_SIZE).next_to(axes.frame_y.n2p(p), LEFT, buff=0.2)
            for p in powers])
        axes.tick_labels = VGroup(x_labels, y_labels)
        return axes

    # ------------------------------------------------------------------ the right half, first: the setting
    def network_card(self) -> VGroup:
        """The network in words, top right: its layers and the NTK parametrization in one line."""
        ty, left_right = self.ty, self.right_room()
        card = VGroup(
            text_lines(ty, self.label("network", depth=self.wide.depth), ty.LABEL_SIZE + 2, weight="BOLD")
            .arrange(DOWN, aligned_edge=LEFT, buff=0.1),
            text_lines(ty, self.label("ntk_param"), ty.LABEL_SIZE).arrange(DOWN, aligned_edge=LEFT, buff=0.1),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        # longer words (another language) shrink the card to the room right of the kernel plot
        fit_width(card, left_right[1] - left_right[0])
        card.move_to([left_right[0], self.card_top, 0], aligned_edge=UP + LEFT)
        self.card_bottom = card.get_bottom()[1]
        return card

    def input_circle(self) -> dict:
        """The network's input on the unit circle: the right half circle, a dot at every grid x (its
        point ``(cos, sin)`` from ntkcore's inputs, ``x_input``), the ends and the middle labelled with
        their x, x′ marked in the observation's blue with its radius, and the map in TeX beside it."""
        d, s, th, ty = self.data, self.wide, self.theme, self.ty
        c, R = np.array(self.circle_center), self.circle_radius
        lo, hi = s.x_range
        self.circle_points = c + R * np.column_stack([d["x_input"], np.zeros(len(self.grid))])   # (n, 3)
        arc = Arc(radius=R, start_angle=-np.pi / 2, angle=np.pi, arc_center=c, color=th.axis, stroke_width=2.5)
        centre = Dot(c, radius=0.04, color=th.axis)
        dots = VGroup(*[Dot(p, radius=0.04, color=th.ink) for p in self.circle_points])
        obs = int(np.argmin(np.abs(self.grid - s.x_obs)))
        radius_line = Line(c, self.circle_points[obs], color=th.observation, stroke_width=2.5)
        cross = Dot(self.circle_points[obs], radius=0.075, color=th.observation)
        # labels: x at the two ends and the middle, outside the circle; x′ in blue
        mid = float(self.grid[len(self.grid) // 2])
        labels = VGroup()
        for x in (lo, mid, hi):
            k = int(np.argmin(np.abs(self.grid - x)))
            out = (self.circle_points[k] - c) / R
            lab = ty.text(self.label("x_is", x=fmt_g(float(self.grid[k]))), size=ty.LABEL_SIZE, color=th.axis)
            labels.add(lab.next_to(self.circle_points[k], out, buff=0.12))
        out = (self.circle_points[obs] - c) / R
        obs_label = ty.text(self.label("x_prime", x=fmt_g(s.x_obs)), size=ty.LABEL_SIZE, color=th.observation)
        obs_label.next_to(self.circle_points[obs], out, buff=0.15)
        title = ty.text(self.label("input_title"), size=ty.LABEL_SIZE)
        formula = ty.math(rf"\big(\cos {angle_tex(s.x_range)},\ \sin {angle_tex(s.x_range)}\big)",
                          size=ty.LABEL_SIZE + 4)
        words = VGroup(title, formula).arrange(RIGHT, buff=0.2)
        left, right = self.right_room()
        fit_width(words, right - left)
        # between the card (above) and the circle's top label (below)
        top_label = labels[2]
        words.move_to([left, 0.5 * (self.card_bottom + top_label.get_top()[1]), 0], aligned_edge=LEFT)
        return dict(arc=arc, centre=centre, dots=dots, radius=radius_line, cross=cross, labels=labels,
                    obs_label=obs_label, words=words)

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        s, d = self.wide, self.data
        xp = fmt_g(s.x_obs)
        W = len(self.widths)
        n_seeds = d["curves"].shape[1]
        kx, lx = self.kernel_axes, self.loglog_axes
        lo, hi = s.x_range

        # Step: title card
        self.play_title_card()

        # Step: the network, and the (empty) kernel plot it will fill
        head = self.heading(self.script.chapter["title"])
        card = self.network_card()
        x_name = self.ty.math("x", size=self.ty.CAPTION_SIZE + 4).next_to(kx.frame_x.get_right(), RIGHT, buff=0.12)
        x_name.set_y(kx.frame_x.numbers.get_center()[1])
        y_name = VGroup(self.ty.math(f"k(x, {xp})", size=self.ty.CAPTION_SIZE),
                        self.ty.text(self.label("raw_kernel"), size=self.ty.LABEL_SIZE, color=self.theme.axis))
        y_name.arrange(RIGHT, buff=0.25, aligned_edge=DOWN)
        y_name.next_to(kx.frame_y.get_top(), UP, buff=0.15).align_to(kx.frame_y, LEFT)
        fit_width(y_name, self.right_left - 0.2 - y_name.get_left()[0])
        self.y_name = y_name
        with self.step("network", depth=s.depth):
            self.play(FadeIn(head), FadeIn(kx), FadeIn(x_name), FadeIn(y_name), FadeIn(card), run_time=1.0)

        # Step: its input, a point on the unit circle
        circle = self.circle = self.input_circle()
        with self.step("input", lo=fmt_g(lo), hi=fmt_g(hi)):
            self.play(Create(circle["arc"]), FadeIn(circle["centre"]), FadeIn(circle["words"]), run_time=0.6)
            self.play(LaggedStart(*[FadeIn(p, scale=0.5) for p in circle["dots"]], lag_ratio=0.03),
                      FadeIn(circle["labels"]), run_time=1.0)
            self.play(Create(circle["radius"]), FadeIn(circle["cross"]), FadeIn(circle["obs_label"]), run_time=0.5)

        # Step: the narrowest width, one thin curve per random start
        marker = vertical_marker(kx, s.x_obs, self.theme.observation)
        marker_label = self.ty.text(self.label("x_prime", x=xp), size=self.ty.LABEL_SIZE, color=self.theme.observation)
        marker_label.next_to(marker, RIGHT, buff=0.1).align_to(marker, UP)
        legend_anchor = kx.c2p(lo, kx.y_range[1]) + 0.25 * RIGHT + 0.15 * DOWN
        width_labels = [self.ty.text(self.label("width", w=w), size=self.ty.CAPTION_SIZE, color=c, weight="BOLD")
                        .move_to(legend_anchor, aligned_edge=LEFT + UP)
                        for w, c in zip(self.widths, self.width_colors)]
        seeds_label = self.ty.text(self.label("seeds", seeds=n_seeds), size=self.ty.LABEL_SIZE)
        seeds_label.next_to(width_labels[0], DOWN, buff=0.12, aligned_edge=LEFT)
        self.band_display = band = self.bands[0].copy()     # morphs width to width; self.bands stay as drawn
        width_label = width_labels[0].copy()
        self.width_label, self.width_labels = width_label, width_labels
        with self.step("narrowest", width=self.widths[0], seeds=n_seeds, xp=xp):
            self.play(FadeIn(marker), FadeIn(marker_label), run_time=0.6)
            self.add(band)   # the group itself (not only its curves) so later Transforms keep its depth
            self.play(LaggedStart(*[Create(c) for c in band], lag_ratio=0.04), FadeIn(width_label),
                      FadeIn(seeds_label), run_time=1.6)

        # Step: Θ, the infinite-width NTK, drawn on top: it peaks at x′
        analytic_label = self.ty.text(self.label("analytic"), size=self.ty.LABEL_SIZE, color=self.theme.ntk_exact)
        swatch = DashedVMobject(Line(ORIGIN, 0.5 * RIGHT, color=self.theme.ntk_exact,
                                     stroke_width=self.analytic_stroke), num_dashes=3)
        key = VGroup(swatch, analytic_label).arrange(RIGHT, buff=0.15)
        key.next_to(seeds_label, DOWN, buff=0.15, aligned_edge=LEFT)
        self.analytic_key = key
        shape = self.theta_shape
        peaked = shape.unimodal and shape.peak_x == s.x_obs
        with self.step("notation", None if peaked else "elsewhere", xp=xp, peak=fmt_g(shape.peak_x)):
            self.play(Create(self.analytic_base), Create(self.analytic_dashed), FadeIn(key), run_time=1.2)

        # Step: wider and wider: the band closes in on Θ; right, the spread of each width
        # the statistic's name above the panel, from the left of its numbers to the safe area's edge
        spread_name = text_lines(self.ty, self.label("spread_axis", xp=xp), self.ty.LABEL_SIZE
                                 ).arrange(DOWN, buff=0.08, aligned_edge=LEFT)
        left, right = self.right_room()
        start = max(left, lx.tick_labels[1].get_left()[0])
        fit_width(spread_name, right - start)
        spread_name.next_to(lx.frame_y.get_top(), UP, buff=0.15).set_x(start, direction=LEFT)
        width_name = self.ty.text(self.label("width_axis"), size=self.ty.LABEL_SIZE)
        width_name.next_to(lx.tick_labels[0], DOWN, buff=0.1).set_x(lx.frame_x.get_center()[0])
        ll_labels = VGroup(width_name, spread_name)
        self.spread_name = spread_name
        setting = VGroup(card, *circle.values())
        with self.step("wider", seeds=n_seeds, widest=self.widths[-1]):
            self.play(FadeOut(setting), run_time=0.4)
            self.play(FadeIn(lx), FadeIn(lx.tick_labels), FadeIn(ll_labels),
                      FadeIn(self.spread_dots[0], scale=2.0), run_time=0.6)
            for i in range(1, W):
                self.play(Transform(band, self.bands[i]), Transform(width_label, width_labels[i]),
                          FadeIn(self.spread_dots[i], scale=2.0), run_time=1.0)
                self.bring_to_front(self.analytic_base, self.analytic_dashed)   # Θ stays on top of the band
                self.wait(0.2)

        # Step: the fitted slope (a confirmation: the lecture cut leaves it out)
        slope = fmt(self.slope_shown, 2)
        half = abs(self.slope_shown + 0.5) < 0.1
        slope_label = self.ty.text(self.label("slope_half" if half else "slope", slope=slope),
                                   size=self.ty.LABEL_SIZE + 2)
        slope_label.next_to(lx.c2p(lx.x_range[1], lx.y_range[1]), DOWN + LEFT, buff=0.15)
        self.slope_label = slope_label
        with self.step("slope", None if half else "not_half", slope=slope):
            self.play(Create(self.fit_line), FadeIn(slope_label), run_time=1.2)
            self.bring_to_front(*self.spread_dots)

        # Step: the lesson: one kernel, Θ, for every random start
        with self.step("deterministic"):
            self.play(*[Indicate(m, color=self.theme.ntk_exact, scale_factor=1.06) for m in (self.analytic_dashed, key)],
                      run_time=1.5)
