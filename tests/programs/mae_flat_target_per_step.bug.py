# rnnshape: RS111@16
# keras: silent
# proof: y.shape == (64,)
# proof: model.predict(X[:2], verbose=0).shape == (2, 16, 1)
import numpy as np
import keras

X = np.random.rand(64, 16, 2)
y = np.random.rand(64)

model = keras.Sequential()
model.add(keras.Input(shape=(16, 2)))
model.add(keras.layers.SimpleRNN(12, return_sequences=True))
model.add(keras.layers.Dense(1))
model.compile(optimizer="adam", loss="mae")
model.fit(X, y, epochs=1, batch_size=16, verbose=0)
