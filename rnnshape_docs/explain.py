"""`rnnshape explain`: what a Keras shape error message means, and where the book shows it.

Each kind of message is one `Message`: a pattern (the words Keras 3 prints on TensorFlow
or JAX, or tf.keras 2 printed), what its shapes mean, the fix, and the gallery section that
shows the case. The shapes and the layer's name are read out of the message; nothing is
guessed: a message no pattern knows is not explained (exit status 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rnnshape_docs.rules.base import format_shape

ERRORS = "tools/02-error-gallery.html"
MORE = "tools/02-error-gallery-more.html"
CHECK = "tools/04-check-your-program.html#check-your-program"
MAX_MESSAGE = 200_000  # a whole traceback fits; more is not a message


@dataclass(frozen=True)
class Explanation:
    """A recognised message: its kind, the layer and shapes it names, and what to do."""

    kind: str
    layer: str | None
    expected: Any
    received: Any
    explanation: str
    fix: str
    page: str

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "layer": self.layer,
            "expected": _json(self.expected),
            "received": _json(self.received),
            "explanation": self.explanation,
            "fix": self.fix,
            "page": self.page,
        }

    def __str__(self) -> str:
        lines = [f"kind: {self.kind}"]
        if self.layer:
            lines.append(f"layer: {self.layer}")
        if self.expected is not None:
            lines.append(f"expected: {_text(self.expected)}")
        if self.received is not None:
            lines.append(f"received: {_text(self.received)}")
        lines += [f"what it means: {self.explanation}", f"fix: {self.fix}", f"see: {self.page}"]
        return "\n".join(lines)


def _json(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _text(value: Any) -> str:
    return format_shape(value) if isinstance(value, tuple) else str(value)


def parse_shape_text(text: str) -> tuple | None:
    """``(None, 10)``, ``[32,10]`` or ``(5,)`` as a tuple (None for an unknown size)."""
    body = text.strip().strip("()[]")
    if not body.strip():
        return ()
    sizes: list[int | None] = []
    for part in body.split(","):
        part = part.strip()
        if not part:
            continue
        if part in ("None", "?", "-1"):
            sizes.append(None)
        elif part.isdigit():
            sizes.append(int(part))
        else:
            return None
    return tuple(sizes)


# --------------------------------------------------------------------------- the kinds

_SHAPE = r"([\(\[][^\)\]]*[\)\]])"
_NAME = r"""["']?(?P<layer>[\w/.-]+?)["']?"""


@dataclass(frozen=True)
class Message:
    """One kind of message: its patterns, and how to explain a match."""

    kind: str
    patterns: tuple[str, ...]
    explain: Any  # (match) -> (layer, expected, received, explanation, fix, page)
    compiled: tuple[re.Pattern, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", tuple(re.compile(p, re.DOTALL) for p in self.patterns))


def _axes(rank: int) -> str:
    return {
        2: "(batch, features)",
        3: "(batch, time steps, features)",
        4: "(batch, height, width, channels), or (batch, time steps, a 2-D grid per step)",
        5: "(batch, time steps, height, width, channels)",
    }.get(rank, f"{rank} axes")


def _ndim(m: re.Match):
    layer = m.groupdict().get("layer")
    expected, found = int(m.group("expected")), int(m.group("found"))
    received = parse_shape_text(m.group("shape")) if m.groupdict().get("shape") else None
    got = f"{format_shape(received)}, " if received else ""
    at_least = "at least " if m.groupdict().get("min") else ""
    what = f"{f'layer {layer!r}' if layer else 'the layer'} wants {at_least}{expected}-D input {_axes(expected)} but gets {got}{found}-D"
    # A convolution (min_ndim) one axis short, or a 2-D layer (pooling) given a sequence:
    # the channels axis is missing. (3-D pooling after Attention is the ndim section's.)
    conv = bool(m.groupdict().get("min")) or (expected, found) == (4, 3)
    if conv and expected == found + 1 and expected in (3, 4):
        per = received[1] if received and len(received) == 2 else "n"
        return (
            layer,
            expected,
            received,
            (
                f"{what}: a convolution or pooling layer reads (samples, steps, channels) in 1-D, "
                "(samples, height, width, channels) in 2-D; the channels axis is missing, or a 2-D "
                "layer got a sequence"
            ),
            (
                f"declare the channels axis, e.g. shape=({per}, 1), and give the data it "
                "(X[..., None]); for a sequence, use the 1-D layers (Conv1D, MaxPooling1D)"
            ),
            f"{MORE}#beyond-errors-conv-rank",
        )
    if expected == 2 and found == 3:
        return (
            layer,
            expected,
            received,
            (
                f"{what}: a layer that reads one vector per sample (RepeatVector, for one) got a "
                "sequence: the recurrent layer before it returns sequences"
            ),
            (
                "return_sequences=False on the recurrent layer before it (an encoder hands over its "
                "last output only)"
            ),
            f"{MORE}#beyond-errors-repeat-vector",
        )
    if expected == 3 and found == 2:
        per = received[1] if received and len(received) == 2 else "n"
        return (
            layer,
            expected,
            received,
            (
                f"{what}: one vector of {per} numbers per sample, with no time axis. If another "
                "recurrent layer comes before it, that layer returned only its last output; if it is "
                "the first layer, each sample was declared (or given) without its features axis; if "
                "Dense, Flatten or pooling comes before it, that layer removed the time axis"
            ),
            (
                "after another recurrent layer: return_sequences=True on that layer; as the first "
                f"layer: declare (steps, features), e.g. shape=({per}, 1) for one number per step, "
                f"and reshape the data to (samples, {per}, 1); after Dense/Flatten/pooling: move it "
                "after the recurrent layer (rnnshape check PROGRAM.py names the line)"
            ),
            f"{ERRORS}#beyond-errors-ndim",
        )
    if expected == 3 and found == 4:
        return (
            layer,
            expected,
            received,
            (
                f"{what}: a grid per sample (images, or an Embedding fed vectors) where a sequence "
                "of vectors is expected"
            ),
            (
                "images: a convolutional front end, then Reshape or TimeDistributed(Flatten()) per "
                "step; an Embedding: feed it 2-D integer ids (samples, steps), not vectors; "
                "input_shape=X.shape: drop the samples axis (X.shape[1:])"
            ),
            f"{ERRORS}#beyond-errors-4d",
        )
    if expected == 3 and found == 5:
        return (
            layer,
            expected,
            received,
            f"{what}: video (a grid per time step) into a layer that reads vectors per step",
            "TimeDistributed(...) around the convolutions, then one vector per step; or ConvLSTM2D",
            f"{MORE}#beyond-errors-5d",
        )
    if expected == 5 and found == 4:
        return (
            layer,
            expected,
            received,
            f"{what}: a ConvLSTM2D reads a sequence of grids, and gets one grid per sample",
            (
                "add the time axis: (samples, steps, height, width, channels); a ConvLSTM2D before "
                "it needs return_sequences=True"
            ),
            f"{MORE}#beyond-errors-conv-lstm-4d",
        )
    return (
        layer,
        expected,
        received,
        f"{what}",
        "give the layer the axes it reads: rnnshape trace shows each layer's input and output",
        f"{ERRORS}#beyond-errors",
    )


def _expected_shape(m: re.Match):
    expected = parse_shape_text(m.group("expected"))
    received = parse_shape_text(m.group("found"))
    layer = m.groupdict().get("layer")
    swapped = (
        expected
        and received
        and len(expected) == len(received)
        and sorted(map(str, expected[1:])) == sorted(map(str, received[1:]))
        and expected[1:] != received[1:]
    )
    if (
        expected
        and received
        and len(received) + 1 == len(expected)
        and all(e is None or r == e for r, e in zip(received, expected[1:], strict=True))
    ):
        return (
            layer,
            expected,
            received,
            (
                f"the model takes batches {format_shape(expected)} and is given "
                f"{format_shape(received)}: one sample without its batch axis"
            ),
            "give a batch of one: model.predict(x[None]) (or x.reshape(1, ...))",
            f"{ERRORS}#beyond-errors-one-sample",
        )
    if (
        expected
        and received
        and len(received) + 2 == len(expected)
        and expected[-1] == 1
        and all(e is None or r == e for r, e in zip(received, expected[1:-1], strict=True))
    ):
        inner = ", ".join("-1" if e is None else str(e) for e in expected[1:])
        return (
            layer,
            expected,
            received,
            (
                f"the model takes batches {format_shape(expected)} and is given "
                f"{format_shape(received)}: one sample (a window of single values) without its "
                "batch axis and without its features axis of 1"
            ),
            f"give a batch of one: model.predict(x.reshape(1, {inner}))",
            f"{ERRORS}#beyond-errors-one-sample",
        )
    if swapped:
        return (
            layer,
            expected,
            received,
            (
                f"the model takes {format_shape(expected)} and gets {format_shape(received)}: the "
                "same sizes in another order, so two axes of the data are swapped (windows built as "
                "(samples, features, steps), or a transpose too many)"
            ),
            "transpose the data, e.g. X.transpose(0, 2, 1), or declare the order the data has",
            f"{MORE}#beyond-errors-window-axis",
        )
    return (
        layer,
        expected,
        received,
        (
            f"the model was declared for {format_shape(expected)} (batch first) and is given "
            f"{format_shape(received)}"
        ),
        (
            "reshape the data to the declared shape, or declare the shape the data has "
            "(input_shape=X.shape[1:]); a model with several inputs takes its arrays in the "
            "order of Model(inputs=[...]); rnnshape check PROGRAM.py compares them for you"
        ),
        f"{ERRORS}#beyond-errors-2d-data",
    )


def _target(m: re.Match):
    target = parse_shape_text(m.group("target"))
    output = parse_shape_text(m.group("output"))
    return (
        None,
        output,
        target,
        (
            f"the loss compares the model's output {format_shape(output)} with the target "
            f"{format_shape(target)}, and they do not line up"
        ),
        (
            "make the target the output's shape, or the output the target's: return_sequences on "
            "the last recurrent layer decides whether the output has a time axis, the last Dense "
            "its width; integer class ids need sparse_categorical_crossentropy"
        ),
        f"{ERRORS}#beyond-errors-target",
    )


def _sparse_rows(m: re.Match):
    """A sparse loss whose target and output rows differ: one-hot rows (the target has the
    output's width as a last axis more: JAX's wording), or one label per sequence against one
    output per step (or the reverse)."""
    target, output = parse_shape_text(m.group("a")), parse_shape_text(m.group("b"))
    if target and output and len(target) == len(output) + 1 and target[-1] == output[-1]:
        return (
            None,
            output,
            target,
            (
                f"sparse_categorical_crossentropy reads integer class ids, but the target "
                f"{format_shape(target)} holds one-hot rows as wide as the output "
                f"{format_shape(output)}"
            ),
            "loss='categorical_crossentropy' for one-hot targets, or give the integer ids",
            f"{MORE}#beyond-errors-sparse-one-hot",
        )
    return (
        None,
        output,
        target,
        (
            f"sparse_categorical_crossentropy wants one class id per output row: the target "
            f"{format_shape(target)} and the output {format_shape(output)} do not have the same "
            "rows (one label per sequence against one output per step, or the reverse)"
        ),
        (
            "one label per sequence: the last recurrent layer without return_sequences; one per "
            "step: return_sequences=True and targets (samples, steps)"
        ),
        f"{MORE}#beyond-errors-sparse-per-sequence",
    )


def _fixed(kind_text: str, fix: str, page: str, layer_group: str | None = None):
    def explain(m: re.Match):
        layer = m.group(layer_group) if layer_group else None
        return layer, None, None, kind_text, fix, page

    return explain


def _sparse_same_rank(m: re.Match):
    """A sparse loss whose target has as many axes as the output: one-hot rows when the last
    axes agree; otherwise the message cannot tell one-hot rows of another width from one class
    id per time step against one output per sequence, and says both."""
    target, output = parse_shape_text(m.group("a")), parse_shape_text(m.group("b"))
    last = (target[-1], output[-1]) if target and output else (None, None)
    if None in last or last[0] == last[1]:
        return (
            None,
            target,
            output,
            (
                f"sparse_categorical_crossentropy reads integer class ids, but the target "
                f"{format_shape(target)} has as many axes as the output {format_shape(output)}: "
                "it holds one-hot rows"
            ),
            "loss='categorical_crossentropy' for one-hot targets, or give the integer ids",
            f"{MORE}#beyond-errors-sparse-one-hot",
        )
    return (
        None,
        target,
        output,
        (
            f"sparse_categorical_crossentropy wants one class id per output row, and the target "
            f"{format_shape(target)} has as many axes as the output {format_shape(output)} with "
            f"another last axis: either {last[0]} class ids per sample, one per time step, "
            f"against one output per sequence, or one-hot rows of {last[0]} classes against "
            f"{last[1]} outputs"
        ),
        (
            "one label per time step: return_sequences=True on the last recurrent layer (the "
            f"output becomes (samples, steps, {last[1]})); one-hot rows: "
            f"loss='categorical_crossentropy' and a last Dense of {last[0]} units"
        ),
        f"{MORE}#beyond-errors-sparse-per-sequence",
    )


def _pair(what: str, fix: str, page: str, first: str = "a", second: str = "b"):
    def explain(m: re.Match):
        a = parse_shape_text(m.group(first))
        b = parse_shape_text(m.group(second))
        return None, a, b, what.format(a=_text(a), b=_text(b)), fix, page

    return explain


def _sizes(what: str, fix: str, page: str):
    def explain(m: re.Match):
        a, b = int(m.group("a")), int(m.group("b"))
        return None, a, b, what.format(a=a, b=b), fix, page

    return explain


MESSAGES: tuple[Message, ...] = (
    Message(
        "ndim",
        (
            (
                rf"Input \d+ (?:with name \S+ )?of layer {_NAME} is incompatible with the layer: expected "
                rf"(?P<min>min_)?ndim=(?P<expected>\d+), found ndim=(?P<found>\d+)"
                rf"(?:\. Full shape received: (?P<shape>{_SHAPE}))?"
            ),
            (
                r"Input \d+ is incompatible with layer (?P<layer>[\w/.-]+): expected "
                r"ndim=(?P<expected>\d+), found ndim=(?P<found>\d+)"
            ),
            r"expected (?P<min>min_)?ndim=(?P<expected>\d+), found ndim=(?P<found>\d+)",  # the words alone
        ),
        _ndim,
    ),
    Message(
        "expected shape",
        (
            (
                rf"Input \d+ (?:with name \S+ )?of layer {_NAME} is incompatible with the layer: "
                rf"expected shape=(?P<expected>{_SHAPE}), found shape=(?P<found>{_SHAPE})"
            ),
            rf"Expected shape (?P<expected>{_SHAPE}), but input has incompatible shape (?P<found>{_SHAPE})",
        ),
        _expected_shape,
    ),
    Message(
        "target and output",
        (
            (
                rf"Arguments `target` and `output` must have the same (?:rank \(ndim\)|shape)\. "
                rf"Received: target\.shape=(?P<target>{_SHAPE}), output\.shape=(?P<output>{_SHAPE})"
            ),
        ),
        _target,
    ),
    Message(
        "sparse target per sequence",
        (
            (
                rf"Arguments `target` and `output` must have the same shape up until the last "
                rf"dimension: target\.shape=(?P<a>{_SHAPE}), output\.shape=(?P<b>{_SHAPE})"
            ),
        ),
        lambda m: _sparse_rows(m),
    ),
    Message(
        "sparse target one-hot",
        (
            (
                rf"Argument `output` must have rank \(ndim\) `target\.ndim - 1`\. Received: "
                rf"target\.shape=(?P<a>{_SHAPE}), output\.shape=(?P<b>{_SHAPE})"
            ),
        ),
        lambda m: _sparse_same_rank(m),
    ),
    Message(
        "logits and labels",
        (
            (
                rf"logits and labels must have the same first dimension, got logits shape "
                rf"(?P<a>{_SHAPE}) and labels shape (?P<b>{_SHAPE})"
            ),
        ),
        _pair(
            "the sparse loss flattened the output to {a} rows and the labels to {b}: one label "
            "per sequence against one output per step, or the reverse",
            "match the time axes: return_sequences on the last recurrent layer decides whether "
            "the output has one",
            f"{MORE}#beyond-errors-sparse-per-sequence",
        ),
    ),
    Message(
        "incompatible shapes",
        (rf"Incompatible shapes: (?P<a>{_SHAPE}) vs\. (?P<b>{_SHAPE})",),
        _pair(
            "two tensors of shapes {a} and {b} met in an operation that needs them equal (or "
            "broadcastable): usually the target against the output inside the loss",
            "give the target the output's shape (rnnshape check PROGRAM.py compares them)",
            f"{ERRORS}#beyond-errors-target",
        ),
    ),
    Message(
        "dimensions must be equal",
        (
            (
                r"Dimensions must be equal, but are (?P<a>\d+) and (?P<b>\d+) for '\{\{node "
                r"(?P<node>[^}]*)\}\}"
            ),
        ),
        lambda m: (
            None,
            int(m.group("a")),
            int(m.group("b")),
            (
                f"inside the loss ({m.group('node')}), the output has {m.group('a')} where "
                f"the target has {m.group('b')} (or the reverse): their axes do not line up"
                if "loss" in m.group("node")
                else f"an operation ({m.group('node')}) got {m.group('a')} where it was built "
                f"for {m.group('b')}: usually the features of the data against what the "
                "model was declared with, or swapped axes"
            ),
            "compare the data, the target and the model: rnnshape check PROGRAM.py names the line",
            f"{MORE}#beyond-errors-mse-steps"
            if "loss" in m.group("node")
            else f"{MORE}#beyond-errors-window-axis",
        ),
    ),
    Message(
        "attention widths",
        (
            (
                r"Exception encountered when calling Attention\.call\(\).*?"
                rf"Matrix size-incompatible: In\[0\]: (?P<a>{_SHAPE}), In\[1\]: (?P<b>{_SHAPE})"
            ),
        ),
        _pair(
            "Attention multiplies the query {a} by the key {b}: the query and the key (the value, "
            "when no key is given) must be equally wide",
            "give query and key the same width (a Dense before one of them), or use "
            "MultiHeadAttention, which projects them itself",
            f"{ERRORS}#beyond-errors-attention-width",
        ),
    ),
    Message(
        "matrix size-incompatible",
        (
            rf"Matrix size-incompatible: In\[0\]: (?P<a>{_SHAPE}), In\[1\]: (?P<b>{_SHAPE})",
            (
                r"dot_general requires contracting dimensions to have the same shape, got "
                rf"(?P<a>{_SHAPE}) and (?P<b>{_SHAPE})"
            ),
        ),
        _pair(
            "a layer's weights were made for one number of features and the data has another: "
            "the input {a} against the kernel {b} (the last size of the first against the first "
            "of the second)",
            "give the data the features the model was built with, or build the model for the "
            "data's (input_shape=X.shape[1:])",
            f"{MORE}#beyond-errors-window-axis",
        ),
    ),
    Message(
        "cardinality",
        # One input size against the targets'; several input sizes are the list case below.
        (r"Data cardinality is ambiguous.*?'?x'? sizes: (?P<a>\d+)\s+'?y'? sizes: (?P<b>\d+)",),
        _sizes(
            "fit was given {a} input samples and {b} target samples: each input needs its target",
            "cut inputs and targets from the same rows (windows: one target per window)",
            CHECK,
        ),
    ),
    Message(
        "cardinality of a list",
        (r"Data cardinality is ambiguous.*?'?x'? sizes: (?P<sizes>\d+(?:, \d+)+)",),
        lambda m: (
            None,
            None,
            m.group("sizes"),
            (
                f"a list of arrays was read as several inputs of one dataset, and their first axes "
                f"({m.group('sizes')}) disagree: most often sequences of different lengths given "
                "as a Python list"
            ),
            (
                "pad them into one (samples, steps, features) array (keras.utils.pad_sequences, "
                "dtype='float32') and mask the padding, or predict each as a batch of one"
            ),
            f"{MORE}#beyond-errors-cardinality",
        ),
    ),
    Message(
        "not a scalar",
        (
            r"only 0-dimensional arrays can be converted to Python scalars",
            r"Conversion of an array with ndim > 0 to a scalar is deprecated",
        ),
        _fixed(
            "float() or int() was given an array, such as a prediction for one sample: a (1, 1) "
            "array, one row per sample and one column per output unit",
            "say which element: prediction[0, 0], or prediction.item() for the only one",
            f"{MORE}#beyond-errors-scalar",
        ),
    ),
    Message(
        "unknown rank",
        (r"Cannot take the length of shape with unknown rank",),
        _fixed(
            "the model's compiled predict (or train) function has seen inputs of two different "
            "ranks: for example one window of a one-feature model without its batch axis, "
            "then a proper batch",
            "always give a batch, e.g. model.predict(window[None]); after a wrong call, "
            "model.make_predict_function(force=True) or compile again",
            f"{MORE}#beyond-errors-unknown-rank",
        ),
    ),
    Message(
        "stateful batch size",
        (
            r"When using `stateful=True` in a RNN, the batch size must be static",
            r"If a RNN is stateful, it needs to know its batch size",
        ),
        _fixed(
            "a stateful layer keeps one state per row of the batch, so the batch size must be "
            "fixed when the model is built",
            "keras.Input(shape=(steps, features), batch_size=B), and batches of exactly B",
            f"{ERRORS}#beyond-errors-stateful",
        ),
    ),
    Message(
        "stateful batch mismatch",
        (
            (
                r"If an RNN is stateful, the batch size of the input sequences must be the same as "
                r"the batch size of the initial state"
            ),
        ),
        _fixed(
            "the stateful model was built for one batch size and called with another",
            "feed batches of exactly the size the model was built with (batch_size= in fit and "
            "predict, and a number of samples that divides into it)",
            f"{ERRORS}#beyond-errors-stateful-batch",
        ),
    ),
    Message(
        "unrecognized keyword",
        (r"Unrecognized keyword arguments passed to (?P<layer>\w+): \{'(?P<key>\w+)'",),
        lambda m: (
            m.group("layer"),
            None,
            m.group("key"),
            f"{m.group('layer')} does not take {m.group('key')}= in Keras 3"
            + _legacy(m.group("key")),
            _legacy_fix(m.group("key")),
            {
                "time_major": f"{ERRORS}#beyond-errors-time-major",
                "batch_input_shape": f"{ERRORS}#beyond-errors-batch-input-shape",
                "input_length": f"{MORE}#beyond-errors-lstm-input-length",
            }.get(m.group("key"), f"{ERRORS}#beyond-errors-input-shape"),
        ),
    ),
    Message(
        "input_length",
        (r"Argument `input_length` is deprecated",),
        _fixed(
            "Keras 3's Embedding takes no input_length: the length comes from the input",
            "remove input_length=; declare keras.Input(shape=(steps,)) if the length is fixed",
            f"{MORE}#beyond-errors-input-length",
        ),
    ),
    Message(
        "merge mode",
        (r"Invalid merge mode\. Received: (?P<mode>\w+)",),
        _fixed(
            "Bidirectional combines its two directions with concat, sum, mul or ave (or None for "
            "both separately)",
            "merge_mode='concat' (the default), 'sum', 'mul', 'ave' or None",
            f"{ERRORS}#beyond-errors-merge-mode",
        ),
    ),
    Message(
        "several tensors into one layer",
        (
            r"Layer (?P<layer>\S+) expects (?P<a>\d+) input\(s\), but it received (?P<b>\d+) input tensors",
        ),
        lambda m: (
            m.group("layer").strip("\"'"),
            int(m.group("a")),
            int(m.group("b")),
            (
                f"a layer that reads {m.group('a')} tensor got {m.group('b')}: the layer before it "
                "returns several (return_state=True, or Bidirectional with merge_mode=None)"
            ),
            (
                "take the output you need in the functional API (out, h, c = LSTM(..., "
                "return_state=True)(x)), or drop return_state"
            ),
            f"{MORE}#beyond-errors-bidirectional-state"
            if m.group("b") == "5"
            else f"{ERRORS}#beyond-errors-return-state",
        ),
    ),
    Message(
        "label out of range",
        (
            r"Received a label value of (?P<a>\d+) which is outside the valid range of \[0, (?P<b>\d+)\)",
        ),
        _sizes(
            "a class id {a} reached a softmax of {b} units: the output has fewer classes than "
            "the labels",
            "Dense(number of classes) as the last layer (the largest id + 1)",
            f"{MORE}#beyond-errors-sparse-one-hot",
        ),
    ),
    Message(
        "embedding index",
        (r"indices\[[^\]]*\] = (?P<a>\d+) is not in \[0, (?P<b>\d+)\)",),
        _sizes(
            "an id {a} reached an Embedding with rows for ids 0 to {b} - 1 (input_dim={b})",
            "Embedding(input_dim=largest id + 1, ...); with a Tokenizer, len(word_index) + 1",
            CHECK,
        ),
    ),
    Message(
        "kernel shape",
        (r"Kernel shape must have the same length as input",),
        _fixed(
            "a convolution got input of another rank than it reads: Conv2D reads 4-D images, "
            "video is 5-D",
            "TimeDistributed(Conv2D(...)) for a sequence of images, or Conv3D",
            f"{MORE}#beyond-errors-kernel-shape",
        ),
    ),
    Message(
        "attention value missing",
        (r"missing a required argument: 'value'",),
        _fixed(
            "MultiHeadAttention is called with the query and the value (and the key)",
            "layer(query, value), e.g. layer(x, x) for self-attention",
            f"{MORE}#beyond-errors-mha-value",
        ),
    ),
    Message(
        "cudnn layer",
        (r"has no attribute 'CuDNN(?:LSTM|GRU)'",),
        _fixed(
            "CuDNNLSTM and CuDNNGRU are gone: LSTM and GRU use cuDNN themselves when they can",
            "keras.layers.LSTM (or GRU) with the default activations",
            f"{MORE}#beyond-errors-cudnnlstm",
        ),
    ),
    Message(
        "use_cudnn",
        (r"use_cudnn=True was specified, but cuDNN is not supported",),
        _fixed(
            "cuDNN was demanded where it cannot run (no GPU, or settings it does not support)",
            "leave use_cudnn at its default, 'auto'",
            f"{MORE}#beyond-errors-use-cudnn",
        ),
    ),
    Message(
        "unbuilt model",
        (r"has no defined output shape yet",),
        _fixed(
            "a Sequential model without an input shape is built only when it first sees data",
            "start it with keras.Input(shape=(steps, features)), or call it on data first",
            f"{MORE}#beyond-errors-unbuilt",
        ),
    ),
    Message(
        "merge shapes",
        (
            rf"Inputs have incompatible shapes\. Received shapes (?P<a>{_SHAPE}) and (?P<b>{_SHAPE})",
        ),
        _pair(
            "a merge layer (Add, Subtract, Multiply, Average, Maximum, Minimum) combines its inputs "
            "number by number, and got {a} and {b} (batch axis left out)",
            "give the branches the same units, or Concatenate to keep both widths",
            f"{MORE}#beyond-errors-merge-shapes",
        ),
    ),
    Message(
        "concatenate shapes",
        (
            (
                r"A `Concatenate` layer requires inputs with matching shapes except for the "
                r"concatenation axis\.(?: Received: input_shape=\[(?P<a>\([^)]*\)), (?P<b>\([^)]*\))"
                r"\])?"
            ),
        ),
        lambda m: (
            None,
            parse_shape_text(m.group("a")) if m.group("a") else None,
            parse_shape_text(m.group("b")) if m.group("b") else None,
            (
                "Concatenate joins its inputs along the last axis, so every other axis must agree: "
                "most often a sequence (samples, steps, features) met a vector (samples, units)"
            ),
            (
                "RepeatVector(steps) on the vector to give it the time axis, or return_sequences "
                "alike on both recurrent layers"
            ),
            f"{MORE}#beyond-errors-concatenate",
        ),
    ),
    Message(
        "attention list",
        (
            (
                r"(?P<layer>\w*Attention) layer (?:must be called on a list of inputs|accepts inputs "
                r"list of length 2 or 3)"
            ),
        ),
        _fixed(
            "Attention and AdditiveAttention are called on a list, [query, value] or "
            "[query, value, key], not on one tensor",
            "layer([query, value]), e.g. layer([x, x]) for self-attention",
            f"{MORE}#beyond-errors-attention-list",
            "layer",
        ),
    ),
    Message(
        "time distributed rank",
        (
            (
                r"`TimeDistributed` Layer should be passed an `input_shape` with at least 3 "
                rf"dimensions, received: (?P<shape>{_SHAPE})"
            ),
        ),
        lambda m: (
            "TimeDistributed",
            3,
            parse_shape_text(m.group("shape")),
            (
                f"TimeDistributed applies its layer once per time step and got "
                f"{format_shape(parse_shape_text(m.group('shape')))}: no time axis (the recurrent "
                "layer before it returns only its last output)"
            ),
            (
                "return_sequences=True on the recurrent layer before it, or drop TimeDistributed for "
                "one output per sequence"
            ),
            f"{MORE}#beyond-errors-time-distributed-2d",
        ),
    ),
    Message(
        "reshape size",
        (
            (
                r"The total size of the tensor must be unchanged\. Received: "
                rf"input_shape=(?P<a>{_SHAPE}), target_shape=(?P<b>{_SHAPE})"
            ),
        ),
        _pair(
            "Reshape only regroups each sample's numbers: {a} cannot become {b}, which holds "
            "another number of them",
            "a target whose sizes multiply to the same number, e.g. Reshape((steps, 1)) for one "
            "feature per step",
            f"{MORE}#beyond-errors-reshape",
        ),
    ),
    Message(
        "cell on 2-D input",
        (
            (
                r"Shapes used to initialize variables must be fully-defined \(no `None` dimensions\)\. "
                rf"Received: shape=(?P<a>{_SHAPE}) for variable path='(?P<path>[^']*)'"
            ),
        ),
        lambda m: (
            m.group("path"),
            None,
            parse_shape_text(m.group("a")),
            (
                f"the weights {m.group('path')!r} could not be made: the layer found no features "
                "axis, most often keras.layers.RNN(cell) given 2-D input (samples, steps)"
            ),
            (
                "declare the features axis, e.g. keras.Input(shape=(steps, 1)), and give the data it "
                "(X[..., None])"
            ),
            f"{MORE}#beyond-errors-cell-2d",
        ),
    ),
    Message(
        "cell call",
        (
            r"Exception encountered when calling (?P<layer>LSTMCell|GRUCell|SimpleRNNCell)\.call\(\)",
        ),
        _fixed(
            "the recurrent cell failed inside its step: usually an initial_state whose width is "
            "not the layer's units",
            "give initial_state tensors of width units (an encoder of the same units)",
            f"{ERRORS}#beyond-errors-initial-state-width",
            "layer",
        ),
    ),
    Message(
        "attention call",
        (r"Exception encountered when calling Attention\.call\(\)",),
        _fixed(
            "Attention failed inside its call: the query and the value (or key) differ in width, "
            "or are not sequences",
            "give query and key the same width (a Dense before one of them)",
            f"{ERRORS}#beyond-errors-attention-width",
        ),
    ),
)


def _legacy(key: str) -> str:
    from rnnshape_docs.specs import LEGACY_KEYWORDS

    if key in LEGACY_KEYWORDS:
        new, era = LEGACY_KEYWORDS[key]
        return f": it is the {era} spelling of {new}="
    return ""


def _legacy_fix(key: str) -> str:
    from rnnshape_docs.specs import LEGACY_KEYWORDS

    if key == "batch_input_shape":
        return "keras.Input(batch_shape=(batch, steps, features)) as the model's first entry"
    if key == "time_major":
        return "remove it; transpose time-major data to (batch, steps, features)"
    if key in LEGACY_KEYWORDS:
        return f"{LEGACY_KEYWORDS[key][0]}= (the Keras 3 name)"
    return f"remove {key}= (rnnshape trace lists what the layer takes)"


class ExplainError(ValueError):
    """The input is not text that can hold a message (one line, exit status 2)."""


def explain(message: str) -> Explanation | None:
    """The explanation of a Keras message (or a whole traceback), or None if not known."""
    if not isinstance(message, str):
        raise ExplainError("give the message as text")
    if len(message) > MAX_MESSAGE:
        raise ExplainError(
            f"{len(message):,} characters is more than a message or a traceback; paste the last "
            "lines (the error itself)"
        )
    text = re.sub(r"\x1b\[[0-9;]*m", "", message)
    # The last message in a traceback is the error itself (earlier lines quote code); of
    # matches that end together, the longest says the most (the layer, the shape).
    best: tuple[tuple[int, int], Message, re.Match] | None = None
    for kind in MESSAGES:
        for pattern in kind.compiled:
            for m in pattern.finditer(text):
                rank = (m.end(), -m.start())
                if best is None or rank > best[0]:
                    best = (rank, kind, m)
    if best is None:
        return None
    _, kind, m = best
    layer, expected, received, explanation, fix, page = kind.explain(m)
    return Explanation(kind.kind, layer, expected, received, explanation, fix, page)
