"""Closing — the five lessons, one line each, then the references and the licence.

Each lesson carries a number the video computed (from ntkcore, like every number on screen).

Render:  manim -pql scenes/ch12_closing.py Closing
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, VGroup

from ntkcore.facts import kernel_at_origin
from ntkcore.kernel_shares import example_step_kernels

from scenes import runtime
from scenes.base import ChapterScene, fit_width
from scenes.formatting import fmt, fmt_g

REFERENCES = (   # (who, when and where; what) — two lines each
    ("F. Huszár, inFERENCe (blog), 2020", "Some Intuition on the Neural Tangent Kernel"),
    ("A. Jacot, F. Gabriel, C. Hongler, NeurIPS 2018",
     "Neural Tangent Kernel: Convergence and Generalization in Neural Networks"),
    ("J. Lee, L. Xiao, S. Schoenholz et al., NeurIPS 2019",
     "Wide Neural Networks of Any Depth Evolve as Linear Models Under Gradient Descent"),
    ("R. M. Neal, University of Toronto tech. report, 1994", "Priors for Infinite Networks"),
    ("J. Lee, Y. Bahri, R. Novak et al., ICLR 2018", "Deep Neural Networks as Gaussian Processes"),
    ("E. Dyer, G. Gur-Ari, ICLR 2020", "Asymptotics of Wide Networks from Feynman Diagrams"),
)
LICENCE = "ntk-explainer: MIT licence. Made with Manim Community Edition and JAX."


class Closing(ChapterScene):

    def lessons(self) -> list[tuple[str, str, str]]:
        """``(line on screen, caption, narration)`` for each lesson, with the numbers the chapters showed."""
        lin, rep, tr = (self.example_for(n) for n in ("linear", "reparametrized", "training"))
        k = example_step_kernels(tr)            # what chapter 6 draws
        spread = k.max(axis=1) - k.min(axis=1)
        slope = float(runtime.experiment("init_band")["spread_slope"])
        c_lin, c_rep = kernel_at_origin(lin), kernel_at_origin(rep)
        return [
            ("One gradient step at x′ moves every f(x) by η·k(x, x′)",
             "1. A gradient step on one point moves f everywhere,\nin proportion to the neural tangent kernel.",
             "First: one gradient step on one data point moves the whole function, and how much it moves "
             "at each x is the neural tangent kernel, times the step size."),
            (f"The kernel depends on the parametrization: x·x′ + {fmt_g(c_lin)} vs x·x′ + {fmt_g(c_rep)}",
             "2. Same function, same data: a different parametrization\ngives a different kernel, and a different step.",
             f"Second: the kernel belongs to the parametrization, not to the function. The same line gave "
             f"x times x prime plus {fmt_g(c_lin)}, or plus {fmt_g(c_rep)}."),
            (f"A small network's kernel changes as it trains: spread {fmt(spread[0], 2)} → {fmt(spread[-1], 2)}",
             f"3. For a nonlinear model the kernel moves during training\n(Example 5: {tr.steps} steps).",
             f"Third: for a nonlinear model the kernel moves as it trains. In Example 5 its spread fell from "
             f"{fmt(spread[0], 2)} to {fmt(spread[-1], 2)} in {tr.steps} steps."),
            (f"Wide networks: one fixed kernel (seed spread ∝ width^{fmt(slope, 2)})",
             "4. As width grows the kernel stops depending on the seed and stops moving:\n"
             "training becomes kernel gradient descent.",
             f"Fourth: as networks get wider, the kernel stops depending on the random start, its spread "
             f"shrinking like width to the power {fmt(slope, 2)}, and stops moving. Training becomes kernel "
             "gradient descent with a fixed kernel."),
            ("Trained wide networks form the NTK Gaussian process, not the NNGP posterior",
             "5. Gradient descent is not Bayesian inference with the network's prior:\ndon't mix your kernels.",
             "And fifth: over random starts, trained wide networks form a Gaussian process, but not the "
             "posterior of the network's own prior. Don't mix your kernels."),
        ]

    def construct(self):
        lessons = self.lessons()

        # Step: title card
        self.play_title_card("What we saw", bridge="Five lessons, then where to read more.",
                             narration="What we saw, in five lessons, and where to read more.")

        # Step: the five lessons, one line each
        head = self.heading("Five lessons")
        rows = VGroup(*[VGroup(self.ty.text(f"{n}", size=self.ty.CAPTION_SIZE, weight="BOLD",
                                            color=self.theme.observation),
                               self.ty.text(line, size=self.ty.CAPTION_SIZE - 2)).arrange(RIGHT, buff=0.3)
                        for n, (line, _, _) in enumerate(lessons, 1)])
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.38)
        fit_width(rows, 12.6).move_to(0.75 * UP)
        self.play(FadeIn(head), run_time=0.5)
        for row, (_, caption, spoken) in zip(rows, lessons):
            with self.step(caption, narration=spoken):
                self.play(FadeIn(row, shift=0.1 * RIGHT), run_time=0.6)

        # Step: references and licence
        self._end_caption()
        self.play(FadeOut(rows), FadeOut(head), run_time=0.6)
        refs_head = self.heading("References")
        refs = VGroup(*[VGroup(self.ty.text(who, size=self.ty.LABEL_SIZE, weight="BOLD"),
                               self.ty.text(what, size=self.ty.LABEL_SIZE, slant="ITALIC"))
                        .arrange(DOWN, aligned_edge=LEFT, buff=0.06) for who, what in REFERENCES])
        refs.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        licence = self.ty.text(LICENCE, size=self.ty.LABEL_SIZE, color=self.theme.axis)
        block = VGroup(refs, licence).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        fit_width(block, 12.8).next_to(refs_head, DOWN, buff=0.25).align_to(refs_head, LEFT).shift(0.3 * RIGHT)
        with self.step("Read more: the post, the papers it builds on,\nand the code of this video.",
                       narration="To read more: Ferenc Huszár's post, the neural tangent kernel paper of Jacot, "
                                 "Gabriel and Hongler, the wide-network results of Lee and colleagues, Neal's "
                                 "infinite networks, and Dyer and Gur-Ari. The code of this video is open source, "
                                 "under the MIT licence."):
            self.play(FadeIn(refs_head), FadeIn(block), run_time=1.0)
