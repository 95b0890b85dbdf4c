"""RNN around a cell (SimpleRNNCell, LSTMCell, GRUCell) or a stack of cells.

``RNN(LSTMCell(4))`` is the loop that ``LSTM(4)`` runs, written out: the cell reads one
time step and its states, and RNN steps it along the time axis. Given a list of cells (or
``StackedRNNCells``), each step passes through every cell in turn, so the output is the
last cell's; with ``return_state=True`` each cell's final states follow, in order (an
LSTMCell's h and c, one h for the others; Keras nests a stack's states per cell, the
rules list them flat, in the same order).
"""

from __future__ import annotations

from rnnshape_docs.rules.base import Call, Refusal, Result, flag, format_shape, positive_int
from rnnshape_docs.rules.recurrent import _one_tensor, rnn_core
from rnnshape_docs.specs import LayerSpec

_CELL_STATES = {"SimpleRNNCell": ("h",), "LSTMCell": ("h", "c"), "GRUCell": ("h",)}


def cells_of(spec: LayerSpec) -> tuple[LayerSpec, ...]:
    """The cells an RNN steps, in order (a list and StackedRNNCells both unrolled)."""
    cell = spec.params["cell"]
    found = []
    for one in cell if isinstance(cell, tuple) else (cell,):
        if one.name == "StackedRNNCells":
            found += cells_of(LayerSpec("RNN", {"cell": one.params["cells"]}, one.text))
        elif one.name in _CELL_STATES:
            found.append(one)
        else:
            raise Refusal(
                f"RNN steps a cell (SimpleRNNCell, LSTMCell, GRUCell or a list of them), "
                f"not {one.name}; for a whole layer use it directly, e.g. LSTM(4) for "
                "RNN(LSTMCell(4))"
            )
    return tuple(found)


def rnn(spec: LayerSpec, call: Call) -> Result:
    shape = _one_tensor(spec, call)
    if "initial_state" in call.options:
        raise Refusal("RNN(cell) with initial_state is not traced yet; give the states to LSTM")
    cells = cells_of(spec)
    # The first cell reads the input; each later one the output of the one before.
    batch = shape[0]
    width = shape[2] if len(shape) == 3 else None
    states: list[tuple[int | None, ...]] = []
    names: list[str] = []
    for k, cell in enumerate(cells):
        units = positive_int(cell, "units", cell.get("units"))
        if k == 0:
            as_layer = LayerSpec("SimpleRNN", {**spec.params, "units": units}, spec.text)
            rnn_core(as_layer, shape)  # the checks of a recurrent layer: 3-D, features known
        width = units
        for state in _CELL_STATES[cell.name]:
            states.append((batch, units))
            names.append(state if len(cells) == 1 else f"{state}{k + 1}")
    steps = shape[1]
    if flag(spec, "return_sequences"):
        out = (batch, steps, width)
        each = f"each of the {steps} time steps" if steps is not None else "every time step"
        why = f"return_sequences=True: one {width}-wide output for {each}"
    else:
        out = (batch, width)
        which = f"the last of the {steps} outputs" if steps is not None else "the last output"
        why = f"return_sequences=False: only {which} is kept, {width} wide"
    if len(cells) > 1:
        chain = " -> ".join(c.text for c in cells)
        why += f"; each step passes through {chain}"
    outputs = (out,)
    out_names = ("output",)
    if flag(spec, "return_state"):
        outputs += tuple(states)
        out_names += tuple(names)
        listed = ", ".join(f"{n} {format_shape(s)}" for n, s in zip(names, states, strict=True))
        why += f"; return_state=True adds each cell's final states: {listed}"
    return outputs, out_names, why


def cell_alone(spec: LayerSpec, call: Call) -> Result:
    raise Refusal(
        f"{spec.name} is one step of a recurrent layer; wrap it to run it over a sequence: "
        f"RNN({spec.text})"
    )


RULES = {
    "RNN": rnn,
    "SimpleRNNCell": cell_alone,
    "LSTMCell": cell_alone,
    "GRUCell": cell_alone,
    "StackedRNNCells": cell_alone,
}
