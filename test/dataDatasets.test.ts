/** The bundled datasets load offline from their npm packages, with the sizes and order the demos rely on. */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/data/csv';
import { loadAppleStock, loadMobyDick, loadSpamAssassin, readSeattleWeatherCsv } from '../src/data/datasets';
import { prepareSeries } from '../src/data/prepare';

describe('bundled datasets', () => {
  it('loadAppleStock gives the 1280 daily closes in ascending date order', async () => {
    const { dates, close } = await loadAppleStock();
    expect(close).toBeInstanceOf(Float32Array);
    expect([dates.length, close.length]).toEqual([1280, 1280]);
    expect(dates[0]!.toISOString()).toBe('2007-04-24T07:00:00.000Z');
    expect(dates[1279]!.toISOString()).toBe('2012-05-01T07:00:00.000Z');
    expect(close[0]).toBeCloseTo(93.24, 4);
    expect(close[1279]).toBeCloseTo(582.13, 3);
    expect(dates.every((d, i) => i === 0 || d > dates[i - 1]!)).toBe(true);
  });

  it('runs the leak-free recipe on apple stock (the tutorial, done right)', async () => {
    const { close } = await loadAppleStock();
    const p = prepareSeries(close, { window: 60 });
    expect(p.split.train.end).toBe(896);
    expect(p.train.x.shape).toEqual([836, 60, 1]);
    expect(p.validation.x.shape).toEqual([192, 60, 1]);
    expect(p.test.x.shape).toEqual([192, 60, 1]);
  });

  it("readSeattleWeatherCsv reads vega-datasets' CSV for parseCsv", async () => {
    const text = await readSeattleWeatherCsv();
    expect(text.startsWith('date,precipitation,temp_max,temp_min,wind,weather')).toBe(true);
    const t = parseCsv(text, { dateColumn: 'date', columns: ['temp_max', 'temp_min', 'precipitation', 'wind'] });
    expect(t.rows).toBe(1461);
    expect(t.dates![0]!.toISOString()).toBe('2012-01-01T00:00:00.000Z');
    expect(t.reordered).toBe(false);
    expect(t.columns.temp_max![0]).toBeCloseTo(12.8, 5);
  });

  it('loadMobyDick gives the whole book as one text', async () => {
    const text = await loadMobyDick();
    expect(text.length).toBeGreaterThan(1_200_000);
    expect(text.startsWith('CONTENTS')).toBe(true);
    expect(text).toContain('CHAPTER 1. Loomings.\n\nCall me Ishmael.');
    expect(text).toContain('CHAPTER 135. The Chase.—Third Day.');
  });

  it('loadSpamAssassin labels 6046 emails and strips headers unless asked', async () => {
    const emails = await loadSpamAssassin();
    expect(emails.length).toBe(6046);
    expect(emails.filter((e) => e.label === 1).length).toBe(1896);
    expect(new Set(emails.filter((e) => e.label === 1).map((e) => e.group))).toEqual(new Set(['spam-1', 'spam-2']));
    expect(emails[0]!.text).not.toMatch(/^Return-Path:/m);
    const full = await loadSpamAssassin({ headers: true });
    expect(full[0]!.text.startsWith('From ')).toBe(true);
    expect(full[0]!.text.endsWith(emails[0]!.text)).toBe(true);
  });
});
