"""Unit tests of the reference implementations in utils."""

import zlib

import numpy as np
import pytest

from utils import activations, data, gradients, losses, optimizers
from utils.layers import Dense
from utils.model import History, Sequential, fit, make_mlp, minibatches
from utils.optimizers import SGD, Adam, sgd_momentum_step


# ------------------------------------------------------------------------------ Dense
def test_dense_shapes_and_init():
    layer = Dense(4, 3, rng=np.random.default_rng(0))
    assert layer.weights.shape == (4, 3) and layer.biases.shape == (1, 3)
    assert np.all(layer.biases == 0) and np.abs(layer.weights).max() < 0.1
    out = layer.forward(np.ones((5, 4)))
    assert out.shape == (5, 3) and layer.output is out and layer.inputs.shape == (5, 4)


def test_dense_is_reproducible_with_a_seeded_rng():
    a = Dense(3, 2, rng=np.random.default_rng(7)).weights
    b = Dense(3, 2, rng=np.random.default_rng(7)).weights
    np.testing.assert_array_equal(a, b)


def test_dense_forward_matches_the_lesson_numbers():
    layer = Dense(4, 3)
    layer.weights = np.array([[0.2, 0.8, -0.5, 1], [0.5, -0.91, 0.26, -0.5], [-0.26, -0.27, 0.17, 0.87]]).T
    layer.biases = np.array([[2.0, 3.0, 0.5]])
    np.testing.assert_allclose(layer.forward(np.array([[1.0, 2.0, 3.0, 2.5]])), [[4.8, 1.21, 2.385]])


@pytest.mark.parametrize(("bad", "message"), [
    (np.ones((5, 3)), r"expected shape \(n_samples, 4\), got shape \(5, 3\)"),
    (np.ones(4), r"single sample of shape \(4,\)"),
    (None, "got None"),
])
def test_dense_rejects_wrong_shapes_with_a_clear_message(bad, message):
    with pytest.raises(ValueError, match=message):
        Dense(4, 3).forward(bad)


def test_dense_backward_rejects_wrong_dvalues():
    layer = Dense(4, 3)
    layer.forward(np.ones((5, 4)))
    with pytest.raises(ValueError, match=r"expected shape \(5, 3\), got shape \(5, 4\)"):
        layer.backward(np.ones((5, 4)))


def test_dense_rejects_bad_sizes():
    with pytest.raises(ValueError, match="positive integers"):
        Dense(0, 3)


# ------------------------------------------------------------------------------ gradients of every layer and loss
def _check_layer_gradient(layer, inputs, rng):
    """Backward of ``layer`` against finite differences of sum(output * R) for a random R."""
    out = layer.forward(inputs)
    weights_for_sum = rng.normal(size=out.shape)

    def scalar(_=None):
        return float(np.sum(layer.forward(inputs) * weights_for_sum))

    layer.forward(inputs)
    dinputs = layer.backward(weights_for_sum)
    assert gradients.rel_error(dinputs, gradients.numerical_gradient(scalar, inputs)) < 1e-7
    if hasattr(layer, "parameters"):
        analytic = {k: v.copy() for k, v in layer.gradients().items()}
        for name, param in layer.parameters().items():
            assert gradients.rel_error(analytic[name], gradients.numerical_gradient(scalar, param)) < 1e-7, name


@pytest.mark.parametrize("shape", [(3, 4), (7, 2), (1, 5)])
@pytest.mark.parametrize("name", sorted(activations.ACTIVATIONS))
def test_activation_backward_matches_finite_differences(name, shape):
    rng = np.random.default_rng(zlib.crc32(f"{name}{shape}".encode()))  # hash() of a str changes per process
    inputs = rng.normal(size=shape)
    inputs[np.abs(inputs) < 1e-3] += 0.01  # keep away from the ReLU kink
    _check_layer_gradient(activations.ACTIVATIONS[name](), inputs, rng)


@pytest.mark.parametrize(("n_in", "n_out", "n"), [(2, 3, 5), (4, 1, 3), (6, 6, 1)])
def test_dense_backward_matches_finite_differences(n_in, n_out, n):
    rng = np.random.default_rng(n_in * 10 + n_out)
    layer = Dense(n_in, n_out, rng=rng)
    layer.weights = rng.normal(size=layer.weights.shape)
    layer.biases = rng.normal(size=layer.biases.shape)
    _check_layer_gradient(layer, rng.normal(size=(n, n_in)), rng)


def _loss_cases(rng):
    y_reg = rng.normal(size=(6, 2))
    probs = activations.softmax(rng.normal(size=(6, 4)))
    labels = rng.integers(0, 4, size=6)
    return [
        ("MSE", losses.MSE(), rng.normal(size=(6, 2)), y_reg),
        ("MAE", losses.MAE(), rng.normal(size=(6, 2)) + 0.5, y_reg),
        ("BCE", losses.BinaryCrossEntropy(), rng.uniform(0.05, 0.95, size=(6, 3)), rng.integers(0, 2, size=(6, 3)).astype(float)),
        ("CCE labels", losses.CategoricalCrossEntropy(), probs, labels),
        ("CCE one-hot", losses.CategoricalCrossEntropy(), probs, np.eye(4)[labels]),
        ("softmax-CE labels", losses.SoftmaxCrossEntropy(), rng.normal(size=(6, 4)), labels),
        ("softmax-CE one-hot", losses.SoftmaxCrossEntropy(), rng.normal(size=(6, 4)), np.eye(4)[labels]),
    ]


@pytest.mark.parametrize("index", range(7))
def test_loss_backward_matches_finite_differences(index):
    name, loss, y_pred, y_true = _loss_cases(np.random.default_rng(11))[index]
    analytic = loss.backward(y_pred, y_true)
    if name.startswith("CCE"):
        # probabilities live on a simplex: compare along directions that keep each row summing to 1
        direction = np.random.default_rng(1).normal(size=y_pred.shape)
        direction -= direction.mean(axis=1, keepdims=True)
        h = 1e-6
        numeric = (loss.forward(y_pred + h * direction, y_true) - loss.forward(y_pred - h * direction, y_true)) / (2 * h)
        assert abs(np.sum(analytic * direction) - numeric) / abs(numeric) < 1e-7
    else:
        numeric = gradients.numerical_gradient(lambda p: loss.forward(p, y_true), y_pred.copy())
        assert gradients.rel_error(analytic, numeric) < 1e-7, name


def test_softmax_ce_equals_softmax_then_cce():
    rng = np.random.default_rng(3)
    logits, labels = rng.normal(size=(5, 3)), rng.integers(0, 3, size=5)
    combined = losses.SoftmaxCrossEntropy()
    separate = losses.CategoricalCrossEntropy()
    probs = activations.softmax(logits)
    assert combined.forward(logits, labels) == pytest.approx(separate.forward(probs, labels))
    chained = activations.Softmax()
    chained.forward(logits)
    np.testing.assert_allclose(combined.backward(logits, labels), chained.backward(separate.backward(probs, labels)))


# ------------------------------------------------------------------------------ activations and losses forward
def test_activations_are_stable_at_extremes():
    z = np.array([[-1e4, -1000.0, 0.0, 1000.0, 1e4]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is harmless
        for name in ["sigmoid", "tanh", "relu", "leaky_relu", "softmax", "step"]:
            out = getattr(activations, name)(z)
            assert np.all(np.isfinite(out)), name
        for cls in activations.ACTIVATIONS.values():
            layer = cls()
            layer.forward(z)
            assert np.all(np.isfinite(layer.backward(np.ones_like(z))))
    np.testing.assert_allclose(activations.sigmoid(z), [[0, 0, 0.5, 1, 1]])
    np.testing.assert_allclose(activations.softmax(np.array([1000.0, 1000.0])), [0.5, 0.5])


def test_softmax_reproduces_the_lesson_and_rows_sum_to_one():
    np.testing.assert_allclose(activations.softmax(np.array([4.8, 1.21, 2.385])), [0.895, 0.025, 0.080], atol=1e-3)
    batch = activations.softmax(np.random.default_rng(0).normal(size=(6, 4)) * 50)
    np.testing.assert_allclose(batch.sum(axis=1), 1.0)


def test_cross_entropy_reproduces_the_lesson():
    probs = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
    cce = losses.CategoricalCrossEntropy()
    assert cce.forward(probs, np.array([0, 1, 1])) == pytest.approx(0.38506, abs=1e-5)
    assert cce.forward(probs, np.eye(3)[[0, 1, 1]]) == pytest.approx(0.38506, abs=1e-5)
    assert cce.forward(np.array([[1.0, 0.0]]), np.array([1])) == pytest.approx(-np.log(1e-7))


@pytest.mark.parametrize(("call", "message"), [
    (lambda: losses.CategoricalCrossEntropy().forward(np.full((2, 3), 1 / 3), np.array([0, 3])), "labels must be in 0..2"),
    (lambda: losses.CategoricalCrossEntropy().forward(np.full((2, 3), 1 / 3), np.array([0, 1, 2])), "expected 2 labels"),
    (lambda: losses.CategoricalCrossEntropy().forward(np.full(3, 1 / 3), np.array([0])), r"\(n_samples, n_classes\)"),
    (lambda: losses.CategoricalCrossEntropy().forward(np.array([[2.0, -1.0]]), np.array([0])), "apply softmax first"),
    (lambda: losses.MSE().forward(np.ones((3, 1)), np.ones(3)), r"y_true.reshape\(-1, 1\)"),
    (lambda: losses.accuracy(np.ones((2, 3)), np.eye(4)[:2]), r"one-hot targets must have shape \(2, 3\)"),
])
def test_losses_reject_bad_input_clearly(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_accuracy_handles_scores_labels_one_hot_and_binary():
    scores = np.array([[2.0, -1.0], [0.1, 0.3], [-3.0, -1.0]])
    assert losses.accuracy(scores, np.array([0, 1, 0])) == pytest.approx(2 / 3)
    assert losses.accuracy(scores, np.eye(2)[[0, 1, 1]]) == 1.0
    assert losses.accuracy(np.array([[0.9], [0.2]]), np.array([[1], [0]])) == 1.0


def test_accuracy_is_a_python_float_equal_to_the_mean_of_hits_and_nan_for_no_samples(recwarn):
    rng = np.random.default_rng(0)
    for n, k in [(1, 3), (7, 2), (300, 3), (1797, 10)]:
        scores, labels = rng.standard_normal((n, k)), rng.integers(0, k, n)
        value = losses.accuracy(scores, labels)
        assert type(value) is float and value == float(np.mean(np.argmax(scores, axis=1) == labels))  # bit for bit
    assert np.isnan(losses.accuracy(np.zeros((0, 3)), np.zeros(0, dtype=np.int64)))
    assert not recwarn.list  # no "mean of empty slice" warning


# ------------------------------------------------------------------------------ gradients module
def test_numerical_gradient_restores_x_and_rejects_ints():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    grad = gradients.numerical_gradient(lambda a: float(np.sum(a ** 3)), x)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(grad, 3 * before ** 2, rtol=1e-8)
    with pytest.raises(ValueError, match="float numpy array"):
        gradients.numerical_gradient(lambda a: 0.0, np.array([1, 2]))


def test_gradient_check_passes_a_network_and_warns_at_kinks(capsys):
    X, y = data.spiral(samples=10, classes=3, seed=0)
    layers = make_mlp([2, 8, 3], rng=np.random.default_rng(2)).layers
    errors = gradients.gradient_check(layers, losses.SoftmaxCrossEntropy(), X, y)
    out = capsys.readouterr().out
    assert set(errors) == {"layer0.weights", "layer0.biases", "layer2.weights", "layer2.biases"}
    assert "warning: layer1 (ReLU)" in out  # spiral starts at (0, 0) and the biases are 0: a kink
    layers[0].biases[:] = 0.1
    assert max(gradients.gradient_check(layers, losses.SoftmaxCrossEntropy(), X, y, verbose=False).values()) < 1e-7


def test_gradient_check_catches_a_wrong_backward():
    X, y = data.spiral(samples=10, classes=3, seed=0)
    layers = make_mlp([2, 8, 3], rng=np.random.default_rng(2)).layers
    layers[0].biases[:] = 0.1
    broken = layers[0]
    original = broken.backward

    def wrong_backward(dvalues):
        result = original(dvalues)
        broken.dweights = broken.dweights.T.reshape(broken.dweights.shape)
        return result

    broken.backward = wrong_backward
    errors = gradients.gradient_check(layers, losses.SoftmaxCrossEntropy(), X, y, verbose=False)
    assert errors["layer0.weights"] > 1e-2 and gradients.verdict(errors["layer0.weights"]) == "WRONG"


def test_finite_difference_errors_shapes_and_float32_is_worse():
    hs = np.logspace(-8, -1, 8)
    t64 = gradients.finite_difference_errors(np.exp, np.exp, 1.0, hs)
    t32 = gradients.finite_difference_errors(np.exp, np.exp, 1.0, hs, dtype=np.float32)
    assert t64["forward"].shape == (8,) and t64["label"] == "float64"
    assert t32["central"].min() > 100 * t64["central"].min()


# ------------------------------------------------------------------------------ data
@pytest.mark.parametrize("generator", [data.spiral, data.vertical])
def test_nnfs_data_is_seeded_and_leaves_global_state_alone(generator):
    np.random.seed(123)
    expected_next = np.random.random()
    np.random.seed(123)
    X1, y1 = generator(samples=20, classes=3, seed=5)
    assert np.random.random() == expected_next  # the caller's global stream is untouched
    X2, y2 = generator(samples=20, classes=3, seed=5)
    np.testing.assert_array_equal(X1, X2)
    assert X1.shape == (60, 2) and X1.dtype == np.float64 and y1.dtype == np.int64
    assert not np.array_equal(X1, generator(samples=20, classes=3, seed=6)[0])


def test_toy_datasets_and_xor_truth_table():
    for name in data.TOY_DATASETS:
        X, y = data.toy_dataset(name, samples=60, noise=0.1, seed=0)
        assert X.shape[1] == 2 and len(X) == len(y) and X.dtype == np.float64
    X, y = data.xor_truth_table()
    assert y.tolist() == [0, 1, 1, 0]
    with pytest.raises(ValueError, match="unknown dataset"):
        data.toy_dataset("moons")


def test_real_datasets_are_offline_and_split_is_stratified():
    X, y, names = data.iris()
    assert X.shape == (150, 4) and names == ["setosa", "versicolor", "virginica"]
    assert all(type(name) is str for name in names)  # printed in a list they read as names, not np.str_(...)
    Xd, yd = data.digits()
    assert Xd.shape == (1797, 64) and set(yd) == set(range(10))
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_fraction=0.2, seed=0)
    assert len(X_test) == 30 and np.bincount(y_test).tolist() == [10, 10, 10]
    scaler = data.Standardizer().fit(X_train)
    np.testing.assert_allclose(scaler.transform(X_train).mean(axis=0), 0, atol=1e-12)



@pytest.mark.parametrize("read_files", [True, False])
def test_real_datasets_equal_scikit_learns_loaders(read_files, monkeypatch):
    # iris() and digits() read scikit-learn's bundled CSV files without importing it (seconds saved per lesson);
    # without the files they ask scikit-learn's loaders. Either way: the very same arrays, names and dtypes.
    from sklearn.datasets import load_digits, load_iris

    if not read_files:
        monkeypatch.setattr(data, "_bundled_with_sklearn", lambda file_name: None)
    else:
        assert data._bundled_with_sklearn("iris.csv") is not None and data._bundled_with_sklearn("nope.csv") is None
    X, y, names = data.iris()
    Xd, yd = data.digits()
    reference, reference_digits = load_iris(), load_digits()
    for ours, theirs in ((X, reference.data), (y, reference.target), (Xd, reference_digits.data),
                         (yd, reference_digits.target)):
        assert np.array_equal(ours, theirs) and ours.flags.c_contiguous
    assert X.dtype == Xd.dtype == np.float64 and y.dtype == yd.dtype == np.int64
    assert names == list(reference.target_names) == ["setosa", "versicolor", "virginica"]
    assert all(type(name) is str for name in names)


# ------------------------------------------------------------------------------ optimizers and training
def test_sgd_momentum_matches_hand_computed_two_steps():
    layer = Dense(1, 1)
    layer.weights = np.array([[1.0]])
    opt = SGD(learning_rate=0.1, momentum=0.9)
    layer.dweights, layer.dbiases = np.array([[0.5]]), np.array([[0.0]])
    opt.step([layer])  # v = -0.05, w = 0.95
    layer.dweights = np.array([[-1.0]])
    opt.step([layer])  # v = 0.9 * -0.05 + 0.1 = 0.055, w = 1.005
    assert layer.weights[0, 0] == pytest.approx(1.005)
    p, v = sgd_momentum_step(np.array([1.0]), np.array([0.5]), np.array([0.0]), 0.1, 0.9)
    assert p[0] == pytest.approx(0.95) and v[0] == pytest.approx(-0.05)


def test_adam_matches_hand_computed_two_steps():
    layer = Dense(1, 1)
    layer.weights = np.array([[1.0]])
    opt = Adam(learning_rate=0.1, beta1=0.9, beta2=0.999, epsilon=1e-7)
    grads = [0.5, -1.0]
    m = v = 0.0
    w = 1.0
    for t, g in enumerate(grads, start=1):
        layer.dweights, layer.dbiases = np.array([[g]]), np.array([[0.0]])
        opt.step([layer])
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= 0.1 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-7)
        assert layer.weights[0, 0] == pytest.approx(w)


def test_optimizers_reject_bad_settings():
    with pytest.raises(ValueError):
        SGD(learning_rate=-1)
    with pytest.raises(ValueError):
        SGD(learning_rate=0.1, momentum=1.5)


def test_fit_decreases_the_loss_on_a_fixed_seed():
    X, y = data.spiral(samples=50, classes=3, seed=0)
    model = make_mlp([2, 32, 3], rng=np.random.default_rng(0))
    history = fit(model, X, y, Adam(0.01), epochs=100)
    assert history.loss[-1] < 0.9 * history.loss[0] and len(history.accuracy) == 100
    again = fit(make_mlp([2, 32, 3], rng=np.random.default_rng(0)), X, y, Adam(0.01), epochs=100)
    assert again.loss == history.loss  # fully reproducible


def test_fit_with_minibatches_and_validation():
    X, y = data.spiral(samples=40, classes=3, seed=0)
    model = make_mlp([2, 16, 3], rng=np.random.default_rng(0))
    history = fit(model, X, y, SGD(0.1, 0.9), epochs=5, batch_size=32, rng=np.random.default_rng(0), validation=(X, y))
    assert len(history.val_loss) == 5 and "validation accuracy" in history.summary()


def test_fit_detects_divergence():
    X, y = data.sine(samples=100)
    from utils.losses import MSE

    model = make_mlp([1, 32, 1], rng=np.random.default_rng(0), loss=MSE())
    history = fit(model, X, y, SGD(5.0), epochs=300)
    assert history.diverged and history.diverged_epoch < 300
    assert "learning rate is too high" in history.summary()


def test_minibatches_cover_every_sample_once_and_shuffle():
    X = np.arange(10, dtype=float).reshape(10, 1)
    y = np.arange(10)
    batches = list(minibatches(X, y, 4, np.random.default_rng(0)))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    seen = np.concatenate([b[1] for b in batches])
    assert sorted(seen.tolist()) == list(range(10)) and seen.tolist() != list(range(10))


def test_sequential_predict_and_history_default():
    model = Sequential([Dense(2, 3, rng=np.random.default_rng(0))])
    assert model.predict(np.ones((4, 2))).shape == (4,)
    np.testing.assert_allclose(model.predict_proba(np.ones((4, 2))).sum(axis=1), 1.0)
    assert History().diverged is False


def test_environment_check_reports_versions(capsys):
    from utils.env_check import check_environment, widgets_supported

    found = check_environment()
    assert found["numpy"].startswith("2.") and "numpy" in capsys.readouterr().out
    assert "widget support" in widgets_supported()


def test_gradient_costs_counts_parameters_from_the_arrays_and_skips_large_finite_differences():
    from utils.costs import gradient_costs
    from utils.data import spiral

    X, y = spiral(samples=5, classes=3, seed=0)
    rows = gradient_costs(X, y, hidden_sizes=[4, 16], finite_differences_up_to=4, repeats=1, fd_repeats=1)
    assert [row["parameters"] for row in rows] == [2 * 4 + 4 + 4 * 3 + 3, 2 * 16 + 16 + 16 * 3 + 3]
    assert rows[0]["finite_differences"] > 0 and np.isnan(rows[1]["finite_differences"])
    assert all(row["forward"] > 0 and row["backprop"] > 0 for row in rows)


# ------------------------------------------------------------------------------ cheap checks still give clear errors
# The checks on the training hot path take a fast lane for a float64 array of the right shape; everything else must
# still end in the thorough check and its clear message (expected vs received).
@pytest.mark.parametrize(("bad", "message"), [
    (np.ones((5, 3), dtype=np.float32), r"expected shape \(n_samples, 4\), got shape \(5, 3\)"),  # not float64
    (np.ones((5, 4, 1)), r"expected shape \(n_samples, 4\), got shape \(5, 4, 1\)"),  # float64, wrong ndim
    (np.ones((5, 4))[:, :3], r"expected shape \(n_samples, 4\), got shape \(5, 3\)"),  # a view, wrong width
    ([[1.0, 2.0, 3.0]], r"expected shape \(n_samples, 4\), got shape \(1, 3\)"),  # a list
    ([["a", "b", "c", "d"]], "expected an array of numbers"),
])
def test_dense_forward_fast_lane_still_rejects_wrong_input(bad, message):
    with pytest.raises(ValueError, match=message):
        Dense(4, 3).forward(bad)


def test_dense_forward_takes_float64_batches_as_they_are_and_converts_the_rest():
    layer = Dense(2, 3, rng=np.random.default_rng(0))
    batch = np.ones((4, 2))
    layer.forward(batch)
    assert layer.inputs is batch  # no copy on the hot path
    out = layer.forward([[1, 1], [1, 1], [1, 1], [1, 1]])  # ints in a list: converted, same result
    assert layer.inputs.dtype == np.float64
    np.testing.assert_array_equal(out, batch @ layer.weights + layer.biases)


def test_relu_gives_max_of_zero_and_z_with_nan_kept_and_no_negative_zero():
    z = np.array([[-2.0, -0.0, 0.0, 3.5, np.nan, -np.inf, np.inf]])
    expected = np.array([[0.0, 0.0, 0.0, 3.5, np.nan, 0.0, np.inf]])
    for out in (activations.relu(z), activations.ReLU().forward(z)):
        np.testing.assert_array_equal(out, expected)
        assert not np.signbit(out[0, :4]).any()  # max(-0.0, 0.0) is written +0.0, as max(0, z) reads


@pytest.mark.parametrize("layer", [activations.ReLU(), activations.Sigmoid(), activations.Softmax()])
def test_activation_backward_rejects_dvalues_of_another_shape(layer):
    layer.forward(np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"expected shape \(5, 3\) \(the shape of the forward output\), got shape \(5, 4\)"):
        layer.backward(np.ones((5, 4)))
    with pytest.raises(ValueError, match="expected an array of numbers, got None"):
        layer.backward(None)


@pytest.mark.parametrize(("labels", "message"), [
    (np.array([0, -1, 2]), r"labels must be in 0..2, got values from -1 to 2"),  # negative: caught by the one pass
    (np.array([0, 3, 2], dtype=np.int8), r"labels must be in 0..2, got values from 0 to 3"),
    (np.arange(6)[::2], r"labels must be in 0..2, got values from 0 to 4"),  # a strided view
    (np.array([0.0, 1.5, 2.0]), "whole numbers"),
    (np.array([0, 1]), "expected 3 labels"),
])
def test_softmax_cross_entropy_still_rejects_bad_labels(labels, message):
    loss = losses.SoftmaxCrossEntropy()
    with pytest.raises(ValueError, match=message):
        loss.forward(np.zeros((3, 3)), labels)
    with pytest.raises(ValueError, match=message):
        loss.backward(np.zeros((3, 3)), labels)


def test_softmax_cross_entropy_backward_reuses_forward_only_for_the_same_arrays():
    rng = np.random.default_rng(0)
    logits, y = rng.normal(size=(6, 3)), np.array([0, 1, 2, 2, 1, 0])
    loss = losses.SoftmaxCrossEntropy()
    expected = (activations.softmax(logits) - np.eye(3)[y]) / 6
    loss.forward(logits, y)
    np.testing.assert_allclose(loss.backward(logits, y), expected)
    # other targets, other logits or another batch size after forward: computed afresh, and still checked
    np.testing.assert_allclose(loss.backward(logits, y[::-1].copy()), (activations.softmax(logits) - np.eye(3)[y[::-1]]) / 6)
    np.testing.assert_allclose(loss.backward(logits[:4].copy(), y[:4].copy()),
                               (activations.softmax(logits[:4]) - np.eye(3)[y[:4]]) / 4)
    with pytest.raises(ValueError, match="labels must be in 0..2"):
        loss.backward(logits, np.array([0, 1, 2, 3, 1, 0]))
    np.testing.assert_allclose(loss.output.sum(axis=1), 1.0)  # backward never changed the stored probabilities


def test_optimizers_make_their_state_once_per_layer():
    layer = Dense(2, 3, rng=np.random.default_rng(0))
    layer.forward(np.ones((4, 2)))
    layer.backward(np.ones((4, 3)))
    for opt, state in [(optimizers.SGD(0.1, momentum=0.9), "velocities"), (optimizers.Adam(0.01), "state"),
                       (optimizers.AdaGrad(0.1), "cache"), (optimizers.RMSProp(0.01), "cache")]:
        opt.step([layer])
        first = getattr(opt, state)[id(layer)]
        opt.step([layer])
        assert getattr(opt, state)[id(layer)] is first
