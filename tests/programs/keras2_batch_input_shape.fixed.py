import numpy as np
import keras
from keras.layers import LSTM, Dense

batch_size = 4
X = np.random.rand(40, 5, 2)
y = np.random.rand(40, 1)

model = keras.Sequential()
model.add(keras.Input(batch_shape=(batch_size, 5, 2)))
model.add(LSTM(8, stateful=True))
model.add(Dense(1))
model.compile(loss="mse", optimizer="adam")
model.fit(X, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
