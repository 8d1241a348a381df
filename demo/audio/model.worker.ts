/** The Audio page's worker: it builds and trains the digit model, so the page's main thread stays free. */
import { serveModel } from '../../src/index';
import { digitModel } from './model';

serveModel(digitModel);
