import numpy as np
import keras

# predict tomorrow's load from the last 24 hours
X = np.random.rand(90, 24, 2)
y = np.random.rand(90, 1)

model = keras.Sequential(
    [
        keras.Input(shape=(24, 2)),
        keras.layers.LSTM(32),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=1, batch_size=30, verbose=0)
