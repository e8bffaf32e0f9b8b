"""Opening — the question, what the viewer will see, and whose ideas these are.

One gradient step on one data point moves a model's prediction everywhere: by how much is a
kernel, the neural tangent kernel.  The preview is Example 4's step (numbers from ntkcore).

Render:  manim -pql scenes/ch0_opening.py Opening
"""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, GrowArrow, LaggedStart, VGroup, Write

from ntkcore.step_facts import first_order_gap

from scenes.base import ExampleScene, fit_width
from scenes.formatting import fmt, fmt_g, percent
from scenes.widgets import red_arrow

#: What the viewer will see, in the order of ``pipeline.chapters.CHAPTERS`` (a test checks it):
#: each row names the chapters it covers.
ROADMAP = (
    ("Examples 1–2: a lookup table, a line; one data point moves f.", ("lookup_table", "linear")),
    ("The neural tangent kernel, defined from those moves.", ("ntk_definition",)),
    ("Examples 3–5: a reparametrized line, an RBF network, and\n"
     "the kernel changing while that network trains.", ("reparametrized", "rbf", "training")),
    ("Wide networks: a fixed kernel, and kernel gradient descent.", ("wide_init", "wide_training", "kernel_gd")),
    ("Many networks: two Gaussian processes, the NNGP and the NTK.", ("gp_over_time", "nngp_vs_ntk")),
)

#: The two places where we read the post one way where it prints another (ntkcore/examples.py).
READINGS = ("Two readings of the post: Example 1 uses θₓ = 3x + 1 (the post prints 3i + 2),\n"
            "Example 4's θ is read centre-first (the post prints it amplitude-first).")


class Opening(ExampleScene):
    example_name = "rbf"              # the preview: Example 4's step
    y_range = (38, 56, 2)
    axes_size = (6.6, 3.7)
    axes_center = (-3.1, 0.55, 0.0)
    dot_radius = 0.05

    def construct(self):
        ex = self.example
        x_obs, y_obs = ex.observation
        f0, d = ex.values(), ex.displacement()
        eta = ex.step_eta()               # the push along ∇θ f(x′) that this GD step is: Δf ≈ η·k
        arrows = self.build_arrows(f0, d)
        self.arrows = arrows
        x_s, y_s, eta_s = fmt_g(x_obs), fmt_g(y_obs), fmt(eta, 3)
        gap = first_order_gap(ex)         # max |Δf − η·k| over the largest arrow
        rough = gap >= 0.01               # a visibly finite step (Example 4 at lr 0.1: 9 %)

        # Step: title card
        self.play_title_card("Some intuition on the\nneural tangent kernel",
                             bridge="An animated companion to Ferenc Huszár's blog post\n"
                                    "(inFERENCe, 2020)",
                             narration="Some intuition on the neural tangent kernel: an animated companion to "
                                       "Ferenc Huszár's blog post from 2020.")

        # Step: the question, on Example 4's step; the cross and the arrows named
        obs_label = self.ty.text(f"observation ({x_s}, {y_s})", size=self.ty.LABEL_SIZE,
                                 color=self.theme.observation).next_to(self.cross, UP, buff=0.2)
        key_arrow = red_arrow(LEFT * 0.3, RIGHT * 0.3, self.theme.arrow, stroke_width=4, tip_length=0.14)
        self.arrow_key = VGroup(key_arrow, self.ty.text(f"one gradient step at x′ = {x_s}:\nΔf(x) at every x",
                                                        size=self.ty.LABEL_SIZE, line_spacing=0.9)).arrange(RIGHT, buff=0.15)
        plot_right = self.axes.c2p(ex.x_range[1], y_obs)[0]
        self.arrow_key.move_to([plot_right + 0.7, self.axes.c2p(x_obs, self.axes.y_range[1])[1], 0],
                               aligned_edge=LEFT + UP)
        preview = VGroup(self.axes, self.axis_labels(), self.dots, self.cross, obs_label)
        with self.step("Train a model on one data point.\nHow does its prediction move everywhere else?",
                       narration=f"Take a model and one observation, the blue cross at x = {x_s}. One step of "
                                 "gradient descent pulls the prediction there towards the data. But the red "
                                 "arrows show that the prediction moves everywhere else too. By how much?"):
            self.play(FadeIn(preview), run_time=1.0)
            self.play(LaggedStart(*[GrowArrow(a) for a in arrows.values()], lag_ratio=0.03),
                      FadeIn(self.arrow_key), run_time=1.5)

        # Step: the answer is a kernel
        self.kernel_tex = self.ty.math(r"k(x, x') = \big\langle \nabla_\theta f(x),\ "
                                       r"\nabla_\theta f(x') \big\rangle", size=self.ty.CAPTION_SIZE + 4)
        self.kernel_tex.next_to(self.arrow_key, DOWN, buff=0.6).align_to(self.arrow_key, LEFT)
        self.step_note = VGroup(
            self.ty.text("For a small step, each red arrow", size=self.ty.LABEL_SIZE),
            self.ty.math(r"\Delta f(x) \approx \eta\, k(x, x')", size=self.ty.CAPTION_SIZE + 4),
            self.ty.text(f"x′ = {x_s}, η = {eta_s} here: "
                         + (f"not small:\nthe arrows differ from η·k by up to\n{percent(gap)} of the largest"
                            if rough else f"the arrows\nmatch η·k to within {percent(max(gap, 0.001))}\n"
                                          "of the largest"),
                         size=self.ty.LABEL_SIZE, color=self.theme.axis, line_spacing=0.9),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        self.step_note.next_to(self.kernel_tex, DOWN, buff=0.45).align_to(self.kernel_tex, LEFT)
        with self.step("The answer is a kernel: the neural tangent kernel\n"
                       "(Jacot, Gabriel & Hongler, 2018).",
                       narration="The answer is a kernel, the neural tangent kernel of Jacot, Gabriel and "
                                 "Hongler: the inner product of the gradients of f at two inputs. For a small "
                                 f"step, each arrow is about eta times the kernel, with x prime = {x_s}. "
                                 + (f"The step here is a finite one, eta = {eta_s}: the arrows differ from eta "
                                    f"times k by up to {percent(gap)} of the largest arrow." if rough else
                                    f"Here eta = {eta_s}, and the arrows match eta times k to within "
                                    f"{percent(max(gap, 0.001))} of the largest arrow.")):
            self.play(Write(self.kernel_tex), run_time=1.4)
            self.play(FadeIn(self.step_note), run_time=0.6)

        # Step: what the viewer will see, in the order of the chapters
        head = self.heading("What you will see")
        rows = VGroup(*[VGroup(self.ty.text(str(n), size=self.ty.CAPTION_SIZE, weight="BOLD"),
                               self.ty.text(t, size=self.ty.CAPTION_SIZE)).arrange(RIGHT, buff=0.3,
                                                                                    aligned_edge=UP)
                        for n, (t, _) in enumerate(ROADMAP, start=1)])
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.26)
        fit_width(rows, 12.4).next_to(head, DOWN, buff=0.35).align_to(head, LEFT).shift(0.5 * RIGHT)
        self.roadmap = rows
        shown = (preview, self.kernel_tex, self.step_note, self.arrow_key, *arrows.values())
        with self.step("Five small models, the kernel defined after the second;\n"
                       "then what happens as networks get wide.",
                       narration="We start with two small models from the post, where every number can be "
                                 "checked by hand, and define the kernel from them. Three more small models "
                                 "follow, the last one watching the kernel change during training. Then we "
                                 "see what happens when networks get very wide: a fixed kernel, kernel "
                                 "gradient descent, and two different Gaussian processes."):
            self.play(*[FadeOut(m) for m in shown], run_time=0.5)
            self.play(FadeIn(head), LaggedStart(*[FadeIn(r, shift=0.1 * RIGHT) for r in rows], lag_ratio=0.25),
                      run_time=2.5)

        # Step: credits, and the two readings of the post
        self.readings = self.ty.text(READINGS, size=self.ty.LABEL_SIZE, color=self.theme.highlight,
                                     line_spacing=0.9)
        credit = VGroup(
            self.ty.text("Based on F. Huszár, “Some Intuition on the Neural Tangent Kernel”,", size=self.ty.LABEL_SIZE),
            self.ty.text("inFERENCe, 2020 — and on Jacot, Gabriel & Hongler, NeurIPS 2018.",
                         size=self.ty.LABEL_SIZE),
            self.readings,
            self.ty.text("Every number on screen is computed (JAX, float64), not drawn by hand.",
                         size=self.ty.LABEL_SIZE, color=self.theme.axis),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        fit_width(credit, 12.4).next_to(rows, DOWN, buff=0.35).align_to(rows, LEFT)
        with self.step("The examples are the post's (two readings noted);\n"
                       "the wide networks are computed here.",
                       narration="The examples are Ferenc Huszár's, with two readings we fix: the lookup table "
                                 "starts at theta x = 3x + 1, where the post prints 3i + 2, so that Example 2 "
                                 "is the same function, and Example 4's parameters are read centre first, "
                                 "where the post prints the amplitude first. The wide-network results are "
                                 "computed for this video, and every number you will see is computed, not "
                                 "drawn by hand."):
            self.play(FadeIn(credit), run_time=0.8)
