import numpy as np
import keras
from keras.utils import to_categorical

X = np.random.rand(45, 8, 3)
classes = np.random.randint(0, 3, size=45)
y = to_categorical(classes, num_classes=3)

model = keras.Sequential(
    [keras.Input(shape=(8, 3)), keras.layers.LSTM(10), keras.layers.Dense(3, activation="softmax")]
)
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(X, y, epochs=1, verbose=0)
