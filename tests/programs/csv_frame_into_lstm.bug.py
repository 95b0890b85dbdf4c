# rnnshape: RS102@21
# keras: raises
# data: shops.csv 120x5
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler
import keras

frame = pd.read_csv("shops.csv")  # c0..c3: four weekly sales figures, c4: next week's
features = frame[["c0", "c1", "c2", "c3"]].values
target = frame["c4"].to_numpy()

scaler = MinMaxScaler()
features = scaler.fit_transform(features)
X_train, X_test, y_train, y_test = train_test_split(features, target, test_size=0.2)

model = keras.Sequential()
model.add(keras.layers.LSTM(16))
model.add(keras.layers.Dense(1))
model.compile(optimizer="adam", loss="mse")
model.fit(X_train, y_train, epochs=1, verbose=0)
