import numpy as np
import keras
from keras.layers import Embedding, LSTM, Dense

# each review can carry several of 5 topics
n_topics = 5
reviews = np.random.randint(1, 400, size=(50, 25))
topics = (np.random.rand(50, n_topics) > 0.7).astype("float32")

model = keras.Sequential(
    [
        Embedding(400, 24),
        LSTM(24),
        Dense(n_topics, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(reviews, topics, epochs=1, batch_size=10, verbose=0)
