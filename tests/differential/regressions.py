"""Shrunk failures of the differential tests (random programs and hand minimisations).

Each entry is a module source defining ``f``, the inputs, the argument positions
differentiated, and, per engine, ``None`` (the engine must match finite differences)
or the diagnosis of a known bug (the test is a strict xfail; remove the reason when the
bug is fixed). ``"refuses"`` in a reason means the engine raises instead of answering
(the other engine and finite differences agree on the right answer).

The random-program generator (``programs.py``, ``avoid_known=True``) keeps away from
the constructs below, each place naming the entry it avoids.
"""

import numpy as np

A3 = np.array([0.3, -0.4, 0.8])
B3 = np.array([0.5, 0.2, -0.6])


class Regression:
    def __init__(self, name, source, args, wrt=(0,), compiler=None, tape=None):
        self.name = name
        self.source = "import numpy as np\n\n\n" + source.strip("\n") + "\n"
        self.args = tuple(args)
        self.wrt = tuple(wrt)
        self.reasons = {"compiler": compiler, "tape": tape}

    def __repr__(self):
        return "<Regression %s>" % self.name


TAPE_0D = ("tape: a 0-d Tensor is mutable where NumPy scalars are not -- `s += 1.0` on a "
           "0-d result (np.sum(...), arithmetic on a float argument) updates it in place, "
           "so an earlier alias `w = s` changes too: wrong value and wrong gradient, "
           "silently (NumPy rebinds `s`, `w` keeps the old value)")
# The compiler entries are all fixed: each program now either compiles to the right
# value and gradient, or is refused with a located SrcgradSyntaxError (in-place updates
# through aliases, of a helper's arguments) -- a clean refusal, which the test accepts.

REGRESSIONS = [
    Regression("tape-0d-augassign-mutates-alias", '''
def f(a):
    s = np.sum(a)
    w = s
    s += 1.0
    return w * s
''', (A3,), tape=None,       # TAPE_0D: fixed in the working tree, kept as a guard
        compiler=None),

    Regression("tape-0d-augassign-float-argument", '''
def f(x):
    w = x * 2.0
    z = w
    z += 1.0
    return z * w
''', (0.5,), tape=None),    # TAPE_0D: fixed in the working tree, kept as a guard

    Regression("compiler-element-is-not-a-view-augassign", '''
def f(a):
    v = a * 2.0
    s = v[1]
    s *= 3.0
    return s * a[2] + np.sum(v)
''', (A3,), compiler=None),

    Regression("compiler-element-is-not-a-view-self-update", '''
def f(a):
    v = np.sin(a)
    v += v[0]
    return np.sum(v)
''', (A3,), compiler=None),

    Regression("compiler-element-is-not-a-view-read-after-write", '''
def f(a):
    v = np.zeros_like(a)
    v[0] = np.sum(a)
    s = v[0]
    v[0] = 2.0
    return s * np.sum(a) + np.sum(v)
''', (A3,), compiler=None),

    Regression("compiler-helper-mutates-parameter-value", '''
def h(u):
    u += 1.0
    return np.sum(u)


def f(a, b):
    x = a * 1.0
    s = h(x)
    return s + np.sum(x * b)
''', (A3, B3), wrt=(0, 1),
        compiler=None),

    Regression("compiler-helper-mutates-parameter-gradient", '''
def h(u):
    u *= 2.0


def f(a, b):
    x = a * 1.0
    h(x)
    return np.sum(x * b)
''', (A3, B3), wrt=(0, 1),
        compiler=None),

    Regression("compiler-alias-in-helper", '''
def h(u):
    u = u * 1.0
    v = u
    u += 0.5
    return np.sin(v[0])


def f(a, b):
    return h(a) + np.sum(b)
''', (A3, B3), wrt=(0, 1),
        compiler=None),

    Regression("compiler-setitem-through-alias", '''
def f(a, b):
    x = a * 1.0
    v2 = x
    v1 = x
    v1[0] = v1[0] * 0.5 + 0.5
    return np.sum(v2) + np.sum(b)
''', (A3, B3), wrt=(0, 1),
        compiler=None),

    Regression("compiler-alias-of-call-result", '''
def h(u):
    return np.sin(u)


def f(a, b):
    t = h(a)
    v5 = t * 1.0
    v6 = v5
    v5 += 0.5
    return np.sum(v5 * v6) + np.sum(b)
''', (A3, B3), wrt=(0, 1),
        compiler=None),

    # seen once while srcgrad/compiler/lower/optimize.py was being edited: the generated code
    # read ``np.log(1.0 + -0.7 ** 2)`` (parentheses of a negative base lost) -- wrong
    # value, NaN for -1.2; fixed since, kept as a guard (both engines must pass)
    Regression("compiler-negative-constant-base-power", '''
def f(a, b):
    s1 = np.log(1.0 + (-1.2) ** 2)
    s2 = np.sin(a[0:1]) * np.log(1.0 + (-0.7) ** 2)
    return s1 * np.sum(a) + np.sum(s2) + np.sum(a * b)
''', (A3, B3), wrt=(0, 1)),

    # fixed in the working tree while these tests were written; kept as a guard:
    Regression("compiler-self-assignment-in-branch", '''
def f(a, b):
    v1 = a * 2.0
    if np.sum(a) > -0.5:
        v1 = v1
    return np.sum(v1) + np.sum(a * b)
''', (A3, B3), wrt=(0, 1),
        compiler=None),

    # fixed in the working tree while these tests were written; kept as a guard:
    Regression("compiler-identity-assignment-in-branch", '''
def f(a, b):
    v1 = a * 2.0
    if np.sum(a) > -0.5:
        v1 = v1 * 1.0
    return np.sum(v1) + np.sum(a * b)
''', (A3, B3), wrt=(0, 1),
        compiler=None),

    Regression("compiler-loop-carried-alias", '''
def f(a, b):
    x = a * 2.0
    v1 = np.zeros(3)
    for i in range(2):
        v1 += 0.5
        v1 = x
    return np.sum(v1 * x) + np.sum(b)
''', (A3, B3), wrt=(0, 1),
        compiler=None),

    Regression("compiler-sibling-aliases", '''
def f(a, b):
    x = a * 2.0
    v1 = x
    v2 = x
    v2 += 0.5
    return np.sum(v1 * b) + np.sum(v2)
''', (A3, B3), wrt=(0, 1),
        compiler=None),

    Regression("compiler-alias-read-in-branch", '''
def f(a, b):
    x = a * 2.0
    v1 = x
    x += 0.5
    if np.sum(b) > 5.0:
        v1 = x * 0.5
    else:
        v1 = v1 * 0.5
    return np.sum(v1 * b)
''', (A3, B3), wrt=(0, 1),
        compiler=None),

    Regression("compiler-alias-rebound-in-branch", '''
def f(a, b):
    x = a * 2.0
    v1 = x
    x += 0.5
    if np.sum(b) > 5.0:
        v1 = x * 0.5
    return np.sum(v1 * b) + np.sum(x)
''', (A3, B3), wrt=(0, 1),
        compiler=None),
]
