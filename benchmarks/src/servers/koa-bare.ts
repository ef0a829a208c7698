/** Koa with no session library: the ceiling of the Koa targets. */
import { createServer } from 'node:http';
import Koa from 'koa';
import { increment, readCount, readSession } from './bare-sessions.js';
import { listen } from './server-common.js';

const app = new Koa();
app.use((context) => {
  if (context.method === 'POST' && context.path === '/api/counter') {
    const result = increment(readSession(context.get('cookie') || undefined));
    if (result.setCookie) context.set('Set-Cookie', result.setCookie);
    context.body = { count: result.count };
  } else if (context.method === 'GET' && context.path === '/api/session') {
    context.body = { count: readCount(readSession(context.get('cookie') || undefined)) };
  }
});
listen(createServer(app.callback()));
