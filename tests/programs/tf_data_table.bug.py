# rnnshape: RS102@20
# keras: raises
# backend: tensorflow
import numpy as np
import tensorflow as tf
from tensorflow import keras

X = np.random.rand(96, 10).astype("float32")  # 10 monthly sales per shop
y = np.random.rand(96).astype("float32")

dataset = tf.data.Dataset.from_tensor_slices((X, y)).shuffle(96).batch(16)

model = keras.Sequential(
    [
        keras.layers.SimpleRNN(8),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss="mae")
model.fit(dataset, epochs=1, verbose=0)
