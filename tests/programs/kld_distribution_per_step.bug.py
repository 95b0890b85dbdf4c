# rnnshape: RS110@20
# keras: raises
import numpy as np
import keras
from keras import layers

# predict how tomorrow's traffic splits over 5 roads from the last 10 days
X = np.random.rand(64, 10, 5)
shares = np.random.rand(64, 5)
shares = shares / shares.sum(axis=1, keepdims=True)

model = keras.Sequential(
    [
        keras.Input(shape=(10, 5)),
        layers.GRU(24, return_sequences=True),
        layers.Dense(5, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="kld")
model.fit(X, shares, epochs=1, batch_size=16, verbose=0)
