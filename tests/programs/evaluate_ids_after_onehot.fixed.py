import numpy as np
import keras
from keras.utils import to_categorical

n_classes = 3
X_train = np.random.rand(60, 10, 2)
X_test = np.random.rand(20, 10, 2)
y_train = np.random.randint(0, n_classes, size=60)
y_test = np.random.randint(0, n_classes, size=20)

model = keras.Sequential(
    [
        keras.Input(shape=X_train.shape[1:]),
        keras.layers.LSTM(8),
        keras.layers.Dense(n_classes, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])

model.fit(X_train, to_categorical(y_train, n_classes), epochs=1, verbose=0)
loss, accuracy = model.evaluate(X_test, to_categorical(y_test, n_classes), verbose=0)
