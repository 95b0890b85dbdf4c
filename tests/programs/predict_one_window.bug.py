# rnnshape: RS130@21
# keras: silent
# proof: prediction.shape == (24, 1)
import numpy as np
import keras

series = np.cos(np.arange(400) / 7.0)
windows = np.stack([series[i : i + 24] for i in range(300)])[..., np.newaxis]
targets = series[24:324]

model = keras.Sequential(
    [
        keras.Input(shape=(24, 1)),
        keras.layers.LSTM(16),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss="mse")
model.fit(windows, targets, epochs=1, verbose=0)
last_window = series[-24:].reshape(24, 1)
prediction = model.predict(last_window, verbose=0)
