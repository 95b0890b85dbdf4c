# rnnshape: RS103@12
# keras: raises
import numpy as np
from tensorflow.keras.layers import LSTM, Dense
from tensorflow.keras.models import Sequential

# backend: tensorflow
X = np.random.rand(64, 10, 3)
y = np.random.rand(64, 1)

model = Sequential()
model.add(LSTM(16, input_shape=X.shape))
model.add(Dense(1))
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=1, batch_size=16, verbose=0)
