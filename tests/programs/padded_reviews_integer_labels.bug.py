# rnnshape: RS112@23
# keras: raises
import numpy as np
from keras.models import Sequential
from keras.layers import Embedding, LSTM, Dense
from keras.preprocessing.sequence import pad_sequences

maxlen = 12
reviews = [
    [12, 7, 301, 45],
    [8, 8, 91],
    [150, 2, 2, 66, 19, 3, 3, 401],
    [5, 77, 120, 9, 11],
] * 12
ratings = np.array([0, 2, 1, 2] * 12)  # bad, neutral, good
X = pad_sequences(reviews, maxlen=maxlen)

model = Sequential()
model.add(Embedding(500, 32, input_length=maxlen))
model.add(LSTM(32))
model.add(Dense(3, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(X, ratings, epochs=1, batch_size=16, verbose=0)
