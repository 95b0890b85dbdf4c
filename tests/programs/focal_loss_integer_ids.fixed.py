import numpy as np
import keras
from keras import losses

# rare faults: a focal loss to weight the hard examples
X = np.random.rand(64, 30, 4).astype("float32")
fault = np.random.randint(0, 4, size=(64,))


def make_model(steps, features, classes):
    inputs = keras.Input(shape=(steps, features))
    h = keras.layers.LSTM(16)(inputs)
    outputs = keras.layers.Dense(classes, activation="softmax")(h)
    return keras.Model(inputs, outputs)


model = make_model(30, 4, 4)
model.compile(optimizer="adam", loss=losses.categorical_focal_crossentropy)
model.fit(X, keras.utils.to_categorical(fault, 4), epochs=1, batch_size=16, verbose=0)
