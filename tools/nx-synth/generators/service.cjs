// Nx loads generators without a TypeScript transpiler, so this CommonJS entry loads the typed
// generator (service.ts) through tsx's API, as plugin.cjs and the executors do.
const generator = require('tsx/cjs/api').require('./service.ts', __filename);
module.exports = generator.default;
// for tests: the values file edit on its own
module.exports.addWebService = generator.addWebService;
