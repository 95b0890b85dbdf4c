# rnnshape: RS112@15
# keras: raises
import numpy as np
import keras
from keras import layers

X = np.random.rand(60, 12, 4).astype("float32")
y = np.random.randint(0, 3, size=(60,))

inputs = keras.Input(shape=(12, 4))
x = layers.GRU(16)(inputs)
outputs = layers.Dense(3, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=1, verbose=0)
