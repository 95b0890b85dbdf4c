import numpy as np
import keras
from keras import layers

# reconstruct 3 machine signals to spot anomalies
X = np.random.random((60, 25, 3))

encoder_in = keras.Input(shape=(25, 3))
code = layers.LSTM(6)(encoder_in)
h = layers.RepeatVector(25)(code)
h = layers.LSTM(6, return_sequences=True)(h)
reconstruction = layers.TimeDistributed(layers.Dense(3))(h)
autoencoder = keras.Model(encoder_in, reconstruction)
autoencoder.compile(optimizer="adam", loss="mse")

autoencoder.fit(X, X, epochs=1, batch_size=20, verbose=0)
