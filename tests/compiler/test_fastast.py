"""The faster tree utilities (issue 13) against the gast / ast originals they
replace, on real source (srcgrad's own modules and the test corpus): the
same trees, the same walks, the same printed source."""

import ast
import copy
import glob
import os

import astor
import gast
import pytest

from srcgrad.compiler.backends.to_ast import to_ast
from srcgrad.compiler.frontend.to_gast import parse
from srcgrad.compiler.ir.fastast import Transformer, names, walk
from srcgrad.compiler.transforms.inline import clone, substitute

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FILES = sorted(glob.glob(os.path.join(ROOT, "srcgrad", "compiler", "*", "*.py")))[:12] + \
    sorted(glob.glob(os.path.join(ROOT, "tests", "compiler", "corpus", "*.py")))[:4]


def _source(path):
    with open(path) as fh:
        return fh.read()


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_parse_is_gast_parse(path):
    text = _source(path)
    assert gast.dump(parse(text), include_attributes=True) == \
        gast.dump(gast.parse(text), include_attributes=True)


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_to_ast_prints_as_gast_to_ast(path):
    tree = gast.parse(_source(path))
    mine, theirs = to_ast(copy.deepcopy(tree)), gast.gast_to_ast(tree)
    assert ast.dump(mine) == ast.dump(theirs)
    assert astor.to_source(mine) == astor.to_source(theirs)


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_walk_is_gast_walk(path):
    tree = gast.parse(_source(path))
    assert [id(n) for n in walk(tree)] == [id(n) for n in gast.walk(tree)]
    assert names(tree) == [n.id for n in gast.walk(tree)
                           if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)]


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_clone_is_deepcopy(path):
    tree = gast.parse(_source(path))
    for stmt in tree.body:
        stmt.user_line = 7            # extra attributes travel too
    copied = clone(tree)
    assert gast.dump(copied, include_attributes=True) == \
        gast.dump(copy.deepcopy(tree), include_attributes=True)
    assert all(c.user_line == 7 for c in copied.body)
    originals = {id(n) for n in gast.walk(tree)}
    assert not any(id(n) in originals for n in gast.walk(copied))   # nothing shared


class _Mine(Transformer):
    def visit_Name(self, node):
        if node.id.startswith("_"):
            return gast.Name(id="renamed", ctx=node.ctx, annotation=None, type_comment=None)
        return node

    def visit_Pass(self, node):
        return None                    # removed from its list

    def visit_Expr(self, node):
        self.generic_visit(node)
        return [node, gast.Pass()] if isinstance(node.value, gast.Constant) else node


class _Theirs(gast.NodeTransformer):
    visit_Name = _Mine.visit_Name
    visit_Pass = _Mine.visit_Pass
    visit_Expr = _Mine.visit_Expr


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_transformer_is_node_transformer(path):
    tree = gast.parse(_source(path))
    assert gast.dump(_Mine().visit(copy.deepcopy(tree))) == gast.dump(_Theirs().visit(tree))


def test_substitute_copies_each_replacement():
    expr = gast.parse("g * np.cos(x) + x").body[0].value
    y = gast.parse("y[0]").body[0].value
    out = substitute(expr, {"x": y, "g": gast.parse("h").body[0].value})
    assert astor.to_source(gast.gast_to_ast(out)).strip() == "(h * np.cos(y[0]) + y[0])"
    subs = [n for n in gast.walk(out) if isinstance(n, gast.Subscript)]
    assert len(subs) == 2 and subs[0] is not subs[1] and y not in subs
    assert astor.to_source(gast.gast_to_ast(expr)).strip() == "(g * np.cos(x) + x)"  # untouched
