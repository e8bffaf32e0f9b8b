"""Closing — the five lessons, one line each, then the references and the licence.

Each lesson carries a number the video computed (from ntkcore, like every number on screen).

Render:  manim -pql scenes/chapters/closing.py Closing
"""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, VGroup

from ntkcore.facts import kernel_at_origin
from ntkcore.kernel_shares import example_ntk_kernels

from scenes import runtime
from scenes.base import ChapterScene, fit_width
from scenes.formatting import fmt, fmt_g, tex_num

# The citations, as published (names, venues, titles: not words to translate); the licence line and
# the headings are in the script's [labels].
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


class Closing(ChapterScene):

    lesson_size = 28            # the lesson's words (ty.CAPTION_SIZE); its formula a little larger
    lessons_width = 13.2        # at most this wide (scaled down, never up, only if a setting stretches it)

    def lessons(self) -> list[tuple[str, str | None, str, str, dict]]:
        """``(key, variant, words, formula (TeX), values)`` for each lesson, with the numbers the
        chapters showed: ``key`` names the lesson's step and its words in the script ([steps.KEY],
        [labels] KEY), ``values`` fill both."""
        lin, rep, tr = (self.example_for(n) for n in ("linear", "reparametrized", "training"))
        k = example_ntk_kernels(tr)             # what chapter 6 draws: k(x, x′) / k(x′, x′) at each step
        self.kernel_range = k.max(axis=1) - k.min(axis=1)
        r0, r1 = fmt(self.kernel_range[0], 2), fmt(self.kernel_range[-1], 2)
        self.spread_slope = float(runtime.experiment("init_band")["spread_slope"])
        self.change_slope = change = float(runtime.experiment("training_change")["rel_change_slope"])
        slope_s, change_s = fmt(self.spread_slope, 2), fmt(change, 2)
        c_lin, c_rep = fmt_g(kernel_at_origin(lin)), fmt_g(kernel_at_origin(rep))
        xo = tex_num(fmt_g(tr.observation[0]))
        within = change <= -0.5                 # the measured rate is inside the 1/√width bound
        bound_tex = r"\quad(\text{bound: }\mathrm{width}^{-1/2})" if within else ""
        lessons = [
            ("lesson_step", None,
             r"\Delta f(x) \;\approx\; -2\,\mathrm{lr}\,\big(f(x') - y\big)\,k(x, x')", {}),
            ("lesson_parametrization", None,
             rf"k(x, x') = x\,x' + {tex_num(c_lin)}\quad\text{{vs}}\quad x\,x' + {tex_num(c_rep)}",
             dict(c_lin=c_lin, c_rep=c_rep)),
            ("lesson_training", None,
             rf"\max_x - \min_x \text{{ of }} k(x, {xo})\,/\,k({xo}, {xo}):\quad "
             rf"{tex_num(r0)} \;\to\; {tex_num(r1)}",
             dict(steps=tr.steps, r0=r0, r1=r1)),
            ("lesson_width", None if within else "beyond_bound",
             rf"\text{{seed spread}} \propto \mathrm{{width}}^{{{tex_num(slope_s)}}},\quad "
             rf"\text{{training change}} \propto \mathrm{{width}}^{{{tex_num(change_s)}}}" + bound_tex,
             dict(spread_slope=slope_s, change_slope=change_s)),
            ("lesson_bayes", None,
             r"\Theta(x, X)\,\Theta(X, X)^{-1}\,Y \;\neq\; K(x, X)\,K(X, X)^{-1}\,Y", {}),
        ]
        return [(key, variant, self.label(key, **values), formula, values) for key, variant, formula, values in lessons]

    def construct(self):
        lessons = self.lessons()

        # Step: title card
        self.play_title_card(title=self.label("card_title"))

        # Step: the five lessons: the words, and under them the formula with the chapters' numbers
        head = self.heading(self.label("lessons_heading"))
        self.rows = rows = VGroup()
        for n, (_, _, words, formula, _) in enumerate(lessons, 1):
            number = self.ty.text(f"{n}", size=self.lesson_size, weight="BOLD")
            body = VGroup(self.ty.text(words, size=self.lesson_size),
                          self.ty.math(formula, size=self.lesson_size + 2)).arrange(DOWN, aligned_edge=LEFT,
                                                                                     buff=0.1)
            body[1].shift(0.3 * RIGHT)
            rows.add(VGroup(number, body).arrange(RIGHT, buff=0.3, aligned_edge=UP))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        fit_width(rows, self.lessons_width).next_to(head, DOWN, buff=0.3).set_x(0)
        self.play(FadeIn(head), run_time=0.5)
        for row, (key, variant, _, _, values) in zip(rows, lessons):
            with self.step(key, variant, **values):
                self.play(FadeIn(row, shift=0.1 * RIGHT), run_time=0.6)

        # Step: references and licence
        self._end_caption()
        self.play(FadeOut(rows), FadeOut(head), run_time=0.6)
        refs_head = self.heading(self.label("references_heading"))
        refs = VGroup(*[VGroup(self.ty.text(who, size=self.ty.LABEL_SIZE, weight="BOLD"),
                               self.ty.text(what, size=self.ty.LABEL_SIZE, slant="ITALIC"))
                        .arrange(DOWN, aligned_edge=LEFT, buff=0.06) for who, what in REFERENCES])
        refs.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        licence = self.ty.text(self.label("licence"), size=self.ty.LABEL_SIZE, color=self.theme.axis)
        block = VGroup(refs, licence).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        fit_width(block, 12.8).next_to(refs_head, DOWN, buff=0.25).align_to(refs_head, LEFT).shift(0.3 * RIGHT)
        with self.step("references"):
            self.play(FadeIn(refs_head), FadeIn(block), run_time=1.0)
