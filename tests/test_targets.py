"""Target shapes per loss, and the check a reader runs before fit."""

from __future__ import annotations

import doctest

import pytest

from rnnshape_docs import targets
from rnnshape_docs.targets import TargetShapeError, check_target, target_shapes


def test_module_docstring_examples():
    failures, tried = doctest.testmod(targets, optionflags=doctest.ELLIPSIS)
    assert tried > 0
    assert failures == 0


@pytest.mark.parametrize(
    ("output", "target", "loss"),
    [
        ((None, 1), (32, 1), "mse"),
        ((None, 1), (32,), "mse"),
        ((None, 7, 1), (4, 7), "mse"),
        ((None, 7, 5), (4, 7), "sparse_categorical_crossentropy"),
        ((None, 7, 5), (4, 7, 1), "sparse_categorical_crossentropy"),
        ((None, 7, 5), (4, 7, 5), "categorical_crossentropy"),
        ((None, None, 5), (4, 9, 5), "categorical_crossentropy"),  # any length
    ],
)
def test_targets_that_train(output, target, loss):
    check_target(output, target, loss)


@pytest.mark.parametrize(
    ("output", "target", "loss", "message"),
    [
        # the silent broadcasts of mse: one value per sample against one per step, and back
        ((None, 1), (4, 7), "mse", r"must be \(samples, 1\) or \(samples,\); got \(4, 7\)"),
        ((None, 7, 1), (4, 1), "mse", r"must be \(samples, 7, 1\) or \(samples, 7\); got"),
        ((None, 7, 1), (4,), "mse", r"got \(4,\)$"),
        ((None, 7, 5), (4, 7, 5), "sparse_categorical_crossentropy", r"\(samples, 7\) or"),
        ((None, 7, 5), (4, 7), "categorical_crossentropy", r"must be \(samples, 7, 5\); got"),
    ],
)
def test_targets_that_do_not(output, target, loss, message):
    with pytest.raises(TargetShapeError, match=message):
        check_target(output, target, loss)


def test_an_unknown_loss_is_named():
    with pytest.raises(ValueError, match="unknown loss 'mae'"):
        target_shapes((None, 1), "mae")
    with pytest.raises(ValueError, match="at least one more"):
        target_shapes((None,), "mse")
