# backend: tensorflow
import numpy as np
import tensorflow as tf

signal = np.random.rand(90, 40).astype("float32")
labels = np.random.randint(0, 2, size=(90, 1))
X = tf.expand_dims(signal, axis=-1)

with tf.device("/cpu:0"):
    model = tf.keras.Sequential(
        [
            tf.keras.Input(shape=(40, 1)),
            tf.keras.layers.SimpleRNN(8),
            tf.keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(X, labels, epochs=1, verbose=0)
