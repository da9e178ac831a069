"""srcgrad's benchmark suite: one command, every case, every contender side by side.

Contenders: hand-written NumPy backward code (the reference: every ratio is to
it), srcgrad compiled (``value_and_grad``, ``mode="compile"``), srcgrad's tape
(``tape_vjp`` on the same NumPy function), HIPS autograd, torch (CPU, eager,
float64) and ``jax.jit(jax.value_and_grad)``; peers that are not installed are
skipped.  Every contender's value and gradient are checked against the
hand-written ones before anything is timed; one that disagrees is reported as
WRONG, not timed, and the run exits with status 1.  Repeats are interleaved
(each repeat times every contender once, in turn) and medians reported.

    python benchmarks/run.py                   # all cases; writes docs/benchmarks.{md,png}
    python benchmarks/run.py --quick --only rnn
    python benchmarks/run.py --json

Cases: mlp64, sinloop, rnn, mlp512, logreg, fall, transform, overhead, tape_ops, hvp,
hessian, ptree_net, ptree_layers.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)


def _threads(argv):
    """``--threads N`` (default 1), read before NumPy is imported: BLAS reads
    its thread count once, when it loads."""
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            return int(argv[i + 1])
        if arg.startswith("--threads="):
            return int(arg.split("=", 1)[1])
    return 1


THREADS = _threads(sys.argv[1:]) if __name__ == "__main__" else 0
if THREADS > 0:
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_var] = str(THREADS)

import numpy as np  # noqa: E402

from cases import CASES, load  # noqa: E402
from harness import COMPILED, HAND, JAX, NUMBA, ORDER, TORCH  # noqa: E402

DOCS = os.path.join(ROOT, "docs")
README = os.path.join(ROOT, "README.md")
README_START = "<!-- benchmarks:start (written by benchmarks/run.py) -->"
README_END = "<!-- benchmarks:end -->"

# The targets of issue 6: (case, measure, limit, how it is read off a result).
RATIO_CASES = {"mlp64": 1.2, "sinloop": 1.5, "rnn": 1.2, "mlp512": 1.2, "logreg": 1.2}
TRANSFORM_MS = 20.0
#: issue 13: transform time of a generated function of this many statements
TRANSFORM_CURVE_TARGETS = {1000: 500.0}   # statements -> ms
OVERHEAD_US = 2.0
#: issue 13: the Numba backend at or below jax.jit(grad)'s time on these cases
NUMBA_VS_JAX_CASES = ("sinloop", "rnn")
# The target of issue 13: the cached call's overhead with this many array arguments.
OVERHEAD_ARRAYS, OVERHEAD_ARRAYS_US = 5, 1.0
MEMORY_RATIO = 1.2
# The targets of issue 13 (parameter trees): the list-of-(W, b) net within this ratio of
# hand-written code and at or below jax.jit(grad); the per-layer ratio at the deepest net
# within this factor of the shallowest (the cost grows linearly with the layers).
PTREE_NET_RATIO, PTREE_GROWTH = 1.15, 1.25


class Settings:
    def __init__(self, repeats, sample, quick):
        self.repeats, self.sample, self.quick = repeats, sample, quick


# ------------------------------------------------------------------ machine

def _cpu_model():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas():
    out = []
    try:
        import threadpoolctl
        for d in threadpoolctl.threadpool_info():
            out.append("%s %s (%s, %s threads)" % (d.get("internal_api"), d.get("version"),
                                                  d.get("architecture"), d.get("num_threads")))
        return out
    except ImportError:
        pass
    try:
        deps = np.show_config(mode="dicts").get("Build Dependencies", {})
        blas = deps.get("blas", {})
        text = "%s %s" % (blas.get("name"), blas.get("version"))
        conf = blas.get("openblas configuration")
        if conf:
            text += " (%s)" % conf
        out.append(text)
    except Exception:
        pass
    return out


def _version(dist):
    try:
        from importlib.metadata import version
        return version(dist)
    except Exception:
        return None


def _git():
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "srcgrad"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return head + (" (srcgrad/ modified in the working tree)" if dirty else "")
    except Exception:
        return None


def _load():
    try:
        with open("/proc/loadavg") as fh:
            return " ".join(fh.read().split()[:3])
    except OSError:
        return None


def environment():
    info = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "cpu": _cpu_model(), "logical_cpus": os.cpu_count(),
            "machine": platform.machine(), "os": platform.platform(terse=True),
            "python": platform.python_version(), "numpy": np.__version__, "blas": _blas(),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
            "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
            "srcgrad_commit": _git(), "autograd": _version("autograd")}
    info["threads"] = THREADS or "library defaults"
    info["load_average"] = _load()
    try:
        import torch
        if THREADS > 0:
            torch.set_num_threads(THREADS)
        info["torch"] = "%s (threads: %d)" % (torch.__version__, torch.get_num_threads())
    except ImportError:
        info["torch"] = None
    try:
        import jax
        info["jax"] = "%s (%s)" % (jax.__version__, jax.default_backend())
    except ImportError:
        info["jax"] = None
    return info


# ------------------------------------------------------------------ running

def run_cases(keys, settings, log):
    from srcgrad.progress import progress   # a bar over the cases on a terminal, with tqdm
    results = []
    for key in progress(keys, "benchmarks", label=lambda k: k):
        letter = CASES[key][0]
        log("(%s) %s ..." % (letter, key))
        start = time.perf_counter()
        try:
            res = load(key)(settings)
        except (Exception, SystemExit) as err:
            res = {"key": key, "title": key, "rows": [], "skipped": {}, "wrong": [],
                   "notes": [], "unit": "us",
                   "error": "%s: %s" % (type(err).__name__, err)}
            log(traceback.format_exc())
        res["letter"] = letter
        res["wall_seconds"] = time.perf_counter() - start
        log("    done in %.1f s" % res["wall_seconds"])
        results.append(res)
    return results


def _row(res, name):
    for row in res.get("rows", []):
        if row["name"] == name:
            return row
    return None


def targets(results):
    """Every target of issues 6 and 13 whose case ran: measure, measured, target, met."""
    by_key = {r["key"]: r for r in results}
    out = []
    for key, limit in RATIO_CASES.items():
        res = by_key.get(key)
        if res is None:
            continue
        row = _row(res, COMPILED)
        value = row["ratio"] if row else None
        out.append({"measure": "(%s) %s: srcgrad compiled / hand-written"
                               % (res["letter"], _short(key)),
                    "value": value, "text": _ratio(value), "target": "<= %.1fx" % limit,
                    "met": value is not None and value <= limit})
        if key == "mlp512":
            value = row.get("peak_ratio") if row else None
            out.append({"measure": "(d) %s: peak memory, compiled / hand-written"
                                   % _short(key),
                        "value": value, "text": _ratio(value),
                        "target": "<= %.1fx" % MEMORY_RATIO,
                        "met": value is not None and value <= MEMORY_RATIO})
    for key in NUMBA_VS_JAX_CASES:
        res = by_key.get(key)
        numba_row, jax_row = (_row(res, NUMBA), _row(res, JAX)) if res else (None, None)
        if numba_row is None or jax_row is None:
            continue
        value = numba_row["seconds"] / jax_row["seconds"]
        out.append({"measure": "(%s) %s: srcgrad numba / jax.jit(grad)"
                               % (res["letter"], _short(key)), "value": value,
                    "text": "%s vs %s (%s)" % (_time(numba_row["seconds"], res["unit"]),
                                               _time(jax_row["seconds"], res["unit"]),
                                               _ratio(value)),
                    "target": "<= 1x", "met": value <= 1.0})
    res = by_key.get("transform")
    if res is not None and res["rows"]:
        ms = res["rows"][0]["seconds"] * 1e3
        out.append({"measure": "(g) transform time, %d-line function" % res.get("lines", 30),
                    "value": ms, "text": "%.1f ms" % ms, "target": "< %.0f ms" % TRANSFORM_MS,
                    "met": ms < TRANSFORM_MS})
        for point in res.get("curve", ()):
            limit = TRANSFORM_CURVE_TARGETS.get(point["statements"])
            if limit is not None:
                ms = point["seconds"] * 1e3
                out.append({"measure": "(g) transform time, %d straight-line statements"
                                       % point["statements"],
                            "value": ms, "text": "%.0f ms" % ms, "target": "< %.0f ms" % limit,
                            "met": ms < limit})
    res = by_key.get("overhead")
    if res is not None and "overhead_seconds" in res:
        us = res["overhead_seconds"] * 1e6
        out.append({"measure": "(h) cached-call overhead of grad(f)(x)", "value": us,
                    "text": "%.2f us" % us, "target": "< %.0f us" % OVERHEAD_US,
                    "met": us < OVERHEAD_US})
        by_args = res.get("overhead_by_args", {})
        if OVERHEAD_ARRAYS in by_args:   # issue 13
            us = by_args[OVERHEAD_ARRAYS] * 1e6
            others = ", ".join("%d: %.2f us" % (n, s * 1e6) for n, s in sorted(by_args.items())
                               if n != OVERHEAD_ARRAYS)
            out.append({"measure": "(h) cached-call overhead of grad(f)(*args), %d arrays"
                                   % OVERHEAD_ARRAYS, "value": us,
                        "text": "%.2f us" % us + (" (arrays %s)" % others if others else ""),
                        "target": "< %.0f us" % OVERHEAD_ARRAYS_US,
                        "met": us < OVERHEAD_ARRAYS_US})
    out += _ptree_targets(by_key)
    res = by_key.get("tape_ops")
    if res is not None:
        torch_row = _row(res, TORCH)
        for name in ("srcgrad tape (Tensor)", "srcgrad tape (tape_vjp)"):
            row = _row(res, name)
            if row is None or torch_row is None:
                continue
            value = row["vs_torch"]
            out.append({"measure": "(i) tape per-op overhead, %s / torch eager" % name,
                        "value": value,
                        "text": "%.2f us vs %.2f us (%.2fx)" % (
                            row["seconds"] * 1e6, torch_row["seconds"] * 1e6, value),
                        "target": "< 1x torch", "met": value < 1.0})
    return out


def _ptree_targets(by_key):
    """Issue 13's targets for parameter trees (cases ptree_net, ptree_layers)."""
    out = []
    res = by_key.get("ptree_net")
    if res is not None and "error" not in res:
        row, jrow = _row(res, COMPILED), _row(res, JAX)
        value = row["ratio"] if row else None
        out.append({"measure": "(%s) parameter-list net: srcgrad compiled / hand-written"
                               % res["letter"], "value": value, "text": _ratio(value),
                    "target": "<= %.2fx" % PTREE_NET_RATIO,
                    "met": value is not None and value <= PTREE_NET_RATIO})
        if jrow is not None:
            out.append({"measure": "(%s) parameter-list net: srcgrad compiled / jax.jit(grad)"
                                   % res["letter"],
                        "value": value, "text": "%s vs %s" % (_ratio(value),
                                                              _ratio(jrow["ratio"])),
                        "target": "<= 1x", "met": value is not None and
                        value <= jrow["ratio"]})
    res = by_key.get("ptree_layers")
    if res is not None and res.get("curve"):
        first, last = res["curve"][0], res["curve"][-1]
        if COMPILED in first and COMPILED in last:
            a, b = first[COMPILED]["ratio"], last[COMPILED]["ratio"]
            out.append({"measure": "(%s) per-layer cost vs hand-written, %d layers against %d"
                                   % (res["letter"], last["layers"], first["layers"]),
                        "value": b / a, "text": "%s vs %s" % (_ratio(b), _ratio(a)),
                        "target": "<= %.2fx growth" % PTREE_GROWTH,
                        "met": b <= PTREE_GROWTH * a})
    return out


# ------------------------------------------------------------------ report

_SHORT = {"mlp64": "64-wide MLP", "sinloop": "scalar sin loop", "rnn": "RNN 32x30",
          "mlp512": "512-wide MLP, batch 256", "logreg": "logistic regression 10k x 100",
          "fall": "while-loop simulation", "transform": "transform time",
          "overhead": "cached-call overhead", "tape_ops": "tape per-op",
          "hvp": "Hessian-vector product, 64-wide MLP", "hessian": "100x100 Hessian",
          "ptree_net": "parameter-list net 784-200-100-10",
          "ptree_layers": "parameter list, 400 small layers"}


def _short(key):
    return _SHORT.get(key, key)


def _ratio(x):
    if x is None:
        return "n/a"
    return "%.2fx" % x if x < 10 else "%.1fx" % x if x < 100 else "%.0fx" % x


def _time(seconds, unit):
    if seconds is None:
        return ""
    if unit == "ms":
        return "%.1f ms" % (seconds * 1e3)
    us = seconds * 1e6
    if us >= 1000:
        return "%.2f ms" % (us / 1e3) if us < 10000 else "%.1f ms" % (us / 1e3)
    return "%.1f us" % us if us >= 10 else "%.2f us" % us


def _columns(results):
    names = set()
    for res in results:
        if res["key"] in ("transform", "overhead"):
            continue
        names.update(r["name"] for r in res["rows"])
        names.update(res["skipped"])
    names.discard("srcgrad tape (Tensor)")
    names.discard("srcgrad tape (tape_vjp)")
    return [n for n in ORDER if n in names or n == "srcgrad tape"]


def headline(results):
    """The table of ratios to hand-written code, one row per case."""
    cols = _columns(results)
    lines = ["| case | hand-written | " + " | ".join(c for c in cols if c != HAND) + " |",
             "| --- | ---: |" + " ---: |" * (len(cols) - 1)]
    extra = []
    for res in results:
        title = "(%s) %s" % (res["letter"], _short(res["key"]))
        if "error" in res:
            extra.append("| %s | FAILED: %s |" % (title, res["error"].splitlines()[0][:120]))
            continue
        if res["key"] == "transform":
            extra.append("| %s | %s (srcgrad, %d-line function)%s |"
                         % (title, _time(res["rows"][0]["seconds"], "ms"),
                            res.get("lines", 30), "".join(
                                "; %s at %d statements" % (_time(c["seconds"], "ms"),
                                                           c["statements"])
                                for c in res.get("curve", ()))))
            continue
        if res["key"] == "overhead":
            by = {r["name"]: r for r in res["rows"]}
            arrays = "".join("; %d array%s %s" % (n, "s" if n > 1 else "", _time(s, "us"))
                             for n, s in sorted(res.get("overhead_by_args", {}).items()))
            extra.append("| %s | %s (grad(f)(x) %s, generated code alone %s)%s |" % (
                title, _time(res["overhead_seconds"], "us"),
                _time(by["grad(f)(x)"]["seconds"], "us"),
                _time(by["generated f_grad, x"]["seconds"], "us"), arrays))
            continue
        hand = _row(res, HAND)
        cells = [title, _time(hand["seconds"], res["unit"]) if hand else "n/a"]
        for name in cols:
            if name == HAND:
                continue
            if name == "srcgrad tape" and res["key"] == "tape_ops":
                parts = [_row(res, "srcgrad tape (Tensor)"), _row(res, "srcgrad tape (tape_vjp)")]
                cells.append(" / ".join(_ratio(p["ratio"]) for p in parts if p))
                continue
            row = _row(res, name)
            if row is not None:
                cells.append("**%s**" % _ratio(row["ratio"]) if name == COMPILED
                             else _ratio(row["ratio"]))
            elif name in res["skipped"]:
                why = res["skipped"][name]
                cells.append("WRONG" if why.startswith("WRONG") else
                             "failed" if why.startswith("FAILED") else "-")
            else:
                cells.append("-")
        lines.append("| " + " | ".join(cells) + " |")
    out = "\n".join(lines) + "\n"
    if extra:
        out += "\n| measure | result |\n| --- | --- |\n" + "\n".join(extra) + "\n"
    return out


def detail(res):
    unit = res["unit"]
    out = ["### (%s) %s" % (res["letter"], res["title"]), ""]
    if "error" in res:
        return "\n".join(out + ["**The case failed:** `%s`" % res["error"], ""])
    mem = any("peak_bytes" in r for r in res["rows"])
    per = " per op" if res["key"] == "tape_ops" else ""
    head = "| contender | median%s | min%s | vs hand-written |" % (per, per)
    rule = "| --- | ---: | ---: | ---: |"
    if mem:
        head += " peak memory | memory vs hand-written |"
        rule += " ---: | ---: |"
    out += [head, rule]
    for row in res["rows"]:
        line = "| %s | %s | %s | %s |" % (row["name"], _time(row["seconds"], unit),
                                          _time(row.get("min_seconds"), unit),
                                          _ratio(row["ratio"]) if row["ratio"] else "")
        if mem:
            if "peak_bytes" in row:
                line += " %.2f MB | %s |" % (row["peak_bytes"] / 1e6, _ratio(row["peak_ratio"]))
            else:
                line += " n/a | |"
        out.append(line)
    for name, why in res["skipped"].items():
        out.append("| %s | %s | | |%s" % (name, why.replace("|", "/"), " | |" if mem else ""))
    out.append("")
    for note in res["notes"]:
        out += [note, ""]
    return "\n".join(out)


def machine(env, settings):
    lines = ["| | |", "| --- | --- |",
             "| date | %s |" % env["date"],
             "| CPU | %s, %s logical CPUs (%s) |" % (env["cpu"], env["logical_cpus"],
                                                    env["machine"]),
             "| OS | %s |" % env["os"],
             "| Python | %s |" % env["python"],
             "| NumPy | %s |" % env["numpy"]]
    for b in env["blas"]:
        lines.append("| BLAS | %s |" % b)
    lines.append("| OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE | %s / %s |"
                 % (env["OPENBLAS_CORETYPE"], env["OPENBLAS_L2_SIZE"]))
    for peer in ("autograd", "torch", "jax"):
        lines.append("| %s | %s |" % (peer, env[peer] or "not installed"))
    lines.append("| threads | %s for BLAS and torch (`--threads`) |" % env["threads"])
    lines.append("| load average (1, 5, 15 min) | %s at the start, %s at the end |"
                 % (env["load_average"], env.get("load_average_end")))
    lines.append("| srcgrad | %s |" % env["srcgrad_commit"])
    lines.append("| repeats | %d interleaved, about %.0f ms per sample; medians |"
                 % (settings.repeats, settings.sample * 1e3))
    return "\n".join(lines) + "\n"


def target_table(tgts):
    lines = ["| target | measured | target | met |", "| --- | ---: | ---: | :---: |"]
    for t in tgts:
        lines.append("| %s | %s | %s | %s |" % (t["measure"], t["text"], t["target"],
                                               "yes" if t["met"] else "**no**"))
    return "\n".join(lines) + "\n"


def _kept_section(path):
    """The section of docs/benchmarks.md that benchmarks/bench_dask.py writes
    (between its markers), kept when this script rewrites the file."""
    try:
        with open(path) as fh:
            text = fh.read()
    except OSError:
        return ""
    start, end = "<!-- dask-benchmark -->", "<!-- /dask-benchmark -->"
    if start not in text or end not in text:
        return ""
    return "\n" + text[text.index(start):text.index(end) + len(end)] + "\n"


def markdown(results, tgts, env, settings, command, chart=None):
    out = ["# Benchmarks", "",
           "Generated by `%s` (see `benchmarks/README.md`); "
           "do not edit by hand." % command, "",
           "Every figure is the median of interleaved repeats; each contender's value and "
           "gradient were checked against the hand-written code (`np.allclose`) before "
           "timing. A ratio is the median, over the repeats, of the contender's time divided "
           "by the hand-written NumPy backward code's time in the same repeat (lower is "
           "better; measured side by side, so load changes between repeats cancel out); the "
           "times are medians and minima over the repeats. The figures move with the machine's load: compare "
           "contenders within one run, not across runs.", "",
           "## Machine", "", machine(env, settings),
           "## Headline: time relative to hand-written NumPy", "", headline(results)]
    if chart:
        out += ["![ratio to hand-written code per case and contender](%s)" % chart, ""]
    out += ["## Targets (issues 6 and 13)", "", target_table(tgts), "## Cases", ""]
    for res in results:
        out.append(detail(res))
    return "\n".join(out)


def readme_section(results, tgts, env, settings):
    """The README's headline: the ratio table and the targets, from this run."""
    met = [t for t in tgts if t["met"]]
    return "\n".join([
        "Measured at srcgrad commit %s on %s (%s logical CPUs, load average %s), Python "
        "%s, NumPy %s, %s thread(s), %d interleaved repeats, on %s; time relative to "
        "hand-written NumPy backward code, lower is better (full tables, machine and "
        "chart: [docs/benchmarks.md](docs/benchmarks.md)):"
        % (env["srcgrad_commit"], env["cpu"], env["logical_cpus"], env["load_average"],
           env["python"], env["numpy"], env["threads"], settings.repeats,
           env["date"][:10]), "",
        headline(results).rstrip("\n"), "",
        "Targets of issues 6 and 13 met in this run: %d of %d." % (len(met), len(tgts)), "",
        target_table(tgts).rstrip("\n")])


def update_readme(section):
    """Replace the text between the benchmark markers of README.md."""
    with open(README) as fh:
        text = fh.read()
    if README_START not in text or README_END not in text:
        return False
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    with open(README, "w") as fh:
        fh.write(head + README_START + "\n" + section + "\n" + README_END + tail)
    return True


def bar_chart(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    cases = [r for r in results if r["key"] not in ("transform", "overhead") and r["rows"]]
    alias = {"srcgrad tape (tape_vjp)": "srcgrad tape"}   # (i): the tape as grad runs it
    names = [n for n in ORDER if n != HAND and any(
        alias.get(row["name"], row["name"]) == n for res in cases for row in res["rows"])]
    fig, ax = plt.subplots(figsize=(12, 5.5))
    width = 0.8 / max(1, len(names))
    colours = plt.get_cmap("tab10")
    for j, name in enumerate(names):
        xs, ys = [], []
        for i, res in enumerate(cases):
            for row in res["rows"]:
                if alias.get(row["name"], row["name"]) == name and row["ratio"]:
                    xs.append(i - 0.4 + width * (j + 0.5))
                    ys.append(row["ratio"])
        bars = ax.bar(xs, ys, width, label=name, color=colours(j))
        for bar, y in zip(bars, ys):
            ax.annotate("%.0f" % y if y >= 100 else "%.3g" % y, (bar.get_x() + bar.get_width() / 2, y), ha="center",
                        va="bottom", fontsize=6.5, xytext=(0, 1), textcoords="offset points")
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_xticks(range(len(cases)))
    ax.set_xticklabels(["(%s) %s" % (r["letter"], _short(r["key"])) for r in cases],
                       rotation=20, ha="right")
    ax.set_ylabel("time / hand-written NumPy (log scale)")
    ax.set_title("Gradient time relative to hand-written NumPy backward code (lower is "
                 "better)\n(i): time per taped operation; the tape bar there is tape_vjp",
                 fontsize=11)
    ax.legend(fontsize=8, ncol=2)
    ax.grid(axis="y", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ------------------------------------------------------------------ main

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="few, short repeats (a smoke run; figures are rough)")
    parser.add_argument("--only", action="append", metavar="CASE",
                        help="run only this case (repeatable or comma-separated): "
                             + ", ".join(CASES))
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    parser.add_argument("--repeats", type=int, help="interleaved repeats (default 31; 3 quick)")
    parser.add_argument("--sample", type=float,
                        help="seconds per timing sample (default 0.04; 0.004 quick)")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS and torch threads (default 1: stable figures on a shared "
                             "machine; 0 leaves the libraries' defaults)")
    parser.add_argument("--docs", dest="docs", action="store_true", default=None,
                        help="write docs/benchmarks.md and docs/benchmarks.png and the table in "
                             "README.md (the default for a full run: all cases, not --quick)")
    parser.add_argument("--no-docs", dest="docs", action="store_false")
    args = parser.parse_args(argv)

    keys = list(CASES)
    if args.only:
        keys = [k.strip() for item in args.only for k in item.split(",") if k.strip()]
        unknown = [k for k in keys if k not in CASES]
        if unknown:
            parser.error("unknown case(s) %s; cases: %s" % (", ".join(unknown),
                                                             ", ".join(CASES)))
    settings = Settings(args.repeats or (3 if args.quick else 31),
                        args.sample or (0.004 if args.quick else 0.04), args.quick)
    write_docs = args.docs if args.docs is not None else (not args.only and not args.quick)

    def log(msg):
        from srcgrad.progress import say    # above the progress bar, when one is drawn
        say(msg, sys.stderr)

    env = environment()
    results = run_cases(keys, settings, log)
    env["load_average_end"] = _load()
    tgts = targets(results)
    command = "python benchmarks/run.py" + " ".join(
        [""] + [a for a in (argv if argv is not None else sys.argv[1:])
                if a not in ("--json", "--docs", "--no-docs")])

    if write_docs:
        chart = None
        try:
            bar_chart(results, os.path.join(DOCS, "benchmarks.png"))
            chart = "benchmarks.png"
        except ImportError:
            log("matplotlib is not installed: no chart (python -m pip install -e '.[bench]')")
        text = markdown(results, tgts, env, settings, command, chart)
        text += _kept_section(os.path.join(DOCS, "benchmarks.md"))
        with open(os.path.join(DOCS, "benchmarks.md"), "w") as fh:
            fh.write(text)
        log("wrote docs/benchmarks.md" + (" and docs/benchmarks.png" if chart else ""))
        if update_readme(readme_section(results, tgts, env, settings)):
            log("updated the benchmark table of README.md")

    if args.json:
        json.dump({"environment": env, "settings": vars(settings), "cases": results,
                   "targets": tgts}, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write("# srcgrad benchmarks\n\n%s, %s logical CPUs, Python %s, NumPy %s; "
                         "%d interleaved repeats, medians\n\n"
                         % (env["cpu"], env["logical_cpus"], env["python"], env["numpy"],
                            settings.repeats))
        sys.stdout.write(headline(results) + "\n")
        if tgts:
            sys.stdout.write(target_table(tgts) + "\n")
        for res in results:
            sys.stdout.write(detail(res) + "\n")

    bad = [(r["key"], n, why) for r in results for n, why in r["skipped"].items()
           if why.startswith(("WRONG", "FAILED"))]
    bad += [(r["key"], "case", r["error"]) for r in results if "error" in r]
    for key, name, why in bad:
        log("%s: %s: %s" % (key, name, why))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
