"""ConvLSTM1D and ConvLSTM2D: an LSTM whose state is a grid, updated by convolutions.

At each time step the layer convolves the step's grid (a 1-D signal or a 2-D image) with
``filters`` kernels, so its states and outputs are grids of ``filters`` channels, sized by
the convolution's formula. Keras needs the grid and channel sizes known when it builds;
the number of time steps may be unknown.
"""

from __future__ import annotations

from rnnshape_docs.rules.base import (
    STATE_NAMES,
    Call,
    Refusal,
    Result,
    Shape,
    data_format,
    flag,
    format_shape,
    ndim_name,
    positive_int,
    with_article,
)
from rnnshape_docs.rules.spatial import (
    conv_grid,
    join_channels,
    padding_of,
    sizes,
    split_channels,
    times,
)
from rnnshape_docs.specs import LayerSpec


def conv_lstm(spec: LayerSpec, call: Call | Shape) -> Result:
    if not isinstance(call, Call):
        call = Call((call,))
    if len(call.inputs) != 1:
        raise Refusal(
            f"{spec.name} reads one sequence but is given {len(call.inputs)} tensors; pass the "
            "sequence first and any starting states as initial_state=[h, c]"
        )
    extra = sorted(set(call.options) - {"initial_state", "mask", "training"})
    if extra:
        raise Refusal(f"{spec.name} takes no call argument {extra[0]}= that rnnshape knows")
    shape = call.shape
    rank = int(spec.name[-2])  # ConvLSTM1D, 2D, 3D
    # Keras 3.15 builds filters=0 and fails when it runs: refused here with the others.
    filters = positive_int(spec, "filters", spec.get("filters"))
    kernel = sizes(spec, "kernel_size", spec.get("kernel_size"), rank)
    strides = sizes(spec, "strides", 1, rank)
    dilation = sizes(spec, "dilation_rate", 1, rank)
    padding = padding_of(spec)
    fmt = data_format(spec)
    if max(strides) > 1 and max(dilation) > 1:
        raise Refusal("strides > 1 cannot be combined with dilation_rate > 1; choose one")
    grid_axes = {1: "steps", 2: "rows, columns", 3: "depth, rows, columns"}[rank]
    axes = (
        f"batch, time, {grid_axes}, channels"
        if fmt == "channels_last"
        else f"batch, time, channels, {grid_axes}"
    )
    if len(shape) != rank + 3:
        wrap = ""
        if len(shape) == rank + 2:
            one = "signal" if rank == 1 else "image"
            wrap = (
                f"; it reads a sequence of {one}s: after another ConvLSTM, set "
                f"return_sequences=True on that one; for one {one} per sample use "
                f"Conv{rank}D({filters}, {kernel if rank == 2 else kernel[0]!r}) instead"
            )
        raise Refusal(
            f"{spec.name} needs {rank + 3}-D input ({axes}) but gets "
            f"{ndim_name(len(shape))} {format_shape(shape)}{wrap}"
        )
    batch, steps = shape[0], shape[1]
    _batch, grid, channels = split_channels((batch, *shape[2:]), fmt)
    if None in grid or channels is None:
        raise Refusal(
            f"{spec.name} needs the sizes of each step ({grid_axes}, channels) known to build, "
            f"got {format_shape(shape)}; only the batch and the time steps may be None"
        )
    if flag(spec, "stateful") and batch is None:
        raise Refusal(
            "stateful=True needs a known batch size (the states are kept per sample between "
            "batches), but the batch is None; give a fixed batch size"
        )
    out_grid = conv_grid(spec, grid, kernel, strides, dilation, padding)
    state = join_channels(batch, out_grid, filters, fmt)
    started = ""
    if "initial_state" in call.options:
        started = check_initial_state(spec, tuple(call.options["initial_state"]), state)
    out = (batch, steps, *state[1:]) if flag(spec, "return_sequences") else state
    outputs: tuple[Shape, ...] = (out,)
    names: tuple[str, ...] = ("output",)
    if flag(spec, "return_state"):
        outputs += (state,) * len(STATE_NAMES[spec.name])
        names += STATE_NAMES[spec.name]
    kernels = f"{times(kernel)}{'-step' if rank == 1 else ''} kernels"
    conv = f"{kernels}, padding={padding!r}: {times(grid)} -> {times(out_grid)}"
    if flag(spec, "return_sequences"):
        each = f"each of the {steps} time steps" if steps is not None else "every time step"
        why = f"return_sequences=True: one {filters}-channel grid for {each} ({conv})"
    else:
        which = f"the last of the {steps} steps" if steps is not None else "the last step"
        kept = with_article(f"{filters}-channel grid")
        why = f"return_sequences=False: only {which} is kept, {kept} ({conv})"
    if flag(spec, "return_state"):
        why += "; return_state=True adds the final states h and c, each the size of one step"
    return outputs, names, why + started


def check_initial_state(
    spec: LayerSpec, states: tuple[Shape, ...], state: Shape, *, first: int = 0
) -> str:
    """Keras 3.15 builds a ConvLSTM given states of the wrong shape and fails when it runs.

    ``state`` is the shape of one output step; ``first`` is the position of these states in
    the call's list (Bidirectional passes its halves), named in the refusal's ``source``.
    """
    if len(states) != 2:
        raise Refusal(
            f"initial_state: {spec.name} keeps 2 states (h, c), each {format_shape(state)}, "
            f"but is given {len(states)}; pass exactly [h, c]"
        )
    for k, given in enumerate(states):
        same_batch = None in (given[0], state[0]) or given[0] == state[0] if given else False
        if len(given) != len(state) or not same_batch or tuple(given[1:]) != tuple(state[1:]):
            fix = "make the layer that produces it match"
            if len(given) == len(state) and same_batch:
                fmt = data_format(spec)
                _b, grid, channels = split_channels(state, fmt)
                _b, given_grid, _c = split_channels(given, fmt)
                if given_grid != grid:
                    fix = (
                        f"its grid is {times(given_grid)}, this layer's steps {times(grid)}: "
                        "padding='same' on both keeps the grid"
                    )
                else:
                    fix = f"give the layer that produces it {channels} filters"
            raise Refusal(
                f"initial_state {'hc'[k]} must be {format_shape(state)}, the size of one output "
                f"step, got {format_shape(given)} (Keras 3 builds such a model and fails only "
                f"when it runs); {fix}",
                source=("initial_state", first + k),
            )
    return "; starts from the given initial states h and c"
