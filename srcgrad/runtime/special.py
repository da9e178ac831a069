"""Special functions NumPy does not have, for the rules of ``math`` functions
(``math.lgamma``'s derivative is :func:`digamma`).
"""



def digamma(x):
    """The digamma function psi = (log Gamma)' for a real scalar ``x``
    (recurrence up to x >= 10, then the asymptotic series; reflection for x < 0).

    >>> round(digamma(1.0), 12)
    -0.577215664902
    """
    import math
    x = float(x)
    if x <= 0 and x == math.floor(x):
        return math.nan
    if x < 0:
        return digamma(1.0 - x) - math.pi / math.tan(math.pi * x)
    acc = 0.0
    while x < 10.0:
        acc -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    series = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132)))))
    return acc + math.log(x) - 0.5 / x - series
