#!/usr/bin/env python
"""Write docs/rules.md from the rule registry (srcgrad.rules).

    python scripts/gen_rules_doc.py          # rewrite docs/rules.md
    python scripts/gen_rules_doc.py --check  # exit 1 when the file is stale

One table per rule module: the primitive, the arguments that carry a
gradient, and notes (``broadcasts``, list arguments, the first line of the
rule's docstring); then the callables registered as non-differentiable.
"""

import os
import sys

import srcgrad.rules as rules

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(ROOT, "docs", "rules.md")
from srcgrad.rules import qualname  # noqa: E402

ORDER = ["ufuncs", "reductions", "linalg", "shape", "signal", "scalars", "nn", "conversions"]


def library_rows():
    """Registered ``(fn, prim)`` that ship with srcgrad: rules defined in
    srcgrad modules, non-differentiable callables from numpy/math/builtins/
    srcgrad (tests and doctests register throwaway primitives of their own)."""
    out, seen = [], set()
    for fn, prim in rules.registered():
        if prim is not None:
            if id(prim) in seen:  # a Python function's tape wrapper shares its row
                continue
            seen.add(id(prim))
        if prim is None:
            mod = getattr(fn, "__module__", None) or "numpy"
            keep = mod.split(".")[0] in ("numpy", "math", "builtins", "_operator", "srcgrad")
        else:
            keep = any(r is not None and r.__module__.startswith("srcgrad.")
                       for r in prim.vjps)
        if keep:
            out.append((fn, prim))
    return out


def _args(prim):
    names = []
    for i, rule in enumerate(prim.vjps):
        if rule is None or rules.refuses(rule) or \
                rule.__name__.endswith(("_more", "_refused")):  # no gradient, or refuses it
            continue
        if i < len(prim.argnames):
            names.append(prim.argnames[i])
        else:
            names.append("*%d" % i)
    if prim.varargs and any(n.startswith("*") for n in names):
        fixed = [n for n in names if not n.startswith("*")]
        pos = [int(n[1:]) for n in names if n.startswith("*")]
        names = fixed + ["positional %d..%d" % (min(pos), max(pos))]
    return ", ".join(names)


def _jvp(prim):
    """The forward-mode column: how each differentiable argument's JVP is
    obtained (srcgrad/rules/jvp.py): linear, elementwise, explicit, by
    transposition, or refused."""
    from srcgrad.rules import jvp
    seen = []
    for i, rule in enumerate(prim.vjps):
        if rule is None or rules.refuses(rule) or rule.__name__.endswith(("_more", "_refused")):
            continue
        o = jvp.origin(prim, i)
        if o == "linear" and jvp.jointly_linear(prim):
            o = "jointly linear"
        name = prim.argnames[i] if i < len(prim.argnames) else "*%d" % i
        seen.append((name, o))
    kinds = sorted({o for _, o in seen})
    if len(kinds) == 1:
        return kinds[0]
    if prim.varargs and len({o for n, o in seen if n.startswith("*")}) == 1:
        fixed = [(n, o) for n, o in seen if not n.startswith("*")]
        rest = [o for n, o in seen if n.startswith("*")]
        seen = fixed + [("positional", rest[0])]
    return "; ".join("%s: %s" % (n, o) for n, o in seen)


def _notes(prim):
    notes = []
    if prim.broadcasts:
        notes.append("broadcasts")
    for rule in prim.vjps:
        doc = (rule.__doc__ or "").strip() if rule not in (None, rules.NO_RULE) else ""
        if doc:
            notes.append(" ".join(doc.split("\n\n")[0].split()))
            break
    return "; ".join(notes).replace("|", "\\|")


#: Where the SciPy section starts.  SciPy is an optional extra: without it
#: the section is copied from the current file, so the document is the same
#: whether or not SciPy is installed where it is generated.
SCIPY_HEADING = "## SciPy (optional extra: `pip install srcgrad[scipy]`)"


def _groups(scipy):
    groups = {}
    for fn, prim in library_rows():
        if prim is None:
            continue
        rule = next(r for r in prim.vjps if r is not None and r is not rules.NO_RULE)
        mod = rule.__module__.rsplit(".", 1)[-1]
        if mod.startswith("scipy_") == scipy:
            groups.setdefault(mod, []).append(prim)
    return groups


def _table(mod, prims, level="##"):
    lines = ["%s %s (%d)" % (level, mod, len(prims)), "",
             "| primitive | differentiable arguments | JVP | notes |", "|---|---|---|---|"]
    lines += ["| `%s` | %s | %s | %s |" % (qualname(p.fn), _args(p), _jvp(p), _notes(p))
              for p in prims]
    lines.append("")
    return lines


def render_scipy():
    """The SciPy section: generated when SciPy is importable, else the current file's."""
    try:
        import scipy.special, scipy.stats, scipy.linalg, scipy.signal, scipy.integrate  # noqa
    except ImportError:
        try:
            with open(TARGET, encoding="utf-8") as f:
                current = f.read()
        except OSError:
            current = ""
        at = current.find(SCIPY_HEADING)
        return current[at:] if at >= 0 else SCIPY_HEADING + "\n\n(SciPy was not installed.)\n"
    rules.load_optional()
    lines = [SCIPY_HEADING, "",
             "Loaded the first time a lookup misses after the program imported the SciPy",
             "module they cover (`import srcgrad` never imports SciPy).  A method of a",
             "distribution (`norm.logpdf`) is listed as the function standing for it.", ""]
    groups = _groups(True)
    for mod in sorted(groups):
        lines += _table(mod, sorted(groups[mod], key=lambda p: qualname(p.fn)), "###")
    lines += _origin_counts(scipy=True)
    return "\n".join(lines)


FORWARD = """## Forward-mode rules

Forward mode (`srcgrad.jvp`) needs, per primitive and differentiable argument, a
Jacobian-vector product `jvp(t, ans, *args, **params)`: `t` is that argument's
tangent (its shape), `ans` the output, `args`/`params` what the primitive was
called with; it returns the argument's contribution to the output's tangent, at
any shape that *broadcasts* to the output's.  The engine sums the contributions
of all arguments and broadcasts once (`srcgrad.runtime.tangent_like`, which also
casts: a real output's tangent is real).  A primitive returning a tuple gets a
tuple of tangents (`None` for an integer output).  The *JVP* column says where
each comes from, one source of truth with the VJP table (`srcgrad/rules/jvp.py`):

* **linear** -- linear in that argument with the others fixed (`dot`, `reshape`,
  `sum`, the FFTs): the JVP is the primitive applied to the tangent;
  **jointly linear** -- linear in several arguments together (`np.append`,
  `np.linspace`): the others' tangents are zeroed.  Declared in `rules/jvp_table.py`.
* **elementwise** -- a diagonal Jacobian (ufuncs): the VJP read as a JVP,
  `vjp(t)` on real values; on complex values each entry's real 2x2 block from
  two VJP calls (exact for holomorphic and non-holomorphic functions alike).
* **explicit** -- a rule of its own (`rules/jvp_explicit.py`, `rules/jvp_scipy_explicit.py`):
  `d inv = -inv dA inv`, `d det = det tr(A^-1 dA)`, eigh/svd/cholesky tangents;
  reductions take one VJP call with a cotangent of ones, summed over the reduced axes.
* **by transposition** -- the VJP is linear in its cotangent, so
  `(J v)_k = <J^T e_k, v>`: one VJP call per output entry (two per complex entry).
  Exact but O(output size): refused past `TRANSPOSE_LIMIT` (4096) calls with a
  `NoRuleError` naming the primitive.  Only for rules that ship with srcgrad.
* **refused** -- `srcgrad.rules.jvp_of` raises `NoRuleError` saying to register a
  rule or use reverse mode.

Register a rule for your own primitive next to its VJP:

```python
import srcgrad

def cube(x):
    return x ** 3

def cube_vjp(g, ans, x):
    return g * 3 * x ** 2

def cube_jvp(t, ans, x):
    return t * 3 * x ** 2

cube = srcgrad.defvjp(cube, cube_vjp)
srcgrad.defjvp(cube, cube_jvp)
value, tangent = srcgrad.jvp(cube, (2.0,), (1.0,))
print(srcgrad.grad(cube)(2.0), float(value), float(tangent))
```

```text
12.0 8.0 12.0
```

A primitive registered with `defvjp` alone has no JVP (forward mode refuses it),
unless declared linear (`srcgrad.rules.deflinear(fn, *positions)`) or elementwise
(`srcgrad.rules.defelementwise(fn)`), from which its JVP is derived.
""".split("\n")


def _origin_counts(scipy=False):
    """How many primitives (of this section) take each derivation."""
    counts = {}
    for prim in [p for ps in _groups(scipy).values() for p in ps]:
        for kind in {o.split(":")[-1].strip() for o in _jvp(prim).split(";")}:
            counts[kind] = counts.get(kind, 0) + 1
    order = ["linear", "jointly linear", "elementwise", "explicit", "transposition",
             "refused"]
    return ["JVPs (primitives, one count per kind of derivation each uses): " +
            ", ".join("%s %d" % (k, counts[k]) for k in order if k in counts) + ".", ""]


def render():
    groups = _groups(False)
    lines = ["# Derivative rules", "",
             "Generated by `scripts/gen_rules_doc.py` from the registry in `srcgrad/rules/`;",
             "do not edit by hand (`tests/rules/test_rules_doc.py` fails when stale).", "",
             "Each primitive has one vector-Jacobian rule per differentiable argument.",
             "*broadcasts*: the rule returns the cotangent at the broadcast shape and the",
             "engine sums it back to the argument's shape.", ""] + FORWARD
    total = 0
    for mod in sorted(groups, key=lambda m: (ORDER.index(m) if m in ORDER else 99, m)):
        prims = sorted(groups[mod], key=lambda p: qualname(p.fn))
        total += len(prims)
        lines += _table(mod, prims)
    nondiff = sorted({qualname(fn) for fn, prim in library_rows() if prim is None})
    lines += ["## Non-differentiable (%d)" % len(nondiff), "",
              "Outputs carry no gradient (piecewise constant, boolean, integer or "
              "shape-valued):", "",
              ", ".join("`%s`" % n for n in nondiff), "",
              "Total: %d differentiable primitives, %d non-differentiable callables."
              % (total, len(nondiff)), ""]
    lines += _origin_counts()
    return "\n".join(lines) + "\n" + render_scipy()


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in argv:
        try:
            with open(TARGET, encoding="utf-8") as f:
                current = f.read()
        except OSError:
            current = None
        if current != text:
            print("docs/rules.md is stale: run python scripts/gen_rules_doc.py")
            return 1
        return 0
    os.makedirs(os.path.dirname(TARGET), exist_ok=True)
    with open(TARGET, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote %s" % TARGET)
    return 0


if __name__ == "__main__":
    sys.exit(main())
