"""Chapter 6 — Example 5: the kernel changes as we train.

Fifteen gradient-ascent steps n = 1 … 15 on f(10) for the RBF model of Example 4.  Left: the dots
of f move step by step; the valley slides left (its centre θ₁ dashed), and x′ = 10 sits on its
wall, whose slope there is how much sliding the valley moves f(10): ∂f(10)/∂θ₁ (drawn as the
tangent, and as a bar beside the offset's constant ∂f(10)/∂θ₅ = 1).  Right: the exact NTK
k(x, 10) / k(10, 10) at every step (Example 4's ε → 0 limit), from purple (n = 0) to orange.

What it shows (ntkcore.kernel_shares): the peak first rises (1.20 → 1.43 at n = 2), then the
kernel flattens.  k(10, 10) = Σᵢ (∂f(10)/∂θᵢ)²; the offset's term is its share of k(10, 10) at
every x: a flat floor under the valley's bump.  As the valley slides away from x′ its wall there
flattens, k(10, 10) falls, and the floor rises — fast at first (the peak rises), then only towards
1 while the bump keeps shrinking (the kernel flattens).  The post's "θ₄ changes the fastest",
read 0-based (theta[4]), is this offset: it moves +15, farther than any other parameter.

Render:  manim -pql scenes/chapters/training.py KernelDuringTraining
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Create, DashedLine, Dot, FadeIn, FadeOut, Indicate, Line, Rectangle,
    ReplacementTransform, SurroundingRectangle, VGroup,
)

from ntkcore.kernel_shares import example_ntk_kernels, example_peak_split, peak_phases, post_theta_readings

from scenes.base import ExampleScene
from scenes.components.training import TrainingStory, param_symbol
from scenes.formatting import fmt, fmt_g, percent, signed, tex_num
from scenes.layout import leader
from scenes.ranges import whole_ticks

CENTRE, DEPTH, BUMP_CENTRE, HEIGHT, OFFSET = 0, 1, 2, 3, 4   # θ₁ … θ₅ (centre-first)
POST_THETA = 4   # the post's "θ₄ changes the fastest"


class ExactKernelStory(TrainingStory):
    """Example 5 with the exact NTK k(x, x′) / k(x′, x′) at every step (Example 4's ε → 0 limit):
    the same kernel whose k(x′, x′) the share bars decompose, with no push ε to choose."""

    kernel_tex = r"k(x, {x}) \,/\, k({x}, {x})"
    share_label_scale = 1.2    # the bars' y name, larger than the generic one
    pushed = False             # no push ε: the captions never name one

    def kernels(self) -> np.ndarray:
        return example_ntk_kernels(self.ex)

    def build_share_plot(self):
        plot = super().build_share_plot()
        y_label = plot["labels"][0]
        y_label.scale(self.share_label_scale, about_edge=DOWN + LEFT)
        return plot

    def step_run_time(self, n: int) -> float:
        return 0.8 if n <= 2 else 0.4

    def place_ghost_label(self, label, ghosts):
        """"f at n = 0" under the bottom of the grey valley (the lower right holds the gradient bars;
        the valley centre's line ends left of it)."""
        bottom = ghosts[int(np.argmin([d.get_center()[1] for d in ghosts]))]
        label.next_to(bottom, DOWN, buff=0.3)

    def legend(self, rows) -> VGroup:
        """The share plot's legend in its top-left corner, above the valley centre's bars (the middle
        holds the parameters' moves in the last step)."""
        ax = self.scene.share_axes
        group = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        return group.next_to(ax.c2p(ax.x_range[0], ax.y_range[1]), DOWN + RIGHT, buff=0.15)


class KernelDuringTraining(ExampleScene):
    example_name = "training"
    # Two panels side by side: the function (later the shares) on the left, the kernel on the right,
    # inside the title-safe area with room for two caption lines below.
    y_range = (25, 75, 5)              # f lies in 40–70; the room below holds the gradient bars
    axes_size = (4.9, 4.2)
    axes_center = (-3.3, 0.25, 0.0)
    kernel_y_range = (-0.5, 1.75, 0.25)  # kernel units; room above the highest peak for its label
    kernel_size = (4.7, 4.2)
    kernel_center = (3.35, 0.25, 0.0)
    tangent_half_width = 2.5           # x units either side of x′
    gauge_scale = 0.6                  # scene units per unit of ∂f(x′)/∂θᵢ
    gauge_gap = 0.6                    # scene units between the two bars' centres

    def display_y_range(self) -> tuple:
        """Room for f at every step of the trajectory, not only at θ0."""
        return whole_ticks(self.example.trajectory().f, self.y_range[2], within=self.y_range[:2])

    def kernel_display_range(self, k: np.ndarray) -> tuple:
        return whole_ticks(k, self.kernel_y_range[2], within=self.kernel_y_range[:2])

    # ------------------------------------------------------------------ the numbers
    def compute(self):
        """The facts this chapter states, from ntkcore, before any animation."""
        ex, sh = self.example, self.story.shares
        self.x_obs = ex.observation[0]
        self.f_obs = self.story.traj.f[:, ex.obs_index]          # (T+1,) f(x′) at every step
        self.g_centre = sh.grad_obs[:, CENTRE]                     # (T+1,) ∂f(x′)/∂θ₁
        self.g_offset = sh.grad_obs[:, OFFSET]                     # (T+1,) ∂f(x′)/∂θ₅ (= 1)
        self.split = example_peak_split(ex)                        # the peak: the offset's floor + the rest
        self.rising, self.falling = peak_phases(self.split, OFFSET)
        self.readings = post_theta_readings(sh.moved, POST_THETA, CENTRE)
        self.zero_based = self.readings[-1]                        # theta[4]: the offset, as Python indexes

    # ------------------------------------------------------------------ pieces drawn
    def centre_marker(self, centre: float) -> DashedLine:
        """The valley centre θ₁ as a dashed line across the function plot."""
        y_lo, y_hi = self.axes.y_range[:2]
        return DashedLine(self.c2p(centre, y_lo), self.c2p(centre, y_hi), color=self.theme.highlight,
                          stroke_width=2.5, dash_length=0.08)

    def wall_tangent(self, n: int, color: str | None = None) -> Line:
        """The valley's wall at x′ after step ``n``: a segment through (x′, f(x′)) with slope
        −∂f(x′)/∂θ₁ (sliding the valley right by δ lowers f(x′) by slope·δ, to first order)."""
        h, s = self.tangent_half_width, -float(self.g_centre[n])
        x, y = self.x_obs, float(self.f_obs[n])
        return Line(self.c2p(x - h, y - s * h), self.c2p(x + h, y + s * h), color=color or self.theme.highlight,
                    stroke_width=6)

    def gauge_origin(self) -> np.ndarray:
        """The bottom of the gradient bars: in the empty lower right of the function plot."""
        lo, _ = self.axes.y_range[:2]
        return self.c2p(15.3, lo) + 0.42 * UP

    def gauge_bar(self, slot: int, value: float, color: str, outline: bool = False) -> Rectangle:
        """Bar ``slot`` (0: θ₁, 1: θ₅) of height |value| · gauge_scale."""
        base = self.gauge_origin() + slot * self.gauge_gap * RIGHT
        height = max(abs(value) * self.gauge_scale, 1e-3)
        bar = Rectangle(width=0.34, height=height, stroke_width=3 if outline else 0, stroke_color=color,
                        fill_color=color, fill_opacity=0 if outline else 1)
        return bar.move_to(base, aligned_edge=DOWN)

    def gauge_value(self, bar, value: float, color: str):
        text = fmt_g(value) if float(value).is_integer() else fmt(abs(value), 2)
        return self.ty.text(text, size=self.ty.LABEL_SIZE, color=color).next_to(bar, UP, buff=0.08)

    def gauge_at(self, n: int) -> VGroup:
        """The two bars after step ``n``: |∂f(x′)/∂θ₁| (highlight, as the tangent) and ∂f(x′)/∂θ₅."""
        th = self.theme
        centre = self.gauge_bar(0, self.g_centre[n], th.highlight)
        offset = self.gauge_bar(1, self.g_offset[n], th.axis)
        return VGroup(centre, self.gauge_value(centre, self.g_centre[n], th.highlight),
                      offset, self.gauge_value(offset, self.g_offset[n], th.ink))

    def gauge_frame(self) -> VGroup:
        """The bars' names (θ₁, θ₅) under them and what they measure above them."""
        sym = lambda i: param_symbol(self.example.model_spec, i)   # noqa: E731
        origin = self.gauge_origin()
        gap = self.gauge_gap
        names = VGroup(*[self.ty.text(sym(i), size=self.ty.LABEL_SIZE).next_to(origin + k * gap * RIGHT, DOWN,
                                                                                 buff=0.08)
                         for k, i in enumerate((CENTRE, OFFSET))])
        top = origin + (max(abs(self.g_centre[0]), 1.0) * self.gauge_scale + 0.35) * UP + gap / 2 * RIGHT
        head = self.ty.math(rf"\partial f({tex_num(fmt_g(self.x_obs))}) / \partial\theta_i",
                            size=self.ty.LABEL_SIZE).next_to(top, UP, buff=0.02)
        base = Line(origin + 0.3 * LEFT, origin + (gap + 0.3) * RIGHT, color=self.theme.axis, stroke_width=2)
        return VGroup(base, names, head)

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        ex = self.example
        story = self.story = ExactKernelStory(self, self.label("heading"), self.kernel_display_range,
                                              lambda *a: None, self.kernel_size, self.kernel_center)
        self.compute()
        sh, T = story.shares, ex.steps
        x_s = fmt_g(self.x_obs)
        s0, s1 = sh.shares[0], sh.shares[-1]
        th0 = sh.thetas[0]
        sym = lambda i: param_symbol(ex.model_spec, i)   # noqa: E731  θ₁ …
        symbols = dict(centre=sym(CENTRE), offset=sym(OFFSET))
        self.k_drawn = story.k                  # (T+1, n) the kernels on screen

        story.play_title(title=self.label("card_title"))
        story.play_panels(f_start=fmt(self.f_obs[0], 2), f_end=fmt(self.f_obs[-1], 2))
        story.play_first_kernel()

        # Step: x′ on the valley's wall; the wall's slope there is ∂f(x′)/∂θ₁, the offset's push is 1
        self.centre_line = self.centre_marker(th0[CENTRE])
        centre_label = self.ty.text(sym(CENTRE), size=self.ty.LABEL_SIZE, color=self.theme.highlight)
        centre_label.next_to(self.centre_line.get_top(), LEFT, buff=0.1).shift(0.15 * DOWN)
        self.tangents = [self.wall_tangent(n) for n in range(T + 1)]
        self.gauges = [self.gauge_at(n) for n in range(T + 1)]
        self.tangent, self.gauge = self.tangents[0].copy(), self.gauges[0].copy()
        frame = self.gauge_frame()
        with self.step("wall", x=x_s, g_centre=signed(self.g_centre[0], 2), **symbols):
            self.play(Create(self.centre_line), FadeIn(centre_label), run_time=0.6)
            self.play(Create(self.tangent), run_time=0.6)
            self.play(FadeIn(frame), FadeIn(self.gauge), run_time=0.6)

        self.time_key = self.step_colour_key()

        def follow(n):
            """The valley centre, the wall's tangent and the bars after step ``n``."""
            new_line = self.centre_marker(sh.thetas[n, CENTRE])
            # copies: a transform reshapes what it starts from, and the lists stay as computed
            tangent, gauge = self.tangents[n].copy(), self.gauges[n].copy()
            anims = [ReplacementTransform(self.centre_line, new_line),
                     centre_label.animate.next_to(new_line.get_top(), LEFT, buff=0.1).shift(0.15 * DOWN),
                     ReplacementTransform(self.tangent, tangent), ReplacementTransform(self.gauge, gauge)]
            self.centre_line, self.tangent, self.gauge = new_line, tangent, gauge
            if n == 1:
                anims.append(FadeIn(self.time_key))
            return anims

        story.play_training(extra=follow)
        story.f_panel += [self.centre_line, centre_label, frame]

        # Step: two phases — the peak rises to n = highest, then the kernel flattens
        self.play_two_phases()

        # Step: why — the wall at x′ flattened; the offset's push stayed 1 (ghosts of n = 0)
        ghost_tangent = self.wall_tangent(0, color=self.theme.moved_dot)
        ghost_bar = self.gauge_bar(0, self.g_centre[0], self.theme.highlight, outline=True).shift(0.55 * LEFT)
        ghost_value = self.gauge_value(ghost_bar, self.g_centre[0], self.theme.highlight)
        self.ghost_tangent, self.ghost_bar = ghost_tangent, ghost_bar
        flattened = abs(self.g_centre[-1]) < abs(self.g_centre[0])
        with self.step("why_flat", None if flattened else "steeper", g_centre_start=signed(self.g_centre[0], 2),
                       g_centre_end=signed(self.g_centre[-1], 2), **symbols):
            self.play(Create(ghost_tangent), Create(ghost_bar), FadeIn(ghost_value), run_time=0.8)
            self.play(Indicate(self.tangent, color=self.theme.highlight, scale_factor=1.15),
                      Indicate(self.gauge, color=self.theme.highlight, scale_factor=1.1), run_time=1.0)
        story.f_panel += [ghost_tangent, ghost_bar, ghost_value, self.tangent, self.gauge]

        # Step: the proof — the shares of k(x′, x′) at n = 0 and n = T
        story.play_shares_both(label_params=[CENTRE, OFFSET], centre_share_start=percent(s0[CENTRE]),
                               offset_share_start=percent(s0[OFFSET]), offset_share_end=percent(s1[OFFSET]))

        # Step: the offset's share is a flat floor under the valley's bump (both phases' reason)
        self.play_floors()

        # Step (lesson): the post's θ₄, read 0-based, is the offset: it moves farthest
        self.play_fastest(offset=symbols["offset"])

    # ------------------------------------------------------------------ steps drawn here
    def peak_steps(self) -> list:
        """The steps whose kernels the two phases compare: the start, the highest peak, the end."""
        return sorted({0, self.split.highest, self.example.steps})

    def phases_variant(self) -> str | None:
        """The words the peak's motion makes true: both phases (None), only falling, only rising."""
        hi, T = self.split.highest, self.example.steps
        return "flattens_only" if hi == 0 else "rises_only" if hi == T else None

    def play_two_phases(self):
        """Only the kernels at n = 0, at the highest peak and at the end stay; their peaks marked."""
        story, ka, T = self.story, self.kernel_axes, self.example.steps
        sp, split = story.spread, self.split
        keep = self.peak_steps()
        fade = [c for n, c in enumerate(self.kernel_curves) if n not in keep]
        marks, labels = VGroup(), VGroup()
        lo, hi = self.example.x_range
        for n in keep:
            color = self.kernel_colors[n]
            x, y = split.x[n], split.peak[n]
            point = ka.c2p(x, y)
            marks.add(Dot(point, radius=0.07, color=color))
            # the curve's name above a tail (where it levels off: the offset's share); the last curve's
            # on the left, clear of the earlier peak's value
            name = self.ty.text(f"n = {n}", size=self.ty.LABEL_SIZE, color=color, weight="BOLD")
            if n == self.example.steps:
                name.move_to(ka.c2p(lo, self.k_drawn[n, 0]) + 0.08 * UP + 0.1 * RIGHT, aligned_edge=DOWN + LEFT)
            else:
                name.move_to(ka.c2p(hi, self.k_drawn[n, -1]) + 0.08 * UP + 0.05 * LEFT, aligned_edge=DOWN + RIGHT)
            # its peak's height: the peaks stand close together, so the highest one's value above it,
            # the earlier peak's right of x′, the later one's (the valley slid left) to its left
            value = self.ty.text(fmt(y, 2), size=self.ty.LABEL_SIZE, color=color, weight="BOLD")
            if n == split.highest:
                value.next_to(point, UP, buff=0.12)
            elif x > split.x[split.highest]:
                value.move_to(ka.c2p(self.x_obs, y) + 0.3 * RIGHT, aligned_edge=LEFT)
            else:
                value.move_to(point + 0.3 * LEFT + 0.12 * UP, aligned_edge=DOWN + RIGHT)
            labels.add(VGroup(name, value, leader(value, point, color, min_gap=0.2)))
        self.peak_marks, self.peak_labels = marks, labels
        with self.step("two_phases", self.phases_variant(), highest=self.split.highest, peak_start=fmt(split.peak[0], 2),
                       peak_high=fmt(split.peak[split.highest], 2), peak_end=fmt(split.peak[-1], 2),
                       spread_start=fmt(sp[0], 2), spread_end=fmt(sp[T], 2)):
            self.play(*[FadeOut(c) for c in fade], *[self.kernel_curves[n].animate.set_stroke(width=4)
                                                     for n in keep], run_time=0.8)
            self.play(FadeIn(marks), FadeIn(labels), run_time=0.8)

    def floor_line(self, n: int) -> DashedLine:
        """The offset's term in the kernel after step ``n``: its share of k(x′, x′), the same at every x."""
        ka, (lo, hi) = self.kernel_axes, self.example.x_range
        y = float(self.story.shares.shares[n, OFFSET])
        return DashedLine(ka.c2p(lo, y), ka.c2p(hi, y), color=self.kernel_colors[n], stroke_width=3,
                          dash_length=0.1)

    def play_floors(self):
        split = self.split
        hi = split.highest
        floor = split.terms[:, OFFSET]
        bump = split.peak - floor
        self.floors = VGroup(*[self.floor_line(n) for n in self.peak_steps()])
        with self.step("floor", self.phases_variant(), highest=hi, floor_start=percent(floor[0]), floor_high=percent(floor[hi]),
                       bump_start=fmt(bump[0], 2), bump_high=fmt(bump[hi], 2), bump_end=fmt(bump[-1], 2)):
            self.play(FadeOut(self.peak_labels), run_time=0.4)
            self.play(*[Create(f) for f in self.floors], run_time=1.0)

    def moves_table(self) -> VGroup:
        """How far each parameter moved in training, one row per parameter under a header, in the
        share plot's empty middle (its bars there are the bump's, near 0 %)."""
        sh, spec = self.story.shares, self.example.model_spec
        rows = VGroup()
        for i, d in enumerate(sh.moved):
            digits = 0 if float(d).is_integer() else 2
            color = self.theme.highlight if i == self.zero_based.ours else self.theme.ink
            rows.add(VGroup(self.ty.text(param_symbol(spec, i), size=self.ty.LABEL_SIZE, color=color),
                            self.ty.text(signed(d, digits), size=self.ty.LABEL_SIZE, color=color)))
        width = max(r[1].width for r in rows)
        for r in rows:
            r[1].next_to(r[0], RIGHT, buff=0.25 + width - r[1].width)
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        head = self.ty.text(self.label("moved"), size=self.ty.LABEL_SIZE)
        table = VGroup(head, rows).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        ax = self.share_axes
        return table.next_to(ax.c2p(3.0, 80), DOWN, buff=0)

    def play_fastest(self, **symbols):
        """Each parameter's move; the offset (the post's θ₄, read 0-based) boxed with its bars."""
        sh = self.story.shares
        cats, names = self.share_cats, self.story.share_plot["names"]
        self.moves = table = self.moves_table()
        j = [c[3] for c in cats].index(self.zero_based.ours)
        values = [v[0] for v in self.story.share_value_labels[1] if v[0].param == self.zero_based.ours]
        target = VGroup(self.share_bars["start"][j], self.share_bars["end"][j], names[j], *values)
        self.offset_box = box = SurroundingRectangle(target, color=self.theme.highlight, buff=0.08, stroke_width=4)
        row_box = SurroundingRectangle(table[1][self.zero_based.ours], color=self.theme.highlight, buff=0.06,
                                       stroke_width=3)
        last = self.kernel_curves[-1]
        fastest = self.zero_based.ours == sh.most_moved
        with self.step("fastest", None if fastest else "not_fastest",
                       fastest=param_symbol(self.example.model_spec, sh.most_moved), offset_move=signed(self.zero_based.moved, 0),
                       centre_move=signed(sh.moved[CENTRE], 2), offset_share_end=percent(sh.shares[-1, OFFSET]),
                       **symbols):
            self.play(FadeIn(table), run_time=0.6)
            self.play(Create(box), Create(row_box), last.animate.set_stroke(width=7), run_time=1.0)

    def step_colour_key(self) -> VGroup:
        """A small key for the kernels' colours: "n = 0", a strip from purple to orange, "n = T"."""
        T, theme = self.example.steps, self.theme
        seg = 0.04
        strip = VGroup(*[Line(LEFT * seg / 2, RIGHT * seg / 2, stroke_width=10, color=theme.training_color(n, T))
                         for n in range(T + 1)]).arrange(RIGHT, buff=0)
        key = VGroup(self.ty.text("n = 0", size=self.ty.LABEL_SIZE, color=theme.training_color(0, T)), strip,
                     self.ty.text(f"n = {T}", size=self.ty.LABEL_SIZE, color=theme.training_color(T, T)))
        key.arrange(RIGHT, buff=0.1)
        label = self.story.k_labels[1]
        return key.align_to(self.kernel_axes.frame_x, RIGHT).align_to(label, DOWN)
