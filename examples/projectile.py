"""Physics: aim a cannon through a simulation with a ``while`` loop.

A projectile with quadratic air drag is stepped forward in time (semi-implicit
Euler) *until it lands* -- a ``while`` loop whose number of iterations depends
on the launch angle.  The landing point is interpolated between the last two
steps, so the distance is a smooth function of the angle.  ``srcgrad.grad``
compiles the simulation into its adjoint (the loop is reversed, its iterations
counted and replayed backwards) and we solve for the launch angle that lands
on a target 45 m away with a few Newton steps on ``distance(angle) - target``.
The gradient is checked against central finite differences.

    python examples/projectile.py            # prints the numbers below
    python examples/projectile.py --plot     # also writes projectile.png (matplotlib)

Expected output (the last digits may vary with the platform's libm)::

    d distance / d angle at 0.300 rad: 86.6647 (finite differences 86.6647, relative error 1e-10)
    step 0   angle 0.30000 rad   distance 38.6947 m
    step 1   angle 0.37276 rad   distance 44.3389 m
    step 2   angle 0.38232 rad   distance 44.9896 m
    step 3   angle 0.38247 rad   distance 45.0000 m
    landed at 45.0000 m (target 45.0 m) with angle 0.38247 rad = 21.91 degrees
"""

import argparse

import numpy as np

import srcgrad

SPEED = 30.0       # launch speed, m/s
DRAG = 0.01        # quadratic drag coefficient per unit mass, 1/m
G = 9.81
DT = 0.01


def distance(angle):
    """Horizontal distance travelled before the projectile comes back to the
    ground, for a launch at ``angle`` (radians) from the origin."""
    x, y = 0.0, 0.0
    vx, vy = SPEED * np.cos(angle), SPEED * np.sin(angle)
    x_prev, y_prev = x, y
    while y >= 0.0:
        x_prev, y_prev = x, y
        speed = np.sqrt(vx * vx + vy * vy)
        vx = vx - DT * DRAG * speed * vx
        vy = vy - DT * (G + DRAG * speed * vy)
        x = x + DT * vx
        y = y + DT * vy
    # interpolate to y = 0 between the last point above ground and the first below
    return x_prev + (x - x_prev) * y_prev / (y_prev - y)


d_distance = srcgrad.value_and_grad(distance, mode="compile")


def trajectory(angle):
    """The points of the flight, for the picture (plain Python, not differentiated)."""
    x, y, vx, vy = 0.0, 0.0, SPEED * np.cos(angle), SPEED * np.sin(angle)
    xs, ys = [x], [y]
    while y >= 0.0:
        speed = np.hypot(vx, vy)
        vx -= DT * DRAG * speed * vx
        vy -= DT * (G + DRAG * speed * vy)
        x, y = x + DT * vx, y + DT * vy
        xs.append(x)
        ys.append(y)
    return xs, ys


def aim(target, angle=0.3, steps=4):
    """Newton's method on distance(angle) - target; the slope comes from srcgrad."""
    history = []
    for step in range(steps):
        d, slope = d_distance(angle)
        history.append((angle, d))
        print("step %d   angle %.5f rad   distance %.4f m" % (step, angle, d))
        angle = angle - (d - target) / slope
    return angle, history


def check_gradient(angle, eps=1e-6):
    _, slope = d_distance(angle)
    numeric = (distance(angle + eps) - distance(angle - eps)) / (2 * eps)
    error = abs(slope - numeric) / abs(numeric)
    print("d distance / d angle at %.3f rad: %.4f (finite differences %.4f, relative error %.0e)"
          % (angle, slope, numeric, error))
    return error


def plot(history, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for angle, _ in history:
        ax.plot(*trajectory(angle), label="%.3f rad" % angle)
    ax.axvline(TARGET, color="k", linestyle=":", label="target")
    ax.set_xlabel("x (m)")
    ax.set_ylabel("height (m)")
    ax.set_ylim(bottom=0.0)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


TARGET = 45.0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plot", nargs="?", const="projectile.png", default=None,
                        metavar="PNG", help="write a picture of the trajectories")
    args = parser.parse_args(argv)
    check_gradient(0.3)
    angle, history = aim(TARGET)
    landed = distance(angle)
    print("landed at %.4f m (target %.1f m) with angle %.5f rad = %.2f degrees"
          % (landed, TARGET, angle, np.degrees(angle)))
    if args.plot and plot(history, args.plot):
        print("wrote", args.plot)


if __name__ == "__main__":
    main()
