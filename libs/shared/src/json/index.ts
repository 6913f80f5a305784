// `@app/shared/json`: canonical JSON, the byte form hashes and signatures are computed over, and
// leaving empty members out of what is stored and returned.
export { canonicalJson } from './canonical-json';
export { withoutEmpty } from './without-empty';
