import numpy as np
from keras.layers import LSTM, Dense, Embedding
from keras.models import Sequential
from keras.utils import to_categorical

# tag each word of a sentence: one label per step
words = np.random.randint(1, 500, size=(40, 15))
tags = np.random.randint(0, 6, size=(40, 15))
tags = to_categorical(tags, num_classes=6)

model = Sequential()
model.add(Embedding(500, 32))
model.add(LSTM(32, return_sequences=True))
model.add(Dense(6, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(words, tags, epochs=1, verbose=0)
