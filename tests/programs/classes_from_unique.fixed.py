import numpy as np
import keras

X = np.random.rand(60, 12, 3)
y = np.random.randint(0, 4, size=60)
n_classes = len(np.unique(y))

model = keras.Sequential(
    [
        keras.Input(shape=(12, 3)),
        keras.layers.LSTM(16),
        keras.layers.Dense(n_classes, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(X, keras.utils.to_categorical(y, n_classes), epochs=1, verbose=0)
