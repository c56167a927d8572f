// For the test and the bench that check the engine's memory stays flat: catches the memory of
// the next WebAssembly instance made in this page (call it before tokenfetch's `init()`, in a
// fresh page). Returns a function giving its size in bytes.
export function catchWasmMemory() {
  let memory;
  for (const name of ["instantiate", "instantiateStreaming"]) {
    const original = WebAssembly[name];
    WebAssembly[name] = async (...args) => {
      const result = await original.apply(WebAssembly, args);
      memory = (result.instance ?? result).exports.memory;
      return result;
    };
  }
  return () => memory.buffer.byteLength;
}
