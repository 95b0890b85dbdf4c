# rnnshape: RS111@23
# keras: silent
# proof: y.shape == (160, 5)
# proof: model.predict(X[:2], verbose=0).shape == (2, 1)
import numpy as np
import keras

# forecast the next 5 hours from the last 36
series = np.cumsum(np.random.normal(size=200))
lookback, horizon = 36, 5
n = len(series) - lookback - horizon + 1
X = np.zeros((n, lookback, 1))
y = np.zeros((n, horizon))
for i in range(n):
    X[i, :, 0] = series[i : i + lookback]
    y[i] = series[i + lookback : i + lookback + horizon]

model = keras.Sequential()
model.add(keras.Input(shape=(lookback, 1)))
model.add(keras.layers.GRU(32))
model.add(keras.layers.Dense(1))
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=1, verbose=0)
