# rnnshape: RS103@17
# keras: raises
import numpy as np
import keras
from keras.utils import pad_sequences

# sentences already turned into word ids, of different lengths
sequences = [
    [4, 18, 7, 2],
    [9, 3, 3, 41, 8, 5, 12],
    [17, 6],
    [2, 5, 31, 9, 9, 1],
] * 10
padded = pad_sequences(sequences, maxlen=20, padding="post")
targets = np.random.randint(0, 3, size=(len(sequences),))

inputs = keras.Input(shape=(30,))
x = keras.layers.Embedding(50, 8)(inputs)
x = keras.layers.LSTM(8)(x)
outputs = keras.layers.Dense(3, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(padded, targets, epochs=1, verbose=0)
