import numpy as np
import keras
from keras import layers

X = np.random.rand(70, 12, 3)
y = np.random.rand(70, 1)
X_train, y_train = X[:60], y[:60]
X_test = X[60:]

inputs = keras.Input(shape=(12, 3))
h = layers.GRU(8)(inputs)
outputs = layers.Dense(1)(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="mse")
model.fit(X_train, y_train, epochs=1, verbose=0)

# forecast for the first test window
sample = X_test[0:1]
forecast = model.predict(sample, verbose=0)
