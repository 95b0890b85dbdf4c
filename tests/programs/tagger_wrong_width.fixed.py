import numpy as np
import keras
from keras import layers
from keras.utils import to_categorical

# part-of-speech tags: 6 tags, one per word
words = np.random.randint(1, 200, size=(36, 14))
tags = to_categorical(np.random.randint(0, 6, size=(36, 14)), 6)

inputs = keras.Input(shape=(14,), dtype="int32")
x = layers.Embedding(200, 16)(inputs)
x = layers.GRU(16, return_sequences=True)(x)
outputs = layers.TimeDistributed(layers.Dense(6, activation="softmax"))(x)
model = keras.Model(inputs, outputs)
model.compile(
    optimizer="adam", loss=keras.losses.CategoricalCrossentropy(), metrics=["accuracy"]
)
model.fit(words, tags, batch_size=12, epochs=1, verbose=0)
