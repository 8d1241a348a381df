/**
 * Batch-level progress without a readback. Two hooks: TF.js's `onBatchBegin(batch, { batch, size })`, called before
 * a batch is queued, and webrnn's `onBatchProgress(batch, { batch, size, ms })`, called once the GPU has finished
 * the batch (`ms`: since the previous batch finished, or since the first batch of the epoch was queued). The end of
 * a batch comes from the queue's onSubmittedWorkDone, which waits for the GPU but reads nothing back; the loss of
 * a batch still needs onBatchEnd, which reads it back.
 *
 * With onBatchProgress, fit keeps at most two batches queued: the GPU always has the next one, and the page's
 * thread gets to run between batches instead of encoding a whole epoch in one task. fitDataset always keeps two at
 * most (double buffering: the next batch uploads while the GPU trains on the current one).
 */
import type { Callback } from './callbacks';

interface InFlight {
  batch: number;
  size: number;
  done: Promise<undefined>;
}

export class BatchProgress {
  private readonly begins: Callback[];
  private readonly progress: Callback[];
  private inFlight: InFlight[] = [];
  private last = 0;

  private readonly bounded: boolean;

  /**
   * `bounded`: keep two batches queued at most even without onBatchProgress. fitDataset always does: a stream's
   * batches would otherwise pile up in the queue (each upload's staging copy) whenever the GPU is the slower side.
   */
  constructor(
    private readonly queue: Pick<GPUQueue, 'onSubmittedWorkDone'>,
    callbacks: readonly Callback[],
    bounded = false,
  ) {
    this.begins = callbacks.filter((cb) => cb.onBatchBegin);
    this.progress = callbacks.filter((cb) => cb.onBatchProgress);
    this.bounded = bounded || this.progress.length > 0;
  }

  /** Before the batch is queued: onBatchBegin. The first batch of an epoch also starts the clock. */
  async begin(batch: number, size: number): Promise<void> {
    if (batch === 0) this.last = performance.now();
    for (const cb of this.begins) await cb.onBatchBegin!(batch, { batch, size });
  }

  /** After the batch was submitted: waits for the oldest batch while two are queued, and reports it. */
  async submitted(batch: number, size: number): Promise<void> {
    if (!this.bounded) return;
    this.inFlight.push({ batch, size, done: this.queue.onSubmittedWorkDone() as Promise<undefined> });
    if (this.inFlight.length >= 2) await this.settle();
  }

  /** Before the epoch's readback: reports the batches still queued. */
  async flush(): Promise<void> {
    while (this.inFlight.length > 0) await this.settle();
  }

  private async settle(): Promise<void> {
    const { batch, size, done } = this.inFlight.shift()!;
    await done;
    const now = performance.now();
    const ms = now - this.last;
    this.last = now;
    for (const cb of this.progress) await cb.onBatchProgress!(batch, { batch, size, ms });
  }
}
