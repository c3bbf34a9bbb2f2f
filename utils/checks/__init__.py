"""Checkers for every exercise: ``check_<name>(your_function)`` prints ✓ or ✗ with a hint.

A checker never raises and never changes your arrays; ``bool(result)`` is True when every case passed.
"""

from utils.checks.activations import (
    check_leaky_relu,
    check_relu,
    check_sigmoid,
    check_softmax,
    check_step,
    check_tanh,
)
from utils.checks.autograd import (
    check_backward,
    check_mul_backward,
    check_sgd_step,
    check_tanh_backward,
    check_topological_order,
)
from utils.checks.backprop import (
    check_dense_backward,
    check_relu_backward,
    check_sigmoid_backward,
    check_softmax_cross_entropy_backward,
)
from utils.checks.capstone import check_confusion_matrix, check_fixed_train_step, check_standardize
from utils.checks.core import Case, Checker, CheckResult, Mistake, run_quietly
from utils.checks.generalization import (
    check_dropout_backward,
    check_dropout_forward,
    check_early_stopping_epoch,
    check_he_init,
    check_l2_backward,
    check_l2_penalty,
)
from utils.checks.gradients import check_numerical_derivative, check_numerical_gradient
from utils.checks.losses import (
    check_accuracy,
    check_binary_cross_entropy,
    check_categorical_cross_entropy,
    check_mae,
    check_mse,
)
from utils.checks.neuron import check_layer_output, check_neuron_output
from utils.checks.training import check_adam_step, check_sgd_momentum_step, check_training_step

__all__ = [
    "Case", "CheckResult", "Checker", "Mistake", "run_quietly",
    "check_neuron_output", "check_layer_output",
    "check_step", "check_sigmoid", "check_tanh", "check_relu", "check_leaky_relu", "check_softmax",
    "check_mse", "check_mae", "check_binary_cross_entropy", "check_categorical_cross_entropy", "check_accuracy",
    "check_numerical_derivative", "check_numerical_gradient",
    "check_relu_backward", "check_sigmoid_backward", "check_dense_backward",
    "check_softmax_cross_entropy_backward",
    "check_sgd_momentum_step", "check_training_step", "check_adam_step",
    "check_standardize", "check_confusion_matrix", "check_fixed_train_step",
    "check_mul_backward", "check_tanh_backward", "check_topological_order", "check_backward", "check_sgd_step",
    "check_he_init", "check_l2_penalty", "check_l2_backward", "check_dropout_forward", "check_dropout_backward",
    "check_early_stopping_epoch",
]
