# rnnshape: RS103@11
# keras: raises
import keras
import numpy as np

X = np.random.rand(48, 20, 1)  # 20 readings of one sensor per sample
y = np.random.rand(48)

model = keras.Sequential(
    [
        keras.layers.LSTM(8, input_shape=(1, 20)),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=1, verbose=0)
