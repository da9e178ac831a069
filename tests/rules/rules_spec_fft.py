"""Spec rows of ``np.fft`` (srcgrad/rules/fft.py): every function, each
keyword form (``n``/``s`` padding and truncation, ``axis``/``axes``, the three
norms), real and complex inputs.  Imported by rules_spec."""

import numpy as np

from rules_checker import C

F = np.fft
NORMS = ("backward", "ortho", "forward")


def cplx(shape):
    """A complex argument of ``shape``."""
    return lambda rng: rng.uniform(-2.0, 2.0, shape) + 1j * rng.uniform(-2.0, 2.0, shape)


def _last2(fn):
    """``axes`` for a row giving ``s``: the default of the 2-D functions;
    spelled out for the n-D ones (NumPy 2 deprecates ``s`` without ``axes``)."""
    return (-2, -1) if fn.__name__.endswith("2") else (1, 2)


def rows(Row):
    out = []
    for fn in (F.fft, F.ifft):
        out += [
            Row(fn, [((6,),), ((3, 4),), (cplx((5,)),), (cplx((2, 3)),)]),
            Row(fn, [((3, 6), C(8), C(0)), ((3, 6), C(4)), (cplx((3, 6)), C(9), C(0)),
                     (cplx((3, 6)), C(5), C(-1))], tag="n-axis"),
        ]
        out += [Row(fn, [((3, 4),), (cplx((5,)),)], kw=dict(norm=nm), tag=nm) for nm in NORMS]
        out.append(Row(fn, [((4, 6),), (cplx((4, 6)),)], kw=dict(n=3, axis=0, norm="ortho"),
                       tag="n-axis-ortho"))
    for fn in (F.fftn, F.ifftn, F.fft2, F.ifft2):
        out += [
            Row(fn, [((3, 4),), ((2, 3, 4),), (cplx((3, 4)),), (cplx((2, 3, 4)),)]),
            Row(fn, [((3, 4, 5),), (cplx((3, 4, 5)),)], kw=dict(s=(2, 7), axes=_last2(fn)),
                tag="s"),
            Row(fn, [((3, 4, 5),), (cplx((3, 4, 5)),)], kw=dict(s=(5, 3), axes=(2, 0)),
                tag="s-axes"),
            Row(fn, [((3, 4, 5),), (cplx((3, 4, 5)),)], kw=dict(axes=(0, 1)), tag="axes"),
        ]
        out += [Row(fn, [((3, 4),), (cplx((2, 3, 4)),)], kw=dict(norm=nm), tag=nm)
                for nm in NORMS]
        out.append(Row(fn, [((3, 4, 5),), (cplx((3, 4, 5)),)],
                       kw=dict(s=(6, 2), axes=(1, 2), norm="ortho"), tag="s-axes-ortho"))
    out += [
        Row(F.rfft, [((6,),), ((7,),), ((3, 4),)]),
        Row(F.rfft, [((3, 6), C(9), C(0)), ((3, 6), C(4)), ((3, 7), C(7), C(-1))],
            tag="n-axis"),
        Row(F.rfft, [((4, 5),)], kw=dict(n=8, axis=0, norm="ortho"), tag="n-axis-ortho"),
        Row(F.irfft, [(cplx((5,)),), (cplx((3, 4)),), ((6,),)]),
        Row(F.irfft, [(cplx((4, 6)), C(7)), (cplx((4, 6)), C(15), C(0)), (cplx((4, 6)), C(4)),
                      (cplx((4, 6)), C(3), C(0)), ((4, 6), C(9))], tag="n-axis"),
        Row(F.irfft, [(cplx((4, 5)),)], kw=dict(n=5, axis=0, norm="ortho"), tag="n-axis-ortho"),
    ]
    for nm in NORMS:
        out += [Row(F.rfft, [((6,),), ((3, 7),)], kw=dict(norm=nm), tag=nm),
                Row(F.irfft, [(cplx((5,)),), (cplx((3, 4)),)], kw=dict(norm=nm), tag=nm)]
    for fn in (F.rfftn, F.rfft2):
        out += [
            Row(fn, [((3, 4),), ((2, 3, 5),)]),
            Row(fn, [((3, 4, 5),)], kw=dict(s=(2, 7), axes=_last2(fn)), tag="s"),
            Row(fn, [((3, 4, 5),)], kw=dict(s=(6, 3), axes=(2, 0)), tag="s-axes"),
            Row(fn, [((3, 4, 5),)], kw=dict(axes=(1, 0)), tag="axes"),
        ]
        out += [Row(fn, [((3, 4),), ((2, 3, 5),)], kw=dict(norm=nm), tag=nm) for nm in NORMS]
    for fn in (F.irfftn, F.irfft2):
        out += [
            Row(fn, [(cplx((3, 4)),), (cplx((2, 3, 5)),), ((3, 4),)]),
            Row(fn, [(cplx((3, 4, 5)),)], kw=dict(s=(2, 7), axes=_last2(fn)), tag="s"),
            Row(fn, [(cplx((3, 4, 5)),)], kw=dict(s=(4, 6), axes=_last2(fn)), tag="s-even"),
            Row(fn, [(cplx((3, 4, 5)),)], kw=dict(s=(6, 3), axes=(2, 0)), tag="s-axes"),
            Row(fn, [(cplx((3, 4, 5)),)], kw=dict(axes=(1, 0)), tag="axes"),
        ]
        out += [Row(fn, [(cplx((3, 4)),), (cplx((2, 3, 5)),)], kw=dict(norm=nm), tag=nm)
                for nm in NORMS]
    out += [
        Row(F.hfft, [(cplx((5,)),), (cplx((3, 4)),), ((6,),)]),
        Row(F.hfft, [(cplx((4, 6)), C(7)), (cplx((4, 6)), C(15), C(0)), (cplx((4, 6)), C(4))],
            tag="n-axis"),
        Row(F.ihfft, [((6,),), ((7,),), ((3, 4),)]),
        Row(F.ihfft, [((3, 6), C(9), C(0)), ((3, 6), C(4))], tag="n-axis"),
    ]
    for nm in NORMS:
        out += [Row(F.hfft, [(cplx((5,)),), (cplx((3, 4)),)], kw=dict(norm=nm), tag=nm),
                Row(F.ihfft, [((6,),), ((3, 7),)], kw=dict(norm=nm), tag=nm)]
    for fn in (F.fftshift, F.ifftshift):
        out += [
            Row(fn, [((6,),), ((3, 5),), (cplx((3, 4)),)]),
            Row(fn, [((3, 5), C(1)), ((3, 5, 2), C((0, 2))), (cplx((3, 5)), C(0))], tag="axes"),
        ]
    return out
