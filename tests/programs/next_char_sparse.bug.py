# rnnshape: RS110@22
# keras: raises
import numpy as np
import keras
from keras import layers

text = "the quick brown fox jumps over the lazy dog " * 20
chars = sorted(set(text))
index = {c: i for i, c in enumerate(chars)}
encoded = np.array([index[c] for c in text])

seq_len = 40
starts = range(0, len(encoded) - seq_len - 1, 7)
X = np.array([encoded[s : s + seq_len] for s in starts])
y = np.array([encoded[s + 1 : s + seq_len + 1] for s in starts])

model = keras.Sequential()
model.add(layers.Embedding(len(chars), 16))
model.add(layers.LSTM(64))
model.add(layers.Dense(len(chars)))
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(X, y, batch_size=32, epochs=1, verbose=0)
