# data: plant.csv 240x4
import numpy as np
import keras

# columns c0..c2 are sensor readings, c3 is the power output to forecast
table = np.loadtxt("plant.csv", delimiter=",", skiprows=1)
table = (table - table.mean(axis=0)) / table.std(axis=0)

window = 12
windows, targets = [], []
for start in range(len(table) - window):
    windows.append(table[start : start + window, :3])
    targets.append(table[start + window, 3])
X = np.array(windows)
y = np.array(targets)

model = keras.Sequential()
model.add(keras.layers.LSTM(16, input_shape=(window, 3)))
model.add(keras.layers.Dense(1))
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=1, batch_size=32, verbose=0)
