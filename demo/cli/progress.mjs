// The terminal progress bar of `npm start` (cli-progress): one tick per epoch, with loss, val_loss and speed.
// When stdout is not a terminal (CI, a pipe) it prints one plain line per epoch instead.
import cliProgress from 'cli-progress';

const fmt = (v) => (v === undefined || !Number.isFinite(v) ? '…' : v.toExponential(3));

export function epochProgress(epochs) {
  if (!process.stdout.isTTY) {
    return {
      update(r) {
        console.log(`epoch ${r.epoch}/${r.epochs}  loss ${fmt(r.loss)}  val_loss ${fmt(r.valLoss)}  ${r.stepsPerSecond.toFixed(2)} steps/s`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: 'epoch {value}/{total} [{bar}] loss {loss} | val_loss {val_loss} | {speed} steps/s | {duration_formatted}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(epochs, 0, { loss: '…', val_loss: '…', speed: '…' });
  return {
    update(r) {
      bar.update(r.epoch, { loss: fmt(r.loss), val_loss: fmt(r.valLoss), speed: r.stepsPerSecond.toFixed(2) });
    },
    stop() {
      bar.stop();
    },
  };
}
