/** The worker of bench/responsiveness.ts: the tutorial model, served to the page with serveModel. */
import { serveModel } from '../src/index';
import { forecastModel } from '../demo/lib/forecastJob';

serveModel(forecastModel);
