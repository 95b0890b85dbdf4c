# rnnshape: RS106@27
# keras: silent
# proof: model.input_shape == (None, 25, 3)
# proof: next(iter(ds))[0].shape[1] == 24
# backend: tensorflow
import numpy as np
import tensorflow as tf
import keras

series = np.random.rand(400, 3).astype("float32")  # hourly load, temperature, humidity
window = 25  # 24 hours to read, the 25th's load to forecast

ds = tf.data.Dataset.from_tensor_slices(series)
ds = ds.window(window, shift=1, drop_remainder=True)
ds = ds.flat_map(lambda w: w.batch(window))
ds = ds.map(lambda w: (w[:-1], w[-1, 0]))
ds = ds.shuffle(100).batch(32)

model = keras.Sequential(
    [
        keras.Input(shape=(window, 3)),
        keras.layers.GRU(16),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss="mse")
model.fit(ds, epochs=1, verbose=0)
