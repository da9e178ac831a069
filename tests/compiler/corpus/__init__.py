"""A corpus of user functions written the way people write numerical Python.

Each feature module exposes ``CASES``: a list of :class:`Case`. ``test_corpus.py``
checks every (case, input) pair against central finite differences.
"""

import importlib

MODULES = ["branches", "loops", "while_loops", "jumps", "mutation", "containers", "trees",
           "calls", "models", "exceptions", "higher_order", "varargs", "recursion",
           "generators", "classes", "first_class", "spectral", "linalg", "signal_numpy",
           "complex_numbers", "scipy_programs", "argument_updates", "closures"]


class Case:
    """One user function, several inputs (tuples of positional arguments), and the
    argument positions to differentiate.

    ``xfail`` marks every input as a known compiler failure; ``xfail_inputs`` maps an
    input index to a reason for that input only. Reasons start with ``compiler:`` (a
    wrong or crashing gradient) or ``unsupported:`` (rejected with SrcgradSyntaxError).
    """

    def __init__(self, fn, inputs, wrt=(0,), xfail=None, xfail_inputs=None, rtol=1e-5,
                 atol=1e-6):
        self.fn = fn
        self.inputs = [tuple(a) for a in inputs]
        self.wrt = tuple(wrt)
        self.xfail = xfail
        self.xfail_inputs = dict(xfail_inputs or {})
        self.rtol = rtol
        self.atol = atol
        self.module = fn.__module__.rsplit(".", 1)[-1]

    @property
    def name(self):
        return "%s.%s" % (self.module, self.fn.__name__)

    def reason(self, k):
        """Why input ``k`` is expected to fail (None if it should pass)."""
        return self.xfail_inputs.get(k, self.xfail)

    def value_reason(self, k):
        """Why the *value* at input ``k`` is expected to be wrong or not computed."""
        r = self.reason(k)
        if r and (r.startswith("unsupported") or "wrong value" in r or "crash" in r):
            return r
        return None

    def __repr__(self):
        return "<Case %s>" % self.name


def all_cases():
    out = []
    for name in MODULES:
        mod = importlib.import_module("%s.%s" % (__name__, name))
        out.extend(mod.CASES)
    return out


# Known compiler bugs: one reason per distinct bug, shared by the cases that hit it.
