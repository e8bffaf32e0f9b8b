"""Small mobjects the chapters share.  They only place what they are given (points, colours,
a theme); no maths here."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Arrow, Axes, DashedLine, DashedVMobject, Dot, Line, Polygon, Rectangle, VGroup,
    VMobject,
)

from scenes.theme import Theme
from scenes.typography import AXIS_NUMBER_SIZE


def framed_axes(x_range, y_range, size, center, theme: Theme, x_numbers=None, y_numbers=None,
                decimals: int = 0) -> Axes:
    """Axes drawn as a frame: x axis along the bottom, y axis on the left, a thin line at y = 0.

    ``x_range``/``y_range`` are ``(min, max, tick step)`` in data units; ``size`` is (width,
    height) in scene units; ``x_numbers``/``y_numbers`` the values to print (default: every
    tick on x, every other tick on y).  The returned Axes map data <-> scene with ``c2p``/``p2c``
    as usual; the frame lines are ``axes.frame_x``/``axes.frame_y``.
    """
    (lo, hi, x_step), (y_lo, y_hi, y_step) = x_range, y_range
    if x_numbers is None:
        x_numbers = np.arange(lo, hi + x_step / 2, x_step)
    if y_numbers is None:
        y_numbers = np.arange(y_lo, y_hi + y_step / 2, 2 * y_step)
    axes = Axes(
        x_range=[lo, hi, x_step], y_range=[y_lo, y_hi, y_step],
        x_length=size[0], y_length=size[1], tips=False,
        axis_config={"color": theme.axis, "stroke_width": 2, "include_ticks": True,
                     "font_size": AXIS_NUMBER_SIZE, "numbers_to_exclude": [],
                     "exclude_origin_tick": False},
        x_axis_config={"numbers_to_include": list(x_numbers)},
        y_axis_config={"numbers_to_include": list(y_numbers),
                       "decimal_number_config": {"num_decimal_places": decimals}},
    ).move_to(center)
    # The frame: copies of the axes moved to the bottom/left edge, so that axis lines and numbers
    # never run through the data.  The original axes are kept for c2p/p2c but taken out of the
    # drawn group (an invisible mobject still costs a draw every frame): so move the axes only by
    # building new ones at the new place, never by shifting these.
    corner = axes.c2p(lo, y_lo)
    frame_x = axes.x_axis.copy().shift(corner - axes.x_axis.n2p(lo))
    frame_y = axes.y_axis.copy().shift(corner - axes.y_axis.n2p(y_lo))
    for num in frame_x.numbers.submobjects + frame_y.numbers.submobjects:
        num.set_color(theme.ink)
    axes.remove(axes.x_axis, axes.y_axis)
    zero = None
    if y_lo < 0 < y_hi:  # a thin line at y = 0 when 0 is inside the plot: a guide the viewer reads
        # (the axis grey, ≥ 3:1 against the background; the theme's grid grey is for decoration only)
        zero = Line(axes.c2p(lo, 0), axes.c2p(hi, 0), color=theme.axis, stroke_width=1.0)
        axes.add_to_back(zero)
    axes.add(frame_x, frame_y)
    axes.frame_x, axes.frame_y, axes.zero_line = frame_x, frame_y, zero
    return axes


class ObservationCross(VGroup):
    """The post's blue cross marking the observation (x', y)."""

    def __init__(self, point, color: str, size: float = 0.14, **kwargs):
        point = np.asarray(point, dtype=float)
        a = Line(point + size * (UP + LEFT), point + size * (DOWN + RIGHT), color=color, stroke_width=5)
        b = Line(point + size * (UP + RIGHT), point + size * (DOWN + LEFT), color=color, stroke_width=5)
        super().__init__(a, b, **kwargs)


def red_arrow(start, end, color: str, stroke_width: float = 5, tip_length: float = 0.16) -> Arrow:
    """A red displacement arrow that starts and ends exactly at the given points (buff 0)."""
    return Arrow(start, end, buff=0, color=color, stroke_width=stroke_width,
                 tip_length=tip_length, max_tip_length_to_length_ratio=0.45,
                 max_stroke_width_to_length_ratio=12)


def dots_at(axes: Axes, xs, ys, radius: float, color: str) -> VGroup:
    """One dot per (x, y) in data coordinates of ``axes``."""
    return VGroup(*[Dot(axes.c2p(x, y), radius=radius, color=color) for x, y in zip(xs, ys)])


def arrows_at(axes: Axes, xs, ys, dys, color: str, tol: float = 1e-9, **kwargs) -> dict:
    """Red arrows from (x, y) to (x, y + dy), keyed by index; moves of size <= tol get no arrow."""
    return {i: red_arrow(axes.c2p(x, y), axes.c2p(x, y + dy), color, **kwargs)
            for i, (x, y, dy) in enumerate(zip(xs, ys, dys)) if abs(dy) > tol}


class ZoomInset(VGroup):
    """A magnified view of ``main_axes`` around ``x_center`` over ``y_window``, same zoom on x and y.

    ``self.axes`` are the inset's own (invisible) axes: draw into them with the same data
    coordinates.  ``self.marker`` is a dashed rectangle over the window on the main axes and
    ``self.links`` two lines joining it to the inset box.
    """

    def __init__(self, main_axes: Axes, x_center, y_window, theme: Theme, size=(3.4, 2.3), center=(0, 0, 0)):
        super().__init__()
        w, h = size
        # Same magnification along x and y, so slopes in the inset look as they do on the chart.
        main_x_scale = main_axes.x_length / (main_axes.x_range[1] - main_axes.x_range[0])
        main_y_scale = main_axes.y_length / (main_axes.y_range[1] - main_axes.y_range[0])
        self.magnification = (h / (y_window[1] - y_window[0])) / main_y_scale
        half_width = w / (self.magnification * main_x_scale) / 2
        x_window = (x_center - half_width, x_center + half_width)
        self.x_window, self.y_window = x_window, tuple(y_window)
        self.axes = Axes(x_range=[x_window[0], x_window[1], 1], y_range=[y_window[0], y_window[1], 1],
                         x_length=w, y_length=h, tips=False,
                         axis_config={"include_ticks": False, "stroke_opacity": 0}).move_to(center)
        self.box = Rectangle(width=w, height=h, stroke_color=theme.axis, stroke_width=2,
                             fill_color=theme.background, fill_opacity=1).move_to(self.axes.get_center())
        corners = [main_axes.c2p(x, y) for x, y in
                   ((x_window[0], y_window[0]), (x_window[1], y_window[0]),
                    (x_window[1], y_window[1]), (x_window[0], y_window[1]))]
        self.marker = DashedVMobject(Polygon(*corners, stroke_color=theme.axis, stroke_width=2),
                                     num_dashes=24)
        self.links = VGroup(
            Line(corners[0], self.box.get_corner(DOWN + LEFT), stroke_color=theme.grid, stroke_width=1.5),
            Line(corners[2], self.box.get_corner(UP + RIGHT), stroke_color=theme.grid, stroke_width=1.5),
        )
        self.add(self.links, self.box, self.axes, self.marker)

    def contains(self, x, y) -> bool:
        """Whether data point (x, y) lies in the magnified window."""
        return (self.x_window[0] <= x <= self.x_window[1]) and (self.y_window[0] <= y <= self.y_window[1])


def polyline(axes: Axes, xs, ys, color: str, stroke_width: float = 3, opacity: float = 1.0) -> VMobject:
    """A curve through (x, y) in ``axes``' data coordinates (the samples are its corners)."""
    curve = VMobject(stroke_color=color, stroke_width=stroke_width, stroke_opacity=opacity)
    curve.set_points_as_corners([axes.c2p(x, y) for x, y in zip(xs, ys)])
    return curve


def smooth_curve(axes: Axes, xs, ys, color: str, stroke_width: float = 4, opacity: float = 1.0) -> VMobject:
    """A smooth curve whose anchors are exactly the points (x, y) in ``axes``' data coordinates."""
    curve = VMobject(stroke_color=color, stroke_width=stroke_width, stroke_opacity=opacity)
    curve.set_points_smoothly([axes.c2p(x, y) for x, y in zip(xs, ys)])
    return curve


def legend_row(ty, color: str, words: str, stroke_width: float = 5, opacity: float = 1.0,
               dashed: bool = False, text_color: str | None = None) -> VGroup:
    """A short line sample in ``color`` followed by ``words`` (``ty``: the scene's Typography)."""
    sample = Line(LEFT * 0.3, RIGHT * 0.3, color=color, stroke_width=stroke_width, stroke_opacity=opacity)
    if dashed:
        sample = DashedVMobject(sample, num_dashes=3)
    words = ty.text(words, size=ty.LABEL_SIZE, color=text_color)
    return VGroup(sample, words).arrange(RIGHT, buff=0.15)


def vertical_marker(axes: Axes, x, color: str, stroke_width: float = 2.5, dash_length: float = 0.1):
    """A dashed vertical line at ``x`` across the whole y range of ``axes``."""
    y_lo, y_hi = axes.y_range[0], axes.y_range[1]
    return DashedLine(axes.c2p(x, y_lo), axes.c2p(x, y_hi), color=color, stroke_width=stroke_width,
                      dash_length=dash_length)


def step_legend(ty, theme: Theme, before: str = "before the step", after: str = "after the step",
                arrow: str = "the step: Δf(x)", radius: float = 0.07) -> VGroup:
    """A three-entry key for the step pictures: grey dot = ``before``, black dot = ``after``, red
    arrow = ``arrow`` (the post's black dots and red arrows).  Entries stacked, left-aligned."""
    def entry(mark, words):
        return VGroup(mark, ty.text(words, size=ty.LABEL_SIZE)).arrange(RIGHT, buff=0.15)

    grey = Dot(radius=radius, color=theme.moved_dot)
    black = Dot(radius=radius, color=theme.dot)
    red = red_arrow(LEFT * 0.25, RIGHT * 0.25, theme.arrow, stroke_width=4, tip_length=0.12)
    rows = VGroup(entry(grey, before), entry(black, after), entry(red, arrow))
    return rows.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
