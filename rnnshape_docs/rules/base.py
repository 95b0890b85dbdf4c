"""What every rule shares: the shape type, the refusal, the result and argument readers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rnnshape_docs.specs import LayerSpec

#: A tensor shape including the batch axis; ``None`` is an unknown size.
Shape = tuple[int | None, ...]

#: The states a recurrent layer returns after its output (return_state=True), in Keras's order:
#: the one list of their names (the rules' output names, the figures' state labels).
STATE_NAMES = {
    "LSTM": ("h", "c"),
    "GRU": ("h",),
    "SimpleRNN": ("h",),
    "ConvLSTM1D": ("h", "c"),
    "ConvLSTM2D": ("h", "c"),
    "ConvLSTM3D": ("h", "c"),
}

#: What a rule returns: the output shapes (Keras's order), what each output is, the reason.
Result = tuple[tuple[Shape, ...], tuple[str, ...], str]


@dataclass(frozen=True)
class Call:
    """One call of a layer: the shapes of its tensor arguments, and its call options.

    ``inputs`` are the tensors in the order Keras receives them (the list given to a merge
    layer; query, value, key for attention). ``options`` holds the call's keyword arguments
    that matter for shapes: ``initial_state`` (a tuple of shapes), ``return_attention_scores``
    and other literals.
    """

    inputs: tuple[Shape, ...]
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> Shape:
        """The one input of a single-input layer."""
        return self.inputs[0]


def format_shape(shape: Sequence[int | None]) -> str:
    """``(None, 5, 3)`` written as Keras writes it (a 1-tuple keeps its comma): the one
    formatter of a shape, for tables, figures and the cheat sheet alike.

    >>> format_shape((None, 5, 3)), format_shape((4,)), format_shape(())
    ('(None, 5, 3)', '(4,)', '()')
    """
    parts = ["None" if d is None else str(int(d)) for d in shape]  # NumPy ints print bare
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


# A shape as format_shape writes it: (2, 5, 3), (None, 4), (7,), () (but not the 4 of LSTM(4)).
SHAPE_TEXT = re.compile(r"\((?:(?:\d+|None)(?:, (?:\d+|None))+|(?:\d+|None),)?\)")


class Refusal(Exception):
    """A rule refuses its input; ``after_rnn`` asks for the return_sequences hint."""

    def __init__(
        self,
        message: str,
        after_rnn: bool = False,
        hint: str = "",
        source: tuple[str, int] | None = None,
        fix: str = "",
        rank: int | None = None,
    ):
        super().__init__(message)
        self.after_rnn = after_rnn
        # The number of axes the layer needs, when that is what is wrong: the tracer then
        # looks for the cause upstream (an Embedding's extra axis, a size-1 axis, a sample
        # count), which the rule, seeing only the shape, cannot know.
        self.rank = rank
        self.hint = hint  # a fix about the data, given when the layer is the first one
        # A fix that holds wherever the input came from, given unless an earlier layer's
        # return_sequences=False is to blame (then that is the fix to make first).
        self.fix = fix
        # Which argument is at fault, ("input", k) or ("initial_state", k), so the tracer of a
        # model can name the layer that produced it.
        self.source = source


# --------------------------------------------------------------------------- helpers


def positive_int(spec: LayerSpec, key: str, value: object) -> int:
    # bool is an int to Python and to Keras (Dense(True) has one unit), so it passes
    if not isinstance(value, int) or value <= 0:
        raise Refusal(f"{key} must be a positive whole number, got {value!r}")
    return value


def lora(spec: LayerSpec, constraint: str) -> None:
    """Keras enables LoRA (``lora_rank``) when it builds the layer, and refuses it for a
    rank that is not positive or beside a constraint on the weights it adapts."""
    if not spec.get("lora_rank"):
        return
    positive_int(spec, "lora_rank", spec.get("lora_rank"))
    if spec.get(constraint) is not None:
        raise Refusal(
            f"lora_rank cannot go with {constraint} (Keras: LoRA is incompatible with a "
            "constraint on the weights it adapts); drop one of them"
        )


def one_int(spec: LayerSpec, key: str, default: object) -> int:
    """An int-or-1-tuple argument (kernel_size, strides, ...), as a positive int."""
    value = spec.get(key, default)
    if isinstance(value, tuple | list) and len(value) == 1:
        value = value[0]
    return positive_int(spec, key, value)


def flag(spec: LayerSpec, key: str) -> bool:
    """A yes/no argument, read the way Keras reads it (any truthy value counts as True)."""
    return bool(spec.get(key, False))


def data_format(spec: LayerSpec) -> str:
    value = spec.get("data_format") or "channels_last"
    if value not in ("channels_last", "channels_first"):
        raise Refusal(f"data_format must be 'channels_last' or 'channels_first', got {value!r}")
    return value


def ndim_name(n: int) -> str:
    return f"{n}-D"


def with_article(text: str) -> str:
    """``text`` after its indefinite article, for a text that starts with a number as it is
    read aloud: "a 3-step kernel", "an 8-channel grid", "an 11 x 11 kernel", "a 110-step".

    >>> [with_article(t) for t in ("3-step", "8-step", "11 x 11", "18-channel", "110-step", "? x 3")]
    ['a 3-step', 'an 8-step', 'an 11 x 11', 'an 18-channel', 'a 110-step', 'a ? x 3']
    """
    digits = text[: len(text) - len(text.lstrip("0123456789"))]
    eight = digits.startswith("8")
    eleven_or_eighteen = digits[:2] in ("11", "18") and len(digits) % 3 == 2
    return f"{'an' if eight or eleven_or_eighteen else 'a'} {text}"


def steps_text(t: int | None) -> str:
    return f"the {t} time steps" if t is not None else "all time steps"
