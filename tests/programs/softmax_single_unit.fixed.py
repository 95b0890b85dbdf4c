import numpy as np
import keras
from keras.layers import Bidirectional, Dense, LSTM

X = np.random.rand(40, 25, 2)
y = np.random.randint(0, 2, size=(40, 1)).astype("float32")  # fraud or not

model = keras.Sequential()
model.add(keras.Input(shape=(25, 2)))
model.add(Bidirectional(LSTM(8)))
model.add(Dense(1, activation="sigmoid"))
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=1, verbose=0)
probabilities = model.predict(X[:5], verbose=0)
