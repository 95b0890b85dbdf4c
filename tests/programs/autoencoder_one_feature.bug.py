# rnnshape: RS111@19
# keras: silent
# proof: X.shape[-1] == 3 and autoencoder.predict(X[:1], verbose=0).shape == (1, 25, 1)
import numpy as np
import keras
from keras import layers

# reconstruct 3 machine signals to spot anomalies
X = np.random.random((60, 25, 3))

encoder_in = keras.Input(shape=(25, 3))
code = layers.LSTM(6)(encoder_in)
h = layers.RepeatVector(25)(code)
h = layers.LSTM(6, return_sequences=True)(h)
reconstruction = layers.TimeDistributed(layers.Dense(1))(h)
autoencoder = keras.Model(encoder_in, reconstruction)
autoencoder.compile(optimizer="adam", loss="mse")

autoencoder.fit(X, X, epochs=1, batch_size=20, verbose=0)
