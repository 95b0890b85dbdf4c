import numpy as np
import keras

# 40 trials of an 8-channel recording, 100 samples per channel
trials = np.random.normal(size=(40, 8, 100)).astype("float32")
labels = np.random.randint(0, 2, size=(40,))

X = np.swapaxes(trials, 1, 2)

model = keras.Sequential(
    [
        keras.Input(shape=(100, 8)),
        keras.layers.LSTM(16),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, labels, epochs=1, batch_size=8, verbose=0)
