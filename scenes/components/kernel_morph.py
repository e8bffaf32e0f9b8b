"""The picture of Example 4 for any example: the function with one gradient step's red arrows; the
arrows stood on a common baseline (Δf(x), magnified); divided by the arrow at x′, the step's
finite-step kernel k̃_ε (the step is a push of θ by ε = −2η(f(x′) − y) along ∇θ f(x′), η the
learning rate); then the kernel alone, full size, while the push ε shrinks and the finite-step
kernel morphs into the exact NTK (ε → 0).

Used by the RBF chapter and by the your-own-model kernel chapter: each builds a :class:`KernelMorph`
for its scene, and calls its ``play_*`` methods inside its own caption steps (the component shows
no captions).  The one label it draws in words, ``exact_ntk`` (the ε → 0 limit), is read from the
scene's ``[labels]``.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, FadeIn, FadeOut, GrowArrow, LaggedStart, ReplacementTransform, VGroup,
)

import ntkcore
from ntkcore.sweeps import eta_sweep

from scenes.formatting import fmt, fmt_g, tex_num
from scenes.ranges import every_other_tick, label_decimals, whole_ticks
from scenes.widgets import ObservationCross, arrows_at, dots_at, polyline, vertical_marker


def visible_zero_line(axes, theme):
    """``axes`` (framed) with its line at y = 0 in the axis colour: the theme's faint grid colour falls
    under the 3:1 a line needs, and a kernel's sign matters here."""
    if getattr(axes, "zero_line", None) is not None:
        axes.zero_line.set_stroke(color=theme.axis, width=1.5)
    return axes


def morph_into(scene, old, new):
    """``ReplacementTransform`` of a stand-in copy of ``old`` into ``new``: ``old`` leaves the scene
    where it was (so what a step recorded about it stays true) and ``new`` takes its place."""
    stand_in = old.copy()
    scene.remove(*old.get_family())   # its parts too: a LaggedStart may have added them one by one
    scene.add(stand_in)
    return ReplacementTransform(stand_in, new)


def corner_label(axes, mob):
    """Put a y-axis label inside the plot's top-left corner (clear of the heading above)."""
    corner = axes.c2p(axes.x_range[0], axes.y_range[1])
    return mob.next_to(corner, RIGHT, buff=0.3).shift((mob.height / 2 + 0.06) * DOWN)


class KernelMorph:
    """Numbers and plots of one example's step kernel and its ε → 0 sweep, drawn into ``scene``
    (an ExampleScene).  ``kernel_axes(size, center)`` makes the kernel plot's axes.

    The pushes are ``ε = ex.step_eta()`` (the gradient step's own push) times ``eps_fractions``;
    ``etas`` keeps ntkcore's name for them (:func:`ntkcore.sweeps.eta_sweep`)."""

    fine_samples = 181                              # x samples of the smooth curves
    eps_fractions = (1.0, 0.5, 0.25, 0.1, 0.01)     # ε = the step's push × these, then ε → 0
    shrink_seconds = 0.5                            # each push of the sweep, and a beat after it
    shrink_beat = 0.15
    pace = 1.0                                      # the other animations' run times × this
    reference_width = 1.5                           # the step's kernel, kept as a reference line

    def __init__(self, scene, kernel_axes, finite_color: str | None = None):
        self.scene = scene
        self.kernel_axes = kernel_axes
        ex = self.example = scene.example
        lo, hi = ex.x_range
        self.fine_x = np.linspace(lo, hi, self.fine_samples)
        self.fine_f = np.asarray(ntkcore.values(ex.f, ex.theta, self.fine_x))
        self.f0, self.d = ex.values(), ex.displacement()
        self.k_grid = ex.kernel_finite_normalized()           # the GD step's kernel, (n,)
        self.sweep = eta_sweep(ex, self.eps_fractions, self.fine_x)
        # colour of the finite-step kernel k̃ = Δf/η (its dots, curve, label, η labels); a chapter may
        # pass theme.arrow, the Δf arrows' red, where purple must mean "over training" only
        self.finite_color = finite_color or scene.theme.kernel_start

    @property
    def etas(self):
        """The pushes ε of the sweep, largest (the gradient step's) first."""
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
            curve=polyline(axes, self.fine_x, self.fine_f, th.axis, stroke_width=1.5),
            dots=sc.build_dots(self.f0),
            cross=ObservationCross(axes.c2p(x_obs, y_obs), th.observation),
            arrows=sc.build_arrows(self.f0, self.d),
        )

    def move_axes(self, size, center):
        """Axes for Δf(x) itself (the arrows' lengths), with whole ticks around every move and 0."""
        sc = self.scene
        lo, hi = self.example.x_range
        y_range = whole_ticks(np.append(self.d, 0.0), self.move_tick())
        numbers = every_other_tick(y_range)
        return visible_zero_line(sc.framed((lo, hi, sc.x_tick), y_range, size, center, y_numbers=numbers,
                                           decimals=label_decimals(*numbers)), sc.theme)

    def move_tick(self) -> float:
        """A round tick step for Δf: about 8 ticks over its span."""
        span = max(float(np.ptp(np.append(self.d, 0.0))), 1e-12)
        raw = span / 8
        mag = 10.0 ** np.floor(np.log10(raw))
        return float(next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw * (1 - 1e-9)))

    def moves_plot(self, size, center) -> dict:
        """The red arrows stood on y = 0: axes, labels and arrows from (x, 0) to (x, Δf(x))."""
        sc, ex, th = self.scene, self.example, self.scene.theme
        axes = self.move_axes(size, center)
        label = corner_label(axes, sc.ty.text("Δf(x)", size=sc.ty.CAPTION_SIZE))
        return dict(axes=axes, label=label, x_label=sc.x_label(axes),
                    arrows=arrows_at(axes, ex.grid, np.zeros_like(self.d), self.d, th.arrow))

    def kernel_plot(self, size, center, dot_radius) -> dict:
        """Kernel axes, labels, the GD step's kernel (dots + curve) and the dashed line x = x'."""
        sc, ex, th = self.scene, self.example, self.scene.theme
        axes = visible_zero_line(self.kernel_axes(size, center), th)
        x_s = fmt_g(ex.observation[0])
        xt = tex_num(x_s)
        label = corner_label(axes, sc.ty.math(rf"\tilde k_\varepsilon(x, {xt})\,/\,\tilde k_\varepsilon({xt}, {xt})",
                                              size=sc.ty.CAPTION_SIZE, color=self.finite_color))
        return dict(
            axes=axes, label=label, x_label=sc.x_label(axes),
            obs_line=vertical_marker(axes, ex.observation[0], th.observation, stroke_width=2, dash_length=0.08),
            dots=dots_at(axes, ex.grid, self.k_grid, dot_radius, self.finite_color),
            curve=polyline(axes, self.fine_x, self.sweep.finite_fine[0], self.finite_color),
        )

    # ------------------------------------------------------------------ animations (no captions)
    def play_line_up(self, arrows: dict, size, center) -> dict:
        """Copies of the red ``arrows`` slide down onto y = 0 of a Δf plot at ``size``/``center``
        (the moves magnified).  Returns the plot's parts."""
        sc = self.scene
        mp = self.moves_plot(size, center)
        sc.play(FadeIn(mp["axes"]), FadeIn(mp["label"]), FadeIn(mp["x_label"]), run_time=0.6 * self.pace)
        sc.play(*[ReplacementTransform(a.copy(), mp["arrows"][k]) for k, a in arrows.items()], run_time=1.6 * self.pace)
        return mp

    def play_divide(self, mp: dict, size, center, dot_radius) -> dict:
        """Divide every move by the one at x′: the Δf plot becomes the kernel plot (its arrows
        shrink by Δf(x′) and leave a dot at each tip; the curve follows).  Returns the kernel plot."""
        sc, ex = self.scene, self.example
        kp = self.kernel_plot(size, center, dot_radius)
        ka = kp["axes"]
        scaled = arrows_at(ka, ex.grid, np.zeros_like(self.k_grid), self.k_grid, self.finite_color)
        sc.play(FadeOut(mp["axes"]), FadeOut(mp["label"]), FadeIn(ka), FadeIn(kp["label"]),
                morph_into(sc, mp["x_label"], kp["x_label"]),
                *[ReplacementTransform(mp["arrows"][k], scaled[k]) for k in mp["arrows"]], run_time=1.4 * self.pace)
        sc.play(LaggedStart(*[FadeIn(kp["dots"][k], scale=0.5) for k in range(len(ex.grid))], lag_ratio=0.02),
                run_time=0.8 * self.pace)
        sc.play(*[FadeOut(a) for a in scaled.values()], FadeIn(kp["curve"]), FadeIn(kp["obs_line"]),
                run_time=0.8 * self.pace)
        return kp

    def enlarge(self, kp: dict, fade, size, center):
        """Fade ``fade`` out, grow the kernel plot ``kp`` to ``size`` at ``center``, and leave the
        step's kernel as a faint reference.  Returns (a copy of its dots and curve, to morph; the
        new plot's parts)."""
        sc = self.scene
        sc.play(*[FadeOut(m) for m in fade], run_time=0.8 * self.pace)
        big = self.kernel_plot(size, center, sc.dot_radius)
        sc.play(*[morph_into(sc, kp[k], big[k])
                  for k in ("axes", "label", "x_label", "obs_line", "dots", "curve")], run_time=1.2 * self.pace)
        moving = VGroup(big["dots"].copy(), big["curve"].copy())
        sc.add(moving)
        # the step's kernel stays as a thin reference line (a faded one would fall under 3:1)
        sc.play(FadeOut(big["dots"]), big["curve"].animate.set_stroke(width=self.reference_width),
                run_time=0.5 * self.pace)
        return moving, big

    def eta_text(self, eps, axes):
        """The label of the push ε in the kernel plot's upper right; ``None`` means the exact NTK."""
        sc, th = self.scene, self.scene.theme
        hi = self.example.x_range[1]
        if eps is None:
            mob = sc.ty.text(sc.label("exact_ntk"), size=sc.ty.CAPTION_SIZE, color=th.ntk_exact)
        else:
            mob = sc.ty.text(f"ε = {fmt(eps, 3)}", size=sc.ty.CAPTION_SIZE, color=self.finite_color)
        return mob.next_to(axes.c2p(hi, axes.y_range[1]), DOWN + LEFT, buff=0.25)

    def show_eta(self, big: dict, place=None):
        """The label of the step's own push ε in the enlarged plot ``big``; ``place(label)`` may move it."""
        place = place or (lambda mob: mob)
        label = place(self.eta_text(self.sweep.etas[0], big["axes"]))
        self.scene.play(FadeIn(label), run_time=0.4 * self.pace)
        return label

    def play_shrink(self, moving, big: dict, eta_label, place=None):
        """Shrink the push ε: the finite-step kernel ``moving`` morphs through every ε of the sweep.
        Returns the last (moving, eta_label)."""
        sc, ex, sw = self.scene, self.example, self.sweep
        ka = big["axes"]
        place = place or (lambda mob: mob)
        for n in range(1, len(sw.etas)):
            target = VGroup(dots_at(ka, ex.grid, sw.finite_grid[n], sc.dot_radius, self.finite_color),
                            polyline(ka, self.fine_x, sw.finite_fine[n], self.finite_color))
            new_label = place(self.eta_text(sw.etas[n], ka))
            sc.play(ReplacementTransform(moving, target), ReplacementTransform(eta_label, new_label),
                    run_time=self.shrink_seconds)
            moving, eta_label = target, new_label
            sc.wait(self.shrink_beat)   # a beat on each ε
        return moving, eta_label

    def play_exact(self, moving, big: dict, eta_label, place=None) -> dict:
        """ε → 0: ``moving`` becomes the exact NTK (green), with its label under the kernel's.
        Returns the exact NTK's dots, curve and labels."""
        sc, ex, th, sw = self.scene, self.example, self.scene.theme, self.sweep
        ka = big["axes"]
        place = place or (lambda mob: mob)
        ntk_dots = dots_at(ka, ex.grid, sw.ntk_grid, sc.dot_radius, th.ntk_exact)
        ntk_curve = polyline(ka, self.fine_x, sw.ntk_fine, th.ntk_exact)
        exact_label = place(self.eta_text(None, ka))
        x_s = fmt_g(ex.observation[0])
        xt = tex_num(x_s)
        ntk_label = sc.ty.math(rf"k(x, {xt})\,/\,k({xt}, {xt})", size=sc.ty.CAPTION_SIZE, color=th.ntk_exact)
        ntk_label.next_to(big["label"], DOWN, buff=0.15, aligned_edge=LEFT)
        sc.play(ReplacementTransform(moving, VGroup(ntk_dots, ntk_curve)),
                ReplacementTransform(eta_label, exact_label), FadeIn(ntk_label), run_time=1.2)
        return dict(dots=ntk_dots, curve=ntk_curve, label=ntk_label, eta_label=exact_label)

    def grow_arrows(self, arrows: dict, run_time: float = 1.6):
        """The red arrows of the step, grown one after another."""
        self.scene.play(LaggedStart(*[GrowArrow(a) for a in arrows.values()], lag_ratio=0.03), run_time=run_time)
