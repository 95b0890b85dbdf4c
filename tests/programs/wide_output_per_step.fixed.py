import keras
import numpy as np

X = np.random.rand(50, 24, 3)
y = np.random.rand(50, 24, 1)  # one value per step

model = keras.Sequential(
    [
        keras.Input(shape=(24, 3)),
        keras.layers.SimpleRNN(20, return_sequences=True),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=1, verbose=0)
