// Module resolve hook: the bare specifier `electron` becomes electron-stub.mjs.
const stub = new URL('./electron-stub.mjs', import.meta.url).href;

export async function resolve(specifier, context, next) {
  return specifier === 'electron' ? { url: stub, shortCircuit: true } : next(specifier, context);
}
