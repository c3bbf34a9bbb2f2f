"""The course's own library: reference implementations, checkers, data, plots and widgets.

Every lesson ends by moving its ideas here, so later lessons use these versions and never depend on
whether a learner solved an earlier exercise.
"""

__all__ = ["activations", "checks", "data", "gradients", "layers", "losses", "model", "optimizers"]
