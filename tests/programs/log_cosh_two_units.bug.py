# rnnshape: RS111@16
# keras: silent
# proof: model.predict(X[:1], verbose=0).shape == (1, 2)
# proof: y.shape == (55, 1)
import numpy as np
import keras

X = np.ones((55, 9, 2)) * np.linspace(0, 1, 9)[None, :, None]
y = np.random.rand(55, 1)

model = keras.Sequential()
model.add(keras.Input(shape=(9, 2)))
model.add(keras.layers.LSTM(6))
model.add(keras.layers.Dense(2))
model.compile(optimizer="adam", loss="log_cosh")
model.fit(X, y, epochs=1, verbose=0)
