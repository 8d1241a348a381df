#!/usr/bin/env python3
"""Export a PyTorch state_dict in a form webrnn reads (src/io/pytorch.ts).

Two output forms, chosen by the file extension:

  *.safetensors  the safetensors layout: an 8-byte little-endian header length, a JSON header
                 {name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}}, then the raw
                 little-endian float32 bytes. Written here with the standard library only, so the
                 `safetensors` package is not needed (files it writes load in webrnn too).
  *.json         {name: {"shape": [...], "data": [flat row-major numbers]}}.

Only floating-point tensors are exported, converted to float32; integer buffers (BatchNorm's
num_batches_tracked) are skipped with a note on stderr, since webrnn has no use for them.

Command line:
    python3 scripts/export_state_dict.py checkpoint.pt weights.safetensors
  where checkpoint.pt holds a state_dict, an nn.Module, or a dict with a "state_dict" key.
From Python:
    from export_state_dict import export_state_dict
    export_state_dict(model.state_dict(), "weights.json")
"""
import json
import struct
import sys


def _float_tensors(state_dict):
    out = {}
    for name, tensor in state_dict.items():
        if not tensor.is_floating_point():
            print(f"export_state_dict: skipping {name} ({tensor.dtype}, not floating point)", file=sys.stderr)
            continue
        out[name] = tensor.detach().cpu().float().contiguous()
    return out


def safetensors_bytes(state_dict):
    tensors = _float_tensors(state_dict)
    header, blobs, at = {}, [], 0
    for name, t in tensors.items():
        raw = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [at, at + len(raw)]}
        blobs.append(raw)
        at += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the format pads the header so the data starts 8-byte aligned
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def json_text(state_dict):
    tensors = _float_tensors(state_dict)
    # float(np.float32) is the exact double of the float32 value, so the numbers round-trip exactly.
    body = {name: {"shape": list(t.shape), "data": [float(v) for v in t.numpy().reshape(-1)]} for name, t in tensors.items()}
    return json.dumps(body)


def export_state_dict(state_dict, path):
    if hasattr(state_dict, "state_dict"):
        state_dict = state_dict.state_dict()
    if path.endswith(".safetensors"):
        with open(path, "wb") as f:
            f.write(safetensors_bytes(state_dict))
    elif path.endswith(".json"):
        with open(path, "w") as f:
            f.write(json_text(state_dict))
    else:
        raise ValueError(f"export_state_dict: {path} must end in .safetensors or .json")


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    import torch

    loaded = torch.load(argv[1], map_location="cpu")
    if isinstance(loaded, dict) and "state_dict" in loaded:
        loaded = loaded["state_dict"]
    export_state_dict(loaded, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
