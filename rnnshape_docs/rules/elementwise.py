"""Layers that keep the shape: activations, dropout and noise, normalizations, augmentations.

Each acts value by value, or over one axis, or on each image as a whole, so what comes out
has the shape of what went in. The rules check what Keras checks: the number of axes a
layer needs, and the sizes a layer with weights must know when it is built.
"""

from __future__ import annotations

from rnnshape_docs.rules.base import Refusal, Result, Shape, format_shape, ndim_name, positive_int
from rnnshape_docs.specs import LayerSpec
from rnnshape_docs.specs_catalog import ALIASES, IMAGE_LAYERS

#: One-line reasons; "{axis}" is filled with the axis the layer reads.
_WHY = {
    "ReLU": "applies relu to every value on its own",
    "LeakyReLU": "applies leaky relu to every value on its own",
    "ELU": "applies elu to every value on its own",
    "PReLU": "applies relu with a learned slope for negative values",
    "Softmax": "softmax over axis {axis}: the values along it sum to 1",
    "Identity": "passes its input on unchanged",
    "ActivityRegularization": "adds a penalty on the values to the loss; passes them on",
    "AlphaDropout": "during training drops values while keeping their mean and variance",
    "GaussianDropout": "during training multiplies each value by noise around 1",
    "GaussianNoise": "during training adds Gaussian noise to each value",
    "SpatialDropout1D": "during training drops whole feature channels, for every time step",
    "SpatialDropout2D": "during training drops whole channels of each image",
    "SpatialDropout3D": "during training drops whole channels of each volume",
    "UnitNormalization": "scales each vector along axis {axis} to length 1",
    "RMSNormalization": "divides the values along axis {axis} by their root mean square",
    "GroupNormalization": "normalizes each group of channels of each sample on its own",
    "Normalization": "subtracts a mean and divides by a standard deviation per feature",
    "Rescaling": "multiplies every value by a scale and adds an offset",
    "MaxNumBoundingBoxes": "pads or cuts the bounding boxes; the images pass unchanged",
}


# Layers that need an exact number of axes (Keras's InputSpec), and what those axes are.
_NDIM = {
    "SpatialDropout1D": (3, "batch, time steps, channels"),
    "SpatialDropout2D": (4, "batch, rows, columns, channels"),
    "SpatialDropout3D": (5, "batch, depth, rows, columns, channels"),
}


def _axis(shape: Shape, axis: object, name: str) -> int:
    if isinstance(axis, bool) or not isinstance(axis, int) or not -len(shape) <= axis < len(shape):
        raise Refusal(
            f"{name}: axis={axis!r} is not an axis of the {len(shape)}-D input "
            f"{format_shape(shape)}; use -1 (the last) or another from {-len(shape)} to "
            f"{len(shape) - 1}"
        )
    return axis % len(shape)


def _known(shape: Shape, axis: int, name: str, why: str) -> int:
    if shape[axis] is None:
        raise Refusal(
            f"{name} {why}, so axis {axis} of {format_shape(shape)} must have a known size"
        )
    return shape[axis]


def same_shape(spec: LayerSpec, shape: Shape) -> Result:
    """Every layer of this module: checks what Keras checks, returns the input's shape."""
    name = spec.name
    if name in _NDIM and len(shape) != _NDIM[name][0]:
        n, axes = _NDIM[name]
        raise Refusal(
            f"{name} needs {n}-D input ({axes}) but gets {ndim_name(len(shape))} "
            f"{format_shape(shape)}",
            after_rnn=n == 3 and len(shape) == 2,
        )
    if name in IMAGE_LAYERS:
        _image(spec, shape)
        if name == "Equalization":
            raise Refusal(
                "Keras 3.15 cannot put Equalization in a model: its symbolic call returns its "
                "own input, which Keras reports as a cycle; apply it to the data beforehand"
            )
        why = f"{_image_verb(name)} each image; shape unchanged"
        return (shape,), ("output",), why
    axis_text = ""
    if name == "GroupNormalization":
        _groups(spec, shape)
    elif name in ("Softmax", "UnitNormalization", "RMSNormalization"):
        axes = spec.get("axis")
        for axis in axes if isinstance(axes, tuple | list) else (axes,):
            index = _axis(shape, axis, name)
            if name == "RMSNormalization":
                _known(shape, index, name, "learns a scale for each value along its axis")
        axis_text = str(axes)
    elif name == "PReLU":
        _prelu(spec, shape)
    elif name == "Normalization":
        _normalization(spec, shape)
    why = _WHY[name].format(axis=axis_text)
    return (shape,), ("output",), f"{why}; shape unchanged"


def _image(spec: LayerSpec, shape: Shape) -> None:
    if len(shape) not in (3, 4):
        raise Refusal(
            f"{spec.name} needs images: 4-D (batch, rows, columns, channels), or 3-D for one "
            f"image, but gets {ndim_name(len(shape))} {format_shape(shape)}"
        )


def _image_verb(name: str) -> str:
    if name.startswith("Random"):
        return "during training changes"
    return "changes the values of"


def _groups(spec: LayerSpec, shape: Shape) -> None:
    index = _axis(shape, spec.get("axis"), spec.name)
    channels = _known(shape, index, spec.name, "splits its axis into groups")
    if spec.get("groups") == -1:  # Keras: one group per channel (instance normalization)
        return
    groups = positive_int(spec, "groups", spec.get("groups"))
    if channels < groups or channels % groups:
        raise Refusal(
            f"GroupNormalization(groups={groups}) splits the {channels} channels of axis "
            f"{index} into equal groups; choose groups that divide {channels} (the default "
            "is 32)"
        )


def _prelu(spec: LayerSpec, shape: Shape) -> None:
    shared = spec.get("shared_axes")
    shared = () if shared is None else shared if isinstance(shared, tuple | list) else (shared,)
    for axis in range(1, len(shape)):
        if axis not in shared and shape[axis] is None:
            raise Refusal(
                f"PReLU learns one slope per value of each sample, so axis {axis} of "
                f"{format_shape(shape)} must have a known size (or be in shared_axes)"
            )


def _normalization(spec: LayerSpec, shape: Shape) -> None:
    axes = spec.get("axis")
    for axis in axes if isinstance(axes, tuple | list) else (() if axes is None else (axes,)):
        index = _axis(shape, axis, spec.name)
        _known(shape, index, spec.name, "keeps a mean and a variance per value along its axis")


def spectral_normalization(spec: LayerSpec, shape: Shape) -> Result:
    """SpectralNormalization(layer): the wrapped layer's shape (its kernel is rescaled)."""
    inner: LayerSpec = spec.params["layer"]
    # Keras asks the built layer for a kernel (or embeddings), so an alias of such a layer
    # (Convolution2D) has one too.
    if ALIASES.get(inner.name, inner.name) not in _KERNEL_LAYERS:
        raise Refusal(
            f"SpectralNormalization rescales a layer's kernel, and {inner.name} has none; "
            "wrap a Dense, convolution or Embedding layer"
        )
    from rnnshape_docs.rules import apply  # the registry imports this module

    outputs, names, why = apply(inner, shape)
    return (
        outputs,
        names,
        f"{inner.text} with its kernel divided by its largest singular value: {why}",
    )


_KERNEL_LAYERS = (
    "Dense",
    "EinsumDense",
    "Embedding",
    "Conv1D",
    "Conv2D",
    "Conv3D",
    "Conv1DTranspose",
    "Conv2DTranspose",
    "Conv3DTranspose",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
)

RULES = dict.fromkeys((*_WHY, *IMAGE_LAYERS), same_shape)
RULES["SpectralNormalization"] = spectral_normalization
