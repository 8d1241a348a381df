/** The Text page's worker: it builds the trainer or the generator (one per worker), off the page's main thread. */
import { serveModel } from '../../src/index';
import { textModel } from './model';

serveModel(textModel);
