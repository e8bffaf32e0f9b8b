"""On-screen text -> what a person says: ``speakable("f(7) = −0.42")`` -> "f of seven equals minus
zero point four two".

Everything that names a symbol or a word is data, in :data:`TABLE` (a dict of dicts);
:data:`PRONUNCIATION_VERSION` is a hash of that table plus :data:`RULES_REVISION` (bump it when the
code below changes what it says), so that the synthesis cache can key on it.

The passes, in order (each works on the output of the one before):

1. newlines -> spaces; typographic apostrophes -> ``'``;
2. ``phrases``: literal phrases ("e.g." -> "for example", "et al." -> "et al", "/√" -> "over the
   square root of", "O(" -> "big O of");
3. ``words``: whole words, case-sensitive (acronyms spelt out: "NTK" -> "N T K"; "lr" -> "learning
   rate"; emphasis capitals "IS" -> "is");
4. years, by this rule: a number from 1100 to 2099 (no sign, no decimals, not part of a longer
   number) is read as a year ("twenty eighteen", "nineteen ninety-four", "two thousand five") when
   (a) it is the last thing inside parentheses and what comes before it in the parentheses is
   nothing or ends with a capitalized word or "et al" -- "(2019)", "(Neal, 1994)", "(Lee et al.
   2019)" -- or (b) it directly follows (optionally after a comma) a capitalized word that is not
   the first word of a sentence and is not in ``not_names`` (Width, Example, Step, ...), or "et al"
   -- "Jacot et al. 2018", "as in Neal 1994". Everything else is a plain number: "width 4096",
   "Width 2048: ..." (first word of a sentence), "(width 2048)" (lower-case word before it);
5. numbers in scientific notation: "1e-3" -> "ten to the minus three", "2.5e6" -> "two point five
   times ten to the six";
6. superscripts and ``^``: "²" -> "squared", "³" -> "cubed", "⁻¹" -> "inverse", "ᵀ" -> "transpose",
   any other exponent -> "to the (minus) N" ("10⁻³"), non-integer -> "to the power N";
   vulgar fractions ("½" -> "one half"); ordinals ("2nd" -> "second"); a digit directly before a
   letter gets a space ("3x" -> "3 x");
7. symbols: a single Latin letter (not inside a word or number) or any Greek letter (wherever it
   stands), with its decorations, is read as its name plus the decorations: "θ" -> "theta",
   "Θ" -> "Theta", "k̃" -> "k tilde", "x′" -> "x prime"; subscripts and trailing digits are indices
   ("θ₁", "θ1" -> "theta one", "f₀" -> "f zero", "θₓ" -> "theta x", "k_η" -> "k eta"); a symbol
   directly followed by "(" is a function applied to its arguments and its parentheses go:
   "f(x)" -> "f of x", "k(x, x′)" -> "k of x, x prime";
8. operators: multi-character ones first ("<=", "->"), then dashes and minus signs (U+2212 is
   always "minus"; ASCII "-" is "minus" when spaced, before a number it is not glued to a word by,
   or before a letter at the start of a term, and stays a hyphen inside words: "Gur-Ari",
   "finite-step"; "–" between numbers is "to"), then single characters ("=" -> "equals",
   "≈" -> "about", "→" -> "to", "←" -> "becomes", "≥" -> "at least", "·"/"×" -> "times",
   "±" -> "plus or minus", "√" -> "square root of", "∇" -> "grad", "∂" -> "d", "/" -> "over",
   "%" -> "percent", ...);
9. numbers (sub/superscript digits left over from 6-7 count as digits): "0.038" -> "zero point
   zero three eight", "46.99" -> "forty-six point nine nine", "4096" / "4,096" -> "four thousand
   ninety-six" (American, no "and"), ".5" -> "point five", "007" -> "zero zero seven";
10. clean-up: characters that are neither letters nor plain punctuation are dropped, spaces
    collapsed, no space before punctuation or inside parentheses. The result holds no digits.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

RULES_REVISION = 1  # bump whenever the code (not the table) changes what speakable() returns

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho",
    "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi",
    "ψ": "psi", "ω": "omega",
    "Α": "Alpha", "Β": "Beta", "Γ": "Gamma", "Δ": "Delta", "Ε": "Epsilon", "Ζ": "Zeta",
    "Η": "Eta", "Θ": "Theta", "Ι": "Iota", "Κ": "Kappa", "Λ": "Lambda", "Μ": "Mu", "Ν": "Nu",
    "Ξ": "Xi", "Ο": "Omicron", "Π": "Pi", "Ρ": "Rho", "Σ": "Sigma", "Τ": "Tau", "Υ": "Upsilon",
    "Φ": "Phi", "Χ": "Chi", "Ψ": "Psi", "Ω": "Omega",
}

TABLE: dict[str, dict[str, str] | list[str]] = {
    # Literal phrases, replaced first (longest first). A phrase that starts (ends) with a letter
    # only matches at the start (end) of a word.
    "phrases": {
        "e.g.": "for example", "i.e.": "that is", "et al.": "et al", "etc.": "et cetera",
        "vs.": "versus", "w.r.t.": "with respect to", "cf.": "compare", "approx.": "approximately",
        "resp.": "respectively", "Eq.": "equation", "Eqs.": "equations", "Fig.": "figure",
        "s.t.": "such that", "and/or": "and or", "log–log": "log-log", "/√": " over the square root of ",
        "O(": "big O of (",
    },
    # Whole words, case-sensitive.
    "words": {
        "NTK": "N T K", "NTKs": "N T Ks", "NNGP": "N N G P", "NNGPs": "N N G Ps", "RBF": "R B F",
        "RMS": "R M S", "GD": "G D", "SGD": "S G D", "MSE": "M S E", "GP": "G P", "GPs": "G Ps",
        "MLP": "M L P", "GPU": "G P U", "CPU": "C P U", "ReLU": "ray-loo", "ReLUs": "ray-loos",
        "tanh": "tanch", "JAX": "jacks", "std": "standard deviation", "lr": "learning rate",
        "iff": "if and only if", "argmax": "arg max", "argmin": "arg min",
        "IS": "is", "NOT": "not", "ALL": "all", "ANY": "any", "SAME": "same", "EVERY": "every",
    },
    # Capitalized words that come before a count, not a name: "Width 2018" is not a year.
    "not_names": [
        "Width", "Widths", "Example", "Examples", "Figure", "Chapter", "Section", "Step", "Steps",
        "Table", "Equation", "Seed", "Seeds", "Layer", "Layers", "Epoch", "Epochs", "Page",
        "Version", "Iteration", "Iterations", "Point", "Points", "Network", "Networks", "Size",
        "Batch", "Depth", "Units", "Samples", "Model", "Models", "Run", "Runs", "Part", "Slide",
    ],
    "greek": GREEK,
    # Combining marks and primes after a symbol.
    "decorations": {
        "\u0303": "tilde", "\u0302": "hat", "\u0304": "bar", "\u0305": "bar", "\u0307": "dot",
        "\u0308": "double dot", "\u20d7": "vector", "′": "prime", "″": "double prime",
        "‴": "triple prime",
    },
    "subscripts": {
        "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8",
        "₉": "9", "ₐ": "a", "ₑ": "e", "ₒ": "o", "ₓ": "x", "ₕ": "h", "ᵢ": "i", "ⱼ": "j", "ₖ": "k",
        "ₗ": "l", "ₘ": "m", "ₙ": "n", "ₚ": "p", "ₛ": "s", "ₜ": "t", "₊": "+", "₋": "-",
    },
    "superscripts": {
        "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8",
        "⁹": "9", "⁻": "-", "⁺": "+", "ⁿ": "n", "ⁱ": "i", "ᵀ": "T",
    },
    # Exponents with a name of their own; any other is "to the N".
    "powers": {"2": "squared", "3": "cubed", "-1": "inverse", "T": "transpose"},
    "fractions": {
        "½": "one half", "⅓": "one third", "⅔": "two thirds", "¼": "one quarter",
        "¾": "three quarters", "⅕": "one fifth", "⅛": "one eighth",
    },
    # Operators made of several characters, replaced before the single-character ones.
    "operators_multi": {
        "<=": "at most", ">=": "at least", "!=": "is not equal to", "->": "to", "<-": "becomes",
        "=>": "so", "~=": "about", "+/-": "plus or minus", "**": "to the power",
    },
    "operators": {
        "=": "equals", "≠": "is not equal to", "≈": "about", "≃": "about", "∼": "about",
        "~": "about", "<": "less than", ">": "greater than", "≤": "at most", "⩽": "at most",
        "≥": "at least", "⩾": "at least", "≪": "much less than", "≫": "much greater than",
        "→": "to", "⟶": "to", "←": "becomes", "⇒": "so", "↦": "maps to", "+": "plus",
        "−": "minus", "±": "plus or minus", "∓": "minus or plus", "·": "times", "⋅": "times",
        "×": "times", "∗": "times", "*": "times", "/": "over", "÷": "divided by",
        "√": "square root of", "∛": "cube root of", "∂": "d", "∇": "grad", "∞": "infinity",
        "∑": "sum of", "∏": "product of", "∫": "integral of", "∈": "in", "∉": "not in",
        "∝": "proportional to", "≡": "is identical to", "∘": "composed with", "%": "percent",
        "‰": "per mille", "&": "and", "°": "degrees", "—": ",", "…": "...",
    },
    "numbers_ones": {
        "0": "zero", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six",
        "7": "seven", "8": "eight", "9": "nine", "10": "ten", "11": "eleven", "12": "twelve",
        "13": "thirteen", "14": "fourteen", "15": "fifteen", "16": "sixteen", "17": "seventeen",
        "18": "eighteen", "19": "nineteen",
    },
    "numbers_tens": {
        "2": "twenty", "3": "thirty", "4": "forty", "5": "fifty", "6": "sixty", "7": "seventy",
        "8": "eighty", "9": "ninety",
    },
    "numbers_scales": {
        "3": "thousand", "6": "million", "9": "billion", "12": "trillion", "15": "quadrillion",
    },
    "ordinals": {
        "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
        "nine": "ninth", "twelve": "twelfth",
    },
}


def table_version(table: dict = TABLE, revision: int = RULES_REVISION) -> str:
    """A short hash of the table and the rules revision: what the synthesis cache keys on."""
    blob = json.dumps({"table": table, "rules": revision}, sort_keys=True, ensure_ascii=False)
    return f"pron{revision}-" + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


PRONUNCIATION_VERSION = table_version()

# ------------------------------------------------------------------ numbers
_ONES = TABLE["numbers_ones"]
_TENS = TABLE["numbers_tens"]
_SCALES = sorted(((int(k), v) for k, v in TABLE["numbers_scales"].items()), reverse=True)


def int_to_words(n: int) -> str:
    """4096 -> "four thousand ninety-six"; negative numbers get "minus"."""
    if n < 0:
        return "minus " + int_to_words(-n)
    if n < 20:
        return _ONES[str(n)]
    if n < 100:
        t, o = divmod(n, 10)
        return _TENS[str(t)] + (f"-{_ONES[str(o)]}" if o else "")
    if n < 1000:
        h, r = divmod(n, 100)
        return f"{_ONES[str(h)]} hundred" + (f" {int_to_words(r)}" if r else "")
    for exp, name in _SCALES:
        unit = 10 ** exp
        if n >= unit:
            if n >= unit * 1000 and exp == _SCALES[0][0]:
                return " ".join(_ONES[d] for d in str(n))  # beyond the largest scale: digits
            q, r = divmod(n, unit)
            return f"{int_to_words(q)} {name}" + (f" {int_to_words(r)}" if r else "")
    raise AssertionError(n)


def digits_to_words(digits: str) -> str:
    return " ".join(_ONES[d] for d in digits)


def number_to_words(s: str) -> str:
    """A number as written ("46.99", "4,096", ".5", "007", "-3") -> words."""
    s = s.replace(",", "")
    sign = ""
    if s[:1] in "-−":
        sign, s = "minus ", s[1:]
    whole, _, frac = s.partition(".")
    if whole and len(whole) > 1 and whole.startswith("0"):
        words = digits_to_words(whole)  # "007": read digit by digit
    elif whole:
        words = int_to_words(int(whole))
    else:
        words = ""
    if frac:
        words = (words + " point " if words else "point ") + digits_to_words(frac)
    return sign + words


def year_to_words(y: int) -> str:
    """2018 -> "twenty eighteen", 1994 -> "nineteen ninety-four", 2005 -> "two thousand five",
    1900 -> "nineteen hundred", 1905 -> "nineteen oh five"."""
    if 2000 <= y <= 2009:
        return int_to_words(y)
    hi, lo = divmod(y, 100)
    if lo == 0:
        return f"{int_to_words(hi)} hundred"
    if lo < 10:
        return f"{int_to_words(hi)} oh {int_to_words(lo)}"
    return f"{int_to_words(hi)} {int_to_words(lo)}"


def ordinal_words(n: int) -> str:
    """2 -> "second", 21 -> "twenty-first", 100 -> "one hundredth"."""
    head, sep, last = int_to_words(n).rpartition(" ")
    if "-" in last:
        pre, _, last = last.rpartition("-")
        head, sep = (head + sep + pre), "-"
    irregular = TABLE["ordinals"]
    if last in irregular:
        last = irregular[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return head + sep + last


# ------------------------------------------------------------------ regular expressions
def _phrase_pattern(phrase: str) -> str:
    """A literal phrase that starts (ends) with a letter or digit only matches at a word edge."""
    p = re.escape(phrase)
    if phrase[:1].isalnum():
        p = r"(?<!\w)" + p
    if phrase[-1:].isalnum():
        p = p + r"(?!\w)"
    return p


_PHRASES = sorted(TABLE["phrases"].items(), key=lambda kv: -len(kv[0]))
_PHRASE_RE = re.compile("|".join(_phrase_pattern(k) for k, _ in _PHRASES))
_PHRASE_MAP = dict(_PHRASES)
_WORD_RE = re.compile(r"(?<![\w])(" + "|".join(
    re.escape(w) for w in sorted(TABLE["words"], key=len, reverse=True)) + r")(?![\w])")

_YEAR = r"(1[1-9]\d\d|20\d\d)"
_YEAR_END = r"(?![\d]|[.,]\d)"
_NAME = r"(?:[A-Z][a-z][\w'’-]*|et al\.?)"
_YEAR_PAREN_RE = re.compile(r"\((?P<pre>(?:[^()]*?" + _NAME + r",?\s+)?)" + _YEAR + r"(?P<suf>[a-z]?\))")
_YEAR_NAME_RE = re.compile(r"(?P<start>^|[.!?:;]\s+|[\s(\[,])?(?P<name>" + _NAME + r")(?P<sep>,?\s+)"
                           r"(?<![\d.,])" + _YEAR + _YEAR_END)

_SCI_RE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)[eE]([+\-−]?)(\d+)(?![\w.])")
_SUPER_CHARS = "".join(TABLE["superscripts"])
_SUPER_RE = re.compile("[" + re.escape(_SUPER_CHARS) + "]+")
_CARET_RE = re.compile(r"\^\s*(?:\{([^{}]*)\}|\(([^()]*)\)|([+\-−]?(?:\d+(?:\.\d+)?|\.\d+|[^\W\d_]+)))")
_FRACTION_RE = re.compile("[" + "".join(TABLE["fractions"]) + "]")
_ORDINAL_RE = re.compile(r"(?<![\w.])(\d+)(st|nd|rd|th)(?![\w])")
_DIGIT_LETTER_RE = re.compile(r"(?<=\d)(?=[A-Za-z])")
_LETTER_DIGIT_RE = re.compile(r"(?<=[A-Za-z])(?=\d)")

_GREEK_CHARS = "".join(GREEK)
_MARKS = "".join(k for k in TABLE["decorations"] if unicodedata.combining(k) or k == "\u20d7")
_PRIMES = "".join(k for k in TABLE["decorations"] if k not in _MARKS)
_SUBS = "".join(TABLE["subscripts"])
_SYMBOL_RE = re.compile(
    r"(?P<base>(?<![A-Za-z0-9'])[A-Za-z]|[" + _GREEK_CHARS + r"])"  # Greek: wherever it stands
    r"(?P<marks>[" + _MARKS + r"]*)"
    r"(?P<primes>[" + _PRIMES + r"]*)"
    r"(?P<sub>_\{[^{}\s]*\}|_[A-Za-z0-9" + _GREEK_CHARS + r"]+|[" + re.escape(_SUBS) + r"]+|\d+(?![\d.,]\d))?"
    r"(?P<primes2>[" + _PRIMES + r"]*)"
)

_MULTI_OPS = sorted(TABLE["operators_multi"].items(), key=lambda kv: -len(kv[0]))
_MULTI_OP_RE = re.compile("|".join(re.escape(k) for k, _ in _MULTI_OPS))
_SINGLE_OPS = TABLE["operators"]
_SINGLE_OP_RE = re.compile("[" + re.escape("".join(_SINGLE_OPS)) + "]")
_NUMBER_RE = re.compile(r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w])|(?<![\w.])\.\d+(?![\w])")
_KEEP_PUNCT = set(".,;:!?'\"()-")


# ------------------------------------------------------------------ passes
def _phrases(s: str) -> str:
    return _PHRASE_RE.sub(lambda m: _PHRASE_MAP[m.group(0)], s) if _PHRASES else s


def _words(s: str) -> str:
    return _WORD_RE.sub(lambda m: TABLE["words"][m.group(1)], s)


def _years(s: str) -> str:
    not_names = set(TABLE["not_names"])

    def paren(m):
        pre = m.group("pre")
        words = pre.replace(",", " ").split()
        if words and words[-1] in not_names:
            return m.group(0)
        return f"({pre}{year_to_words(int(m.group(2)))}{m.group('suf')}"

    s = _YEAR_PAREN_RE.sub(paren, s)

    def named(m):
        start, name = m.group("start"), m.group("name")
        mark = (start or " ").strip()[:1]
        sentence_initial = start == "" or (mark != "" and mark in ".!?:;")
        if name in not_names or (sentence_initial and not name.startswith("et al")):
            return m.group(0)
        return f"{start or ''}{name}{m.group('sep')}{year_to_words(int(m.group(4)))}"

    return _YEAR_NAME_RE.sub(named, s)


def _scientific(s: str) -> str:
    def sub(m):
        mant, sign, exp = m.group(1), m.group(2), m.group(3)
        power = "ten to the " + ("minus " if sign in ("-", "−") else "") + (exp.lstrip("0") or "0")
        return power if mant in ("1", "1.0") else f"{mant} times {power}"

    return _SCI_RE.sub(sub, s)


def _exponent_words(exp: str) -> str:
    exp = exp.strip().replace("−", "-")
    powers = TABLE["powers"]
    if exp in powers:
        return powers[exp]
    if re.fullmatch(r"[+-]?\d+", exp):
        return "to the " + ("minus " if exp.startswith("-") else "") + exp.lstrip("+-")
    if re.fullmatch(r"[+-]?\d*\.\d+", exp):
        return "to the power " + ("minus " if exp.startswith("-") else "") + exp.lstrip("+-")
    return f"to the {exp}"


def _superscripts(s: str) -> str:
    sup = TABLE["superscripts"]
    s = _SUPER_RE.sub(lambda m: " " + _exponent_words("".join(sup[c] for c in m.group(0))) + " ", s)
    s = _CARET_RE.sub(lambda m: " " + _exponent_words(next(g for g in m.groups() if g is not None)) + " ", s)
    s = _FRACTION_RE.sub(lambda m: " " + TABLE["fractions"][m.group(0)] + " ", s)
    s = _ORDINAL_RE.sub(lambda m: ordinal_words(int(m.group(1))), s)
    return _DIGIT_LETTER_RE.sub(" ", s)


def _matching_paren(s: str, open_at: int) -> int:
    depth = 0
    for j in range(open_at, len(s)):
        if s[j] == "(":
            depth += 1
        elif s[j] == ")":
            depth -= 1
            if depth == 0:
                return j
    return -1


def _symbol_words(m: re.Match) -> str:
    deco = TABLE["decorations"]
    parts = [GREEK.get(m.group("base"), m.group("base"))]
    parts += [deco[c] for c in m.group("marks")]
    parts += [deco[c] for c in m.group("primes")]
    sub = m.group("sub")
    if sub:
        sub = sub.lstrip("_").strip("{}")
        sub = "".join(TABLE["subscripts"].get(c, c) for c in sub)
        parts.append(" ".join(GREEK.get(c, c) if c in GREEK else c for c in re.findall(r"[A-Za-z]+|\d+|\S", sub)))
    parts += [deco[c] for c in m.group("primes2")]
    return " ".join(p for p in parts if p)


def _decompose_symbols(s: str) -> str:
    """A lone precomposed letter with a decoration ("ỹ", "x̄" typed as one character) -> letter +
    combining mark, so that the symbol pass reads its decoration; letters inside words stay."""
    out = list(s)
    for i, ch in enumerate(s):
        if ch.isascii() or not ch.isalpha():
            continue
        nfd = unicodedata.normalize("NFD", ch)
        if len(nfd) < 2 or not nfd[0].isascii() or any(c not in _MARKS for c in nfd[1:]):
            continue
        before = s[i - 1] if i else " "
        after = s[i + 1] if i + 1 < len(s) else " "
        if not before.isalpha() and not after.isalpha():
            out[i] = nfd
    return "".join(out)


def _is_word_start(s: str, at: int) -> bool:
    """Does the Latin letter ending at ``at`` (exclusive) go on as a word ("for", "I'm")?"""
    if at >= len(s):
        return False
    nxt = s[at]
    if nxt.isascii() and nxt.isalpha():
        return True
    return nxt in "'’" and at + 1 < len(s) and s[at + 1].isalpha()


def _symbols(s: str) -> str:
    s = _decompose_symbols(s)
    i = 0
    while True:
        m = _SYMBOL_RE.search(s, i)
        if m is None:
            return s
        base = m.group("base")
        if base.isascii() and _is_word_start(s, m.start() + 1 + len(m.group("marks"))):
            w = re.match(r"[A-Za-z'’]+", s[m.start():])  # an ordinary word: skip it
            i = m.start() + len(w.group(0))
            continue
        spoken = " " + _symbol_words(m) + " "
        end = m.end()
        if end < len(s) and s[end] == "(":
            close = _matching_paren(s, end)
            if close > 0:
                s = s[:m.start()] + spoken + "of " + s[end + 1:close] + " " + s[close + 1:]
                i = m.start() + len(spoken)
                continue
        s = s[:m.start()] + spoken + s[end:]
        i = m.start() + len(spoken)


def _operators(s: str) -> str:
    s = _MULTI_OP_RE.sub(lambda m: " " + TABLE["operators_multi"][m.group(0)] + " ", s)
    # dashes: en dash between numbers is "to", spaced en dash a pause, else a hyphen
    s = re.sub(r"(?<=\d)\s*–\s*(?=[\d−-])", " to ", s)
    s = re.sub(r"\s+–\s+", ", ", s)
    s = s.replace("–", "-")
    # ASCII minus: spaced, or a sign at the start of a term; otherwise a hyphen inside a word
    s = re.sub(r"(?<=\s)-(?=\s)", " minus ", s)
    s = re.sub(r"(?<!\w)-(?=\s*\.?\d)", "minus ", s)
    s = re.sub(r"(?:(?<=^)|(?<=[\s(\[=,:;/]))-(?=\s*[A-Za-z])", "minus ", s)
    return _SINGLE_OP_RE.sub(lambda m: " " + _SINGLE_OPS[m.group(0)] + " ", s)


def _numbers(s: str) -> str:
    # sub/superscript digits that belonged to no symbol or exponent: plain digits
    s = re.sub("[" + re.escape(_SUBS + _SUPER_CHARS) + "]",
               lambda m: f" {TABLE['subscripts'].get(m.group(0)) or TABLE['superscripts'][m.group(0)]} ", s)
    s = _LETTER_DIGIT_RE.sub(" ", s)
    s = _NUMBER_RE.sub(lambda m: number_to_words(m.group(0)), s)
    return re.sub(r"\d+", lambda m: digits_to_words(m.group(0)), s)  # leftovers ("1.2.3")


def _cleanup(s: str) -> str:
    out = []
    for ch in s:
        if ch.isalpha() or ch.isspace() or ch in _KEEP_PUNCT:
            out.append(ch)
        elif unicodedata.category(ch).startswith("M") and ch not in _MARKS and out and out[-1].isalpha():
            out.append(ch)  # an accent on a letter of a word ("café" typed decomposed)
        else:
            out.append(" ")
    s = unicodedata.normalize("NFC", "".join(out))
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"\(\s*\)", " ", s)
    s = re.sub(r"\s+([.,;:!?)])", r"\1", s)
    s = re.sub(r"\(\s+", "(", s)
    s = re.sub(r"([,;:!?])(?=[^\s\d,;:!?.)'\"-])", r"\1 ", s)
    s = re.sub(r"(?<=\w)\(", " (", s)
    s = re.sub(r"\)(?=\w)", ") ", s)
    s = re.sub(r"([,;:])(?:\s*,)+", r"\1", s)  # ", ," from a dash next to a comma
    s = re.sub(r"^[\s,;:.]+", "", s)
    return re.sub(r"\s+", " ", s).strip()


def speakable(text: str) -> str:
    """What a person says when reading ``text`` aloud (see the module docstring for the rules)."""
    s = unicodedata.normalize("NFC", text)
    s = s.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    for step in (_phrases, _words, _years, _scientific, _superscripts, _symbols, _operators,
                 _numbers, _cleanup):
        s = step(s)
    return s
