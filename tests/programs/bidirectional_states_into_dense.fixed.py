import numpy as np
import keras
from keras import layers

reviews = np.random.randint(1, 800, size=(40, 25))
labels = np.random.randint(0, 2, size=(40, 1))

inputs = keras.Input(shape=(25,))
x = layers.Embedding(800, 16)(inputs)
# with return_state=True the wrapper returns [output, forward h, backward h]
encoded = layers.Bidirectional(layers.GRU(8, return_state=True))(x)
outputs = layers.Dense(1, activation="sigmoid")(encoded[0])
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(reviews, labels, epochs=1, batch_size=20, verbose=0)
