# rnnshape: RS111@23
# keras: silent
# proof: y.shape == (276, 24)
# proof: model.predict(X[:3], verbose=0).shape == (3, 1)
import numpy as np
import keras

series = np.sin(np.arange(300) * 0.1) + 0.1 * np.random.rand(300)
window = 24
X, y = [], []
for i in range(len(series) - window):
    X.append(series[i : i + window])
    y.append(series[i + 1 : i + window + 1])
X = np.array(X)
y = np.array(y)
X = np.expand_dims(X, axis=2)

model = keras.Sequential()
model.add(keras.Input(shape=(window, 1)))
model.add(keras.layers.LSTM(20))
model.add(keras.layers.Dense(1))
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=1, batch_size=32, verbose=0)
