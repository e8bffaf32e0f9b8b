"""Example 5's story for any example with a training trajectory: gradient ascent on f(x'); left,
the dots of f move step by step; right, the finite-step kernel of every step, over its value at x',
from purple (t = 0) to orange (the last step).

Used by the training chapter and by the your-own-model training chapter (composition: each makes a
:class:`TrainingStory` for its scene, with its own axes ranges and label placement).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from manim import (
    LEFT, RIGHT, UP, UR, Create, FadeIn, FadeOut, LaggedStart, VGroup, VMobject,
)

from ntkcore import core

from scenes.formatting import fmt, fmt_g
from scenes.widgets import smooth_curve, vertical_marker


def spread_sentence(spread, steps: int) -> str:
    """How the kernel's spread (max − min) changed from t = 0 to the last step, in words."""
    change = "got flatter: its spread (max − min) fell" if spread[steps] < spread[0] else \
        "got steeper: its spread (max − min) rose"
    return (f"The kernel {change}\n"
            f"from {fmt(spread[0], 2)} at t = 0 to {fmt(spread[steps], 2)} at t = {steps}.")


class TrainingStory:
    """The training chapter's animation, drawn into ``scene`` (an ExampleScene whose axes hold f at
    every step).

    ``kernel_range(k)`` gives the kernel plot's ``(lo, hi, step)`` for the normalized kernels ``k``
    (T+1, n); ``place_step_labels(first, last, k)`` places the "t = 0" / "t = T" labels.
    """

    old_curve_opacity = 0.5

    def __init__(self, scene, heading_text: str, model_phrase: str, kernel_range: Callable,
                 place_step_labels: Callable, kernel_size=(5.4, 4.6), kernel_center=(3.7, 0.05, 0.0),
                 kernel_decimals: int | None = 1):
        self.scene = scene
        self.heading_text, self.model_phrase = heading_text, model_phrase
        self.kernel_range, self.place_step_labels = kernel_range, place_step_labels
        self.kernel_size, self.kernel_center, self.kernel_decimals = kernel_size, kernel_center, kernel_decimals

    def build_kernel_axes(self, k: np.ndarray):
        sc = self.scene
        lo, hi = sc.example.x_range
        y_range = self.kernel_range(k)
        if self.kernel_decimals is None:
            return sc.labelled_axes((lo, hi, sc.x_tick), y_range, self.kernel_size, self.kernel_center)
        return sc.framed((lo, hi, sc.x_tick), y_range, self.kernel_size, self.kernel_center,
                         decimals=self.kernel_decimals)

    def kernel_curve(self, values, color: str) -> VMobject:
        """A smooth curve whose anchors are exactly the grid points (x, k̃(x))."""
        sc = self.scene
        return smooth_curve(sc.kernel_axes, sc.example.grid, values, color)

    def x_obs_marker(self, axes, x_obs):
        return vertical_marker(axes, x_obs, self.scene.theme.observation)

    def play(self):
        sc = self.scene
        ex = sc.example
        spec = ex.model_spec
        x_obs = ex.observation[0]
        i_obs = ex.obs_index
        steps = ex.steps
        traj = ex.trajectory()
        k = ex.kernels_normalized()                      # (steps + 1, n)
        spread = k.max(axis=1) - k.min(axis=1)
        thetas = np.asarray([np.asarray(th) for th in traj.thetas])
        moved = np.abs(thetas[-1] - thetas[0])
        sc.most_moved = int(np.argmax(moved))
        p = sc.most_moved
        # ∂f/∂θ_p on the grid at every step: constant 1 for an offset
        grad_p = np.concatenate([np.asarray(core.jacobian(ex.f, th, ex.grid))[:, p] for th in traj.thetas])

        sc.kernel_axes = self.build_kernel_axes(k)
        sc.kernel_colors = [sc.theme.training_color(t, steps) for t in range(steps + 1)]
        sc.kernel_curves = [self.kernel_curve(k[t], sc.kernel_colors[t]) for t in range(steps + 1)]

        # Step: title card
        sc.play_title_card(ex.title, spec.latex)

        # Step: the two panels, the function at t = 0, x' = 10 marked in both
        head = sc.heading(self.heading_text)
        f_labels = sc.axis_labels("f(x)")
        k_labels = VGroup(
            sc.ty.math("x", size=sc.ty.CAPTION_SIZE + 4).next_to(sc.kernel_axes.frame_x.get_right(), RIGHT,
                                                           buff=0.15),
            sc.ty.math(rf"\tilde k(x, {fmt_g(x_obs)}) \,/\, \tilde k({fmt_g(x_obs)}, {fmt_g(x_obs)})",
                    size=sc.ty.CAPTION_SIZE).next_to(sc.kernel_axes.frame_y.get_top(), UP, buff=0.12)
            .align_to(sc.kernel_axes.frame_y, LEFT),
        )
        f_marker = self.x_obs_marker(sc.axes, x_obs)
        k_marker = self.x_obs_marker(sc.kernel_axes, x_obs)
        obs_label = sc.ty.text(f"x′ = {fmt_g(x_obs)}", size=sc.ty.LABEL_SIZE, color=sc.theme.observation)
        obs_label.next_to(f_marker, RIGHT, buff=0.1).align_to(f_marker, UP)
        sc.play(FadeIn(head), FadeIn(sc.axes), FadeIn(f_labels), run_time=1.0)
        sc.play(LaggedStart(*[FadeIn(dot, scale=0.5) for dot in sc.dots], lag_ratio=0.04),
                  FadeIn(f_marker), FadeIn(obs_label), run_time=1.4)
        counter = self.step_counter(0, steps, traj.f[0, i_obs], x_obs)
        sc.play(FadeIn(counter), run_time=0.5)
        sc.say(f"{self.model_phrase}, trained by gradient ascent on f({fmt_g(x_obs)}):\n"
                 f"θ ← θ + {fmt_g(ex.ascent_lr)}·∇θ f({fmt_g(x_obs)}), {steps} steps. No target y: just push f({fmt_g(x_obs)}) up.")
        sc.wait(3.5)

        # Step: the kernel of the first step
        sc.play(FadeIn(sc.kernel_axes), FadeIn(k_labels), FadeIn(k_marker), run_time=0.8)
        sc.play(Create(sc.kernel_curves[0]), run_time=1.2)
        sc.say(f"Right: the kernel of the step, k̃(x, {fmt_g(x_obs)}), divided by its value at x = {fmt_g(x_obs)}:\n"
                 f"how much each f(x) moves when f({fmt_g(x_obs)}) moves by 1.")
        sc.wait(3.5)

        # Step: train, step by step; keep every kernel curve, the older ones faded
        ghosts = sc.dots.copy().set_color(sc.theme.moved_dot).set_opacity(0.45)
        ghost_label = sc.ty.text("f at t = 0", size=sc.ty.LABEL_SIZE, color=sc.theme.moved_dot)
        ghost_label.next_to(sc.c2p(ex.grid[-1], sc.axes.y_range[0]), UP, buff=0.4).align_to(ghosts, RIGHT)
        sc.add(ghosts)
        sc.bring_to_front(sc.dots)
        sc.play(FadeIn(ghost_label), run_time=0.4)
        sc.say("Each step moves the dots, and the kernel is drawn again\n"
                 f"from the new θ: purple at t = 0, orange at t = {steps}.")
        for t in range(1, steps + 1):
            target = [sc.c2p(x, y) for x, y in zip(ex.grid, traj.f[t])]
            new_counter = self.step_counter(t, steps, traj.f[t, i_obs], x_obs)
            run_time = 1.0 if t <= 3 else 0.65
            # the counter is swapped at once (a counter ticks; it does not fade)
            sc.remove(counter)
            sc.add(new_counter)
            counter = new_counter
            sc.play(
                *[dot.animate.move_to(pt) for dot, pt in zip(sc.dots, target)],
                sc.kernel_curves[t - 1].animate.set_stroke(opacity=self.old_curve_opacity, width=3),
                Create(sc.kernel_curves[t]),
                run_time=run_time,
            )
            sc.wait(0.15)
        sc.wait(1.0)

        # Step: compare the first and the last kernel
        middle = sc.kernel_curves[1:steps]
        first, last = sc.kernel_curves[0], sc.kernel_curves[steps]
        first_label = sc.ty.text("t = 0", size=sc.ty.LABEL_SIZE, color=sc.kernel_colors[0], weight="BOLD")
        last_label = sc.ty.text(f"t = {steps}", size=sc.ty.LABEL_SIZE, color=sc.kernel_colors[steps], weight="BOLD")
        self.place_step_labels(first_label, last_label, k)
        sc.play(*[FadeOut(c) for c in middle],
                  first.animate.set_stroke(opacity=1, width=5), last.animate.set_stroke(width=5),
                  FadeIn(first_label), FadeIn(last_label), run_time=1.2)
        sc.say(spread_sentence(spread, steps))
        sc.wait(4.0)
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
        sc.say(f"The parameter that moved most is {name}: "
                 f"{fmt(thetas[0, p], 1)} → {fmt(thetas[-1, p], 1)}.\n{why}")
        sc.wait(4.0)

    def step_counter(self, t: int, steps: int, f_obs: float, x_obs: float) -> VGroup:
        sc = self.scene
        """"step t / T   f(10) = …" in the top-right corner (a fresh Text each step)."""
        group = VGroup(
            sc.ty.text(f"step {t} / {steps}", size=sc.ty.CAPTION_SIZE),
            sc.ty.text(f"f({fmt_g(x_obs)}) = {fmt(f_obs, 2)}", size=sc.ty.CAPTION_SIZE),
        ).arrange(RIGHT, buff=0.5)
        return group.to_corner(UR, buff=0.3)
