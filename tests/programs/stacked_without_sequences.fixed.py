import keras
import numpy as np

X = np.random.rand(32, 10, 2)
y = np.random.rand(32, 1)

inp = keras.Input(shape=(10, 2))
h = keras.layers.LSTM(8, return_sequences=True)(inp)
h = keras.layers.LSTM(8)(h)
out = keras.layers.Dense(1)(h)
model = keras.Model(inp, out)
model.compile(loss="mse", optimizer="adam")
model.fit(X, y, epochs=1, verbose=0)
