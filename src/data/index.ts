/**
 * Data utilities: scaling, windowing, chronological splits, CSV and text vocabularies. The bundled datasets
 * (datasets.ts) are for the apps and tests and are not part of the library entry: their packages are
 * devDependencies, tens of megabytes a user of webrnn should not download.
 */
export { MinMaxScaler, StandardScaler, scalerFromJSON } from './scalers';
export type { MinMaxScalerOptions, InverseTransformOptions, MinMaxScalerJSON, StandardScalerJSON, ScalerJSON } from './scalers';
export type { SeriesInput } from './matrix';
export { makeWindows } from './windows';
export type { WindowOptions, Windows } from './windows';
export { chronologicalSplit } from './split';
export type { SplitFractions, RowRange, ChronologicalSplit } from './split';
export { prepareSeries } from './prepare';
export type { PrepareSeriesOptions, PreparedSeries } from './prepare';
export { parseCsv, stackColumns } from './csv';
export { csvWindows } from './csvStream';
export type { CsvWindows, CsvWindowsOptions, CsvSource, CsvStreamInput, RowSpan } from './csvStream';
export type { CsvOptions, CsvTable } from './csv';
export { CharVocabulary, WordVocabulary, splitWords, PAD_ID, UNKNOWN_ID } from './vocabulary';
export type { VocabularyOptions, VocabularyJSON } from './vocabulary';
export { padSequences } from './padSequences';
export type { PadOptions } from './padSequences';
export { mackeyGlass } from './mackeyGlass';
export type { MackeyGlassOptions } from './mackeyGlass';
