"""The tensor convolution of autograd's ``scipy.signal.convolve(A, B, axes,
dot_axes, mode)``, written for the harness in plain NumPy (SciPy has no
equivalent): convolve ``A`` and ``B`` along ``axes`` (a pair of axis lists),
sum over ``dot_axes`` (a pair of axis lists), and keep every other axis.
The output's axes are A's kept axes, B's kept axes, then the convolved ones;
``mode`` is ``"full"``, ``"valid"`` or ``"same"``."""

import numpy as np


def _check_mode(mode):
    if mode != "valid":
        raise ValueError("mode must be 'full', 'valid' or 'same', got %r" % (mode,))


def _order(ndim, conv, dot):
    keep = [i for i in range(ndim) if i not in conv and i not in dot]
    return keep, list(dot), list(conv)


def tensor_convolve(A, B, axes=None, dot_axes=((), ()), mode="full"):
    if axes is None:
        axes = (list(range(np.ndim(A))), list(range(np.ndim(B))))
    conv_a, conv_b = axes
    keep_a, dot_a, conv_a = _order(A.ndim, list(conv_a), list(dot_axes[0]))
    keep_b, dot_b, conv_b = _order(B.ndim, list(conv_b), list(dot_axes[1]))
    kept_a = [A.shape[i] for i in keep_a]
    kept_b = [B.shape[i] for i in keep_b]
    dot_size = int(np.prod([A.shape[i] for i in dot_a]))
    a = np.transpose(A, keep_a + dot_a + conv_a)
    a = np.reshape(a, (int(np.prod(kept_a)), dot_size) + a.shape[len(keep_a) + len(dot_a):])
    b = np.transpose(B, keep_b + dot_b + conv_b)
    b = np.reshape(b, (int(np.prod(kept_b)), dot_size) + b.shape[len(keep_b) + len(dot_b):])
    ksize = b.shape[2:]
    if mode == "valid" and any(k > n for k, n in zip(ksize, a.shape[2:])):
        # convolution commutes: B slides over A; the kept axes keep A's-then-B's order
        out = tensor_convolve(B, A, (conv_b, conv_a), (dot_b, dot_a), mode)
        nb, na = len(kept_b), len(kept_a)
        order = list(range(nb, nb + na)) + list(range(nb)) + \
            list(range(nb + na, out.ndim))
        return np.transpose(out, order)
    in_size = a.shape[2:]
    if mode in ("full", "same"):
        pads = [(0, 0), (0, 0)] + [(k - 1, k - 1) for k in ksize]
        a = np.pad(a, pads)
    else:
        _check_mode(mode)   # a helper, so the differentiated code holds no `raise`
    out_size = tuple(n - k + 1 for n, k in zip(a.shape[2:], ksize))
    b = b[(slice(None), slice(None)) + (slice(None, None, -1),) * len(ksize)]  # flip: convolution
    out = np.zeros((a.shape[0], b.shape[0]) + out_size)
    for offset in np.ndindex(*ksize):
        window = a[(slice(None), slice(None)) +
                   tuple(slice(o, o + n) for o, n in zip(offset, out_size))]
        tap = b[(slice(None), slice(None)) + offset]          # (kept_b, dot)
        out = out + np.moveaxis(np.tensordot(window, tap, axes=([1], [1])), -1, 1)
    if mode == "same":   # the centre of the full result, as large as A (SciPy's 'same')
        starts = [(k - 1) // 2 for k in ksize]
        out = out[(slice(None), slice(None)) +
                  tuple(slice(s0, s0 + n) for s0, n in zip(starts, in_size))]
        out_size = tuple(in_size)
    return np.reshape(out, tuple(kept_a) + tuple(kept_b) + out_size)
