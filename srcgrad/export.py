"""Export generated gradient code as a standalone module that needs only NumPy.

:func:`export` writes one Python file holding: the generated ``f_vjp`` (and the
VJPs of the user functions it calls), the rules it calls by name with the
helpers they use, srcgrad's small runtime (embedded as a module object named
``_rt``), the user's globals it reads (imported from their module, or written
as literals), and a convenience ``f_grad`` returning ``(value, gradients)``.
"""

import builtins
import dis
import importlib
import inspect
import math
import re
import sys
import types

import numpy as np

from . import runtime
from .compiler.pipeline import compiled_of

__all__ = ["export", "ExportError"]


class ExportError(ValueError):
    """Something the generated code uses cannot be written into a module."""


def export(gradfun, path):
    """Write the code behind ``gradfun`` (``grad(f)``, ``value_and_grad(f)``)
    to ``path``; return the path.

    The module defines ``<f>_vjp(*args) -> (value, pullback)`` and
    ``<f>_grad(*args) -> (value, gradients)``.
    """
    compiled = getattr(gradfun, "compiled", gradfun)
    if not hasattr(compiled, "bound"):
        raise ExportError("%r runs on the tape or through a primitive's rule: there is no "
                          "generated code to export (check srcgrad.explain)" % (gradfun,))
    writer = _Writer()
    writer.add_vjp(compiled)
    main = compiled.fn.__name__
    base = main[:-4] if main.endswith("_vjp") else main
    params = ", ".join(compiled.params)
    single = len(compiled.wrt) == 1
    # each gradient gets its argument's kind, as srcgrad.grad gives it
    kinds = ["_rt.to_kind(grads[%d], %s)" % (k, compiled.params[i])
             for k, i in enumerate(compiled.wrt)]
    tail = '''

def %s_grad(%s):
    """Value and gradient%s (a Python float for a float argument)."""
    value, pullback = %s(%s)
    grads = pullback(_rt.ones_like_float(value) if _np.ndim(value) else 1.0)
    return value, %s
''' % (base, params, "" if single else "s", main, params, kinds[0] if single else
       "(%s)" % "".join(k + ", " for k in kinds))
    text = writer.render(compiled) + tail
    with open(path, "w") as fh:
        fh.write(text)
    return path


class _Writer:
    def __init__(self):
        self.defs = []          # source blocks, in dependency order
        self.names = {}         # name -> object already defined
        self.imports = ["import math", "import numpy as _np", "import numpy as np"]

    def define(self, name, obj, user_globals=None):
        edge = getattr(obj, "__srcgrad_edge__", None)
        if edge is not None:    # a recursive call: write its shape-generic VJP
            try:
                obj = edge.shape_generic()
            except (SyntaxError, NotImplementedError) as err:
                raise ExportError("cannot write the recursive call %r: %s" % (name, err)) \
                    from None
        if name in self.names:
            if self.names[name] is not obj and not (isinstance(obj, types.ModuleType) and
                                                    self.names[name] is obj):
                raise ExportError("two different objects are both called %r" % name)
            return
        self.names[name] = obj
        if obj is runtime:
            return  # embedded separately
        if obj is np:
            self.imports.append("import numpy as %s" % name)
            return
        if obj is math:
            self.imports.append("import math as %s" % name)
            return
        if isinstance(obj, types.ModuleType):
            self.imports.append("import %s as %s" % (obj.__name__, name))
            return
        if compiled_of(obj) is not None:
            self.add_vjp(compiled_of(obj), name)
            return
        if inspect.isfunction(obj) and (getattr(obj, "__module__", None) or "").startswith("srcgrad."):
            self.add_library_function(name, obj)
            return
        text = _value_source(obj)
        if text is not None:
            self.defs.append("%s = %s\n" % (name, text))
            return
        if isinstance(obj, np.ufunc) or getattr(obj, "__module__", "") in ("numpy", "math"):
            mod = "_np" if isinstance(obj, np.ufunc) or obj.__module__ == "numpy" else "math"
            self.defs.append("%s = %s.%s\n" % (name, mod, obj.__name__))
            return
        mod = getattr(obj, "__module__", None)
        qual = getattr(obj, "__qualname__", None)
        if mod and qual and mod != "__main__" and "<" not in qual and "." not in qual and \
                getattr(sys.modules.get(mod), qual, None) is obj:
            self.imports.append("from %s import %s as %s" % (mod, qual, name))
            return
        raise ExportError("cannot write %r (the generated code's %r) into a standalone "
                          "module: define it at module level in an importable module, or "
                          "make it a literal" % (obj, name))

    def add_library_function(self, name, fn):
        """A rule or helper from srcgrad, with what it references."""
        for ref in sorted(_global_names(fn.__code__)):
            if ref in ("np", "runtime", "math") or hasattr(builtins, ref) or \
                    ref not in fn.__globals__:
                continue
            obj = fn.__globals__[ref]
            if inspect.isfunction(obj) and (obj.__module__ or "").startswith("srcgrad.") or \
                    _value_source(obj) is not None:     # a helper, or a constant (_COPY_MODES)
                self.define(ref, obj)
        src = inspect.getsource(fn)
        if fn.__name__ != name:
            src += "\n\n%s = %s\n" % (name, fn.__name__)
        self.defs.append(src)

    def add_vjp(self, compiled, name=None):
        code = compiled.fn.__code__
        src = compiled.source
        if getattr(compiled, "guards", ()):
            # a standalone module has nothing to rebind: drop the checks (each is
            # one ``_rt.unchanged(name, _name_compiled, 'name')`` line)
            src = re.sub(r"\n[ ]*\w+\.unchanged\([^\n]*\)(?=\n)", "", src)
        used = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", src))
        for bound_name, obj in sorted(compiled.bound.items()):
            if bound_name in used:      # (a nested def's primal is bound, its VJP is used)
                self.define(bound_name, obj)
        if getattr(compiled, "guards", ()):   # the names the code reads without them
            code = compile(src, compiled.fn.__code__.co_filename, "exec")
        for ref in _global_names(code):
            if ref in self.names or hasattr(builtins, ref) or ref == compiled.fn.__name__:
                continue
            if ref not in compiled.user_globals:
                raise ExportError("the generated code reads %r, which is not defined" % ref)
            self.define(ref, compiled.user_globals[ref])
        if name and name != compiled.fn.__name__:
            src += "\n\n%s = %s\n" % (name, compiled.fn.__name__)
        self.defs.append(src)

    def render(self, compiled):
        head = '"""Gradient code exported by srcgrad (needs only NumPy).\n\n%s"""\n\n' % (
            compiled.module_source.splitlines()[0].lstrip("# ") + "\n")
        rt_src = _runtime_source()
        embed = ("import types as _types\n_rt = _types.ModuleType('_rt')\n"
                 "exec(compile(%r, '<srcgrad runtime>', 'exec'), _rt.__dict__)\n"
                 "runtime = _rt\n" % rt_src)
        imports = "\n".join(dict.fromkeys(self.imports))
        return head + imports + "\n\n" + embed + "\n\n" + "\n\n".join(self.defs)


def _runtime_source():
    """srcgrad.runtime as the text of one module: its modules in dependency
    order (``runtime.MODULES``), without the lines that import one module's
    names into another (they share one namespace here)."""
    parts = []
    for name in runtime.MODULES:
        src = inspect.getsource(importlib.import_module("srcgrad.runtime." + name))
        parts.append(_SIBLING_IMPORT.sub("", src))
    return "\n\n".join(parts)


#: ``from .trees import add, float_dtype`` (or parenthesised over several lines)
_SIBLING_IMPORT = re.compile(r"^from \.\w+ import (\([^)]*\)|[^\n]*)\n", re.M)


def _value_source(obj):
    """Python source that rebuilds ``obj`` (a number, string, tuple/list/dict
    of them, a NumPy scalar or a numeric ndarray, non-finite values included),
    or ``None`` if it is not such a value."""
    if obj is None or isinstance(obj, (bool, str, bytes)):
        return repr(obj)
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind not in "biufc":
            return None
        return "_np.array(%s, dtype=_np.%s).reshape(%r)" % (
            _value_source(obj.tolist()), obj.dtype.name, obj.shape)
    if isinstance(obj, np.generic):
        if obj.dtype.kind not in "biufc":
            return None
        kind = "bool_" if obj.dtype.kind == "b" else obj.dtype.name
        return "_np.%s(%s)" % (kind, _value_source(obj.item()))
    if isinstance(obj, int):
        return repr(int(obj))
    if isinstance(obj, float):
        value = float(obj)
        return repr(value) if math.isfinite(value) else "float(%r)" % repr(value)
    if isinstance(obj, complex):
        return "complex(%s, %s)" % (_value_source(obj.real), _value_source(obj.imag))
    if type(obj) in (tuple, list):
        items = [_value_source(v) for v in obj]
        if any(i is None for i in items):
            return None
        if type(obj) is tuple:
            return "(%s)" % "".join(i + ", " for i in items)
        return "[%s]" % ", ".join(items)
    if type(obj) is dict:
        items = [(_value_source(k), _value_source(v)) for k, v in obj.items()]
        if any(k is None or v is None for k, v in items):
            return None
        return "{%s}" % ", ".join("%s: %s" % kv for kv in items)
    if isinstance(obj, np.dtype):
        return "_np.dtype(%r)" % obj.str
    return None


def _global_names(code):
    """Names a code object (and the functions nested in it) reads as globals."""
    names = {ins.argval for ins in dis.get_instructions(code)
             if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names
