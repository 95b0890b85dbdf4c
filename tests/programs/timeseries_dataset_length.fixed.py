import numpy as np
import keras

readings = np.random.rand(500, 3).astype("float32")  # 500 hours, 3 sensors
window = 48
train_ds = keras.utils.timeseries_dataset_from_array(
    data=readings[:-window],
    targets=readings[window:, 0],
    sequence_length=window,
    batch_size=32,
)

model = keras.Sequential(
    [
        keras.layers.Input(shape=(window, 3)),
        keras.layers.LSTM(16, return_sequences=True),
        keras.layers.Flatten(),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss="mse")
model.fit(train_ds, epochs=1, verbose=0)
