import numpy as np
import keras

series = np.random.rand(500).astype("float32")
X = np.array([series[i : i + 30] for i in range(400)])
y = series[30:430]

inputs = keras.Input(shape=(30, 1))
outputs = keras.layers.Dense(1)(keras.layers.GRU(8)(inputs))
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=1, batch_size=50, verbose=0)

forecast = model(series[-30:].reshape(1, 30, 1))
