"""The catalogue of 2-D loss landscapes: classic optimisation test functions as `Landscape` records.

Formulas, minima and domains follow Surjanovic & Bingham's Virtual Library of Simulation
Experiments. Published minima were refined to 9+ digits with Newton's method in float64, and the
saddles of the classic functions were found the same way. Some domains are narrower than the
standard ones so that the interesting part of the surface fills the picture.

The last three records (`warmup_trap`, `sharp_flat`, `cliff`) are built for the learning-rate
lessons in `lessons.learning_rate`; their docstrings give the curvatures those lessons rely on.
"""

import jax
import jax.numpy as jnp

from landscapes.landscape import Landscape


def ravine(p: jax.Array) -> jax.Array:
    x, y = p[0], p[1]
    return x**2 / 20.0 + y**2


def bowl(p: jax.Array) -> jax.Array:
    x, y = p[0], p[1]
    return (x**2 + y**2) / 2.0


def saddle(p: jax.Array) -> jax.Array:
    x, y = p[0], p[1]
    return x**2 - y**2


def monkey_saddle(p: jax.Array) -> jax.Array:
    x, y = p[0], p[1]
    return x**3 - 3.0 * x * y**2


def saddle_escape(p: jax.Array) -> jax.Array:
    x, y = p[0], p[1]
    return x**2 / 2.0 + y**4 / 4.0 - y**2 / 2.0


def rosenbrock(p: jax.Array) -> jax.Array:
    x, y = p[0], p[1]
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def himmelblau(p: jax.Array) -> jax.Array:
    x, y = p[0], p[1]
    return (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2


def rastrigin(p: jax.Array) -> jax.Array:
    x, y = p[0], p[1]
    return 20.0 + x**2 - 10.0 * jnp.cos(2.0 * jnp.pi * x) + y**2 - 10.0 * jnp.cos(2.0 * jnp.pi * y)


def ackley(p: jax.Array) -> jax.Array:
    """Ackley with a=20, b=0.2, c=2π.

    The radius goes through a double `where` so that at the cone tip (the origin) the gradient is
    the subgradient 0 instead of NaN.
    """
    x, y = p[0], p[1]
    r2 = 0.5 * (x**2 + y**2)
    r = jnp.where(r2 > 0.0, jnp.sqrt(jnp.where(r2 > 0.0, r2, 1.0)), 0.0)
    ripples = 0.5 * (jnp.cos(2.0 * jnp.pi * x) + jnp.cos(2.0 * jnp.pi * y))
    return -20.0 * jnp.exp(-0.2 * r) - jnp.exp(ripples) + 20.0 + jnp.e


def beale(p: jax.Array) -> jax.Array:
    x, y = p[0], p[1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def booth(p: jax.Array) -> jax.Array:
    x, y = p[0], p[1]
    return (x + 2.0 * y - 7.0) ** 2 + (2.0 * x + y - 5.0) ** 2


def goldstein_price(p: jax.Array) -> jax.Array:
    """Goldstein-Price: the product of two quartic factors, 3 at its minimum (0, -1)."""
    x, y = p[0], p[1]
    a = 1.0 + (x + y + 1.0) ** 2 * (
        19.0 - 14.0 * x + 3.0 * x**2 - 14.0 * y + 6.0 * x * y + 3.0 * y**2
    )
    b = 30.0 + (2.0 * x - 3.0 * y) ** 2 * (
        18.0 - 32.0 * x + 12.0 * x**2 + 48.0 * y - 36.0 * x * y + 27.0 * y**2
    )
    return a * b


def six_hump_camel(p: jax.Array) -> jax.Array:
    x, y = p[0], p[1]
    return (4.0 - 2.1 * x**2 + x**4 / 3.0) * x**2 + x * y + (-4.0 + 4.0 * y**2) * y**2


def three_hump_camel(p: jax.Array) -> jax.Array:
    x, y = p[0], p[1]
    return 2.0 * x**2 - 1.05 * x**4 + x**6 / 6.0 + x * y + y**2


def styblinski_tang(p: jax.Array) -> jax.Array:
    x, y = p[0], p[1]
    return 0.5 * (x**4 - 16.0 * x**2 + 5.0 * x + y**4 - 16.0 * y**2 + 5.0 * y)


def matyas(p: jax.Array) -> jax.Array:
    x, y = p[0], p[1]
    return 0.26 * (x**2 + y**2) - 0.48 * x * y


def mccormick(p: jax.Array) -> jax.Array:
    x, y = p[0], p[1]
    return jnp.sin(x + y) + (x - y) ** 2 - 1.5 * x + 2.5 * y + 1.0


def warmup_trap(p: jax.Array) -> jax.Array:
    r"""A funnel that is sharp where runs start and flat at its minimum, inside a plateau.

    f = 1 − exp(−q), q = x²/18 + ½ e^{−3x/2} y². Across the floor y = 0 the curvature is
    e^{−q} e^{−3x/2}: about 30 at x = −2.5 and 1 at the minimum (0, 0), so gradient descent is
    stable at the minimum for η < 2 but near the start only for η ≲ 2/30. Away from the funnel
    f → 1 and ∇f → 0, a plateau that a point thrown out by a too-large step never leaves.
    Warmup keeps η_t below the local limit 2/λ(x_t) while the run reaches flatter ground
    (Goyal et al. 2017; Gilmer et al. 2022, "A Loss Curvature Perspective on Training
    Instability in Deep Learning").
    """
    x, y = p[0], p[1]
    return 1.0 - jnp.exp(-(x**2) / 18.0 - 0.5 * jnp.exp(-1.5 * x) * y**2)


def sharp_flat(p: jax.Array) -> jax.Array:
    r"""A wide bowl and a narrow pit of the same depth: f = ½‖p − a‖² (1 − exp(−‖p − b‖²/2w²)).

    a = (−1, 0), b = (1, 0), w = 0.2, so f(a) = f(b) = 0 exactly. The Hessian is (1 − e^{−50}) I
    at the flat minimum a and ½‖b − a‖²/w² I = 50 I at the sharp one b. Gradient descent can only
    settle at a minimum whose largest curvature λ satisfies ηλ < 2 (Wu, Ma & E 2018, "How SGD
    selects the global minima"), so for 0.04 < η < 2 the pit repels and the bowl holds: large or
    cyclic rates (Smith 2017; Loshchilov & Hutter 2017) prefer flat minima, the picture behind
    Keskar et al. 2017, "On Large-Batch Training for Deep Learning".
    """
    x, y = p[0], p[1]
    bowl = 0.5 * ((x + 1.0) ** 2 + y**2)
    return bowl * (1.0 - jnp.exp(-((x - 1.0) ** 2 + y**2) / 0.08))


def cliff(p: jax.Array) -> jax.Array:
    r"""A gentle valley below a cliff: f = (x − 2)²/8 + y²/2 + 100 σ(−10x), σ the logistic.

    For x < 0 a plateau 100 high drops over a face about 0.5 wide, where |∂f/∂x| reaches
    100 · 10/4 = 250 against ≤ 1.5 in the valley: the "walls" of recurrent nets' loss surfaces
    (Pascanu, Mikolov & Bengio 2013, "On the difficulty of training recurrent neural networks";
    Goodfellow et al. 2016, §8.2.4). One gradient step from the face travels η · 250; clipping
    the gradient's norm to c bounds it by η c.
    """
    x, y = p[0], p[1]
    return (x - 2.0) ** 2 / 8.0 + y**2 / 2.0 + 100.0 * jax.nn.sigmoid(-10.0 * x)


LANDSCAPES: tuple[Landscape, ...] = (
    Landscape(
        key="ravine",
        name="Ravine",
        fn=ravine,
        latex=r"f(x, y) = \frac{x^2}{20} + y^2",
        domain=((-8.0, 8.0), (-3.0, 3.0)),
        minima=(((0.0, 0.0), 0.0),),
        default_start=(-7.0, 2.0),
        lesson=(
            "Curvature is 20× stronger across the valley than along it, so plain gradient "
            "descent zigzags between the walls while momentum and adaptive methods run down "
            "the valley floor."
        ),
    ),
    Landscape(
        key="bowl",
        name="Round bowl",
        fn=bowl,
        latex=r"f(x, y) = \tfrac{1}{2}\left(x^2 + y^2\right)",
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        minima=(((0.0, 0.0), 0.0),),
        default_start=(-2.5, 2.0),
        lesson=(
            "Every direction has the same curvature, so the gradient points straight at the "
            "minimum and only the step size matters: too small crawls, and above 2 gradient "
            "descent overshoots further every step and diverges."
        ),
    ),
    Landscape(
        key="saddle",
        name="Saddle",
        fn=saddle,
        latex=r"f(x, y) = x^2 - y^2",
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=(),
        default_start=(-1.8, 0.02),
        saddles=((0.0, 0.0),),
        lesson=(
            "A zero gradient is not a minimum: a run that starts close to the x-axis slows "
            "down as it nears the saddle point, then escapes along y, where the loss falls "
            "without bound."
        ),
    ),
    Landscape(
        key="monkey_saddle",
        name="Monkey saddle",
        fn=monkey_saddle,
        latex=r"f(x, y) = x^3 - 3xy^2",
        domain=((-1.5, 1.5), (-1.5, 1.5)),
        minima=(),
        default_start=(1.0, 0.3),
        saddles=((0.0, 0.0),),
        lesson=(
            "At this degenerate saddle the Hessian vanishes along with the gradient, so "
            "second-order methods get no curvature signal and first-order methods drift away "
            "only slowly because the slope grows just quadratically with distance."
        ),
    ),
    Landscape(
        key="saddle_escape",
        name="Saddle escape",
        fn=saddle_escape,
        latex=r"f(x, y) = \frac{x^2}{2} + \frac{y^4}{4} - \frac{y^2}{2}",
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=(((0.0, 1.0), -0.25), ((0.0, -1.0), -0.25)),
        default_start=(-1.8, 0.01),
        saddles=((0.0, 0.0),),
        lesson=(
            "Started almost on the line y = 0, gradient descent lingers at the saddle until "
            "the tiny y-offset has grown enough to carry it into one of the two minima, which "
            "is why momentum and gradient noise help escape saddles."
        ),
    ),
    Landscape(
        key="rosenbrock",
        name="Rosenbrock",
        fn=rosenbrock,
        latex=r"f(x, y) = (1 - x)^2 + 100\left(y - x^2\right)^2",
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        minima=(((1.0, 1.0), 0.0),),
        default_start=(-1.2, 1.0),
        log_levels=True,
        lesson=(
            "Reaching the long curved banana valley is easy, but following its nearly flat, "
            "bending floor to (1, 1) takes first-order methods many small steps because "
            "curvature across the valley is 2500× that along it."
        ),
    ),
    Landscape(
        key="himmelblau",
        name="Himmelblau",
        fn=himmelblau,
        latex=r"f(x, y) = \left(x^2 + y - 11\right)^2 + \left(x + y^2 - 7\right)^2",
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=(
            ((3.0, 2.0), 0.0),
            ((-2.805118087, 3.131312518), 0.0),
            ((-3.779310253, -3.283185991), 0.0),
            ((3.584428340, -1.848126527), 0.0),
        ),
        default_start=(0.0, 0.0),
        saddles=(
            (3.385154184, 0.073851880),
            (0.086677505, 2.884254701),
            (-3.073025751, -0.081353044),
            (-0.127961347, -1.953714980),
        ),
        log_levels=True,
        lesson=(
            "Four equally good minima separated by saddles and a central peak, so which one "
            "an optimizer lands in depends on its start, step size and momentum rather than "
            "on which minimum is best."
        ),
    ),
    Landscape(
        key="rastrigin",
        name="Rastrigin",
        fn=rastrigin,
        latex=(
            r"f(x, y) = 20 + \left(x^2 - 10\cos 2\pi x\right) + \left(y^2 - 10\cos 2\pi y\right)"
        ),
        domain=((-5.12, 5.12), (-5.12, 5.12)),
        minima=(((0.0, 0.0), 0.0),),
        default_start=(3.3, -2.8),
        lesson=(
            "A bowl covered in a regular egg-crate of local minima, where gradient methods "
            "get stuck in the nearest dimple and only large steps, momentum or noise hop "
            "toward the global minimum at the centre."
        ),
    ),
    Landscape(
        key="ackley",
        name="Ackley",
        fn=ackley,
        latex=(
            r"f(x, y) = -20\exp\left(-0.2\sqrt{\tfrac{1}{2}\left(x^2 + y^2\right)}\right)"
            r" - \exp\left(\tfrac{1}{2}\left(\cos 2\pi x + \cos 2\pi y\right)\right) + 20 + e"
        ),
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=(((0.0, 0.0), 0.0),),
        default_start=(-4.0, 3.3),
        lesson=(
            "A gently sloping plateau covered in ripples funnels into a sharp cone at the "
            "origin, so gradient methods get caught on the ripples far out while the global "
            "minimum is a narrow, non-smooth tip."
        ),
    ),
    Landscape(
        key="beale",
        name="Beale",
        fn=beale,
        latex=(
            r"f(x, y) = (1.5 - x + xy)^2 + \left(2.25 - x + xy^2\right)^2"
            r" + \left(2.625 - x + xy^3\right)^2"
        ),
        domain=((-4.5, 4.5), (-4.5, 4.5)),
        minima=(((3.0, 0.5), 0.0),),
        default_start=(1.0, 1.5),
        saddles=((0.0, 1.0), (0.100537937, -2.644513585)),
        log_levels=True,
        lesson=(
            "Flat plains next to walls that climb to 10⁵ make gradient magnitudes vary by "
            "orders of magnitude, so a fixed step size either crawls or blows up while "
            "adaptive methods like Adam rescale and cope."
        ),
    ),
    Landscape(
        key="booth",
        name="Booth",
        fn=booth,
        latex=r"f(x, y) = (x + 2y - 7)^2 + (2x + y - 5)^2",
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        minima=(((1.0, 3.0), 0.0),),
        default_start=(-7.0, -8.0),
        log_levels=True,
        lesson=(
            "A tilted quadratic bowl with curvature ratio 9 and a single minimum, a sanity "
            "check where every sensible optimizer converges and only the speed differs."
        ),
    ),
    Landscape(
        key="goldstein_price",
        name="Goldstein-Price",
        fn=goldstein_price,
        latex=(
            r"f(x, y) = \left[1 + (x + y + 1)^2\left(19 - 14x + 3x^2 - 14y + 6xy + 3y^2\right)"
            r"\right]"
            r"\left[30 + (2x - 3y)^2\left(18 - 32x + 12x^2 + 48y - 36xy + 27y^2\right)\right]"
        ),
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=(((0.0, -1.0), 3.0),),
        default_start=(-1.0, 1.5),
        saddles=((-0.4, -0.6), (1.2, -0.2), (1.4, 0.6), (0.6, 0.4)),
        log_levels=True,
        lesson=(
            "Values span six orders of magnitude with local minima around the global one, so "
            "a step size that is safe on the steep outer walls is far too timid near the "
            "minimum, and one tuned for the minimum explodes on the walls."
        ),
    ),
    Landscape(
        key="six_hump_camel",
        name="Six-hump camel",
        fn=six_hump_camel,
        latex=(
            r"f(x, y) = \left(4 - 2.1x^2 + \frac{x^4}{3}\right)x^2 + xy"
            r" + \left(-4 + 4y^2\right)y^2"
        ),
        domain=((-3.0, 3.0), (-2.0, 2.0)),
        minima=(
            ((0.0898420131, -0.7126564030), -1.0316284535),
            ((-0.0898420131, 0.7126564030), -1.0316284535),
        ),
        default_start=(2.2, 1.2),
        saddles=(
            (0.0, 0.0),
            (1.1092053368, -0.7682680925),
            (-1.1092053368, 0.7682680925),
            (1.6380679842, 0.2286740690),
            (-1.6380679842, -0.2286740690),
            (1.2960702672, 0.6050843880),
            (-1.2960702672, -0.6050843880),
        ),
        log_levels=True,
        lesson=(
            "Two mirror-image global minima, four more local ones and seven saddles mean the "
            "basin an optimizer settles in is decided by its start and its momentum."
        ),
    ),
    Landscape(
        key="three_hump_camel",
        name="Three-hump camel",
        fn=three_hump_camel,
        latex=r"f(x, y) = 2x^2 - 1.05x^4 + \frac{x^6}{6} + xy + y^2",
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=(((0.0, 0.0), 0.0),),
        default_start=(-1.9, 1.5),
        saddles=((1.0705422918, -0.5352711459), (-1.0705422918, 0.5352711459)),
        log_levels=True,
        lesson=(
            "A global minimum at the centre is flanked by two shallower local minima, so a "
            "run started on the flanks stays in a side basin unless momentum carries it over "
            "the saddle."
        ),
    ),
    Landscape(
        key="styblinski_tang",
        name="Styblinski-Tang",
        fn=styblinski_tang,
        latex=(r"f(x, y) = \tfrac{1}{2}\left(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y\right)"),
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=(((-2.9035340278, -2.9035340278), -78.3323314075),),
        default_start=(4.0, 4.5),
        saddles=(
            (-2.9035340278, 0.1567312568),
            (0.1567312568, -2.9035340278),
            (2.7468027710, 0.1567312568),
            (0.1567312568, 2.7468027710),
        ),
        lesson=(
            "Each coordinate chooses independently between a deep and a shallow well, giving "
            "four minima of which descent greedily takes whichever lies downhill of the start, "
            "usually not the deepest."
        ),
    ),
    Landscape(
        key="matyas",
        name="Matyas",
        fn=matyas,
        latex=r"f(x, y) = 0.26\left(x^2 + y^2\right) - 0.48xy",
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        minima=(((0.0, 0.0), 0.0),),
        default_start=(-9.0, -6.0),
        log_levels=True,
        lesson=(
            "A convex but flat valley along the diagonal with curvature ratio 25, where plain "
            "gradient descent quickly reaches the valley floor and then creeps along it."
        ),
    ),
    Landscape(
        key="mccormick",
        name="McCormick",
        fn=mccormick,
        latex=r"f(x, y) = \sin(x + y) + (x - y)^2 - 1.5x + 2.5y + 1",
        domain=((-1.5, 4.0), (-3.0, 4.0)),
        minima=(((-0.5471975512, -1.5471975512), -1.9132229550),),
        default_start=(-1.0, 3.0),
        saddles=((1.5471975512, 0.5471975512),),
        lesson=(
            "A sine wave laid across a tilted trough splits it into a global and a local "
            "basin, so whether an optimizer finds the better one depends on which side of the "
            "saddle between them it starts."
        ),
    ),
    Landscape(
        key="warmup_trap",
        name="Warmup trap",
        fn=warmup_trap,
        latex=r"f(x, y) = 1 - \exp\left(-\frac{x^2}{18} - \frac{y^2}{2}\, e^{-3x/2}\right)",
        domain=((-3.5, 2.5), (-3.5, 3.5)),
        minima=(((0.0, 0.0), 0.0),),
        default_start=(-2.5, 0.1),
        lesson=(
            "The funnel's neck is 30× more sharply curved than its mouth, so a full-size first "
            "step from the neck overshoots onto the flat plateau and stays there, while a rate "
            "warmed up from zero lets the run reach the wide mouth before its steps grow."
        ),
    ),
    Landscape(
        key="sharp_flat",
        name="Sharp and flat minima",
        fn=sharp_flat,
        latex=(
            r"f(x, y) = \tfrac{1}{2}\left((x + 1)^2 + y^2\right)"
            r"\left(1 - e^{-\left((x - 1)^2 + y^2\right) / 0.08}\right)"
        ),
        domain=((-3.0, 3.0), (-2.0, 2.0)),
        minima=(((-1.0, 0.0), 0.0), ((1.0, 0.0), 0.0)),
        default_start=(1.2, 0.2),
        saddles=((0.577274635484, 0.0),),
        log_levels=True,
        lesson=(
            "Two minima of equal depth, a pit 50× more sharply curved than the wide bowl beside "
            "it, and gradient descent can only settle where its rate times the curvature is "
            "below 2, so a small rate stays in the pit while a large or cyclic rate leaves it "
            "for the bowl."
        ),
    ),
    Landscape(
        key="cliff",
        name="Cliff",
        fn=cliff,
        latex=r"f(x, y) = \frac{(x - 2)^2}{8} + \frac{y^2}{2} + \frac{100}{1 + e^{10x}}",
        domain=((-4.0, 4.0), (-3.0, 3.0)),
        minima=(((2.000008243935, 0.0), 2.061068658e-07),),
        default_start=(-0.1, 1.5),
        log_levels=True,
        lesson=(
            "On the cliff's face the gradient is a hundred times steeper than in the valley "
            "below, so one unclipped step from the brink flies far off the map while a "
            "clipped step walks down the face."
        ),
    ),
)

CATALOG: dict[str, Landscape] = {landscape.key: landscape for landscape in LANDSCAPES}
