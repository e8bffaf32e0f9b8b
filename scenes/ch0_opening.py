"""Opening — the question, what the viewer will see, and whose ideas these are.

One gradient step on one data point moves a model's prediction everywhere: by how much is a
kernel, the neural tangent kernel.  The preview is Example 4's step (numbers from ntkcore).

Render:  manim -pql scenes/ch0_opening.py Opening
"""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, GrowArrow, LaggedStart, VGroup, Write

from scenes.base import ExampleScene, fit_width
from scenes.formatting import fmt_g

ROADMAP = (
    ("1", "Five small models: one data point moves f, and a kernel says how."),
    ("2", "The neural tangent kernel, defined from those moves."),
    ("3", "The kernel changes while a small network trains."),
    ("4", "Wide networks: a fixed kernel, and kernel gradient descent."),
    ("5", "Many networks: two Gaussian processes, the NNGP and the NTK."),
)


class Opening(ExampleScene):
    example_name = "rbf"              # the preview: Example 4's step
    y_range = (38, 56, 2)
    axes_size = (5.6, 3.0)
    axes_center = (-3.4, 0.6, 0.0)
    dot_radius = 0.045

    def construct(self):
        ex = self.example
        x_obs, y_obs = ex.observation
        f0, d = ex.values(), ex.displacement()
        arrows = self.build_arrows(f0, d)

        # Step: title card
        self.play_title_card("Some intuition on the\nneural tangent kernel",
                             bridge="An animated companion to Ferenc Huszár's blog post\n"
                                    "(inFERENCe, 2020)",
                             narration="Some intuition on the neural tangent kernel: an animated companion to "
                                       "Ferenc Huszár's blog post from 2020.")

        # Step: the question, on Example 4's step
        preview = VGroup(self.axes, self.axis_labels(), self.dots, self.cross)
        with self.step("Train a model on one data point.\nHow does its prediction move everywhere else?",
                       narration=f"Take a model and one observation, at x = {fmt_g(x_obs)}. One step of gradient "
                                 "descent pulls the prediction there towards the data. But the red arrows show "
                                 "that the prediction moves everywhere else too. By how much?"):
            self.play(FadeIn(preview), run_time=1.0)
            self.play(LaggedStart(*[GrowArrow(a) for a in arrows.values()], lag_ratio=0.03), run_time=1.5)

        # Step: the answer is a kernel
        kernel = self.ty.math(r"k(x, x') = \Big\langle \frac{\partial f(x)}{\partial \theta},\ "
                              r"\frac{\partial f(x')}{\partial \theta} \Big\rangle", size=self.ty.CAPTION_SIZE + 6)
        kernel.next_to(self.axes, RIGHT, buff=0.9).shift(0.2 * UP)
        step_note = self.ty.text(f"one gradient step at x′ = {fmt_g(x_obs)}:\n"
                                 "each red arrow ∝ k(x, x′)", size=self.ty.LABEL_SIZE, line_spacing=0.9)
        step_note.next_to(kernel, DOWN, buff=0.45)
        with self.step("The answer is a kernel: the neural tangent kernel\n"
                       "(Jacot, Gabriel & Hongler, 2018).",
                       narration="The answer is a kernel, the neural tangent kernel of Jacot, Gabriel and "
                                 "Hongler: the inner product of the gradients of f at two inputs. Each arrow is "
                                 "proportional to it."):
            self.play(Write(kernel), run_time=1.4)
            self.play(FadeIn(step_note), run_time=0.6)

        # Step: what the viewer will see
        self.play(*[m.animate.set_opacity(0) for m in (preview, kernel, step_note, *arrows.values())], run_time=0.5)
        self.remove(preview, kernel, step_note, *arrows.values())
        head = self.heading("What you will see")
        rows = VGroup(*[VGroup(self.ty.text(n, size=self.ty.CAPTION_SIZE, weight="BOLD",
                                            color=self.theme.observation),
                               self.ty.text(t, size=self.ty.CAPTION_SIZE)).arrange(RIGHT, buff=0.3)
                        for n, t in ROADMAP])
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.32)
        fit_width(rows, 12.4).move_to(1.25 * UP)
        with self.step("Five small models first, then what happens\nas networks get wide.",
                       narration="We start with five small models from the post, where every number can be "
                                 "checked by hand. Then we define the kernel, watch it change during training, "
                                 "and see what happens when networks get very wide: a fixed kernel, kernel "
                                 "gradient descent, and two different Gaussian processes."):
            self.play(FadeIn(head), LaggedStart(*[FadeIn(r, shift=0.1 * RIGHT) for r in rows], lag_ratio=0.25),
                      run_time=2.5)

        # Step: credits
        credit = VGroup(
            self.ty.text("Based on F. Huszár, “Some Intuition on the Neural Tangent Kernel”,", size=self.ty.LABEL_SIZE),
            self.ty.text("inFERENCe, 2020 — and on Jacot, Gabriel & Hongler, NeurIPS 2018.",
                         size=self.ty.LABEL_SIZE),
            self.ty.text("Every number on screen is computed (JAX, float64), not drawn by hand.",
                         size=self.ty.LABEL_SIZE, color=self.theme.axis),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        fit_width(credit, 12.4).next_to(rows, DOWN, buff=0.45).align_to(rows, LEFT)
        with self.step("The examples are the post's;\nthe wide networks are computed here.",
                       narration="The examples are Ferenc Huszár's. The wide-network results are computed for "
                                 "this video, and every number you will see is computed, not drawn by hand."):
            self.play(FadeIn(credit), run_time=0.8)
