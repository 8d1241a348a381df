/**
 * Character and word vocabularies with Keras's id conventions (TextVectorization, Tokenizer with oov_token):
 *
 *   id 0  padding (the empty string; padSequences fills with it, an Embedding with mask_zero skips it)
 *   id 1  the unknown token: anything not in the vocabulary encodes to 1 ('[UNK]' for words, '\uFFFD' for chars)
 *   id 2… tokens by descending frequency in the text they were built from; ties in order of first appearance
 *
 * `maxSize` counts ids 0 and 1 as TextVectorization's max_tokens does: maxSize 100 keeps the 98 most frequent
 * tokens. Characters are Unicode code points, so an emoji or an accented letter written as one code point is one
 * token. Words: the text is lowercased (by default) and split into runs of letters and digits, joined by inner
 * apostrophes ("don't" is one word); other punctuation is dropped, like Tokenizer's default filters.
 */
import { ModelFormatError, ValueError } from '../errors';
import { checkInteger, checkKnownOptions, describe } from './matrix';

export const PAD_ID = 0;
export const UNKNOWN_ID = 1;

export interface VocabularyOptions {
  /** Total ids including padding (0) and unknown (1); unlimited by default. */
  maxSize?: number;
  /** Lowercase before counting and encoding; words default true, characters false. */
  lowercase?: boolean;
  /** The string id 1 decodes to. */
  unknownToken?: string;
}

export interface VocabularyJSON {
  className: 'CharVocabulary' | 'WordVocabulary';
  /** tokens[id]; tokens[0] is '' (padding), tokens[1] the unknown token. */
  tokens: string[];
  lowercase: boolean;
}

abstract class Vocabulary {
  protected abstract readonly className: 'CharVocabulary' | 'WordVocabulary';
  protected abstract readonly separator: string;
  readonly tokens: readonly string[];
  readonly lowercase: boolean;
  private readonly ids: Map<string, number>;

  protected constructor(tokens: string[], lowercase: boolean) {
    this.tokens = Object.freeze([...tokens]);
    this.lowercase = lowercase;
    this.ids = new Map(tokens.map((t, i) => [t, i]));
  }

  /** Number of ids, padding and unknown included (the Embedding's inputDim). */
  get size(): number {
    return this.tokens.length;
  }

  get unknownToken(): string {
    return this.tokens[UNKNOWN_ID]!;
  }

  protected abstract split(text: string): string[];

  encode(text: string): number[] {
    if (typeof text !== 'string') throw new ValueError(`${this.className}.encode expects a string; got ${describe(text)}`);
    return this.split(this.lowercase ? text.toLowerCase() : text).map((t) => this.ids.get(t) ?? UNKNOWN_ID);
  }

  /** Padding ids are skipped; 1 becomes the unknown token. */
  decode(ids: readonly number[] | ArrayLike<number>): string {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= this.size) {
        throw new ValueError(
          `${this.className}.decode: ids[${i}] is ${id}; ids must be integers in [0, ${this.size - 1}] for this vocabulary of size ${this.size}`,
        );
      }
      if (id !== PAD_ID) out.push(this.tokens[id]!);
    }
    return out.join(this.separator);
  }

  toJSON(): VocabularyJSON {
    return { className: this.className, tokens: [...this.tokens], lowercase: this.lowercase };
  }

  protected static tokensFrom(split: string[], options: VocabularyOptions, fallbackUnknown: string, fn: string): string[] {
    const maxSize = options.maxSize === undefined ? Infinity : checkInteger(options.maxSize, `${fn} maxSize`, 2, 'ids including padding 0 and unknown 1');
    const unknown = options.unknownToken ?? fallbackUnknown;
    if (typeof unknown !== 'string' || unknown === '') throw new ValueError(`${fn} unknownToken must be a non-empty string; got ${describe(unknown)}`);
    const counts = new Map<string, number>();
    for (const t of split) counts.set(t, (counts.get(t) ?? 0) + 1);
    counts.delete(unknown); // the unknown token keeps id 1 even when it occurs in the text
    // Map iteration is insertion order, and Array.prototype.sort is stable: ties stay in order of first appearance.
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([t]) => t);
    return ['', unknown, ...ranked.slice(0, Math.max(0, maxSize - 2))];
  }

  protected static checkedJSON(json: unknown, className: string): VocabularyJSON {
    const j = json as Partial<VocabularyJSON> | null;
    if (typeof j !== 'object' || j === null || j.className !== className) {
      throw new ModelFormatError(`${className}.fromJSON expects an object with className "${className}"; got ${describe(j?.className ?? j)}`);
    }
    const tokens = j.tokens;
    if (!Array.isArray(tokens) || tokens.length < 2 || tokens[0] !== '' || typeof tokens[1] !== 'string' || tokens[1] === '') {
      throw new ModelFormatError(`${className} JSON: tokens must be an array starting with '' (padding, id 0) and the unknown token (id 1)`);
    }
    const seen = new Set<string>();
    tokens.forEach((t, i) => {
      if (typeof t !== 'string' || seen.has(t))
        throw new ModelFormatError(
          `${className} JSON: tokens[${i}] is ${typeof t === 'string' ? `a duplicate of ${JSON.stringify(t)}` : describe(t)}; tokens must be distinct strings`,
        );
      seen.add(t);
    });
    if (typeof j.lowercase !== 'boolean') throw new ModelFormatError(`${className} JSON: lowercase must be true or false; got ${describe(j.lowercase)}`);
    return j as VocabularyJSON;
  }
}

export class CharVocabulary extends Vocabulary {
  protected readonly className = 'CharVocabulary';
  protected readonly separator = '';

  static fromText(text: string, options: VocabularyOptions = {}): CharVocabulary {
    checkKnownOptions(options, ['maxSize', 'lowercase', 'unknownToken'], 'CharVocabulary.fromText');
    if (typeof text !== 'string') throw new ValueError(`CharVocabulary.fromText expects a string; got ${describe(text)}`);
    const lowercase = options.lowercase ?? false;
    const chars = [...(lowercase ? text.toLowerCase() : text)];
    return new CharVocabulary(Vocabulary.tokensFrom(chars, options, '\uFFFD', 'CharVocabulary.fromText'), lowercase);
  }

  static fromJSON(json: unknown): CharVocabulary {
    const j = Vocabulary.checkedJSON(json, 'CharVocabulary');
    const long = j.tokens.findIndex((t, i) => i > 1 && [...t].length !== 1); // id 1 may be any unknown token
    if (long >= 0)
      throw new ModelFormatError(
        `CharVocabulary JSON: tokens[${long}] is ${JSON.stringify(j.tokens[long])}; every token after the unknown token (id 1) must be one character`,
      );
    return new CharVocabulary(j.tokens, j.lowercase);
  }

  protected split(text: string): string[] {
    return [...text];
  }
}

const WORD = /[\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{N}\p{M}]+)*/gu;

export class WordVocabulary extends Vocabulary {
  protected readonly className = 'WordVocabulary';
  protected readonly separator = ' ';

  /** Built from one text or several documents. */
  static fromText(text: string | readonly string[], options: VocabularyOptions = {}): WordVocabulary {
    checkKnownOptions(options, ['maxSize', 'lowercase', 'unknownToken'], 'WordVocabulary.fromText');
    const docs = typeof text === 'string' ? [text] : text;
    if (!Array.isArray(docs) || docs.some((d) => typeof d !== 'string')) {
      throw new ValueError(`WordVocabulary.fromText expects a string or an array of strings; got ${describe(text)}`);
    }
    const lowercase = options.lowercase ?? true;
    const words = docs.flatMap((d) => splitWords(lowercase ? d.toLowerCase() : d));
    return new WordVocabulary(Vocabulary.tokensFrom(words, options, '[UNK]', 'WordVocabulary.fromText'), lowercase);
  }

  static fromJSON(json: unknown): WordVocabulary {
    const j = Vocabulary.checkedJSON(json, 'WordVocabulary');
    return new WordVocabulary(j.tokens, j.lowercase);
  }

  protected split(text: string): string[] {
    return splitWords(text);
  }
}

/** The word splitter both vocabularies-of-words use; exported so callers can count or inspect tokens the same way. */
export function splitWords(text: string): string[] {
  return text.match(WORD) ?? [];
}
