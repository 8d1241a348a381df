#!/usr/bin/env python3
"""Make the PyTorch golden fixtures in test/fixtures/torch (run from the repository root):

    python3 scripts/make_torch_fixtures.py

Each case is a recurrent stack plus an nn.Linear head with PyTorch's own random initialization
(seeded), exported with export_state_dict.py (as .safetensors or .json), and the outputs PyTorch
computed for a seeded input, written to cases.json with the torch version that made them. The
head reads the final hidden state of the last layer, both directions concatenated [forward,
backward] when bidirectional, which is what a Keras/webrnn recurrent layer without
return_sequences outputs (the backward half is h after the whole reversed sequence).
"""
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_state_dict import export_state_dict  # noqa: E402

OUT = os.path.join("test", "fixtures", "torch")


class Stack(nn.Module):
    def __init__(self, rnn, outputs):
        super().__init__()
        self.rnn = rnn
        directions = 2 if rnn.bidirectional else 1
        self.head = nn.Linear(rnn.hidden_size * directions, outputs)

    def forward(self, x):
        _, h = self.rnn(x)
        if isinstance(h, tuple):  # LSTM: (h_n, c_n)
            h = h[0]
        last = torch.cat([h[-2], h[-1]], dim=1) if self.rnn.bidirectional else h[-1]
        return self.head(last)


CASES = [
    # name, module, head outputs, file form
    ("lstm", lambda: nn.LSTM(3, 5, num_layers=1, batch_first=True), 2, "safetensors"),
    ("lstm_bi2", lambda: nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True), 2, "safetensors"),
    ("gru", lambda: nn.GRU(3, 5, num_layers=2, batch_first=True), 2, "json"),
    ("gru_bi", lambda: nn.GRU(3, 4, num_layers=1, bidirectional=True, batch_first=True), 1, "safetensors"),
    ("rnn_relu_bi2", lambda: nn.RNN(3, 4, num_layers=2, nonlinearity="relu", bidirectional=True, batch_first=True), 2, "json"),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = {}
    for i, (name, make, outputs, form) in enumerate(CASES):
        torch.manual_seed(100 + i)
        model = Stack(make(), outputs).eval()
        x = torch.rand(3, 6, 3) * 2 - 1
        with torch.no_grad():
            y = model(x)
        file = f"{name}.{form}"
        export_state_dict(model.state_dict(), os.path.join(OUT, file))
        rnn = model.rnn
        cases[name] = {
            "file": file,
            "module": type(rnn).__name__,
            "numLayers": rnn.num_layers,
            "bidirectional": rnn.bidirectional,
            "hiddenSize": rnn.hidden_size,
            "nonlinearity": getattr(rnn, "nonlinearity", "tanh"),
            "x": {"shape": list(x.shape), "data": [float(v) for v in x.reshape(-1)]},
            "y": {"shape": list(y.shape), "data": [float(v) for v in y.reshape(-1)]},
        }
    meta = {"torch": torch.__version__, "script": "scripts/make_torch_fixtures.py", "cases": cases}
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(f"wrote {len(cases)} cases to {OUT} with torch {torch.__version__}")


if __name__ == "__main__":
    main()
