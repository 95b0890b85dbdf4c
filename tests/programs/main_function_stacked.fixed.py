import numpy as np
import keras


def load_data():
    return np.random.rand(50, 14, 2), np.random.rand(50, 1)


def build(steps, features):
    inputs = keras.Input(shape=(steps, features))
    x = keras.layers.GRU(16, return_sequences=True)(inputs)
    x = keras.layers.GRU(8)(x)
    return keras.Model(inputs, keras.layers.Dense(1)(x))


def main():
    X, y = load_data()
    model = build(X.shape[1], X.shape[2])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x=X, y=y, epochs=1, verbose=0)


if __name__ == "__main__":
    main()
