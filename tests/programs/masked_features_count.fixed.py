import numpy as np
import keras
from keras import layers

# padded sequences of 15 steps, 4 features, zeros after the end
X = np.random.randn(30, 15, 4)
X[:, 10:, :] = 0.0
y = np.random.randint(0, 2, size=(30, 1)).astype("float32")

model = keras.Sequential(
    [
        layers.Input(shape=(None, 4)),
        layers.Masking(mask_value=0.0),
        layers.GRU(8),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, y, epochs=1, verbose=0)
