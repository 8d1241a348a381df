/** The Classify page's worker: it builds and trains the spam model, so the page's main thread stays free. */
import { serveModel } from '../../src/index';
import { spamModel } from './model';

serveModel(spamModel);
