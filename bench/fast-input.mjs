// Writes a request's three strings straight into the wasm engine's input buffer and classifies
// it there (`inputBuffer` + `classifyInput`): no allocation per request, unlike passing JS
// strings (which costs a malloc and a free per string inside the module).
// The extension's service worker uses the same few lines.

const encoder = new TextEncoder();

export function fastClassifier(engine, memory) {
  let capacity = 0;
  let view = new Uint8Array(0);
  const reserve = (len) => {
    // A view of memory that has since grown is detached: its length reads 0.
    if (len > capacity || view.byteLength === 0) {
      capacity = Math.max(len, capacity, 4096);
      view = new Uint8Array(memory.buffer, engine.inputBuffer(capacity), capacity);
    }
  };
  // ASCII (nearly every URL) byte by byte; anything else through TextEncoder.
  const put = (s, at) => {
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) return encoder.encodeInto(s, view.subarray(at)).written;
      view[at + i] = c;
    }
    return n;
  };
  return function classify(url, source, type) {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    reserve(3 * (url.length + source.length + type.length));
    const a = put(url, 0);
    const b = put(source, a);
    const c = put(type, a + b);
    return engine.classifyInput(a, b, c);
  };
}
