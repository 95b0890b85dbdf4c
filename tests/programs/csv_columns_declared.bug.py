# rnnshape: RS103@22
# keras: raises
# data: turbine.csv 200x4
import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler
import keras

frame = pd.read_csv("turbine.csv")  # c0..c2: wind, pitch, rotor speed; c3: power
inputs = frame[["c0", "c1", "c2"]].to_numpy()
power = frame["c3"].values
inputs = MinMaxScaler().fit_transform(inputs)

window = 10
X, y = [], []
for start in range(len(frame) - window):
    X.append(inputs[start : start + window])
    y.append(power[start + window])
X, y = np.array(X), np.array(y)

model = keras.Sequential()
model.add(keras.Input(shape=(window, 4)))  # four columns in the file
model.add(keras.layers.GRU(8))
model.add(keras.layers.Dense(1))
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=1, verbose=0)
