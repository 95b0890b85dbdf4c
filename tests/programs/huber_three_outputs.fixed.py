import numpy as np
import keras
from keras import layers, losses

X = np.random.rand(50, 12, 4)
y = np.random.rand(50, 1) * 10.0  # one price per sample

model = keras.Sequential()
model.add(keras.Input(shape=(12, 4)))
model.add(layers.GRU(16))
model.add(layers.Dense(8, activation="relu"))
model.add(layers.Dense(1))
model.compile(optimizer="adam", loss=losses.Huber())
model.fit(X, y, epochs=1, verbose=0)
