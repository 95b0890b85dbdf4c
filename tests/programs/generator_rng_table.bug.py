# rnnshape: RS102@15
# keras: raises
import numpy as np
import keras

rng = np.random.default_rng(7)
X = rng.normal(size=(120, 30))
y = rng.integers(0, 2, size=(120, 1))
split = int(0.8 * len(X))
X_train, X_test = X[:split], X[split:]
y_train, y_test = y[:split], y[split:]

model = keras.Sequential([keras.layers.LSTM(8), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X_train, y_train, epochs=1, verbose=0)
model.evaluate(X_test, y_test, verbose=0)
