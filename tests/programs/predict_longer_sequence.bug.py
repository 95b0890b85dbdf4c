# rnnshape: RS131@19
# keras: raises
import numpy as np
import keras
from keras import layers

X = np.random.rand(50, 24, 1)
y = np.random.rand(50, 1)

model = keras.Sequential()
model.add(layers.Input(shape=(24, 1)))
model.add(layers.LSTM(8, return_sequences=True))
model.add(layers.Flatten())
model.add(layers.Dense(1))
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=1, verbose=0)

two_days = np.random.rand(1, 48, 1)
prediction = model.predict(two_days, verbose=0)
