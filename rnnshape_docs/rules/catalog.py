"""The registry of the rules for the rest of `keras.layers` (issue 24), aliases included.

`rules` merges these into its tables: `single` for layers that take one tensor, `several`
for those whose rule reads the whole call. An alias (``MaxPool1D``) runs its class's rule on
the spec renamed to the class (``MaxPooling1D``), so a rule never reads an alias.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rnnshape_docs.rules import (
    cells,
    conv_recurrent,
    elementwise,
    encodings,
    grids,
    grouped_attention,
)
from rnnshape_docs.specs import LayerSpec
from rnnshape_docs.specs_catalog import ALIASES

#: Layers whose input is a list of tensors.
TAKES_LISTS = ("HashedCrossing", *grouped_attention.RULES)

_SINGLE = {**elementwise.RULES, **grids.RULES, **encodings.SINGLE}
_SEVERAL = {
    **cells.RULES,
    **encodings.SEVERAL,
    **grouped_attention.RULES,
    "ConvLSTM3D": conv_recurrent.conv_lstm,
}


def _as_class(rule: Callable[[LayerSpec, Any], Any], name: str) -> Callable[[LayerSpec, Any], Any]:
    def aliased(spec: LayerSpec, arg: Any) -> Any:
        return rule(LayerSpec(name, spec.params, spec.text), arg)

    return aliased


def single(known: dict[str, Callable]) -> dict[str, Callable]:
    table = {**known, **_SINGLE}
    aliases = {
        alias: _as_class(table[name], name) for alias, name in ALIASES.items() if name in table
    }
    return {**_SINGLE, **aliases}


def several(known: dict[str, Callable]) -> dict[str, Callable]:
    return dict(_SEVERAL)
