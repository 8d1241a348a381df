"""The PyTorch column of `npm run bench`: the same cases as bench/suite.ts, timed in native PyTorch.

Run by bench/bench.mjs and bench/node.mjs when `python3` (or $BENCH_PYTHON) imports torch; prints one JSON object.
On the CPU always, and on CUDA too when torch sees a GPU. What is timed matches the webrnn side: one training step
(forward, MSE, backward, Adam step, the loss read back to the host), predict of one batch (result on the host),
and one step of a stateful LSTM(256) with batch 1 (result on the host). Warm-up once, then the median of `runs`.

Two differences PyTorch imposes, both the same arithmetic: nn.LSTM has no relu option, so the tutorial case uses
tanh; and nn.GRU is Keras's reset_after=True, where the GRU case on the other columns uses reset_after=False.

    python3 bench/torch_bench.py --cases tutorial,large,gru,streaming --runs 5
"""
import argparse
import json
import math
import statistics
import time

import torch

CASES = {
    "tutorial": dict(cell="lstm", units=50, timesteps=60, features=1, batch=32, outputs=1),
    "large": dict(cell="lstm", units=256, timesteps=100, features=32, batch=64, outputs=1),
    "gru": dict(cell="gru", units=50, timesteps=60, features=1, batch=32, outputs=1),
    "streaming": dict(cell="lstm", units=256, timesteps=1, features=32, batch=1, outputs=32, stateful=True),
}


def series(samples, timesteps, features, seed):
    """bench/suite.ts's inputs: sine windows plus the same LCG noise."""
    s = seed & 0xFFFFFFFF
    x = torch.empty(samples, timesteps, features)
    y = torch.empty(samples, 1)
    def noise():
        nonlocal s
        s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
        return (s / 4294967296 - 0.5) * 0.1
    for n in range(samples):
        for t in range(timesteps):
            for f in range(features):
                x[n, t, f] = math.sin((n + t) * 0.1 + f) + noise()
        y[n, 0] = math.sin((n + timesteps) * 0.1) + noise()
    return x, y


class Model(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        rnn = torch.nn.LSTM if m["cell"] == "lstm" else torch.nn.GRU
        self.rnn = rnn(m["features"], m["units"], batch_first=True)
        self.dense = torch.nn.Linear(m["units"], m["outputs"])

    def forward(self, x, state=None):
        out, state = self.rnn(x, state)
        return self.dense(out[:, -1]), state


def median_ms(body, runs, sync):
    body()
    sync()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        body()
        sync()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def bench_case(name, m, device, runs):
    torch.manual_seed(7)
    model = Model(m).to(device)
    x, y = series(m["batch"], m["timesteps"], m["features"], 11)
    x, y = x.to(device), y.to(device)
    sync = (lambda: torch.cuda.synchronize()) if device.type == "cuda" else (lambda: None)
    rows = []
    if m.get("stateful"):
        step = x[:, :1, :].contiguous()
        state = [None]
        def one_step():
            with torch.no_grad():
                out, state[0] = model(step, state[0])
                out.cpu()
        rows.append(dict(case=name, op="step", ms=median_ms(one_step, runs, sync), runs=runs))
        return rows
    opt = torch.optim.Adam(model.parameters(), lr=0.001, betas=(0.9, 0.999), eps=1e-7)
    if m["outputs"] != 1:
        y = torch.full((m["batch"], m["outputs"]), 0.5, device=device)
    def train():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.mse_loss(model(x)[0], y)
        loss.backward()
        opt.step()
        loss.item()
    def predict():
        with torch.no_grad():
            model(x)[0].cpu()
    rows.append(dict(case=name, op="train", ms=median_ms(train, runs, sync), runs=runs))
    rows.append(dict(case=name, op="predict", ms=median_ms(predict, runs, sync), runs=runs))
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", default="tutorial,large,gru,streaming")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    result = dict(version=torch.__version__, threads=torch.get_num_threads(), columns={})
    for device in devices:
        key = f"torch-{device.type}"
        result["columns"][key] = dict(
            name=torch.cuda.get_device_name(0) if device.type == "cuda" else "CPU",
            rows=[r for name in args.cases.split(",") if name in CASES for r in bench_case(name, CASES[name], device, args.runs)],
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
