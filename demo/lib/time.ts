/** Timestamps for forecast steps past the end of a dated series. */
const DAY = 86_400_000;

/**
 * The next `horizon` times after the last one, spaced by the series' median step. A daily series with no row
 * on a Saturday or Sunday (stock closes) continues on weekdays only, so a 30-day forecast means 30 sessions.
 */
export function futureTimes(times: readonly number[], horizon: number): number[] {
  if (times.length < 2) throw new Error(`futureTimes needs at least 2 dated rows to find the step; got ${times.length}`);
  const steps = times
    .slice(1)
    .map((t, i) => t - times[i]!)
    .sort((a, b) => a - b);
  const step = steps[Math.floor(steps.length / 2)]!;
  if (isMonthly(times, step)) return addMonths(times[times.length - 1]!, horizon);
  const weekdaysOnly = step === DAY && times.every((t) => !isWeekend(t));
  const out: number[] = [];
  let t = times[times.length - 1]!;
  while (out.length < horizon) {
    t += step;
    if (!weekdaysOnly || !isWeekend(t)) out.push(t);
  }
  return out;
}

function isWeekend(t: number): boolean {
  const day = new Date(t).getUTCDay();
  return day === 0 || day === 6;
}

/** Rows a calendar month apart on the same day of the month (monthly data: 28 to 31 days per step). */
function isMonthly(times: readonly number[], step: number): boolean {
  const day = new Date(times[0]!).getUTCDate();
  return step >= 28 * DAY && step <= 31 * DAY && day <= 28 && times.every((t) => new Date(t).getUTCDate() === day);
}

function addMonths(last: number, horizon: number): number[] {
  return Array.from({ length: horizon }, (_, k) => {
    const d = new Date(last);
    d.setUTCMonth(d.getUTCMonth() + k + 1);
    return d.getTime();
  });
}
