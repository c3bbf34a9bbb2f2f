"""What keeps the widgets' Python side cheap (issue 22): one BLAS thread while a widget computes and draws, and
settings seen before shown again without computing them again — the same picture and readout either way."""

import importlib

import numpy as np

from utils import data
from utils import widgets as W
from utils.plots import grid_over
from utils.widgets import generalization
from utils.widgets.engine import Explorer, new_figure, slider


def test_a_refresh_computes_and_draws_on_one_blas_thread_and_gives_the_threads_back(two_blas_threads, blas_threads):
    seen = []
    fig, (ax,) = new_figure(3, 2)
    (line,) = ax.plot([0, 1], [0, 1])

    def update(v):
        seen.append(blas_threads())
        line.set_ydata([0, v.a])
        return f"a = {v.a}"

    explorer = Explorer(fig, {"a": slider("a", 1.0, 0.0, 2.0)}, update, animated=[line])
    explorer.controls["a"].value = 1.5
    assert seen == [[1] * len(two_blas_threads)] * 2 and explorer.readout.value == "a = 1.5"
    assert blas_threads() == two_blas_threads


def test_a_playground_step_trains_on_one_blas_thread(two_blas_threads, blas_threads, monkeypatch):
    playground = importlib.import_module("utils.widgets.playground")  # the module (W.playground is the function)
    seen = []
    real_fit = playground.fit

    def fit(*args, **kwargs):
        seen.append(blas_threads())
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(playground, "fit", fit)
    pg = W.playground()
    pg.step()
    assert seen == [[1] * len(two_blas_threads)] and len(pg.history.loss) == pg.epochs_per_step
    assert blas_threads() == two_blas_threads


def test_init_explorer_shows_a_setting_seen_before_without_sending_the_inputs_through_again(monkeypatch):
    calls = []
    real = generalization.deep_stack

    def deep_stack(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(generalization, "deep_stack", deep_stack)
    explorer = W.init_explorer()
    first = (explorer.image.value, explorer.readout.value, explorer.animated[0].get_array().copy())
    explorer.controls["gain"].value = 0.1
    assert len(calls) == 2 and "vanishing" in explorer.readout.value
    explorer.controls["gain"].value = 1.4  # back: the picture and numbers of the first visit, nothing recomputed
    assert len(calls) == 2
    assert (explorer.image.value, explorer.readout.value) == first[:2]
    np.testing.assert_array_equal(explorer.animated[0].get_array(), first[2])
    explorer.controls["depth"].value = 3  # a new setting is computed
    assert len(calls) == 3


def test_l2_explorer_trains_each_lambda_once_and_shows_what_the_network_predicts(monkeypatch):
    nets = {}
    real = generalization.train_spiral_net

    def train_spiral_net(X, y, lam, epochs=500):
        assert lam not in nets, f"λ = {lam} trained twice"
        nets[lam] = real(X, y, lam, epochs=epochs)
        return nets[lam]

    monkeypatch.setattr(generalization, "train_spiral_net", train_spiral_net)
    explorer = W.l2_explorer(epochs=30)
    first = (explorer.image.value, explorer.readout.value)
    explorer.controls["lam"].value = 1e-2
    explorer.controls["lam"].value = 0.0  # back: the first picture and readout, not trained again
    assert list(nets) == [0.0, 1e-2] and (explorer.image.value, explorer.readout.value) == first
    X, y = data.spiral(samples=20, classes=3, seed=1)  # the explorer's training points
    xx, _, points = grid_over(X, 70)
    np.testing.assert_array_equal(explorer.animated[0].get_array(), nets[0.0].predict(points).reshape(xx.shape))
    assert explorer.readout.value.startswith(f"training accuracy {np.mean(nets[0.0].predict(X) == y):.2f},")
