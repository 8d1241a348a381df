#!/usr/bin/env python3
"""Make test/fixtures/torch/functional.json (run from the repository root):

    /usr/bin/python3 scripts/make_torch_functional.py

An encoder-decoder written in PyTorch, the graph a webrnn functional model builds with states passed between
layers, trained three SGD steps on one full batch. PyTorch computes every loss, gradient and weight; webrnn only
reads the file. The graph:

    enc_in [Te, 3] -> encoder LSTM(5, returnState) --(h, c)--> decoder LSTM(5, returnSequences, returnState) <- dec_in [Td, 2]
    decoder sequence -> Dense(2) on every step                         = output 'seq'  (mse, weight 1)
    concatenate([encoder h, decoder's final h]) -> Dense(1)             = output 'head' (mse, weight 0.5)

so the encoder's h gets gradients from two readers (the decoder's initial state and the concatenation), the
decoder's final h gets one from outside its sequence (dFinal), and the initial states' gradients (dh0, dc0)
are what trains the encoder at all. Weights are written in Keras's
layout: kernel = W_ih^T, recurrent_kernel = W_hh^T, bias = b_ih (b_hh is zero and frozen, so one SGD step on
PyTorch's two biases moves their sum as Keras's one bias moves), Dense kernel = W^T.
"""
import json
import os

import torch
from torch import nn

OUT = os.path.join("test", "fixtures", "torch", "functional.json")
B, TE, TD, U = 4, 5, 3, 5
LR, STEPS, HEAD_WEIGHT = 0.1, 3, 0.5


class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.LSTM(3, U, batch_first=True)
        self.decoder = nn.LSTM(2, U, batch_first=True)
        self.seq = nn.Linear(U, 2)
        self.head = nn.Linear(2 * U, 1)
        for lstm in (self.encoder, self.decoder):
            with torch.no_grad():
                lstm.bias_hh_l0.zero_()
            lstm.bias_hh_l0.requires_grad_(False)

    def forward(self, enc_in, dec_in):
        _, (h, c) = self.encoder(enc_in)
        out, _ = self.decoder(dec_in, (h, c))
        seq = self.seq(out)
        head = self.head(torch.cat([h[0], out[:, -1]], dim=1))
        return seq, head


def keras_weights(m):
    """The weights in webrnn's getWeights() order (layers in graph order: encoder, decoder, dense, dense)."""
    t = lambda x: x.detach().t().contiguous()
    flat = lambda x: x.detach().contiguous()
    return [
        t(m.encoder.weight_ih_l0), t(m.encoder.weight_hh_l0), flat(m.encoder.bias_ih_l0),
        t(m.decoder.weight_ih_l0), t(m.decoder.weight_hh_l0), flat(m.decoder.bias_ih_l0),
        t(m.seq.weight), flat(m.seq.bias),
        t(m.head.weight), flat(m.head.bias),
    ]


def tensor(x):
    return {"shape": list(x.shape), "data": [float(v) for v in x.reshape(-1).tolist()]}


def main():
    torch.manual_seed(7)
    m = Seq2Seq()
    enc_in = torch.rand(B, TE, 3) * 2 - 1
    dec_in = torch.rand(B, TD, 2) * 2 - 1
    y_seq = torch.rand(B, TD, 2) * 2 - 1
    y_head = torch.rand(B, 1) * 2 - 1
    initial = [tensor(w) for w in keras_weights(m)]
    with torch.no_grad():
        seq0, head0 = m(enc_in, dec_in)
    opt = torch.optim.SGD([p for p in m.parameters() if p.requires_grad], lr=LR)
    losses, seq_losses, head_losses = [], [], []
    for _ in range(STEPS):
        opt.zero_grad()
        seq, head = m(enc_in, dec_in)
        seq_loss = ((seq - y_seq) ** 2).mean()
        head_loss = ((head - y_head) ** 2).mean()
        loss = seq_loss + HEAD_WEIGHT * head_loss
        loss.backward()
        opt.step()
        losses.append(float(loss))
        seq_losses.append(float(seq_loss))
        head_losses.append(float(head_loss))
    fixture = {
        "torch": torch.__version__,
        "made_by": "scripts/make_torch_functional.py",
        "lr": LR,
        "head_weight": HEAD_WEIGHT,
        "units": U,
        "enc_in": tensor(enc_in),
        "dec_in": tensor(dec_in),
        "y_seq": tensor(y_seq),
        "y_head": tensor(y_head),
        "initial_weights": initial,
        "predict_seq": tensor(seq0),
        "predict_head": tensor(head0),
        "losses": losses,
        "seq_losses": seq_losses,
        "head_losses": head_losses,
        "final_weights": [tensor(w) for w in keras_weights(m)],
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f)
    print(f"wrote {OUT}: losses {losses}")


if __name__ == "__main__":
    main()
