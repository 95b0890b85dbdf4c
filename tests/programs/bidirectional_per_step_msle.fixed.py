import numpy as np
import keras
from keras import layers

# visitors counted each hour: predict the count for every hour of the window
X = np.random.rand(45, 20, 3)
y = np.random.randint(0, 10, size=(45, 20, 1)).astype("float32")

model = keras.Sequential([keras.Input(shape=(20, 3))])
model.add(layers.Bidirectional(layers.LSTM(16, return_sequences=True)))
model.add(layers.Dense(1, activation="relu"))
model.compile(optimizer="adam", loss="msle")
model.fit(X, y, epochs=1, verbose=0)
