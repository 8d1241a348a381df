/**
 * One model file as bytes, however it is given: bytes, a File/Blob (a picked file), or a URL (fetched; file://
 * read from disk in Node). `what` names the file in messages when it has no name of its own ("the ONNX bytes").
 */
import { ModelFormatError, ValueError } from '../errors';
import { loadFileBytes } from './fileSystem';

export type ModelBytesSource = Uint8Array | ArrayBuffer | Blob | string;

export async function readModelBytes(source: ModelBytesSource, what: string): Promise<{ bytes: Uint8Array; file: string }> {
  if (source instanceof Uint8Array) return { bytes: source, file: `the ${what} bytes` };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), file: `the ${what} bytes` };
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    return { bytes: new Uint8Array(await source.arrayBuffer()), file: (source as File).name ?? `the ${what} file` };
  }
  if (typeof source === 'string') {
    if (source.startsWith('file://')) return { bytes: await loadFileBytes(source), file: source };
    const response = await fetch(source);
    if (!response.ok) throw new ModelFormatError(`${source}: fetch check failed: HTTP ${response.status}`);
    return { bytes: new Uint8Array(await response.arrayBuffer()), file: source };
  }
  throw new ValueError(`expected the ${what} model's bytes (Uint8Array, ArrayBuffer), a File/Blob or a URL; got ${source === null ? 'null' : typeof source}`);
}
