/**
 * Keras .h5 files without a GPU (src/io/kerasH5.ts): the architecture and Keras's weight names read through
 * jsfive, functional models that are one chain accepted as Sequentials, and every broken file refused with a
 * ModelFormatError naming it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../src/index';
import { isHdf5, kerasArchiveArtifacts, kerasH5Artifacts } from '../src/io/kerasH5';
import { decodeWeights } from '../src/io/weights';
import { layersFromTopology } from '../src/model/kerasLayers';
import { functionalFromTopology } from '../src/model/functionalTopology';

const read = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/keras/${name}`, import.meta.url)));

describe('Keras .h5 files', () => {
  it("reads a Keras 2.0.6 Sequential's layers and its weights under Keras's names", async () => {
    const a = await kerasH5Artifacts(read('simple_lstm_tf_keras_2_model.h5'), 'lstm.h5');
    expect(a.generatedBy).toBe('keras 2.0.6 (.h5)');
    const { layers } = layersFromTopology(a.modelTopology, 'lstm.h5');
    expect(layers.map((l) => l.className)).toEqual(['LSTM', 'Dense']);
    const weights = decodeWeights(a.weightSpecs, a.weightData, 'lstm.h5');
    expect(weights.map((w) => [w.name, w.tensor.shape])).toEqual([
      ['lstm_1/kernel:0', [1, 200]],
      ['lstm_1/recurrent_kernel:0', [50, 200]],
      ['lstm_1/bias:0', [200]],
      ['dense_1/kernel:0', [50, 1]],
      ['dense_1/bias:0', [1]],
    ]);
  });

  it('reads a tf.keras 2.2.4 functional model that is one chain (InputLayer → Bidirectional) as a Sequential', async () => {
    const a = await kerasH5Artifacts(read('rnn_13.h5'), 'rnn_13.h5');
    const { layers } = layersFromTopology(a.modelTopology, 'rnn_13.h5');
    expect(layers.map((l) => l.className)).toEqual(['Bidirectional']);
    expect(layers[0]!.declaredInputShape).toEqual([3, 4]);
  });

  it("reads GRUs in both reset conventions: Keras 2.1.4's (no reset_after key, a [3u] bias) and Keras 2.10's ([2, 3u])", async () => {
    const old = await kerasH5Artifacts(read('trafficflow_gru_keras214.h5'), 'old.h5');
    const shapes = (a: Awaited<ReturnType<typeof kerasH5Artifacts>>) =>
      decodeWeights(a.weightSpecs, a.weightData, 'f')
        .filter((w) => /bias/.test(w.name))
        .map((w) => w.tensor.shape);
    expect(shapes(old)).toEqual([[192], [192], [1]]);
    const recent = await kerasH5Artifacts(read('trafficflow_gru_keras210.h5'), 'new.h5');
    expect(shapes(recent)).toEqual([[2, 192], [2, 192], [1]]);
    const layers = layersFromTopology(old.modelTopology, 'old.h5').layers as unknown as { resetAfter?: boolean }[];
    expect(layers[0]!.resetAfter).toBe(false);
  });

  it('reads a Keras 3.9.2 .keras archive: the weights by position, named after the layers its config builds', async () => {
    const a = await kerasArchiveArtifacts(read('emg_gru_keras392.keras'), 'emg.keras');
    expect(a.generatedBy).toBe('keras 3.9.2 (.keras)');
    expect(decodeWeights(a.weightSpecs, a.weightData, 'emg.keras').map((w) => [w.name, w.tensor.shape])).toEqual([
      ['gru/kernel', [1, 96]],
      ['gru/recurrent_kernel', [32, 96]],
      ['gru/bias', [2, 96]],
      ['gru_1/kernel', [32, 48]],
      ['gru_1/recurrent_kernel', [16, 48]],
      ['gru_1/bias', [2, 48]],
      ['dense/kernel', [16, 3]],
      ['dense/bias', [3]],
    ]);
  });

  it('refuses a .keras archive that is cut short, lacks its weights, or is not a zip', async () => {
    const bytes = read('emg_gru_keras392.keras');
    await expect(kerasArchiveArtifacts(bytes.slice(0, 5000), 'cut.keras')).rejects.toThrow(/cut\.keras: archive check failed: the zip cannot be read/);
    await expect(kerasArchiveArtifacts(read('rnn_104.h5'), 'h5.keras')).rejects.toThrow(/h5\.keras: archive check failed: a \.keras file is a zip archive/);
    const { zipSync, unzipSync } = await import('fflate');
    const files = unzipSync(bytes);
    delete files['model.weights.h5'];
    await expect(kerasArchiveArtifacts(zipSync(files), 'noweights.keras')).rejects.toThrow(
      /noweights\.keras: archive check failed: no model\.weights\.h5 in the archive \(it holds metadata\.json, config\.json\)/,
    );
  });

  it('reads a functional model that branches as a graph, and refuses files that are not Keras .h5 models', async () => {
    const a = await kerasH5Artifacts(read('rnn_13.h5'), 'rnn_13.h5');
    const topology = JSON.parse(JSON.stringify(a.modelTopology));
    topology.model_config.config.layers[1].inbound_nodes = [[['somewhere_else', 0, 0, {}]]];
    expect(() => layersFromTopology(topology, 'branch.h5')).toThrow(
      /functional models whose layers form one chain here \(this one branches or merges: loadLayersModel loads it/,
    );
    // ... where, read as a graph, the node that reads a layer the file lacks is named.
    expect(() => functionalFromTopology(topology, 'branch.h5')).toThrow(
      /branch\.h5: layer '.*' \(.*\) reads output 0 of 'somewhere_else', which no earlier layer/,
    );
    expect(isHdf5(Uint8Array.of(1, 2, 3))).toBe(false);
    await expect(kerasH5Artifacts(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9), 'x.h5')).rejects.toThrow(
      /x\.h5: HDF5 check failed: the file does not start with the HDF5 signature/,
    );
    const bytes = read('rnn_104.h5');
    await expect(kerasH5Artifacts(bytes.slice(0, 2000), 'cut.h5')).rejects.toThrow(ModelFormatError);
    // A copy of rnn_104.h5 with the recurrent kernel's dataset deleted (scripts/make_keras_expected.py makes it).
    await expect(kerasH5Artifacts(read('damaged_missing_weight.h5'), 'damaged.h5')).rejects.toThrow(
      /damaged\.h5: weights check failed: layer 'simple_rnn_52' lists weight 'simple_rnn_52\/recurrent_kernel:0', which the file does not hold/,
    );
    await expect(kerasH5Artifacts(read('simple_rnn_tf_keras_2_inputs_and_outputs.h5'), 'io.h5')).rejects.toThrow(
      /io\.h5: architecture check failed: no model_config attribute; this is a weights-only file/,
    );
  });
});
