import numpy as np
import keras
from keras import layers

# translate: source ids (length 10) -> target ids (length 12), teacher forcing
src_vocab, tgt_vocab, units = 60, 50, 32
source = np.random.randint(1, src_vocab, size=(48, 10))
target = np.random.randint(1, tgt_vocab, size=(48, 13))
decoder_input = target[:, :-1]
decoder_target = target[:, 1:]

enc_in = keras.Input(shape=(None,))
enc = layers.Embedding(src_vocab, units)(enc_in)
_, state_h, state_c = layers.LSTM(units, return_state=True)(enc)

dec_in = keras.Input(shape=(None,))
dec = layers.Embedding(tgt_vocab, units)(dec_in)
dec = layers.LSTM(units, return_sequences=True)(dec, initial_state=[state_h, state_c])
probs = layers.Dense(tgt_vocab, activation="softmax")(dec)

model = keras.Model([enc_in, dec_in], probs)
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
model.fit(
    [source, decoder_input],
    decoder_target,
    batch_size=16,
    epochs=1,
    verbose=0,
)
