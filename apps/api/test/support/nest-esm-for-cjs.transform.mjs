// Jest transformer for @nestjs/throttler's build, the one CommonJS package of the Nest stack: its
// `require("@nestjs/common")` / `require("@nestjs/core")` would load the ESM-only Nest packages,
// which Jest on Node 20 cannot require (Node itself can, since 20.19, which is why production needs
// none of this). They are replaced by the very module instances the test's ESM graph imported,
// which nest-esm-for-cjs.setup.ts publishes; a second, CommonJS-compiled copy of Nest would break
// its DI tokens (Reflector) and `instanceof` checks.
import { createHash } from 'node:crypto';

const NEST = /require\("(@nestjs\/(?:common|core))"\)/g;

export default {
  process(source) {
    return { code: source.replace(NEST, (_, id) => `globalThis[Symbol.for('tasklane.jest.nest-esm')](${JSON.stringify(id)})`) };
  },
  getCacheKey(source, path) {
    return createHash('sha1').update('nest-esm-for-cjs-1').update(path).update(source).digest('hex');
  },
};
