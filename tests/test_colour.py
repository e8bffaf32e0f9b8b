"""Colour science of scenes/colour.py and the requirements on its default palette.

Pure numpy; must not import manim (run with: .venv/bin/python -m pytest tests/test_colour.py -p no:xdist -q).
"""

import colorsys
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scenes import colour as C
from scenes.colour import (
    DEFAULT_PALETTE, DISTINGUISHABLE_PAIRS, LINE_CONTRAST, MIN_DELTA_E, RAMPS, TEXT_CONTRAST,
    TEXT_ROLES, check_theme, contrast_ratio, delta_e00, lab, min_difference, ramp, ramp_samples,
    relative_luminance, simulate, simulate_linear,
)

WHITE, BLACK = "#FFFFFF", "#000000"


# --- WCAG luminance and contrast --------------------------------------------------------------

def test_luminance_of_black_white_and_primaries():
    assert relative_luminance(WHITE) == pytest.approx(1.0)
    assert relative_luminance(BLACK) == 0.0
    # The luminance of a primary is its coefficient in L = 0.2126 R + 0.7152 G + 0.0722 B.
    assert relative_luminance("#FF0000") == pytest.approx(0.2126)
    assert relative_luminance("#00FF00") == pytest.approx(0.7152)
    assert relative_luminance("#0000FF") == pytest.approx(0.0722)


@pytest.mark.parametrize("fg, bg, expected", [
    (BLACK, WHITE, 21.0),
    (WHITE, WHITE, 1.0),
    # WebAIM contrast checker (https://webaim.org/resources/contrastchecker/, two decimals):
    # #777777 on white 4.48:1 (just fails AA), #767676 4.54:1 (the lightest grey that passes), its
    # default example #0000FF on white 8.59:1; pure red 4:1 (3.998); HTML green #008000 5.14:1.
    ("#777777", WHITE, 4.48),
    ("#767676", WHITE, 4.54),
    ("#0000FF", WHITE, 8.59),
    ("#FF0000", WHITE, 4.0),
    ("#008000", WHITE, 5.14),
    # The lecturer's complaints about the old palette: amber 2.1:1, orange 2.5:1, green 3.4:1.
    ("#E6A700", WHITE, 2.1),
    ("#FF7F0E", WHITE, 2.5),
    ("#2CA02C", WHITE, 3.4),
])
def test_contrast_of_known_pairs(fg, bg, expected):
    digits = len(str(expected).split(".")[1]) if "." in str(expected) else 0
    assert contrast_ratio(fg, bg) == pytest.approx(expected, abs=0.5 * 10 ** -digits + 1e-9)
    assert contrast_ratio(bg, fg) == contrast_ratio(fg, bg)   # symmetric: the lighter one is L1


def test_wcag_and_srgb_thresholds_agree_on_8_bit_values():
    # WCAG 2 writes the linearization threshold as 0.03928, IEC 61966-2-1 as 0.04045: no byte value
    # falls between them, so every "#RRGGBB" gets the same luminance either way.
    v = np.arange(256) / 255
    wcag = np.where(v <= 0.03928, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    np.testing.assert_array_equal(C.srgb_to_linear(v), wcag)


def test_bad_hex_is_refused():
    for bad in ("white", "#FFF", "FFFFFF", "#GG0000", None):
        with pytest.raises(ValueError):
            relative_luminance(bad)


# --- Colour vision deficiency (Machado, Oliveira & Fernandes 2009) ------------------------------

# Published values: Machado, Oliveira & Fernandes, "A physiologically-based model for simulation of
# color vision deficiency", IEEE TVCG 15(6) 2009, supplementary table of matrices
# (https://www.inf.ufrgs.br/~oliveira/pubs_files/CVD_Simulation/CVD_Simulation.html), severity 1.0;
# also in colorspacious/cvd.py and colour-science's CVD_MATRICES_MACHADO2010.  A pure primary in
# linear RGB is a unit vector, so its simulation is the matrix's column, which the table gives
# directly (negative entries are clipped to 0 by the simulation).
PUBLISHED = {
    "protanopia": [[0.152286, 1.052583, -0.204868],
                   [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968],
                     [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779],
                   [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}


@pytest.mark.parametrize("kind", sorted(PUBLISHED))
@pytest.mark.parametrize("primary", [0, 1, 2])
def test_machado_on_pure_primaries(kind, primary):
    unit = np.eye(3)[primary]
    expected = np.clip(np.array(PUBLISHED[kind])[:, primary], 0, 1)
    np.testing.assert_allclose(simulate_linear(unit, kind), expected, atol=1e-6)


def test_machado_on_primaries_as_hex():
    # The same columns, clipped, gamma-encoded (IEC 61966-2-1) and rounded to 8 bits:
    # protanopia of red: linear (0.152286, 0.114503, 0) -> sRGB (0.4266, 0.3727, 0) × 255
    # = (108.8, 95.0, 0) -> #6D5F00, the dark olive that protanopes see for red.
    assert simulate("#FF0000", "protanopia") == "#6D5F00"
    # deuteranopia of red: linear (0.367322, 0.280085, 0) -> sRGB (0.6401, 0.5658, 0) -> #A39000.
    assert simulate("#FF0000", "deuteranopia") == "#A39000"
    # protanopia of green: linear (1.052583 -> 1, 0.786281, 0) -> sRGB (1, 0.8994, 0) -> #FFE500.
    assert simulate("#00FF00", "protanopia") == "#FFE500"


def test_simulation_keeps_greys_and_normal_vision():
    for kind in PUBLISHED:
        # Every row of each matrix sums to 1 (within the table's rounding): greys stay grey.
        for g in (WHITE, BLACK, "#777777"):
            assert simulate(g, kind) == g
    assert simulate("#d62728", None) == "#D62728"
    with pytest.raises(ValueError):
        simulate("#FF0000", "achromatopsia")


def test_red_and_green_collapse_for_dichromats():
    # Why the simulation matters: pure red and green differ hugely for normal vision, and much less
    # for protanopes and deuteranopes.
    normal = C.difference("#FF0000", "#00FF00")
    assert normal > 80
    assert C.difference("#FF0000", "#00FF00", "protanopia") < normal / 2
    assert C.difference("#FF0000", "#00FF00", "deuteranopia") < normal / 2


# --- CIELAB and CIEDE2000 ----------------------------------------------------------------------

def test_lab_of_white_and_primaries():
    np.testing.assert_allclose(lab(WHITE), [100, 0, 0], atol=1e-3)
    np.testing.assert_allclose(lab(BLACK), [0, 0, 0], atol=1e-9)
    # sRGB primaries in CIELAB D65 (e.g. Lindbloom's calculator): red (53.24, 80.09, 67.20),
    # green (87.73, -86.18, 83.18), blue (32.30, 79.19, -107.86).
    np.testing.assert_allclose(lab("#FF0000"), [53.24, 80.09, 67.20], atol=0.02)
    np.testing.assert_allclose(lab("#00FF00"), [87.73, -86.18, 83.18], atol=0.02)
    np.testing.assert_allclose(lab("#0000FF"), [32.30, 79.19, -107.86], atol=0.02)


# Sharma, Wu & Dalal, "The CIEDE2000 color-difference formula: implementation notes, supplementary
# test data, and mathematical observations", Color Res. Appl. 30(1) 21-30, 2005, Table 1 (all 34 pairs):
# L1, a1, b1, L2, a2, b2, ΔE00.
SHARMA = [
    (50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425),
    (50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615),
    (50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412),
    (50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, -1.1848, -84.8006, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, -0.9009, -85.5211, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669),
    (50.0000, -1.0000, 2.0000, 50.0000, 0.0000, 0.0000, 2.3669),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0010, 7.1792),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0012, 7.2195),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0009, -2.4900, 4.8045),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0010, -2.4900, 4.8045),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0011, -2.4900, 4.7461),
    (50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065),
    (50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492),
    (50.0000, 2.5000, 0.0000, 61.0000, -5.0000, 29.0000, 22.8977),
    (50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030),
    (50.0000, 2.5000, 0.0000, 58.0000, 24.0000, 15.0000, 19.4535),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.1736, 0.5854, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.2972, 0.0000, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 1.8634, 0.5757, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.2592, 0.3350, 1.0000),
    (60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644),
    (63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630),
    (61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731),
    (35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645),
    (22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373),
    (36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146),
    (90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441),
    (90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381),
    (6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377),
    (2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082),
]


@pytest.mark.parametrize("row", SHARMA, ids=[f"pair{i + 1}" for i in range(len(SHARMA))])
def test_ciede2000_against_sharma(row):
    lab1, lab2, expected = row[0:3], row[3:6], row[6]
    assert delta_e00(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert delta_e00(lab2, lab1) == pytest.approx(expected, abs=1e-4)   # symmetric


def test_min_difference_is_the_worst_vision():
    a, b = "#D62728", "#2CA02C"      # the old red and green
    each = [C.difference(a, b, kind) for kind in (None, "protanopia", "deuteranopia")]
    assert min_difference(a, b) == pytest.approx(min(each))
    assert min_difference(a, b) < each[0]   # the dichromat sees less than normal vision
    assert min_difference(a, a) == 0.0


# --- Ramps ---------------------------------------------------------------------------------------

def test_ramp_interpolates_srgb_like_manim():
    assert C.RAMP_SPACE == "srgb"
    assert ramp("#000000", "#FFFFFF", 0.0) == "#000000"
    assert ramp("#000000", "#FFFFFF", 1.0) == "#FFFFFF"
    # Halfway in gamma-encoded sRGB is 127.5, truncated to 127 as manim's to_hex does (halfway in
    # linear light would be #BCBCBC).
    assert ramp("#000000", "#FFFFFF", 0.5) == "#7F7F7F"
    assert ramp("#FF0000", "#0000FF", 0.25) == "#BF003F"
    # = interpolate_color(ManimColor(a), ManimColor(b), t).to_hex() in manim 0.21.0 (checked on 2000
    # random pairs; manim is not imported here, it takes seconds): float64 components, int(v * 255).
    assert ramp("#6A3D9A", "#C2570A", 0.3) == "#84446E"
    assert len(ramp_samples("#000000", "#FFFFFF")) == 11
    with pytest.raises(ValueError):
        ramp("#000000", "#FFFFFF", 1.5)


@pytest.mark.e2e   # a real process
def test_module_does_not_import_manim():
    code = "import sys; import scenes.colour; print('manim' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         check=True, cwd=Path(C.__file__).resolve().parent.parent).stdout.strip()
    assert out == "False"


# --- The default palette -------------------------------------------------------------------------

def test_palette_has_every_role_as_hex():
    roles = {"background", "ink", "axis", "grid", "dot", "observation", "arrow", "moved_dot",
             "kernel_start", "kernel_end", "ntk_exact", "highlight", "width_narrow", "width_wide", "nngp"}
    assert set(DEFAULT_PALETTE) == roles
    assert DEFAULT_PALETTE["background"] == WHITE
    for hex_colour in DEFAULT_PALETTE.values():
        C.hex_to_rgb(hex_colour)
    assert TEXT_ROLES == roles - {"background", "grid"}


@pytest.mark.parametrize("role", sorted(TEXT_ROLES))
def test_palette_text_contrast(role):
    assert contrast_ratio(DEFAULT_PALETTE[role], WHITE) >= TEXT_CONTRAST


@pytest.mark.parametrize("start, end", RAMPS)
def test_palette_ramps_keep_line_contrast(start, end):
    samples = ramp_samples(DEFAULT_PALETTE[start], DEFAULT_PALETTE[end], 11)
    assert len(samples) == 11
    for c in samples:
        assert contrast_ratio(c, WHITE) >= LINE_CONTRAST


@pytest.mark.parametrize("a, b", DISTINGUISHABLE_PAIRS)
def test_palette_pairs_distinguishable(a, b):
    assert min_difference(DEFAULT_PALETTE[a], DEFAULT_PALETTE[b]) >= MIN_DELTA_E


def _lch(hex_colour):
    L, a, b = lab(hex_colour)
    return L, float(np.hypot(a, b)), float(np.degrees(np.arctan2(b, a)) % 360)


def _hsv_hue(hex_colour):
    r, g, b = C.hex_to_rgb(hex_colour)
    h = colorsys.rgb_to_hsv(r, g, b)[0] * 360
    return h - 360 if h > 345 else h


# The colour words as sRGB (HSV) hue ranges, in which the names are conventional: red 0°,
# orange 30°, gold 45-50°, green 120°, teal/cyan 180°, blue 210-240°, purple 270-285°, magenta 300°+.
# (CIELAB hue is no good for naming blue vs purple: pure blue #0000FF is at 306°, #663399 at 312°.)
HUES = {
    "arrow": (-15, 10),           # red
    "kernel_end": (15, 35),       # (burnt) orange
    "nngp": (38, 55),             # dark gold / ochre
    "ntk_exact": (90, 160),       # green
    "width_narrow": (165, 200),   # teal
    "width_wide": (165, 200),
    "observation": (205, 235),    # blue
    "kernel_start": (262, 295),   # purple
    "highlight": (295, 335),      # orchid / magenta
}


@pytest.mark.parametrize("role", sorted(HUES))
def test_palette_hues_match_their_names(role):
    hue = _hsv_hue(DEFAULT_PALETTE[role])
    lo, hi = HUES[role]
    assert lo <= hue <= hi, f"{role} hue {hue:.0f}° outside {lo}-{hi}°"
    assert _lch(DEFAULT_PALETTE[role])[1] >= 15, f"{role} too grey"


@pytest.mark.parametrize("a, b", C.CO_OCCURRING_PAIRS)
def test_palette_pairs_on_screen_together_differ(a, b):
    assert min_difference(DEFAULT_PALETTE[a], DEFAULT_PALETTE[b]) >= C.CO_OCCURRING_MIN_DELTA_E


def test_palette_greys_are_grey():
    for role in ("ink", "axis", "grid", "dot", "moved_dot"):
        assert _lch(DEFAULT_PALETTE[role])[1] < 1


def test_width_ramp_is_not_the_training_ramp():
    # The width ramp runs light to dark in one hue family; the training ramp from purple to orange.
    # No colour of one ramp is close to any colour of the other.
    train = ramp_samples(DEFAULT_PALETTE["kernel_start"], DEFAULT_PALETTE["kernel_end"])
    width = ramp_samples(DEFAULT_PALETTE["width_narrow"], DEFAULT_PALETTE["width_wide"])
    assert _lch(width[0])[0] > _lch(width[-1])[0] + 10       # narrow is lighter than wide
    assert min(C.difference(a, b) for a in train for b in width) >= 10


# --- check_theme --------------------------------------------------------------------------------

def test_check_theme_accepts_the_defaults():
    assert check_theme(DEFAULT_PALETTE) == []
    # also with the palette's upper-case constant names, as a settings file's [theme] arrives
    assert check_theme({k.upper(): v for k, v in DEFAULT_PALETTE.items()}, "BACKGROUND") == []


def test_check_theme_flags_old_amber_with_its_ratio():
    # 2.1229...:1, truncated to two decimals (WCAG: never round a ratio up to a pass)
    problems = check_theme({**DEFAULT_PALETTE, "highlight": "#E6A700"})
    contrast = [m for role, m in problems if role == "highlight" and m.startswith("contrast")]
    assert contrast == ["contrast 2.12:1 against background #FFFFFF; text needs at least 4.5:1"]


def test_check_theme_flags_the_old_palette():
    old = {"background": "#FFFFFF", "ink": "#1A1A1A", "axis": "#555555", "grid": "#DDDDDD",
           "dot": "#000000", "observation": "#1F5FD6", "arrow": "#D62728", "moved_dot": "#7F7F7F",
           "kernel_start": "#6A3D9A", "kernel_end": "#FF7F0E", "ntk_exact": "#2CA02C",
           "highlight": "#E6A700"}
    problems = check_theme(old)
    flagged = {role for role, _ in problems}
    assert {"highlight", "kernel_end", "ntk_exact", "moved_dot"} <= flagged
    messages = dict((r, m) for r, m in problems if "contrast" in m and "ramp" not in m)
    assert messages["kernel_end"].startswith("contrast 2.53:1")
    assert messages["ntk_exact"].startswith("contrast 3.40:1")
    # the grid is decorative: never flagged for contrast
    assert "grid" not in flagged


def test_check_theme_text_and_line_roles():
    theme = {"background": "#FFFFFF", "curve": "#949494"}   # 3.03:1: enough for a line, not text
    assert check_theme(theme, text_roles={"curve"}, pairs=(), ramps=()) == [
        ("curve", "contrast 3.03:1 against background #FFFFFF; text needs at least 4.5:1")]
    assert check_theme(theme, text_roles=(), line_roles={"curve"}, pairs=(), ramps=()) == []
    theme["curve"] = "#AAAAAA"
    assert check_theme(theme, text_roles=(), line_roles={"curve"}, pairs=(), ramps=()) == [
        ("curve", "contrast 2.32:1 against background #FFFFFF; a line needs at least 3:1")]


def test_check_theme_flags_indistinguishable_pairs_and_ramps():
    theme = {**DEFAULT_PALETTE, "arrow": "#1A1A1A"}   # a near-black arrow next to black dots
    problems = check_theme(theme)
    assert [r for r, m in problems] == ["arrow"]
    assert "arrow #1A1A1A and dot #000000 differ by ΔE00" in problems[0][1]
    # a ramp whose middle is too light for a line, although both ends pass as text
    problems = check_theme({"background": "#FFFFFF", "a": "#0000FF", "b": "#000000"},
                           text_roles={"a", "b"}, pairs=(), ramps=(("a", "b"),))
    assert problems == []                  # sRGB ramps between dark ends stay dark (convexity)
    problems = check_theme({"background": "#000000", "a": "#0000FF", "b": "#FF0000"},
                           text_roles=(), line_roles=(), pairs=(), ramps=(("a", "b"),))
    assert len(problems) == 1 and problems[0][0] == "a" and "ramp a -> b at t = 0.0" in problems[0][1]


def test_check_theme_bad_values():
    problems = check_theme({**DEFAULT_PALETTE, "ink": "black"})
    assert ("ink", "'black' is not a colour \"#RRGGBB\"") in problems
    assert check_theme({"ink": "#000000"}) == [("background", "no background colour to check the contrast against")]
