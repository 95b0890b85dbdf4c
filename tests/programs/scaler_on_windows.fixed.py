import numpy as np
from sklearn.preprocessing import StandardScaler
import keras

series = np.random.rand(300, 3)
window = 12
X = np.array([series[i : i + window] for i in range(len(series) - window)])
y = series[window:, 0]

scaler = StandardScaler()
# each of the 3 features scaled over every step of every window, then the windows again
X = scaler.fit_transform(X.reshape(-1, X.shape[-1])).reshape(X.shape)

model = keras.Sequential(
    [keras.Input(shape=(window, 3)), keras.layers.LSTM(8), keras.layers.Dense(1)]
)
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=1, verbose=0)
