import numpy as np
import keras
from keras import layers

X = np.random.rand(32, 12, 3).astype("float32")
y = np.random.rand(32, 1).astype("float32")

inputs = keras.Input(shape=(12, 3))
h = layers.SimpleRNN(8)(inputs)
outputs = layers.Dense(1)(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer="sgd", loss="mse")

# online learning: one sample at a time
losses = []
for i in range(len(X)):
    losses.append(model.train_on_batch(X[i : i + 1], y[i : i + 1]))
