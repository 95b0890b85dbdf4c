import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense

data = np.random.rand(120, 8, 1)
target = np.random.rand(120, 1)
X_train, X_test = data[:100], data[100:]
y_train, y_test = target[:100], target[100:]

model = Sequential()
model.add(LSTM(10, input_shape=(8, 1)))
model.add(Dense(1))
model.compile(loss="mean_squared_error", optimizer="adam")
model.fit(X_train, y_train, epochs=1, batch_size=10, verbose=0)
score = model.evaluate(X_test, y_test, verbose=0)
