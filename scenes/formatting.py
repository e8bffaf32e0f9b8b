"""Numbers as a lecturer writes them on screen (text only: the numbers come from ntkcore)."""

from __future__ import annotations


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
BIG = 1e6   # from here on, numbers are written 3.84×10⁶ (never more than about 6 digits on screen)


def sci(v: float, digits: int = 3) -> str:
    """``3.84×10⁶``: ``digits`` significant digits and a power of ten."""
    mantissa, exponent = f"{v:.{digits - 1}e}".split("e")
    return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}".replace("-", "−", 1 if v < 0 else 0)


def fmt(v: float, digits: int = 1) -> str:
    """Fixed digits, no ``-0.0``, a true minus sign: ``fmt(-3.14159, 2)`` → ``−3.14``; huge values
    in scientific form."""
    if abs(v) >= BIG:
        return sci(v)
    s = f"{v:.{digits}f}"
    if float(s) == 0:
        s = s.lstrip("-")
    return s.replace("-", "−")


def fmt_g(v: float) -> str:
    """Shortest exact-looking form (learning rates, θ entries): ``0.001``, ``3``, ``0.1``; at most
    6 significant digits, scientific beyond."""
    if v != 0 and (abs(v) >= BIG or abs(v) < 1e-4):
        return sci(v)
    return f"{v:g}".replace("-", "−")


def signed(v: float, digits: int = 1) -> str:
    """``+7.6`` / ``−3.8``: an arrow's length with its direction."""
    s = fmt(v, digits)
    zero = abs(v) < BIG and round(abs(v), digits) == 0     # from the number, never from its text
    return s if s.startswith("−") or zero else "+" + s


def percent(v: float) -> str:
    """A relative change as a percentage: whole percents from 10 % up, one decimal below."""
    return f"{fmt(100 * v, 0 if v >= 0.1 else 1)}%"


_FROM_SUPERSCRIPT = {v: k for k, v in zip("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")}


def tex_num(s: str) -> str:
    """A formatted number for MathTex: the shared template has no unicode, so a plain minus and
    ``3.84\\times 10^{6}`` for ``3.84×10⁶``."""
    s = s.replace("−", "-")
    if "×10" in s:
        mantissa, power = s.split("×10", 1)
        s = mantissa + r"\times 10^{" + "".join(_FROM_SUPERSCRIPT.get(c, c) for c in power) + "}"
    return s


def line_formula(xs, f) -> str | None:
    """``"3x + 1"`` when the points (xs, f) lie on a straight line, else None."""
    from ntkcore.facts import straight_line

    line = straight_line(xs, f)
    if line is None:
        return None
    slope, intercept = line
    sign = "−" if intercept < 0 else "+"
    return f"{fmt_g(slope)}x {sign} {fmt_g(abs(intercept))}"
