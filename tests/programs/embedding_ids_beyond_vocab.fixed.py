# backend: tensorflow
import numpy as np
from tensorflow.keras import Sequential
from tensorflow.keras.layers import Embedding, GRU, Dense

# word ids from a vocabulary of 1000 words (0 is padding)
sentences = np.random.randint(0, 1000, size=(48, 20))
sentiment = np.random.randint(0, 2, size=(48,))

model = Sequential()
model.add(Embedding(input_dim=1000, output_dim=16))
model.add(GRU(16))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(sentences, sentiment, epochs=1, verbose=0)
