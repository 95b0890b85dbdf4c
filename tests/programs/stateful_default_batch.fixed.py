import numpy as np
import keras
from keras.layers import LSTM, Dense

batch = 8
series = np.sin(np.linspace(0, 20, 1000))
X = series[: 64 * 10].reshape(64, 10, 1)
y = series[10:650:10].reshape(-1, 1)

model = keras.Sequential()
model.add(keras.Input(batch_shape=(batch, 10, 1)))
model.add(LSTM(20, stateful=True))
model.add(Dense(1))
model.compile(loss="mse", optimizer="adam")

for epoch in range(2):
    model.fit(X, y, epochs=1, batch_size=batch, shuffle=False, verbose=0)
    model.layers[0].reset_states()
