"""Pure shape rules for Keras 3 layers: no TensorFlow import on this path.

`trace(layers, input_shape)` walks a stack of layers and returns one `Step` per layer,
with its input shape, its output shape(s) and a one-line reason. A layer that cannot take
its input raises `ShapeError` naming the layer and the fix.

>>> t = trace(["LSTM(4, return_sequences=True)", "LSTM(8)", "Dense(1)"], (2, 5, 3))
>>> [s.outputs for s in t.steps]
[((2, 5, 4),), ((2, 8),), ((2, 1),)]
>>> t.steps[1].why
'return_sequences=False: only the last of the 5 outputs is kept, 8 wide'
>>> trace(["LSTM(4)", "LSTM(8)"], (2, 5, 3))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
rnnshape_docs.shapes.ShapeError: layer 2, LSTM(8): a recurrent layer needs 3-D input ...

The rules were checked against Keras 3 (TensorFlow backend), tensor for tensor, by
``tests/test_agreement.py``; where the two disagreed the rules were changed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rnnshape_docs.specs import RECURRENT, LayerSpec, SpecError, parse
from rnnshape_docs.tables import Table

#: A tensor shape including the batch axis; ``None`` is an unknown size.
Shape = tuple[int | None, ...]


class ShapeError(ValueError):
    """A layer cannot take the shape it is given (or the stack is malformed).

    ``index`` is the position of the offending layer in the stack, counted from 0 (``None``
    when the problem is the input shape itself); ``layer`` is its text. Messages count
    layers from 1, as people do.
    """

    def __init__(self, message: str, *, index: int | None = None, layer: str | None = None):
        super().__init__(message)
        self.index = index
        self.layer = layer


@dataclass(frozen=True)
class Step:
    """One layer of a trace."""

    layer: str  # the layer in Keras constructor syntax, e.g. "LSTM(4, return_sequences=True)"
    input: Shape
    outputs: tuple[Shape, ...]  # one shape per output tensor, in Keras's order
    why: str  # one line in plain words
    spec: LayerSpec | None = field(default=None, compare=False, repr=False)  # the parsed layer
    names: tuple[str, ...] = field(default=(), compare=False)  # what each output is


@dataclass(frozen=True)
class Trace:
    """The shapes flowing through a stack of layers."""

    input: Shape
    steps: tuple[Step, ...]

    @property
    def outputs(self) -> tuple[Shape, ...]:
        return self.steps[-1].outputs if self.steps else (self.input,)

    def to_json(self) -> dict:
        """The JSON object of design.md's contract (lists, ``None`` for unknown sizes)."""
        return {
            "input": list(self.input),
            "layers": [
                {
                    "layer": s.layer,
                    "input": list(s.input),
                    "outputs": [list(o) for o in s.outputs],
                    "why": s.why,
                }
                for s in self.steps
            ],
            "outputs": [list(o) for o in self.outputs],
        }

    def rows(self) -> list[tuple[str, str, str, str]]:
        """Table rows as text: (layer, input shape, output shape(s), why)."""
        return [(s.layer, format_shape(s.input), format_outputs(s), s.why) for s in self.steps]

    def table(self) -> Table:
        """The trace as a `Table`: layer, input shape, output shape(s), why."""
        return Table(("layer", "input", "output", "why"), self.rows(), code=(0, 1, 2))

    def __str__(self) -> str:
        """A plain-text table, one row per layer, 80 columns wide (see `Table.text`).

        >>> print(trace(["LSTM(4)"], (2, 5, 3)))
        layer    input      output  why
        -------  ---------  ------  ----------------------------------------------
        LSTM(4)  (2, 5, 3)  (2, 4)  return_sequences=False: only the last of the 5
                                    outputs is kept, 4 wide
        """
        return str(self.table())

    def _repr_html_(self) -> str:
        """An HTML table for notebooks and the book."""
        return self.table()._repr_html_()


def format_shape(shape: Shape) -> str:
    """``(None, 5, 3)`` written as Keras writes it (a 1-tuple keeps its comma)."""
    return str(tuple(shape))


def format_outputs(step: Step) -> str:
    if len(step.outputs) == 1:
        return format_shape(step.outputs[0])
    if step.names:
        return ", ".join(
            f"{n} {format_shape(o)}" for n, o in zip(step.names, step.outputs, strict=True)
        )
    return ", ".join(format_shape(o) for o in step.outputs)


# --------------------------------------------------------------------------- the walk


def parse_shape(text: str) -> Shape:
    """Read a shape written as ``2,5,3`` or ``None,None,1`` (brackets allowed).

    >>> parse_shape("None,7,3")
    (None, 7, 3)
    """
    body = text.strip().strip("()[]").strip()
    if not body:
        raise ShapeError(
            f"input shape {text!r} is empty; give the batch and every other axis, e.g. 2,5,3"
        )
    sizes: list[int | None] = []
    for part in body.split(","):
        part = part.strip()
        if part.lower() in ("none", "?", "null"):
            sizes.append(None)
        elif part.isdigit() and int(part) > 0:
            sizes.append(int(part))
        else:
            raise ShapeError(
                f"input shape {text!r}: {part!r} is not a size; write positive whole numbers "
                "or None for an unknown size, batch first, e.g. 2,5,3 or None,None,1"
            )
    return tuple(sizes)


def _check_input(input_shape: Sequence[int | None] | str) -> Shape:
    if isinstance(input_shape, str):
        return parse_shape(input_shape)
    try:
        shape = tuple(input_shape)
    except TypeError:
        raise ShapeError(
            f"input shape {input_shape!r} is not a sequence of sizes; give e.g. (2, 5, 3)"
        ) from None
    if not shape:
        raise ShapeError("the input shape is empty; give the batch and every other axis")
    for size in shape:
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size <= 0):
            raise ShapeError(
                f"input shape {shape}: {size!r} is not a size; use positive whole numbers "
                "or None for an unknown size"
            )
    return shape


def trace(layers: Sequence[str | LayerSpec], input_shape: Sequence[int | None] | str) -> Trace:
    """Trace ``layers`` (Keras constructor syntax) applied to ``input_shape``.

    ``input_shape`` includes the batch axis, ``None`` for an unknown size. Raises
    `ShapeError` for a layer that cannot take its input, naming the layer and the fix.

    >>> trace(["GRU(8, return_state=True)"], (None, None, 1)).outputs
    ((None, 8), (None, 8))
    """
    if isinstance(layers, str | LayerSpec):
        layers = [layers]
    shape = _check_input(input_shape)
    steps: list[Step] = []
    current = shape
    for index, text in enumerate(layers):
        where = f"layer {index + 1}"
        try:
            spec = parse(text)
        except SpecError as exc:
            raise ShapeError(f"{where}: {exc}", index=index, layer=str(text)) from None
        if steps and len(steps[-1].outputs) > 1:
            prev = steps[-1]
            if spec.name == "Dropout":  # Keras applies Dropout to each tensor of a list
                _dropout(spec, current)
                why = (
                    f"applies dropout to each of the {len(prev.outputs)} tensors; shapes unchanged"
                )
                steps.append(
                    Step(spec.text, current, prev.outputs, why, spec=spec, names=prev.names)
                )
                continue
            raise ShapeError(
                f"{where}, {spec.text}: the stack cannot continue after layer {index}, "
                f"{prev.layer}, which returns {len(prev.outputs)} tensors "
                f"({', '.join(prev.names) or 'several outputs'}); make that layer the last "
                "one, or drop return_state=True / merge_mode=None there (route states with "
                "the functional API)",
                index=index,
                layer=spec.text,
            )
        try:
            outputs, names, why = _apply(spec, current)
        except _Refusal as exc:
            message = f"{where}, {spec.text}: {exc}"
            if index == 0:
                message += exc.hint  # about the data itself
            elif exc.after_rnn:
                message += _return_sequences_hint(steps, index) or (
                    f"; layer {index} passes on one vector per sample: set "
                    "return_sequences=True on the recurrent layer before it, or repeat the "
                    "vector over time steps with RepeatVector(n)"
                )
            raise ShapeError(message, index=index, layer=spec.text) from None
        steps.append(Step(spec.text, current, outputs, why, spec=spec, names=names))
        current = outputs[0]
    return Trace(shape, tuple(steps))


def _return_sequences_hint(steps: list[Step], index: int) -> str:
    """The classic fix: the previous recurrent layer should pass on its whole sequence."""
    prev = steps[-1]
    spec = prev.spec
    inner = spec.params["layer"] if spec is not None and spec.name == "Bidirectional" else spec
    if inner is None or inner.name not in RECURRENT or _flag(inner, "return_sequences"):
        return ""
    fixed = _with_return_sequences(spec)
    where = f"layer {index}" if spec is inner else f"the {inner.name} inside layer {index}"
    try:
        sequence = _apply(fixed, prev.input)[0][0]
    except _Refusal:
        return ""
    return (
        f"; layer {index}, {prev.layer}, passes on only its last output "
        f"{format_shape(prev.outputs[0])}: set return_sequences=True on {where} "
        f"so it passes on one output per time step, {format_shape(sequence)}"
    )


def _with_return_sequences(spec: LayerSpec) -> LayerSpec:
    """The same layer with return_sequences=True (on both directions of a Bidirectional)."""
    params = dict(spec.params)
    if spec.name in RECURRENT:
        params["return_sequences"] = True
    for key in ("layer", "backward_layer"):
        if isinstance(params.get(key), LayerSpec):
            params[key] = _with_return_sequences(params[key])
    return LayerSpec(spec.name, params, spec.text)


class _Refusal(Exception):
    """A rule refuses its input; ``after_rnn`` asks for the return_sequences hint."""

    def __init__(self, message: str, after_rnn: bool = False, hint: str = ""):
        super().__init__(message)
        self.after_rnn = after_rnn
        self.hint = hint  # a fix about the data, given when the layer is the first one


Result = tuple[tuple[Shape, ...], tuple[str, ...], str]


def _apply(spec: LayerSpec, shape: Shape) -> Result:
    return _RULES[spec.name](spec, shape)


# --------------------------------------------------------------------------- helpers


def _positive_int(spec: LayerSpec, key: str, value: object) -> int:
    # bool is an int to Python and to Keras (Dense(True) has one unit), so it passes
    if not isinstance(value, int) or value <= 0:
        raise _Refusal(f"{key} must be a positive whole number, got {value!r}")
    return value


def _one_int(spec: LayerSpec, key: str, default: object) -> int:
    """An int-or-1-tuple argument (kernel_size, strides, ...), as a positive int."""
    value = spec.get(key, default)
    if isinstance(value, tuple | list) and len(value) == 1:
        value = value[0]
    return _positive_int(spec, key, value)


def _flag(spec: LayerSpec, key: str) -> bool:
    """A yes/no argument, read the way Keras reads it (any truthy value counts as True)."""
    return bool(spec.get(key, False))


def _data_format(spec: LayerSpec) -> str:
    value = spec.get("data_format", None) or "channels_last"
    if value not in ("channels_last", "channels_first"):
        raise _Refusal(f"data_format must be 'channels_last' or 'channels_first', got {value!r}")
    return value


def _ndim_name(n: int) -> str:
    return f"{n}-D"


def _steps_text(t: int | None) -> str:
    return f"the {t} time steps" if t is not None else "all time steps"


# --------------------------------------------------------------------------- recurrent

_STATE_NAMES = {"LSTM": ("h", "c"), "GRU": ("h",), "SimpleRNN": ("h",)}


def _rnn_core(spec: LayerSpec, shape: Shape) -> tuple[tuple[Shape, ...], tuple[str, ...], int]:
    """Outputs of a plain recurrent layer, without the reason (Bidirectional reuses it)."""
    units = _positive_int(spec, "units", spec.get("units"))
    if len(shape) != 3:
        axes = "(batch, time steps, features)"
        if len(shape) == 2:
            raise _Refusal(
                f"a recurrent layer needs 3-D input {axes} but gets 2-D {format_shape(shape)}",
                after_rnn=True,
                hint="; for a plain series of values (one number per step) add a features "
                f"axis of size 1: {format_shape((*shape, 1))}",
            )
        raise _Refusal(
            f"a recurrent layer needs 3-D input {axes} but gets "
            f"{_ndim_name(len(shape))} {format_shape(shape)}; reshape the data to 3 axes"
        )
    batch, steps, features = shape
    if features is None:
        raise _Refusal(
            f"the features axis (last) must be known to size the weights, got {format_shape(shape)}"
        )
    stateful = _flag(spec, "stateful")
    if stateful and batch is None:
        raise _Refusal(
            "stateful=True needs a known batch size (the states are kept per sample between "
            "batches), but the batch is None; give a fixed batch size, e.g. "
            f"{format_shape((32, steps, features))}"
        )
    out = (batch, steps, units) if _flag(spec, "return_sequences") else (batch, units)
    outputs: tuple[Shape, ...] = (out,)
    names: tuple[str, ...] = ("output",)
    if _flag(spec, "return_state"):
        states = _STATE_NAMES[spec.name]
        outputs += tuple((batch, units) for _ in states)
        names += states
    return outputs, names, units


def _rnn(spec: LayerSpec, shape: Shape) -> Result:
    outputs, names, units = _rnn_core(spec, shape)
    steps = shape[1]
    if _flag(spec, "return_sequences"):
        each = f"each of the {steps} time steps" if steps is not None else "every time step"
        why = f"return_sequences=True: one {units}-wide output for {each}"
    else:
        which = f"the last of the {steps} outputs" if steps is not None else "the last output"
        why = f"return_sequences=False: only {which} is kept, {units} wide"
    why += _rnn_extras(spec)
    return outputs, names, why


def _rnn_extras(spec: LayerSpec) -> str:
    extra = ""
    if _flag(spec, "return_state"):
        states = " and ".join(_STATE_NAMES[spec.name])
        extra += (
            f"; return_state=True adds the final state{'s' if spec.name == 'LSTM' else ''} {states}"
        )
    if _flag(spec, "stateful"):
        extra += "; stateful=True keeps the states for the next batch"
    if _flag(spec, "go_backwards"):
        extra += "; go_backwards=True reads the steps last to first"
    return extra


_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _bidirectional(spec: LayerSpec, shape: Shape) -> Result:
    forward: LayerSpec = spec.params["layer"]
    backward: LayerSpec | None = spec.params.get("backward_layer")
    merge = spec.get("merge_mode", "concat")
    if merge not in _MERGE_MODES:
        raise _Refusal(f"unknown merge_mode {merge!r}; use 'concat', 'sum', 'mul', 'ave' or None")
    for inner in (forward, backward):
        if inner is not None and inner.name not in RECURRENT:
            raise _Refusal(
                f"Bidirectional wraps a recurrent layer (SimpleRNN, LSTM, GRU), not {inner.name}"
            )
    if backward is None:
        if _flag(forward, "go_backwards"):
            raise _Refusal(
                "the wrapped layer has go_backwards=True, which Keras refuses here "
                "(Bidirectional makes the backward copy itself); drop go_backwards=True"
            )
        backward = forward
    else:
        _check_backward_layer(forward, backward)
    fw_outputs, fw_names, fw_units = _wrapped_rnn(forward, shape)
    bw_outputs, bw_names, bw_units = _wrapped_rnn(backward, shape)
    if len(fw_outputs) != len(bw_outputs):
        raise _Refusal(
            f"with return_state=True the forward {forward.name} and backward {backward.name} "
            "must have the same number of states; use the same kind of layer for both"
        )
    fw_out, bw_out = fw_outputs[0], bw_outputs[0]
    if backward is forward:
        both = f"a forward and a backward {forward.name} of {fw_units} units read the sequence"
    else:
        both = (
            f"{forward.name} ({fw_units} units) reads the sequence forwards, "
            f"{backward.name} ({bw_units}) backwards"
        )
    if merge is None:
        merged: tuple[Shape, ...] = (fw_out, bw_out)
        merged_names: tuple[str, ...] = ("forward", "backward")
        why = f"{both}; merge_mode=None keeps both outputs apart"
    elif merge == "concat":
        width = fw_units + bw_units
        merged = ((*fw_out[:-1], width),)
        merged_names = ("output",)
        why = f"{both}; merge_mode='concat' joins them: {fw_units} + {bw_units} = {width} wide"
    else:
        if fw_units != bw_units:
            raise _Refusal(
                f"merge_mode={merge!r} combines the two outputs value by value, so both "
                f"directions need the same units (got {fw_units} and {bw_units}); "
                "use merge_mode='concat' or equal units"
            )
        merged = (fw_out,)
        merged_names = ("output",)
        why = f"{both}; merge_mode={merge!r} combines them value by value: still {fw_units} wide"
    if len(fw_outputs) > 1:
        why += "; return_state=True adds forward states, then backward ones"
    names_out = (
        merged_names
        + tuple(f"{n}_fw" for n in fw_names[1:])
        + tuple(f"{n}_bw" for n in bw_names[1:])
    )
    return merged + fw_outputs[1:] + bw_outputs[1:], names_out, why


def _check_backward_layer(forward: LayerSpec, backward: LayerSpec) -> None:
    """Keras's own checks on an explicit backward_layer."""
    if _flag(forward, "go_backwards") == _flag(backward, "go_backwards"):
        raise _Refusal(
            "the forward and backward layers need different go_backwards values; set "
            "go_backwards=True on the backward_layer"
        )
    for key in ("return_sequences", "return_state", "stateful"):
        if _flag(forward, key) != _flag(backward, key):
            raise _Refusal(
                f"the forward and backward layers must agree on {key} "
                f"({forward.text} vs {backward.text})"
            )


def _wrapped_rnn(inner: LayerSpec, shape: Shape) -> tuple[tuple[Shape, ...], tuple[str, ...], int]:
    try:
        return _rnn_core(inner, shape)
    except _Refusal as exc:
        raise _Refusal(f"(wrapped {inner.text}) {exc}", exc.after_rnn, exc.hint) from None


# --------------------------------------------------------------------------- wrappers


def _time_distributed(spec: LayerSpec, shape: Shape) -> Result:
    inner: LayerSpec = spec.params["layer"]
    if len(shape) < 3:
        raise _Refusal(
            f"TimeDistributed needs input with at least 3 axes (batch, time steps, ...) but "
            f"gets {_ndim_name(len(shape))} {format_shape(shape)}",
            after_rnn=True,
        )
    child = (shape[0], *shape[2:])
    try:
        outputs, _names, _why = _apply(inner, child)
    except _Refusal as exc:
        raise _Refusal(
            f"(wrapped {inner.text}, given one time step {format_shape(child)}) {exc}"
        ) from None
    if len(outputs) != 1:
        raise _Refusal(f"TimeDistributed cannot wrap {inner.text}, which returns several tensors")
    out = outputs[0]
    steps = shape[1]
    result = (out[0], steps, *out[1:])
    why = (
        f"applies {inner.text} to each of {_steps_text(steps)} on its own: "
        f"{format_shape(child)} -> {format_shape(out)} per step"
    )
    return (result,), ("output",), why


# --------------------------------------------------------------------------- core layers


def _dense(spec: LayerSpec, shape: Shape) -> Result:
    units = _positive_int(spec, "units", spec.get("units"))
    if len(shape) < 2:
        raise _Refusal(
            f"Dense needs at least 2 axes (batch, features) but gets {format_shape(shape)}"
        )
    if shape[-1] is None:
        raise _Refusal(
            f"the last axis must be known to size the weights, got {format_shape(shape)}"
        )
    out = (*shape[:-1], units)
    if len(shape) == 2:
        why = f"Dense maps the {shape[-1]} features of each sample to {units} output{'s' * (units != 1)}"
    else:
        why = (
            f"Dense acts on the last axis only ({shape[-1]} -> {units}), "
            f"at every position of the other axes"
        )
    return (out,), ("output",), why


def _repeat_vector(spec: LayerSpec, shape: Shape) -> Result:
    n = _positive_int(spec, "n", spec.get("n"))
    if len(shape) != 2:
        raise _Refusal(
            f"RepeatVector needs 2-D input (batch, features) but gets "
            f"{_ndim_name(len(shape))} {format_shape(shape)}; put it after a layer that "
            "returns one vector per sample (e.g. an RNN with return_sequences=False)"
        )
    why = f"copies each {shape[1]}-wide vector {n} times along a new time axis"
    return ((shape[0], n, shape[1]),), ("output",), why


def _masking(spec: LayerSpec, shape: Shape) -> Result:
    value = spec.get("mask_value", 0.0)
    why = f"marks time steps whose features all equal {value!r} as padding to skip; shape unchanged"
    return (shape,), ("output",), why


def _dropout(spec: LayerSpec, shape: Shape) -> Result:
    rate = spec.get("rate")
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
        raise _Refusal(f"rate must be a number between 0 and 1, got {rate!r}")
    why = f"during training zeroes a fraction {rate} of the values at random; shape unchanged"
    return (shape,), ("output",), why


def _flatten(spec: LayerSpec, shape: Shape) -> Result:
    _data_format(spec)
    rest = shape[1:]
    if not rest:
        return ((shape[0], 1),), ("output",), "a batch of single values becomes (batch, 1)"
    size = None if any(s is None for s in rest) else math.prod(rest)
    if len(rest) == 1:
        why = "already one axis per sample; nothing to join"
    else:
        joined = " x ".join(str(s) for s in rest)
        why = f"joins every axis after the batch into one: {joined} = {size}"
    return ((shape[0], size),), ("output",), why


def _global_pooling(spec: LayerSpec, shape: Shape) -> Result:
    fmt = _data_format(spec)
    keepdims = _flag(spec, "keepdims")
    if len(shape) != 3:
        raise _Refusal(
            f"{spec.name} needs 3-D input (batch, time steps, features) but gets "
            f"{_ndim_name(len(shape))} {format_shape(shape)}",
            after_rnn=True,
        )
    batch, a, b = shape
    how = "averages" if "Average" in spec.name else "takes the maximum"
    if fmt == "channels_last":
        out = (batch, 1, b) if keepdims else (batch, b)
        why = f"{how} over {_steps_text(a)}: one {b}-wide vector per sample"
    else:
        out = (batch, a, 1) if keepdims else (batch, a)
        why = f"channels_first: {how} over the last axis ({b}), keeping {a} channels"
    if keepdims:
        why += "; keepdims=True keeps the pooled axis with size 1"
    return (out,), ("output",), why


def _embedding(spec: LayerSpec, shape: Shape) -> Result:
    _positive_int(spec, "input_dim", spec.get("input_dim"))
    dim = _positive_int(spec, "output_dim", spec.get("output_dim"))
    why = f"replaces each integer id by a learned {dim}-wide vector"
    return ((*shape, dim),), ("output",), why


_PADDINGS = ("valid", "same", "causal")


def _length(size: int | None, window: int, stride: int, padding: str) -> int | None:
    """Output length of a 1-D convolution/pooling (Keras's formula)."""
    if size is None:
        return None
    if padding == "valid":
        return (size - window) // stride + 1
    return (size - 1) // stride + 1  # same, causal


def _conv1d(spec: LayerSpec, shape: Shape) -> Result:
    filters = _positive_int(spec, "filters", spec.get("filters"))
    kernel = _one_int(spec, "kernel_size", spec.get("kernel_size"))
    strides = _one_int(spec, "strides", 1)
    dilation = _one_int(spec, "dilation_rate", 1)
    groups = _positive_int(spec, "groups", spec.get("groups", 1))
    padding = spec.get("padding", "valid")
    padding = padding.lower() if isinstance(padding, str) else padding
    if padding not in _PADDINGS:
        raise _Refusal(f"unknown padding {padding!r}; use 'valid', 'same' or 'causal'")
    if strides > 1 and dilation > 1:
        raise _Refusal("strides > 1 cannot be combined with dilation_rate > 1; choose one")
    fmt = _data_format(spec)
    if len(shape) != 3:
        raise _Refusal(
            f"Conv1D needs 3-D input (batch, time steps, channels) but gets "
            f"{_ndim_name(len(shape))} {format_shape(shape)}",
            after_rnn=True,
        )
    batch, steps, channels = shape if fmt == "channels_last" else (shape[0], shape[2], shape[1])
    if channels is None:
        raise _Refusal(
            f"the channels axis must be known to size the kernel, got {format_shape(shape)}"
        )
    if filters % groups or channels % groups:
        raise _Refusal(
            f"groups={groups} must divide both the {channels} input channels and filters={filters}"
        )
    window = dilation * (kernel - 1) + 1
    length = _length(steps, window, strides, padding)
    if length is not None and length <= 0:
        raise _Refusal(
            f"the kernel spans {window} steps but the input has only {steps} "
            "(output size would be zero or negative); use a smaller kernel_size or dilation_rate, "
            "or padding='same'"
        )
    out = (batch, length, filters) if fmt == "channels_last" else (batch, filters, length)
    span = f"{kernel}-step kernel" + (
        f" (dilation {dilation}: spans {window})" if dilation > 1 else ""
    )
    change = f"{steps} steps -> {length}" if steps is not None else "length stays unknown"
    stride_text = f", stride {strides}" if strides > 1 else ""
    why = f"slides a {span}{stride_text}, padding={padding!r}: {change}; {filters} filters"
    return (out,), ("output",), why


def _max_pooling1d(spec: LayerSpec, shape: Shape) -> Result:
    pool = _one_int(spec, "pool_size", 2)
    strides = spec.get("strides", None)
    strides = pool if strides is None else _one_int(spec, "strides", strides)
    padding = spec.get("padding", "valid")
    padding = padding.lower() if isinstance(padding, str) else padding
    if padding not in ("valid", "same"):
        raise _Refusal(f"unknown padding {padding!r}; use 'valid' or 'same'")
    fmt = _data_format(spec)
    if len(shape) != 3:
        raise _Refusal(
            f"MaxPooling1D needs 3-D input (batch, time steps, features) but gets "
            f"{_ndim_name(len(shape))} {format_shape(shape)}",
            after_rnn=True,
        )
    batch, steps, features = shape if fmt == "channels_last" else (shape[0], shape[2], shape[1])
    length = _length(steps, pool, strides, padding)
    if length is not None and length <= 0:
        raise _Refusal(
            f"the pool spans {pool} steps but the input has only {steps}; use a smaller "
            "pool_size or padding='same'"
        )
    out = (batch, length, features) if fmt == "channels_last" else (batch, features, length)
    change = f"{steps} -> {length}" if steps is not None else "length stays unknown"
    why = f"keeps the maximum of each window of {pool} steps (stride {strides}): {change}"
    return (out,), ("output",), why


_RULES: dict[str, Callable[[LayerSpec, Shape], Result]] = {
    "SimpleRNN": _rnn,
    "LSTM": _rnn,
    "GRU": _rnn,
    "Bidirectional": _bidirectional,
    "TimeDistributed": _time_distributed,
    "Dense": _dense,
    "RepeatVector": _repeat_vector,
    "Masking": _masking,
    "Dropout": _dropout,
    "Flatten": _flatten,
    "GlobalAveragePooling1D": _global_pooling,
    "GlobalMaxPooling1D": _global_pooling,
    "Embedding": _embedding,
    "Conv1D": _conv1d,
    "MaxPooling1D": _max_pooling1d,
}
