// The terminal progress bar of `npm start` (cli-progress): it moves with every batch the GPU finishes (fit's
// onBatchProgress, which reads nothing back) and shows loss, val_loss and speed after each epoch. When stdout is not
// a terminal (CI, a pipe) it prints one plain line per epoch instead.
import cliProgress from 'cli-progress';

const fmt = (v) => (v === undefined || !Number.isFinite(v) ? '…' : v.toExponential(3));

export function epochProgress(epochs) {
  if (!process.stdout.isTTY) {
    return {
      update(r) {
        console.log(`epoch ${r.epoch}/${r.epochs}  loss ${fmt(r.loss)}  val_loss ${fmt(r.valLoss)}  ${r.stepsPerSecond.toFixed(2)} steps/s`);
      },
      batch() {},
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: '{where} [{bar}] loss {loss} | val_loss {val_loss} | {speed} steps/s | {duration_formatted}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(epochs, 0, { where: `epoch 0/${epochs}`, loss: '…', val_loss: '…', speed: '…' });
  return {
    update(r) {
      bar.update(r.epoch, { where: `epoch ${r.epoch}/${r.epochs}`, loss: fmt(r.loss), val_loss: fmt(r.valLoss), speed: r.stepsPerSecond.toFixed(2) });
    },
    /** Within an epoch: the bar advances by the batch's share of it. */
    batch(r) {
      bar.update(r.epoch - 1 + r.batch / r.batches, { where: `epoch ${r.epoch}/${r.epochs} batch ${r.batch}/${r.batches}` });
    },
    stop() {
      bar.stop();
    },
  };
}
