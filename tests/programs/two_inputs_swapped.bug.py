# rnnshape: RS104@19
# keras: raises
import numpy as np
import keras
from keras import layers

# a patient's 48 hourly vitals (5 per hour) and 4 static facts (age, ...)
vitals = np.random.rand(60, 48, 5)
static = np.random.rand(60, 4)
outcome = np.random.randint(0, 2, size=(60, 1))

seq_in = keras.Input(shape=(48, 5), name="vitals")
static_in = keras.Input(shape=(4,), name="static")
h = layers.LSTM(16)(seq_in)
h = layers.concatenate([h, static_in])
out = layers.Dense(1, activation="sigmoid")(h)
model = keras.Model(inputs=[seq_in, static_in], outputs=out)
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit([static, vitals], outcome, epochs=1, verbose=0)
