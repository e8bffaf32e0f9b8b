"""Closing — each lesson with the picture it came from, then the post's conclusion, the references
and the licence.

Every lesson comes back as a picture redrawn from ntkcore's numbers in its chapter's visual language
(scenes/components/recall.py): the red arrows of one step on the lookup table (only at x′) and on the
line (everywhere); the line in its two parametrizations side by side; Example 5's
kernels from purple to orange; the wide networks' kernels closing in on the green Θ and barely
moving in training; a wide network on kernel gradient descent with Θ, and the gold NNGP posterior
beside the green NTK-GP.  Each picture is shown large while its lesson is read, then moves into a
gallery along the top.  The post's conclusion (the chapter's lesson) points back at the gallery:
how one step generalises (lesson 1), and, very wide, one fixed kernel (lessons 4 and 5).

Render:  manim -pql scenes/chapters/closing.py Closing
"""

from __future__ import annotations

from manim import (
    DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, Line, ReplacementTransform, SurroundingRectangle, VGroup,
)

from ntkcore.facts import kernel_at_origin
from ntkcore.kernel_shares import example_ntk_kernels

from scenes import runtime
from scenes.base import ChapterScene, fit_width
from scenes.components import recall
from scenes.components.equations import LOOKUP_KERNEL
from scenes.components.recall import Box
from scenes.formatting import fmt_g, tex_num

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

#: The conclusion's first formula: the first-order move of f(x) by one gradient step on (f(x′) − y)² at x′.
STEP_TEX = r"\Delta f(x) \;\approx\; -2\eta\,\big(f(x') - y\big)\,k(x, x')"
#: Kernel gradient descent with the fixed Θ (as the kernel-GD chapter writes it), in pieces: Θ green.
KGD_TEX = (r"k \to ", r"\Theta", r":\quad \frac{d f_t(x)}{dt} = -", r"\Theta", r"(x, X)\,\big(f_t(X) - Y\big)")
#: The two Gaussian processes' means on the same data (zero-mean prior): gradient descent, Bayes.
NTK_MEAN_TEX = r"\Theta(x, X)\,\Theta(X, X)^{-1}\,Y"
NNGP_MEAN_TEX = r"K(x, X)\,K(X, X)^{-1}\,Y"


class Closing(ChapterScene):

    #: the gallery along the top (five thumbnails), and the room under it for the large picture
    gallery = Box(12.4, 0.95, (0.0, 2.47, 0.0))
    gallery_gap = 0.22
    stage = Box(12.6, 3.95, (0.0, -0.42, 0.0))
    move_time = 0.45             # a large picture into its thumbnail, the next one in

    # ------------------------------------------------------------------ the numbers
    def numbers(self) -> dict:
        """What each picture draws, from ntkcore (examples) and the wide-network experiments."""
        table, lin, rep, tr = (self.example_for(n) for n in ("lookup_table", "linear", "reparametrized", "training"))
        self.kernel_constants = (kernel_at_origin(lin), kernel_at_origin(rep))   # x·x′ + 1, x·x′ + 100
        self.training_kernels = example_ntk_kernels(tr)   # (T+1, n) k(x, x′) / k(x′, x′) at each step n
        init, trained, gp = (runtime.experiment(n) for n in ("init_band", "training_change", "gp"))
        self.data = dict(lookup_table=table, linear=lin, reparametrized=rep, training=tr, init=init,
                         trained=trained, gp=gp)
        return self.data

    # ------------------------------------------------------------------ the pictures
    def pictures(self, box: Box, detail: bool) -> list:
        """The five lessons' pictures in ``box`` (a stage, or a gallery slot each)."""
        d = self.data
        table, lin, rep, tr = d["lookup_table"], d["linear"], d["reparametrized"], d["training"]
        line_kernels = [(r"k(x, x') = x\,x' + ", tex_num(fmt_g(c))) for c in self.kernel_constants]
        boxes = box if isinstance(box, list) else [box] * 5
        xo = tex_num(fmt_g(tr.observation[0]))
        T = tr.steps
        init, trained, gp = d["init"], d["trained"], d["gp"]
        return [
            recall.steps_picture(self, boxes[0], lin.grid, [(e.values(), e.displacement()) for e in (table, lin)],
                                 lin.observation, [(LOOKUP_KERNEL,), ("".join(line_kernels[0]),)],
                                 detail),
            recall.steps_picture(self, boxes[1], lin.grid, [(e.values(), e.displacement()) for e in (lin, rep)],
                                 lin.observation, line_kernels, detail),
            recall.training_picture(self, boxes[2], tr.grid, self.training_kernels,
                                    rf"k(x, {xo})\,/\,k({xo}, {xo})", self.label("step_n", n=0),
                                    self.label("step_n", n=T), detail),
            recall.width_picture(self, boxes[3], (init["x"], init["widths"], init["curves"], init["analytic_ntk"]),
                                 (trained["x"], trained["widths"], trained["k_steps"]),
                                 dict(init_title=self.label("wide_init_title"),
                                      trained_title=lambda w: self.label("wide_trained_title", w=w),
                                      width=lambda w: self.label("width", w=w)), detail),
            recall.gp_picture(self, boxes[4], gp,
                              dict(kgd_title=self.label("kgd_title", w=int(gp["net_widths"][-1])),
                                   gp_title=self.label("gp_title"), ntk_tex=NTK_MEAN_TEX, nngp_tex=NNGP_MEAN_TEX),
                              detail),
        ]

    def lesson_steps(self) -> list:
        """``(key, picture, stage, values)`` of each lesson's step: the picture (and its stage) it
        shows, the numbers its spoken line says.  Lesson 5 is told in two steps: kernel gradient
        descent with Θ, then its Gaussian process beside Bayes's."""
        d = self.data
        c_lin, c_rep = (fmt_g(c) for c in self.kernel_constants)
        return [
            ("lesson_step", 0, 0, {}),
            ("lesson_parametrization", 1, 0, dict(c_lin=c_lin, c_rep=c_rep)),
            ("lesson_training", 2, 0, dict(steps=d["training"].steps)),
            ("lesson_width", 3, 0, {}),
            ("lesson_kernel_gd", 4, 0, {}),
            ("lesson_bayes", 4, 1, {}),
        ]

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        self.numbers()
        slots = self.gallery.split([1] * 5, self.gallery_gap)
        self.bigs = self.pictures(self.stage, detail=True)
        self.thumbs = self.pictures(slots, detail=False)

        # Step: title card
        self.play_title_card(title=self.label("card_title"))
        head = self.heading(self.label("heading"))

        # Steps: the five lessons, each with its picture, which then joins the gallery
        previous = None
        for key, n, stage, values in self.lesson_steps():
            with self.step(key, **values):
                anims = [FadeIn(self.bigs[n].stages[stage], shift=0.1 * UP)]
                if previous is None:
                    anims.append(FadeIn(head))
                elif previous != n:
                    anims += self.into_gallery(previous)
                self.play(*anims, run_time=self.move_time)
            previous = n

        # Step (the lesson): the post's conclusion, pointing back at the gallery: lessons 1 and 4–5
        boxes = self.conclusion_boxes()
        self.conclusion = rows = self.conclusion_rows(boxes)
        self.marks = marks = VGroup(boxes, self.conclusion_links(boxes, rows))
        with self.step("conclusion"):
            self.play(*self.into_gallery(previous), Create(marks), FadeIn(rows, shift=0.1 * DOWN), run_time=0.8)

        # Step: references and licence
        refs_head = self.heading(self.label("references_heading"))
        refs = VGroup(*[VGroup(self.ty.text(who, size=self.ty.LABEL_SIZE, weight="BOLD"),
                               self.ty.text(what, size=self.ty.LABEL_SIZE, slant="ITALIC"))
                        .arrange(DOWN, aligned_edge=LEFT, buff=0.06) for who, what in REFERENCES])
        refs.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        licence = self.ty.text(self.label("licence"), size=self.ty.LABEL_SIZE, color=self.theme.axis)
        block = VGroup(refs, licence).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        fit_width(block, 12.2).next_to(refs_head, DOWN, buff=0.25).align_to(refs_head, LEFT).shift(0.3 * RIGHT)
        self.references = block
        with self.step("references"):
            self.play(FadeOut(VGroup(head, *self.thumbs, rows, marks)), run_time=0.4)
            self.play(FadeIn(refs_head), FadeIn(block), run_time=0.6)

    def into_gallery(self, n: int) -> list:
        """Lesson ``n``'s large picture into its thumbnail: its drawing morphs, its words fade.  The
        large picture stays as drawn (a copy morphs), so it can be read back after the chapter."""
        big, thumb = self.bigs[n], self.thumbs[n]
        moving = big.drawing.copy()
        self.remove(*big.stages)
        self.add(moving, big.labels)
        return [ReplacementTransform(moving, thumb.drawing), FadeOut(big.labels)]

    # ------------------------------------------------------------------ the conclusion
    def conclusion_boxes(self) -> VGroup:
        """Boxes around the gallery's lesson 1 and lessons 4–5."""
        th = self.theme
        return VGroup(*[SurroundingRectangle(VGroup(*[self.thumbs[i] for i in group]), color=th.highlight,
                                             buff=0.06, stroke_width=3) for group in ((0,), (3, 4))])

    def conclusion_rows(self, boxes) -> VGroup:
        """What the NTK gives us, as the two formulas the gallery's pictures came to: one step's move
        (lesson 1, on the left under its box) and, very wide, kernel gradient descent with the fixed
        Θ (lessons 4–5, on the right, lower): the line from the right box passes right of the first row."""
        ty, th = self.ty, self.theme
        size = ty.CAPTION_SIZE + 4
        kgd = ty.math(*KGD_TEX, size=size)
        for i in (1, 3):
            kgd[i].set_color(th.ntk_exact)
        rows = VGroup(
            VGroup(ty.text(self.label("one_step"), size=ty.CAPTION_SIZE), ty.math(STEP_TEX, size=size)),
            VGroup(ty.text(self.label("very_wide"), size=ty.CAPTION_SIZE), kgd),
        )
        left = self.stage.center[0] - self.stage.width / 2 + 0.2
        right = self.stage.center[0] + self.stage.width / 2 - 0.2
        top = self.stage.center[1] + self.stage.height / 2
        for row in rows:
            row.arrange(RIGHT, buff=0.3)
        fit_width(rows[0], boxes[1].get_center()[0] - 0.4 - left)
        fit_width(rows[1], right - left)
        rows[0].move_to([left, top - 0.75, 0], aligned_edge=LEFT)
        rows[1].move_to([right, rows[0].get_center()[1] - 1.4, 0], aligned_edge=RIGHT)
        return rows

    def conclusion_links(self, boxes, rows) -> VGroup:
        """A line down from each box to its row."""
        links = VGroup()
        for box, row in zip(boxes, rows):
            x = box.get_center()[0]
            links.add(Line([x, box.get_bottom()[1], 0], [x, row.get_top()[1] + 0.1, 0], color=self.theme.highlight,
                           stroke_width=2.5))
        return links
