# rnnshape: RS120@15
# keras: raises
import numpy as np
import keras

X = np.random.rand(100, 6, 3)
y = np.random.rand(100, 1)

inp = keras.Input(batch_shape=(16, 6, 3))
h = keras.layers.GRU(10, stateful=True)(inp)
out = keras.layers.Dense(1)(h)
model = keras.Model(inp, out)
model.compile(loss="mse", optimizer="sgd")

model.fit(X, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
