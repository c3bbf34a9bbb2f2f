"""utils.blas: training computes on one BLAS thread and gives the threads back, whatever happens inside."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from utils.blas import one_blas_thread
from utils.data import spiral
from utils.losses import MSE
from utils.model import fit, make_mlp
from utils.optimizers import SGD


def _blas_threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


@pytest.fixture
def two_blas_threads():
    if not _blas_threads():
        pytest.skip("numpy's BLAS is not visible to threadpoolctl here")
    with threadpool_limits(limits=2, user_api="blas"):
        yield _blas_threads()


class RecordingSGD(SGD):
    """SGD that notes how many BLAS threads each step ran with."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.threads_seen = []

    def step(self, layers):
        self.threads_seen.append(_blas_threads())
        super().step(layers)


def test_fit_trains_on_one_blas_thread_and_gives_the_threads_back(two_blas_threads):
    X, y = spiral(samples=20, classes=3, seed=0)
    optimizer = RecordingSGD(0.1)
    history = fit(make_mlp([2, 8, 3]), X, y, optimizer, epochs=3)
    assert len(history.loss) == 3
    assert optimizer.threads_seen == [[1] * len(two_blas_threads)] * 3
    assert _blas_threads() == two_blas_threads


def test_the_threads_come_back_when_training_diverges_or_fails(two_blas_threads):
    X = np.linspace(-1, 1, 20).reshape(-1, 1)
    diverged = fit(make_mlp([1, 8, 1], loss=MSE()), X, 1e6 * X, SGD(50.0), epochs=500)
    assert diverged.diverged and _blas_threads() == two_blas_threads
    with pytest.raises(ValueError):
        fit(make_mlp([1, 8, 1], loss=MSE()), X, X, SGD(0.1), epochs=2, validation=(X[:3], X[:3, :0]))
    assert _blas_threads() == two_blas_threads


def test_an_inner_one_thread_block_keeps_the_setting_of_the_block_around_it(two_blas_threads):
    with one_blas_thread():
        assert _blas_threads() == [1] * len(two_blas_threads)
    assert _blas_threads() == two_blas_threads
