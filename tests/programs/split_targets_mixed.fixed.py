import numpy as np
from sklearn.model_selection import train_test_split
import keras

X = np.random.rand(200, 10, 2)
y = np.random.rand(200, 1)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)

model = keras.Sequential([keras.Input(shape=(10, 2)), keras.layers.GRU(8), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(X_train, y_train, epochs=1, verbose=0)
