"""Independent references: update rules written out in float64 NumPy, and analytic derivatives."""

import numpy as np


def ravine_derivatives(p):
    x, y = p
    return np.array([x / 10, 2 * y]), np.diag([0.1, 2.0])


def rosenbrock(p):
    x, y = p
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def rosenbrock_derivatives(p):
    x, y = p
    grad = np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])
    hess = np.array([[2 - 400 * (y - x**2) + 800 * x**2, -400 * x], [-400 * x, 200.0]])
    return grad, hess


def saddle_derivatives(p):
    x, y = p
    return np.array([2 * x, -2 * y]), np.diag([2.0, -2.0])


def _abs_matrix(h):
    w, q = np.linalg.eigh(h)
    return (q * np.abs(w)) @ q.T


def initial_state(hp) -> dict:
    zeros = np.zeros(2)
    accumulator = np.full(2, hp.get("initial_accumulator_value", 0.0))
    return {"m": zeros, "v": zeros, "d": zeros, "vmax": zeros, "G": accumulator}


def reference_step(key, hp, state, x, g, h, t):
    """x_{t} → x_{t+1} (t counts from 1) as the textbooks write each rule; updates `state`."""
    m, v, d, vmax = state["m"], state["v"], state["d"], state["vmax"]
    b1, b2, eps = hp.get("b1"), hp.get("b2"), hp.get("eps")
    if key == "sgd":
        step = g
    elif key in ("momentum", "nesterov"):
        m = hp["momentum"] * m + g
        step = m if key == "momentum" else g + hp["momentum"] * m
    elif key == "adagrad":
        state["G"] = state["G"] + g**2
        step = np.where(state["G"] > 0, g / np.sqrt(state["G"] + eps), 0.0)
    elif key == "rmsprop":
        v = hp["decay"] * v + (1 - hp["decay"]) * g**2
        step = g / np.sqrt(v + eps)
    elif key == "adadelta":
        rho = hp["rho"]
        v = rho * v + (1 - rho) * g**2
        step = np.sqrt(d + eps) / np.sqrt(v + eps) * g
        d = rho * d + (1 - rho) * step**2
    elif key in ("adam", "adam_no_bias", "amsgrad", "amsgrad_reddi", "adamw", "nadam"):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        if key in ("adam_no_bias", "amsgrad_reddi"):
            m_hat, v_hat = m, v
        if key == "nadam":
            m_hat = b1 * m / (1 - b1 ** (t + 1)) + (1 - b1) * g / (1 - b1**t)
        if key in ("amsgrad", "amsgrad_reddi"):
            vmax = np.maximum(vmax, v_hat)
            v_hat = vmax
        step = m_hat / (np.sqrt(v_hat) + eps)
        if key == "adamw":
            step = step + hp["weight_decay"] * x
    elif key == "lion":
        c = b1 * m + (1 - b1) * g
        step = np.sign(c) + hp["weight_decay"] * x
        m = b2 * m + (1 - b2) * g
    elif key in ("newton", "saddle_free_newton"):
        curvature = h if key == "newton" else _abs_matrix(h)
        step = np.linalg.solve(curvature + hp["damping"] * np.eye(2), g)
    else:
        raise KeyError(key)
    state.update(m=m, v=v, d=d, vmax=vmax)
    return x - hp["learning_rate"] * step


def reference_path(key, hp, derivatives, start, steps):
    """x_0 … x_steps of optimizer `key` with hyperparameters `hp`, without noise or clipping."""
    x = np.array(start, dtype=np.float64)
    state = initial_state(hp)
    path = [x]
    for t in range(1, steps + 1):
        g, h = derivatives(x)
        x = reference_step(key, hp, state, x, g, h, t)
        path.append(x)
    return np.array(path)
