# rnnshape: RS105@19
# keras: raises
import numpy as np
import keras

# two recording sessions, windows of 16 steps and 6 channels
session_a = np.random.rand(50, 16, 6)
session_b = np.random.rand(30, 16, 6)
labels_a = np.random.randint(0, 5, size=(50,))
labels_b = np.random.randint(0, 5, size=(30,))

X = np.vstack([session_a, session_b])
y = labels_a

model = keras.Sequential(
    [keras.Input(shape=(16, 6)), keras.layers.GRU(12), keras.layers.Dense(5, activation="softmax")]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y, epochs=1, verbose=0)
