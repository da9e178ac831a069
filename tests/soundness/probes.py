"""Probe programs for tests/soundness/test_probes.py: small functions written the way
other people write NumPy (models, numerics, containers, Python idioms), each
differentiated with respect to its first argument.

``PROBES`` lists ``(name, function, args)``; ``args[0]`` is the differentiated value (a
float, a float array, or a list / dict of float arrays).  The functions must stay in
this file: the compiler reads their source, and a refusal must name this file.
"""

import functools
import math

import numpy as np
import numpy as xp_alias

# ------------------------------------------------------------------ data

_rng = np.random.RandomState(7)
X3 = np.array([0.31, 0.57, 0.74])
X4 = np.array([0.42, -0.35, 0.81, 0.13])
M3 = np.array([[1.4, 0.3, 0.2], [0.25, 0.9, 0.35], [0.15, 0.3, 0.5]])
SPD = np.array([[1.5, 0.3, 0.2], [0.3, 1.1, 0.35], [0.2, 0.35, 0.7]])
PTS = np.array([0.1, 0.5, 0.9, 1.3])
YS = np.array([0.2, -0.1, 0.4, 0.3])
W34 = _rng.randn(3, 4) * 0.5
W33 = _rng.randn(3, 3) * 0.5
FEAT = _rng.randn(5, 3)
LABELS = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
CLASSES = np.array([0, 2, 1, 2, 0])
SEQ = _rng.randn(4, 3) * 0.5
Q = _rng.randn(3, 4) * 0.5
GLOBAL_SCALE = 1.7
IDX_REP = np.array([0, 0, 2, 1, 2])


# ------------------------------------------------------------------ models

def gp_loglik_cholesky(log_ell):
    ell = np.exp(log_ell)
    d = PTS[:, None] - PTS[None, :]
    K = np.exp(-0.5 * d ** 2 / ell ** 2) + 0.1 * np.eye(len(PTS))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(K, YS)
    return -0.5 * YS @ alpha - np.sum(np.log(np.diag(L)))


def gp_loglik_slogdet(log_ell):
    ell = np.exp(log_ell)
    d = PTS[:, None] - PTS[None, :]
    K = np.exp(-0.5 * d ** 2 / ell ** 2) + 0.1 * np.eye(len(PTS))
    sign, logdet = np.linalg.slogdet(K)
    return -0.5 * YS @ np.linalg.solve(K, YS) - 0.5 * logdet


def gp_slogdet_named(x):
    K = np.outer(x, x) + np.eye(3)
    res = np.linalg.slogdet(K)
    return res.logabsdet * res.sign


def mixture_loglik(mu):
    data = np.array([0.1, 0.7, 1.2, -0.3])
    ll = -0.5 * (data[:, None] - mu[None, :]) ** 2
    m = np.max(ll, axis=1, keepdims=True)
    return np.sum(m[:, 0] + np.log(np.sum(np.exp(ll - m), axis=1)))


def logistic_regression(w):
    z = FEAT @ w
    return np.sum(LABELS * np.log1p(np.exp(-z)) + (1 - LABELS) * np.log1p(np.exp(z)))


def softmax_xent(w):
    W = w.reshape(3, 1) * np.ones((1, 3))
    logits = FEAT @ W
    logits = logits - logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -np.mean(logp[np.arange(5), CLASSES])


def logsumexp_stable(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def rnn_steps(w):
    h = np.zeros(3)
    for t in range(SEQ.shape[0]):
        h = np.tanh(W33 @ h + w * SEQ[t])
    return np.sum(h ** 2)


def leapfrog_while(q0):
    q, p, t, dt = q0, 0.0, 0.0, 0.1
    while t < 1.0:
        p = p - 0.5 * dt * q
        q = q + dt * p
        p = p - 0.5 * dt * q
        t += dt
    return q * q + p * p


def euler_vector_while(x):
    v = np.zeros_like(x)
    steps = 0
    while steps < 5:
        v = v - 0.1 * np.sin(x)
        x = x + 0.1 * v
        steps += 1
    return np.sum(x * v)


def layernorm(x):
    mu = x.mean()
    var = ((x - mu) ** 2).mean()
    return np.sum(((x - mu) / np.sqrt(var + 1e-5)) * X4)


def batchnorm(X):
    mu = X.mean(axis=0)
    sd = X.std(axis=0)
    return np.sum(((X - mu) / (sd + 1e-3)) ** 3)


def attention(q):
    K = SEQ
    V = SEQ * 2.0
    scores = K @ q / np.sqrt(3.0)
    w = np.exp(scores - scores.max())
    w = w / w.sum()
    return np.sum(w @ V)


def kalman_step(m):
    P = SPD
    F = np.eye(3) + 0.1 * W33
    H = np.array([[1.0, 0.0, 0.0]])
    R = np.array([[0.2]])
    m_pred = F @ m
    P_pred = F @ P @ F.T + 0.01 * np.eye(3)
    S = H @ P_pred @ H.T + R
    Kg = P_pred @ H.T @ np.linalg.inv(S)
    m_new = m_pred + (Kg @ (np.array([0.5]) - H @ m_pred))
    return np.sum(m_new ** 2)


def stable_sigmoid(x):
    return np.sum(np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))),
                           np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x)))))


def softplus_logaddexp(x):
    return np.sum(np.logaddexp(0.0, x))


def expm1_log1p(x):
    return np.sum(np.log1p(np.expm1(x) ** 2))


def mlp_params_list(x):
    params = [x.reshape(3, 1) * np.ones((1, 4)), np.ones(4) * 0.1]
    h = np.tanh(FEAT @ params[0] + params[1])
    return np.sum(h ** 2)


def params_dict_arg(p):
    h = np.tanh(FEAT @ p["W"] + p["b"])
    return np.sum(h * h)


def params_list_arg(p):
    W, b = p
    return np.sum(np.tanh(FEAT @ W + b))


# ------------------------------------------------------------------ helpers and Python

def _scaled(v, scale=2.0, shift=0.0):
    return v * scale + shift


def helper_defaults(x):
    return np.sum(_scaled(x) ** 2)


def helper_keywords(x):
    return np.sum(_scaled(x, shift=1.0, scale=x) ** 2)


def _star(*vs):
    total = 0.0
    for v in vs:
        total = total + np.sum(v)
    return total


def helper_star_args(x):
    return _star(x, x ** 2, np.sin(x))


def _kw(**kw):
    return kw["a"] * kw["b"]


def helper_star_kwargs(x):
    return np.sum(_kw(a=x, b=np.cos(x)))


def closure_probe(x):
    k = 3.0

    def inner(v):
        return np.sin(k * v) + x

    return np.sum(inner(x) * x)


def lambda_probe(x):
    f = lambda v: v ** 3 - v  # noqa: E731
    return np.sum(f(x) * f(2 * x))


def comprehension_list(x):
    terms = [x[i] ** 2 for i in range(len(x))]
    return np.sum(terms)


def comprehension_gen(x):
    return sum(np.sin(v) for v in x)


def append_list(x):
    out = []
    for v in x:
        out.append(v * v)
    return np.sum(np.array(out))


def dict_builtin(x):
    d = dict(a=x, b=2 * x)
    return np.sum(d["a"] * d["b"])


def dict_comprehension(x):
    d = {i: x[i] * (i + 1) for i in range(3)}
    return d[0] + d[1] * d[2]


def math_scalar(x):
    return math.sin(x) * math.exp(x) + math.sqrt(x + 1.0) + math.log(x + 2.0)


def math_on_element(x):
    return math.tanh(x[0]) + math.cos(x[1]) * x[2]


def _twice(fn):
    @functools.wraps(fn)
    def wrapper(v):
        return 2 * fn(v)
    return wrapper


@_twice
def _decorated(v):
    return np.sum(v ** 2)


def wraps_decorated(x):
    return _decorated(x) + np.sum(x)


def _passthrough(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


@_passthrough
def _plain_decorated(v):
    return np.sum(np.exp(v))


def wraps_forwarding(x):
    return _plain_decorated(x) * 3.0


def module_alias_arg(x, xp):
    return xp.sum(xp.sin(x))


def module_alias_local(x):
    m = np
    return m.sum(m.sin(x) * m.cos(x))


def module_alias_import(x):
    return xp_alias.sum(xp_alias.exp(x))


def try_except(x):
    try:
        y = np.log(x)
    except FloatingPointError:
        y = x
    return np.sum(y * x)


def _gen(v):
    for i in range(len(v)):
        yield v[i] * (i + 1)


def generator_fn(x):
    return sum(_gen(x))


def recursive_helper(x):
    return np.sum(_rec(x, 3))


def _rec(v, n):
    if n == 0:
        return v
    return np.sin(_rec(v, n - 1))


def int_argument(x, n):
    y = x
    for _ in range(n):
        y = y * x + 0.1
    return np.sum(y)


def float32_input(x):
    return np.sum(np.sin(x) * x)


def branch_on_value(x):
    if np.sum(x) > 1.0:
        return np.sum(x ** 2)
    return np.sum(x ** 3)


def break_continue(x):
    total = 0.0
    for i in range(10):
        if i == 1:
            continue
        if i >= len(x):
            break
        total = total + x[i] * i
    return total


def early_return(x):
    for v in x:
        if v > 0.6:
            return v * 10.0
    return np.sum(x)


def newton_sqrt(a):
    y = 1.0
    while abs(y * y - a) > 1e-12:
        y = 0.5 * (y + a / y)
    return y


class _Model:
    def __init__(self):
        self.W = W34

    def __call__(self, v):
        return np.tanh(v @ self.W)


_MODEL = _Model()


def object_call(x):
    return np.sum(_MODEL(x))


def enumerate_zip(x):
    total = 0.0
    for i, (a, b) in enumerate(zip(x, X3)):
        total = total + a * b * (i + 1)
    return total


def rows_iteration(X):
    total = 0.0
    for row in X:
        total = total + np.dot(row, row)
    return total


def shape_unpack(X):
    n, m = X.shape
    return np.sum(X) / (n * m) + np.sum(X ** 2)


def global_scale(x):
    return np.sum(x * GLOBAL_SCALE)


def float_builtin(x):
    return float(np.sum(x)) * np.sum(x)


def item_method(x):
    return x.sum().item() * np.sum(x)


def tolist_sum(x):
    return sum(x.tolist()) * np.sum(x)


def builtin_sorted(x):
    s = sorted(x)
    return s[0] * 2.0 + s[-1]


def builtin_max_min_abs(x):
    return max(x) - min(x) + abs(x[0] - 1.0) + sum(x)


def map_math(x):
    return sum(map(math.sin, x))


def vectorize(x):
    return np.sum(np.vectorize(math.sin)(x))


def array_from_scalars(x):
    return np.sum(np.array([x[0] * x[1], x[2], 1.0]) ** 2)


def array_nested(x):
    A = np.array([[x[0], 0.5], [0.25, x[1]]])
    return np.linalg.det(A) + x[2]


def asarray_list(x):
    return np.sum(np.asarray([x, 2 * x]) ** 2)


# ------------------------------------------------------------------ in place, out=

def inplace_ops(x):
    y = x.copy()
    y *= 2.0
    y += x
    y[0] = y[0] * 3.0
    return np.sum(y * y)


def slice_augassign(x):
    y = np.zeros(4)
    y[1:] += x
    y[:3] -= 0.5 * x
    return np.sum(y ** 2)


def ufunc_out(x):
    y = np.empty_like(x)
    np.multiply(x, x, out=y)
    return np.sum(y)


def ufunc_positional_out(x):
    y = np.zeros(3)
    np.arctan(x, y)
    return np.sum(y)


def cumsum_out(x):
    y = np.zeros(3)
    np.cumsum(x, out=y)
    return np.sum(y * X3)


def clip_out_self(x):
    y = x * 3.0
    y.clip(0.5, 2.0, out=y)
    return np.sum(y ** 2)


def add_at(x):
    y = np.zeros(3)
    np.add.at(y, IDX_REP, np.concatenate([x, x[:2]]))
    return np.sum(y ** 2)


def method_sort_inplace(x):
    y = x * X3
    y.sort()
    return np.sum(y * np.array([1.0, 2.0, 3.0]))


def np_sort(x):
    return np.sum(np.sort(x) * np.array([1.0, 2.0, 3.0]))


def argsort_gather(x):
    return np.sum(x[np.argsort(x)] * np.array([1.0, 2.0, 3.0]))


def fill_method(x):
    y = x * 2.0
    s = np.sum(y)
    y.fill(1.0)
    return s + np.sum(y * x)


def copyto_probe(x):
    y = np.zeros(3)
    np.copyto(y, x)
    return np.sum(y ** 2)


def copyto_where(x):
    y = np.ones(3)
    np.copyto(y, x, where=np.array([True, False, True]))
    return np.sum(y * x)


def put_probe(x):
    y = x * 1.0
    np.put(y, [0, 2], [5.0, 6.0])
    return np.sum(y * x)


def fill_diagonal_probe(X):
    Y = X.copy()
    np.fill_diagonal(Y, 1.0)
    return np.sum(Y * X)


def putmask_probe(x):
    y = x * 2.0
    np.putmask(y, y > 1.2, x)
    return np.sum(y ** 2)


def place_probe(x):
    y = x * 2.0
    np.place(y, np.array([True, False, True]), [7.0, 8.0])
    return np.sum(y * x)


def fancy_repeat_read(x):
    return np.sum(x[[0, 0, 1, 2, 2]] ** 2)


def fancy_repeat_write(x):
    y = np.zeros(3)
    y[[0, 0]] = x[:2]
    return np.sum(y * X3)


def fancy_repeat_augassign(x):
    y = np.zeros(3)
    y[[0, 0, 1, 2]] += x
    return np.sum(y ** 2)


def list_mutations(x):
    L = [x[0], x[1], x[2]]
    L.reverse()
    L.insert(1, x[0] * 2)
    L.remove(L[0])
    return L[0] * 1.0 + L[1] * 2.0 + L[2] * 3.0


def list_sort_clear(x):
    L = [x[2], x[0], x[1]]
    L.sort()
    s = L[0] + 2 * L[2]
    L.clear()
    L.append(x[1])
    return s + L[0] * 3.0


def dict_update(x):
    d = {"a": x, "b": x * 2}
    d.update(b=x ** 2)
    d.update({"a": np.sin(x)})
    return np.sum(d["a"] + d["b"])


def _h1(u, w):
    return w


def alias_through_helper(a):
    v2 = a
    v3 = _h1(a, a)
    v3 += a
    return np.sum(v2)


def stale_operand(a):
    v = np.zeros(3)
    v[0] = 0.5
    s = np.dot(a, v)
    v[0] = 2.0
    return s


def local_array_writes(x):
    y = np.zeros((2, 3))
    y[0] = x
    y[1, :] = x ** 2
    y[:, 0] *= 3.0
    return np.sum(y * y)


# ------------------------------------------------------------------ NumPy surface

def r_concat(x):
    return np.sum(np.r_[x, x ** 2] * np.arange(6))


def c_concat(x):
    return np.sum(np.c_[x, 2 * x] ** 2)


def einsum_string(X):
    return np.einsum("ij,jk->", X, M3) + np.einsum("ii", X)


def einsum_sublist(X):
    return np.sum(np.einsum(X, [0, 1], [1, 0]) * M3)


def einsum_batch(x):
    A = x.reshape(3, 1, 1) * np.ones((3, 2, 2))
    return np.sum(np.einsum("bij,bjk->bik", A, A))


def ndarray_methods(X):
    return X.sum() + X.mean(axis=0).dot(X3) + X.T.reshape(-1)[2] + X.max() + X.prod()


def ndarray_methods2(x):
    return x.cumsum().sum() + x.var() + x.std() + np.sum(x.clip(0.4, 0.7))


def eigh_probe(X):
    S = X + X.T
    w, V = np.linalg.eigh(S)
    return np.sum(w * np.array([1.0, 2.0, 3.0]))


def eigh_named(X):
    S = X @ X.T
    res = np.linalg.eigh(S)
    return np.sum(res.eigenvalues ** 2)


def svd_probe(X):
    U, s, Vt = np.linalg.svd(X)
    return np.sum(s * np.array([1.0, 0.5, 0.25]))


def svd_named(X):
    r = np.linalg.svd(X, full_matrices=False)
    return np.sum(r.S) + np.sum(np.abs(r.U[:, 0]))


def qr_probe(X):
    Qm, R = np.linalg.qr(X)
    return np.sum(np.abs(np.diag(R)))


def det_inv_solve(X):
    return np.linalg.det(X) + np.sum(np.linalg.inv(X)) + np.sum(np.linalg.solve(X, X3))


def norms(X):
    return np.linalg.norm(X) + np.sum(np.linalg.norm(X, axis=1)) + np.linalg.norm(X[0], 1)


def cumprod_zero(x):
    y = np.array([x[0], 0.0, x[1], x[2]])
    return np.sum(np.cumprod(y) * np.array([1.0, 2.0, 3.0, 4.0]))


def cumprod_plain(x):
    return np.sum(np.cumprod(x))


def prod_zero(x):
    y = x * np.array([1.0, 0.0, 1.0])
    return np.prod(y) + np.prod(x)


def sum_where(x):
    return np.sum(x ** 2, where=np.array([True, False, True]))


def mean_where(x):
    return np.mean(x, where=x > 0.4) + np.max(x, initial=0.0, where=np.array([True, True, False]))


def empty_array(x):
    e = x[:0]
    return np.sum(e) + np.sum(x) + np.sum(e * 3.0)


def empty_mean(x):
    return np.sum(x) + np.sum(np.zeros((0, 3)) @ x)


def divmod_probe(x):
    q, r = np.divmod(x * 3.0, 1.0)
    return np.sum(r ** 2)


def modf_probe(x):
    frac, whole = np.modf(x * 3.0)
    return np.sum(frac * 2.0 + whole)


def nonsmooth(x):
    return np.sum(np.maximum(x, 0.5) + np.abs(x - 0.6) + np.minimum(x, 0.4)) + np.max(x)


def clip_where(x):
    return np.sum(np.clip(x, 0.4, 0.7) ** 2 + np.where(x > 0.5, x, 0.0))


def trig2(x):
    return np.sum(np.hypot(x, 1.0) + np.arctan2(x, 0.5))


def outer_kron(x):
    return np.sum(np.outer(x, x) * M3) + np.sum(np.kron(x, X3))


def tri_diag(X):
    return np.sum(np.tril(X) * 2) + np.sum(np.triu(X, 1)) + np.trace(X) + np.sum(np.diag(X))


def stacking(x):
    return (np.sum(np.stack([x, x ** 2]) * 2) + np.sum(np.vstack([x, x])[1])
            + np.sum(np.hstack([x, x * 3])) + np.sum(np.concatenate([x, [1.0]]) ** 2))


def flips(x):
    return np.sum(x[::-1] * X3) + np.sum(np.flip(x) * X3 ** 2)


def roll_probe(x):
    return np.sum(np.roll(x, 1) * X3)


def diff_probe(x):
    return np.sum(np.diff(x) ** 2) + np.sum(np.cumsum(x) * X3)


def var_ddof(X):
    return np.sum(np.var(X, axis=0, ddof=1)) + np.std(X, ddof=1)


def mean_axis_tuple(X):
    return np.mean(X, axis=(0, 1)) + np.sum(np.mean(X[None], axis=(0, 2)) ** 2)


def powers(x):
    return np.sum(x ** 2 + x ** x + np.power(x, 3) + 2.0 ** x + x ** 0.5)


def matmul_self(X):
    return np.sum(X @ X) + np.sum(np.linalg.matrix_power(X, 3))


def newaxis_broadcast(x):
    return np.sum(x[:, np.newaxis] * x[None, :] * M3)


def bool_mask_index(x):
    return np.sum(x[x > 0.5] ** 2)


def argmax_select(x):
    return x[np.argmax(x)] * 2 + x[np.argmin(x)]


def logaddexp_reduce(x):
    return np.logaddexp.reduce(x) + np.maximum.reduce(x)


def lstsq_probe(X):
    sol = np.linalg.lstsq(X, X3, rcond=None)[0]
    return np.sum(sol ** 2)


def interp_probe(x):
    return np.sum(np.interp(x, PTS, YS))


def polyval_probe(x):
    return np.sum(np.polyval([1.0, -2.0, 0.5], x))


def convolve_probe(x):
    return np.sum(np.convolve(x, np.array([1.0, 0.5]), mode="full") ** 2)


def trapezoid_probe(x):
    return np.trapezoid(x ** 2, dx=0.5)


def meshgrid_probe(x):
    A, B = np.meshgrid(x, X3)
    return np.sum(A * B)


def tile_repeat(x):
    return np.sum(np.tile(x, 2) * np.arange(6)) + np.sum(np.repeat(x, 2) ** 2)


def pad_probe(x):
    return np.sum(np.pad(x, 1) * np.arange(5)) + np.sum(np.pad(x, (1, 2), mode="edge"))


def take_probe(X):
    return np.sum(np.take(X, [0, 2, 2], axis=1)) + np.sum(
        np.take_along_axis(X, np.array([[0], [1], [2]]), axis=1) ** 2)


def ones_like_mul(x):
    return np.sum(np.ones_like(x) * x + np.zeros_like(x) + np.full_like(x, 2.0) * x)


def full_like_active(x):
    return np.sum(np.full_like(X3, x) * X3)


def linspace_active(x):
    return np.sum(np.linspace(0.0, x, 5) ** 2)


def arange_then_index(x):
    idx = np.arange(3)
    return np.sum(x[idx] * idx)


def astype_probe(x):
    return np.sum(x.astype(np.float64) ** 2) + np.sum(x.astype(int))


def float32_ops(x):
    y = x.astype(np.float32)
    return float(np.sum(y * y))


def complex_abs(x):
    z = x + 1j * X3
    return np.sum(np.abs(z) ** 2)


def reshape_ravel(X):
    return np.sum(X.ravel() * np.arange(9)) + np.sum(X.flatten() ** 2) + np.sum(
        np.reshape(X, (9,))[:3])


def squeeze_expand(x):
    return np.sum(np.expand_dims(x, 0).squeeze() ** 2) + np.sum(np.atleast_2d(x))


def swap_moveaxis(X):
    return np.sum(np.swapaxes(X, 0, 1) * M3) + np.sum(np.moveaxis(X[None], 0, 2)[..., 0] * M3)


def split_probe(x):
    a, b = np.split(np.concatenate([x, x]), 2)
    return np.sum(a * b)


def sqrt_norm(x):
    return np.sqrt(np.sum(x ** 2)) + np.sqrt(x @ x)


def scalar_python_ops(x):
    return (x * 2 - 1) ** 2 / (x + 3) + abs(x - 1) + max(x, 0.2) + x ** -1


def numpy_scalar_arg(x):
    return np.exp(x) * np.float64(2.0) + np.sin(x)


def tensordot_probe(X):
    return np.sum(np.tensordot(X, M3, axes=1)) + np.sum(np.tensordot(X, M3, axes=([0, 1], [1, 0])))


def cross_probe(x):
    return np.sum(np.cross(x, X3) ** 2)


def dot_vdot_inner(x):
    return np.dot(x, X3) + np.vdot(x, x) + np.inner(x, X3)


def any_all_guard(x):
    if np.any(x > 0.7) and np.all(x > 0):
        return np.sum(x ** 2)
    return 0.0


def isfinite_mask(x):
    y = np.where(np.isfinite(x), x, 0.0)
    return np.sum(y ** 2)


def nan_safe(x):
    return np.nansum(x ** 2) + np.nanmean(x)


def set_global_array(x):
    buf = np.zeros(3)
    buf[:] = x
    buf2 = buf
    buf2[1] = 0.0
    return np.sum(buf * x)


def view_write(x):
    y = x * 1.0
    v = y[1:]
    v *= 3.0
    return np.sum(y ** 2)


def reshape_view_write(x):
    y = np.zeros(4)
    y.reshape(2, 2)[0, :] = x[:2]
    return np.sum(y * np.arange(4))


def transpose_view_write(X):
    Y = X * 1.0
    Y.T[0] = 0.0
    return np.sum(Y * M3)


def ravel_view_write(X):
    Y = X * 1.0
    Y.ravel()[0] = 5.0
    return np.sum(Y * Y)


def tuple_return_helper(x):
    a, b = _pair(x)
    return np.sum(a * b)


def _pair(v):
    return np.sin(v), np.cos(v)


def nested_helpers(x):
    return _outer(x)


def _outer(v):
    return _inner(v) * 2.0


def _inner(v):
    return np.sum(np.exp(v))


def staticmethod_call(x):
    return _Tools.energy(x)


class _Tools:
    @staticmethod
    def energy(v):
        return 0.5 * np.sum(v * v)


def where_ufunc(x):
    out = np.zeros(3)
    np.exp(x, out=out, where=np.array([True, False, True]))
    return np.sum(out)


def matrix_subclass(x):
    m = np.matrix(np.outer(x, x))
    return float(np.sum(m))


def masked_array(x):
    m = np.ma.masked_array(x, mask=[False, True, False])
    return m.sum()


def logdet_via_cholesky(X):
    S = X @ X.T + np.eye(3)
    L = np.linalg.cholesky(S)
    return 2.0 * np.sum(np.log(np.diagonal(L)))


def exp_large_stable(x):
    big = x * 100.0
    m = big.max()
    return m + np.log(np.exp(big - m).sum())


def sign_times(x):
    return np.sum(np.sign(x - 0.5) * x)


def floor_frac(x):
    return np.sum(x * 3.0 - np.floor(x * 3.0))


def round_trip_int_index(x):
    i = int(np.floor(x[1] * 3.0))
    return x[i] * 5.0


def fori_accumulate_array(x):
    acc = np.zeros(3)
    for i in range(3):
        acc[i] = acc[i - 1] * x[i] + x[i]
    return np.sum(acc)


def while_list_growth(x):
    vals = [x]
    while len(vals) < 4:
        vals.append(np.sin(vals[-1]))
    return np.sum(np.stack(vals))


def string_format_value(x):
    label = "loss=%.3f" % np.sum(x)
    return np.sum(x ** 2) * len(label)


def conditional_expression(x):
    y = x * 2 if x[0] > 0 else x * 3
    return np.sum(y ** 2)


def chained_compare(x):
    return np.sum(x[(x > 0.4) & (x < 0.7)]) + np.sum(x)


# ------------------------------------------------------------------ the table

PROBES = [
    ("gp_loglik_cholesky", gp_loglik_cholesky, (0.2,)),
    ("gp_loglik_slogdet", gp_loglik_slogdet, (0.2,)),
    ("gp_slogdet_named", gp_slogdet_named, (X3,)),
    ("mixture_loglik", mixture_loglik, (np.array([0.0, 1.0]),)),
    ("logistic_regression", logistic_regression, (X3,)),
    ("softmax_xent", softmax_xent, (X3,)),
    ("logsumexp_stable", logsumexp_stable, (X4,)),
    ("rnn_steps", rnn_steps, (X3,)),
    ("leapfrog_while", leapfrog_while, (0.7,)),
    ("euler_vector_while", euler_vector_while, (X3,)),
    ("layernorm", layernorm, (X4,)),
    ("batchnorm", batchnorm, (FEAT,)),
    ("attention", attention, (X3,)),
    ("kalman_step", kalman_step, (X3,)),
    ("stable_sigmoid", stable_sigmoid, (X4,)),
    ("softplus_logaddexp", softplus_logaddexp, (X4,)),
    ("expm1_log1p", expm1_log1p, (X3,)),
    ("mlp_params_list", mlp_params_list, (X3,)),
    ("params_dict_arg", params_dict_arg, ({"W": W34, "b": X4},)),
    ("params_list_arg", params_list_arg, ([W34, X4],)),
    ("helper_defaults", helper_defaults, (X3,)),
    ("helper_keywords", helper_keywords, (X3,)),
    ("helper_star_args", helper_star_args, (X3,)),
    ("helper_star_kwargs", helper_star_kwargs, (X3,)),
    ("closure_probe", closure_probe, (X3,)),
    ("lambda_probe", lambda_probe, (X3,)),
    ("comprehension_list", comprehension_list, (X3,)),
    ("comprehension_gen", comprehension_gen, (X3,)),
    ("append_list", append_list, (X3,)),
    ("dict_builtin", dict_builtin, (X3,)),
    ("dict_comprehension", dict_comprehension, (X3,)),
    ("math_scalar", math_scalar, (0.4,)),
    ("math_on_element", math_on_element, (X3,)),
    ("wraps_decorated", wraps_decorated, (X3,)),
    ("wraps_forwarding", wraps_forwarding, (X3,)),
    ("module_alias_arg", module_alias_arg, (X3, np)),
    ("module_alias_local", module_alias_local, (X3,)),
    ("module_alias_import", module_alias_import, (X3,)),
    ("try_except", try_except, (X3,)),
    ("generator_fn", generator_fn, (X3,)),
    ("recursive_helper", recursive_helper, (X3,)),
    ("int_argument", int_argument, (X3, 3)),
    ("float32_input", float32_input, (X3.astype(np.float32),)),
    ("branch_on_value", branch_on_value, (X3,)),
    ("break_continue", break_continue, (X3,)),
    ("early_return", early_return, (X3,)),
    ("newton_sqrt", newton_sqrt, (2.0,)),
    ("object_call", object_call, (X3,)),
    ("enumerate_zip", enumerate_zip, (X3,)),
    ("rows_iteration", rows_iteration, (M3,)),
    ("shape_unpack", shape_unpack, (M3,)),
    ("global_scale", global_scale, (X3,)),
    ("float_builtin", float_builtin, (X3,)),
    ("item_method", item_method, (X3,)),
    ("tolist_sum", tolist_sum, (X3,)),
    ("builtin_sorted", builtin_sorted, (X3,)),
    ("builtin_max_min_abs", builtin_max_min_abs, (X3,)),
    ("map_math", map_math, (X3,)),
    ("vectorize", vectorize, (X3,)),
    ("array_from_scalars", array_from_scalars, (X3,)),
    ("array_nested", array_nested, (X3,)),
    ("asarray_list", asarray_list, (X3,)),
    ("inplace_ops", inplace_ops, (X3,)),
    ("slice_augassign", slice_augassign, (X3,)),
    ("ufunc_out", ufunc_out, (X3,)),
    ("ufunc_positional_out", ufunc_positional_out, (X3,)),
    ("cumsum_out", cumsum_out, (X3,)),
    ("clip_out_self", clip_out_self, (X3,)),
    ("add_at", add_at, (X3,)),
    ("method_sort_inplace", method_sort_inplace, (X3,)),
    ("np_sort", np_sort, (X3,)),
    ("argsort_gather", argsort_gather, (X3,)),
    ("fill_method", fill_method, (X3,)),
    ("copyto_probe", copyto_probe, (X3,)),
    ("copyto_where", copyto_where, (X3,)),
    ("put_probe", put_probe, (X3,)),
    ("fill_diagonal_probe", fill_diagonal_probe, (M3,)),
    ("putmask_probe", putmask_probe, (X3,)),
    ("place_probe", place_probe, (X3,)),
    ("fancy_repeat_read", fancy_repeat_read, (X3,)),
    ("fancy_repeat_write", fancy_repeat_write, (X3,)),
    ("fancy_repeat_augassign", fancy_repeat_augassign, (X4,)),
    ("list_mutations", list_mutations, (X3,)),
    ("list_sort_clear", list_sort_clear, (X3,)),
    ("dict_update", dict_update, (X3,)),
    ("alias_through_helper", alias_through_helper, (X3,)),
    ("stale_operand", stale_operand, (X3,)),
    ("local_array_writes", local_array_writes, (X3,)),
    ("r_concat", r_concat, (X3,)),
    ("c_concat", c_concat, (X3,)),
    ("einsum_string", einsum_string, (M3,)),
    ("einsum_sublist", einsum_sublist, (M3,)),
    ("einsum_batch", einsum_batch, (X3,)),
    ("ndarray_methods", ndarray_methods, (M3,)),
    ("ndarray_methods2", ndarray_methods2, (X3,)),
    ("eigh_probe", eigh_probe, (M3,)),
    ("eigh_named", eigh_named, (M3,)),
    ("svd_probe", svd_probe, (M3,)),
    ("svd_named", svd_named, (M3,)),
    ("qr_probe", qr_probe, (M3,)),
    ("det_inv_solve", det_inv_solve, (M3,)),
    ("norms", norms, (M3,)),
    ("cumprod_zero", cumprod_zero, (X3,)),
    ("cumprod_plain", cumprod_plain, (X3,)),
    ("prod_zero", prod_zero, (X3,)),
    ("sum_where", sum_where, (X3,)),
    ("mean_where", mean_where, (X3,)),
    ("empty_array", empty_array, (X3,)),
    ("empty_mean", empty_mean, (X3,)),
    ("divmod_probe", divmod_probe, (X3,)),
    ("modf_probe", modf_probe, (X3,)),
    ("nonsmooth", nonsmooth, (X3,)),
    ("clip_where", clip_where, (X3,)),
    ("trig2", trig2, (X3,)),
    ("outer_kron", outer_kron, (X3,)),
    ("tri_diag", tri_diag, (M3,)),
    ("stacking", stacking, (X3,)),
    ("flips", flips, (X3,)),
    ("roll_probe", roll_probe, (X3,)),
    ("diff_probe", diff_probe, (X3,)),
    ("var_ddof", var_ddof, (M3,)),
    ("mean_axis_tuple", mean_axis_tuple, (M3,)),
    ("powers", powers, (X3,)),
    ("matmul_self", matmul_self, (M3,)),
    ("newaxis_broadcast", newaxis_broadcast, (X3,)),
    ("bool_mask_index", bool_mask_index, (X3,)),
    ("argmax_select", argmax_select, (X3,)),
    ("logaddexp_reduce", logaddexp_reduce, (X3,)),
    ("lstsq_probe", lstsq_probe, (M3,)),
    ("interp_probe", interp_probe, (X3,)),
    ("polyval_probe", polyval_probe, (X3,)),
    ("convolve_probe", convolve_probe, (X3,)),
    ("trapezoid_probe", trapezoid_probe, (X3,)),
    ("meshgrid_probe", meshgrid_probe, (X3,)),
    ("tile_repeat", tile_repeat, (X3,)),
    ("pad_probe", pad_probe, (X3,)),
    ("take_probe", take_probe, (M3,)),
    ("ones_like_mul", ones_like_mul, (X3,)),
    ("full_like_active", full_like_active, (0.6,)),
    ("linspace_active", linspace_active, (0.6,)),
    ("arange_then_index", arange_then_index, (X3,)),
    ("astype_probe", astype_probe, (X3,)),
    ("float32_ops", float32_ops, (X3,)),
    ("complex_abs", complex_abs, (X3,)),
    ("reshape_ravel", reshape_ravel, (M3,)),
    ("squeeze_expand", squeeze_expand, (X3,)),
    ("swap_moveaxis", swap_moveaxis, (M3,)),
    ("split_probe", split_probe, (X3,)),
    ("sqrt_norm", sqrt_norm, (X3,)),
    ("scalar_python_ops", scalar_python_ops, (0.4,)),
    ("numpy_scalar_arg", numpy_scalar_arg, (0.4,)),
    ("tensordot_probe", tensordot_probe, (M3,)),
    ("cross_probe", cross_probe, (X3,)),
    ("dot_vdot_inner", dot_vdot_inner, (X3,)),
    ("any_all_guard", any_all_guard, (X3,)),
    ("isfinite_mask", isfinite_mask, (X3,)),
    ("nan_safe", nan_safe, (X3,)),
    ("set_global_array", set_global_array, (X3,)),
    ("view_write", view_write, (X3,)),
    ("reshape_view_write", reshape_view_write, (X3,)),
    ("transpose_view_write", transpose_view_write, (M3,)),
    ("ravel_view_write", ravel_view_write, (M3,)),
    ("tuple_return_helper", tuple_return_helper, (X3,)),
    ("nested_helpers", nested_helpers, (X3,)),
    ("staticmethod_call", staticmethod_call, (X3,)),
    ("where_ufunc", where_ufunc, (X3,)),
    ("matrix_subclass", matrix_subclass, (X3,)),
    ("masked_array", masked_array, (X3,)),
    ("logdet_via_cholesky", logdet_via_cholesky, (M3,)),
    ("exp_large_stable", exp_large_stable, (X3,)),
    ("sign_times", sign_times, (X3,)),
    ("floor_frac", floor_frac, (X3,)),
    ("round_trip_int_index", round_trip_int_index, (X3,)),
    ("fori_accumulate_array", fori_accumulate_array, (X3,)),
    ("while_list_growth", while_list_growth, (X3,)),
    ("string_format_value", string_format_value, (X3,)),
    ("conditional_expression", conditional_expression, (X3,)),
    ("chained_compare", chained_compare, (X3,)),
]
