import numpy as np
import keras

X = np.random.rand(64, 16, 2)
y = np.random.rand(64)

model = keras.Sequential()
model.add(keras.Input(shape=(16, 2)))
model.add(keras.layers.SimpleRNN(12))
model.add(keras.layers.Dense(1))
model.compile(optimizer="adam", loss="mae")
model.fit(X, y, epochs=1, batch_size=16, verbose=0)
