# rnnshape: RS102@13
# keras: raises
import numpy as np
from sklearn.preprocessing import StandardScaler
import keras

series = np.random.rand(300, 3)
window = 12
X = np.array([series[i : i + window] for i in range(len(series) - window)])
y = series[window:, 0]

scaler = StandardScaler()
X = scaler.fit_transform(X)

model = keras.Sequential(
    [keras.Input(shape=(window, 3)), keras.layers.LSTM(8), keras.layers.Dense(1)]
)
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=1, verbose=0)
