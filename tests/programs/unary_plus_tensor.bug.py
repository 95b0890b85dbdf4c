# rnnshape: RS101@10
# keras: raises
import keras
from keras import layers

# the sequence and its magnitude, summed (Keras has no unary + for a symbolic tensor)
inputs = keras.Input(shape=(20, 4))
h = layers.LSTM(4, return_sequences=True)(inputs)
flipped = -h
both = +h + abs(flipped)
outputs = layers.Dense(1)(layers.LSTM(8)(both))
model = keras.Model(inputs=inputs, outputs=outputs)
model.compile(optimizer="adam", loss="mse")
