# rnnshape: RS101@17
# keras: raises
import numpy as np
import keras
from keras.layers import Convolution1D, MaxPooling1D, Flatten, LSTM
from keras.layers import Dense as FC

# accelerometer: 128 readings of 3 axes, 6 activities
X = np.random.normal(size=(48, 128, 3)).astype("float32")
y = keras.utils.to_categorical(np.random.randint(0, 6, size=48), num_classes=6)

model = keras.Sequential()
model.add(keras.Input(shape=(128, 3)))
model.add(Convolution1D(16, 5, activation="relu"))
model.add(MaxPooling1D(2))
model.add(Flatten())
model.add(LSTM(32))
model.add(FC(6, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(X, y, epochs=1, batch_size=16, verbose=0)
