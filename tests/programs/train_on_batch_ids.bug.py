# rnnshape: RS112@24
# keras: raises
import numpy as np
import keras
from keras import layers

# two days of labelled windows, joined
day1 = np.random.rand(40, 10, 3)
day2 = np.random.rand(24, 10, 3)
X = np.concatenate([day1, day2])
y = np.random.randint(0, 3, size=len(X))

model = keras.Sequential(
    [
        keras.Input(shape=(10, 3)),
        layers.LSTM(12),
        layers.Dense(3, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="categorical_crossentropy")

batch = 16
for start in range(0, len(X), batch):
    model.train_on_batch(X[start : start + batch], y[start : start + batch])
