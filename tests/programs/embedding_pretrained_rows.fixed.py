import numpy as np
import keras
from keras import layers

vocab_size, dim = 300, 50
# vectors for ids 1..vocab_size, row 0 kept for padding
vectors = np.random.normal(size=(vocab_size + 1, dim)).astype("float32")

ids = np.random.randint(1, vocab_size, size=(40, 12))
labels = np.random.randint(0, 2, size=(40, 1))

model = keras.Sequential(
    [
        layers.Embedding(vocab_size + 1, dim, weights=[vectors], trainable=False),
        layers.LSTM(16),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(ids, labels, epochs=1, verbose=0)
