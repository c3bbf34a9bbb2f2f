"""Widgets run the learner's own functions from my_nn/ (docs/design.md §5, §7): they say whose code runs, and a learner
function that raises or returns nonsense mid-drag is a message in the readout, never a crash."""

from __future__ import annotations

import html
import os
import re

import numpy as np
import pytest

from tests.my_library_helpers import library_from_solutions, run_source
from utils import my_library
from utils import widgets as W
from utils.my_library import record


@pytest.fixture(scope="module")
def learner(tmp_path_factory):
    """A learner folder whose my_nn/ holds the course's solutions of lessons 03, 05 and 07."""
    return library_from_solutions(tmp_path_factory.mktemp("learner"), ("03", "05", "07"))


@pytest.fixture
def in_learner_folder(learner, monkeypatch, tmp_path):
    """The kernel's working directory is the learner's folder; a copy, so a test may break a function."""
    import shutil

    shutil.copytree(learner / "my_nn", tmp_path / "my_nn")
    monkeypatch.delenv(record.OFF_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _text(widget) -> str:
    """A readout's words without the HTML."""
    return html.unescape(re.sub(r"<[^>]+>", "", widget.readout.value))


def _break(folder, lesson: str, old: str, new: str) -> None:
    """Edit the learner's saved module by hand (as a learner may), and mark the library changed."""
    module = folder / "my_nn" / f"lesson{lesson}.py"
    text = module.read_text()
    assert old in text
    module.write_text(text.replace(old, new, 1))
    sources = folder / "my_nn" / record.SOURCES_NAME
    os.utime(sources, ns=(sources.stat().st_mtime_ns + 10**9,) * 2)


def test_activation_explorer_draws_the_learners_function_and_says_so(in_learner_folder):
    explorer = W.activation_explorer("sigmoid", w=2.0, b=0.5)
    assert "runs your sigmoid (my_nn/lesson03.py) — dashed, over the course's" in _text(explorer)
    yours = next(line for line in explorer.fig.axes[0].lines if line.get_label() == "yours")
    x = yours.get_xdata()
    assert np.allclose(yours.get_ydata(), 1 / (1 + np.exp(-(2.0 * x + 0.5))))
    explorer.controls["activation"].value = "relu"
    assert "your relu (my_nn/lesson03.py)" in _text(explorer)
    assert np.allclose(yours.get_ydata(), np.maximum(0, 2.0 * x + 0.5))


@pytest.mark.parametrize(("failure", "message"), [
    ("raise ValueError('too negative for me')", "raised ValueError: too negative for me"),
    ("return None", "returned None"),
    ("return z[:3]", "returned shape (3,), expected (400,)"),
])
def test_a_learner_function_that_fails_mid_drag_is_a_message_not_a_crash(in_learner_folder, failure, message):
    _break(in_learner_folder, "03", "def sigmoid(z):\n", f"def sigmoid(z):\n    if np.min(z) < -10:\n        {failure}\n")
    explorer = W.activation_explorer("sigmoid", w=1.0)  # w·x + b reaches -5: their sigmoid works
    yours = next(line for line in explorer.fig.axes[0].lines if line.get_label() == "yours")
    assert "your sigmoid" in _text(explorer) and "⚠" not in _text(explorer)
    before = explorer.image.value
    explorer.controls["w"].value = 3.0  # now it reaches -15: their sigmoid fails mid-drag
    assert f"⚠ your sigmoid (my_nn/lesson03.py) {message}" in _text(explorer)
    assert np.all(np.isnan(yours.get_ydata()))  # nothing drawn for the failing function; the course's curve moves on
    assert explorer.image.value != before
    explorer.controls["w"].value = 1.5  # and back: theirs again
    assert "⚠" not in _text(explorer) and not np.any(np.isnan(yours.get_ydata()))


def test_secant_explorer_uses_the_learners_numerical_derivative(in_learner_folder):
    explorer = W.secant_explorer(h=0.1)
    assert "central slope: runs your numerical_derivative (my_nn/lesson05.py)" in _text(explorer)
    _break(in_learner_folder, "05", "def numerical_derivative(f, x, h=1e-5):\n",
           "def numerical_derivative(f, x, h=1e-5):\n    raise RuntimeError('not today')\n")
    explorer = W.secant_explorer(h=0.1)
    assert "⚠ your numerical_derivative (my_nn/lesson05.py) raised RuntimeError: not today" in _text(explorer)
    explorer.controls["h"].value = 0.01
    assert "showing the course's central slope" in _text(explorer)


def test_loss_surface_steps_with_the_learners_sgd_momentum_step(in_learner_folder):
    explorer = W.loss_surface_explorer(learning_rate=0.04, momentum=0.5)
    assert "your sgd_momentum_step (my_nn/lesson07.py)" in _text(explorer)
    from utils.surfaces import descent_path

    ours = descent_path(0.04, 0.5)
    assert np.allclose(explorer.animated[0].get_xdata(), ours[:, 0])
    _break(in_learner_folder, "07", "def sgd_momentum_step(param, grad, velocity, learning_rate, momentum):\n",
           "def sgd_momentum_step(param, grad, velocity, learning_rate, momentum):\n    return param\n")
    explorer = W.loss_surface_explorer(learning_rate=0.04, momentum=0.5)
    assert "⚠ your sgd_momentum_step (my_nn/lesson07.py) returned ndarray, expected (new_param, new_velocity)" \
        in _text(explorer)
    assert np.allclose(explorer.animated[0].get_xdata(), ours[:, 0])  # the course's path is shown instead


def test_learning_rate_explorer_trains_with_the_learners_training_step(in_learner_folder):
    explorer = W.learning_rate_explorer(learning_rate=0.5, epochs=30)
    assert "your training_step (my_nn/lesson07.py)" in _text(explorer)
    my_losses = explorer.animated[0].get_ydata()
    os.environ[record.OFF_VARIABLE] = "1"
    try:
        course = W.learning_rate_explorer(learning_rate=0.5, epochs=30)
    finally:
        del os.environ[record.OFF_VARIABLE]
    assert "runs" not in _text(course)  # no library: the course's code, as always, and no line about it
    assert np.allclose(my_losses, course.animated[0].get_ydata(), rtol=1e-9)


def test_without_a_library_widgets_say_nothing_about_it_until_one_exists(tmp_path, monkeypatch):
    monkeypatch.delenv(record.OFF_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)
    assert "runs" not in _text(W.activation_explorer("relu")) and "runs" not in _text(W.secant_explorer())
    my_library.start("03", kernel_only=False)
    try:
        ns = {"__name__": "__main__", "__builtins__": __builtins__}
        run_source("import numpy as np\n\ndef step(z):\n    return (np.asarray(z) > 0).astype(float)\n"
                   "from utils.checks import check_step\n_r = check_step(step)\n", ns)
        assert ns["_r"]
    finally:
        my_library.stop()
    # one exercise passed: now every widget says whose code it runs, and how to make it yours
    assert "runs the course's relu (pass check_relu in lesson 03 and it runs yours)" in _text(
        W.activation_explorer("relu"))
    assert "runs your step (my_nn/lesson03.py)" in _text(W.activation_explorer("step"))


def test_playground_steps_with_the_learners_adam_and_survives_a_broken_one(in_learner_folder):
    pg = W.playground(dataset="xor", optimizer="Adam", learning_rate=0.05)
    assert "the optimizer runs your adam_step (my_nn/lesson07.py)" in _text(pg)
    pg.step()
    assert pg.history.loss and "your adam_step" in _text(pg)
    _break(in_learner_folder, "07", "def adam_step(", "def adam_step(*args, **kwargs):\n    return 1 / 0\n\n\n"
                                                     "def _unused_adam_step(")
    pg.controls["optimizer"].value = "momentum"
    pg.controls["optimizer"].value = "Adam"  # a new optimizer, from the broken library
    pg.step()
    assert "⚠ your adam_step (my_nn/lesson07.py) raised ZeroDivisionError: division by zero — the course's " \
           "version takes over" in _text(pg)
    losses = len(pg.history.loss)
    pg.step()
    assert len(pg.history.loss) > losses  # training goes on with the course's step
