/**
 * WGSL without its comments, blank lines and indentation: what the library ships. The prose headers stay in
 * the repository's shader files; the bundle (and the GPU's parser) gets only code. WGSL has no string
 * literals, so `//` always starts a comment; block comments nest.
 */
export function stripComments(wgsl: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < wgsl.length; i++) {
    const two = wgsl.slice(i, i + 2);
    if (two === '/*') {
      depth++;
      i++;
    } else if (depth > 0 && two === '*/') {
      depth--;
      i++;
    } else if (depth === 0 && two === '//') {
      while (i < wgsl.length && wgsl[i] !== '\n') i++;
      out += '\n';
    } else if (depth === 0) {
      out += wgsl[i];
    } else if (wgsl[i] === '\n') {
      out += '\n';
    }
  }
  if (depth > 0) throw new Error('an unterminated /* comment');
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join('\n');
}
