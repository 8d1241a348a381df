/**
 * `layers.timeDistributed({ layer })`: Keras's TimeDistributed around a Dense, the same Dense on every timestep
 * of a sequence [batch, timesteps, features] → [batch, timesteps, units]. webrnn's Dense already does this on a
 * sequence (as Keras's Dense does on its last axis), so the wrapper binds its Dense as is; what it adds is the
 * name, the shape check and the file format TF.js and Keras write (weights named `time_distributed/kernel`).
 */
import { ShapeError, ValueError } from '../errors';
import { defaultName, inputSpec, knownKeys } from './config';
import { Dense } from './dense';
import { Layer, type Act, type BindContext, type LayerRun, type ParamSpec } from './layer';

export interface TimeDistributedLayerConfig {
  /** The layer applied at every timestep: a Dense. */
  layer: Dense;
  inputShape?: number[];
  batchInputShape?: number[];
  batchSize?: number;
  name?: string;
}

const KEYS = ['layer', 'inputShape', 'batchInputShape', 'batchSize', 'name'] as const;

export class TimeDistributed extends Layer {
  readonly className = 'TimeDistributed';
  readonly layer: Dense;
  private readonly where: string;

  constructor(options: TimeDistributedLayerConfig) {
    const config = options ?? ({} as TimeDistributedLayerConfig);
    const name = config.name ?? defaultName('time_distributed');
    const where = `timeDistributed '${name}'`;
    knownKeys(where, config, KEYS);
    const given = inputSpec(where, config);
    super(name, given.shape, given.batchSize);
    this.where = where;
    const layer: unknown = config.layer;
    if (!(layer instanceof Dense)) {
      const got = layer instanceof Layer ? layer.className : JSON.stringify(layer);
      throw new ValueError(`${where}: layer must be a Dense (layers.dense({ units })), the layer webrnn applies at every timestep; got ${got}`);
    }
    this.layer = layer;
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 2) throw new ShapeError(`${this.where} expects input [batch, timesteps, features]; got [batch, ${inputShape.join(', ')}]`);
    return this.layer.build(inputShape);
  }

  paramSpecs(inputShape: number[]): ParamSpec[] {
    return this.layer.paramSpecs(inputShape);
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, layer: { class_name: 'Dense', config: this.layer.getConfig() } };
  }

  /** The wrapped layer sees the sequence's rows, so it decides (Dense passes the mask on). */
  override outputMasked(inputMasked: boolean): boolean {
    return this.layer.outputMasked(inputMasked);
  }

  override get skipsMaskedSteps(): boolean {
    return this.layer.skipsMaskedSteps;
  }

  bind(ctx: BindContext, input: Act): LayerRun {
    return this.layer.bind(ctx, input);
  }
}
