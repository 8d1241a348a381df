/** Vocabularies keep Keras's ids (0 padding, 1 unknown, then by frequency) and round-trip; padSequences matches Keras. */
import { describe, expect, it } from 'vitest';
import { ModelFormatError, ValueError } from '../src/errors';
import { padSequences } from '../src/data/padSequences';
import { CharVocabulary, PAD_ID, UNKNOWN_ID, WordVocabulary, splitWords } from '../src/data/vocabulary';

describe('CharVocabulary', () => {
  it('reserves 0 and 1, then ranks characters by frequency with ties in order of first appearance', () => {
    const v = CharVocabulary.fromText('abcab');
    expect(v.tokens).toEqual(['', '\uFFFD', 'a', 'b', 'c']);
    expect(v.size).toBe(5);
    expect([PAD_ID, UNKNOWN_ID]).toEqual([0, 1]);
    expect(v.encode('cabz')).toEqual([4, 2, 3, 1]);
    expect(v.decode([0, 0, 4, 2, 1])).toBe('ca\uFFFD');
  });

  it('treats a code point beyond the BMP as one character, and honours maxSize and lowercase', () => {
    const v = CharVocabulary.fromText('😀a😀', { maxSize: 3 });
    expect(v.tokens).toEqual(['', '\uFFFD', '😀']);
    expect(v.encode('😀a')).toEqual([2, 1]);
    const lower = CharVocabulary.fromText('AaB', { lowercase: true, unknownToken: '?' });
    expect(lower.tokens).toEqual(['', '?', 'a', 'b']);
    expect(lower.decode(lower.encode('BAx'))).toBe('ba?');
  });

  it('round-trips through JSON', () => {
    const v = CharVocabulary.fromText('hello world', { unknownToken: '<unk>' });
    const copy = CharVocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(copy.tokens).toEqual(v.tokens);
    expect(copy.encode('low!')).toEqual(v.encode('low!'));
    expect(copy.unknownToken).toBe('<unk>');
  });
});

describe('WordVocabulary', () => {
  it('lowercases, drops punctuation, keeps inner apostrophes, ranks by frequency', () => {
    expect(splitWords("Don't stop -- the whale's Back, 2 times!")).toEqual(["Don't", 'stop', 'the', "whale's", 'Back', '2', 'times']);
    const v = WordVocabulary.fromText(['The whale, the sea.', 'THE WHALE!']);
    expect(v.tokens).toEqual(['', '[UNK]', 'the', 'whale', 'sea']);
    expect(v.encode('The sea, the ship')).toEqual([2, 4, 2, 1]);
    expect(v.decode([0, 2, 3, 1])).toBe('the whale [UNK]');
  });

  it('keeps maxSize - 2 words and respects lowercase: false', () => {
    const v = WordVocabulary.fromText('a a a b b c', { maxSize: 4 });
    expect(v.tokens).toEqual(['', '[UNK]', 'a', 'b']);
    expect(v.encode('c')).toEqual([1]);
    const cased = WordVocabulary.fromText('Ship ship', { lowercase: false });
    expect(cased.encode('ship Ship SHIP')).toEqual([3, 2, 1]);
  });

  it('round-trips through JSON, keeping lowercase', () => {
    const v = WordVocabulary.fromText('Call me Ishmael. Call me.', { maxSize: 10 });
    const copy = WordVocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(copy.toJSON()).toEqual(v.toJSON());
    expect(copy.encode('CALL ME Ahab')).toEqual([2, 3, 1]);
  });

  it('names bad input, bad ids and corrupt JSON', () => {
    expect(() => WordVocabulary.fromText(5 as never)).toThrow('WordVocabulary.fromText expects a string or an array of strings; got number 5');
    expect(() => CharVocabulary.fromText(['a'] as never)).toThrow('CharVocabulary.fromText expects a string; got an array of length 1');
    expect(() => WordVocabulary.fromText('a', { maxSize: 1 })).toThrow(
      'WordVocabulary.fromText maxSize must be an integer ≥ 2 (ids including padding 0 and unknown 1); got number 1',
    );
    expect(() => WordVocabulary.fromText('a', { unknownToken: '' })).toThrow('unknownToken must be a non-empty string');
    expect(() => WordVocabulary.fromText('a', { max: 3 } as never)).toThrow('WordVocabulary.fromText got unknown option max');
    const v = WordVocabulary.fromText('a b');
    expect(() => v.decode([2, 9])).toThrow('WordVocabulary.decode: ids[1] is 9; ids must be integers in [0, 3] for this vocabulary of size 4');
    expect(() => v.decode([1.5])).toThrow(ValueError);
    expect(() => v.encode(null as never)).toThrow('WordVocabulary.encode expects a string; got null');
    expect(() => WordVocabulary.fromJSON({ className: 'CharVocabulary', tokens: ['', '?'], lowercase: true })).toThrow(ModelFormatError);
    expect(() => WordVocabulary.fromJSON({ className: 'WordVocabulary', tokens: ['x', '[UNK]'], lowercase: true })).toThrow(
      "tokens must be an array starting with '' (padding, id 0)",
    );
    expect(() => WordVocabulary.fromJSON({ className: 'WordVocabulary', tokens: ['', '[UNK]', 'a', 'a'], lowercase: true })).toThrow(
      'tokens[3] is a duplicate of "a"',
    );
    expect(() => WordVocabulary.fromJSON({ className: 'WordVocabulary', tokens: ['', '[UNK]'] })).toThrow('lowercase must be true or false; got undefined');
    expect(() => CharVocabulary.fromJSON({ className: 'CharVocabulary', tokens: ['', '?', 'ab'], lowercase: false })).toThrow(
      'tokens[2] is "ab"; every token after the unknown token (id 1) must be one character',
    );
  });
});

describe('padSequences', () => {
  const seqs = [[1, 2, 3], [4], [5, 6, 7, 8, 9]];

  it('pads and truncates at the front by default, like Keras, to the longest length', () => {
    const t = padSequences(seqs);
    expect(t.shape).toEqual([3, 5]);
    expect([...t.data]).toEqual([0, 0, 1, 2, 3, 0, 0, 0, 0, 4, 5, 6, 7, 8, 9]);
    expect([...padSequences(seqs, { maxLen: 3 }).data]).toEqual([1, 2, 3, 0, 0, 4, 7, 8, 9]);
  });

  it("honours padding: 'post', truncating: 'post' and a padding value", () => {
    const t = padSequences(seqs, { maxLen: 2, padding: 'post', truncating: 'post', value: -1 });
    expect([...t.data]).toEqual([1, 2, 4, -1, 5, 6]);
    expect(padSequences([]).shape).toEqual([0, 0]);
    expect([...padSequences([[]], { maxLen: 2 }).data]).toEqual([0, 0]);
  });

  it('names bad options and non-numeric ids', () => {
    expect(() => padSequences(seqs, { maxLen: 0 })).toThrow('padSequences maxLen must be an integer ≥ 1 (length of every padded row); got number 0');
    expect(() => padSequences(seqs, { padding: 'both' as never })).toThrow("padSequences padding must be 'pre' or 'post'; got the string \"both\"");
    expect(() => padSequences(seqs, { truncating: 'end' as never })).toThrow("padSequences truncating must be 'pre' or 'post'");
    expect(() => padSequences([[1, Number.NaN]])).toThrow('padSequences: sequences[0][1] is number NaN; expected a finite number of magnitude ≤ 2^24');
    expect(() => padSequences([[2 ** 25]])).toThrow('sequences[0][0] is number 33554432');
    expect(() => padSequences([5] as never)).toThrow('padSequences: sequences[0] must be an array of numbers; got number 5');
    expect(() => padSequences(seqs, { value: Number.NaN })).toThrow('padSequences value must be a finite number');
    expect(() => padSequences(seqs, { maxlen: 3 } as never)).toThrow('padSequences got unknown option maxlen');
  });
});
