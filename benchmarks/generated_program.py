"""A generated training script of about N lines, for timing `rnnshape check`.

It repeats the constructs real scripts use (imports, random data, windows cut in a loop,
reshapes, one-hot labels, Sequential and functional models, compile, fit, predict), each
block with its own names, so every line is read and every model is traced.
"""

from __future__ import annotations

_HEADER = """\
import numpy as np
import keras
from keras import layers
from keras.utils import to_categorical
"""

_BLOCK = """\
# block {k}
series_{k} = np.random.rand(400, 3)
windows_{k}, targets_{k} = [], []
for i in range(len(series_{k}) - 24):
    windows_{k}.append(series_{k}[i : i + 24])
    targets_{k}.append(series_{k}[i + 24, 0])
X_{k} = np.array(windows_{k})
y_{k} = np.array(targets_{k}).reshape(-1, 1)
labels_{k} = to_categorical(np.random.randint(0, 4, size=(len(X_{k}),)), 4)
model_{k} = keras.Sequential()
model_{k}.add(keras.Input(shape=(24, 3)))
model_{k}.add(layers.LSTM(16, return_sequences=True))
model_{k}.add(layers.LSTM(8))
model_{k}.add(layers.Dense(1))
model_{k}.compile(optimizer="adam", loss="mse")
model_{k}.fit(X_{k}, y_{k}, epochs=2, batch_size=32, validation_split=0.1)
inp_{k} = keras.Input(shape=(24, 3))
h_{k} = layers.GRU(12, return_sequences=True)(inp_{k})
h_{k} = layers.GlobalAveragePooling1D()(h_{k})
out_{k} = layers.Dense(4, activation="softmax")(h_{k})
clf_{k} = keras.Model(inp_{k}, out_{k})
clf_{k}.compile(optimizer="adam", loss="categorical_crossentropy")
clf_{k}.fit(X_{k}, labels_{k}, epochs=1)
pred_{k} = model_{k}.predict(X_{k}[-1:])
"""


def program(lines: int = 300) -> str:
    """A program of at least ``lines`` lines (whole blocks)."""
    text = _HEADER
    k = 0
    while text.count("\n") < lines:
        text += _BLOCK.format(k=k)
        k += 1
    return text
