# rnnshape: RS102@22
# keras: raises
import numpy as np
import keras

steps, features = 24, 2
train = np.random.rand(100, steps * features)
val = np.random.rand(20, steps * features)
y_train = np.random.rand(100)
y_val = np.random.rand(20)

X_train = train.reshape(-1, steps, features)

model = keras.Sequential(
    [
        keras.Input(shape=(steps, features)),
        keras.layers.LSTM(16),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss=keras.losses.mean_absolute_error)
model.fit(
    X_train,
    y_train,
    validation_data=(val, y_val),
    epochs=1,
    verbose=0,
)
