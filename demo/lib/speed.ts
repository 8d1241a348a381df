/**
 * Training speed from epoch boundaries: fit reads nothing back inside an epoch, so the time from onEpochBegin
 * to onEpochEnd is the GPU's real work for its steps plus one validation pass and one readback.
 */
export interface TrainingSpeed {
  /** Training steps (batches) per second over the last epoch. */
  stepsPerSecond: number;
  epochSeconds: number;
}

export function trainingClock(stepsPerEpoch: number) {
  let start = 0;
  const seconds: number[] = [];
  return {
    begin(): void {
      start = performance.now();
    },
    end(): TrainingSpeed {
      const s = (performance.now() - start) / 1000;
      seconds.push(s);
      return { stepsPerSecond: stepsPerEpoch / s, epochSeconds: s };
    },
    /**
     * Mean over the epochs after the first (which also compiles the pipelines), or the first when it is the only
     * one.
     */
    overall(): TrainingSpeed {
      const steady = seconds.length > 1 ? seconds.slice(1) : seconds;
      const s = steady.reduce((a, b) => a + b, 0) / Math.max(1, steady.length);
      return { stepsPerSecond: s > 0 ? stepsPerEpoch / s : 0, epochSeconds: s };
    },
  };
}
