"""What a name holds while a program is read: shapes, sizes, layers, models, never data.

Python literals (numbers, strings, tuples) are kept as Python values; everything else a
program makes is one of the small classes here. `Unknown` is what an undefined name, an
unread call or an unsupported construct gives: it flows on silently and never causes a
finding, so a fragment is read as far as it can be.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rnnshape_docs.program.sizes import Size


@dataclass(frozen=True)
class Unknown:
    """A value the reader does not know (an undefined name, an unread call)."""

    what: str = ""


UNKNOWN = Unknown()


@dataclass(frozen=True)
class Array:
    """An array (NumPy, a tensor, a DataFrame's values) by its shape and what it holds.

    ``labels`` says how targets were made: "ids" (integer class ids), "onehot" (rows of
    zeros with a one), or None; ``classes`` is the number of classes when known.
    """

    shape: tuple[Size, ...] | None  # None: the rank is unknown
    dtype: str | None = None  # "float", "int", "bool", "str" or None
    line: int = 0  # where it was made
    labels: str | None = None
    classes: Size = None
    frame: bool = False  # a pandas DataFrame / Series (columns by name)
    ragged: bool = False  # a list of sequences of different lengths (token ids)
    again: int = 0  # the line that one-hot encoded rows that were one-hot already

    @property
    def rank(self) -> int | None:
        return None if self.shape is None else len(self.shape)


@dataclass
class ListVal:
    """A Python list the program builds: its items when known, else its length and one item."""

    items: list[Any] | None
    length: Size
    item: Any = UNKNOWN  # what one element looks like, when the items are not kept
    line: int = 0

    @staticmethod
    def of(items: list[Any], line: int = 0) -> ListVal:
        return ListVal(list(items), len(items), items[0] if items else UNKNOWN, line)


@dataclass(frozen=True)
class Ref:
    """A qualified name the program imported: a module, function or class it never runs."""

    path: str  # e.g. "numpy.zeros", "keras.layers.LSTM"


@dataclass(frozen=True)
class CustomClass:
    """A layer class the program defines (``class Scale(keras.layers.Layer)``): never run;
    its output shape is known only when the reader states it (``--assume``)."""

    name: str


@dataclass
class LayerObj:
    """A Keras layer the program constructs."""

    class_name: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    line: int
    source: Any = None  # the ast.Call, for fixes that quote the code
    name: str = ""  # the name Keras gives it, set when it joins a model
    notes: tuple[str, ...] = ()
    custom: bool = False  # an instance of a class the program defines
    op_config: dict[str, Any] | None = None  # a keras.ops operation (x + y, x[:, -1], ops.mean)


@dataclass(frozen=True)
class Tensor:
    """A symbolic tensor of the functional API: output ``index`` of node ``node``."""

    node: int  # index into Program.nodes; -1 and an input id for keras.Input
    index: int = 0
    input_id: int = -1
    # When the call returned several tensors (return_state=True...) and this value is all of
    # them, as Keras's list: how many. A layer given it gets that many tensors.
    several: int = field(default=0, compare=False)


@dataclass
class InputObj:
    """``keras.Input(shape=...)``: a functional model's input."""

    shape: tuple[Size, ...]  # batch first
    line: int
    name: str
    stated: bool = True


@dataclass
class Compiled:
    loss: Any
    line: int
    node: Any = None  # the compile call, for the loss's fix


@dataclass
class ModelObj:
    """A Keras model the program builds: Sequential layers, or a functional graph."""

    kind: str  # "Sequential" or "Functional"
    line: int
    name: str
    layers: list[LayerObj] = field(default_factory=list)
    inputs: list[Tensor] = field(default_factory=list)  # functional
    outputs: list[Tensor] = field(default_factory=list)  # functional
    declared: tuple[Size, ...] | None = None  # Sequential: the input shape the code states
    declared_line: int = 0
    declared_source: Any = None  # the ast node of the declared shape, for the fix
    declared_node: Any = None  # what the fix replaces: the keyword, or a positional shape
    declared_keyword: str = ""  # "input_shape", "batch_input_shape", "Input", "input_dim"
    compiled: Compiled | None = None
    var: str = ""  # the variable the program keeps it in
    trace: Any = None  # graph.ModelTrace once traced with some input
    traced_input: tuple | None = None
    broken: bool = False  # refused once: no further findings about it
    graph: Any = None  # a built Keras model's graph (`check_fit`), read from its config
    targets_ok: bool = (
        False  # a target has agreed with the loss: a later one that does not is the fault
    )


@dataclass
class Dataset:
    """A tf.data.Dataset: the shape of one element (x, y), and its batch size if batched."""

    x: Any
    y: Any
    batch: Size | bool | None = None  # None: not batched
    line: int = 0


@dataclass
class Function:
    """A function the program defines: read when called (bounded depth)."""

    node: Any
    scope: dict[str, Any]


@dataclass
class Tokenizer:
    num_words: Size = None
    words: Size = None  # len(word_index): unknown until texts are read


@dataclass
class Bound:
    """A method looked up on a value (``model.fit``), called later."""

    owner: Any
    name: str
