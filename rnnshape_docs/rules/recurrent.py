"""SimpleRNN, LSTM, GRU and Bidirectional: the layers this book is about."""

from __future__ import annotations

import math

from rnnshape_docs.rules import conv_recurrent
from rnnshape_docs.rules.base import (
    STATE_NAMES,
    Call,
    Refusal,
    Result,
    Shape,
    flag,
    format_shape,
    ndim_name,
    positive_int,
)
from rnnshape_docs.specs import MERGE_MODES, RECURRENT, RETURNS_SEQUENCES, LayerSpec

CONV_RECURRENT = (
    "ConvLSTM1D",
    "ConvLSTM2D",
    "ConvLSTM3D",
)  # rules in conv_recurrent; Bidirectional takes them


def rnn_core(spec: LayerSpec, shape: Shape) -> tuple[tuple[Shape, ...], tuple[str, ...], int]:
    """Outputs of a plain recurrent layer, without the reason (Bidirectional reuses it)."""
    units = positive_int(spec, "units", spec.get("units"))
    if len(shape) != 3:
        axes = "(batch, time steps, features)"
        if len(shape) == 2:
            raise Refusal(
                f"a recurrent layer needs 3-D input {axes} but gets 2-D {format_shape(shape)}",
                after_rnn=True,
                hint="; for a plain series of values (one number per step) add a features "
                f"axis of size 1: {format_shape((*shape, 1))}",
                rank=3,
            )
        message = (
            f"a recurrent layer needs 3-D input {axes} but gets "
            f"{ndim_name(len(shape))} {format_shape(shape)}"
        )
        if len(shape) < 2:
            raise Refusal(f"{message}; give each sample its time steps and features")
        # A grid or image per step (after a ConvLSTM or Conv2D): if an earlier ConvLSTM
        # dropped the time axis, setting return_sequences=True there is the fix to make first.
        raise Refusal(message, after_rnn=True, fix=_flatten_each_step(shape), rank=3)
    batch, steps, features = shape
    if features is None:
        raise Refusal(
            f"the features axis (last) must be known to size the weights, got {format_shape(shape)}"
        )
    stateful = flag(spec, "stateful")
    if stateful and batch is None:
        raise Refusal(
            "stateful=True needs a known batch size (the states are kept per sample between "
            "batches), but the batch is None; give a fixed batch size, e.g. "
            f"{format_shape((32, steps, features))}"
        )
    out = (batch, steps, units) if flag(spec, "return_sequences") else (batch, units)
    outputs: tuple[Shape, ...] = (out,)
    names: tuple[str, ...] = ("output",)
    if flag(spec, "return_state"):
        states = STATE_NAMES[spec.name]
        outputs += tuple((batch, units) for _ in states)
        names += states
    return outputs, names, units


def _flatten_each_step(shape: Shape) -> str:
    """How a tensor of more than 3 axes becomes a sequence of feature vectors."""
    batch, steps, *each = shape
    if None in each:
        return (
            "; to read axis 1 as the time steps, each step must be flattened into its "
            f"features (TimeDistributed(Flatten())), which needs its sizes known, not "
            f"{format_shape(tuple(each))}"
        )
    return (
        "; to read axis 1 as the time steps, flatten each step into its features: "
        f"TimeDistributed(Flatten()) gives {format_shape((batch, steps, math.prod(each)))}"
    )


def _one_tensor(spec: LayerSpec, call: Call) -> Shape:
    if len(call.inputs) != 1:
        raise Refusal(
            f"{spec.name} reads one sequence but is given {len(call.inputs)} tensors: "
            f"{', '.join(map(format_shape, call.inputs))}; pass the sequence first and any "
            "starting states as initial_state=[...]"
        )
    extra = sorted(set(call.options) - {"initial_state", "mask", "training"})
    if extra:
        raise Refusal(f"{spec.name} takes no call argument {extra[0]}= that rnnshape knows")
    return call.shape


def check_initial_state(
    spec: LayerSpec, states: tuple[Shape, ...], batch: int | None, *, first: int = 0
) -> str:
    """Keras's contract for ``initial_state``, checked before the run that would fail.

    Keras 3.15 builds a model whose states have the wrong width and fails only in the cell's
    ``call`` when it runs, so the rules check the widths here. ``first`` is the position of
    these states in the call's list (Bidirectional passes its halves); a refusal names it in
    ``source`` so the tracer of a model can name the layer that made the state.
    """
    units = positive_int(spec, "units", spec.get("units"))
    names = STATE_NAMES[spec.name]
    if len(states) != len(names):
        raise Refusal(
            f"initial_state: {spec.name} keeps {len(names)} state{'s' * (len(names) > 1)} "
            f"({', '.join(names)}), each (batch, {units}), but is given {len(states)}: "
            f"{', '.join(map(format_shape, states)) or 'none'}; pass exactly "
            f"[{', '.join(names)}]"
            + (" (an LSTM's h and c, in that order)" if len(names) == 2 else "")
        )
    for k, state in enumerate(states):
        wrong = len(state) != 2 or state[1] != units
        if not wrong and None not in (batch, state[0]) and state[0] != batch:
            raise Refusal(
                f"initial_state {names[k]} has batch {state[0]} but the sequence has {batch}",
                source=("initial_state", first + k),
            )
        if wrong:
            fix = (
                f"; make the layer that produces this state {units} units wide, or give this "
                f"{spec.name} {state[1]} units"
                if len(state) == 2
                else "; a state is one vector per sample"
            )
            raise Refusal(
                f"initial_state {names[k]} must be (batch, {units}) to match units={units}, "
                f"got {format_shape(state)} (Keras 3 builds such a model and fails only when "
                f"it runs){fix}",
                source=("initial_state", first + k),
            )
    return f"; starts from the given initial state{'s' * (len(names) > 1)} {' and '.join(names)}"


def rnn(spec: LayerSpec, call: Call | Shape) -> Result:
    if not isinstance(call, Call):
        call = Call((call,))
    shape = _one_tensor(spec, call)
    outputs, names, units = rnn_core(spec, shape)
    started = ""
    if "initial_state" in call.options:
        started = check_initial_state(spec, tuple(call.options["initial_state"]), shape[0])
    steps = shape[1]
    if flag(spec, "return_sequences"):
        each = f"each of the {steps} time steps" if steps is not None else "every time step"
        why = f"return_sequences=True: one {units}-wide output for {each}"
    else:
        which = f"the last of the {steps} outputs" if steps is not None else "the last output"
        why = f"return_sequences=False: only {which} is kept, {units} wide"
    why += started + _rnn_extras(spec)
    return outputs, names, why


def _rnn_extras(spec: LayerSpec) -> str:
    extra = ""
    if flag(spec, "return_state"):
        states = " and ".join(STATE_NAMES[spec.name])
        extra += (
            f"; return_state=True adds the final state{'s' if spec.name == 'LSTM' else ''} {states}"
        )
    if flag(spec, "stateful"):
        extra += "; stateful=True keeps the states for the next batch"
    if flag(spec, "go_backwards"):
        extra += "; go_backwards=True reads the steps last to first"
        if flag(spec, "return_sequences"):  # checked on Keras: the outputs are not re-reversed
            extra += (
                " and returns its outputs in that order: output[:, 0] belongs to the last "
                "input step"
            )
    return extra


def bidirectional(spec: LayerSpec, call: Call | Shape) -> Result:
    if not isinstance(call, Call):
        call = Call((call,))
    shape = _one_tensor(spec, call)
    forward: LayerSpec = spec.params["layer"]
    backward: LayerSpec | None = spec.params.get("backward_layer")
    merge = spec.get("merge_mode")
    if merge not in MERGE_MODES:
        modes = ", ".join(map(repr, MERGE_MODES[:-1]))
        raise Refusal(f"unknown merge_mode {merge!r}; use {modes} or {MERGE_MODES[-1]}")
    for inner in (forward, backward):
        if inner is not None and inner.name not in (*RECURRENT, *CONV_RECURRENT, "RNN"):
            raise Refusal(
                "Bidirectional wraps a recurrent layer (SimpleRNN, LSTM, GRU, RNN, ConvLSTM1D/2D/3D), "
                f"not {inner.name}"
            )
    if backward is None:
        if flag(forward, "go_backwards"):
            raise Refusal(
                "the wrapped layer has go_backwards=True, which Keras refuses here "
                "(Bidirectional makes the backward copy itself); drop go_backwards=True"
            )
        backward = forward
    else:
        _check_backward_layer(forward, backward)
    fw_outputs, fw_names, fw_units = _wrapped_rnn(forward, shape)
    bw_outputs, bw_names, bw_units = _wrapped_rnn(backward, shape)
    if len(fw_outputs) != len(bw_outputs):
        raise Refusal(
            f"with return_state=True the forward {forward.name} and backward {backward.name} "
            "must have the same number of states; use the same kind of layer for both"
        )
    started = ""
    if "initial_state" in call.options:
        # Keras gives the first half of the list to the forward layer, the rest to the backward.
        states = tuple(call.options["initial_state"])
        half = len(STATE_NAMES[forward.name])
        if len(states) != 2 * half:
            raise Refusal(
                f"initial_state: a Bidirectional {forward.name} takes {2 * half} states, the "
                f"forward layer's {', '.join(STATE_NAMES[forward.name])} then the backward "
                f"layer's, but is given {len(states)}; pass [{', '.join(f'{n}_fw' for n in STATE_NAMES[forward.name])}, "
                f"{', '.join(f'{n}_bw' for n in STATE_NAMES[backward.name])}] as they are (do not "
                "concatenate them)"
            )
        for inner, given, outputs, first in (
            (forward, states[:half], fw_outputs, 0),
            (backward, states[half:], bw_outputs, half),
        ):
            if inner.name in CONV_RECURRENT:
                out = outputs[0]  # one step's grid, without the time axis
                step = (out[0], *out[2:]) if flag(inner, "return_sequences") else out
                conv_recurrent.check_initial_state(inner, given, step, first=first)
            else:
                check_initial_state(inner, given, shape[0], first=first)
        started = "; each direction starts from its half of initial_state"
    fw_out, bw_out = fw_outputs[0], bw_outputs[0]
    units = "filters" if forward.name in CONV_RECURRENT else "units"
    if merge is not None and fw_out[:-1] != bw_out[:-1]:
        # ConvLSTMs with other kernels or strides; Keras 3.15 builds this from the forward
        # layer's shape alone and fails when it runs
        raise Refusal(
            f"merge_mode={merge!r} needs both directions' outputs to match but the last axis, "
            f"got {format_shape(fw_out)} and {format_shape(bw_out)}; give both layers the same "
            "kernel_size, strides and padding, or use merge_mode=None"
        )
    if backward is forward:
        both = f"a forward and a backward {forward.name} of {fw_units} {units} read the sequence"
    else:
        both = (
            f"{forward.name} ({fw_units} {units}) reads the sequence forwards, "
            f"{backward.name} ({bw_units}) backwards"
        )
    if merge is None:
        merged: tuple[Shape, ...] = (fw_out, bw_out)
        merged_names: tuple[str, ...] = ("forward", "backward")
        why = f"{both}; merge_mode=None keeps both outputs apart"
    elif merge == "concat":
        # Keras joins the last axes (for a channels_first ConvLSTM, not the channels)
        left, right = fw_out[-1], bw_out[-1]
        width = None if None in (left, right) else left + right
        merged = ((*fw_out[:-1], width),)
        merged_names = ("output",)
        why = f"{both}; merge_mode='concat' joins them: {left} + {right} = {width} wide"
    else:
        if fw_units != bw_units or fw_out[1:] != bw_out[1:]:
            raise Refusal(
                f"merge_mode={merge!r} combines the two outputs value by value, so both "
                f"directions need the same units (got {fw_units} and {bw_units}); "
                "use merge_mode='concat' or equal units"
            )
        merged = (fw_out,)
        merged_names = ("output",)
        why = f"{both}; merge_mode={merge!r} combines them value by value: still {fw_units} wide"
    why += started
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
    if flag(forward, "go_backwards") == flag(backward, "go_backwards"):
        raise Refusal(
            "the forward and backward layers need different go_backwards values; set "
            "go_backwards=True on the backward_layer"
        )
    for key in ("return_sequences", "return_state", "stateful"):
        if flag(forward, key) != flag(backward, key):
            raise Refusal(
                f"the forward and backward layers must agree on {key} "
                f"({forward.text} vs {backward.text})"
            )


def _wrapped_rnn(inner: LayerSpec, shape: Shape) -> tuple[tuple[Shape, ...], tuple[str, ...], int]:
    try:
        if inner.name in CONV_RECURRENT:
            outputs, names, _why = conv_recurrent.conv_lstm(inner, Call((shape,)))
            return outputs, names, inner.get("filters")
        if inner.name == "RNN":  # around cells (rules.cells, which imports this module)
            from rnnshape_docs.rules import cells

            outputs, names, _why = cells.rnn(inner, Call((shape,)))
            return outputs, names, outputs[0][-1]
        return rnn_core(inner, shape)
    except Refusal as exc:
        raise Refusal(
            f"(wrapped {inner.text}) {exc}", exc.after_rnn, exc.hint, exc.source, exc.fix
        ) from None


def with_return_sequences(spec: LayerSpec) -> LayerSpec:
    """The same layer with return_sequences=True (on both directions of a Bidirectional)."""
    params = dict(spec.params)
    if spec.name in RETURNS_SEQUENCES:
        params["return_sequences"] = True
    for key in ("layer", "backward_layer"):
        if isinstance(params.get(key), LayerSpec):
            params[key] = with_return_sequences(params[key])
    return LayerSpec(spec.name, params, spec.text)
