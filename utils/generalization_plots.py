"""Experiments and pictures of lesson 10: signals through a deep stack at several starting scales, and the spread
of training and validation accuracy over seeds with and without regularisation.

``deep_stack(activation, scale, ...)`` sends a batch of standard-normal inputs through ``depth`` Dense layers of
one width (no biases matter: they start at 0) and a random gradient back, and returns every layer's activations and
the spread of activations and gradients per layer. ``SCALES`` names the starting scales the lesson compares.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from utils.activations import ReLU, Tanh
from utils.layers import Dense
from utils.style import TightLayout, new_figure, power_of_ten_ticks, tile_figure

#: starting scales the lesson compares: name -> std of the weights as a function of the fan-in n
SCALES = {
    "too small: 0.01": lambda n: 0.01,
    "too large: 1": lambda n: 1.0,
    "Xavier: √(1/n)": lambda n: np.sqrt(1.0 / n),
    "He: √(2/n)": lambda n: np.sqrt(2.0 / n),
}
ACTIVATION_CLASSES = {"tanh": Tanh, "relu": ReLU}


def deep_stack(activation: str = "tanh", scale: str | float = "Xavier: √(1/n)", depth: int = 10, width: int = 100,
               n_samples: int = 500, seed: int = 0) -> dict:
    """Forward ``n_samples`` standard-normal inputs ``(n_samples, width)`` through ``depth`` layers Dense(width,
    width) + activation, then a standard-normal gradient ``(n_samples, width)`` back.

    ``scale``: a name in ``SCALES`` or a number (the weights' std). Returns ``{"activations": [depth arrays
    (n_samples, width)], "activation_std": (depth,), "gradient_std": (depth,)}`` where ``gradient_std[i]`` is the
    std of the loss gradient reaching layer i's output (after its activation) — layer 1 first.
    """
    if activation not in ACTIVATION_CLASSES:
        raise ValueError(f"deep_stack: activation must be one of {sorted(ACTIVATION_CLASSES)}, got {activation!r}")
    std = SCALES[scale](width) if isinstance(scale, str) else float(scale)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_samples, width))
    layers = []
    for _ in range(depth):
        dense = Dense(width, width, rng=rng, init=std)
        layers += [dense, ACTIVATION_CLASSES[activation]()]
    activations = []
    out = x
    with np.errstate(over="ignore", invalid="ignore"):
        for i, layer in enumerate(layers):
            out = layer.forward(out)
            if i % 2 == 1:
                activations.append(out)
        grad = rng.standard_normal(out.shape)
        gradients = []
        for i in range(len(layers) - 1, -1, -1):
            if i % 2 == 1:
                gradients.append(grad)  # the gradient w.r.t. this layer's activation output
                grad = layers[i].backward(grad)
            else:  # a Dense layer: only its dinputs (Dense.backward's own product), not the weights' gradients
                grad = grad @ layers[i].weights.T
    gradients.reverse()
    return {"activations": activations,
            "activation_std": np.array([a.std() for a in activations]),
            "gradient_std": np.array([g.std() for g in gradients])}


def plot_layer_spread(runs: dict | None = None, depth: int = 10, width: int = 100, n_samples: int = 500,
                      seed: int = 0):
    """One picture of ``deep_stack`` for tanh and ReLU at every scale of ``SCALES``: the std of the activations (top)
    and of the gradients (bottom) at each layer, on a log axis. ``runs``: ``{(activation, scale name): deep_stack
    result}`` already computed (default: computed here with the other arguments). Returns the figure."""
    fig, axes = new_figure(9.6, 6.4, ncols=2, nrows=2, squeeze=False, sharex=True)
    depth = len(next(iter(runs.values()))["activation_std"]) if runs else depth
    layers = np.arange(1, depth + 1)
    for col, activation in enumerate(ACTIVATION_CLASSES):
        for name in SCALES:
            run = runs[activation, name] if runs else deep_stack(activation, name, depth, width, n_samples, seed)
            for row, key in enumerate(("activation_std", "gradient_std")):
                values = np.maximum(run[key], 1e-30)
                axes[row, col].semilogy(layers, values, marker="o", markersize=3.5, label=name)
        axes[0, col].set_title(f"{depth} layers of {'ReLU' if activation == 'relu' else activation}, {width} neurons each")
        axes[1, col].set_xlabel("layer")
    axes[0, 0].set_ylabel("std of the activations")
    axes[1, 0].set_ylabel("std of the gradient")
    for ax in axes.flat:
        ax.grid(True, which="major", alpha=0.3)
        ax.set_xticks(layers)
        power_of_ten_ticks(ax.yaxis)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.set_layout_engine(TightLayout(rect=(0, 0.07, 1, 1)))
    fig.legend(handles, labels, title=None, loc="lower center", ncol=len(labels), fontsize=10,
               frameon=False, bbox_to_anchor=(0.5, 0.0))
    return fig


def plot_seed_spread(results: dict[str, tuple[Sequence[float], Sequence[float]]], title: str = ""):
    """results: ``{method: (training accuracies, validation accuracies)}``, one value per seed, the seeds in the same
    order for every method. Left: training accuracy; right: validation accuracy, each seed a dot, the same seed
    joined by a thin line across methods (so a gain per seed shows as a line going up), mean ± one standard
    deviation beside the dots. Returns the figure."""
    fig, axes = new_figure(9.6, 3.6, ncols=2, gridspec_kw={"width_ratios": [1, 2.2]})
    names = list(results)
    x = np.arange(len(names))
    for ax, part, label in ((axes[0], 0, "training accuracy"), (axes[1], 1, "validation accuracy")):
        values = np.array([np.asarray(results[name][part], dtype=float) for name in names])  # (methods, seeds)
        for seed in range(values.shape[1]):
            ax.plot(x, values[:, seed], color="0.75", lw=0.8, zorder=1)
            ax.scatter(x, values[:, seed], s=18, color=f"C{seed % 10}", zorder=2,
                       label=f"seed {seed}" if part == 1 else None)
        ax.errorbar(x + 0.18, values.mean(axis=1), yerr=values.std(axis=1), fmt="D", color="black", markersize=4,
                    capsize=4, lw=1.3, zorder=3, label="mean ± std" if part == 1 else None)
        ax.set_xticks(x, names, fontsize=9 if part == 0 else 10, rotation=20 if part == 0 else 0)
        ax.set_xlim(-0.4, len(names) - 0.4)
        ax.set_ylabel(label)
        ax.grid(True, axis="y", alpha=0.3)
        low, high = values.min(), values.max()
        pad = max(0.01, 0.15 * (high - low))
        ax.set_ylim(min(low - pad, 0.9) if part == 0 else low - pad, 1.005 if part == 0 else min(1.005, high + pad))
    axes[1].legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.set_layout_engine(TightLayout())
    return fig


def plot_hidden_units(models: dict, X, y, n_units: int = 8, resolution: int = 40):
    """What each of the first ``n_units`` neurons of the first hidden layer computes over the plane, one row per
    model (``{name: Sequential}`` whose layers start Dense, activation): colour = the neuron's activation, from
    blue (−1) to red (+1). Identical tiles in a row are neurons that learned the same thing. Returns the figure."""
    from utils.plots import grid_over

    xx, _, points = grid_over(X, resolution=resolution)
    tiles = []
    for model in models.values():
        hidden = model.layers[1].forward(model.layers[0].forward(points))
        scale = max(1e-12, float(np.max(np.abs(hidden[:, :n_units]))))
        tiles += [hidden[:, unit].reshape(xx.shape) / scale for unit in range(n_units)]
    titles = [f"neuron {unit + 1}" for unit in range(n_units)] + [""] * (n_units * (len(models) - 1))
    return tile_figure(tiles, ncols=n_units, titles=titles, row_labels=list(models), tile=1.0, column=1.15,
                       origin="lower", cmap="coolwarm", vmin=-1, vmax=1, interpolation="nearest")


def train_spiral_net(X, y, lam: float, epochs: int = 500, hidden: int = 64, seed: int = 0):
    """A 2-hidden-64-3 ReLU network (He starts) trained on ``X`` ``(n_samples, 2)``, labels ``y`` with Adam
    (learning rate 0.01) and L2 weight decay ``lam``, full batch. Returns the trained ``Sequential``."""
    from utils.model import fit, make_mlp
    from utils.optimizers import Adam

    net = make_mlp([2, hidden, hidden, int(np.max(y)) + 1], rng=np.random.default_rng(seed))
    fit(net, X, y, Adam(0.01, weight_decay=lam), epochs=epochs)
    return net
