import numpy as np
import keras
from keras import layers

# from 30 days of a stock: tomorrow's return and whether it goes up, flat or down
X = np.random.rand(80, 30, 5)
ret = np.random.normal(size=(80, 1))
move = keras.utils.to_categorical(np.random.randint(0, 3, size=80), 3)

inputs = keras.Input(shape=(30, 5))
h = layers.LSTM(24)(inputs)
ret_out = layers.Dense(1, name="ret")(h)
move_out = layers.Dense(3, activation="softmax", name="move")(h)
model = keras.Model(inputs, [ret_out, move_out])
model.compile(
    optimizer="adam",
    loss=["mse", "categorical_crossentropy"],
)
model.fit(X, [ret, move], epochs=1, batch_size=16, verbose=0)
