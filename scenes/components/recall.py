"""The closing's small pictures: each lesson redrawn from the chapter it came from, in that chapter's
visual language — black dots of f, the blue cross of the observation, red arrows of one gradient
step (Examples 1–3); the kernel after every training step from purple to orange (Example 5);
the teal width ramp and the green infinite-width Θ (the wide networks); a black network over
dashed green kernel gradient descent with Θ, and the gold NNGP posterior beside the green NTK-GP
(the Gaussian processes).

Each builder draws the numbers it is given (the chapter computes them with ntkcore) into a
:class:`Box`, either large with its words (``detail=True``) or as a thumbnail for the gallery
without words.  Both sizes have the same structure (:attr:`Picture.drawing`), so the large picture
morphs into its thumbnail.  No maths here: only placing what is given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, DashedVMobject, VGroup

from scenes.base import fit_width
from scenes.components.gp_plots import band
from scenes.formatting import signed
from scenes.ranges import whole_ticks
from scenes.widgets import ObservationCross, arrows_at, dots_at, polyline


@dataclass(frozen=True)
class Box:
    """A rectangle of the frame: ``width`` × ``height`` around ``center`` (scene units)."""

    width: float
    height: float
    center: tuple

    def split(self, weights, gap: float) -> list["Box"]:
        """Side by side, ``gap`` apart, widths in proportion to ``weights``."""
        room = self.width - gap * (len(weights) - 1)
        widths = [room * w / sum(weights) for w in weights]
        left = self.center[0] - self.width / 2
        out = []
        for w in widths:
            out.append(Box(w, self.height, (left + w / 2, self.center[1], 0.0)))
            left += w + gap
        return out

    def inset(self, left: float = 0.0, right: float = 0.0, top: float = 0.0, bottom: float = 0.0) -> "Box":
        """The box with margins taken off its sides."""
        x, y = self.center[0] + (left - right) / 2, self.center[1] + (bottom - top) / 2
        return Box(self.width - left - right, self.height - top - bottom, (x, y, 0.0))


@dataclass(frozen=True)
class Style:
    """Sizes of the marks: large pictures, and thumbnails."""

    dot: float          # dot radius
    line: float         # curve stroke width
    arrow: float        # arrow stroke width
    tip: float          # arrow tip length
    cross: float        # half size of the blue cross
    frame: float        # the axes' frame lines
    dashes: int         # dashes of a dashed curve (the same in both sizes: the pictures morph)


BIG = Style(dot=0.05, line=3.0, arrow=4.0, tip=0.12, cross=0.11, frame=2.0, dashes=40)
SMALL = Style(dot=0.022, line=1.5, arrow=1.6, tip=0.05, cross=0.055, frame=1.2, dashes=40)

X_TICK = 5


class Panel(VGroup):
    """One plot of a picture: its axes and what is drawn in them (named for the tests)."""

    def __init__(self, axes, **parts):
        super().__init__(axes, *parts.values())
        self.axes = axes
        for name, part in parts.items():
            setattr(self, name, part)


class Picture(VGroup):
    """A lesson's picture: ``drawing`` (its panels: what morphs into the gallery) and ``labels``
    (words and formulas on it: empty in a thumbnail)."""

    def __init__(self, panels, labels=None, stages=None):
        self.panels = list(panels)
        self.drawing = VGroup(*self.panels)
        self.labels = labels if labels is not None else VGroup()
        super().__init__(self.drawing, self.labels)
        #: what to show together, in order (a picture told in two steps has two stages)
        self.stages = stages if stages is not None else [VGroup(self.drawing, self.labels)]


def axes_in(scene, box: Box, x_range, y_range, style: Style):
    """Framed axes filling ``box`` (no numbers: a picture to recognise, not to read off; a thumbnail
    has no ticks either)."""
    lo, hi = x_range
    ax = scene.framed((lo, hi, X_TICK), y_range, (box.width, box.height), box.center, x_numbers=[], y_numbers=[])
    for line in (ax.frame_x, ax.frame_y):
        line.set_stroke(width=style.frame)
        if style is SMALL:
            line.ticks.set_stroke(opacity=0)
    if ax.zero_line is not None:
        ax.zero_line.set_stroke(width=max(1.0, style.frame / 2))
    return ax


def style_of(detail: bool) -> Style:
    return BIG if detail else SMALL


def label_room(scene, box: Box, detail: bool) -> Box:
    """The plotting box of a panel: a large picture keeps room for its axis names."""
    return box.inset(right=0.35, top=0.45) if detail else box


def axis_names(scene, ax, y_tex: str) -> VGroup:
    """``x`` at the end of the x axis, ``y_tex`` above the y axis."""
    return VGroup(scene.ty.math("x", size=scene.ty.CAPTION_SIZE).next_to(ax.frame_x.get_right(), RIGHT, buff=0.1),
                  scene.ty.math(y_tex, size=scene.ty.LABEL_SIZE + 2).next_to(ax.frame_y.get_top(), UP, buff=0.1)
                  .align_to(ax.frame_y, LEFT))


# --------------------------------------------------------------------------------------- Examples 1–3


def step_panel(scene, box: Box, xs, f0, d, observation, style: Style, y_range=None) -> Panel:
    """Black dots of f, the blue cross, the red arrows of one gradient step (Examples 2 and 3)."""
    x_obs, y_obs = observation
    y_range = y_range or whole_ticks(np.concatenate([f0, f0 + d, [y_obs]]), 10)
    ax = axes_in(scene, box, (float(xs[0]), float(xs[-1])), y_range, style)
    dots = dots_at(ax, xs, f0, style.dot, scene.theme.dot)
    arrows = arrows_at(ax, xs, f0, d, scene.theme.arrow, stroke_width=style.arrow, tip_length=style.tip)
    cross = ObservationCross(ax.c2p(x_obs, y_obs), scene.theme.observation, size=style.cross)
    panel = Panel(ax, dots=dots, arrows=VGroup(*arrows.values()), cross=cross)
    panel.arrow_index = list(arrows)          # the grid index of each arrow (moves of 0 have none)
    return panel


def steps_picture(scene, box: Box, xs, steps, observation, kernels, detail: bool) -> Picture:
    """Two models side by side, the same dots and data, one gradient step each (one y range):
    ``steps`` = ((f0, d), (f0, d)), ``kernels`` the TeX parts of each one's ``k(x, x′) = …`` written
    in its upper left (of several parts, the last is highlighted: what changed between the two)."""
    style = style_of(detail)
    boxes = box.split((1, 1), 0.9 if detail else 0.12)
    y_obs = observation[1]
    y_range = whole_ticks(np.concatenate([np.concatenate([f0, f0 + d]) for f0, d in steps] + [[y_obs]]), 10)
    panels = [step_panel(scene, label_room(scene, b, detail), xs, f0, d, observation, style, y_range)
              for b, (f0, d) in zip(boxes, steps)]
    if not detail:
        return Picture(panels)
    labels = VGroup()
    for panel, tex_parts, (f0, d) in zip(panels, kernels, steps):
        ax = panel.axes
        tex = scene.ty.math(*tex_parts, size=scene.ty.CAPTION_SIZE)
        if len(tex_parts) > 1:
            tex[-1].set_color(scene.theme.highlight)          # the constant: what the factor changed
        # the formula in the upper left, ending before x′ (the cross and its arrow stay clear)
        fit_width(tex, 0.9 * (ax.c2p(observation[0], 0)[0] - ax.c2p(xs[0], 0)[0]) - 0.5)
        tex.move_to(ax.c2p(xs[0], ax.y_range[1]) + np.array([0.25, -0.12, 0]), aligned_edge=UP + LEFT)
        panel.kernel_tex = tex
        # the move at x′, in red at the foot of its arrow, under the rising dots (the arrows are
        # short against f's range)
        i = int(np.argmin(np.abs(np.asarray(xs) - observation[0])))
        move = scene.ty.text(signed(d[i], 1), size=scene.ty.LABEL_SIZE, color=scene.theme.arrow, weight="BOLD")
        move.next_to(ax.c2p(xs[i], f0[i]), DOWN + RIGHT, buff=0.1)
        panel.move_label = move
        labels.add(axis_names(scene, ax, "f(x)"), tex, move)
    return Picture(panels, labels)


# --------------------------------------------------------------------------------------- Example 5


def training_picture(scene, box: Box, xs, kernels, y_tex: str, first: str, last: str, detail: bool) -> Picture:
    """Lesson 3: the kernel after every training step, purple (n = 0) to orange (the last step);
    ``kernels`` (T+1, n); ``first``/``last`` name the first and last curves (at their right ends)."""
    style = style_of(detail)
    T = len(kernels) - 1
    room = box.inset(right=1.3) if detail else box
    y_range = whole_ticks(kernels, 0.25)
    ax = axes_in(scene, label_room(scene, room, detail), (float(xs[0]), float(xs[-1])), y_range, style)
    curves = VGroup(*[polyline(ax, xs, k, scene.theme.training_color(n, T), stroke_width=style.line)
                      for n, k in enumerate(kernels)])
    panel = Panel(ax, curves=curves)
    if not detail:
        return Picture([panel])
    names = axis_names(scene, ax, y_tex)
    ends = VGroup()
    for n, words in ((0, first), (T, last)):
        lab = scene.ty.text(words, size=scene.ty.LABEL_SIZE, color=scene.theme.training_color(n, T), weight="BOLD")
        ends.add(lab.next_to(ax.c2p(xs[-1], kernels[n][-1]), RIGHT, buff=0.45))
    _apart(ends[0], ends[1])
    names[0].next_to(ax.frame_x.get_right(), RIGHT, buff=0.1)
    return Picture([panel], VGroup(names, ends))


def _apart(a, b, gap: float = 0.08):
    """Move two labels stacked at nearly the same height apart vertically (the higher one up)."""
    lo, hi = (a, b) if a.get_center()[1] <= b.get_center()[1] else (b, a)
    overlap = lo.get_top()[1] + gap - hi.get_bottom()[1]
    if overlap > 0:
        lo.shift(overlap / 2 * DOWN)
        hi.shift(overlap / 2 * UP)


# --------------------------------------------------------------------------------------- wide networks


def width_picture(scene, box: Box, init, trained, words, detail: bool) -> Picture:
    """Lesson 4: (left) the kernels k(x, x′) of many random starts at the narrowest and the widest
    width, as bands between their smallest and largest values, and the infinite-width Θ (dashed
    green); (middle, right) one network's kernel during training, purple to orange, at the narrowest
    and the widest training width.

    ``init`` = (x, widths, curves (W, S, n), Θ (n,)); ``trained`` = (x, widths, k_steps (W, K, n));
    ``words`` = the labels: ``init_title`` (words), ``trained_title`` and ``width`` (functions of a
    width, giving words)."""
    style = style_of(detail)
    th = scene.theme
    boxes = box.split((1.25, 1, 1), 0.6 if detail else 0.1)
    x, widths, curves, theta = init
    lo, hi = float(x[0]), float(x[-1])
    ends = (0, len(widths) - 1)
    colours = [th.width_color(i, len(widths)) for i in range(len(widths))]
    y_init = whole_ticks(np.concatenate([curves[list(ends)].ravel(), theta]), 0.5)
    ax = axes_in(scene, _plot_box(boxes[0], detail), (lo, hi), y_init, style)
    bands = VGroup(*[band(ax, x, curves[i].min(axis=0), curves[i].max(axis=0), colours[i],
                          opacity=0.3 if i == ends[0] else 0.55) for i in ends])
    theta_curve = DashedVMobject(polyline(ax, x, theta, th.ntk_exact, stroke_width=style.line + 1),
                                 num_dashes=style.dashes, dashed_ratio=0.6)
    panels = [Panel(ax, bands=bands, theta=theta_curve)]
    panels[0].band_widths = [int(widths[i]) for i in ends]
    xt, twidths, k_steps = trained
    K = k_steps.shape[1] - 1
    t_ends = (0, len(twidths) - 1)
    y_train = whole_ticks(k_steps[list(t_ends)], 0.5)
    for b, i in zip(boxes[1:], t_ends):
        axt = axes_in(scene, _plot_box(b, detail), (float(xt[0]), float(xt[-1])), y_train, style)
        ks = VGroup(*[polyline(axt, xt, k, th.training_color(j, K), stroke_width=style.line)
                      for j, k in enumerate(k_steps[i])])
        panels.append(Panel(axt, curves=ks))
        panels[-1].net_width = int(twidths[i])
    if not detail:
        return Picture(panels)
    size = scene.ty.LABEL_SIZE
    labels = VGroup()
    titles = [words["init_title"]] + [words["trained_title"](int(twidths[i])) for i in t_ends]
    for p, words_, b in zip(panels, titles, boxes):
        t = scene.ty.text(words_, size=size)
        fit_width(t, b.width)
        labels.add(t.next_to(p.axes.frame_y.get_top(), UP, buff=0.12).align_to(p.axes.frame_y, LEFT))
    # the band's widths, in their colours, and Θ, in the empty upper left of the first plot
    key = VGroup(*[scene.ty.text(words["width"](int(widths[i])), size=size, color=colours[i])
                   for i in ends], scene.ty.math(r"\Theta", size=size + 4, color=th.ntk_exact))
    key.arrange(DOWN, aligned_edge=LEFT, buff=0.06)
    fit_width(key, 0.45 * ax.x_length)
    key.move_to(ax.c2p(lo, ax.y_range[1]) + np.array([0.25, -0.05, 0]), aligned_edge=UP + LEFT)
    labels.add(key)
    return Picture(panels, labels)


def _plot_box(box: Box, detail: bool) -> Box:
    """A panel of several: room above for its title, none for axis names."""
    return box.inset(top=0.45) if detail else box


# --------------------------------------------------------------------------------------- kernel GD, GPs


def gp_picture(scene, box: Box, gp, words, detail: bool, stds: float = 2.0) -> Picture:
    """Lesson 5: (left) the widest network trained by gradient descent (black) over kernel gradient
    descent with the fixed Θ from the same start (dashed green), at the last time; (right) the two
    Gaussian processes on the same data: the NNGP posterior (gold band ± ``stds`` std and mean) and
    the NTK-GP at t = ∞ (green mean, dashed band edges).  Black dots: the training points.

    ``gp`` holds the "gp" experiment's arrays; ``words``: ``kgd_title``, ``gp_title``, and the TeX
    of the two means ``nngp_tex``, ``ntk_tex``."""
    style = style_of(detail)
    th = scene.theme
    x = gp["x_grid"]
    lo, hi = float(x[0]), float(x[-1])
    boxes = box.split((1, 1), 0.7 if detail else 0.12)
    net, kgd = gp["net_f"][-1, -1], gp["net_kgd_analytic"][-1, -1]
    xt, yt = gp["x_train_post"], gp["y_train"]
    y_left = whole_ticks(np.concatenate([net, kgd, yt]), 0.5)
    ax = axes_in(scene, _plot_box(boxes[0], detail), (lo, hi), y_left, style)
    left = Panel(ax,
                 kgd=DashedVMobject(polyline(ax, x, kgd, th.ntk_exact, stroke_width=style.line + 3),
                                    num_dashes=style.dashes, dashed_ratio=0.6),
                 network=polyline(ax, x, net, th.dot, stroke_width=style.line),
                 dots=dots_at(ax, xt, yt, 1.6 * style.dot, th.dot))
    means = {"nngp": gp["nngp_mean"], "ntk": gp["ntk_gp_inf_mean"]}
    sds = {"nngp": gp["nngp_std"], "ntk": gp["ntk_gp_inf_std"]}
    lower = {k: means[k] - stds * sds[k] for k in means}
    upper = {k: means[k] + stds * sds[k] for k in means}
    y_right = whole_ticks(np.concatenate([*lower.values(), *upper.values(), yt]), 0.5)
    axr = axes_in(scene, _plot_box(boxes[1], detail), (lo, hi), y_right, style)
    right = Panel(axr,
                  nngp_band=band(axr, x, lower["nngp"], upper["nngp"], th.nngp, opacity=0.3),
                  nngp_mean=polyline(axr, x, means["nngp"], th.nngp, stroke_width=style.line),
                  ntk_edges=VGroup(*[DashedVMobject(polyline(axr, x, e["ntk"], th.ntk_exact,
                                                             stroke_width=max(1.0, style.line - 1)),
                                                    num_dashes=style.dashes, dashed_ratio=0.5)
                                     for e in (lower, upper)]),
                  ntk_mean=polyline(axr, x, means["ntk"], th.ntk_exact, stroke_width=style.line),
                  dots=dots_at(axr, xt, yt, 1.6 * style.dot, th.dot))
    right.stds = stds
    if not detail:
        return Picture([left, right])
    size = scene.ty.LABEL_SIZE
    titles = []
    for p, words_, b in zip((left, right), (words["kgd_title"], words["gp_title"]), boxes):
        t = scene.ty.text(words_, size=size)
        fit_width(t, b.width)
        titles.append(t.next_to(p.axes.frame_y.get_top(), UP, buff=0.12).align_to(p.axes.frame_y, LEFT))
    # the two means as formulas, in their colours, over the right plot's upper left
    means_tex = VGroup(scene.ty.math(words["ntk_tex"], size=size + 2, color=th.ntk_exact),
                       scene.ty.math(words["nngp_tex"], size=size + 2, color=th.nngp))
    means_tex.arrange(DOWN, aligned_edge=LEFT, buff=0.08)
    fit_width(means_tex, 0.6 * axr.x_length)
    means_tex.move_to(axr.c2p(lo, axr.y_range[1]) + np.array([0.25, -0.05, 0]), aligned_edge=UP + LEFT)
    labels = VGroup(*titles, means_tex)
    # told in two steps: kernel gradient descent, then the two Gaussian processes
    return Picture([left, right], labels, stages=[VGroup(left, titles[0]), VGroup(right, titles[1], means_tex)])
