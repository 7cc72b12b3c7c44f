// re2-wasm, loaded on first use. re2-wasm compiles its WebAssembly module as it is loaded (40 ms
// of a 0.6 s render), and the model packages construct their RE2 patterns when they are loaded
// (one, in @kubernetes-models/prometheus-operator) though a render seldom tests one. The bundle
// (renderer.mjs) imports this module for `re2-wasm`: each pattern is a stand-in that constructs
// the real RE2 when any of its members is first used, and hands every member on to it.
function RE2(...args) {
  let real;
  const target = () => (real ??= new (require('re2-wasm').RE2)(...args));
  return new Proxy({}, {
    get(_t, key) {
      const value = target()[key];
      return typeof value === 'function' ? value.bind(target()) : value;
    },
  });
}

module.exports = { RE2 };
