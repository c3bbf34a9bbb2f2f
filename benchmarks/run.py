"""The course's own numbers, measured side by side in one run on one machine: `make bench`.

Writes ``benchmarks/RESULTS.md`` (one table per question) and PNG plots next to it. Timing: warm-up, then
repeated ``time.perf_counter`` measurements; the median is reported (p95 for widget latency). Threads are
pinned with ``threadpoolctl`` (numpy's BLAS) and ``torch.set_num_threads`` where frameworks are compared.

    python -m benchmarks.run              # everything (a few minutes), the widgets in Chromium included
    python -m benchmarks.run --quick      # fewer repeats, smaller sweep, no `make test` timing
    python -m benchmarks.run --widgets    # only the widget section (3), replaced in place in RESULTS.md
    python -m benchmarks.run --no-browser # quote the last browser run (screenshots/figures/browser_latency.json)

The speed goals live here, not in the tests (which assert behaviour only, so CI stays green on a busy machine):
the training step within 1.15x the bare-numpy floor, every widget within its budget (DESIGN §5) and near the bare
round trip of the same browser run, every lesson's Run All within 5 s, `make test` within 60 s on an idle 2-core
machine. Every table says the load average it was measured at.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from benchmarks.environment import (  # noqa: E402
    OPTIONAL_MODULES,
    children_cpu_seconds,
    learner_environment,
    uses_optional_module,
)
from utils import data  # noqa: E402
from utils.activations import ReLU  # noqa: E402
from utils.costs import gradient_costs  # noqa: E402
from utils.layers import Dense  # noqa: E402
from utils.losses import SoftmaxCrossEntropy  # noqa: E402
from utils.model import fit, make_mlp  # noqa: E402
from utils.optimizers import SGD, Adam  # noqa: E402

OUT = Path(__file__).resolve().parent
ROOT = OUT.parent
STEP_GOAL = 1.15
"""The course's training step may cost at most this many times the bare-numpy floor (issue 22)."""
NOTEBOOK_BUDGET_S = 5.0
"""Every lesson's Run All (DESIGN §4)."""
MAKE_TEST_BUDGET_S = 60.0
"""`make test` on an idle 2-core machine (DESIGN §4)."""


def median_us(fn, repeats: int, warmup: int = 10) -> float:
    """Median wall time of ``fn()`` in microseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1e6)


def interleaved_us(fns: dict, rounds: int, batch: int = 5, warmup: int = 20) -> dict:
    """Median wall time in microseconds of each function in ``fns``, measured in alternation (one batch of
    ``batch`` calls of each in turn, ``rounds`` times), so that whatever else the machine is doing weighs on all
    of them alike and their ratios hold even when the absolute numbers do not."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            for _ in range(batch):
                fn()
            times[name].append((time.perf_counter() - start) / batch)
    return {name: float(np.median(t) * 1e6) for name, t in times.items()}


def machine_speed_line() -> str:
    """How fast this machine is, in two numbers anyone can re-measure elsewhere, so that the wall-clock goals
    (lessons within 5 s, `make test` within 60 s) can be read against the machine they were measured on."""
    import timeit

    python_ms = min(timeit.repeat("sum(range(1_000_000))", number=5, repeat=5)) / 5 * 1e3
    a, b = np.ones((300, 64)), np.ones((64, 64))
    with threadpool_limits(1):
        matmul_us = min(timeit.repeat(lambda: a @ b, number=200, repeat=5)) / 200 * 1e6
    return (f"Machine speed: `sum(range(1_000_000))` takes {python_ms:.1f} ms (pure Python) and a (300, 64) @ (64, 64) "
            f"float64 product {matmul_us:.0f} µs (1 thread), measured when the run started. Every wall-clock number "
            "below scales with these two: time them on another machine before comparing its numbers with these.")


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


# ------------------------------------------------------------------------------ 1. training step vs PyTorch
def course_step(hidden: int, X: np.ndarray, y: np.ndarray):
    """One full-batch SGD+momentum step of the course's 2-hidden-3 network (float64)."""
    rng = np.random.default_rng(0)
    d1, act, d2 = Dense(X.shape[1], hidden, rng=rng), ReLU(), Dense(hidden, 3, rng=rng)
    loss = SoftmaxCrossEntropy()
    opt = SGD(0.1, momentum=0.9)
    layers = [d1, d2]

    def step():
        logits = d2.forward(act.forward(d1.forward(X)))
        loss.forward(logits, y)
        d1.backward(act.backward(d2.backward(loss.backward(logits, y))))
        opt.step(layers)

    return step


def numpy_floor_step(hidden: int, X: np.ndarray, y: np.ndarray):
    """The same step as ``course_step`` in bare numpy: no classes, no input checks, nothing stored, and the
    cheapest numpy calls the course's classes use (biases added in place, the true class picked by flat index with
    ``take``, the softmax and its gradient made in place, the mean as ``sum() / n``), so that it stays the floor.
    It is not course code; it measures how fast numpy itself can go, so the course's overhead can be read off."""
    rng = np.random.default_rng(0)
    W1, b1 = 0.01 * rng.standard_normal((X.shape[1], hidden)), np.zeros((1, hidden))
    W2, b2 = 0.01 * rng.standard_normal((hidden, 3)), np.zeros((1, 3))
    params = (W1, b1, W2, b2)
    velocities = [np.zeros_like(p) for p in params]
    n = len(y)
    picked = np.arange(n) * 3 + y  # each sample's true class as a flat index into the (n, 3) logits

    def step():
        h = X @ W1
        h += b1
        a = np.maximum(h, 0.0)
        z = a @ W2
        z += b2
        shifted = z - z.max(axis=1, keepdims=True)
        d = np.exp(shifted)
        total = d.sum(axis=1, keepdims=True)
        -(shifted.take(picked) - np.log(total[:, 0])).sum() / n
        d /= total
        d.reshape(-1)[picked] -= 1.0
        d /= n
        dW2, db2, da = a.T @ d, d.sum(axis=0, keepdims=True), d @ W2.T
        dh = da * (h > 0)
        dW1, db1 = X.T @ dh, dh.sum(axis=0, keepdims=True)
        dh @ W1.T
        for p, g, v in zip(params, (dW1, db1, dW2, db2), velocities, strict=True):
            v *= 0.9
            v -= 0.1 * g
            p += v

    return step


def torch_step(hidden: int, X: np.ndarray, y: np.ndarray, dtype):
    import torch

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(X.shape[1], hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 3)).to(dtype)
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    Xt, yt = torch.from_numpy(X).to(dtype), torch.from_numpy(y)

    def step():
        opt.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(net(Xt), yt).backward()
        opt.step()

    return step


def bench_training_step(repeats: int, sweep_hidden, sweep_batch):
    import torch

    X, y = data.spiral(samples=100, classes=3, seed=0)
    default_threads = torch.get_num_threads()
    rows = []
    for threads_label, n_threads in [("1 thread", 1), (f"default ({default_threads})", default_threads)]:
        torch.set_num_threads(n_threads)
        with threadpool_limits(limits=n_threads):
            # the course against the floor in alternation; PyTorch in blocks of its own afterwards: a numpy call
            # right after a PyTorch step ran up to 4x slower (measured), which alternation would charge to numpy
            t = interleaved_us({"ours": course_step(64, X, y), "floor": numpy_floor_step(64, X, y)}, rounds=repeats)
            t["t64"] = median_us(torch_step(64, X, y, torch.float64), repeats * 5)
            t["t32"] = median_us(torch_step(64, X, y, torch.float32), repeats * 5)
        rows.append((threads_label, t["ours"], t["floor"], t["t64"], t["t32"], load_average()))
    torch.set_num_threads(1)
    sweep = {}
    rng = np.random.default_rng(0)
    with threadpool_limits(limits=1):
        for batch in sweep_batch:
            Xb = rng.normal(size=(batch, 2))
            yb = rng.integers(0, 3, size=batch)
            for hidden in sweep_hidden:
                reps = max(5, repeats // (1 + batch * hidden // 20000))
                ours = median_us(course_step(hidden, Xb, yb), reps, warmup=3)
                theirs = median_us(torch_step(hidden, Xb, yb, torch.float64), reps, warmup=3)
                sweep[(batch, hidden)] = (ours, theirs)
    torch.set_num_threads(default_threads)
    return rows, sweep


def plot_sweep(sweep, sweep_hidden, sweep_batch, path: Path):
    fig, (ax_t, ax_r) = plt.subplots(1, 2, figsize=(10, 3.8))
    for i, batch in enumerate(sweep_batch):
        ours = [sweep[(batch, h)][0] for h in sweep_hidden]
        theirs = [sweep[(batch, h)][1] for h in sweep_hidden]
        ax_t.loglog(sweep_hidden, ours, "o-", color=f"C{i}", label=f"course, batch {batch}")
        ax_t.loglog(sweep_hidden, theirs, "s--", color=f"C{i}", alpha=0.7, label=f"PyTorch, batch {batch}")
        ax_r.semilogx(sweep_hidden, np.array(ours) / np.array(theirs), "o-", color=f"C{i}", label=f"batch {batch}")
    ax_r.axhline(0.5, color="k", ls=":", lw=1, label="target 0.5×")
    ax_r.axhline(1.0, color="0.5", lw=0.8)
    ax_t.set(xlabel="hidden units", ylabel="µs per training step (median)", title="step time, float64, 1 thread")
    ax_r.set(xlabel="hidden units", ylabel="course / PyTorch", title="ratio (below 1: the course is faster)")
    ax_t.legend(fontsize=6, ncol=2)
    ax_r.legend(fontsize=7)
    for ax in (ax_t, ax_r):
        ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ------------------------------------------------------------------------------ 2. backprop vs finite differences
def bench_backprop_vs_fd(hiddens, repeats: int):
    """(parameters, µs per backprop gradient, µs per finite-difference gradient) per hidden size: the same
    harness as lessons 05 and 06 (``utils.costs.gradient_costs``, fastest of several runs)."""
    X, y = data.spiral(samples=20, classes=3, seed=0)
    rows = gradient_costs(X, y, hidden_sizes=hiddens, finite_differences_up_to=max(hiddens), repeats=repeats,
                          fd_repeats=3)
    return [(row["parameters"], row["backprop"] * 1e6, row["finite_differences"] * 1e6) for row in rows]


def plot_fd(rows, path: Path):
    n, bp, fd = zip(*rows, strict=True)
    fig, ax = plt.subplots(figsize=(5.2, 3.6))
    ax.loglog(n, np.array(bp) / 1e3, "o-", label="backprop")
    ax.loglog(n, np.array(fd) / 1e3, "s-", label="finite differences")
    for x, b, f in rows:
        ax.annotate(f"{f / b:.0f}×", (x, f / 1e3), textcoords="offset points", xytext=(4, 4), fontsize=7)
    ax.set(xlabel="number of parameters", ylabel="ms per full gradient", title="one gradient, 2-h-3 network, 60 samples")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ------------------------------------------------------------------------------ 3. widget latency
def _nudge(control, k: int):
    import ipywidgets as widgets

    if isinstance(control, widgets.Dropdown | widgets.SelectionSlider):
        options = list(control.options)
        control.value = options[(options.index(control.value) + 1) % len(options)]
    elif isinstance(control, widgets.FloatLogSlider):
        control.value = control.value * (1.5 if k % 2 == 0 else 1 / 1.5)
    else:
        span = (control.max - control.min) * 0.05 * (1 if k % 2 == 0 else -1)
        control.value = min(control.max, max(control.min, control.value + span))


BROWSER_JSON = ROOT / "screenshots" / "figures" / "browser_latency.json"
"""Written by tests/browser/test_widgets_browser.py (JupyterLab in Chromium at device pixel ratio 2)."""


def bench_widgets(changes: int):
    """Per widget: image pixels, then per slider change the wall-clock and CPU milliseconds of one refresh
    (update + draw + PNG) and its split into update / draw / encode (medians)."""
    from utils import widgets as W

    results = {}
    for name, factory in W.FACTORIES.items():
        explorer = factory()
        controls = [c for c in explorer.controls.values() if hasattr(c, "value")]
        for k in range(4):  # warm-up: first visits of a setting may train a network once (then cached)
            explorer.step() if name == "playground" else _nudge(controls[k % len(controls)], k)
        explorer.timings_ms.clear()
        explorer.timings_detail.clear()
        cpu = time.process_time()
        for k in range(changes):
            if name == "playground":
                explorer.step()  # a playground redraw: 10 epochs of training + boundary + loss curve
            else:
                _nudge(controls[k % len(controls)], k)
        cpu_ms = (time.process_time() - cpu) / changes * 1e3
        t = np.array(explorer.timings_ms)
        split = np.median(np.array(explorer.timings_detail), axis=0)
        budget = W.BUDGET_MS[name]
        width, height = explorer.fig.canvas.get_width_height()
        results[name] = {"median": float(np.median(t)), "p95": float(np.percentile(t, 95)), "cpu": cpu_ms,
                         "split": split.tolist(), "budget": budget, "pixels": (width, height),
                         "png_kb": len(explorer.image.value) / 1024}
    return results


def bench_encoders(repeats: int):
    """PNG and other encodings of one widget frame (the playground, 1560 x 720 px): ms and kB."""
    import io
    import zlib
    from unittest.mock import patch

    import PIL.Image

    from utils import widgets as W
    from utils.widgets import rendering

    explorer = W.playground()
    explorer.step()
    canvas = explorer.fig.canvas
    rgba = np.asarray(canvas.buffer_rgba())
    rows = []
    frames = [rgba.copy()]
    explorer.step()  # the boundary and the loss curve move: the frame a step later
    frames.append(np.asarray(canvas.buffer_rgba()).copy())
    encoder, turn = W.PNGEncoder(), [0]
    encoder.encode(canvas)

    def next_frame():
        turn[0] ^= 1
        rgba[...] = frames[turn[0]]
        return encoder.encode(canvas)

    def stdlib_zlib(level):  # the same PNG, deflated by the standard library's zlib (the fallback without ISA-L)
        def encode():
            with patch.object(rendering, "_deflate", zlib):
                return W.encode_png(canvas, level)
        return encode

    def pil(fmt, mode, **kw):
        def encode():
            picture = PIL.Image.frombuffer("RGBA", rgba.shape[1::-1], rgba, "raw", "RGBA", 0, 1)
            if mode == "RGB":
                picture = PIL.Image.frombytes("RGB", rgba.shape[1::-1], rgba, "raw", "RGBX")
            buffer = io.BytesIO()
            picture.save(buffer, format=fmt, **kw)
            return buffer.getvalue()
        return encode

    candidates = [
        ("Pillow PNG, RGBA, zlib level 1 (before)", pil("png", "RGBA", compress_level=1)),
        ("Pillow PNG, RGB, zlib level 1", pil("png", "RGB", compress_level=1)),
        ("Pillow PNG, RGB, zlib level 6", pil("png", "RGB", compress_level=6)),
        ("course PNG (RGBA, no filter), standard zlib level 1 (the fallback without ISA-L)", stdlib_zlib(1)),
        ("course PNG, standard zlib level 6", stdlib_zlib(6)),
        ("course PNG, ISA-L level 1 (chosen; 2 frames alternating)", next_frame),
        ("course PNG, ISA-L level 3", lambda: W.encode_png(canvas, 3)),
        ("JPEG quality 90 (lossy: soft text edges)", pil("jpeg", "RGB", quality=90)),
        ("WebP lossless, method 0", pil("webp", "RGB", lossless=True, method=0)),
    ]
    for label, encode in candidates:
        wall = median_us(encode, repeats, warmup=3) / 1e3
        cpu = time.process_time()
        for _ in range(repeats):
            encode()
        rows.append((label, wall, (time.process_time() - cpu) / repeats * 1e3, len(encode()) / 1024))
    return rows, rgba.shape[1], rgba.shape[0]


def bench_heatmap_draw(repeats: int):
    """Drawing the neuron explorer's heatmap at 2x pixels: matplotlib's AxesImage vs the course's PixelImage."""
    from utils import widgets as W

    explorer = W.neuron_explorer()
    ax = explorer.fig.axes[0]
    heat = explorer.animated[0]
    image = ax.imshow(heat.get_array(), origin="lower", extent=(*ax.get_xlim(), *ax.get_ylim()), aspect="auto",
                      cmap=heat.cmap, norm=heat.norm, interpolation="bilinear", animated=True)
    rows = [("matplotlib AxesImage, bilinear (before)", median_us(lambda: explorer.fig.draw_artist(image), repeats) / 1e3)]
    image.set_interpolation("nearest")
    rows.append(("matplotlib AxesImage, nearest", median_us(lambda: explorer.fig.draw_artist(image), repeats) / 1e3))
    rows.append(("PixelImage (numpy repeat into the Agg buffer, chosen)",
                 median_us(lambda: explorer.fig.draw_artist(heat), repeats) / 1e3))
    image.remove()
    return rows


def plot_widgets(results, path: Path, browser: dict | None = None):
    names = list(results)
    med = [results[n]["median"] for n in names]
    cpu = [results[n]["cpu"] for n in names]
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    y = np.arange(len(names))
    ax.barh(y - 0.27, cpu, height=0.27, label="Python, CPU ms")
    ax.barh(y, med, height=0.27, label="Python, wall ms (median)")
    if browser:
        ax.barh(y + 0.27, [browser.get(n, {}).get("median_ms", 0) for n in names], height=0.27,
                label="browser end to end, DPR 2 (median)")
    for i, n in enumerate(names):
        ax.plot([results[n]["budget"]] * 2, [i - 0.45, i + 0.45], "k:", lw=1)
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=9)
    ax.invert_yaxis()
    ax.set(xlabel="ms per slider change (dotted: budget)", title="widget latency")
    fig.legend(*ax.get_legend_handles_labels(), loc="lower center", ncol=3, frameon=False, fontsize=9)  # off the bars
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.savefig(path, dpi=150)
    plt.close(fig)


def _parts(browser_row: dict) -> str:
    """"key press -> image message in the page / -> image decoded" medians of a browser row, or a dash."""
    if "to_page_ms" not in browser_row:
        return "–"
    return f"{browser_row['to_page_ms']:.0f} / {browser_row['decode_ms']:.0f}"


def _cpu(browser_row: dict) -> str:
    """"kernel / server / Chromium" CPU ms per move of a browser row, or a dash (no /proc where it ran)."""
    cpu = browser_row.get("cpu_ms_per_move")
    if not cpu:
        return "–"
    return " / ".join(f"{cpu[kind]:.0f}" for kind in ("kernel", "server", "chromium"))


BROWSER_ROUNDS = 5
"""Rounds over all widgets in the browser run (each widget's latency is the median of its moves in all rounds)."""


def run_browser_widgets() -> int:
    """Run the widget test in Chromium (tests/browser/test_widgets_browser.py), which writes BROWSER_JSON."""
    env = dict(os.environ, RUN_BROWSER_TESTS="1", NN_LATENCY_ROUNDS=str(BROWSER_ROUNDS))
    env.pop("MPLBACKEND", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/browser/test_widgets_browser.py"], cwd=ROOT, env=env).returncode


def browser_table(browser: dict) -> list[str]:
    """RESULTS.md's table of the browser numbers: each widget against its budget and against the bare round trip
    measured in the same browser run, with the load average of the machine beside each row."""
    floor = browser.get("roundtrip_floor", {})
    bare = floor.get("median_ms", float("nan"))
    lines = ["| widget | lesson | browser median (ms) | median of each round (ms) | max (ms) | budget (ms) "
             "| within budget | × bare round trip | to page / decode (ms) | CPU per move: kernel / server / Chromium (ms) "
             "| other sliders, one move each (ms) | load average (1 min) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    measured = {n: b for n, b in browser.items() if "budget_ms" in b}
    for name, b in [("roundtrip_floor", floor), *measured.items()]:
        if not b:
            continue
        others = ", ".join(f"{k} {v:.0f}" for k, v in b.get("other_sliders_ms", {}).items()) or "–"
        median = f"{b['median_ms']:.0f}"
        if b.get("step_median_ms"):
            median += f" (slider); {b['step_median_ms']:.0f} (step)"
        budget = b.get("budget_ms")
        worst = max(b["median_ms"], b.get("step_median_ms", 0))
        within = "–" if budget is None else ("yes" if worst <= budget else "**no**")
        load = f"{b['load_average_1min']:.1f} on {b.get('cpu_count', os.cpu_count())} cores"
        by_round = " / ".join(f"{ms:.0f}" for ms in b.get("round_medians_ms", [])) or "–"
        lines.append(f"| {name} | {b.get('lesson', '–')} | {median} | {by_round} | {b['max_ms']:.0f} | {budget or '–'} "
                     f"| {within} | {b['median_ms'] / bare:.1f}× | {_parts(b)} | {_cpu(b)} | {others} | {load} |")
    within = [n for n, b in measured.items() if max(b["median_ms"], b.get("step_median_ms", 0)) <= b["budget_ms"]]
    near = [n for n, b in measured.items() if b["median_ms"] / bare <= 1.5]
    measured_at = floor.get("measured_at", "?")
    moves, rounds = floor.get("moves", 9), len(floor.get("round_medians_ms", [1]))
    how = (f"median of {moves} moves of the first slider, {moves // rounds} in each of {rounds} rounds over all "
           "widgets, so that a slower spell of a shared machine slows one round of several widgets, not every move "
           "of one" if rounds > 1 else f"median of {moves} moves of the first slider")
    lines += ["", f"**In the browser:** {len(within)} of {len(measured)} widgets within their budget ({how}; the "
              f"playground also by its *step* button); {len(near)} of {len(measured)} within "
              f"1.5× the bare round trip ({bare:.0f} ms in the same run). Measured {measured_at}, load average "
              f"{floor.get('load_average_1min', float('nan')):.1f} on {floor.get('cpu_count', os.cpu_count())} cores "
              "when the run started: on a loaded machine every process of the chain (kernel, Jupyter server, "
              "Chromium) waits for a core, so compare a widget with the bare round trip of the same run. *CPU per "
              "move* is what each process of the chain used for one move (its CPU time over those moves, read from "
              "/proc, divided by their number; the pauses between moves included): the course's own Python runs in the kernel, "
              "so a widget's kernel CPU beside the bare round trip's is the course's share; the Jupyter server and "
              "Chromium (JupyterLab's page, the image's decode and paint, and the test's own Playwright calls, alike "
              "in every row) do the rest.", "",
              "*Browser* = `tests/browser/test_widgets_browser.py` (run by `make bench`, and by `make test-browser`, "
              "which asserts only that every widget is crisp and redraws, never a time): JupyterLab in Chromium at "
              "device pixel ratio 2, from the key press to the new image decoded in the page; `roundtrip_floor` is "
              "the same round trip for a slider that only swaps two tiny images through the same image widget "
              f"(kernel + server + browser, no figure). The numbers come from {BROWSER_JSON.relative_to(ROOT)}."]
    return lines


def widget_section(changes: int, repeats: int) -> list[str]:
    """The markdown of RESULTS.md section 3 (runs the widget benchmarks)."""
    import json

    rows = bench_widgets(changes)
    browser = json.loads(BROWSER_JSON.read_text()) if BROWSER_JSON.exists() else None
    plot_widgets(rows, OUT / "widget_latency.png", browser)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = ["## 3. Widget latency per slider change", "",
             "Every widget image carries 2 pixels per CSS pixel (crisp at device pixel ratio 2) and is shown at its "
             "natural CSS size. *Python* = one refresh without a kernel (update the artists + blit + PNG), "
             f"{changes} changes per widget after a warm-up; CPU ms is `time.process_time` (independent of other load "
             f"on the machine; load average during this run: {load:.1f} on {os.cpu_count()} cores).", "",
             "| widget | image px | PNG kB | Python CPU (ms) | Python wall median (ms) | p95 (ms) "
             "| update / draw / encode (ms) | browser median (ms) | to page / decode (ms) | budget (ms) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in rows.items():
        b = (browser or {}).get(name, {})
        in_browser = f"{b['median_ms']:.0f}" if b else "–"
        if name == "playground" and b.get("step_median_ms"):
            in_browser += f" (noise slider); {b['step_median_ms']:.0f} (step)"
        split = " / ".join(f"{v:.1f}" for v in r["split"])
        lines.append(f"| {name} | {r['pixels'][0]}×{r['pixels'][1]} | {r['png_kb']:.0f} | {r['cpu']:.1f} "
                     f"| {r['median']:.1f} | {r['p95']:.1f} | {split} | {in_browser} | {_parts(b)} | {r['budget']} |")
    if browser:
        lines += [""] + browser_table(browser)
    lines += ["", "The playground row is one press of *step* (10 epochs of training + boundary + loss curve).",
              "", "![widget latency](widget_latency.png)", ""]

    enc, width, height = bench_encoders(repeats)
    lines += [f"### Encoding one frame ({width}×{height} px, the playground)", "",
              "| encoder | wall (ms) | CPU (ms) | size (kB) |", "|---|---|---|---|"]
    lines += [f"| {label} | {wall:.1f} | {cpu:.1f} | {kb:.0f} |" for label, wall, cpu, kb in enc]
    heat = bench_heatmap_draw(repeats)
    lines += ["", "### Drawing the neuron explorer's heatmap (1120×920 px figure)", "",
              "| renderer | ms |", "|---|---|"]
    lines += [f"| {label} | {ms:.1f} |" for label, ms in heat]
    lines += ["", "Choices: every frame is sent as a PNG in a standard `ipywidgets.Image` (works in JupyterLab, "
              "Notebook, VS Code and Voilà), but as a `data:` URL (`FigureImage`) instead of bytes the page wraps in "
              "a `Blob` and a `blob:` URL: the browser decodes a data URL in place, without a trip through its blob "
              "registry; that cut the bare round trip from ~27 to ~20 ms for a third more bytes on the local "
              "websocket. The image message is sent before the readout's, so the page swaps the picture first. "
              "`PNGEncoder` copies the Agg rows as they are (RGBA: dropping alpha with numpy cost 4 ms, more than "
              "deflating it), no scanline filter, and deflates the whole frame in one call with Intel's ISA-L "
              "(`isal`, level 1): 5–12× faster than the standard library's zlib at level 1, for about the same bytes "
              "(level 6: about twice zlib 1's time for ~20% fewer). It replaced an encoder that cut the rows into "
              "16-row bands, kept the compressed bytes of bands whose pixels had not changed and compressed the rest "
              "with zlib in two threads: measured per frame on five widgets after a slider move, that took 0.7–11.4 ms "
              "(neuron explorer 11.4, playground 8.0), ISA-L on the whole frame 1.1–3.3 ms (3.3, 1.8), with fewer "
              "lines of code and no threads. Where ISA-L has no wheel (Intel macOS with Python 3.12+) the same "
              "encoder uses zlib. JPEG is the fastest but "
              "blurs text and line edges, which defeats the point of 2x pixels; WebP is slower. Static layers are "
              "cached as pixels (blitting): the background once, opaque legends above animated artists as a pasted "
              "pixel block; heatmaps and decision regions are written straight into the Agg buffer (`PixelImage`) "
              "instead of matplotlib's resampling `AxesImage`. Deterministic retraining (learning-rate, batch-size "
              "and over-fitting explorers) is cached per setting.", "",
              "Where the rest goes (one investigation run with timestamps in the page's websocket, the Jupyter "
              "server and the kernel callback, quiet machine): of the bare round trip, ~1 ms from the key press to "
              "the websocket, 1–6 ms to the server, ~2 ms to the kernel callback, ~0.2 ms in it, 1–4 ms back to the "
              "server, ~5 ms to the page (the page handles the kernel's busy status, the slider's echo and the image "
              "in turn), then the image is set and decoded (2 ms for a tiny data URL, 6–8 ms via a blob URL). A "
              "kernel alone answers a comm message in 1.5–2.5 ms (jupyter_client, no server), so ipykernel 7 is not "
              "the bottleneck; neither JupyterLab's JavaScript (about 2 ms of main-thread work per move in a CPU "
              "profile) nor the echo message (`JUPYTER_WIDGETS_ECHO=0` changed nothing measurable). The rest is "
              "process hand-offs (Chromium's renderer and network processes, the server, the kernel's threads) on "
              "2 shared cores. Decoding a 1 Mpixel PNG in Chromium takes 7–9 ms whatever the PNG flavour "
              "(RGB or RGBA, filter, zlib level), so the picture's size, fixed by the 2x rule, sets the decode column.",
              ""]
    return lines


# ------------------------------------------------------------------------------ 4. notebooks and make test
def bench_notebooks(runs: int = 3):
    """Per lesson, ``runs`` times in a learner's environment (``learner_environment``): the Run All time (first
    cell starts -> last cell replies, as a learner's Run All after the kernel is up; from nbclient's per-cell
    timestamps), the whole execution including the kernel's start, in seconds, and the kernel's CPU seconds (start
    included); for a lesson with an optional cell, also one Run All with the optional module installed (else
    ``None``). Returns ``{lesson: {"run_all": [s, ...], "total": [...], "cpu": [...], "with_optional": s | None}}``.
    """
    from datetime import datetime

    import nbformat

    from tools.build import execute_lesson

    def stamp(cell, key):
        return datetime.fromisoformat(cell.metadata["execution"][key].replace("Z", "+00:00"))

    def run(path, env):
        nb = nbformat.read(path, as_version=4)
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(env)  # the kernel inherits this process's environment
        try:
            cpu, start = children_cpu_seconds(), time.perf_counter()
            execute_lesson(nb, path.parent, timeout=300)
            total, cpu = time.perf_counter() - start, children_cpu_seconds() - cpu
        finally:
            os.environ.clear()
            os.environ.update(saved)
        cells = [c for c in nb.cells if c.cell_type == "code" and "execution" in c.metadata]
        run_all = (stamp(cells[-1], "shell.execute_reply") - stamp(cells[0], "iopub.execute_input")).total_seconds()
        return nb, run_all, total, cpu

    paths = sorted((ROOT / "solutions").glob("*.ipynb"))
    times = {path.name: {"run_all": [], "total": [], "cpu": [], "with_optional": None} for path in paths}
    # in rounds, every lesson once per round: a spell of the machine running slower (other guests on the host) then
    # slows one run of several lessons, not every run of one lesson, so each median shows the machine's usual speed
    for _ in range(runs):
        for path in paths:
            with learner_environment() as env:
                nb, run_all, total, cpu = run(path, env)
            record = times[path.name]
            record["run_all"].append(run_all)
            record["total"].append(total)
            record["cpu"].append(cpu)
    for path in paths:
        if uses_optional_module(nbformat.read(path, as_version=4)):
            times[path.name]["with_optional"] = run(path, dict(os.environ))[1]
    return times


def bench_make_test():
    """`make test` as CI runs it (its own 2 pytest workers, a learner's environment: ``learner_environment``):
    wall seconds, exit code, load average before it, CPU seconds of all its processes."""
    load_before = load_average()
    with learner_environment() as env:
        cpu, start = children_cpu_seconds(), time.perf_counter()
        proc = subprocess.run(["make", "test"], cwd=ROOT, capture_output=True, text=True, env=env)
        wall, cpu = time.perf_counter() - start, children_cpu_seconds() - cpu
    if proc.returncode:
        print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n", file=sys.stderr)
    return wall, proc.returncode, load_before, cpu


# ------------------------------------------------------------------------------ 5. spiral to 0.98
def bench_spiral(max_epochs: int):
    X, y = data.spiral(samples=100, classes=3, seed=0)
    rows = []
    configs = [("SGD", lambda: SGD(0.5)), ("SGD + momentum 0.9", lambda: SGD(0.1, momentum=0.9)),
               ("Adam", lambda: Adam(0.01))]
    with threadpool_limits(limits=1):
        for name, make_opt in configs:
            for sizes in ([2, 64, 3], [2, 64, 64, 3]):
                model = make_mlp(sizes, rng=np.random.default_rng(0))
                opt = make_opt()
                start = time.perf_counter()
                reached = None
                history = None
                for _chunk in range(0, max_epochs, 50):
                    history = fit(model, X, y, opt, epochs=50, history=history)
                    acc = np.array(history.accuracy)
                    if (acc >= 0.98).any():
                        reached = int(np.argmax(acc >= 0.98)) + 1
                        break
                seconds = time.perf_counter() - start
                lr = opt.learning_rate
                rows.append((name, lr, "-".join(map(str, sizes)), reached, seconds, history.accuracy[-1], len(history.loss)))
    return rows


# ------------------------------------------------------------------------------ report
def update_widget_section(changes: int, repeats: int) -> int:
    """Re-measure section 3 only and put it in place of the old one in RESULTS.md."""
    path = OUT / "RESULTS.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("## 3. Widget latency")
    end = text.index("## 4.", start)
    section = "\n".join(widget_section(changes, repeats)) + "\n"
    path.write_text(text[:start] + section + text[end:], encoding="utf-8")
    print(section)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--widgets", action="store_true",
                        help="only the widget section (3): re-measure it and replace it in RESULTS.md")
    parser.add_argument("--no-browser", action="store_true",
                        help="do not run the widgets in Chromium; quote the last browser run's numbers instead")
    args = parser.parse_args(argv)
    if not args.no_browser:
        print("widgets in Chromium (tests/browser/test_widgets_browser.py) ...", flush=True)
        if run_browser_widgets() != 0:
            print("the browser widget test failed: its numbers may be incomplete")
    if args.widgets:
        return update_widget_section(changes=20 if args.quick else 40, repeats=10 if args.quick else 30)
    repeats = 30 if args.quick else 200
    sweep_hidden = [16, 64, 256, 1024]
    sweep_batch = [32, 300, 4096] if not args.quick else [32, 300]
    lines = ["# Benchmarks", "",
             f"Measured by `make bench` on {time.strftime('%Y-%m-%d')}: {platform.processor() or platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}"]
    try:
        import torch

        lines[-1] += f", PyTorch {torch.__version__}."
    except ImportError:
        print("PyTorch is missing: pip install -r requirements-bench.txt (make bench does it)")
        return 1
    lines += ["Every number below comes from this one run. Median of repeated `time.perf_counter` timings after warm-up.",
              "", machine_speed_line(), ""]

    print("1/5 training step vs PyTorch ...", flush=True)
    rows, sweep = bench_training_step(repeats, sweep_hidden, sweep_batch)
    plot_sweep(sweep, sweep_hidden, sweep_batch, OUT / "step_time_sweep.png")
    lines += ["## 1. One training step: the course's `utils` vs PyTorch CPU", "",
              "2-64-3 network (Dense, ReLU, Dense, softmax cross-entropy), spiral(100, 3) = 300 samples, full batch, "
              "SGD with momentum 0.9. The course computes in float64 only (by design).", "",
              "| threads | course float64 (µs) | bare-numpy floor (µs) | PyTorch float64 (µs) | PyTorch float32 (µs) "
              "| **course / floor** | course / PyTorch f64 | course / PyTorch f32 | load average |",
              "|---|---|---|---|---|---|---|---|---|"]
    for label, ours, floor, t64, t32, load in rows:
        lines.append(f"| {label} | {ours:.0f} | {floor:.0f} | {t64:.0f} | {t32:.0f} | **{ours / floor:.2f}** "
                     f"| {ours / t64:.2f} | {ours / t32:.2f} | {load:.1f} |")
    ours, floor = rows[0][1], rows[0][2]
    verdict = "meets" if ours / floor <= STEP_GOAL else "misses"
    lines += ["", f"**The course's classes cost {ours / floor:.2f}× the bare-numpy floor** (1 thread; goal ≤ "
              f"{STEP_GOAL}×: {verdict} it). The *bare-numpy floor* is the same step written as flat numpy with no "
              "classes, no input checks and nothing stored, using the same cheapest numpy calls as the course's classes "
              "(biases added in place, the true class picked by flat index with `take`, the softmax made in place; "
              "in `benchmarks/run.py`, not course code): the fastest numpy can do here. "
              "The course's classes add the difference: input checks (a float64 array of the right shape passes them "
              "with a few attribute reads, and `SoftmaxCrossEntropy.backward` reuses what `forward` checked), stored "
              "attributes (`inputs`, `output`, gradients: the fixed API, which keeps more arrays alive) and method "
              "calls. The course and the floor are timed in alternation (batches of 5 calls, "
              f"{repeats} rounds), so the load of the machine weighs on both alike: their ratio holds better than the "
              "absolute µs on a busy machine. PyTorch is timed in blocks of its own after them, because a numpy step "
              "right after a PyTorch step ran up to 4× slower here (its thread pool is still awake), which "
              "alternation would have charged to whichever numpy step came next."]
    lines += ["", "Sweep (float64, 1 thread): µs per step, course / PyTorch:", "",
              "| batch \\ hidden | " + " | ".join(map(str, sweep_hidden)) + " |",
              "|---|" + "---|" * len(sweep_hidden)]
    for batch in sweep_batch:
        cells = [f"{sweep[(batch, h)][0]:.0f} / {sweep[(batch, h)][1]:.0f} ({sweep[(batch, h)][0] / sweep[(batch, h)][1]:.2f})"
                 for h in sweep_hidden]
        lines.append(f"| {batch} | " + " | ".join(cells) + " |")
    held = [(b, h) for b in sweep_batch for h in sweep_hidden if sweep[(b, h)][0] / sweep[(b, h)][1] <= 0.5]
    best = min(sweep, key=lambda k: sweep[k][0] / sweep[k][1])
    lines += ["", f"The 0.5× target holds in {len(held)} of {len(sweep)} configurations"
              + (" (" + ", ".join(f"batch {b} × hidden {h}" for b, h in held) + ")" if held else "")
              + f"; the best ratio is {sweep[best][0] / sweep[best][1]:.2f} at batch {best[0]} × hidden {best[1]}. "
              "At small batches PyTorch's fixed per-call overhead (autograd graph, dispatcher) dominates, so the "
              "course's plain numpy wins most clearly there; in between, both spend their time in the same BLAS "
              "products and the ratio is near 1 (read the row of your batch size).", "",
              "![step time sweep](step_time_sweep.png)", ""]

    print("2/5 backprop vs finite differences ...", flush=True)
    fd_rows = bench_backprop_vs_fd([4, 16, 64, 256], repeats=max(20, repeats // 4))
    plot_fd(fd_rows, OUT / "backprop_vs_fd.png")
    lines += ["## 2. Backprop vs finite differences: one full gradient", "",
              "| parameters | backprop (µs) | finite differences (µs) | ratio |", "|---|---|---|---|"]
    lines += [f"| {n} | {bp:.0f} | {fd:.0f} | {fd / bp:.0f}× |" for n, bp, fd in fd_rows]
    lines += ["", "![backprop vs finite differences](backprop_vs_fd.png)", ""]

    print("3/5 widget latency ...", flush=True)
    lines += widget_section(changes=20 if args.quick else 40, repeats=10 if args.quick else 30)

    print("4/5 notebooks and make test ...", flush=True)
    runs = 1 if args.quick else 3
    nb_times = bench_notebooks(runs=runs)
    median_run_all = {name: statistics.median(t["run_all"]) for name, t in nb_times.items()}
    over = [name for name, run_all in median_run_all.items() if run_all > NOTEBOOK_BUDGET_S]
    optional = ", ".join(OPTIONAL_MODULES)
    lines += ["## 4. Lessons and `make test`", "",
              f"Every lesson's Run All (budget {NOTEBOOK_BUDGET_S:.0f} s, DESIGN §4): solutions/ executed with nbclient "
              "as a learner's kernel runs them; *Run All* is from the first cell's start to the last cell's reply "
              "(the kernel already up, as after opening a lesson), *with kernel start* adds starting the kernel, "
              "*kernel CPU* is the CPU seconds the kernel used, start included (other load on the machine does not "
              f"add to it). Each lesson ran {runs} time{'s' if runs > 1 else ''}, in rounds of all {len(nb_times)} (a slower spell of "
              "the machine slows one run of several lessons, not every run of one): the median, and the fastest and "
              "slowest Run All. "
              f"Measured as a learner's venv from requirements.txt has it, without {optional} (installed here "
              "for section 1 only), so lesson 08's optional PyTorch cell says it skips; *with PyTorch* is the same "
              f"lesson where it is installed (one run). Load average {load_average():.1f} on {os.cpu_count()} cores "
              "after the last lesson.", "",
              "| lesson | Run All (s) | fastest – slowest (s) | with kernel start (s) | kernel CPU (s) | within 5 s "
              "| with PyTorch installed (s) |",
              "|---|---|---|---|---|---|---|"]
    for name, t in nb_times.items():
        run_all = median_run_all[name]
        lines.append(f"| {name} | {run_all:.1f} | {min(t['run_all']):.1f} – {max(t['run_all']):.1f} | "
                     f"{statistics.median(t['total']):.1f} | {statistics.median(t['cpu']):.1f} | "
                     f"{'yes' if run_all <= NOTEBOOK_BUDGET_S else '**no**'} | "
                     f"{'–' if t['with_optional'] is None else format(t['with_optional'], '.1f')} |")
    lines += ["", f"**{len(nb_times) - len(over)} of {len(nb_times)} lessons run in ≤ {NOTEBOOK_BUDGET_S:.0f} s**"
              + (f"; over: {', '.join(over)}." if over else ".")]
    if not args.quick:
        wall, code, load_before, cpu = bench_make_test()
        verdict = "within" if wall <= MAKE_TEST_BUDGET_S else "over"
        lines += ["", f"`make test` wall time: **{wall:.1f} s** (exit code {code}; as CI runs it, without {optional}; 2 pytest workers on "
                  f"{os.cpu_count()} cores; load average {load_before:.1f} when it started; {cpu:.0f} CPU-s in all its "
                  f"processes), {verdict} the {MAKE_TEST_BUDGET_S:.0f} s goal for an idle 2-core machine. A benchmark "
                  "line, never a test assert."]
    lines.append("")

    print("5/5 spiral to 0.98 ...", flush=True)
    spiral_rows = bench_spiral(max_epochs=3000 if args.quick else 6000)
    lines += ["## 5. Spiral(100, 3): epochs and seconds to 0.98 training accuracy (full batch, 1 thread)", "",
              "| optimizer | learning rate | network | first epoch ≥ 0.98 | seconds | final accuracy | epochs run |",
              "|---|---|---|---|---|---|---|"]
    for name, lr, net, reached, sec, acc, epochs in spiral_rows:
        lines.append(f"| {name} | {lr:g} | {net} | {reached if reached else 'not reached'} | {sec:.2f} | {acc:.3f} | {epochs} |")
    lines.append("")

    (OUT / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
