import numpy as np
import keras
from keras import layers

# sequences of any length, 3 features per step
inputs = keras.Input(batch_shape=(None, None, 3))
h = layers.GRU(16)(inputs)
outputs = layers.Dense(2, activation="softmax")(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")

X = np.random.rand(30, 20, 3)
y = np.random.randint(0, 2, size=(30,))
model.fit(X, y, epochs=1, verbose=0)

new_sequence = np.random.rand(50, 3)
probabilities = model.predict(np.expand_dims(new_sequence, 0), verbose=0)
