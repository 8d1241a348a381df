#!/usr/bin/env python3
"""Make the ONNX import fixtures in test/fixtures/onnx (run from the repository root, with Debian's python3-torch):

    /usr/bin/python3 scripts/make_onnx_fixtures.py

Each case is a small PyTorch recurrent model with its own seeded initialization, exported by torch.onnx.export
(opset 14, a dynamic batch axis) as PyTorch users export them: the glue around the LSTM/GRU/RNN nodes (Shape,
Gather, ConstantOfShape for the zero initial states, Transpose, Squeeze, a Gather of the last step or of h_n) is
PyTorch's. cases.json holds a seeded input and the output PyTorch computed for it, and the torch version.
"""
import json
import os

import torch
from torch import nn

OUT = os.path.join("test", "fixtures", "onnx")


class LstmLastStep(nn.Module):
    """out[:, -1, :] of a batch-first LSTM, then a Linear: the stock-tutorial shape in PyTorch."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(3, 5, batch_first=True)
        self.head = nn.Linear(5, 2)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1, :])


class GruBidirectionalFinal(nn.Module):
    """Both directions' final hidden states, concatenated [forward, backward], then a Linear."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(3, 4, batch_first=True, bidirectional=True)
        self.head = nn.Linear(8, 2)

    def forward(self, x):
        _, h = self.rnn(x)
        return self.head(torch.cat([h[-2], h[-1]], dim=1))


class RnnReluSequence(nn.Module):
    """A relu RNN's whole output sequence through a Linear on every step."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(3, 4, nonlinearity="relu", batch_first=True)
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out)


class StackedLstm(nn.Module):
    """A two-layer LSTM (two LSTM nodes in the graph), the last step, then a Linear."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(3, 4, num_layers=2, batch_first=True)
        self.head = nn.Linear(4, 1)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1, :])


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = {"torch": torch.__version__, "cases": {}}
    for seed, (name, cls) in enumerate(
        [("lstm_last_step", LstmLastStep), ("gru_bidirectional_final", GruBidirectionalFinal), ("rnn_relu_sequence", RnnReluSequence), ("stacked_lstm", StackedLstm)]
    ):
        torch.manual_seed(seed)
        model = cls().eval()
        x = torch.randn(2, 6, 3)
        with torch.no_grad():
            y = model(x)
        torch.onnx.export(
            model, x, os.path.join(OUT, f"{name}.onnx"), input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=14
        )
        cases["cases"][name] = {"x": x.flatten().tolist(), "xShape": list(x.shape), "y": y.flatten().tolist(), "yShape": list(y.shape)}
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(cases, f)


if __name__ == "__main__":
    main()
