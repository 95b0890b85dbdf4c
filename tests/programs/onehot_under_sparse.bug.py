# rnnshape: RS112@19
# keras: raises
import numpy as np
from keras.models import Sequential
from keras.layers import Input, SimpleRNN, Dense

n_classes = 4
X = np.random.rand(72, 16, 5).astype("float32")
labels = np.random.randint(0, n_classes, size=72)
y = np.eye(n_classes)[labels]

model = Sequential()
model.add(Input(shape=(16, 5)))
model.add(SimpleRNN(24))
model.add(Dense(n_classes, activation="softmax"))
model.compile(
    optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
)
model.fit(X, y, epochs=1, batch_size=8, verbose=0)
