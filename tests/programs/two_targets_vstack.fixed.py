import numpy as np
from tensorflow.keras import layers as tfl
from tensorflow.keras import Sequential

# backend: tensorflow
# forecast tomorrow's temperature and humidity from the last 7 days
X = np.random.rand(84, 7, 2)
next_temperature = np.random.rand(84)
next_humidity = np.random.rand(84)
y = np.vstack([next_temperature, next_humidity]).T

model = Sequential(
    [
        tfl.Input(shape=(7, 2)),
        tfl.LSTM(16),
        tfl.Dense(2),
    ]
)
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=1, verbose=0)
