/** jsfive ships no types: the little of it that src/io/kerasH5.ts uses. */
declare module 'jsfive' {
  export class File {
    constructor(buffer: ArrayBuffer, filename?: string);
    attrs: Record<string, unknown>;
    keys: string[];
    get(path: string): unknown;
  }
}
