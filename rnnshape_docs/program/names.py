"""What the names a program imports mean: one canonical path per thing, whatever the spelling.

``tf.keras.layers.LSTM``, ``tensorflow.keras.layers.LSTM``, ``keras.layers.recurrent.LSTM``
and ``from keras.layers import LSTM`` all become ``keras.layers.LSTM``; Keras 1/2 module
paths are read as their authors meant. Nothing is imported: these are strings.
"""

from __future__ import annotations

import re

# Module prefixes rewritten, longest first (tf.keras becomes tensorflow.keras when read).
_PREFIXES = (
    ("tensorflow.python.keras.", "keras."),
    ("tensorflow.keras.", "keras."),
    ("keras.api._v2.keras.", "keras."),
    ("keras.src.", "keras."),
    ("tf_keras.", "keras."),
)

# Keras 1/2 submodules of keras.layers, all one namespace in Keras 3.
_LAYER_MODULES = (
    "recurrent",
    "core",
    "convolutional",
    "convolutional_recurrent",
    "embeddings",
    "pooling",
    "merge",
    "merging",
    "wrappers",
    "normalization",
    "advanced_activations",
    "noise",
    "cudnn_recurrent",
    "rnn",
    "attention",
    "reshaping",
    "regularization",
    "activation",
    "activations",
)

# Functions and classes that moved; the key is the canonical path after the prefixes above.
_MOVED = {
    "keras.layers.Input": "keras.Input",
    "keras.models.Sequential": "keras.Sequential",
    "keras.models.Model": "keras.Model",
    "keras.engine.sequential.Sequential": "keras.Sequential",
    "keras.engine.training.Model": "keras.Model",
    "keras.utils.np_utils.to_categorical": "keras.utils.to_categorical",
    "keras.utils.numerical_utils.to_categorical": "keras.utils.to_categorical",
    "keras.preprocessing.sequence.pad_sequences": "keras.utils.pad_sequences",
    "keras.preprocessing.sequence.TimeseriesGenerator": "keras.utils.TimeseriesGenerator",
    "keras.preprocessing.timeseries_dataset_from_array": "keras.utils.timeseries_dataset_from_array",
    "keras.utils.data_utils.pad_sequences": "keras.utils.pad_sequences",
    "keras.layers.experimental.preprocessing.Normalization": "keras.layers.Normalization",
    "tensorflow.one_hot": "keras.ops.one_hot",
    "tensorflow.expand_dims": "numpy.expand_dims",
    "tensorflow.reshape": "numpy.reshape",
    "tensorflow.squeeze": "numpy.squeeze",
    "tensorflow.transpose": "numpy.transpose",
    "tensorflow.concat": "numpy.concatenate",
    "tensorflow.stack": "numpy.stack",
    "tensorflow.zeros": "numpy.zeros",
    "tensorflow.ones": "numpy.ones",
    "tensorflow.constant": "numpy.array",
    "tensorflow.convert_to_tensor": "numpy.array",
    "tensorflow.random.normal": "tensorflow.random.normal",
    "tensorflow.random.uniform": "tensorflow.random.uniform",
    "keras.ops.expand_dims": "numpy.expand_dims",
    "keras.ops.reshape": "numpy.reshape",
    "keras.ops.convert_to_tensor": "numpy.array",
    "keras.ops.zeros": "numpy.zeros",
    "keras.ops.ones": "numpy.ones",
    "pandas.DataFrame.values": "pandas.values",
}

_LAYER_MODULE = re.compile(
    r"^keras\.layers\.(?:" + "|".join(_LAYER_MODULES) + r")\.([A-Za-z_]\w*)$"
)


def canonical(path: str) -> str:
    """The one spelling rnnshape reads ``path`` as (a dotted name, never looked up)."""
    if path == "tensorflow.keras" or path == "tf_keras":
        return "keras"
    for old, new in _PREFIXES:
        if path.startswith(old):
            path = new + path[len(old) :]
            break
    match = _LAYER_MODULE.match(path)
    if match:
        path = f"keras.layers.{match.group(1)}"
    path = re.sub(r"^keras\.layers\.(?:" + "|".join(_LAYER_MODULES) + r")$", "keras.layers", path)
    return _MOVED.get(path, path)


# Modules Keras 1/2 had and Keras 3 has not (an import of them fails): where to import from.
_GONE = {
    "keras.utils.np_utils": "keras.utils",
    "keras.utils.data_utils": "keras.utils",
    "keras.engine": "keras",
    "keras.engine.sequential": "keras.models",
    "keras.engine.training": "keras.models",
    "keras.layers.experimental.preprocessing": "keras.layers",
}


def gone_module(module: str) -> str | None:
    """The Keras 3 module to import from instead of ``module``, when Keras 3 has no
    ``module`` (``keras.layers.recurrent`` -> ``keras.layers``); None when it has it."""
    for old, new in _PREFIXES:
        if module.startswith(old) or module + "." == old:
            module = new + module[len(old) :] if module.startswith(old) else new.rstrip(".")
            break
    if re.fullmatch(r"keras\.layers\.(?:" + "|".join(_LAYER_MODULES) + ")", module):
        return "keras.layers"
    return _GONE.get(module)


def layer_class(path: str) -> str | None:
    """The layer class a canonical path names (``keras.layers.LSTM`` -> ``LSTM``), or None."""
    if path.startswith("keras.layers.") and path.count(".") == 2:
        name = path.rsplit(".", 1)[1]
        if name[:1].isupper() and name != "Input":
            return name
    return None


def snake_case(name: str) -> str:
    """Keras's default layer name for a class (``SimpleRNN`` -> ``simple_rnn``)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
