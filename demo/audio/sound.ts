/**
 * Sound in the page, as the features want it: mono float samples at 11025 Hz. A dropped file or a recording is
 * decoded by the browser (WAV, and whatever else it can decode) and resampled by an OfflineAudioContext; the
 * bundled training clips are one µ-law WAV file read by wavefile, split by its index.
 */
import { WaveFile } from 'wavefile';
import { SAMPLE_RATE } from './features';

export interface ClipIndex {
  source: string;
  sampleRate: number;
  digits: string[];
  clips: { digit: number; accent: string; variant: string; speed: number; pitch: number; start: number; length: number }[];
}

/** The bundled clips (made by makeSpokenDigits.mjs), or an error saying how to make them. */
export async function loadSpokenDigits(): Promise<{ index: ClipIndex; samples: Float32Array }> {
  // Literal URLs, so that a production build (vite build) finds the files and ships them as assets.
  const urls = [new URL('./data/spoken-digits.wav', import.meta.url), new URL('./data/spoken-digits.json', import.meta.url)];
  const [wav, json] = await Promise.all(
    urls.map(async (url) => {
      const response = await fetch(url);
      const type = response.headers.get('content-type') ?? '';
      // Vite answers a missing file with the page itself (text/html): that is "not made yet" too.
      if (!response.ok || type.includes('text/html')) {
        throw new Error(
          "The training clips are not there: make them with `node demo/audio/makeSpokenDigits.mjs` (needs Debian's espeak-ng: apt-get install -y espeak-ng), then reload.",
        );
      }
      return response.arrayBuffer();
    }),
  );
  const index = JSON.parse(new TextDecoder().decode(json)) as ClipIndex;
  const file = new WaveFile(new Uint8Array(wav!));
  file.fromMuLaw();
  const ints = file.getSamples(false, Int16Array) as unknown as Int16Array;
  return { index, samples: Float32Array.from(ints, (v) => v / 32768) };
}

/** Any audio the browser can decode, as mono samples at SAMPLE_RATE; an error naming the file otherwise. */
export async function decodeAudio(bytes: ArrayBuffer, name: string): Promise<Float32Array> {
  let buffer: AudioBuffer;
  try {
    buffer = await new OfflineAudioContext(1, 1, SAMPLE_RATE).decodeAudioData(bytes);
  } catch (e) {
    throw new Error(`${name} is not audio this browser can decode (${(e as Error).message || e}); drop a WAV file.`, { cause: e });
  }
  const ctx = new OfflineAudioContext(1, Math.max(1, Math.ceil(buffer.duration * SAMPLE_RATE)), SAMPLE_RATE);
  const source = ctx.createBufferSource();
  source.buffer = buffer; // rendered into one channel: the browser downmixes and resamples
  source.connect(ctx.destination);
  source.start();
  return (await ctx.startRendering()).getChannelData(0);
}

/** `seconds` of the microphone, recorded with MediaRecorder, decoded as above. */
export async function record(seconds: number): Promise<Float32Array> {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('This browser offers no microphone here (it needs https or localhost); drop a WAV file instead.');
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true }).catch((e: Error) => {
    throw new Error(`The microphone was not available (${e.message}); allow it, or drop a WAV file instead.`, { cause: e });
  });
  try {
    const recorder = new MediaRecorder(stream);
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    const stopped = new Promise((resolve) => (recorder.onstop = resolve));
    recorder.start();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    recorder.stop();
    await stopped;
    return decodeAudio(await new Blob(chunks, { type: recorder.mimeType }).arrayBuffer(), 'the recording');
  } finally {
    stream.getTracks().forEach((t) => t.stop());
  }
}
