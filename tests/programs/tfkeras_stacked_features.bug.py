# rnnshape: RS103@15
# keras: raises
# backend: tensorflow
import numpy as np
import tensorflow as tf

# three sensors, 20 readings each, for 80 machines
temperature = np.random.rand(80, 20)
humidity = np.random.rand(80, 20)
pressure = np.random.rand(80, 20)
X = np.stack([temperature, humidity, pressure], axis=1)
y = np.random.randint(0, 2, size=(80, 1))

model = tf.keras.Sequential()
model.add(tf.keras.layers.GRU(16, input_shape=(20, 3)))
model.add(tf.keras.layers.Dense(1, activation="sigmoid"))
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=1, batch_size=16, verbose=0)
