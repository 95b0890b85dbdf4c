# rnnshape: RS102@18
# keras: raises
import numpy as np
import keras
from keras import layers

# two signals per sample, 30 steps each
left = np.random.normal(size=(64, 30))
right = np.random.normal(size=(64, 30))
X = np.concatenate([left, right], axis=1)
y = np.random.normal(size=(64, 1))

inputs = keras.Input(shape=(30, 2))
h = layers.LSTM(12)(inputs)
outputs = layers.Dense(1)(h)
model = keras.Model(inputs=inputs, outputs=outputs)
model.compile(optimizer="adam", loss="mae")
model.fit(X, y, epochs=1, verbose=0)
