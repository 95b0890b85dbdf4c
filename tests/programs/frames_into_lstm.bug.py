# rnnshape: RS101@14
# keras: raises
import numpy as np
import keras
from keras import layers

# 16 frames of 24x24 grey pixels per clip
clips = np.random.rand(20, 16, 24, 24).astype("float32")
actions = np.random.randint(0, 4, size=(20,))

model = keras.Sequential(
    [
        keras.Input(shape=(16, 24, 24)),
        layers.LSTM(32),
        layers.Dense(4, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(clips, actions, epochs=1, verbose=0)
