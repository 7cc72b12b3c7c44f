// Nx loads plugins without a TypeScript transpiler (it would look for ts-node or @swc-node), so
// this CommonJS entry loads the typed plugin (plugin.ts) through tsx's API, as the executors do.
module.exports = require('tsx/cjs/api').require('./plugin.ts', __filename);
