"""The derivative transforms: reverse (adjoint) and forward (tangent) mode, and what they share: rule inlining, dynamic call sites, recursion."""
