# rnnshape: RS150@10
# keras: raises
import numpy as np
from keras.models import Sequential
from keras.layers import GRU, Dense

X = np.random.rand(60, 15, 3)
y = np.random.rand(60, 1)
model = Sequential()
model.add(GRU(32, input_dim=3))
model.add(Dense(1))
model.compile(loss="mse", optimizer="adam")
model.fit(X, y, epochs=1, verbose=0)
