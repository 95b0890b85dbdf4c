"""The seed notebook's experiment, on Keras 3: what shape comes out of one LSTM layer.

The notebook's ``show_output_shapes(data_shape)`` built a model holding a single
``LSTM(4)``, fed it zeros of ``data_shape`` and printed the shape of the prediction,
once with ``return_sequences=False`` and once with ``True``. This module does the same
with Keras 3 (``keras.Input`` instead of ``input_shape=`` on the layer, no progress bar)
and returns the result as an object instead of printing it, so a page can show it as
text or as an HTML table.

Keras is imported inside the functions, so ``import rnnshape_docs.experiment`` stays
light; only calling them starts TensorFlow. Every model built here goes through
`rnnshape_docs.keras_models.check_model`, so the pure shape rules are tested on it.

>>> result = show_output_shapes((1, 3, 1))
>>> print(result)
Input shape: (1, 3, 1)
  Without sequences: (1, 4)
  With sequences: (1, 3, 4)
>>> result.with_sequences
(1, 3, 4)
>>> show_output_shapes([2, 5, 1], units=3).without_sequences
(2, 3)
>>> make_model((5, 7, 3), units=2, return_sequences=True).output_shape
(None, 7, 2)
>>> print(run_experiment([(2, 5, 2), (3, 3, 3)], units=8))
What LSTM(8) returns, with return_sequences=False and True
Input shape  Without sequences  With sequences
-----------  -----------------  --------------
(2, 5, 2)    (2, 8)             (2, 5, 8)
(3, 3, 3)    (3, 8)             (3, 3, 8)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rnnshape_docs.tables import Table

Shape = tuple[int, ...]

#: The ten input shapes (samples, time steps, features) the seed notebook tries, in its order.
SEED_SHAPES: tuple[Shape, ...] = (
    (1, 3, 1),
    (1, 5, 1),
    (1, 3, 2),
    (1, 5, 2),
    (2, 3, 2),
    (2, 5, 2),
    (2, 3, 1),
    (2, 5, 1),
    (3, 3, 3),
    (3, 5, 3),
)

_HEADERS = ("Input shape", "Without sequences", "With sequences")


def _shape(values: Iterable[int | None]) -> Shape:
    return tuple(int(v) for v in values)


@dataclass(frozen=True)
class OutputShapes:
    """The shapes one LSTM layer returns for one input shape, with both settings."""

    input: Shape
    units: int
    without_sequences: Shape  # return_sequences=False: (samples, units)
    with_sequences: Shape  # return_sequences=True: (samples, time steps, units)

    def __str__(self) -> str:
        return (
            f"Input shape: {self.input}\n"
            f"  Without sequences: {self.without_sequences}\n"
            f"  With sequences: {self.with_sequences}"
        )

    def _repr_html_(self) -> str:
        row = (self.input, self.without_sequences, self.with_sequences)
        return Table(
            _HEADERS, [row], f"LSTM({self.units}) fed zeros of shape {self.input}"
        )._repr_html_()


@dataclass(frozen=True)
class Experiment:
    """The results of `show_output_shapes` for several input shapes: one table."""

    units: int
    results: tuple[OutputShapes, ...]

    @property
    def rows(self) -> list[tuple[Shape, Shape, Shape]]:
        return [(r.input, r.without_sequences, r.with_sequences) for r in self.results]

    def table(self) -> Table:
        caption = f"What LSTM({self.units}) returns, with return_sequences=False and True"
        return Table(_HEADERS, self.rows, caption)

    def __str__(self) -> str:
        return str(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def make_model(
    input_shape: Sequence[int],
    units: int = 4,
    return_sequences: bool = False,
):
    """The notebook's model: one LSTM, built for data of ``input_shape``."""
    import keras

    from rnnshape_docs.keras_models import check_model

    model = keras.Sequential(
        [
            keras.Input(shape=tuple(input_shape[1:])),  # no samples axis
            keras.layers.LSTM(units, return_sequences=return_sequences),
        ]
    )
    check_model(model)  # the shape rules must agree with Keras
    return model


def show_output_shapes(
    data_shape: Sequence[int],
    units: int = 4,
) -> OutputShapes:
    """Feed zeros of ``data_shape`` to ``LSTM(units)``, without and with sequences."""
    import numpy as np

    data = np.zeros(tuple(data_shape), dtype="float32")
    shapes = []
    for return_sequences in (False, True):
        model = make_model(data.shape, units, return_sequences)
        shapes.append(_shape(model(data).shape))  # a call: no progress bar
    return OutputShapes(_shape(data.shape), units, *shapes)


def run_experiment(shapes: Iterable[Sequence[int]] = SEED_SHAPES, units: int = 4) -> Experiment:
    """`show_output_shapes` for every shape in ``shapes`` (default: the notebook's ten).

    >>> table = run_experiment()
    >>> len(table.results)
    10
    >>> table.results[-1].with_sequences
    (3, 5, 4)
    """
    return Experiment(units, tuple(show_output_shapes(s, units) for s in shapes))
