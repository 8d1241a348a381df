/**
 * `loadLayersModel(rt, 'https://…/model.json')`: a layers model served over HTTP, the way TF.js apps load theirs.
 * model.json is fetched, then every weights file its manifest lists, resolved against model.json's own URL (as
 * TF.js's http handler does), and the whole goes through the same checks as every other source: a model saved by
 * webrnn carries its weights' byte length and SHA-256, which are verified here too.
 */
import { ModelFormatError, ValueError } from '../errors';
import { concatBuffers, fromModelJson, parseModelJson, verifyArtifacts } from './modelJson';
import type { ModelArtifacts } from './types';

/** Whether `source` names a model to fetch: an http(s) URL, or in a page a relative or root-relative one ending in .json. */
export function isHttpSource(source: string): boolean {
  if (/^https?:\/\//i.test(source)) return true;
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(source) && source.endsWith('.json');
}

/** The absolute URL of `source`: relative ones resolve against the page's address, which Node does not have. */
function absolute(source: string): URL {
  if (/^https?:\/\//i.test(source)) return new URL(source);
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  if (!base) {
    throw new ValueError(
      `cannot load ${JSON.stringify(source)}: a relative URL needs a page to resolve against; in Node give file://${source} or a full http(s):// URL`,
    );
  }
  return new URL(source, base);
}

async function get(url: URL, what: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new ModelFormatError(`${url.href}: fetch failed: ${what} could not be fetched (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!response.ok) throw new ModelFormatError(`${url.href}: fetch failed: ${what} answered HTTP ${response.status} ${response.statusText}`.trimEnd());
  return response;
}

export async function loadFromHttp(source: string): Promise<ModelArtifacts> {
  const url = absolute(source);
  const json = parseModelJson(await (await get(url, 'the model file')).text(), url.href);
  const urls = json.weightsManifest.flatMap((g) => g.paths).map((p) => new URL(p, url));
  const buffers = await Promise.all(urls.map(async (u) => (await get(u, `a weights file listed in ${url.href}`)).arrayBuffer()));
  return verifyArtifacts(fromModelJson(json, concatBuffers(buffers)), { json: url.href, weights: urls.map((u) => u.href).join(' + ') });
}
