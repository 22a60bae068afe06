"""A formula typed by the user, f(x, y), as a `Landscape`: parsed with an AST whitelist, never eval.

The road from text to landscape:

1. Normalise: whitespace collapsed and stripped; a few typeset characters become ASCII (− → -,
   × and · → *, ÷ → /, π → pi, ² → ^2, ³ → ^3); anything else outside printable ASCII is refused.
   `^` means power: it is rewritten to `**` before parsing (Python's `^` binds more loosely than
   `+`), with every character's column kept so errors point into the user's own text.
2. `ast.parse(mode="eval")`, after a length limit (`MAX_LENGTH`) and a bracket-depth pre-check
   (`MAX_DEPTH`) so that the parser itself cannot be driven into deep recursion.
3. Every node is checked against the whitelist: numbers, `x`, `y`, `pi`, `e`, binary `+ - * / **`,
   unary `-` and `+`, and calls of `FUNCTIONS` (`min` and `max` take two or more arguments, the
   others one). Anything else is a `FormulaError` naming the construct and its column.
4. The tree becomes a closure over jax.numpy. Every literal is a JAX constant in the input's float
   dtype (float32 in the app), so nothing is ever evaluated in Python integers: `9**9**9**9` is
   `inf` in float32 in microseconds instead of an integer too large for any memory.
5. The function is analysed on its domain (`GRID_SIZE`² grid, one jitted kernel for the grid and
   one for polishing): minima, saddles, a default start and whether contours want a log scale.

`parse` keeps the last `FORMULA_CACHE_SIZE` landscapes (an LRU cache on normalised text and
domain), so typing the same formula again returns the very same `Landscape` object and the
engine's jitted kernels, keyed by that object, are reused; memory stays bounded however many
formulas a classroom types.
"""

import ast
import functools
import math
import numbers
import re
import threading
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from landscapes.landscape import Domain, Landscape, Point

MAX_LENGTH = 300
MAX_DEPTH = 40
MAX_NUMBER_LENGTH = 30
MAX_BOUND = 1e4
INTEGER_POWER_LIMIT = 1024
FORMULA_CACHE_SIZE = 64

GRID_SIZE = 64
NON_FINITE_LIMIT = 0.5
MAX_MINIMA = 8
MAX_SADDLES = 8
MAX_CANDIDATES = 128
POLISH_STEPS = 40
FINISH_STEPS = 8
LINE_SEARCH_STEPS = 24
LOG_DECADES = 3.0
# XLA options for the analysis kernels, which run once per formula: compiling them fast matters
# (about a quarter less time per parse), running them fast does not (milliseconds either way).
ONE_SHOT = {"xla_backend_optimization_level": 0, "xla_llvm_disable_expensive_passes": True}

KEY_PREFIX = "formula:"
NAME = "Your formula"
LESSON = "Your own landscape."

Expr = Callable[[jax.Array, jax.Array], jax.Array]


def _safe_sqrt(u: jax.Array) -> jax.Array:
    """√u, NaN for u < 0, with derivative 0 at u = 0 instead of ∞ (which turns into ∞·0 = NaN).

    0 is the subgradient at the tip of a cone such as √(x² + y²), the same double `where` as the
    catalogue's Ackley, so the typed Ackley has the record's gradient at its minimum.
    """
    positive = u > 0
    root = jnp.sqrt(jnp.where(positive, u, 1.0))
    return jnp.where(positive, root, jnp.where(u == 0, 0.0, jnp.nan))


FUNCTIONS: dict[str, Callable[..., jax.Array]] = {
    "sin": jnp.sin,
    "cos": jnp.cos,
    "tan": jnp.tan,
    "exp": jnp.exp,
    "log": jnp.log,
    "sqrt": _safe_sqrt,
    "abs": jnp.abs,
    "tanh": jnp.tanh,
    "sinh": jnp.sinh,
    "cosh": jnp.cosh,
    "arctan": jnp.arctan,
    "min": jnp.minimum,
    "max": jnp.maximum,
}
VARIADIC = frozenset({"min", "max"})
CONSTANTS = {"pi": math.pi, "e": math.e}
VARIABLES = ("x", "y")
ALLOWED_NAMES = (*VARIABLES, *CONSTANTS, *FUNCTIONS)

_TYPESET = {"−": "-", "×": "*", "·": "*", "⋅": "*", "÷": "/", "π": "pi", "²": "^2", "³": "^3"}
_DECIMAL = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_OPERATORS = frozenset({ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow})
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_ALLOWED_TEXT = ", ".join(ALLOWED_NAMES)
_CONSTRUCTS = {
    ast.Attribute: "Attribute access (a.b)",
    ast.Subscript: "Indexing (a[i])",
    ast.Compare: "A comparison",
    ast.BoolOp: "The operators 'and' / 'or'",
    ast.IfExp: "A conditional (a if c else b)",
    ast.Lambda: "A lambda",
    ast.ListComp: "A comprehension",
    ast.SetComp: "A comprehension",
    ast.DictComp: "A comprehension",
    ast.GeneratorExp: "A comprehension",
    ast.List: "A list",
    ast.Tuple: "A tuple (a comma outside a function's brackets)",
    ast.Set: "A set",
    ast.Dict: "A dict",
    ast.JoinedStr: "An f-string",
    ast.NamedExpr: "The walrus operator :=",
    ast.Starred: "A starred argument (*a)",
    ast.Await: "The keyword 'await'",
    ast.Yield: "The keyword 'yield'",
    ast.YieldFrom: "The keyword 'yield from'",
}


class FormulaError(ValueError):
    """A formula or domain that cannot become a landscape; `str(error)` is a sentence for students.

    `column` is the 1-based position in the text as typed (None when the problem is not at one
    place, e.g. the domain, or f being NaN on most of it).
    """

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.column = column


class _Source:
    """The user's text, normalised, and the same text as Python source with `^` → `**`.

    `where[i]` is the index in the raw text of source character i, plus one entry for the end, so
    an AST node's `col_offset` turns into the column the user sees.
    """

    def __init__(self, text: str):
        if not isinstance(text, str):
            raise FormulaError("The formula must be text, e.g. x^2 + y^2.")
        normalised: list[str] = []
        source: list[str] = []
        where: list[int] = []
        gap = False
        for index, char in enumerate(text):
            if char.isspace():
                gap = bool(normalised)
                continue
            for out in (" " if gap else "") + _TYPESET.get(char, char):
                if not " " <= out <= "~":
                    raise FormulaError(
                        f"The character {char!r} at column {index + 1} is not allowed: use "
                        "letters, digits, + - * / ^ ( ) and commas.",
                        index + 1,
                    )
                normalised.append(out)
                source.append("**" if out == "^" else out)
                where.extend([index] * len(source[-1]))
            gap = False
            if len(normalised) > MAX_LENGTH:
                length = len(" ".join(text.split()))
                raise FormulaError(
                    f"The formula is {length} characters long; the limit is {MAX_LENGTH}."
                )
        if not normalised:
            raise FormulaError("The formula is empty: type a function of x and y, e.g. x^2 + y^2.")
        self.normalised = "".join(normalised)
        self.text = "".join(source)
        self.where = [*where, len(text.rstrip())]

    def error(self, offset: int, what: str, rest: str) -> FormulaError:
        """FormulaError "<what> at column <c><rest>", c the raw column of source offset `offset`."""
        column = self.where[min(max(offset, 0), len(self.where) - 1)] + 1
        return FormulaError(f"{what} at column {column}{rest}", column)


class _Term:
    """A checked subexpression: its jax.numpy closure, its LaTeX and how tightly the LaTeX binds.

    `rank` is 1 for sums, 2 for products, 3 for signs, 4 for powers and fractions, 5 for atoms;
    a parent brackets a child that binds more loosely than its slot needs. `literal` is the value
    of a signed number literal (used only to spot integer exponents), else None.
    """

    def __init__(self, expr: Expr, latex: str, rank: int, literal: float | None = None):
        self.expr, self.latex, self.rank, self.literal = expr, latex, rank, literal

    def wrapped(self, rank: int, signed: bool = False) -> str:
        """The LaTeX, bracketed if it binds more loosely than `rank` or, unless `signed`, if it
        starts with a sign: a - (-b) and a (-b), but -a b."""
        if self.rank < rank or (not signed and self.latex[0] in "+-"):
            return rf"\left({self.latex}\right)"
        return self.latex


def _parse_tree(source: _Source) -> ast.expr:
    """The AST of `source`, once brackets, syntax and nesting are within limits."""
    depth = 0
    for offset, char in enumerate(source.text):
        depth += (char in "([{") - (char in ")]}")
        if depth > MAX_DEPTH:
            raise source.error(
                offset, "Too many nested brackets", f": at most {MAX_DEPTH} levels are allowed."
            )
    try:
        tree = ast.parse(source.text, mode="eval").body
    except SyntaxError as error:
        offset = (error.offset or len(source.text) + 1) - 1
        reason = (error.msg or "invalid syntax").split(". ")[0].rstrip(".")
        raise source.error(
            offset,
            "The formula cannot be read",
            f" ({reason}): write products with * and powers with ^, e.g. 2*sin(3*x) + x^2.",
        ) from None
    except (RecursionError, MemoryError):
        raise FormulaError(
            f"The formula is nested too deeply: at most {MAX_DEPTH} levels are allowed."
        ) from None
    stack = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        if level > MAX_DEPTH:
            raise source.error(
                node.col_offset,
                "The formula is nested too deeply",
                f": at most {MAX_DEPTH} levels of operations; use fewer terms or brackets.",
            )
        stack.extend(
            (child, level + 1)
            for child in ast.iter_child_nodes(node)
            if isinstance(child, ast.expr)
        )
    return tree


def _latex_number(value: float) -> str:
    """Shortest round-trip digits; 1e-05 becomes 10^{-5}, 2.5e+20 becomes 2.5 \\cdot 10^{20}."""
    text = repr(value).removesuffix(".0")
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = f"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else rf"{mantissa.removesuffix('.0')} \cdot {power}"


def _constant(value: float) -> Expr:
    """A literal as a JAX constant in the input's dtype: arithmetic on it happens in float32."""
    return lambda x, y: jnp.asarray(value, dtype=x.dtype)


def _number(source: _Source, node: ast.Constant) -> _Term:
    """A numeric literal, read from its own text (never through a Python int)."""
    literal = source.text[node.col_offset : node.end_col_offset]
    if isinstance(node.value, str | bytes):
        raise source.error(node.col_offset, "Text in quotes", " is not allowed in a formula.")
    if isinstance(node.value, complex):
        raise source.error(node.col_offset, f"The imaginary number '{literal}'", " is not allowed.")
    if not isinstance(node.value, int | float) or isinstance(node.value, bool):
        raise source.error(
            node.col_offset, f"The value '{literal}'", " is not allowed in a formula."
        )
    if len(literal) > MAX_NUMBER_LENGTH:
        raise source.error(
            node.col_offset,
            f"The number '{literal[:12]}…'",
            f" has {len(literal)} characters; the limit is {MAX_NUMBER_LENGTH}.",
        )
    if not _DECIMAL.fullmatch(literal):
        raise source.error(
            node.col_offset,
            f"The number '{literal}'",
            " is not written as a plain decimal such as 12, 0.5 or 1e-3.",
        )
    value = float(literal)
    if value > _FLOAT32_MAX:
        raise source.error(
            node.col_offset,
            f"The number '{literal}'",
            " is too large: float32 numbers stop near 3.4e38.",
        )
    latex = _latex_number(value)
    return _Term(_constant(value), latex, 2 if "cdot" in latex else 5, value)


def _name(source: _Source, node: ast.Name) -> _Term:
    """x, y, pi or e; a function's name without brackets and any other name are errors."""
    if node.id in VARIABLES:
        return _Term((lambda x, y: x) if node.id == "x" else (lambda x, y: y), node.id, 5)
    if node.id in CONSTANTS:
        latex = r"\pi" if node.id == "pi" else "e"
        return _Term(_constant(CONSTANTS[node.id]), latex, 5)
    if node.id in FUNCTIONS:
        raise source.error(
            node.col_offset,
            f"The name '{node.id}'",
            f" is a function: give it an argument in brackets, e.g. {node.id}(x).",
        )
    hint = " Write products with *, e.g. x*y." if set(node.id) <= set("xy") else ""
    raise source.error(
        node.col_offset, f"Unknown name '{node.id}'", f". Allowed: {_ALLOWED_TEXT}.{hint}"
    )


def _power(base: _Term, exponent: _Term) -> Expr:
    """base ** exponent in JAX: `integer_pow` for a small integer literal, else float `power`.

    `integer_pow` is what the catalogue's `x**2` compiles to, and it is exact for negative bases.
    """
    b, e, n = base.expr, exponent.expr, exponent.literal
    if n is not None and abs(n) <= INTEGER_POWER_LIMIT and n == int(n):
        return lambda x, y: lax.integer_pow(b(x, y), int(n))
    return lambda x, y: jnp.power(b(x, y), e(x, y))


def _binary(source: _Source, node: ast.BinOp) -> _Term:
    """a + b, a - b, a b, a / b as \\frac{a}{b}, and a ** b (typed a^b) as a^{b}."""
    if type(node.op) not in _OPERATORS:
        offset = node.left.end_col_offset
        while source.text[offset] in " )":
            offset += 1
        pair = source.text[offset : offset + 2]
        symbol = pair if pair in {"//", "<<", ">>"} else pair[0]
        raise source.error(
            offset, f"The operator '{symbol}'", " is not allowed: use + - * / and ^."
        )
    left, right = _translate(source, node.left), _translate(source, node.right)
    a, b = left.expr, right.expr
    match node.op:
        case ast.Add():
            return _Term(lambda x, y: a(x, y) + b(x, y), f"{left.latex} + {right.wrapped(1)}", 1)
        case ast.Sub():
            return _Term(lambda x, y: a(x, y) - b(x, y), f"{left.latex} - {right.wrapped(2)}", 1)
        case ast.Mult():
            factor = right.wrapped(2)
            joint = r" \cdot " if factor[0] in "0123456789." else " "
            latex = left.wrapped(2, signed=True) + joint + factor
            return _Term(lambda x, y: a(x, y) * b(x, y), latex, 2)
        case ast.Div():
            latex = rf"\frac{{{left.latex}}}{{{right.latex}}}"
            return _Term(lambda x, y: a(x, y) / b(x, y), latex, 4)
    return _Term(_power(left, right), f"{left.wrapped(5)}^{{{right.latex}}}", 4)


def _unary(source: _Source, node: ast.UnaryOp) -> _Term:
    """-a and +a; `not` and `~` are errors. -x^2 is -(x^2), as in Python and in mathematics."""
    if not isinstance(node.op, ast.USub | ast.UAdd):
        symbol = "not" if isinstance(node.op, ast.Not) else "~"
        raise source.error(
            node.col_offset, f"The operator '{symbol}'", " is not allowed: use + - * / and ^."
        )
    operand = _translate(source, node.operand)
    literal = operand.literal
    if isinstance(node.op, ast.UAdd):
        return _Term(operand.expr, "+" + operand.wrapped(2), 3, literal)
    a = operand.expr
    negated = None if literal is None else -literal
    return _Term(lambda x, y: -a(x, y), "-" + operand.wrapped(2), 3, negated)


def _call(source: _Source, node: ast.Call) -> _Term:
    """f(a) for the one-argument `FUNCTIONS`, min(a, b, …) and max(a, b, …) for two or more."""
    func = node.func
    if not isinstance(func, ast.Name):
        _translate(source, func)  # an attribute, lambda, … is reported as itself
        raise source.error(
            func.col_offset, "Only named functions can be called", f"; allowed: {_ALLOWED_TEXT}."
        )
    name = func.id
    if name in VARIABLES or name in CONSTANTS:
        raise source.error(
            func.col_offset,
            f"The name '{name}'",
            f" is not a function: write products with *, e.g. {name}*(…) rather than {name}(…).",
        )
    if name not in FUNCTIONS:
        raise source.error(
            func.col_offset, f"Unknown function '{name}'", f". Allowed: {_ALLOWED_TEXT}."
        )
    if node.keywords:
        keyword = node.keywords[0]
        label = f"'{keyword.arg}='" if keyword.arg else "'**'"
        raise source.error(keyword.col_offset, f"The keyword argument {label}", " is not allowed.")
    args = [_translate(source, arg) for arg in node.args]
    if name in VARIADIC and len(args) < 2:
        raise source.error(
            func.col_offset,
            f"The function {name}",
            f" takes two or more arguments, e.g. {name}(x, y).",
        )
    if name not in VARIADIC and len(args) != 1:
        raise source.error(
            func.col_offset, f"The function {name}", f" takes one argument, got {len(args)}."
        )
    function = FUNCTIONS[name]
    exprs = [arg.expr for arg in args]
    inside = ", ".join(arg.latex for arg in args)
    if name in VARIADIC:
        return _Term(
            lambda x, y: functools.reduce(function, (e(x, y) for e in exprs)),
            rf"\{name}\left({inside}\right)",
            5,
        )
    (a,) = exprs
    latex = {
        "sqrt": rf"\sqrt{{{inside}}}",
        "abs": rf"\left|{inside}\right|",
    }.get(name, rf"\{name}\left({inside}\right)")
    return _Term(lambda x, y: function(a(x, y)), latex, 5)


def _translate(source: _Source, node: ast.expr) -> _Term:
    """Check `node` against the whitelist and translate it; FormulaError at the first offence."""
    match node:
        case ast.Constant():
            return _number(source, node)
        case ast.Name():
            return _name(source, node)
        case ast.BinOp():
            return _binary(source, node)
        case ast.UnaryOp():
            return _unary(source, node)
        case ast.Call():
            return _call(source, node)
    construct = _CONSTRUCTS.get(type(node), f"The construct {type(node).__name__}")
    raise source.error(node.col_offset, construct, " is not allowed in a formula.")


def _function(expr: Expr) -> Callable[[jax.Array], jax.Array]:
    """f(p) for p of shape (2,), in p's float dtype (float32 for anything not floating)."""

    def fn(p: jax.Array) -> jax.Array:
        p = jnp.asarray(p)
        if not jnp.issubdtype(p.dtype, jnp.floating):
            p = p.astype(jnp.float32)
        return jnp.asarray(expr(p[0], p[1]), dtype=p.dtype)

    return fn


def _check_domain(domain: Domain) -> Domain:
    """The domain as floats ((x0, x1), (y0, y1)): finite, x0 < x1, y0 < y1, |bounds| ≤ 1e4."""
    try:
        (x0, x1), (y0, y1) = domain
        bounds = (x0, x1, y0, y1)
        if any(isinstance(b, bool) or not isinstance(b, numbers.Real) for b in bounds):
            raise TypeError
        x0, x1, y0, y1 = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise FormulaError(
            "The domain must be two pairs of numbers, ((x_min, x_max), (y_min, y_max))."
        ) from None
    if not all(math.isfinite(b) and abs(b) <= MAX_BOUND for b in (x0, x1, y0, y1)):
        raise FormulaError(f"The domain's bounds must be finite numbers within ±{MAX_BOUND:g}.")
    if not (x0 < x1 and y0 < y1):
        raise FormulaError(
            f"The domain needs x_min < x_max and y_min < y_max; got x from {x0:g} to {x1:g} and "
            f"y from {y0:g} to {y1:g}."
        )
    return (x0, x1), (y0, y1)


def _eigh2(h: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Eigenvalues (ascending) and eigenvectors (columns) of a symmetric 2×2 matrix, closed form.

    With h = [[a, b], [b, c]]: λ = (a + c)/2 ∓ √(((a − c)/2)² + b²), and the larger eigenvalue's
    vector is (cos θ, sin θ) with θ = ½ atan2(2b, a − c). Cheaper to compile than `eigh`.
    """
    a, b, c = h[0, 0], 0.5 * (h[0, 1] + h[1, 0]), h[1, 1]
    mean, radius = 0.5 * (a + c), jnp.hypot(0.5 * (a - c), b)
    theta = 0.5 * jnp.arctan2(2.0 * b, a - c)
    cos, sin = jnp.cos(theta), jnp.sin(theta)
    return jnp.stack([mean - radius, mean + radius]), jnp.array([[-sin, cos], [cos, sin]])


def _polisher(fn: Callable[[jax.Array], jax.Array], domain: Domain, radius: float, slack: float):
    """A jitted, vmapped (starts, descent) -> (points, f, ∇f, ∇²f, ring values, stall).

    Each start takes `POLISH_STEPS` steps d = −Σᵢ vᵢ (vᵢ·∇f) φ(λᵢ) over the Hessian's eigenpairs
    (λᵢ, vᵢ), with a backtracking line search over α = 1, ½, ¼, … (first α that lowers the merit):

    - descent (towards a minimum): φ(λ) = 1/max(|λ|, δ), the "saddle-free" Newton step of
      Dauphin et al. 2014, which is Newton's step where ∇²f is positive definite and goes downhill
      where it is not; merit f.
    - root (towards any stationary point, to find saddles): φ(λ) = λ/(λ² + δ²), Newton's step on
      ∇f = 0 with Levenberg-Marquardt damping, i.e. Gauss-Newton on ½‖∇f‖²; merit ‖∇f‖².

    Descent starts switch to root steps for the last `FINISH_STEPS`: near a minimum f is flat to
    float32 rounding before ∇f is zero, and Newton's step on ∇f = 0 gets the last digits. These
    steps may not raise f by more than `slack` (rounding), so a kink such as a cone's tip, where
    ‖∇f‖ never vanishes, keeps its descent end point.
    δ = max(1e-6 max|λ|, ‖∇f‖∞ / s) with s a quarter of the domain's diagonal, so no step is much
    longer than s (where ∇²f vanishes it is a gradient step of length s), and points stay within
    the domain widened by 10 %. A NaN makes every trial fail, so such a start stays put. `stall`
    is the length (∞-norm) of the last descent step: 0 at a kink such as the tip of |x| + |y|.
    The ring values are f on a circle of `radius` around each end point, for degenerate cases.
    """
    (x0, x1), (y0, y1) = domain
    low = jnp.array([x0 - 0.1 * (x1 - x0), y0 - 0.1 * (y1 - y0)], dtype=jnp.float32)
    high = jnp.array([x1 + 0.1 * (x1 - x0), y1 + 0.1 * (y1 - y0)], dtype=jnp.float32)
    max_step = 0.25 * math.hypot(x1 - x0, y1 - y0)
    alphas = jnp.asarray(0.5 ** np.arange(LINE_SEARCH_STEPS), dtype=jnp.float32)
    angles = np.linspace(0.0, 2.0 * np.pi, 16, endpoint=False)
    ring = jnp.asarray(radius * np.stack([np.cos(angles), np.sin(angles)], 1), jnp.float32)
    last_descent = POLISH_STEPS - FINISH_STEPS - 1
    tiny = 1e-30
    value_and_grad, hessian = jax.value_and_grad(fn), jax.hessian(fn)

    def polish(start: jax.Array, descent: jax.Array):
        def step(i, state):
            p, stall = state
            downhill = descent & (i <= last_descent)
            f, g = value_and_grad(p)
            lam, vecs = _eigh2(hessian(p))
            along = vecs.T @ g
            damping = jnp.maximum(1e-6 * jnp.max(jnp.abs(lam)), jnp.max(jnp.abs(g)) / max_step)
            damping = damping + tiny
            newton = along / jnp.maximum(jnp.abs(lam), damping)
            gauss = along * lam / (lam**2 + damping**2)
            d = -vecs @ jnp.where(downhill, newton, gauss)
            d = d * jnp.minimum(1.0, max_step / (jnp.max(jnp.abs(d)) + tiny))
            trials = jnp.clip(p + alphas[:, None] * d, low, high)
            values, grads = jax.vmap(value_and_grad)(trials)
            merits = jnp.where(downhill, values, jnp.sum(grads**2, axis=1))
            finishing = descent & (i > last_descent)
            better = (merits < jnp.where(downhill, f, g @ g)) & (~finishing | (values <= f + slack))
            new = jnp.where(better.any(), trials[jnp.argmax(better)], p)
            move = jnp.max(jnp.abs(new - p))
            return new, jnp.where(i == last_descent, move, stall)

        p, stall = lax.fori_loop(0, POLISH_STEPS, step, (start, jnp.float32(jnp.inf)))
        f, g = value_and_grad(p)
        return p, f, g, hessian(p), jax.vmap(fn)(p + ring), stall

    return jax.jit(jax.vmap(polish), compiler_options=ONE_SHOT)


def _grid_candidates(values: np.ndarray, slopes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat indices of grid local minima of f and of interior local minima of ‖∇f‖, lowest f first.

    A NaN counts as +∞; ties count as minima; each list is cut at `MAX_CANDIDATES`, so on an egg
    crate such as Rastrigin's the stationary points with the lowest f are the ones found.
    """

    def local_minima(a: np.ndarray) -> np.ndarray:
        padded = np.pad(a, 1, constant_values=np.inf)
        n, m = a.shape
        shifted = [padded[i : i + n, j : j + m] for i in range(3) for j in range(3)]
        return np.isfinite(a) & (a <= np.min(shifted, axis=0))

    values = np.where(np.isfinite(values), values, np.inf)
    slopes = np.where(np.isfinite(slopes), slopes, np.inf)
    lows = local_minima(values)
    flats = local_minima(slopes) & ~lows
    flats[[0, -1], :] = flats[:, [0, -1]] = False
    lows, flats = np.flatnonzero(lows), np.flatnonzero(flats)
    lows = lows[np.argsort(values.ravel()[lows], kind="stable")][:MAX_CANDIDATES]
    flats = flats[np.argsort(values.ravel()[flats], kind="stable")][:MAX_CANDIDATES]
    return lows, flats


def _distinct(points: np.ndarray, values: np.ndarray, tolerance: float, limit: int):
    """Up to `limit` ((x, y), f) with the lowest f, none within `tolerance` of a lower one."""
    kept: list[tuple[Point, float]] = []
    for i in np.argsort(values, kind="stable"):
        if len(kept) == limit:
            break
        if all(math.dist(points[i], xy) > tolerance for xy, _ in kept):
            kept.append(((float(points[i][0]), float(points[i][1])), float(values[i])))
    return tuple(kept)


def _stationary_points(fn, domain: Domain, points, values, grads):
    """Minima ((x, y), f) and saddle points of `fn` strictly inside `domain`, lowest f first.

    Grid local minima of f are polished by descent, grid local minima of ‖∇f‖ by root finding
    (see `_polisher`). An end point is stationary if ‖∇f‖ ≤ 1e-4 G, G the median ‖∇f‖ on the
    grid; a minimum may also be a descent that stalled (last step below 1e-6 of the diagonal:
    a kink such as the tip of |x| + |y|). It is classified by the Hessian's eigenvalues when
    all exceed η = max(1e-4 G / diagonal, 1e-5 max|λ|) in size (the second term is float32
    rounding of ∇²f): all positive → minimum, mixed signs → saddle; when one is smaller
    (degenerate points such as x³ − 3xy², x⁴ + y⁴ or a cone's tip) by f on a small ring around
    it: higher everywhere → minimum, higher and lower → saddle; equal somewhere (a valley of
    minima such as y²) → neither. Points closer than 1e-3 of the diagonal are the same point.
    """
    (x0, x1), (y0, y1) = domain
    diagonal = math.hypot(x1 - x0, y1 - y0)
    n = GRID_SIZE
    slopes = np.linalg.norm(grads, axis=1)
    lows, flats = _grid_candidates(values.reshape(n, n), slopes.reshape(n, n))
    starts = np.concatenate([points[lows], points[flats]])
    if not len(starts):
        return (), ()
    descent = np.arange(len(starts)) < len(lows)
    radius = 0.5 * min(x1 - x0, y1 - y0) / (n - 1)
    slack = 1e-6 * float(np.median(np.abs(values[np.isfinite(values)])))
    polish = _polisher(fn, domain, radius, slack)
    ends, f, g, h, ring, stall = (np.asarray(a, np.float64) for a in polish(starts, descent))

    finite_slopes = slopes[np.isfinite(slopes)]
    scale = float(np.median(finite_slopes)) if finite_slopes.size else 0.0
    lam = np.linalg.eigvalsh(np.nan_to_num(h))
    eta = 1e-4 * scale / diagonal
    with np.errstate(invalid="ignore"):
        delta = ring - f[:, None]
    eps = 1e-6 * np.maximum(np.abs(f), np.abs(ring).max(axis=1))
    ring_min = (delta > eps[:, None]).all(axis=1)
    ring_saddle = (delta < -eps[:, None]).any(axis=1) & (delta > eps[:, None]).any(axis=1)
    size = np.abs(lam)
    definite = (size > np.maximum(eta, 1e-5 * size.max(axis=1, keepdims=True))).all(axis=1)
    is_min = np.where(definite, lam[:, 0] > 0, ring_min)
    is_saddle = np.where(definite, (lam[:, 0] < 0) & (lam[:, 1] > 0), ring_saddle)

    finite = np.isfinite(ends).all(1) & np.isfinite(f) & np.isfinite(g).all(1)
    finite &= np.isfinite(h).all(axis=(1, 2)) & np.isfinite(ring).all(1)
    inside = (x0 < ends[:, 0]) & (ends[:, 0] < x1) & (y0 < ends[:, 1]) & (ends[:, 1] < y1)
    good = finite & inside
    stationary = np.linalg.norm(g, axis=1) <= 1e-4 * scale
    settled = stationary | (descent & (stall <= 1e-6 * diagonal))
    is_min &= good & settled
    is_saddle &= good & stationary
    tolerance = 1e-3 * diagonal
    minima = _distinct(ends[is_min], f[is_min], tolerance, MAX_MINIMA)
    saddles = _distinct(ends[is_saddle], f[is_saddle], tolerance, MAX_SADDLES)
    return minima, tuple(xy for xy, _ in saddles)


def _default_start(domain: Domain, points, values, slopes, minima) -> Point:
    """A start that shows a descent: high up, on a slope, away from the minima.

    Among grid points in the inner 80 % of the domain with finite f and a slope at least a tenth
    of the 75th percentile (so not on a plateau), those with f between the 70th and 90th
    percentile; of these the one farthest from every minimum found (or, with none, the one
    nearest the top-left corner), rounded to three significant digits of the domain's size.
    """
    (x0, x1), (y0, y1) = domain
    u, v = (points[:, 0] - x0) / (x1 - x0), (points[:, 1] - y0) / (y1 - y0)
    ok = np.isfinite(values)
    inner = ok & (u >= 0.1) & (u <= 0.9) & (v >= 0.1) & (v <= 0.9)
    pool = inner if inner.any() else ok
    sloped = pool & np.isfinite(slopes)
    if sloped.any():
        pool = sloped & (slopes >= 0.1 * np.percentile(slopes[sloped], 75))
    lo, hi = np.percentile(values[pool], [70, 90])
    band = pool & (values >= lo) & (values <= hi)
    pool = band if band.any() else pool
    if minima:
        centres = np.array([xy for xy, _ in minima])
        score = np.min(np.linalg.norm(points[:, None, :] - centres[None], axis=2), axis=1)
    else:
        score = -np.hypot(u, 1.0 - v)
    x, y = points[np.flatnonzero(pool)[np.argmax(score[pool])]]
    return (_round(float(x), x1 - x0), _round(float(y), y1 - y0))


def _round(value: float, span: float) -> float:
    """`value` rounded to three significant digits of `span` (short numbers for links)."""
    return round(value, max(0, 2 - math.floor(math.log10(span))))


def _log_levels(values: np.ndarray, minima) -> bool:
    """True if f − f_min on the grid spans `LOG_DECADES` decades: max over its 1st percentile."""
    floor = min([values.min(), *(f for _, f in minima)])
    above = values - floor
    above = above[above > 0]
    return bool(above.size) and above.max() >= 10**LOG_DECADES * np.percentile(above, 1)


@functools.lru_cache(maxsize=FORMULA_CACHE_SIZE)
def _landscape(normalised: str, domain: Domain) -> Landscape:
    """The landscape of an already normalised formula on a checked domain (cached)."""
    source = _Source(normalised)
    term = _translate(source, _parse_tree(source))
    fn = _function(term.expr)
    (x0, x1), (y0, y1) = domain
    n = GRID_SIZE
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    points = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    values, grads = jax.jit(jax.vmap(jax.value_and_grad(fn)), compiler_options=ONE_SHOT)(points)
    values, grads = np.asarray(values, np.float64), np.asarray(grads, np.float64)
    finite = np.isfinite(values)
    if finite.mean() < 1.0 - NON_FINITE_LIMIT:
        raise FormulaError(
            "f is not finite on most of the domain (e.g. log of negative numbers): "
            f"{100 * (1 - finite.mean()):.0f} % of a {n}×{n} grid gives inf or NaN; change the "
            "formula or the domain."
        )
    spread = np.ptp(values[finite])
    if spread <= 1e-6 * np.abs(values[finite]).max():
        raise FormulaError(
            f"f is constant on the domain (about {values[finite][0]:.6g} everywhere), so there is "
            "nothing to descend: use x and y in the formula."
        )
    minima, saddles = _stationary_points(fn, domain, points, values, grads)
    slopes = np.linalg.norm(grads, axis=1)
    return Landscape(
        key=formula_key(normalised, domain),
        name=NAME,
        fn=fn,
        latex=f"f(x, y) = {term.latex}",
        domain=domain,
        minima=minima,
        default_start=_default_start(domain, points, values, slopes, minima),
        saddles=saddles,
        log_levels=_log_levels(values[finite], minima),
        lesson=LESSON,
    )


_BUILDING = threading.Lock()


def parse(text: str, domain: Domain) -> Landscape:
    """The landscape f(x, y) = `text` on `domain`; FormulaError (with a column) if it is not one.

    The same normalised text and domain give the same `Landscape` object while it is among the
    last `FORMULA_CACHE_SIZE` parsed. A lock keeps two sessions typing the same formula at once
    from building two objects.
    """
    source = _Source(text)
    _translate(source, _parse_tree(source))
    checked = _check_domain(domain)
    with _BUILDING:
        return _landscape(source.normalised, checked)


def _format_bound(value: float) -> str:
    """Shortest text that reads back as exactly `value`: 2 rather than 2.0, 5.12, 0.1."""
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def formula_key(text: str, domain: Domain) -> str:
    """The canonical key "formula:<normalised text>@<x0>,<x1>,<y0>,<y1>" of a typed landscape."""
    (x0, x1), (y0, y1) = _check_domain(domain)
    bounds = ",".join(_format_bound(b) for b in (x0, x1, y0, y1))
    return f"{KEY_PREFIX}{_Source(text).normalised}@{bounds}"


def is_formula_key(key: str) -> bool:
    """Whether `key` names a typed formula (rather than a catalogue record)."""
    return isinstance(key, str) and key.startswith(KEY_PREFIX)


def parse_key(key: str) -> Landscape:
    """The landscape named by a `formula_key`; FormulaError if the key is malformed."""
    if not is_formula_key(key) or "@" not in key:
        raise FormulaError(
            f"A formula key looks like '{KEY_PREFIX}x^2 + y^2@-2,2,-2,2'; got {str(key)[:60]!r}."
        )
    text, _, bounds = key.removeprefix(KEY_PREFIX).rpartition("@")
    try:
        x0, x1, y0, y1 = (float(b) for b in bounds.split(","))
    except ValueError:
        raise FormulaError(
            f"The domain in a formula key must be four numbers x0,x1,y0,y1; got {bounds[:60]!r}."
        ) from None
    return parse(text, ((x0, x1), (y0, y1)))
