// The workerd entry: smoke-app.mjs as a module Worker.
import { fetchHandler } from './smoke-app.mjs';

export default { fetch: (request) => fetchHandler(request) };
