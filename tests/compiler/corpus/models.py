"""Realistic models and numerical routines."""

import math

import numpy as np

from . import Case


def rnn_loss(params, xs, target):
    h = np.zeros(params["Wh"].shape[0])
    for x in xs:
        h = np.tanh(params["Wx"] @ x + params["Wh"] @ h + params["b"])
    return np.sum((h - target) ** 2)


def mlp_loss(params, X, y):
    h = X
    n_layers = len(params) // 2
    for i in range(n_layers):
        h = h @ params["W%d" % i] + params["b%d" % i]
        if i < n_layers - 1:
            h = np.tanh(h)
    return np.mean((h[:, 0] - y) ** 2)


def logistic_regression(w, b, X, y):
    z = X @ w + b
    p = 1.0 / (1.0 + np.exp(-z))
    eps = 1e-12
    return -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))


def softmax_cross_entropy(W, X, labels):
    logits = X @ W
    logits = logits - np.max(logits, axis=1, keepdims=True)
    logp = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    loss = 0.0
    for i in range(X.shape[0]):
        loss = loss - logp[i, labels[i]]
    return loss / X.shape[0]


def projectile_with_drag(v0, angle, drag):
    x, y = 0.0, 0.0
    vx = v0 * math.cos(angle)
    vy = v0 * math.sin(angle)
    dt = 0.01
    steps = 0
    while y >= 0.0 and steps < 1000:
        speed = math.sqrt(vx * vx + vy * vy)
        vx = vx - drag * speed * vx * dt
        vy = vy - (9.81 + drag * speed * vy) * dt
        x = x + vx * dt
        y = y + vy * dt
        steps += 1
    return x


def adaptive_step_decay(k, y0):
    t, y = 0.0, y0
    dt = 0.1
    while t < 1.0:
        if abs(k * y) > 2.0:
            h = 0.05
        else:
            h = dt
        y = y - h * k * y
        t = t + h
    return y


def newton_cubic_root(a, b):
    x = 1.0
    for _ in range(30):
        f = x ** 3 + a * x - b
        x = x - f / (3 * x ** 2 + a)
    return x


def horner(coeffs, x):
    acc = 0.0
    for c in coeffs:
        acc = acc * x + c
    return acc


def horner_reversed(coeffs, x):
    acc = np.zeros_like(x)
    for c in reversed(coeffs):
        acc = acc * x + c
    return np.sum(acc)


def cumulative_sum_loss(x):
    total = 0.0
    out = np.zeros_like(x)
    for i in range(len(x)):
        total = total + x[i]
        out[i] = total
    return np.sum(out ** 2)


def unrolled_gradient_descent(lr, w0, X, y):
    w = w0.copy()
    for _ in range(5):
        r = X @ w - y
        g = X.T @ r / len(y)
        w = w - lr * g
    return np.sum((X @ w - y) ** 2)


def gru_like(params, xs):
    h = np.zeros(params["U"].shape[0])
    for x in xs:
        z = 1.0 / (1.0 + np.exp(-(params["Wz"] @ x + params["Uz"] @ h)))
        cand = np.tanh(params["W"] @ x + params["U"] @ h)
        h = (1 - z) * h + z * cand
    return np.sum(h ** 2)


def attention_loop(Q, K, V):
    out = 0.0
    for i in range(Q.shape[0]):
        s = K @ Q[i]
        s = s - np.max(s)
        a = np.exp(s) / np.sum(np.exp(s))
        out = out + np.sum((a @ V) ** 2)
    return out


def mass_spring_verlet(k, x0, v0, n):
    x, v = x0, v0
    dt = 0.05
    a = -k * x
    for _ in range(n):
        x = x + v * dt + 0.5 * a * dt * dt
        a_new = -k * x
        v = v + 0.5 * (a + a_new) * dt
        a = a_new
    return x * x + v * v


def rk4_logistic(r, y0, n):
    y = y0
    h = 0.1
    for _ in range(n):
        k1 = r * y * (1 - y)
        k2 = r * (y + 0.5 * h * k1) * (1 - (y + 0.5 * h * k1))
        k3 = r * (y + 0.5 * h * k2) * (1 - (y + 0.5 * h * k2))
        k4 = r * (y + h * k3) * (1 - (y + h * k3))
        y = y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y


def batchnorm_mlp(params, X):
    h = X @ params["W"]
    mu = np.mean(h, axis=0)
    var = np.var(h, axis=0)
    h = (h - mu) / np.sqrt(var + 1e-5) * params["gamma"] + params["beta"]
    h = np.maximum(h, 0.0)
    return np.sum(h ** 2)


def minibatch_loss(w, X, y, batch):
    total = 0.0
    for start in range(0, X.shape[0], batch):
        xb = X[start:start + batch]
        yb = y[start:start + batch]
        total = total + np.sum((xb @ w - yb) ** 2)
    return total / X.shape[0]


def kalman_1d(q, r, zs):
    x, p = 0.0, 1.0
    nll = 0.0
    for z in zs:
        p = p + q
        s = p + r
        k = p / s
        nll = nll + 0.5 * (math.log(s) + (z - x) ** 2 / s)
        x = x + k * (z - x)
        p = (1 - k) * p
    return nll


def heat_equation_explicit(u0, alpha, steps):
    u = u0.copy()
    for _ in range(steps):
        lap = np.zeros_like(u)
        lap[1:-1] = u[:-2] - 2 * u[1:-1] + u[2:]
        u = u + alpha * lap
    return np.sum(u ** 2)


def fixed_point_until_converged(c):
    x = 0.0
    for _ in range(100):
        x_new = 0.5 * math.cos(x) + c
        if abs(x_new - x) < 1e-13:
            break
        x = x_new
    return x_new


R = np.random.default_rng(7)
H, D = 4, 3
RNN = {"Wx": R.normal(size=(H, D)) * 0.5, "Wh": R.normal(size=(H, H)) * 0.5,
       "b": R.normal(size=H) * 0.1}
XS = R.normal(size=(5, D))
MLP = {"W0": R.normal(size=(3, 4)) * 0.5, "b0": R.normal(size=4) * 0.1,
       "W1": R.normal(size=(4, 1)) * 0.5, "b1": R.normal(size=1) * 0.1}
X6 = R.normal(size=(6, 3))
Y6 = R.normal(size=6)
GRU = {"Wz": R.normal(size=(H, D)) * 0.5, "Uz": R.normal(size=(H, H)) * 0.5,
       "W": R.normal(size=(H, D)) * 0.5, "U": R.normal(size=(H, H)) * 0.5}
BN = {"W": R.normal(size=(3, 4)), "gamma": np.array([1.0, 0.5, 1.5, 2.0]),
      "beta": np.array([0.6, 0.3, 0.4, 0.5])}
CASES = [
    Case(rnn_loss, [(RNN, XS, np.full(H, 0.1)), (RNN, XS[:1], np.full(H, 0.1)),
                    (RNN, XS[:0], np.full(H, 0.1))], wrt=(0, 1)),
    Case(mlp_loss, [(MLP, X6, Y6)], wrt=(0, 1)),
    Case(logistic_regression, [(R.normal(size=3), 0.1, X6, (Y6 > 0).astype(float))],
         wrt=(0, 1, 2)),
    Case(softmax_cross_entropy, [(R.normal(size=(3, 4)), X6, np.array([0, 1, 3, 2, 1, 0]))],
         wrt=(0, 1)),
    Case(projectile_with_drag, [(10.0, 0.7, 0.1), (3.0, 1.1, 0.05)], wrt=(0, 1, 2),
         rtol=1e-4),
    Case(adaptive_step_decay, [(1.3, 1.0), (3.0, 1.0)], wrt=(0, 1)),
    Case(newton_cubic_root, [(1.0, 2.0), (2.5, -1.0)], wrt=(0, 1)),
    Case(horner, [(np.array([0.5, -1.0, 2.0, 0.3]), 0.7), (np.array([1.5]), 0.7),
                  (np.zeros(0), 0.7)], wrt=(0, 1)),
    Case(horner_reversed, [(np.array([0.5, -1.0, 2.0]), np.array([0.3, -0.8]))], wrt=(0, 1)),
    Case(cumulative_sum_loss, [(np.array([0.5, -1.0, 2.0, 0.3]),), (np.array([0.5]),)]),
    Case(unrolled_gradient_descent, [(0.1, np.zeros(3), X6, Y6)], wrt=(0, 1, 2)),
    Case(gru_like, [(GRU, XS), (GRU, XS[:1])], wrt=(0, 1)),
    Case(attention_loop, [(R.normal(size=(2, 3)), R.normal(size=(4, 3)), R.normal(size=(4, 2)))],
         wrt=(0, 1, 2)),
    Case(mass_spring_verlet, [(2.0, 1.0, 0.0, 0), (2.0, 1.0, 0.3, 1), (2.0, 1.0, 0.3, 20)],
         wrt=(0, 1, 2)),
    Case(rk4_logistic, [(1.5, 0.1, 0), (1.5, 0.1, 1), (1.5, 0.1, 10)], wrt=(0, 1)),
    Case(batchnorm_mlp, [(BN, X6)], wrt=(0, 1), rtol=1e-4, atol=1e-5),
    Case(minibatch_loss, [(R.normal(size=3), X6, Y6, 4), (R.normal(size=3), X6, Y6, 6)],
         wrt=(0, 1)),
    Case(kalman_1d, [(0.1, 0.5, np.array([0.3, 0.5, -0.2, 0.1])), (0.1, 0.5, np.zeros(0))],
         wrt=(0, 1, 2)),
    Case(heat_equation_explicit, [(np.array([0.0, 1.0, 0.5, -0.3, 0.0]), 0.2, 0),
                                  (np.array([0.0, 1.0, 0.5, -0.3, 0.0]), 0.2, 3)], wrt=(0, 1)),
    Case(fixed_point_until_converged, [(0.3,), (-0.2,)], rtol=1e-5, atol=1e-6),
]
