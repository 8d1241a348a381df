/**
 * Study page: the founding brief's §7.1 study in the browser — LSTM, GRU, SimpleRNN, SRU and an echo-state network
 * on the same series, across window lengths and activations (demo/lib/study/study.ts), and the ESN's Mackey–Glass
 * benchmark; trained in a worker (study.worker.ts), reported with the tables and charts of `npm run study`.
 */
import { adapterLine } from '../lib/report';
import { $, applyEpochsParam, clearError, input, intValue, params, quick, setState, showError } from '../lib/page';
import { STUDY_DATASETS } from '../lib/study/data';
import { studyCharts, studyHtml, type StudyResult } from '../lib/study/report';
import { DEFAULT_STUDY, STUDY_CELLS, type StudyRow } from '../lib/study/study';
import type { StudyRequest } from './study.worker';

const runButton = $('run') as HTMLButtonElement;

const checked = (name: string) => Array.from(document.querySelectorAll<HTMLInputElement>(`input[name=${name}]:checked`), (i) => i.value);

function numbers(id: string): number[] {
  const values = input(id)
    .value.split(',')
    .map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 2))
    throw new Error(`Windows must be integers ≥ 2, comma-separated; got ${JSON.stringify(input(id).value)}`);
  return values;
}

function run(): void {
  clearError();
  let request: StudyRequest;
  try {
    const datasets = checked('dataset');
    const cells = checked('cell') as StudyRequest['options']['cells'];
    if (datasets.length === 0 || cells.length === 0) throw new Error('Choose at least one dataset and one cell');
    request = {
      kind: 'run',
      datasets,
      options: {
        ...DEFAULT_STUDY,
        windows: numbers('windows'),
        cells,
        activations: checked('activation') as StudyRequest['options']['activations'],
        epochs: intValue('epochs'),
        ...(quick ? { units: 8, esnUnits: 40 } : {}),
      },
      benchmark: input('benchmark').checked ? { units: quick ? 60 : 400, trials: quick ? 2 : 10, lstmEpochs: quick ? 2 : 60 } : null,
    };
    if (request.options.activations.length === 0 && cells.some((c) => c !== 'esn')) throw new Error('Choose an activation for the trained cells');
  } catch (e) {
    showError(e);
    return;
  }
  runButton.disabled = true;
  setState({ status: 'training', result: {} });
  const rows: StudyRow[] = [];
  const worker = new Worker(new URL('./study.worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent) => {
    const m = event.data as {
      kind: string;
      adapter?: StudyResult['adapter'];
      row?: StudyRow;
      done?: number;
      total?: number;
      result?: StudyResult;
      message?: string;
    };
    if (m.kind === 'adapter') $('adapter').textContent = `${adapterLine(m.adapter!)}, in a worker`;
    else if (m.kind === 'row') {
      rows.push(m.row!);
      $('progress').textContent = `${m.done} of ${m.total} runs: ${m.row!.dataset}, ${m.row!.cell} ${m.row!.activation}, window ${m.row!.window}`;
      $('charts').innerHTML = studyCharts(rows).join('');
      setState({ epochsDone: rows.length });
    } else if (m.kind === 'done') {
      const result = m.result!;
      $('progress').textContent = `Done in ${result.seconds.toFixed(0)} s${result.mackeyGlass ? ', benchmark included' : ''}.`;
      // The report's own page, inside this one: its charts and tables.
      const doc = new DOMParser().parseFromString(studyHtml(result), 'text/html');
      $('report').replaceChildren(...Array.from(doc.body.children).filter((el) => el.tagName !== 'H1'));
      $('charts').replaceChildren();
      setState({ status: 'done', result: { rows: result.rows.length, mackeyGlass: result.mackeyGlass?.nrmse84 ?? null } });
      runButton.disabled = false;
      worker.terminate();
    } else if (m.kind === 'error') {
      showError(new Error(m.message));
      setState({ status: 'error', error: m.message ?? 'error' });
      runButton.disabled = false;
      worker.terminate();
    }
  };
  worker.postMessage(request);
}

function boot(): void {
  $('datasets').innerHTML = STUDY_DATASETS.map(
    (d) => `<label><input type="checkbox" name="dataset" value="${d}" ${quick && d !== 'mackey-glass' ? '' : 'checked'} /> ${d}</label>`,
  ).join(' ');
  $('cells').innerHTML = STUDY_CELLS.map((c) => `<label><input type="checkbox" name="cell" value="${c}" checked /> ${c}</label>`).join(' ');
  if (quick) {
    input('windows').value = '5';
    input('epochs').value = '1';
    for (const el of Array.from(document.querySelectorAll<HTMLInputElement>('input[name=activation][value=relu]'))) el.checked = false;
  }
  applyEpochsParam();
  runButton.disabled = false;
  runButton.onclick = run;
  $('adapter').textContent = 'WebGPU runs in a worker; its adapter is named here once a run starts.';
  setState({ status: 'ready' });
  if (params.get('auto') === '1') run();
}

boot();
