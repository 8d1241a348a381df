/** callbacks.earlyStopping without a GPU: a model stand-in records what the callback reads and restores. */
import { describe, expect, it } from 'vitest';
import { callbacks } from '../src/index';

function fakeModel() {
  let version = 0;
  const restored: number[] = [];
  return {
    restored,
    next: () => version++,
    model: {
      stopTraining: false,
      getWeights: async () => [{ data: Float32Array.of(version), shape: [1] }],
      setWeights: (w: { data: ArrayLike<number> }[]) => void restored.push(w[0]!.data[0]!),
    },
  };
}

async function run(losses: number[], patience: number) {
  const f = fakeModel();
  const stopper = callbacks.earlyStopping({ monitor: 'val_loss', patience, restoreBestWeights: true });
  stopper.setModel(f.model as never);
  stopper.onTrainBegin();
  for (let epoch = 0; epoch < losses.length && !f.model.stopTraining; epoch++) {
    f.next(); // the weights after this epoch are version epoch + 1
    await stopper.onEpochEnd(epoch, { val_loss: losses[epoch]! });
  }
  stopper.onTrainEnd();
  return { stopper, restored: f.restored };
}

describe('callbacks.earlyStopping', () => {
  it('stops after `patience` epochs without improvement and restores the best epoch', async () => {
    const { stopper, restored } = await run([3, 1, 2, 2, 2, 0.5], 2);
    expect(stopper.stoppedEpoch).toBe(3);
    expect(stopper.bestEpoch).toBe(1);
    expect(restored).toEqual([2]);
  });

  it('restores the best weights at the end of a fit that ran out of epochs after its best one (Keras 3)', async () => {
    const { stopper, restored } = await run([3, 1, 2], 5);
    expect(stopper.stoppedEpoch).toBe(0);
    expect(stopper.bestEpoch).toBe(1);
    expect(restored).toEqual([2]);
  });

  it('restores nothing when the last epoch was the best', async () => {
    const { restored } = await run([3, 2, 1], 5);
    expect(restored).toEqual([]);
  });
});
