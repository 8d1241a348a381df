/**
 * Buffer sizes against the device's limits, and out-of-memory on buffer creation.
 *
 * A buffer over maxBufferSize (or a storage buffer over maxStorageBufferBindingSize, since our kernels bind
 * buffers whole) would come back from createBuffer as an invalid object that fails every command using it, so
 * the size is checked first and a DeviceLimitError names the limit and both sizes.
 *
 * Out-of-memory is reported by WebGPU only through an error scope, asynchronously, and it too leaves an invalid
 * buffer behind: the commands that use it do nothing and a readback would return stale staging bytes. So every
 * buffer is created inside an 'out-of-memory' scope, a failure is remembered against its buffer until that
 * buffer is destroyed, and every readback settles the pending scopes first and throws OutOfMemoryError while a
 * failed buffer is alive: the caller gets an error, never numbers computed with memory that does not exist.
 */
import { DeviceLimitError, OutOfMemoryError } from '../errors';

const STORAGE = 0x80; // GPUBufferUsage.STORAGE (the global exists only in browsers)

/** Throws a DeviceLimitError when a buffer of `size` bytes with `usage` cannot exist on a device with `limits`. */
export function checkBufferLimits(
  limits: Pick<GPUSupportedLimits, 'maxBufferSize' | 'maxStorageBufferBindingSize'>,
  label: string,
  size: number,
  usage: number,
): void {
  const over = (limit: 'maxBufferSize' | 'maxStorageBufferBindingSize') => {
    const allowed = limits[limit];
    return new DeviceLimitError(
      limit,
      size,
      allowed,
      `buffer '${label}' needs ${bytes(size)}, more than this device's ${limit} of ${bytes(allowed)}. ` +
        'Use fewer units or layers (for the weights), or a smaller batchSize or fewer timesteps (for activations).',
    );
  };
  if (size > limits.maxBufferSize) throw over('maxBufferSize');
  if ((usage & STORAGE) !== 0 && size > limits.maxStorageBufferBindingSize) throw over('maxStorageBufferBindingSize');
}

function bytes(n: number): string {
  return `${n.toLocaleString('en-US')} bytes (${(n / 2 ** 20).toFixed(1)} MiB)`;
}

export class AllocationWatch {
  private readonly pending = new Set<Promise<void>>();
  private readonly failed = new Map<GPUBuffer, string>();

  constructor(private readonly device: GPUDevice) {}

  /**
   * createBuffer inside an 'out-of-memory' scope; `held` (what the runtime had allocated before) goes into the
   * message. With mappedAtCreation the host-side mapping can fail at once (a RangeError): that becomes an
   * OutOfMemoryError here and now.
   */
  create(descriptor: GPUBufferDescriptor, held: string): GPUBuffer {
    this.device.pushErrorScope('out-of-memory');
    let buffer: GPUBuffer;
    try {
      buffer = this.device.createBuffer(descriptor);
    } catch (e) {
      void this.device.popErrorScope().catch(() => null);
      throw new OutOfMemoryError(`${this.message(descriptor, held)} (${(e as Error).message})`);
    }
    const settled = this.device
      .popErrorScope()
      .then((error) => {
        if (error) this.failed.set(buffer, `${this.message(descriptor, held)} (${error.message})`);
      })
      // A lost device rejects or resolves null; the loss is reported on its own path.
      .catch(() => undefined)
      .finally(() => this.pending.delete(settled));
    this.pending.add(settled);
    return buffer;
  }

  /** The buffer was destroyed: a failure recorded against it no longer matters. */
  forget(buffer: GPUBuffer): void {
    this.failed.delete(buffer);
  }

  /** Waits for every pending scope; the error to throw while a buffer whose allocation failed is alive, or null. */
  async failure(): Promise<OutOfMemoryError | null> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    const first = this.failed.values().next();
    return first.done ? null : new OutOfMemoryError(first.value);
  }

  clear(): void {
    this.failed.clear();
  }

  private message(d: GPUBufferDescriptor, held: string): string {
    return (
      `the GPU ran out of memory creating buffer '${d.label}' of ${bytes(d.size)}, with ${held}. Nothing computed with it is ` +
      'returned. Free GPU memory (dispose models and runtimes you no longer need) or use a smaller batchSize, fewer units or ' +
      'fewer timesteps, then retry'
    );
  }
}
