"""Placing labels where they cover nothing: sample what is drawn as scene points, then try spots
in order of preference until one is free (used where a model of your own decides the layout)."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, VGroup


def sample_points(mobs, per_mob: int = 8) -> np.ndarray:
    """Scene points along ``mobs`` (their anchors, or ``per_mob`` points from start to end)."""
    pts = []
    for mob in mobs:
        for m in mob.get_family():
            if not m.has_points():
                continue
            if len(m.points) > 2 * per_mob:
                pts.append(m.get_anchors())
            else:   # a line or a dash: points every 0.05 units from its start to its end
                n = max(per_mob, int(np.linalg.norm(m.get_end() - m.get_start()) / 0.05) + 1)
                pts.append(np.linspace(m.get_start(), m.get_end(), n))
        pts.append(mob.get_center()[None])
    return np.vstack(pts) if pts else np.zeros((0, 3))


def covered_points(mob, points: np.ndarray, pad: float = 0.06) -> int:
    """How many of the scene ``points`` lie in ``mob``'s bounding box grown by ``pad``."""
    (x0, y0, _), (x1, y1, _) = mob.get_corner(DOWN + LEFT), mob.get_corner(UP + RIGHT)
    return int(((points[:, 0] > x0 - pad) & (points[:, 0] < x1 + pad)
                & (points[:, 1] > y0 - pad) & (points[:, 1] < y1 + pad)).sum())


def first_free(mob, spots, avoid: np.ndarray, box, pad: float = 0.06):
    """Put ``mob`` at the first of ``spots`` — ``(anchor, direction, buff)`` for ``next_to`` — where
    it covers none of the scene points ``avoid`` and stays inside ``box`` = (x_min, y_min, x_max,
    y_max); if none is free, at the spot that covers the fewest points."""
    def score(m):
        (x0, y0, _), (x1, y1, _) = m.get_corner(DOWN + LEFT), m.get_corner(UP + RIGHT)
        if x0 < box[0] or y0 < box[1] or x1 > box[2] or y1 > box[3]:
            return 10 ** 9
        return covered_points(m, avoid, pad)
    scores = []
    for anchor, d, b in spots:
        scores.append(score(mob.next_to(anchor, d, buff=b)))
        if scores[-1] == 0:
            return mob
    anchor, d, b = spots[int(np.argmin(scores))]
    return mob.next_to(anchor, d, buff=b)


def free_spot(mob, anchor, directions, avoid: np.ndarray, box, buffs=(0.12,)):
    """``first_free`` next to one ``anchor``: every direction at the first distance, then the next."""
    return first_free(mob, [(anchor, d, b) for b in buffs for d in directions], avoid, box)


def leader(label, target, color: str, min_gap: float = 0.25) -> VGroup:
    """A thin line from ``label``'s nearest edge to the point ``target`` if the label sits
    farther than ``min_gap`` from it (else an empty group)."""
    start = np.clip(target, label.get_corner(DOWN + LEFT), label.get_corner(UP + RIGHT))
    gap = np.linalg.norm(start - target)
    if gap <= min_gap:
        return VGroup()
    return VGroup(Line(start, target + 0.1 * (start - target) / gap, color=color, stroke_width=1.5))


def plot_box(axes) -> tuple:
    """(x_min, y_min, x_max, y_max) of the plotting area of ``axes`` in scene units."""
    (x0, y0), (x1, y1) = axes.c2p(axes.x_range[0], axes.y_range[0])[:2], axes.c2p(axes.x_range[1], axes.y_range[1])[:2]
    return (x0, y0, x1, y1)
