/** A Keras-like `model.summary()` table: layer (type), output shape, parameter count, and totals. */
import type { Layer } from '../layers/layer';

/** `frozen`: how many of the parameters no optimizer changes (an echo-state reservoir's). */
export function summaryLines(name: string, layers: Layer[], paramCounts: number[], frozen = 0): string[] {
  const rows = layers.map((l, i) => [`${l.name} (${l.className})`, `(None, ${l.outputShape.join(', ')})`, String(paramCounts[i] ?? 0)]);
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = [0, 1, 2].map((c) => Math.max(header[c]!.length, ...rows.map((r) => r[c]!.length)) + 4);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('')
      .trimEnd();
  const rule = (ch: string) => ch.repeat(widths.reduce((a, b) => a + b, 0));
  const total = paramCounts.reduce((a, b) => a + b, 0);
  const out = [`Model: "${name}"`, rule('_'), line(header), rule('=')];
  rows.forEach((r, i) => {
    out.push(line(r));
    out.push(i === rows.length - 1 ? rule('=') : rule('_'));
  });
  out.push(`Total params: ${total.toLocaleString('en-US')}`);
  out.push(`Trainable params: ${(total - frozen).toLocaleString('en-US')}`);
  out.push(`Non-trainable params: ${frozen.toLocaleString('en-US')}`);
  out.push(rule('_'));
  return out;
}
