/**
 * The `initializers` namespace, named as TF.js's `tf.initializers`: `initializers.heNormal({ seed: 1 })` gives
 * what a layer's `kernelInitializer` (and the other initializer options) accepts. Each returns the Keras JSON
 * form, `{ className, config }`; src/layers/initializerConfig.ts reads and checks it when the layer is made.
 */
import type { InitializerConfig } from './initializerConfig';

type Seed = { seed?: number };
const make = (className: string, config: object = {}): InitializerConfig => ({ className, config: { ...config } });

export const zeros = (): InitializerConfig => make('Zeros');
export const ones = (): InitializerConfig => make('Ones');
export const constant = (config: { value: number }): InitializerConfig => make('Constant', config);
export const identity = (config: { gain?: number } = {}): InitializerConfig => make('Identity', config);
export const orthogonal = (config: { gain?: number } & Seed = {}): InitializerConfig => make('Orthogonal', config);
export const randomUniform = (config: { minval?: number; maxval?: number } & Seed = {}): InitializerConfig => make('RandomUniform', config);
export const randomNormal = (config: { mean?: number; stddev?: number } & Seed = {}): InitializerConfig => make('RandomNormal', config);
export const truncatedNormal = (config: { mean?: number; stddev?: number } & Seed = {}): InitializerConfig => make('TruncatedNormal', config);
export const varianceScaling = (
  config: { scale?: number; mode?: 'fanIn' | 'fanOut' | 'fanAvg'; distribution?: 'uniform' | 'normal' | 'truncatedNormal' | 'untruncatedNormal' } & Seed = {},
): InitializerConfig => make('VarianceScaling', config);
export const glorotUniform = (config: Seed = {}): InitializerConfig => make('GlorotUniform', config);
export const glorotNormal = (config: Seed = {}): InitializerConfig => make('GlorotNormal', config);
export const heUniform = (config: Seed = {}): InitializerConfig => make('HeUniform', config);
export const heNormal = (config: Seed = {}): InitializerConfig => make('HeNormal', config);
export const leCunUniform = (config: Seed = {}): InitializerConfig => make('LeCunUniform', config);
export const leCunNormal = (config: Seed = {}): InitializerConfig => make('LeCunNormal', config);
