"""Closing — the five lessons, one line each, then the references and the licence.

Each lesson carries a number the video computed (from ntkcore, like every number on screen).

Render:  manim -pql scenes/ch12_closing.py Closing
"""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, VGroup

from ntkcore.facts import kernel_at_origin
from ntkcore.kernel_shares import example_ntk_kernels

from scenes import runtime
from scenes.base import ChapterScene, fit_width
from scenes.formatting import fmt, fmt_g, tex_num

REFERENCES = (   # (who, when and where; what) — two lines each
    ("F. Huszár, inFERENCe (blog), 2020", "Some Intuition on the Neural Tangent Kernel"),
    ("A. Jacot, F. Gabriel, C. Hongler, NeurIPS 2018",
     "Neural Tangent Kernel: Convergence and Generalization in Neural Networks"),
    ("J. Lee, L. Xiao, S. Schoenholz et al., NeurIPS 2019",
     "Wide Neural Networks of Any Depth Evolve as Linear Models Under Gradient Descent"),
    ("R. M. Neal, University of Toronto tech. report, 1994", "Priors for Infinite Networks"),
    ("J. Lee, Y. Bahri, R. Novak et al., ICLR 2018", "Deep Neural Networks as Gaussian Processes"),
    ("E. Dyer, G. Gur-Ari, ICLR 2020", "Asymptotics of Wide Networks from Feynman Diagrams"),
    ("B. He, B. Lakshminarayanan, Y. W. Teh, NeurIPS 2020", "Bayesian Deep Ensembles via the Neural Tangent Kernel"),
)
LICENCE = "ntk-explainer: MIT licence. Made with Manim Community Edition and JAX."


class Closing(ChapterScene):

    lesson_size = 28            # the lesson's words (ty.CAPTION_SIZE); its formula a little larger
    lessons_width = 13.2        # at most this wide (scaled down, never up, only if a setting stretches it)

    def lessons(self) -> list[tuple[str, str, str, str]]:
        """``(words, formula (TeX), caption, narration)`` for each lesson, with the numbers the
        chapters showed."""
        lin, rep, tr = (self.example_for(n) for n in ("linear", "reparametrized", "training"))
        k = example_ntk_kernels(tr)             # what chapter 6 draws: k(x, x′) / k(x′, x′) at each step
        self.kernel_range = k.max(axis=1) - k.min(axis=1)
        r0, r1 = self.kernel_range[0], self.kernel_range[-1]
        self.spread_slope = slope = float(runtime.experiment("init_band")["spread_slope"])
        self.change_slope = change = float(runtime.experiment("training_change")["rel_change_slope"])
        c_lin, c_rep = kernel_at_origin(lin), kernel_at_origin(rep)
        xo = tex_num(fmt_g(tr.observation[0]))
        within = change <= -0.5                 # the measured rate is inside the 1/√width bound
        bound_tex = r"\quad(\text{bound: }\mathrm{width}^{-1/2})" if within else ""
        return [
            ("One gradient step on one point, loss (f(x′) − y)², moves all of f:",
             r"\Delta f(x) \;\approx\; -2\,\mathrm{lr}\,\big(f(x') - y\big)\,k(x, x')",
             "1. A gradient step on one point moves f everywhere,\nin proportion to the neural tangent kernel.",
             "First: a gradient step on one data point, with the squared loss f of x prime minus y, squared, "
             "moves the whole function. To first order, each f of x moves by minus two times the learning rate, "
             "times the residual f of x prime minus y, times the neural tangent kernel k of x and x prime."),
            ("The kernel belongs to the parametrization, not the function:",
             rf"k(x, x') = x\,x' + {tex_num(fmt_g(c_lin))}\quad\text{{vs}}\quad x\,x' + {tex_num(fmt_g(c_rep))}",
             "2. Same function, same data: another parametrization\ngives another kernel, and another step.",
             f"Second: the kernel belongs to the parametrization, not to the function. The same line gave "
             f"x times x prime plus {fmt_g(c_lin)}, or plus {fmt_g(c_rep)}."),
            (f"Example 5's kernel moves as it trains ({tr.steps} steps):",
             rf"\max_x - \min_x \text{{ of }} k(x, {xo})\,/\,k({xo}, {xo}):\quad "
             rf"{tex_num(fmt(r0, 2))} \;\to\; {tex_num(fmt(r1, 2))}",
             f"3. For a nonlinear model the kernel moves during\ntraining (Example 5: {tr.steps} steps).",
             f"Third: for a nonlinear model the kernel moves as it trains. In Example 5, the range of its "
             f"normalized kernel, its largest minus its smallest value over x, fell from {fmt(r0, 2)} to "
             f"{fmt(r1, 2)} in {tr.steps} steps."),
            ("Wide networks: the same kernel for every seed, barely moving:",
             rf"\text{{seed spread}} \propto \mathrm{{width}}^{{{tex_num(fmt(slope, 2))}}},\quad "
             rf"\text{{training change}} \propto \mathrm{{width}}^{{{tex_num(fmt(change, 2))}}}" + bound_tex,
             "4. As width grows, the kernel stops depending on\nthe seed and stops moving.",
             f"Fourth: as networks get wider, the kernel stops depending on the random start, its seed-to-seed "
             f"spread shrinking like width to the power {fmt(slope, 2)}, and stops moving in training: the change "
             f"shrinks like width to the power {fmt(change, 2)}"
             + (", within the bound of one over the square root of the width" if within else "")
             + ". Training becomes kernel gradient descent with a fixed kernel."),
            ("Trained wide networks: the NTK-GP, not the NNGP posterior:",
             r"\Theta(x, X)\,\Theta(X, X)^{-1}\,Y \;\neq\; K(x, X)\,K(X, X)^{-1}\,Y",
             "5. Gradient descent is not Bayesian inference with\nthe network's prior: don't mix your kernels.",
             "And fifth: over random starts, trained wide networks form a Gaussian process, but not the "
             "posterior of the network's own prior: their mean uses the NTK Θ where Bayes uses the NNGP "
             "kernel K. Don't mix your kernels."),
        ]

    def construct(self):
        lessons = self.lessons()

        # Step: title card
        self.play_title_card("What we saw", bridge="Five lessons, then where to read more.",
                             narration="What we saw, in five lessons, and where to read more.")

        # Step: the five lessons: the words, and under them the formula with the chapters' numbers
        head = self.heading("Five lessons")
        self.rows = rows = VGroup()
        for n, (words, formula, _, _) in enumerate(lessons, 1):
            number = self.ty.text(f"{n}", size=self.lesson_size, weight="BOLD")
            body = VGroup(self.ty.text(words, size=self.lesson_size),
                          self.ty.math(formula, size=self.lesson_size + 2)).arrange(DOWN, aligned_edge=LEFT,
                                                                                     buff=0.1)
            body[1].shift(0.3 * RIGHT)
            rows.add(VGroup(number, body).arrange(RIGHT, buff=0.3, aligned_edge=UP))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        fit_width(rows, self.lessons_width).next_to(head, DOWN, buff=0.3).set_x(0)
        self.play(FadeIn(head), run_time=0.5)
        for row, (_, _, caption, spoken) in zip(rows, lessons):
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
                                 "infinite networks, Dyer and Gur-Ari, and He, Lakshminarayanan and Teh on "
                                 "ensembles that are Bayesian. The code of this video is open source, under the MIT "
                                 "licence."):
            self.play(FadeIn(refs_head), FadeIn(block), run_time=1.0)
