// Writes OUT/forecast.html (one self-contained file: uPlot, its CSS, the render code and the results inline),
// OUT/forecast.png (that file opened and screenshot in the same headless Chromium), and the numbers for a
// user's own pipeline: OUT/forecast.json (everything the report shows) and OUT/forecast.csv (the forecast).
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';

/** Bundles demo/report/report.ts with Vite into one IIFE and its CSS, in memory. */
async function bundleReport(root) {
  const out = await build({
    root,
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: true,
      lib: { entry: resolve(root, 'demo/report/report.ts'), formats: ['iife'], name: 'webrnnReport', fileName: () => 'report.js' },
    },
  });
  const files = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output);
  const js = files
    .filter((f) => f.type === 'chunk')
    .map((f) => f.code)
    .join('\n');
  const css = files
    .filter((f) => f.type === 'asset' && f.fileName.endsWith('.css'))
    .map((f) => String(f.source))
    .join('\n');
  if (!js) throw new Error('bundling demo/report/report.ts produced no script');
  return { js, css };
}

// Inline text must not close its own element early.
const inlineScript = (s) => s.replace(/<\/script/gi, '<\\/script');
const inlineJson = (data) => JSON.stringify(data).replace(/</g, '\\u003c');
const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

export async function writeReport(root, outDir, data, title) {
  const { js, css } = await bundleReport(root);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<div id="report"></div>
<script type="application/json" id="report-data">${inlineJson(data)}</script>
<script>${inlineScript(js)}</script>
</body>
</html>
`;
  await mkdir(outDir, { recursive: true });
  const htmlPath = resolve(outDir, 'forecast.html');
  await writeFile(htmlPath, html);
  return htmlPath;
}

export async function screenshot(browser, htmlPath, pngPath) {
  const page = await browser.newPage();
  try {
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.setViewport({ width: 1100, height: 900 });
    await page.goto(pathToFileURL(htmlPath).href);
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 30_000 }).catch(() => {
      throw new Error(`${htmlPath} did not render${errors.length ? `: ${errors[0]}` : ''}`);
    });
    await page.screenshot({ path: pngPath, fullPage: true });
  } finally {
    await page.close();
  }
}

/** forecast.json: the report's data as is; forecast.csv: one row per step with its intervals, for spreadsheets. */
export async function writeNumbers(outDir, data) {
  await mkdir(outDir, { recursive: true });
  const jsonPath = resolve(outDir, 'forecast.json');
  await writeFile(jsonPath, `${JSON.stringify(data, null, 1)}\n`);
  const f = data.result.forecast;
  const band = (level) => f.bands.find((b) => b.level === level);
  const [b80, b95] = [band(0.8), band(0.95)];
  const rows = f.value.map((v, k) =>
    [k + 1, f.times ? new Date(f.times[k]).toISOString().slice(0, 10) : '', v, b80.low[k], b80.high[k], b95.low[k], b95.high[k]].join(','),
  );
  const csvPath = resolve(outDir, 'forecast.csv');
  await writeFile(csvPath, ['step,date,forecast,low80,high80,low95,high95', ...rows].join('\n') + '\n');
  return { jsonPath, csvPath };
}
