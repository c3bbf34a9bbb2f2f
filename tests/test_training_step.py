"""The training step's fast lanes (issue 22) give the same numbers and the same errors as the thorough path.

The hot path of ``Dense``, the activations, ``SoftmaxCrossEntropy`` and the optimizers skips work when the input is
already a float64 ndarray; every other input (another dtype object, byte order, memory order, a list, a view) must
take the thorough path and come out the same.
"""

import numpy as np
import pytest

from utils import activations, losses, optimizers
from utils.layers import Dense
from utils.validation import FLOAT64, as_batch, as_float_array


def _plain_softmax_cross_entropy(logits, labels):
    """The textbook formulas, written without the class: (mean clipped -log p of the true class, gradient)."""
    z = np.asarray(logits, dtype=np.float64)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    rows = np.arange(len(labels))
    loss = np.mean(-np.log(np.clip(p[rows, labels], losses.EPS, None)))
    grad = p.copy()
    grad[rows, labels] -= 1.0
    return loss, grad / len(labels)


@pytest.mark.parametrize("layout", ["C", "F", "strided view", "list"])
def test_softmax_cross_entropy_gives_the_textbook_numbers_for_any_memory_layout(layout):
    rng = np.random.default_rng(3)
    base = rng.normal(size=(7, 8)) * 3
    logits = {"C": base[:, :4].copy(), "F": np.asfortranarray(base[:, :4]), "strided view": base[:, ::2],
              "list": base[:, :4].tolist()}[layout]
    labels = rng.integers(0, 4, size=7)
    expected_loss, expected_grad = _plain_softmax_cross_entropy(logits, labels)
    loss = losses.SoftmaxCrossEntropy()
    assert loss.forward(logits, labels) == pytest.approx(expected_loss, rel=1e-12)
    np.testing.assert_allclose(loss.backward(logits, labels), expected_grad, rtol=1e-12, atol=1e-15)  # reused
    np.testing.assert_allclose(loss.backward(np.array(logits, order="F"), labels.copy()), expected_grad,
                               rtol=1e-12, atol=1e-15)  # computed afresh from F-ordered logits
    np.testing.assert_allclose(loss.output.sum(axis=1), 1.0)


def test_softmax_cross_entropy_follows_a_change_of_batch_shape_with_the_same_number_of_samples():
    rng = np.random.default_rng(4)
    loss = losses.SoftmaxCrossEntropy()
    for n_classes in (3, 5, 3, 10):  # the same 6 samples, another number of classes: the flat indices change
        logits, labels = rng.normal(size=(6, n_classes)), rng.integers(0, n_classes, size=6)
        expected_loss, expected_grad = _plain_softmax_cross_entropy(logits, labels)
        assert loss.forward(logits, labels) == pytest.approx(expected_loss, rel=1e-12)
        np.testing.assert_allclose(loss.backward(logits, labels), expected_grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int8, np.uint8, np.uint32, np.uint64, np.float64])
def test_softmax_cross_entropy_takes_labels_of_any_integer_type(dtype):
    logits, labels = np.random.default_rng(6).normal(size=(5, 3)), np.array([2, 0, 1, 1, 0])
    expected_loss, expected_grad = _plain_softmax_cross_entropy(logits, labels)
    loss = losses.SoftmaxCrossEntropy()
    assert loss.forward(logits, labels.astype(dtype)) == pytest.approx(expected_loss, rel=1e-12)
    np.testing.assert_allclose(loss.backward(logits, labels.astype(dtype)), expected_grad, rtol=1e-12, atol=1e-15)


def test_softmax_cross_entropy_takes_one_hot_targets_and_clips_a_hopeless_answer():
    logits = np.array([[0.0, 1e4, 0.0], [5.0, 0.0, 0.0]])
    one_hot = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    loss = losses.SoftmaxCrossEntropy()
    expected_loss, expected_grad = _plain_softmax_cross_entropy(logits, np.array([0, 0]))
    assert loss.forward(logits, one_hot) == pytest.approx(expected_loss, rel=1e-12)
    assert loss.forward(logits, one_hot) < -np.log(losses.EPS)  # the first sample's -log p is clipped at -log(EPS)
    np.testing.assert_allclose(loss.backward(logits, one_hot), expected_grad, rtol=1e-12, atol=1e-15)


def test_softmax_cross_entropy_backward_leaves_the_stored_probabilities_alone():
    logits, labels = np.random.default_rng(5).normal(size=(4, 3)), np.array([0, 2, 1, 2])
    loss = losses.SoftmaxCrossEntropy()
    loss.forward(logits, labels)
    probabilities = loss.output.copy()
    grad = loss.backward(logits, labels)
    assert grad is not loss.output
    np.testing.assert_array_equal(loss.output, probabilities)


def test_float64_arrays_whose_dtype_is_another_object_take_the_thorough_path_with_the_same_result():
    native = np.arange(6, dtype=np.float64).reshape(3, 2)
    assert as_float_array(native, "x") is native and as_batch(native, "x", 2) is native  # no copy on the hot path
    tagged = native.astype(np.dtype(np.float64, metadata={"unit": "m"}))  # equal to float64, another dtype object
    assert tagged.dtype == np.float64 and tagged.dtype is not FLOAT64
    swapped = np.arange(6, dtype=">f8").reshape(3, 2)  # float64 values, big-endian
    for other in (tagged, swapped):
        np.testing.assert_array_equal(as_float_array(other, "x"), native)
        np.testing.assert_array_equal(as_batch(other, "x", 2), native)
    layer, relu = Dense(2, 3, rng=np.random.default_rng(0)), activations.ReLU()
    out = relu.forward(layer.forward(swapped))
    np.testing.assert_array_equal(out, np.maximum(0.0, native @ layer.weights + layer.biases))
    dvalues = np.ones((3, 3), dtype=">f8")
    np.testing.assert_array_equal(layer.backward(relu.backward(dvalues)),
                                  (np.ones((3, 3)) * (relu.inputs > 0)) @ layer.weights.T)


@pytest.mark.parametrize(("dvalues", "message"), [
    (np.ones((4, 2)), r"expected shape \(4, 3\), got shape \(4, 2\)"),
    (np.ones((4, 3), dtype=np.float32)[:, :2], r"expected shape \(4, 3\), got shape \(4, 2\)"),
    (np.ones((4, 3, 1)), r"expected shape \(4, 3\), got shape \(4, 3, 1\)"),
    (None, "expected an array of numbers, got None"),
    ([["a"] * 3] * 4, "expected an array of numbers"),
])
def test_dense_backward_still_rejects_wrong_dvalues(dvalues, message):
    layer = Dense(2, 3)
    layer.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"Dense.backward dvalues: " + message):
        layer.backward(dvalues)


def test_dense_backward_converts_a_list_or_float32_to_the_same_gradients():
    layer = Dense(2, 3, rng=np.random.default_rng(1))
    layer.forward(np.arange(8.0).reshape(4, 2))
    expected = layer.backward(np.arange(12.0).reshape(4, 3))
    for dvalues in (np.arange(12.0).reshape(4, 3).tolist(), np.arange(12, dtype=np.float32).reshape(4, 3)):
        np.testing.assert_array_equal(layer.backward(dvalues), expected)


def test_optimizers_skip_layers_without_parameters_and_update_reassigned_weights_in_place():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(5, 2))
    for opt in (optimizers.SGD(0.1), optimizers.SGD(0.1, momentum=0.9, weight_decay=0.01), optimizers.Adam(0.01),
                optimizers.AdaGrad(0.1), optimizers.RMSProp(0.01, weight_decay=0.1)):
        dense, relu = Dense(2, 3, rng=rng), activations.ReLU()
        relu.forward(dense.forward(X))
        dense.backward(relu.backward(np.ones((5, 3))))
        opt.step([relu, dense])  # the ReLU has nothing to train: skipped
        replaced = dense.weights = np.full((2, 3), 0.5)  # a learner replaces the weights between steps
        opt.step([relu, dense])
        assert dense.weights is replaced and not np.all(replaced == 0.5)  # the step moved the new array, in place
    plain, dense = optimizers.SGD(0.1), Dense(2, 3, rng=rng)
    dense.forward(X)
    dense.backward(np.ones((5, 3)))
    expected = dense.weights - 0.1 * dense.dweights
    plain.step([activations.ReLU(), dense])
    np.testing.assert_array_equal(dense.weights, expected)
