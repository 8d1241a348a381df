/**
 * Entry of out/forecast.html: `npm start` bundles this file (uPlot and its CSS included) into the page as one
 * inline script, next to the results as inline JSON, so the file opens anywhere without a server or network.
 */
import 'uplot/dist/uPlot.min.css';
import { REPORT_CSS, renderReport, type ReportData } from '../lib/report';

const data = JSON.parse(document.getElementById('report-data')!.textContent!) as ReportData;
document.head.append(Object.assign(document.createElement('style'), { textContent: REPORT_CSS }));
const root = document.getElementById('report')!;
renderReport(root, data, Math.min(1000, document.documentElement.clientWidth - 48));
document.body.dataset.rendered = 'true';
