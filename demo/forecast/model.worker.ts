/** The Forecast page's worker: it builds and trains the tutorial's model, so the page's main thread stays free. */
import { serveModel } from '../../src/index';
import { forecastModel } from '../lib/forecastJob';

serveModel(forecastModel);
