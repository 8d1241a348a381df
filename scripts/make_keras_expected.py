#!/usr/bin/env python3
"""Expected outputs for the Keras .h5 fixtures in test/fixtures/keras (run from the repository root with Debian's
python3-h5py and python3-numpy):

    /usr/bin/python3 scripts/make_keras_expected.py

The .h5 files are Keras's own (DL4J's test resources, see the README there). Two come with the inputs and
predictions Keras computed (*_inputs_and_outputs.h5): those are copied. For the others the weights are read with
h5py and run through the NumPy implementation of Keras's layers below, on seeded inputs: an independent path, not
webrnn's. Everything goes to test/fixtures/keras/expected.json.
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np

DIR = os.path.join("test", "fixtures", "keras")


def hard_sigmoid(x):  # Keras 2's
    return np.clip(0.2 * x + 0.5, 0.0, 1.0)


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


ACT = {"softmax": softmax, "tanh": np.tanh, "relu": lambda x: np.maximum(x, 0.0), "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "hard_sigmoid": hard_sigmoid, "linear": lambda x: x}


def weights_of(h, layer):
    g = h["model_weights"][layer]
    return {n.decode() if isinstance(n, bytes) else n: np.array(g[n], dtype=np.float64) for n in g.attrs["weight_names"]}


def run_cell(kind, cfg, W, U, b, x, mask):
    """x [B, T, F] → outputs [B, T, u] and final h; a masked step keeps the states and repeats the output."""
    B, T, _ = x.shape
    u = cfg["units"]
    act = ACT[cfg["activation"]]
    rec = ACT[cfg.get("recurrent_activation", "sigmoid")]
    h = np.zeros((B, u))
    c = np.zeros((B, u))
    out = np.zeros((B, T, u))
    for t in range(T):
        if kind == "GRU":
            # Keras's gate order z, r, h. reset_after: bias [2, 3u] (input, recurrent) and r applied after U·h.
            after = cfg.get("reset_after", False)
            bi, br = (b[0], b[1]) if after else (b, np.zeros_like(b))
            xz = x[:, t] @ W + bi
            hz = h @ U + br
            zg = rec(xz[:, :u] + hz[:, :u])
            rg = rec(xz[:, u : 2 * u] + hz[:, u : 2 * u])
            cand = act(xz[:, 2 * u :] + (rg * hz[:, 2 * u :] if after else (rg * h) @ U[:, 2 * u :]))
            h_new = zg * h + (1 - zg) * cand
            keep = mask[:, t : t + 1]
            h = np.where(keep, h_new, h)
            out[:, t] = h
            continue
        z = x[:, t] @ W + h @ U + b
        if kind == "LSTM":
            i, f, g, o = rec(z[:, :u]), rec(z[:, u : 2 * u]), act(z[:, 2 * u : 3 * u]), rec(z[:, 3 * u :])
            c_new = f * c + i * g
            h_new = o * act(c_new)
        else:
            c_new, h_new = c, act(z)
        keep = mask[:, t : t + 1]
        c = np.where(keep, c_new, c)
        h = np.where(keep, h_new, h)
        out[:, t] = h
    return out, h


def run_layer(layer, w, x, mask):
    cls, cfg = layer["class_name"], layer["config"]
    if cls == "Bidirectional":
        inner = cfg["layer"]
        kind, icfg = inner["class_name"], inner["config"]
        fw = {k.split("/")[-1].split(":")[0]: v for k, v in w.items() if "/forward_" in k}
        bw = {k.split("/")[-1].split(":")[0]: v for k, v in w.items() if "/backward_" in k}
        f_out, f_h = run_cell(kind, icfg, fw["kernel"], fw["recurrent_kernel"], fw["bias"], x, mask)
        b_out, b_h = run_cell(kind, icfg, bw["kernel"], bw["recurrent_kernel"], bw["bias"], x[:, ::-1], mask[:, ::-1])
        assert cfg.get("merge_mode", "concat") == "concat"
        if icfg["return_sequences"]:
            return np.concatenate([f_out, b_out[:, ::-1]], axis=-1)
        return np.concatenate([f_h, b_h], axis=-1)
    w = {k.split("/")[-1].split(":")[0]: v for k, v in w.items()}
    if cls == "Dense":
        return ACT[cfg["activation"]](x @ w["kernel"] + w["bias"])
    out, h = run_cell(cls, cfg, w["kernel"], w["recurrent_kernel"], w["bias"], x, mask)
    return out if cfg["return_sequences"] else h


def keras3_weights(h, name):
    """A Keras 3 layer's variables in order (layers/<name>/[cell/]vars/<i>), named as Keras 2 names them."""
    g = h["layers"][name]
    g = g["cell"] if "cell" in g else g
    v = g["vars"]
    values = [np.array(v[str(i)], dtype=np.float64) for i in range(len(v.keys()))]
    names = ["kernel", "recurrent_kernel", "bias"] if "cell" in h["layers"][name] else ["kernel", "bias"]
    return {f"{name}/{n}:0": value for n, value in zip(names, values)}


def numpy_predict(path, x):
    if path.endswith(".keras"):
        archive = zipfile.ZipFile(path)
        config = json.loads(archive.read("config.json"))
        h = h5py.File(io.BytesIO(archive.read("model.weights.h5")))
        weights = keras3_weights
    else:
        h = h5py.File(path)
        config = json.loads(h.attrs["model_config"])
        weights = weights_of
    mask = np.ones(x.shape[:2], dtype=bool)
    layers = config["config"]["layers"] if isinstance(config["config"], dict) else config["config"]  # Keras 2.0: a list
    for layer in layers:
        name = layer["config"]["name"]
        if layer["class_name"] in ("InputLayer", "Dropout"):
            continue
        if layer["class_name"] == "Masking":
            mask = ~np.all(x == layer["config"]["mask_value"], axis=-1)
            continue
        x = run_layer(layer, weights(h, name), x, mask)
        mask = np.ones(x.shape[:2], dtype=bool) if x.ndim == 3 else mask
    return x


def main():
    expected = {"numpy": np.__version__, "h5py": h5py.__version__, "cases": {}}
    for name in ["simple_lstm_tf_keras_2", "simple_rnn_tf_keras_2"]:
        io = h5py.File(os.path.join(DIR, f"{name}_inputs_and_outputs.h5"))
        x = np.array(io["inputs"][list(io["inputs"].keys())[0]], dtype=np.float32)
        own = numpy_predict(os.path.join(DIR, f"{name}_model.h5"), x.astype(np.float64))
        case = {"x": x.flatten().tolist(), "xShape": list(x.shape), "yShape": list(own.shape)}
        if "predictions" in io:
            # Keras's own predictions; the NumPy layers, checked against them on this file, say how close they come.
            y = np.array(io["predictions"][list(io["predictions"].keys())[0]], dtype=np.float64)
            case.update(y=y.flatten().tolist(), source="Keras's own predictions (the fixture's _inputs_and_outputs.h5)", numpyVsKeras=float(np.max(np.abs(own - y))))
        else:
            # The older file's "outputs" are training targets, not predictions: the NumPy layers give the expected values.
            case.update(y=own.flatten().tolist(), source="NumPy implementation of the Keras layers on the weights h5py read (the file's inputs)")
        expected["cases"][f"{name}_model.h5"] = case
    rng = np.random.default_rng(7)
    for file, shape in [
        ("rnn_13.h5", (3, 3, 4)),
        ("rnn_104.h5", (3, 4, 1)),
        ("masking_zero_lstm.h5", (3, 10, 42)),
        ("trafficflow_gru_keras214.h5", (3, 12, 1)),
        ("trafficflow_gru_keras210.h5", (3, 12, 1)),
        ("emg_gru_keras392.keras", (3, 4, 1)),
    ]:
        x = rng.uniform(-1, 1, size=shape).astype(np.float32)
        if file.startswith("masking"):
            x[0, 7:] = 0.0  # padding at the end of row 0 and the middle of row 1: skipped, states carried
            x[1, 3:5] = 0.0
        y = numpy_predict(os.path.join(DIR, file), x.astype(np.float64))
        expected["cases"][file] = {
            "x": x.flatten().tolist(), "xShape": list(x.shape), "y": y.flatten().tolist(), "yShape": list(y.shape),
            "source": "NumPy implementation of the Keras layers on the weights h5py read",
        }
    with open(os.path.join(DIR, "expected.json"), "w") as f:
        json.dump(expected, f)
    # A damaged copy for the loader's refusal: rnn_104.h5 with one weight dataset deleted (its name still listed).
    damaged = os.path.join(DIR, "damaged_missing_weight.h5")
    with open(os.path.join(DIR, "rnn_104.h5"), "rb") as src, open(damaged, "wb") as dst:
        dst.write(src.read())
    with h5py.File(damaged, "r+") as h:
        layer = h["model_weights"].attrs["layer_names"][-1]
        group = h["model_weights"][layer]
        del group[group.attrs["weight_names"][1]]
    # Another, for the refusal after the model is built (setWeights): rnn_104.h5 with a bias one value too long.
    wrong = os.path.join(DIR, "damaged_wrong_shape.h5")
    with open(os.path.join(DIR, "rnn_104.h5"), "rb") as src, open(wrong, "wb") as dst:
        dst.write(src.read())
    with h5py.File(wrong, "r+") as h:
        group = h["model_weights"][h["model_weights"].attrs["layer_names"][-1]]
        name = [n for n in group.attrs["weight_names"] if b"bias" in n][0]
        value = np.array(group[name])
        del group[name]
        group[name] = np.concatenate([value, [0.5]]).astype(np.float32)


if __name__ == "__main__":
    main()
