# rnnshape: RS101@13
# keras: raises
import numpy as np
import keras
from keras import layers

# average the GRU's outputs over time before classifying
X = np.random.rand(36, 40, 6)
y = np.random.randint(0, 3, size=(36,))

inputs = keras.Input(shape=(40, 6))
x = layers.Bidirectional(layers.GRU(16))(inputs)
x = layers.GlobalAveragePooling1D()(x)
x = layers.Dropout(0.3)(x)
outputs = layers.Dense(3, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y, epochs=1, verbose=0)
