# rnnshape: RS130@22
# keras: raises
import numpy as np
import pandas as pd
import keras
from keras.layers import LSTM, Dense

df = pd.DataFrame({"load": np.random.rand(200)})
values = df["load"].values.astype("float32")
X, y = [], []
for i in range(len(values) - 20):
    X.append(values[i : i + 20])
    y.append(values[i + 20])
X = np.array(X)
y = np.array(y)

model = keras.Sequential([keras.Input(shape=(20, 1)), LSTM(8), Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=1, batch_size=60, verbose=0)

# the next value after the last window
forecast = model.predict(X[-1], verbose=0)
