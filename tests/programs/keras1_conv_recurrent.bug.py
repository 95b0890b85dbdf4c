# rnnshape: RS150@5 RS150@12
# keras: raises
import numpy as np
from keras.models import Sequential
from keras.layers.recurrent import LSTM
from keras.layers import Convolution1D, Dense

X = np.random.rand(80, 30, 2)  # 30 readings of 2 sensors
y = np.random.rand(80, 1)

model = Sequential()
model.add(Convolution1D(16, 3, border_mode="same", init="glorot_uniform", input_shape=(30, 2)))
model.add(LSTM(8))
model.add(Dense(1))
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=1, verbose=0)
