import numpy as np
import keras

# daily closing prices, 60-day windows
prices = np.random.random(400) * 100
X = np.array([prices[i : i + 60] for i in range(len(prices) - 60)])
y = prices[60:]
X = np.expand_dims(X, axis=-1)

model = keras.Sequential()
model.add(keras.layers.LSTM(50, return_sequences=True, input_shape=(60, 1)))
model.add(keras.layers.LSTM(50))
model.add(keras.layers.Dense(1))
model.compile(optimizer="adam", loss="mean_squared_error")
model.fit(X, y, epochs=1, batch_size=64, verbose=0)
