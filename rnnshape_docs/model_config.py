"""Read a Keras model's config (its JSON, as data) into a graph of layer calls.

The config is what ``model.to_json()`` writes, or the ``config.json`` inside a ``.keras``
archive: each layer's class and arguments, and for a functional model each call of each
layer (``inbound_nodes``) with the tensors it was given, named by ``[layer, call, output]``.
This module only reads that data: no class named in it is imported or called; a layer is
turned into a `LayerSpec` through the same allow-list as typed text (`specs.from_config`).
Anything else (a ``Lambda``, a custom class, a layer without rules) is refused by name.

Keras 3's format is read, and the older one of ``tf.keras`` 2 (lists in ``inbound_nodes``,
``batch_input_shape``) where it says the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rnnshape_docs.rules import Shape
from rnnshape_docs.specs import SHAPE_ARGS, LayerSpec, SpecError, from_config
from rnnshape_docs.specs_catalog import CONFIG_NAMES

MODEL_CLASSES = ("Sequential", "Functional", "Model")
INPUT_CLASSES = ("InputLayer",)
OPERATION_MODULES = ("keras.src.ops.", "keras.ops.")
_MAX_LAYERS = 5000  # far beyond any real model; keeps a hostile file's work bounded


class ConfigError(ValueError):
    """The config is not a model rnnshape can read; the message names the layer and why."""


@dataclass(frozen=True)
class Ref:
    """A tensor: output ``index`` of call ``call`` of layer ``layer`` (Keras's keras_history)."""

    layer: str
    call: int
    index: int


@dataclass(frozen=True)
class Chained:
    """In a Sequential model, a layer's input: every output of the layer before it."""

    layer: str


@dataclass(frozen=True)
class Node:
    """One call of a layer, with its arguments as written (tensors as `Ref`)."""

    layer: str
    call: int
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


@dataclass(frozen=True)
class Layer:
    """A layer of the model: a spec with rules, an input, or a nested model."""

    name: str
    class_name: str
    spec: LayerSpec | None = None
    input_shape: Shape | None = None  # for an InputLayer
    model: ModelGraph | None = None  # for a nested Sequential or Functional model
    operation: bool = False  # a keras.ops call Keras records in the graph (x + y, x[:, -1])
    config: dict[str, Any] | None = field(default=None, compare=False)  # an operation's own
    stated: bool = False  # a layer without rules whose outputs the reader states (--assume)


@dataclass(frozen=True)
class ModelGraph:
    """The layers of a model, every call of each in the config's order, its inputs and outputs."""

    name: str
    kind: str  # "Sequential" or "Functional"
    layers: dict[str, Layer]
    nodes: tuple[Node, ...]
    inputs: tuple[Ref, ...]
    outputs: tuple[Ref, ...] = field(default=())


def read_model_config(data: Any, stated: frozenset[str] = frozenset()) -> ModelGraph:
    """The graph of a model config (the parsed JSON object); raises `ConfigError`.

    ``stated`` names the layers without rules (a Lambda, a custom class) whose outputs the
    reader states (``--assume``): they are read as placeholders instead of refused.
    """
    if not isinstance(data, dict):
        raise ConfigError("the JSON is not an object: expected a Keras model config")
    class_name = data.get("class_name")
    if class_name not in MODEL_CLASSES:
        if isinstance(class_name, str):
            raise ConfigError(
                f"the file holds a {class_name!r}, not a Sequential or Functional model; save "
                "a model (model.save('model.keras') or model.to_json())"
            )
        raise ConfigError("no 'class_name' at the top: expected a Keras model config")
    config = data.get("config")
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise ConfigError(f"the {class_name} has no list of layers under 'config'")
    if len(config["layers"]) > _MAX_LAYERS:
        raise ConfigError(f"{len(config['layers'])} layers is more than rnnshape reads")
    name = str(config.get("name") or class_name.lower())
    if class_name == "Sequential":
        return _sequential(name, config, stated)
    return _functional(name, config, stated)


# --------------------------------------------------------------------------- layers


_ASSUME = "; or state its output shape: --assume {name}=SHAPE (batch first, e.g. None,8)"


def _layer(entry: Any, fallback: str, stated: frozenset[str] = frozenset()) -> Layer:
    """One layer entry; refuses what the rules cannot know without running code, unless the
    reader states its outputs (``stated``)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("class_name"), str):
        raise ConfigError(f"layer {fallback!r} has no class_name: not a Keras layer config")
    class_name = entry["class_name"]
    config = entry.get("config") if isinstance(entry.get("config"), dict) else {}
    name = entry.get("name") or config.get("name") or fallback
    name = name if isinstance(name, str) else fallback
    module = entry.get("module")
    registered = entry.get("registered_name")
    if isinstance(module, str) and module.startswith(OPERATION_MODULES):
        # An operator or keras.ops call on symbolic tensors (x + y, x[:, -1]): traced by
        # rules.ops from its own arguments; one without rules is refused where it is used.
        return Layer(name, class_name, operation=True, config=config, stated=name in stated)
    custom = ""
    if isinstance(module, str) and module != "keras" and not module.startswith("keras."):
        custom = (
            f"layer {name!r} is a custom class {class_name!r} from module {module!r}: rnnshape "
            "reads Keras's own layers only and never imports a module a file names"
        )
    elif registered not in (None, class_name) and class_name not in MODEL_CLASSES:
        custom = (
            f"layer {name!r} is a custom class registered as {registered!r}: rnnshape cannot "
            "know its output shape without running its code, which it never does; trace the "
            "model with a built-in layer in its place"
        )
    elif class_name == "Lambda":
        custom = (
            f"layer {name!r} is a Lambda: its output shape cannot be known without running its "
            "Python function, which rnnshape never does; replace it by a built-in layer (e.g. "
            "Reshape, Permute, or a merge layer such as Add)"
        )
    if custom:
        if name in stated:
            return Layer(name, class_name, stated=True)
        raise ConfigError(custom + _ASSUME.format(name=name))
    if class_name in INPUT_CLASSES:
        return Layer(name, class_name, input_shape=_input_shape(name, config))
    if class_name in MODEL_CLASSES:
        return Layer(name, class_name, model=read_model_config(entry, stated))
    try:
        spec = from_config(class_name, config)
    except SpecError as exc:
        if name in stated:  # e.g. a wrapper of another framework: refused by name
            return Layer(name, class_name, stated=True)
        # A class Keras does not have (a custom layer saved from a script or notebook) or one
        # refused by name: its output can be stated. A known layer's bad keyword cannot.
        unknown = CONFIG_NAMES.get(class_name, class_name) not in SHAPE_ARGS
        raise ConfigError(f"layer {name!r}: {exc}" + _ASSUME.format(name=name) * unknown) from None
    return Layer(name, class_name, spec=spec)


def _input_shape(name: str, config: dict[str, Any]) -> Shape:
    shape = config.get("batch_shape", config.get("batch_input_shape"))
    if not isinstance(shape, list) or not shape:
        raise ConfigError(f"input {name!r} has no batch_shape")
    for size in shape:
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size <= 0):
            raise ConfigError(f"input {name!r} has a size {size!r} that is not a positive integer")
    return tuple(shape)


# --------------------------------------------------------------------------- Sequential


def _sequential(name: str, config: dict[str, Any], stated: frozenset[str]) -> ModelGraph:
    entries = config["layers"]
    layers: dict[str, Layer] = {}
    nodes: list[Node] = []
    previous: str | None = None
    inputs: tuple[Ref, ...] = ()
    for i, entry in enumerate(entries):
        layer = _layer(entry, f"layer_{i}", stated)
        if layer.name in layers:
            raise ConfigError(f"two layers are named {layer.name!r}")
        layers[layer.name] = layer
        if layer.input_shape is not None:
            if previous is not None:
                raise ConfigError(f"input {layer.name!r} is not the first layer of {name!r}")
            inputs = (Ref(layer.name, 0, 0),)
        else:
            if previous is None:  # built without keras.Input: the shape may be recorded
                shape = config.get("build_input_shape")
                if not isinstance(shape, list):
                    raise ConfigError(
                        f"the Sequential model {name!r} does not say its input shape (it was "
                        "saved before it was built); start it with keras.Input(shape=...) and "
                        "save it again"
                    )
                entry_name = f"{name}_input"
                layers[entry_name] = Layer(
                    entry_name, "InputLayer", input_shape=_input_shape(name, {"batch_shape": shape})
                )
                inputs, previous = (Ref(entry_name, 0, 0),), entry_name
            nodes.append(Node(layer.name, 0, (Chained(previous),), {}))
        previous = layer.name
    if previous is None or not nodes:
        raise ConfigError(f"the Sequential model {name!r} has no layers")
    return ModelGraph(name, "Sequential", layers, tuple(nodes), inputs, (Ref(previous, 0, 0),))


# --------------------------------------------------------------------------- Functional


def _functional(name: str, config: dict[str, Any], stated: frozenset[str]) -> ModelGraph:
    layers: dict[str, Layer] = {}
    nodes: list[Node] = []
    for i, entry in enumerate(config["layers"]):
        layer = _layer(entry, f"layer_{i}", stated)
        if layer.name in layers:
            raise ConfigError(f"two layers are named {layer.name!r}")
        layers[layer.name] = layer
        inbound = entry.get("inbound_nodes") or []
        if not isinstance(inbound, list):
            raise ConfigError(f"layer {layer.name!r}: inbound_nodes is not a list")
        if layer.input_shape is None and not inbound:
            continue  # a layer the model holds but never calls
        for call, node in enumerate(inbound):
            args, kwargs = _node(layer.name, node)
            nodes.append(Node(layer.name, call, args, kwargs))
    graph = ModelGraph(
        name,
        "Functional",
        layers,
        tuple(nodes),
        _refs(config.get("input_layers"), layers, "input_layers"),
        _refs(config.get("output_layers"), layers, "output_layers"),
    )
    for ref in graph.inputs:
        if layers[ref.layer].input_shape is None:
            raise ConfigError(f"model input {ref.layer!r} is not an InputLayer")
    if not graph.outputs:
        raise ConfigError(f"the model {name!r} has no outputs")
    return graph


def _node(layer: str, node: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """A call's (args, kwargs), tensors as `Ref`s; both Keras 3's dict and the legacy list."""
    if isinstance(node, dict):
        args = node.get("args", [])
        kwargs = node.get("kwargs", {})
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise ConfigError(f"layer {layer!r}: a call's args or kwargs are malformed")
        return tuple(_value(layer, a) for a in args), {
            str(k): _value(layer, v) for k, v in kwargs.items()
        }
    if isinstance(node, list):  # tf.keras 2: [[name, call, index, kwargs], ...]
        refs, kwargs = [], {}
        for item in node:
            if not (isinstance(item, list) and 3 <= len(item) <= 4):
                raise ConfigError(f"layer {layer!r}: a call's inputs are malformed")
            refs.append(_ref(item[:3], layer))
            if len(item) == 4 and isinstance(item[3], dict):
                kwargs = {str(k): _value(layer, v) for k, v in item[3].items()}
        return ((refs[0] if len(refs) == 1 else refs),), kwargs
    raise ConfigError(f"layer {layer!r}: a call is neither an object nor a list")


def _value(layer: str, value: Any, depth: int = 0) -> Any:
    """An argument: a Keras tensor becomes a `Ref`, lists stay lists, other values as they are."""
    if depth > 20:
        raise ConfigError(f"layer {layer!r}: a call's arguments are nested too deep")
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            history = (value.get("config") or {}).get("keras_history")
            return _ref(history, layer)
        if value.get("class_name") == "__tuple__":  # Keras writes tuples this way
            return [
                _value(layer, v, depth + 1) for v in (value.get("config") or {}).get("value", [])
            ]
        return {str(k): _value(layer, v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_value(layer, v, depth + 1) for v in value]
    return value


def _ref(history: Any, layer: str) -> Ref:
    if (
        isinstance(history, list)
        and len(history) == 3
        and isinstance(history[0], str)
        and all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in history[1:])
    ):
        return Ref(history[0], history[1], history[2])
    raise ConfigError(f"layer {layer!r}: a tensor it is called on has no valid keras_history")


def _refs(value: Any, layers: dict[str, Layer], key: str) -> tuple[Ref, ...]:
    """input_layers / output_layers: one ``[name, call, index]`` or a list or dict of them."""
    if isinstance(value, list) and len(value) == 3 and isinstance(value[0], str):
        refs = (_ref(value, key),)
    elif isinstance(value, list):
        refs = tuple(r for item in value for r in _refs(item, layers, key))
    elif isinstance(value, dict):
        refs = tuple(r for item in value.values() for r in _refs(item, layers, key))
    else:
        raise ConfigError(f"the model's {key} are missing or malformed")
    for ref in refs:
        if ref.layer not in layers:
            raise ConfigError(f"the model's {key} name a layer {ref.layer!r} it does not have")
    return refs
