/** webrnn's public surface. Everything a user imports is listed here, by name. */
export { createRuntime, Runtime } from './gpu/runtime';
export type { Backend, RuntimeOptions, RuntimeStats, AdapterSummary, KernelChoice } from './gpu/runtime';
export { lstmForward, lstmBackward } from './ops/lstm';
export type { LstmInputs, LstmOptions, LstmOutputs, LstmGrads, LstmGradients } from './ops/lstmArgs';
export { gruForward, gruBackward } from './ops/gru';
export type { GruInputs, GruOptions, GruOutputs, GruGrads, GruGradients } from './ops/gruArgs';
export { simpleRnnForward, simpleRnnBackward } from './ops/simpleRnn';
export type { SimpleRnnInputs, SimpleRnnOptions, SimpleRnnOutputs, SimpleRnnGrads, SimpleRnnGradients } from './ops/simpleRnnArgs';
export { sruForward, sruBackward } from './ops/sru';
export type { SruInputs, SruOptions, SruOutputs, SruGrads, SruGradients } from './ops/sruArgs';
export { echoStateForward, echoStateBackward } from './ops/echoState';
export type { EchoStateInputs, EchoStateOptions, EchoStateOutputs, EchoStateGrads, EchoStateGradients } from './ops/echoStateArgs';
export { spectralRadius } from './ops/spectralRadius';
export type { Tensor, TensorLike, NestedArray, ForeignTensor } from './tensor';
export type { CellActivation, GateActivation } from './kernels/activations';
export {
  WebRnnError,
  ShapeError,
  ValueError,
  WebGPUUnavailableError,
  DeviceLostError,
  DisposedError,
  ModelFormatError,
  DeviceLimitError,
  OutOfMemoryError,
  NonFiniteLossError,
  WorkerError,
} from './errors';
export { saveArtifacts, loadArtifacts, memorySink } from './io/artifacts';
export { encodeWeights, decodeWeights } from './io/weights';
export { listIndexedDbModels, deleteIndexedDbModel } from './io/indexedDb';
export type { ModelArtifacts, ModelArtifactsInfo, SaveResult, ArtifactsSink, WeightSpec, WeightGroup, NamedWeight } from './io/types';
export type { StoredModelInfo } from './io/indexedDb';
export { loadLayersModel } from './model/load';
export { artifactsToOnnx, loadOnnxModel, type OnnxExportOptions } from './io/onnx/index';
export type { LoadOptions } from './model/load';
export type { SaveOptions } from './model/save';
export { fromTorchStateDict, toTorchStateDict, readStateDict, writeStateDictJson, writeStateDictSafetensors } from './io/pytorch';
export type { StateDict, TorchModuleKind, TorchModuleSpec, TorchConvertOptions } from './io/pytorch';
export { readSafetensors, writeSafetensors } from './io/safetensors';
export type { SafetensorsContents } from './io/safetensors';
export { sequential, Sequential } from './model/sequential';
export type { SequentialOptions } from './model/sequential';
export { model, Functional } from './model/functional';
export type { ModelConfig, FunctionalCompileArgs, ModelData } from './model/functional';
export { input, SymbolicTensor } from './model/symbolic';
export type { InputConfig, InputDtype, SymbolicResult } from './model/symbolic';
export { serveModel } from './worker/serveModel';
export type { ModelBuilder, ServeEndpoint } from './worker/serveModel';
export { remoteModel, RemoteModel } from './worker/remoteModel';
export type { WorkerLike } from './worker/remoteModel';
export type { RemoteModelInfo } from './worker/wire';
export type { LastGoodWeights } from './model/epochEnd';
// A namespace of functions, so an app's bundler keeps only the layers it calls (src/layers/factories.ts).
export * as layers from './layers/factories';
export * as initializers from './layers/initializerFactories';
export type { InitializerSpec, InitializerName, InitializerConfig, TfjsInitializerLike } from './layers/initializerConfig';
export {
  Layer,
  RecurrentLayer,
  LSTM,
  GRU,
  SimpleRNN,
  SRU,
  EchoState,
  Bidirectional,
  Dense,
  Embedding,
  Dropout,
  SpatialDropout1D,
  RepeatVector,
  Masking,
  GlobalAveragePooling1D,
  GlobalMaxPooling1D,
  TimeDistributed,
  LayerNormalization,
  Concatenate,
  Add,
  Multiply,
  Average,
  Activation,
  Dot,
  Attention,
  AdditiveAttention,
} from './layers/index';
export type {
  LstmLayerConfig,
  GruLayerConfig,
  SimpleRnnLayerConfig,
  SruLayerConfig,
  EchoStateLayerConfig,
  BidirectionalLayerConfig,
  RecurrentLayerConfig,
  DenseLayerConfig,
  EmbeddingLayerConfig,
  DropoutLayerConfig,
  RepeatVectorLayerConfig,
  MaskingLayerConfig,
  GlobalPoolingLayerConfig,
  TimeDistributedLayerConfig,
  LayerNormalizationLayerConfig,
  ConcatenateLayerConfig,
  MergeLayerConfig,
  ActivationLayerConfig,
  DotLayerConfig,
  AttentionLayerConfig,
} from './layers/index';
export type { MergeMode } from './kernels/bidirectionalMerge';
export { optimizers, resolveOptimizer, OPTIMIZER_NAMES } from './optim/optimizers';
export type {
  OptimizerConfig,
  OptimizerName,
  AdamConfig,
  SgdConfig,
  RmspropConfig,
  AdamOptions,
  SgdOptions,
  RmspropOptions,
  GradientClipOptions,
} from './optim/optimizers';
export { resolveLoss, resolveMetric } from './optim/losses';
export type { LossOptions } from './optim/losses';
export type { LossConfig, LossKind } from './kernels/losses';
export type { MetricConfig, MetricKind } from './kernels/metrics';
export { MinMaxScaler, StandardScaler, scalerFromJSON, makeWindows, chronologicalSplit, prepareSeries, parseCsv, stackColumns, csvWindows } from './data/index';
export type { CsvWindows, CsvWindowsOptions, CsvSource, CsvStreamInput, RowSpan } from './data/index';
export { CharVocabulary, WordVocabulary, splitWords, padSequences, PAD_ID, UNKNOWN_ID } from './data/index';
export { mackeyGlass } from './data/index';
export type { MackeyGlassOptions } from './data/index';
export type { SeriesInput, MinMaxScalerOptions, InverseTransformOptions, ScalerJSON, MinMaxScalerJSON, StandardScalerJSON } from './data/index';
export type { WindowOptions, Windows, SplitFractions, RowRange, ChronologicalSplit, PrepareSeriesOptions, PreparedSeries } from './data/index';
export type { CsvOptions, CsvTable, VocabularyOptions, VocabularyJSON, PadOptions } from './data/index';
export { callbacks, EarlyStopping } from './model/callbacks';
export type { Callback, History, Logs, EarlyStoppingArgs, TrainableModel } from './model/callbacks';
export type { FitArgs } from './model/sequential';
export type { RidgeOptions, RidgeResult } from './model/ridge';
export type { Dataset, Batch, BatchIterator, FitDatasetArgs } from './model/dataset';
export type { CompileArgs } from './model/training';
