// `node --import ./register-electron-stub.mjs dist/main.js`: resolves `electron` to the stub.
import { register } from 'node:module';

register('./resolve-electron.mjs', import.meta.url);
