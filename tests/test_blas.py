"""utils.blas: training computes on one BLAS thread and gives the threads back, whatever happens inside."""

import numpy as np
import pytest

from utils.blas import one_blas_thread
from utils.data import spiral
from utils.losses import MSE
from utils.model import fit, make_mlp
from utils.optimizers import SGD


class RecordingSGD(SGD):
    """SGD that notes how many BLAS threads each step ran with (``count``: the ``blas_threads`` fixture)."""

    def __init__(self, learning_rate, count):
        super().__init__(learning_rate)
        self.count, self.threads_seen = count, []

    def step(self, layers):
        self.threads_seen.append(self.count())
        super().step(layers)


def test_fit_trains_on_one_blas_thread_and_gives_the_threads_back(two_blas_threads, blas_threads):
    X, y = spiral(samples=20, classes=3, seed=0)
    optimizer = RecordingSGD(0.1, blas_threads)
    history = fit(make_mlp([2, 8, 3]), X, y, optimizer, epochs=3)
    assert len(history.loss) == 3
    assert optimizer.threads_seen == [[1] * len(two_blas_threads)] * 3
    assert blas_threads() == two_blas_threads


def test_the_threads_come_back_when_training_diverges_or_fails(two_blas_threads, blas_threads):
    X = np.linspace(-1, 1, 20).reshape(-1, 1)
    diverged = fit(make_mlp([1, 8, 1], loss=MSE()), X, 1e6 * X, SGD(50.0), epochs=500)
    assert diverged.diverged and blas_threads() == two_blas_threads
    with pytest.raises(ValueError):
        fit(make_mlp([1, 8, 1], loss=MSE()), X, X, SGD(0.1), epochs=2, validation=(X[:3], X[:3, :0]))
    assert blas_threads() == two_blas_threads


def test_an_inner_one_thread_block_keeps_the_setting_of_the_block_around_it(two_blas_threads, blas_threads):
    with one_blas_thread():
        assert blas_threads() == [1] * len(two_blas_threads)
    assert blas_threads() == two_blas_threads
