"""The lesson-10 library: Dense's ``init``, ``he_init``, L2 weight decay (penalty, gradient, every optimizer's
``weight_decay``), inverted dropout and the ``Dropout`` layer, early stopping (the rule and ``fit(early_stopping=)``),
checked against finite differences, against each other and — when PyTorch is installed (``requirements-bench.txt``)
— against PyTorch's own operations. Without PyTorch those tests are skipped."""

from __future__ import annotations

import numpy as np
import pytest

from utils.activations import ReLU
from utils.gradients import numerical_gradient, rel_error
from utils.layers import Dense, he_init, xavier_init
from utils.losses import SoftmaxCrossEntropy
from utils.model import Sequential, fit, make_mlp
from utils.optimizers import SGD, AdaGrad, Adam, RMSProp
from utils.regularization import (
    Dropout,
    EarlyStopping,
    dropout_backward,
    dropout_forward,
    early_stopping_epoch,
    inference_mode,
    l2_backward,
    l2_penalty,
)


# ------------------------------------------------------------------------------ initialisation
@pytest.mark.parametrize(("init", "std"), [("he", lambda n: np.sqrt(2 / n)), ("xavier", lambda n: np.sqrt(1 / n)),
                                           ("small", lambda n: 0.01), (0.3, lambda n: 0.3)])
def test_dense_init_draws_the_named_scale(init, std):
    layer = Dense(400, 300, rng=np.random.default_rng(0), init=init)
    assert layer.weights.shape == (400, 300) and np.all(layer.biases == 0)
    assert abs(layer.weights.std() / std(400) - 1) < 0.01 and abs(layer.weights.mean()) < 0.01 * std(400)


def test_dense_default_is_unchanged_and_zeros_are_zeros():
    assert np.array_equal(Dense(3, 2, rng=np.random.default_rng(5)).weights,
                          0.01 * np.random.default_rng(5).standard_normal((3, 2)))
    assert not Dense(3, 2, init="zeros").weights.any()


def test_bad_init_says_what_it_expected():
    with pytest.raises(ValueError, match="expected one of"):
        Dense(2, 2, init="kaiming")
    with pytest.raises(ValueError, match=">= 0"):
        Dense(2, 2, init=-1.0)


def test_he_and_xavier_draw_from_the_rng_given():
    a, b = he_init(5, 4, np.random.default_rng(3)), he_init(5, 4, np.random.default_rng(3))
    assert np.array_equal(a, b) and not np.array_equal(a, he_init(5, 4, np.random.default_rng(4)))
    np.testing.assert_allclose(xavier_init(5, 4, np.random.default_rng(3)), a / np.sqrt(2), rtol=1e-15)


def test_the_fan_in_rule_keeps_relu_and_tanh_stacks_alive():
    from utils.generalization_plots import deep_stack

    relu_he = deep_stack("relu", "He: √(2/n)")
    assert 0.3 < relu_he["activation_std"][-1] < 3 and 0.3 < relu_he["gradient_std"][0] < 3
    assert deep_stack("relu", "too small: 0.01")["activation_std"][-1] < 1e-9
    assert deep_stack("relu", "too large: 1")["activation_std"][-1] > 1e6
    assert deep_stack("tanh", "too large: 1")["activation_std"][-1] > 0.9  # saturated at ±1
    assert 0.1 < deep_stack("tanh", "Xavier: √(1/n)")["activation_std"][-1] < 1


# ------------------------------------------------------------------------------ L2
def _net(seed=0):
    rng = np.random.default_rng(seed)
    return [Dense(3, 5, rng=rng, init="he"), ReLU(), Dense(5, 4, rng=rng, init="he")]


def test_l2_penalty_counts_weights_only():
    layers = _net()
    for layer in layers[::2]:
        layer.biases += 3.0
    assert l2_penalty(layers, 0.1) == pytest.approx(0.1 * (np.sum(layers[0].weights**2) + np.sum(layers[2].weights**2)))
    assert l2_penalty(layers, 0.0) == 0.0 and isinstance(l2_penalty(layers, 0.1), float)


def test_l2_backward_matches_finite_differences_of_the_penalty():
    layer = _net()[0]
    W = layer.weights.copy()

    def penalty(w):
        layer.weights = w
        return l2_penalty([layer], 0.03)

    assert rel_error(l2_backward(W, 0.03), numerical_gradient(penalty, W)) < 1e-8


def _loss_with_penalty(layers, X, y, lam):
    out = X
    for layer in layers:
        out = layer.forward(out)
    return SoftmaxCrossEntropy().forward(out, y) + l2_penalty(layers, lam)


@pytest.mark.parametrize("make", [lambda: SGD(0.1), lambda: SGD(0.1, momentum=0.9), lambda: AdaGrad(0.1),
                                  lambda: RMSProp(0.01), lambda: Adam(0.01)])
def test_weight_decay_is_the_gradient_of_the_penalised_loss(make):
    """One step with weight_decay = λ equals one step on the gradient of loss + λ Σ W² (finite differences)."""
    rng = np.random.default_rng(1)
    X, y, lam = rng.standard_normal((8, 3)), np.arange(8) % 4, 0.05
    decayed, by_hand = _net(), _net()
    loss = SoftmaxCrossEntropy()
    out = decayed[2].forward(decayed[1].forward(decayed[0].forward(X)))
    grad = loss.backward(out, y)
    for layer in reversed(decayed):
        grad = layer.backward(grad)
    for layer in by_hand[::2]:  # the gradient of the whole penalised loss, by finite differences
        layer.dweights = numerical_gradient(lambda w, layer=layer: (setattr(layer, "weights", w),
                                                                    _loss_with_penalty(by_hand, X, y, lam))[1],
                                            layer.weights.copy())
        layer.dbiases = numerical_gradient(lambda b, layer=layer: (setattr(layer, "biases", b),
                                                                   _loss_with_penalty(by_hand, X, y, lam))[1],
                                           layer.biases.copy())
    optimizer = make()
    optimizer.weight_decay = lam
    optimizer.step(decayed)
    make().step(by_hand)
    for a, b in zip(decayed[::2], by_hand[::2], strict=True):
        np.testing.assert_allclose(a.weights, b.weights, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(a.biases, b.biases, rtol=1e-7, atol=1e-9)


def test_weight_decay_shrinks_weights_and_refuses_negative_values():
    layer = Dense(2, 2, init=1.0, rng=np.random.default_rng(0))
    layer.dweights, layer.dbiases = np.zeros((2, 2)), np.zeros((1, 2))
    before = layer.weights.copy()
    SGD(0.1, weight_decay=0.5).step([layer])
    np.testing.assert_allclose(layer.weights, (1 - 2 * 0.1 * 0.5) * before)  # (1 - 2ηλ) W
    with pytest.raises(ValueError, match="weight_decay"):
        Adam(0.1, weight_decay=-1)


# ------------------------------------------------------------------------------ dropout
def test_inverted_dropout_keeps_the_expected_value():
    x = np.ones((20_000, 5))
    out, mask = dropout_forward(x, 0.3, np.random.default_rng(0))
    assert set(np.unique(mask)) == {0.0, 1 / 0.7}
    assert abs((mask > 0).mean() - 0.7) < 0.01 and abs(out.mean() - 1) < 0.01
    same, ones = dropout_forward(x, 0.3, np.random.default_rng(0), training=False)
    assert np.array_equal(same, x) and np.array_equal(ones, np.ones_like(x))
    assert np.array_equal(dropout_forward(x[:3], 0.0, np.random.default_rng(0))[0], x[:3])
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        dropout_forward(x, 1.0, np.random.default_rng(0))


def test_dropout_layer_backward_matches_finite_differences_for_a_fixed_mask():
    layer = Dropout(0.4, np.random.default_rng(2))
    x = np.random.default_rng(3).standard_normal((4, 6))
    layer.forward(x)
    mask = layer.mask.copy()
    weights = np.random.default_rng(4).standard_normal((4, 6))
    numeric = numerical_gradient(lambda z: float(np.sum(weights * z * mask)), x.copy())
    assert rel_error(layer.backward(weights), numeric) < 1e-8
    np.testing.assert_array_equal(dropout_backward(weights, mask), weights * mask)


def test_inference_mode_switches_dropout_off_and_back():
    layer = Dropout(0.5, np.random.default_rng(0))
    x = np.ones((2, 3))
    with inference_mode([layer, ReLU()]):
        assert np.array_equal(layer.forward(x), x)
    assert layer.training and not np.array_equal(layer.forward(np.ones((50, 3))), np.ones((50, 3)))


def test_fit_with_dropout_measures_the_whole_network():
    from utils.data import spiral

    X, y = spiral(30, 3, seed=0)
    rng = np.random.default_rng(0)
    model = Sequential([Dense(2, 32, rng=rng, init="he"), ReLU(), Dropout(0.5, rng), Dense(32, 3, rng=rng, init="he")])
    history = fit(model, X, y, Adam(0.01), epochs=20, validation=(X, y))
    assert history.loss[-1] == pytest.approx(history.val_loss[-1])  # both measured with dropout off
    assert np.array_equal(model.predict(X), model.predict(X))  # predict is deterministic


# ------------------------------------------------------------------------------ early stopping
@pytest.mark.parametrize(("losses", "patience", "expected"), [
    ([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.6], 3, 2), ([0.9, 0.5, 0.6, 0.55], 10, 1), ([0.9, 0.5, 0.5, 0.5, 0.4], 2, 1),
    ([1.0, 0.9, 0.95, 0.8], 2, 3), ([0.7], 1, 0), ([0.5, 0.6, 0.4], 1, 0)])
def test_early_stopping_rule_and_the_stopper_agree(losses, patience, expected):
    assert early_stopping_epoch(losses, patience) == expected
    stopper, layer = EarlyStopping(patience), Dense(1, 1)
    for loss in losses:
        if stopper.update(loss, [layer]):
            break
    assert stopper.best_epoch == expected


def test_early_stopping_refuses_bad_input():
    with pytest.raises(ValueError, match="patience"):
        early_stopping_epoch([1.0], 0)
    with pytest.raises(ValueError, match="empty"):
        early_stopping_epoch([], 2)
    with pytest.raises(ValueError, match="validation"):
        fit(make_mlp([2, 3]), np.zeros((3, 2)), np.zeros(3, dtype=int), Adam(0.1), epochs=2,
            early_stopping=EarlyStopping(2))


def test_fit_with_early_stopping_keeps_the_best_weights():
    from utils.data import spiral

    X, y = spiral(20, 3, seed=0)
    X_val, y_val = spiral(50, 3, seed=7)
    model = make_mlp([2, 64, 64, 3], rng=np.random.default_rng(0))
    history = fit(model, X, y, Adam(0.01), epochs=300, validation=(X_val, y_val), early_stopping=EarlyStopping(5))
    best = history.best_epoch
    assert best == early_stopping_epoch(history.val_loss, 5) and len(history.val_loss) < 300
    assert model.loss.forward(model.forward(X_val), y_val) == pytest.approx(history.val_loss[best], rel=1e-12)


# ------------------------------------------------------------------------------ the same operations in PyTorch
def _torch():
    # exc_type: a torch that is installed but cannot be imported (a missing shared library) skips too, with its error
    return pytest.importorskip("torch", reason="PyTorch is only in requirements-bench.txt (make bench installs it)",
                               exc_type=ImportError)


def test_he_init_has_the_std_of_torch_kaiming_normal():
    torch = _torch()
    torch.manual_seed(0)
    reference = torch.nn.init.kaiming_normal_(torch.empty(300, 400, dtype=torch.float64), mode="fan_in",
                                              nonlinearity="relu")  # torch stores (out, in): fan-in 400
    ours = he_init(400, 300, np.random.default_rng(0))
    assert abs(ours.std() / reference.std().item() - 1) < 0.01


@pytest.mark.parametrize("kind", ["sgd", "adam"])
def test_weight_decay_steps_match_torch(kind):
    """Our weight_decay λ adds 2λW: torch's coupled weight_decay 2λ on the weights (not the biases) is the same."""
    torch = _torch()
    rng = np.random.default_rng(0)
    X, y, lam = rng.standard_normal((16, 3)), np.arange(16) % 4, 0.01
    ours = _net()
    t_layers = [torch.nn.Linear(3, 5).double(), torch.nn.Linear(5, 4).double()]
    for t, o in zip(t_layers, ours[::2], strict=True):
        with torch.no_grad():
            t.weight.copy_(torch.from_numpy(o.weights.T.copy()))
            t.bias.copy_(torch.from_numpy(o.biases.ravel().copy()))
    weights, biases = [t.weight for t in t_layers], [t.bias for t in t_layers]
    groups = [{"params": weights, "weight_decay": 2 * lam}, {"params": biases, "weight_decay": 0.0}]
    if kind == "sgd":
        optimizer, t_opt = SGD(0.1, momentum=0.9, weight_decay=lam), torch.optim.SGD(groups, lr=0.1, momentum=0.9)
    else:
        optimizer, t_opt = Adam(0.01, epsilon=1e-8, weight_decay=lam), torch.optim.Adam(groups, lr=0.01, eps=1e-8)
    model = Sequential(ours)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    for _ in range(5):
        out = model.forward(X)
        model.backward(out, y)
        optimizer.step(model.layers)
        t_opt.zero_grad()
        torch.nn.functional.cross_entropy(t_layers[1](torch.relu(t_layers[0](Xt))), yt).backward()
        t_opt.step()
    for t, o in zip(t_layers, ours[::2], strict=True):
        np.testing.assert_allclose(o.weights, t.weight.detach().numpy().T, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(o.biases.ravel(), t.bias.detach().numpy(), rtol=1e-9, atol=1e-12)


def test_dropout_behaves_like_torch_dropout():
    """Different random streams, the same operation: kept values scaled by 1/(1-p), a share p dropped, identity in
    eval mode — and the gradient is the mask."""
    torch = _torch()
    torch.manual_seed(0)
    x = torch.ones(20_000, 5, dtype=torch.float64, requires_grad=True)
    layer = torch.nn.Dropout(0.3)
    out = layer(x)
    out.sum().backward()
    kept = out.detach().numpy()
    assert set(np.unique(kept)) == {0.0, 1 / 0.7}
    ours, mask = dropout_forward(np.ones((20_000, 5)), 0.3, np.random.default_rng(0))
    assert abs((kept > 0).mean() - (mask > 0).mean()) < 0.02
    np.testing.assert_allclose(x.grad.numpy(), kept)  # torch's gradient is its mask, as dropout_backward says
    layer.eval()
    assert torch.equal(layer(x.detach()), x.detach())
