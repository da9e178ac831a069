"""Shrunk failures of the extended random programs (programs.py, ``features=...``) and
of the soundness sweep (tests/soundness), in the format of regressions.py.

Each entry is a module source defining ``f`` (the header imports ``functools``,
``math``, ``numpy as np`` and ``srcgrad``), the inputs, the argument positions
differentiated, an oracle (``None``: central finite differences; else a function of the
inputs giving the expected gradients, derived by hand where finite differences do not
apply) and, per engine (``compiler``, ``tape``, ``auto``), ``None`` (the engine must
match the oracle or refuse with a clear error) or what goes wrong today (the test is
a strict xfail: remove the reason when the bug is fixed).

The generator (``avoid_known=True``) keeps away from these constructs: programs.py
``KNOWN_CONSTRUCTS`` and ``TAPE_KNOWN`` name the entries.
"""

import numpy as np

A3 = np.array([0.3, -0.4, 0.8])
B3 = np.array([0.5, 0.2, -0.6])

HEADER = "import functools\nimport math\n\nimport numpy as np\n\nimport srcgrad\n\n\n"


class Case:
    def __init__(self, name, source, args, wrt=(0,), oracle=None, compiler=None, tape=None,
                 auto=None):
        self.name = name
        self.source = HEADER + source.strip("\n") + "\n"
        self.args = tuple(args)
        self.wrt = tuple(wrt)
        self.oracle = oracle
        self.reasons = {"compiler": compiler, "tape": tape, "auto": auto}

    def __repr__(self):
        return "<Case %s>" % self.name


ZERO = "returns a zero gradient where finite differences are not zero, silently"

CASES = [
    Case("compiler-dict-constructor", '''
def f(a, b):
    d = dict(p=a, q=b)
    return np.sum(d['p'] * d['q'])
''', (A3, B3), wrt=(0, 1)),      # was a zero gradient; the compiler now refuses dict(...)

    Case("compiler-ndarray-sort-is-a-copy", '''
def f(a, b):
    t = a * 1.0
    t.sort()
    return np.sum(t * b)
''', (A3, B3)),      # was: taken for the copying np.sort; the compiler now refuses (located)

    Case("compiler-ndarray-fill-ignored", '''
def f(a, b):
    t = a * 1.0
    t.fill(0.5)
    return np.sum(t * b) + np.sum(a)
''', (A3, B3)),      # was: assumed pure; the compiler now refuses (located), the tape models it

    Case("compiler-ufunc-out-ignored", '''
def f(a, b):
    t = np.zeros(3)
    np.multiply(a, 2.0, out=t)
    return np.sum(t * b)
''', (A3, B3)),      # was a zero gradient; now refused (located) by both engines

    Case("all-cumsum-out-ignored", '''
def f(a, b):
    t = np.zeros(3)
    np.cumsum(a, out=t)
    return np.sum(t * b)
''', (A3, B3)),      # was a zero gradient; now refused (located) by both engines

    Case("compiler-positional-out-crashes", '''
def f(a, b):
    t = np.zeros(3)
    np.sin(a, t)
    return np.sum(t * b)
''', (A3, B3)),      # was a TypeError from the rule; now refused (located) by both engines

    Case("compiler-decorated-helper-loses-wrapper", '''
def deco(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs) * 2.0
    return wrapper


@deco
def hd(u):
    return np.sin(u)


def f(a, b):
    return np.sum(hd(a) * b)
''', (A3, B3)),      # was half the gradient; the compiler now refuses the wrapper, auto is right

    Case("compiler-fancy-index-write-repeats", '''
def f(a, b):
    y = np.zeros(3)
    y[[0, 0, 1]] = a
    return np.sum(y * b)
''', (A3, B3)),      # the last write wins (a[0] gets no gradient); the tape refuses

    Case("compiler-fancy-index-augassign-repeats", '''
def f(a, b):
    y = np.zeros(3)
    y[[0, 0, 1]] += a
    return np.sum(y * b)
''', (A3, B3)),      # NumPy adds once per distinct index (buffered); the tape refuses

    Case("compiler-np-sum-of-appended-list", '''
def f(a, b):
    L = []
    for i in range(3):
        L.append(a[i] * b[i])
    return np.sum(L)
''', (A3, B3), wrt=(0, 1)),      # was a zero gradient; the tape refuses (np.asarray)

    Case("compiler-local-module-alias", '''
def f(a):
    m = np
    return m.sum(m.sin(a))
''', (A3,)),      # was a zero gradient (m = np; m.sum(m.sin(a)))

    Case("compiler-no-grad-alias-is-constant", '''
def f(a, b):
    with srcgrad.no_grad():
        v = a
    return np.sum(v) + np.sum(a * b)
''', (A3, B3), oracle=lambda a, b: (1.0 + b,)),   # was a constant in the compiler (PyTorch: v is a)

    Case("tape-builtin-divmod-typeerror", '''
def f(a, c):
    q, r = divmod(c + 3.1, 5.3)
    return r * 2.0 + np.sum(a)
''', (A3, 0.7), wrt=(1,)),      # was a TypeError on the tape

    Case("tape-slogdet-untracked", '''
def f(a, b):
    sd = np.linalg.slogdet(np.eye(3) + 0.1 * np.outer(np.tanh(a), np.tanh(b)))
    return sd[1]
''', (A3, B3), wrt=(0, 1)),      # was untracked outputs on the tape

    Case("tape-eigh-untracked", '''
def f(a):
    w, V = np.linalg.eigh(np.outer(np.tanh(a), np.tanh(a)) * 0.1 + np.diag(np.arange(1.0, 4.0)))
    return np.dot(w, np.array([0.3, -0.2, 0.5]))
''', (A3,)),      # was untracked outputs on the tape

    Case("tape-divmod-untracked", '''
def f(a, b):
    q, r = np.divmod(np.tanh(a) + 3.1, 5.3)
    return np.sum(r * b)
''', (A3, B3)),      # was untracked outputs on the tape

    Case("tape-modf-untracked", '''
def f(a, b):
    fr, it = np.modf(np.tanh(a) * 0.4 + 3.5)
    return np.sum(fr * b + it)
''', (A3, B3)),      # was untracked outputs on the tape

    Case("slogdet-named-field", '''
def f(a, b):
    sd = np.linalg.slogdet(np.eye(3) + 0.1 * np.outer(np.tanh(a), np.tanh(b)))
    return sd.logabsdet
''', (A3, B3), wrt=(0, 1)),      # was a plain tuple on the tape (AttributeError)

    Case("tape-astype-float64-stays-float32", '''
def f(a, b):
    v = (a.astype(np.float32) * 0.5).astype(np.float64)
    return np.sum(v) + np.sum(a * b)
''', (np.array([0.3, -0.2, 0.5]), np.array([0.1, 0.7, -0.4])),
        oracle=lambda a, b: (0.5 + b,)),     # (finite differences see float32 steps)
    # (was: Tensor.astype(np.float64) of a float32 Tensor stayed float32 on the tape)

    Case("compiler-dict-update-ignored", '''
def f(a, b):
    d = {'x': a}
    d.update(y=b)
    return np.sum(d['x'] * d['y'])
''', (A3, B3), wrt=(0, 1)),      # was a zero gradient; the compiler now refuses (located)

    Case("compiler-list-reverse-ignored", '''
def f(a, b):
    L = [a[0], a[1] * 2.0, b[2]]
    L.reverse()
    return L[0] * 3.0 + L[2]
''', (A3, B3), wrt=(0, 1)),      # was the old places' gradient; the compiler now refuses

    Case("auto-generator-callee-leaks-tensor", '''
def hgen(u, s):
    for t in u:
        yield t * s


def f(a, b):
    return sum(hgen(a, 0.5)) + np.sum(a * b)
''', (A3, B3)),      # was a Tensor leaking into compiled code; now compiled (generators.py)

    Case("tape-var-std-methods-unbiased", '''
def f(a):
    return a.var() + a.std()
''', (A3,)),      # was PyTorch's unbiased var/std on the tape

    Case("compiler-helper-return-alias", '''
def h1(u, w):
    return w


def f(a):
    v2 = a * 1.0
    v3 = h1(v2, v2)
    v3 += a
    return np.sum(v2)
''', (A3,)),      # issue 9's example: the compiler now refuses (located), the tape is right
]
