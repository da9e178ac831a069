"""The import boundaries of docs/design.md, kept true.

- ``rules`` never imports an engine (``compiler``, ``tape``) nor anything above
  them: a rule is plain NumPy, so both engines can use it;
- ``runtime`` imports nothing of srcgrad outside itself at module import time:
  generated code, rules and the tape all stand on it;
- ``compiler`` and ``tape`` never import each other; the modules that import
  both are the named seams below, each with its reason.

Checked statically (every ``import`` statement of every module, at any depth)
and, for the two bottom layers, by importing them in a fresh interpreter where
the ``srcgrad`` package is a bare namespace (so its ``__init__`` does not
import everything first).  Also here: the runtime package's own conventions
(generated code finds every helper it calls, and export can embed the package).
"""

import ast
import os
import re
import subprocess
import sys

import pytest

import srcgrad
from srcgrad import runtime

PACKAGE = os.path.dirname(os.path.abspath(srcgrad.__file__))
ROOT = os.path.dirname(PACKAGE)

#: Modules that import both engines, and why.
SEAMS = {
    "srcgrad.api": "mode='tape' and the whole-function fallback of mode='auto' run tape_vjp",
    "srcgrad.bridge": "installs the compiler's SPECIAL_VJP / FALLBACK_VJP hooks (custom "
                      "gradients, mixed mode) and srcgrad.compiled (compiled code as a tape node)",
    "srcgrad.forward": "jvp's mode='tape' and the fallback of mode='auto' run the tape's "
                       "forward mode (double backward), as api does for grad",
    "srcgrad.bridge_forward": "installs the compiler's SPECIAL_JVP / FALLBACK_JVP hooks "
                              "(custom_jvp, the tape's forward mode for a callee)",
}

#: Imports between the engines inside their own packages, and why (none today:
#: every crossing goes through a seam above).
ENGINE_CROSSINGS = {}

ENGINES = ("compiler", "tape")
ABOVE_RULES = ENGINES + ("api", "bridge", "export", "torch", "testing",
                         "checks", "__main__", "")  # "": the srcgrad package itself


def _modules():
    for folder, _, files in os.walk(PACKAGE):
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
                yield (rel[:-len(".__init__")] if rel.endswith(".__init__") else rel), path


def _imports(module, path):
    """``(layer, top_level)`` for each import of a srcgrad module in ``path``;
    the layer is the part of srcgrad it reaches (``"rules"``, ``"tape"``,
    ``""`` for the package itself)."""
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    top = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1])
                base = base + "." + node.module if node.module else base
            else:
                base = node.module or ""
            # ``from .. import rules``: each name may be a module
            targets = [base + "." + a.name for a in node.names] if not node.module \
                else [base]
        else:
            continue
        for target in targets:
            parts = target.split(".")
            if parts[0] == "srcgrad":
                yield (parts[1] if len(parts) > 1 else ""), id(node) in top


def _layer(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


MODULES = dict(_modules())


def _reaching(layer, top_only=False):
    """``{module: layers it imports}`` for the modules of ``layer``."""
    out = {}
    for module, path in MODULES.items():
        if _layer(module) != layer:
            continue
        out[module] = {to for to, top in _imports(module, path)
                       if to != layer and (top or not top_only)}
    return out


def test_the_scan_sees_the_imports_we_know():
    """The static scan itself: known imports are found (so an empty result
    below means no import, not a blind scanner)."""
    assert _reaching("rules")["srcgrad.rules.mutation"] == {"runtime"}
    assert {"api", "tape", "rules"} <= _reaching("")["srcgrad"]
    assert "tape" in _reaching("bridge")["srcgrad.bridge"]
    assert "rules" in _reaching("compiler")["srcgrad.compiler.transforms.reverse"]
    assert len([m for m in MODULES if _layer(m) == "runtime"]) == len(runtime.MODULES) + 1


def test_rules_never_import_an_engine():
    bad = {m: sorted(to & set(ABOVE_RULES)) for m, to in _reaching("rules").items()
           if to & set(ABOVE_RULES)}
    assert not bad, "rules must import only numpy and srcgrad.runtime: %s" % bad


def test_runtime_imports_nothing_of_srcgrad_at_import_time():
    bad = {m: sorted(to) for m, to in _reaching("runtime", top_only=True).items() if to}
    assert not bad, "srcgrad.runtime must stand alone: %s" % bad


def test_compiler_and_tape_meet_only_at_the_named_seams():
    for engine, other in (ENGINES, ENGINES[::-1]):
        crossing = {m for m, to in _reaching(engine).items() if other in to}
        assert crossing == {m for m, o in ENGINE_CROSSINGS if o == other}, \
            "%s imports %s outside the seams: %s" % (engine, other, sorted(crossing))
    both = {m for m, path in MODULES.items() if _layer(m) not in ENGINES and
            set(ENGINES) <= {to for to, _ in _imports(m, path)}}
    assert both == set(SEAMS), "modules importing both engines: %s (named seams: %s)" % (
        sorted(both), sorted(SEAMS))


_BARE_IMPORT = """
import importlib, sys, types
pkg = types.ModuleType("srcgrad")
pkg.__path__ = [%r]
sys.modules["srcgrad"] = pkg
importlib.import_module(%r)
print(" ".join(sorted(m for m in sys.modules if m.startswith("srcgrad."))))
"""


@pytest.mark.parametrize("layer,allowed", [("runtime", {"runtime"}),
                                           ("rules", {"rules", "runtime"})])
def test_importing_a_bottom_layer_loads_nothing_above_it(layer, allowed):
    """In a fresh interpreter, importing ``srcgrad.<layer>`` (without
    srcgrad/__init__.py) loads no srcgrad module outside ``allowed``."""
    proc = subprocess.run([sys.executable, "-c", _BARE_IMPORT % (PACKAGE, "srcgrad." + layer)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    loaded = {m.split(".")[1] for m in proc.stdout.split()}
    assert layer in loaded and loaded <= allowed, loaded


def test_hooks_installed_from_above_reach_the_modules_that_read_them():
    """The runtime and the compiler's pipeline call upward only through hooks
    set at import time by the layer above (so neither imports it)."""
    from srcgrad.compiler import pipeline
    from srcgrad.compiler.transforms import dynamic
    assert runtime.closures.DYNAMIC_CALL is dynamic.dispatch
    assert runtime.trees.GETTER_VJP is dynamic.getter_vjp
    assert pipeline.SPECIAL_VJP is not None and pipeline.FALLBACK_VJP is not None


# ------------------------------------------------ the runtime package itself

_RUNTIME_CALLS = re.compile(
    r"""(?:attr\((?:rt|[\w.]+\.runtime\(\)), |_attr\(rt, |\.runtime\()"(\w+)"\)?""")


def test_generated_code_finds_every_runtime_helper_it_calls():
    """Each ``_rt.<name>`` the compiler writes is a name of srcgrad.runtime."""
    names = set()
    for module, path in MODULES.items():
        if _layer(module) == "compiler":
            names |= set(_RUNTIME_CALLS.findall(open(path, encoding="utf-8").read()))
    assert {"unbroadcast", "zeros_like", "snapshot", "restore", "once", "key_order"} <= names
    missing = sorted(n for n in names if not hasattr(runtime, n))
    assert not missing, missing


def test_runtime_modules_can_be_embedded_flat():
    """srcgrad.export embeds the modules of ``runtime.MODULES``, in order, as
    one namespace: every module is listed, after the modules it imports from,
    imports them only with top-level ``from .module import name`` lines, and
    no name is defined twice."""
    on_disk = sorted(m.rpartition(".")[2] for m in MODULES
                     if _layer(m) == "runtime" and m != "srcgrad.runtime")
    assert sorted(runtime.MODULES) == on_disk
    defined = {}
    for k, name in enumerate(runtime.MODULES):
        path = MODULES["srcgrad.runtime." + name]
        tree = ast.parse(open(path, encoding="utf-8").read())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node in tree.body and node.level == 1 and node.module, \
                    "%s: import siblings as 'from .module import name' at the top" % name
                assert node.module in runtime.MODULES[:k], \
                    "%s imports %s, listed after it in runtime.MODULES" % (name, node.module)
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                new = [node.name]
            elif isinstance(node, ast.Assign):
                new = [t.id for t in node.targets if isinstance(t, ast.Name)]
            else:
                continue
            for n in new:
                assert n not in defined, "%s defined in %s and %s" % (n, defined[n], name)
                defined[n] = name
