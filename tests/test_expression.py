"""Typed formulas: the catalogue retyped as text, the whitelist's errors, fuzzing for escapes."""

import ast
import builtins
import math
import time
from datetime import timedelta

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from landscapes import CATALOG, Landscape, expression
from landscapes.expression import (
    ALLOWED_NAMES,
    FORMULA_CACHE_SIZE,
    MAX_DEPTH,
    MAX_LENGTH,
    FormulaError,
    formula_key,
    is_formula_key,
    parse,
    parse_key,
)

TYPED = {
    "ravine": "x^2/20 + y^2",
    "bowl": "(x^2 + y^2)/2",
    "saddle": "x^2 - y^2",
    "monkey_saddle": "x^3 - 3*x*y^2",
    "saddle_escape": "x^2/2 + y^4/4 - y^2/2",
    "rosenbrock": "(1 - x)^2 + 100*(y - x^2)^2",
    "himmelblau": "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    "rastrigin": "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
    "ackley": (
        "-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + 20 + e"
    ),
    "beale": "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
    "booth": "(x + 2*y - 7)^2 + (2*x + y - 5)^2",
    "goldstein_price": (
        "(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))"
        "*(30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))"
    ),
    "six_hump_camel": "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2",
    "three_hump_camel": "2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2",
    "styblinski_tang": "0.5*(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)",
    "matyas": "0.26*(x^2 + y^2) - 0.48*x*y",
    "mccormick": "sin(x + y) + (x - y)^2 - 1.5*x + 2.5*y + 1",
    "warmup_trap": "1 - exp(-x^2/18 - 0.5*exp(-1.5*x)*y^2)",
    "sharp_flat": "0.5*((x + 1)^2 + y^2)*(1 - exp(-((x - 1)^2 + y^2)/0.08))",
    "cliff": "(x - 2)^2/8 + y^2/2 + 100/(1 + exp(10*x))",
}
# Catalogue keys whose formula the whitelist cannot express, each with the reason.
UNTYPABLE: dict[str, str] = {}

TYPED_KEYS = sorted(TYPED)
WITH_MINIMA = [key for key in TYPED_KEYS if CATALOG[key].minima]
WITH_SADDLES = [key for key in TYPED_KEYS if CATALOG[key].saddles]
SQUARE = ((-2.0, 2.0), (-2.0, 2.0))


def _typed(key: str) -> Landscape:
    """The catalogue record `key` typed as text, on the record's own domain (cached by parse)."""
    return parse(TYPED[key], CATALOG[key].domain)


def _inside(land: Landscape, xy) -> bool:
    (x0, x1), (y0, y1) = land.domain
    return x0 < xy[0] < x1 and y0 < xy[1] < y1


def _random_points(land: Landscape, n: int = 64) -> np.ndarray:
    (x0, x1), (y0, y1) = land.domain
    rng = np.random.default_rng(7)
    return np.stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)], axis=1).astype(np.float32)


def _values_and_grads(fn, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values, grads = jax.jit(jax.vmap(jax.value_and_grad(fn)))(jnp.asarray(points))
    return np.asarray(values, np.float64), np.asarray(grads, np.float64)


def test_every_catalogue_record_is_typed_or_explained():
    assert set(CATALOG) <= set(TYPED) | set(UNTYPABLE)
    assert all(reason.strip() for reason in UNTYPABLE.values())


@pytest.mark.parametrize("key", TYPED_KEYS)
def test_typed_catalogue_formula_matches_the_record(key: str):
    record, typed = CATALOG[key], _typed(key)
    points = _random_points(record)
    want_f, want_g = _values_and_grads(record.fn, points)
    got_f, got_g = _values_and_grads(typed.fn, points)
    f_scale = 1.0 + np.abs(want_f)
    np.testing.assert_allclose(got_f, want_f, rtol=1e-5, atol=1e-5 * f_scale.max())
    g_scale = 1.0 + np.linalg.norm(want_g, axis=1, keepdims=True)
    np.testing.assert_array_less(np.abs(got_g - want_g), np.broadcast_to(1e-4 * g_scale, (64, 2)))
    hessian = jax.hessian(typed.fn)(jnp.asarray(points[0]))
    np.testing.assert_allclose(hessian, jax.hessian(record.fn)(jnp.asarray(points[0])), rtol=1e-3)


@pytest.mark.parametrize("key", TYPED_KEYS)
def test_typed_landscape_is_a_sane_record(key: str):
    land = _typed(key)
    assert land.name == "Your formula"
    assert land.domain == CATALOG[key].domain
    assert land.latex.startswith("f(x, y) = ")
    assert land.lesson.endswith(".") and land.lesson[0].isupper()
    assert _inside(land, land.default_start)
    assert len(land.minima) <= expression.MAX_MINIMA
    assert len(land.saddles) <= expression.MAX_SADDLES
    assert [f for _, f in land.minima] == sorted(f for _, f in land.minima)
    assert all(_inside(land, xy) for xy, _ in land.minima)
    assert all(_inside(land, xy) for xy in land.saddles)
    grad = jax.grad(land.fn)(jnp.asarray(land.default_start, dtype=jnp.float32))
    assert float(jnp.linalg.norm(grad)) > 1e-3


@pytest.mark.parametrize("key", WITH_MINIMA)
def test_found_minima_include_the_catalogues_published_minima(key: str):
    record, typed = CATALOG[key], _typed(key)
    (x0, x1), (y0, y1) = record.domain
    tolerance = 1e-4 * math.hypot(x1 - x0, y1 - y0)
    found = np.array([xy for xy, _ in typed.minima])
    for xy, f in record.minima:
        distances = np.linalg.norm(found - np.array(xy), axis=1)
        assert distances.min() <= tolerance, (xy, typed.minima)
        assert typed.minima[int(distances.argmin())][1] == pytest.approx(f, abs=1e-4 * (1 + abs(f)))
    assert typed.minima[0][1] == pytest.approx(record.minima[0][1], abs=1e-4)


@pytest.mark.parametrize("key", WITH_SADDLES)
def test_found_saddles_include_the_catalogues_saddles(key: str):
    record, typed = CATALOG[key], _typed(key)
    (x0, x1), (y0, y1) = record.domain
    tolerance = 1e-3 * math.hypot(x1 - x0, y1 - y0)
    found = np.array(typed.saddles).reshape(-1, 2)
    for xy in record.saddles:
        assert np.linalg.norm(found - np.array(xy), axis=1).min() <= tolerance, (xy, found)


def test_found_minima_are_local_minima_of_the_record_in_float64():
    """Every minimum found on the typed egg crates is one of the record's, checked in float64."""
    angles = np.linspace(0.0, 2.0 * np.pi, 12, endpoint=False)
    ring = 1e-3 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    for key in ["rastrigin", "six_hump_camel", "styblinski_tang", "himmelblau"]:
        typed = _typed(key)
        with jax.enable_x64(True):
            centres = np.array([xy for xy, _ in typed.minima], dtype=np.float64)
            around = centres[:, None, :] + ring[None]
            fn = jax.vmap(jax.vmap(CATALOG[key].fn))
            values = np.asarray(fn(jnp.asarray(centres[:, None, :])))
            assert (np.asarray(fn(jnp.asarray(around))) > values).all(), key


def test_the_canonical_classics():
    himmelblau = _typed("himmelblau")
    assert len(himmelblau.minima) == 4
    for xy, _ in CATALOG["himmelblau"].minima:
        assert min(math.dist(xy, found) for found, _ in himmelblau.minima) < 1e-4
    ((x, y), f), *_ = _typed("rosenbrock").minima
    assert (x, y, f) == pytest.approx((1.0, 1.0, 0.0), abs=1e-4)
    ((x, y), f), *_ = _typed("booth").minima
    assert (x, y, f) == pytest.approx((1.0, 3.0, 0.0), abs=1e-4)
    saddle = parse("x^2 - y^2", SQUARE)
    assert saddle.minima == ()
    assert np.allclose(saddle.saddles, [(0.0, 0.0)], atol=1e-6)


def test_kinks_and_degenerate_points_are_classified():
    cone = parse("abs(x) + abs(y)", SQUARE)
    assert np.allclose([xy for xy, _ in cone.minima], [(0.0, 0.0)], atol=1e-4)
    assert cone.saddles == ()
    quartic = parse("x^4 + y^4", SQUARE)
    assert np.allclose([xy for xy, _ in quartic.minima], [(0.0, 0.0)], atol=1e-3)
    valley = parse("y^2", SQUARE)
    assert valley.minima == () and valley.saddles == ()


def test_log_levels_follow_the_decades_on_the_domain():
    assert _typed("rosenbrock").log_levels
    assert _typed("goldstein_price").log_levels
    assert not _typed("bowl").log_levels
    assert not _typed("ravine").log_levels


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("x^2/20 + y^2", r"\frac{x^{2}}{20} + y^{2}"),
        ("sin(3*x)*cos(3*y)", r"\sin\left(3 x\right) \cos\left(3 y\right)"),
        ("(1-x)^2 + 100*(y-x^2)^2", r"\left(1 - x\right)^{2} + 100 \left(y - x^{2}\right)^{2}"),
        (
            "sqrt(abs(x)) + max(x, y) - pi*e",
            r"\sqrt{\left|x\right|} + \max\left(x, y\right) - \pi e",
        ),
        (
            "-x^2 - -y + x*-y - (x - y)",
            r"-x^{2} - \left(-y\right) + x \left(-y\right) - \left(x - y\right)",
        ),
        (
            "(-x)^2 + (x/2)^3 + 2*3*x",
            r"\left(-x\right)^{2} + \left(\frac{x}{2}\right)^{3} + 2 \cdot 3 x",
        ),
        ("1e-3*x + 2.5e20*y^-1", r"0.001 x + 2.5 \cdot 10^{20} y^{-1}"),
        ("x^y^2 + arctan(x)", r"x^{y^{2}} + \arctan\left(x\right)"),
        ("x² − y·2 + π", r"x^{2} - y \cdot 2 + \pi"),
    ],
)
def test_latex_is_rendered_from_the_tree(text: str, latex: str):
    assert expression._translate(*_tree(text)).latex == latex


def _tree(text: str):
    source = expression._Source(text)
    return source, expression._parse_tree(source)


def test_same_text_gives_the_same_object_and_a_canonical_key():
    land = parse("x^2/20 + y^2", ((-8, 8), (-3, 3)))
    assert parse("  x^2/20   +\ty^2 ", ((-8.0, 8.0), (-3.0, 3.0))) is land
    assert parse("x^2/20 + y^2", ((np.float32(-8), 8), (-3, np.float64(3)))) is land
    assert land.key == "formula:x^2/20 + y^2@-8,8,-3,3"
    assert land.key == formula_key(" x^2/20 + y^2", ((-8, 8), (-3, 3)))
    assert is_formula_key(land.key) and not is_formula_key("ravine")
    assert parse_key(land.key) is land
    assert hash(land) == hash(parse_key(land.key))
    assert formula_key("x", ((-0.1, 5.12), (0, 1e-7))) == "formula:x@-0.1,5.12,0,1e-07"
    exact = ((0.123456789, 1.0), (0.0, 1.0))
    assert parse_key(formula_key("x + y", exact)).domain == exact


def test_the_cache_is_bounded():
    cached = expression._landscape
    assert cached.cache_parameters()["maxsize"] == FORMULA_CACHE_SIZE == 64
    assert cached.cache_info().currsize <= FORMULA_CACHE_SIZE


@pytest.mark.parametrize(
    "key",
    [
        "ravine",
        "formula:",
        "formula:x^2",
        "formula:x^2@1,2,3",
        "formula:x^2@a,b,c,d",
        "formula:x^2@2,1,0,1",
        "formula:x^2@nan,1,0,1",
        "formula:import os@0,1,0,1",
    ],
)
def test_malformed_keys_raise(key: str):
    with pytest.raises(FormulaError):
        parse_key(key)


UNKNOWN = f"Allowed: {', '.join(ALLOWED_NAMES)}."


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("x + z", f"Unknown name 'z' at column 5. {UNKNOWN}", 5),
        ("x +   zz", "Unknown name 'zz' at column 7", 7),
        ("xy + 1", "Write products with *", 1),
        ("np.sin(x)", "Attribute access (a.b) at column 1 is not allowed", 1),
        ("x + os.system", "Attribute access", 5),
        ("foo(x)", f"Unknown function 'foo' at column 1. {UNKNOWN}", 1),
        ("2 + eval('1')", "Unknown function 'eval' at column 5", 5),
        ("lambda: x", "A lambda at column 1", 1),
        ("[x for x in (1, 2)]", "A comprehension at column 1", 1),
        ("sum(t for t in y)", "Unknown function 'sum'", 1),
        ("x[0]", "Indexing (a[i]) at column 1", 1),
        ("sin(x=1)", "keyword argument 'x=' at column 5", 5),
        ("max(*x)", "starred argument", 5),
        ("x < y", "A comparison at column 1", 1),
        ("x if y else 1", "A conditional", 1),
        ("'x'", "Text in quotes at column 1", 1),
        ("f'{x}'", "An f-string", 1),
        ("(y := 2)", "walrus", 2),
        ("x % 2", "The operator '%' at column 3", 3),
        ("x ** 2 // 3", "The operator '//' at column 8", 8),
        ("~x", "The operator '~' at column 1", 1),
        ("x, y", "A tuple", 1),
        ("__import__('os')", "Unknown function '__import__' at column 1", 1),
        ("x.__class__", "Attribute access", 1),
        ("sin", "'sin' at column 1 is a function", 1),
        ("y(x + 1)", "'y' at column 1 is not a function", 1),
        ("sin(x, y)", "sin at column 1 takes one argument", 1),
        ("max(x)", "max at column 1 takes two or more arguments", 1),
        ("1j*x", "imaginary number '1j' at column 1", 1),
        ("0x1F*x", "The number '0x1F' at column 1 is not written as a plain decimal", 1),
        ("x*1e39", "The number '1e39' at column 3 is too large", 3),
        ("x + " + "1" * 31, "has 31 characters; the limit is 30", 5),
        ("x é", "The character 'é' at column 3", 3),
        ("x² + z", "Unknown name 'z' at column 6", 6),
        ("x +\n  z", "Unknown name 'z' at column 7", 7),
        ("x +", "The formula cannot be read at column 4", 4),
        ("2x", "The formula cannot be read at column 1", 1),
        ("x  y", "The formula cannot be read at column 4", 4),
        ("(x + 1", "The formula cannot be read at column 1", 1),
        ("x^^2", "The formula cannot be read at column 3", 3),
        ("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), "Too many nested brackets", 41),
        ("+".join(["x"] * (MAX_DEPTH + 2)), "nested too deeply", None),
        ("-" * 200 + "x", "nested too deeply", None),
        ("x" * (MAX_LENGTH + 1), f"{MAX_LENGTH + 1} characters long; the limit is 300", None),
        ("", "The formula is empty", None),
        (" \t\n ", "The formula is empty", None),
        (None, "must be text", None),
    ],
)
def test_errors_say_what_and_where(text, message: str, column: int | None):
    with pytest.raises(FormulaError) as caught:
        parse(text, SQUARE)
    error = caught.value
    assert isinstance(error, ValueError)
    assert message in str(error)
    if column is not None:
        assert error.column == column
    assert str(error).endswith(".") and str(error)[0].isupper()


@pytest.mark.parametrize(
    "domain",
    [
        ((0.0, float("nan")), (0.0, 1.0)),
        ((0.0, float("inf")), (0.0, 1.0)),
        ((0.0, 2e4), (0.0, 1.0)),
        ((1.0, 0.0), (0.0, 1.0)),
        ((0.0, 1.0), (1.0, 1.0)),
        ((0.0, 1.0),),
        ((0.0, "1"), (0.0, 1.0)),
        None,
    ],
)
def test_bad_domains_raise(domain):
    with pytest.raises(FormulaError) as caught:
        parse("x^2 + y^2", domain)
    assert caught.value.column is None
    assert "domain" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("log(-1 - x^2)", "f is not finite on most of the domain"),
        ("sqrt(-1 - abs(y)) + x", "f is not finite on most of the domain"),
        ("3", "f is constant on the domain"),
        ("sin(x)^2 + cos(x)^2", "f is constant on the domain"),
        ("0*x*y", "f is constant on the domain"),
    ],
)
def test_functions_that_are_no_landscape_raise(text: str, message: str):
    with pytest.raises(FormulaError, match=message) as caught:
        parse(text, SQUARE)
    assert caught.value.column is None


@pytest.mark.parametrize(
    "text", ["9**9**9**9", "9^9^9^9", "x^9^9^9^9", "(x + 2)^1e30", "exp(exp(exp(x + 9)))"]
)
def test_huge_powers_finish_fast_in_float32(text: str):
    start = time.perf_counter()
    try:
        land = parse(text, SQUARE)
    except FormulaError as error:
        assert "not finite" in str(error) or "constant" in str(error)
    else:
        assert isinstance(land, Landscape)
    assert time.perf_counter() - start < 5.0


def test_fn_works_under_grad_hessian_vmap_and_x64():
    fn = parse("x^3*y + sin(x)*exp(y/2) + max(x, y)^2", SQUARE).fn
    p = jnp.asarray([0.3, -0.7], dtype=jnp.float32)
    x, y = 0.3, -0.7
    assert fn(p).dtype == jnp.float32
    assert float(fn(p)) == pytest.approx(x**3 * y + math.sin(x) * math.exp(y / 2) + x**2, rel=1e-6)
    grad = [
        3 * x**2 * y + math.cos(x) * math.exp(y / 2) + 2 * x,
        x**3 + math.sin(x) * math.exp(y / 2) / 2,
    ]
    np.testing.assert_allclose(jax.grad(fn)(p), grad, rtol=1e-5)
    assert jax.hessian(fn)(p).shape == (2, 2)
    assert jax.vmap(fn)(jnp.stack([p, -p])).shape == (2,)
    assert float(fn(jnp.asarray([1, 2]))) == pytest.approx(2 + math.sin(1) * math.e + 4, rel=1e-6)
    with jax.enable_x64(True):
        assert fn(jnp.asarray([x, y], dtype=jnp.float64)).dtype == jnp.float64


def test_sqrt_has_the_subgradient_zero_at_zero():
    fn = parse("sqrt(x^2 + y^2)", SQUARE).fn
    np.testing.assert_array_equal(jax.grad(fn)(jnp.zeros(2)), [0.0, 0.0])
    assert float(fn(jnp.asarray([3.0, 4.0]))) == 5.0


# --- fuzzing -------------------------------------------------------------------------------

ALPHABET = "xy0123456789.e+-*/^() ,sincotaxplgqrbmdhEj_[]'\"=<>@%~:!&|\\{}#;\t\n√π²"
DANGEROUS = [
    "__import__('os').system('touch {canary}')",
    "open('{canary}', 'w')",
    "exec(\"open('{canary}', 'w')\")",
    "eval(\"__import__('os').system('touch {canary}')\")",
    "().__class__.__bases__[0].__subclasses__()",
    "[c for c in ().__class__.__base__.__subclasses__()][0]",
    "(lambda: __import__('os').system('touch {canary}'))()",
    "globals()['__builtins__']",
    "breakpoint()",
    "sin.__globals__",
    "x.__init__.__globals__['os']",
    "getattr(x, '__class__')",
]


def _no_escape(text: str) -> Landscape | None:
    """parse(text) ends in FormulaError or a usable landscape."""
    try:
        land = parse(text, SQUARE)
    except FormulaError as error:
        assert str(error)
        assert error.column is None or 1 <= error.column <= len(text) + 1
        event("FormulaError")
        return None
    event("Landscape")
    assert land.latex.count("{") == land.latex.count("}")
    assert parse_key(land.key) is land
    assert np.isfinite(land.default_start).all()
    return land


@pytest.fixture
def canary(tmp_path):
    """A path that an escaped formula would create, and a snapshot of the builtins."""
    before = dict(vars(builtins))
    path = tmp_path / "pwned"
    yield path
    assert not path.exists()
    assert dict(vars(builtins)) == before


@pytest.mark.parametrize("template", DANGEROUS)
def test_code_injection_is_refused(template: str, canary):
    with pytest.raises(FormulaError):
        parse(template.format(canary=canary), SQUARE)


@settings(
    max_examples=150,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    text=st.one_of(
        st.text(ALPHABET, max_size=40),
        st.sampled_from(DANGEROUS),
        st.builds(lambda n: "(" * n + "x" + ")" * n, st.integers(0, 400)),
        st.builds(lambda n: "-" * n + "x", st.integers(0, 400)),
        st.builds(lambda n: "x" + "^x" * n, st.integers(0, 200)),
        st.builds(lambda n: "9" + "**9" * n, st.integers(0, 200)),
    )
)
def test_random_text_never_escapes(text: str, canary):
    _no_escape(text.replace("{canary}", str(canary)))


def _name(identifier: str) -> ast.Name:
    return ast.Name(id=identifier, ctx=ast.Load())


def _call(function: str, args: list, keyword: bool) -> ast.Call:
    keywords = [ast.keyword(arg="k", value=args[0])] if keyword and args else []
    return ast.Call(func=_name(function), args=args, keywords=keywords)


def _lambda(body: ast.expr) -> ast.Lambda:
    arguments = ast.arguments(
        posonlyargs=[], args=[ast.arg(arg="x")], kwonlyargs=[], kw_defaults=[], defaults=[]
    )
    return ast.Lambda(args=arguments, body=body)


def _comprehension(element: ast.expr, iterable: ast.expr) -> ast.ListComp:
    loop = ast.comprehension(
        target=ast.Name(id="t", ctx=ast.Store()), iter=iterable, ifs=[], is_async=0
    )
    return ast.ListComp(elt=element, generators=[loop])


LEAVES = st.one_of(
    st.sampled_from(["x", "y", "pi", "e", "z", "os", "sin", "__import__", "__builtins__"]).map(
        _name
    ),
    st.floats(0.0, 1e6, allow_nan=False).map(ast.Constant),
    st.integers(0, 10**40).map(ast.Constant),
    st.sampled_from(["text", b"bytes", None, True, 1j, ...]).map(ast.Constant),
)
OPERATORS = st.sampled_from(
    [ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.Mod, ast.FloorDiv, ast.MatMult, ast.BitXor]
)
FUNCTIONS = st.sampled_from([*expression.FUNCTIONS, "eval", "exec", "open", "getattr", "print"])


def _extend(children):
    return st.one_of(
        st.builds(lambda a, op, b: ast.BinOp(a, op(), b), children, OPERATORS, children),
        st.builds(lambda a, b: ast.BinOp(a, ast.Add(), b), children, children),
        st.builds(
            lambda op, a: ast.UnaryOp(op(), a),
            st.sampled_from([ast.USub, ast.UAdd, ast.Not, ast.Invert]),
            children,
        ),
        st.builds(_call, FUNCTIONS, st.lists(children, min_size=0, max_size=3), st.booleans()),
        st.builds(
            lambda a, attr: ast.Attribute(a, attr, ast.Load()),
            children,
            st.sampled_from(["real", "__class__", "__globals__", "system"]),
        ),
        st.builds(lambda a, b: ast.Subscript(a, b, ast.Load()), children, children),
        st.builds(_lambda, children),
        st.builds(_comprehension, children, children),
        st.builds(lambda a, b: ast.Compare(a, [ast.Lt()], [b]), children, children),
        st.builds(ast.IfExp, children, children, children),
        st.builds(lambda a, b: ast.Tuple([a, b], ast.Load()), children, children),
        st.builds(lambda a: ast.Starred(a, ast.Load()), children),
    )


SAFE_LEAVES = st.one_of(
    st.sampled_from(["x", "y"]).map(_name),
    st.sampled_from(["x", "y", "pi", "e"]).map(_name),
    st.floats(0.0, 100.0, allow_nan=False).map(lambda v: ast.Constant(round(v, 2))),
)
UNARY = [name for name in expression.FUNCTIONS if name not in expression.VARIADIC]


def _safe_extend(children):
    return st.one_of(
        st.builds(
            lambda a, op, b: ast.BinOp(a, op(), b),
            children,
            st.sampled_from([ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow]),
            children,
        ),
        st.builds(lambda a: ast.UnaryOp(ast.USub(), a), children),
        st.builds(lambda f, a: _call(f, [a], False), st.sampled_from(UNARY), children),
        st.builds(
            lambda f, a, b: _call(f, [a, b], False),
            st.sampled_from(["min", "max"]),
            children,
            children,
        ),
    )


@settings(
    max_examples=40,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    tree=st.one_of(
        st.recursive(SAFE_LEAVES, _safe_extend, max_leaves=8),
        st.recursive(LEAVES, _extend, max_leaves=12),
    )
)
def test_random_trees_never_escape(tree: ast.expr, canary):
    try:
        text = ast.unparse(ast.fix_missing_locations(ast.Expression(tree)))
    except (ValueError, TypeError, AttributeError):
        return
    _no_escape(text)
