# rnnshape: RS112@20
# keras: raises
import numpy as np
import keras
from keras import layers

n_classes = 5
X = np.random.rand(100, 20, 2)
labels = np.random.randint(0, n_classes, size=100)
X_train, X_val = X[:80], X[80:]
y_train = keras.utils.to_categorical(labels[:80], n_classes)
y_val = labels[80:]

model = keras.Sequential([
    keras.Input(shape=(20, 2)),
    layers.LSTM(16),
    layers.Dense(n_classes, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=1, verbose=0)
