// `@app/shared/platform`: building and starting an app: the modules every app imports first, the
// Fastify application with the shared pipeline, and the plain HTTP entry's error handling.
export { platformImports } from './platform-imports';
export {
  configureApp,
  createApp,
  createFastifyAdapter,
} from '../http/create-app';
export { runMain } from './run-main';
