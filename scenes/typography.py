"""Fonts, sizes and the one TeX template every MathTex uses.

The template is article-class with amsmath/amssymb, so only ``texlive-latex-base`` and
``dvisvgm`` are needed (manim's default *standalone* template would also need
``texlive-latex-extra``).
"""

from pathlib import Path

from manim import MathTex, Tex, TexTemplate, Text

from scenes import palette

TEX_TEMPLATE_FILE = Path(__file__).with_name("tex_template.tex")  # manim.cfg names it too
TEX_TEMPLATE = TexTemplate.from_file(TEX_TEMPLATE_FILE)

FONT = "DejaVu Sans"
TITLE_SIZE = 52
HEADING_SIZE = 30
CAPTION_SIZE = 28
LABEL_SIZE = 24   # smallest text on screen: still readable at 480p
AXIS_NUMBER_SIZE = 28


def text(s: str, size: float = CAPTION_SIZE, color: str | None = None, **kwargs) -> Text:
    """Plain text in the explainer's font (ink colour unless ``color`` is given)."""
    return Text(s, font=FONT, font_size=size, color=color or palette.INK, **kwargs)


def math(*tex: str, size: float = CAPTION_SIZE + 4, color: str | None = None, **kwargs) -> MathTex:
    """A formula, typeset with the shared template."""
    return MathTex(*tex, font_size=size, color=color or palette.INK, tex_template=TEX_TEMPLATE, **kwargs)


def tex(*s: str, size: float = CAPTION_SIZE, color: str | None = None, **kwargs) -> Tex:
    """Text mode LaTeX with inline maths, typeset with the shared template."""
    return Tex(*s, font_size=size, color=color or palette.INK, tex_template=TEX_TEMPLATE, **kwargs)
