import numpy as np
import keras
from keras import layers

X = np.random.rand(64, 20, 4)
y = np.random.rand(64, 1)


def build_model(n_layers=3, units=16):
    model = keras.Sequential([keras.Input(shape=(20, 4))])
    for i in range(n_layers):
        model.add(layers.LSTM(units, return_sequences=i < n_layers - 1))
    model.add(layers.Dense(1))
    model.compile(optimizer="adam", loss="mse")
    return model


model = build_model()
model.fit(X, y, epochs=1, verbose=0)
