# rnnshape: RS103@10
# keras: raises
import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense, Dropout

X = np.random.rand(80, 30, 4)
y = np.random.rand(80, 1)
model = Sequential()
model.add(LSTM(50, input_shape=(X.shape[1],)))
model.add(Dropout(0.2))
model.add(Dense(1))
model.compile(loss="mse", optimizer="adam")
model.fit(X, y, epochs=1, batch_size=16, validation_split=0.2, verbose=0)
