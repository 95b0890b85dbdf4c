import numpy as np
from sklearn.model_selection import train_test_split
import keras

X = np.random.rand(250, 8, 2)
y = np.random.rand(250, 1)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, shuffle=False)

inp = keras.Input(batch_shape=(20, 8, 2))
h = keras.layers.LSTM(12, stateful=True)(inp)
model = keras.Model(inp, keras.layers.Dense(1)(h))
model.compile(optimizer="adam", loss="mse")

model.fit(X_train, y_train, batch_size=20, epochs=1, shuffle=False, verbose=0)
