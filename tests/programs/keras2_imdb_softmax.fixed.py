import numpy as np
from keras.models import Sequential
from keras.layers import Dense, Embedding, LSTM
from keras.preprocessing.sequence import pad_sequences

top_words, max_review_length = 1000, 50
reviews = [list(np.random.randint(1, top_words, size=n)) for n in range(20, 68)]
X = pad_sequences(reviews, maxlen=max_review_length)
y = np.random.randint(0, 2, size=len(reviews))

model = Sequential()
model.add(Embedding(top_words, 32, input_length=max_review_length))
model.add(LSTM(32, dropout=0.2, recurrent_dropout=0.2))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(X, y, epochs=1, batch_size=16, verbose=0)
probabilities = model.predict(X[:5], verbose=0)
