"""The picture of Example 4 for any example: the function with one gradient step's red arrows; the
step's finite-step kernel beneath it (every arrow divided by the one at x'); then the kernel alone,
full size, while η shrinks and the finite-step kernel morphs into the exact NTK.

Used by the RBF chapter and by the your-own-model kernel chapter: each builds a :class:`KernelMorph`
for its scene and adds its own captions and notes.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, ReplacementTransform, VGroup

import ntkcore
from ntkcore.sweeps import eta_sweep

from scenes.formatting import fmt, fmt_g
from scenes.widgets import ObservationCross, dots_at, polyline, vertical_marker


def corner_label(axes, mob):
    """Put a y-axis label inside the plot's top-left corner (clear of the heading above)."""
    corner = axes.c2p(axes.x_range[0], axes.y_range[1])
    return mob.next_to(corner, RIGHT, buff=0.3).shift((mob.height / 2 + 0.06) * DOWN)


class KernelMorph:
    """Numbers and plots of one example's step kernel and its η → 0 sweep, drawn into ``scene``
    (an ExampleScene).  ``kernel_axes(size, center)`` makes the kernel plot's axes."""

    fine_samples = 181                              # x samples of the smooth curves
    eta_fractions = (1.0, 0.5, 0.25, 0.1, 0.01)     # η = step_eta × these, then η → 0

    def __init__(self, scene, kernel_axes):
        self.scene = scene
        self.kernel_axes = kernel_axes
        ex = self.example = scene.example
        lo, hi = ex.x_range
        self.fine_x = np.linspace(lo, hi, self.fine_samples)
        self.fine_f = np.asarray(ntkcore.values(ex.f, ex.theta, self.fine_x))
        self.f0, self.d = ex.values(), ex.displacement()
        self.k_grid = ex.kernel_finite_normalized()           # the GD step's kernel, (n,)
        self.sweep = eta_sweep(ex, self.eta_fractions, self.fine_x)

    @property
    def etas(self):
        return self.sweep.etas

    # ------------------------------------------------------------------ plots
    def function_plot(self, size, center) -> dict:
        """Axes, labels, dots, smooth curve, cross and arrows of f at ``size``/``center``; the
        scene's ``axes`` become these axes."""
        sc, ex, th = self.scene, self.example, self.scene.theme
        axes = sc.axes = sc.axes_for(sc.display_y_range(), size, center)
        x_obs, y_obs = ex.observation
        labels = sc.axis_labels()
        corner_label(axes, labels[1])
        return dict(
            axes=axes, labels=labels,
            curve=polyline(axes, self.fine_x, self.fine_f, th.axis, stroke_width=2, opacity=0.6),
            dots=sc.build_dots(self.f0),
            cross=ObservationCross(axes.c2p(x_obs, y_obs), th.observation),
            arrows=sc.build_arrows(self.f0, self.d),
        )

    def kernel_plot(self, size, center, dot_radius) -> dict:
        """Kernel axes, label, the GD step's kernel (dots + curve) and the dashed line x = x'."""
        sc, ex, th = self.scene, self.example, self.scene.theme
        axes = self.kernel_axes(size, center)
        x_s = fmt_g(ex.observation[0])
        label = corner_label(axes, sc.ty.math(rf"\tilde k(x, {x_s})\,/\,\tilde k({x_s}, {x_s})",
                                              size=sc.ty.CAPTION_SIZE, color=th.kernel_start))
        return dict(
            axes=axes, label=label,
            obs_line=vertical_marker(axes, ex.observation[0], th.observation, stroke_width=2, dash_length=0.08),
            dots=dots_at(axes, ex.grid, self.k_grid, dot_radius, th.kernel_start),
            curve=polyline(axes, self.fine_x, self.sweep.finite_fine[0], th.kernel_start),
        )

    # ------------------------------------------------------------------ animations
    def enlarge(self, kp: dict, fade, size, center):
        """Fade ``fade`` out, grow the kernel plot ``kp`` to ``size`` at ``center``, and leave the
        step's kernel as a faint reference.  Returns (a copy of its dots and curve, to morph; the
        new plot's parts)."""
        sc = self.scene
        sc.play(*[FadeOut(m) for m in fade], run_time=0.8)
        big = self.kernel_plot(size, center, sc.dot_radius)
        sc.play(*[ReplacementTransform(kp[k], big[k]) for k in ("axes", "label", "obs_line", "dots", "curve")],
                run_time=1.2)
        moving = VGroup(big["dots"].copy(), big["curve"].copy())
        sc.add(moving)
        sc.play(big["dots"].animate.set_opacity(0.3), big["curve"].animate.set_stroke(opacity=0.3), run_time=0.5)
        return moving, big

    def eta_text(self, eta, axes):
        """The η label in the kernel plot's lower right; ``None`` means the exact NTK."""
        sc, th = self.scene, self.scene.theme
        lo, hi = self.example.x_range
        if eta is None:
            mob = sc.ty.text("η → 0: exact NTK", size=sc.ty.CAPTION_SIZE, color=th.ntk_exact)
        else:
            mob = sc.ty.text(f"η = {fmt(eta, 3)}", size=sc.ty.CAPTION_SIZE, color=th.kernel_start)
        return mob.next_to(axes.c2p(hi, axes.y_range[0]), UP + LEFT, buff=0.25)

    def play_sweep(self, moving, big: dict, intro: str, place=None) -> dict:
        """Shrink η: the finite-step kernel ``moving`` morphs through every η of the sweep into the
        exact NTK.  ``intro`` is the caption before the sweep; ``place(label)`` may move each η
        label (default: the lower right).  Returns the exact NTK's dots, curve and labels."""
        sc, ex, th, sw = self.scene, self.example, self.scene.theme, self.sweep
        ka = big["axes"]
        place = place or (lambda mob: mob)
        eta_label = place(self.eta_text(sw.etas[0], ka))
        sc.play(FadeIn(eta_label), run_time=0.5)
        sc.say(intro)
        sc.wait(2.5)
        for n in range(1, len(sw.etas)):
            target = VGroup(dots_at(ka, ex.grid, sw.finite_grid[n], sc.dot_radius, th.kernel_start),
                            polyline(ka, self.fine_x, sw.finite_fine[n], th.kernel_start))
            new_label = place(self.eta_text(sw.etas[n], ka))
            sc.play(ReplacementTransform(moving, target), ReplacementTransform(eta_label, new_label), run_time=1.0)
            moving, eta_label = target, new_label
            sc.wait(0.4)
        ntk_dots = dots_at(ka, ex.grid, sw.ntk_grid, sc.dot_radius, th.ntk_exact)
        ntk_curve = polyline(ka, self.fine_x, sw.ntk_fine, th.ntk_exact)
        exact_label = place(self.eta_text(None, ka))
        x_s = fmt_g(ex.observation[0])
        ntk_label = sc.ty.math(rf"k(x, {x_s})\,/\,k({x_s}, {x_s})", size=sc.ty.CAPTION_SIZE, color=th.ntk_exact)
        ntk_label.next_to(big["label"], DOWN, buff=0.15, aligned_edge=LEFT)
        sc.play(ReplacementTransform(moving, VGroup(ntk_dots, ntk_curve)),
                ReplacementTransform(eta_label, exact_label), FadeIn(ntk_label), run_time=1.2)
        return dict(dots=ntk_dots, curve=ntk_curve, label=ntk_label, eta_label=exact_label)
