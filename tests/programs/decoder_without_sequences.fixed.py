import numpy as np
import keras
from keras.layers import LSTM, Dense, RepeatVector, TimeDistributed

# a sequence autoencoder: squeeze 30 steps into 8 numbers and back
timesteps, features = 30, 2
X = np.random.rand(40, timesteps, features)

model = keras.Sequential()
model.add(keras.Input(shape=(timesteps, features)))
model.add(LSTM(8))
model.add(RepeatVector(timesteps))
model.add(LSTM(8, return_sequences=True))
model.add(TimeDistributed(Dense(features)))
model.compile(optimizer="adam", loss="mse")
model.fit(X, X, epochs=1, verbose=0)
