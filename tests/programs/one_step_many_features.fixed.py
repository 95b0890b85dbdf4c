import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense

prices = np.random.rand(260) * 50 + 100
look_back = 20
X = np.array([prices[i : i + look_back] for i in range(len(prices) - look_back)])
y = prices[look_back:]

# reshape input to be [samples, time steps, features]
X = np.reshape(X, (X.shape[0], X.shape[1], 1))

model = Sequential()
model.add(LSTM(4, input_shape=(look_back, 1)))
model.add(Dense(1))
model.compile(loss="mean_squared_error", optimizer="adam")
model.fit(X, y, epochs=1, batch_size=8, verbose=0)
