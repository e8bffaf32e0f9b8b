"""Fonts, sizes and the one TeX template every formula uses, bound to a theme's ink colour.

The template is article-class with amsmath/amssymb, so only ``texlive-latex-base`` and
``dvisvgm`` are needed (manim's default *standalone* template would also need
``texlive-latex-extra``).  Chapters make one :class:`Typography` for their theme
(``scene.ty``) and write ``self.ty.text(...)``.
"""

from __future__ import annotations

from pathlib import Path

from manim import MathTex, Tex, TexTemplate, Text

TEX_TEMPLATE_FILE = Path(__file__).with_name("tex_template.tex")

FONT = "DejaVu Sans"
TITLE_SIZE = 52
HEADING_SIZE = 30
CAPTION_SIZE = 28
LABEL_SIZE = 24   # smallest text on screen: still readable at 480p
AXIS_NUMBER_SIZE = 28


def tex_template() -> TexTemplate:
    """The shared article-class template (a fresh object each call: TexTemplate is mutable)."""
    return TexTemplate.from_file(TEX_TEMPLATE_FILE)


class Typography:
    """Text and formulas in the explainer's font, sizes and the theme's ink colour."""

    TITLE_SIZE = TITLE_SIZE
    HEADING_SIZE = HEADING_SIZE
    CAPTION_SIZE = CAPTION_SIZE
    LABEL_SIZE = LABEL_SIZE
    AXIS_NUMBER_SIZE = AXIS_NUMBER_SIZE

    def __init__(self, theme):
        self.theme = theme
        self.template = tex_template()

    def text(self, s: str, size: float = CAPTION_SIZE, color: str | None = None, **kwargs) -> Text:
        """Plain text (ink colour unless ``color`` is given)."""
        return Text(s, font=FONT, font_size=size, color=color or self.theme.ink, **kwargs)

    def math(self, *tex: str, size: float = CAPTION_SIZE + 4, color: str | None = None, **kwargs) -> MathTex:
        """A formula, typeset with the shared template."""
        return MathTex(*tex, font_size=size, color=color or self.theme.ink, tex_template=self.template, **kwargs)

    def tex(self, *s: str, size: float = CAPTION_SIZE, color: str | None = None, **kwargs) -> Tex:
        """Text-mode LaTeX with inline maths, typeset with the shared template."""
        return Tex(*s, font_size=size, color=color or self.theme.ink, tex_template=self.template, **kwargs)
