"""Transforms optax lacks, written in optax's own ``(init, update)`` form.

- Adam without bias correction (Kingma & Ba 2015, Sec. 3 explains why the correction exists).
- Newton's method and saddle-free Newton (Dauphin et al. 2014, "Identifying and attacking the
  saddle point problem in high-dimensional non-convex optimization"). Both read the Hessian at
  the current point from the extra argument ``hessian`` that the engine passes to ``update``.
"""

from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax


class ScaleByAdamNoBiasState(NamedTuple):
    mu: optax.Updates
    nu: optax.Updates


def scale_by_adam_no_bias(b1=0.9, b2=0.999, eps=1e-8) -> optax.GradientTransformation:
    r"""Adam's direction without bias correction.

    m_t = β₁ m_{t-1} + (1 - β₁) g_t,  v_t = β₂ v_{t-1} + (1 - β₂) g_t²,  u_t = m_t / (√v_t + ε).

    With m_0 = v_0 = 0 the first direction is (1 - β₁) g / (√(1 - β₂) |g|): for the default
    betas that is 0.1 / 0.0316 ≈ 3.16 times the unit step Adam takes.
    """

    def init_fn(params):
        return ScaleByAdamNoBiasState(
            mu=optax.tree.zeros_like(params), nu=optax.tree.zeros_like(params)
        )

    def update_fn(updates, state, params=None):
        del params
        mu = optax.tree.update_moment(updates, state.mu, b1, 1)
        nu = optax.tree.update_moment_per_elem_norm(updates, state.nu, b2, 2)
        direction = jax.tree.map(lambda m, v: m / (jnp.sqrt(v) + eps), mu, nu)
        return direction, ScaleByAdamNoBiasState(mu=mu, nu=nu)

    return optax.GradientTransformation(init_fn, update_fn)


def adam_no_bias(learning_rate, b1=0.9, b2=0.999, eps=1e-8) -> optax.GradientTransformation:
    """Adam with the bias correction left out: x ← x − η m_t / (√v_t + ε)."""
    return optax.chain(
        scale_by_adam_no_bias(b1, b2, eps), optax.scale_by_learning_rate(learning_rate)
    )


def absolute_hessian(hessian: jax.Array) -> jax.Array:
    """|H| = Q |Λ| Qᵀ: the symmetric matrix with H's eigenvectors and |eigenvalues|."""
    eigenvalues, eigenvectors = jnp.linalg.eigh(hessian)
    return (eigenvectors * jnp.abs(eigenvalues)) @ eigenvectors.T


def _newton_like(curvature, learning_rate, damping) -> optax.GradientTransformationExtraArgs:
    """u = −η (C(H) + λI)⁻¹ g for a flat parameter vector, C a map of the Hessian H."""

    def init_fn(params):
        del params
        return optax.EmptyState()

    def update_fn(updates, state, params=None, *, hessian, **extra_args):
        del params, extra_args
        identity = jnp.eye(hessian.shape[0], dtype=hessian.dtype)
        step = jnp.linalg.solve(curvature(hessian) + damping * identity, updates)
        return -learning_rate * step, state

    return optax.GradientTransformationExtraArgs(init_fn, update_fn)


def newton(learning_rate=1.0, damping=0.0) -> optax.GradientTransformationExtraArgs:
    """Damped Newton: x ← x − η (H + λI)⁻¹ ∇f.

    On a quadratic with η = 1 and λ = 0 one step lands on the stationary point, whatever its
    kind: Newton is attracted to saddles as much as to minima.
    """
    return _newton_like(lambda h: h, learning_rate, damping)


def saddle_free_newton(learning_rate=1.0, damping=0.0) -> optax.GradientTransformationExtraArgs:
    """Saddle-free Newton (Dauphin et al. 2014): x ← x − η (|H| + λI)⁻¹ ∇f.

    Rescaling by |H| keeps Newton's step size along each eigenvector but always goes downhill,
    so negative-curvature directions push the point away from a saddle.
    """
    return _newton_like(absolute_hessian, learning_rate, damping)
