# backend: tensorflow
import numpy as np
import tensorflow as tf

# 4 kinds of movement from gyroscope windows
X = np.random.rand(40, 50, 3).astype("float32")
y = np.random.randint(0, 4, size=(40,))

model = tf.keras.Sequential([
    tf.keras.Input(shape=(50, 3)),
    tf.keras.layers.GRU(16),
    tf.keras.layers.Dense(4, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y, epochs=1, verbose=0)
