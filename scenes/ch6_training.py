"""Chapter 6 — Example 5: the kernel changes as we train.

Fifteen gradient-ascent steps on f(10) for the RBF model of Example 4.  Left: the dots of f move
step by step.  Right: the finite-step kernel k̃(x, 10) of every step, divided by its value at
x = 10, one curve per step from purple (t = 0) to orange (the last step).  It gets flatter.

Render:  manim -pql scenes/ch6_training.py KernelDuringTraining
"""

from __future__ import annotations

import numpy as np
from manim import LEFT, UL, UP

from scenes.base import ExampleScene
from scenes.components.training import TrainingStory
from scenes.ranges import whole_ticks


class KernelDuringTraining(ExampleScene):
    example_name = "training"
    # Two panels side by side: the function on the left, the kernel on the right.
    y_range = (35, 75, 5)              # widened automatically to every f of the trajectory
    axes_size = (5.4, 4.6)
    axes_center = (-3.45, 0.05, 0.0)
    kernel_y_range = (-0.5, 1.25, 0.25)  # kernel units; widened to whole ticks if needed
    kernel_size = (5.4, 4.6)
    kernel_center = (3.7, 0.05, 0.0)
    heading_text = "Example 5: training"       # top-left corner
    model_phrase = "Example 4's RBF model"     # "<model_phrase>, trained by gradient ascent on …"

    def display_y_range(self) -> tuple:
        """Room for f at every step of the trajectory, not only at θ0."""
        return whole_ticks(self.example.trajectory().f, self.y_range[2], within=self.y_range[:2])

    def kernel_display_range(self, k: np.ndarray) -> tuple:
        return whole_ticks(k, self.kernel_y_range[2], within=self.kernel_y_range[:2])

    def construct(self):
        TrainingStory(self, self.heading_text, self.model_phrase, self.kernel_display_range,
                      self.place_step_labels, self.kernel_size, self.kernel_center).play()

    def place_step_labels(self, first_label, last_label, k):
        """Put "t = 0" by the first kernel's peak and "t = T" above the last kernel's right end."""
        ex = self.example
        first_label.next_to(self.kernel_axes.c2p(ex.grid[int(np.argmax(k[0]))], k[0].max()), UL, buff=0.08)
        last_label.next_to(self.kernel_axes.c2p(ex.grid[-1], k[-1, -1]), UP, buff=0.12).shift(0.3 * LEFT)
