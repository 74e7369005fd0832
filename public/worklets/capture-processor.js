// Microphone capture at the device's own rate (the AudioContext is created at that rate).
// Samples leave the audio thread in ~100 ms blocks, mixed to mono, with the block's peak level
// for the meter. A 'flush' message sends the partial block so stopping loses nothing.
class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    // `sampleRate` is a global of the AudioWorkletGlobalScope.
    this.block = new Float32Array(Math.max(128, Math.round(sampleRate / 10)));
    this.filled = 0;
    this.peak = 0;
    this.port.onmessage = (event) => {
      if (event.data === 'flush') {
        this.post();
        this.port.postMessage({ type: 'flushed' });
      }
    };
  }

  post() {
    if (this.filled === 0) return;
    const samples = this.block.slice(0, this.filled);
    this.port.postMessage({ type: 'samples', samples, peak: this.peak }, [samples.buffer]);
    this.filled = 0;
    this.peak = 0;
  }

  process(inputs) {
    const channels = inputs[0];
    // No channels while the source is not (yet) connected or the device went away.
    if (!channels || channels.length === 0) return true;
    const frames = channels[0].length;
    const scale = 1 / channels.length;
    for (let i = 0; i < frames; i++) {
      let v = 0;
      for (let c = 0; c < channels.length; c++) v += channels[c][i];
      v *= scale;
      this.block[this.filled++] = v;
      const a = v < 0 ? -v : v;
      if (a > this.peak) this.peak = a;
      if (this.filled === this.block.length) this.post();
    }
    return true;
  }
}

registerProcessor('auscult-capture', CaptureProcessor);
