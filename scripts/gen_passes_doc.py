#!/usr/bin/env python
"""Write docs/passes.md: the compiler's passes, each with its code before and after.

    python scripts/gen_passes_doc.py          # rewrite docs/passes.md
    python scripts/gen_passes_doc.py --check  # exit 1 when the file is stale

Nothing here re-implements a pass.  The script compiles a few small example
programs with the real pipeline (``compile_vjp``), having wrapped each pass
function where ``compiler/pipeline.py`` calls it, so every listing is what that
pass received and what it returned in that run.  For each pass the page shows
the first example (in the order of :data:`EXAMPLES`) that the pass changes; a
pass that changed none of them is listed without code.  A test
(tests/test_docs_pages.py) fails when the page differs from what this script
writes, so the page follows the compiler.
"""

import contextlib
import copy
import linecache
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import gast  # noqa: E402

from srcgrad.compiler import pipeline  # noqa: E402
from srcgrad.compiler.frontend import generators, hofs, index_tricks  # noqa: E402
from srcgrad.compiler.ir.nodes import dump  # noqa: E402
from srcgrad.compiler.transforms.reverse import Reverser  # noqa: E402

OUT = os.path.join(ROOT, "docs", "passes.md")

#: (name, source, kinds of the arguments: "f" a float, ("a", n) an array of n floats).
#: Each example is small and chosen so that some passes have something to do.
EXAMPLES = [
    ("loop", '''\
import numpy as np

def simulate(x, n):
    s = 0.0
    for i in range(n):
        s = s + np.sin(x) * i
        if s > 10.0:
            break
        x = x * 1.01
    return s
''', ("f", "f")),
    ("closures", '''\
import numpy as np

def apply(f, v):
    return f(v)

def squares(xs):
    for v in xs:
        yield v * v

def smooth(x, width):
    def bump(v):
        return np.exp(-(v / width) ** 2)
    parts = list(map(bump, x))
    scaled = apply(lambda v: v / width, x)
    return sum(squares(parts)) + np.sum(scaled)
''', (("a", 3), "f")),
    ("try_with", '''\
import numpy as np

def robust(K, y):
    first, *rest = y
    with np.errstate(divide="ignore"):
        scale = np.max(np.abs(K))
    try:
        L = np.linalg.cholesky(K)
    except np.linalg.LinAlgError:
        L = np.linalg.cholesky(K + 1e-6 * np.eye(3))
    z = np.r_[first, rest]
    out = dict(fit=np.sum(L @ z), reg=scale)
    return out["fit"] + out["reg"]
''', (("a", 3, 3), ("a", 3))),
    ("chain", '''\
import numpy as np

def chain(x, n):
    for i in range(n):
        x = np.sin(x) * 1.01
    return x
''', ("f", "f")),
    ("mse", '''\
import numpy as np

def mse(w, X, y):
    err = X @ w - y
    return np.mean(err ** 2)
''', (("a", 3), ("a", 8, 3), ("a", 8))),
    ("layers", '''\
import numpy as np

def net(W1, W2, W3, x):
    for W in (W1, W2, W3):
        x = np.tanh(W @ x)
    return 0.5 * np.sum(3.0 * x ** 2)
''', (("a", 4, 4), ("a", 4, 4), ("a", 4, 4), ("a", 4))),
]

#: (title, where the pass lives, what it guarantees): in the order the pipeline runs them.
PASSES = [
    ("higher-order builtins", "`srcgrad/compiler/frontend/hofs.py`",
     "`map`, `filter`, `functools.reduce`, `sorted(key=)`, `functools.partial` of a "
     "function the compiler reads become loops and calls it can differentiate"),
    ("name lambdas", "`srcgrad/compiler/frontend/lift.py` (`name_lambdas`)",
     "a lambda written inside an expression gets a name at the top of the body, so it is "
     "lifted like any nested function"),
    ("starred targets", "`srcgrad/compiler/frontend/starred.py`",
     "`a, *b = v` becomes indexing and slicing that keep Python's length check"),
    ("lift", "`srcgrad/compiler/frontend/lift.py`",
     "nested functions and lambdas become closures the later passes see as values "
     "(`runtime.Closure`), and starred call arguments are unpacked"),
    ("generators", "`srcgrad/compiler/frontend/generators.py`",
     "a generator consumed whole (`sum(... for ...)`, `list(gen(x))`) becomes a loop "
     "that builds a list"),
    ("desugar", "`srcgrad/compiler/frontend/desugar.py`",
     "`continue` and early `return` become flags and guarded blocks, and a `break` is "
     "left only as `if <test>: break` at the start or the end of a loop body, so the "
     "function has one `return` and an iteration that starts runs to its end (or runs "
     "nothing but the test)"),
    ("try", "`srcgrad/compiler/frontend/trycatch.py`",
     "a `try` becomes progress flags per protected statement, so the adjoint knows which "
     "statements ran"),
    ("with", "`srcgrad/compiler/frontend/withblock.py`",
     "every `with` left is a single grad mode (`no_grad`, `enable_grad`..., which "
     "A-normal form turns into marked statements); any other context manager becomes an "
     "assignment and explicit `__enter__`/`__exit__` calls the later passes can see"),
    ("dict calls", "`srcgrad/compiler/frontend/dictcalls.py`",
     "`dict(a=x)` (and the other forms whose entries are visible) becomes the display "
     "`{'a': x}`, evaluating the same expressions in the same order"),
    ("index tricks", "`srcgrad/compiler/frontend/index_tricks.py`",
     "`np.r_[...]` and `np.c_[...]` of values become calls of primitives with rules "
     "(`index_r`, `index_c`)"),
    ("A-normal form", "`srcgrad/compiler/frontend/anf.py`",
     "every operation's operands are names or constants, and every intermediate value has "
     "a name (`_t1`, `_t2`...): the reverse pass then has one rule call per statement"),
    ("SSA", "`srcgrad/compiler/frontend/ssa.py` (`rename_ssa`, `split_self_updates`)",
     "a name rebound in straight-line code gets a fresh name per binding, so a value the "
     "adjoint reads is never one a later line overwrote (loops keep their names: their "
     "values are pushed on a stack)"),
    ("reverse", "`srcgrad/compiler/transforms/reverse.py`, with `analysis/`",
     "the forward sweep (the function, pushing the values it overwrites that the adjoint "
     "needs) and the adjoint sweep (each active statement's VJP rule, in reverse order, "
     "loops replayed backwards): only values that depend on a differentiated argument get "
     "cotangents"),
    ("inline temporaries", "`srcgrad/compiler/lower/optimize.py` (`inline_temps`)",
     "a single-use temporary or cotangent is put back into the expression that uses it "
     "when that is safe (pure calls), so intermediates are freed at once"),
    ("reassociate", "`srcgrad/compiler/transforms/reverse.py` (`reassociate`)",
     "scalar factors of a product are multiplied first (`g * 2 * x`: one array operation "
     "fewer)"),
    ("copy propagation", "`srcgrad/compiler/lower/optimize.py` (`propagate_copies`)",
     "`a = b` copies and dead stores in the adjoint are removed"),
    ("fuse pops", "`srcgrad/compiler/lower/optimize.py` (`fuse_pops`)",
     "an adjoint loop that pops one saved value per step iterates over the saved values "
     "directly"),
    ("last iteration", "`srcgrad/compiler/lower/last_iteration.py`",
     "the adjoint of a loop's first iteration (run last) skips cotangents nothing reads "
     "afterwards"),
]


def _src(value):
    """Source text of what a pass takes or returns (a function, a statement list, a pair)."""
    if isinstance(value, gast.FunctionDef):
        return dump([value])
    if hasattr(value, "node") and isinstance(getattr(value, "node"), gast.FunctionDef):
        return _src(value.node)
    if hasattr(value, "body") and isinstance(value.body, list):      # an ANF result
        return dump(value.body)
    if isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], list):
        return "# forward sweep\n%s\n\n# adjoint sweep\n%s" % (
            dump(value[0]) or "pass", dump(value[1]) or "pass")
    if isinstance(value, list) and value and isinstance(value[0], list):
        return "# forward sweep\n%s\n\n# adjoint sweep\n%s" % (
            dump(value[0]) or "pass", dump(value[1]) or "pass")
    if isinstance(value, list):
        return dump(value)
    raise TypeError(type(value))


class Recorder:
    """Wraps the pass functions the pipeline calls; keeps (before, after) per pass."""

    def __init__(self):
        self.seen = {}        # title -> (before, after), this example's
        self.last_ssa = None

    def wrap(self, title, fn, arg=0, method=False):
        def wrapped(*args, **kwargs):
            subject = args[arg + (1 if method else 0)]
            before = _src(subject)
            out = fn(*args, **kwargs)
            after = _src(out)
            self.seen.setdefault(title, (before, after))
            return out
        return wrapped

    @contextlib.contextmanager
    def installed(self):
        targets = [
            (hofs, "rewrite", "higher-order builtins", 0, False),
            (pipeline, "name_lambdas", "name lambdas", 0, False),
            (pipeline, "expand_starred_targets", "starred targets", 0, False),
            (pipeline, "_lift", "lift", 1, False),
            (generators, "materialise", "generators", 1, False),
            (pipeline, "remove_jumps", "desugar", 0, False),
            (pipeline, "lower_try", "try", 0, False),
            (pipeline, "lower_with", "with", 0, False),
            (pipeline, "rewrite_dict_calls", "dict calls", 0, False),
            (index_tricks, "rewrite", "index tricks", 0, False),
            (pipeline, "to_anf", "A-normal form", 0, False),
            (pipeline, "propagate_copies", "copy propagation", 0, False),
            (pipeline, "fuse_pops", "fuse pops", 0, False),
            (pipeline, "skip_last_iteration", "last iteration", 0, False),
            (pipeline, "inline_temps", "inline temporaries", 0, False),
        ]
        saved = [(obj, name, getattr(obj, name)) for obj, name, *_ in targets]
        saved += [(pipeline, "rename_ssa", pipeline.rename_ssa),
                  (pipeline, "split_self_updates", pipeline.split_self_updates),
                  (Reverser, "run", Reverser.run),
                  (Reverser, "reassociate", Reverser.reassociate)]
        try:
            for obj, name, title, arg, method in targets:
                setattr(obj, name, self.wrap(title, getattr(obj, name), arg, method))
            self._wrap_ssa()
            Reverser.run = self.wrap("reverse", Reverser.run, 0, True)
            Reverser.reassociate = self.wrap("reassociate", Reverser.reassociate, 0, True)
            yield self
        finally:
            for obj, name, fn in saved:
                setattr(obj, name, fn)

    def _wrap_ssa(self):
        """SSA is two functions in a row: shown as one pass, before the first, after both."""
        rename, split = pipeline.rename_ssa, pipeline.split_self_updates
        rec = self

        def rename_ssa(stmts, *args, **kwargs):
            rec.last_ssa = dump(stmts)
            return rename(stmts, *args, **kwargs)

        def split_self_updates(stmts, *args, **kwargs):
            out = split(stmts, *args, **kwargs)
            rec.seen.setdefault("SSA", (rec.last_ssa, dump(out)))
            return out
        pipeline.rename_ssa, pipeline.split_self_updates = rename_ssa, split_self_updates


def _load(name, source):
    """The example's function, defined from ``source`` under the file name ``NAME.py``."""
    filename = "%s.py" % name
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"__name__": "passes_" + name}
    exec(compile(source, filename, "exec"), namespace)
    fns = [v for v in namespace.values() if callable(v) and getattr(v, "__code__", None)
           and v.__code__.co_filename == filename]
    return fns[-1]


def run_examples():
    """{example name: {pass title: (before, after)}}, and each example's final code."""
    seen, final = {}, {}
    for name, source, kinds in EXAMPLES:
        fn = _load(name, source)
        rec = Recorder()
        with rec.installed():
            compiled = pipeline.compile_vjp(fn, (0,), mode="compile", numeric=kinds)
        seen[name] = rec.seen
        final[name] = compiled.source.rstrip()
    return seen, final


def _kind(kind):
    """A compile-time argument kind in words: ``"f"``, ``("a", 3, 3)``."""
    if kind == "f":
        return "a number"
    return "an array of shape %r" % (tuple(kind[1:]),)


def _fence(code):
    return ["<!-- docs-test: listing -->", "```python", code, "```"]


def render():
    seen, final = run_examples()
    sources = {name: source for name, source, _ in EXAMPLES}
    lines = [
        "# How it works: the passes, before and after",
        "",
        "Generated by `python scripts/gen_passes_doc.py` from a run of the compiler; do not "
        "edit by hand (a test fails when this page is stale).",
        "",
        "`@srcgrad.grad` reads your function's source and hands it through a pipeline of "
        "passes (`srcgrad/compiler/pipeline.py`), each a function from code to code with "
        "one job. Below, each pass is shown on the first of six small programs that gives it something to do: the code it "
        "received and the code it returned, in that run. The front end's output is "
        "printed as source; from A-normal form on, the listings are the statements the "
        "passes work on (the function's body). Line numbers of comments count from the "
        "top of each program. Why each pass exists, and the data passed between them, "
        "are in [the design notes](design.md#the-compiler-pipeline).",
        "",
        "## The programs",
        "",
    ]
    for name, source, kinds in EXAMPLES:
        params = _load(name, source).__code__.co_varnames
        lines += ["`%s.py`, differentiated with respect to its first argument, compiled for "
                  "%s:" % (name, ", ".join("`%s` %s" % (p, _kind(k))
                                            for p, k in zip(params, kinds))), "",
                  "<!-- docs-test: file=%s.py fresh -->" % name, "```python",
                  source.rstrip(), "```", ""]
    for title, where, what in PASSES:
        lines += ["## %s" % title[0].upper() + title[1:], "",
                  "%s: %s." % (where, what), ""]
        for name, _, _ in EXAMPLES:
            pair = seen[name].get(title)
            if pair is not None and pair[0] != pair[1]:
                before, after = pair
                lines += ["On `%s.py`, before:" % name, ""] + _fence(before) + \
                         ["", "after:", ""] + _fence(after) + [""]
                break
        else:
            lines += ["(None of the programs above gives this pass anything to do.)", ""]
    lines += ["## Code generation", "",
              "`srcgrad/compiler/backends/codegen.py`: the forward and adjoint sweeps laid "
              "out as `f_vjp(*args) -> (value, f_pullback)`, with a comment naming the "
              "user's line before each block, compiled under a file name of its own in "
              "`linecache` (`srcgrad.source` shows it; `grad` and `value_and_grad` run the "
              "same statements fused into one function, `lower/fused.py`).", ""]
    for name, _, _ in EXAMPLES:
        lines += ["`%s.py`:" % name, ""] + _fence(final[name]) + [""]
    del sources
    return "\n".join(lines).rstrip() + "\n"


def main(argv):
    text = render()
    if argv[1:] == ["--check"]:
        with open(OUT) as fh:
            if fh.read() != text:
                print("docs/passes.md is stale: run python scripts/gen_passes_doc.py")
                return 1
        return 0
    with open(OUT, "w") as fh:
        fh.write(text)
    print("wrote %s" % OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
