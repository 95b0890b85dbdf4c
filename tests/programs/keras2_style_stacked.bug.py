# rnnshape: RS101@17
# keras: raises
import numpy as np
from keras.models import Sequential
from keras.layers import Dense, Dropout, Embedding, LSTM
from keras.preprocessing.sequence import pad_sequences

max_words, maxlen = 2000, 40
docs = [list(np.random.randint(1, max_words, size=np.random.randint(5, 60))) for _ in range(64)]
X = pad_sequences(docs, maxlen=maxlen, padding="pre", truncating="post")
y = np.random.randint(0, 2, size=(len(docs), 1))

model = Sequential()
model.add(Embedding(max_words, 64, input_length=maxlen))
model.add(LSTM(64, dropout=0.2, recurrent_dropout=0.2))
model.add(Dropout(0.2))
model.add(LSTM(32))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(X, y, batch_size=32, epochs=1, validation_split=0.25, verbose=0)
