# rnnshape: RS103@19
# keras: raises
import numpy as np
import keras
from keras import layers as L

# three channels logged as rows of one matrix: (channels, time)
ch0, ch1, ch2 = np.random.rand(3, 600)
raw = np.vstack([ch0, ch1, ch2])

window = 30
windows = []
for start in range(0, raw.shape[1] - window, 5):
    windows.append(raw[:, start : start + window])
X = np.array(windows)
y = np.random.rand(len(windows), 1)

model = keras.Sequential()
model.add(L.Input(shape=(window, 3)))
model.add(L.GRU(16))
model.add(L.Dense(1))
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=1, validation_split=0.2, verbose=0)
