"""Helpers called by generated code, by the tape and by rules.

Small, fast and free of srcgrad imports: generated code imports this package as
``_rt`` and calls the names re-exported here (``_rt.unbroadcast``,
``_rt.zeros_like``, ...).  Broadcasting is undone here and nowhere else.  One
module per concern:

- :mod:`.broadcast`  -- undo / redo NumPy broadcasting (``unbroadcast``, ``expand_reduced``);
- :mod:`.complex`    -- the complex convention (``conj``, ``real_cotangent``, ``real_only``);
- :mod:`.closures`   -- ``Closure`` and ``CallSite`` (callables as values);
- :mod:`.objects`    -- user objects as trees (``object_fields``, ``map_fields``);
- :mod:`.trees`      -- cotangents of trees (``zeros_like``, ``add``, ``to_kind``, ...);
- :mod:`.indexing`   -- subscript plumbing (``snapshot`` / ``restore``, ``owned``, ``add_at``,
  ``scatter_rows`` / ``scatter_index``: the lazy scatter-add on a duck cotangent);
- :mod:`.shapes`     -- shape helpers for rules (``unconcatenate``, ``unstack_like``, ...);
- :mod:`.products`   -- einsum subscripts, of einsum calls and of dot / matmul / tensordot;
- :mod:`.special`    -- ``digamma``;
- :mod:`.pybuiltins` -- ``sorted`` / ``min`` / ``max`` with ``key=``, ``zip``;
- :mod:`.guards`     -- run-time checks in generated code (``unchanged``, ``once``);
- :mod:`.seeds`      -- the checked seed ``1.0`` of a fused gradient function (``seed``);
- :mod:`.forward`    -- forward mode's plumbing (``tangent_like``, ``tangents_like``);
- :mod:`.duck`       -- duck arrays (Dask, CuPy): ``is_duck``, ``known_shape``, ``as_array``,
  ``known_lengths``, ``user_line`` (a run-time refusal names the user's line).

The adjoints of mutations (``y[i] = v``, ``lst.append(v)``) are derivative
formulas, so they are rules: srcgrad/rules/mutation.py, which generated code
reaches by name like any rule that is not inlined; so are the cotangents of
products and einsum (srcgrad/rules/contractions.py) and of extrema, sorts
and ``item`` (srcgrad/rules/selection.py).  The runtime keeps the
plumbing around them (``snapshot`` / ``restore``, ``owned``, ``add_at``).

Two hooks are installed from above at import time, so the runtime never
imports the compiler: ``closures.DYNAMIC_CALL`` and ``trees.GETTER_VJP``
(srcgrad.compiler.transforms.dynamic sets them on those modules, where they are read).

The package is also embedded *flat* in exported modules (srcgrad.export
concatenates the modules of :data:`MODULES`, in that order, into one
namespace, dropping the ``from .x import y`` lines).  So: every name is unique
across the package, a module imports a sibling's names only by a top-level
``from .sibling import name`` line, and :data:`MODULES` lists a module after
those it imports from.
"""

from .duck import (is_duck, is_duck_type, known_shape, known_lengths, user_line, array_size,
                   reduced_count, as_array, numpy_semantics_only)
from .broadcast import unbroadcast, unbroadcast_shape, expand_reduced
from .complex import conj, real_cotangent, is_complex, complex_inputs, real_only
from .closures import Closure, CallSite
from .objects import object_fields, map_fields, rebuild_object, _holds_gradient
from .trees import (float_dtype, zeros_like, ones_like_float, add, to_kind, field_cotangent,
                    container_cotangent, copy_value, slots, filled)
from .indexing import (as_index, MISSING, snapshot, restore, owned, add_at, scatter_rows,
                       scatter_index)
from .shapes import atleast_cotangent, unconcatenate, unstack_like
from .products import (einsum_terms, einsum_sublists, dot_subscripts, matmul_subscripts,
                       tensordot_subscripts, inner_subscripts)
from .special import digamma
from .pybuiltins import key_order, key_pick, zip_pulls
from .guards import Rebound, unchanged, once, suppressed
from .seeds import SeedError, seed, reduced_seed, seed_if_float64
from .forward import tangent_like, tangents_like, TangentError, tangent_code, constant

__all__ = ["unbroadcast", "unbroadcast_shape", "add", "zeros_like", "expand_reduced",
           "ones_like_float", "to_kind", "float_dtype", "conj", "real_cotangent"]

#: the package's modules, each after those it imports from (srcgrad.export
#: embeds them flat, in this order)
MODULES = ("duck", "broadcast", "complex", "closures", "objects", "trees", "indexing", "shapes",
           "products", "special", "pybuiltins", "guards", "seeds", "forward")
