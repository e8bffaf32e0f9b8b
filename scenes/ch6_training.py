"""Chapter 6 — Example 5: the kernel changes as we train.

Fifteen gradient-ascent steps on f(10) for the RBF model of Example 4.  Left: the dots of f move
step by step.  Right: the finite-step kernel k̃(x, 10) of every step, divided by its value at
x = 10, one curve per step from purple (t = 0) to orange (the last step).  It gets flatter.

Render:  manim -pql scenes/ch6_training.py KernelDuringTraining
"""

from __future__ import annotations

import numpy as np
from manim import (
    LEFT, RIGHT, UL, UP, UR, Create, DashedLine, FadeIn, FadeOut, LaggedStart, ManimColor,
    VGroup, VMobject, interpolate_color,
)

from ntkcore import core

from scenes.base import ExampleScene, fmt, fmt_g
from scenes.widgets import framed_axes
from scenes import palette
from scenes import typography as ty


def spread_sentence(spread, steps: int) -> str:
    """How the kernel's spread (max − min) changed from t = 0 to the last step, in words."""
    change = "got flatter: its spread (max − min) fell" if spread[steps] < spread[0] else \
        "got steeper: its spread (max − min) rose"
    return (f"The kernel {change}\n"
            f"from {fmt(spread[0], 2)} at t = 0 to {fmt(spread[steps], 2)} at t = {steps}.")


def gradient_color(t: int, steps: int) -> str:
    """Colour of the kernel curve of step ``t``: purple (t = 0) to orange (t = steps)."""
    c = interpolate_color(ManimColor(palette.KERNEL_START), ManimColor(palette.KERNEL_END), t / steps)
    return c.to_hex()


class KernelDuringTraining(ExampleScene):
    example_name = "training"
    # Two panels side by side: the function on the left, the kernel on the right.
    y_range = (35, 75, 5)              # widened automatically to every f of the trajectory
    axes_size = (5.4, 4.6)
    axes_center = (-3.45, 0.05, 0.0)
    kernel_y_range = (-0.5, 1.25, 0.25)  # kernel units; widened to whole ticks if needed
    kernel_size = (5.4, 4.6)
    kernel_center = (3.7, 0.05, 0.0)
    old_curve_opacity = 0.5
    heading_text = "Example 5: training"       # top-left corner
    model_phrase = "Example 4's RBF model"     # "<model_phrase>, trained by gradient ascent on …"

    # ------------------------------------------------------------------ set-up
    def display_y_range(self) -> tuple:
        """Room for f at every step of the trajectory, not only at θ0."""
        lo, hi, step = self.y_range
        f = self.example.trajectory().f
        return (min(lo, step * np.floor(f.min() / step)), max(hi, step * np.ceil(f.max() / step)), step)

    def kernel_display_range(self, k: np.ndarray) -> tuple:
        lo, hi, step = self.kernel_y_range
        return (min(lo, step * np.floor(k.min() / step)), max(hi, step * np.ceil(k.max() / step)), step)

    def build_kernel_axes(self, k: np.ndarray):
        lo, hi = self.example.x_range
        y_lo, y_hi, y_step = self.kernel_display_range(k)
        return framed_axes((lo, hi, self.x_tick), (y_lo, y_hi, y_step), self.kernel_size,
                           self.kernel_center, decimals=1)

    def kernel_curve(self, values, color: str) -> VMobject:
        """A smooth curve whose anchors are exactly the grid points (x, k̃(x))."""
        pts = [self.kernel_axes.c2p(x, v) for x, v in zip(self.example.grid, values)]
        curve = VMobject(stroke_color=color, stroke_width=4)
        curve.set_points_smoothly(pts)
        return curve

    def x_obs_marker(self, axes, x_obs) -> DashedLine:
        y_lo, y_hi = axes.y_range[0], axes.y_range[1]
        return DashedLine(axes.c2p(x_obs, y_lo), axes.c2p(x_obs, y_hi), color=palette.OBSERVATION,
                          stroke_width=2.5, dash_length=0.1)

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        ex = self.example
        spec = ex.model_spec
        x_obs = ex.observation[0]
        i_obs = ex.obs_index
        steps = ex.steps
        traj = ex.trajectory()
        k = ex.kernels_normalized()                      # (steps + 1, n)
        spread = k.max(axis=1) - k.min(axis=1)
        thetas = np.asarray([np.asarray(th) for th in traj.thetas])
        moved = np.abs(thetas[-1] - thetas[0])
        self.most_moved = int(np.argmax(moved))
        p = self.most_moved
        # ∂f/∂θ_p on the grid at every step: constant 1 for an offset
        grad_p = np.concatenate([np.asarray(core.jacobian(ex.f, th, ex.grid))[:, p] for th in traj.thetas])

        self.kernel_axes = self.build_kernel_axes(k)
        self.kernel_colors = [gradient_color(t, steps) for t in range(steps + 1)]
        self.kernel_curves = [self.kernel_curve(k[t], self.kernel_colors[t]) for t in range(steps + 1)]

        # Step: title card
        self.play_title_card(ex.title, spec.latex)

        # Step: the two panels, the function at t = 0, x' = 10 marked in both
        head = self.heading(self.heading_text)
        f_labels = self.axis_labels("f(x)")
        k_labels = VGroup(
            ty.math("x", size=ty.CAPTION_SIZE + 4).next_to(self.kernel_axes.frame_x.get_right(), RIGHT,
                                                           buff=0.15),
            ty.math(rf"\tilde k(x, {fmt_g(x_obs)}) \,/\, \tilde k({fmt_g(x_obs)}, {fmt_g(x_obs)})",
                    size=ty.CAPTION_SIZE).next_to(self.kernel_axes.frame_y.get_top(), UP, buff=0.12)
            .align_to(self.kernel_axes.frame_y, LEFT),
        )
        f_marker = self.x_obs_marker(self.axes, x_obs)
        k_marker = self.x_obs_marker(self.kernel_axes, x_obs)
        obs_label = ty.text(f"x′ = {fmt_g(x_obs)}", size=ty.LABEL_SIZE, color=palette.OBSERVATION)
        obs_label.next_to(f_marker, RIGHT, buff=0.1).align_to(f_marker, UP)
        self.play(FadeIn(head), FadeIn(self.axes), FadeIn(f_labels), run_time=1.0)
        self.play(LaggedStart(*[FadeIn(dot, scale=0.5) for dot in self.dots], lag_ratio=0.04),
                  FadeIn(f_marker), FadeIn(obs_label), run_time=1.4)
        counter = self.step_counter(0, steps, traj.f[0, i_obs], x_obs)
        self.play(FadeIn(counter), run_time=0.5)
        self.say(f"{self.model_phrase}, trained by gradient ascent on f({fmt_g(x_obs)}):\n"
                 f"θ ← θ + {fmt_g(ex.ascent_lr)}·∇θ f({fmt_g(x_obs)}), {steps} steps. No target y: just push f({fmt_g(x_obs)}) up.")
        self.wait(3.5)

        # Step: the kernel of the first step
        self.play(FadeIn(self.kernel_axes), FadeIn(k_labels), FadeIn(k_marker), run_time=0.8)
        self.play(Create(self.kernel_curves[0]), run_time=1.2)
        self.say(f"Right: the kernel of the step, k̃(x, {fmt_g(x_obs)}), divided by its value at x = {fmt_g(x_obs)}:\n"
                 f"how much each f(x) moves when f({fmt_g(x_obs)}) moves by 1.")
        self.wait(3.5)

        # Step: train, step by step; keep every kernel curve, the older ones faded
        ghosts = self.dots.copy().set_color(palette.MOVED_DOT).set_opacity(0.45)
        ghost_label = ty.text("f at t = 0", size=ty.LABEL_SIZE, color=palette.MOVED_DOT)
        ghost_label.next_to(self.c2p(ex.grid[-1], self.axes.y_range[0]), UP, buff=0.4).align_to(ghosts, RIGHT)
        self.add(ghosts)
        self.bring_to_front(self.dots)
        self.play(FadeIn(ghost_label), run_time=0.4)
        self.say("Each step moves the dots, and the kernel is drawn again\n"
                 f"from the new θ: purple at t = 0, orange at t = {steps}.")
        for t in range(1, steps + 1):
            target = [self.c2p(x, y) for x, y in zip(ex.grid, traj.f[t])]
            new_counter = self.step_counter(t, steps, traj.f[t, i_obs], x_obs)
            run_time = 1.0 if t <= 3 else 0.65
            # the counter is swapped at once (a counter ticks; it does not fade)
            self.remove(counter)
            self.add(new_counter)
            counter = new_counter
            self.play(
                *[dot.animate.move_to(pt) for dot, pt in zip(self.dots, target)],
                self.kernel_curves[t - 1].animate.set_stroke(opacity=self.old_curve_opacity, width=3),
                Create(self.kernel_curves[t]),
                run_time=run_time,
            )
            self.wait(0.15)
        self.wait(1.0)

        # Step: compare the first and the last kernel
        middle = self.kernel_curves[1:steps]
        first, last = self.kernel_curves[0], self.kernel_curves[steps]
        first_label = ty.text("t = 0", size=ty.LABEL_SIZE, color=self.kernel_colors[0], weight="BOLD")
        last_label = ty.text(f"t = {steps}", size=ty.LABEL_SIZE, color=self.kernel_colors[steps], weight="BOLD")
        self.place_step_labels(first_label, last_label, k)
        self.play(*[FadeOut(c) for c in middle],
                  first.animate.set_stroke(opacity=1, width=5), last.animate.set_stroke(width=5),
                  FadeIn(first_label), FadeIn(last_label), run_time=1.2)
        self.say(spread_sentence(spread, steps))
        self.wait(4.0)
        name = spec.param_names[p] if spec.param_names else f"θ{p + 1}"
        symbol = name.split()[0]
        if np.ptp(grad_p) < 1e-12:
            why = (f"∂f/∂{symbol} = {fmt_g(grad_p[0])} at every x, so each step adds "
                   f"{fmt_g(ex.ascent_lr * grad_p[0])} to it and lifts all of f alike.")
        else:  # a model of your own: say what the numbers show about ∂f(x')/∂θ along the way
            g_obs = np.stack([np.asarray(core.param_grad(ex.f, th, x_obs)).ravel() for th in traj.thetas[:-1]])
            largest = bool(np.all(np.argmax(np.abs(g_obs), axis=1) == p))
            why = (f"∂f({fmt_g(x_obs)})/∂{symbol} was the largest gradient at every one of the {steps} steps."
                   if largest else
                   f"Its {steps} steps of {fmt_g(ex.ascent_lr)}·∂f({fmt_g(x_obs)})/∂{symbol} add up to the "
                   "largest change.")
        self.say(f"The parameter that moved most is {name}: "
                 f"{fmt(thetas[0, p], 1)} → {fmt(thetas[-1, p], 1)}.\n{why}")
        self.wait(4.0)

    def place_step_labels(self, first_label, last_label, k):
        """Put "t = 0" by the first kernel's peak and "t = T" above the last kernel's right end."""
        ex = self.example
        first_label.next_to(self.kernel_axes.c2p(ex.grid[int(np.argmax(k[0]))], k[0].max()), UL, buff=0.08)
        last_label.next_to(self.kernel_axes.c2p(ex.grid[-1], k[-1, -1]), UP, buff=0.12).shift(0.3 * LEFT)

    def step_counter(self, t: int, steps: int, f_obs: float, x_obs: float) -> VGroup:
        """"step t / T   f(10) = …" in the top-right corner (a fresh Text each step)."""
        group = VGroup(
            ty.text(f"step {t} / {steps}", size=ty.CAPTION_SIZE),
            ty.text(f"f({fmt_g(x_obs)}) = {fmt(f_obs, 2)}", size=ty.CAPTION_SIZE),
        ).arrange(RIGHT, buff=0.5)
        return group.to_corner(UR, buff=0.3)
