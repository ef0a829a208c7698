// The workerd entry: smoke-app.mjs as a module Worker.
import { app } from './smoke-app.mjs';

export default { fetch: app.fetch };
