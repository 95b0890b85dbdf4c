import numpy as np
import keras
from keras.layers import LSTM, Dense, Input

X = np.random.rand(50, 12, 3).astype("float32")
y = np.random.rand(50, 1).astype("float32")

inp = Input(shape=(12, 3))
# return_state=True: the call returns [output, h, c], all three kept in `out`
out = LSTM(16, return_state=True)(inp)
pred = Dense(1)(out[0])
model = keras.Model(inp, pred)
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=1, batch_size=25, verbose=0)
