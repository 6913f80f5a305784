// `@app/shared/json`: canonical JSON, the byte form hashes and signatures are computed over.
export { canonicalJson } from './canonical-json';
