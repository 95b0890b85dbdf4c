# rnnshape: RS140@17
# keras: raises
import numpy as np
import keras
from keras.utils import to_categorical

vocab = 30
ids = np.random.randint(0, vocab, size=(40, 10))
X = to_categorical(ids, num_classes=vocab)
y = np.random.randint(0, 2, size=(40,))

model = keras.Sequential()
model.add(keras.layers.Embedding(vocab, 8))
model.add(keras.layers.LSTM(8))
model.add(keras.layers.Dense(1, activation="sigmoid"))
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, y, epochs=1, verbose=0)
