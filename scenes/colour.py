"""Colour science for the palette: WCAG contrast, colour-vision-deficiency simulation, CIEDE2000.

Pure Python + numpy (no manim), so that it is cheap to import and to test, and so that a settings
file's ``[theme]`` can be checked before anything is rendered.

* ``relative_luminance`` / ``contrast_ratio``: WCAG 2.x (https://www.w3.org/TR/WCAG21/#dfn-relative-luminance).
* ``simulate``: dichromat simulation with the Machado, Oliveira & Fernandes (2009) matrices at
  severity 1.0, applied to *linear* sRGB and clipped to [0, 1].
* ``lab`` / ``delta_e00``: CIELAB (D65, 2° observer) and the CIEDE2000 colour difference, following
  the implementation notes of Sharma, Wu & Dalal (2005).
* ``min_difference``: the smallest ΔE00 of two colours under normal vision, protanopia and deuteranopia.
* ``DEFAULT_PALETTE``: role -> "#RRGGBB" for a white background, meeting every requirement below.
* ``ramp``: the colour a scene should use at fraction ``t`` of a ramp.  It interpolates the
  gamma-encoded sRGB components linearly, exactly as manim's ``interpolate_color`` /
  ``ManimColor.interpolate`` do (manim 0.21.0 keeps colours as sRGB floats in [0, 1]), so the
  intermediate colours checked here are the ones the scenes draw.
* ``check_theme``: the list of (role, message) problems of a theme; empty when the theme is fine.

Thresholds (see the comments at the constants): text 4.5:1 (WCAG 1.4.3 AA, normal-size text), lines
3:1 (WCAG 1.4.11 non-text contrast), and ΔE00 >= 20 between colours a viewer must tell apart, under
normal vision, protanopia and deuteranopia.
"""

from __future__ import annotations

import math
import re

import numpy as np

__all__ = [
    "relative_luminance", "contrast_ratio", "simulate", "simulate_linear", "CVD_MATRICES",
    "srgb_to_linear", "linear_to_srgb", "hex_to_rgb", "rgb_to_hex", "lab", "delta_e00",
    "min_difference", "ramp", "ramp_samples", "RAMP_SPACE", "RAMPS",
    "DEFAULT_PALETTE", "TEXT_ROLES", "LINE_ROLES", "DECORATIVE_ROLES", "DISTINGUISHABLE_PAIRS",
    "CO_OCCURRING_PAIRS", "CO_OCCURRING_MIN_DELTA_E", "difference", "VISIONS",
    "TEXT_CONTRAST", "LINE_CONTRAST", "MIN_DELTA_E", "RAMP_SAMPLES", "check_theme",
]

# ---------------------------------------------------------------------------------------------
# Thresholds
# ---------------------------------------------------------------------------------------------

# WCAG 2.x success criterion 1.4.3 (AA): text and images of text at least 4.5:1.  Labels in the
# videos are "normal" size on a projected 1080p frame, so the large-text 3:1 exemption is not used.
TEXT_CONTRAST = 4.5
# WCAG 2.x success criterion 1.4.11 (AA): graphical objects needed to understand the content
# (curves, arrows, the intermediate kernels of a ramp) at least 3:1 against adjacent colours.
LINE_CONTRAST = 3.0
# Minimum CIEDE2000 difference between two colours that must be told apart, under normal vision,
# protanopia and deuteranopia (the smallest of the three).  ΔE00 ≈ 1 is a just-noticeable difference
# for large uniform patches side by side under laboratory viewing.  The difference needed grows as
# marks get smaller and viewing gets worse: Stone, Szafir & Setlur ("An engineering model for color
# difference as a function of size", Color and Imaging Conference 2014) and Szafir ("Modeling color
# difference for visualization design", IEEE TVCG 24(1), 2018) measured, with crowdsourced viewers
# on ordinary screens, that the CIELAB difference for half the viewers to *notice* that two points,
# bars or lines differ is several times the large-patch JND, more for thinner and smaller marks.
# Here a viewer must *identify* which curve is which at a glance (not just notice a difference), on
# a projector that washes colours out (raised black, lower saturation), and the dichromat
# simulations are approximations; so we ask for a wide margin: 20 -- well into "different colours"
# rather than "shades of one colour" (for saturated colours ΔE00 is also smaller than ΔE*ab, so 20
# in ΔE00 is more in the CIELAB units of those studies).  This is a design choice, not a measured
# threshold; the default palette meets it with all colours kept dark enough for 4.5:1 text.
MIN_DELTA_E = 20.0
# The ramps are checked at this many evenly spaced points, t = 0, 0.1, ..., 1.
RAMP_SAMPLES = 11

# ---------------------------------------------------------------------------------------------
# sRGB, WCAG luminance and contrast
# ---------------------------------------------------------------------------------------------

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def hex_to_rgb(hex_colour: str) -> np.ndarray:
    """``"#RRGGBB"`` -> gamma-encoded sRGB floats in [0, 1]."""
    if not isinstance(hex_colour, str) or not _HEX.match(hex_colour):
        raise ValueError(f"not a colour \"#RRGGBB\": {hex_colour!r}")
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float) / 255.0


def rgb_to_hex(rgb) -> str:
    """Gamma-encoded sRGB floats (clipped to [0, 1]) -> ``"#RRGGBB"`` (rounded to nearest)."""
    v = np.clip(np.asarray(rgb, dtype=float), 0.0, 1.0)
    return "#" + "".join(f"{int(round(c * 255)):02X}" for c in v)


def srgb_to_linear(rgb) -> np.ndarray:
    """Gamma-encoded sRGB in [0, 1] -> linear light.

    The threshold is WCAG's 0.03928 (from an old draft of sRGB); IEC 61966-2-1 says 0.04045.  No
    8-bit value lies between them (10/255 = 0.0392 < 0.03928 and 11/255 = 0.0431 > 0.04045), so for
    "#RRGGBB" colours the two give identical results; we use 0.04045 so that the inverse below is exact.
    """
    c = np.asarray(rgb, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(lin) -> np.ndarray:
    """Linear light in [0, 1] -> gamma-encoded sRGB (IEC 61966-2-1)."""
    c = np.clip(np.asarray(lin, dtype=float), 0.0, 1.0)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance: 0.2126 R + 0.7152 G + 0.0722 B of the linearized sRGB."""
    r, g, b = srgb_to_linear(hex_to_rgb(hex_colour))
    return float(0.2126 * r + 0.7152 * g + 0.0722 * b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio (L1 + 0.05) / (L2 + 0.05) with L1 the lighter; from 1 to 21."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def _fmt_ratio(r: float) -> str:
    # Truncated, not rounded, as WCAG asks (4.499:1 fails 4.5:1 and must not print as "4.50:1").
    return f"{math.floor(r * 100) / 100:.2f}:1"


# ---------------------------------------------------------------------------------------------
# Colour vision deficiency: Machado, Oliveira & Fernandes (2009)
# ---------------------------------------------------------------------------------------------

# G. M. Machado, M. M. Oliveira, L. A. F. Fernandes, "A physiologically-based model for simulation
# of color vision deficiency", IEEE TVCG 15(6), 1291-1298, 2009; the matrices for severity 1.0 from
# the authors' supplementary table
# (https://www.inf.ufrgs.br/~oliveira/pubs_files/CVD_Simulation/CVD_Simulation.html), the same values
# as colorspacious (cvd.py) and colour-science (CVD_MATRICES_MACHADO2010).  They act on linear RGB.
# The paper calls its tritan model an approximation (tritan deficiencies are not well understood);
# it is provided for inspection, but min_difference uses only protanopia and deuteranopia.
CVD_MATRICES = {
    "protanopia": np.array([
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ]),
    "deuteranopia": np.array([
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]),
    "tritanopia": np.array([
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ]),
}
# The vision conditions min_difference takes the minimum over (None = normal vision).
VISIONS = (None, "protanopia", "deuteranopia")


def _cvd_matrix(kind: str) -> np.ndarray:
    try:
        return CVD_MATRICES[kind.lower()]
    except (KeyError, AttributeError):
        raise ValueError(f"unknown colour vision deficiency {kind!r}; "
                         f"one of {', '.join(CVD_MATRICES)}") from None


def simulate_linear(lin_rgb, kind: str) -> np.ndarray:
    """Linear RGB -> linear RGB as seen by a dichromat of ``kind`` (clipped to [0, 1])."""
    return np.clip(_cvd_matrix(kind) @ np.asarray(lin_rgb, dtype=float), 0.0, 1.0)


def simulate(hex_colour: str, kind: str | None) -> str:
    """The colour as a dichromat of ``kind`` ("protanopia", "deuteranopia", "tritanopia") sees it.

    ``kind=None`` returns the colour unchanged (normal vision).
    """
    if kind is None:
        return hex_colour.upper()
    return rgb_to_hex(linear_to_srgb(simulate_linear(srgb_to_linear(hex_to_rgb(hex_colour)), kind)))


# ---------------------------------------------------------------------------------------------
# CIELAB (D65) and CIEDE2000
# ---------------------------------------------------------------------------------------------

# Linear sRGB -> CIE XYZ (D65), IEC 61966-2-1; and the D65 white these rows sum to.
_SRGB_TO_XYZ = np.array([
    [0.4124564, 0.3575761, 0.1804375],
    [0.2126729, 0.7151522, 0.0721750],
    [0.0193339, 0.1191920, 0.9503041],
])
_D65 = np.array([0.95047, 1.00000, 1.08883])


def _lab_from_linear(lin) -> np.ndarray:
    xyz = _SRGB_TO_XYZ @ np.asarray(lin, dtype=float) / _D65
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def lab(hex_colour: str, kind: str | None = None) -> np.ndarray:
    """CIELAB (D65) of the colour, as seen with normal vision or by a dichromat of ``kind``.

    The simulation is not rounded to 8 bits before the conversion.
    """
    lin = srgb_to_linear(hex_to_rgb(hex_colour))
    if kind is not None:
        lin = simulate_linear(lin, kind)
    return _lab_from_linear(lin)


def delta_e00(lab1, lab2, kL: float = 1.0, kC: float = 1.0, kH: float = 1.0) -> float:
    """CIEDE2000 colour difference of two CIELAB colours (Sharma, Wu & Dalal 2005, eqs. 1-22)."""
    L1, a1, b1 = (float(v) for v in lab1)
    L2, a2, b2 = (float(v) for v in lab2)
    C1, C2 = math.hypot(a1, b1), math.hypot(a2, b2)
    Cbar7 = ((C1 + C2) / 2) ** 7
    G = 0.5 * (1 - math.sqrt(Cbar7 / (Cbar7 + 25.0 ** 7)))
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p, C2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if C1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if C2p else 0.0

    dLp = L2 - L1
    dCp = C2p - C1p
    if C1p * C2p == 0:
        dhp = 0.0
    else:
        dhp = h2p - h1p
        if dhp > 180:
            dhp -= 360
        elif dhp < -180:
            dhp += 360
    dHp = 2 * math.sqrt(C1p * C2p) * math.sin(math.radians(dhp) / 2)

    Lbp = (L1 + L2) / 2
    Cbp = (C1p + C2p) / 2
    if C1p * C2p == 0:
        hbp = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hbp = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hbp = (h1p + h2p + 360) / 2
    else:
        hbp = (h1p + h2p - 360) / 2

    T = (1 - 0.17 * math.cos(math.radians(hbp - 30)) + 0.24 * math.cos(math.radians(2 * hbp))
         + 0.32 * math.cos(math.radians(3 * hbp + 6)) - 0.20 * math.cos(math.radians(4 * hbp - 63)))
    dtheta = 30 * math.exp(-(((hbp - 275) / 25) ** 2))
    Cbp7 = Cbp ** 7
    RC = 2 * math.sqrt(Cbp7 / (Cbp7 + 25.0 ** 7))
    SL = 1 + 0.015 * (Lbp - 50) ** 2 / math.sqrt(20 + (Lbp - 50) ** 2)
    SC = 1 + 0.045 * Cbp
    SH = 1 + 0.015 * Cbp * T
    RT = -math.sin(math.radians(2 * dtheta)) * RC

    tL, tC, tH = dLp / (kL * SL), dCp / (kC * SC), dHp / (kH * SH)
    return math.sqrt(tL * tL + tC * tC + tH * tH + RT * tC * tH)


def difference(a: str, b: str, kind: str | None = None) -> float:
    """ΔE00 between two "#RRGGBB" colours under normal vision (``kind=None``) or a simulation."""
    return delta_e00(lab(a, kind), lab(b, kind))


def min_difference(a: str, b: str) -> float:
    """The smallest ΔE00 between ``a`` and ``b`` under normal vision, protanopia and deuteranopia."""
    return min(difference(a, b, kind) for kind in VISIONS)


# ---------------------------------------------------------------------------------------------
# Ramps
# ---------------------------------------------------------------------------------------------

# How ramp() interpolates: gamma-encoded sRGB, component-wise, like manim's interpolate_color
# (not linear light, not CIELAB).
RAMP_SPACE = "srgb"


def ramp(start: str, end: str, t: float) -> str:
    """The colour at fraction ``t`` in [0, 1] from ``start`` to ``end``.

    Linear in gamma-encoded sRGB: ``(1 - t)·start + t·end`` on the components as floats in [0, 1],
    then truncated to bytes -- the same arithmetic as
    ``interpolate_color(ManimColor(start), ManimColor(end), t).to_hex()`` in manim 0.21.0 (float64
    components, ``int(v * 255)`` in ``to_hex``), so the samples checked here are the colours the
    scenes draw.  (Because sRGB decoding is convex, the luminance of an intermediate colour never
    exceeds the larger endpoint luminance, and truncating to bytes only darkens it: a ramp between two
    colours that pass the text contrast stays at least as dark, so its lines pass too.)
    """
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"t must be in [0, 1]; got {t}")
    a, b = hex_to_rgb(start), hex_to_rgb(end)
    v = a * (1 - t) + b * t
    return "#" + "".join(f"{int(c * 255):02X}" for c in v)


def ramp_samples(start: str, end: str, n: int = RAMP_SAMPLES) -> list[str]:
    """``n`` evenly spaced colours of the ramp, both ends included."""
    return [ramp(start, end, i / (n - 1)) for i in range(n)]


# ---------------------------------------------------------------------------------------------
# The default palette (white background)
# ---------------------------------------------------------------------------------------------

# All text colours must reach 4.5:1 on white, i.e. CIELAB L* <= ~50: every colour here is dark, so
# the room left for telling colours apart -- above all for protanopes and deuteranopes, who see
# roughly only lightness and a blue-yellow axis -- is small.  The layout that meets every requirement:
#   * under protanopia/deuteranopia, "light yellow" (L* ~ 50): arrow, kernel_end, nngp -- three roles
#     that never share a chapter; "dark olive" (L* ~ 28): ntk_exact, which is why the green is dark;
#   * "light blue" (L* ~ 50): observation; "dark blue" (L* ~ 22): kernel_start; "mid blue-grey":
#     highlight; near-neutral: the greys and the teal width ramp (light -> dark).
# The old amber highlight, darkened to 4.5:1, becomes an ochre that deuteranopes cannot tell from
# the red arrows (ΔE00 ~ 3.5): the highlight is now an orchid/magenta, and the dark gold went to
# the NNGP (which must differ from the observation's blue and from the green NTK).
# Okabe & Ito ("Color Universal Design", 2002) are the reference: separate colours by lightness and
# along blue-yellow rather than red-green, and their hue families -- blue (observation), vermillion
# (kernel_end), reddish purple (highlight), orange (nngp, as dark gold) -- darkened, because of their
# colours only black and blue (#0072B2, 5.19:1) reach 4.5:1 on white.
DEFAULT_PALETTE = {
    "background": "#FFFFFF",
    "ink": "#1A1A1A",          # near-black text, axis numbers                          17.40:1
    "axis": "#666666",         # axis lines and ticks (lighter than before: farther from
                               # the dark green under deuteranopia)                       5.74:1
    "grid": "#DDDDDD",         # faint guide lines: decorative, exempt from contrast      1.35:1
    "dot": "#000000",          # black dots: f(x; θ)                                     21.00:1
    "observation": "#1E6CFF",  # blue cross: the observed point (x', y)                   4.52:1
    "arrow": "#E8200B",        # red arrows: Δf(x) of one gradient step                   4.52:1
    "moved_dot": "#737373",    # grey ghost where a dot was                               4.74:1
    "kernel_start": "#4D018D", # purple: the kernel at t = 0 / before training          12.32:1
    "kernel_end": "#B06316",   # burnt orange: the kernel at the last step / after        4.52:1
    "ntk_exact": "#144C34",    # dark green: the exact (η -> 0, infinite-width) NTK      9.93:1
    "highlight": "#C93A9B",    # magenta (pinker than the purple kernel_start): annotations 4.60:1
    "width_narrow": "#0E8578", # teal, light end of the network-width ramp                4.52:1
    "width_wide": "#08434C",   # dark teal, wide end of the network-width ramp          10.95:1
    "nngp": "#887610",         # dark gold / ochre: the NNGP kernel and posterior         4.52:1
}
# purple -> orange means "over training steps" only; light teal -> dark teal means "network width"
# only (it shares no hue with the training ramp).  ramp() gives the colours in between.

# Roles drawn as text (labels in the role's colour) -> TEXT_CONTRAST; every role except the
# background and the decorative grid.
DECORATIVE_ROLES = frozenset({"grid"})
TEXT_ROLES = frozenset(DEFAULT_PALETTE) - DECORATIVE_ROLES - {"background"}
# Roles only ever drawn as lines or marks -> LINE_CONTRAST (none by default: all roles label text).
LINE_ROLES = frozenset()
# Ramps: (start, end) roles whose intermediate colours are drawn as lines -> LINE_CONTRAST.
RAMPS = (("kernel_start", "kernel_end"), ("width_narrow", "width_wide"))
# Pairs a viewer must tell apart -> MIN_DELTA_E under normal vision, protanopia and deuteranopia.
DISTINGUISHABLE_PAIRS = (
    ("arrow", "dot"),
    ("kernel_start", "kernel_end"),
    ("nngp", "ntk_exact"),
    ("width_narrow", "width_wide"),
    ("observation", "nngp"),
    ("observation", "kernel_start"),
    ("highlight", "arrow"),
    ("ntk_exact", "kernel_end"),
)
# Pairs that share the screen in some chapter (from the scenes as of this palette: ch1-2 arrows and
# ghosts on axes, ch4-5 and "your model" highlights next to the NTK and the observation, ch7-8 the
# width ramp next to the exact NTK, the training ramp and the dots, ch9 the NNGP next to the NTK).
# They are told apart by labels, legends and shape too, so they are held to a lower floor, checked
# on the default palette as a regression guard (not by check_theme's defaults): noticeably different
# for thin lines (well above the 50 %-discriminability steps cited at MIN_DELTA_E) for every viewer.
# The default palette reaches at least 12 on all of them.
CO_OCCURRING_PAIRS = (
    ("highlight", "ntk_exact"), ("highlight", "observation"), ("highlight", "moved_dot"),
    ("highlight", "kernel_start"), ("highlight", "kernel_end"), ("highlight", "nngp"), ("highlight", "dot"),
    ("ntk_exact", "observation"), ("ntk_exact", "moved_dot"), ("ntk_exact", "axis"), ("ntk_exact", "dot"),
    ("ntk_exact", "width_narrow"), ("ntk_exact", "width_wide"), ("ntk_exact", "kernel_start"),
    ("observation", "width_narrow"), ("observation", "width_wide"), ("observation", "moved_dot"),
    ("observation", "kernel_end"),
    ("width_narrow", "kernel_start"), ("width_narrow", "kernel_end"), ("width_wide", "kernel_start"),
    ("width_wide", "kernel_end"), ("width_wide", "dot"), ("width_wide", "ink"),
    ("nngp", "axis"), ("nngp", "dot"),
    ("arrow", "moved_dot"), ("arrow", "axis"), ("arrow", "observation"), ("arrow", "ntk_exact"),
    ("arrow", "kernel_start"),
    ("kernel_start", "moved_dot"), ("kernel_end", "moved_dot"),
)
CO_OCCURRING_MIN_DELTA_E = 12.0


# ---------------------------------------------------------------------------------------------
# Checking a theme
# ---------------------------------------------------------------------------------------------

def check_theme(colours: dict, background_key: str = "background", *,
                text_roles=None, line_roles=None, ramps=None, pairs=None,
                text_contrast: float = TEXT_CONTRAST, line_contrast: float = LINE_CONTRAST,
                min_delta_e: float = MIN_DELTA_E) -> list[tuple[str, str]]:
    """Problems of a theme as ``(role, message)``; an empty list when it meets every requirement.

    ``colours`` maps role -> "#RRGGBB" (role names are matched case-insensitively, so the palette's
    upper-case constant names work too; messages name the role as the caller spelled it).  A theme
    from a settings file should be merged over ``DEFAULT_PALETTE`` first, so that overriding one
    colour is checked against the others.  Roles absent from ``colours`` are not checked.

    * every role in ``text_roles`` (default ``TEXT_ROLES``) needs ``text_contrast`` against the
      background, every role in ``line_roles`` (default ``LINE_ROLES``) ``line_contrast``;
    * every sample of each ramp in ``ramps`` (default ``RAMPS``, as ``ramp`` draws them) needs
      ``line_contrast``; the message names the ramp's start role;
    * every pair in ``pairs`` (default ``DISTINGUISHABLE_PAIRS``) needs ``min_difference`` of at
      least ``min_delta_e``; the message names the first role of the pair.
    """
    text_roles = TEXT_ROLES if text_roles is None else text_roles
    line_roles = LINE_ROLES if line_roles is None else line_roles
    ramps = RAMPS if ramps is None else ramps
    pairs = DISTINGUISHABLE_PAIRS if pairs is None else pairs

    key = {str(k).lower(): k for k in colours}          # role -> the caller's spelling
    problems: list[tuple[str, str]] = []

    valid = {}
    for role_l, k in key.items():
        try:
            hex_to_rgb(colours[k])
            valid[role_l] = colours[k]
        except ValueError:
            problems.append((k, f"{colours[k]!r} is not a colour \"#RRGGBB\""))

    bg_l = background_key.lower()
    if bg_l not in key:
        return problems + [(background_key, "no background colour to check the contrast against")]
    if bg_l not in valid:
        return problems
    bg = valid[bg_l]

    def need(role_l: str, threshold: float, what: str) -> None:
        if role_l == bg_l or role_l not in valid:
            return
        r = contrast_ratio(valid[role_l], bg)
        if r < threshold:
            problems.append((key[role_l], f"contrast {_fmt_ratio(r)} against {background_key} {bg.upper()}; "
                                          f"{what} needs at least {threshold:g}:1"))

    text_l = {r.lower() for r in text_roles}
    for role_l in sorted(text_l):
        need(role_l, text_contrast, "text")
    for role_l in sorted({r.lower() for r in line_roles} - text_l):
        need(role_l, line_contrast, "a line")

    for start, end in ramps:
        s, e = start.lower(), end.lower()
        if s not in valid or e not in valid:
            continue
        for i, c in enumerate(ramp_samples(valid[s], valid[e])):
            r = contrast_ratio(c, bg)
            if r < line_contrast:
                t = i / (RAMP_SAMPLES - 1)
                problems.append((key[s], f"ramp {start} -> {end} at t = {t:.1f} is {c}, contrast "
                                         f"{_fmt_ratio(r)} against {background_key} {bg.upper()}; "
                                         f"lines need at least {line_contrast:g}:1"))
                break

    for a, b in pairs:
        al, bl = a.lower(), b.lower()
        if al not in valid or bl not in valid:
            continue
        worst = min(VISIONS, key=lambda kind: difference(valid[al], valid[bl], kind))
        d = difference(valid[al], valid[bl], worst)
        if d < min_delta_e:
            seen = "normal vision" if worst is None else worst
            problems.append((key[al], f"{a} {valid[al].upper()} and {b} {valid[bl].upper()} differ by "
                                      f"ΔE00 {d:.1f} under {seen}; must be at least {min_delta_e:g} "
                                      f"(normal vision, protanopia and deuteranopia)"))
    return problems
