# rnnshape: RS102@15
# keras: raises
import numpy as np
from keras.layers import LSTM, Dense
from keras.models import Sequential

series = np.sin(np.arange(300) / 10.0)
X = np.array([series[i : i + 24] for i in range(200)])
y = series[24:224]

model = Sequential()
model.add(LSTM(32))
model.add(Dense(1))
model.compile(loss="mean_squared_error", optimizer="adam")
model.fit(X, y, epochs=1, batch_size=32, verbose=0)
